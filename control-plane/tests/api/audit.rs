use crate::fixtures::{self, ACME};
use crate::harness::TestApp;
use crate::{assert_snapshot, backend_tests};
use serde_json::{json, Value};

fn actions(page: &Value) -> Vec<&str> {
    page["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect()
}

async fn every_write_is_audited(app: TestApp) {
    fixtures::acme(&app).await;
    let flag = fixtures::boolean_flag(&app, "new_checkout").await;
    let flag_id = flag["id"].as_str().unwrap();
    let writer = fixtures::token(&app, "acme", &["write"]).await;
    app.patch(&format!("{ACME}/flags/new_checkout/envs/staging"))
        .token(&writer)
        .json(json!({ "enabled": true }))
        .expect(200)
        .await;
    app.post(&format!("{ACME}/flags/new_checkout/envs/staging/rules"))
        .json(json!({ "type": "AB_TEST", "variations": [{ "variationId": fixtures::variation(&flag, "on"), "percentage": 1 }] }))
        .expect(201)
        .await;
    fixtures::org(&app, "beta").await;

    let log = "/api/orgs/acme/audit-log";
    let all = app.get(log).expect(200).await;
    assert_eq!(
        actions(&all),
        [
            "flag.rule.create",
            "flag.config.update",
            "token.create",
            "environment.publish",
            "flag.create",
            "environment.create",
            "environment.publish",
            "environment.create",
            "project.create",
            "organization.create",
        ]
    );
    assert!(all["nextCursor"].is_null());

    let history = app
        .get(&format!("{log}?entityType=flag&entityId={flag_id}"))
        .expect(200)
        .await;
    assert_eq!(
        actions(&history),
        ["flag.rule.create", "flag.config.update", "flag.create"]
    );
    assert_eq!(history["data"][1]["actorName"], "write token");
    assert_snapshot!("flag_history", history);

    // Pages follow the cursor, newest first, without overlap.
    let first = app.get(&format!("{log}?limit=4")).expect(200).await;
    let cursor = first["nextCursor"].as_str().unwrap().to_owned();
    let second = app
        .get(&format!("{log}?limit=4&cursor={cursor}"))
        .expect(200)
        .await;
    let third = app
        .get(&format!(
            "{log}?limit=4&cursor={}",
            second["nextCursor"].as_str().unwrap()
        ))
        .expect(200)
        .await;
    let paged: Vec<&str> = [&first, &second, &third]
        .into_iter()
        .flat_map(actions)
        .collect();
    assert_eq!(paged, actions(&all));
    assert!(third["nextCursor"].is_null());

    let created_at = all["data"][0]["createdAt"].as_str().unwrap().to_owned();
    let from = app
        .get(&format!("{log}?from={}", created_at.replace('+', "%2B")))
        .expect(200)
        .await;
    assert!(!from["data"].as_array().unwrap().is_empty());
    assert!(from["data"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["createdAt"].as_str() >= Some(created_at.as_str())));
    assert_eq!(
        app.get(&format!("{log}?from=2999-01-01T00:00:00Z"))
            .expect(200)
            .await["data"],
        json!([])
    );
    assert_eq!(
        app.get(&format!("{log}?to=2000-01-01T00:00:00Z"))
            .expect(200)
            .await["data"],
        json!([])
    );

    app.get(&format!("{log}?from=yesterday")).expect(422).await;
    app.get(&format!("{log}?limit=0")).expect(422).await;
    app.get(&format!("{log}?cursor=abc")).expect(422).await;
    app.get(&format!("{log}?colour=red")).expect(400).await;
    let beta = app.get("/api/orgs/beta/audit-log").expect(200).await;
    assert_eq!(
        actions(&beta),
        [
            "environment.publish",
            "environment.create",
            "project.create",
            "organization.create"
        ]
    );
}

async fn failed_writes_leave_no_trace(app: TestApp) {
    fixtures::acme(&app).await;
    let before = app.get("/api/orgs/acme/audit-log").expect(200).await;
    app.post(&format!("{ACME}/flags"))
        .json(json!({ "name": "x", "key": "x", "type": "BOOLEAN", "variations": [{ "key": "a", "value": "true" }] }))
        .expect(422)
        .await;
    app.post(&format!("{ACME}/environments"))
        .json(json!({ "key": "staging" }))
        .expect(409)
        .await;
    assert_eq!(
        app.get("/api/orgs/acme/audit-log").expect(200).await,
        before
    );
}

backend_tests!(every_write_is_audited, failed_writes_leave_no_trace);
