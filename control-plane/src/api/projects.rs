//! Projects of an organization. A new project starts with a `production`
//! environment; the organization's `default` project cannot be renamed or deleted.

use super::environments::{self, NewEnvironment};
use super::paths::{OrgPath, ProjectPath};
use super::{created, reply, scope, Data, Deleted, Reply};
use crate::audit::{Change, Writer};
use crate::auth::{need, OrgAccess};
use crate::error::{ApiError, ErrorBody, Result, UniqueViolation};
use crate::extract::{Json, Path};
use crate::ids::{new_id, now};
use crate::store::{DynStore, Project, Tx};
use crate::{validate, AppState};
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Key of the project every organization starts with.
pub const DEFAULT_PROJECT_KEY: &str = "default";

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_projects, create_project_handler))
        .routes(routes!(get_project, update_project, delete_project))
}

/// Body of `POST …/projects`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewProject {
    pub key: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
}

impl NewProject {
    /// The project an organization is created with.
    pub fn default_project() -> Self {
        Self {
            key: DEFAULT_PROJECT_KEY.to_owned(),
            name: "Default".to_owned(),
            description: String::new(),
        }
    }
}

/// Body of `PATCH …/projects/{projectId}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateProject {
    pub key: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
}

/// Creates a project and its `production` environment.
pub(super) async fn create_project(
    tx: &mut dyn Tx,
    writer: &Writer,
    org_id: &str,
    input: NewProject,
) -> Result<Project> {
    validate::key("key", &input.key)?;
    let project = Project {
        id: new_id("prj"),
        org_id: org_id.to_owned(),
        name: validate::name("name", &input.name)?,
        description: validate::description("description", &input.description)?,
        key: input.key,
        created_at: writer.now,
        updated_at: writer.now,
    };
    tx.insert_project(&project)
        .await
        .or_conflict(|| format!("project `{}` already exists", project.key))?;
    writer
        .record(
            tx,
            Change::new("project.create", "project", &project.id).after(&project)?,
        )
        .await?;
    environments::create_environment(tx, writer, &project, NewEnvironment::production()).await?;
    Ok(project)
}

/// List the organization's projects.
#[utoipa::path(get, path = "/api/orgs/{orgId}/projects", tag = "projects", params(OrgPath),
    responses((status = 200, body = Data<Vec<Project>>)))]
async fn list_projects(
    State(store): State<DynStore>,
    _: OrgAccess<need::Read>,
    Path(path): Path<OrgPath>,
) -> Result<Reply<Vec<Project>>> {
    let mut tx = store.begin().await?;
    scope::org(&mut *tx, &path.org_id).await?;
    Ok(reply(tx.list_projects(&path.org_id).await?))
}

/// Create a project (`admin`); it starts with a `production` environment.
#[utoipa::path(post, path = "/api/orgs/{orgId}/projects", tag = "projects", params(OrgPath),
    request_body = NewProject,
    responses((status = 201, body = Data<Project>),
        (status = 409, description = "The key is taken", body = ErrorBody)))]
async fn create_project_handler(
    State(store): State<DynStore>,
    access: OrgAccess<need::Admin>,
    Path(path): Path<OrgPath>,
    Json(body): Json<NewProject>,
) -> Result<(StatusCode, Reply<Project>)> {
    let mut tx = store.begin_write().await?;
    scope::org(&mut *tx, &path.org_id).await?;
    let project = create_project(&mut *tx, &access.writer(), &path.org_id, body).await?;
    tx.commit().await?;
    Ok(created(project))
}

/// Get a project.
#[utoipa::path(get, path = "/api/orgs/{orgId}/projects/{projectId}", tag = "projects",
    params(ProjectPath), responses((status = 200, body = Data<Project>)))]
async fn get_project(
    State(store): State<DynStore>,
    _: OrgAccess<need::Read>,
    Path(path): Path<ProjectPath>,
) -> Result<Reply<Project>> {
    let mut tx = store.begin().await?;
    Ok(reply(
        scope::project(&mut *tx, &path.org_id, &path.project_id).await?,
    ))
}

/// Update a project's key, name or description (`admin`).
#[utoipa::path(patch, path = "/api/orgs/{orgId}/projects/{projectId}", tag = "projects",
    params(ProjectPath), request_body = UpdateProject,
    responses((status = 200, body = Data<Project>),
        (status = 409, description = "The key is taken, or the default project's key would change", body = ErrorBody)))]
async fn update_project(
    State(store): State<DynStore>,
    access: OrgAccess<need::Admin>,
    Path(path): Path<ProjectPath>,
    Json(body): Json<UpdateProject>,
) -> Result<Reply<Project>> {
    let mut tx = store.begin_write().await?;
    let before = scope::project(&mut *tx, &path.org_id, &path.project_id).await?;
    let mut project = before.clone();
    if let Some(key) = body.key {
        validate::key("key", &key)?;
        if project.key == DEFAULT_PROJECT_KEY && key != DEFAULT_PROJECT_KEY {
            return Err(ApiError::Conflict(
                "the default project's key cannot be changed".to_owned(),
            ));
        }
        project.key = key;
    }
    if let Some(name) = &body.name {
        project.name = validate::name("name", name)?;
    }
    if let Some(description) = &body.description {
        project.description = validate::description("description", description)?;
    }
    project.updated_at = now();
    tx.update_project(&project)
        .await
        .or_conflict(|| format!("project `{}` already exists", project.key))?;
    let change = Change::new("project.update", "project", &project.id);
    access
        .writer()
        .record(&mut *tx, change.before(&before)?.after(&project)?)
        .await?;
    tx.commit().await?;
    Ok(reply(project))
}

/// Delete a project with its environments, flags, audiences and events (`admin`).
#[utoipa::path(delete, path = "/api/orgs/{orgId}/projects/{projectId}", tag = "projects",
    params(ProjectPath),
    responses((status = 200, body = Data<Deleted>),
        (status = 409, description = "The default project cannot be deleted", body = ErrorBody)))]
async fn delete_project(
    State(store): State<DynStore>,
    access: OrgAccess<need::Admin>,
    Path(path): Path<ProjectPath>,
) -> Result<Reply<Deleted>> {
    let mut tx = store.begin_write().await?;
    let project = scope::project(&mut *tx, &path.org_id, &path.project_id).await?;
    if project.key == DEFAULT_PROJECT_KEY {
        return Err(ApiError::Conflict(
            "the default project cannot be deleted".to_owned(),
        ));
    }
    tx.delete_project(&project.id).await?;
    let change = Change::new("project.delete", "project", &project.id).before(&project)?;
    access.writer().record(&mut *tx, change).await?;
    tx.commit().await?;
    Ok(reply(Deleted::new(project.id)))
}
