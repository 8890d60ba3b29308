//! Parsing and the semantic checks compilation runs on a datafile.
//!
//! Structural errors come from the decoder with their JSON path; semantic
//! errors name the offending field the same way (`flags[3].rules[0].variations`).

use crate::compile::element_error;
use crate::datafile::{Datafile, Flag, FlagType, SCHEMA_VERSION};
use crate::error::DatafileError;
use crate::number::NumberText;
use crate::text::{field_at, TextAt, TextIndex};
use crate::time::parse_rfc3339_ms;
use alloc::{format, string::String};

/// How far a rule's percentages may sum away from 1.
pub const SPLIT_SUM_TOLERANCE: f64 = 1e-6;

impl Datafile {
    /// Parses a datafile and validates it completely (structure, references,
    /// types, percentages, operands); errors name the bad field.
    pub fn parse(json: &str) -> Result<Datafile, DatafileError> {
        let datafile = crate::decode::datafile_from_json(json)?;
        datafile.validate()?;
        Ok(datafile)
    }

    /// Runs every semantic check of [`Datafile::parse`] on a datafile built in
    /// code (the control plane validates before publishing).
    pub fn validate(&self) -> Result<(), DatafileError> {
        crate::compile::build(self).map(drop)
    }
}

/// Checks the document-level fields.
pub(crate) fn check_datafile_header(datafile: &Datafile) -> Result<(), DatafileError> {
    if datafile.schema_version != SCHEMA_VERSION {
        return Err(DatafileError::new(
            "schemaVersion",
            format_args!(
                "unsupported schema version {} (expected {SCHEMA_VERSION})",
                datafile.schema_version
            ),
        ));
    }
    if parse_rfc3339_ms(&datafile.published_at).is_none() {
        return Err(DatafileError::new(
            "publishedAt",
            "not an RFC 3339 date-time",
        ));
    }
    let events = &datafile.events;
    check_unique(events.len(), &|i| field_at(events, i, |e| &e.key))
        .map_err(|(i, m)| DatafileError::new(format_args!("events[{i}].key"), m))?;
    Ok(())
}

/// Checks that keys `0..count` are non-empty and pairwise distinct; returns
/// their index, or the position of the first offender and what is wrong with it.
pub(crate) fn check_unique(count: usize, key: TextAt<'_>) -> Result<TextIndex, (usize, String)> {
    let (index, repeat) = TextIndex::new(count, key);
    let empty = (0..count as u32).find(|&i| key(i).is_empty());
    match (empty, repeat) {
        (Some(i), repeat) if repeat.is_none_or(|(then, _)| i < then) => {
            Err((i as usize, "must not be empty".into()))
        }
        (_, Some((then, first))) => Err((
            then as usize,
            format!("duplicate \"{}\" (first at index {first})", key(then)),
        )),
        _ => Ok(index),
    }
}

/// Variation keys are unique and values match the flag type; a BOOLEAN flag
/// has exactly the two values `true` and `false`. Error paths are within the flag.
pub(crate) fn check_variations(flag: &Flag) -> Result<(), DatafileError> {
    if flag.variations.is_empty() {
        return Err(DatafileError::new("variations", "must not be empty"));
    }
    let variations = &flag.variations;
    check_unique(variations.len(), &|i| field_at(variations, i, |v| &v.key))
        .map_err(|(i, m)| element_error("variations", i, "key", m))?;
    let expected = match flag.flag_type {
        FlagType::Boolean => "a boolean",
        FlagType::String => "a string",
        FlagType::Number => "a number",
        FlagType::Json => return Ok(()),
    };
    let type_name = flag.flag_type.as_str();
    for (i, variation) in flag.variations.iter().enumerate() {
        let fits = match flag.flag_type {
            FlagType::Boolean => variation.value.is_boolean(),
            FlagType::String => variation.value.is_string(),
            FlagType::Number => variation.value.is_number(),
            FlagType::Json => true,
        };
        if !fits {
            let m = format!("must be {expected} for a {type_name} flag");
            return Err(element_error("variations", i, "value", m));
        }
    }
    let has = |b: bool| flag.variations.iter().any(|v| v.value.as_bool() == Some(b));
    if flag.flag_type == FlagType::Boolean
        && (flag.variations.len() != 2 || !has(true) || !has(false))
    {
        return Err(DatafileError::new(
            "variations",
            "a BOOLEAN flag has exactly two variations, valued true and false",
        ));
    }
    Ok(())
}

/// Index of variation `key` in `flag`.
pub(crate) fn resolve_variation(flag: &Flag, key: &str) -> Result<u32, String> {
    flag.variations
        .iter()
        .position(|v| v.key == key)
        .map(|i| i as u32)
        .ok_or_else(|| format!("unknown variation \"{key}\""))
}

/// A share (percentage or allocation) must be a finite number in 0..=1.
pub(crate) fn check_share(share: f64) -> Result<f64, String> {
    if share.is_finite() && (0.0..=1.0).contains(&share) {
        Ok(share)
    } else {
        // JavaScript's number text: core's float printing would bloat the wasm.
        Err(format!(
            "{} is not within 0..=1",
            NumberText::new(share).as_str()
        ))
    }
}

/// A rule's percentages must sum to 1 within [`SPLIT_SUM_TOLERANCE`].
pub(crate) fn check_split_sum(shares: impl Iterator<Item = f64>) -> Result<(), String> {
    let sum: f64 = shares.sum();
    if (sum - 1.0).abs() <= SPLIT_SUM_TOLERANCE {
        Ok(())
    } else {
        Err(format!(
            "percentages sum to {}",
            NumberText::new(sum).as_str()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The first empty or repeated key, checked one by one in order.
    fn first_offender(keys: &[String]) -> Option<(usize, String)> {
        let mut seen: Vec<&str> = Vec::new();
        for (i, key) in keys.iter().enumerate() {
            if key.is_empty() {
                return Some((i, "must not be empty".into()));
            }
            if let Some(first) = seen.iter().position(|s| s == key) {
                return Some((i, format!("duplicate \"{key}\" (first at index {first})")));
            }
            seen.push(key);
        }
        None
    }

    proptest! {
        #[test]
        fn check_unique_reports_the_first_offender(
            keys in proptest::collection::vec("[ab]{0,2}|long-key-[ab]", 0..10),
        ) {
            let result = check_unique(keys.len(), &|i| field_at(&keys, i, |k| k));
            prop_assert_eq!(result.as_ref().err().cloned(), first_offender(&keys));
            if let Ok(index) = result {
                let at = |i| field_at(&keys, i, |k| k);
                for (i, key) in keys.iter().enumerate() {
                    prop_assert_eq!(index.find(key.as_bytes(), &at), Some(i as u32));
                }
            }
        }
    }
}
