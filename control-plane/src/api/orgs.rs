//! Organizations (tenants). Creating one also creates its default project
//! `default` with a `production` environment.

use super::paths::OrgPath;
use super::{created, projects, reply, scope, Data, Deleted, Reply};
use crate::audit::{Change, Writer};
use crate::auth::{need, OrgAccess, SuperAdmin};
use crate::error::{ErrorBody, Result, UniqueViolation};
use crate::extract::{Json, Path};
use crate::ids::now;
use crate::store::{DynStore, Organization};
use crate::{validate, AppState};
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_orgs, create_org))
        .routes(routes!(get_org, update_org, delete_org))
}

/// Body of `POST /api/orgs`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateOrganization {
    /// Client-chosen id such as `org_812` (letters, digits, `_`, `-`, `.`).
    pub id: String,
    pub name: String,
}

/// Body of `PATCH /api/orgs/{orgId}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateOrganization {
    pub name: Option<String>,
}

/// List organizations (super admin).
#[utoipa::path(get, path = "/api/orgs", tag = "organizations",
    responses((status = 200, body = Data<Vec<Organization>>)))]
async fn list_orgs(
    State(store): State<DynStore>,
    _: SuperAdmin,
) -> Result<Reply<Vec<Organization>>> {
    Ok(reply(store.begin().await?.list_orgs().await?))
}

/// Create an organization with its default project and production environment (super admin).
#[utoipa::path(post, path = "/api/orgs", tag = "organizations", request_body = CreateOrganization,
    responses((status = 201, body = Data<Organization>),
        (status = 409, description = "The id is taken", body = ErrorBody)))]
async fn create_org(
    State(store): State<DynStore>,
    SuperAdmin(principal): SuperAdmin,
    Json(body): Json<CreateOrganization>,
) -> Result<(StatusCode, Reply<Organization>)> {
    validate::key("id", &body.id)?;
    let name = validate::name("name", &body.name)?;
    let writer = Writer::new(&principal, &body.id);
    let org = Organization {
        id: body.id,
        name,
        created_at: writer.now,
        updated_at: writer.now,
    };
    let mut tx = store.begin_write().await?;
    tx.insert_org(&org)
        .await
        .or_conflict(|| format!("organization `{}` already exists", org.id))?;
    writer
        .record(
            &mut *tx,
            Change::new("organization.create", "organization", &org.id).after(&org)?,
        )
        .await?;
    projects::create_project(
        &mut *tx,
        &writer,
        &org.id,
        projects::NewProject::default_project(),
    )
    .await?;
    tx.commit().await?;
    Ok(created(org))
}

/// Get an organization.
#[utoipa::path(get, path = "/api/orgs/{orgId}", tag = "organizations", params(OrgPath),
    responses((status = 200, body = Data<Organization>)))]
async fn get_org(
    State(store): State<DynStore>,
    _: OrgAccess<need::Read>,
    Path(path): Path<OrgPath>,
) -> Result<Reply<Organization>> {
    Ok(reply(
        scope::org(&mut *store.begin().await?, &path.org_id).await?,
    ))
}

/// Rename an organization (`admin`).
#[utoipa::path(patch, path = "/api/orgs/{orgId}", tag = "organizations", params(OrgPath),
    request_body = UpdateOrganization, responses((status = 200, body = Data<Organization>)))]
async fn update_org(
    State(store): State<DynStore>,
    access: OrgAccess<need::Admin>,
    Path(path): Path<OrgPath>,
    Json(body): Json<UpdateOrganization>,
) -> Result<Reply<Organization>> {
    let mut tx = store.begin_write().await?;
    let before = scope::org(&mut *tx, &path.org_id).await?;
    let mut org = before.clone();
    if let Some(name) = &body.name {
        org.name = validate::name("name", name)?;
    }
    org.updated_at = now();
    tx.update_org(&org).await?;
    let change = Change::new("organization.update", "organization", &org.id);
    access
        .writer()
        .record(&mut *tx, change.before(&before)?.after(&org)?)
        .await?;
    tx.commit().await?;
    Ok(reply(org))
}

/// Delete an organization and everything in it (super admin).
#[utoipa::path(delete, path = "/api/orgs/{orgId}", tag = "organizations", params(OrgPath),
    responses((status = 200, body = Data<Deleted>)))]
async fn delete_org(
    State(store): State<DynStore>,
    access: OrgAccess<need::SuperAdmin>,
    Path(path): Path<OrgPath>,
) -> Result<Reply<Deleted>> {
    let mut tx = store.begin_write().await?;
    let org = scope::org(&mut *tx, &path.org_id).await?;
    tx.delete_org(&org.id).await?;
    let change = Change::new("organization.delete", "organization", &org.id).before(&org)?;
    access.writer().record(&mut *tx, change).await?;
    tx.commit().await?;
    Ok(reply(Deleted::new(org.id)))
}
