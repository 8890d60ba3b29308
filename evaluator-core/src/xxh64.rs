//! XXH64 (seed 0 in Halyard), implemented here so native and WebAssembly
//! builds hash identically without a dependency.
//!
//! [`Xxh64`] is a streaming state that is `Copy`: the compiler hashes a rule's
//! constant prefix once, and evaluation copies that state and feeds only the
//! attribute value, so bucketing neither allocates nor rehashes the prefix.

const P1: u64 = 0x9E37_79B1_85EB_CA87;
const P2: u64 = 0xC2B2_AE3D_27D4_EB4F;
const P3: u64 = 0x1656_67B1_9E37_79F9;
const P4: u64 = 0x85EB_CA77_C2B2_AE63;
const P5: u64 = 0x27D4_EB2F_1656_67C5;

/// Streaming XXH64 state.
#[derive(Debug, Clone, Copy)]
pub struct Xxh64 {
    total_len: u64,
    acc: [u64; 4],
    buf: [u8; 32],
    buf_len: usize,
}

impl Xxh64 {
    /// A fresh state for `seed`.
    pub fn new(seed: u64) -> Self {
        Xxh64 {
            total_len: 0,
            acc: [
                seed.wrapping_add(P1).wrapping_add(P2),
                seed.wrapping_add(P2),
                seed,
                seed.wrapping_sub(P1),
            ],
            buf: [0; 32],
            buf_len: 0,
        }
    }

    /// Feeds `bytes` into the state.
    #[inline]
    pub fn update(&mut self, mut bytes: &[u8]) {
        self.total_len = self.total_len.wrapping_add(bytes.len() as u64);
        if self.buf_len > 0 {
            let take = (32 - self.buf_len).min(bytes.len());
            self.buf[self.buf_len..self.buf_len + take].copy_from_slice(&bytes[..take]);
            self.buf_len += take;
            bytes = &bytes[take..];
            if self.buf_len < 32 {
                return;
            }
            let block = self.buf;
            self.consume_stripe(&block);
            self.buf_len = 0;
        }
        let mut stripes = bytes.chunks_exact(32);
        for stripe in &mut stripes {
            self.consume_stripe(stripe);
        }
        let rest = stripes.remainder();
        self.buf[..rest.len()].copy_from_slice(rest);
        self.buf_len = rest.len();
    }

    fn consume_stripe(&mut self, stripe: &[u8]) {
        for (acc, lane) in self.acc.iter_mut().zip(stripe.chunks_exact(8)) {
            *acc = round(*acc, read_u64(lane));
        }
    }

    /// The hash of everything fed so far (the state stays usable).
    #[inline]
    pub fn digest(&self) -> u64 {
        let [v1, v2, v3, v4] = self.acc;
        let mut h = if self.total_len >= 32 {
            let mut h = v1
                .rotate_left(1)
                .wrapping_add(v2.rotate_left(7))
                .wrapping_add(v3.rotate_left(12))
                .wrapping_add(v4.rotate_left(18));
            for v in self.acc {
                h = merge_round(h, v);
            }
            h
        } else {
            // v3 holds the seed until a full stripe has been consumed.
            v3.wrapping_add(P5)
        };
        h = h.wrapping_add(self.total_len);

        let mut tail = &self.buf[..self.buf_len];
        while tail.len() >= 8 {
            h ^= round(0, read_u64(&tail[..8]));
            h = h.rotate_left(27).wrapping_mul(P1).wrapping_add(P4);
            tail = &tail[8..];
        }
        if tail.len() >= 4 {
            h ^= u64::from(read_u32(&tail[..4])).wrapping_mul(P1);
            h = h.rotate_left(23).wrapping_mul(P2).wrapping_add(P3);
            tail = &tail[4..];
        }
        for &byte in tail {
            h ^= u64::from(byte).wrapping_mul(P5);
            h = h.rotate_left(11).wrapping_mul(P1);
        }
        avalanche(h)
    }
}

/// XXH64 of `bytes` with `seed`.
pub fn hash(bytes: &[u8], seed: u64) -> u64 {
    let mut state = Xxh64::new(seed);
    state.update(bytes);
    state.digest()
}

fn round(acc: u64, lane: u64) -> u64 {
    acc.wrapping_add(lane.wrapping_mul(P2))
        .rotate_left(31)
        .wrapping_mul(P1)
}

fn merge_round(acc: u64, v: u64) -> u64 {
    (acc ^ round(0, v)).wrapping_mul(P1).wrapping_add(P4)
}

fn avalanche(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(P2);
    h ^= h >> 29;
    h = h.wrapping_mul(P3);
    h ^ (h >> 32)
}

fn read_u64(bytes: &[u8]) -> u64 {
    let mut lane = [0u8; 8];
    lane.copy_from_slice(bytes);
    u64::from_le_bytes(lane)
}

fn read_u32(bytes: &[u8]) -> u32 {
    let mut lane = [0u8; 4];
    lane.copy_from_slice(bytes);
    u32::from_le_bytes(lane)
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

    #[test]
    fn seed_changes_the_hash() {
        assert_ne!(hash(b"abc", 1), hash(b"abc", 0));
    }

    proptest! {
        // Feeding in arbitrary pieces must equal hashing in one go: this is
        // what the precomputed rule prefixes rely on.
        #[test]
        fn streaming_equals_one_shot(bytes in proptest::collection::vec(any::<u8>(), 0..200), cut1 in 0usize..200, cut2 in 0usize..200) {
            let a = cut1.min(bytes.len());
            let b = cut2.min(bytes.len()).max(a);
            let mut state = Xxh64::new(0);
            state.update(&bytes[..a]);
            let copy = state;
            state.update(&bytes[a..b]);
            state.update(&bytes[b..]);
            prop_assert_eq!(state.digest(), hash(&bytes, 0));
            // The copied prefix state is independent of later updates.
            let mut resumed = copy;
            resumed.update(&bytes[a..]);
            prop_assert_eq!(resumed.digest(), hash(&bytes, 0));
        }
    }
}
