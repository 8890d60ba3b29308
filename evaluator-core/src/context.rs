//! The evaluation context: who or what a flag is evaluated for.
//!
//! Evaluation reads attributes through the [`Attributes`] trait, so a binding
//! can answer from fixed slots indexed by [`AttrId`] (no lookups by name)
//! while [`Context`] answers from a JSON object by name.

use crate::bucket::value_hash;
use crate::error::DatafileError;
use crate::number::NumberText;
use crate::version::{parse_lenient, Parts};
use alloc::{borrow::ToOwned, string::String, vec::Vec};
use core::cell::Cell;
use serde::Deserialize;
use serde_json::{Map, Value};

/// Index into [`crate::CompiledDatafile::attribute_names`].
pub type AttrId = u16;

/// An attribute value as evaluation sees it. Any other JSON value counts as missing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum AttrValue<'a> {
    /// A string.
    Str(&'a str),
    /// A number.
    Num(f64),
    /// A boolean.
    Bool(bool),
}

impl<'a> AttrValue<'a> {
    /// Converts a JSON scalar; objects, arrays and null are "missing".
    pub fn from_json(value: &'a Value) -> Option<Self> {
        match value {
            Value::String(s) => Some(AttrValue::Str(s)),
            Value::Number(n) => n.as_f64().map(AttrValue::Num),
            Value::Bool(b) => Some(AttrValue::Bool(*b)),
            Value::Null | Value::Array(_) | Value::Object(_) => None,
        }
    }

    /// The value as text: strings as they are, numbers as JavaScript's
    /// `String(n)` writes them, booleans as `true` / `false`.
    #[inline]
    pub(crate) fn to_text(self) -> Text<'a> {
        match self {
            AttrValue::Str(s) => Text::Borrowed(s),
            AttrValue::Num(n) => Text::Number(NumberText::new(n)),
            AttrValue::Bool(true) => Text::Borrowed("true"),
            AttrValue::Bool(false) => Text::Borrowed("false"),
        }
    }

    /// `f` of the value's text ([`AttrValue::to_text`]); a string is passed
    /// as it is, without building the text form (the common case, kept cheap).
    #[inline]
    pub(crate) fn with_text<R>(self, f: impl Fn(&str) -> R) -> R {
        match self {
            AttrValue::Str(s) => f(s),
            other => f(other.to_text().as_str()),
        }
    }

    /// The value as a number: numbers, and strings that parse as a finite number.
    pub(crate) fn to_number(self) -> Option<f64> {
        match self {
            AttrValue::Num(n) => Some(n),
            AttrValue::Str(s) => crate::float::parse_f64(s).filter(|n| n.is_finite()),
            AttrValue::Bool(_) => None,
        }
    }
}

/// Text of an attribute value without allocating.
pub(crate) enum Text<'a> {
    Borrowed(&'a str),
    Number(NumberText),
}

impl Text<'_> {
    #[inline]
    pub(crate) fn as_str(&self) -> &str {
        match self {
            Text::Borrowed(s) => s,
            Text::Number(n) => n.as_str(),
        }
    }
}

/// Source of attribute values for one evaluation.
///
/// `id` indexes [`crate::CompiledDatafile::attribute_names`] and `name` is that
/// entry; implementations may use either. Evaluation itself applies the
/// `userId` → `key` fallback, so implementations need not.
pub trait Attributes {
    /// The value of attribute `id` / `name`, or `None` when missing.
    fn get(&self, id: AttrId, name: &str) -> Option<AttrValue<'_>>;
}

/// A context as JSON describes it:
/// `{ "key"?: string, "appVersion"?: string, "attributes"?: { name: scalar } }`.
///
/// The top-level `key` and `appVersion` are the attributes of those names and
/// shadow same-named entries of `attributes`; `userId` falls back to `key`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Context {
    /// Targeting key (OpenFeature's `targetingKey`).
    #[serde(default)]
    pub key: Option<String>,
    /// The application's version, compared with rollout `minVersion`.
    #[serde(default)]
    pub app_version: Option<String>,
    /// Every other attribute.
    #[serde(default)]
    pub attributes: Map<String, Value>,
}

impl Context {
    /// A context with only a targeting key.
    pub fn with_key(key: impl Into<String>) -> Self {
        Context {
            key: Some(key.into()),
            ..Context::default()
        }
    }

    /// Adds or replaces one attribute (builder style).
    pub fn with_attribute(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.attributes.insert(name.into(), value.into());
        self
    }

    fn attribute(&self, name: &str) -> Option<AttrValue<'_>> {
        self.attributes.get(name).and_then(AttrValue::from_json)
    }
}

impl Attributes for Context {
    fn get(&self, _id: AttrId, name: &str) -> Option<AttrValue<'_>> {
        let top_level = match name {
            "key" => self.key.as_deref(),
            "appVersion" => self.app_version.as_deref(),
            _ => None,
        };
        let value = top_level
            .map(AttrValue::Str)
            .or_else(|| self.attribute(name));
        match (value, name) {
            (None, "userId") => self.get(0, "key"),
            _ => value,
        }
    }
}

impl<T: Attributes + ?Sized> Attributes for &T {
    fn get(&self, id: AttrId, name: &str) -> Option<AttrValue<'_>> {
        (**self).get(id, name)
    }
}

/// Attribute names by [`AttrId`], plus the `userId` → `key` fallback.
#[derive(Debug, Default)]
pub(crate) struct AttributeTable {
    names: Vec<String>,
    /// (`userId`, `key`) when the datafile reads `userId`.
    user_id_fallback: Option<(AttrId, AttrId)>,
}

impl AttributeTable {
    pub(crate) fn names(&self) -> &[String] {
        &self.names
    }
}

/// No [`AttrId`]: one more than the largest.
const NO_ID: u32 = 1 << AttrId::BITS;

/// Reads a context's attributes by id, applying the `userId` fallback.
///
/// One reader serves one evaluation call (one flag or all of them). It keeps
/// what is dear to recompute: the last value read, the hash of the last hash
/// attribute, the parsed `appVersion` and audience memberships. Only one value
/// is kept: remembering all of them cost more to set up per call (8 slots,
/// ~35 ns in WebAssembly) than it saved.
pub(crate) struct Reader<'a, C: ?Sized> {
    ctx: &'a C,
    table: &'a AttributeTable,
    /// The last value the context gave, by id: evaluate-all reads the same
    /// attribute (`country`, `key`) for flag after flag, and each read asks
    /// the context (WebAssembly slots: bounds checks and UTF-8 validation).
    /// Two cells: a hit compares the id alone.
    last_id: Cell<u32>,
    last: Cell<AttrValue<'a>>,
    /// `appVersion` parsed once per reader (evaluate-all checks it per
    /// flag), borrowing the context's text: a reader has nothing to drop.
    app_version: Cell<Option<Option<Parts<'a>>>>,
    /// The id and `value_hash` of the last attribute hashed: the rules of
    /// every flag usually hash the same one (`userId`).
    hashed: Cell<Option<(AttrId, u64)>>,
    /// Audience memberships decided so far, bit `i` for audience `i < 64`:
    /// flags share audiences, and membership depends on the context only.
    audiences_decided: Cell<u64>,
    audiences_joined: Cell<u64>,
}

impl<'a, C: Attributes + ?Sized> Reader<'a, C> {
    pub(crate) fn new(ctx: &'a C, table: &'a AttributeTable) -> Self {
        Reader {
            ctx,
            table,
            last_id: Cell::new(NO_ID),
            last: Cell::new(AttrValue::Bool(false)),
            app_version: Cell::new(None),
            hashed: Cell::new(None),
            audiences_decided: Cell::new(0),
            audiences_joined: Cell::new(0),
        }
    }

    /// The context's version, parsed leniently. `id` is always the id of
    /// `appVersion` (the only attribute minimum versions read), so one cache suffices.
    pub(crate) fn app_version(&self, id: AttrId) -> Option<Parts<'a>> {
        if let Some(parsed) = self.app_version.get() {
            return parsed;
        }
        let parsed = self.read(id).and_then(|value| match value {
            AttrValue::Str(text) => parse_lenient(text),
            // A number's text (`2.5` is 2.5.0) is no borrow of the context,
            // and has no pre-release or build identifiers to keep.
            other => parse_lenient(other.to_text().as_str()).map(Parts::numbers_only),
        });
        self.app_version.set(Some(parsed));
        parsed
    }

    /// The value of attribute `id`, or `None` when missing. The context is
    /// asked only when `id` is not the last id it answered; missing values are
    /// not kept, so a missing `userId` keeps `key`, read instead, as the last.
    pub(crate) fn read(&self, mut id: AttrId) -> Option<AttrValue<'a>> {
        loop {
            if self.last_id.get() == u32::from(id) {
                return Some(self.last.get());
            }
            let name = self.table.names.get(usize::from(id))?;
            if let Some(value) = self.ctx.get(id, name) {
                self.last_id.set(u32::from(id));
                self.last.set(value);
                return Some(value);
            }
            match self.table.user_id_fallback {
                Some((user_id, key)) if id == user_id => id = key,
                _ => return None,
            }
        }
    }

    /// Whether the context is in audience `index`, if this reader has been
    /// told ([`Reader::remember_audience`]; the first 64 audiences).
    pub(crate) fn audience(&self, index: u32) -> Option<bool> {
        let bit = 1u64.checked_shl(index)?;
        (self.audiences_decided.get() & bit != 0).then(|| self.audiences_joined.get() & bit != 0)
    }

    /// Remembers whether the context is in audience `index`.
    pub(crate) fn remember_audience(&self, index: u32, joined: bool) {
        let Some(bit) = 1u64.checked_shl(index) else {
            return;
        };
        self.audiences_decided
            .set(self.audiences_decided.get() | bit);
        if joined {
            self.audiences_joined.set(self.audiences_joined.get() | bit);
        }
    }

    /// Whether attribute `id` is present; known without reading when it was hashed.
    #[inline]
    pub(crate) fn has(&self, id: AttrId) -> bool {
        matches!(self.hashed.get(), Some((hashed, _)) if hashed == id) || self.read(id).is_some()
    }

    /// `value_hash` (BUCKETING.md §2) of attribute `id`'s text; `None` when missing.
    #[inline]
    pub(crate) fn value_hash(&self, id: AttrId) -> Option<u64> {
        match self.hashed.get() {
            Some((hashed, hash)) if hashed == id => Some(hash),
            _ => {
                let hash = self.read(id)?.with_text(value_hash);
                self.hashed.set(Some((id, hash)));
                Some(hash)
            }
        }
    }
}

/// Assigns [`AttrId`]s while compiling.
#[derive(Debug, Default)]
pub(crate) struct Interner {
    names: Vec<String>,
    /// Ids ordered by name, for binary search. Inserting moves 2 bytes per
    /// id (a BTreeMap was 2.5 KB of WebAssembly); datafiles read a few dozen.
    by_name: Vec<AttrId>,
    /// Set once more names arrive than an [`AttrId`] can number.
    overflow: bool,
}

impl Interner {
    /// The id of `name`. Past the limit it answers 0 and [`Interner::finish`] fails.
    pub(crate) fn intern(&mut self, name: &str) -> AttrId {
        let at = match self.find(name) {
            Ok(id) => return id,
            Err(at) => at,
        };
        let Ok(id) = AttrId::try_from(self.names.len()) else {
            self.overflow = true;
            return 0;
        };
        self.by_name.insert(at, id);
        self.names.push(name.to_owned());
        id
    }

    /// The id of `name`, or where it belongs in `by_name`.
    fn find(&self, name: &str) -> Result<AttrId, usize> {
        let name_of = |id: AttrId| self.names.get(usize::from(id)).map_or("", String::as_str);
        let at = self.by_name.partition_point(|&id| name_of(id) < name);
        match self.by_name.get(at) {
            Some(&id) if name_of(id) == name => Ok(id),
            _ => Err(at),
        }
    }

    pub(crate) fn finish(mut self) -> Result<AttributeTable, DatafileError> {
        // A slot-based `Attributes` needs `key` in the table to fall back to.
        let user_id_fallback = self
            .find("userId")
            .ok()
            .map(|user_id| (user_id, self.intern("key")));
        if self.overflow {
            return Err(DatafileError::new(
                "",
                "more than 65536 distinct attribute names",
            ));
        }
        Ok(AttributeTable {
            names: self.names,
            user_id_fallback,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::cmp::Ordering;

    fn context(value: Value) -> Context {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn top_level_fields_shadow_attributes() {
        let ctx = context(json!({
            "key": "u1", "appVersion": "2.0",
            "attributes": { "key": "other", "appVersion": "1.0", "plan": "pro" }
        }));
        assert_eq!(ctx.get(0, "key"), Some(AttrValue::Str("u1")));
        assert_eq!(ctx.get(0, "appVersion"), Some(AttrValue::Str("2.0")));
        assert_eq!(ctx.get(0, "plan"), Some(AttrValue::Str("pro")));
    }

    #[test]
    fn attributes_fill_in_when_top_level_is_absent() {
        let ctx = context(json!({ "attributes": { "key": "k", "appVersion": "1.0" } }));
        assert_eq!(ctx.get(0, "key"), Some(AttrValue::Str("k")));
        assert_eq!(ctx.get(0, "appVersion"), Some(AttrValue::Str("1.0")));
    }

    #[test]
    fn user_id_falls_back_to_key() {
        let ctx = Context::with_key("u1");
        assert_eq!(ctx.get(0, "userId"), Some(AttrValue::Str("u1")));
        let own = Context::with_key("u1").with_attribute("userId", "u2");
        assert_eq!(own.get(0, "userId"), Some(AttrValue::Str("u2")));
        assert_eq!(Context::default().get(0, "userId"), None);
    }

    #[test]
    fn only_scalars_are_values() {
        let ctx = context(json!({ "attributes": {
            "n": 3.5, "b": false, "null": null, "list": [1], "obj": {}
        }}));
        assert_eq!(ctx.get(0, "n"), Some(AttrValue::Num(3.5)));
        assert_eq!(ctx.get(0, "b"), Some(AttrValue::Bool(false)));
        for missing in ["null", "list", "obj", "absent"] {
            assert_eq!(ctx.get(0, missing), None, "{missing}");
        }
    }

    // Without correctly rounded parsing this lands one ulp off and prints
    // differently from JavaScript's `String(JSON.parse(...))`.
    #[test]
    fn big_json_numbers_parse_like_javascript() {
        let ctx: Context =
            serde_json::from_str(r#"{ "attributes": { "id": 123456789012345680000 } }"#).unwrap();
        let text = ctx.get(0, "id").unwrap().to_text();
        assert_eq!(text.as_str(), "123456789012345680000");
    }

    // The reader keeps the last value read: every read, in any order, must
    // still give what the context holds (and `userId` must fall back to `key`).
    #[test]
    fn reader_reads_what_the_context_holds_in_any_order() {
        let mut interner = Interner::default();
        let names = ["country", "userId", "plan", "absent", "key"];
        let ids = names.map(|name| interner.intern(name));
        let table = interner.finish().unwrap();
        let ctx = Context::with_key("u1")
            .with_attribute("country", "NO")
            .with_attribute("plan", 3);
        let reader = Reader::new(&ctx, &table);
        let expected = |i: usize| match names[i] {
            "userId" => ctx.get(0, "key"),
            name => ctx.get(0, name),
        };
        for round in 0..3 {
            for step in 0..names.len() * 2 {
                let i = (step * (round + 1) + step / 3) % names.len();
                assert_eq!(reader.read(ids[i]), expected(i), "{}", names[i]);
                assert_eq!(reader.has(ids[i]), expected(i).is_some(), "{}", names[i]);
            }
        }
        assert_eq!(reader.value_hash(ids[1]), Some(value_hash("u1")));
        assert!(reader.has(ids[1]) && !reader.has(ids[3]));
        assert_eq!(reader.read(AttrId::MAX), None, "an id past the table");
    }

    #[test]
    fn reader_remembers_the_first_64_audiences() {
        let table = Interner::default().finish().unwrap();
        let ctx = Context::default();
        let reader = Reader::new(&ctx, &table);
        for (index, joined) in [(0, true), (3, false), (63, true), (64, true), (900, false)] {
            assert_eq!(reader.audience(index), None);
            reader.remember_audience(index, joined);
            let remembered = (index < 64).then_some(joined);
            assert_eq!(reader.audience(index), remembered, "audience {index}");
        }
        assert_eq!(reader.audience(1), None);
    }

    // The reader parses `appVersion` once and borrows its identifiers; a
    // number (an `attributes.appVersion` of 2.5) reads as its text, 2.5.0.
    #[test]
    fn reader_reads_app_version_as_a_version() {
        let mut interner = Interner::default();
        let id = interner.intern("appVersion");
        let table = interner.finish().unwrap();
        let min = crate::version::parse_strict_semver("2.5.0").unwrap();
        let cases = [
            (
                json!({ "attributes": { "appVersion": 2.5 } }),
                Some(Ordering::Equal),
            ),
            (json!({ "appVersion": "v2.5.0-rc.1" }), Some(Ordering::Less)),
            (json!({ "appVersion": "2.10" }), Some(Ordering::Greater)),
            (json!({ "appVersion": "2.x" }), None),
            (json!({ "attributes": { "appVersion": true } }), None),
            (json!({}), None),
        ];
        for (ctx, expected) in cases {
            let ctx = context(ctx);
            let reader = Reader::new(&ctx, &table);
            for _ in 0..2 {
                let ordering = reader.app_version(id).map(|v| v.compare(&min));
                assert_eq!(ordering, expected, "{ctx:?}");
            }
        }
    }

    #[test]
    fn text_and_number_forms() {
        assert_eq!(AttrValue::Num(2.0).to_text().as_str(), "2");
        assert_eq!(AttrValue::Bool(true).to_text().as_str(), "true");
        assert_eq!(AttrValue::Str("1e3").to_number(), Some(1000.0));
        assert_eq!(AttrValue::Str("inf").to_number(), None);
        assert_eq!(AttrValue::Str("abc").to_number(), None);
        assert_eq!(AttrValue::Bool(true).to_number(), None);
    }
}
