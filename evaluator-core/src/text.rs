//! Text comparisons shared by conditions, member lists and overrides.
//!
//! Case-insensitive means per-character Unicode lowercase (`char::to_lowercase`,
//! no locale, no context rules such as final sigma; computed by `lowercase.rs`),
//! applied lazily to the attribute so that comparing does not allocate.

use crate::lowercase::lowercase;
use alloc::{boxed::Box, string::String, vec};

/// A set of strings for `in`/`notIn`, member lists and overrides.
///
/// Measured on 2-byte and 18-byte values, half of the probes members: up to
/// about 8 entries a scan of [`Key`]s is fastest (2–7 ns), above it the
/// [`TextIndex`] (9–16 ns at 16 and at 1,000 entries; a binary search took
/// 26–134 ns, std's hash set 5–10 ns).
#[derive(Debug)]
pub(crate) struct ValueSet {
    /// Each text with its [`Key`], for the scan.
    entries: Box<[(Key, Box<str>)]>,
    index: TextIndex,
}

/// Sets up to this size are scanned.
const SCAN_MAX: usize = 8;

/// Length and the first 8 bytes as one word: a comparison is two integer
/// compares, and equal keys of strings up to 8 bytes mean equal strings
/// (countries, plans, short ids never reach `memcmp`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Key {
    len: usize,
    head: u64,
}

impl Key {
    #[inline]
    fn of(bytes: &[u8]) -> Self {
        let head = match bytes.first_chunk::<8>() {
            Some(first) => u64::from_be_bytes(*first),
            None => bytes.iter().fold(0u64, |word, &b| word << 8 | u64::from(b)),
        };
        Key {
            len: bytes.len(),
            head,
        }
    }
}

/// Reads text `i` of what a [`TextIndex`] indexes.
pub(crate) type TextAt<'t> = &'t dyn Fn(u32) -> &'t str;

/// Positions of texts in an open-addressing hash table (linear probing, at
/// most half full, never changed once built): flag keys, audience ids, unique
/// checks and large value sets. The texts stay where they are and are read
/// through a [`TextAt`], so every use shares one table type (std's hash map
/// was 5 KB of WebAssembly per key type).
#[derive(Debug)]
pub(crate) struct TextIndex {
    /// Position + 1 of the text in each slot, 0 when empty; a power of two long.
    slots: Box<[u32]>,
}

impl TextIndex {
    /// Indexes texts `0..count` in order, leaving out repeats; beside it, the
    /// first position that repeats an earlier text, and that earlier position.
    pub(crate) fn new(count: usize, text: TextAt<'_>) -> (Self, Option<(u32, u32)>) {
        let len = count.saturating_mul(2).next_power_of_two().max(4);
        let mut index = TextIndex {
            slots: vec![0; len].into_boxed_slice(),
        };
        let mut repeat = None;
        for i in 0..count as u32 {
            match index.probe(text(i).as_bytes(), text) {
                Ok(first) => {
                    repeat.get_or_insert((i, first));
                }
                Err(slot) => {
                    if let Some(entry) = index.slots.get_mut(slot) {
                        *entry = i + 1;
                    }
                }
            }
        }
        (index, repeat)
    }

    /// The (first) position holding `probe`.
    #[inline]
    pub(crate) fn find(&self, probe: &[u8], text: TextAt<'_>) -> Option<u32> {
        self.probe(probe, text).ok()
    }

    /// `Ok(position)` of `probe`, or `Err(the empty slot it would take)`.
    fn probe(&self, probe: &[u8], text: TextAt<'_>) -> Result<u32, usize> {
        let mask = self.slots.len() - 1;
        let mut slot = hash(probe) as usize & mask;
        // At most half full: an empty slot ends every probe.
        loop {
            match self.slots.get(slot) {
                Some(&0) | None => return Err(slot),
                Some(&entry) if text(entry - 1).as_bytes() == probe => return Ok(entry - 1),
                Some(_) => slot = (slot + 1) & mask,
            }
        }
    }
}

/// A multiply-rotate hash a word at a time (as rustc's FxHash): for strings
/// of a dozen bytes a fraction of SipHash. Tables hold datafile text (trusted
/// input); a crafted attribute can only walk one probe sequence.
fn hash(bytes: &[u8]) -> u64 {
    let mut hash = bytes.len() as u64;
    for chunk in bytes.chunks(8) {
        let word = chunk
            .iter()
            .rev()
            .fold(0u64, |word, &b| word << 8 | u64::from(b));
        hash = (hash.rotate_left(5) ^ word).wrapping_mul(0x517C_C1B7_2722_0A95);
    }
    // The product's high bits are its best mixed; tables index by the low ones.
    hash.rotate_left(26)
}

impl ValueSet {
    pub(crate) fn new(values: impl IntoIterator<Item = Box<str>>) -> Self {
        let entries: Box<[(Key, Box<str>)]> = values
            .into_iter()
            .map(|v| (Key::of(v.as_bytes()), v))
            .collect();
        let (index, _) = TextIndex::new(entries.len(), &|i| text_at(&entries, i));
        ValueSet { entries, index }
    }

    #[inline]
    pub(crate) fn contains(&self, text: &str) -> bool {
        self.contains_bytes(text.as_bytes())
    }

    #[inline]
    fn contains_bytes(&self, text: &[u8]) -> bool {
        let entries = &self.entries;
        if entries.len() > SCAN_MAX {
            return self.index.find(text, &|i| text_at(entries, i)).is_some();
        }
        let key = Key::of(text);
        entries
            .iter()
            .any(|(k, t)| *k == key && (key.len <= 8 || t.as_bytes() == text))
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
                return self
                    .entries
                    .iter()
                    .any(|(_, v)| is_lowered(text, v.as_bytes()));
            };
            c.encode_utf8(room);
            len += c.len_utf8();
        }
        self.contains_bytes(buffer.get(..len).unwrap_or_default())
    }
}

/// Text `i` of a set's entries (empty past the end, which indexes never reach).
fn text_at(entries: &[(Key, Box<str>)], i: u32) -> &str {
    field_at(entries, i, |(_, t)| t)
}

/// `field` of `items[i]`; empty past the end, which indexes never reach.
pub(crate) fn field_at<T>(items: &[T], i: u32, field: impl Fn(&T) -> &str) -> &str {
    items.get(i as usize).map_or("", field)
}

/// Whether `bytes` is the UTF-8 of `text` lowercased.
fn is_lowered(text: &str, mut bytes: &[u8]) -> bool {
    for c in lower(text) {
        let mut utf8 = [0u8; 4];
        match bytes.strip_prefix(c.encode_utf8(&mut utf8).as_bytes()) {
            Some(rest) => bytes = rest,
            None => return false,
        }
    }
    bytes.is_empty()
}

/// Per-character Unicode lowercase, the one case folding Halyard uses.
fn lower(s: &str) -> impl DoubleEndedIterator<Item = char> + Clone + '_ {
    s.chars().flat_map(|c| {
        let (first, second) = lowercase(c);
        core::iter::once(first).chain(second)
    })
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
        // A plain scan: `str::contains` brings a two-way searcher (3 KB of
        // WebAssembly) that only pays on long texts. UTF-8 matches byte-wise.
        let needle = operand.as_bytes();
        return needle.is_empty() || attr.as_bytes().windows(needle.len()).any(|w| w == needle);
    }
    // Every suffix of `attr` that starts at a character.
    let mut rest = attr.chars();
    loop {
        if starts_with(rest.as_str(), operand, true) {
            return true;
        }
        if rest.next().is_none() {
            return false;
        }
    }
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
    fn value_sets_scan_and_search() {
        let set = ValueSet::new(["b", "a", "b", "Å"].map(Box::from));
        assert!(set.contains("a") && set.contains("Å") && !set.contains("c"));
        let lowered = ValueSet::new(["se", "åland"].map(Box::from));
        assert!(lowered.contains_lowered("SE"));
        assert!(lowered.contains_lowered("ÅLAND"));
        assert!(!lowered.contains_lowered("NO"));
        let long = "x".repeat(200);
        let with_long = ValueSet::new([long.to_uppercase().to_lowercase().into()]);
        assert!(with_long.contains_lowered(&long.to_uppercase()));
        assert!(!with_long.contains_lowered(&long[1..]));
        // A searched set, probed with short, non-ASCII and over-long text.
        let many: Vec<String> = (0..20).map(|i| format!("v{i}-å")).chain([long]).collect();
        let searched = ValueSet::new(many.iter().map(|v| v.as_str().into()));
        assert!(searched.entries.len() > SCAN_MAX);
        for value in &many {
            assert!(searched.contains(value) && searched.contains_lowered(&value.to_uppercase()));
            assert!(!searched.contains_lowered(&format!("{}X", value.to_uppercase())));
        }
    }

    #[test]
    fn text_index_finds_first_positions_and_repeats() {
        let texts = ["b", "a", "long-text-1", "b", "", "long-text-0", "a"];
        let at = |i| field_at(&texts, i, |t| t);
        let (index, repeat) = TextIndex::new(texts.len(), &at);
        assert_eq!(index.find(b"b", &at), Some(0));
        assert_eq!(index.find(b"a", &at), Some(1));
        assert_eq!(index.find(b"long-text-0", &at), Some(5));
        assert_eq!(index.find(b"", &at), Some(4));
        assert_eq!(index.find(b"long-text-2", &at), None);
        assert_eq!(repeat, Some((3, 0)));
        assert_eq!(TextIndex::new(2, &at).1, None);
        assert_eq!(TextIndex::new(0, &at).0.find(b"a", &at), None);
    }

    proptest! {
        #[test]
        fn contains_is_str_contains(text in "[aé\\x00b]{0,12}", needle in "[aé\\x00b]{0,4}") {
            prop_assert_eq!(contains(&text, &needle, false), text.contains(needle.as_str()));
        }

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
