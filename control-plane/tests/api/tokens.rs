use crate::harness::TestApp;
use crate::{assert_snapshot, backend_tests, fixtures};
use serde_json::json;

async fn tokens_are_shown_once_and_revocable(app: TestApp) {
    fixtures::org(&app, "acme").await;
    let created = app
        .post("/api/orgs/acme/tokens")
        .json(json!({ "name": "CI", "permissions": ["write", "read", "write"] }))
        .expect(201)
        .await;
    assert_snapshot!("created", created);
    let secret = created["data"]["secret"].as_str().unwrap().to_owned();
    let id = created["data"]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        created["data"]["tokenPrefix"].as_str().unwrap(),
        &secret[..8]
    );

    let list = app.get("/api/orgs/acme/tokens").data().await;
    assert_snapshot!("listed", list);
    assert!(
        !list.to_string().contains(&secret),
        "the secret is never listed"
    );

    app.get("/api/orgs/acme/projects")
        .token(&secret)
        .expect(200)
        .await;
    let revoked = app
        .delete(&format!("/api/orgs/acme/tokens/{id}"))
        .data()
        .await;
    assert!(revoked["revokedAt"].is_string());
    app.get("/api/orgs/acme/projects")
        .token(&secret)
        .expect(401)
        .await;
    app.delete("/api/orgs/acme/tokens/tok_0000000000000000")
        .expect(404)
        .await;
}

async fn token_input_is_validated(app: TestApp) {
    fixtures::org(&app, "acme").await;
    let none = app
        .post("/api/orgs/acme/tokens")
        .json(json!({ "name": "x", "permissions": [] }))
        .expect(422)
        .await;
    assert_eq!(
        none["error"],
        "permissions: must name at least one permission"
    );
    let unknown = app
        .post("/api/orgs/acme/tokens")
        .json(json!({ "name": "x", "permissions": ["root"] }))
        .expect(422)
        .await;
    assert!(
        unknown["error"]
            .as_str()
            .unwrap()
            .starts_with("permissions[0]: unknown variant `root`"),
        "{unknown}"
    );
    // Only admins manage tokens.
    let writer = fixtures::token(
        &app,
        "acme",
        &["write", "publishProduction", "createExperiments"],
    )
    .await;
    app.get("/api/orgs/acme/tokens")
        .token(&writer)
        .expect(403)
        .await;
    app.post("/api/orgs/acme/tokens")
        .token(&writer)
        .json(json!({ "name": "x", "permissions": ["admin"] }))
        .expect(403)
        .await;
    let admin = fixtures::token(&app, "acme", &["admin"]).await;
    app.get("/api/orgs/acme/tokens")
        .token(&admin)
        .expect(200)
        .await;
}

backend_tests!(
    tokens_are_shown_once_and_revocable,
    token_input_is_validated
);
