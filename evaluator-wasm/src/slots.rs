//! The context in linear memory: one slot per attribute the datafile reads,
//! indexed by [`AttrId`]. JS writes the raw slots in place (no call, no
//! serde); [`Slots::commit`] validates them once per context change, and
//! evaluation reads the committed copy by id.

use evaluator_core::{AttrId, AttrValue, Attributes};

/// Slot kinds as JS writes them into `kinds`.
const STRING: u8 = 1;
const NUMBER: u8 = 2;
const BOOLEAN: u8 = 3;

/// Initial size of the UTF-8 area; JS asks for more through `reserve`.
const INITIAL_TEXT_BYTES: usize = 1024;

/// Raw slots written by JS, and the committed context evaluation reads.
pub struct Slots {
    /// Per slot: 0 missing, 1 string, 2 number, 3 boolean.
    kinds: Vec<u8>,
    /// Per slot: start and length of its UTF-8 text in `bytes`.
    spans: Vec<u32>,
    /// Per slot: the number, or 0 / 1 for a boolean.
    numbers: Vec<f64>,
    /// UTF-8 text of the string slots.
    bytes: Vec<u8>,
    committed: Vec<Committed>,
    /// Committed strings, back to back; `Committed::Str` holds ranges of it.
    text: String,
}

#[derive(Clone, Copy)]
enum Committed {
    Missing,
    Str(usize, usize),
    Num(f64),
    Bool(bool),
}

impl Slots {
    /// Empty slots for `count` attributes (the context starts out empty).
    pub fn new(count: usize) -> Self {
        Slots {
            kinds: vec![0; count],
            spans: vec![0; count * 2],
            numbers: vec![0.0; count],
            bytes: vec![0; INITIAL_TEXT_BYTES],
            committed: vec![Committed::Missing; count],
            text: String::with_capacity(INITIAL_TEXT_BYTES),
        }
    }

    /// Addresses and lengths JS builds its typed-array views from:
    /// `[kinds, spans, numbers, bytes, bytes length]`.
    pub fn layout(&mut self) -> [u32; 5] {
        [
            address(self.kinds.as_mut_ptr()),
            address(self.spans.as_mut_ptr()),
            address(self.numbers.as_mut_ptr()),
            address(self.bytes.as_mut_ptr()),
            u32::try_from(self.bytes.len()).unwrap_or(u32::MAX),
        ]
    }

    /// Grows the UTF-8 area to at least `len` bytes, keeping what JS wrote.
    pub fn reserve(&mut self, len: usize) {
        if len > self.bytes.len() {
            self.bytes.resize(len, 0);
        }
    }

    /// Snapshots the raw slots. A string slot whose span is out of bounds or
    /// not UTF-8 counts as missing, so nothing JS writes can make evaluation fail.
    pub fn commit(&mut self) {
        let Slots {
            kinds,
            spans,
            numbers,
            bytes,
            committed,
            text,
        } = self;
        text.clear();
        for (id, slot) in committed.iter_mut().enumerate() {
            *slot = match kinds[id] {
                STRING => {
                    let start = spans[2 * id] as usize;
                    let raw = start
                        .checked_add(spans[2 * id + 1] as usize)
                        .and_then(|end| bytes.get(start..end));
                    match raw.map(std::str::from_utf8) {
                        Some(Ok(s)) => {
                            let from = text.len();
                            text.push_str(s);
                            Committed::Str(from, text.len())
                        }
                        _ => Committed::Missing,
                    }
                }
                NUMBER => Committed::Num(numbers[id]),
                BOOLEAN => Committed::Bool(numbers[id] != 0.0),
                _ => Committed::Missing,
            };
        }
    }

    /// What JS does, for native tests: writes one raw slot (strings go at `at`).
    #[cfg(test)]
    pub fn write(&mut self, id: usize, value: Option<AttrValue<'_>>, at: usize) {
        self.kinds[id] = match value {
            None => 0,
            Some(AttrValue::Str(s)) => {
                self.reserve(at + s.len());
                self.bytes[at..at + s.len()].copy_from_slice(s.as_bytes());
                self.spans[2 * id] = at as u32;
                self.spans[2 * id + 1] = s.len() as u32;
                STRING
            }
            Some(AttrValue::Num(n)) => {
                self.numbers[id] = n;
                NUMBER
            }
            Some(AttrValue::Bool(b)) => {
                self.numbers[id] = f64::from(u8::from(b));
                BOOLEAN
            }
        };
    }
}

impl Attributes for Slots {
    fn get(&self, id: AttrId, _name: &str) -> Option<AttrValue<'_>> {
        match *self.committed.get(usize::from(id))? {
            Committed::Missing => None,
            Committed::Str(from, to) => self.text.get(from..to).map(AttrValue::Str),
            Committed::Num(n) => Some(AttrValue::Num(n)),
            Committed::Bool(b) => Some(AttrValue::Bool(b)),
        }
    }
}

/// A linear-memory address as JS sees it (wasm32 pointers fit in u32).
pub fn address<T>(ptr: *mut T) -> u32 {
    ptr as usize as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commits_what_was_written() {
        let mut slots = Slots::new(4);
        slots.write(0, Some(AttrValue::Str("NO")), 0);
        slots.write(1, Some(AttrValue::Num(2.5)), 0);
        slots.write(2, Some(AttrValue::Bool(true)), 0);
        slots.write(3, Some(AttrValue::Str("ünï")), 2);
        assert!(slots.get(0, "").is_none(), "nothing committed yet");
        slots.commit();
        assert_eq!(slots.get(0, ""), Some(AttrValue::Str("NO")));
        assert_eq!(slots.get(1, ""), Some(AttrValue::Num(2.5)));
        assert_eq!(slots.get(2, ""), Some(AttrValue::Bool(true)));
        assert_eq!(slots.get(3, ""), Some(AttrValue::Str("ünï")));
        assert_eq!(slots.get(4, ""), None, "ids past the end are missing");
        slots.write(0, None, 0);
        slots.commit();
        assert_eq!(slots.get(0, ""), None);
        assert_eq!(slots.get(3, ""), Some(AttrValue::Str("ünï")));
    }

    #[test]
    fn bad_spans_and_bad_utf8_are_missing() {
        let mut slots = Slots::new(2);
        slots.write(0, Some(AttrValue::Str("ok")), 0);
        slots.spans[1] = u32::MAX;
        slots.write(1, Some(AttrValue::Str("é")), 4);
        slots.bytes[4] = 0xff;
        slots.commit();
        assert_eq!(slots.get(0, ""), None);
        assert_eq!(slots.get(1, ""), None);
    }

    #[test]
    fn reserve_keeps_the_written_text() {
        let mut slots = Slots::new(1);
        slots.write(0, Some(AttrValue::Str("kept")), 0);
        slots.reserve(INITIAL_TEXT_BYTES * 4);
        assert_eq!(slots.layout()[4] as usize, INITIAL_TEXT_BYTES * 4);
        slots.commit();
        assert_eq!(slots.get(0, ""), Some(AttrValue::Str("kept")));
    }
}
