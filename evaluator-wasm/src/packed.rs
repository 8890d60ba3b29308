//! One evaluation as one i32, so the hot path returns a primitive.
//!
//! Bits (JS decodes the same layout in sdk-js/src/engine.ts):
//! 0–3 reason (index into [`REASONS`]), 4–6 error code (0 none, else 1 + index
//! into [`ERROR_CODES`]), 7–8 versionSufficient and 9–10 dateReached (0 null,
//! 1 false, 2 true), 11–20 variation index + 1, 21–30 rule index + 1 (0 none).
//! A variation or rule index above 1022 does not fit: the result is -1 and the
//! wide form `[bits 0–10, variation or -1, rule or -1]` is written aside.

use evaluator_core::{ErrorCode, Evaluation, Reason};

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

/// Packs `e`, or returns its wide form when an index does not fit.
pub fn pack(e: &Evaluation<'_>) -> Result<i32, [i32; 3]> {
    let low = e.reason as i32
        | e.error_code.map_or(0, |c| c as i32 + 1) << 4
        | tristate(e.version_sufficient) << 7
        | tristate(e.date_reached) << 9;
    match (e.variation_index, e.rule_index) {
        (v, r) if v.unwrap_or(0) <= INDEX_LIMIT && r.unwrap_or(0) <= INDEX_LIMIT => {
            Ok(low | plus_one(v) << 11 | plus_one(r) << 21)
        }
        (v, r) => Err([low, plus_one(v) - 1, plus_one(r) - 1]),
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

    fn evaluation(variation: Option<u32>, rule: Option<u32>) -> Evaluation<'static> {
        Evaluation {
            flag_key: "f",
            value: None,
            variation: None,
            variation_index: variation,
            reason: Reason::RolloutCondition,
            rule_id: None,
            rule_index: rule,
            error_code: Some(ErrorCode::General),
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
        let p = pack(&evaluation(Some(3), Some(1022))).unwrap();
        assert_eq!(p & 0xf, 7);
        assert_eq!(p >> 4 & 7, 5);
        assert_eq!(p >> 7 & 3, 1);
        assert_eq!(p >> 9 & 3, 2);
        assert_eq!(p >> 11 & 0x3ff, 4);
        assert_eq!(p >> 21, 1023);
        assert_eq!(pack(&evaluation(None, None)).unwrap() >> 11, 0);
    }

    #[test]
    fn large_indexes_go_wide() {
        let low = pack(&evaluation(None, None)).unwrap();
        assert_eq!(pack(&evaluation(Some(1023), None)), Err([low, 1023, -1]));
        assert_eq!(pack(&evaluation(Some(0), Some(5000))), Err([low, 0, 5000]));
    }
}
