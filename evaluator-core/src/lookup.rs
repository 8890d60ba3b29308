//! Flags by key, for native callers (the server's evaluate endpoints, OFREP).
//! The WebAssembly binding evaluates by index, so the map is built on the
//! first lookup: the module, which never looks up by key, carries no hash map.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

/// Flag key → position, built on first use.
#[derive(Debug, Default)]
pub(crate) struct FlagIndex(OnceLock<HashMap<Box<str>, usize, BuildHasherDefault<KeyHasher>>>);

impl FlagIndex {
    /// The position of `key` among `keys` (the datafile's flag keys, unique,
    /// read only on the first call).
    pub(crate) fn get<'a, I>(&self, key: &str, keys: impl FnOnce() -> I) -> Option<usize>
    where
        I: Iterator<Item = &'a str>,
    {
        let map = self
            .0
            .get_or_init(|| keys().enumerate().map(|(i, k)| (Box::from(k), i)).collect());
        map.get(key).copied()
    }
}

/// A multiply-rotate hash a word at a time (as rustc's FxHash): for keys of a
/// dozen bytes it costs a fraction of SipHash. The keys come from the
/// datafile (trusted input), so SipHash's resistance to crafted collisions
/// buys nothing here.
#[derive(Default)]
pub(crate) struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let word = chunk
                .iter()
                .rev()
                .fold(0u64, |word, &b| word << 8 | u64::from(b));
            self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x517C_C1B7_2722_0A95);
        }
    }

    fn finish(&self) -> u64 {
        // The product's high bits are its best mixed; tables index by the low ones.
        self.0.rotate_left(26)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_keys_after_building_once() {
        let keys = ["checkout_v2", "flag_0001", "flag_0002", "", "ünï"];
        let index = FlagIndex::default();
        let mut builds = 0;
        for (i, key) in keys.iter().enumerate() {
            let found = index.get(key, || {
                builds += 1;
                keys.iter().copied()
            });
            assert_eq!(found, Some(i));
        }
        assert_eq!(index.get("flag_0003", || [].into_iter()), None);
        assert_eq!(builds, 1);
    }
}
