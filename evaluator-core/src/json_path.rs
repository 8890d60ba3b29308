//! Names the JSON path of a structural (serde) error from its position.
//!
//! `serde_path_to_error` would track the path while parsing, but it wraps
//! every deserializer: in the WebAssembly build that cost 41 KB of code
//! (11 KB gzip, measured on the whole module). serde_json already reports
//! where it stopped, and its positions are precise enough to name the field:
//! - a bad scalar (wrong type, unknown variant) stops right after the value,
//!   so its key is still the current one: `flags[1].type`;
//! - an unknown field stops right after the key: `flags[0].colour`;
//! - a missing field or a rejected object is reported after its closing
//!   brace, so the path is the object's own: `flags[1]`;
//! - an enum written as an object (`"op": {"x": …}`) stops after the key `x`,
//!   which names a variant, not a field: the path is `…op`.
//!
//! Rescanning the consumed prefix for brackets, commas and keys recovers the
//! same paths `serde_path_to_error` gives for these data errors;
//! `tests/robustness.rs` checks that on random broken datafiles. Syntax and
//! end-of-input errors get no path: serde_json stops on a byte it could not
//! accept, and their message already says the line and column.

/// What serde was doing when it stopped, as far as the path is concerned.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Stop {
    /// It rejected a variant name written as an object key: not a field.
    Variant,
    /// It rejected an object or array it had not consumed yet: the value
    /// right after the position is the one in error.
    Container,
    /// Anything else.
    Other,
}

impl Stop {
    fn from_message(message: &str) -> Self {
        if message.starts_with("unknown variant") {
            Stop::Variant
        } else if message.starts_with("invalid type: map")
            || message.starts_with("invalid type: sequence")
        {
            Stop::Container
        } else {
            Stop::Other
        }
    }
}

/// One open container while scanning.
enum Frame<'a> {
    /// An object and the key whose value is being read, if any.
    Object(Option<&'a [u8]>),
    /// An array, the index of the current element, and whether that element
    /// has begun (serde reports a peeked `[` before entering the array).
    Array(usize, bool),
}

/// The path (`flags[3].rules[0].type`) of the value serde_json was reading
/// when it stopped at `line`/`column` (1-based line, byte column as serde_json
/// counts it). Empty for the document itself. The message tells two
/// positions apart that look alike (see [`Stop`]).
pub(crate) fn locate(json: &str, line: usize, column: usize, message: &str) -> String {
    let stop = Stop::from_message(message);
    let bytes = json.as_bytes();
    let line_start = if line <= 1 {
        0
    } else {
        bytes
            .iter()
            .enumerate()
            .filter(|&(_, &b)| b == b'\n')
            .nth(line - 2)
            .map_or(bytes.len(), |(i, _)| i + 1)
    };
    let consumed = &bytes[..(line_start + column).min(bytes.len())];

    let mut stack: Vec<Frame<'_>> = Vec::new();
    let mut expect_key = false;
    // Whether the last token read was an object key.
    let mut last_was_key = false;
    let mut i = 0;
    while i < consumed.len() {
        let byte = consumed[i];
        if !byte.is_ascii_whitespace() {
            last_was_key = false;
            if let Some(Frame::Array(_, started @ false)) = stack.last_mut() {
                *started = !matches!(byte, b']' | b',');
            }
        }
        match byte {
            b'{' => {
                stack.push(Frame::Object(None));
                expect_key = true;
            }
            b'[' => {
                stack.push(Frame::Array(0, false));
                expect_key = false;
            }
            b'}' | b']' => {
                stack.pop();
                expect_key = false;
            }
            b',' => match stack.last_mut() {
                Some(Frame::Array(index, started)) => {
                    *index += 1;
                    *started = false;
                }
                Some(Frame::Object(key)) => {
                    *key = None;
                    expect_key = true;
                }
                None => {}
            },
            b':' => expect_key = false,
            b'"' => {
                let start = i + 1;
                i = skip_string(consumed, start);
                // A key counts once its closing quote has been read.
                let complete = i < consumed.len();
                if let (true, true, Some(Frame::Object(key))) =
                    (expect_key, complete, stack.last_mut())
                {
                    *key = Some(&consumed[start..i]);
                    last_was_key = true;
                }
            }
            _ => {}
        }
        i += 1;
    }
    match (stop, stack.last_mut()) {
        (Stop::Variant, Some(Frame::Object(key))) if last_was_key => *key = None,
        (Stop::Container, Some(Frame::Array(_, started))) => *started = true,
        _ => {}
    }
    render(&stack)
}

/// Index of the closing quote of a string starting at `start`, or the end.
fn skip_string(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// `a.b[0].c`, with keys as written (escapes are not decoded).
fn render(stack: &[Frame<'_>]) -> String {
    let mut path = String::new();
    for frame in stack {
        match frame {
            Frame::Object(Some(key)) => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(&String::from_utf8_lossy(key));
            }
            Frame::Object(None) => {}
            Frame::Array(_, false) => {}
            Frame::Array(index, true) => {
                path.push('[');
                path.push_str(&index.to_string());
                path.push(']');
            }
        }
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The path at the position serde_json reports when parsing `json` as `T`.
    fn path_of<T: serde::de::DeserializeOwned + std::fmt::Debug>(json: &str) -> String {
        let err = serde_json::from_str::<T>(json).unwrap_err();
        locate(json, err.line(), err.column(), &err.to_string())
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)] // fields exist to be parsed, never read
    struct Doc {
        items: Vec<Item>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Item {
        name: String,
        size: u32,
    }

    #[test]
    fn names_the_field_serde_stopped_at() {
        let ok = r#"{"name": "a", "size": 1}"#;
        let cases = [
            (
                format!(r#"{{"items": [{ok}, {{"name": "b", "size": "big"}}]}}"#),
                "items[1].size",
            ),
            (
                format!(r#"{{"items": [{ok}, {{"name": "b"}}]}}"#),
                "items[1]",
            ),
            (
                format!(r#"{{"items": [{ok}, {{"name": "b", "colour": 1}}]}}"#),
                "items[1].colour",
            ),
            (r#"{"items": {}}"#.to_owned(), "items"),
            (r#"{"items": [], "extra": 1}"#.to_owned(), "extra"),
            (r#"{}"#.to_owned(), ""),
            (
                r#"{"items": [{"name": "x\"y", "size": -1}]}"#.to_owned(),
                "items[0].size",
            ),
            (
                "{\n  \"items\": [\n    {\"name\": 5}\n  ]\n}".to_owned(),
                "items[0].name",
            ),
            (r#"{"items": [ {"name": "a", "#.to_owned(), "items[0]"),
        ];
        for (json, expected) in cases {
            assert_eq!(path_of::<Doc>(&json), expected, "{json}");
        }
    }

    #[test]
    fn positions_past_the_end_are_clamped() {
        assert_eq!(locate("{\"a\": [1, 2", 9, 99, ""), "a[1]");
        assert_eq!(locate("", 1, 5, ""), "");
    }
}
