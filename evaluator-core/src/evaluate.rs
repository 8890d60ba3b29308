//! Flag evaluation, in the order of DESIGN.md:
//! not found → disabled/archived/scheduled → overrides → rollout condition →
//! AB_TEST rules, then TARGETED_DELIVERY rules → default variation.
//!
//! Evaluation reads only the compiled datafile, the context and `now`; it
//! never panics, and for string attributes it does not allocate.

use crate::bucket::{bucket_of, pick_variation, BUCKET_COUNT};
use crate::compile::{CompiledDatafile, CompiledFlag, CompiledRule};
use crate::context::{AttrId, Attributes, Reader};
use crate::datafile::{Flag, FlagType};
use crate::text::ValueSet;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Why a flag evaluated to its value (OpenFeature's reasons plus Halyard's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Reason {
    /// A TARGETED_DELIVERY rule matched.
    TargetingMatch,
    /// An AB_TEST rule matched.
    Split,
    /// No override or rule applied: the default variation.
    Default,
    /// The flag is disabled or archived: the off variation.
    Disabled,
    /// Evaluation failed; see the error code.
    Error,
    /// An override matched.
    Override,
    /// Enabled, but the scheduled enable time has not come: the off variation.
    Scheduled,
    /// The rollout condition (activation date, minimum version) is not met.
    RolloutCondition,
}

impl Reason {
    /// The wire name, e.g. `TARGETING_MATCH`.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::TargetingMatch => "TARGETING_MATCH",
            Reason::Split => "SPLIT",
            Reason::Default => "DEFAULT",
            Reason::Disabled => "DISABLED",
            Reason::Error => "ERROR",
            Reason::Override => "OVERRIDE",
            Reason::Scheduled => "SCHEDULED",
            Reason::RolloutCondition => "ROLLOUT_CONDITION",
        }
    }
}

/// Why an evaluation has reason `ERROR`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ErrorCode {
    /// No flag with that key in the datafile.
    FlagNotFound,
    /// The flag's type is not the one the caller asked for.
    TypeMismatch,
    /// The datafile could not be parsed (reported by bindings).
    ParseError,
    /// The context could not be read (reported by bindings).
    InvalidContext,
    /// Anything else.
    General,
}

impl ErrorCode {
    /// The wire name, e.g. `FLAG_NOT_FOUND`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::FlagNotFound => "FLAG_NOT_FOUND",
            ErrorCode::TypeMismatch => "TYPE_MISMATCH",
            ErrorCode::ParseError => "PARSE_ERROR",
            ErrorCode::InvalidContext => "INVALID_CONTEXT",
            ErrorCode::General => "GENERAL",
        }
    }
}

/// The result of evaluating one flag, borrowing from the compiled datafile.
///
/// Serializes to the result object every Halyard implementation produces:
/// `{ value, variation, reason, ruleId, errorCode, versionSufficient, dateReached }`.
/// On errors `value` is `None`: the caller substitutes its default.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Evaluation<'a> {
    /// The flag's key.
    #[serde(skip)]
    pub flag_key: &'a str,
    /// The served variation's value; `None` on errors.
    pub value: Option<&'a Value>,
    /// The served variation's key.
    pub variation: Option<&'a str>,
    /// Position of the served variation in the flag's `variations`.
    #[serde(skip)]
    pub variation_index: Option<u32>,
    /// Why this value.
    pub reason: Reason,
    /// Id of the rule that matched.
    pub rule_id: Option<&'a str>,
    /// Position of that rule in the flag's `rules`.
    #[serde(skip)]
    pub rule_index: Option<u32>,
    /// Set when `reason` is `ERROR`.
    pub error_code: Option<ErrorCode>,
    /// Whether `appVersion` meets the rollout `minVersion` (when the flag has one
    /// and evaluation got as far as the rollout condition).
    pub version_sufficient: Option<bool>,
    /// Whether `now` has reached the rollout `activationDate` (same rule).
    pub date_reached: Option<bool>,
}

impl<'a> Evaluation<'a> {
    /// An `ERROR` result: no value, no variation.
    pub fn error(flag_key: &'a str, code: ErrorCode) -> Self {
        Evaluation {
            flag_key,
            value: None,
            variation: None,
            variation_index: None,
            reason: Reason::Error,
            rule_id: None,
            rule_index: None,
            error_code: Some(code),
            version_sufficient: None,
            date_reached: None,
        }
    }

    /// The full result of `outcome`, an evaluation of `flag`.
    fn resolve(flag: &'a Flag, outcome: Outcome) -> Self {
        let served = flag.variations.get(outcome.variation as usize);
        Evaluation {
            flag_key: &flag.key,
            value: served.map(|v| &v.value),
            variation: served.map(|v| v.key.as_str()),
            variation_index: Some(outcome.variation),
            reason: outcome.reason,
            rule_id: outcome
                .rule_index
                .and_then(|r| flag.rules.get(r as usize))
                .map(|r| r.id.as_str()),
            rule_index: outcome.rule_index,
            error_code: None,
            version_sufficient: outcome.version_sufficient,
            date_reached: outcome.date_reached,
        }
    }
}

/// The compact result of evaluating a flag that exists: positions instead of
/// borrowed keys and values, so bindings can encode it without reading the
/// datafile. [`Evaluation`] is built from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    /// Position of the served variation in the flag's `variations`.
    pub variation: u32,
    /// Why this variation (never `ERROR`).
    pub reason: Reason,
    /// Position of the matching rule in the flag's `rules`.
    pub rule_index: Option<u32>,
    /// As [`Evaluation::version_sufficient`].
    pub version_sufficient: Option<bool>,
    /// As [`Evaluation::date_reached`].
    pub date_reached: Option<bool>,
}

impl Outcome {
    fn serve(variation: u32, reason: Reason) -> Self {
        Outcome {
            variation,
            reason,
            rule_index: None,
            version_sufficient: None,
            date_reached: None,
        }
    }
}

impl CompiledDatafile {
    /// Evaluates flag `key` for `ctx` at `now_ms` (epoch milliseconds).
    /// An unknown key yields `ERROR` / `FLAG_NOT_FOUND` with an empty
    /// `flag_key` (the result borrows only from `self`; the caller has the key).
    pub fn evaluate<C: Attributes + ?Sized>(
        &self,
        key: &str,
        ctx: &C,
        now_ms: i64,
    ) -> Evaluation<'_> {
        match self.flag_index(key) {
            Some(index) => self.evaluate_index(index, ctx, now_ms),
            None => Evaluation::error("", ErrorCode::FlagNotFound),
        }
    }

    /// Like [`evaluate`](Self::evaluate), but answers `ERROR` / `TYPE_MISMATCH`
    /// when the flag's type is not `expected`.
    pub fn evaluate_typed<C: Attributes + ?Sized>(
        &self,
        key: &str,
        expected: FlagType,
        ctx: &C,
        now_ms: i64,
    ) -> Evaluation<'_> {
        let Some(index) = self.flag_index(key) else {
            return Evaluation::error("", ErrorCode::FlagNotFound);
        };
        match self.datafile.flags.get(index) {
            Some(flag) if flag.flag_type != expected => {
                Evaluation::error(&flag.key, ErrorCode::TypeMismatch)
            }
            _ => self.evaluate_index(index, ctx, now_ms),
        }
    }

    /// Evaluates the flag at position `index` of the datafile's `flags` (see
    /// [`flag_index`](Self::flag_index)); out of range is `FLAG_NOT_FOUND`.
    pub fn evaluate_index<C: Attributes + ?Sized>(
        &self,
        index: usize,
        ctx: &C,
        now_ms: i64,
    ) -> Evaluation<'_> {
        match (self.datafile.flags.get(index), self.flags.get(index)) {
            (Some(flag), Some(compiled)) => {
                let reader = Reader::new(ctx, &self.attributes);
                Evaluation::resolve(flag, self.evaluate_flag(compiled, &reader, now_ms))
            }
            _ => Evaluation::error("", ErrorCode::FlagNotFound),
        }
    }

    /// The [`Outcome`] of the flag at position `index`; `None` when out of range.
    pub fn evaluate_index_outcome<C: Attributes + ?Sized>(
        &self,
        index: usize,
        ctx: &C,
        now_ms: i64,
    ) -> Option<Outcome> {
        let compiled = self.flags.get(index)?;
        Some(self.evaluate_flag(compiled, &Reader::new(ctx, &self.attributes), now_ms))
    }

    /// Whether evaluating the flag at position `index` reads `now` (a
    /// schedule or an activation date on a serving flag): bindings cache
    /// every other flag's result for as long as the context is unchanged.
    pub fn reads_clock(&self, index: usize) -> bool {
        self.flags.get(index).is_some_and(|compiled| {
            compiled.serving
                && (compiled.scheduled_enable_at.is_some() || compiled.activation_date.is_some())
        })
    }

    /// Evaluates every flag, in datafile order.
    pub fn evaluate_all<C: Attributes + ?Sized>(
        &self,
        ctx: &C,
        now_ms: i64,
    ) -> Vec<Evaluation<'_>> {
        let mut all = Vec::with_capacity(self.flags.len());
        self.evaluate_all_with(ctx, now_ms, |_, evaluation| all.push(evaluation.clone()));
        all
    }

    /// Evaluates every flag in datafile order and hands each result, with
    /// the flag's index, to `each`, without collecting them. The whole call
    /// reads each attribute once, hashes each hash attribute once and parses
    /// `appVersion` once, however many flags use them.
    pub fn evaluate_all_with<'a, C: Attributes + ?Sized>(
        &'a self,
        ctx: &C,
        now_ms: i64,
        mut each: impl FnMut(usize, &Evaluation<'a>),
    ) {
        let flags = &self.datafile.flags;
        self.evaluate_all_outcomes(ctx, now_ms, |index, outcome| {
            if let Some(flag) = flags.get(index) {
                each(index, &Evaluation::resolve(flag, outcome));
            }
        });
    }

    /// Like [`evaluate_all_with`](Self::evaluate_all_with), with each flag's
    /// [`Outcome`] (nothing is looked up in the datafile).
    pub fn evaluate_all_outcomes<C: Attributes + ?Sized>(
        &self,
        ctx: &C,
        now_ms: i64,
        mut each: impl FnMut(usize, Outcome),
    ) {
        let reader = Reader::new(ctx, &self.attributes);
        for (index, compiled) in self.flags.iter().enumerate() {
            each(index, self.evaluate_flag(compiled, &reader, now_ms));
        }
    }

    fn evaluate_flag<C: Attributes + ?Sized>(
        &self,
        compiled: &CompiledFlag,
        reader: &Reader<'_, C>,
        now_ms: i64,
    ) -> Outcome {
        if !compiled.serving {
            return Outcome::serve(compiled.off, Reason::Disabled);
        }
        if compiled.scheduled_enable_at.is_some_and(|at| now_ms < at) {
            return Outcome::serve(compiled.off, Reason::Scheduled);
        }
        if let Some(hit) = compiled
            .overrides
            .iter()
            .find(|o| is_listed(reader, o.attr, &o.values))
        {
            return Outcome::serve(hit.variation, Reason::Override);
        }

        let date_reached = compiled.activation_date.map(|at| now_ms >= at);
        let version_sufficient = compiled.min_version.as_ref().map(|(min, attr)| {
            reader
                .app_version(*attr)
                .is_some_and(|v| v.compare(min).is_ge())
        });
        let mut result = if date_reached == Some(false) || version_sufficient == Some(false) {
            Outcome::serve(compiled.off, Reason::RolloutCondition)
        } else {
            self.evaluate_rules(compiled, reader)
        };
        result.version_sufficient = version_sufficient;
        result.date_reached = date_reached;
        result
    }

    fn evaluate_rules<C: Attributes + ?Sized>(
        &self,
        compiled: &CompiledFlag,
        reader: &Reader<'_, C>,
    ) -> Outcome {
        for rule in compiled.rules.iter() {
            if let Some(variation) = self.match_rule(rule, reader) {
                let mut result = Outcome::serve(variation, rule.reason);
                result.rule_index = Some(rule.index);
                return result;
            }
        }
        Outcome::serve(compiled.default, Reason::Default)
    }

    /// The variation `rule` serves to the context, or `None` when it does not apply.
    fn match_rule<C: Attributes + ?Sized>(
        &self,
        rule: &CompiledRule,
        reader: &Reader<'_, C>,
    ) -> Option<u32> {
        if !rule.audiences.is_empty() && !self.is_in_any_audience(&rule.audiences, reader) {
            return None;
        }
        let partial = rule.allocation < BUCKET_COUNT;
        // A full allocation of a single slice needs no hash, only the attribute.
        if let ([only], false) = (&*rule.slices, partial) {
            return reader.has(rule.hash_attr).then_some(only.variation);
        }
        let hash = reader.value_hash(rule.hash_attr)?;
        if partial && bucket_of(rule.traffic_salt, hash) >= rule.allocation {
            return None;
        }
        match &*rule.slices {
            [only] => Some(only.variation),
            slices => pick_variation(slices, bucket_of(rule.variation_salt, hash)),
        }
    }

    /// Whether the context is in one of `audiences`, each decided once per reader.
    /// Plain loops, no closures: at opt-level z each closure and iterator
    /// adapter stays a function call of its own, on the path of every rule.
    fn is_in_any_audience<C: Attributes + ?Sized>(
        &self,
        audiences: &[u32],
        reader: &Reader<'_, C>,
    ) -> bool {
        for &index in audiences {
            let joined = match reader.audience(index) {
                Some(joined) => joined,
                None => {
                    let joined = self.is_in_audience(index, reader);
                    reader.remember_audience(index, joined);
                    joined
                }
            };
            if joined {
                return true;
            }
        }
        false
    }

    /// Membership: excluded wins, then included, then the conditions.
    fn is_in_audience<C: Attributes + ?Sized>(
        &self,
        audience: u32,
        reader: &Reader<'_, C>,
    ) -> bool {
        let Some(audience) = self.audiences.get(audience as usize) else {
            return false;
        };
        if is_in_any_list(reader, &audience.excluded) {
            return false;
        }
        is_in_any_list(reader, &audience.included)
            || audience
                .conditions
                .as_ref()
                .is_some_and(|c| c.matches(reader))
    }
}

/// Whether an attribute's text is in its list, for one of `lists`. Inlined
/// down to the emptiness check: most audiences have no member lists, or only
/// one kind.
#[inline]
fn is_in_any_list<C: Attributes + ?Sized>(
    reader: &Reader<'_, C>,
    lists: &[(AttrId, ValueSet)],
) -> bool {
    !lists.is_empty() && is_in_some_list(reader, lists)
}

#[inline(never)]
fn is_in_some_list<C: Attributes + ?Sized>(
    reader: &Reader<'_, C>,
    lists: &[(AttrId, ValueSet)],
) -> bool {
    for (attr, values) in lists {
        if is_listed(reader, *attr, values) {
            return true;
        }
    }
    false
}

/// Whether the text of attribute `attr` is one of `values`.
fn is_listed<C: Attributes + ?Sized>(
    reader: &Reader<'_, C>,
    attr: AttrId,
    values: &ValueSet,
) -> bool {
    reader
        .read(attr)
        .is_some_and(|v| v.with_text(|text| values.contains(text)))
}
