//! Published revisions through the management API: list them, read one, and
//! roll back (re-publish an older revision's content as a new revision).

use super::revisions::publish_next;
use crate::api::paths::EnvPath;
use crate::api::{reply, scope, Data, Reply};
use crate::audit::{Change, Writer};
use crate::auth::{need, OrgAccess};
use crate::error::{ApiError, ErrorBody, Result};
use crate::extract::{Json, Path};
use crate::store::{DatafileRevision, DynStore, Environment, Permission, RevisionSummary, Tx};
use crate::AppState;
use axum::extract::State;
use evaluator_core::{Datafile, EnvironmentRef};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_datafiles))
        .routes(routes!(get_datafile))
        .routes(routes!(rollback))
}

/// `…/environments/{envId}/datafiles/{revision}`
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Path)]
pub struct RevisionPath {
    /// Organization id.
    pub org_id: String,
    /// Project id or key.
    pub project_id: String,
    /// Environment id or key.
    pub env_id: String,
    /// Revision number.
    pub revision: i64,
}

/// One revision with its datafile.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RevisionDetail {
    #[serde(flatten)]
    pub summary: RevisionSummary,
    /// The datafile exactly as SDKs downloaded it.
    #[schema(value_type = Object)]
    pub datafile: Box<RawValue>,
}

/// Body of `POST …/rollback`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Rollback {
    /// The revision whose content to publish again.
    pub revision: i64,
}

/// List the environment's published datafile revisions, newest first.
#[utoipa::path(get, path = "/api/orgs/{orgId}/projects/{projectId}/environments/{envId}/datafiles",
    tag = "environments", params(EnvPath), responses((status = 200, body = Data<Vec<RevisionSummary>>)))]
async fn list_datafiles(
    State(store): State<DynStore>,
    _: OrgAccess<need::Read>,
    Path(path): Path<EnvPath>,
) -> Result<Reply<Vec<RevisionSummary>>> {
    let mut tx = store.begin().await?;
    let project = scope::project(&mut *tx, &path.org_id, &path.project_id).await?;
    let env = scope::environment(&mut *tx, &project, &path.env_id).await?;
    Ok(reply(tx.list_datafile_revisions(&env.id).await?))
}

/// Get one published revision with its datafile.
#[utoipa::path(get, path = "/api/orgs/{orgId}/projects/{projectId}/environments/{envId}/datafiles/{revision}",
    tag = "environments", params(RevisionPath), responses((status = 200, body = Data<RevisionDetail>)))]
async fn get_datafile(
    State(store): State<DynStore>,
    _: OrgAccess<need::Read>,
    Path(path): Path<RevisionPath>,
) -> Result<Reply<RevisionDetail>> {
    let mut tx = store.begin().await?;
    let project = scope::project(&mut *tx, &path.org_id, &path.project_id).await?;
    let env = scope::environment(&mut *tx, &project, &path.env_id).await?;
    let revision = find_revision(&mut *tx, &env, path.revision).await?;
    Ok(reply(detail(revision)?))
}

/// Roll back (`write`; `publishProduction` for production): publish the content of
/// an earlier revision again, as a new revision. Configurations keep their
/// current state and are marked as having pending changes; the next publish
/// (or auto-publish) publishes them again.
#[utoipa::path(post, path = "/api/orgs/{orgId}/projects/{projectId}/environments/{envId}/rollback",
    tag = "environments", params(EnvPath), request_body = Rollback,
    responses((status = 200, description = "The new revision", body = Data<RevisionDetail>),
        (status = 404, description = "No such revision", body = ErrorBody)))]
async fn rollback(
    State(store): State<DynStore>,
    access: OrgAccess<need::Write>,
    Path(path): Path<EnvPath>,
    Json(body): Json<Rollback>,
) -> Result<Reply<RevisionDetail>> {
    let mut tx = store.begin_write().await?;
    let project = scope::project(&mut *tx, &path.org_id, &path.project_id).await?;
    let env = scope::environment(&mut *tx, &project, &path.env_id).await?;
    if env.production {
        access.principal.require(Permission::PublishProduction)?;
    }
    let source = find_revision(&mut *tx, &env, body.revision).await?;
    let writer = access.writer();
    let published = republish(&mut *tx, &writer, &env, &source).await?;
    tx.mark_environment_pending(&env.id).await?;
    let change = Change::new("environment.rollback", "environment", &env.id)
        .before(&serde_json::json!({ "revision": env.revision }))?
        .after(&serde_json::json!({
            "revision": published.revision,
            "sourceRevision": source.revision,
        }))?;
    writer.record(&mut *tx, change).await?;
    tx.commit().await?;
    Ok(reply(detail(published)?))
}

/// Publishes `source`'s flags, audiences and events as the environment's next revision.
async fn republish(
    tx: &mut dyn Tx,
    writer: &Writer,
    env: &Environment,
    source: &DatafileRevision,
) -> Result<DatafileRevision> {
    // Validation may have become stricter since the revision was published.
    let mut datafile = Datafile::parse(&source.body).map_err(|error| {
        let message = format!("no longer passes validation: {error}");
        ApiError::invalid(format!("revision {}", source.revision), message)
    })?;
    datafile.environment = EnvironmentRef {
        id: env.id.clone(),
        key: env.key.clone(),
        production: env.production,
    };
    publish_next(tx, env, datafile, writer, Some(source.revision)).await
}

async fn find_revision(
    tx: &mut dyn Tx,
    env: &Environment,
    revision: i64,
) -> Result<DatafileRevision> {
    tx.get_datafile_revision(&env.id, revision)
        .await?
        .ok_or_else(|| {
            ApiError::not_found(format!("revision {revision} of environment `{}`", env.key))
        })
}

fn detail(revision: DatafileRevision) -> Result<RevisionDetail> {
    let datafile = RawValue::from_string(revision.body)
        .map_err(|error| ApiError::Internal(format!("stored datafile: {error}")))?;
    Ok(RevisionDetail {
        summary: RevisionSummary {
            revision: revision.revision,
            etag: revision.etag,
            size: i64::try_from(datafile.get().len()).unwrap_or(i64::MAX),
            published_at: revision.published_at,
            published_by: revision.published_by,
            source_revision: revision.source_revision,
        },
        datafile,
    })
}
