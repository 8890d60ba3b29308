//! The context in linear memory: one slot per attribute the datafile reads,
//! indexed by [`AttrId`]. JS writes the slots in place (no call, no serde):
//! a kind and a number per slot, and the UTF-8 text of every string slot back
//! to back in `bytes`. Each evaluation call validates the text JS wrote once
//! ([`Slots::view`]; JS passes its length) and reads string slots as slices
//! of it: a context read is then a few bounds checks, where validating each
//! read cost ~80 instructions (evaluate-all reads attributes flag after flag).

use alloc::{vec, vec::Vec};
use core::cell::OnceCell;
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

    /// The slots for one evaluation call: the first `text_len` bytes of text
    /// (what JS wrote) are validated once, at the first string read (a flag
    /// that reads none pays nothing). Text past the valid part is read slot
    /// by slot, so a bad byte only makes its own slot missing.
    pub fn view(&self, text_len: u32) -> View<'_> {
        View {
            slots: self,
            text_len: text_len as usize,
            text: OnceCell::new(),
        }
    }
}

/// [`Slots`] as one evaluation call reads them.
pub struct View<'a> {
    slots: &'a Slots,
    text_len: usize,
    /// The valid UTF-8 prefix of the text JS wrote, once a string is read.
    text: OnceCell<&'a str>,
}

impl<'a> View<'a> {
    fn text(&self) -> &'a str {
        self.text.get_or_init(|| {
            let bytes = &self.slots.bytes;
            let written = bytes.get(..self.text_len).unwrap_or(bytes);
            core::str::from_utf8(written).unwrap_or_else(|e| {
                let valid = written.get(..e.valid_up_to()).unwrap_or_default();
                core::str::from_utf8(valid).unwrap_or_default()
            })
        })
    }
}

/// A string slot whose span is out of bounds or whose text is not UTF-8 is
/// missing, so nothing JS writes can make evaluation fail.
impl Attributes for View<'_> {
    fn get(&self, id: AttrId, _name: &str) -> Option<AttrValue<'_>> {
        let slots = self.slots;
        let id = usize::from(id);
        match *slots.kinds.get(id)? {
            STRING => {
                let start = *slots.spans.get(2 * id)? as usize;
                let end = start.checked_add(*slots.spans.get(2 * id + 1)? as usize)?;
                let text = match self.text().get(start..end) {
                    Some(text) => text,
                    None => core::str::from_utf8(slots.bytes.get(start..end)?).ok()?,
                };
                Some(AttrValue::Str(text))
            }
            NUMBER => slots.numbers.get(id).map(|n| AttrValue::Num(*n)),
            BOOLEAN => slots.numbers.get(id).map(|n| AttrValue::Bool(*n != 0.0)),
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

    /// Asserts that evaluation reads slot `id` as `expected`, whether JS said
    /// the text is `text_len` bytes long, nothing was validated up front, or
    /// the whole area was.
    fn assert_reads(slots: &Slots, id: AttrId, text_len: u32, expected: Option<AttrValue<'_>>) {
        for len in [text_len, 0, u32::MAX] {
            assert_eq!(
                slots.view(len).get(id, ""),
                expected,
                "slot {id}, text length {len}"
            );
        }
    }

    #[test]
    fn reads_what_was_written() {
        let mut slots = Slots::new(4);
        slots.write(0, Some(AttrValue::Str("NO")), 0);
        slots.write(1, Some(AttrValue::Num(2.5)), 0);
        slots.write(2, Some(AttrValue::Bool(true)), 0);
        let end = slots.write(3, Some(AttrValue::Str("ünï")), 2) as u32;
        assert_reads(&slots, 0, end, Some(AttrValue::Str("NO")));
        assert_reads(&slots, 1, end, Some(AttrValue::Num(2.5)));
        assert_reads(&slots, 2, end, Some(AttrValue::Bool(true)));
        assert_reads(&slots, 3, end, Some(AttrValue::Str("ünï")));
        assert_reads(&slots, 4, end, None); // ids past the end are missing
        slots.write(0, None, 0);
        assert_reads(&slots, 0, end, None);
        assert_reads(&slots, 3, end, Some(AttrValue::Str("ünï")));
    }

    #[test]
    fn bad_spans_and_bad_text_are_missing() {
        let mut slots = Slots::new(3);
        slots.write(0, Some(AttrValue::Str("ok")), 0);
        slots.write(1, Some(AttrValue::Str("é")), 2);
        let end = slots.write(2, Some(AttrValue::Str("fine")), 4) as u32;
        slots.spans[1] = u32::MAX;
        slots.spans[2] = 3; // inside "é"
        assert_reads(&slots, 0, end, None);
        assert_reads(&slots, 1, end, None);
        slots.write(0, Some(AttrValue::Str("ok")), 0);
        slots.bytes[1] = 0xff;
        assert_reads(&slots, 0, end, None); // text that is not UTF-8
        assert_reads(&slots, 2, end, Some(AttrValue::Str("fine")));
        slots.spans[4] = INITIAL_TEXT_BYTES as u32;
        assert_reads(&slots, 2, end, None); // past the text area
    }

    #[test]
    fn reserve_keeps_the_written_text() {
        let mut slots = Slots::new(1);
        let end = slots.write(0, Some(AttrValue::Str("kept")), 0) as u32;
        slots.reserve(INITIAL_TEXT_BYTES * 4);
        assert_eq!(slots.layout()[4] as usize, INITIAL_TEXT_BYTES * 4);
        assert_reads(&slots, 0, end, Some(AttrValue::Str("kept")));
    }
}
