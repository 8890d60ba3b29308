//! Rows of the delivery tables: published datafiles, SDK heartbeats and the
//! aggregates SDK events are stored as.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::FromRow;
use utoipa::ToSchema;

/// One published revision of an environment's datafile (immutable).
#[derive(Debug, Clone, FromRow)]
pub struct DatafileRevision {
    pub environment_id: String,
    pub revision: i64,
    /// Hex digest of `body`; the HTTP ETag derives from it.
    pub etag: String,
    /// The datafile JSON exactly as SDKs download it.
    pub body: String,
    pub published_at: DateTime<Utc>,
    pub published_by: String,
    /// The revision a rollback re-published.
    pub source_revision: Option<i64>,
}

/// A revision as listed: everything but the body.
#[derive(Debug, Clone, FromRow, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RevisionSummary {
    pub revision: i64,
    /// The datafile's strong ETag (without quotes).
    pub etag: String,
    /// Size of the datafile JSON in bytes.
    pub size: i64,
    pub published_at: DateTime<Utc>,
    /// Name of the token that published it.
    pub published_by: String,
    /// Set when the revision is a rollback: the revision whose content it re-published.
    pub source_revision: Option<i64>,
}

/// An environment found by SDK key, with its current datafile if it has one.
#[derive(Debug, Clone, FromRow)]
pub struct CurrentDatafile {
    pub environment_id: String,
    pub revision: i64,
    pub etag: Option<String>,
    pub body: Option<String>,
}

/// Where each environment stands; compared between polls to notice publishes.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct EnvironmentHead {
    pub id: String,
    pub sdk_key: String,
    pub revision: i64,
}

/// SDKs of one type and version seen in an environment.
#[derive(Debug, Clone, FromRow, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SdkHeartbeat {
    pub sdk_type: String,
    pub sdk_version: String,
    pub first_seen_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    /// Heartbeats received (one per successful datafile fetch).
    pub heartbeats: i64,
}

/// What one batch adds to a user's custom events of one key.
#[derive(Debug, Clone, Default)]
pub struct ConversionDelta {
    pub conversions: i64,
    pub value_sum: f64,
    pub value_count: i64,
    /// Earliest and latest event time (SDK clock, epoch ms).
    pub first_ms: i64,
    pub last_ms: i64,
}

/// A count per environment and variation of one flag (impressions,
/// evaluations or exposed users).
#[derive(Debug, Clone, FromRow)]
pub struct VariationCount {
    pub environment_id: String,
    pub variation: String,
    pub total: i64,
}

/// Evaluations of a flag's variation in one environment, for the stale indicator.
#[derive(Debug, Clone, FromRow)]
pub struct ServedCount {
    pub environment_id: String,
    pub flag_key: String,
    pub variation: String,
    pub evaluations: i64,
}

/// What the users exposed to one variation did with one event key.
#[derive(Debug, Clone, FromRow)]
pub struct ConversionTotal {
    pub environment_id: String,
    pub variation: String,
    pub event_key: String,
    /// Exposed users with at least one such event after their first exposure.
    pub users: i64,
    pub conversions: i64,
    pub value_sum: f64,
    pub value_count: i64,
}
