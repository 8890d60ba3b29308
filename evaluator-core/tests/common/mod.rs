//! Datafile builders shared by the integration tests.
#![allow(dead_code)] // each test binary uses a different subset

use evaluator_core::CompiledDatafile;
use serde_json::{json, Value};

/// A complete datafile around `flags` and `audiences`.
pub fn datafile(flags: Value, audiences: Value) -> Value {
    json!({
        "schemaVersion": 1,
        "revision": 7,
        "publishedAt": "2026-01-15T00:00:00Z",
        "environment": { "id": "env_1", "key": "production", "production": true },
        "flags": flags,
        "audiences": audiences,
        "events": [{ "key": "purchase", "type": "NUMERIC" }]
    })
}

/// An enabled BOOLEAN flag (`on` = true, `off` = false, default `off`) with `rules`.
pub fn boolean_flag(key: &str, rules: Value) -> Value {
    json!({
        "key": key, "type": "BOOLEAN", "status": "ACTIVE", "enabled": true,
        "variations": [{ "key": "on", "value": true }, { "key": "off", "value": false }],
        "offVariation": "off", "defaultVariation": "off",
        "rules": rules
    })
}

/// A rule of `rule_type` serving `on` to `allocation` of everyone.
pub fn rollout_rule(id: &str, rule_type: &str, allocation: f64) -> Value {
    json!({
        "id": id, "type": rule_type, "trafficAllocation": allocation,
        "variations": [{ "variation": "on", "percentage": 1.0 }]
    })
}

/// Compiles a datafile value, panicking with the error on failure.
pub fn compile(datafile: &Value) -> CompiledDatafile {
    CompiledDatafile::from_json(&datafile.to_string()).unwrap_or_else(|e| panic!("{e}"))
}
