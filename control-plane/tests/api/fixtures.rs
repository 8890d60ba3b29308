//! Setup shortcuts shared by the tests.

use crate::harness::TestApp;
use serde_json::{json, Value};

/// Creates organization `id` (with its default project and production environment).
pub async fn org(app: &TestApp, id: &str) -> Value {
    app.post("/api/orgs")
        .json(json!({ "id": id, "name": format!("Org {id}") }))
        .data()
        .await
}

/// Creates a token of `org` with `permissions` and returns its secret.
pub async fn token(app: &TestApp, org: &str, permissions: &[&str]) -> String {
    let created = app
        .post(&format!("/api/orgs/{org}/tokens"))
        .json(json!({ "name": format!("{} token", permissions.join("+")), "permissions": permissions }))
        .data()
        .await;
    created["secret"].as_str().expect("secret").to_owned()
}

/// The default project of organization `acme`.
pub const ACME: &str = "/api/orgs/acme/projects/default";

/// Organization `acme` with environments `production` (auto-publish) and `staging`.
pub async fn acme(app: &TestApp) {
    org(app, "acme").await;
    app.post(&format!("{ACME}/environments"))
        .json(json!({ "key": "staging", "name": "Staging" }))
        .data()
        .await;
}

/// Creates the contract's example boolean flag under `key`; returns its detail.
pub async fn boolean_flag(app: &TestApp, key: &str) -> Value {
    app.post(&format!("{ACME}/flags"))
        .json(json!({
            "name": "New Checkout Flow", "key": key, "type": "BOOLEAN",
            "description": "Enable the redesigned checkout experience",
            "variations": [{ "name": "Off", "key": "off", "value": "false" }, { "name": "On", "key": "on", "value": "true" }],
            "defaultVariationKey": "off"
        }))
        .data()
        .await
}

/// Creates a STRING flag `key` with variations blue, green and orange.
pub async fn colour_flag(app: &TestApp, key: &str) -> Value {
    app.post(&format!("{ACME}/flags"))
        .json(json!({
            "name": "Button colour", "key": key, "type": "STRING",
            "variations": [
                { "key": "blue", "value": "\"blue\"" }, { "key": "green", "value": "\"green\"" },
                { "key": "orange", "value": "orange" }
            ]
        }))
        .data()
        .await
}

/// The id of `flag`'s variation `key`.
pub fn variation(flag: &Value, key: &str) -> String {
    flag["variations"]
        .as_array()
        .and_then(|vs| vs.iter().find(|v| v["key"] == key))
        .and_then(|v| v["id"].as_str())
        .unwrap_or_else(|| panic!("no variation {key} in {flag}"))
        .to_owned()
}

/// `flag`'s configuration in environment `env` (by key) from a flag detail.
pub fn config<'a>(flag: &'a Value, env: &str) -> &'a Value {
    flag["environments"]
        .as_array()
        .and_then(|envs| envs.iter().find(|e| e["environmentKey"] == env))
        .unwrap_or_else(|| panic!("no environment {env} in {flag}"))
}

/// Creates audience `key` whose members have `plan` = `pro`; returns it.
pub async fn audience(app: &TestApp, key: &str) -> Value {
    app.post(&format!("{ACME}/audiences"))
        .json(json!({
            "key": key, "name": format!("Audience {key}"),
            "conditions": { "attribute": "plan", "op": "eq", "value": "pro" }
        }))
        .data()
        .await
}
