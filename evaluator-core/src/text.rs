//! Text comparisons shared by conditions, member lists and overrides.
//!
//! Case-insensitive means per-character Unicode lowercase (`char::to_lowercase`,
//! no locale, no context rules such as final sigma), applied lazily to the
//! attribute so that comparing does not allocate.

/// A sorted, deduplicated set of strings; membership by binary search.
#[derive(Debug, Default)]
pub(crate) struct ValueSet(Box<[Box<str>]>);

impl ValueSet {
    pub(crate) fn new(values: impl IntoIterator<Item = Box<str>>) -> Self {
        let mut values: Vec<Box<str>> = values.into_iter().collect();
        values.sort_unstable();
        values.dedup();
        ValueSet(values.into_boxed_slice())
    }

    #[inline]
    pub(crate) fn contains(&self, text: &str) -> bool {
        self.0.binary_search_by(|v| (**v).cmp(text)).is_ok()
    }

    /// Membership of `text` lowercased, without building the lowercase string.
    /// Char order equals byte order in UTF-8, so the set's sort order holds.
    pub(crate) fn contains_lowered(&self, text: &str) -> bool {
        self.0
            .binary_search_by(|v| v.chars().cmp(lower(text)))
            .is_ok()
    }
}

/// Per-character Unicode lowercase, the one case folding Halyard uses.
fn lower(s: &str) -> impl DoubleEndedIterator<Item = char> + Clone + '_ {
    s.chars().flat_map(char::to_lowercase)
}

/// `operand` is already lowercased when `ci`.
pub(crate) fn equals(attr: &str, operand: &str, ci: bool) -> bool {
    if ci {
        lower(attr).eq(operand.chars())
    } else {
        attr == operand
    }
}

pub(crate) fn starts_with(attr: &str, operand: &str, ci: bool) -> bool {
    if !ci {
        return attr.starts_with(operand);
    }
    let mut chars = lower(attr);
    operand.chars().all(|c| chars.next() == Some(c))
}

pub(crate) fn ends_with(attr: &str, operand: &str, ci: bool) -> bool {
    if !ci {
        return attr.ends_with(operand);
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

    #[test]
    fn value_sets_sort_dedup_and_search() {
        let set = ValueSet::new(["b", "a", "b", "Å"].map(Box::from));
        assert!(set.contains("a") && set.contains("Å") && !set.contains("c"));
        let lowered = ValueSet::new(["se", "åland"].map(Box::from));
        assert!(lowered.contains_lowered("SE"));
        assert!(lowered.contains_lowered("ÅLAND"));
        assert!(!lowered.contains_lowered("NO"));
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
