//! Environments of a project, and publishing them.

use super::paths::{EnvPath, ProjectPath};
use super::projects::DEFAULT_PROJECT_KEY;
use super::{created, flags, reply, scope, Data, Deleted, Reply};
use crate::audit::{Change, Writer};
use crate::auth::{need, OrgAccess};
use crate::error::{ApiError, ErrorBody, Result, UniqueViolation};
use crate::extract::{Json, Path};
use crate::ids::{new_id, new_sdk_key, now};
use crate::store::{DynStore, Environment, Permission, Project, Tx};
use crate::{publish, validate, AppState};
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Key of the environment every project starts with.
const PRODUCTION_KEY: &str = "production";

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_environments, create_environment_handler))
        .routes(routes!(
            get_environment,
            update_environment,
            delete_environment
        ))
        .routes(routes!(publish_environment))
}

/// Body of `POST …/environments`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewEnvironment {
    pub key: String,
    /// Defaults to the key.
    pub name: Option<String>,
    /// Changes here need `publishProduction`.
    #[serde(default)]
    pub production: bool,
    /// Publish after every change instead of on `POST …/publish`.
    #[serde(default)]
    pub auto_publish: bool,
}

impl NewEnvironment {
    /// The environment every project starts with.
    pub fn production() -> Self {
        Self {
            key: PRODUCTION_KEY.to_owned(),
            name: Some("Production".to_owned()),
            production: true,
            auto_publish: true,
        }
    }
}

/// Body of `PATCH …/environments/{envId}`; the key is immutable.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateEnvironment {
    pub name: Option<String>,
    pub production: Option<bool>,
    pub auto_publish: Option<bool>,
}

/// Creates an environment with a disabled config for every flag of the
/// project, and publishes it when it auto-publishes.
pub(super) async fn create_environment(
    tx: &mut dyn Tx,
    writer: &Writer,
    project: &Project,
    input: NewEnvironment,
) -> Result<Environment> {
    validate::key("key", &input.key)?;
    let name = validate::name("name", input.name.as_deref().unwrap_or(&input.key))?;
    let env = Environment {
        id: new_id("env"),
        project_id: project.id.clone(),
        sdk_key: new_sdk_key(&input.key),
        key: input.key,
        name,
        production: input.production,
        auto_publish: input.auto_publish,
        revision: 0,
        published_at: None,
        created_at: writer.now,
        updated_at: writer.now,
    };
    tx.insert_environment(&env)
        .await
        .or_conflict(|| format!("environment `{}` already exists", env.key))?;
    flags::add_environment_configs(tx, project, &env, writer.now).await?;
    writer
        .record(
            tx,
            Change::new("environment.create", "environment", &env.id).after(&env)?,
        )
        .await?;
    if env.auto_publish {
        return publish::publish(tx, writer, &env).await;
    }
    Ok(env)
}

/// List the project's environments.
#[utoipa::path(get, path = "/api/orgs/{orgId}/projects/{projectId}/environments",
    tag = "environments", params(ProjectPath),
    responses((status = 200, body = Data<Vec<Environment>>)))]
async fn list_environments(
    State(store): State<DynStore>,
    _: OrgAccess<need::Read>,
    Path(path): Path<ProjectPath>,
) -> Result<Reply<Vec<Environment>>> {
    let mut tx = store.begin().await?;
    let project = scope::project(&mut *tx, &path.org_id, &path.project_id).await?;
    Ok(reply(tx.list_environments(&project.id).await?))
}

/// Create an environment (`admin`); every flag gets a disabled config in it.
#[utoipa::path(post, path = "/api/orgs/{orgId}/projects/{projectId}/environments",
    tag = "environments", params(ProjectPath), request_body = NewEnvironment,
    responses((status = 201, body = Data<Environment>),
        (status = 409, description = "The key is taken", body = ErrorBody)))]
async fn create_environment_handler(
    State(store): State<DynStore>,
    access: OrgAccess<need::Admin>,
    Path(path): Path<ProjectPath>,
    Json(body): Json<NewEnvironment>,
) -> Result<(StatusCode, Reply<Environment>)> {
    let mut tx = store.begin_write().await?;
    let project = scope::project(&mut *tx, &path.org_id, &path.project_id).await?;
    let env = create_environment(&mut *tx, &access.writer(), &project, body).await?;
    tx.commit().await?;
    Ok(created(env))
}

/// Get an environment.
#[utoipa::path(get, path = "/api/orgs/{orgId}/projects/{projectId}/environments/{envId}",
    tag = "environments", params(EnvPath), responses((status = 200, body = Data<Environment>)))]
async fn get_environment(
    State(store): State<DynStore>,
    _: OrgAccess<need::Read>,
    Path(path): Path<EnvPath>,
) -> Result<Reply<Environment>> {
    let mut tx = store.begin().await?;
    let project = scope::project(&mut *tx, &path.org_id, &path.project_id).await?;
    Ok(reply(
        scope::environment(&mut *tx, &project, &path.env_id).await?,
    ))
}

/// Update an environment's name, production marker or auto-publish (`admin`).
#[utoipa::path(patch, path = "/api/orgs/{orgId}/projects/{projectId}/environments/{envId}",
    tag = "environments", params(EnvPath), request_body = UpdateEnvironment,
    responses((status = 200, body = Data<Environment>)))]
async fn update_environment(
    State(store): State<DynStore>,
    access: OrgAccess<need::Admin>,
    Path(path): Path<EnvPath>,
    Json(body): Json<UpdateEnvironment>,
) -> Result<Reply<Environment>> {
    let mut tx = store.begin_write().await?;
    let project = scope::project(&mut *tx, &path.org_id, &path.project_id).await?;
    let before = scope::environment(&mut *tx, &project, &path.env_id).await?;
    let mut env = before.clone();
    if let Some(name) = &body.name {
        env.name = validate::name("name", name)?;
    }
    env.production = body.production.unwrap_or(env.production);
    env.auto_publish = body.auto_publish.unwrap_or(env.auto_publish);
    env.updated_at = now();
    tx.update_environment(&env).await?;
    let change = Change::new("environment.update", "environment", &env.id);
    access
        .writer()
        .record(&mut *tx, change.before(&before)?.after(&env)?)
        .await?;
    tx.commit().await?;
    Ok(reply(env))
}

/// Delete an environment with its flag configs (`admin`).
#[utoipa::path(delete, path = "/api/orgs/{orgId}/projects/{projectId}/environments/{envId}",
    tag = "environments", params(EnvPath),
    responses((status = 200, body = Data<Deleted>),
        (status = 409, description = "The default project's production environment cannot be deleted", body = ErrorBody)))]
async fn delete_environment(
    State(store): State<DynStore>,
    access: OrgAccess<need::Admin>,
    Path(path): Path<EnvPath>,
) -> Result<Reply<Deleted>> {
    let mut tx = store.begin_write().await?;
    let project = scope::project(&mut *tx, &path.org_id, &path.project_id).await?;
    let env = scope::environment(&mut *tx, &project, &path.env_id).await?;
    if project.key == DEFAULT_PROJECT_KEY && env.key == PRODUCTION_KEY {
        return Err(ApiError::Conflict(
            "the default project's production environment cannot be deleted".to_owned(),
        ));
    }
    tx.delete_environment(&env.id).await?;
    let change = Change::new("environment.delete", "environment", &env.id).before(&env)?;
    access.writer().record(&mut *tx, change).await?;
    tx.commit().await?;
    Ok(reply(Deleted::new(env.id)))
}

/// Publish the environment's datafile (`write`; `publishProduction` for production).
/// Sets hasPendingChanges to false on all of its flag configs.
#[utoipa::path(post, path = "/api/orgs/{orgId}/projects/{projectId}/environments/{envId}/publish",
    tag = "environments", params(EnvPath), responses((status = 200, body = Data<Environment>)))]
async fn publish_environment(
    State(store): State<DynStore>,
    access: OrgAccess<need::Write>,
    Path(path): Path<EnvPath>,
) -> Result<Reply<Environment>> {
    let mut tx = store.begin_write().await?;
    let project = scope::project(&mut *tx, &path.org_id, &path.project_id).await?;
    let env = scope::environment(&mut *tx, &project, &path.env_id).await?;
    if env.production {
        access.principal.require(Permission::PublishProduction)?;
    }
    let published = publish::publish(&mut *tx, &access.writer(), &env).await?;
    tx.commit().await?;
    Ok(reply(published))
}
