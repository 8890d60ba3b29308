use crate::fixtures::{self, ACME};
use crate::harness::TestApp;
use crate::{assert_snapshot, backend_tests};
use serde_json::{json, Value};

fn ids(rules: &Value) -> Vec<String> {
    rules
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn rules_crud_and_reorder(app: TestApp) {
    fixtures::acme(&app).await;
    let flag = fixtures::colour_flag(&app, "colour").await;
    let pro = fixtures::audience(&app, "pro").await;
    let (blue, green) = (
        fixtures::variation(&flag, "blue"),
        fixtures::variation(&flag, "green"),
    );
    let rules = format!("{ACME}/flags/colour/envs/staging/rules");

    let test = app
        .post(&rules)
        .json(json!({
            "type": "AB_TEST", "name": "Checkout button colour test", "trafficAllocation": 1.0,
            "variations": [{ "variationId": blue, "percentage": 0.5 }, { "variationId": green, "percentage": 0.5 }],
            "audienceIds": [], "hashAttribute": "userId"
        }))
        .send()
        .await;
    assert_eq!(test.headers["etag"], "\"2\"");
    let test = test.expect(201)["data"].clone();
    let rollout = app
        .post(&rules)
        .json(
            json!({ "type": "TARGETED_DELIVERY", "name": "Pros first", "audienceIds": [pro["id"]],
            "trafficAllocation": 0.25, "variations": [{ "variationId": green, "percentage": 1 }] }),
        )
        .data()
        .await;
    assert_eq!(rollout["hashAttribute"], "userId");

    let updated = app
        .patch(&format!("{rules}/{}", rollout["id"].as_str().unwrap()))
        .json(json!({ "trafficAllocation": 0.5, "hashAttribute": "companyId", "audienceIds": [] }))
        .data()
        .await;
    assert_eq!(
        (
            updated["trafficAllocation"].as_f64(),
            updated["audienceIds"].clone()
        ),
        (Some(0.5), json!([]))
    );

    let order = [rollout["id"].clone(), test["id"].clone()];
    let reordered = app
        .put(&format!("{rules}/reorder"))
        .json(json!({ "ruleIds": order }))
        .data()
        .await;
    assert_eq!(
        ids(&reordered),
        [
            rollout["id"].as_str().unwrap(),
            test["id"].as_str().unwrap()
        ]
    );

    let detail = app.get(&format!("{ACME}/flags/colour")).data().await;
    assert_snapshot!("staging_config", fixtures::config(&detail, "staging"));
    assert_eq!(fixtures::config(&detail, "staging")["version"], 5);

    app.delete(&format!("{rules}/{}", test["id"].as_str().unwrap()))
        .expect(200)
        .await;
    app.delete(&format!("{rules}/{}", test["id"].as_str().unwrap()))
        .expect(404)
        .await;
    app.patch(&format!("{rules}/rul_0000000000000000"))
        .json(json!({ "name": "x" }))
        .expect(404)
        .await;
    let remaining = app
        .get(&format!("{ACME}/flags/colour/envs/staging"))
        .data()
        .await;
    assert_eq!(ids(&remaining["rules"]), [rollout["id"].as_str().unwrap()]);
}

async fn rule_input_is_validated(app: TestApp) {
    fixtures::acme(&app).await;
    let flag = fixtures::colour_flag(&app, "colour").await;
    let other = fixtures::boolean_flag(&app, "other").await;
    let (blue, green) = (
        fixtures::variation(&flag, "blue"),
        fixtures::variation(&flag, "green"),
    );
    let rules = format!("{ACME}/flags/colour/envs/staging/rules");
    let split = |a: f64, b: f64| json!([{ "variationId": blue, "percentage": a }, { "variationId": green, "percentage": b }]);
    let post = |body| app.post(&rules).json(body).expect(422);
    let sum = post(json!({ "type": "AB_TEST", "variations": split(0.5, 0.4) })).await;
    let negative = post(json!({ "type": "AB_TEST", "variations": split(-0.5, 1.5) })).await;
    let foreign = post(json!({ "type": "AB_TEST",
        "variations": [{ "variationId": fixtures::variation(&other, "on"), "percentage": 1 }] }))
    .await;
    let twice = post(json!({ "type": "AB_TEST",
        "variations": [{ "variationId": blue, "percentage": 0.5 }, { "variationId": blue, "percentage": 0.5 }] })).await;
    let empty = post(json!({ "type": "AB_TEST", "variations": [] })).await;
    let audience = post(
        json!({ "type": "AB_TEST", "variations": split(0.5, 0.5), "audienceIds": ["aud_nope"] }),
    )
    .await;
    let traffic =
        post(json!({ "type": "AB_TEST", "variations": split(0.5, 0.5), "trafficAllocation": 2 }))
            .await;
    let hash =
        post(json!({ "type": "AB_TEST", "variations": split(0.5, 0.5), "hashAttribute": " " }))
            .await;
    let kind = post(json!({ "type": "ROLLOUT", "variations": split(0.5, 0.5) })).await;
    app.post(&rules)
        .json(json!({ "type": "AB_TEST", "variations": split(0.5, 0.5) }))
        .expect(201)
        .await;
    let reorder = app
        .put(&format!("{rules}/reorder"))
        .json(json!({ "ruleIds": [] }))
        .expect(422)
        .await;
    assert_snapshot!(
        "validation_errors",
        json!({ "sum": sum, "negative": negative, "foreign": foreign, "twice": twice, "empty": empty,
            "audience": audience, "traffic": traffic, "hash": hash, "kind": kind, "reorder": reorder })
    );
    app.post(&format!("{ACME}/flags/colour/envs/nope/rules"))
        .json(json!({ "type": "AB_TEST",
        "variations": split(0.5, 0.5) }))
        .expect(404)
        .await;
}

backend_tests!(rules_crud_and_reorder, rule_input_is_validated);
