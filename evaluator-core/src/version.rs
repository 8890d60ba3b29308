//! Semantic versions: strict for what a datafile says, lenient for what a
//! context reports.
//!
//! Both sides become [`semver::Version`]s and compare by SemVer precedence
//! (build metadata ignored).

use semver::Version;
use std::cmp::Ordering;

/// Room for a padded version on the stack; longer input falls back to the heap.
const STACK_CAPACITY: usize = 96;

/// Parses a complete SemVer 2.0 version (`MAJOR.MINOR.PATCH[-pre][+build]`),
/// as minimum versions and semver operands in a datafile must be written.
pub fn parse_strict_semver(text: &str) -> Result<Version, semver::Error> {
    Version::parse(text)
}

/// Parses a version the way apps report them: an optional `v`/`V` prefix and
/// missing minor or patch parts are accepted (`v2.4` and `2.4` are `2.4.0`,
/// `3` is `3.0.0`); anything else must be valid SemVer. `None` when unparseable.
pub fn parse_lenient_semver(text: &str) -> Option<Version> {
    let text = text
        .strip_prefix('v')
        .or_else(|| text.strip_prefix('V'))
        .unwrap_or(text);
    let core_end = text.find(['-', '+']).unwrap_or(text.len());
    let (core, suffix) = text.split_at(core_end);
    let parts = core.split('.').count();
    let missing = match parts {
        1 | 2 => 3 - parts,
        _ => return Version::parse(text).ok(),
    };
    // Pad into a stack buffer so evaluation does not allocate for short versions.
    let padded_len = text.len() + 2 * missing;
    if padded_len > STACK_CAPACITY {
        let mut padded = String::with_capacity(padded_len);
        padded.push_str(core);
        (0..missing).for_each(|_| padded.push_str(".0"));
        padded.push_str(suffix);
        return Version::parse(&padded).ok();
    }
    let mut buf = [0u8; STACK_CAPACITY];
    let mut len = 0;
    for piece in std::iter::once(core)
        .chain(std::iter::repeat_n(".0", missing))
        .chain(std::iter::once(suffix))
    {
        buf[len..len + piece.len()].copy_from_slice(piece.as_bytes());
        len += piece.len();
    }
    std::str::from_utf8(&buf[..len])
        .ok()
        .and_then(|padded| Version::parse(padded).ok())
}

/// SemVer precedence: like `Ord` on versions but ignoring build metadata.
pub(crate) fn compare(a: &Version, b: &Version) -> Ordering {
    a.cmp_precedence(b)
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
        ];
        for (text, expected) in cases {
            assert_eq!(lenient(text).as_deref(), Some(expected), "{text}");
        }
    }

    #[test]
    fn lenient_rejects_garbage() {
        for text in [
            "", "v", "vv1", "1.", "1..2", "a.b.c", "1.2.3.4", "01.2", " 1.2", "1.2 ", "-1",
        ] {
            assert_eq!(lenient(text), None, "{text}");
        }
    }

    #[test]
    fn long_versions_fall_back_to_the_heap() {
        let pre = "x".repeat(STACK_CAPACITY);
        assert_eq!(lenient(&format!("1.2-{pre}")), Some(format!("1.2.0-{pre}")));
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
    fn precedence_ignores_build_metadata() {
        let a = parse_lenient_semver("1.2.3+a").unwrap();
        let b = parse_lenient_semver("1.2.3+b").unwrap();
        assert_eq!(compare(&a, &b), Ordering::Equal);
        let pre = parse_lenient_semver("1.2.3-alpha").unwrap();
        assert_eq!(compare(&pre, &a), Ordering::Less);
        let ten = parse_lenient_semver("1.10").unwrap();
        let nine = parse_lenient_semver("1.9").unwrap();
        assert_eq!(compare(&ten, &nine), Ordering::Greater);
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,30}") {
            let _ = parse_lenient_semver(&s);
        }

        // A short form means the same as the zero-padded strict form.
        #[test]
        fn short_forms_equal_padded(major in 0u64..1000, minor in 0u64..1000) {
            let short = parse_lenient_semver(&format!("v{major}.{minor}"));
            let strict = parse_strict_semver(&format!("{major}.{minor}.0")).ok();
            prop_assert_eq!(short, strict);
        }
    }
}
