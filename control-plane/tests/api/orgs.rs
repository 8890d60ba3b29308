use crate::harness::TestApp;
use crate::{assert_snapshot, backend_tests, fixtures};
use serde_json::json;

async fn organizations_crud(app: TestApp) {
    let created = app
        .post("/api/orgs")
        .json(json!({ "id": "org-nansen-akademiet", "name": "  Nansen Akademiet " }))
        .expect(201)
        .await;
    assert_snapshot!("created", created);
    fixtures::org(&app, "org_812").await;

    let list = app.get("/api/orgs").data().await;
    let ids: Vec<_> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["org-nansen-akademiet", "org_812"]);

    // Every organization starts with project `default` and its auto-publishing production environment.
    let projects = app.get("/api/orgs/org_812/projects").data().await;
    assert_eq!(projects.as_array().unwrap().len(), 1);
    assert_eq!(projects[0]["key"], "default");
    let envs = app
        .get("/api/orgs/org_812/projects/default/environments")
        .data()
        .await;
    assert_snapshot!("default_environments", envs);

    let renamed = app
        .patch("/api/orgs/org_812")
        .json(json!({ "name": "Org 812 AS" }))
        .data()
        .await;
    assert_eq!(renamed["name"], "Org 812 AS");
    assert_eq!(
        app.get("/api/orgs/org_812").data().await["name"],
        "Org 812 AS"
    );

    let taken = app
        .post("/api/orgs")
        .json(json!({ "id": "org_812", "name": "again" }))
        .expect(409)
        .await;
    assert_eq!(taken["error"], "organization `org_812` already exists");

    app.delete("/api/orgs/org_812").expect(200).await;
    let gone = app.get("/api/orgs/org_812").expect(404).await;
    assert_eq!(gone["error"], "organization `org_812` not found");
    app.get("/api/orgs/org_812/projects").expect(404).await;
    app.delete("/api/orgs/org_812").expect(404).await;
}

async fn organization_input_is_validated(app: TestApp) {
    let bad_id = app
        .post("/api/orgs")
        .json(json!({ "id": "no spaces", "name": "x" }))
        .expect(422)
        .await;
    assert!(
        bad_id["error"].as_str().unwrap().starts_with("id: must be"),
        "{bad_id}"
    );
    let no_name = app
        .post("/api/orgs")
        .json(json!({ "id": "ok", "name": " " }))
        .expect(422)
        .await;
    assert_eq!(no_name["error"], "name: must not be empty");
    let missing = app
        .post("/api/orgs")
        .json(json!({ "id": "ok" }))
        .expect(422)
        .await;
    assert!(missing["error"]
        .as_str()
        .unwrap()
        .starts_with("body: missing field `name`"));
    app.get("/api/orgs/nope").expect(404).await;
    app.patch("/api/orgs/nope")
        .json(json!({ "name": "x" }))
        .expect(404)
        .await;
}

backend_tests!(organizations_crud, organization_input_is_validated);
