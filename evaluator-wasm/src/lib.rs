//! wasm-bindgen binding over evaluator-core: one [`Evaluator`] per datafile.
//!
//! The hot path crosses with numbers only: JS writes the context into slots in
//! linear memory (`slots.rs`), then evaluates flags by index and gets one
//! packed i32 per flag (`packed.rs`).
//! JSON (loading, metadata) goes through the core's small reader and writer
//! (`evaluator_core::json`), never through serde, which would be most of the
//! module's size. There is no JSON-context entry point: JS evaluates through
//! the slots only (a second path was 15 KB of the module).
//!
//! No std in WebAssembly: a panic there (there should be none) traps, so
//! std's panic machinery stays out of the module.

#![cfg_attr(target_arch = "wasm32", no_std)]

extern crate alloc;

mod packed;
mod slots;

use alloc::string::{String, ToString};
use alloc::{boxed::Box, vec, vec::Vec};
use core::cell::Cell;
use evaluator_core::json::{write_integer, write_string, write_value};
use evaluator_core::{CompiledDatafile, Flag};
use packed::{pack, ERROR_CODES, NOT_FOUND, REASONS};
use slots::{address, Slots};
use wasm_bindgen::prelude::*;

/// The allocator (std's default on wasm32 is dlmalloc). Measured against it on
/// the module: 7.3 KB raw / 3 KB gzip smaller; cold start and 50-flag loads
/// unchanged, 2,000-flag loads 4–16 % slower; memory flat over 300 reloads
/// (5.1 MiB vs 4.9 MiB).
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: rlsf::SmallGlobalTlsf = rlsf::SmallGlobalTlsf::new();

/// Panics trap: JS sees a `RuntimeError: unreachable`.
#[cfg(target_arch = "wasm32")]
#[panic_handler]
fn trap(_: &core::panic::PanicInfo<'_>) -> ! {
    core::arch::wasm32::unreachable()
}

/// A compiled datafile plus the context slots and result buffers JS shares.
#[wasm_bindgen]
pub struct Evaluator {
    compiled: CompiledDatafile,
    slots: Slots,
    /// One packed result per flag, filled by `evaluateAllInto`.
    results: Vec<i32>,
    /// The wide form of the last result that did not fit in an i32 (a
    /// cell: `evaluateIndex` takes `&self`, the cheaper borrow to cross with).
    wide: Box<Cell<[i32; 3]>>,
}

/// Compiles a datafile JSON string: an [`Evaluator`], or the validation error
/// (`"flags[3].rules[0].variations: percentages sum to 1.2"`) as a string.
#[wasm_bindgen]
pub fn load(json: &str) -> JsValue {
    match Evaluator::from_json(json) {
        Ok(evaluator) => evaluator.into(),
        Err(message) => JsValue::from_str(&message),
    }
}

#[wasm_bindgen]
impl Evaluator {
    /// Everything JS caches once, as JSON: `{ revision, attributes, reasons,
    /// errorCodes, flags: [{ key, type, variations, ruleIds, clock }] }`.
    pub fn metadata(&self) -> String {
        let df = self.compiled.datafile();
        let mut out = String::from("{\"revision\":");
        write_integer(&mut out, false, df.revision);
        out.push_str(",\"attributes\":");
        write_strings(
            &mut out,
            self.compiled.attribute_names().iter().map(String::as_str),
        );
        out.push_str(",\"reasons\":");
        write_strings(&mut out, REASONS.iter().map(|r| r.as_str()));
        out.push_str(",\"errorCodes\":");
        write_strings(&mut out, ERROR_CODES.iter().map(|c| c.as_str()));
        out.push_str(",\"flags\":[");
        for (i, flag) in df.flags.iter().enumerate() {
            out.push_str(if i == 0 { "" } else { "," });
            write_flag_metadata(&mut out, flag, self.compiled.reads_clock(i));
        }
        out.push_str("]}");
        out
    }

    /// Addresses of the shared buffers: `[kinds, spans, numbers, bytes, bytes
    /// length, results, wide]`. They move after `reserve`.
    pub fn layout(&mut self) -> Vec<u32> {
        let mut layout = self.slots.layout().to_vec();
        layout.extend([
            address(self.results.as_mut_ptr()),
            address(self.wide.as_ptr()),
        ]);
        layout
    }

    /// Grows the context's UTF-8 area to at least `len` bytes.
    pub fn reserve(&mut self, len: u32) {
        self.slots.reserve(len as usize);
    }

    /// Evaluates flag `index` at `now` (epoch ms) for the context in the
    /// slots, whose text is `text_len` bytes: the packed result, or -1 with
    /// the wide form in the `wide` buffer.
    #[wasm_bindgen(js_name = evaluateIndex)]
    pub fn evaluate_index(&self, index: u32, now: f64, text_len: u32) -> i32 {
        let outcome = self.compiled.evaluate_index_outcome(
            index as usize,
            &self.slots.view(text_len),
            now as i64,
        );
        match outcome.map(|o| pack(&o)) {
            None => NOT_FOUND,
            Some(Ok(packed)) => packed,
            Some(Err(wide)) => {
                self.wide.set(wide);
                -1
            }
        }
    }

    /// Evaluates every flag into the `results` buffer, in datafile order
    /// (-1 where `evaluateIndex` gives the wide form).
    #[wasm_bindgen(js_name = evaluateAllInto)]
    pub fn evaluate_all_into(&mut self, now: f64, text_len: u32) {
        let results = &mut self.results;
        let view = self.slots.view(text_len);
        self.compiled
            .evaluate_all_outcomes(&view, now as i64, |index, outcome| {
                if let Some(result) = results.get_mut(index) {
                    *result = pack(&outcome).unwrap_or(-1);
                }
            });
    }
}

impl Evaluator {
    /// Compiles `json`; the error is the datafile error's display.
    pub fn from_json(json: &str) -> Result<Self, String> {
        let compiled = CompiledDatafile::from_json(json).map_err(|e| e.to_string())?;
        Ok(Evaluator {
            slots: Slots::new(compiled.attribute_names().len()),
            results: vec![0; compiled.flag_count()],
            wide: Box::default(),
            compiled,
        })
    }
}

/// `["a","b"]`.
fn write_strings<'a>(out: &mut String, items: impl Iterator<Item = &'a str>) {
    out.push('[');
    for (i, item) in items.enumerate() {
        out.push_str(if i == 0 { "" } else { "," });
        write_string(out, item);
    }
    out.push(']');
}

/// `{ key, type, variations, ruleIds, clock }`; `clock` says whether
/// evaluation reads `now` (JS skips `Date.now()` and caches otherwise).
fn write_flag_metadata(out: &mut String, flag: &Flag, clock: bool) {
    out.push_str("{\"key\":");
    write_string(out, &flag.key);
    out.push_str(",\"type\":\"");
    out.push_str(flag.flag_type.as_str());
    out.push_str("\",\"variations\":[");
    for (i, variation) in flag.variations.iter().enumerate() {
        out.push_str(if i == 0 { "{\"key\":" } else { ",{\"key\":" });
        write_string(out, &variation.key);
        out.push_str(",\"value\":");
        write_value(out, &variation.value);
        out.push('}');
    }
    out.push_str("],\"ruleIds\":");
    write_strings(out, flag.rules.iter().map(|r| r.id.as_str()));
    out.push_str(if clock {
        ",\"clock\":true}"
    } else {
        ",\"clock\":false}"
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use evaluator_core::{Attributes, Context, ErrorCode, Evaluation, Reason};
    use serde_json::json;

    const DATAFILE: &str = r#"{
      "schemaVersion": 1, "revision": 3, "publishedAt": "2026-01-01T00:00:00Z",
      "environment": { "id": "e", "key": "production" },
      "flags": [{
        "key": "geo", "type": "STRING", "status": "ACTIVE", "enabled": true,
        "variations": [{ "key": "a", "value": "A" }, { "key": "b", "value": "B" }],
        "offVariation": "a", "defaultVariation": "a", "rolloutCondition": { "minVersion": "2.0.0" },
        "rules": [{ "id": "r1", "type": "AB_TEST", "audiences": ["nordic"], "trafficAllocation": 0.5,
                    "variations": [{ "variation": "a", "percentage": 0.5 }, { "variation": "b", "percentage": 0.5 }] }]
      }],
      "audiences": [{ "id": "nordic", "conditions": { "attribute": "country", "op": "in", "values": ["NO", "SE"] } }]
    }"#;

    /// Writes `ctx` into the slots the way the JS engine does; the text's length.
    fn write_context(evaluator: &mut Evaluator, ctx: &Context) -> u32 {
        let names = evaluator.compiled.attribute_names().to_vec();
        let mut at = 0;
        for (id, name) in names.iter().enumerate() {
            at = evaluator.slots.write(id, ctx.get(0, name), at);
        }
        at as u32
    }

    type Fields = (
        Reason,
        Option<ErrorCode>,
        [Option<bool>; 2],
        [Option<u32>; 2],
    );

    /// The fields of `e` a packed result carries.
    fn fields(e: &Evaluation<'_>) -> Fields {
        let tristates = [e.version_sufficient, e.date_reached];
        (
            e.reason,
            e.error_code,
            tristates,
            [e.variation_index, e.rule_index],
        )
    }

    /// Decodes a packed result the way the JS engine does.
    fn unpack(p: i32) -> Fields {
        let tristate = |bits: i32| [None, Some(false), Some(true)][bits as usize & 3];
        let index = |bits: i32| u32::try_from((bits & 0x3ff) - 1).ok();
        let error = usize::try_from((p >> 4 & 7) - 1).ok();
        (
            REASONS[p as usize & 15],
            error.map(|e| ERROR_CODES[e]),
            [tristate(p >> 7), tristate(p >> 9)],
            [index(p >> 11), index(p >> 21)],
        )
    }

    #[test]
    fn unknown_indexes_are_not_found() {
        let evaluator = Evaluator::from_json(DATAFILE).unwrap();
        let expected = fields(&evaluator.compiled.evaluate_index(7, &Context::default(), 0));
        assert_eq!(unpack(evaluator.evaluate_index(7, 0.0, 0)), expected);
    }

    #[test]
    fn slots_evaluate_like_the_json_context() {
        let mut evaluator = Evaluator::from_json(DATAFILE).unwrap();
        for i in 0..200 {
            let version = ["1.9", "2.0", "v2.5.1"][i % 3];
            let country = ["NO", "SE", "DK", "Zürich"][i % 4];
            let ctx: Context = serde_json::from_value(json!({
                "key": format!("user-{i}"), "appVersion": version, "attributes": { "country": country }
            }))
            .unwrap();
            let text_len = write_context(&mut evaluator, &ctx);
            let expected = fields(&evaluator.compiled.evaluate("geo", &ctx, 0));
            let packed = evaluator.evaluate_index(0, 0.0, text_len);
            assert_eq!(unpack(packed), expected, "{ctx:?}");
            evaluator.evaluate_all_into(0.0, text_len);
            assert_eq!(evaluator.results[0], packed);
        }
    }

    #[test]
    fn load_errors_and_metadata() {
        assert_eq!(
            Evaluator::from_json("{}").err().unwrap(),
            CompiledDatafile::from_json("{}").err().unwrap().to_string()
        );
        let metadata: serde_json::Value =
            serde_json::from_str(&Evaluator::from_json(DATAFILE).unwrap().metadata()).unwrap();
        assert_eq!(metadata["revision"], 3);
        assert_eq!(metadata["flags"][0]["ruleIds"], json!(["r1"]));
        assert_eq!(metadata["flags"][0]["variations"][1]["value"], "B");
        assert_eq!(metadata["flags"][0]["clock"], false);
        assert_eq!(metadata["reasons"][7], "ROLLOUT_CONDITION");
    }
}
