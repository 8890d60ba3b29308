//! Evaluation order, reasons, rollout details and typed getters.

mod common;

use common::{boolean_flag, compile, datafile, rollout_rule};
use evaluator_core::{
    compute_bucket, AttrId, AttrValue, Attributes, BucketPurpose, CompiledDatafile, Context,
    ErrorCode, Evaluation, FlagType, Reason,
};
use serde_json::{json, Value};

const NOW: i64 = 1_768_435_200_000; // 2026-01-15T00:00:00Z

fn ctx(value: Value) -> Context {
    serde_json::from_value(value).unwrap()
}

fn one_flag(flag: Value) -> CompiledDatafile {
    compile(&datafile(json!([flag]), json!([])))
}

fn with(mut flag: Value, patch: Value) -> Value {
    for (k, v) in patch.as_object().unwrap() {
        flag[k] = v.clone();
    }
    flag
}

/// (value, variation, reason, rule id) of an evaluation.
fn summary<'a>(
    e: &Evaluation<'a>,
) -> (Option<&'a Value>, Option<&'a str>, Reason, Option<&'a str>) {
    (e.value, e.variation, e.reason, e.rule_id)
}

#[test]
fn unknown_flag_is_an_error_with_no_value() {
    let compiled = one_flag(boolean_flag("f", json!([])));
    let result = compiled.evaluate("nope", &Context::default(), NOW);
    assert_eq!(result, Evaluation::error("", ErrorCode::FlagNotFound));
    assert_eq!(result.value, None);
    let out_of_range = compiled.evaluate_index(5, &Context::default(), NOW);
    assert_eq!(out_of_range.error_code, Some(ErrorCode::FlagNotFound));
}

#[test]
fn disabled_archived_and_scheduled_serve_the_off_variation() {
    let rule = json!([rollout_rule("all", "TARGETED_DELIVERY", 1.0)]);
    let base = boolean_flag("f", rule);
    let off = Some(&Value::Bool(false));
    let cases = [
        (json!({ "enabled": false }), NOW, Reason::Disabled),
        (json!({ "status": "ARCHIVED" }), NOW, Reason::Disabled),
        (
            json!({ "scheduledEnableAt": NOW + 1 }),
            NOW,
            Reason::Scheduled,
        ),
    ];
    for (patch, now, reason) in cases {
        let compiled = one_flag(with(base.clone(), patch.clone()));
        let result = compiled.evaluate("f", &Context::with_key("u"), now);
        assert_eq!(
            summary(&result),
            (off, Some("off"), reason, None),
            "{patch}"
        );
    }
    // At the scheduled instant the flag is on.
    let compiled = one_flag(with(base, json!({ "scheduledEnableAt": NOW })));
    let result = compiled.evaluate("f", &Context::with_key("u"), NOW);
    assert_eq!(result.reason, Reason::TargetingMatch);
}

#[test]
fn overrides_come_first_in_order_and_match_text() {
    let flag = with(
        boolean_flag("f", json!([rollout_rule("all", "TARGETED_DELIVERY", 1.0)])),
        json!({
            "overrides": [
                { "attribute": "companyId", "values": ["42", "true"], "variation": "off" },
                { "attribute": "key", "values": ["vip"], "variation": "on" }
            ],
            "rolloutCondition": { "minVersion": "9.0.0" }
        }),
    );
    let compiled = one_flag(flag);
    let eval = |c: Value| compiled.evaluate("f", &ctx(c), NOW);
    let numeric = eval(json!({ "key": "vip", "attributes": { "companyId": 42 } }));
    assert_eq!(
        (numeric.variation, numeric.reason),
        (Some("off"), Reason::Override)
    );
    let boolean = eval(json!({ "attributes": { "companyId": true } }));
    assert_eq!(boolean.reason, Reason::Override);
    let by_key = eval(json!({ "key": "vip" }));
    assert_eq!(
        (by_key.variation, by_key.reason),
        (Some("on"), Reason::Override)
    );
    // Overrides win over the rollout condition and report no rollout details.
    assert_eq!(by_key.version_sufficient, None);
    let other = eval(json!({ "key": "someone" }));
    assert_eq!(other.reason, Reason::RolloutCondition);
}

#[test]
fn rollout_condition_gates_rules_and_reports_details() {
    let flag = with(
        boolean_flag("f", json!([rollout_rule("all", "TARGETED_DELIVERY", 1.0)])),
        json!({ "rolloutCondition": { "minVersion": "2.4.0", "activationDate": NOW } }),
    );
    let compiled = one_flag(flag);
    let eval = |app: Value, now: i64| {
        let e = compiled.evaluate("f", &ctx(json!({ "key": "u", "appVersion": app })), now);
        (e.variation, e.reason, e.version_sufficient, e.date_reached)
    };
    let gated = (Some("off"), Reason::RolloutCondition);
    assert_eq!(
        eval(json!("2.4"), NOW),
        (Some("on"), Reason::TargetingMatch, Some(true), Some(true))
    );
    assert_eq!(
        eval(json!("v3"), NOW),
        (Some("on"), Reason::TargetingMatch, Some(true), Some(true))
    );
    assert_eq!(
        eval(json!("2.3.9"), NOW),
        (gated.0, gated.1, Some(false), Some(true))
    );
    assert_eq!(
        eval(json!("2.4.0-rc.1"), NOW),
        (gated.0, gated.1, Some(false), Some(true))
    );
    assert_eq!(
        eval(json!("nonsense"), NOW),
        (gated.0, gated.1, Some(false), Some(true))
    );
    assert_eq!(
        eval(Value::Null, NOW),
        (gated.0, gated.1, Some(false), Some(true))
    );
    assert_eq!(
        eval(json!("2.5.0"), NOW - 1),
        (gated.0, gated.1, Some(true), Some(false))
    );
}

#[test]
fn rollout_details_only_for_parts_the_flag_has() {
    let flag = with(
        boolean_flag("f", json!([])),
        json!({ "rolloutCondition": { "activationDate": NOW } }),
    );
    let compiled = one_flag(flag.clone());
    let result = compiled.evaluate("f", &Context::default(), NOW);
    assert_eq!(
        (
            result.reason,
            result.version_sufficient,
            result.date_reached
        ),
        (Reason::Default, None, Some(true))
    );
    // A disabled flag stops before step 4.
    let compiled = one_flag(with(flag, json!({ "enabled": false })));
    let result = compiled.evaluate("f", &Context::default(), NOW);
    assert_eq!(
        (result.version_sufficient, result.date_reached),
        (None, None)
    );
}

#[test]
fn ab_tests_run_before_targeted_delivery() {
    let rules = json!([
        rollout_rule("td", "TARGETED_DELIVERY", 1.0),
        {
            "id": "ab", "type": "AB_TEST", "trafficAllocation": 1.0, "hashAttribute": "deviceId",
            "variations": [{ "variation": "off", "percentage": 1.0 }]
        }
    ]);
    let compiled = one_flag(boolean_flag("f", rules));
    let with_device = compiled.evaluate(
        "f",
        &ctx(json!({ "key": "u", "attributes": { "deviceId": "d1" } })),
        NOW,
    );
    assert_eq!(
        summary(&with_device),
        (Some(&json!(false)), Some("off"), Reason::Split, Some("ab"))
    );
    assert_eq!(with_device.rule_index, Some(1));
    // Without the AB test's hash attribute that rule is skipped.
    let without = compiled.evaluate("f", &Context::with_key("u"), NOW);
    assert_eq!(
        summary(&without),
        (
            Some(&json!(true)),
            Some("on"),
            Reason::TargetingMatch,
            Some("td")
        )
    );
    assert_eq!(without.rule_index, Some(0));
}

#[test]
fn missing_hash_attribute_skips_the_rule() {
    let compiled = one_flag(boolean_flag(
        "f",
        json!([rollout_rule("all", "TARGETED_DELIVERY", 1.0)]),
    ));
    let result = compiled.evaluate("f", &Context::default(), NOW);
    assert_eq!(
        summary(&result),
        (Some(&json!(false)), Some("off"), Reason::Default, None)
    );
}

#[test]
fn audience_membership_rules() {
    let audiences = json!([
        {
            "id": "nordics", "name": "Nordic customers",
            "included": { "userId": ["vip"] },
            "excluded": { "plan": ["banned"] },
            "conditions": { "attribute": "country", "op": "in", "values": ["NO", "SE", "DK"] }
        },
        { "id": "listed", "included": { "companyId": ["acme"] } }
    ]);
    let mut rule = rollout_rule("r", "TARGETED_DELIVERY", 1.0);
    rule["audiences"] = json!(["nordics", "listed"]);
    let compiled = compile(&datafile(
        json!([boolean_flag("f", json!([rule]))]),
        audiences,
    ));
    let reason = |c: Value| compiled.evaluate("f", &ctx(c), NOW).reason;
    let hit = Reason::TargetingMatch;
    assert_eq!(
        reason(json!({ "key": "a", "attributes": { "country": "NO" } })),
        hit
    );
    assert_eq!(
        reason(json!({ "key": "a", "attributes": { "country": "FI" } })),
        Reason::Default
    );
    assert_eq!(
        reason(json!({ "key": "vip", "attributes": { "country": "FI" } })),
        hit
    );
    // Excluded wins over included and conditions.
    assert_eq!(
        reason(json!({ "key": "vip", "attributes": { "country": "NO", "plan": "banned" } })),
        Reason::Default
    );
    // Any audience of the rule suffices; an audience without conditions has only its members.
    assert_eq!(
        reason(json!({ "key": "x", "attributes": { "companyId": "acme" } })),
        hit
    );
    assert_eq!(
        reason(json!({ "key": "x", "attributes": { "companyId": "other" } })),
        Reason::Default
    );
}

#[test]
fn typed_getters_check_the_flag_type() {
    let string_flag = json!({
        "key": "theme", "type": "STRING", "status": "ACTIVE", "enabled": true,
        "variations": [{ "key": "dark", "value": "dark" }, { "key": "light", "value": "light" }],
        "offVariation": "light", "defaultVariation": "dark"
    });
    let compiled = compile(&datafile(
        json!([string_flag, boolean_flag("b", json!([]))]),
        json!([]),
    ));
    let c = Context::default();
    let ok = compiled.evaluate_typed("theme", FlagType::String, &c, NOW);
    assert_eq!(
        (ok.value, ok.reason),
        (Some(&json!("dark")), Reason::Default)
    );
    let mismatch = compiled.evaluate_typed("theme", FlagType::Boolean, &c, NOW);
    assert_eq!(
        mismatch,
        Evaluation::error("theme", ErrorCode::TypeMismatch)
    );
    let json_getter = compiled.evaluate_typed("b", FlagType::Json, &c, NOW);
    assert_eq!(json_getter.error_code, Some(ErrorCode::TypeMismatch));
    let missing = compiled.evaluate_typed("nope", FlagType::String, &c, NOW);
    assert_eq!(missing.error_code, Some(ErrorCode::FlagNotFound));
}

#[test]
fn evaluate_all_follows_datafile_order() {
    let flags = json!([
        boolean_flag("b", json!([])),
        boolean_flag("a", json!([])),
        boolean_flag("c", json!([]))
    ]);
    let compiled = compile(&datafile(flags, json!([])));
    let keys: Vec<&str> = compiled
        .evaluate_all(&Context::default(), NOW)
        .iter()
        .map(|e| e.flag_key)
        .collect();
    assert_eq!(keys, ["b", "a", "c"]);
    assert_eq!(compiled.flag_count(), 3);
    assert_eq!(compiled.flag_index("a"), Some(1));
    assert_eq!(compiled.datafile().revision, 7);
}

#[test]
fn results_serialize_to_the_shared_result_object() {
    let compiled = one_flag(boolean_flag(
        "f",
        json!([rollout_rule("r", "AB_TEST", 1.0)]),
    ));
    let hit = compiled.evaluate("f", &Context::with_key("u"), NOW);
    assert_eq!(
        serde_json::to_value(hit).unwrap(),
        json!({ "value": true, "variation": "on", "reason": "SPLIT", "ruleId": "r",
                "errorCode": null, "versionSufficient": null, "dateReached": null })
    );
    let missing = compiled.evaluate("x", &Context::default(), NOW);
    assert_eq!(
        serde_json::to_value(missing).unwrap(),
        json!({ "value": null, "variation": null, "reason": "ERROR", "ruleId": null,
                "errorCode": "FLAG_NOT_FOUND", "versionSufficient": null, "dateReached": null })
    );
    assert_eq!(Reason::RolloutCondition.as_str(), "ROLLOUT_CONDITION");
    assert_eq!(ErrorCode::InvalidContext.as_str(), "INVALID_CONTEXT");
}

/// A binding-style context: values in slots indexed by `AttrId`, no names.
struct Slots(Vec<Option<String>>);

impl Attributes for Slots {
    fn get(&self, id: AttrId, _name: &str) -> Option<AttrValue<'_>> {
        self.0.get(usize::from(id))?.as_deref().map(AttrValue::Str)
    }
}

#[test]
fn slot_contexts_get_the_user_id_fallback_from_the_core() {
    let mut rule = rollout_rule("r", "TARGETED_DELIVERY", 1.0);
    rule["audiences"] = json!(["beta"]);
    let audiences = json!([{ "id": "beta", "conditions": { "attribute": "plan", "op": "eq", "value": "beta" } }]);
    let compiled = compile(&datafile(
        json!([boolean_flag("f", json!([rule]))]),
        audiences,
    ));
    let names = compiled.attribute_names();
    assert_eq!(names, ["plan", "userId", "key"]);
    let mut slots = vec![None; names.len()];
    slots[compiled.attribute_id("plan").unwrap() as usize] = Some("beta".to_owned());
    slots[compiled.attribute_id("key").unwrap() as usize] = Some("u1".to_owned());
    let result = compiled.evaluate("f", &Slots(slots), NOW);
    assert_eq!(result.reason, Reason::TargetingMatch);
}

#[test]
fn numeric_hash_attributes_hash_their_javascript_text() {
    let rule = json!({
        "id": "r", "type": "AB_TEST", "trafficAllocation": 1.0, "hashAttribute": "accountId",
        "variations": [{ "variation": "on", "percentage": 0.5 }, { "variation": "off", "percentage": 0.5 }]
    });
    let compiled = one_flag(boolean_flag("f", json!([rule])));
    for account in [7.0, 1e21, 0.5, 123456789.0] {
        let bucket = compute_bucket("f", "r", BucketPurpose::Variation, &js_text(account));
        let expected = if bucket < 50_000 { "on" } else { "off" };
        let number = compiled.evaluate(
            "f",
            &ctx(json!({ "attributes": { "accountId": account } })),
            NOW,
        );
        let text = compiled.evaluate(
            "f",
            &ctx(json!({ "attributes": { "accountId": js_text(account) } })),
            NOW,
        );
        assert_eq!(number.variation, Some(expected), "{account}");
        assert_eq!(text.variation, Some(expected), "{account}");
    }
}

/// `String(n)` in JavaScript for the values used above.
fn js_text(n: f64) -> String {
    match n {
        1e21 => "1e+21".to_owned(),
        _ => n.to_string(),
    }
}

/// Evaluate-all decides each audience once per call (for the first 64) and
/// shares the answer between flags: 70 audiences, each used by two flags,
/// answer in `evaluate_all` as flag by flag, members and non-members alike.
#[test]
fn shared_audiences_answer_alike_in_evaluate_all() {
    let audiences: Vec<Value> = (0..70)
        .map(|i| {
            json!({ "id": format!("aud{i}"), "name": "n",
                "excluded": { "key": ["blocked"] },
                "conditions": { "attribute": "tier", "op": "lt", "value": i } })
        })
        .collect();
    let flags: Vec<Value> = (0..140)
        .map(|i| {
            let mut rule = rollout_rule("r", "TARGETED_DELIVERY", 1.0);
            rule["audiences"] = json!([format!("aud{}", (i * 7) % 70), format!("aud{}", i / 2)]);
            boolean_flag(&format!("f{i}"), json!([rule]))
        })
        .collect();
    let compiled = compile(&datafile(json!(flags), json!(audiences)));
    for (key, tier) in [("u", 0), ("u", 30), ("u", 69), ("blocked", 10)] {
        let ctx = Context::with_key(key).with_attribute("tier", tier);
        let all = compiled.evaluate_all(&ctx, NOW);
        for (i, result) in all.iter().enumerate() {
            assert_eq!(
                *result,
                compiled.evaluate(&format!("f{i}"), &ctx, NOW),
                "f{i}"
            );
            let member = key != "blocked" && (tier < (i * 7) % 70 || tier < i / 2);
            assert_eq!(
                result.rule_id.is_some(),
                member,
                "f{i} for {key} at tier {tier}"
            );
        }
    }
}

#[test]
fn only_serving_flags_with_a_schedule_or_activation_date_read_the_clock() {
    let flags = json!([
        boolean_flag("plain", json!([])),
        with(
            boolean_flag("scheduled", json!([])),
            json!({ "scheduledEnableAt": NOW })
        ),
        with(
            boolean_flag("dated", json!([])),
            json!({ "rolloutCondition": { "activationDate": NOW } })
        ),
        with(
            boolean_flag("disabled", json!([])),
            json!({ "enabled": false, "scheduledEnableAt": NOW })
        ),
    ]);
    let compiled = compile(&datafile(flags, json!([])));
    let reads: Vec<bool> = (0..5).map(|i| compiled.reads_clock(i)).collect();
    assert_eq!(reads, [false, true, true, false, false]);
}
