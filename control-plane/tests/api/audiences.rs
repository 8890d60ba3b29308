use crate::fixtures::{self, ACME};
use crate::harness::TestApp;
use crate::{assert_snapshot, backend_tests};
use serde_json::json;

async fn audiences_crud(app: TestApp) {
    fixtures::acme(&app).await;
    let audiences = format!("{ACME}/audiences");
    let created = app
        .post(&audiences)
        .json(json!({
            "key": "beta-testers", "name": "Beta testers", "description": "See features first",
            "included": { "userId": ["alice", "bob"] }, "excluded": { "country": ["XX"] },
            "conditions": { "all": [
                { "attribute": "email", "op": "endsWith", "value": "@example.com", "caseInsensitive": true },
                { "attribute": "appVersion", "op": "semverGte", "value": "2.0.0" }
            ] }
        }))
        .expect(201)
        .await;
    assert_snapshot!("created", created);
    let id = created["data"]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        app.get(&format!("{audiences}/beta-testers")).data().await["id"],
        id.as_str()
    );
    assert_eq!(
        app.get(&audiences).data().await.as_array().unwrap().len(),
        1
    );

    let updated = app
        .patch(&format!("{audiences}/{id}"))
        .json(json!({ "name": "Beta", "conditions": null, "excluded": {} }))
        .data()
        .await;
    assert!(updated["conditions"].is_null());
    assert_eq!(
        (
            updated["name"].as_str(),
            updated["included"]["userId"][0].as_str()
        ),
        (Some("Beta"), Some("alice"))
    );
    app.post(&audiences)
        .json(json!({ "key": "beta-testers", "name": "again" }))
        .expect(409)
        .await;

    // In use by a rule: 409 naming the flag; free again once the rule is gone.
    let flag = fixtures::boolean_flag(&app, "new_checkout").await;
    let rule = app
        .post(&format!("{ACME}/flags/new_checkout/envs/staging/rules"))
        .json(json!({ "type": "TARGETED_DELIVERY", "audienceIds": [id],
            "variations": [{ "variationId": fixtures::variation(&flag, "on"), "percentage": 1 }] }))
        .data()
        .await;
    let used = app.delete(&format!("{audiences}/{id}")).expect(409).await;
    assert_eq!(
        used["error"],
        "audience `beta-testers` is used by rules of flag(s) new_checkout"
    );
    // Changing a used audience marks the configurations that use it.
    app.post(&format!("{ACME}/environments/staging/publish"))
        .expect(200)
        .await;
    app.patch(&format!("{audiences}/{id}"))
        .json(json!({ "included": {} }))
        .expect(200)
        .await;
    let config = app
        .get(&format!("{ACME}/flags/new_checkout/envs/staging"))
        .data()
        .await;
    assert_eq!(config["hasPendingChanges"], true);
    app.delete(&format!(
        "{ACME}/flags/new_checkout/envs/staging/rules/{}",
        rule["id"].as_str().unwrap()
    ))
    .expect(200)
    .await;
    app.delete(&format!("{audiences}/{id}")).expect(200).await;
    app.get(&format!("{audiences}/{id}")).expect(404).await;
}

async fn audience_conditions_are_validated(app: TestApp) {
    fixtures::acme(&app).await;
    let audiences = format!("{ACME}/audiences");
    let post = |conditions| {
        app.post(&audiences)
            .json(json!({ "key": "a", "name": "A", "conditions": conditions }))
            .expect(422)
    };
    let op = post(json!({ "all": [{ "attribute": "plan", "op": "like", "value": "x" }] })).await;
    let semver =
        post(json!({ "attribute": "appVersion", "op": "semverGte", "value": "2.x" })).await;
    let regex = post(json!({ "attribute": "email", "op": "regex", "value": "(" })).await;
    let values = post(json!({ "attribute": "plan", "op": "in" })).await;
    let shape = post(json!({ "every": [] })).await;
    let attribute = app
        .post(&audiences)
        .json(json!({ "key": "a", "name": "A", "included": { " ": ["x"] } }))
        .expect(422)
        .await;
    assert_snapshot!(
        "validation_errors",
        json!({ "op": op, "semver": semver, "regex": regex, "values": values, "shape": shape, "attribute": attribute })
    );
    assert_eq!(app.get(&audiences).data().await, json!([]));
}

backend_tests!(audiences_crud, audience_conditions_are_validated);
