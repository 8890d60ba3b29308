//! The OpenFeature Remote Evaluation Protocol (OFREP), so any OpenFeature
//! OFREP provider evaluates Halyard flags unchanged:
//! `POST /ofrep/v1/evaluate/flags/{key}`, `POST /ofrep/v1/evaluate/flags`
//! (bulk, with ETag / 304) and `GET /ofrep/v1/configuration`.
//!
//! The SDK key is the credential (`Authorization: Bearer <sdkKey>` or
//! `X-API-Key`). The flat OFREP context maps onto a Halyard context:
//! `targetingKey` → `key`, a string `appVersion` → `appVersion`, every other
//! property → an attribute. Halyard's reasons map onto OpenFeature's;
//! the precise one is in `metadata.halyardReason`.

use crate::delivery::{self, Delivery, DeliveryError};
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use evaluator_core::{xxh64, Context, ErrorCode, Evaluation, Reason};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::sync::Arc;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(evaluate_flag))
        .routes(routes!(evaluate_flags))
        .routes(routes!(configuration))
}

/// Every OFREP failure, answered in the protocol's own shapes.
#[derive(Debug, thiserror::Error)]
pub enum OfrepError {
    #[error("{0}")]
    Unauthorized(&'static str),
    #[error("unknown SDK key")]
    Forbidden,
    #[error("{details}")]
    FlagNotFound { key: String, details: String },
    /// 400 with an OpenFeature error code (PARSE_ERROR, INVALID_CONTEXT).
    #[error("{details}")]
    BadRequest { code: ErrorCode, details: String },
    /// Logged; the response says only "internal error".
    #[error("internal error")]
    General(String),
}

/// `{ key?, errorCode, errorDetails }` (evaluationFailure, flagNotFound, bulkEvaluationFailure).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Failure {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub error_code: Option<ErrorCode>,
    pub error_details: String,
}

impl OfrepError {
    /// The response for a request about flag `key` (`None` for bulk requests).
    fn respond(self, key: Option<&str>) -> Response {
        let details = self.to_string();
        let (status, error_code) = match &self {
            Self::Unauthorized(_) => (StatusCode::UNAUTHORIZED, None),
            Self::Forbidden => (StatusCode::FORBIDDEN, None),
            Self::FlagNotFound { .. } => (StatusCode::NOT_FOUND, Some(ErrorCode::FlagNotFound)),
            Self::BadRequest { code, .. } => (StatusCode::BAD_REQUEST, Some(*code)),
            Self::General(cause) => {
                tracing::error!(%cause, "OFREP evaluation failed");
                (StatusCode::INTERNAL_SERVER_ERROR, None)
            }
        };
        let failure = Failure {
            key: error_code.and(key.map(str::to_owned)),
            error_code,
            error_details: details,
        };
        let mut response = (status, axum::Json(failure)).into_response();
        if status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

/// The SDK key a request authenticates with.
pub struct SdkKey(pub String);

impl<S: Send + Sync> FromRequestParts<S> for SdkKey {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Response> {
        let header_text = |name| {
            parts
                .headers
                .get(name)
                .and_then(|v: &HeaderValue| v.to_str().ok())
        };
        let bearer = header_text(header::AUTHORIZATION)
            .and_then(|value| value.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, key)| key);
        bearer
            .or_else(|| header_text(header::HeaderName::from_static("x-api-key")))
            .map(str::trim)
            .filter(|key| !key.is_empty())
            .map(|key| Self(key.to_owned()))
            .ok_or_else(|| {
                OfrepError::Unauthorized("send the SDK key as `Authorization: Bearer <sdkKey>`")
                    .respond(None)
            })
    }
}

/// The current datafile of `sdk_key`; `None` when never published.
async fn current(
    delivery: &Delivery,
    sdk_key: &str,
) -> Result<Option<Arc<delivery::Prepared>>, OfrepError> {
    match delivery.published(sdk_key).await {
        Ok(prepared) => Ok(Some(prepared)),
        Err(DeliveryError::NotPublished) => Ok(None),
        Err(DeliveryError::UnknownKey) => Err(OfrepError::Forbidden),
        Err(other) => Err(OfrepError::General(other.to_string())),
    }
}

/// `{ "context": { "targetingKey"?, …attributes } }` (evaluationRequest, bulkEvaluationRequest).
#[derive(Debug, Deserialize, ToSchema)]
pub struct EvaluationRequest {
    /// Evaluation context: `targetingKey` plus any attributes.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub context: Option<Value>,
}

/// Reads the request body into a Halyard context; an empty body is an empty context.
fn read_context(body: &[u8]) -> Result<Context, OfrepError> {
    let request: EvaluationRequest = if body.iter().all(u8::is_ascii_whitespace) {
        EvaluationRequest { context: None }
    } else {
        serde_json::from_slice(body).map_err(|error| OfrepError::BadRequest {
            code: ErrorCode::ParseError,
            details: format!("request body is not an evaluation request: {error}"),
        })?
    };
    let invalid = |details: &str| OfrepError::BadRequest {
        code: ErrorCode::InvalidContext,
        details: details.to_owned(),
    };
    let mut attributes = match request.context {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(map)) => map,
        Some(_) => return Err(invalid("context must be an object")),
    };
    let key = match attributes.remove("targetingKey") {
        None | Some(Value::Null) => None,
        Some(Value::String(key)) => Some(key),
        Some(_) => return Err(invalid("targetingKey must be a string")),
    };
    let app_version = match attributes.remove("appVersion") {
        None | Some(Value::Null) => None,
        Some(Value::String(version)) => Some(version),
        Some(_) => return Err(invalid("appVersion must be a string")),
    };
    Ok(Context {
        key,
        app_version,
        attributes,
    })
}

/// A successful evaluation (evaluationSuccess), borrowing the compiled datafile.
#[derive(Debug, Serialize, ToSchema)]
pub struct Success<'a> {
    pub key: &'a str,
    #[schema(value_type = Object)]
    pub value: Option<&'a Value>,
    /// STATIC is never used; DEFAULT, TARGETING_MATCH, SPLIT or DISABLED.
    pub reason: &'static str,
    pub variant: Option<&'a str>,
    pub metadata: Metadata<'a>,
}

/// The flag metadata of an evaluation.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Metadata<'a> {
    /// Halyard's own reason: OpenFeature's plus OVERRIDE, SCHEDULED and ROLLOUT_CONDITION.
    pub halyard_reason: &'static str,
    /// The rule that matched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule_id: Option<&'a str>,
}

impl<'a> Success<'a> {
    fn new(evaluation: &Evaluation<'a>) -> Self {
        Self {
            key: evaluation.flag_key,
            value: evaluation.value,
            reason: openfeature_reason(evaluation.reason),
            variant: evaluation.variation,
            metadata: Metadata {
                halyard_reason: evaluation.reason.as_str(),
                rule_id: evaluation.rule_id,
            },
        }
    }
}

/// OpenFeature's name for a Halyard reason.
fn openfeature_reason(reason: Reason) -> &'static str {
    match reason {
        // Served because of who the context is: user targeting in OpenFeature's terms.
        Reason::TargetingMatch | Reason::Override | Reason::RolloutCondition => "TARGETING_MATCH",
        Reason::Split => "SPLIT",
        Reason::Default => "DEFAULT",
        Reason::Disabled | Reason::Scheduled => "DISABLED",
        Reason::Error => "ERROR",
    }
}

/// Evaluate one flag for a context (server-side OFREP providers).
#[utoipa::path(post, path = "/ofrep/v1/evaluate/flags/{key}", tag = "ofrep",
    security(("bearer" = [])), params(("key" = String, Path, description = "Flag key")),
    request_body = EvaluationRequest,
    responses((status = 200, body = Success),
        (status = 400, description = "PARSE_ERROR or INVALID_CONTEXT", body = Failure),
        (status = 401, description = "No SDK key", body = Failure),
        (status = 403, description = "Unknown SDK key", body = Failure),
        (status = 404, description = "FLAG_NOT_FOUND", body = Failure)))]
async fn evaluate_flag(
    State(delivery): State<Delivery>,
    SdkKey(sdk_key): SdkKey,
    Path(key): Path<String>,
    body: Bytes,
) -> Response {
    evaluate_one(&delivery, &sdk_key, &key, &body)
        .await
        .unwrap_or_else(|error| error.respond(Some(&key)))
}

async fn evaluate_one(
    delivery: &Delivery,
    sdk_key: &str,
    key: &str,
    body: &[u8],
) -> Result<Response, OfrepError> {
    let prepared = current(delivery, sdk_key).await?;
    let context = read_context(body)?;
    let not_found = |details: &str| OfrepError::FlagNotFound {
        key: key.to_owned(),
        details: details.to_owned(),
    };
    let prepared =
        prepared.ok_or_else(|| not_found("the environment has no published datafile"))?;
    let evaluation = prepared.compiled.evaluate(key, &context, now());
    if evaluation.error_code == Some(ErrorCode::FlagNotFound) {
        return Err(not_found(&format!(
            "flag `{key}` is not in the environment's datafile"
        )));
    }
    Ok(axum::Json(Success::new(&evaluation)).into_response())
}

/// The bulk response (bulkEvaluationSuccess).
#[derive(Debug, Serialize, ToSchema)]
pub struct BulkSuccess<'a> {
    pub flags: Vec<Success<'a>>,
}

/// Evaluate every flag for a context (client-side OFREP providers).
///
/// The `ETag` is a digest of the response: send it back as `If-None-Match`
/// and the answer is 304 until a publish, a schedule or a rollout date changes a result.
#[utoipa::path(post, path = "/ofrep/v1/evaluate/flags", tag = "ofrep",
    security(("bearer" = [])),
    params(("If-None-Match" = Option<String>, Header, description = "ETag of the previous response")),
    request_body = EvaluationRequest,
    responses((status = 200, body = BulkSuccess, headers(("ETag" = String))),
        (status = 304, description = "The results have not changed"),
        (status = 400, description = "PARSE_ERROR or INVALID_CONTEXT", body = Failure),
        (status = 401, description = "No SDK key", body = Failure),
        (status = 403, description = "Unknown SDK key", body = Failure)))]
async fn evaluate_flags(
    State(delivery): State<Delivery>,
    SdkKey(sdk_key): SdkKey,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    evaluate_all(&delivery, &sdk_key, &headers, &body)
        .await
        .unwrap_or_else(|error| error.respond(None))
}

async fn evaluate_all(
    delivery: &Delivery,
    sdk_key: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Response, OfrepError> {
    let prepared = current(delivery, sdk_key).await?;
    let context = read_context(body)?;
    let flags = match &prepared {
        Some(prepared) => prepared
            .compiled
            .evaluate_all(&context, now())
            .iter()
            .map(Success::new)
            .collect(),
        None => Vec::new(),
    };
    let json = serde_json::to_vec(&BulkSuccess { flags })
        .map_err(|error| OfrepError::General(error.to_string()))?;
    let etag = format!("\"{:016x}\"", xxh64(&json, 0));
    let etag_header =
        HeaderValue::from_str(&etag).map_err(|error| OfrepError::General(error.to_string()))?;
    let unchanged = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|tags| {
            tags.split(',')
                .map(|tag| tag.trim().trim_start_matches("W/"))
                .any(|tag| tag == etag || tag == "*")
        });
    if unchanged {
        return Ok((StatusCode::NOT_MODIFIED, [(header::ETAG, etag_header)]).into_response());
    }
    let content_type = HeaderValue::from_static("application/json");
    Ok((
        [
            (header::ETAG, etag_header),
            (header::CONTENT_TYPE, content_type),
        ],
        json,
    )
        .into_response())
}

/// What the provider configuration endpoint answers (configurationResponse).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Configuration {
    pub name: &'static str,
    #[schema(value_type = Object)]
    pub capabilities: Value,
}

/// Describe Halyard to OFREP providers: polling is supported, every value type is.
#[utoipa::path(get, path = "/ofrep/v1/configuration", tag = "ofrep", security(("bearer" = [])),
    responses((status = 200, body = Configuration),
        (status = 401, description = "No SDK key", body = Failure),
        (status = 403, description = "Unknown SDK key", body = Failure)))]
async fn configuration(State(delivery): State<Delivery>, SdkKey(sdk_key): SdkKey) -> Response {
    if let Err(error) = current(&delivery, &sdk_key).await {
        return error.respond(None);
    }
    let capabilities = serde_json::json!({
        "cacheInvalidation": { "polling": { "enabled": true, "minPollingIntervalMs": 1000 } },
        "flagEvaluation": { "supportedTypes": ["boolean", "string", "int", "float", "object"] },
    });
    axum::Json(Configuration {
        name: "Halyard",
        capabilities,
    })
    .into_response()
}

fn now() -> i64 {
    Utc::now().timestamp_millis()
}
