//! `POST /api/sdk/events`: batches of impressions, evaluation summaries and
//! custom (`track`) events. A batch is validated whole and stored as
//! aggregates in one transaction: impressions and evaluations per flag,
//! variation and day, each user's first exposure to a flag, and per user and
//! event key the conversions and values experiment results are computed from.

use super::heartbeat::bounded;
use super::{Delivery, DeliveryError};
use crate::error::{ApiError, ErrorBody};
use crate::extract::parse_json;
use crate::store::{ConversionDelta, DynStore, Tx};
use crate::AppState;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use chrono::Utc;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Most events one request may carry.
pub const MAX_EVENTS: usize = 1_000;
/// Largest request body (413 above).
pub const MAX_EVENTS_BYTES: usize = 512 * 1024;
/// Longest flag key, variation, event key or user key.
const MAX_KEY_LEN: usize = 256;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(post_events))
        .layer(DefaultBodyLimit::max(MAX_EVENTS_BYTES))
}

/// Body of `POST /api/sdk/events` (any content type: `sendBeacon` sends text/plain).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EventBatch {
    pub sdk_key: String,
    pub events: Vec<SdkEvent>,
}

/// One event, by `type`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum SdkEvent {
    /// A user's first exposure (per SDK session) to a flag's variation.
    Impression(Impression),
    /// How often a variation was evaluated in an interval.
    Summary(Summary),
    /// `track(eventKey, value?)`.
    Custom(Custom),
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Impression {
    pub flag_key: String,
    pub variation: String,
    #[serde(default)]
    pub rule_id: Option<String>,
    #[serde(default)]
    pub user_key: Option<String>,
    /// Epoch milliseconds.
    pub timestamp: u64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub flag_key: String,
    pub variation: String,
    /// At least 1.
    pub count: u64,
    pub start_timestamp: u64,
    pub end_timestamp: u64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Custom {
    pub event_key: String,
    /// For NUMERIC events.
    #[serde(default)]
    pub value: Option<f64>,
    #[serde(default)]
    pub user_key: Option<String>,
    pub timestamp: u64,
}

/// `{ "accepted": N }`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Accepted {
    pub accepted: usize,
}

/// Send a batch of SDK events (public; the SDK key identifies the environment).
///
/// At most 1,000 events and 512 KiB; a malformed event rejects the whole
/// batch with an error naming its index and field.
#[utoipa::path(post, path = "/api/sdk/events", tag = "sdk", security(()), request_body = EventBatch,
    responses((status = 202, body = Accepted),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 404, description = "Unknown SDK key", body = ErrorBody),
        (status = 413, description = "More than 1,000 events or 512 KiB", body = ErrorBody),
        (status = 422, description = "An event is invalid; the message names its index and field", body = ErrorBody)))]
async fn post_events(
    State(delivery): State<Delivery>,
    State(store): State<DynStore>,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, axum::Json<Accepted>), DeliveryError> {
    let body = body.map_err(|rejection| match rejection.status() {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge(MAX_EVENTS_BYTES),
        _ => ApiError::BadRequest(rejection.body_text()),
    })?;
    let batch: EventBatch = parse_json(&body)?;
    if batch.events.len() > MAX_EVENTS {
        return Err(DeliveryError::TooManyEvents(MAX_EVENTS));
    }
    let totals = Totals::collect(&batch.events)?;
    let entry = delivery
        .lookup(&batch.sdk_key)
        .await?
        .ok_or(DeliveryError::UnknownKey)?;
    let mut tx = store.begin_write().await?;
    totals.store(&mut *tx, entry.environment_id()).await?;
    tx.commit().await?;
    let accepted = Accepted {
        accepted: batch.events.len(),
    };
    Ok((StatusCode::ACCEPTED, axum::Json(accepted)))
}

/// A validated batch, aggregated so storing it takes one statement per group.
#[derive(Default)]
struct Totals<'a> {
    impressions: BTreeMap<(&'a str, &'a str), i64>,
    /// (flag, user) → (variation, time) of the earliest exposure in the batch.
    exposures: BTreeMap<(&'a str, &'a str), (&'a str, i64)>,
    evaluations: BTreeMap<(&'a str, &'a str), i64>,
    conversions: BTreeMap<(&'a str, &'a str), ConversionDelta>,
}

impl<'a> Totals<'a> {
    /// Validates every event (422 naming `events[i].field`) and adds it up.
    fn collect(events: &'a [SdkEvent]) -> Result<Self, ApiError> {
        let mut totals = Self::default();
        for (index, event) in events.iter().enumerate() {
            let key = |field: &str, value: &'a str| {
                bounded(&format!("events[{index}].{field}"), value, MAX_KEY_LEN)
            };
            match event {
                SdkEvent::Impression(e) => {
                    let flag = key("flagKey", &e.flag_key)?;
                    let variation = key("variation", &e.variation)?;
                    if let Some(rule) = &e.rule_id {
                        key("ruleId", rule)?;
                    }
                    let at = millis(index, "timestamp", e.timestamp)?;
                    *totals.impressions.entry((flag, variation)).or_default() += 1;
                    if let Some(user) = optional_key(index, &e.user_key)? {
                        let first = totals
                            .exposures
                            .entry((flag, user))
                            .or_insert((variation, at));
                        if at < first.1 {
                            *first = (variation, at);
                        }
                    }
                }
                SdkEvent::Summary(e) => {
                    let flag = key("flagKey", &e.flag_key)?;
                    let variation = key("variation", &e.variation)?;
                    let start = millis(index, "startTimestamp", e.start_timestamp)?;
                    if millis(index, "endTimestamp", e.end_timestamp)? < start {
                        return Err(ApiError::invalid(
                            format!("events[{index}].endTimestamp"),
                            "must not be before startTimestamp",
                        ));
                    }
                    let count =
                        i64::try_from(e.count)
                            .ok()
                            .filter(|c| *c >= 1)
                            .ok_or_else(|| {
                                ApiError::invalid(
                                    format!("events[{index}].count"),
                                    "must be an integer of at least 1",
                                )
                            })?;
                    *totals.evaluations.entry((flag, variation)).or_default() += count;
                }
                SdkEvent::Custom(e) => {
                    let event_key = key("eventKey", &e.event_key)?;
                    let at = millis(index, "timestamp", e.timestamp)?;
                    // Anonymous events cannot be attributed to an exposure: accepted, not stored.
                    let Some(user) = optional_key(index, &e.user_key)? else {
                        continue;
                    };
                    let entry =
                        totals
                            .conversions
                            .entry((event_key, user))
                            .or_insert(ConversionDelta {
                                first_ms: at,
                                last_ms: at,
                                ..ConversionDelta::default()
                            });
                    entry.conversions += 1;
                    entry.first_ms = entry.first_ms.min(at);
                    entry.last_ms = entry.last_ms.max(at);
                    if let Some(value) = e.value {
                        entry.value_sum += value;
                        entry.value_count += 1;
                    }
                }
            }
        }
        Ok(totals)
    }

    async fn store(&self, tx: &mut dyn Tx, environment_id: &str) -> Result<(), ApiError> {
        let day = Utc::now().format("%Y-%m-%d").to_string();
        for (&(flag, variation), &count) in &self.impressions {
            tx.add_impressions(environment_id, flag, variation, &day, count)
                .await?;
        }
        for (&(flag, user), &(variation, at)) in &self.exposures {
            tx.insert_exposure(environment_id, flag, user, variation, at)
                .await?;
        }
        for (&(flag, variation), &count) in &self.evaluations {
            tx.add_evaluations(environment_id, flag, variation, &day, count)
                .await?;
        }
        for (&(event_key, user), delta) in &self.conversions {
            tx.add_conversions(environment_id, event_key, user, delta)
                .await?;
        }
        Ok(())
    }
}

/// A `userKey`: null and "" mean anonymous.
fn optional_key(index: usize, user_key: &Option<String>) -> Result<Option<&str>, ApiError> {
    match user_key.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(user) => bounded(&format!("events[{index}].userKey"), user, MAX_KEY_LEN).map(Some),
    }
}

/// An epoch-millisecond timestamp as stored (`i64`).
fn millis(index: usize, field: &str, value: u64) -> Result<i64, ApiError> {
    i64::try_from(value)
        .map_err(|_| ApiError::invalid(format!("events[{index}].{field}"), "is out of range"))
}
