use crate::fixtures::{self, ACME};
use crate::harness::TestApp;
use crate::{assert_snapshot, backend_tests};
use serde_json::json;

async fn flag_lifecycle(app: TestApp) {
    fixtures::acme(&app).await;
    let created = app
        .post(&format!("{ACME}/flags"))
        .json(json!({
            "name": "New Checkout Flow", "key": "new_checkout", "type": "BOOLEAN",
            "description": "Enable the redesigned checkout experience",
            "variations": [{ "name": "Off", "key": "off", "value": "false" }, { "name": "On", "key": "on", "value": "true" }],
            "defaultVariationKey": "off"
        }))
        .expect(201)
        .await;
    // DRAFT, disabled everywhere; production auto-published the new flag.
    assert_snapshot!("created", created);
    let id = created["data"]["id"].as_str().unwrap().to_owned();
    fixtures::colour_flag(&app, "button_color").await;

    let list = app.get(&format!("{ACME}/flags")).expect(200).await;
    assert_snapshot!("listed", list);
    assert_eq!(
        app.get(&format!("{ACME}/flags/new_checkout")).data().await["id"],
        id.as_str()
    );
    assert_eq!(
        app.get(&format!("{ACME}/flags/{id}")).data().await["key"],
        "new_checkout"
    );

    let renamed = app
        .patch(&format!("{ACME}/flags/new_checkout"))
        .json(json!({ "name": "Checkout v2", "description": "" }))
        .data()
        .await;
    assert_eq!(
        (renamed["name"].as_str(), renamed["description"].as_str()),
        (Some("Checkout v2"), Some(""))
    );
    let key = app
        .patch(&format!("{ACME}/flags/new_checkout"))
        .json(json!({ "key": "x" }))
        .expect(422)
        .await;
    assert_eq!(
        key["error"],
        "key: a flag's key cannot be changed after creation"
    );
    let kind = app
        .patch(&format!("{ACME}/flags/new_checkout"))
        .json(json!({ "type": "STRING" }))
        .expect(422)
        .await;
    assert_eq!(
        kind["error"],
        "type: a flag's type cannot be changed after creation"
    );

    // Enabling makes it ACTIVE; ACTIVE flags cannot be deleted, archived ones can.
    app.patch(&format!("{ACME}/flags/new_checkout/envs/staging"))
        .json(json!({ "enabled": true }))
        .expect(200)
        .await;
    assert_eq!(
        app.get(&format!("{ACME}/flags/new_checkout")).data().await["status"],
        "ACTIVE"
    );
    let active = app
        .delete(&format!("{ACME}/flags/new_checkout"))
        .expect(409)
        .await;
    assert_eq!(
        active["error"],
        "flag `new_checkout` is ACTIVE: only DRAFT or ARCHIVED flags can be deleted"
    );
    app.post(&format!("{ACME}/environments/staging/publish"))
        .expect(200)
        .await;
    let archived = app
        .post(&format!("{ACME}/flags/new_checkout/archive"))
        .data()
        .await;
    assert_eq!(archived["status"], "ARCHIVED");
    // Archiving marks the environments where it was on as pending.
    assert_eq!(
        fixtures::config(&archived, "staging")["hasPendingChanges"],
        true
    );
    app.post(&format!("{ACME}/flags/new_checkout/archive"))
        .expect(409)
        .await;
    app.patch(&format!("{ACME}/flags/new_checkout/envs/staging"))
        .json(json!({ "enabled": false }))
        .expect(409)
        .await;
    app.delete(&format!("{ACME}/flags/new_checkout"))
        .expect(200)
        .await;
    app.get(&format!("{ACME}/flags/{id}")).expect(404).await;
    // DRAFT flags delete directly.
    app.delete(&format!("{ACME}/flags/button_color"))
        .expect(200)
        .await;
    assert_eq!(app.get(&format!("{ACME}/flags")).data().await, json!([]));
}

async fn flag_input_is_validated(app: TestApp) {
    fixtures::acme(&app).await;
    let flags = format!("{ACME}/flags");
    let post = |body| app.post(&flags).json(body).expect(422);
    let three = post(json!({ "name": "x", "key": "x", "type": "BOOLEAN", "variations": [
        { "key": "a", "value": "true" }, { "key": "b", "value": "false" }, { "key": "c", "value": "true" }] })).await;
    let not_bool = post(
        json!({ "name": "x", "key": "x", "type": "BOOLEAN", "variations": [
        { "key": "a", "value": "1" }, { "key": "b", "value": "false" }] }),
    )
    .await;
    let not_number = post(
        json!({ "name": "x", "key": "x", "type": "NUMBER", "variations": [
        { "key": "a", "value": "\"ten\"" }] }),
    )
    .await;
    let not_json = post(
        json!({ "name": "x", "key": "x", "type": "JSON", "variations": [
        { "key": "a", "value": "{oops" }] }),
    )
    .await;
    let duplicate = post(
        json!({ "name": "x", "key": "x", "type": "STRING", "variations": [
        { "key": "a", "value": "a" }, { "key": "a", "value": "b" }] }),
    )
    .await;
    let default = post(
        json!({ "name": "x", "key": "x", "type": "STRING", "variations": [
        { "key": "a", "value": "a" }], "defaultVariationKey": "b" }),
    )
    .await;
    let none = post(json!({ "name": "x", "key": "x", "type": "STRING", "variations": [] })).await;
    let kind = post(json!({ "name": "x", "key": "x", "type": "DATE", "variations": [] })).await;
    let key = post(json!({ "name": "x", "key": "no spaces", "type": "STRING", "variations": [{ "key": "a", "value": "a" }] })).await;
    assert_snapshot!(
        "validation_errors",
        json!({ "three": three, "notBool": not_bool, "notNumber": not_number, "notJson": not_json,
            "duplicate": duplicate, "default": default, "none": none, "kind": kind, "key": key })
    );
    fixtures::boolean_flag(&app, "taken").await;
    let taken = app
        .post(&flags)
        .json(json!({ "name": "x", "key": "taken", "type": "STRING",
        "variations": [{ "key": "a", "value": "a" }] }))
        .expect(409)
        .await;
    assert_eq!(
        taken["error"],
        "flag `taken` already exists in this project"
    );
    app.get(&format!("{ACME}/flags/nope")).expect(404).await;
    app.patch(&format!("{ACME}/flags/nope"))
        .json(json!({ "name": "x" }))
        .expect(404)
        .await;
    app.post(&format!("{ACME}/flags/nope/archive"))
        .expect(404)
        .await;
    app.get("/api/orgs/acme/projects/nope/flags")
        .expect(404)
        .await;
}

async fn values_of_every_type(app: TestApp) {
    fixtures::acme(&app).await;
    let flags = format!("{ACME}/flags");
    let colour = fixtures::colour_flag(&app, "colour").await;
    let values: Vec<_> = colour["variations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["value"].clone())
        .collect();
    // JSON text in, JSON text out; STRING flags also take bare text.
    assert_eq!(
        values,
        [json!("\"blue\""), json!("\"green\""), json!("\"orange\"")]
    );
    assert_eq!(colour["defaultVariationKey"], "blue");
    let number = app
        .post(&flags)
        .json(
            json!({ "name": "n", "key": "n", "type": "NUMBER", "variations": [
        { "key": "ten", "value": "10" }, { "key": "half", "value": 0.5 }] }),
        )
        .data()
        .await;
    assert_eq!(number["variations"][1]["value"], "0.5");
    let config = app.post(&flags).json(json!({ "name": "j", "key": "j", "type": "JSON", "variations": [
        { "key": "a", "value": "{\"b\": [1, 2], \"a\": null}" }, { "key": "s", "value": "\"text\"" }] })).data().await;
    assert_eq!(config["variations"][0]["value"], "{\"a\":null,\"b\":[1,2]}");
    // A boolean flag serves `true` when enabled and `false` when off by default.
    let boolean = app
        .post(&flags)
        .json(
            json!({ "name": "b", "key": "b", "type": "BOOLEAN", "variations": [
        { "key": "yes", "value": true }, { "key": "no", "value": "false" }] }),
        )
        .data()
        .await;
    assert_eq!(boolean["defaultVariationKey"], "no");
    assert_eq!(
        fixtures::config(&boolean, "staging")["defaultVariationId"],
        fixtures::variation(&boolean, "yes").as_str()
    );
}

backend_tests!(
    flag_lifecycle,
    flag_input_is_validated,
    values_of_every_type
);
