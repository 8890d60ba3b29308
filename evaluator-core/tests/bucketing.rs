//! The bucketing properties BUCKETING.md promises, checked through full
//! evaluation: agreement with the specification, monotonicity, stability of
//! variations when allocation changes, salting by rule id, determinism and
//! uniformity.

mod common;

use common::{boolean_flag, compile, datafile};
use evaluator_core::{compute_bucket, BucketPurpose, CompiledDatafile, Context, BUCKET_COUNT};
use proptest::prelude::*;
use serde_json::{json, Value};

/// A STRING flag `f` with variations a, b, c and the given rules.
fn abc_flag(rules: Value) -> Value {
    json!({
        "key": "f", "type": "STRING", "status": "ACTIVE", "enabled": true,
        "variations": [
            { "key": "a", "value": "A" }, { "key": "b", "value": "B" }, { "key": "c", "value": "C" }
        ],
        "offVariation": "a", "defaultVariation": "a",
        "rules": rules
    })
}

/// An AB_TEST rule with `allocation` and shares for a, b, c.
fn split_rule(id: &str, allocation: f64, shares: [f64; 3]) -> Value {
    json!({
        "id": id, "type": "AB_TEST", "trafficAllocation": allocation,
        "variations": [
            { "variation": "a", "percentage": shares[0] },
            { "variation": "b", "percentage": shares[1] },
            { "variation": "c", "percentage": shares[2] }
        ]
    })
}

fn compile_rules(rules: Value) -> CompiledDatafile {
    compile(&datafile(json!([abc_flag(rules)]), json!([])))
}

/// The variation a rule serves to `user`, or `None` when the rule does not apply.
fn served<'a>(compiled: &'a CompiledDatafile, user: &str) -> Option<&'a str> {
    let result = compiled.evaluate("f", &Context::with_key(user), 0);
    result.rule_id.and(result.variation)
}

/// Shares with two decimals that sum to exactly 1.
fn shares() -> impl Strategy<Value = [f64; 3]> {
    (0u32..=100, 0u32..=100).prop_map(|(x, y)| {
        let (lo, hi) = (x.min(y), x.max(y));
        [lo, hi - lo, 100 - hi].map(|s| f64::from(s) / 100.0)
    })
}

fn allocation() -> impl Strategy<Value = f64> {
    (0u32..=BUCKET_COUNT).prop_map(|u| f64::from(u) / f64::from(BUCKET_COUNT))
}

fn users() -> impl Strategy<Value = Vec<String>> {
    proptest::collection::vec("[a-zA-Z0-9_@.-]{1,24}|\\PC{1,8}", 40)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 128,
        // Integration tests have no lib.rs next to them to store regressions by.
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    // Evaluation equals the specification computed from `compute_bucket`.
    #[test]
    fn evaluation_follows_the_specification(alloc in allocation(), s in shares(), users in users()) {
        let compiled = compile_rules(json!([split_rule("r", alloc, s)]));
        let units = s.map(|p| (p * 100_000.0).round() as u32);
        for user in &users {
            let traffic = compute_bucket("f", "r", BucketPurpose::Traffic, user);
            let variation = compute_bucket("f", "r", BucketPurpose::Variation, user);
            let expected = if traffic >= (alloc * 100_000.0).round() as u32 {
                None
            } else if variation < units[0] {
                Some("a")
            } else if variation < units[0] + units[1] {
                Some("b")
            } else {
                Some("c")
            };
            prop_assert_eq!(served(&compiled, user), expected, "{}", user);
        }
    }

    // Raising the allocation keeps everyone who was in, with the same variation.
    #[test]
    fn raising_allocation_is_monotonic(a1 in allocation(), a2 in allocation(), s in shares(), users in users()) {
        let small = compile_rules(json!([split_rule("r", a1.min(a2), s)]));
        let large = compile_rules(json!([split_rule("r", a1.max(a2), s)]));
        for user in &users {
            if let Some(variation) = served(&small, user) {
                prop_assert_eq!(served(&large, user), Some(variation), "{}", user);
            }
        }
    }

    // Raising the first variation's share keeps everyone who had it.
    #[test]
    fn raising_a_share_is_monotonic(p in 0u32..=100, q in 0u32..=100, users in users()) {
        let (lo, hi) = (f64::from(p.min(q)) / 100.0, f64::from(p.max(q)) / 100.0);
        let before = compile_rules(json!([split_rule("r", 1.0, [lo, 1.0 - lo, 0.0])]));
        let after = compile_rules(json!([split_rule("r", 1.0, [hi, 1.0 - hi, 0.0])]));
        for user in &users {
            if served(&before, user) == Some("a") {
                prop_assert_eq!(served(&after, user), Some("a"), "{}", user);
            }
        }
    }

    // Changing the allocation never moves anyone between variations.
    #[test]
    fn variation_is_stable_across_allocations(a1 in allocation(), a2 in allocation(), s in shares(), users in users()) {
        let one = compile_rules(json!([split_rule("r", a1, s)]));
        let two = compile_rules(json!([split_rule("r", a2, s)]));
        for user in &users {
            if let (Some(x), Some(y)) = (served(&one, user), served(&two, user)) {
                prop_assert_eq!(x, y, "{}", user);
            }
        }
    }

    // A rule's buckets depend on its id, not its position: permuting rules with
    // disjoint audiences, or inserting others, changes nobody's result.
    #[test]
    fn salting_is_by_rule_id_not_position(s in shares(), alloc in allocation(), order in Just([0usize, 1, 2]).prop_shuffle(), users in users()) {
        let audiences = json!(["x", "y", "z"].map(|g| json!({
            "id": g, "conditions": { "attribute": "group", "op": "eq", "value": g }
        })));
        let rule = |i: usize| {
            let group = ["x", "y", "z"][i];
            let mut r = split_rule(&format!("r{group}"), alloc, s);
            r["audiences"] = json!([group]);
            r
        };
        let canonical = compile(&datafile(json!([abc_flag(json!([rule(0), rule(1), rule(2)]))]), audiences.clone()));
        let permuted = compile(&datafile(json!([abc_flag(json!(order.map(rule)))]), audiences));
        for (i, user) in users.iter().enumerate() {
            let ctx = Context::with_key(user.as_str()).with_attribute("group", ["x", "y", "z"][i % 3]);
            let a = canonical.evaluate("f", &ctx, 0);
            let b = permuted.evaluate("f", &ctx, 0);
            prop_assert_eq!((a.variation, a.rule_id), (b.variation, b.rule_id), "{}", user);
        }
    }

    // Same datafile, same context, same answer: across compilations and calls.
    #[test]
    fn evaluation_is_deterministic(alloc in allocation(), s in shares(), users in users()) {
        let json = datafile(json!([abc_flag(json!([split_rule("r", alloc, s)]))]), json!([]));
        let first = compile(&json);
        let second = compile(&json);
        for user in &users {
            let ctx = Context::with_key(user.as_str());
            prop_assert_eq!(first.evaluate("f", &ctx, 0), second.evaluate("f", &ctx, 0));
            prop_assert_eq!(first.evaluate("f", &ctx, 0), first.evaluate("f", &ctx, 0));
        }
    }
}

/// Pearson's χ² statistic of `counts` against equal expected counts.
fn chi_square(counts: &[u64]) -> f64 {
    let total: u64 = counts.iter().sum();
    let expected = total as f64 / counts.len() as f64;
    counts
        .iter()
        .map(|&c| (c as f64 - expected).powi(2) / expected)
        .sum()
}

/// χ²(0.999) for 99 degrees of freedom: a fair hash exceeds it 0.1 % of the time.
/// The inputs below are fixed, so the outcome is fixed too; it cannot flake.
const CRITICAL_99_DF: f64 = 148.23;
const USERS: u32 = 100_000;

fn bucket_histogram(purpose: BucketPurpose, user: impl Fn(u32) -> String) -> Vec<u64> {
    let mut counts = vec![0u64; 100];
    for i in 0..USERS {
        let bucket = compute_bucket("checkout_v2", "rollout", purpose, &user(i));
        counts[(bucket / 1_000) as usize] += 1;
    }
    counts
}

/// Builds the i-th synthetic user id.
type UserId = fn(u32) -> String;

#[test]
fn buckets_are_uniform() {
    let inputs: [(&str, BucketPurpose, UserId); 4] = [
        ("user-{i} traffic", BucketPurpose::Traffic, |i| {
            format!("user-{i}")
        }),
        ("user-{i} variation", BucketPurpose::Variation, |i| {
            format!("user-{i}")
        }),
        ("numeric ids", BucketPurpose::Traffic, |i| {
            (1_000_000 + i).to_string()
        }),
        ("uuid-like ids", BucketPurpose::Traffic, |i| {
            format!("{:08x}-4b1e-9c2a-{:012x}", i, u64::from(i) * 7919)
        }),
    ];
    for (name, purpose, user) in inputs {
        let stat = chi_square(&bucket_histogram(purpose, user));
        println!("{name}: chi-square {stat:.2} (99 df, critical {CRITICAL_99_DF})");
        assert!(stat < CRITICAL_99_DF, "{name}: chi-square {stat:.2}");
    }
}

#[test]
fn traffic_and_variation_buckets_are_independent() {
    // 10 × 10 joint histogram of (traffic decile, variation decile).
    let mut cells = vec![0u64; 100];
    for i in 0..USERS {
        let user = format!("user-{i}");
        let t = compute_bucket("checkout_v2", "rollout", BucketPurpose::Traffic, &user);
        let v = compute_bucket("checkout_v2", "rollout", BucketPurpose::Variation, &user);
        cells[(t / 10_000 * 10 + v / 10_000) as usize] += 1;
    }
    let stat = chi_square(&cells);
    println!("joint traffic × variation: chi-square {stat:.2} (99 df)");
    assert!(stat < CRITICAL_99_DF, "chi-square {stat:.2}");
}

#[test]
fn a_quarter_rollout_serves_about_a_quarter() {
    let rule = json!({
        "id": "rollout", "type": "TARGETED_DELIVERY", "trafficAllocation": 0.25,
        "variations": [{ "variation": "on", "percentage": 1.0 }]
    });
    let compiled = compile(&datafile(
        json!([boolean_flag("checkout_v2", json!([rule]))]),
        json!([]),
    ));
    let on = (0..USERS)
        .filter(|i| {
            let ctx = Context::with_key(format!("user-{i}"));
            compiled.evaluate("checkout_v2", &ctx, 0).rule_id.is_some()
        })
        .count();
    // Binomial(100000, 0.25) has σ ≈ 137; 5σ either side.
    assert!((24_315..=25_685).contains(&on), "{on}");
}

/// BUCKETING.md §6, end to end: 25 % then 70 % of a 50/50 split.
#[test]
fn worked_example_end_to_end() {
    let flag = |allocation: f64| {
        json!({
            "key": "checkout_v2", "type": "STRING", "status": "ACTIVE", "enabled": true,
            "variations": [
                { "key": "control", "value": "control" }, { "key": "treatment", "value": "treatment" }
            ],
            "offVariation": "control", "defaultVariation": "control",
            "rules": [{
                "id": "rollout", "type": "TARGETED_DELIVERY", "trafficAllocation": allocation,
                "variations": [
                    { "variation": "control", "percentage": 0.5 },
                    { "variation": "treatment", "percentage": 0.5 }
                ]
            }]
        })
    };
    let served = |allocation: f64, user: &str| {
        let compiled = compile(&datafile(json!([flag(allocation)]), json!([])));
        let result = compiled.evaluate("checkout_v2", &Context::with_key(user), 0);
        result.rule_id.and(result.variation).map(str::to_owned)
    };
    let table = [
        ("user-43", Some("control"), Some("control")),
        ("user-4", Some("treatment"), Some("treatment")),
        ("user-42", None, Some("control")),
        ("user-7", None, None),
    ];
    for (user, at_25, at_70) in table {
        assert_eq!(served(0.25, user).as_deref(), at_25, "{user} at 25 %");
        assert_eq!(served(0.70, user).as_deref(), at_70, "{user} at 70 %");
    }
}

/// One evaluation call remembers attribute reads and value hashes in 8 slots
/// by id. Twenty flags bucketing on ten attributes of every type, read in an
/// order that evicts slots, answer in `evaluate_all` as one by one and as
/// `compute_bucket` says.
#[test]
fn remembered_value_hashes_match_the_specification() {
    let texts = [
        "u-1", "42", "true", "é", "", "x/y", "7", "false", "2.5", "user-9",
    ];
    let values = [
        json!("u-1"),
        json!(42),
        json!(true),
        json!("é"),
        json!(""),
        json!("x/y"),
        json!(7.0),
        json!(false),
        json!(2.5),
        json!("user-9"),
    ];
    let flags: Vec<Value> = (0..20)
        .map(|i| {
            let mut flag = abc_flag(json!([split_rule("r", 1.0, [0.5, 0.5, 0.0])]));
            flag["key"] = json!(format!("f{i}"));
            flag["rules"][0]["hashAttribute"] = json!(format!("a{}", (i * 3) % 10));
            flag
        })
        .collect();
    let compiled = compile(&datafile(json!(flags), json!([])));
    let mut ctx = Context::default();
    for (i, value) in values.iter().enumerate() {
        ctx = ctx.with_attribute(format!("a{i}"), value.clone());
    }
    let all = compiled.evaluate_all(&ctx, 0);
    for (i, result) in all.iter().enumerate() {
        let text = texts[(i * 3) % 10];
        let bucket = compute_bucket(&format!("f{i}"), "r", BucketPurpose::Variation, text);
        let expected = if bucket < 50_000 { "a" } else { "b" };
        assert_eq!(result.variation, Some(expected), "f{i} on {text:?}");
        assert_eq!(compiled.evaluate(&format!("f{i}"), &ctx, 0), *result);
    }
}
