//! Publishing an environment: its records compile into a datafile that
//! evaluator-core must accept, the revision moves on and pending changes
//! clear. Environments with `autoPublish` publish in the transaction of every
//! change that touches them, so an invalid change is refused whole.

use crate::api::views::ProjectData;
use crate::audit::{Change, Writer};
use crate::datafile::build_datafile;
use crate::delivery::revisions::store_revision;
use crate::error::{ApiError, Result};
use crate::store::{Environment, Tx};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// What the audit log records of a publish.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Published {
    revision: i64,
    published_at: Option<DateTime<Utc>>,
}

impl From<&Environment> for Published {
    fn from(env: &Environment) -> Self {
        Self {
            revision: env.revision,
            published_at: env.published_at,
        }
    }
}

/// Publishes `env` as its next revision and clears its pending changes;
/// 422 naming the offending datafile field if evaluator-core rejects it.
pub async fn publish(tx: &mut dyn Tx, writer: &Writer, env: &Environment) -> Result<Environment> {
    let published = tx
        .publish_environment(&env.id, writer.now)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("environment `{}`", env.key)))?;
    let data = ProjectData::load(tx, &env.project_id, None).await?;
    let revision = u64::try_from(published.revision).unwrap_or_default();
    let datafile = build_datafile(&data, &published, revision, writer.now);
    datafile
        .validate()
        .map_err(|error| ApiError::invalid(format!("datafile.{}", error.path), error.message))?;
    store_revision(tx, &env.id, &datafile, writer, None).await?;
    tx.clear_pending_changes(&env.id).await?;
    let change = Change::new("environment.publish", "environment", &env.id)
        .before(&Published::from(env))?
        .after(&Published::from(&published))?;
    writer.record(tx, change).await?;
    Ok(published)
}

/// Publishes those of `envs` that auto-publish.
pub async fn publish_auto<'a>(
    tx: &mut dyn Tx,
    writer: &Writer,
    envs: impl IntoIterator<Item = &'a Environment>,
) -> Result<()> {
    for env in envs.into_iter().filter(|env| env.auto_publish) {
        publish(tx, writer, env).await?;
    }
    Ok(())
}
