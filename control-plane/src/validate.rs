//! Field validation shared by the endpoints; every error names its field (422).

use crate::error::{ApiError, Result};
use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

const MAX_KEY_LEN: usize = 100;
const MAX_NAME_LEN: usize = 200;
const MAX_TEXT_LEN: usize = 2_000;

/// Keys and client-chosen ids: a letter or digit, then letters, digits, `_`, `-`, `.`.
pub fn key(field: &str, value: &str) -> Result<()> {
    let mut chars = value.chars();
    let well_formed = chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if !well_formed || value.len() > MAX_KEY_LEN {
        return Err(ApiError::invalid(
            field,
            format!(
                "must be 1-{MAX_KEY_LEN} letters, digits, `_`, `-` or `.`, starting with a letter or digit"
            ),
        ));
    }
    Ok(())
}

/// A non-empty display name, trimmed.
pub fn name(field: &str, value: &str) -> Result<String> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(ApiError::invalid(field, "must not be empty"));
    }
    text(field, trimmed, MAX_NAME_LEN)
}

/// Free text up to `max` characters.
pub fn text(field: &str, value: &str, max: usize) -> Result<String> {
    if value.chars().count() > max {
        return Err(ApiError::invalid(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    Ok(value.to_owned())
}

/// A description (free text up to 2,000 characters).
pub fn description(field: &str, value: &str) -> Result<String> {
    text(field, value, MAX_TEXT_LEN)
}

/// A share between 0 and 1 inclusive.
pub fn fraction(field: &str, value: f64) -> Result<()> {
    if !(0.0..=1.0).contains(&value) {
        return Err(ApiError::invalid(field, "must be between 0 and 1"));
    }
    Ok(())
}

/// An IANA timezone name such as `America/New_York`.
pub fn timezone(field: &str, value: &str) -> Result<Tz> {
    value
        .parse::<Tz>()
        .map_err(|_| ApiError::invalid(field, format!("`{value}` is not an IANA timezone")))
}

/// An instant: RFC 3339 with an offset, or a local date-time read in `zone`.
pub fn instant(field: &str, value: &str, zone: Tz) -> Result<DateTime<Utc>> {
    if let Ok(instant) = DateTime::parse_from_rfc3339(value) {
        return Ok(instant.with_timezone(&Utc));
    }
    let local = NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%S")
        .or_else(|_| NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M"))
        .map_err(|_| {
            ApiError::invalid(
                field,
                format!("`{value}` is not an RFC 3339 date-time (e.g. 2025-03-15T09:00:00Z)"),
            )
        })?;
    zone.from_local_datetime(&local)
        .single()
        .map(|instant| instant.with_timezone(&Utc))
        .ok_or_else(|| {
            ApiError::invalid(
                field,
                format!("`{value}` does not exist or is ambiguous in {zone}"),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys() {
        assert!(key("key", "new_checkout").is_ok());
        assert!(key("key", "org-nansen-akademiet").is_ok());
        for bad in ["", "-x", "a b", "ä", &"x".repeat(101)] {
            assert!(key("key", bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn instants_in_a_zone() {
        let ny = timezone("tz", "America/New_York").expect("known zone");
        let at = instant("at", "2025-03-15T09:00:00", ny).expect("valid local time");
        assert_eq!(at.to_rfc3339(), "2025-03-15T13:00:00+00:00");
        let at = instant("at", "2025-03-15T09:00:00Z", ny).expect("valid instant");
        assert_eq!(at.to_rfc3339(), "2025-03-15T09:00:00+00:00");
        // 02:30 does not exist on the spring-forward day.
        assert!(instant("at", "2025-03-09T02:30:00", ny).is_err());
        assert!(timezone("tz", "Mars/Olympus").is_err());
    }
}
