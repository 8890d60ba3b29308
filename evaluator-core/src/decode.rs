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

mod condition;
mod read;
mod schema;

use crate::datafile::{Condition, Datafile};
use crate::error::DatafileError;
use crate::json::{write_value_exact, Reader};
use alloc::{borrow::ToOwned, format, string::String};
use read::Wire;
use serde::de::{Deserializer, Error as _};
use serde::Deserialize;
use serde_json::{Map, Value};

type Read<T> = Result<T, DatafileError>;

/// Reads one `T` from a reader.
fn decode<T: Wire>(r: &mut Reader) -> Read<T> {
    let mut value = T::blank();
    value.fill(r)?;
    Ok(value)
}

/// Parses JSON text into a [`Datafile`], structurally (no semantic checks).
pub(crate) fn datafile_from_json(json: &str) -> Read<Datafile> {
    let mut reader = Reader::new(json);
    match decode(&mut reader).and_then(|d| reader.finish().map(|()| d)) {
        Ok(datafile) => Ok(datafile),
        // The text is read in document order and stops at the first problem;
        // the error reported is that of the parsed tree (syntax errors first,
        // then keys in order, repeated keys collapsed), so read that again.
        Err(_) => from_value(&crate::json::parse(json)?),
    }
}

/// Decodes a tree: written out as text (keys in order, floats as floats) and
/// read back.
fn from_value<T: Wire>(value: &Value) -> Read<T> {
    let mut text = String::new();
    write_value_exact(&mut text, value);
    decode(&mut Reader::new(&text))
}

/// `Deserialize` through a [`Value`] and a decoder, so serde users get the
/// same rules; the path goes into the message.
fn via_value<'de, D: Deserializer<'de>, T: Wire>(d: D) -> Result<T, D::Error> {
    from_value(&Value::deserialize(d)?).map_err(D::Error::custom)
}

impl<'de> Deserialize<'de> for Datafile {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        via_value(d)
    }
}

impl<'de> Deserialize<'de> for Condition {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        via_value(d)
    }
}

fn error(message: impl core::fmt::Display) -> DatafileError {
    DatafileError::new("", message)
}

/// serde's way of listing names: "`a`", "`a` or `b`", "one of `a`, `b`, `c`".
// Pushed piece by piece: `format!` per name cost a kilobyte in the wasm.
fn expected_names(names: &[&str]) -> String {
    let pair = names.len() == 2;
    let mut out = String::new();
    if names.len() != 1 && !pair {
        out.push_str("one of ");
    }
    for (i, name) in names.iter().enumerate() {
        if i > 0 {
            out.push_str(if pair { " or " } else { ", " });
        }
        out.push('`');
        out.push_str(name);
        out.push('`');
    }
    out
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::datafile::MemberLists;
    use alloc::collections::BTreeMap;
    use serde_json::json;

    /// One flag and one audience; `flag` and `audience` are spliced in as text.
    fn document(flag: &str, audience: &str) -> String {
        format!(
            r#"{{"schemaVersion": 1, "revision": 2, "publishedAt": "2026-01-15T00:00:00Z",
              "environment": {{"id": "e", "key": "prod", "production": false}},
              "flags": [{{"key": "f", "type": "NUMBER", "status": "ACTIVE", "enabled": true,
                "variations": [{{"key": "a", "value": 2.0}}, {{"key": "b", "value": {{"x": [1, "y"]}}}}],
                "offVariation": "a", "defaultVariation": "b",
                "rules": [{{"id": "r", "type": "AB_TEST", "trafficAllocation": 1,
                  "variations": [{{"variation": "a", "percentage": 0.5}}, {{"variation": "b", "percentage": 0.5}}]}}]
                {flag}}}],
              "audiences": [{{"id": "au", "name": "A", "included": {{"k": ["1"]}},
                "conditions": {{"any": [{{"attribute": "c", "op": "in", "values": ["N\u00f8", 3]}}]}} {audience}}}]}}"#
        )
    }

    fn error(text: &str) -> String {
        datafile_from_json(text).unwrap_err().to_string()
    }

    #[test]
    fn reads_a_datafile_straight_from_text() {
        let datafile = datafile_from_json(&document("", "")).unwrap();
        let flag = &datafile.flags[0];
        assert_eq!(flag.variations[0].value, json!(2.0));
        assert!(flag.variations[0].value.is_f64());
        assert_eq!(flag.variations[1].value, json!({ "x": [1, "y"] }));
        assert_eq!(flag.rules[0].traffic_allocation, 1.0);
        assert_eq!(flag.rules[0].hash_attribute, "userId");
        assert_eq!(datafile.audiences[0].included.get("k").unwrap(), ["1"]);
        let Some(Condition::Any { any }) = &datafile.audiences[0].conditions else {
            panic!("{:?}", datafile.audiences[0].conditions);
        };
        assert!(
            matches!(&any[0], Condition::Compare(c) if c.values == Some(vec![json!("Nø"), json!(3)]))
        );
        // serde's route (the control plane's) reads the same, floats included.
        let via_serde: Datafile = serde_json::from_str(&document("", "")).unwrap();
        assert_eq!(via_serde, datafile);
    }

    #[test]
    fn every_truncation_is_the_parser_s_error() {
        let text = document(
            r#", "overrides": [{"attribute": "k\"ey", "values": ["\ud83d\ude00"], "variation": "a"}]"#,
            "",
        );
        assert!(datafile_from_json(&text).is_ok());
        for end in (0..text.len()).filter(|&end| text.is_char_boundary(end)) {
            let prefix = &text[..end];
            let syntax = crate::json::parse(prefix).unwrap_err();
            assert_eq!(datafile_from_json(prefix).unwrap_err(), syntax, "{prefix}");
        }
    }

    #[test]
    fn errors_come_as_from_the_parsed_tree() {
        // Fields in key order: `enabled` sorts before `type`.
        assert_eq!(
            error(&document(r#", "type": "DATE", "enabled": 3"#, "")),
            "flags[0].enabled: invalid type: integer `3`, expected a boolean"
        );
        // A syntax error anywhere wins over a field error before it.
        let text = document(r#", "enabled": 3"#, r#", "name": }"#);
        assert_eq!(error(&text), "expected value at line 10 column 108");
        assert_eq!(
            error(&text),
            crate::json::parse(&text).unwrap_err().to_string()
        );
        // Unknown fields are named by their key, escapes and all.
        assert_eq!(
            error(&document("", r#", "n\u0061me\n": 1"#)),
            "audiences[0].name\n: unknown field `name\n`, expected one of `id`, `name`, `included`, `excluded`, `conditions`"
        );
        assert_eq!(
            error(&document("", r#", "included": {"k": [1]}"#)),
            "audiences[0].included.k[0]: invalid type: integer `1`, expected a string"
        );
    }

    #[test]
    fn a_repeated_key_keeps_its_last_value() {
        let last =
            datafile_from_json(&document(r#", "enabled": 3, "enabled": false"#, "")).unwrap();
        assert!(!last.flags[0].enabled);
        let text = document(
            r#", "rules": [{"bad": 1}], "rules": []"#,
            r#", "included": {"k": ["2"], "k": ["3"]}"#,
        );
        let last = datafile_from_json(&text).unwrap();
        assert!(last.flags[0].rules.is_empty());
        assert_eq!(last.audiences[0].included.get("k").unwrap(), ["3"]);
        assert_eq!(
            error(&document(r#", "enabled": false, "enabled": "no""#, "")),
            "flags[0].enabled: invalid type: string \"no\", expected a boolean"
        );
    }

    #[test]
    fn member_lists_are_kept_in_attribute_order() {
        let lists = r#"{"b": ["1"], "a": [], "c": ["2"], "b": ["3"]}"#;
        let text = document("", &format!(r#", "excluded": {lists}"#));
        let excluded = &datafile_from_json(&text).unwrap().audiences[0].excluded;
        let names: Vec<&str> = excluded.iter().map(|(name, _)| name).collect();
        assert_eq!(names, ["a", "b", "c"]);
        assert_eq!(excluded.get("b").unwrap(), ["3"]);
        assert_eq!(excluded.get("d"), None);
        // Written as the map the control plane builds them from.
        let map: BTreeMap<String, Vec<String>> = serde_json::from_str(lists).unwrap();
        let written = serde_json::to_string(excluded).unwrap();
        assert_eq!(written, r#"{"a":[],"b":["3"],"c":["2"]}"#);
        assert_eq!(written, serde_json::to_string(&map).unwrap());
        assert_eq!(MemberLists::from(map), *excluded);
    }

    #[test]
    fn integers_at_the_boundaries_of_their_types() {
        let with = |field: &str, value: &str| {
            let text = document(&format!(r#", "{field}": {value}"#), "");
            datafile_from_json(&text).map(|d| d.flags[0].scheduled_enable_at)
        };
        assert_eq!(
            with("scheduledEnableAt", "-9223372036854775808"),
            Ok(Some(i64::MIN))
        );
        assert_eq!(
            with("scheduledEnableAt", "9223372036854775807"),
            Ok(Some(i64::MAX))
        );
        assert_eq!(with("scheduledEnableAt", "null"), Ok(None));
        for (value, message) in [
            (
                "9223372036854775808",
                "invalid value: integer `9223372036854775808`, expected i64",
            ),
            (
                "-9223372036854775809",
                "invalid type: floating point `-9223372036854776000`, expected i64",
            ),
            ("1.0", "invalid type: floating point `1`, expected i64"),
            ("-0", "invalid type: floating point `0`, expected i64"),
        ] {
            let err = with("scheduledEnableAt", value).unwrap_err();
            assert_eq!(
                err.to_string(),
                format!("flags[0].scheduledEnableAt: {message}")
            );
        }
        let revision = |value: &str| {
            let text = document("", "").replacen(
                r#""revision": 2"#,
                &format!(r#""revision": {value}"#),
                1,
            );
            datafile_from_json(&text)
                .map(|d| d.revision)
                .map_err(|e| e.to_string())
        };
        assert_eq!(revision("18446744073709551615"), Ok(u64::MAX));
        assert_eq!(
            revision("18446744073709551616"),
            Err(
                "revision: invalid type: floating point `18446744073709552000`, expected u64"
                    .into()
            )
        );
        assert_eq!(
            revision("-1"),
            Err("revision: invalid value: integer `-1`, expected u64".into())
        );
    }

    #[test]
    fn lists_names_as_serde_does() {
        assert_eq!(expected_names(&["a"]), "`a`");
        assert_eq!(expected_names(&["a", "b"]), "`a` or `b`");
        assert_eq!(expected_names(&["a", "b", "c"]), "one of `a`, `b`, `c`");
    }

    #[test]
    fn conditions_deserialize_through_the_same_decoder() {
        let condition: Condition =
            serde_json::from_str(r#"{"attribute": "a", "op": "eq", "value": 1.0}"#).unwrap();
        assert!(
            matches!(&condition, Condition::Compare(c) if c.value.as_ref().is_some_and(Value::is_f64))
        );
        let err =
            serde_json::from_str::<Condition>(r#"{"all": [{"op": "eq"}], "any": 1}"#).unwrap_err();
        assert_eq!(err.to_string(), "all[0]: missing field `attribute`");
    }
}
