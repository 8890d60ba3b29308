//! Flags: list, create, detail, update, delete, archive.

use super::paths::{FlagPath, ProjectPath};
use super::variations::{resolve_off_variation, validate_variations, VariationInput};
use super::views::{FlagDetail, FlagSummary, ProjectData};
use super::{created, reply, scope, Data, Deleted, Reply};
use crate::audit::Change;
use crate::auth::{need, OrgAccess};
use crate::error::{ApiError, ErrorBody, Result, UniqueViolation};
use crate::extract::{Json, Path};
use crate::ids::{new_id, now};
use crate::store::text::JsonText;
use crate::store::{
    DynStore, Environment, Flag, FlagConfig, FlagStatus, FlagType, Permission, Project, Tx,
    Variation,
};
use crate::{publish, validate, AppState};
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::de::IgnoredAny;
use serde::Deserialize;
use serde_json::Value;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_flags, create_flag))
        .routes(routes!(get_flag, update_flag, delete_flag))
        .routes(routes!(archive_flag))
}

/// Body of `POST …/flags`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewFlag {
    pub name: String,
    /// Immutable once created.
    pub key: String,
    /// Immutable once created. BOOLEAN flags have exactly two variations valued "true" and "false".
    #[serde(rename = "type")]
    pub flag_type: FlagType,
    #[serde(default)]
    pub description: String,
    pub variations: Vec<VariationInput>,
    /// Variation served when off; defaults to the `false` one (booleans) or the first.
    pub default_variation_key: Option<String>,
}

/// Body of `PATCH …/flags/{flagId}`: name and description only.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateFlag {
    pub name: Option<String>,
    pub description: Option<String>,
    #[serde(default)]
    #[schema(ignore)]
    key: Option<IgnoredAny>,
    #[serde(default, rename = "type")]
    #[schema(ignore)]
    flag_type: Option<IgnoredAny>,
}

/// The config a flag starts with in an environment: disabled, serving its
/// `true` variation (boolean flags) or its off variation once enabled.
pub(super) fn initial_config(
    flag: &Flag,
    variations: &[Variation],
    env_id: &str,
    now: DateTime<Utc>,
) -> FlagConfig {
    let serve_when_on = variations
        .iter()
        .find(|v| {
            v.flag_id == flag.id
                && flag.flag_type == FlagType::Boolean
                && v.value.0 == Value::Bool(true)
        })
        .map_or(&flag.off_variation_id, |v| &v.id);
    FlagConfig {
        flag_id: flag.id.clone(),
        environment_id: env_id.to_owned(),
        enabled: false,
        default_variation_id: serve_when_on.clone(),
        scheduling_enabled: false,
        scheduled_enable_at: None,
        timezone: "UTC".to_owned(),
        min_version: None,
        activation_date: None,
        has_pending_changes: true,
        version: 1,
        updated_at: now,
    }
}

/// Gives every flag of `project` a disabled config in the new environment `env`.
pub(super) async fn add_environment_configs(
    tx: &mut dyn Tx,
    project: &Project,
    env: &Environment,
    now: DateTime<Utc>,
) -> Result<()> {
    let variations = tx.list_variations(&project.id, None).await?;
    for flag in tx.list_flags(&project.id, None).await? {
        tx.insert_config(&initial_config(&flag, &variations, &env.id, now))
            .await?;
    }
    Ok(())
}

/// The current detail of flag `flag_id`.
pub(super) async fn load_detail(
    tx: &mut dyn Tx,
    project_id: &str,
    flag_id: &str,
    now: DateTime<Utc>,
) -> Result<FlagDetail> {
    let data = ProjectData::load(tx, project_id, Some(flag_id)).await?;
    let flag = data
        .flags
        .first()
        .ok_or_else(|| ApiError::not_found(format!("flag `{flag_id}`")))?;
    Ok(data.detail(flag, now))
}

/// 409 for archived flags, whose configuration is frozen.
pub(super) fn require_not_archived(flag: &Flag) -> Result<()> {
    if flag.status == FlagStatus::Archived {
        return Err(ApiError::Conflict(format!(
            "flag `{}` is archived",
            flag.key
        )));
    }
    Ok(())
}

/// Changing a flag that is on in a production environment needs `publishProduction`.
pub(super) fn require_production_rights<N>(
    access: &OrgAccess<N>,
    data: &ProjectData,
    flag: &Flag,
) -> Result<()> {
    let live_in_production = data
        .environments
        .iter()
        .filter(|env| env.production)
        .any(|env| data.config(&flag.id, &env.id).is_some_and(|c| c.enabled));
    if live_in_production {
        access.principal.require(Permission::PublishProduction)?;
    }
    Ok(())
}

/// List the project's flags with type, status, stale indicator, variations and per-environment toggle state.
#[utoipa::path(get, path = "/api/orgs/{orgId}/projects/{projectId}/flags", tag = "flags",
    params(ProjectPath), responses((status = 200, body = Data<Vec<FlagSummary>>)))]
async fn list_flags(
    State(store): State<DynStore>,
    _: OrgAccess<need::Read>,
    Path(path): Path<ProjectPath>,
) -> Result<Reply<Vec<FlagSummary>>> {
    let mut tx = store.begin().await?;
    let project = scope::project(&mut *tx, &path.org_id, &path.project_id).await?;
    let data = ProjectData::load(&mut *tx, &project.id, None).await?;
    let now = now();
    Ok(reply(
        data.flags
            .iter()
            .map(|flag| data.summary(flag, now))
            .collect(),
    ))
}

/// Create a flag (`createExperiments`): DRAFT, disabled in every environment.
#[utoipa::path(post, path = "/api/orgs/{orgId}/projects/{projectId}/flags", tag = "flags",
    params(ProjectPath), request_body = NewFlag,
    responses((status = 201, body = Data<FlagDetail>),
        (status = 409, description = "The key is taken", body = ErrorBody)))]
async fn create_flag(
    State(store): State<DynStore>,
    access: OrgAccess<need::CreateExperiments>,
    Path(path): Path<ProjectPath>,
    Json(body): Json<NewFlag>,
) -> Result<(StatusCode, Reply<FlagDetail>)> {
    validate::key("key", &body.key)?;
    let name = validate::name("name", &body.name)?;
    let description = validate::description("description", &body.description)?;
    let valid = validate_variations(body.flag_type, body.variations)?;
    let off = resolve_off_variation(&valid, body.default_variation_key.as_deref(), None)?;

    let mut tx = store.begin_write().await?;
    let project = scope::project(&mut *tx, &path.org_id, &path.project_id).await?;
    let writer = access.writer();
    let flag_id = new_id("flg");
    let variations: Vec<Variation> = valid
        .into_iter()
        .zip(0..)
        .map(|(v, sort_order)| Variation {
            id: new_id("var"),
            flag_id: flag_id.clone(),
            key: v.key,
            name: v.name,
            value: JsonText(v.value),
            sort_order,
        })
        .collect();
    let flag = Flag {
        id: flag_id,
        project_id: project.id.clone(),
        key: body.key,
        name,
        description,
        flag_type: body.flag_type,
        status: FlagStatus::Draft,
        off_variation_id: variations[off].id.clone(),
        created_at: writer.now,
        updated_at: writer.now,
    };
    tx.insert_flag(&flag)
        .await
        .or_conflict(|| format!("flag `{}` already exists in this project", flag.key))?;
    for variation in &variations {
        tx.insert_variation(variation).await?;
    }
    let envs = tx.list_environments(&project.id).await?;
    for env in &envs {
        tx.insert_config(&initial_config(&flag, &variations, &env.id, writer.now))
            .await?;
    }
    let detail = load_detail(&mut *tx, &project.id, &flag.id, writer.now).await?;
    let change = Change::new("flag.create", "flag", &flag.id).after(&detail)?;
    writer.record(&mut *tx, change).await?;
    publish::publish_auto(&mut *tx, &writer, &envs).await?;
    let detail = load_detail(&mut *tx, &project.id, &flag.id, writer.now).await?;
    tx.commit().await?;
    Ok(created(detail))
}

/// Get a flag with its variations, environment configs, rules, overrides and audience references.
#[utoipa::path(get, path = "/api/orgs/{orgId}/projects/{projectId}/flags/{flagId}", tag = "flags",
    params(FlagPath), responses((status = 200, body = Data<FlagDetail>)))]
async fn get_flag(
    State(store): State<DynStore>,
    _: OrgAccess<need::Read>,
    Path(path): Path<FlagPath>,
) -> Result<Reply<FlagDetail>> {
    let mut tx = store.begin().await?;
    let project = scope::project(&mut *tx, &path.org_id, &path.project_id).await?;
    let flag = scope::flag(&mut *tx, &project, &path.flag_id).await?;
    Ok(reply(
        load_detail(&mut *tx, &project.id, &flag.id, now()).await?,
    ))
}

/// Update a flag's name and description (`write`); key and type cannot change.
#[utoipa::path(patch, path = "/api/orgs/{orgId}/projects/{projectId}/flags/{flagId}", tag = "flags",
    params(FlagPath), request_body = UpdateFlag, responses((status = 200, body = Data<FlagDetail>)))]
async fn update_flag(
    State(store): State<DynStore>,
    access: OrgAccess<need::Write>,
    Path(path): Path<FlagPath>,
    Json(body): Json<UpdateFlag>,
) -> Result<Reply<FlagDetail>> {
    if body.key.is_some() {
        return Err(ApiError::invalid(
            "key",
            "a flag's key cannot be changed after creation",
        ));
    }
    if body.flag_type.is_some() {
        return Err(ApiError::invalid(
            "type",
            "a flag's type cannot be changed after creation",
        ));
    }
    let mut tx = store.begin_write().await?;
    let project = scope::project(&mut *tx, &path.org_id, &path.project_id).await?;
    let mut flag = scope::flag(&mut *tx, &project, &path.flag_id).await?;
    let writer = access.writer();
    let before = load_detail(&mut *tx, &project.id, &flag.id, writer.now).await?;
    if let Some(name) = &body.name {
        flag.name = validate::name("name", name)?;
    }
    if let Some(description) = &body.description {
        flag.description = validate::description("description", description)?;
    }
    flag.updated_at = writer.now;
    tx.update_flag(&flag).await?;
    let after = load_detail(&mut *tx, &project.id, &flag.id, writer.now).await?;
    let change = Change::new("flag.update", "flag", &flag.id)
        .before(&before.base)?
        .after(&after.base)?;
    writer.record(&mut *tx, change).await?;
    tx.commit().await?;
    Ok(reply(after))
}

/// Delete a DRAFT or ARCHIVED flag (`write`); others answer 409.
#[utoipa::path(delete, path = "/api/orgs/{orgId}/projects/{projectId}/flags/{flagId}", tag = "flags",
    params(FlagPath),
    responses((status = 200, body = Data<Deleted>),
        (status = 409, description = "The flag is ACTIVE: archive it first", body = ErrorBody)))]
async fn delete_flag(
    State(store): State<DynStore>,
    access: OrgAccess<need::Write>,
    Path(path): Path<FlagPath>,
) -> Result<Reply<Deleted>> {
    let mut tx = store.begin_write().await?;
    let project = scope::project(&mut *tx, &path.org_id, &path.project_id).await?;
    let flag = scope::flag(&mut *tx, &project, &path.flag_id).await?;
    if flag.status == FlagStatus::Active {
        return Err(ApiError::Conflict(format!(
            "flag `{}` is ACTIVE: only DRAFT or ARCHIVED flags can be deleted",
            flag.key
        )));
    }
    let writer = access.writer();
    let before = load_detail(&mut *tx, &project.id, &flag.id, writer.now).await?;
    tx.delete_flag(&flag.id).await?;
    let change = Change::new("flag.delete", "flag", &flag.id).before(&before)?;
    writer.record(&mut *tx, change).await?;
    let envs = tx.list_environments(&project.id).await?;
    publish::publish_auto(&mut *tx, &writer, &envs).await?;
    tx.commit().await?;
    Ok(reply(Deleted::new(flag.id)))
}

/// Archive a flag (`write`; `publishProduction` while it is on in production): it serves its
/// off variation everywhere, and environments where it was on get pending changes.
#[utoipa::path(post, path = "/api/orgs/{orgId}/projects/{projectId}/flags/{flagId}/archive",
    tag = "flags", params(FlagPath),
    responses((status = 200, body = Data<FlagDetail>),
        (status = 409, description = "Already archived", body = ErrorBody)))]
async fn archive_flag(
    State(store): State<DynStore>,
    access: OrgAccess<need::Write>,
    Path(path): Path<FlagPath>,
) -> Result<Reply<FlagDetail>> {
    let mut tx = store.begin_write().await?;
    let project = scope::project(&mut *tx, &path.org_id, &path.project_id).await?;
    let mut flag = scope::flag(&mut *tx, &project, &path.flag_id).await?;
    require_not_archived(&flag)?;
    let data = ProjectData::load(&mut *tx, &project.id, Some(&flag.id)).await?;
    require_production_rights(&access, &data, &flag)?;
    let writer = access.writer();
    let before = data.detail(&flag, writer.now);
    flag.status = FlagStatus::Archived;
    flag.updated_at = writer.now;
    tx.update_flag(&flag).await?;
    tx.mark_flag_pending(&flag.id, true).await?;
    let active: Vec<Environment> = data
        .environments
        .iter()
        .filter(|env| data.config(&flag.id, &env.id).is_some_and(|c| c.enabled))
        .cloned()
        .collect();
    let after = load_detail(&mut *tx, &project.id, &flag.id, writer.now).await?;
    let change = Change::new("flag.archive", "flag", &flag.id)
        .before(&before.base)?
        .after(&after.base)?;
    writer.record(&mut *tx, change).await?;
    publish::publish_auto(&mut *tx, &writer, &active).await?;
    let after = load_detail(&mut *tx, &project.id, &flag.id, writer.now).await?;
    tx.commit().await?;
    Ok(reply(after))
}
