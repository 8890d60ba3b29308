use crate::backend_tests;
use crate::fixtures;
use crate::harness::TestApp;
use axum::http::Method;
use serde_json::{json, Value};

/// Organization `beta` with one of everything; returns the path parameters naming them.
async fn beta(app: &TestApp) -> Vec<(&'static str, String)> {
    fixtures::org(app, "beta").await;
    let project = app.get("/api/orgs/beta/projects/default").data().await;
    let env = app
        .get("/api/orgs/beta/projects/default/environments/production")
        .data()
        .await;
    let flag = app
        .post("/api/orgs/beta/projects/default/flags")
        .json(json!({ "name": "f", "key": "f", "type": "BOOLEAN",
            "variations": [{ "key": "off", "value": "false" }, { "key": "on", "value": "true" }] }))
        .data()
        .await;
    let audience = app
        .post("/api/orgs/beta/projects/default/audiences")
        .json(json!({ "key": "a", "name": "A" }))
        .data()
        .await;
    let rule = app
        .post("/api/orgs/beta/projects/default/flags/f/envs/production/rules")
        .json(json!({ "type": "AB_TEST", "audienceIds": [audience["id"]],
            "variations": [{ "variationId": fixtures::variation(&flag, "on"), "percentage": 1 }] }))
        .data()
        .await;
    let token = app
        .post("/api/orgs/beta/tokens")
        .json(json!({ "name": "t", "permissions": ["read"] }))
        .data()
        .await;
    let id = |v: &Value| v["id"].as_str().unwrap().to_owned();
    vec![
        ("{orgId}", "beta".to_owned()),
        ("{projectId}", id(&project)),
        ("{envId}", id(&env)),
        ("{flagId}", id(&flag)),
        ("{ruleId}", id(&rule)),
        ("{audienceId}", id(&audience)),
        ("{tokenId}", id(&token)),
    ]
}

async fn org_tokens_never_see_other_organizations(app: TestApp) {
    let params = beta(&app).await;
    fixtures::acme(&app).await;
    let acme_admin = fixtures::token(&app, "acme", &["admin"]).await;
    let before = app
        .get("/api/orgs/beta/projects/default/flags/f")
        .data()
        .await;

    // Every organization endpoint of the API document, with beta's real ids.
    let doc = app.get("/api/openapi.json").anonymous().expect(200).await;
    let mut checked = 0;
    for (template, item) in doc["paths"].as_object().unwrap() {
        if !template.starts_with("/api/orgs/{orgId}") {
            continue;
        }
        let path = params.iter().fold(template.clone(), |path, (name, value)| {
            path.replace(name, value)
        });
        for method in item.as_object().unwrap().keys() {
            let method: Method = method.to_uppercase().parse().unwrap();
            let reply = app
                .call(method.clone(), &path)
                .token(&acme_admin)
                .json(json!({}))
                .send()
                .await;
            assert_eq!(
                reply.status, 404,
                "{method} {path} answered {}: {}",
                reply.status, reply.text
            );
            assert_eq!(reply.body["error"], "organization `beta` not found");
            checked += 1;
        }
    }
    assert!(checked >= 35, "only {checked} endpoints checked");

    // beta's ids under acme's own paths are simply unknown.
    let id = |name: &str| params.iter().find(|(n, _)| *n == name).unwrap().1.clone();
    let acme = "/api/orgs/acme/projects/default";
    for path in [
        format!("/api/orgs/acme/projects/{}", id("{projectId}")),
        format!("{acme}/environments/{}", id("{envId}")),
        format!("{acme}/flags/{}", id("{flagId}")),
        format!("{acme}/audiences/{}", id("{audienceId}")),
    ] {
        app.get(&path).token(&acme_admin).expect(404).await;
    }
    app.delete(&format!("/api/orgs/acme/tokens/{}", id("{tokenId}")))
        .token(&acme_admin)
        .expect(404)
        .await;
    app.patch(&format!(
        "/api/orgs/acme/projects/{}/flags/f/envs/production",
        id("{projectId}")
    ))
    .token(&acme_admin)
    .json(json!({ "enabled": true }))
    .expect(404)
    .await;
    assert_eq!(
        app.get("/api/orgs/beta/projects/default/flags/f")
            .data()
            .await,
        before
    );
}

backend_tests!(org_tokens_never_see_other_organizations);
