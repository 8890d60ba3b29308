//! Every rejection names the bad field: one valid datafile, one mutation per case.

mod common;

use common::{boolean_flag, datafile, rollout_rule};
use evaluator_core::{CompiledDatafile, Datafile, DatafileError};
use serde_json::{json, Value};

fn valid() -> Value {
    let string_flag = json!({
        "key": "theme", "type": "STRING", "status": "ACTIVE", "enabled": true,
        "variations": [{ "key": "dark", "value": "dark" }, { "key": "light", "value": "light" }],
        "offVariation": "light", "defaultVariation": "dark",
        "rolloutCondition": { "minVersion": "2.4.0", "activationDate": 0 },
        "overrides": [{ "attribute": "userId", "values": ["u1"], "variation": "dark" }],
        "rules": [
            {
                "id": "exp", "type": "AB_TEST", "audiences": ["nordics"], "trafficAllocation": 0.5,
                "variations": [{ "variation": "dark", "percentage": 0.5 }, { "variation": "light", "percentage": 0.5 }]
            },
            rollout_rule("ramp", "TARGETED_DELIVERY", 0.25)
        ]
    });
    let mut ramp = string_flag["rules"][1].clone();
    ramp["variations"] = json!([{ "variation": "dark", "percentage": 1.0 }]);
    let mut flag = string_flag;
    flag["rules"][1] = ramp;
    let audiences = json!([{
        "id": "nordics", "name": "Nordics",
        "conditions": { "all": [
            { "attribute": "country", "op": "in", "values": ["NO", "SE"] },
            { "attribute": "appVersion", "op": "semverGte", "value": "1.0.0" }
        ]}
    }]);
    datafile(
        json!([boolean_flag("checkout", json!([])), flag]),
        audiences,
    )
}

/// Applies `value` at `pointer` (or removes the field when `value` is `None`)
/// and returns the error `Datafile::parse` reports.
fn rejection(pointer: &str, value: Option<Value>) -> DatafileError {
    let mut doc = valid();
    let (parent, field) = pointer.rsplit_once('/').unwrap();
    let parent = doc
        .pointer_mut(parent)
        .unwrap_or_else(|| panic!("{pointer}"));
    match (value, parent) {
        (Some(v), Value::Array(items)) => items[field.parse::<usize>().unwrap()] = v,
        (Some(v), Value::Object(fields)) => drop(fields.insert(field.to_owned(), v)),
        (None, Value::Object(fields)) => drop(fields.remove(field).unwrap()),
        _ => panic!("{pointer}"),
    }
    let json = doc.to_string();
    let err = Datafile::parse(&json).expect_err(pointer);
    // The one-pass compile path reports the same error.
    assert_eq!(CompiledDatafile::from_json(&json).unwrap_err(), err);
    err
}

#[test]
fn the_base_datafile_is_valid_and_round_trips() {
    let json = valid().to_string();
    let parsed = Datafile::parse(&json).unwrap();
    let reparsed = Datafile::parse(&serde_json::to_string(&parsed).unwrap()).unwrap();
    assert_eq!(parsed, reparsed);
    assert!(parsed.validate().is_ok());
}

#[test]
fn semantic_errors_name_the_field() {
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "/schemaVersion",
            json!(2),
            "schemaVersion: unsupported schema version 2 (expected 1)",
        ),
        (
            "/publishedAt",
            json!("yesterday"),
            "publishedAt: not an RFC 3339 date-time",
        ),
        (
            "/flags/1/key",
            json!("checkout"),
            "flags[1].key: duplicate \"checkout\" (first at index 0)",
        ),
        ("/flags/0/key", json!(""), "flags[0].key: must not be empty"),
        (
            "/flags/1/variations/1/key",
            json!("dark"),
            "flags[1].variations[1].key: duplicate \"dark\" (first at index 0)",
        ),
        (
            "/flags/1/variations/1/value",
            json!(3),
            "flags[1].variations[1].value: must be a string for a STRING flag",
        ),
        (
            "/flags/0/variations/1/value",
            json!(true),
            "flags[0].variations: a BOOLEAN flag has exactly two variations, valued true and false",
        ),
        (
            "/flags/0/variations/1/value",
            json!("no"),
            "flags[0].variations[1].value: must be a boolean for a BOOLEAN flag",
        ),
        (
            "/flags/0/variations",
            json!([]),
            "flags[0].variations: must not be empty",
        ),
        (
            "/flags/1/offVariation",
            json!("nope"),
            "flags[1].offVariation: unknown variation \"nope\"",
        ),
        (
            "/flags/1/defaultVariation",
            json!("nope"),
            "flags[1].defaultVariation: unknown variation \"nope\"",
        ),
        (
            "/flags/1/overrides/0/variation",
            json!("nope"),
            "flags[1].overrides[0].variation: unknown variation \"nope\"",
        ),
        (
            "/flags/1/overrides/0/attribute",
            json!(""),
            "flags[1].overrides[0].attribute: must not be empty",
        ),
        (
            "/flags/1/rolloutCondition/minVersion",
            json!("2.4"),
            "flags[1].rolloutCondition.minVersion: not a semantic version",
        ),
        (
            "/flags/1/rules/1/id",
            json!("exp"),
            "flags[1].rules[1].id: duplicate \"exp\" (first at index 0)",
        ),
        (
            "/flags/1/rules/0/id",
            json!(""),
            "flags[1].rules[0].id: must not be empty",
        ),
        (
            "/flags/1/rules/0/audiences/0",
            json!("ghosts"),
            "flags[1].rules[0].audiences[0]: unknown audience \"ghosts\"",
        ),
        (
            "/flags/1/rules/0/trafficAllocation",
            json!(1.5),
            "flags[1].rules[0].trafficAllocation: 1.5 is not within 0..=1",
        ),
        (
            "/flags/1/rules/0/trafficAllocation",
            json!(-0.1),
            "flags[1].rules[0].trafficAllocation: -0.1 is not within 0..=1",
        ),
        (
            "/flags/1/rules/0/variations/1/percentage",
            json!(0.7),
            "flags[1].rules[0].variations: percentages sum to 1.2",
        ),
        (
            "/flags/1/rules/0/variations/1/percentage",
            json!(2),
            "flags[1].rules[0].variations[1].percentage: 2 is not within 0..=1",
        ),
        (
            "/flags/1/rules/0/variations/1/variation",
            json!("nope"),
            "flags[1].rules[0].variations[1].variation: unknown variation \"nope\"",
        ),
        (
            "/flags/1/rules/0/variations",
            json!([]),
            "flags[1].rules[0].variations: must not be empty",
        ),
        (
            "/flags/1/rules/0/hashAttribute",
            json!(""),
            "flags[1].rules[0].hashAttribute: must not be empty",
        ),
        (
            "/audiences/0/id",
            json!(""),
            "audiences[0].id: must not be empty",
        ),
        (
            "/audiences/0/conditions/all/0/values/0",
            json!([]),
            "audiences[0].conditions.all[0].values[0]: must be a string, number or boolean",
        ),
        (
            "/audiences/0/conditions/all/1/value",
            json!("1.0"),
            "audiences[0].conditions.all[1].value: not a semantic version",
        ),
        (
            "/events/0/key",
            json!(""),
            "events[0].key: must not be empty",
        ),
    ];
    for (pointer, value, expected) in cases {
        let err = rejection(pointer, Some(value)).to_string();
        assert!(
            err.starts_with(expected),
            "{pointer}: got {err:?}, want {expected:?}"
        );
    }
}

#[test]
fn duplicate_audiences_are_rejected() {
    let mut doc = valid();
    let copy = doc["audiences"][0].clone();
    doc["audiences"].as_array_mut().unwrap().push(copy);
    let err = Datafile::parse(&doc.to_string()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "audiences[1].id: duplicate \"nordics\" (first at index 0)"
    );
}

#[test]
fn a_split_within_tolerance_is_accepted() {
    let mut doc = valid();
    doc["flags"][1]["rules"][0]["variations"] = json!([
        { "variation": "dark", "percentage": 0.3333333 },
        { "variation": "light", "percentage": 0.6666667 }
    ]);
    assert!(Datafile::parse(&doc.to_string()).is_ok());
    doc["flags"][1]["rules"][0]["variations"][1]["percentage"] = json!(0.666668);
    let err = Datafile::parse(&doc.to_string()).unwrap_err();
    assert_eq!(err.path, "flags[1].rules[0].variations");
}

#[test]
fn structural_errors_carry_the_serde_path() {
    let cases: Vec<(&str, Option<Value>, &str, &str)> = vec![
        (
            "/flags/1/type",
            Some(json!("DATE")),
            "flags[1].type",
            "unknown variant `DATE`",
        ),
        (
            "/flags/1/enabled",
            None,
            "flags[1]",
            "missing field `enabled`",
        ),
        (
            "/flags/1/rules/0/trafficAllocation",
            Some(json!("half")),
            "flags[1].rules[0].trafficAllocation",
            "invalid type: string \"half\"",
        ),
        (
            "/flags/1/rules/0/type",
            Some(json!("ROLLOUT")),
            "flags[1].rules[0].type",
            "unknown variant `ROLLOUT`",
        ),
        (
            "/audiences/0/conditions/all/0/op",
            Some(json!("like")),
            "audiences[0].conditions.all[0].op",
            "unknown variant `like`",
        ),
        (
            "/audiences/0/conditions/all/1",
            Some(json!({ "attribute": "x", "op": "eq", "value": 1, "all": [] })),
            "audiences[0].conditions.all[1]",
            "a condition has exactly one of",
        ),
        (
            "/environment/id",
            Some(json!(5)),
            "environment.id",
            "invalid type: integer `5`",
        ),
        (
            "/revision",
            Some(json!(-1)),
            "revision",
            "invalid value: integer `-1`",
        ),
    ];
    for (pointer, value, path, message) in cases {
        let err = rejection(pointer, value);
        assert_eq!(err.path, path, "{pointer}: {err}");
        assert!(err.message.starts_with(message), "{pointer}: {err}");
    }
}

#[test]
fn unknown_fields_and_bad_json_are_rejected() {
    let mut doc = valid();
    doc["flags"][0]["colour"] = json!("red");
    let err = Datafile::parse(&doc.to_string()).unwrap_err();
    assert_eq!(err.path, "flags[0].colour");
    assert!(err.message.starts_with("unknown field `colour`"), "{err}");

    let err = Datafile::parse("{\"schemaVersion\": 1,").unwrap_err();
    assert_eq!(err.path, "");
    assert!(err.message.starts_with("EOF while parsing"), "{err}");
    let err = Datafile::parse(&format!("{} trailing", valid())).unwrap_err();
    assert!(err.message.starts_with("trailing characters"), "{err}");
}

#[test]
fn hostile_nesting_is_refused_without_overflowing_the_stack() {
    // Deeper than serde_json's recursion limit: a structural error.
    let deep = format!("{}{}", "{\"not\":".repeat(5_000), "}".repeat(5_000));
    let mut doc = valid();
    doc["audiences"][0]["conditions"] = json!(null);
    let json = doc
        .to_string()
        .replace("\"conditions\":null", &format!("\"conditions\":{deep}"));
    let err = Datafile::parse(&json).unwrap_err();
    assert!(err.message.contains("recursion limit exceeded"), "{err}");
    // Within serde's limit but deeper than Halyard's: a semantic error.
    let mut cond = json!({ "attribute": "x", "op": "exists" });
    for _ in 0..40 {
        cond = json!({ "not": cond });
    }
    doc["audiences"][0]["conditions"] = cond;
    let err = Datafile::parse(&doc.to_string()).unwrap_err();
    assert!(err.message.contains("nest deeper than 32"), "{err}");
}
