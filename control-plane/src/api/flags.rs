//! Flags: list, create, detail, update, delete, archive.

use crate::error::Result;
use crate::store::{Environment, Flag, FlagConfig, FlagType, Project, Tx, Variation};
use chrono::{DateTime, Utc};
use serde_json::Value;

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
