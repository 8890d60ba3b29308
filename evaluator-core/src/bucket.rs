//! Deterministic bucketing (specified in `BUCKETING.md`).
//!
//! A context's bucket for a rule is
//! `(xxh64("{flagKey}/{ruleId}/{purpose}/{value}") as u128 * 100_000) >> 64`,
//! an integer in `0..100_000` without modulo bias. Shares are integer units
//! of 1/100,000; a context is inside a share when its bucket is below it.

use crate::xxh64::Xxh64;

/// Buckets per rule: shares resolve to 1/100,000 (0.001 %).
pub const BUCKET_COUNT: u32 = 100_000;

/// What a bucket decides; each purpose hashes with its own salt so the two
/// decisions are independent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BucketPurpose {
    /// Whether the context is inside the rule's traffic allocation.
    Traffic,
    /// Which of the rule's variations the context gets.
    Variation,
}

impl BucketPurpose {
    /// The purpose's segment of the hashed string.
    pub fn as_str(self) -> &'static str {
        match self {
            BucketPurpose::Traffic => "traffic",
            BucketPurpose::Variation => "variation",
        }
    }
}

/// Hash state after `"{flagKey}/{ruleId}/{purpose}/"`, built once per rule.
pub(crate) fn hash_prefix(flag_key: &str, rule_id: &str, purpose: BucketPurpose) -> Xxh64 {
    let mut state = Xxh64::new(0);
    for piece in [flag_key, "/", rule_id, "/", purpose.as_str(), "/"] {
        state.update(piece.as_bytes());
    }
    state
}

/// The bucket of `value` under a prefix from [`hash_prefix`].
#[inline]
pub(crate) fn bucket_with_prefix(prefix: &Xxh64, value: &str) -> u32 {
    let mut state = *prefix;
    state.update(value.as_bytes());
    scale(state.digest())
}

/// Maps a 64-bit hash onto `0..BUCKET_COUNT` by multiply-shift: each bucket
/// receives either ⌊2^64/100000⌋ or ⌈2^64/100000⌉ hash values, so no bucket is
/// favoured the way `hash % 100000` favours low buckets.
#[inline]
fn scale(hash: u64) -> u32 {
    // The result is below BUCKET_COUNT, so it always fits.
    ((u128::from(hash) * u128::from(BUCKET_COUNT)) >> 64) as u32
}

/// The bucket (`0..100_000`) of a hash-attribute value `value` (already in
/// text form) for one rule and purpose. Evaluation uses precomputed prefixes;
/// this one-shot form is for tools, tests and documentation.
pub fn compute_bucket(flag_key: &str, rule_id: &str, purpose: BucketPurpose, value: &str) -> u32 {
    bucket_with_prefix(&hash_prefix(flag_key, rule_id, purpose), value)
}

/// A share in `0..=1` as integer units: `round(share × 100_000)`.
/// Callers validate the range first; out-of-range input saturates.
pub(crate) fn to_units(share: f64) -> u32 {
    (share * f64::from(BUCKET_COUNT)).round() as u32
}

/// One variation's slice of a rule: buckets below `bound` (and not below the
/// previous slice's bound) get `variation`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Slice {
    pub bound: u32,
    pub variation: u32,
}

/// Cumulative slices from `(variation, units)` pairs in rule order. Rounding
/// can leave the total a unit or two short of 100 000; the last variation
/// with a non-zero share absorbs the gap so every bucket is covered.
pub(crate) fn build_slices(shares: impl IntoIterator<Item = (u32, u32)>) -> Box<[Slice]> {
    let mut total = 0u32;
    let mut slices: Vec<Slice> = shares
        .into_iter()
        .map(|(variation, units)| {
            total = total.saturating_add(units).min(BUCKET_COUNT);
            Slice {
                bound: total,
                variation,
            }
        })
        .collect();
    let last_nonzero = slices
        .iter()
        .enumerate()
        .rev()
        .find(|(i, s)| s.bound > if *i == 0 { 0 } else { slices[i - 1].bound })
        .map(|(i, _)| i);
    if let Some(last) = last_nonzero {
        slices[last..]
            .iter_mut()
            .for_each(|s| s.bound = BUCKET_COUNT);
    }
    slices.into_boxed_slice()
}

/// The variation whose slice holds `bucket`.
pub(crate) fn pick_variation(slices: &[Slice], bucket: u32) -> Option<u32> {
    slices
        .iter()
        .find(|s| bucket < s.bound)
        .map(|s| s.variation)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xxh64::hash;

    #[test]
    fn scale_spans_the_whole_range() {
        assert_eq!(scale(0), 0);
        assert_eq!(scale(u64::MAX), BUCKET_COUNT - 1);
        assert_eq!(scale(1 << 63), BUCKET_COUNT / 2);
    }

    #[test]
    fn prefix_state_equals_hashing_the_full_string() {
        let full = hash(b"checkout_v2/rollout/traffic/user-42", 0);
        assert_eq!(
            compute_bucket("checkout_v2", "rollout", BucketPurpose::Traffic, "user-42"),
            scale(full)
        );
    }

    // The worked example of BUCKETING.md §6; keep both in sync.
    #[test]
    fn worked_example() {
        // (user, traffic hash, traffic bucket, variation hash, variation bucket)
        let table = [
            (
                "user-2",
                0x1269_7568_B77F_7284,
                7_192,
                0x70D2_BE6D_9B81_07B2,
                44_071,
            ),
            (
                "user-7",
                0x22E2_6BBB_B147_F121,
                13_626,
                0xC52B_5D8B_E3DF_636B,
                77_019,
            ),
            (
                "user-42",
                0xA2CF_0448_CD04_EA21,
                63_597,
                0x2CC4_965F_DC2F_DB2F,
                17_487,
            ),
            (
                "user-1",
                0xEA36_0DAE_DDD2_58FE,
                91_488,
                0xBF44_CEE9_D4C4_B430,
                74_714,
            ),
        ];
        for (user, traffic_hash, traffic, variation_hash, variation) in table {
            for (purpose, hash_value, bucket) in [
                (BucketPurpose::Traffic, traffic_hash, traffic),
                (BucketPurpose::Variation, variation_hash, variation),
            ] {
                let text = format!("checkout_v2/rollout/{}/{user}", purpose.as_str());
                assert_eq!(hash(text.as_bytes(), 0), hash_value, "{text}");
                assert_eq!(
                    compute_bucket("checkout_v2", "rollout", purpose, user),
                    bucket
                );
            }
        }
        assert_eq!(scale(11_731_600_265_047_239_201), 63_597);
    }

    // The 32-bit formula of BUCKETING.md §2 for languages without u128.
    #[test]
    fn split_formula_matches() {
        for hash_value in [
            0,
            1,
            u64::MAX,
            0xA2CF_0448_CD04_EA21,
            1 << 32,
            (1 << 32) - 1,
        ] {
            let (hi, lo) = (hash_value >> 32, hash_value & 0xFFFF_FFFF);
            let split = (hi * 100_000 + ((lo * 100_000) >> 32)) >> 32;
            assert_eq!(split as u32, scale(hash_value), "{hash_value:#x}");
        }
    }

    #[test]
    fn units_round_to_nearest() {
        assert_eq!(to_units(0.25), 25_000);
        assert_eq!(to_units(0.333_333_3), 33_333);
        assert_eq!(to_units(0.000_005), 1);
        assert_eq!(to_units(1.0), BUCKET_COUNT);
        assert_eq!(to_units(0.0), 0);
    }

    #[test]
    fn slices_cover_every_bucket() {
        let thirds = build_slices([(0, 33_333), (1, 33_333), (2, 33_333)]);
        let bounds: Vec<u32> = thirds.iter().map(|s| s.bound).collect();
        assert_eq!(bounds, [33_333, 66_666, 100_000]);
        assert_eq!(pick_variation(&thirds, 99_999), Some(2));
        // A trailing 0 % variation never receives the rounding gap.
        let trailing_zero = build_slices([(0, 49_999), (1, 50_000), (2, 0)]);
        assert_eq!(pick_variation(&trailing_zero, 99_999), Some(1));
        // Excess from rounding up is clipped.
        let over = build_slices([(0, 50_001), (1, 50_001)]);
        assert_eq!(over[1].bound, BUCKET_COUNT);
        assert_eq!(pick_variation(&over, 50_000), Some(0));
    }
}
