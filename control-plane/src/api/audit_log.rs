//! `GET /api/orgs/{orgId}/audit-log`: the organization's changes, newest first.

use super::paths::OrgPath;
use super::scope;
use crate::auth::{need, OrgAccess};
use crate::error::{ApiError, Result};
use crate::extract::{Path, Query};
use crate::store::{AuditEntry, AuditFilter, DynStore};
use crate::AppState;
use axum::extract::State;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

const DEFAULT_LIMIT: u32 = 50;
const MAX_LIMIT: u32 = 500;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_audit_log))
}

/// Filters and pagination.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// `organization`, `project`, `environment`, `flag`, `audience`, `event` or `token`.
    pub entity_type: Option<String>,
    /// The entity's id (flag changes of every environment are recorded on the flag).
    pub entity_id: Option<String>,
    /// Entries at or after this RFC 3339 instant.
    pub from: Option<String>,
    /// Entries before this RFC 3339 instant.
    pub to: Option<String>,
    /// Page size, 1 to 500 (default 50).
    pub limit: Option<u32>,
    /// `nextCursor` of the previous page.
    pub cursor: Option<String>,
}

/// A page of entries.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuditPage {
    pub data: Vec<AuditEntry>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

fn parse_instant(field: &str, value: Option<&str>) -> Result<Option<DateTime<Utc>>> {
    value
        .map(|text| {
            DateTime::parse_from_rfc3339(text)
                .map(|instant| instant.with_timezone(&Utc))
                .map_err(|_| {
                    ApiError::invalid(field, format!("`{text}` is not an RFC 3339 date-time"))
                })
        })
        .transpose()
}

/// The organization's audit log (`read`), filtered by entity and time, newest first.
#[utoipa::path(get, path = "/api/orgs/{orgId}/audit-log", tag = "audit log",
    params(OrgPath, AuditQuery), responses((status = 200, body = AuditPage)))]
async fn list_audit_log(
    State(store): State<DynStore>,
    _: OrgAccess<need::Read>,
    Path(path): Path<OrgPath>,
    Query(query): Query<AuditQuery>,
) -> Result<axum::Json<AuditPage>> {
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::invalid(
            "limit",
            format!("must be between 1 and {MAX_LIMIT}"),
        ));
    }
    let from = parse_instant("from", query.from.as_deref())?;
    let to = parse_instant("to", query.to.as_deref())?;
    let cursor = query
        .cursor
        .as_deref()
        .map(|text| {
            text.parse::<i64>()
                .map_err(|_| ApiError::invalid("cursor", "is not a cursor this API returned"))
        })
        .transpose()?;
    let mut tx = store.begin().await?;
    scope::org(&mut *tx, &path.org_id).await?;
    let filter = AuditFilter {
        entity_type: query.entity_type,
        entity_id: query.entity_id,
        from,
        to,
        before_seq: cursor,
        limit: i64::from(limit),
    };
    let entries = tx.list_audit(&path.org_id, &filter).await?;
    let next_cursor = (entries.len() == limit as usize)
        .then(|| entries.last().map(|entry| entry.seq.to_string()))
        .flatten();
    Ok(axum::Json(AuditPage {
        data: entries,
        next_cursor,
    }))
}
