use crate::harness::TestApp;
use crate::{assert_snapshot, backend_tests, fixtures};
use serde_json::json;

const ENVS: &str = "/api/orgs/acme/projects/default/environments";

async fn environments_crud(app: TestApp) {
    fixtures::org(&app, "acme").await;
    let staging = app
        .post(ENVS)
        .json(json!({ "key": "staging", "name": "Staging" }))
        .expect(201)
        .await;
    assert_snapshot!("created", staging);
    let id = staging["data"]["id"].as_str().unwrap().to_owned();
    assert!(staging["data"]["sdkKey"]
        .as_str()
        .unwrap()
        .starts_with("sdk_staging_"));

    let list = app.get(ENVS).data().await;
    let keys: Vec<_> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["production", "staging"]);
    assert_eq!(
        app.get(&format!("{ENVS}/{id}")).data().await["key"],
        "staging"
    );

    let updated = app
        .patch(&format!("{ENVS}/staging"))
        .json(json!({ "name": "Pre-production", "autoPublish": true }))
        .data()
        .await;
    assert_eq!(
        (updated["name"].as_str(), updated["autoPublish"].as_bool()),
        (Some("Pre-production"), Some(true))
    );
    app.patch(&format!("{ENVS}/staging"))
        .json(json!({ "key": "x" }))
        .expect(422)
        .await;

    app.post(ENVS)
        .json(json!({ "key": "staging" }))
        .expect(409)
        .await;
    app.delete(&format!("{ENVS}/staging")).expect(200).await;
    app.get(&format!("{ENVS}/{id}")).expect(404).await;
    let protected = app.delete(&format!("{ENVS}/production")).expect(409).await;
    assert_eq!(
        protected["error"],
        "the default project's production environment cannot be deleted"
    );
}

async fn publishing_bumps_the_revision(app: TestApp) {
    fixtures::org(&app, "acme").await;
    app.post(ENVS)
        .json(json!({ "key": "staging" }))
        .expect(201)
        .await;
    let before = app.get(&format!("{ENVS}/staging")).data().await;
    assert_eq!(before["revision"], 0);
    assert!(before["publishedAt"].is_null());
    let published = app.post(&format!("{ENVS}/staging/publish")).data().await;
    assert_eq!(published["revision"], 1);
    assert!(published["publishedAt"].is_string());
    let again = app.post(&format!("{ENVS}/staging/publish")).data().await;
    assert_eq!(again["revision"], 2);
    app.post(&format!("{ENVS}/nope/publish")).expect(404).await;

    // Production needs publishProduction; other environments `write`.
    let writer = fixtures::token(&app, "acme", &["write"]).await;
    app.post(&format!("{ENVS}/staging/publish"))
        .token(&writer)
        .expect(200)
        .await;
    let denied = app
        .post(&format!("{ENVS}/production/publish"))
        .token(&writer)
        .expect(403)
        .await;
    assert_eq!(
        denied["error"],
        "this token lacks the `publishProduction` permission"
    );
    let publisher = fixtures::token(&app, "acme", &["write", "publishProduction"]).await;
    app.post(&format!("{ENVS}/production/publish"))
        .token(&publisher)
        .expect(200)
        .await;
}

backend_tests!(environments_crud, publishing_bumps_the_revision);
