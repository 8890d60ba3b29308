//! XXH64 (seed 0 in Halyard), implemented here so native and WebAssembly
//! builds hash identically without a dependency.
//!
//! Bucketing hashes three things (see `BUCKETING.md`): a rule's salt string
//! once at compile time, an attribute value once per evaluation, and the 16
//! bytes of the two hashes per rule, for which [`start_pair`] and
//! [`finish_pair`] skip the byte plumbing (and let the salt's half be done
//! at compile time).

const P1: u64 = 0x9E37_79B1_85EB_CA87;
const P2: u64 = 0xC2B2_AE3D_27D4_EB4F;
const P3: u64 = 0x1656_67B1_9E37_79F9;
const P4: u64 = 0x85EB_CA77_C2B2_AE63;
const P5: u64 = 0x27D4_EB2F_1656_67C5;

/// XXH64 of `bytes` with `seed`.
pub fn hash(bytes: &[u8], seed: u64) -> u64 {
    let mut tail = bytes;
    let mut h = if bytes.len() >= 32 {
        let mut acc = [
            seed.wrapping_add(P1).wrapping_add(P2),
            seed.wrapping_add(P2),
            seed,
            seed.wrapping_sub(P1),
        ];
        let (stripes, rest) = bytes.as_chunks::<32>();
        for stripe in stripes {
            for (acc, lane) in acc.iter_mut().zip(stripe.as_chunks::<8>().0) {
                *acc = round(*acc, u64::from_le_bytes(*lane));
            }
        }
        tail = rest;
        let [v1, v2, v3, v4] = acc;
        let h = v1
            .rotate_left(1)
            .wrapping_add(v2.rotate_left(7))
            .wrapping_add(v3.rotate_left(12))
            .wrapping_add(v4.rotate_left(18));
        acc.into_iter().fold(h, merge_round)
    } else {
        seed.wrapping_add(P5)
    };
    h = h.wrapping_add(bytes.len() as u64);

    // Fixed-size chunks: no length checks or copies per word.
    let (words, rest) = tail.as_chunks::<8>();
    for word in words {
        h = mix_u64(h, u64::from_le_bytes(*word));
    }
    tail = rest;
    if let Some((word, rest)) = tail.split_first_chunk::<4>() {
        h ^= u64::from(u32::from_le_bytes(*word)).wrapping_mul(P1);
        h = h.rotate_left(23).wrapping_mul(P2).wrapping_add(P3);
        tail = rest;
    }
    for &byte in tail {
        h ^= u64::from(byte).wrapping_mul(P5);
        h = h.rotate_left(11).wrapping_mul(P1);
    }
    avalanche(h)
}

/// The XXH64 (seed 0) state of a 16-byte input after its first 8 bytes,
/// `first.to_le_bytes()`; [`finish_pair`] takes the other 8.
pub(crate) fn start_pair(first: u64) -> u64 {
    // Below 32 bytes there are no stripes: the seed's short-input start,
    // plus the length, then one 8-byte step per word.
    mix_u64(P5.wrapping_add(16), first)
}

/// XXH64 (seed 0) of the 16 bytes `first.to_le_bytes()` then
/// `second.to_le_bytes()`, from `state = start_pair(first)`: the same value
/// as [`hash`] over them.
#[inline]
pub(crate) fn finish_pair(state: u64, second: u64) -> u64 {
    avalanche(mix_u64(state, second))
}

#[inline]
fn mix_u64(h: u64, word: u64) -> u64 {
    (h ^ round(0, word))
        .rotate_left(27)
        .wrapping_mul(P1)
        .wrapping_add(P4)
}

#[inline]
fn round(acc: u64, lane: u64) -> u64 {
    acc.wrapping_add(lane.wrapping_mul(P2))
        .rotate_left(31)
        .wrapping_mul(P1)
}

fn merge_round(acc: u64, v: u64) -> u64 {
    (acc ^ round(0, v)).wrapping_mul(P1).wrapping_add(P4)
}

#[inline]
fn avalanche(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(P2);
    h ^= h >> 29;
    h = h.wrapping_mul(P3);
    h ^ (h >> 32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    // Published values (the reference implementation's test suite and the
    // `xxhash` Python package agree on them).
    #[test]
    fn matches_published_values() {
        assert_eq!(hash(b"", 0), 0xEF46_DB37_51D8_E999);
        assert_eq!(hash(b"a", 0), 0xD24E_C4F1_A98C_6E5B);
        assert_eq!(hash(b"abc", 0), 0x44BC_2CF5_AD77_0999);
        assert_eq!(
            hash(b"Nobody inspects the spammish repetition", 0),
            0xFBCE_A83C_8A37_8BF1
        );
        let bytes: Vec<u8> = (0..100u8).collect();
        assert_eq!(hash(&bytes, 0), 0x6AC1_E580_3216_6597);
    }

    // Bytes 0, 1, …, n-1 at the lengths where the 8-byte tail words, a full
    // stripe and a stripe plus every tail step apply; values from the system's
    // libxxhash (the reference C implementation).
    #[test]
    fn matches_the_reference_at_every_tail_shape() {
        for (n, expected) in [
            (8u8, 0x884A_1736_14B8_1B8D),
            (16, 0x44B6_EF2F_B841_69F7),
            (31, 0xC346_D2B5_9B4D_8EE1),
            (32, 0xCBF5_9C51_16FF_32B4),
            (63, 0xE26A_A9E2_A95F_8E4F),
        ] {
            let bytes: Vec<u8> = (0..n).collect();
            assert_eq!(hash(&bytes, 0), expected, "length {n}");
        }
    }

    #[test]
    fn seed_changes_the_hash() {
        assert_ne!(hash(b"abc", 1), hash(b"abc", 0));
    }

    proptest! {
        // The shortcut for bucket hashes is XXH64 of the 16 little-endian bytes.
        #[test]
        fn pair_equals_hashing_its_bytes(first in any::<u64>(), second in any::<u64>()) {
            let mut bytes = [0u8; 16];
            bytes[..8].copy_from_slice(&first.to_le_bytes());
            bytes[8..].copy_from_slice(&second.to_le_bytes());
            prop_assert_eq!(finish_pair(start_pair(first), second), hash(&bytes, 0));
        }
    }
}
