//! Semantic versions (SemVer 2.0): strict for what a datafile says, lenient
//! for what a context reports, compared by SemVer precedence (build metadata
//! ignored).
//!
//! Written here rather than taken from a crate: the crate's parser, error
//! formatting and identifier types were a tenth of the WebAssembly module.
//! Tests check parsing and precedence against the `semver` crate.

use alloc::boxed::Box;
use core::cmp::Ordering;
use core::fmt;

/// A semantic version: `MAJOR.MINOR.PATCH[-pre][+build]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    /// Major version.
    pub major: u64,
    /// Minor version.
    pub minor: u64,
    /// Patch version.
    pub patch: u64,
    /// Pre-release identifiers without the `-` (`rc.1`); empty when none.
    pub pre: Box<str>,
    /// Build metadata without the `+`; empty when none.
    pub build: Box<str>,
}

/// Why a text is not a semantic version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum VersionError {
    /// Not `MAJOR.MINOR.PATCH` before the pre-release and build parts.
    #[error("expected MAJOR.MINOR.PATCH")]
    Shape,
    /// A version number is not made of decimal digits.
    #[error("{0} version is not a number")]
    NotANumber(&'static str),
    /// A number (version or numeric pre-release identifier) starts with 0.
    #[error("{0} has a leading zero")]
    LeadingZero(&'static str),
    /// A version number does not fit 64 bits.
    #[error("{0} version exceeds u64::MAX")]
    TooLarge(&'static str),
    /// An identifier is empty or holds something other than ASCII letters,
    /// digits and `-`.
    #[error("{0} identifiers must be non-empty ASCII letters, digits or hyphens")]
    Identifier(&'static str),
}

/// Parses a complete SemVer 2.0 version (`MAJOR.MINOR.PATCH[-pre][+build]`),
/// as minimum versions and semver operands in a datafile must be written.
pub fn parse_strict_semver(text: &str) -> Result<Version, VersionError> {
    parse(text, 3).map(|v| v.to_owned())
}

/// Parses a version the way apps report them: an optional `v`/`V` prefix and
/// missing minor or patch parts are accepted (`v2.4` and `2.4` are `2.4.0`,
/// `3` is `3.0.0`); anything else must be valid SemVer. `None` when unparseable.
pub fn parse_lenient_semver(text: &str) -> Option<Version> {
    parse_lenient(text).map(|v| v.to_owned())
}

/// SemVer precedence of a version reported as `text` (parsed leniently)
/// against `b`, without allocating; `None` when `text` is no version.
pub(crate) fn compare_text(text: &str, b: &Version) -> Option<Ordering> {
    parse_lenient(text).map(|a| a.compare(b))
}

/// SemVer precedence: like `Ord` on versions but ignoring build metadata.
#[cfg(test)]
fn compare(a: &Version, b: &Version) -> Ordering {
    a.as_parts().compare(b)
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)?;
        if !self.pre.is_empty() {
            write!(f, "-{}", self.pre)?;
        }
        if !self.build.is_empty() {
            write!(f, "+{}", self.build)?;
        }
        Ok(())
    }
}

impl Version {
    fn as_parts(&self) -> Parts<'_> {
        Parts {
            numbers: [self.major, self.minor, self.patch],
            pre: &self.pre,
            build: &self.build,
        }
    }
}

/// A version borrowing its identifiers from the parsed text (no allocation,
/// nothing to drop: evaluation keeps the context's `appVersion` in this form).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Parts<'a> {
    numbers: [u64; 3],
    pre: &'a str,
    build: &'a str,
}

impl Parts<'_> {
    fn to_owned(self) -> Version {
        let [major, minor, patch] = self.numbers;
        Version {
            major,
            minor,
            patch,
            pre: self.pre.into(),
            build: self.build.into(),
        }
    }

    /// The version numbers alone (no pre-release, no build metadata).
    pub(crate) fn numbers_only(self) -> Parts<'static> {
        Parts {
            numbers: self.numbers,
            pre: "",
            build: "",
        }
    }

    /// SemVer precedence of `self` against `other`.
    pub(crate) fn compare(&self, other: &Version) -> Ordering {
        self.precedence(&other.as_parts())
    }

    /// SemVer §11: numbers, then a release above any of its pre-releases,
    /// then pre-release identifiers left to right (numeric ones by value and
    /// below alphanumeric ones, those in ASCII order; more identifiers win a tie).
    fn precedence(&self, other: &Parts<'_>) -> Ordering {
        let by_release = self.pre.is_empty().cmp(&other.pre.is_empty());
        self.numbers
            .cmp(&other.numbers)
            .then(by_release)
            .then_with(|| {
                if self.pre.is_empty() {
                    return Ordering::Equal;
                }
                let ids = |pre| str::split(pre, '.').map(identifier_key);
                ids(self.pre).cmp(ids(other.pre))
            })
    }
}

/// Orders pre-release identifiers: numeric ones (no leading zeros, so longer
/// is larger) below alphanumeric ones, then by their bytes.
fn identifier_key(id: &str) -> (bool, usize, &[u8]) {
    let numeric = is_numeric(id);
    (!numeric, if numeric { id.len() } else { 0 }, id.as_bytes())
}

/// `text` read leniently (see [`parse_lenient_semver`]), borrowing from it.
pub(crate) fn parse_lenient(text: &str) -> Option<Parts<'_>> {
    parse(text.strip_prefix(['v', 'V']).unwrap_or(text), 1).ok()
}

/// Parses `MAJOR[.MINOR[.PATCH]][-pre][+build]` with at least `min_parts`
/// numbers; missing ones are 0.
fn parse(text: &str, min_parts: usize) -> Result<Parts<'_>, VersionError> {
    // The core holds no `-` or `+`, and the pre-release no `+`.
    let (rest, build) = split(text, b'+');
    let (core, pre) = split(rest, b'-');
    check_identifiers(pre, "pre-release", true)?;
    check_identifiers(build, "build metadata", false)?;
    // Dot-separated numbers, left to right (the first bad one is the error);
    // a byte scan, not `str::split`: evaluation parses every context's version.
    let mut numbers = [0; 3];
    let mut count = 0;
    let mut rest = Some(core);
    while let Some(text) = rest {
        let (part, next) = split(text, b'.');
        let (Some(number), Some(name)) = (numbers.get_mut(count), NUMBER_NAMES.get(count)) else {
            return Err(VersionError::Shape);
        };
        *number = parse_number(part, name)?;
        count += 1;
        rest = next;
    }
    if count < min_parts {
        return Err(VersionError::Shape);
    }
    Ok(Parts {
        numbers,
        pre: pre.unwrap_or(""),
        build: build.unwrap_or(""),
    })
}

/// `text` before and after the first `separator` (ASCII), if there is one.
/// A byte scan: versions are short, and `split_once` runs a searcher.
fn split(text: &str, separator: u8) -> (&str, Option<&str>) {
    match text.bytes().position(|b| b == separator) {
        Some(at) => (text.get(..at).unwrap_or(text), text.get(at + 1..)),
        None => (text, None),
    }
}

const NUMBER_NAMES: [&str; 3] = ["major", "minor", "patch"];

/// A version number; errors in this order: not digits, leading zero, too large.
fn parse_number(text: &str, name: &'static str) -> Result<u64, VersionError> {
    let mut value = Some(0u64);
    for digit in text.bytes() {
        if !digit.is_ascii_digit() {
            return Err(VersionError::NotANumber(name));
        }
        value = value.and_then(|n| n.checked_mul(10)?.checked_add(u64::from(digit - b'0')));
    }
    if text.is_empty() {
        return Err(VersionError::NotANumber(name));
    }
    if text.len() > 1 && text.starts_with('0') {
        return Err(VersionError::LeadingZero(name));
    }
    value.ok_or(VersionError::TooLarge(name))
}

/// Dot-separated identifiers of `[0-9A-Za-z-]`, when present; numeric ones
/// without leading zeros when `numbers_canonical` (pre-release, not build).
fn check_identifiers(
    text: Option<&str>,
    what: &'static str,
    numbers_canonical: bool,
) -> Result<(), VersionError> {
    let Some(text) = text else { return Ok(()) };
    for id in text.split('.') {
        if id.is_empty() || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return Err(VersionError::Identifier(what));
        }
        if numbers_canonical && is_numeric(id) && id.len() > 1 && id.starts_with('0') {
            return Err(VersionError::LeadingZero(what));
        }
    }
    Ok(())
}

fn is_numeric(id: &str) -> bool {
    !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn lenient(text: &str) -> Option<String> {
        parse_lenient_semver(text).map(|v| v.to_string())
    }

    #[test]
    fn lenient_accepts_prefixes_and_short_forms() {
        let cases = [
            ("2.4.1", "2.4.1"),
            ("v2.4", "2.4.0"),
            ("V2.4", "2.4.0"),
            ("2.4", "2.4.0"),
            ("3", "3.0.0"),
            ("v1-beta.1", "1.0.0-beta.1"),
            ("1.2+build.5", "1.2.0+build.5"),
            ("1.2.3-rc.1+b", "1.2.3-rc.1+b"),
            ("1.2.3-rc-1+b-2.007", "1.2.3-rc-1+b-2.007"),
        ];
        for (text, expected) in cases {
            assert_eq!(lenient(text).as_deref(), Some(expected), "{text}");
        }
    }

    #[test]
    fn lenient_rejects_garbage() {
        for text in [
            "", "v", "vv1", "1.", "1..2", "a.b.c", "1.2.3.4", "01.2", " 1.2", "1.2 ", "-1", "1-",
            "1+", "1-a..b", "1-01", "1+a+b", "1-ä",
        ] {
            assert_eq!(lenient(text), None, "{text}");
        }
    }

    #[test]
    fn strict_requires_three_parts() {
        assert!(parse_strict_semver("2.4.0").is_ok());
        assert!(parse_strict_semver("2.4.0-beta+7").is_ok());
        for bad in ["2.4", "v2.4.0", "2", "2.4.x"] {
            assert!(parse_strict_semver(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn errors_say_what_is_wrong() {
        let error = |text| parse_strict_semver(text).unwrap_err().to_string();
        assert_eq!(error("2.4"), "expected MAJOR.MINOR.PATCH");
        assert_eq!(error("2.x.0"), "minor version is not a number");
        assert_eq!(error("2.4.01"), "patch has a leading zero");
        assert_eq!(
            error("18446744073709551616.0.0"),
            "major version exceeds u64::MAX"
        );
        assert_eq!(error("1.0.0-rc.01"), "pre-release has a leading zero");
        assert_eq!(
            error("1.0.0+a..b"),
            "build metadata identifiers must be non-empty ASCII letters, digits or hyphens"
        );
    }

    #[test]
    fn precedence_ignores_build_metadata() {
        let a = parse_lenient_semver("1.2.3+a").unwrap();
        let b = parse_lenient_semver("1.2.3+b").unwrap();
        assert_eq!(compare(&a, &b), Ordering::Equal);
        let pre = parse_lenient_semver("1.2.3-alpha").unwrap();
        assert_eq!(compare(&pre, &a), Ordering::Less);
        let ten = parse_lenient_semver("1.10").unwrap();
        let nine = parse_lenient_semver("1.9").unwrap();
        assert_eq!(compare(&ten, &nine), Ordering::Greater);
        assert_eq!(compare_text("v1.2.3-alpha", &a), Some(Ordering::Less));
        assert_eq!(compare_text("1.2.x", &a), None);
    }

    /// What the `semver` crate makes of `text` read leniently: the short
    /// forms padded with `.0`, as this module did when it used the crate.
    fn oracle_lenient(text: &str) -> Option<semver::Version> {
        let text = text.strip_prefix(['v', 'V']).unwrap_or(text);
        let core_end = text.find(['-', '+']).unwrap_or(text.len());
        let (core, suffix) = text.split_at(core_end);
        let padding = 3usize.saturating_sub(core.split('.').count());
        semver::Version::parse(&format!("{core}{}{suffix}", ".0".repeat(padding))).ok()
    }

    fn same(ours: Option<&Version>, oracle: Option<&semver::Version>) -> bool {
        ours.map(Version::to_string) == oracle.map(semver::Version::to_string)
    }

    /// Version-like text: numbers near the edges, identifiers with leading
    /// zeros, hyphens, empty segments and stray characters.
    fn version_text(numbers: std::ops::Range<usize>) -> impl Strategy<Value = String> {
        let number = prop_oneof![
            2 => Just("0".to_string()),
            4 => "[1-9][0-9]{0,2}",
            1 => "0[0-9]",
            1 => Just("18446744073709551615".to_string()),
            1 => Just("18446744073709551616".to_string()),
            1 => Just(String::new()),
        ];
        let ident = "(0|[1-9][0-9]?|0[0-9]|[a-zA-Z-]{1,3}|[0-9a-zA-Z-]{0,4}|x\\.|ä)";
        (
            "[vV ]?",
            proptest::collection::vec(number, numbers),
            proptest::option::of(proptest::collection::vec(ident, 1..4)),
            proptest::option::of(proptest::collection::vec(ident, 1..3)),
            "( |\\+|-|)?",
        )
            .prop_map(|(prefix, numbers, pre, build, tail)| {
                let mut text = prefix + &numbers.join(".");
                if let Some(pre) = pre {
                    text = text + "-" + &pre.join(".");
                }
                if let Some(build) = build {
                    text = text + "+" + &build.join(".");
                }
                text + &tail
            })
    }

    /// Versions with mostly equal numbers, so that pre-release identifiers decide.
    const COMPARABLE: &str = "v?[01]\\.[01](\\.[01])?(-(0|1|10|2|a|b|al|a1|-)(\\.(0|1|10|2|a|b|al|a1|-)){0,2})?(\\+[a-z0-9]{1,3})?";

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4096))]

        #[test]
        fn strict_parses_like_the_semver_crate(text in version_text(2..5)) {
            let ours = parse_strict_semver(&text).ok();
            let oracle = semver::Version::parse(&text).ok();
            prop_assert!(same(ours.as_ref(), oracle.as_ref()), "{:?}: {:?} vs {:?}", text, ours, oracle);
        }

        #[test]
        fn lenient_parses_like_the_padded_semver_crate(text in version_text(1..5)) {
            let ours = parse_lenient_semver(&text);
            let oracle = oracle_lenient(&text);
            prop_assert!(same(ours.as_ref(), oracle.as_ref()), "{:?}: {:?} vs {:?}", text, ours, oracle);
        }

        #[test]
        fn precedence_is_the_semver_crates(a in COMPARABLE, b in COMPARABLE) {
            if let (Some(ours_a), Some(ours_b), Some(oracle_a), Some(oracle_b)) =
                (parse_lenient_semver(&a), parse_lenient_semver(&b), oracle_lenient(&a), oracle_lenient(&b))
            {
                prop_assert_eq!(compare(&ours_a, &ours_b), oracle_a.cmp_precedence(&oracle_b));
                prop_assert_eq!(compare_text(&a, &ours_b), Some(oracle_a.cmp_precedence(&oracle_b)));
            }
        }

        #[test]
        fn never_panics(s in "\\PC{0,30}") {
            prop_assert!(same(parse_lenient_semver(&s).as_ref(), oracle_lenient(&s).as_ref()));
        }
    }
}
