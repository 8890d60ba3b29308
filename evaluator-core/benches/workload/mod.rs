//! The benchmark workloads, shared by the criterion benches and the
//! instruction-count example: the peer harness's workload
//! (`../shared/bench/peers/workload.mjs`, built the way
//! `sdk-js/bench/halyard-adapter.mjs` builds it: `checkout_v2` = country in
//! NO/SE/DK, else a 25 % rollout; ~25 country audiences; a semver gate;
//! 10,000 contexts from the same seeded generator), and an older synthetic
//! one (`datafile(n)`: 4 flag kinds, 2 audiences) the load benchmarks parse.

use evaluator_core::{AttrId, AttrValue, Attributes, CompiledDatafile, Context};
use serde_json::{json, Value};

pub const NOW: i64 = 1_768_435_200_000;

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

/// A binding-style context as the WebAssembly binding holds it
/// (`evaluator-wasm/src/slots.rs`): per `AttrId` a span of one UTF-8 text,
/// `userId` unset unless given (the reader falls back to `key`). Evaluation
/// reads a [`View`], which validates the text once per call as the binding does.
pub struct Slots {
    spans: Vec<Option<(usize, usize)>>,
    text: Vec<u8>,
}

impl Slots {
    /// The slots for one evaluation call.
    pub fn view(&self) -> View<'_> {
        View {
            spans: &self.spans,
            text: std::str::from_utf8(&self.text).unwrap_or_default(),
        }
    }
}

/// [`Slots`] with their text validated.
pub struct View<'a> {
    spans: &'a [Option<(usize, usize)>],
    text: &'a str,
}

impl Attributes for View<'_> {
    fn get(&self, id: AttrId, _name: &str) -> Option<AttrValue<'_>> {
        let (start, end) = (*self.spans.get(usize::from(id))?)?;
        self.text.get(start..end).map(AttrValue::Str)
    }
}

/// What the JS engine writes for `ctx`: `key` and `appVersion` from the top
/// level, every other name from `attributes`, as text.
pub fn slots(compiled: &CompiledDatafile, ctx: &Context) -> Slots {
    let value = |name: &str| match name {
        "key" => ctx.key.clone(),
        "appVersion" => ctx.app_version.clone(),
        _ => ctx.attributes.get(name).map(|v| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        }),
    };
    let mut text = Vec::new();
    let spans = compiled
        .attribute_names()
        .iter()
        .map(|name| {
            let value = value(name)?;
            text.extend_from_slice(value.as_bytes());
            Some((text.len() - value.len(), text.len()))
        })
        .collect();
    Slots { spans, text }
}

/// The peer workload's measured flag.
pub const MEASURED_FLAG: &str = "checkout_v2";

/// The peer harness's pool size and seed.
const POOL_SIZE: usize = 10_000;
const SEED: u32 = 0x5eed_c0de;
/// Country mix of the peer workload (weights sum to 100).
const COUNTRY_WEIGHTS: [(&str, u32); 14] = [
    ("US", 30),
    ("DE", 10),
    ("GB", 10),
    ("FR", 8),
    ("NO", 5),
    ("SE", 6),
    ("DK", 4),
    ("FI", 3),
    ("NL", 4),
    ("ES", 5),
    ("IT", 5),
    ("PL", 3),
    ("BR", 4),
    ("IN", 3),
];

/// The harness's mulberry32: the same stream as its JavaScript.
struct Mulberry32(u32);

impl Mulberry32 {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x6d2b_79f5);
        let mut t = self.0;
        t = (t ^ (t >> 15)).wrapping_mul(t | 1);
        t ^= t.wrapping_add((t ^ (t >> 7)).wrapping_mul(t | 61));
        f64::from(t ^ (t >> 14)) / 4_294_967_296.0
    }

    fn pick<T: Copy>(&mut self, table: &[(T, u32)]) -> T {
        let mut r = self.next() * 100.0;
        for &(value, weight) in table {
            r -= f64::from(weight);
            if r < 0.0 {
                return value;
            }
        }
        table[table.len() - 1].0
    }
}

/// The harness's 10,000 contexts `{ userId, country, app_version }`, as the
/// adapter passes them: `{ key, appVersion, attributes: { country } }`.
pub fn peer_contexts() -> Vec<Context> {
    let mut rng = Mulberry32(SEED);
    (0..POOL_SIZE)
        .map(|i| {
            let rnd = (rng.next() * 4_294_967_295.0).floor() as u64;
            let major = rng.pick(&[(1, 20), (2, 60), (3, 20)]);
            let minor = (rng.next() * 10.0).floor();
            let patch = (rng.next() * 21.0).floor();
            let country = rng.pick(&COUNTRY_WEIGHTS);
            let mut ctx =
                Context::with_key(format!("u{i:05}-{rnd:08x}")).with_attribute("country", country);
            ctx.app_version = Some(format!("{major}.{minor}.{patch}"));
            ctx
        })
        .collect()
}

/// The peer spec's 50 flags as the adapter's datafile: per flag a geo rule
/// (country audience), a version rule (semverGte audience) and a rollout
/// rule, where the spec has them.
pub fn peer_datafile() -> String {
    let countries: Vec<&str> = COUNTRY_WEIGHTS.iter().map(|(c, _)| *c).collect();
    let mut audiences = Vec::new();
    let mut filler = 0;
    let flags: Vec<Value> = (0..50)
        .map(|i| {
            // (key, countries, minVersion, rollout %, static value)
            let (key, geo, min_version, rollout, on) = match i {
                30 => (MEASURED_FLAG.to_string(), Some(vec!["NO", "SE", "DK"]), None, Some(25), false),
                40 => ("semver_gate".to_string(), None, Some("2.4.0"), None, false),
                _ => {
                    let f = filler;
                    filler += 1;
                    let key = format!("flag_{f:02}");
                    let c = |k: usize| countries[(f + k) % 14];
                    match f % 4 {
                        0 => (key, None, None, None, f % 8 == 0),
                        1 => (key, Some(vec![c(0), c(5)]), None, Some(5 + (f * 7) % 90), false),
                        2 => (key, None, None, Some(3 + (f * 11) % 94), false),
                        _ => (key, Some(vec![c(1), c(3), c(8)]), None, None, false),
                    }
                }
            };
            let rule = |suffix: &str, audience: Option<String>, allocation: f64| {
                json!({
                    "id": format!("{key}-{suffix}"), "type": "TARGETED_DELIVERY",
                    "audiences": audience.into_iter().collect::<Vec<_>>(),
                    "trafficAllocation": allocation, "hashAttribute": "userId",
                    "variations": [{ "variation": "on", "percentage": 1 }]
                })
            };
            let mut rules = Vec::new();
            if let Some(geo) = geo {
                let id = format!("{key}-geo");
                audiences.push(json!({ "id": id, "name": format!("{key} countries"),
                    "conditions": { "attribute": "country", "op": "in", "values": geo } }));
                rules.push(rule("geo", Some(id), 1.0));
            }
            if let Some(min) = min_version {
                let id = format!("{key}-version");
                audiences.push(json!({ "id": id, "name": format!("{key} app version"),
                    "conditions": { "attribute": "appVersion", "op": "semverGte", "value": min } }));
                rules.push(rule("version", Some(id), 1.0));
            }
            if let Some(pct) = rollout {
                rules.push(rule("rollout", None, pct as f64 / 100.0));
            }
            json!({
                "key": key, "type": "BOOLEAN", "status": "ACTIVE", "enabled": true,
                "variations": [{ "key": "on", "value": true }, { "key": "off", "value": false }],
                "offVariation": "off", "defaultVariation": if on { "on" } else { "off" },
                "overrides": [], "rules": rules
            })
        })
        .collect();
    json!({
        "schemaVersion": 1, "revision": 1, "publishedAt": "2026-11-21T00:00:00Z",
        "environment": { "id": "env_bench", "key": "production", "production": true },
        "flags": flags, "audiences": audiences, "events": []
    })
    .to_string()
}
