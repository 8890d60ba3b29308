use crate::fixtures::{self, ACME};
use crate::harness::TestApp;
use crate::{assert_snapshot, backend_tests};
use serde_json::json;

async fn variations_bulk_update(app: TestApp) {
    fixtures::acme(&app).await;
    let flag = fixtures::colour_flag(&app, "colour").await;
    let (blue, green, orange) = (
        fixtures::variation(&flag, "blue"),
        fixtures::variation(&flag, "green"),
        fixtures::variation(&flag, "orange"),
    );
    let path = format!("{ACME}/flags/colour/variations");
    // Swap two keys, drop orange, add red, and make green the off variation.
    let updated = app
        .put(&path)
        .json(json!({
            "variations": [
                { "id": blue, "key": "green", "name": "Now green", "value": "\"green\"" },
                { "id": green, "key": "blue", "value": "\"blue\"" },
                { "key": "red", "name": "Red", "value": "\"red\"" }
            ],
            "defaultVariationKey": "blue"
        }))
        .data()
        .await;
    assert_snapshot!("updated", updated["variations"]);
    assert_eq!(updated["defaultVariationKey"], "blue");
    assert_eq!(fixtures::variation(&updated, "green"), blue);
    assert!(updated["variations"]
        .as_array()
        .unwrap()
        .iter()
        .all(|v| v["id"] != orange.as_str()));
    // Every configuration has something new to publish; production published it already.
    assert_eq!(
        fixtures::config(&updated, "staging")["hasPendingChanges"],
        true
    );
    assert_eq!(
        fixtures::config(&updated, "production")["hasPendingChanges"],
        false
    );
}

async fn variations_in_use_cannot_go(app: TestApp) {
    fixtures::acme(&app).await;
    let flag = fixtures::colour_flag(&app, "colour").await;
    let (blue, green, orange) = (
        fixtures::variation(&flag, "blue"),
        fixtures::variation(&flag, "green"),
        fixtures::variation(&flag, "orange"),
    );
    app.post(&format!("{ACME}/flags/colour/envs/staging/rules"))
        .json(
            json!({ "type": "AB_TEST", "variations": [{ "variationId": green, "percentage": 1 }] }),
        )
        .expect(201)
        .await;
    app.put(&format!("{ACME}/flags/colour/envs/production/overrides"))
        .json(json!({ "overrides": [{ "attribute": "userId", "values": ["a"], "variationId": orange }] }))
        .expect(200)
        .await;
    let path = format!("{ACME}/flags/colour/variations");
    let keep = |id: &str, key: &str| json!({ "id": id, "key": key, "value": key });
    let rule = app
        .put(&path)
        .json(json!({ "variations": [keep(&blue, "blue"), keep(&orange, "orange")] }))
        .expect(422)
        .await;
    assert_eq!(
        rule["error"],
        "variations: variation `green` is used by a rule in environment `staging`"
    );
    let over = app
        .put(&path)
        .json(json!({ "variations": [keep(&blue, "blue"), keep(&green, "green")] }))
        .expect(422)
        .await;
    assert_eq!(
        over["error"],
        "variations: variation `orange` is used by an override in environment `production`"
    );
    let default = app
        .put(&path)
        .json(json!({ "variations": [keep(&green, "green"), keep(&orange, "orange")] }))
        .expect(422)
        .await;
    assert_eq!(
        default["error"],
        "defaultVariationKey: is required: the current default variation is removed"
    );
    let foreign = app
        .put(&path)
        .json(json!({ "variations": [keep("var_0000000000000000", "x")] }))
        .expect(422)
        .await;
    assert_eq!(
        foreign["error"],
        "variations[0].id: `var_0000000000000000` is not a variation of this flag"
    );
    // Nothing changed.
    let detail = app.get(&format!("{ACME}/flags/colour")).data().await;
    assert_eq!(detail["variations"], flag["variations"]);
}

async fn boolean_variations_stay_boolean(app: TestApp) {
    fixtures::acme(&app).await;
    let flag = fixtures::boolean_flag(&app, "b").await;
    let path = format!("{ACME}/flags/b/variations");
    let on = fixtures::variation(&flag, "on");
    app.put(&path)
        .json(json!({ "variations": [{ "id": on, "key": "on", "value": "true" }] }))
        .expect(422)
        .await;
    let renamed = app
        .put(&path)
        .json(json!({ "variations": [
            { "id": on, "key": "enabled", "value": "true" },
            { "id": fixtures::variation(&flag, "off"), "key": "disabled", "value": "false" }
        ] }))
        .data()
        .await;
    assert_eq!(renamed["defaultVariationKey"], "disabled");
}

backend_tests!(
    variations_bulk_update,
    variations_in_use_cannot_go,
    boolean_variations_stay_boolean
);
