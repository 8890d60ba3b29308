//! SDK heartbeats (contract 004): `POST /api/sdk/heartbeat` records which SDK
//! types and versions fetch each environment's datafile, and
//! `GET …/environments/{envId}/sdks` lists them.

use super::{Delivery, DeliveryError};
use crate::api::paths::EnvPath;
use crate::api::{reply, scope, Data, Reply};
use crate::auth::{need, OrgAccess};
use crate::error::{ApiError, ErrorBody, Result};
use crate::extract::{Json, Path};
use crate::ids::now;
use crate::store::{DynStore, SdkHeartbeat};
use crate::AppState;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Longest accepted `sdkType` / `sdkVersion`.
const MAX_SDK_TYPE_LEN: usize = 100;
const MAX_SDK_VERSION_LEN: usize = 64;

pub fn sdk_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(send_heartbeat))
}

pub fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_sdks))
}

/// Body of `POST /api/sdk/heartbeat`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Heartbeat {
    pub sdk_key: String,
    /// E.g. `@halyard/sdk`.
    pub sdk_type: String,
    pub sdk_version: String,
}

/// `{ "success": true }`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Success {
    pub success: bool,
}

/// Record a heartbeat (public; the SDK key identifies the environment).
///
/// SDKs send one after each successful datafile fetch.
#[utoipa::path(post, path = "/api/sdk/heartbeat", tag = "sdk", security(()), request_body = Heartbeat,
    responses((status = 200, body = Success),
        (status = 404, description = "Unknown SDK key", body = ErrorBody),
        (status = 422, description = "A field is empty or too long", body = ErrorBody)))]
async fn send_heartbeat(
    State(delivery): State<Delivery>,
    State(store): State<DynStore>,
    Json(body): Json<Heartbeat>,
) -> Result<axum::Json<Success>, DeliveryError> {
    let sdk_type = bounded("sdkType", &body.sdk_type, MAX_SDK_TYPE_LEN)?;
    let sdk_version = bounded("sdkVersion", &body.sdk_version, MAX_SDK_VERSION_LEN)?;
    let entry = delivery
        .lookup(&body.sdk_key)
        .await?
        .ok_or(DeliveryError::UnknownKey)?;
    let mut tx = store.begin_write().await?;
    tx.record_heartbeat(entry.environment_id(), sdk_type, sdk_version, now())
        .await?;
    tx.commit().await?;
    Ok(axum::Json(Success { success: true }))
}

/// `value` trimmed, non-empty and at most `max` characters; 422 naming `field` otherwise.
pub fn bounded<'a>(field: &str, value: &'a str, max: usize) -> Result<&'a str> {
    let value = value.trim();
    if value.is_empty() {
        return Err(ApiError::invalid(field, "must not be empty"));
    }
    if value.chars().count() > max {
        return Err(ApiError::invalid(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    Ok(value)
}

/// List the SDKs seen in the environment: type, version, first and last heartbeat, count.
#[utoipa::path(get, path = "/api/orgs/{orgId}/projects/{projectId}/environments/{envId}/sdks",
    tag = "environments", params(EnvPath), responses((status = 200, body = Data<Vec<SdkHeartbeat>>)))]
async fn list_sdks(
    State(store): State<DynStore>,
    _: OrgAccess<need::Read>,
    Path(path): Path<EnvPath>,
) -> Result<Reply<Vec<SdkHeartbeat>>> {
    let mut tx = store.begin().await?;
    let project = scope::project(&mut *tx, &path.org_id, &path.project_id).await?;
    let env = scope::environment(&mut *tx, &project, &path.env_id).await?;
    Ok(reply(tx.list_heartbeats(&env.id).await?))
}
