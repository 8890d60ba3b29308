//! Flag events SDKs can `track`: CONVERSION (yes/no) or NUMERIC (a mean value).

use super::paths::ProjectPath;
use super::{created, reply, scope, Data, Reply};
use crate::audit::Change;
use crate::auth::{need, OrgAccess};
use crate::error::{ErrorBody, Result, UniqueViolation};
use crate::extract::{Json, Path};
use crate::ids::new_id;
use crate::store::{DynStore, EventType, FlagEvent};
use crate::{publish, validate, AppState};
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_events, create_event))
}

/// Body of `POST …/flag-events`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewEvent {
    pub name: String,
    pub key: String,
    #[serde(default)]
    pub description: String,
    #[serde(rename = "type")]
    pub event_type: EventType,
}

/// List the project's events.
#[utoipa::path(get, path = "/api/orgs/{orgId}/projects/{projectId}/flag-events", tag = "events",
    params(ProjectPath), responses((status = 200, body = Data<Vec<FlagEvent>>)))]
async fn list_events(
    State(store): State<DynStore>,
    _: OrgAccess<need::Read>,
    Path(path): Path<ProjectPath>,
) -> Result<Reply<Vec<FlagEvent>>> {
    let mut tx = store.begin().await?;
    let project = scope::project(&mut *tx, &path.org_id, &path.project_id).await?;
    Ok(reply(tx.list_events(&project.id).await?))
}

/// Create an event (`write`); auto-publishing environments publish it.
#[utoipa::path(post, path = "/api/orgs/{orgId}/projects/{projectId}/flag-events", tag = "events",
    params(ProjectPath), request_body = NewEvent,
    responses((status = 201, body = Data<FlagEvent>),
        (status = 409, description = "The key is taken", body = ErrorBody)))]
async fn create_event(
    State(store): State<DynStore>,
    access: OrgAccess<need::Write>,
    Path(path): Path<ProjectPath>,
    Json(body): Json<NewEvent>,
) -> Result<(StatusCode, Reply<FlagEvent>)> {
    validate::key("key", &body.key)?;
    let name = validate::name("name", &body.name)?;
    let description = validate::description("description", &body.description)?;
    let writer = access.writer();
    let mut tx = store.begin_write().await?;
    let project = scope::project(&mut *tx, &path.org_id, &path.project_id).await?;
    let event = FlagEvent {
        id: new_id("evt"),
        project_id: project.id.clone(),
        key: body.key,
        name,
        description,
        event_type: body.event_type,
        created_at: writer.now,
    };
    tx.insert_event(&event)
        .await
        .or_conflict(|| format!("event `{}` already exists", event.key))?;
    let change = Change::new("event.create", "event", &event.id).after(&event)?;
    writer.record(&mut *tx, change).await?;
    let envs = tx.list_environments(&project.id).await?;
    publish::publish_auto(&mut *tx, &writer, &envs).await?;
    tx.commit().await?;
    Ok(created(event))
}
