//! Rows as stored. The simple ones double as API representations.

use super::text::{text_enum, JsonText};
use chrono::{DateTime, Utc};
use evaluator_core::Condition;
use serde::Serialize;
use serde_json::Value;
use sqlx::FromRow;
use std::collections::BTreeMap;
use utoipa::ToSchema;

text_enum! {
    /// The type of a flag's variation values.
    pub enum FlagType { Boolean = "BOOLEAN", String = "STRING", Number = "NUMBER", Json = "JSON" }
}

text_enum! {
    /// Lifecycle: DRAFT until first enabled somewhere, then ACTIVE, ARCHIVED when retired.
    pub enum FlagStatus { Draft = "DRAFT", Active = "ACTIVE", Archived = "ARCHIVED" }
}

text_enum! {
    /// AB_TEST rules are evaluated before TARGETED_DELIVERY rules.
    pub enum RuleType { AbTest = "AB_TEST", TargetedDelivery = "TARGETED_DELIVERY" }
}

text_enum! {
    /// CONVERSION (binary yes/no) or NUMERIC (mean value, e.g. revenue).
    pub enum EventType { Conversion = "CONVERSION", Numeric = "NUMERIC" }
}

text_enum! {
    /// What an organization token may do; `admin` implies every other permission.
    pub enum Permission {
        Read = "read",
        Write = "write",
        CreateExperiments = "createExperiments",
        PublishProduction = "publishProduction",
        Admin = "admin",
    }
}

/// A tenant.
#[derive(Debug, Clone, FromRow, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Organization {
    pub id: String,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A project of an organization; flags, audiences and events live in one.
#[derive(Debug, Clone, FromRow, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Project {
    pub id: String,
    pub org_id: String,
    pub key: String,
    pub name: String,
    pub description: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A deployment target of a project with its own flag configs and datafile.
#[derive(Debug, Clone, FromRow, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Environment {
    pub id: String,
    pub project_id: String,
    pub key: String,
    pub name: String,
    /// Public key SDKs fetch this environment's datafile with.
    pub sdk_key: String,
    /// Changes here need the `publishProduction` permission.
    pub production: bool,
    /// Publishes after every change instead of waiting for an explicit publish.
    pub auto_publish: bool,
    /// Latest published revision (0 = never published).
    pub revision: i64,
    pub published_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A flag definition (environment-independent part).
#[derive(Debug, Clone, FromRow)]
pub struct Flag {
    pub id: String,
    pub project_id: String,
    pub key: String,
    pub name: String,
    pub description: String,
    pub flag_type: FlagType,
    pub status: FlagStatus,
    /// The variation served when the flag is off (`defaultVariationKey` in the API).
    pub off_variation_id: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One possible value of a flag.
#[derive(Debug, Clone, FromRow)]
pub struct Variation {
    pub id: String,
    pub flag_id: String,
    pub key: String,
    pub name: String,
    pub value: JsonText<Value>,
    pub sort_order: i64,
}

/// A flag's configuration in one environment.
#[derive(Debug, Clone, FromRow)]
pub struct FlagConfig {
    pub flag_id: String,
    pub environment_id: String,
    pub enabled: bool,
    /// Served when enabled and no override or rule applies.
    pub default_variation_id: String,
    pub scheduling_enabled: bool,
    pub scheduled_enable_at: Option<DateTime<Utc>>,
    pub timezone: String,
    pub min_version: Option<String>,
    pub activation_date: Option<DateTime<Utc>>,
    pub has_pending_changes: bool,
    /// Optimistic-concurrency version, bumped by every change of the config, its rules or overrides.
    pub version: i64,
    pub updated_at: DateTime<Utc>,
}

/// A targeting rule of a flag in one environment.
#[derive(Debug, Clone, FromRow)]
pub struct Rule {
    pub id: String,
    pub flag_id: String,
    pub environment_id: String,
    pub rule_type: RuleType,
    pub name: String,
    pub traffic_allocation: f64,
    pub hash_attribute: String,
    pub sort_order: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A variation's share of a rule.
#[derive(Debug, Clone, FromRow)]
pub struct RuleVariation {
    pub rule_id: String,
    pub variation_id: String,
    pub percentage: f64,
    pub sort_order: i64,
}

/// An audience a rule targets.
#[derive(Debug, Clone, FromRow)]
pub struct RuleAudience {
    pub rule_id: String,
    pub audience_id: String,
    pub sort_order: i64,
}

/// Serves a variation to contexts whose attribute has one of the values.
#[derive(Debug, Clone, FromRow)]
pub struct Override {
    pub flag_id: String,
    pub environment_id: String,
    pub sort_order: i64,
    pub attribute: String,
    pub match_values: JsonText<Vec<String>>,
    pub variation_id: String,
}

/// A named set of contexts: explicit members plus conditions.
#[derive(Debug, Clone, FromRow, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Audience {
    pub id: String,
    pub project_id: String,
    pub key: String,
    pub name: String,
    pub description: String,
    /// Attribute → values that are always members.
    #[schema(value_type = BTreeMap<String, Vec<String>>)]
    pub included: JsonText<BTreeMap<String, Vec<String>>>,
    /// Attribute → values that are never members (wins over everything).
    #[schema(value_type = BTreeMap<String, Vec<String>>)]
    pub excluded: JsonText<BTreeMap<String, Vec<String>>>,
    /// Datafile v1 condition tree (`all`/`any`/`not`/comparison); null matches only the included.
    #[schema(value_type = Option<Object>)]
    pub conditions: Option<JsonText<Condition>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A trackable event (contract 004 flag event).
#[derive(Debug, Clone, FromRow, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FlagEvent {
    pub id: String,
    pub project_id: String,
    pub key: String,
    pub name: String,
    pub description: String,
    #[serde(rename = "type")]
    pub event_type: EventType,
    pub created_at: DateTime<Utc>,
}

/// An API token; only its SHA-256 hash is stored.
#[derive(Debug, Clone, FromRow, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApiToken {
    pub id: String,
    /// `null` for super-admin tokens.
    pub org_id: Option<String>,
    pub name: String,
    #[serde(skip)]
    pub token_hash: String,
    /// The first characters of the secret, to tell tokens apart.
    pub token_prefix: String,
    #[schema(value_type = Vec<Permission>)]
    pub permissions: JsonText<Vec<Permission>>,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// One recorded change.
#[derive(Debug, Clone, FromRow, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuditEntry {
    /// Monotonic sequence number; also the pagination cursor.
    #[serde(rename = "id")]
    pub seq: i64,
    pub org_id: String,
    pub actor_id: String,
    pub actor_name: String,
    /// `flag.create`, `flag.config.update`, `environment.publish`, …
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    #[serde(rename = "before")]
    #[schema(value_type = Option<Object>)]
    pub before_state: Option<JsonText<Value>>,
    #[serde(rename = "after")]
    #[schema(value_type = Option<Object>)]
    pub after_state: Option<JsonText<Value>>,
    pub created_at: DateTime<Utc>,
}

/// An audit entry to append; the database assigns its `seq`.
#[derive(Debug)]
pub struct NewAuditEntry<'a> {
    pub org_id: &'a str,
    pub actor_id: &'a str,
    pub actor_name: &'a str,
    pub action: &'a str,
    pub entity_type: &'a str,
    pub entity_id: &'a str,
    pub before: Option<JsonText<Value>>,
    pub after: Option<JsonText<Value>>,
    pub created_at: DateTime<Utc>,
}

/// Which audit entries to list, newest first.
#[derive(Debug, Default)]
pub struct AuditFilter {
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    /// Only entries older than this sequence number (the page cursor).
    pub before_seq: Option<i64>,
    pub limit: i64,
}
