//! Hostile and random input: parsing and evaluation return values, never panic.

mod common;

use common::{boolean_flag, datafile, rollout_rule};
use evaluator_core::{CompiledDatafile, Context, Datafile, FlagType};
use proptest::prelude::*;
use serde_json::{json, Map, Value};

/// Field names of the schema, so random objects often look almost right.
const KEYS: &[&str] = &[
    "schemaVersion",
    "revision",
    "publishedAt",
    "environment",
    "flags",
    "audiences",
    "events",
    "key",
    "type",
    "status",
    "variations",
    "offVariation",
    "enabled",
    "defaultVariation",
    "scheduledEnableAt",
    "rolloutCondition",
    "minVersion",
    "activationDate",
    "overrides",
    "attribute",
    "values",
    "variation",
    "rules",
    "id",
    "trafficAllocation",
    "percentage",
    "hashAttribute",
    "included",
    "excluded",
    "conditions",
    "all",
    "any",
    "not",
    "op",
    "value",
    "caseInsensitive",
    "name",
];

/// Scalars that sit on the edges of what validation accepts.
fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        prop_oneof![
            Just(0.0),
            Just(1.0),
            Just(0.5),
            Just(-1.0),
            Just(1e308),
            any::<f64>()
        ]
        .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        prop_oneof![
            Just("BOOLEAN"),
            Just("ACTIVE"),
            Just("AB_TEST"),
            Just("TARGETED_DELIVERY"),
            Just("eq"),
            Just("in"),
            Just("regex"),
            Just("semverGt"),
            Just("before"),
            Just("exists"),
            Just("2.4.0"),
            Just("2026-01-15T00:00:00Z"),
            Just("(a+)+$"),
            Just("on"),
            Just("off"),
        ]
        .prop_map(Value::from),
        "\\PC{0,12}".prop_map(Value::from),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    scalar().prop_recursive(6, 48, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::vec((proptest::sample::select(KEYS), inner), 0..6).prop_map(
                |fields| Value::Object(
                    fields
                        .into_iter()
                        .map(|(k, v)| (k.to_owned(), v))
                        .collect::<Map<_, _>>()
                )
            ),
        ]
    })
}

/// A valid datafile exercising every part of the schema.
fn base() -> Value {
    let mut rule = rollout_rule("r", "AB_TEST", 0.5);
    rule["audiences"] = json!(["a"]);
    let mut flag = boolean_flag(
        "f",
        json!([rule, rollout_rule("t", "TARGETED_DELIVERY", 0.3)]),
    );
    flag["overrides"] = json!([{ "attribute": "userId", "values": ["u"], "variation": "on" }]);
    flag["rolloutCondition"] = json!({ "minVersion": "1.0.0", "activationDate": 0 });
    datafile(
        json!([flag]),
        json!([{ "id": "a", "included": { "k": ["v"] }, "conditions": { "any": [
            { "attribute": "n", "op": "gt", "value": 3 },
            { "attribute": "s", "op": "regex", "value": "^x" }
        ]}}]),
    )
}

/// Every place in `base()` a mutation may land.
const POINTERS: &[&str] = &[
    "",
    "/flags",
    "/flags/0",
    "/flags/0/variations",
    "/flags/0/variations/0/value",
    "/flags/0/rules",
    "/flags/0/rules/0",
    "/flags/0/rules/0/variations",
    "/flags/0/rules/0/trafficAllocation",
    "/flags/0/overrides/0",
    "/flags/0/rolloutCondition",
    "/audiences/0",
    "/audiences/0/conditions",
    "/audiences/0/conditions/any/0",
    "/audiences/0/conditions/any/1/value",
    "/audiences/0/included",
];

fn context() -> impl Strategy<Value = Value> {
    (
        proptest::option::of(scalar()),
        proptest::option::of(scalar()),
        proptest::collection::vec(
            (
                proptest::sample::select(&["k", "n", "s", "userId", "key"][..]),
                json_value(),
            ),
            0..4,
        ),
    )
        .prop_map(|(key, app, attrs)| {
            let attrs: Map<String, Value> =
                attrs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
            json!({ "key": key, "appVersion": app, "attributes": attrs })
        })
}

/// Parses `json`; when it is accepted, evaluates every flag every way.
fn exercise(json: &str, ctx: &Value) {
    let parsed = Datafile::parse(json);
    check_error_path(json, &parsed);
    let compiled = CompiledDatafile::from_json(json);
    assert_eq!(parsed.is_ok(), compiled.is_ok());
    let (Ok(compiled), Ok(ctx)) = (compiled, serde_json::from_value::<Context>(ctx.clone())) else {
        return;
    };
    for now in [i64::MIN, 0, i64::MAX] {
        for result in compiled.evaluate_all(&ctx, now) {
            let _ = compiled.evaluate_typed(result.flag_key, FlagType::Boolean, &ctx, now);
        }
    }
}

/// Every rejection names a real place: text that is not JSON (serde_json
/// rejects it too) has no path; any other error's path leads to a value of
/// the document (the bad field, or the object missing a field).
fn check_error_path(json: &str, parsed: &Result<Datafile, evaluator_core::DatafileError>) {
    let Err(err) = parsed else { return };
    assert!(!err.message.is_empty(), "{json}");
    match serde_json::from_str::<Value>(json) {
        Err(_) => assert_eq!(err.path, "", "{json}: {err}"),
        Ok(doc) => {
            let pointer: String = err
                .path
                .split(['.', '['])
                .filter(|segment| !segment.is_empty())
                .map(|segment| format!("/{}", segment.trim_end_matches(']')))
                .collect();
            assert!(doc.pointer(&pointer).is_some(), "{json}: {err}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,300}") {
        exercise(&text, &json!({}));
    }

    #[test]
    fn arbitrary_json_never_panics(value in json_value()) {
        exercise(&value.to_string(), &json!({}));
    }

    #[test]
    fn mutated_datafiles_never_panic(
        pointer in proptest::sample::select(POINTERS),
        key in proptest::sample::select(KEYS),
        replacement in json_value(),
        ctx in context(),
        pretty in any::<bool>(),
    ) {
        let mut doc = base();
        if let Some(target) = doc.pointer_mut(pointer) {
            match target {
                // Add or replace one field, so most of the document stays valid.
                Value::Object(fields) => { fields.insert(key.to_owned(), replacement); }
                other => *other = replacement,
            }
        }
        // Pretty output puts errors on later lines: positions must still resolve.
        let json = if pretty { serde_json::to_string_pretty(&doc).unwrap_or_default() } else { doc.to_string() };
        exercise(&json, &ctx);
    }
}

#[test]
fn the_unmutated_base_is_valid() {
    assert!(Datafile::parse(&base().to_string()).is_ok());
}

/// A valid comparison on one of a few attributes, with a well-typed operand.
fn comparison() -> impl Strategy<Value = Value> {
    let attribute = proptest::sample::select(&["n", "s", "v", "d", "missing"][..]);
    let operand = prop_oneof![
        (
            proptest::sample::select(&["eq", "neq", "contains", "startsWith", "endsWith"][..]),
            "\\PC{0,4}",
            any::<bool>()
        )
            .prop_map(|(op, v, ci)| json!({ "op": op, "value": v, "caseInsensitive": ci })),
        (proptest::sample::select(&["eq", "neq"][..]), -5i32..5)
            .prop_map(|(op, n)| json!({ "op": op, "value": n })),
        (
            proptest::sample::select(&["in", "notIn"][..]),
            proptest::collection::vec(scalar().prop_filter("scalar", |v| !v.is_null()), 0..4)
        )
            .prop_map(|(op, values)| json!({ "op": op, "values": values })),
        (
            proptest::sample::select(&["lt", "lte", "gt", "gte"][..]),
            -10.0f64..10.0
        )
            .prop_map(|(op, n)| json!({ "op": op, "value": n })),
        (
            proptest::sample::select(
                &["semverEq", "semverLt", "semverLte", "semverGt", "semverGte"][..]
            ),
            proptest::sample::select(&["1.0.0", "2.4.0-rc.1", "10.2.3"][..])
        )
            .prop_map(|(op, v)| json!({ "op": op, "value": v })),
        (
            proptest::sample::select(&["before", "after"][..]),
            prop_oneof![
                Just(json!("2026-01-15T00:00:00Z")),
                Just(json!(0)),
                Just(json!(1.5e12))
            ]
        )
            .prop_map(|(op, v)| json!({ "op": op, "value": v })),
        proptest::option::of(any::<bool>()).prop_map(|v| json!({ "op": "exists", "value": v })),
        (
            proptest::sample::select(&["^a", "[0-9]+", "(x|y)*z$", "."][..]),
            any::<bool>()
        )
            .prop_map(|(re, ci)| json!({ "op": "regex", "value": re, "caseInsensitive": ci })),
    ];
    (attribute, operand).prop_map(|(attribute, mut cmp)| {
        cmp["attribute"] = json!(attribute);
        cmp
    })
}

fn condition() -> impl Strategy<Value = Value> {
    comparison().prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(|c| json!({ "all": c })),
            proptest::collection::vec(inner.clone(), 0..4).prop_map(|c| json!({ "any": c })),
            inner.prop_map(|c| json!({ "not": c })),
        ]
    })
}

fn attribute_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        scalar(),
        proptest::sample::select(
            &[
                "v2.4",
                "1",
                "2.4.0-rc.1",
                "2026-01-14T23:00:00-02:00",
                "Abc",
                "ÅÄÖ",
                "12"
            ][..]
        )
        .prop_map(Value::from),
        (-20.0f64..20.0).prop_map(Value::from),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    // Random valid conditions compile, evaluate without panicking, and `not`
    // is the exact complement: a context is in `c` or in `{not: c}`, never both.
    #[test]
    fn random_conditions_evaluate_and_negate_exactly(
        cond in condition(),
        attrs in proptest::collection::vec((proptest::sample::select(&["n", "s", "v", "d"][..]), attribute_value()), 0..4),
    ) {
        let audience_rule = |id: &str| {
            let mut rule = rollout_rule("r", "TARGETED_DELIVERY", 1.0);
            rule["audiences"] = json!([id]);
            rule
        };
        let doc = datafile(
            json!([boolean_flag("yes", json!([audience_rule("c")])), boolean_flag("no", json!([audience_rule("not_c")]))]),
            json!([{ "id": "c", "conditions": cond }, { "id": "not_c", "conditions": { "not": cond } }]),
        );
        let compiled = CompiledDatafile::from_json(&doc.to_string()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let attrs: Map<String, Value> = attrs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
        let ctx = Context { key: Some("u".into()), app_version: None, attributes: attrs };
        let yes = compiled.evaluate("yes", &ctx, 0).rule_id.is_some();
        let no = compiled.evaluate("no", &ctx, 0).rule_id.is_some();
        prop_assert!(yes != no, "{} matched both or neither", cond);
    }
}
