use crate::fixtures::{self, ACME};
use crate::harness::TestApp;
use crate::{assert_snapshot, backend_tests};
use serde_json::json;

async fn toggle_and_configure(app: TestApp) {
    fixtures::acme(&app).await;
    let flag = fixtures::boolean_flag(&app, "new_checkout").await;
    let off = fixtures::variation(&flag, "off");
    let staging = format!("{ACME}/flags/new_checkout/envs/staging");

    let toggled = app
        .patch(&staging)
        .json(json!({ "enabled": true }))
        .send()
        .await;
    assert_eq!(toggled.headers["etag"], "\"2\"");
    let toggled = toggled.expect(200)["data"].clone();
    assert_eq!(
        (toggled["enabled"].as_bool(), toggled["version"].as_i64()),
        (Some(true), Some(2))
    );
    assert_eq!(
        toggled["hasPendingChanges"], true,
        "staging waits for an explicit publish"
    );
    let read = app.get(&staging).send().await;
    assert_eq!(read.headers["etag"], "\"2\"");

    let configured = app
        .patch(&staging)
        .json(json!({
            "defaultVariationId": off, "schedulingEnabled": true,
            "scheduledEnableAt": "2025-03-15T09:00:00", "timezone": "America/New_York",
            "rolloutCondition": { "minVersion": "2.4.0", "activationDate": "2025-03-01T00:00:00Z" }
        }))
        .data()
        .await;
    // The local time is read in the timezone and stored as UTC.
    assert_eq!(configured["scheduledEnableAt"], "2025-03-15T13:00:00Z");
    assert_snapshot!("configured", configured);

    let cleared = app
        .patch(&staging)
        .json(json!({ "schedulingEnabled": false, "scheduledEnableAt": null, "rolloutCondition": null }))
        .data()
        .await;
    assert!(cleared["scheduledEnableAt"].is_null() && cleared["rolloutCondition"].is_null());
    assert_eq!(cleared["timezone"], "America/New_York");

    // Publishing clears the pending changes.
    app.post(&format!("{ACME}/environments/staging/publish"))
        .expect(200)
        .await;
    assert_eq!(app.get(&staging).data().await["hasPendingChanges"], false);
    app.get(&format!("{ACME}/flags/new_checkout/envs/nope"))
        .expect(404)
        .await;
    app.get(&format!("{ACME}/flags/nope/envs/staging"))
        .expect(404)
        .await;
}

async fn config_input_is_validated(app: TestApp) {
    fixtures::acme(&app).await;
    fixtures::boolean_flag(&app, "f").await;
    let other = fixtures::boolean_flag(&app, "g").await;
    let staging = format!("{ACME}/flags/f/envs/staging");
    let patch = |body| app.patch(&staging).json(body).expect(422);
    let variation = patch(json!({ "defaultVariationId": fixtures::variation(&other, "on") })).await;
    let unscheduled = patch(json!({ "schedulingEnabled": true })).await;
    let zone = patch(json!({ "timezone": "Mars/Olympus" })).await;
    let instant = patch(json!({ "scheduledEnableAt": "tomorrow" })).await;
    let gap = patch(
        json!({ "scheduledEnableAt": "2025-03-09T02:30:00", "timezone": "America/New_York" }),
    )
    .await;
    let lenient = patch(json!({ "rolloutCondition": { "minVersion": "2.4" } })).await;
    let date = patch(json!({ "rolloutCondition": { "activationDate": "2025-13-01" } })).await;
    let unknown = patch(json!({ "enable": true })).await;
    assert_snapshot!(
        "validation_errors",
        json!({ "variation": variation, "unscheduled": unscheduled, "zone": zone, "instant": instant,
            "gap": gap, "lenient": lenient, "date": date, "unknown": unknown })
    );
    // Nothing was half-written.
    assert_eq!(app.get(&staging).data().await["version"], 1);
}

async fn production_needs_publish_production(app: TestApp) {
    fixtures::acme(&app).await;
    fixtures::boolean_flag(&app, "f").await;
    let production = format!("{ACME}/flags/f/envs/production");
    let writer = fixtures::token(&app, "acme", &["write"]).await;
    let denied = app
        .patch(&production)
        .token(&writer)
        .json(json!({ "enabled": true }))
        .expect(403)
        .await;
    assert_eq!(
        denied["error"],
        "this token lacks the `publishProduction` permission"
    );
    app.patch(&format!("{ACME}/flags/f/envs/staging"))
        .token(&writer)
        .json(json!({ "enabled": true }))
        .expect(200)
        .await;

    let before = app
        .get(&format!("{ACME}/environments/production"))
        .data()
        .await["revision"]
        .as_i64()
        .unwrap();
    let publisher = fixtures::token(&app, "acme", &["write", "publishProduction"]).await;
    let enabled = app
        .patch(&production)
        .token(&publisher)
        .json(json!({ "enabled": true }))
        .data()
        .await;
    // Production auto-publishes: nothing is left pending and the revision moved on.
    assert_eq!(enabled["hasPendingChanges"], false);
    let after = app
        .get(&format!("{ACME}/environments/production"))
        .data()
        .await["revision"]
        .as_i64()
        .unwrap();
    assert_eq!(after, before + 1);
    let reader = fixtures::token(&app, "acme", &["read"]).await;
    app.patch(&production)
        .token(&reader)
        .json(json!({ "enabled": false }))
        .expect(403)
        .await;
}

async fn if_match_guards_the_version(app: TestApp) {
    fixtures::acme(&app).await;
    fixtures::boolean_flag(&app, "f").await;
    let staging = format!("{ACME}/flags/f/envs/staging");
    app.patch(&staging)
        .header("if-match", "\"1\"")
        .json(json!({ "enabled": true }))
        .expect(200)
        .await;
    let stale = app
        .patch(&staging)
        .header("if-match", "\"1\"")
        .json(json!({ "enabled": false }))
        .expect(409)
        .await;
    assert_eq!(
        stale["error"],
        "version mismatch: the configuration is at version 2, If-Match named 1"
    );
    app.patch(&staging)
        .header("if-match", "W/\"2\"")
        .json(json!({ "enabled": false }))
        .expect(200)
        .await;
    app.patch(&staging)
        .header("if-match", "*")
        .json(json!({ "enabled": true }))
        .expect(200)
        .await;
    app.patch(&staging)
        .header("if-match", "latest")
        .json(json!({ "enabled": true }))
        .expect(400)
        .await;
    assert_eq!(app.get(&staging).data().await["version"], 4);
}

backend_tests!(
    toggle_and_configure,
    config_input_is_validated,
    production_needs_publish_production,
    if_match_guards_the_version
);
