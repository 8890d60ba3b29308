use crate::fixtures::{self, ACME};
use crate::harness::TestApp;
use crate::{assert_snapshot, backend_tests};
use serde_json::json;

async fn overrides_are_replaced_whole(app: TestApp) {
    fixtures::acme(&app).await;
    let flag = fixtures::colour_flag(&app, "colour").await;
    let orange = fixtures::variation(&flag, "orange");
    let overrides = format!("{ACME}/flags/colour/envs/staging/overrides");
    let first = app
        .put(&overrides)
        .json(json!({ "overrides": [
            { "attribute": "userId", "values": ["qa-1", "qa-2"], "variationId": orange },
            { "attribute": "companyId", "values": ["acme"], "variationId": fixtures::variation(&flag, "green") }
        ] }))
        .send()
        .await;
    assert_eq!(first.headers["etag"], "\"2\"");
    assert_snapshot!("replaced", first.expect(200));
    let second = app
        .put(&overrides)
        .json(json!({ "overrides": [{ "attribute": "key", "values": ["u-9"], "variationId": orange }] }))
        .data()
        .await;
    assert_eq!(second.as_array().unwrap().len(), 1);
    let config = app
        .get(&format!("{ACME}/flags/colour/envs/staging"))
        .data()
        .await;
    assert_eq!(config["overrides"], second);
    app.put(&overrides)
        .json(json!({ "overrides": [] }))
        .expect(200)
        .await;

    let bad_variation = app
        .put(&overrides)
        .json(json!({ "overrides": [
        { "attribute": "userId", "values": ["a"], "variationId": "var_nope" }] }))
        .expect(422)
        .await;
    assert_eq!(
        bad_variation["error"],
        "overrides[0].variationId: `var_nope` is not a variation of this flag"
    );
    let no_values = app
        .put(&overrides)
        .json(json!({ "overrides": [
        { "attribute": "userId", "values": [], "variationId": orange }] }))
        .expect(422)
        .await;
    assert_eq!(
        no_values["error"],
        "overrides[0].values: must list at least one value"
    );
    let no_attribute = app
        .put(&overrides)
        .json(json!({ "overrides": [
        { "attribute": "", "values": ["a"], "variationId": orange }] }))
        .expect(422)
        .await;
    assert_eq!(
        no_attribute["error"],
        "overrides[0].attribute: must not be empty"
    );
}

backend_tests!(overrides_are_replaced_whole);
