//! Deserialization of [`Condition`] with precise errors.
//!
//! A derived untagged enum can only say "data did not match any variant"; this
//! visitor reads the keys itself, so a bad operator or operand is reported at
//! its own path (`…conditions.all[1].op: unknown variant …`).

use crate::datafile::{Comparison, Condition, Operator};
use serde::de::{Deserializer, Error, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;
use std::fmt;

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "camelCase")]
enum Key {
    All,
    Any,
    Not,
    Attribute,
    Op,
    Value,
    Values,
    CaseInsensitive,
}

/// Every key a condition may have, gathered before deciding its shape.
#[derive(Default)]
struct Fields {
    all: Option<Vec<Condition>>,
    any: Option<Vec<Condition>>,
    not: Option<Box<Condition>>,
    attribute: Option<String>,
    op: Option<Operator>,
    value: Option<Value>,
    values: Option<Vec<Value>>,
    case_insensitive: Option<bool>,
}

impl<'de> Deserialize<'de> for Condition {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(ConditionVisitor)
    }
}

struct ConditionVisitor;

/// Stores the next value in `slot`, rejecting a repeated key.
fn fill<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    slot: &mut Option<T>,
    name: &'static str,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(A::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

impl<'de> Visitor<'de> for ConditionVisitor {
    type Value = Condition;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a condition: {all: […]}, {any: […]}, {not: …} or {attribute, op, …}")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Condition, A::Error> {
        let mut f = Fields::default();
        while let Some(key) = map.next_key::<Key>()? {
            match key {
                Key::All => fill(&mut map, &mut f.all, "all")?,
                Key::Any => fill(&mut map, &mut f.any, "any")?,
                Key::Not => fill(&mut map, &mut f.not, "not")?,
                Key::Attribute => fill(&mut map, &mut f.attribute, "attribute")?,
                Key::Op => fill(&mut map, &mut f.op, "op")?,
                // `null` reads as absent, as a derived `Option` field would.
                Key::Value => {
                    let value: Option<Value> = map.next_value()?;
                    if f.value.replace(value.unwrap_or(Value::Null)).is_some() {
                        return Err(A::Error::duplicate_field("value"));
                    }
                }
                Key::Values => fill(&mut map, &mut f.values, "values")?,
                Key::CaseInsensitive => fill(&mut map, &mut f.case_insensitive, "caseInsensitive")?,
            }
        }
        let value = f.value.filter(|v| !v.is_null());
        let is_comparison = f.attribute.is_some()
            || f.op.is_some()
            || value.is_some()
            || f.values.is_some()
            || f.case_insensitive.is_some();
        match (f.all, f.any, f.not, is_comparison) {
            (Some(all), None, None, false) => Ok(Condition::All { all }),
            (None, Some(any), None, false) => Ok(Condition::Any { any }),
            (None, None, Some(not), false) => Ok(Condition::Not { not }),
            (None, None, None, _) => Ok(Condition::Compare(Comparison {
                attribute: f
                    .attribute
                    .ok_or_else(|| A::Error::missing_field("attribute"))?,
                op: f.op.ok_or_else(|| A::Error::missing_field("op"))?,
                value,
                values: f.values,
                case_insensitive: f.case_insensitive.unwrap_or(false),
            })),
            _ => Err(A::Error::custom(
                "a condition has exactly one of `all`, `any`, `not` or `attribute`/`op`",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(value: Value) -> Result<Condition, String> {
        serde_path_to_error::deserialize(value).map_err(|e| format!("{} | {}", e.path(), e.inner()))
    }

    #[test]
    fn reads_every_shape_and_round_trips() {
        let cond = json!({ "all": [
            { "any": [{ "attribute": "country", "op": "in", "values": ["NO", "SE"] }] },
            { "not": { "attribute": "plan", "op": "eq", "value": "free", "caseInsensitive": true } },
            { "attribute": "beta", "op": "exists" }
        ]});
        let parsed = parse(cond.clone()).unwrap();
        assert_eq!(serde_json::to_value(&parsed).unwrap(), cond);
    }

    #[test]
    fn errors_name_the_bad_key() {
        let err = parse(json!({ "all": [{ "attribute": "x", "op": "bogus" }] })).unwrap_err();
        assert!(
            err.starts_with("all[0].op | unknown variant `bogus`"),
            "{err}"
        );
        let err = parse(json!({ "attribute": "x", "op": "eq", "extra": 1 })).unwrap_err();
        assert!(err.starts_with("extra | unknown field `extra`"), "{err}");
        let err = parse(json!({ "attribute": "x" })).unwrap_err();
        assert!(err.contains("missing field `op`"), "{err}");
        let err = parse(json!({ "all": [], "attribute": "x" })).unwrap_err();
        assert!(err.contains("exactly one of"), "{err}");
        let err = parse(json!({ "all": [], "any": [] })).unwrap_err();
        assert!(err.contains("exactly one of"), "{err}");
        let err = parse(json!([1])).unwrap_err();
        assert!(err.contains("invalid type"), "{err}");
    }

    #[test]
    fn null_value_means_absent() {
        let parsed = parse(json!({ "attribute": "x", "op": "exists", "value": null })).unwrap();
        let Condition::Compare(cmp) = parsed else {
            panic!("not a comparison")
        };
        assert_eq!(cmp.value, None);
    }
}
