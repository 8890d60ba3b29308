//! Runs the shared vectors against the native evaluator-core, and proves the
//! runner cannot pass silently.

use halyard_tests::vectors::{
    load_vector_files, measure_coverage, run_file, vectors_dir, Mismatch, NamedFile,
};
use serde_json::{json, Value};

const REASONS: [&str; 8] = [
    "TARGETING_MATCH",
    "SPLIT",
    "DEFAULT",
    "DISABLED",
    "ERROR",
    "OVERRIDE",
    "SCHEDULED",
    "ROLLOUT_CONDITION",
];
const OPERATORS: [&str; 20] = [
    "eq",
    "neq",
    "in",
    "notIn",
    "contains",
    "startsWith",
    "endsWith",
    "lt",
    "lte",
    "gt",
    "gte",
    "semverEq",
    "semverLt",
    "semverLte",
    "semverGt",
    "semverGte",
    "before",
    "after",
    "exists",
    "regex",
];

fn load() -> Vec<NamedFile> {
    load_vector_files(&vectors_dir()).unwrap_or_else(|e| panic!("loading vectors: {e}"))
}

#[test]
fn every_vector_passes_in_the_native_core() {
    let files = load();
    let mismatches: Vec<Mismatch> = files.iter().flat_map(run_file).collect();
    let cases: usize = files.iter().map(|f| f.file.cases.len()).sum();
    let report: Vec<String> = mismatches.iter().map(ToString::to_string).collect();
    assert!(
        mismatches.is_empty(),
        "{} mismatches over {cases} cases in {} files:\n{}",
        mismatches.len(),
        files.len(),
        report.join("\n")
    );
}

#[test]
fn vectors_meet_the_coverage_floor() {
    let coverage = measure_coverage(&load());
    assert!(coverage.files >= 10, "only {} vector files", coverage.files);
    assert!(
        coverage.cases >= 120,
        "only {} vector cases",
        coverage.cases
    );
    for reason in REASONS {
        assert!(
            coverage.reasons.contains(reason),
            "no case expects reason {reason}"
        );
    }
    for code in ["FLAG_NOT_FOUND", "TYPE_MISMATCH"] {
        assert!(
            coverage.error_codes.contains(code),
            "no case expects errorCode {code}"
        );
    }
    for op in OPERATORS {
        assert!(
            coverage.operators.contains(op),
            "no datafile uses operator {op}"
        );
    }
}

/// A value of the same JSON type (where possible) that differs from `value`.
fn flip(value: Option<&Value>) -> Value {
    match value {
        Some(Value::Bool(b)) => json!(!b),
        Some(Value::String(s)) => json!(format!("{s}-flipped")),
        Some(Value::Number(n)) => json!(n.as_f64().unwrap_or(0.0) + 1.0),
        Some(Value::Array(_)) => json!(["flipped"]),
        Some(Value::Object(_)) => json!({ "flipped": true }),
        Some(Value::Null) | None => json!("flipped"),
    }
}

/// Flips `field` of one case's expectation in a copy of `named` and checks the
/// runner reports exactly that case and field on top of what the original reports.
fn assert_flip_is_reported(named: &NamedFile, case_index: usize, field: &str) {
    let before = run_file(named);
    let mut copy = named.clone();
    let case = &mut copy.file.cases[case_index];
    let flipped = flip(case.expected.get(field));
    case.expected.insert(field.to_owned(), flipped);
    let description = case.description.clone();
    let after = run_file(&copy);
    let is_flipped = |m: &Mismatch| m.case == description && m.field == field;
    assert!(
        after.iter().any(is_flipped) && !before.iter().any(is_flipped),
        "{} › {description}: flipping `{field}` was not reported",
        named.name
    );
    assert_eq!(
        after.len(),
        before.len() + 1,
        "{}: one flip, one new mismatch",
        named.name
    );
}

#[test]
fn flipping_one_expected_value_fails_in_every_file() {
    for named in load() {
        assert_flip_is_reported(&named, 0, "value");
    }
}

#[test]
fn flipping_any_compared_field_fails() {
    let files = load();
    let named = &files[0];
    for field in ["reason", "variation", "ruleId", "errorCode"] {
        assert_flip_is_reported(named, 0, field);
    }
    let rollout = files
        .iter()
        .find_map(|f| {
            let index = f.file.cases.iter().position(|c| {
                c.expected
                    .get("versionSufficient")
                    .is_some_and(Value::is_boolean)
            })?;
            Some((f, index))
        })
        .expect("a case that expects versionSufficient");
    assert_flip_is_reported(rollout.0, rollout.1, "versionSufficient");
}

#[test]
fn a_rejected_datafile_is_a_mismatch() {
    let mut named = load().swap_remove(0);
    named.file.datafile["schemaVersion"] = json!(99);
    let mismatches = run_file(&named);
    assert_eq!(mismatches.len(), 1, "{mismatches:?}");
    assert_eq!(mismatches[0].field, "datafile");
}
