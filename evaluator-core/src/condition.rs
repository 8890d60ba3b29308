//! Conditions: compiled once from the wire [`Condition`], matched many times.
//!
//! Semantics shared by every operator:
//! - a missing attribute makes every comparison false (`neq` and `notIn`
//!   included); only `exists` asks about presence;
//! - `eq`, `neq`, `in`, `notIn` and the string operators compare *text*:
//!   strings as they are, numbers as JavaScript's `String(n)`, booleans as
//!   `true`/`false` (so the attribute `42` equals the operand `"42"` and `42`);
//! - `caseInsensitive` lowercases both sides per character with Unicode's
//!   lowercase mapping (`char::to_lowercase`, no locale), `regex` included
//!   (its syntax: `regex.rs`);
//! - numeric operators accept numbers and strings holding a finite number;
//! - semver operators parse the attribute leniently (`v2.4` = `2.4.0`);
//! - `before`/`after` accept RFC 3339 strings and epoch-millisecond numbers.

use crate::compile::try_map;
use crate::context::{AttrId, AttrValue, Attributes, Interner, Reader};
use crate::datafile::{Comparison, Condition, Operator};
use crate::error::DatafileError;
use crate::number::NumberText;
use crate::regex::Regex;
use crate::text::{contains, ends_with, equals, fold, starts_with, ValueSet};
use crate::time::parse_rfc3339_ms;
use crate::version::{compare_text, parse_strict_semver, Version};
use alloc::boxed::Box;
use core::cmp::Ordering;
use serde_json::Value;

/// How deep `all`/`any`/`not` may nest; keeps hostile input off the stack.
pub const MAX_CONDITION_DEPTH: usize = 32;
/// Longest regex pattern accepted, in bytes.
const MAX_REGEX_LEN: usize = 1_024;

/// A compiled condition tree.
#[derive(Debug)]
pub(crate) enum Node {
    All(Box<[Node]>),
    Any(Box<[Node]>),
    Not(Box<Node>),
    /// `exists`: whether the attribute's presence is the wanted one.
    Exists(AttrId, bool),
    Test(AttrId, Test),
}

/// A compiled comparison of one attribute.
#[derive(Debug)]
pub(crate) enum Test {
    /// `eq` (negate = false) and `neq`.
    Equals {
        text: Box<str>,
        ci: bool,
        negate: bool,
    },
    /// `in` and `notIn`.
    OneOf {
        set: ValueSet,
        ci: bool,
        negate: bool,
    },
    Contains {
        text: Box<str>,
        ci: bool,
    },
    StartsWith {
        text: Box<str>,
        ci: bool,
    },
    EndsWith {
        text: Box<str>,
        ci: bool,
    },
    Number {
        cmp: Cmp,
        operand: f64,
    },
    Semver {
        cmp: Cmp,
        operand: Version,
    },
    /// `before` (after = false) and `after`, in epoch milliseconds.
    Date {
        after: bool,
        operand: f64,
    },
    Regex(Regex),
}

/// An ordering test: which results of `attribute.cmp(operand)` pass.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Cmp {
    Eq,
    Lt,
    Lte,
    Gt,
    Gte,
}

impl Cmp {
    /// The ordering test of a numeric or semver operator (`Eq` for the others,
    /// which never ask).
    fn of(op: Operator) -> Cmp {
        match op {
            Operator::Lt | Operator::SemverLt => Cmp::Lt,
            Operator::Lte | Operator::SemverLte => Cmp::Lte,
            Operator::Gt | Operator::SemverGt => Cmp::Gt,
            Operator::Gte | Operator::SemverGte => Cmp::Gte,
            _ => Cmp::Eq,
        }
    }

    fn holds(self, ordering: Ordering) -> bool {
        match self {
            Cmp::Eq => ordering.is_eq(),
            Cmp::Lt => ordering.is_lt(),
            Cmp::Lte => ordering.is_le(),
            Cmp::Gt => ordering.is_gt(),
            Cmp::Gte => ordering.is_ge(),
        }
    }
}

impl Node {
    /// Whether the context satisfies the condition.
    pub(crate) fn matches<C: Attributes + ?Sized>(&self, reader: &Reader<'_, C>) -> bool {
        match self {
            Node::All(children) => children.iter().all(|c| c.matches(reader)),
            Node::Any(children) => children.iter().any(|c| c.matches(reader)),
            Node::Not(child) => !child.matches(reader),
            Node::Exists(attr, wanted) => reader.read(*attr).is_some() == *wanted,
            // A missing attribute fails every comparison, negated ones included.
            Node::Test(attr, test) => reader.read(*attr).is_some_and(|v| test.matches(v)),
        }
    }
}

impl Test {
    fn matches(&self, value: AttrValue<'_>) -> bool {
        match self {
            Test::Equals { text, ci, negate } => {
                equals(value.to_text().as_str(), text, *ci) != *negate
            }
            Test::OneOf { set, ci, negate } => {
                let attr = value.to_text();
                let found = if *ci {
                    set.contains_lowered(attr.as_str())
                } else {
                    set.contains(attr.as_str())
                };
                found != *negate
            }
            Test::Contains { text, ci } => contains(value.to_text().as_str(), text, *ci),
            Test::StartsWith { text, ci } => starts_with(value.to_text().as_str(), text, *ci),
            Test::EndsWith { text, ci } => ends_with(value.to_text().as_str(), text, *ci),
            Test::Number { cmp, operand } => value
                .to_number()
                .and_then(|n| n.partial_cmp(operand))
                .is_some_and(|o| cmp.holds(o)),
            Test::Semver { cmp, operand } => {
                compare_text(value.to_text().as_str(), operand).is_some_and(|o| cmp.holds(o))
            }
            Test::Date { after, operand } => to_epoch_ms(value)
                .and_then(|ms| ms.partial_cmp(operand))
                .is_some_and(|o| if *after { o.is_gt() } else { o.is_lt() }),
            Test::Regex(re) => re.is_match(value.to_text().as_str()),
        }
    }
}

fn to_epoch_ms(value: AttrValue<'_>) -> Option<f64> {
    match value {
        AttrValue::Num(n) => Some(n),
        AttrValue::Str(s) => parse_rfc3339_ms(s).map(|ms| ms as f64),
        AttrValue::Bool(_) => None,
    }
}

/// Compiles `condition` found at `path`, interning the attributes it reads.
pub(crate) fn compile_condition(
    condition: &Condition,
    path: &str,
    interner: &mut Interner,
) -> Result<Node, DatafileError> {
    // Paths are built on the way out of an error (below `condition`, then
    // `path` in front), not for every node compiled.
    compile_at_depth(condition, 0, interner).map_err(|e| e.in_field(path))
}

fn compile_at_depth(
    condition: &Condition,
    depth: usize,
    interner: &mut Interner,
) -> Result<Node, DatafileError> {
    if depth >= MAX_CONDITION_DEPTH {
        return Err(DatafileError::new("", DEPTH_ERROR));
    }
    let compile_all = |children: &[Condition], field: &str, interner: &mut Interner| {
        let nodes = try_map(children, |i, c| {
            compile_at_depth(c, depth + 1, interner).map_err(|e| e.in_element(i).in_field(field))
        })?;
        Ok::<_, DatafileError>(nodes.into_boxed_slice())
    };
    Ok(match condition {
        Condition::All { all } => Node::All(compile_all(all, "all", interner)?),
        Condition::Any { any } => Node::Any(compile_all(any, "any", interner)?),
        Condition::Not { not } => Node::Not(Box::new(
            compile_at_depth(not, depth + 1, interner).map_err(|e| e.in_field("not"))?,
        )),
        Condition::Compare(cmp) => compile_comparison(cmp, interner)?,
    })
}

/// The error of a too deep condition; its number is [`MAX_CONDITION_DEPTH`].
const DEPTH_ERROR: &str = "conditions nest deeper than 32 levels";

/// The error at the comparison's `value`.
fn bad_value(message: impl core::fmt::Display) -> DatafileError {
    DatafileError::new("value", message)
}

/// The `value` operand, which scalar operators require.
fn operand(cmp: &Comparison) -> Result<&Value, DatafileError> {
    cmp.value.as_ref().ok_or_else(|| bad_value("is required"))
}

fn compile_comparison(cmp: &Comparison, interner: &mut Interner) -> Result<Node, DatafileError> {
    const SCALAR: &str = "must be a string, number or boolean";
    if cmp.attribute.is_empty() {
        return Err(DatafileError::new("attribute", "must not be empty"));
    }
    let attr = interner.intern(&cmp.attribute);
    let op = cmp.op;
    let is_list_op = matches!(op, Operator::In | Operator::NotIn);
    match (is_list_op, &cmp.value, &cmp.values) {
        (true, Some(_), _) => return Err(bad_value("in/notIn take `values`, not `value`")),
        (false, _, Some(_)) => {
            return Err(DatafileError::new("values", "only in/notIn take `values`"))
        }
        _ => {}
    }
    let takes_case = matches!(
        op,
        Operator::Eq
            | Operator::Neq
            | Operator::In
            | Operator::NotIn
            | Operator::Contains
            | Operator::StartsWith
            | Operator::EndsWith
            | Operator::Regex
    );
    let ci = cmp.case_insensitive;
    if ci && !takes_case {
        return Err(DatafileError::new(
            "caseInsensitive",
            "applies to string operators only",
        ));
    }
    let test = match op {
        Operator::Eq | Operator::Neq => Test::Equals {
            text: scalar_text(operand(cmp)?, ci).ok_or_else(|| bad_value(SCALAR))?,
            ci,
            negate: op == Operator::Neq,
        },
        Operator::In | Operator::NotIn => {
            let values = cmp
                .values
                .as_ref()
                .ok_or_else(|| DatafileError::new("values", "is required"))?;
            let texts = try_map(values, |i, v| {
                scalar_text(v, ci).ok_or_else(|| {
                    DatafileError::new("", SCALAR)
                        .in_element(i)
                        .in_field("values")
                })
            })?;
            Test::OneOf {
                set: ValueSet::new(texts),
                ci,
                negate: op == Operator::NotIn,
            }
        }
        Operator::Contains | Operator::StartsWith | Operator::EndsWith => {
            let text = match operand(cmp)? {
                Value::String(s) => fold(s, ci),
                _ => return Err(bad_value("must be a string")),
            };
            match op {
                Operator::Contains => Test::Contains { text, ci },
                Operator::StartsWith => Test::StartsWith { text, ci },
                _ => Test::EndsWith { text, ci },
            }
        }
        Operator::Lt | Operator::Lte | Operator::Gt | Operator::Gte => Test::Number {
            cmp: Cmp::of(op),
            operand: operand(cmp)?
                .as_f64()
                .ok_or_else(|| bad_value("must be a number"))?,
        },
        Operator::SemverEq
        | Operator::SemverLt
        | Operator::SemverLte
        | Operator::SemverGt
        | Operator::SemverGte => Test::Semver {
            cmp: Cmp::of(op),
            operand: match operand(cmp)? {
                Value::String(s) => parse_strict_semver(s)
                    .map_err(|e| bad_value(format_args!("not a semantic version: {e}")))?,
                _ => return Err(bad_value("must be a semantic version string")),
            },
        },
        Operator::Before | Operator::After => Test::Date {
            after: op == Operator::After,
            operand: match operand(cmp)? {
                Value::Number(n) => n.as_f64().ok_or_else(|| bad_value("bad number"))?,
                Value::String(s) => parse_rfc3339_ms(s)
                    .ok_or_else(|| bad_value("not an RFC 3339 date-time"))?
                    as f64,
                _ => {
                    return Err(bad_value(
                        "must be an RFC 3339 string or epoch milliseconds",
                    ))
                }
            },
        },
        Operator::Exists => match &cmp.value {
            None => return Ok(Node::Exists(attr, true)),
            Some(Value::Bool(b)) => return Ok(Node::Exists(attr, *b)),
            Some(_) => return Err(bad_value("exists takes an optional boolean")),
        },
        Operator::Regex => {
            let pattern = match operand(cmp)? {
                Value::String(s) if s.len() <= MAX_REGEX_LEN => s,
                Value::String(_) => return Err(bad_value("regex longer than 1024 bytes")),
                _ => return Err(bad_value("must be a regex string")),
            };
            let re = Regex::new(pattern, ci)
                .map_err(|e| bad_value(format_args!("invalid regex: {e}")))?;
            Test::Regex(re)
        }
    };
    Ok(Node::Test(attr, test))
}

/// Text of a scalar operand (see the module docs), lowercased when `ci`.
fn scalar_text(value: &Value, ci: bool) -> Option<Box<str>> {
    let text: Box<str> = match value {
        Value::String(s) => s.as_str().into(),
        Value::Number(n) => NumberText::new(n.as_f64()?).as_str().into(),
        Value::Bool(b) => if *b { "true" } else { "false" }.into(),
        Value::Null | Value::Array(_) | Value::Object(_) => return None,
    };
    Some(if ci { fold(&text, true) } else { text })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::AttributeTable;
    use crate::context::Context;
    use serde_json::json;

    fn compile(condition: Value) -> Result<(Node, AttributeTable), DatafileError> {
        let condition: Condition = serde_json::from_value(condition).unwrap();
        let mut interner = Interner::default();
        let node = compile_condition(&condition, "c", &mut interner)?;
        Ok((node, interner.finish()?))
    }

    /// Evaluates `condition` against a context whose attributes are `attrs`.
    fn check(condition: Value, attrs: Value) -> bool {
        let (node, table) = compile(condition).unwrap();
        let ctx: Context = serde_json::from_value(json!({ "attributes": attrs })).unwrap();
        node.matches(&Reader::new(&ctx, &table))
    }

    fn cmp(attribute: &str, op: &str, value: Value) -> Value {
        json!({ "attribute": attribute, "op": op, "value": value })
    }

    fn ci(attribute: &str, op: &str, value: Value) -> Value {
        json!({ "attribute": attribute, "op": op, "value": value, "caseInsensitive": true })
    }

    fn error(condition: Value) -> String {
        compile(condition).unwrap_err().to_string()
    }

    #[test]
    fn equality_compares_text() {
        let a = json!({ "s": "pro", "n": 42, "f": 0.5, "b": true, "u": "Åse" });
        assert!(check(cmp("s", "eq", json!("pro")), a.clone()));
        assert!(!check(cmp("s", "eq", json!("Pro")), a.clone()));
        assert!(check(cmp("n", "eq", json!(42)), a.clone()));
        assert!(check(cmp("n", "eq", json!("42")), a.clone()));
        assert!(check(cmp("n", "eq", json!(42.0)), a.clone()));
        assert!(!check(cmp("f", "eq", json!(".5")), a.clone()));
        assert!(check(cmp("f", "eq", json!("0.5")), a.clone()));
        assert!(check(cmp("b", "eq", json!(true)), a.clone()));
        assert!(check(cmp("b", "eq", json!("true")), a.clone()));
        assert!(check(ci("u", "eq", json!("åSE")), a.clone()));
        assert!(check(cmp("s", "neq", json!("free")), a.clone()));
        assert!(!check(cmp("s", "neq", json!("pro")), a));
    }

    #[test]
    fn missing_attributes_fail_every_comparison() {
        let ops = [
            ("eq", json!("x")),
            ("neq", json!("x")),
            ("contains", json!("")),
            ("startsWith", json!("")),
            ("endsWith", json!("")),
            ("lt", json!(1)),
            ("gte", json!(1)),
            ("semverEq", json!("1.0.0")),
            ("semverLt", json!("1.0.0")),
            ("before", json!(0)),
            ("after", json!(0)),
            ("regex", json!(".*")),
        ];
        for (op, value) in ops {
            assert!(!check(cmp("absent", op, value), json!({})), "{op}");
        }
        for op in ["in", "notIn"] {
            let cond = json!({ "attribute": "absent", "op": op, "values": ["x"] });
            assert!(!check(cond, json!({ "other": "y" })), "{op}");
        }
        // Null, arrays and objects count as missing.
        assert!(!check(cmp("x", "neq", json!("a")), json!({ "x": null })));
        assert!(!check(cmp("x", "neq", json!("a")), json!({ "x": ["a"] })));
    }

    #[test]
    fn membership() {
        let in_op = |values: Value, negate: bool| json!({ "attribute": "c", "op": if negate { "notIn" } else { "in" }, "values": values });
        let attrs = json!({ "c": "SE", "n": 7 });
        assert!(check(
            in_op(json!(["NO", "SE", "DK"]), false),
            attrs.clone()
        ));
        assert!(!check(in_op(json!(["NO", "DK"]), false), attrs.clone()));
        assert!(check(in_op(json!(["NO", "DK"]), true), attrs.clone()));
        assert!(!check(in_op(json!(["SE"]), true), attrs.clone()));
        assert!(check(
            json!({ "attribute": "n", "op": "in", "values": [1, "7"] }),
            attrs.clone()
        ));
        assert!(check(
            json!({ "attribute": "c", "op": "in", "values": ["no", "se"], "caseInsensitive": true }),
            attrs.clone()
        ));
        assert!(!check(in_op(json!([]), false), attrs));
    }

    #[test]
    fn string_operators() {
        let a = json!({ "e": "Ola.Nordmann@Example.NO", "w": "ÆØÅ-test", "n": 12345 });
        assert!(check(cmp("e", "endsWith", json!("@Example.NO")), a.clone()));
        assert!(!check(
            cmp("e", "endsWith", json!("@example.no")),
            a.clone()
        ));
        assert!(check(ci("e", "endsWith", json!("@EXAMPLE.no")), a.clone()));
        assert!(check(cmp("e", "startsWith", json!("Ola")), a.clone()));
        assert!(check(ci("e", "startsWith", json!("OLA.")), a.clone()));
        assert!(!check(
            ci("e", "startsWith", json!("ola.nordmann@example.no.x")),
            a.clone()
        ));
        assert!(check(cmp("e", "contains", json!("Nordmann")), a.clone()));
        assert!(check(ci("e", "contains", json!("NORDMANN@")), a.clone()));
        assert!(!check(ci("e", "contains", json!("nordfrau")), a.clone()));
        assert!(check(ci("w", "startsWith", json!("æøå")), a.clone()));
        assert!(check(ci("w", "contains", json!("Å-T")), a.clone()));
        assert!(check(ci("w", "endsWith", json!("Å-TEST")), a.clone()));
        assert!(check(cmp("n", "startsWith", json!("123")), a.clone()));
        assert!(check(ci("e", "contains", json!("")), a));
    }

    #[test]
    fn numeric_operators() {
        let a = json!({ "age": 30, "s": "30.5", "bad": "thirty", "b": true });
        assert!(check(cmp("age", "lt", json!(31)), a.clone()));
        assert!(!check(cmp("age", "lt", json!(30)), a.clone()));
        assert!(check(cmp("age", "lte", json!(30)), a.clone()));
        assert!(check(cmp("age", "gt", json!(29.9)), a.clone()));
        assert!(check(cmp("age", "gte", json!(30)), a.clone()));
        assert!(check(cmp("s", "gt", json!(30)), a.clone()));
        assert!(!check(cmp("bad", "lt", json!(100)), a.clone()));
        assert!(!check(cmp("b", "gte", json!(0)), a));
    }

    #[test]
    fn semver_operators() {
        let a = json!({ "v": "v2.4", "full": "2.4.0-beta.1", "junk": "latest", "n": 3 });
        assert!(check(cmp("v", "semverEq", json!("2.4.0")), a.clone()));
        assert!(check(cmp("v", "semverGt", json!("2.3.9")), a.clone()));
        assert!(check(cmp("v", "semverGte", json!("2.4.0")), a.clone()));
        assert!(check(cmp("v", "semverLt", json!("2.10.0")), a.clone()));
        assert!(check(cmp("v", "semverLte", json!("2.4.0")), a.clone()));
        assert!(check(cmp("full", "semverLt", json!("2.4.0")), a.clone()));
        assert!(!check(cmp("junk", "semverLt", json!("99.0.0")), a.clone()));
        assert!(!check(cmp("junk", "semverGte", json!("0.0.0")), a.clone()));
        assert!(check(cmp("n", "semverEq", json!("3.0.0")), a));
    }

    #[test]
    fn date_operators() {
        let a =
            json!({ "d": "2026-01-15T00:00:00Z", "ms": 1_768_435_200_000i64, "bad": "yesterday" });
        assert!(check(
            cmp("d", "before", json!("2026-01-15T00:00:01Z")),
            a.clone()
        ));
        assert!(!check(
            cmp("d", "before", json!("2026-01-15T00:00:00Z")),
            a.clone()
        ));
        assert!(check(
            cmp("d", "after", json!(1_768_435_199_999i64)),
            a.clone()
        ));
        assert!(check(
            cmp("ms", "after", json!("2026-01-14T23:59:59+00:00")),
            a.clone()
        ));
        assert!(!check(
            cmp("ms", "after", json!("2026-01-15T00:00:00Z")),
            a.clone()
        ));
        assert!(!check(
            cmp("bad", "before", json!("2999-01-01T00:00:00Z")),
            a
        ));
    }

    #[test]
    fn exists_and_regex() {
        let a = json!({ "x": "", "id": "user-1234" });
        assert!(check(
            json!({ "attribute": "x", "op": "exists" }),
            a.clone()
        ));
        assert!(check(cmp("x", "exists", json!(true)), a.clone()));
        assert!(!check(cmp("x", "exists", json!(false)), a.clone()));
        assert!(check(cmp("nope", "exists", json!(false)), a.clone()));
        assert!(!check(
            json!({ "attribute": "nope", "op": "exists" }),
            a.clone()
        ));
        assert!(check(cmp("id", "regex", json!("^user-\\d{4}$")), a.clone()));
        assert!(!check(cmp("id", "regex", json!("^USER")), a.clone()));
        assert!(check(ci("id", "regex", json!("^USER")), a));
    }

    #[test]
    fn combinators() {
        let yes = cmp("a", "eq", json!(1));
        let no = cmp("a", "eq", json!(2));
        let a = json!({ "a": 1 });
        assert!(check(json!({ "all": [] }), a.clone()));
        assert!(!check(json!({ "any": [] }), a.clone()));
        assert!(check(json!({ "all": [yes, yes] }), a.clone()));
        assert!(!check(json!({ "all": [yes, no] }), a.clone()));
        assert!(check(json!({ "any": [no, yes] }), a.clone()));
        assert!(check(json!({ "not": no }), a.clone()));
        // `not` of a comparison on a missing attribute is true: the comparison is false.
        assert!(check(json!({ "not": cmp("absent", "eq", json!(1)) }), a));
    }

    #[test]
    fn nesting_is_limited() {
        let mut deep = cmp("a", "eq", json!(1));
        for _ in 0..MAX_CONDITION_DEPTH - 1 {
            deep = json!({ "not": deep });
        }
        assert!(compile(deep.clone()).is_ok());
        let err = error(json!({ "all": [deep] }));
        assert!(
            err.ends_with("conditions nest deeper than 32 levels"),
            "{err}"
        );
        assert!(err.starts_with("c.all[0].not.not."), "{err}");
    }

    #[test]
    fn operands_are_checked() {
        let cases = [
            (cmp("a", "lt", json!("5")), "c.value: must be a number"),
            (cmp("a", "contains", json!(5)), "c.value: must be a string"),
            (
                cmp("a", "eq", json!([1])),
                "c.value: must be a string, number or boolean",
            ),
            (
                json!({ "attribute": "a", "op": "eq" }),
                "c.value: is required",
            ),
            (
                json!({ "attribute": "a", "op": "in" }),
                "c.values: is required",
            ),
            (
                json!({ "attribute": "a", "op": "in", "value": "x" }),
                "c.value: in/notIn take `values`, not `value`",
            ),
            (
                json!({ "attribute": "a", "op": "eq", "value": 1, "values": [1] }),
                "c.values: only in/notIn take `values`",
            ),
            (
                json!({ "attribute": "a", "op": "in", "values": [1, {}] }),
                "c.values[1]: must be a string, number or boolean",
            ),
            (
                cmp("a", "semverGt", json!("2.4")),
                "c.value: not a semantic version",
            ),
            (
                cmp("a", "semverGt", json!(2)),
                "c.value: must be a semantic version string",
            ),
            (
                cmp("a", "before", json!("2026-01-15")),
                "c.value: not an RFC 3339 date-time",
            ),
            (
                cmp("a", "after", json!(true)),
                "c.value: must be an RFC 3339 string or epoch milliseconds",
            ),
            (
                cmp("a", "exists", json!("yes")),
                "c.value: exists takes an optional boolean",
            ),
            (
                cmp("a", "regex", json!("(unclosed")),
                "c.value: invalid regex",
            ),
            (
                cmp("a", "regex", json!("a".repeat(1025))),
                "c.value: regex longer than 1024 bytes",
            ),
            (
                ci("a", "lt", json!(1)),
                "c.caseInsensitive: applies to string operators only",
            ),
            (cmp("", "eq", json!(1)), "c.attribute: must not be empty"),
        ];
        for (condition, expected) in cases {
            let err = error(condition.clone());
            assert!(err.starts_with(expected), "{condition} gave {err}");
        }
    }
}
