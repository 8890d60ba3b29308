//! `POST …/environments/{envId}/evaluate`: server-side evaluation of the
//! current published datafile.

use crate::backend_tests;
use crate::fixtures::{boolean_flag, org, token, ACME};
use crate::harness::TestApp;
use crate::support::{acme_with_flag, set_enabled};
use serde_json::json;
use std::time::Duration;

backend_tests!(
    evaluates_one_flag_or_all_of_them,
    errors_return_the_default_value,
    bad_requests_and_missing_datafiles_are_refused,
);

fn evaluate(env: &str) -> String {
    format!("{ACME}/environments/{env}/evaluate")
}

async fn evaluates_one_flag_or_all_of_them(app: TestApp) {
    acme_with_flag(&app, "new_checkout").await;
    boolean_flag(&app, "holiday_banner").await;
    set_enabled(&app, "new_checkout", "production", true).await;
    let reader = token(&app, "acme", &["read"]).await;
    let body = json!({ "context": { "key": "user-1", "attributes": { "country": "NO" } }, "now": 1_770_000_000_000_i64 });
    // Production auto-publishes; the toggle reaches the cache through the feed.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    let all = loop {
        let all = app
            .post(&evaluate("production"))
            .token(&reader)
            .json(body.clone())
            .data()
            .await;
        if all["results"][1]["reason"] == "DEFAULT" || tokio::time::Instant::now() > deadline {
            break all;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(all["now"], 1_770_000_000_000_i64);
    let env = app
        .get(&format!("{ACME}/environments/production"))
        .data()
        .await;
    assert_eq!(all["revision"], env["revision"]);
    assert_eq!(
        all["results"],
        json!([
            { "flagKey": "holiday_banner", "value": false, "variation": "off", "reason": "DISABLED",
              "ruleId": null, "errorCode": null, "versionSufficient": null, "dateReached": null },
            { "flagKey": "new_checkout", "value": true, "variation": "on", "reason": "DEFAULT",
              "ruleId": null, "errorCode": null, "versionSufficient": null, "dateReached": null },
        ])
    );
    let one = app
        .post(&evaluate("production"))
        .json(json!({ "flagKey": "new_checkout", "context": {}, "now": "2026-06-15T12:00:00Z" }))
        .data()
        .await;
    assert_eq!(one["now"], 1_781_524_800_000_i64);
    assert_eq!(one["results"].as_array().expect("array").len(), 1);
    assert_eq!(one["results"][0]["value"], true);
    // No `now`: the server's clock.
    let clocked = app
        .post(&evaluate("production"))
        .json(json!({}))
        .data()
        .await;
    assert!(clocked["now"].as_i64().expect("now") > 1_770_000_000_000);
}

async fn errors_return_the_default_value(app: TestApp) {
    acme_with_flag(&app, "new_checkout").await;
    let unknown = app
        .post(&evaluate("production"))
        .json(json!({ "flagKey": "nope", "defaultValue": "fallback" }))
        .data()
        .await;
    assert_eq!(
        unknown["results"][0],
        json!({ "flagKey": "nope", "value": "fallback", "variation": null, "reason": "ERROR",
                "ruleId": null, "errorCode": "FLAG_NOT_FOUND", "versionSufficient": null, "dateReached": null })
    );
    let mismatch = app
        .post(&evaluate("production"))
        .json(json!({ "flagKey": "new_checkout", "valueType": "string", "defaultValue": "x" }))
        .data()
        .await;
    assert_eq!(mismatch["results"][0]["errorCode"], "TYPE_MISMATCH");
    assert_eq!(mismatch["results"][0]["value"], "x");
    let typed = app
        .post(&evaluate("production"))
        .json(json!({ "flagKey": "new_checkout", "valueType": "boolean" }))
        .data()
        .await;
    assert_eq!(typed["results"][0]["reason"], "DISABLED");
}

async fn bad_requests_and_missing_datafiles_are_refused(app: TestApp) {
    acme_with_flag(&app, "new_checkout").await;
    let error = |body: serde_json::Value| app.post(&evaluate("production")).json(body).expect(422);
    assert!(error(json!({ "now": "yesterday" })).await["error"]
        .as_str()
        .expect("error")
        .starts_with("now:"));
    assert!(error(json!({ "context": { "key": 5 } })).await["error"]
        .as_str()
        .expect("error")
        .starts_with("context.key"));
    assert!(error(json!({ "valueType": "float" })).await["error"]
        .as_str()
        .expect("error")
        .starts_with("valueType"));
    assert!(error(json!({ "flag": "x" })).await["error"]
        .as_str()
        .expect("error")
        .contains("unknown field"));
    app.post(&evaluate("production")).raw("{").expect(400).await;
    let unpublished = app
        .post(&evaluate("staging"))
        .json(json!({}))
        .expect(404)
        .await;
    assert!(
        unpublished["error"]
            .as_str()
            .expect("error")
            .contains("published datafile"),
        "{unpublished}"
    );
    app.post(&evaluate("nowhere"))
        .json(json!({}))
        .expect(404)
        .await;
    app.post(&evaluate("production"))
        .anonymous()
        .json(json!({}))
        .expect(401)
        .await;
    org(&app, "other").await;
    let stranger = token(&app, "other", &["admin"]).await;
    app.post(&evaluate("production"))
        .token(&stranger)
        .json(json!({}))
        .expect(404)
        .await;
}
