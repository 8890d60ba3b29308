//! A small JSON reader and writer: datafiles and contexts are read here, and
//! the WebAssembly binding writes its JSON answers with it.
//!
//! serde_json's own parser and serializer are generic over serde: in the
//! WebAssembly build they and the derived visitors cost most of the module.
//! The [`Reader`] is a pull reader: the datafile decoder walks objects and
//! arrays with it straight from the text (keys borrowed, no intermediate
//! tree), and [`parse`] builds a [`Value`] with the same walk. Numbers read as
//! serde_json reads them (integers as `u64`/`i64` when they fit, otherwise
//! correctly rounded `f64`, as JavaScript's `JSON.parse` rounds them); a
//! repeated key keeps its last value, as in `JSON.parse`.

use crate::error::DatafileError;
use crate::float::parse_f64;
use alloc::{
    borrow::{Cow, ToOwned},
    string::String,
    vec::Vec,
};
use serde_json::{Map, Number, Value};

mod write;

pub(crate) use write::write_value_exact;
pub use write::{write_integer, write_string, write_value};

/// Deepest nesting accepted: serde_json's limit, so hostile input cannot
/// overflow the stack.
const MAX_DEPTH: usize = 128;

/// |i64::MIN|, the largest magnitude of a negative integer kept exact.
const I64_MIN_MAGNITUDE: u64 = 1 << 63;

/// Parses one JSON document. Errors have an empty path and say where
/// (`EOF while parsing an object at line 1 column 20`).
pub fn parse(text: &str) -> Result<Value, DatafileError> {
    let mut reader = Reader::new(text);
    let value = reader.value()?;
    reader.finish()?;
    Ok(value)
}

/// A position in a JSON text, read token by token.
pub(crate) struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    depth: usize,
}

type Read<T> = Result<T, DatafileError>;

impl<'a> Reader<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        Reader {
            text,
            bytes: text.as_bytes(),
            pos: 0,
            depth: 0,
        }
    }

    /// Checks that only whitespace is left.
    pub(crate) fn finish(&mut self) -> Read<()> {
        match self.peek() {
            Some(_) => Err(self.fail("trailing characters")),
            None => Ok(()),
        }
    }

    /// A syntax error at the current position (1-based line, byte column).
    fn fail(&self, what: &str) -> DatafileError {
        let before = &self.bytes[..self.pos.min(self.bytes.len())];
        let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        DatafileError::new(
            "",
            format_args!("{what} at line {line} column {}", before.len() - line_start),
        )
    }

    /// The next byte after whitespace, not consumed.
    pub(crate) fn peek(&mut self) -> Option<u8> {
        while let Some(b' ' | b'\n' | b'\t' | b'\r') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
        self.bytes.get(self.pos).copied()
    }

    fn eat(&mut self, byte: u8) -> bool {
        let found = self.bytes.get(self.pos) == Some(&byte);
        self.pos += usize::from(found);
        found
    }

    /// Reads any value into a tree.
    pub(crate) fn value(&mut self) -> Read<Value> {
        match self.peek() {
            None => Err(self.fail("EOF while parsing a value")),
            Some(b'{') => {
                let mut map = Map::new();
                self.members(&mut |r, key| {
                    let value = r.value()?;
                    map.insert(key.to_owned(), value);
                    Ok(())
                })?;
                Ok(Value::Object(map))
            }
            Some(b'[') => {
                let mut items = Vec::new();
                self.elements(&mut |r, _| {
                    items.push(r.value()?);
                    Ok(())
                })?;
                Ok(Value::Array(items))
            }
            Some(b'"') => Ok(Value::String(self.string_value()?.into_owned())),
            Some(b't') => self.literal("true", Value::Bool(true)),
            Some(b'f') => self.literal("false", Value::Bool(false)),
            Some(b'n') => self.literal("null", Value::Null),
            Some(b'-' | b'0'..=b'9') => self.number().map(Value::Number),
            Some(_) => Err(self.fail("expected value")),
        }
    }

    /// Steps into the object or array at the current byte.
    fn enter(&mut self) -> Read<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.fail("recursion limit exceeded"));
        }
        self.pos += 1;
        Ok(())
    }

    /// Steps over the closing byte of the object or array being read.
    fn leave(&mut self) {
        self.depth -= 1;
        self.pos += 1;
    }

    /// After `,` or `}`/`]`: whether the container continues (false: left it).
    fn more(&mut self, close: u8, eof: &str, expected: &str) -> Read<bool> {
        match self.peek() {
            Some(b',') => {
                self.pos += 1;
                Ok(true)
            }
            Some(b) if b == close => {
                self.leave();
                Ok(false)
            }
            None => Err(self.fail(eof)),
            Some(_) => Err(self.fail(expected)),
        }
    }

    /// Walks the object at the current byte (a `{`, after [`Self::peek`]):
    /// `each` gets every key and must read its value.
    pub(crate) fn members(
        &mut self,
        each: &mut dyn FnMut(&mut Self, &str) -> Read<()>,
    ) -> Read<()> {
        const EOF: &str = "EOF while parsing an object";
        self.enter()?;
        if self.peek() == Some(b'}') {
            self.leave();
            return Ok(());
        }
        loop {
            match self.peek() {
                Some(b'"') => self.pos += 1,
                None => return Err(self.fail(EOF)),
                Some(_) => return Err(self.fail("key must be a string")),
            }
            let key = self.string()?;
            match self.peek() {
                Some(b':') => self.pos += 1,
                None => return Err(self.fail(EOF)),
                Some(_) => return Err(self.fail("expected `:`")),
            }
            each(self, &key)?;
            if !self.more(b'}', EOF, "expected `,` or `}`")? {
                return Ok(());
            }
        }
    }

    /// Walks the array at the current byte (a `[`, after [`Self::peek`]):
    /// `each` gets every index and must read the element.
    pub(crate) fn elements(
        &mut self,
        each: &mut dyn FnMut(&mut Self, usize) -> Read<()>,
    ) -> Read<()> {
        const EOF: &str = "EOF while parsing a list";
        self.enter()?;
        if self.peek() == Some(b']') {
            self.leave();
            return Ok(());
        }
        for index in 0.. {
            each(self, index)?;
            if !self.more(b']', EOF, "expected `,` or `]`")? {
                break;
            }
        }
        Ok(())
    }

    fn literal(&mut self, word: &str, value: Value) -> Read<Value> {
        if self.bytes[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(value)
        } else {
            Err(self.fail("expected value"))
        }
    }

    /// The string at the current byte (a `"`, after [`Self::peek`]).
    pub(crate) fn string_value(&mut self) -> Read<Cow<'a, str>> {
        self.pos += 1;
        self.string()
    }

    /// The rest of a string whose opening quote was consumed: borrowed from
    /// the text unless it has escapes.
    fn string(&mut self) -> Read<Cow<'a, str>> {
        let start = self.pos;
        self.pos += plain_len(&self.bytes[start..]);
        // Stops only at ASCII bytes, so slices fall on char boundaries.
        let plain = self.text.get(start..self.pos).unwrap_or_default();
        if self.eat(b'"') {
            return Ok(Cow::Borrowed(plain));
        }
        self.escaped_string(plain.to_owned()).map(Cow::Owned)
    }

    /// The rest of a string that continues `out` at an escape or a bad byte.
    #[inline(never)]
    fn escaped_string(&mut self, mut out: String) -> Read<String> {
        loop {
            match self.bytes.get(self.pos) {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.pos += 1;
                    out.push(self.escape()?);
                }
                Some(_) => {
                    return Err(self
                        .fail("control character (\\u0000-\\u001F) found while parsing a string"))
                }
                None => return Err(self.fail("EOF while parsing a string")),
            }
            let start = self.pos;
            self.pos += plain_len(&self.bytes[start..]);
            out.push_str(self.text.get(start..self.pos).unwrap_or_default());
        }
    }

    fn escape(&mut self) -> Read<char> {
        let byte = self.bytes.get(self.pos).copied();
        self.pos += 1;
        Ok(match byte {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                let high = self.hex4()?;
                let code = match high {
                    0xD800..=0xDBFF => {
                        let low = match self.eat(b'\\') && self.eat(b'u') {
                            true => self.hex4()?,
                            false => 0,
                        };
                        if !(0xDC00..=0xDFFF).contains(&low) {
                            return Err(self.fail("lone leading surrogate in hex escape"));
                        }
                        0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
                    }
                    0xDC00..=0xDFFF => {
                        return Err(self.fail("lone trailing surrogate in hex escape"))
                    }
                    _ => high,
                };
                char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER)
            }
            None => return Err(self.fail("EOF while parsing a string")),
            Some(_) => return Err(self.fail("invalid escape")),
        })
    }

    fn hex4(&mut self) -> Read<u32> {
        let mut code = 0;
        for _ in 0..4 {
            let digit = self
                .bytes
                .get(self.pos)
                .and_then(|&b| char::from(b).to_digit(16));
            code = code * 16 + digit.ok_or_else(|| self.fail("invalid escape"))?;
            self.pos += 1;
        }
        Ok(code)
    }

    /// Digits consumed.
    fn digits(&mut self) -> usize {
        let start = self.pos;
        while self.bytes.get(self.pos).is_some_and(u8::is_ascii_digit) {
            self.pos += 1;
        }
        self.pos - start
    }

    /// The number at the current byte (`-` or a digit, after [`Self::peek`]).
    pub(crate) fn number(&mut self) -> Read<Number> {
        let start = self.pos;
        let negative = self.eat(b'-');
        let leading_zero = self.eat(b'0');
        if (leading_zero && self.digits() > 0) || (!leading_zero && self.digits() == 0) {
            return Err(self.fail("invalid number"));
        }
        let mut integer = true;
        if self.eat(b'.') {
            integer = false;
            if self.digits() == 0 {
                return Err(self.fail("invalid number"));
            }
        }
        if self.eat(b'e') || self.eat(b'E') {
            integer = false;
            let _ = self.eat(b'+') || self.eat(b'-');
            if self.digits() == 0 {
                return Err(self.fail("invalid number"));
            }
        }
        let text = self.text.get(start..self.pos).unwrap_or_default();
        // Integers stay exact when they fit; `-0` is the float -0, as in serde_json.
        if integer {
            let mut digits = text.bytes().skip(usize::from(negative));
            let magnitude = digits.try_fold(0u64, |n, d| {
                n.checked_mul(10)?.checked_add(u64::from(d - b'0'))
            });
            match (magnitude, negative) {
                (Some(n), false) => return Ok(n.into()),
                (Some(n @ 1..=I64_MIN_MAGNITUDE), true) => {
                    return Ok(0i64.wrapping_sub_unsigned(n).into())
                }
                _ => {}
            }
        }
        let float = parse_f64(text).and_then(Number::from_f64);
        float.ok_or_else(|| self.fail("number out of range"))
    }
}

/// How many leading bytes of `bytes` need no attention inside a string
/// (none is `"`, `\\` or a control character), eight bytes at a time.
fn plain_len(bytes: &[u8]) -> usize {
    const ONES: u64 = u64::MAX / 255;
    const HIGH: u64 = ONES * 0x80;
    // The high bit of each byte that is zero in `x`; exact for the lowest one.
    let zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    let mut words = bytes.chunks_exact(8);
    let mut len = 0;
    for word in words.by_ref() {
        let mut eight = [0; 8];
        eight.copy_from_slice(word);
        let w = u64::from_le_bytes(eight);
        let below_space = w.wrapping_sub(ONES * 0x20) & !w & HIGH;
        let found = zero(w ^ (ONES * 0x22)) | zero(w ^ (ONES * 0x5c)) | below_space;
        if found != 0 {
            return len + found.trailing_zeros() as usize / 8;
        }
        len += 8;
    }
    let tail = words.remainder();
    len + tail
        .iter()
        .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
        .unwrap_or(tail.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn error(text: &str) -> String {
        parse(text).unwrap_err().message
    }

    #[test]
    fn reads_what_serde_json_reads() {
        let text = r#" {"a": [1, -2, 1.5, -0, 1e2, 18446744073709551615, 18446744073709551616,
            -9223372036854775808, 123456789012345680000, "x\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00y",
            true, false, null, {}, []], "b": {"c": "é"}, "a": 2} "#;
        assert_eq!(
            parse(text).unwrap(),
            serde_json::from_str::<Value>(text).unwrap()
        );
        assert_eq!(
            parse("9007199254740993").unwrap(),
            json!(9_007_199_254_740_993u64)
        );
        assert_eq!(
            parse("9007199254740993.0").unwrap().as_f64(),
            Some(9_007_199_254_740_992.0)
        );
    }

    #[test]
    fn rejects_what_json_rejects() {
        assert_eq!(
            error("{\"schemaVersion\": 1,"),
            "EOF while parsing an object at line 1 column 20"
        );
        assert_eq!(error("{} x"), "trailing characters at line 1 column 3");
        assert_eq!(error("[1,\n  x]"), "expected value at line 2 column 2");
        for bad in [
            "",
            "01",
            "1.",
            "-",
            ".5",
            "+1",
            "1e",
            "[1,]",
            "{\"a\" 1}",
            "{1: 2}",
            "\"\\x\"",
            "\"\u{1}\"",
            "\"\\ud800\"",
            "\"\\udc00\"",
            "tru",
            "nul",
            "1e400",
            "[1 2]",
            "\"abc",
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
            assert!(serde_json::from_str::<Value>(bad).is_err(), "{bad:?}");
        }
        let deep = "[".repeat(129) + &"]".repeat(129);
        assert!(error(&deep).starts_with("recursion limit exceeded"));
        let ok = "[".repeat(128) + &"]".repeat(128);
        assert!(parse(&ok).is_ok());
    }

    #[test]
    fn borrows_plain_strings_and_unescapes_the_rest() {
        fn read(text: &str) -> Read<Cow<'_, str>> {
            Reader::new(text).string_value()
        }
        assert!(matches!(
            read(r#""plain é text""#),
            Ok(Cow::Borrowed("plain é text"))
        ));
        for (text, expected) in [
            (r#""\n""#, "\n"),
            (r#""\\ab""#, "\\ab"),
            (r#""ab\/""#, "ab/"),
            (r#""a\tb\u0041c""#, "a\tbAc"),
            (
                r#""\u00e9 and \ud83d\ude00, then a long tail past eight bytes""#,
                "é and 😀, then a long tail past eight bytes",
            ),
            (r#""\uD834\uDD1E""#, "𝄞"),
        ] {
            assert_eq!(read(text).unwrap(), expected, "{text}");
            assert!(matches!(read(text), Ok(Cow::Owned(_))), "{text}");
        }
        assert_eq!(
            error(r#""\ud83d""#),
            "lone leading surrogate in hex escape at line 1 column 7"
        );
        assert_eq!(
            error(r#""\ud83d\u0041""#),
            "lone leading surrogate in hex escape at line 1 column 13"
        );
        assert_eq!(
            error(r#""\ude00x""#),
            "lone trailing surrogate in hex escape at line 1 column 7"
        );
        assert_eq!(error(r#""\u12g4""#), "invalid escape at line 1 column 5");
        assert_eq!(
            error("\"ab\\"),
            "EOF while parsing a string at line 1 column 4"
        );
        assert_eq!(
            error("\"abcdefghij\u{1}\""),
            "control character (\\u0000-\\u001F) found while parsing a string at line 1 column 11"
        );
    }

    /// The byte-at-a-time definition `plain_len` must agree with.
    fn plain_len_by_bytes(bytes: &[u8]) -> usize {
        let special = |b: &u8| matches!(b, b'"' | b'\\' | 0..=0x1f);
        bytes.iter().position(special).unwrap_or(bytes.len())
    }

    #[test]
    fn finds_the_first_special_byte_at_every_offset() {
        for len in 0..20 {
            for special in [b'"', b'\\', 0, 0x1f] {
                for at in 0..=len {
                    // Bytes next to the specials in value: space, 0x7f, UTF-8 continuation bytes.
                    let mut bytes: Vec<u8> = (0..len)
                        .map(|i| [b' ', 0x7f, 0x80, 0xff, b'!', b']'][i % 6])
                        .collect();
                    if at < len {
                        bytes[at] = special;
                    }
                    assert_eq!(plain_len(&bytes), plain_len_by_bytes(&bytes), "{bytes:?}");
                }
            }
        }
    }

    #[test]
    fn nests_objects_and_arrays_to_the_limit() {
        let deep = |n: usize| "{\"a\":[".repeat(n / 2) + &"]}".repeat(n / 2);
        assert!(parse(&deep(128)).is_ok());
        assert_eq!(
            error(&deep(130)),
            "recursion limit exceeded at line 1 column 384"
        );
        // Leaving a container gives its level back.
        let wide = "[".to_owned() + &vec![deep(126); 3].join(",") + "]";
        assert!(parse(&wide).is_ok());
    }

    #[test]
    fn numbers_at_the_integer_boundaries() {
        for (text, expected) in [
            ("18446744073709551615", json!(u64::MAX)),
            ("18446744073709551616", json!(18_446_744_073_709_551_616.0)),
            ("-9223372036854775808", json!(i64::MIN)),
            ("-9223372036854775809", json!(-9_223_372_036_854_775_809.0)),
            ("9223372036854775808", json!(9_223_372_036_854_775_808u64)),
            ("-0", json!(-0.0)),
            ("-0.0", json!(-0.0)),
            ("0", json!(0)),
            ("1e0", json!(1.0)),
            ("1.7976931348623157e308", json!(f64::MAX)),
        ] {
            let value = parse(text).unwrap();
            assert_eq!(value, expected, "{text}");
            assert_eq!(
                value,
                serde_json::from_str::<Value>(text).unwrap(),
                "{text}"
            );
        }
        assert_eq!(error("1.8e308"), "number out of range at line 1 column 7");
    }

    #[test]
    fn a_repeated_key_keeps_its_last_value() {
        assert_eq!(
            parse(r#"{"a": 1, "b": 2, "a": [3]}"#).unwrap(),
            json!({ "a": [3], "b": 2 })
        );
    }

    #[test]
    fn writes_floats_that_read_back_as_floats() {
        let value = json!([2.0, -0.0, 1e21, 0.1, 1, -1, u64::MAX, i64::MIN, { "k": 5e-324 }]);
        let mut out = String::new();
        write_value_exact(&mut out, &value);
        assert_eq!(
            out,
            r#"[2.0,-0.0,1e21,0.1,1,-1,18446744073709551615,-9223372036854775808,{"k":5e-324}]"#
        );
        let back = parse(&out).unwrap();
        assert_eq!(back, value);
        assert!(back[0].is_f64() && back[4].is_u64());
    }

    #[test]
    fn writes_compact_json() {
        let value = json!({ "s": "a\"\\\n\u{1}é", "n": [0, -5, 1.5, 1e21, 18446744073709551615u64], "b": [true, false, null] });
        let mut out = String::new();
        write_value(&mut out, &value);
        assert_eq!(
            out,
            r#"{"b":[true,false,null],"n":[0,-5,1.5,1e+21,18446744073709551615],"s":"a\"\\\n\u0001é"}"#
        );
        assert_eq!(serde_json::from_str::<Value>(&out).unwrap(), value);
    }

    fn arbitrary_json() -> impl Strategy<Value = Value> {
        let scalar = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            "\\PC{0,8}".prop_map(Value::from),
        ];
        scalar.prop_recursive(4, 32, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                proptest::collection::btree_map("\\PC{0,4}", inner, 0..4)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    /// `value` with every number as an f64 (and -0 as 0).
    fn as_floats(value: Value) -> Value {
        match value {
            Value::Number(n) => Value::from(n.as_f64().unwrap() + 0.0),
            Value::Array(items) => Value::Array(items.into_iter().map(as_floats).collect()),
            Value::Object(map) => {
                Value::Object(map.into_iter().map(|(k, v)| (k, as_floats(v))).collect())
            }
            other => other,
        }
    }

    proptest! {
        #[test]
        fn round_trips_with_serde_json(value in arbitrary_json(), pretty in any::<bool>()) {
            let text = if pretty { serde_json::to_string_pretty(&value).unwrap() } else { value.to_string() };
            prop_assert_eq!(&parse(&text).unwrap(), &value);
            let mut out = String::new();
            write_value(&mut out, &value);
            // Floats are written as JavaScript writes them (`2.0` as `2`, -0 as `0`).
            prop_assert_eq!(as_floats(serde_json::from_str(&out).unwrap()), as_floats(value));
        }

        #[test]
        fn exact_text_reads_back_as_the_same_value(value in arbitrary_json()) {
            let mut out = String::new();
            write_value_exact(&mut out, &value);
            // Value equality tells 2 from 2.0.
            prop_assert_eq!(parse(&out).unwrap(), value);
        }

        #[test]
        fn plain_len_agrees_with_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..40)) {
            prop_assert_eq!(plain_len(&bytes), plain_len_by_bytes(&bytes));
        }

        #[test]
        fn accepts_exactly_what_serde_json_accepts(text in "[-0-9.eE+\\[\\]{}\":, a-z\\\\]{0,12}") {
            prop_assert_eq!(parse(&text).ok(), serde_json::from_str::<Value>(&text).ok(), "{:?}", text);
        }
    }
}
