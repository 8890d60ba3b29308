//! The context in linear memory: one slot per attribute the datafile reads,
//! indexed by [`AttrId`]. JS writes the slots in place (no call, no serde):
//! a kind and a number per slot, and the UTF-8 text of every string slot back
//! to back in `bytes`. Evaluation reads the slots by id, validating a string
//! slot's few bytes as it reads them: nothing to do when the context changes
//! (a copy and validation of the whole text at each change cost more, ~20 ns).

use evaluator_core::{AttrId, AttrValue, Attributes};

/// Slot kinds as JS writes them into `kinds` (0 is missing).
const STRING: u8 = 1;
const NUMBER: u8 = 2;
const BOOLEAN: u8 = 3;

/// Initial size of the UTF-8 area; JS asks for more through `reserve`.
const INITIAL_TEXT_BYTES: usize = 1024;

/// The slots JS writes and evaluation reads.
pub struct Slots {
    /// Per slot: 0 missing, 1 string, 2 number, 3 boolean.
    kinds: Vec<u8>,
    /// Per slot: start and length of its text in `bytes`.
    spans: Vec<u32>,
    /// Per slot: the number, or 0 / 1 for a boolean.
    numbers: Vec<f64>,
    /// UTF-8 text of the string slots, as JS writes it.
    bytes: Vec<u8>,
}

impl Slots {
    /// Empty slots for `count` attributes (the context starts out empty).
    pub fn new(count: usize) -> Self {
        Slots {
            kinds: vec![0; count],
            spans: vec![0; count * 2],
            numbers: vec![0.0; count],
            bytes: vec![0; INITIAL_TEXT_BYTES],
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

    #[cfg(test)]
    /// What JS does: writes slot `id` (a string at `at`); returns where the text continues.
    pub fn write(&mut self, id: usize, value: Option<AttrValue<'_>>, at: usize) -> usize {
        let mut end = at;
        self.kinds[id] = match value {
            None => 0,
            Some(AttrValue::Str(s)) => {
                end = at + s.len();
                self.reserve(end);
                self.bytes[at..end].copy_from_slice(s.as_bytes());
                self.spans[2 * id] = u32::try_from(at).unwrap_or(u32::MAX);
                self.spans[2 * id + 1] = u32::try_from(s.len()).unwrap_or(u32::MAX);
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
        end
    }
}

/// A string slot whose span is out of bounds or whose text is not UTF-8 is
/// missing, so nothing JS writes can make evaluation fail.
impl Attributes for Slots {
    fn get(&self, id: AttrId, _name: &str) -> Option<AttrValue<'_>> {
        let id = usize::from(id);
        match *self.kinds.get(id)? {
            STRING => {
                let start = *self.spans.get(2 * id)? as usize;
                let len = *self.spans.get(2 * id + 1)? as usize;
                let bytes = self.bytes.get(start..start.checked_add(len)?)?;
                std::str::from_utf8(bytes).ok().map(AttrValue::Str)
            }
            NUMBER => self.numbers.get(id).map(|n| AttrValue::Num(*n)),
            BOOLEAN => self.numbers.get(id).map(|n| AttrValue::Bool(*n != 0.0)),
            _ => None,
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
    fn reads_what_was_written() {
        let mut slots = Slots::new(4);
        slots.write(0, Some(AttrValue::Str("NO")), 0);
        slots.write(1, Some(AttrValue::Num(2.5)), 0);
        slots.write(2, Some(AttrValue::Bool(true)), 0);
        slots.write(3, Some(AttrValue::Str("ünï")), 2);
        assert_eq!(slots.get(0, ""), Some(AttrValue::Str("NO")));
        assert_eq!(slots.get(1, ""), Some(AttrValue::Num(2.5)));
        assert_eq!(slots.get(2, ""), Some(AttrValue::Bool(true)));
        assert_eq!(slots.get(3, ""), Some(AttrValue::Str("ünï")));
        assert_eq!(slots.get(4, ""), None, "ids past the end are missing");
        slots.write(0, None, 0);
        assert_eq!(slots.get(0, ""), None);
        assert_eq!(slots.get(3, ""), Some(AttrValue::Str("ünï")));
    }

    #[test]
    fn bad_spans_and_bad_text_are_missing() {
        let mut slots = Slots::new(3);
        slots.write(0, Some(AttrValue::Str("ok")), 0);
        slots.write(1, Some(AttrValue::Str("é")), 2);
        slots.write(2, Some(AttrValue::Str("fine")), 4);
        slots.spans[1] = u32::MAX;
        slots.spans[2] = 3; // inside "é"
        assert_eq!(slots.get(0, ""), None);
        assert_eq!(slots.get(1, ""), None);
        slots.write(0, Some(AttrValue::Str("ok")), 0);
        slots.bytes[1] = 0xff;
        assert_eq!(slots.get(0, ""), None, "text that is not UTF-8");
        assert_eq!(slots.get(2, ""), Some(AttrValue::Str("fine")));
        slots.spans[4] = INITIAL_TEXT_BYTES as u32;
        assert_eq!(slots.get(2, ""), None, "past the text area");
    }

    #[test]
    fn reserve_keeps_the_written_text() {
        let mut slots = Slots::new(1);
        slots.write(0, Some(AttrValue::Str("kept")), 0);
        slots.reserve(INITIAL_TEXT_BYTES * 4);
        assert_eq!(slots.layout()[4] as usize, INITIAL_TEXT_BYTES * 4);
        assert_eq!(slots.get(0, ""), Some(AttrValue::Str("kept")));
    }
}
