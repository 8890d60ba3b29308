use crate::backend_tests;
use crate::fixtures::{self, ACME};
use crate::harness::TestApp;
use serde_json::json;

async fn nothing_is_lost_across_a_restart(app: TestApp) {
    fixtures::acme(&app).await;
    let flag = fixtures::colour_flag(&app, "colour").await;
    let audience = fixtures::audience(&app, "pro").await;
    app.post(&format!("{ACME}/flags/colour/envs/staging/rules"))
        .json(json!({ "type": "TARGETED_DELIVERY", "audienceIds": [audience["id"]],
            "variations": [{ "variationId": fixtures::variation(&flag, "green"), "percentage": 1 }] }))
        .expect(201)
        .await;
    app.patch(&format!("{ACME}/flags/colour/envs/staging"))
        .json(json!({ "enabled": true, "scheduledEnableAt": "2030-01-01T09:00:00", "timezone": "Asia/Tokyo" }))
        .expect(200)
        .await;
    app.post(&format!("{ACME}/flag-events"))
        .json(json!({ "name": "Buy", "key": "buy", "type": "CONVERSION" }))
        .expect(201)
        .await;
    let reader = fixtures::token(&app, "acme", &["read"]).await;
    let flags = app.get(&format!("{ACME}/flags/colour")).data().await;
    let environments = app.get(&format!("{ACME}/environments")).data().await;
    let audit = app
        .get("/api/orgs/acme/audit-log?limit=500")
        .expect(200)
        .await;
    let events = app.get(&format!("{ACME}/flag-events")).data().await;

    let app = app.restart().await;
    assert_eq!(
        app.get(&format!("{ACME}/flags/colour"))
            .token(&reader)
            .data()
            .await,
        flags
    );
    assert_eq!(
        app.get(&format!("{ACME}/environments")).data().await,
        environments
    );
    assert_eq!(
        app.get("/api/orgs/acme/audit-log?limit=500")
            .expect(200)
            .await,
        audit
    );
    assert_eq!(app.get(&format!("{ACME}/flag-events")).data().await, events);
    // The super-admin token survived too, and writing still works.
    app.patch(&format!("{ACME}/flags/colour/envs/staging"))
        .json(json!({ "enabled": false }))
        .expect(200)
        .await;
}

backend_tests!(nothing_is_lost_across_a_restart);
