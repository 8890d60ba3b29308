//! Organization API tokens: the secret is shown once, only its hash is kept.

use super::paths::{OrgPath, TokenPath};
use super::{created, reply, scope, Data, Reply};
use crate::audit::Change;
use crate::auth::{need, token_for_secret, OrgAccess};
use crate::error::{ApiError, Result};
use crate::extract::{Json, Path};
use crate::ids::new_token_secret;
use crate::store::{ApiToken, DynStore, Permission};
use crate::{validate, AppState};
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_tokens, create_token))
        .routes(routes!(revoke_token))
}

/// Body of `POST /api/orgs/{orgId}/tokens`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewToken {
    pub name: String,
    /// At least one of read, write, createExperiments, publishProduction, admin.
    pub permissions: Vec<Permission>,
}

/// A new token with its secret, which is never shown again.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreatedToken {
    #[serde(flatten)]
    pub token: ApiToken,
    /// Send as `Authorization: Bearer <secret>`.
    pub secret: String,
}

/// List the organization's tokens, revoked ones included (`admin`).
#[utoipa::path(get, path = "/api/orgs/{orgId}/tokens", tag = "tokens", params(OrgPath),
    responses((status = 200, body = Data<Vec<ApiToken>>)))]
async fn list_tokens(
    State(store): State<DynStore>,
    _: OrgAccess<need::Admin>,
    Path(path): Path<OrgPath>,
) -> Result<Reply<Vec<ApiToken>>> {
    let mut tx = store.begin().await?;
    scope::org(&mut *tx, &path.org_id).await?;
    Ok(reply(tx.list_tokens(&path.org_id).await?))
}

/// Create a token (`admin`). The response holds the secret, shown this once.
#[utoipa::path(post, path = "/api/orgs/{orgId}/tokens", tag = "tokens", params(OrgPath),
    request_body = NewToken, responses((status = 201, body = Data<CreatedToken>)))]
async fn create_token(
    State(store): State<DynStore>,
    access: OrgAccess<need::Admin>,
    Path(path): Path<OrgPath>,
    Json(body): Json<NewToken>,
) -> Result<(StatusCode, Reply<CreatedToken>)> {
    let name = validate::name("name", &body.name)?;
    if body.permissions.is_empty() {
        return Err(ApiError::invalid(
            "permissions",
            "must name at least one permission",
        ));
    }
    let mut permissions = body.permissions;
    permissions.sort_by_key(|permission| permission.as_str());
    permissions.dedup();
    let secret = new_token_secret();
    let token = token_for_secret(Some(&path.org_id), &name, permissions, &secret);
    let mut tx = store.begin_write().await?;
    scope::org(&mut *tx, &path.org_id).await?;
    tx.insert_token(&token).await?;
    let change = Change::new("token.create", "token", &token.id).after(&token)?;
    access.writer().record(&mut *tx, change).await?;
    tx.commit().await?;
    Ok(created(CreatedToken { token, secret }))
}

/// Revoke a token (`admin`); it answers 401 from now on.
#[utoipa::path(delete, path = "/api/orgs/{orgId}/tokens/{tokenId}", tag = "tokens",
    params(TokenPath), responses((status = 200, body = Data<ApiToken>)))]
async fn revoke_token(
    State(store): State<DynStore>,
    access: OrgAccess<need::Admin>,
    Path(path): Path<TokenPath>,
) -> Result<Reply<ApiToken>> {
    let mut tx = store.begin_write().await?;
    let not_found = || ApiError::not_found(format!("token `{}`", path.token_id));
    let before = tx
        .get_token(&path.org_id, &path.token_id)
        .await?
        .ok_or_else(not_found)?;
    let writer = access.writer();
    tx.revoke_token(&before.id, writer.now).await?;
    let token = tx
        .get_token(&path.org_id, &path.token_id)
        .await?
        .ok_or_else(not_found)?;
    let change = Change::new("token.revoke", "token", &token.id);
    writer
        .record(&mut *tx, change.before(&before)?.after(&token)?)
        .await?;
    tx.commit().await?;
    Ok(reply(token))
}
