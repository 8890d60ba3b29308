//! The demo organization, seeded once on first start through the public API
//! itself (so it is validated, audited and published like any user's data).

use crate::auth::token_for_secret;
use crate::ids::{new_token_secret, now};
use crate::seed::SeedError;
use crate::store::{DynStore, Permission};
use axum::body::Body;
use axum::http::{Method, Request};
use axum::Router;
use serde_json::{json, Value};
use tower::ServiceExt;

/// Settings key recording that the demo was seeded (deleting it must not bring it back).
const SEEDED: &str = "demo_seeded";
const ORG: &str = "demo";
const PROJECT: &str = "/api/orgs/demo/projects/default";

/// Calls the API as a short-lived super-admin token.
struct Client<'a> {
    app: &'a Router,
    secret: String,
}

impl Client<'_> {
    async fn call(&self, method: Method, path: &str, body: Value) -> Result<Value, SeedError> {
        let request = Request::builder()
            .method(method.clone())
            .uri(path)
            .header("authorization", format!("Bearer {}", self.secret))
            .body(Body::from(body.to_string()))
            .map_err(|error| SeedError::Demo(error.to_string()))?;
        let response = self
            .app
            .clone()
            .oneshot(request)
            .await
            .map_err(|error| SeedError::Demo(error.to_string()))?;
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .map_err(|error| SeedError::Demo(error.to_string()))?;
        let reply: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        if !status.is_success() {
            return Err(SeedError::Demo(format!(
                "{method} {path} answered {status}: {reply}"
            )));
        }
        Ok(reply["data"].clone())
    }

    async fn post(&self, path: &str, body: Value) -> Result<Value, SeedError> {
        self.call(Method::POST, &format!("{PROJECT}{path}"), body)
            .await
    }

    async fn patch(&self, path: &str, body: Value) -> Result<Value, SeedError> {
        self.call(Method::PATCH, &format!("{PROJECT}{path}"), body)
            .await
    }

    async fn put(&self, path: &str, body: Value) -> Result<Value, SeedError> {
        self.call(Method::PUT, &format!("{PROJECT}{path}"), body)
            .await
    }

    /// Creates a flag and returns its variation ids by key.
    async fn flag(&self, body: Value) -> Result<Variations, SeedError> {
        let flag = self.post("/flags", body).await?;
        Ok(Variations(
            flag["variations"].as_array().cloned().unwrap_or_default(),
        ))
    }
}

/// A created flag's variations.
struct Variations(Vec<Value>);

impl Variations {
    fn id(&self, key: &str) -> Value {
        self.0
            .iter()
            .find(|v| v["key"] == key)
            .map_or(Value::Null, |v| v["id"].clone())
    }
}

/// Seeds the demo organization unless it was seeded before or `demo` exists.
/// Returns whether it seeded.
pub async fn seed(app: &Router, store: &DynStore) -> Result<bool, SeedError> {
    let mut tx = store.begin_write().await?;
    if tx.get_setting(SEEDED).await?.is_some() {
        return Ok(false);
    }
    tx.put_setting(SEEDED, &now().to_rfc3339()).await?;
    if tx.get_org(ORG).await?.is_some() {
        tx.commit().await?;
        return Ok(false);
    }
    let secret = new_token_secret();
    let token = token_for_secret(None, "demo seed", vec![Permission::Admin], &secret);
    tx.insert_token(&token).await?;
    tx.commit().await?;
    let outcome = populate(&Client { app, secret }).await;
    let mut tx = store.begin_write().await?;
    tx.revoke_token(&token.id, now()).await?;
    tx.commit().await?;
    outcome.map(|()| true)
}

async fn populate(api: &Client<'_>) -> Result<(), SeedError> {
    api.call(
        Method::POST,
        "/api/orgs",
        json!({ "id": ORG, "name": "Demo Company" }),
    )
    .await?;
    api.post(
        "/environments",
        json!({ "key": "staging", "name": "Staging" }),
    )
    .await?;
    let beta = api
        .post("/audiences", json!({
            "key": "beta-testers", "name": "Beta testers",
            "description": "Staff and friendly customers who see features first",
            "included": { "userId": ["alice", "bob"] },
            "conditions": { "attribute": "email", "op": "endsWith", "value": "@example.com", "caseInsensitive": true }
        }))
        .await?;
    let mobile = api
        .post(
            "/audiences",
            json!({
                "key": "mobile-users", "name": "Mobile app users",
                "conditions": { "attribute": "platform", "op": "in", "values": ["ios", "android"] }
            }),
        )
        .await?;
    api.post(
        "/flag-events",
        json!({ "key": "purchase", "name": "Purchase", "type": "CONVERSION",
        "description": "User completes a purchase" }),
    )
    .await?;
    api.post(
        "/flag-events",
        json!({ "key": "revenue", "name": "Revenue", "type": "NUMERIC",
        "description": "Order value in EUR" }),
    )
    .await?;

    let checkout = api
        .flag(json!({
            "name": "New Checkout Flow", "key": "new_checkout", "type": "BOOLEAN",
            "description": "Enable the redesigned checkout experience",
            "variations": [{ "name": "Off", "key": "off", "value": "false" }, { "name": "On", "key": "on", "value": "true" }],
            "defaultVariationKey": "off"
        }))
        .await?;
    api.post(
        "/flags/new_checkout/envs/production/rules",
        json!({
            "type": "TARGETED_DELIVERY", "name": "Beta testers first", "audienceIds": [beta["id"]],
            "variations": [{ "variationId": checkout.id("on"), "percentage": 1.0 }]
        }),
    )
    .await?;
    api.post(
        "/flags/new_checkout/envs/production/rules",
        json!({
            "type": "TARGETED_DELIVERY", "name": "Gradual rollout", "trafficAllocation": 0.25,
            "variations": [{ "variationId": checkout.id("on"), "percentage": 1.0 }]
        }),
    )
    .await?;
    api.patch(
        "/flags/new_checkout/envs/production",
        json!({ "enabled": true, "defaultVariationId": checkout.id("off") }),
    )
    .await?;
    api.patch(
        "/flags/new_checkout/envs/staging",
        json!({ "enabled": true }),
    )
    .await?;

    let colour = api
        .flag(json!({
            "name": "Checkout button colour", "key": "button_color", "type": "STRING",
            "variations": [
                { "name": "Blue", "key": "blue", "value": "\"blue\"" },
                { "name": "Green", "key": "green", "value": "\"green\"" },
                { "name": "Orange", "key": "orange", "value": "\"orange\"" }
            ],
            "defaultVariationKey": "blue"
        }))
        .await?;
    api.post(
        "/flags/button_color/envs/production/rules",
        json!({
            "type": "AB_TEST", "name": "Checkout button colour test", "trafficAllocation": 1.0,
            "variations": [
                { "variationId": colour.id("blue"), "percentage": 0.5 },
                { "variationId": colour.id("green"), "percentage": 0.5 }
            ]
        }),
    )
    .await?;
    api.patch(
        "/flags/button_color/envs/production",
        json!({ "enabled": true, "defaultVariationId": colour.id("blue") }),
    )
    .await?;
    api.put(
        "/flags/button_color/envs/staging/overrides",
        json!({ "overrides": [
        { "attribute": "userId", "values": ["qa-1", "qa-2"], "variationId": colour.id("orange") }
    ] }),
    )
    .await?;
    api.patch(
        "/flags/button_color/envs/staging",
        json!({ "enabled": true, "defaultVariationId": colour.id("green") }),
    )
    .await?;

    let cart = api
        .flag(json!({
            "name": "Maximum cart items", "key": "max_cart_items", "type": "NUMBER",
            "variations": [
                { "key": "small", "value": "10" }, { "key": "standard", "value": "25" }, { "key": "large", "value": "50" }
            ],
            "defaultVariationKey": "standard"
        }))
        .await?;
    api.post("/flags/max_cart_items/envs/production/rules", json!({
        "type": "TARGETED_DELIVERY", "name": "Smaller carts on phones", "audienceIds": [mobile["id"]],
        "variations": [{ "variationId": cart.id("small"), "percentage": 1.0 }]
    })).await?;
    api.patch(
        "/flags/max_cart_items/envs/production",
        json!({ "enabled": true, "defaultVariationId": cart.id("standard") }),
    )
    .await?;

    let search = api
        .flag(json!({
            "name": "Search engine settings", "key": "search_config", "type": "JSON",
            "variations": [
                { "name": "Classic", "key": "classic", "value": "{\"algorithm\": \"bm25\", \"boost\": 1.0}" },
                { "name": "Semantic", "key": "semantic", "value": "{\"algorithm\": \"vector\", \"boost\": 1.5}" }
            ],
            "defaultVariationKey": "classic"
        }))
        .await?;
    api.patch(
        "/flags/search_config/envs/staging",
        json!({
            "enabled": true, "defaultVariationId": search.id("semantic"),
            "rolloutCondition": { "minVersion": "2.4.0" }
        }),
    )
    .await?;

    api.flag(json!({
        "name": "Holiday banner", "key": "holiday_banner", "type": "BOOLEAN",
        "description": "Black Friday banner, switched on by schedule",
        "variations": [{ "key": "off", "value": "false" }, { "key": "on", "value": "true" }]
    }))
    .await?;
    api.patch(
        "/flags/holiday_banner/envs/production",
        json!({
            "enabled": true, "schedulingEnabled": true,
            "scheduledEnableAt": "2030-11-29T09:00:00", "timezone": "America/New_York"
        }),
    )
    .await?;

    api.flag(json!({
        "name": "Dark mode", "key": "dark_mode", "type": "BOOLEAN",
        "variations": [{ "key": "off", "value": "false" }, { "key": "on", "value": "true" }]
    }))
    .await?;
    api.flag(json!({
        "name": "Legacy search page", "key": "legacy_search", "type": "BOOLEAN",
        "variations": [{ "key": "off", "value": "false" }, { "key": "on", "value": "true" }]
    }))
    .await?;
    api.patch(
        "/flags/legacy_search/envs/production",
        json!({ "enabled": true }),
    )
    .await?;
    api.post("/flags/legacy_search/archive", Value::Null)
        .await?;
    api.post("/environments/staging/publish", Value::Null)
        .await?;
    Ok(())
}
