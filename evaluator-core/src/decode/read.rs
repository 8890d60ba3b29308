//! Reading values in place: every wire type starts blank and has the JSON
//! value at the reader read into it. Structs are not returned and moved: in
//! the WebAssembly build each move of a struct is a copy written out byte by
//! byte, and reading in place leaves one walker of objects and one of arrays,
//! not generic, and a few bytes per field.

use super::{error, expected_names, invalid_type, number_text, unexpected, Read};
use crate::json::Reader;
use alloc::{borrow::Cow, format, string::String, vec::Vec};
use serde_json::Value;

/// A type of the datafile's wire format.
pub(super) trait Wire {
    /// The value before its JSON is read: what absent optional fields keep.
    fn blank() -> Self;

    /// Reads the value at the reader into `self`, which is blank or, for
    /// fields that are not structs, a value to replace (a repeated key).
    fn fill(&mut self, r: &mut Reader) -> Read<()>;
}

/// A struct's keys for [`object`]: serde's name of what is expected, the
/// field names in schema order, and a bit per required field.
pub(super) struct Fields {
    pub(super) expected: &'static str,
    pub(super) names: &'static [&'static str],
    pub(super) required: u32,
}

/// Reads an object field by field, in document order: `set` gets the index
/// of the key in `fields.names` and must read its value; unknown keys are
/// errors, and so is a required field still missing at the end. Returns a
/// bit per field seen.
pub(super) fn object(
    r: &mut Reader,
    fields: &Fields,
    set: &mut dyn FnMut(&mut Reader, usize) -> Read<()>,
) -> Read<u32> {
    if r.peek() != Some(b'{') {
        return Err(unexpected(r, fields.expected));
    }
    let mut seen = 0;
    r.members(&mut |r, key| {
        let Some(i) = fields.names.iter().position(|f| *f == key) else {
            let expected = expected_names(fields.names);
            let message = format!("unknown field `{key}`, expected {expected}");
            return Err(error(message).in_field(key));
        };
        seen |= 1 << i;
        set(r, i).map_err(|e| e.in_field(key))
    })?;
    check_present(fields.names, fields.required, seen)?;
    Ok(seen)
}

/// serde's "missing field" error for the first of the `required` fields
/// (bits of `names`) not `seen`.
pub(super) fn check_present(names: &[&str], required: u32, seen: u32) -> Read<()> {
    let missing = required & !seen;
    if missing == 0 {
        return Ok(());
    }
    let name = names
        .get(missing.trailing_zeros() as usize)
        .map_or("", |n| n);
    Err(error(format_args!("missing field `{name}`")))
}

/// Walks an array: `each` reads one element; its errors name the element.
fn items(r: &mut Reader, each: &mut dyn FnMut(&mut Reader) -> Read<()>) -> Read<()> {
    if r.peek() != Some(b'[') {
        return Err(unexpected(r, "a sequence"));
    }
    r.elements(&mut |r, i| each(r).map_err(|e| e.in_element(i)))
}

impl<T: Wire> Wire for Vec<T> {
    fn blank() -> Self {
        Vec::new()
    }

    fn fill(&mut self, r: &mut Reader) -> Read<()> {
        *self = Vec::new();
        items(r, &mut |r| {
            self.push(T::blank());
            match self.last_mut() {
                Some(item) => item.fill(r),
                None => Ok(()),
            }
        })
    }
}

/// Whether the value at the reader is `null`, read if so.
fn null(r: &mut Reader) -> Read<bool> {
    if r.peek() != Some(b'n') {
        return Ok(false);
    }
    r.value()?;
    Ok(true)
}

/// Optional fields: `null` reads as absent.
impl<T: Wire> Wire for Option<T> {
    fn blank() -> Self {
        None
    }

    fn fill(&mut self, r: &mut Reader) -> Read<()> {
        if null(r)? {
            *self = None;
            return Ok(());
        }
        self.insert(T::blank()).fill(r)
    }
}

impl Wire for String {
    fn blank() -> Self {
        String::new()
    }

    fn fill(&mut self, r: &mut Reader) -> Read<()> {
        *self = string_value(r)?.into_owned();
        Ok(())
    }
}

fn string_value<'a>(r: &mut Reader<'a>) -> Read<Cow<'a, str>> {
    match r.peek() {
        Some(b'"') => r.string_value(),
        _ => Err(unexpected(r, "a string")),
    }
}

impl Wire for bool {
    fn blank() -> Self {
        false
    }

    fn fill(&mut self, r: &mut Reader) -> Read<()> {
        let value = r.value()?;
        *self = value
            .as_bool()
            .ok_or_else(|| invalid_type(&value, "a boolean"))?;
        Ok(())
    }
}

impl Wire for f64 {
    fn blank() -> Self {
        0.0
    }

    fn fill(&mut self, r: &mut Reader) -> Read<()> {
        match r.peek() {
            Some(b'-' | b'0'..=b'9') => *self = r.number()?.as_f64().unwrap_or_default(),
            _ => return Err(unexpected(r, "f64")),
        }
        Ok(())
    }
}

/// An integer in `min..=max` (serde's name of its type: `expected`),
/// rejecting floats. One function for every integer type keeps the wasm small.
fn integer(r: &mut Reader, expected: &str, min: i128, max: i128) -> Read<i128> {
    let value = r.value()?;
    let integer = match &value {
        Value::Number(n) => n.as_i64().map(i128::from).or(n.as_u64().map(i128::from)),
        _ => None,
    };
    match integer {
        Some(n) if (min..=max).contains(&n) => Ok(n),
        Some(_) => Err(error(format_args!(
            "invalid value: integer `{}`, expected {expected}",
            number_text(&value)
        ))),
        None => Err(invalid_type(&value, expected)),
    }
}

impl Wire for u32 {
    fn blank() -> Self {
        0
    }

    fn fill(&mut self, r: &mut Reader) -> Read<()> {
        *self = integer(r, "u32", 0, u32::MAX.into())? as u32;
        Ok(())
    }
}

impl Wire for u64 {
    fn blank() -> Self {
        0
    }

    fn fill(&mut self, r: &mut Reader) -> Read<()> {
        *self = integer(r, "u64", 0, u64::MAX.into())? as u64;
        Ok(())
    }
}

/// Epoch milliseconds, the one signed integer of the schema.
impl Wire for i64 {
    fn blank() -> Self {
        0
    }

    fn fill(&mut self, r: &mut Reader) -> Read<()> {
        *self = integer(r, "i64", i64::MIN.into(), i64::MAX.into())? as i64;
        Ok(())
    }
}

/// Variation values and condition operands: any JSON.
impl Wire for Value {
    fn blank() -> Self {
        Value::Null
    }

    fn fill(&mut self, r: &mut Reader) -> Read<()> {
        *self = r.value()?;
        Ok(())
    }
}

/// An enum of unit variants, read by name.
pub(super) trait Variants: Copy + 'static {
    /// The wire names, in the order of [`Self::VALUES`].
    const NAMES: &'static [&'static str];
    /// Every variant.
    const VALUES: &'static [Self];
}

impl<T: Variants> Wire for T {
    fn blank() -> Self {
        T::VALUES[0]
    }

    fn fill(&mut self, r: &mut Reader) -> Read<()> {
        if let Some(value) = T::VALUES.get(variant_index(r, T::NAMES)?) {
            *self = *value;
        }
        Ok(())
    }
}

/// The index of the name at the reader in `names`, or serde's error.
fn variant_index(r: &mut Reader, names: &[&str]) -> Read<usize> {
    let name = string_value(r)?;
    names.iter().position(|n| *n == name).ok_or_else(|| {
        let expected = expected_names(names);
        error(format_args!(
            "unknown variant `{name}`, expected {expected}"
        ))
    })
}
