//! OFREP, checked against the shapes of the protocol's OpenAPI document
//! (open-feature/protocol `service/openapi.yaml`): evaluationSuccess
//! `{ key, value, reason, variant, metadata }`, flagNotFound and
//! evaluationFailure `{ key, errorCode, errorDetails }`, bulkEvaluationSuccess
//! `{ flags: [...] }` with `ETag` / `If-None-Match` → 304, 400 / 401 / 403.

use crate::backend_tests;
use crate::fixtures::{boolean_flag, colour_flag, variation, ACME};
use crate::harness::TestApp;
use crate::support::{acme_with_flag, sdk_key, set_enabled};
use serde_json::{json, Value};
use std::time::Duration;

backend_tests!(
    single_flag_evaluation_follows_the_protocol,
    bulk_evaluation_revalidates_with_etags,
    credentials_and_bad_contexts_are_refused,
);

const FLAGS: &str = "/ofrep/v1/evaluate/flags";

async fn post(app: &TestApp, path: &str, key: &str, body: Value) -> crate::harness::Reply {
    app.post(path).token(key).json(body).send().await
}

/// Polls until the environment serves `reason` for `flag` (auto-publish goes through the feed).
async fn wait_for(app: &TestApp, key: &str, flag: &str, reason: &str) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let reply = post(
            app,
            &format!("{FLAGS}/{flag}"),
            key,
            json!({ "context": {} }),
        )
        .await;
        if reply.body["reason"] == reason {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{flag} never became {reason}: {}",
            reply.text
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn single_flag_evaluation_follows_the_protocol(app: TestApp) {
    let key = acme_with_flag(&app, "new_checkout").await;
    let disabled = post(
        &app,
        &format!("{FLAGS}/new_checkout"),
        &key,
        json!({ "context": { "targetingKey": "user-1" } }),
    )
    .await;
    assert_eq!(disabled.status.as_u16(), 200, "{}", disabled.text);
    assert_eq!(
        disabled.body,
        json!({ "key": "new_checkout", "value": false, "reason": "DISABLED", "variant": "off",
                "metadata": { "halyardReason": "DISABLED" } })
    );

    // A 50/50 split keyed on targetingKey (→ key → userId): SPLIT with the rule in metadata.
    let flag = colour_flag(&app, "button_color").await;
    let rule = app
        .post(&format!("{ACME}/flags/button_color/envs/production/rules"))
        .json(
            json!({ "type": "AB_TEST", "name": "colours", "trafficAllocation": 1.0,
            "variations": [{ "variationId": variation(&flag, "blue"), "percentage": 0.5 },
                           { "variationId": variation(&flag, "green"), "percentage": 0.5 }],
            "audienceIds": [] }),
        )
        .data()
        .await;
    set_enabled(&app, "button_color", "production", true).await;
    wait_for(&app, &key, "button_color", "DEFAULT").await;
    let mut seen = std::collections::BTreeSet::new();
    for user in 0..20 {
        let context =
            json!({ "context": { "targetingKey": format!("user-{user}"), "country": "NO" } });
        let reply = post(
            &app,
            &format!("{FLAGS}/button_color"),
            &key,
            context.clone(),
        )
        .await;
        assert_eq!(reply.status.as_u16(), 200);
        assert_eq!(reply.body["reason"], "SPLIT");
        assert_eq!(
            reply.body["metadata"],
            json!({ "halyardReason": "SPLIT", "ruleId": rule["id"] })
        );
        let variant = reply.body["variant"].as_str().expect("variant").to_owned();
        assert_eq!(
            reply.body["value"],
            json!(variant),
            "the value of the variant"
        );
        // The same decision as Halyard's own evaluate endpoint for the same context.
        let ours = app
            .post(&format!("{ACME}/environments/production/evaluate"))
            .json(json!({ "flagKey": "button_color", "context": { "key": format!("user-{user}"), "attributes": { "country": "NO" } } }))
            .data()
            .await;
        assert_eq!(ours["results"][0]["variation"], json!(variant));
        seen.insert(variant);
    }
    assert_eq!(seen.len(), 2, "both variations among 20 users: {seen:?}");
    // Without a targeting key the split cannot bucket: the default variation.
    let anonymous = post(
        &app,
        &format!("{FLAGS}/button_color"),
        &key,
        json!({ "context": {} }),
    )
    .await;
    assert_eq!(anonymous.body["reason"], "DEFAULT");

    let missing = post(
        &app,
        &format!("{FLAGS}/nope"),
        &key,
        json!({ "context": {} }),
    )
    .await;
    assert_eq!(missing.status.as_u16(), 404);
    assert_eq!(missing.body["key"], "nope");
    assert_eq!(missing.body["errorCode"], "FLAG_NOT_FOUND");
    assert!(missing.body["errorDetails"].is_string());
}

async fn bulk_evaluation_revalidates_with_etags(app: TestApp) {
    let key = acme_with_flag(&app, "new_checkout").await;
    boolean_flag(&app, "holiday_banner").await;
    let context = json!({ "context": { "targetingKey": "user-1" } });
    let first = post(&app, FLAGS, &key, context.clone()).await;
    assert_eq!(first.status.as_u16(), 200, "{}", first.text);
    let flags = first.body["flags"].as_array().expect("flags");
    assert_eq!(flags.len(), 2);
    assert_eq!(flags[0]["key"], "holiday_banner");
    assert_eq!(
        flags[1],
        json!({ "key": "new_checkout", "value": false, "reason": "DISABLED", "variant": "off", "metadata": { "halyardReason": "DISABLED" } })
    );
    let etag = first.headers["etag"].to_str().expect("etag").to_owned();
    assert!(etag.starts_with('"') && etag.ends_with('"'));

    let again = app
        .post(FLAGS)
        .token(&key)
        .header("if-none-match", &etag)
        .json(context.clone())
        .send()
        .await;
    assert_eq!(again.status.as_u16(), 304);
    assert!(again.text.is_empty());
    assert_eq!(again.headers["etag"], etag.as_str());
    // Another context with the same results revalidates too; X-API-Key works as well.
    let same = app
        .post(FLAGS)
        .anonymous()
        .header("x-api-key", &key)
        .header("if-none-match", &etag)
        .json(json!({ "context": { "targetingKey": "user-2" } }))
        .send()
        .await;
    assert_eq!(same.status.as_u16(), 304);

    set_enabled(&app, "new_checkout", "production", true).await;
    wait_for(&app, &key, "new_checkout", "DEFAULT").await;
    let changed = app
        .post(FLAGS)
        .token(&key)
        .header("if-none-match", &etag)
        .json(context)
        .send()
        .await;
    assert_eq!(changed.status.as_u16(), 200);
    assert_ne!(changed.headers["etag"], etag.as_str());
    assert_eq!(changed.body["flags"][1]["value"], true);

    // Never published: no flags.
    let staging = sdk_key(&app, "staging").await;
    let empty = post(&app, FLAGS, &staging, json!({})).await;
    assert_eq!(empty.body, json!({ "flags": [] }));
    let single = post(&app, &format!("{FLAGS}/new_checkout"), &staging, json!({})).await;
    assert_eq!(single.status.as_u16(), 404);
    assert_eq!(single.body["errorCode"], "FLAG_NOT_FOUND");
}

async fn credentials_and_bad_contexts_are_refused(app: TestApp) {
    let key = acme_with_flag(&app, "new_checkout").await;
    let single = format!("{FLAGS}/new_checkout");
    for path in [single.as_str(), FLAGS] {
        let anonymous = app
            .post(path)
            .anonymous()
            .json(json!({ "context": {} }))
            .send()
            .await;
        assert_eq!(anonymous.status.as_u16(), 401, "{path}");
        assert_eq!(anonymous.headers["www-authenticate"], "Bearer");
        assert!(anonymous.body["errorDetails"].is_string());
        let unknown = post(&app, path, "sdk_unknown", json!({ "context": {} })).await;
        assert_eq!(unknown.status.as_u16(), 403, "{path}");
        // A management token is not an SDK key.
        let admin = app.post(path).json(json!({ "context": {} })).send().await;
        assert_eq!(admin.status.as_u16(), 403, "{path}");
    }
    let cases = [
        (json!({ "context": "user-1" }), "INVALID_CONTEXT"),
        (
            json!({ "context": { "targetingKey": 42 } }),
            "INVALID_CONTEXT",
        ),
        (
            json!({ "context": { "appVersion": ["1.0"] } }),
            "INVALID_CONTEXT",
        ),
    ];
    for (body, code) in cases {
        let reply = post(&app, &single, &key, body.clone()).await;
        assert_eq!(reply.status.as_u16(), 400, "{body}");
        assert_eq!(reply.body["key"], "new_checkout");
        assert_eq!(reply.body["errorCode"], code);
        assert!(reply.body["errorDetails"].is_string());
        let bulk = post(&app, FLAGS, &key, body.clone()).await;
        assert_eq!(bulk.status.as_u16(), 400, "{body}");
        assert_eq!(bulk.body["errorCode"], code);
        assert!(
            bulk.body.get("key").is_none(),
            "bulkEvaluationFailure has no key"
        );
    }
    let broken = app
        .post(&single)
        .token(&key)
        .raw("{\"context\":")
        .send()
        .await;
    assert_eq!(broken.status.as_u16(), 400);
    assert_eq!(broken.body["errorCode"], "PARSE_ERROR");
    // No body at all is an empty context.
    let bare = app.post(&single).token(&key).send().await;
    assert_eq!(bare.status.as_u16(), 200, "{}", bare.text);

    let configuration = app.get("/ofrep/v1/configuration").token(&key).send().await;
    assert_eq!(configuration.status.as_u16(), 200);
    assert_eq!(configuration.body["name"], "Halyard");
    assert_eq!(
        configuration.body["capabilities"]["cacheInvalidation"]["polling"]["enabled"],
        true
    );
}
