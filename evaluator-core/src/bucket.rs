//! Deterministic bucketing (specified in `BUCKETING.md`).
//!
//! A context's bucket for a rule is `(bucket_hash as u128 * 100_000) >> 64`,
//! an integer in `0..100_000` without modulo bias, where
//! `bucket_hash = xxh64(salt_hash.to_le_bytes() ++ value_hash.to_le_bytes())`,
//! `salt_hash = xxh64("{flagKey}/{ruleId}/{purpose}")` (compiled once per
//! rule) and `value_hash = xxh64(value)` (once per context and attribute).
//! Shares are integer units of 1/100,000; a context is inside a share when
//! its bucket is below it.

use crate::xxh64::{finish_pair, hash, start_pair};
use alloc::{boxed::Box, format, vec::Vec};

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
    /// The purpose's segment of the salt string.
    pub fn as_str(self) -> &'static str {
        match self {
            BucketPurpose::Traffic => "traffic",
            BucketPurpose::Variation => "variation",
        }
    }
}

/// `salt_hash`: XXH64 of `"{flagKey}/{ruleId}/{purpose}"`, built once per rule.
pub(crate) fn salt_hash(flag_key: &str, rule_id: &str, purpose: BucketPurpose) -> u64 {
    let salt = format!("{flag_key}/{rule_id}/{}", purpose.as_str());
    hash(salt.as_bytes(), 0)
}

/// A rule's salt for one purpose, compiled: the `bucket_hash` state after
/// `le64(salt_hash)`, so each bucket hashes only the value's half.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Salt(u64);

impl Salt {
    /// The salt of `"{flagKey}/{ruleId}/{purpose}"`.
    pub(crate) fn new(flag_key: &str, rule_id: &str, purpose: BucketPurpose) -> Self {
        Salt::of_hash(salt_hash(flag_key, rule_id, purpose))
    }

    fn of_hash(salt_hash: u64) -> Self {
        Salt(start_pair(salt_hash))
    }
}

/// `value_hash`: XXH64 of a hash-attribute value's text, once per context.
#[inline]
pub(crate) fn value_hash(value: &str) -> u64 {
    hash(value.as_bytes(), 0)
}

/// The bucket of a value (by its [`value_hash`]) under a rule's salt.
#[inline]
pub(crate) fn bucket_of(salt: Salt, value_hash: u64) -> u32 {
    scale(finish_pair(salt.0, value_hash))
}

/// Maps a 64-bit hash onto `0..BUCKET_COUNT` by multiply-shift: each bucket
/// receives either ⌊2^64/100000⌋ or ⌈2^64/100000⌉ hash values, so no bucket is
/// favoured the way `hash % 100000` favours low buckets.
///
/// Computed as BUCKETING.md §2's exact 32-bit split of `(hash × 100000) >> 64`:
/// WebAssembly has no 64×64→128 multiply, and u128 costs a `__multi3` call.
#[inline]
fn scale(hash: u64) -> u32 {
    let count = u64::from(BUCKET_COUNT);
    let (hi, lo) = (hash >> 32, hash & 0xFFFF_FFFF);
    // Below 2^49 before the shift and below BUCKET_COUNT after it: no overflow, always fits.
    ((hi * count + ((lo * count) >> 32)) >> 32) as u32
}

/// The bucket (`0..100_000`) of a hash-attribute value `value` (already in
/// text form) for one rule and purpose. Evaluation uses precomputed salts and
/// cached value hashes; this one-shot form is for tools, tests and documentation.
pub fn compute_bucket(flag_key: &str, rule_id: &str, purpose: BucketPurpose, value: &str) -> u32 {
    bucket_of(Salt::new(flag_key, rule_id, purpose), value_hash(value))
}

/// A share in `0..=1` as integer units: `round(share × 100_000)`.
/// Callers validate the range first; out-of-range input saturates.
pub(crate) fn to_units(share: f64) -> u32 {
    round_to_u32(share * f64::from(BUCKET_COUNT))
}

/// `x.round() as u32` (half away from zero, saturating, NaN → 0) without
/// `f64::round`, which core lacks: the cast truncates and saturates, and
/// `x − trunc(x)` is exact, so comparing it with ½ decides the rounding.
fn round_to_u32(x: f64) -> u32 {
    let whole = x as u32;
    whole.saturating_add(u32::from(x - f64::from(whole) >= 0.5))
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
    use proptest::prelude::*;

    /// What `round_to_u32` replaces.
    fn std_round(x: f64) -> u32 {
        x.round() as u32
    }

    #[test]
    fn round_to_u32_is_std_round_on_edge_values() {
        let half_below = 0.49999999999999994; // round(x + 0.5) gets this one wrong
        let mut values = vec![
            0.0,
            -0.0,
            half_below,
            0.5,
            1.5,
            2.5,
            -0.5,
            -0.4,
            -1.5,
            99_999.5,
            100_000.0,
            4_503_599_627_370_495.5,
            4_503_599_627_370_496.0,
            4_294_967_295.4,
            4_294_967_295.5,
            4_294_967_296.0,
            1e300,
            f64::MIN_POSITIVE,
            f64::MAX,
            f64::MIN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
        ];
        // Every k + 0.5 of the unit range and the floats either side of it.
        for k in 0..BUCKET_COUNT {
            let half = f64::from(k) + 0.5;
            values.extend([
                half,
                f64::from_bits(half.to_bits() - 1),
                f64::from_bits(half.to_bits() + 1),
            ]);
        }
        // Every share a rule or allocation can state with up to 5 decimals.
        values
            .extend((0..=BUCKET_COUNT).map(|k| f64::from(k) / 100_000.0 * f64::from(BUCKET_COUNT)));
        for x in values {
            assert_eq!(round_to_u32(x), std_round(x), "{x:e}");
        }
    }

    proptest! {
        #[test]
        fn round_to_u32_is_std_round(bits in any::<u64>(), share in 0.0..=1.0f64) {
            let x = f64::from_bits(bits);
            prop_assert_eq!(round_to_u32(x), std_round(x), "{:e}", x);
            prop_assert_eq!(to_units(share), std_round(share * f64::from(BUCKET_COUNT)));
        }
    }

    #[test]
    fn scale_spans_the_whole_range() {
        assert_eq!(scale(0), 0);
        assert_eq!(scale(u64::MAX), BUCKET_COUNT - 1);
        assert_eq!(scale(1 << 63), BUCKET_COUNT / 2);
    }

    #[test]
    fn bucket_hashes_the_le_bytes_of_salt_then_value() {
        let salt = hash(b"checkout_v2/rollout/traffic", 0);
        let value = hash(b"user-42", 0);
        let mut bytes = salt.to_le_bytes().to_vec();
        bytes.extend(value.to_le_bytes());
        assert_eq!(
            compute_bucket("checkout_v2", "rollout", BucketPurpose::Traffic, "user-42"),
            scale(hash(&bytes, 0))
        );
    }

    // The worked example of BUCKETING.md §6; keep both in sync.
    #[test]
    fn worked_example() {
        let traffic_salt = salt_hash("checkout_v2", "rollout", BucketPurpose::Traffic);
        let variation_salt = salt_hash("checkout_v2", "rollout", BucketPurpose::Variation);
        assert_eq!(traffic_salt, 0xE134_7DB8_A855_6382);
        assert_eq!(variation_salt, 0x1709_83CF_14B4_ACED);
        // (user, value hash, traffic bucket hash, traffic bucket,
        //  variation bucket hash, variation bucket)
        let table = [
            (
                "user-43",
                0xBCF7_1FD8_C0C7_0E7B,
                0x2ED8_AB93_07DE_9E5B,
                18_299,
                0x2AD5_5578_7E0C_23A0,
                16_731,
            ),
            (
                "user-4",
                0x3227_A16A_6007_F168,
                0x00FF_904F_F50B_A8D9,
                389,
                0xC516_4D8F_7460_60FA,
                76_987,
            ),
            (
                "user-42",
                0x397E_9D3A_76AF_7C81,
                0x6DF5_CE03_B2A5_E44B,
                42_953,
                0x3CEF_E23A_91C6_86A0,
                23_803,
            ),
            (
                "user-7",
                0x216D_EC03_713B_4CFD,
                0xD035_27E3_776D_4986,
                81_331,
                0x0DDE_5E38_61D7_E6E0,
                5_417,
            ),
        ];
        for (user, value, traffic_hash, traffic, variation_hash, variation) in table {
            assert_eq!(value_hash(user), value, "{user}");
            for (purpose, salt, hash_value, bucket) in [
                (BucketPurpose::Traffic, traffic_salt, traffic_hash, traffic),
                (
                    BucketPurpose::Variation,
                    variation_salt,
                    variation_hash,
                    variation,
                ),
            ] {
                let salt = Salt::of_hash(salt);
                assert_eq!(finish_pair(salt.0, value), hash_value, "{user}");
                assert_eq!(bucket_of(salt, value), bucket, "{user}");
                assert_eq!(
                    compute_bucket("checkout_v2", "rollout", purpose, user),
                    bucket
                );
            }
        }
        assert_eq!(scale(7_923_465_634_705_695_819), 42_953);
    }

    // `scale` is the 32-bit formula of BUCKETING.md §2; the 128-bit one must agree.
    #[test]
    fn split_formula_matches() {
        for hash_value in [
            0,
            1,
            u64::MAX,
            0x6DF5_CE03_B2A5_E44B,
            1 << 32,
            (1 << 32) - 1,
        ]
        .into_iter()
        .chain((0u64..10_000).map(|i| hash(&i.to_le_bytes(), 0)))
        {
            let wide = (u128::from(hash_value) * 100_000) >> 64;
            assert_eq!(wide as u32, scale(hash_value), "{hash_value:#x}");
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
