use crate::harness::TestApp;
use crate::{assert_snapshot, backend_tests, fixtures};
use serde_json::json;

async fn projects_crud(app: TestApp) {
    fixtures::org(&app, "acme").await;
    let created = app
        .post("/api/orgs/acme/projects")
        .json(json!({ "key": "mobile", "name": "Mobile apps", "description": "iOS and Android" }))
        .expect(201)
        .await;
    assert_snapshot!("created", created);
    let id = created["data"]["id"].as_str().unwrap().to_owned();

    // By id or by key.
    assert_eq!(
        app.get(&format!("/api/orgs/acme/projects/{id}"))
            .data()
            .await["key"],
        "mobile"
    );
    assert_eq!(
        app.get("/api/orgs/acme/projects/mobile").data().await["id"],
        id.as_str()
    );
    // A new project starts with a production environment.
    let envs = app
        .get("/api/orgs/acme/projects/mobile/environments")
        .data()
        .await;
    assert_eq!(envs[0]["key"], "production");

    let list = app.get("/api/orgs/acme/projects").data().await;
    let keys: Vec<_> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["default", "mobile"]);

    let updated = app
        .patch("/api/orgs/acme/projects/mobile")
        .json(json!({ "key": "apps", "description": "" }))
        .data()
        .await;
    assert_eq!(
        (updated["key"].as_str(), updated["name"].as_str()),
        (Some("apps"), Some("Mobile apps"))
    );
    app.get("/api/orgs/acme/projects/mobile").expect(404).await;

    let taken = app
        .post("/api/orgs/acme/projects")
        .json(json!({ "key": "apps", "name": "x" }))
        .expect(409)
        .await;
    assert_eq!(taken["error"], "project `apps` already exists");
    app.patch("/api/orgs/acme/projects/apps")
        .json(json!({ "key": "default" }))
        .expect(409)
        .await;

    app.delete("/api/orgs/acme/projects/apps").expect(200).await;
    app.get(&format!("/api/orgs/acme/projects/{id}"))
        .expect(404)
        .await;
    app.delete("/api/orgs/acme/projects/apps").expect(404).await;
}

async fn default_project_is_protected(app: TestApp) {
    fixtures::org(&app, "acme").await;
    let error = app
        .delete("/api/orgs/acme/projects/default")
        .expect(409)
        .await;
    assert_eq!(error["error"], "the default project cannot be deleted");
    app.patch("/api/orgs/acme/projects/default")
        .json(json!({ "key": "main" }))
        .expect(409)
        .await;
    app.patch("/api/orgs/acme/projects/default")
        .json(json!({ "name": "Main" }))
        .expect(200)
        .await;
    let bad = app
        .post("/api/orgs/acme/projects")
        .json(json!({ "key": "", "name": "x" }))
        .expect(422)
        .await;
    assert!(bad["error"].as_str().unwrap().starts_with("key: "));
}

backend_tests!(projects_crud, default_project_is_protected);
