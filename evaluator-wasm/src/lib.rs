//! wasm-bindgen binding over evaluator-core: one [`Evaluator`] per datafile.
//!
//! The hot path crosses with numbers only: JS writes the context into slots in
//! linear memory ([`slots`]), then evaluates flags by index (committing the
//! new context on the first call after a change) and gets one packed i32 per
//! flag ([`packed`]).
//! serde runs when loading and in the JSON entry points, never per hot call.

mod packed;
mod slots;

use evaluator_core::{
    CompiledDatafile, Context, ErrorCode, Evaluation, FlagType, Reason, Variation,
};
use packed::{pack, ERROR_CODES, REASONS};
use serde::Serialize;
use slots::{address, Slots};
use std::collections::BTreeMap;
use wasm_bindgen::prelude::*;

/// A compiled datafile plus the context slots and result buffers JS shares.
#[wasm_bindgen]
pub struct Evaluator {
    compiled: CompiledDatafile,
    slots: Slots,
    /// One packed result per flag, filled by `evaluateAllInto`.
    results: Vec<i32>,
    /// The wide form of the last result that did not fit in an i32.
    wide: Vec<i32>,
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
        let metadata = Metadata {
            revision: df.revision,
            attributes: self.compiled.attribute_names(),
            reasons: REASONS.map(Reason::as_str),
            error_codes: ERROR_CODES.map(ErrorCode::as_str),
            flags: df.flags.iter().map(FlagMetadata::from).collect(),
        };
        serde_json::to_string(&metadata).unwrap_or_default()
    }

    /// Addresses of the shared buffers: `[kinds, spans, numbers, bytes, bytes
    /// length, results, wide]`. They move after `reserve`.
    pub fn layout(&mut self) -> Vec<u32> {
        let mut layout = self.slots.layout().to_vec();
        layout.extend([
            address(self.results.as_mut_ptr()),
            address(self.wide.as_mut_ptr()),
        ]);
        layout
    }

    /// Grows the context's UTF-8 area to at least `len` bytes.
    pub fn reserve(&mut self, len: u32) {
        self.slots.reserve(len as usize);
    }

    /// Evaluates flag `index` at `now` (epoch ms): the packed result, or -1
    /// with the wide form in the `wide` buffer. After JS wrote a new context,
    /// `commit` is the length of its text (one call per evaluation, not two);
    /// -1 otherwise.
    #[wasm_bindgen(js_name = evaluateIndex)]
    pub fn evaluate_index(&mut self, index: u32, now: f64, commit: i32) -> i32 {
        self.commit(commit);
        let evaluation = self
            .compiled
            .evaluate_index(index as usize, &self.slots, now as i64);
        pack(&evaluation).unwrap_or_else(|wide| {
            self.wide.copy_from_slice(&wide);
            -1
        })
    }

    /// Evaluates every flag into the `results` buffer, in datafile order
    /// (-1 where `evaluateIndex` gives the wide form); `commit` as there.
    #[wasm_bindgen(js_name = evaluateAllInto)]
    pub fn evaluate_all_into(&mut self, now: f64, commit: i32) {
        self.commit(commit);
        for (index, result) in self.results.iter_mut().enumerate() {
            let evaluation = self.compiled.evaluate_index(index, &self.slots, now as i64);
            *result = pack(&evaluation).unwrap_or(-1);
        }
    }

    /// Evaluates `key` for a context given as JSON: the result object as JSON.
    pub fn evaluate(&self, key: &str, context: &str, now: f64) -> String {
        let json = match serde_json::from_str::<Context>(context) {
            Ok(ctx) => serde_json::to_string(&self.compiled.evaluate(key, &ctx, now as i64)),
            Err(_) => serde_json::to_string(&invalid_context(key)),
        };
        json.unwrap_or_default()
    }

    /// Evaluates every flag for a context given as JSON: `{ flagKey: result }`.
    #[wasm_bindgen(js_name = evaluateAll)]
    pub fn evaluate_all(&self, context: &str, now: f64) -> String {
        let evaluations = match serde_json::from_str::<Context>(context) {
            Ok(ctx) => self.compiled.evaluate_all(&ctx, now as i64),
            Err(_) => self
                .compiled
                .datafile()
                .flags
                .iter()
                .map(|f| invalid_context(&f.key))
                .collect(),
        };
        let by_key: BTreeMap<&str, &Evaluation<'_>> =
            evaluations.iter().map(|e| (e.flag_key, e)).collect();
        serde_json::to_string(&by_key).unwrap_or_default()
    }
}

impl Evaluator {
    fn commit(&mut self, text_len: i32) {
        if let Ok(len) = usize::try_from(text_len) {
            self.slots.commit(len);
        }
    }

    /// Compiles `json`; the error is the datafile error's display.
    pub fn from_json(json: &str) -> Result<Self, String> {
        let compiled = CompiledDatafile::from_json(json).map_err(|e| e.to_string())?;
        Ok(Evaluator {
            slots: Slots::new(compiled.attribute_names().len()),
            results: vec![0; compiled.flag_count()],
            wide: vec![0; 3],
            compiled,
        })
    }
}

fn invalid_context(key: &str) -> Evaluation<'_> {
    Evaluation {
        flag_key: key,
        value: None,
        variation: None,
        variation_index: None,
        reason: Reason::Error,
        rule_id: None,
        rule_index: None,
        error_code: Some(ErrorCode::InvalidContext),
        version_sufficient: None,
        date_reached: None,
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Metadata<'a> {
    revision: u64,
    attributes: &'a [String],
    reasons: [&'static str; 8],
    error_codes: [&'static str; 5],
    flags: Vec<FlagMetadata<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FlagMetadata<'a> {
    key: &'a str,
    #[serde(rename = "type")]
    flag_type: FlagType,
    variations: &'a [Variation],
    rule_ids: Vec<&'a str>,
    /// Whether evaluation reads `now`: JS skips `Date.now()` otherwise.
    clock: bool,
}

impl<'a> From<&'a evaluator_core::Flag> for FlagMetadata<'a> {
    fn from(flag: &'a evaluator_core::Flag) -> Self {
        FlagMetadata {
            key: &flag.key,
            flag_type: flag.flag_type,
            variations: &flag.variations,
            rule_ids: flag.rules.iter().map(|r| r.id.as_str()).collect(),
            clock: flag.scheduled_enable_at.is_some()
                || flag
                    .rollout_condition
                    .as_ref()
                    .is_some_and(|c| c.activation_date.is_some()),
        }
    }
}
