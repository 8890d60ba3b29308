//! The benchmark workload, shared by the criterion benches and the
//! instruction-count example: a 50-flag datafile shaped like the peers'
//! (`checkout_v2`: Nordic countries, else a 25 % rollout) and 1,024 contexts.

use evaluator_core::{AttrId, AttrValue, Attributes, CompiledDatafile, Context};
use serde_json::{json, Value};

pub const NOW: i64 = 1_768_435_200_000;
const COUNTRIES: [&str; 8] = ["NO", "SE", "DK", "FI", "DE", "FR", "US", "JP"];
const PLANS: [&str; 3] = ["free", "pro", "enterprise"];

fn boolean(key: &str, rules: Value) -> Value {
    json!({
        "key": key, "type": "BOOLEAN", "status": "ACTIVE", "enabled": true,
        "variations": [{ "key": "on", "value": true }, { "key": "off", "value": false }],
        "offVariation": "off", "defaultVariation": "off", "rules": rules
    })
}

fn td_rule(id: &str, audiences: Value, allocation: f64) -> Value {
    json!({
        "id": id, "type": "TARGETED_DELIVERY", "audiences": audiences,
        "trafficAllocation": allocation, "variations": [{ "variation": "on", "percentage": 1.0 }]
    })
}

/// `checkout_v2` plus `n - 1` flags of four kinds: plain, targeted,
/// percentage rollout, three-way string experiment.
pub fn datafile(n: usize) -> String {
    let mut flags = vec![boolean(
        "checkout_v2",
        json!([
            td_rule("nordics", json!(["nordics"]), 1.0),
            td_rule("rollout", json!([]), 0.25)
        ]),
    )];
    for i in 1..n {
        let key = format!("flag_{i:04}");
        flags.push(match i % 4 {
            0 => boolean(&key, json!([])),
            1 => boolean(&key, json!([td_rule("paying", json!(["paying"]), 1.0)])),
            2 => {
                let mut flag = boolean(&key, json!([td_rule("ramp", json!([]), 0.1 * (i % 10) as f64)]));
                flag["overrides"] = json!([{ "attribute": "key", "values": ["user-1", "user-2"], "variation": "on" }]);
                flag
            }
            _ => json!({
                "key": key, "type": "STRING", "status": "ACTIVE", "enabled": true,
                "variations": [
                    { "key": "control", "value": "control" },
                    { "key": "blue", "value": "blue" },
                    { "key": "green", "value": "green" }
                ],
                "offVariation": "control", "defaultVariation": "control",
                "rolloutCondition": { "minVersion": "2.0.0" },
                "rules": [{
                    "id": "exp", "type": "AB_TEST", "trafficAllocation": 0.5,
                    "variations": [
                        { "variation": "control", "percentage": 0.34 },
                        { "variation": "blue", "percentage": 0.33 },
                        { "variation": "green", "percentage": 0.33 }
                    ]
                }]
            }),
        });
    }
    let audiences = json!([
        { "id": "nordics", "name": "Nordics",
          "conditions": { "attribute": "country", "op": "in", "values": ["NO", "SE", "DK"] } },
        { "id": "paying", "name": "Paying",
          "excluded": { "key": ["blocked"] },
          "conditions": { "any": [
              { "attribute": "plan", "op": "eq", "value": "pro" },
              { "attribute": "plan", "op": "eq", "value": "ENTERPRISE", "caseInsensitive": true }
          ]}}
    ]);
    json!({
        "schemaVersion": 1, "revision": 1, "publishedAt": "2026-01-15T00:00:00Z",
        "environment": { "id": "env", "key": "production", "production": true },
        "flags": flags, "audiences": audiences
    })
    .to_string()
}

/// 1,024 distinct contexts, built before measuring.
pub fn contexts() -> Vec<Context> {
    (0..1024)
        .map(|i| {
            let mut ctx = Context::with_key(format!("user-{i}"))
                .with_attribute("country", COUNTRIES[i % COUNTRIES.len()])
                .with_attribute("plan", PLANS[i % PLANS.len()]);
            ctx.app_version = Some(format!("{}.{}", 1 + i % 3, i % 10));
            ctx
        })
        .collect()
}

/// A binding-style context: values already in `AttrId` slots.
pub struct Slots(Vec<Option<String>>);

impl Attributes for Slots {
    fn get(&self, id: AttrId, _name: &str) -> Option<AttrValue<'_>> {
        self.0.get(usize::from(id))?.as_deref().map(AttrValue::Str)
    }
}

pub fn slots(compiled: &CompiledDatafile, ctx: &Context) -> Slots {
    Slots(
        compiled
            .attribute_names()
            .iter()
            .map(|name| {
                ctx.get(0, name).map(|v| match v {
                    AttrValue::Str(s) => s.to_owned(),
                    other => format!("{other:?}"),
                })
            })
            .collect(),
    )
}
