//! Loading the entities a path names, scoped to their parents, so an id of
//! another organization or project is simply not found.

use crate::error::{ApiError, Result};
use crate::store::{Environment, Flag, Organization, Project, Tx};

/// The organization `org_id`.
pub async fn org(tx: &mut dyn Tx, org_id: &str) -> Result<Organization> {
    tx.get_org(org_id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("organization `{org_id}`")))
}

/// Project `reference` (id or key) of organization `org_id`.
pub async fn project(tx: &mut dyn Tx, org_id: &str, reference: &str) -> Result<Project> {
    match tx.find_project(org_id, reference).await? {
        Some(project) => Ok(project),
        None => {
            // Name the missing parent when that is what is missing.
            org(tx, org_id).await?;
            Err(ApiError::not_found(format!("project `{reference}`")))
        }
    }
}

/// Environment `reference` (id or key) of `project`.
pub async fn environment(
    tx: &mut dyn Tx,
    project: &Project,
    reference: &str,
) -> Result<Environment> {
    tx.find_environment(&project.id, reference)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("environment `{reference}`")))
}

/// Flag `reference` (id or key) of `project`.
pub async fn flag(tx: &mut dyn Tx, project: &Project, reference: &str) -> Result<Flag> {
    tx.find_flag(&project.id, reference)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("flag `{reference}`")))
}
