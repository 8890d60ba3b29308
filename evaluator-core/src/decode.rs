//! Reading a datafile: the wire structs decoded straight from the JSON text
//! with the pull [`Reader`], naming the path of the first bad field. Only
//! variation values and condition operands, which are any JSON, become
//! [`Value`]s.
//!
//! Errors read as if the whole document had been parsed first and its
//! objects' fields then taken in key order, with serde's wording: a bad field
//! is named itself (`flags[1].type: unknown variant `DATE`, …`), an unknown
//! field by its key (`flags[0].colour: unknown field …`), a missing field by
//! its object (`flags[1]: missing field `enabled``). Absent optional fields
//! and `null` read as absent; a repeated key keeps its last value. The serde
//! `Deserialize` impls of [`Datafile`] and [`Condition`] (the control plane's
//! API uses them) go through here too.

use crate::datafile::*;
use crate::error::DatafileError;
use crate::json::{write_value_exact, Reader};
use serde::de::{Deserializer, Error as _};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

type Read<T> = Result<T, DatafileError>;

/// Reads one `T` from a reader; the decoders below are these.
type Decode<T> = for<'r, 'a> fn(&'r mut Reader<'a>) -> Read<T>;

/// Parses JSON text into a [`Datafile`], structurally (no semantic checks).
pub(crate) fn datafile_from_json(json: &str) -> Read<Datafile> {
    let mut reader = Reader::new(json);
    match datafile(&mut reader).and_then(|d| reader.finish().map(|()| d)) {
        Ok(datafile) => Ok(datafile),
        // The text is read in document order and stops at the first problem;
        // the error reported is that of the parsed tree (syntax errors first,
        // then keys in order, repeated keys collapsed), so read that again.
        Err(_) => from_value(&crate::json::parse(json)?, datafile),
    }
}

/// Decodes a tree: written out as text (keys in order, floats as floats) and
/// read back.
fn from_value<T>(value: &Value, decode: Decode<T>) -> Read<T> {
    let mut text = String::new();
    write_value_exact(&mut text, value);
    decode(&mut Reader::new(&text))
}

/// `Deserialize` through a [`Value`] and a decoder, so serde users get the
/// same rules; the path goes into the message.
fn via_value<'de, D: Deserializer<'de>, T>(d: D, decode: Decode<T>) -> Result<T, D::Error> {
    from_value(&Value::deserialize(d)?, decode).map_err(D::Error::custom)
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

/// The error for the value at the reader when it is not `expected`.
fn unexpected(r: &mut Reader, expected: &str) -> DatafileError {
    match r.value() {
        Ok(value) => invalid_type(&value, expected),
        Err(syntax) => syntax,
    }
}

fn number_text(value: &Value) -> String {
    let mut text = String::new();
    crate::json::write_value(&mut text, value);
    text
}

/// Reads an object field by field, in document order: `read` gets the index
/// of the key in `fields` and must read its value; unknown keys are errors.
fn object(
    r: &mut Reader,
    expected: &str,
    fields: &[&str],
    read: &mut dyn FnMut(&mut Reader, usize) -> Read<()>,
) -> Read<()> {
    if r.peek() != Some(b'{') {
        return Err(unexpected(r, expected));
    }
    r.members(&mut |r, key| {
        let Some(i) = fields.iter().position(|f| *f == key) else {
            let message = format!("unknown field `{key}`, expected {}", expected_names(fields));
            return Err(error(message).in_field(key));
        };
        read(r, i).map_err(|e| e.in_field(key))
    })
}

/// A required field's value, or serde's "missing field" error.
fn need<T>(slot: Option<T>, name: &str) -> Read<T> {
    slot.ok_or_else(|| error(format_args!("missing field `{name}`")))
}

/// An optional field: `null` reads as absent.
fn optional<T>(r: &mut Reader, read: Decode<T>) -> Read<Option<T>> {
    if r.peek() == Some(b'n') {
        r.value()?;
        return Ok(None);
    }
    read(r).map(Some)
}

fn string(r: &mut Reader) -> Read<String> {
    match r.peek() {
        Some(b'"') => Ok(r.string_value()?.into_owned()),
        _ => Err(unexpected(r, "a string")),
    }
}

fn boolean(r: &mut Reader) -> Read<bool> {
    let value = r.value()?;
    value
        .as_bool()
        .ok_or_else(|| invalid_type(&value, "a boolean"))
}

fn float(r: &mut Reader) -> Read<f64> {
    match r.peek() {
        Some(b'-' | b'0'..=b'9') => Ok(r.number()?.as_f64().unwrap_or_default()),
        _ => Err(unexpected(r, "f64")),
    }
}

/// An integer of type `T` (named `expected`), rejecting floats and values out of range.
fn integer<T: TryFrom<i64> + TryFrom<u64>>(r: &mut Reader, expected: &str) -> Read<T> {
    let value = r.value()?;
    let converted = match &value {
        Value::Number(n) if n.is_u64() => n.as_u64().map(|u| T::try_from(u).ok()),
        Value::Number(n) if n.is_i64() => n.as_i64().map(|i| T::try_from(i).ok()),
        _ => None,
    };
    match converted {
        Some(Some(n)) => Ok(n),
        Some(None) => Err(error(format_args!(
            "invalid value: integer `{}`, expected {expected}",
            number_text(&value)
        ))),
        None => Err(invalid_type(&value, expected)),
    }
}

fn epoch_ms(r: &mut Reader) -> Read<i64> {
    integer(r, "i64")
}

// A plain loop over a function pointer: `collect::<Result<…>>` inlined every
// element reader into its own iterator adapter, kilobytes each in the wasm.
fn list<T>(r: &mut Reader, read: Decode<T>) -> Read<Vec<T>> {
    if r.peek() != Some(b'[') {
        return Err(unexpected(r, "a sequence"));
    }
    let mut out = Vec::new();
    r.elements(&mut |r, i| {
        out.push(read(r).map_err(|e| e.in_element(i))?);
        Ok(())
    })?;
    Ok(out)
}

fn strings(r: &mut Reader) -> Read<Vec<String>> {
    list(r, string)
}

/// A unit variant of an enum by its name.
fn variant<T: Copy>(r: &mut Reader, variants: &[(&str, T)]) -> Read<T> {
    if r.peek() != Some(b'"') {
        return Err(unexpected(r, "a string"));
    }
    let name = r.string_value()?;
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

fn datafile(r: &mut Reader) -> Read<Datafile> {
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
    object(r, "struct Datafile", &names, &mut |r, i| {
        match i {
            0 => version = Some(integer(r, "u32")?),
            1 => revision = Some(integer(r, "u64")?),
            2 => published_at = Some(string(r)?),
            3 => environment = Some(environment_ref(r)?),
            4 => flags = Some(list(r, flag)?),
            5 => audiences = Some(list(r, audience)?),
            _ => events = Some(list(r, event)?),
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

fn environment_ref(r: &mut Reader) -> Read<EnvironmentRef> {
    let (mut id, mut key, mut production) = (None, None, false);
    object(
        r,
        "struct EnvironmentRef",
        &["id", "key", "production"],
        &mut |r, i| {
            match i {
                0 => id = Some(string(r)?),
                1 => key = Some(string(r)?),
                _ => production = boolean(r)?,
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

fn flag(r: &mut Reader) -> Read<Flag> {
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
    object(r, "struct Flag", &names, &mut |r, i| {
        match i {
            0 => key = Some(string(r)?),
            1 => flag_type = Some(variant(r, &FLAG_TYPES)?),
            2 => status = Some(variant(r, &FLAG_STATUSES)?),
            3 => variations = Some(list(r, variation)?),
            4 => off = Some(string(r)?),
            5 => enabled = Some(boolean(r)?),
            6 => default = Some(string(r)?),
            7 => scheduled = optional(r, epoch_ms)?,
            8 => rollout = optional(r, rollout_condition)?,
            9 => overrides = Some(list(r, override_)?),
            _ => rules = Some(list(r, rule)?),
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

fn variation(r: &mut Reader) -> Read<Variation> {
    let (mut key, mut served) = (None, Value::Null);
    object(r, "struct Variation", &["key", "value"], &mut |r, i| {
        match i {
            0 => key = Some(string(r)?),
            _ => served = r.value()?,
        }
        Ok(())
    })?;
    Ok(Variation {
        key: need(key, "key")?,
        value: served,
    })
}

fn rollout_condition(r: &mut Reader) -> Read<RolloutCondition> {
    let (mut min_version, mut activation_date) = (None, None);
    let names = ["minVersion", "activationDate"];
    object(r, "struct RolloutCondition", &names, &mut |r, i| {
        match i {
            0 => min_version = optional(r, string)?,
            _ => activation_date = optional(r, epoch_ms)?,
        }
        Ok(())
    })?;
    Ok(RolloutCondition {
        min_version,
        activation_date,
    })
}

fn override_(r: &mut Reader) -> Read<Override> {
    let (mut attribute, mut values, mut variation) = (None, None, None);
    object(
        r,
        "struct Override",
        &["attribute", "values", "variation"],
        &mut |r, i| {
            match i {
                0 => attribute = Some(string(r)?),
                1 => values = Some(strings(r)?),
                _ => variation = Some(string(r)?),
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

fn rule(r: &mut Reader) -> Read<Rule> {
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
    object(r, "struct Rule", &names, &mut |r, i| {
        match i {
            0 => id = Some(string(r)?),
            1 => rule_type = Some(variant(r, &RULE_TYPES)?),
            2 => audiences = Some(strings(r)?),
            3 => allocation = Some(float(r)?),
            4 => variations = Some(list(r, split)?),
            _ => hash_attribute = Some(string(r)?),
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

fn split(r: &mut Reader) -> Read<Split> {
    let (mut variation, mut percentage) = (None, None);
    object(
        r,
        "struct Split",
        &["variation", "percentage"],
        &mut |r, i| {
            match i {
                0 => variation = Some(string(r)?),
                _ => percentage = Some(float(r)?),
            }
            Ok(())
        },
    )?;
    Ok(Split {
        variation: need(variation, "variation")?,
        percentage: need(percentage, "percentage")?,
    })
}

fn audience(r: &mut Reader) -> Read<Audience> {
    let (mut id, mut name, mut conditions) = (None, String::new(), None);
    let (mut included, mut excluded) = (BTreeMap::new(), BTreeMap::new());
    let names = ["id", "name", "included", "excluded", "conditions"];
    object(r, "struct Audience", &names, &mut |r, i| {
        match i {
            0 => id = Some(string(r)?),
            1 => name = string(r)?,
            2 => included = member_lists(r)?,
            3 => excluded = member_lists(r)?,
            _ => conditions = optional(r, condition)?,
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
fn member_lists(r: &mut Reader) -> Read<BTreeMap<String, Vec<String>>> {
    if r.peek() != Some(b'{') {
        return Err(unexpected(r, "a map"));
    }
    let mut lists = BTreeMap::new();
    r.members(&mut |r, key| {
        let values = strings(r).map_err(|e| e.in_field(key))?;
        lists.insert(key.to_owned(), values);
        Ok(())
    })?;
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
fn condition(r: &mut Reader) -> Read<Condition> {
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
    object(r, expected, &names, &mut |r, i| {
        match i {
            0 => all = Some(list(r, condition)?),
            1 => any = Some(list(r, condition)?),
            2 => not = Some(Box::new(condition(r)?)),
            3 => attribute = Some(string(r)?),
            4 => op = Some(variant(r, &OPERATORS)?),
            5 => operand = Some(r.value()?).filter(|v| !v.is_null()),
            6 => values = optional(r, |r| list(r, |r| r.value()))?,
            _ => ci = Some(boolean(r)?),
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

fn event(r: &mut Reader) -> Read<EventDef> {
    let (mut key, mut event_type) = (None, None);
    const EVENT_TYPES: [(&str, EventType); 2] = [
        ("CONVERSION", EventType::Conversion),
        ("NUMERIC", EventType::Numeric),
    ];
    object(r, "struct EventDef", &["key", "type"], &mut |r, i| {
        match i {
            0 => key = Some(string(r)?),
            _ => event_type = Some(variant(r, &EVENT_TYPES)?),
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
