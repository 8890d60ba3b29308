use crate::harness::TestApp;
use crate::{backend_tests, fixtures};
use serde_json::json;

async fn bad_tokens_answer_401(app: TestApp) {
    fixtures::org(&app, "acme").await;
    let path = "/api/orgs/acme/projects";
    let missing = app.get(path).anonymous().send().await;
    assert_eq!(missing.headers["www-authenticate"], "Bearer");
    missing.expect(401);
    for header in [
        "Basic abc",
        "Bearer",
        "Bearer    ",
        "bearer hly_unknown",
        "hly_no_scheme",
    ] {
        app.get(path)
            .anonymous()
            .header("authorization", header)
            .expect(401)
            .await;
    }
    // The scheme is case-insensitive.
    app.get(path)
        .anonymous()
        .header("authorization", &format!("bEaReR {}", app.admin))
        .expect(200)
        .await;
}

async fn permissions_answer_403(app: TestApp) {
    fixtures::org(&app, "acme").await;
    let reader = fixtures::token(&app, "acme", &["read"]).await;
    app.get("/api/orgs/acme").token(&reader).expect(200).await;
    app.get("/api/orgs/acme/projects/default/environments")
        .token(&reader)
        .expect(200)
        .await;
    let denied = app
        .post("/api/orgs/acme/projects")
        .token(&reader)
        .json(json!({ "key": "x", "name": "x" }))
        .expect(403)
        .await;
    assert_eq!(denied["error"], "this token lacks the `admin` permission");
    // Checked before the body is read.
    app.post("/api/orgs/acme/projects")
        .token(&reader)
        .raw("{not json")
        .expect(403)
        .await;
    // Super-admin-only endpoints.
    let admin = fixtures::token(&app, "acme", &["admin"]).await;
    app.get("/api/orgs").token(&admin).expect(403).await;
    app.post("/api/orgs")
        .token(&admin)
        .json(json!({ "id": "x", "name": "x" }))
        .expect(403)
        .await;
    app.delete("/api/orgs/acme").token(&admin).expect(403).await;
    app.patch("/api/orgs/acme")
        .token(&admin)
        .json(json!({ "name": "Acme" }))
        .expect(200)
        .await;
}

backend_tests!(bad_tokens_answer_401, permissions_answer_403);
