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
