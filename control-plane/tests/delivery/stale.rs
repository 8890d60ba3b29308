//! Evaluation counts from SDK summary events feed the stale indicator.

use crate::backend_tests;
use crate::fixtures::{boolean_flag, variation, ACME};
use crate::harness::TestApp;
use crate::support::{acme_with_flag, set_enabled};
use chrono::{Duration, Utc};
use serde_json::{json, Value};
use sqlx::{Connection, Executor};

backend_tests!(evaluation_counts_make_flags_stale);

/// Moves every change of every flag `days` into the past.
async fn age_flags(app: &TestApp, days: i64) {
    let at = Utc::now() - Duration::days(days);
    let statements = [
        "update flags set updated_at = $1",
        "update flag_environments set updated_at = $1",
    ];
    if app.url.starts_with("postgres") {
        let mut db = sqlx::PgConnection::connect(&app.url)
            .await
            .expect("connect");
        for sql in statements {
            db.execute(sqlx::query(sql).bind(at)).await.expect("age");
        }
    } else {
        let mut db = sqlx::SqliteConnection::connect(&app.url)
            .await
            .expect("connect");
        for sql in statements {
            db.execute(sqlx::query(sql).bind(at)).await.expect("age");
        }
    }
}

async fn staleness(app: &TestApp) -> Value {
    let flags = app.get(&format!("{ACME}/flags")).data().await;
    flags
        .as_array()
        .expect("flags")
        .iter()
        .map(|flag| {
            (
                flag["key"].as_str().expect("key").to_owned(),
                flag["stale"]["reason"].clone(),
            )
        })
        .collect::<serde_json::Map<_, _>>()
        .into()
}

async fn report(app: &TestApp, sdk_key: &str, variation: &str, count: u64) {
    let now = Utc::now().timestamp_millis();
    app.post("/api/sdk/events")
        .anonymous()
        .json(json!({ "sdkKey": sdk_key, "events": [{ "type": "summary", "flagKey": "new_checkout",
            "variation": variation, "count": count, "startTimestamp": now, "endTimestamp": now }] }))
        .expect(202)
        .await;
}

async fn evaluation_counts_make_flags_stale(app: TestApp) {
    let key = acme_with_flag(&app, "new_checkout").await;
    let checkout = app.get(&format!("{ACME}/flags/new_checkout")).data().await;
    app.post(&format!("{ACME}/flags/new_checkout/envs/production/rules"))
        .json(
            json!({ "type": "AB_TEST", "name": "half", "trafficAllocation": 1.0,
            "variations": [{ "variationId": variation(&checkout, "on"), "percentage": 0.5 },
                           { "variationId": variation(&checkout, "off"), "percentage": 0.5 }] }),
        )
        .data()
        .await;
    set_enabled(&app, "new_checkout", "production", true).await;
    boolean_flag(&app, "holiday_banner").await;
    set_enabled(&app, "holiday_banner", "production", true).await;
    age_flags(&app, 40).await;

    // No counts: the configuration decides. The split can serve both variations.
    assert_eq!(
        staleness(&app).await,
        json!({ "new_checkout": null, "holiday_banner": "FULLY_ROLLED_OUT" })
    );
    // SDKs report serving only `on`: rolled out in practice; the banner is never asked for.
    report(&app, &key, "on", 500).await;
    assert_eq!(
        staleness(&app).await,
        json!({ "new_checkout": "FULLY_ROLLED_OUT", "holiday_banner": "NOT_EVALUATED" })
    );
    report(&app, &key, "off", 3).await;
    assert_eq!(
        staleness(&app).await,
        json!({ "new_checkout": null, "holiday_banner": "NOT_EVALUATED" })
    );
}
