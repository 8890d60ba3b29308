use crate::harness::TestApp;
use crate::{assert_snapshot, backend_tests};
use control_plane::api::views::ProjectData;
use control_plane::datafile::build_datafile;
use control_plane::demo;
use evaluator_core::{CompiledDatafile, Context, Reason};
use serde_json::{json, Value};

/// 2026-01-01T00:00:00Z: after the demo's activation, before its schedule.
const NOW_MS: i64 = 1_767_225_600_000;

/// Builds environment `env` of the demo project the way publishing does.
async fn datafile(app: &TestApp, env: &str) -> (Value, CompiledDatafile) {
    let mut tx = app.store.begin().await.expect("transaction");
    let project = tx
        .find_project("demo", "default")
        .await
        .expect("query")
        .expect("demo project");
    let environment = tx
        .find_environment(&project.id, env)
        .await
        .expect("query")
        .expect("environment");
    let data = ProjectData::load(&mut *tx, &project.id, None)
        .await
        .expect("load");
    let datafile = build_datafile(&data, &environment, 7, control_plane::ids::now());
    let json = serde_json::to_value(&datafile).expect("serializable");
    (
        json,
        CompiledDatafile::compile(datafile).expect("evaluator-core accepts the datafile"),
    )
}

/// (variation, reason) of `flag` for `context`.
fn evaluate(datafile: &CompiledDatafile, flag: &str, context: Value) -> (String, Reason) {
    let context: Context = serde_json::from_value(context).expect("context");
    let result = datafile.evaluate(flag, &context, NOW_MS);
    (
        result.variation.unwrap_or_default().to_owned(),
        result.reason,
    )
}

async fn demo_is_seeded_once_and_evaluates(app: TestApp) {
    assert!(demo::seed(&app.router, &app.store).await.expect("seed"));
    assert!(!demo::seed(&app.router, &app.store)
        .await
        .expect("second start"));
    let flags = app
        .get("/api/orgs/demo/projects/default/flags")
        .expect(200)
        .await;
    assert_snapshot!("flags", flags);

    let (json, production) = datafile(&app, "production").await;
    assert_snapshot!("production_datafile", json);
    let on = |ctx| evaluate(&production, "new_checkout", ctx);
    assert_eq!(
        on(json!({ "key": "alice" })),
        ("on".into(), Reason::TargetingMatch)
    );
    assert_eq!(
        on(json!({ "key": "u1", "attributes": { "email": "Eve@EXAMPLE.com" } })).0,
        "on"
    );
    assert_eq!(
        evaluate(
            &production,
            "max_cart_items",
            json!({ "key": "u1", "attributes": { "platform": "ios" } })
        ),
        ("small".into(), Reason::TargetingMatch)
    );
    assert_eq!(
        evaluate(&production, "button_color", json!({ "key": "u1" })).1,
        Reason::Split
    );
    assert_eq!(
        evaluate(&production, "holiday_banner", json!({ "key": "u1" })),
        ("off".into(), Reason::Scheduled)
    );
    assert_eq!(
        evaluate(&production, "legacy_search", json!({ "key": "u1" })),
        ("off".into(), Reason::Disabled)
    );
    assert_eq!(
        evaluate(&production, "dark_mode", json!({ "key": "u1" })).1,
        Reason::Disabled
    );

    let (_, staging) = datafile(&app, "staging").await;
    let colour = |key: &str| evaluate(&staging, "button_color", json!({ "key": key }));
    assert_eq!(colour("qa-1"), ("orange".into(), Reason::Override));
    assert_eq!(colour("someone"), ("green".into(), Reason::Default));
    let search = |version: &str| {
        evaluate(
            &staging,
            "search_config",
            json!({ "key": "u", "appVersion": version }),
        )
    };
    assert_eq!(
        search("2.3.9"),
        ("classic".into(), Reason::RolloutCondition)
    );
    assert_eq!(search("2.4.0"), ("semantic".into(), Reason::Default));

    // Deleted demo data does not come back on the next start.
    app.delete("/api/orgs/demo").expect(200).await;
    assert!(!demo::seed(&app.router, &app.store)
        .await
        .expect("third start"));
    app.get("/api/orgs/demo").expect(404).await;
}

backend_tests!(demo_is_seeded_once_and_evaluates);
