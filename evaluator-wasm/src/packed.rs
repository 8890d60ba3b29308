//! One evaluation as one i32, so the hot path returns a primitive.
//!
//! Bits (JS decodes the same layout in sdk-js/src/engine.ts):
//! 0–3 reason (index into [`REASONS`]), 4–6 error code (0 none, else 1 + index
//! into [`ERROR_CODES`]; only [`NOT_FOUND`] has one), 7–8 versionSufficient and 9–10 dateReached (0 null,
//! 1 false, 2 true), 11–20 variation index + 1, 21–30 rule index + 1 (0 none).
//! A variation or rule index above 1022 does not fit: the result is -1 and the
//! wide form `[bits 0–10, variation or -1, rule or -1]` is written aside.

use evaluator_core::{ErrorCode, Outcome, Reason};

/// Reasons in declaration order: `reason as usize` indexes this table.
pub const REASONS: [Reason; 8] = [
    Reason::TargetingMatch,
    Reason::Split,
    Reason::Default,
    Reason::Disabled,
    Reason::Error,
    Reason::Override,
    Reason::Scheduled,
    Reason::RolloutCondition,
];

/// Error codes in declaration order: `code as usize` indexes this table.
pub const ERROR_CODES: [ErrorCode; 5] = [
    ErrorCode::FlagNotFound,
    ErrorCode::TypeMismatch,
    ErrorCode::ParseError,
    ErrorCode::InvalidContext,
    ErrorCode::General,
];

const INDEX_LIMIT: u32 = (1 << 10) - 2;

/// An unknown flag: reason `ERROR`, error code `FLAG_NOT_FOUND`, no variation.
pub const NOT_FOUND: i32 = Reason::Error as i32 | (ErrorCode::FlagNotFound as i32 + 1) << 4;

/// Packs `o`, or returns its wide form when an index does not fit.
pub fn pack(o: &Outcome) -> Result<i32, [i32; 3]> {
    let low = o.reason as i32 | tristate(o.version_sufficient) << 7 | tristate(o.date_reached) << 9;
    match (o.variation, o.rule_index) {
        (v, r) if v <= INDEX_LIMIT && r.unwrap_or(0) <= INDEX_LIMIT => {
            Ok(low | (v as i32 + 1) << 11 | plus_one(r) << 21)
        }
        (v, r) => Err([low, plus_one(Some(v)) - 1, plus_one(r) - 1]),
    }
}

fn tristate(flag: Option<bool>) -> i32 {
    flag.map_or(0, |b| 1 + i32::from(b))
}

fn plus_one(index: Option<u32>) -> i32 {
    index.map_or(0, |i| i32::try_from(i).map_or(i32::MAX, |i| i + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(variation: u32, rule: Option<u32>) -> Outcome {
        Outcome {
            variation,
            reason: Reason::RolloutCondition,
            rule_index: rule,
            version_sufficient: Some(false),
            date_reached: Some(true),
        }
    }

    #[test]
    fn tables_follow_declaration_order() {
        for (i, r) in REASONS.iter().enumerate() {
            assert_eq!(*r as usize, i);
        }
        for (i, c) in ERROR_CODES.iter().enumerate() {
            assert_eq!(*c as usize, i);
        }
    }

    #[test]
    fn packs_every_field() {
        let p = pack(&outcome(3, Some(1022))).unwrap();
        assert_eq!(p & 0xf, 7);
        assert_eq!(p >> 4 & 7, 0);
        assert_eq!(p >> 7 & 3, 1);
        assert_eq!(p >> 9 & 3, 2);
        assert_eq!(p >> 11 & 0x3ff, 4);
        assert_eq!(p >> 21, 1023);
        assert_eq!(pack(&outcome(0, None)).unwrap() >> 21, 0);
        assert_eq!(NOT_FOUND & 0xf, 4);
        assert_eq!(NOT_FOUND >> 4, 1, "FLAG_NOT_FOUND, nothing else");
    }

    #[test]
    fn large_indexes_go_wide() {
        let low = pack(&outcome(0, None)).unwrap() & 0x7ff;
        assert_eq!(pack(&outcome(1023, None)), Err([low, 1023, -1]));
        assert_eq!(pack(&outcome(0, Some(5000))), Err([low, 0, 5000]));
    }
}
