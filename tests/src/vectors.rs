//! Loads the shared vector files and runs them against evaluator-core.
//!
//! The comparison rules are the ones in `tests/vectors/README.md`: `value` and
//! `reason` are required, `variation`, `ruleId` and `errorCode` are always compared
//! (absent means null), `versionSufficient` and `dateReached` only when present.

use evaluator_core::{parse_rfc3339_ms, CompiledDatafile, Context, FlagType};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};

/// Fields compared whether or not the expectation names them.
const ALWAYS_COMPARED: [&str; 5] = ["value", "reason", "variation", "ruleId", "errorCode"];
/// Fields compared only when the expectation names them.
const COMPARED_WHEN_PRESENT: [&str; 2] = ["versionSufficient", "dateReached"];

/// One `NNN-topic.json` file.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VectorFile {
    /// What the file covers.
    pub description: String,
    /// A datafile v1, kept as JSON so it goes through the same parser SDKs use.
    pub datafile: Value,
    /// The evaluations to check.
    pub cases: Vec<Case>,
}

/// One evaluation and its expected result.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Case {
    /// What the case checks; names it in failure reports.
    pub description: String,
    /// Flag evaluated.
    pub flag_key: String,
    /// The evaluation context, as an SDK would receive it.
    pub context: Value,
    /// Evaluation time, RFC 3339.
    pub now: String,
    /// The caller's default, returned on errors (null when absent).
    #[serde(default)]
    pub default_value: Option<Value>,
    /// Evaluate through the typed getter for this type.
    #[serde(default)]
    pub value_type: Option<ValueType>,
    /// The expected result object.
    pub expected: Map<String, Value>,
}

/// The type a typed getter asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ValueType {
    /// `getBooleanValue`.
    Boolean,
    /// `getStringValue`.
    String,
    /// `getNumberValue`.
    Number,
    /// `getObjectValue`.
    Json,
}

impl From<ValueType> for FlagType {
    fn from(value_type: ValueType) -> Self {
        match value_type {
            ValueType::Boolean => FlagType::Boolean,
            ValueType::String => FlagType::String,
            ValueType::Number => FlagType::Number,
            ValueType::Json => FlagType::Json,
        }
    }
}

/// A vector file together with the name it was loaded from.
#[derive(Debug, Clone)]
pub struct NamedFile {
    /// File name, e.g. `004-rules.json`.
    pub name: String,
    /// Its contents.
    pub file: VectorFile,
}

/// One disagreement between a vector and the implementation.
#[derive(Debug, Clone, PartialEq)]
pub struct Mismatch {
    /// File name.
    pub file: String,
    /// Case description (or `<datafile>` when the datafile itself failed).
    pub case: String,
    /// Result field, or `datafile` / `context` / `now` / `expected` for bad input.
    pub field: String,
    /// What the vector says.
    pub expected: Value,
    /// What the implementation answered.
    pub actual: Value,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} › {}\n    {}: expected {}, got {}",
            self.file, self.case, self.field, self.expected, self.actual
        )
    }
}

/// The directory holding the shared vectors.
pub fn vectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("vectors")
}

/// Loads every `NNN-topic.json` under `dir`, sorted by name.
pub fn load_vector_files(dir: &Path) -> Result<Vec<NamedFile>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut names: Vec<String> = entries
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| is_vector_file_name(name))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|name| {
            let path = dir.join(&name);
            let text = std::fs::read_to_string(&path).map_err(|e| format!("{name}: {e}"))?;
            let file = serde_json::from_str(&text).map_err(|e| format!("{name}: {e}"))?;
            Ok(NamedFile { name, file })
        })
        .collect()
}

fn is_vector_file_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    name.ends_with(".json")
        && bytes.len() > 4
        && bytes[..3].iter().all(u8::is_ascii_digit)
        && bytes[3] == b'-'
}

/// Runs every case of `named` and returns all mismatches (empty = pass).
pub fn run_file(named: &NamedFile) -> Vec<Mismatch> {
    let datafile_json = named.file.datafile.to_string();
    let compiled = match CompiledDatafile::from_json(&datafile_json) {
        Ok(compiled) => compiled,
        Err(error) => {
            return vec![mismatch(
                named,
                "<datafile>",
                "datafile",
                Value::from("accepted"),
                Value::from(error.to_string()),
            )]
        }
    };
    named
        .file
        .cases
        .iter()
        .flat_map(|case| run_case(named, &compiled, case))
        .collect()
}

fn run_case(named: &NamedFile, compiled: &CompiledDatafile, case: &Case) -> Vec<Mismatch> {
    let bad_input = |field: &str, message: String| {
        vec![mismatch(
            named,
            &case.description,
            field,
            Value::from("valid"),
            Value::from(message),
        )]
    };
    for field in ["value", "reason"] {
        if !case.expected.contains_key(field) {
            return bad_input("expected", format!("`{field}` is required"));
        }
    }
    if let Some(extra) = case.expected.keys().find(|k| !is_result_field(k)) {
        return bad_input("expected", format!("unknown field `{extra}`"));
    }
    let context: Context = match serde_json::from_value(case.context.clone()) {
        Ok(context) => context,
        Err(error) => return bad_input("context", error.to_string()),
    };
    let Some(now) = parse_rfc3339_ms(&case.now) else {
        return bad_input("now", format!("not RFC 3339: {}", case.now));
    };
    let evaluation = match case.value_type {
        Some(value_type) => {
            compiled.evaluate_typed(&case.flag_key, value_type.into(), &context, now)
        }
        None => compiled.evaluate(&case.flag_key, &context, now),
    };
    let mut actual = match serde_json::to_value(&evaluation) {
        Ok(Value::Object(map)) => map,
        other => {
            return bad_input(
                "result",
                format!("does not serialize to an object: {other:?}"),
            )
        }
    };
    // The core returns no value on errors; the caller's default stands in, as in every SDK.
    if evaluation.error_code.is_some() && evaluation.value.is_none() {
        actual.insert(
            "value".into(),
            case.default_value.clone().unwrap_or(Value::Null),
        );
    }
    compare(&case.expected, &actual)
        .into_iter()
        .map(|(field, expected, got)| mismatch(named, &case.description, field, expected, got))
        .collect()
}

fn is_result_field(name: &str) -> bool {
    ALWAYS_COMPARED.contains(&name) || COMPARED_WHEN_PRESENT.contains(&name)
}

/// The fields where `actual` disagrees with `expected`, by the vector rules.
pub fn compare(
    expected: &Map<String, Value>,
    actual: &Map<String, Value>,
) -> Vec<(&'static str, Value, Value)> {
    let always = ALWAYS_COMPARED.iter();
    let present = COMPARED_WHEN_PRESENT
        .iter()
        .filter(|f| expected.contains_key(**f));
    always
        .chain(present)
        .filter_map(|&field| {
            let want = expected.get(field).unwrap_or(&Value::Null);
            let got = actual.get(field).unwrap_or(&Value::Null);
            (!json_eq(want, got)).then(|| (field, want.clone(), got.clone()))
        })
        .collect()
}

/// JSON equality where numbers compare by value (`10` equals `10.0`).
pub fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(xs), Value::Array(ys)) => {
            xs.len() == ys.len() && xs.iter().zip(ys).all(|(x, y)| json_eq(x, y))
        }
        (Value::Object(xs), Value::Object(ys)) => {
            xs.len() == ys.len()
                && xs
                    .iter()
                    .all(|(k, x)| ys.get(k).is_some_and(|y| json_eq(x, y)))
        }
        _ => a == b,
    }
}

fn mismatch(
    named: &NamedFile,
    case: &str,
    field: &str,
    expected: Value,
    actual: Value,
) -> Mismatch {
    Mismatch {
        file: named.name.clone(),
        case: case.to_owned(),
        field: field.to_owned(),
        expected,
        actual,
    }
}

/// What a set of vector files exercises, for the coverage floor.
#[derive(Debug, Default)]
pub struct Coverage {
    /// Number of files.
    pub files: usize,
    /// Number of cases over all files.
    pub cases: usize,
    /// Every `reason` some case expects.
    pub reasons: BTreeSet<String>,
    /// Every `errorCode` some case expects.
    pub error_codes: BTreeSet<String>,
    /// Every condition operator some datafile uses.
    pub operators: BTreeSet<String>,
}

/// Counts files, cases, expected reasons and error codes, and operators used.
pub fn measure_coverage(files: &[NamedFile]) -> Coverage {
    let mut coverage = Coverage {
        files: files.len(),
        ..Coverage::default()
    };
    for named in files {
        coverage.cases += named.file.cases.len();
        for case in &named.file.cases {
            let text = |field| {
                case.expected
                    .get(field)
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            };
            coverage.reasons.extend(text("reason"));
            coverage.error_codes.extend(text("errorCode"));
        }
        collect_operators(&named.file.datafile, &mut coverage.operators);
    }
    coverage
}

fn collect_operators(value: &Value, into: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            if let (Some(Value::String(op)), true) = (map.get("op"), map.contains_key("attribute"))
            {
                into.insert(op.clone());
            }
            map.values().for_each(|v| collect_operators(v, into));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_operators(v, into)),
        _ => {}
    }
}
