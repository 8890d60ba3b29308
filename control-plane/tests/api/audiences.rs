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
    // evaluator-core words the messages; the API makes sure they name the field.
    let cases = [
        (
            json!({ "all": [{ "attribute": "plan", "op": "like", "value": "x" }] }),
            "all[0].op",
            "unknown variant `like`",
        ),
        (
            json!({ "attribute": "appVersion", "op": "semverGte", "value": "2.x" }),
            "value",
            "not a semantic version",
        ),
        (
            json!({ "attribute": "email", "op": "regex", "value": "(" }),
            "value",
            "invalid regex",
        ),
        (
            json!({ "attribute": "plan", "op": "in" }),
            "values",
            "required",
        ),
        (json!({ "every": [] }), "every", "unknown field `every`"),
    ];
    for (conditions, field, problem) in cases {
        let body = app
            .post(&audiences)
            .json(json!({ "key": "a", "name": "A", "conditions": conditions }))
            .expect(422)
            .await;
        let message = body["error"].as_str().unwrap();
        assert!(message.starts_with("conditions"), "{message}");
        assert!(
            message.contains(field) && message.contains(problem),
            "{message}"
        );
    }
    let attribute = app
        .post(&audiences)
        .json(json!({ "key": "a", "name": "A", "included": { " ": ["x"] } }))
        .expect(422)
        .await;
    assert_eq!(
        attribute["error"],
        "included: attribute names must not be empty"
    );
    assert_eq!(app.get(&audiences).data().await, json!([]));
}

backend_tests!(audiences_crud, audience_conditions_are_validated);
