//! Reading a datafile: JSON text ([`crate::json`]) to a [`Value`], then the
//! value to the wire structs by hand, naming the path of the first bad field.
//!
//! Fields are read in document order and the first problem wins, as a
//! streaming serde derive would report it, with serde's wording: a bad field
//! is named itself (`flags[1].type: unknown variant `DATE`, …`), an unknown
//! field by its key (`flags[0].colour: unknown field …`), a missing field by
//! its object (`flags[1]: missing field `enabled``). Absent optional fields
//! and `null` read as absent. The serde `Deserialize` impls of [`Datafile`]
//! and [`Condition`] (the control plane's API uses them) go through here too.

use crate::datafile::*;
use crate::error::DatafileError;
use serde::de::{Deserializer, Error as _};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

type Read<T> = Result<T, DatafileError>;

/// Parses JSON text into a [`Datafile`], structurally (no semantic checks).
pub(crate) fn datafile_from_json(json: &str) -> Read<Datafile> {
    datafile(crate::json::parse(json)?)
}

/// `Deserialize` through a [`Value`] and a decoder, so serde users get the
/// same rules; the path goes into the message.
fn via_value<'de, D: Deserializer<'de>, T>(
    d: D,
    decode: fn(Value) -> Read<T>,
) -> Result<T, D::Error> {
    decode(Value::deserialize(d)?).map_err(D::Error::custom)
}

impl<'de> Deserialize<'de> for Datafile {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        via_value(d, datafile)
    }
}

impl<'de> Deserialize<'de> for Condition {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        via_value(d, condition)
    }
}

fn error(message: impl std::fmt::Display) -> DatafileError {
    DatafileError::new("", message)
}

/// serde's way of listing names: "`a`", "`a` or `b`", "one of `a`, `b`, `c`".
fn expected_names(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    match quoted.as_slice() {
        [one] => one.clone(),
        [a, b] => format!("{a} or {b}"),
        _ => format!("one of {}", quoted.join(", ")),
    }
}

/// serde's description of a value that has the wrong type.
fn invalid_type(value: &Value, expected: &str) -> DatafileError {
    let found = match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("boolean `{b}`"),
        Value::Number(n) if n.is_f64() => format!("floating point `{}`", number_text(value)),
        Value::Number(_) => format!("integer `{}`", number_text(value)),
        Value::String(s) => format!("string \"{s}\""),
        Value::Array(_) => "sequence".to_owned(),
        Value::Object(_) => "map".to_owned(),
    };
    error(format_args!("invalid type: {found}, expected {expected}"))
}

fn number_text(value: &Value) -> String {
    let mut text = String::new();
    crate::json::write_value(&mut text, value);
    text
}

/// Reads an object field by field, in document order: `read` gets the index
/// of the key in `fields` and its value; unknown keys are errors.
fn object(
    value: Value,
    expected: &str,
    fields: &[&str],
    mut read: impl FnMut(usize, Value) -> Read<()>,
) -> Read<()> {
    let Value::Object(map) = value else {
        return Err(invalid_type(&value, expected));
    };
    for (key, value) in map {
        let Some(i) = fields.iter().position(|f| *f == key) else {
            let message = format!("unknown field `{key}`, expected {}", expected_names(fields));
            return Err(error(message).in_field(&key));
        };
        read(i, value).map_err(|e| e.in_field(&key))?;
    }
    Ok(())
}

/// A required field's value, or serde's "missing field" error.
fn need<T>(slot: Option<T>, name: &str) -> Read<T> {
    slot.ok_or_else(|| error(format_args!("missing field `{name}`")))
}

/// An optional field: `null` reads as absent.
fn optional<T>(value: Value, read: fn(Value) -> Read<T>) -> Read<Option<T>> {
    match value {
        Value::Null => Ok(None),
        value => read(value).map(Some),
    }
}

fn string(value: Value) -> Read<String> {
    match value {
        Value::String(s) => Ok(s),
        other => Err(invalid_type(&other, "a string")),
    }
}

fn boolean(value: Value) -> Read<bool> {
    value
        .as_bool()
        .ok_or_else(|| invalid_type(&value, "a boolean"))
}

fn float(value: Value) -> Read<f64> {
    value.as_f64().ok_or_else(|| invalid_type(&value, "f64"))
}

/// An integer of type `T` (named `expected`), rejecting floats and values out of range.
fn integer<T: TryFrom<i64> + TryFrom<u64>>(value: &Value, expected: &str) -> Read<T> {
    let converted = match value {
        Value::Number(n) if n.is_u64() => n.as_u64().map(|u| (T::try_from(u).ok(), n)),
        Value::Number(n) if n.is_i64() => n.as_i64().map(|i| (T::try_from(i).ok(), n)),
        _ => None,
    };
    match converted {
        Some((Some(n), _)) => Ok(n),
        Some((None, _)) => Err(error(format_args!(
            "invalid value: integer `{}`, expected {expected}",
            number_text(value)
        ))),
        None => Err(invalid_type(value, expected)),
    }
}

// A plain loop over a function pointer: `collect::<Result<…>>` inlined every
// element reader into its own iterator adapter, kilobytes each in the wasm.
fn list<T>(value: Value, read: fn(Value) -> Read<T>) -> Read<Vec<T>> {
    let Value::Array(items) = value else {
        return Err(invalid_type(&value, "a sequence"));
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        out.push(read(item).map_err(|e| e.in_element(i))?);
    }
    Ok(out)
}

fn strings(value: Value) -> Read<Vec<String>> {
    list(value, string)
}

/// A unit variant of an enum by its name.
fn variant<T: Copy>(value: Value, variants: &[(&str, T)]) -> Read<T> {
    let Value::String(name) = value else {
        return Err(invalid_type(&value, "a string"));
    };
    match variants.iter().find(|(n, _)| *n == name) {
        Some(&(_, v)) => Ok(v),
        None => {
            let names: Vec<&str> = variants.iter().map(|(n, _)| *n).collect();
            let expected = expected_names(&names);
            Err(error(format_args!(
                "unknown variant `{name}`, expected {expected}"
            )))
        }
    }
}

fn datafile(value: Value) -> Read<Datafile> {
    let (mut version, mut revision, mut published_at, mut environment) = (None, None, None, None);
    let (mut flags, mut audiences, mut events) = (None, None, None);
    let names = [
        "schemaVersion",
        "revision",
        "publishedAt",
        "environment",
        "flags",
        "audiences",
        "events",
    ];
    object(value, "struct Datafile", &names, |i, v| {
        match i {
            0 => version = Some(integer(&v, "u32")?),
            1 => revision = Some(integer(&v, "u64")?),
            2 => published_at = Some(string(v)?),
            3 => environment = Some(environment_ref(v)?),
            4 => flags = Some(list(v, flag)?),
            5 => audiences = Some(list(v, audience)?),
            _ => events = Some(list(v, event)?),
        }
        Ok(())
    })?;
    Ok(Datafile {
        schema_version: need(version, "schemaVersion")?,
        revision: need(revision, "revision")?,
        published_at: need(published_at, "publishedAt")?,
        environment: need(environment, "environment")?,
        flags: need(flags, "flags")?,
        audiences: audiences.unwrap_or_default(),
        events: events.unwrap_or_default(),
    })
}

fn environment_ref(value: Value) -> Read<EnvironmentRef> {
    let (mut id, mut key, mut production) = (None, None, false);
    object(
        value,
        "struct EnvironmentRef",
        &["id", "key", "production"],
        |i, v| {
            match i {
                0 => id = Some(string(v)?),
                1 => key = Some(string(v)?),
                _ => production = boolean(v)?,
            }
            Ok(())
        },
    )?;
    Ok(EnvironmentRef {
        id: need(id, "id")?,
        key: need(key, "key")?,
        production,
    })
}

const FLAG_TYPES: [(&str, FlagType); 4] = [
    ("BOOLEAN", FlagType::Boolean),
    ("STRING", FlagType::String),
    ("NUMBER", FlagType::Number),
    ("JSON", FlagType::Json),
];

const FLAG_STATUSES: [(&str, FlagStatus); 3] = [
    ("DRAFT", FlagStatus::Draft),
    ("ACTIVE", FlagStatus::Active),
    ("ARCHIVED", FlagStatus::Archived),
];

fn flag(value: Value) -> Read<Flag> {
    let (mut key, mut flag_type, mut status, mut variations) = (None, None, None, None);
    let (mut off, mut enabled, mut default) = (None, None, None);
    let (mut scheduled, mut rollout, mut overrides, mut rules) = (None, None, None, None);
    let names = [
        "key",
        "type",
        "status",
        "variations",
        "offVariation",
        "enabled",
        "defaultVariation",
        "scheduledEnableAt",
        "rolloutCondition",
        "overrides",
        "rules",
    ];
    object(value, "struct Flag", &names, |i, v| {
        match i {
            0 => key = Some(string(v)?),
            1 => flag_type = Some(variant(v, &FLAG_TYPES)?),
            2 => status = Some(variant(v, &FLAG_STATUSES)?),
            3 => variations = Some(list(v, variation)?),
            4 => off = Some(string(v)?),
            5 => enabled = Some(boolean(v)?),
            6 => default = Some(string(v)?),
            7 => scheduled = optional(v, |v| integer(&v, "i64"))?,
            8 => rollout = optional(v, rollout_condition)?,
            9 => overrides = Some(list(v, override_)?),
            _ => rules = Some(list(v, rule)?),
        }
        Ok(())
    })?;
    Ok(Flag {
        key: need(key, "key")?,
        flag_type: need(flag_type, "type")?,
        status: need(status, "status")?,
        variations: need(variations, "variations")?,
        off_variation: need(off, "offVariation")?,
        enabled: need(enabled, "enabled")?,
        default_variation: need(default, "defaultVariation")?,
        scheduled_enable_at: scheduled,
        rollout_condition: rollout,
        overrides: overrides.unwrap_or_default(),
        rules: rules.unwrap_or_default(),
    })
}

fn variation(value: Value) -> Read<Variation> {
    let (mut key, mut served) = (None, Value::Null);
    object(value, "struct Variation", &["key", "value"], |i, v| {
        match i {
            0 => key = Some(string(v)?),
            _ => served = v,
        }
        Ok(())
    })?;
    Ok(Variation {
        key: need(key, "key")?,
        value: served,
    })
}

fn rollout_condition(value: Value) -> Read<RolloutCondition> {
    let (mut min_version, mut activation_date) = (None, None);
    let names = ["minVersion", "activationDate"];
    object(value, "struct RolloutCondition", &names, |i, v| {
        match i {
            0 => min_version = optional(v, string)?,
            _ => activation_date = optional(v, |v| integer(&v, "i64"))?,
        }
        Ok(())
    })?;
    Ok(RolloutCondition {
        min_version,
        activation_date,
    })
}

fn override_(value: Value) -> Read<Override> {
    let (mut attribute, mut values, mut variation) = (None, None, None);
    object(
        value,
        "struct Override",
        &["attribute", "values", "variation"],
        |i, v| {
            match i {
                0 => attribute = Some(string(v)?),
                1 => values = Some(strings(v)?),
                _ => variation = Some(string(v)?),
            }
            Ok(())
        },
    )?;
    Ok(Override {
        attribute: need(attribute, "attribute")?,
        values: need(values, "values")?,
        variation: need(variation, "variation")?,
    })
}

const RULE_TYPES: [(&str, RuleType); 2] = [
    ("AB_TEST", RuleType::AbTest),
    ("TARGETED_DELIVERY", RuleType::TargetedDelivery),
];

fn rule(value: Value) -> Read<Rule> {
    let (mut id, mut rule_type, mut audiences, mut allocation) = (None, None, None, None);
    let (mut variations, mut hash_attribute) = (None, None);
    let names = [
        "id",
        "type",
        "audiences",
        "trafficAllocation",
        "variations",
        "hashAttribute",
    ];
    object(value, "struct Rule", &names, |i, v| {
        match i {
            0 => id = Some(string(v)?),
            1 => rule_type = Some(variant(v, &RULE_TYPES)?),
            2 => audiences = Some(strings(v)?),
            3 => allocation = Some(float(v)?),
            4 => variations = Some(list(v, split)?),
            _ => hash_attribute = Some(string(v)?),
        }
        Ok(())
    })?;
    Ok(Rule {
        id: need(id, "id")?,
        rule_type: need(rule_type, "type")?,
        audiences: audiences.unwrap_or_default(),
        traffic_allocation: need(allocation, "trafficAllocation")?,
        variations: need(variations, "variations")?,
        hash_attribute: hash_attribute.unwrap_or_else(|| "userId".to_owned()),
    })
}

fn split(value: Value) -> Read<Split> {
    let (mut variation, mut percentage) = (None, None);
    object(
        value,
        "struct Split",
        &["variation", "percentage"],
        |i, v| {
            match i {
                0 => variation = Some(string(v)?),
                _ => percentage = Some(float(v)?),
            }
            Ok(())
        },
    )?;
    Ok(Split {
        variation: need(variation, "variation")?,
        percentage: need(percentage, "percentage")?,
    })
}

fn audience(value: Value) -> Read<Audience> {
    let (mut id, mut name, mut conditions) = (None, String::new(), None);
    let (mut included, mut excluded) = (BTreeMap::new(), BTreeMap::new());
    let names = ["id", "name", "included", "excluded", "conditions"];
    object(value, "struct Audience", &names, |i, v| {
        match i {
            0 => id = Some(string(v)?),
            1 => name = string(v)?,
            2 => included = member_lists(v)?,
            3 => excluded = member_lists(v)?,
            _ => conditions = optional(v, condition)?,
        }
        Ok(())
    })?;
    Ok(Audience {
        id: need(id, "id")?,
        name,
        included,
        excluded,
        conditions,
    })
}

/// `{ attribute: [values] }`.
fn member_lists(value: Value) -> Read<BTreeMap<String, Vec<String>>> {
    let Value::Object(map) = value else {
        return Err(invalid_type(&value, "a map"));
    };
    // Inserting one by one: collecting into a BTreeMap pulls in a stable sort.
    let mut lists = BTreeMap::new();
    for (key, v) in map {
        let values = strings(v).map_err(|e| e.in_field(&key))?;
        lists.insert(key, values);
    }
    Ok(lists)
}

const OPERATORS: [(&str, Operator); 20] = [
    ("eq", Operator::Eq),
    ("neq", Operator::Neq),
    ("in", Operator::In),
    ("notIn", Operator::NotIn),
    ("contains", Operator::Contains),
    ("startsWith", Operator::StartsWith),
    ("endsWith", Operator::EndsWith),
    ("lt", Operator::Lt),
    ("lte", Operator::Lte),
    ("gt", Operator::Gt),
    ("gte", Operator::Gte),
    ("semverEq", Operator::SemverEq),
    ("semverLt", Operator::SemverLt),
    ("semverLte", Operator::SemverLte),
    ("semverGt", Operator::SemverGt),
    ("semverGte", Operator::SemverGte),
    ("before", Operator::Before),
    ("after", Operator::After),
    ("exists", Operator::Exists),
    ("regex", Operator::Regex),
];

/// One of the four condition shapes; keys are read first, the shape decided after.
fn condition(value: Value) -> Read<Condition> {
    let (mut all, mut any, mut not) = (None, None, None);
    let (mut attribute, mut op, mut operand, mut values, mut ci) = (None, None, None, None, None);
    let names = [
        "all",
        "any",
        "not",
        "attribute",
        "op",
        "value",
        "values",
        "caseInsensitive",
    ];
    let expected = "a condition: {all: […]}, {any: […]}, {not: …} or {attribute, op, …}";
    object(value, expected, &names, |i, v| {
        match i {
            0 => all = Some(list(v, condition)?),
            1 => any = Some(list(v, condition)?),
            2 => not = Some(Box::new(condition(v)?)),
            3 => attribute = Some(string(v)?),
            4 => op = Some(variant(v, &OPERATORS)?),
            5 => operand = Some(v).filter(|v| !v.is_null()),
            6 => values = optional(v, |v| list(v, Ok))?,
            _ => ci = Some(boolean(v)?),
        }
        Ok(())
    })?;
    let is_comparison = attribute.is_some()
        || op.is_some()
        || operand.is_some()
        || values.is_some()
        || ci.is_some();
    match (all, any, not, is_comparison) {
        (Some(all), None, None, false) => Ok(Condition::All { all }),
        (None, Some(any), None, false) => Ok(Condition::Any { any }),
        (None, None, Some(not), false) => Ok(Condition::Not { not }),
        (None, None, None, _) => Ok(Condition::Compare(Comparison {
            attribute: need(attribute, "attribute")?,
            op: need(op, "op")?,
            value: operand,
            values,
            case_insensitive: ci.unwrap_or(false),
        })),
        _ => Err(error(
            "a condition has exactly one of `all`, `any`, `not` or `attribute`/`op`",
        )),
    }
}

fn event(value: Value) -> Read<EventDef> {
    let (mut key, mut event_type) = (None, None);
    const EVENT_TYPES: [(&str, EventType); 2] = [
        ("CONVERSION", EventType::Conversion),
        ("NUMERIC", EventType::Numeric),
    ];
    object(value, "struct EventDef", &["key", "type"], |i, v| {
        match i {
            0 => key = Some(string(v)?),
            _ => event_type = Some(variant(v, &EVENT_TYPES)?),
        }
        Ok(())
    })?;
    Ok(EventDef {
        key: need(key, "key")?,
        event_type: need(event_type, "type")?,
    })
}

impl crate::Context {
    /// A context from JSON text: `None` when it is not an object of the
    /// documented shape (`key` / `appVersion` strings or null, `attributes` an
    /// object). Unknown top-level fields are ignored.
    pub fn from_json(json: &str) -> Option<Self> {
        let Ok(Value::Object(mut top)) = crate::json::parse(json) else {
            return None;
        };
        let mut text = |name: &str| match top.remove(name) {
            None | Some(Value::Null) => Some(None),
            Some(Value::String(s)) => Some(Some(s)),
            Some(_) => None,
        };
        let (key, app_version) = (text("key")?, text("appVersion")?);
        let attributes = match top.remove("attributes") {
            None => Map::new(),
            Some(Value::Object(map)) => map,
            Some(_) => return None,
        };
        Some(crate::Context {
            key,
            app_version,
            attributes,
        })
    }
}
