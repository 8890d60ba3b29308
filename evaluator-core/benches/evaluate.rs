//! Evaluation and compilation benchmarks.
//!
//! `cargo bench -p evaluator-core -- --warm-up-time 1 --measurement-time 3`

use criterion::{criterion_group, criterion_main, Criterion};
use evaluator_core::{AttrId, AttrValue, Attributes, CompiledDatafile, Context};
use serde_json::{json, Value};
use std::hint::black_box;

const NOW: i64 = 1_768_435_200_000;
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
fn datafile(n: usize) -> String {
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
fn contexts() -> Vec<Context> {
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
struct Slots(Vec<Option<String>>);

impl Attributes for Slots {
    fn get(&self, id: AttrId, _name: &str) -> Option<AttrValue<'_>> {
        self.0.get(usize::from(id))?.as_deref().map(AttrValue::Str)
    }
}

fn slots(compiled: &CompiledDatafile, ctx: &Context) -> Slots {
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

fn benches(c: &mut Criterion) {
    let compiled = CompiledDatafile::from_json(&datafile(50)).unwrap_or_else(|e| panic!("{e}"));
    let pool = contexts();
    let index = compiled.flag_index("checkout_v2").unwrap_or_default();

    let mut i = 0;
    c.bench_function("evaluate checkout_v2 (50-flag datafile)", |b| {
        b.iter(|| {
            i = (i + 1) % pool.len();
            black_box(
                compiled
                    .evaluate(black_box("checkout_v2"), &pool[i], NOW)
                    .variation_index,
            )
        })
    });

    let slot_pool: Vec<Slots> = pool.iter().map(|ctx| slots(&compiled, ctx)).collect();
    c.bench_function("evaluate_index checkout_v2, slot context", |b| {
        b.iter(|| {
            i = (i + 1) % slot_pool.len();
            black_box(
                compiled
                    .evaluate_index(black_box(index), &slot_pool[i], NOW)
                    .variation_index,
            )
        })
    });

    c.bench_function("evaluate_all (50 flags)", |b| {
        b.iter(|| {
            i = (i + 1) % pool.len();
            black_box(compiled.evaluate_all(&pool[i], NOW).len())
        })
    });

    let big = datafile(1_000);
    c.bench_function("parse + compile (1,000 flags)", |b| {
        b.iter(|| black_box(CompiledDatafile::from_json(black_box(&big)).map(|d| d.flag_count())))
    });
}

criterion_group!(evaluation, benches);
criterion_main!(evaluation);
