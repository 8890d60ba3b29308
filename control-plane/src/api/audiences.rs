//! Audiences (segments) of a project: explicit members plus conditions, in
//! the datafile's own condition language. One a rule uses cannot be deleted.

use super::paths::{AudiencePath, ProjectPath};
use super::views::ProjectData;
use super::{created, reply, scope, Data, Deleted, Reply};
use crate::audit::{Change, Writer};
use crate::auth::{need, OrgAccess};
use crate::error::{ApiError, ErrorBody, Result, UniqueViolation};
use crate::extract::{nullable, Json, Path};
use crate::ids::new_id;
use crate::store::text::JsonText;
use crate::store::{Audience, DynStore, Environment, Tx};
use crate::{publish, validate, AppState};
use axum::extract::State;
use axum::http::StatusCode;
use evaluator_core::{Condition, Datafile, EnvironmentRef, SCHEMA_VERSION};
use serde::Deserialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

type Members = BTreeMap<String, Vec<String>>;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_audiences, create_audience))
        .routes(routes!(get_audience, update_audience, delete_audience))
}

/// Body of `POST …/audiences`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewAudience {
    pub key: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Attribute → values that are always members, e.g. `{"userId": ["alice"]}`.
    #[serde(default)]
    pub included: Members,
    /// Attribute → values that are never members (wins over everything).
    #[serde(default)]
    pub excluded: Members,
    /// `{all:[…]}`, `{any:[…]}`, `{not:…}` or `{attribute, op, value|values, caseInsensitive}`.
    #[schema(value_type = Option<Object>)]
    pub conditions: Option<Condition>,
}

/// Body of `PATCH …/audiences/{audienceId}`; absent fields stay.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateAudience {
    pub key: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub included: Option<Members>,
    pub excluded: Option<Members>,
    /// Null removes the conditions.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Object>)]
    pub conditions: Option<Option<Condition>>,
}

/// Checks `audience` with evaluator-core's own datafile validation (operators,
/// operands, regexes, semver), so what is stored always publishes.
fn check(audience: &Audience) -> Result<()> {
    validate::key("key", &audience.key)?;
    for (field, members) in [
        ("included", &audience.included.0),
        ("excluded", &audience.excluded.0),
    ] {
        if members.keys().any(|attribute| attribute.trim().is_empty()) {
            return Err(ApiError::invalid(
                field,
                "attribute names must not be empty",
            ));
        }
    }
    let probe = Datafile {
        schema_version: SCHEMA_VERSION,
        revision: 1,
        published_at: "2000-01-01T00:00:00Z".to_owned(),
        environment: EnvironmentRef {
            id: "probe".to_owned(),
            key: "probe".to_owned(),
            production: false,
        },
        flags: Vec::new(),
        audiences: vec![evaluator_core::Audience {
            id: audience.id.clone(),
            name: audience.name.clone(),
            included: audience.included.0.clone().into(),
            excluded: audience.excluded.0.clone().into(),
            conditions: audience.conditions.as_ref().map(|c| c.0.clone()),
        }],
        events: Vec::new(),
    };
    probe.validate().map_err(|error| {
        let field = error
            .path
            .strip_prefix("audiences[0].")
            .unwrap_or(&error.path)
            .to_owned();
        ApiError::invalid(field, error.message)
    })
}

/// Marks the configurations whose rules use `audience_id` as changed and
/// publishes those of auto-publishing environments.
async fn touch_users(
    tx: &mut dyn Tx,
    writer: &Writer,
    project_id: &str,
    audience_id: &str,
) -> Result<()> {
    let data = ProjectData::load(tx, project_id, None).await?;
    let mut touched: Vec<&Environment> = Vec::new();
    for rule in data
        .rules
        .iter()
        .filter(|r| data.audience_ids_of(r).any(|id| id == audience_id))
    {
        tx.mark_config_pending(&rule.flag_id, &rule.environment_id)
            .await?;
        if let Some(env) = data
            .environments
            .iter()
            .find(|e| e.id == rule.environment_id)
        {
            if touched.iter().all(|t| t.id != env.id) {
                touched.push(env);
            }
        }
    }
    publish::publish_auto(tx, writer, touched).await
}

/// List the project's audiences.
#[utoipa::path(get, path = "/api/orgs/{orgId}/projects/{projectId}/audiences", tag = "audiences",
    params(ProjectPath), responses((status = 200, body = Data<Vec<Audience>>)))]
async fn list_audiences(
    State(store): State<DynStore>,
    _: OrgAccess<need::Read>,
    Path(path): Path<ProjectPath>,
) -> Result<Reply<Vec<Audience>>> {
    let mut tx = store.begin().await?;
    let project = scope::project(&mut *tx, &path.org_id, &path.project_id).await?;
    Ok(reply(tx.list_audiences(&project.id).await?))
}

/// Create an audience (`write`).
#[utoipa::path(post, path = "/api/orgs/{orgId}/projects/{projectId}/audiences", tag = "audiences",
    params(ProjectPath), request_body = NewAudience,
    responses((status = 201, body = Data<Audience>),
        (status = 409, description = "The key is taken", body = ErrorBody)))]
async fn create_audience(
    State(store): State<DynStore>,
    access: OrgAccess<need::Write>,
    Path(path): Path<ProjectPath>,
    Json(body): Json<NewAudience>,
) -> Result<(StatusCode, Reply<Audience>)> {
    let writer = access.writer();
    let audience = Audience {
        id: new_id("aud"),
        project_id: String::new(),
        name: validate::name("name", &body.name)?,
        description: validate::description("description", &body.description)?,
        key: body.key,
        included: JsonText(body.included),
        excluded: JsonText(body.excluded),
        conditions: body.conditions.map(JsonText),
        created_at: writer.now,
        updated_at: writer.now,
    };
    check(&audience)?;
    let mut tx = store.begin_write().await?;
    let project = scope::project(&mut *tx, &path.org_id, &path.project_id).await?;
    let audience = Audience {
        project_id: project.id,
        ..audience
    };
    tx.insert_audience(&audience)
        .await
        .or_conflict(|| format!("audience `{}` already exists", audience.key))?;
    writer
        .record(
            &mut *tx,
            Change::new("audience.create", "audience", &audience.id).after(&audience)?,
        )
        .await?;
    tx.commit().await?;
    Ok(created(audience))
}

/// Get an audience.
#[utoipa::path(get, path = "/api/orgs/{orgId}/projects/{projectId}/audiences/{audienceId}",
    tag = "audiences", params(AudiencePath), responses((status = 200, body = Data<Audience>)))]
async fn get_audience(
    State(store): State<DynStore>,
    _: OrgAccess<need::Read>,
    Path(path): Path<AudiencePath>,
) -> Result<Reply<Audience>> {
    let mut tx = store.begin().await?;
    let project = scope::project(&mut *tx, &path.org_id, &path.project_id).await?;
    Ok(reply(find(&mut *tx, &project.id, &path.audience_id).await?))
}

async fn find(tx: &mut dyn Tx, project_id: &str, reference: &str) -> Result<Audience> {
    tx.find_audience(project_id, reference)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("audience `{reference}`")))
}

/// Update an audience (`write`); flags using it get pending changes.
#[utoipa::path(patch, path = "/api/orgs/{orgId}/projects/{projectId}/audiences/{audienceId}",
    tag = "audiences", params(AudiencePath), request_body = UpdateAudience,
    responses((status = 200, body = Data<Audience>)))]
async fn update_audience(
    State(store): State<DynStore>,
    access: OrgAccess<need::Write>,
    Path(path): Path<AudiencePath>,
    Json(body): Json<UpdateAudience>,
) -> Result<Reply<Audience>> {
    let mut tx = store.begin_write().await?;
    let project = scope::project(&mut *tx, &path.org_id, &path.project_id).await?;
    let before = find(&mut *tx, &project.id, &path.audience_id).await?;
    let writer = access.writer();
    let mut audience = before.clone();
    if let Some(key) = body.key {
        audience.key = key;
    }
    if let Some(name) = &body.name {
        audience.name = validate::name("name", name)?;
    }
    if let Some(description) = &body.description {
        audience.description = validate::description("description", description)?;
    }
    if let Some(included) = body.included {
        audience.included = JsonText(included);
    }
    if let Some(excluded) = body.excluded {
        audience.excluded = JsonText(excluded);
    }
    if let Some(conditions) = body.conditions {
        audience.conditions = conditions.map(JsonText);
    }
    audience.updated_at = writer.now;
    check(&audience)?;
    tx.update_audience(&audience)
        .await
        .or_conflict(|| format!("audience `{}` already exists", audience.key))?;
    let change = Change::new("audience.update", "audience", &audience.id);
    writer
        .record(&mut *tx, change.before(&before)?.after(&audience)?)
        .await?;
    touch_users(&mut *tx, &writer, &project.id, &audience.id).await?;
    tx.commit().await?;
    Ok(reply(audience))
}

/// Delete an audience (`write`); 409 while a rule uses it.
#[utoipa::path(delete, path = "/api/orgs/{orgId}/projects/{projectId}/audiences/{audienceId}",
    tag = "audiences", params(AudiencePath),
    responses((status = 200, body = Data<Deleted>),
        (status = 409, description = "A rule uses the audience", body = ErrorBody)))]
async fn delete_audience(
    State(store): State<DynStore>,
    access: OrgAccess<need::Write>,
    Path(path): Path<AudiencePath>,
) -> Result<Reply<Deleted>> {
    let mut tx = store.begin_write().await?;
    let project = scope::project(&mut *tx, &path.org_id, &path.project_id).await?;
    let audience = find(&mut *tx, &project.id, &path.audience_id).await?;
    let users = tx.audience_users(&audience.id).await?;
    if !users.is_empty() {
        return Err(ApiError::Conflict(format!(
            "audience `{}` is used by rules of flag(s) {}",
            audience.key,
            users.join(", ")
        )));
    }
    tx.delete_audience(&audience.id).await?;
    let change = Change::new("audience.delete", "audience", &audience.id).before(&audience)?;
    access.writer().record(&mut *tx, change).await?;
    tx.commit().await?;
    Ok(reply(Deleted::new(audience.id)))
}
