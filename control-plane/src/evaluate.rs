//! Server-side evaluation through the management API:
//! `POST …/environments/{envId}/evaluate` runs evaluator-core over the
//! environment's current published datafile (compiled once per revision).

use crate::api::paths::EnvPath;
use crate::api::{reply, scope, Data, Reply};
use crate::auth::{need, OrgAccess};
use crate::delivery::{Delivery, DeliveryError};
use crate::error::{ApiError, Result};
use crate::extract::{Json, Path};
use crate::store::DynStore;
use crate::AppState;
use axum::extract::State;
use chrono::Utc;
use evaluator_core::{parse_rfc3339_ms, Context, ErrorCode, Evaluation, FlagType, Reason};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(evaluate))
}

/// Body of `POST …/evaluate`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EvaluateRequest {
    /// `{ "key"?, "appVersion"?, "attributes"?: { name: string | number | boolean } }`.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub context: Context,
    /// Evaluate only this flag; all flags when absent.
    pub flag_key: Option<String>,
    /// Evaluation time: epoch milliseconds or RFC 3339; the server's clock when absent.
    #[schema(value_type = Option<Object>)]
    pub now: Option<Instant>,
    /// Returned as the value when evaluation fails (null when absent).
    #[schema(value_type = Option<Object>)]
    pub default_value: Option<Value>,
    /// Ask for this type, as an SDK's typed getter does (TYPE_MISMATCH otherwise).
    pub value_type: Option<ValueType>,
}

/// A point in time as the request gives it.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Instant {
    EpochMillis(i64),
    Rfc3339(String),
}

/// The type a typed getter asks for.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ValueType {
    Boolean,
    String,
    Number,
    Json,
}

impl From<ValueType> for FlagType {
    fn from(value: ValueType) -> Self {
        match value {
            ValueType::Boolean => Self::Boolean,
            ValueType::String => Self::String,
            ValueType::Number => Self::Number,
            ValueType::Json => Self::Json,
        }
    }
}

/// What `…/evaluate` answers.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Evaluated {
    /// The datafile revision evaluated.
    pub revision: i64,
    /// The evaluation time used (epoch milliseconds).
    pub now: i64,
    /// One result, or one per flag in datafile order.
    pub results: Vec<FlagResult>,
}

/// Evaluator-core's result object, with the flag's key.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FlagResult {
    pub flag_key: String,
    /// The served value; the request's `defaultValue` on errors.
    #[schema(value_type = Object)]
    pub value: Value,
    pub variation: Option<String>,
    /// TARGETING_MATCH, SPLIT, DEFAULT, DISABLED, ERROR, OVERRIDE, SCHEDULED or ROLLOUT_CONDITION.
    #[schema(value_type = String)]
    pub reason: Reason,
    pub rule_id: Option<String>,
    /// FLAG_NOT_FOUND or TYPE_MISMATCH when `reason` is ERROR.
    #[schema(value_type = Option<String>)]
    pub error_code: Option<ErrorCode>,
    /// Whether `appVersion` meets the rollout condition's minimum version.
    pub version_sufficient: Option<bool>,
    /// Whether the rollout condition's activation date has passed.
    pub date_reached: Option<bool>,
}

impl FlagResult {
    /// `flag_key` names the flag when the datafile does not have it.
    fn new(flag_key: &str, evaluation: &Evaluation<'_>, default_value: Option<&Value>) -> Self {
        let value = match evaluation.value {
            Some(value) => value.clone(),
            None => default_value.cloned().unwrap_or(Value::Null),
        };
        Self {
            flag_key: flag_key.to_owned(),
            value,
            variation: evaluation.variation.map(str::to_owned),
            reason: evaluation.reason,
            rule_id: evaluation.rule_id.map(str::to_owned),
            error_code: evaluation.error_code,
            version_sufficient: evaluation.version_sufficient,
            date_reached: evaluation.date_reached,
        }
    }
}

/// Evaluate one flag, or all, for a context against the environment's current datafile.
#[utoipa::path(post, path = "/api/orgs/{orgId}/projects/{projectId}/environments/{envId}/evaluate",
    tag = "environments", params(EnvPath), request_body = EvaluateRequest,
    responses((status = 200, body = Data<Evaluated>)))]
async fn evaluate(
    State(store): State<DynStore>,
    State(delivery): State<Delivery>,
    _: OrgAccess<need::Read>,
    Path(path): Path<EnvPath>,
    Json(body): Json<EvaluateRequest>,
) -> Result<Reply<Evaluated>> {
    let now = match &body.now {
        None => Utc::now().timestamp_millis(),
        Some(Instant::EpochMillis(ms)) => *ms,
        Some(Instant::Rfc3339(text)) => parse_rfc3339_ms(text)
            .ok_or_else(|| ApiError::invalid("now", "must be epoch milliseconds or RFC 3339"))?,
    };
    let env = {
        let mut tx = store.begin().await?;
        let project = scope::project(&mut *tx, &path.org_id, &path.project_id).await?;
        scope::environment(&mut *tx, &project, &path.env_id).await?
    };
    let prepared = delivery
        .published(&env.sdk_key)
        .await
        .map_err(|error| match error {
            DeliveryError::Api(error) => error,
            _ => ApiError::not_found(format!("published datafile of environment `{}`", env.key)),
        })?;
    let compiled = &prepared.compiled;
    let default_value = body.default_value.as_ref();
    let results = match (&body.flag_key, body.value_type) {
        (Some(key), Some(value_type)) => {
            vec![compiled.evaluate_typed(key, value_type.into(), &body.context, now)]
        }
        (Some(key), None) => vec![compiled.evaluate(key, &body.context, now)],
        (None, _) => compiled.evaluate_all(&body.context, now),
    };
    Ok(reply(Evaluated {
        revision: prepared.revision,
        now,
        results: results
            .iter()
            .map(|evaluation| {
                let key = body.flag_key.as_deref().unwrap_or(evaluation.flag_key);
                FlagResult::new(key, evaluation, default_value)
            })
            .collect(),
    }))
}
