//! Datafile v1: the wire format one environment is published in.
//!
//! The control plane builds these structs and serializes them; SDKs and the
//! server parse them with [`crate::Datafile::parse`] and compile them once into
//! [`crate::CompiledDatafile`]. There is exactly one schema: this file.
//! Reading is hand-written (`decode.rs`: defaults, `null` as absent, error
//! paths); writing is serde's `Serialize`.

use alloc::{boxed::Box, collections::BTreeMap, string::String, vec::Vec};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::Value;

/// The schema version this crate reads and writes.
pub const SCHEMA_VERSION: u32 = 1;

/// One environment's compiled, self-contained flag configuration.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Datafile {
    /// Always [`SCHEMA_VERSION`]; a reader rejects versions it does not know.
    pub schema_version: u32,
    /// Monotonic per environment, starting at 1.
    pub revision: u64,
    /// RFC 3339 instant of publication.
    pub published_at: String,
    /// The environment this datafile belongs to.
    pub environment: EnvironmentRef,
    /// Every flag of the environment's project, in a stable order (by key).
    pub flags: Vec<Flag>,
    /// The audiences that rules of `flags` refer to.
    pub audiences: Vec<Audience>,
    /// Events SDKs may `track` (contract 004 flag events).
    pub events: Vec<EventDef>,
}

/// Identifies the environment a datafile was published for.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EnvironmentRef {
    /// Environment id.
    pub id: String,
    /// Environment key (`production`, `staging`, …).
    pub key: String,
    /// Whether this is a production environment.
    pub production: bool,
}

/// The type of a flag's variation values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FlagType {
    /// Values are JSON booleans.
    Boolean,
    /// Values are JSON strings.
    String,
    /// Values are JSON numbers.
    Number,
    /// Values are any JSON.
    Json,
}

impl FlagType {
    /// The wire name, e.g. `BOOLEAN`.
    pub const fn as_str(self) -> &'static str {
        match self {
            FlagType::Boolean => "BOOLEAN",
            FlagType::String => "STRING",
            FlagType::Number => "NUMBER",
            FlagType::Json => "JSON",
        }
    }
}

/// Lifecycle status of a flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FlagStatus {
    /// Created, never enabled.
    Draft,
    /// Enabled at least once.
    Active,
    /// Retired: always serves its off variation.
    Archived,
}

/// One flag with its configuration in this datafile's environment.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Flag {
    /// Unique key within the datafile.
    pub key: String,
    /// Value type; every variation's value must match it.
    #[serde(rename = "type")]
    pub flag_type: FlagType,
    /// Lifecycle status.
    pub status: FlagStatus,
    /// The possible values, addressed by their unique `key`.
    pub variations: Vec<Variation>,
    /// Variation served when the flag is archived, disabled, scheduled for
    /// later, or its rollout condition is not met.
    pub off_variation: String,
    /// Kill switch for this environment.
    pub enabled: bool,
    /// Variation served when enabled and no override or rule applies.
    pub default_variation: String,
    /// Epoch milliseconds before which an enabled flag still serves `off_variation`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scheduled_enable_at: Option<i64>,
    /// Gate evaluated after overrides and before rules.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rollout_condition: Option<RolloutCondition>,
    /// Explicit assignments, evaluated before the rollout condition and rules.
    pub overrides: Vec<Override>,
    /// Ordered rules; evaluation runs every `AB_TEST` rule, then every
    /// `TARGETED_DELIVERY` rule, each group in this order.
    pub rules: Vec<Rule>,
}

/// One possible value of a flag.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Variation {
    /// Unique within the flag.
    pub key: String,
    /// The value served, typed by the flag's [`FlagType`].
    pub value: Value,
}

/// Contract 002's rollout gate.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RolloutCondition {
    /// The context's `appVersion` must be at least this (lenient semver);
    /// a missing version counts as below.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_version: Option<String>,
    /// Epoch milliseconds from which the flag is on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub activation_date: Option<i64>,
}

/// Serves `variation` to contexts whose `attribute` is one of `values`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Override {
    /// Attribute compared: `key`, `userId`, `companyId`, or any other.
    pub attribute: String,
    /// Exact string values that match.
    pub values: Vec<String>,
    /// Key of the variation served.
    pub variation: String,
}

/// The kind of a rule, which decides its evaluation group and its reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RuleType {
    /// An experiment; evaluated first; reason `SPLIT`.
    AbTest,
    /// A targeted or percentage rollout; reason `TARGETING_MATCH`.
    TargetedDelivery,
}

/// A targeting rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Rule {
    /// Stable id: bucketing is salted with it, so reordering does not reshuffle users.
    pub id: String,
    /// Evaluation group and reason.
    #[serde(rename = "type")]
    pub rule_type: RuleType,
    /// The context must belong to at least one of these audiences (by id);
    /// an empty list matches everyone.
    pub audiences: Vec<String>,
    /// Share of matching contexts (0..=1) the rule applies to.
    pub traffic_allocation: f64,
    /// Variation shares (each 0..=1, summing to 1).
    pub variations: Vec<Split>,
    /// Attribute hashed for bucketing; a context without it skips the rule.
    pub hash_attribute: String,
}

/// One variation's share of a rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Split {
    /// Variation key.
    pub variation: String,
    /// Share in 0..=1.
    pub percentage: f64,
}

/// A named set of contexts: explicit members plus conditions.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Audience {
    /// Id that rules refer to.
    pub id: String,
    /// Human name (diagnostics only).
    pub name: String,
    /// Attribute → values; a context whose attribute has one of the values
    /// is in the audience whatever the conditions say.
    #[serde(skip_serializing_if = "MemberLists::is_empty")]
    pub included: MemberLists,
    /// Attribute → values; these contexts are never in the audience.
    #[serde(skip_serializing_if = "MemberLists::is_empty")]
    pub excluded: MemberLists,
    /// Conditions for everyone else; `None` matches nobody but the included.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conditions: Option<Condition>,
}

/// An audience's member lists, `{ attribute: [values] }` on the wire: one
/// list per attribute, in attribute order (as a `BTreeMap` keeps them).
// A sorted Vec rather than a BTreeMap: the map's decoding, insert and drop
// code was 4.6 KB of the WebAssembly module (1.4 KB gzip), for a handful of
// entries.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MemberLists(Vec<(String, Vec<String>)>);

impl MemberLists {
    /// Sets `attribute`'s values, replacing the ones it had.
    pub fn insert(&mut self, attribute: String, values: Vec<String>) {
        match self
            .0
            .binary_search_by(|(name, _)| name.as_str().cmp(&attribute))
        {
            Ok(i) => self.0[i].1 = values,
            Err(i) => self.0.insert(i, (attribute, values)),
        }
    }

    /// The values listed for `attribute`.
    pub fn get(&self, attribute: &str) -> Option<&[String]> {
        let i = self
            .0
            .binary_search_by(|(name, _)| name.as_str().cmp(attribute));
        i.ok().map(|i| self.0[i].1.as_slice())
    }

    /// The lists, in attribute order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &[String])> {
        self.0
            .iter()
            .map(|(name, values)| (name.as_str(), values.as_slice()))
    }

    /// True when no attribute has a list.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<BTreeMap<String, Vec<String>>> for MemberLists {
    fn from(lists: BTreeMap<String, Vec<String>>) -> Self {
        MemberLists(lists.into_iter().collect())
    }
}

impl Serialize for MemberLists {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

/// A boolean expression over context attributes.
///
/// Reading (in `decode.rs`) accepts exactly one of the shapes and names the
/// offending key when a condition is malformed.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Condition {
    /// True when every child is true (true when empty).
    All {
        /// Children.
        all: Vec<Condition>,
    },
    /// True when any child is true (false when empty).
    Any {
        /// Children.
        any: Vec<Condition>,
    },
    /// Negation.
    Not {
        /// Child.
        not: Box<Condition>,
    },
    /// A comparison of one attribute.
    Compare(Comparison),
}

/// `attribute op value(s)`. A missing attribute makes every operator false
/// except that `exists` is the one way to ask about presence.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Comparison {
    /// Attribute name; `key` and `appVersion` name the context's own fields.
    pub attribute: String,
    /// Operator.
    pub op: Operator,
    /// Operand of scalar operators.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
    /// Operands of `in` / `notIn`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<Value>>,
    /// String operators compare case-insensitively (Unicode lowercase).
    #[serde(skip_serializing_if = "core::ops::Not::not")]
    pub case_insensitive: bool,
}

/// Comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Operator {
    /// Equal (strings, numbers, booleans).
    Eq,
    /// Not equal.
    Neq,
    /// One of `values`.
    In,
    /// None of `values`.
    NotIn,
    /// String contains.
    Contains,
    /// String starts with.
    StartsWith,
    /// String ends with.
    EndsWith,
    /// Numeric less than.
    Lt,
    /// Numeric less than or equal.
    Lte,
    /// Numeric greater than.
    Gt,
    /// Numeric greater than or equal.
    Gte,
    /// Semver equal (lenient parse of the attribute).
    SemverEq,
    /// Semver less than.
    SemverLt,
    /// Semver less than or equal.
    SemverLte,
    /// Semver greater than.
    SemverGt,
    /// Semver greater than or equal.
    SemverGte,
    /// Date before (RFC 3339 string or epoch milliseconds).
    Before,
    /// Date after.
    After,
    /// The attribute is present (`value: false` asks for absence).
    Exists,
    /// Matches a regular expression anywhere in the text. Supported syntax:
    /// literals, `.`, classes `[a-z]` / `[^…]`, `\d \w \s \D \W \S`, escaped
    /// metacharacters, anchors `^ $`, groups `( )` / `(?: )`, alternation `|`,
    /// greedy `* + ? {m} {m,} {m,n}`; anything else rejects the datafile.
    Regex,
}

/// A trackable event.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EventDef {
    /// Event key passed to `track`.
    pub key: String,
    /// `CONVERSION` or `NUMERIC`.
    #[serde(rename = "type")]
    pub event_type: EventType,
}

/// Contract 004 event types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EventType {
    /// Binary yes/no.
    Conversion,
    /// A numeric value (mean, e.g. revenue).
    Numeric,
}
