//! Text comparisons shared by conditions, member lists and overrides.
//!
//! Case-insensitive means per-character Unicode lowercase (`char::to_lowercase`,
//! no locale, no context rules such as final sigma), applied lazily to the
//! attribute so that comparing does not allocate.

/// A deduplicated set of strings for `in`/`notIn`, member lists and overrides.
///
/// Each entry carries a [`Key`] (its length and first 8 bytes as one word), so
/// almost every comparison is two integer compares and strings of up to 8
/// bytes (countries, plans, short ids) never reach `memcmp`. Entries are
/// sorted by key, then bytes: small sets are scanned, large ones searched.
#[derive(Debug, Default)]
pub(crate) struct ValueSet(Box<[(Key, Box<str>)]>);

/// Sets up to this size are scanned; a scan of a few keys beats the branches
/// of a binary search.
const SCAN_MAX: usize = 8;

/// Length, then the first 8 bytes big-endian (zero-padded): ordering keys
/// orders equal-length strings by their leading bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    len: usize,
    head: u64,
}

impl Key {
    #[inline]
    fn of(bytes: &[u8]) -> Self {
        if let Some(first) = bytes.first_chunk::<8>() {
            return Key {
                len: bytes.len(),
                head: u64::from_be_bytes(*first),
            };
        }
        let head = bytes
            .iter()
            .take(8)
            .fold(0u64, |word, &b| word << 8 | u64::from(b));
        // Shorter than 8 bytes: pad with zeros on the right, as the long form reads.
        let shift = 8 * (8 - bytes.len() as u32);
        Key {
            len: bytes.len(),
            head: head.checked_shl(shift).unwrap_or(0),
        }
    }
}

impl ValueSet {
    pub(crate) fn new(values: impl IntoIterator<Item = Box<str>>) -> Self {
        let mut entries: Vec<(Key, Box<str>)> = values
            .into_iter()
            .map(|v| (Key::of(v.as_bytes()), v))
            .collect();
        entries.sort_unstable();
        entries.dedup();
        ValueSet(entries.into_boxed_slice())
    }

    #[inline]
    pub(crate) fn contains(&self, text: &str) -> bool {
        self.contains_bytes(text.as_bytes())
    }

    #[inline]
    fn contains_bytes(&self, text: &[u8]) -> bool {
        let key = Key::of(text);
        // Equal keys of strings up to 8 bytes mean equal strings.
        let same = |value: &str| key.len <= 8 || value.as_bytes() == text;
        if self.0.len() <= SCAN_MAX {
            return self.0.iter().any(|(k, v)| *k == key && same(v));
        }
        self.0
            .binary_search_by(|(k, v)| k.cmp(&key).then_with(|| v.as_bytes().cmp(text)))
            .is_ok()
    }

    /// Membership of `text` lowercased, without allocating: the lowercase
    /// form goes to a stack buffer, or is compared char by char if it is long.
    pub(crate) fn contains_lowered(&self, text: &str) -> bool {
        let mut buffer = [0u8; 128];
        if let Some(room) = buffer.get_mut(..text.len()).filter(|_| text.is_ascii()) {
            room.copy_from_slice(text.as_bytes());
            room.make_ascii_lowercase();
            return self.contains_bytes(room);
        }
        let mut len = 0;
        for c in lower(text) {
            let Some(room) = buffer.get_mut(len..len + c.len_utf8()) else {
                return self.0.iter().any(|(_, v)| v.chars().eq(lower(text)));
            };
            c.encode_utf8(room);
            len += c.len_utf8();
        }
        self.contains_bytes(&buffer[..len])
    }
}

/// Per-character Unicode lowercase, the one case folding Halyard uses.
fn lower(s: &str) -> impl DoubleEndedIterator<Item = char> + Clone + '_ {
    s.chars().flat_map(char::to_lowercase)
}

// Case-insensitive operands are lowercased at compile time, so they hold no
// ASCII capitals. An ASCII attribute lowercases byte for byte to ASCII, so
// `eq_ignore_ascii_case` on it is exactly "lowercase, then compare", without
// walking Unicode's case tables.

/// `operand` is already lowercased when `ci`.
pub(crate) fn equals(attr: &str, operand: &str, ci: bool) -> bool {
    if !ci {
        attr == operand
    } else if attr.is_ascii() {
        attr.eq_ignore_ascii_case(operand)
    } else {
        lower(attr).eq(operand.chars())
    }
}

pub(crate) fn starts_with(attr: &str, operand: &str, ci: bool) -> bool {
    if !ci {
        return attr.starts_with(operand);
    }
    if attr.is_ascii() {
        return attr
            .as_bytes()
            .get(..operand.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(operand.as_bytes()));
    }
    let mut chars = lower(attr);
    operand.chars().all(|c| chars.next() == Some(c))
}

pub(crate) fn ends_with(attr: &str, operand: &str, ci: bool) -> bool {
    if !ci {
        return attr.ends_with(operand);
    }
    if attr.is_ascii() {
        let tail = attr.len().checked_sub(operand.len());
        return tail
            .is_some_and(|at| attr.as_bytes()[at..].eq_ignore_ascii_case(operand.as_bytes()));
    }
    let mut chars = lower(attr).rev();
    operand.chars().rev().all(|c| chars.next() == Some(c))
}

pub(crate) fn contains(attr: &str, operand: &str, ci: bool) -> bool {
    if !ci {
        return attr.contains(operand);
    }
    operand.is_empty()
        || attr
            .char_indices()
            .any(|(i, _)| starts_with(&attr[i..], operand, true))
}

/// `s`, lowercased when `ci` (operands are folded once, at compile time).
pub(crate) fn fold(s: &str, ci: bool) -> Box<str> {
    if ci {
        lower(s).collect::<String>().into()
    } else {
        s.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    #[test]
    fn value_sets_sort_dedup_and_search() {
        let set = ValueSet::new(["b", "a", "b", "Å"].map(Box::from));
        assert_eq!(set.0.len(), 3);
        assert!(set.contains("a") && set.contains("Å") && !set.contains("c"));
        let lowered = ValueSet::new(["se", "åland"].map(Box::from));
        assert!(lowered.contains_lowered("SE"));
        assert!(lowered.contains_lowered("ÅLAND"));
        assert!(!lowered.contains_lowered("NO"));
        let long = "x".repeat(200);
        let with_long = ValueSet::new([long.to_uppercase().to_lowercase().into()]);
        assert!(with_long.contains_lowered(&long.to_uppercase()));
        assert!(!with_long.contains_lowered(&long[1..]));
    }

    proptest! {
        // Scanned and searched sets (short, long, shared prefixes, empty,
        // NUL bytes that zero-padding could confuse) agree with a plain set.
        #[test]
        fn membership_equals_a_plain_set(
            values in proptest::collection::vec("(ab|\\x00|é|[a-c]){0,12}", 0..40),
            probes in proptest::collection::vec("(ab|\\x00|é|[a-c]){0,12}", 0..40),
        ) {
            let plain: BTreeSet<&str> = values.iter().map(String::as_str).collect();
            let set = ValueSet::new(values.iter().map(|v| v.as_str().into()));
            for probe in probes.iter().chain(&values) {
                prop_assert_eq!(set.contains(probe), plain.contains(probe.as_str()), "{:?}", probe);
            }
        }
    }

    #[test]
    fn case_insensitive_helpers() {
        assert!(equals("ÆRØ", "ærø", true));
        assert!(!equals("ÆRØ", "ærø", false));
        assert!(starts_with("İstanbul", "i\u{307}st", true));
        assert!(!ends_with("Straße", "sse", true));
        assert!(ends_with("STRAßE", "ße", true));
        assert!(contains("Hello World", "o w", true));
        assert!(contains("abc", "", true));
        assert!(!contains("abc", "abcd", true));
        assert_eq!(&*fold("ÅSE", true), "åse");
        assert_eq!(&*fold("ÅSE", false), "ÅSE");
    }
}
