//! `POST /api/sdk/events` and what `GET …/flags/{flagId}/results` makes of them.

use crate::backend_tests;
use crate::fixtures::ACME;
use crate::harness::TestApp;
use crate::support::acme_with_flag;
use serde_json::{json, Value};

backend_tests!(
    batches_are_accepted_from_beacons,
    malformed_batches_are_rejected_whole,
    oversized_batches_are_refused,
    results_report_impressions_and_conversions_per_variation,
);

const T: u64 = 1_770_000_000_000;

async fn send(app: &TestApp, body: Value) -> crate::harness::Reply {
    app.post("/api/sdk/events")
        .anonymous()
        .header("content-type", "text/plain;charset=UTF-8")
        .json(body)
        .send()
        .await
}

async fn define_events(app: &TestApp) {
    for (key, ty) in [("purchase", "CONVERSION"), ("revenue", "NUMERIC")] {
        app.post(&format!("{ACME}/flag-events"))
            .json(json!({ "key": key, "name": key, "type": ty }))
            .data()
            .await;
    }
}

async fn results(app: &TestApp) -> Value {
    app.get(&format!(
        "{ACME}/flags/new_checkout/results?environment=production"
    ))
    .data()
    .await
}

fn variation<'a>(results: &'a Value, key: &str) -> &'a Value {
    results["environments"][0]["variations"]
        .as_array()
        .and_then(|vs| vs.iter().find(|v| v["variation"] == key))
        .unwrap_or_else(|| panic!("no variation {key} in {results}"))
}

async fn batches_are_accepted_from_beacons(app: TestApp) {
    let key = acme_with_flag(&app, "new_checkout").await;
    let reply = send(&app, json!({ "sdkKey": key, "events": [
        { "type": "impression", "flagKey": "new_checkout", "variation": "on", "ruleId": null, "userKey": "u1", "timestamp": T },
        { "type": "summary", "flagKey": "new_checkout", "variation": "on", "count": 12, "startTimestamp": T, "endTimestamp": T + 60_000 },
        { "type": "custom", "eventKey": "purchase", "userKey": "u1", "timestamp": T + 1 },
        { "type": "custom", "eventKey": "revenue", "value": 9.5, "timestamp": T + 2 },
    ] }))
    .await;
    assert_eq!(reply.status.as_u16(), 202, "{}", reply.text);
    assert_eq!(reply.body, json!({ "accepted": 4 }));
    assert_eq!(reply.headers["access-control-allow-origin"], "*");
    let empty = send(&app, json!({ "sdkKey": key, "events": [] })).await;
    assert_eq!(empty.body, json!({ "accepted": 0 }));
}

async fn malformed_batches_are_rejected_whole(app: TestApp) {
    let key = acme_with_flag(&app, "new_checkout").await;
    let good = json!({ "type": "impression", "flagKey": "new_checkout", "variation": "on", "userKey": "u1", "timestamp": T });
    let cases = [
        (
            json!({ "type": "impression", "variation": "on", "timestamp": T }),
            422,
            "events[1]: missing field `flagKey`",
        ),
        (
            json!({ "type": "teleport", "timestamp": T }),
            422,
            "events[1].type: unknown variant `teleport`",
        ),
        (
            json!({ "type": "summary", "flagKey": "f", "variation": "on", "count": 0, "startTimestamp": T, "endTimestamp": T }),
            422,
            "events[1].count: must be an integer of at least 1",
        ),
        (
            json!({ "type": "summary", "flagKey": "f", "variation": "on", "count": 1, "startTimestamp": T, "endTimestamp": T - 1 }),
            422,
            "events[1].endTimestamp: must not be before startTimestamp",
        ),
        (
            json!({ "type": "custom", "eventKey": "", "timestamp": T }),
            422,
            "events[1].eventKey: must not be empty",
        ),
        (
            json!({ "type": "custom", "eventKey": "purchase", "value": "ten", "timestamp": T }),
            422,
            "events[1]: invalid type",
        ),
        (
            json!({ "type": "impression", "flagKey": "f", "variation": "on", "timestamp": -5 }),
            422,
            "events[1]: invalid value",
        ),
        (
            json!({ "type": "impression", "flagKey": "f", "variation": "on", "userKey": "x".repeat(300), "timestamp": T }),
            422,
            "events[1].userKey: must be at most 256 characters",
        ),
    ];
    for (bad, status, message) in cases {
        let reply = send(&app, json!({ "sdkKey": key, "events": [good, bad] })).await;
        assert_eq!(reply.status.as_u16(), status, "{bad}: {}", reply.text);
        let error = reply.body["error"].as_str().unwrap_or_default();
        assert!(error.starts_with(message), "{bad}: {error}");
    }
    let unknown = send(&app, json!({ "sdkKey": "sdk_nope", "events": [good] })).await;
    assert_eq!(unknown.status.as_u16(), 404);
    assert_eq!(unknown.body["error"], "unknown SDK key");
    let broken = app
        .post("/api/sdk/events")
        .anonymous()
        .raw("{\"sdkKey\": ")
        .send()
        .await;
    assert_eq!(broken.status.as_u16(), 400);
    assert!(broken.body["error"]
        .as_str()
        .expect("error")
        .starts_with("malformed JSON"));
    let no_events = send(&app, json!({ "sdkKey": key })).await;
    assert_eq!(no_events.status.as_u16(), 422);

    // Not even the good first events were stored.
    let results = results(&app).await;
    assert_eq!(variation(&results, "on")["impressions"], 0);
    assert_eq!(variation(&results, "on")["exposedUsers"], 0);
}

async fn oversized_batches_are_refused(app: TestApp) {
    let key = acme_with_flag(&app, "new_checkout").await;
    let event = json!({ "type": "summary", "flagKey": "new_checkout", "variation": "on", "count": 1, "startTimestamp": T, "endTimestamp": T });
    let at_limit = send(
        &app,
        json!({ "sdkKey": key, "events": vec![event.clone(); 1000] }),
    )
    .await;
    assert_eq!(at_limit.status.as_u16(), 202, "{}", at_limit.text);
    let too_many = send(&app, json!({ "sdkKey": key, "events": vec![event; 1001] })).await;
    assert_eq!(too_many.status.as_u16(), 413);
    assert_eq!(too_many.body["error"], "at most 1000 events per request");
    let padding = "x".repeat(600 * 1024);
    let too_big = send(
        &app,
        json!({ "sdkKey": key, "events": [], "padding": padding }),
    )
    .await;
    assert_eq!(too_big.status.as_u16(), 413);
    assert_eq!(
        too_big.body["error"],
        "request body is larger than the limit of 524288 bytes"
    );
    let results = results(&app).await;
    assert_eq!(variation(&results, "on")["evaluations"], 1000);
}

async fn results_report_impressions_and_conversions_per_variation(app: TestApp) {
    let key = acme_with_flag(&app, "new_checkout").await;
    define_events(&app).await;
    let impression = |user: &str, variation: &str, at: u64| json!({ "type": "impression", "flagKey": "new_checkout", "variation": variation, "userKey": user, "timestamp": at });
    let custom = |user: &str, event: &str, value: Option<f64>, at: u64| json!({ "type": "custom", "eventKey": event, "userKey": user, "value": value, "timestamp": at });
    let first = json!({ "sdkKey": key, "events": [
        impression("u1", "on", T), impression("u2", "on", T), impression("u3", "off", T),
        // u2 bought before seeing the flag: not a conversion of it.
        custom("u2", "purchase", None, T - 10),
        custom("u1", "purchase", None, T + 10), custom("u1", "purchase", None, T + 20),
        custom("u3", "purchase", None, T + 10),
        custom("u1", "revenue", Some(30.0), T + 10), custom("u3", "revenue", Some(10.0), T + 10),
        custom("u1", "revenue", Some(20.0), T + 30),
        { "type": "summary", "flagKey": "new_checkout", "variation": "on", "count": 40, "startTimestamp": T, "endTimestamp": T + 1 },
        { "type": "summary", "flagKey": "new_checkout", "variation": "off", "count": 10, "startTimestamp": T, "endTimestamp": T + 1 },
    ] });
    assert_eq!(send(&app, first).await.status.as_u16(), 202);
    // A later session: u1 again (still counted for its first variation), u4 new.
    let second = json!({ "sdkKey": key, "events": [
        impression("u1", "off", T + 100), impression("u4", "off", T + 100),
        custom("u4", "revenue", Some(5.0), T + 200),
    ] });
    assert_eq!(send(&app, second).await.status.as_u16(), 202);

    let results = results(&app).await;
    assert_eq!(results["flagKey"], "new_checkout");
    assert_eq!(results["environments"].as_array().expect("array").len(), 1);
    assert_eq!(results["environments"][0]["environmentKey"], "production");
    let on = variation(&results, "on");
    assert_eq!(on["impressions"], 2);
    assert_eq!(on["exposedUsers"], 2);
    assert_eq!(on["evaluations"], 40);
    let event = |v: &Value, key: &str| {
        v["events"]
            .as_array()
            .and_then(|events| events.iter().find(|e| e["eventKey"] == key))
            .cloned()
            .unwrap_or_else(|| panic!("no {key} in {v}"))
    };
    assert_eq!(
        event(on, "purchase"),
        json!({ "eventKey": "purchase", "type": "CONVERSION", "convertedUsers": 1, "conversions": 2, "conversionRate": 0.5, "mean": null })
    );
    assert_eq!(
        event(on, "revenue"),
        json!({ "eventKey": "revenue", "type": "NUMERIC", "convertedUsers": 1, "conversions": 2, "conversionRate": 0.5, "mean": 25.0 })
    );
    let off = variation(&results, "off");
    assert_eq!(off["impressions"], 3);
    assert_eq!(
        off["exposedUsers"], 2,
        "u3 and u4; u1 stays with its first exposure"
    );
    assert_eq!(off["evaluations"], 10);
    assert_eq!(event(off, "purchase")["convertedUsers"], 1);
    assert_eq!(event(off, "purchase")["conversionRate"], 0.5);
    assert_eq!(event(off, "revenue")["mean"], 7.5);

    // Every environment when none is named; staging saw nothing.
    let all = app
        .get(&format!("{ACME}/flags/new_checkout/results"))
        .data()
        .await;
    let staging = all["environments"]
        .as_array()
        .and_then(|envs| envs.iter().find(|e| e["environmentKey"] == "staging"))
        .expect("staging");
    assert!(staging["variations"]
        .as_array()
        .expect("array")
        .iter()
        .all(|v| v["impressions"] == 0));
    app.get(&format!("{ACME}/flags/nope/results"))
        .expect(404)
        .await;
}
