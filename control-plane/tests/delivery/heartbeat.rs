//! `POST /api/sdk/heartbeat` (contract 004) and `GET …/environments/{envId}/sdks`.

use crate::backend_tests;
use crate::fixtures::{org, token, ACME};
use crate::harness::TestApp;
use crate::support::{acme_with_flag, sdk_key};
use serde_json::json;

backend_tests!(
    heartbeats_answer_success_and_are_counted_per_sdk,
    unknown_keys_and_bad_heartbeats_are_refused,
);

async fn heartbeats_answer_success_and_are_counted_per_sdk(app: TestApp) {
    let production = acme_with_flag(&app, "new_checkout").await;
    let staging = sdk_key(&app, "staging").await;
    let beat = |key: &str, version: &str| json!({ "sdkKey": key, "sdkType": "@halyard/sdk", "sdkVersion": version });
    for body in [
        beat(&production, "0.1.0"),
        beat(&production, "0.1.0"),
        beat(&production, "0.2.0"),
        beat(&staging, "0.1.0"),
    ] {
        let reply = app
            .post("/api/sdk/heartbeat")
            .anonymous()
            .json(body)
            .send()
            .await;
        assert_eq!(reply.status.as_u16(), 200, "{}", reply.text);
        assert_eq!(reply.text, r#"{"success":true}"#);
        assert_eq!(reply.headers["content-type"], "application/json");
    }
    // sendBeacon-style text/plain works as well: the body is what counts.
    app.post("/api/sdk/heartbeat")
        .anonymous()
        .header("content-type", "text/plain;charset=UTF-8")
        .json(
            json!({ "sdkKey": production, "sdkType": "@halyard/sdk/edge", "sdkVersion": "0.2.0" }),
        )
        .expect(200)
        .await;

    let sdks = app
        .get(&format!("{ACME}/environments/production/sdks"))
        .data()
        .await;
    let sdks = sdks.as_array().expect("array");
    assert_eq!(sdks.len(), 3, "{sdks:?}");
    let row = |ty: &str, version: &str| {
        sdks.iter()
            .find(|s| s["sdkType"] == ty && s["sdkVersion"] == version)
            .unwrap_or_else(|| panic!("no {ty} {version} in {sdks:?}"))
    };
    let twice = row("@halyard/sdk", "0.1.0");
    assert_eq!(twice["heartbeats"], 2);
    assert!(twice["firstSeenAt"].as_str() <= twice["lastSeenAt"].as_str());
    assert_eq!(row("@halyard/sdk", "0.2.0")["heartbeats"], 1);
    assert_eq!(row("@halyard/sdk/edge", "0.2.0")["heartbeats"], 1);
    let staging_sdks = app
        .get(&format!("{ACME}/environments/staging/sdks"))
        .data()
        .await;
    assert_eq!(staging_sdks.as_array().expect("array").len(), 1);

    app.get(&format!("{ACME}/environments/production/sdks"))
        .anonymous()
        .expect(401)
        .await;
    org(&app, "other").await;
    let stranger = token(&app, "other", &["admin"]).await;
    app.get(&format!("{ACME}/environments/production/sdks"))
        .token(&stranger)
        .expect(404)
        .await;
}

async fn unknown_keys_and_bad_heartbeats_are_refused(app: TestApp) {
    let key = acme_with_flag(&app, "new_checkout").await;
    let unknown = app
        .post("/api/sdk/heartbeat")
        .anonymous()
        .json(json!({ "sdkKey": "sdk_nope", "sdkType": "@halyard/sdk", "sdkVersion": "0.1.0" }))
        .expect(404)
        .await;
    assert_eq!(unknown["error"], "unknown SDK key");
    let missing = app
        .post("/api/sdk/heartbeat")
        .anonymous()
        .json(json!({ "sdkKey": key, "sdkVersion": "0.1.0" }))
        .expect(422)
        .await;
    assert!(
        missing["error"]
            .as_str()
            .expect("error")
            .contains("sdkType"),
        "{missing}"
    );
    let empty = app
        .post("/api/sdk/heartbeat")
        .anonymous()
        .json(json!({ "sdkKey": key, "sdkType": " ", "sdkVersion": "0.1.0" }))
        .expect(422)
        .await;
    assert_eq!(empty["error"], "sdkType: must not be empty");
    let long = app
        .post("/api/sdk/heartbeat")
        .anonymous()
        .json(json!({ "sdkKey": key, "sdkType": "@halyard/sdk", "sdkVersion": "1".repeat(65) }))
        .expect(422)
        .await;
    assert_eq!(long["error"], "sdkVersion: must be at most 64 characters");
    app.post("/api/sdk/heartbeat")
        .anonymous()
        .raw("{\"sdkKey\":")
        .expect(400)
        .await;
    let sdks = app
        .get(&format!("{ACME}/environments/production/sdks"))
        .data()
        .await;
    assert_eq!(sdks, json!([]));
}
