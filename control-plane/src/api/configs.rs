//! A flag's configuration in one environment: read it, change it. Every
//! change (here, and to rules and overrides) goes through [`ConfigChange`]:
//! production needs `publishProduction`, archived flags are frozen, the
//! config row is locked, `If-Match` must name its current version, the save
//! bumps the version and marks pending changes, and finishing records the
//! change before an auto-publishing environment publishes it.

use super::flags::require_not_archived;
use super::paths::FlagEnvPath;
use super::views::{ConfigView, ProjectData};
use super::{reply, scope, Data, Reply};
use crate::audit::{in_environment, Change, Writer};
use crate::auth::{need, OrgAccess};
use crate::error::{ApiError, ErrorBody, Result};
use crate::extract::{nullable, IfMatch, Json, Path};
use crate::store::{DynStore, Environment, Flag, FlagConfig, FlagStatus, Permission, Project, Tx};
use crate::{publish, validate, AppState};
use axum::extract::State;
use axum::http::header::ETAG;
use axum::http::HeaderName;
use evaluator_core::parse_strict_semver;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_config, update_config))
}

/// Body of `PATCH …/flags/{flagId}/envs/{envId}`; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateConfig {
    /// The kill switch.
    pub enabled: Option<bool>,
    /// Variation served when enabled and no override or rule applies.
    pub default_variation_id: Option<String>,
    pub scheduling_enabled: Option<bool>,
    /// When an enabled flag starts serving: RFC 3339, or a local date-time
    /// (`2025-03-15T09:00:00`) read in `timezone`. Null clears it.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub scheduled_enable_at: Option<Option<String>>,
    /// IANA timezone (default `UTC`).
    pub timezone: Option<String>,
    /// Evaluated after overrides, before rules. Null removes it.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<RolloutConditionInput>)]
    pub rollout_condition: Option<Option<RolloutConditionInput>>,
}

/// The rollout gate: app version and activation date.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RolloutConditionInput {
    /// Strict semantic version (`2.4.0`); contexts with a lower or missing `appVersion` get the off variation.
    pub min_version: Option<String>,
    /// RFC 3339 (or local in `timezone`); before it everyone gets the off variation.
    pub activation_date: Option<String>,
}

/// A reply tagged with the configuration's version as `ETag: "<version>"`.
pub(super) type Versioned<T> = ([(HeaderName, String); 1], Reply<T>);

/// Wraps `data` with the `ETag` of configuration `version`.
pub(super) fn versioned<T>(version: i64, data: T) -> Versioned<T> {
    ([(ETAG, format!("\"{version}\""))], reply(data))
}

/// A locked flag configuration being changed.
pub(super) struct ConfigChange {
    pub project: Project,
    pub flag: Flag,
    pub env: Environment,
    pub config: FlagConfig,
    pub writer: Writer,
}

impl ConfigChange {
    /// Loads and locks the configuration `path` names for a change by `access`.
    pub async fn begin<N>(
        tx: &mut dyn Tx,
        access: &OrgAccess<N>,
        path: &FlagEnvPath,
        if_match: IfMatch,
    ) -> Result<Self> {
        let project = scope::project(tx, &path.org_id, &path.project_id).await?;
        let flag = scope::flag(tx, &project, &path.flag_id).await?;
        let env = scope::environment(tx, &project, &path.env_id).await?;
        if env.production {
            access.principal.require(Permission::PublishProduction)?;
        }
        require_not_archived(&flag)?;
        let config = tx.lock_config(&flag.id, &env.id).await?.ok_or_else(|| {
            ApiError::not_found(format!(
                "configuration of flag `{}` in `{}`",
                flag.key, env.key
            ))
        })?;
        if let IfMatch(Some(expected)) = if_match {
            if expected != config.version {
                return Err(ApiError::Conflict(format!(
                    "version mismatch: the configuration is at version {}, If-Match named {expected}",
                    config.version
                )));
            }
        }
        Ok(Self {
            project,
            flag,
            env,
            config,
            writer: access.writer(),
        })
    }

    /// The project data of this flag, as of now in the transaction.
    pub async fn load(&self, tx: &mut dyn Tx) -> Result<ProjectData> {
        ProjectData::load(tx, &self.project.id, Some(&self.flag.id)).await
    }

    /// Saves the configuration as its next version with pending changes and
    /// activates a DRAFT flag the first time it is enabled.
    pub async fn save(&mut self, tx: &mut dyn Tx) -> Result<()> {
        self.config.version += 1;
        self.config.has_pending_changes = true;
        self.config.updated_at = self.writer.now;
        tx.update_config(&self.config).await?;
        if self.config.enabled && self.flag.status == FlagStatus::Draft {
            self.flag.status = FlagStatus::Active;
            self.flag.updated_at = self.writer.now;
            tx.update_flag(&self.flag).await?;
        }
        Ok(())
    }

    /// Records `action` on the flag (states tagged by environment under
    /// `name`), then publishes the environment if it auto-publishes.
    pub async fn finish(
        &mut self,
        tx: &mut dyn Tx,
        action: &str,
        name: &str,
        before: Option<&impl Serialize>,
        after: Option<&impl Serialize>,
    ) -> Result<()> {
        let mut change = Change::new(action, "flag", &self.flag.id);
        if let Some(state) = before {
            change = change.before(&in_environment(&self.env.id, name, state)?)?;
        }
        if let Some(state) = after {
            change = change.after(&in_environment(&self.env.id, name, state)?)?;
        }
        self.writer.record(tx, change).await?;
        if self.env.auto_publish {
            self.env = publish::publish(tx, &self.writer, &self.env).await?;
            self.config.has_pending_changes = false;
        }
        Ok(())
    }
}

/// A flag's configuration in one environment, with its version as `ETag`.
#[utoipa::path(get, path = "/api/orgs/{orgId}/projects/{projectId}/flags/{flagId}/envs/{envId}",
    tag = "flag configs", params(FlagEnvPath), responses((status = 200, body = Data<ConfigView>)))]
async fn get_config(
    State(store): State<DynStore>,
    _: OrgAccess<need::Read>,
    Path(path): Path<FlagEnvPath>,
) -> Result<Versioned<ConfigView>> {
    let mut tx = store.begin().await?;
    let project = scope::project(&mut *tx, &path.org_id, &path.project_id).await?;
    let flag = scope::flag(&mut *tx, &project, &path.flag_id).await?;
    let env = scope::environment(&mut *tx, &project, &path.env_id).await?;
    let data = ProjectData::load(&mut *tx, &project.id, Some(&flag.id)).await?;
    let config = data.config(&flag.id, &env.id).ok_or_else(|| {
        ApiError::not_found(format!(
            "configuration of flag `{}` in `{}`",
            flag.key, env.key
        ))
    })?;
    Ok(versioned(config.version, data.config_view(&env, config)))
}

/// Toggle the flag or update its configuration (`write`; `publishProduction` in production).
/// Send `If-Match: "<version>"` to get 409 instead of overwriting a concurrent change.
#[utoipa::path(patch, path = "/api/orgs/{orgId}/projects/{projectId}/flags/{flagId}/envs/{envId}",
    tag = "flag configs", params(FlagEnvPath,
        ("If-Match" = Option<String>, Header, description = "Expected configuration version")),
    request_body = UpdateConfig,
    responses((status = 200, body = Data<ConfigView>),
        (status = 409, description = "Version mismatch, or the flag is archived", body = ErrorBody)))]
async fn update_config(
    State(store): State<DynStore>,
    access: OrgAccess<need::Write>,
    Path(path): Path<FlagEnvPath>,
    if_match: IfMatch,
    Json(body): Json<UpdateConfig>,
) -> Result<Versioned<ConfigView>> {
    let mut tx = store.begin_write().await?;
    let mut change = ConfigChange::begin(&mut *tx, &access, &path, if_match).await?;
    let data = change.load(&mut *tx).await?;
    let before = data.config_view(&change.env, &change.config);
    apply(&mut change.config, &data, &change.flag, body)?;
    change.save(&mut *tx).await?;
    // Rules and overrides did not change: the data read before still describes them.
    let mut after = data.config_view(&change.env, &change.config);
    change
        .finish(
            &mut *tx,
            "flag.config.update",
            "config",
            Some(&before),
            Some(&after),
        )
        .await?;
    after.has_pending_changes = change.config.has_pending_changes;
    tx.commit().await?;
    Ok(versioned(change.config.version, after))
}

/// Applies a validated PATCH to `config`.
fn apply(
    config: &mut FlagConfig,
    data: &ProjectData,
    flag: &Flag,
    body: UpdateConfig,
) -> Result<()> {
    let zone = validate::timezone(
        "timezone",
        body.timezone.as_deref().unwrap_or(&config.timezone),
    )?;
    config.timezone = zone.name().to_owned();
    if let Some(enabled) = body.enabled {
        config.enabled = enabled;
    }
    if let Some(id) = body.default_variation_id {
        if data.variations_of(&flag.id).all(|v| v.id != id) {
            return Err(ApiError::invalid(
                "defaultVariationId",
                format!("`{id}` is not a variation of flag `{}`", flag.key),
            ));
        }
        config.default_variation_id = id;
    }
    if let Some(scheduling) = body.scheduling_enabled {
        config.scheduling_enabled = scheduling;
    }
    if let Some(at) = body.scheduled_enable_at {
        config.scheduled_enable_at = at
            .map(|text| validate::instant("scheduledEnableAt", &text, zone))
            .transpose()?;
    }
    if config.scheduling_enabled && config.scheduled_enable_at.is_none() {
        return Err(ApiError::invalid(
            "scheduledEnableAt",
            "is required when schedulingEnabled is true",
        ));
    }
    if let Some(condition) = body.rollout_condition {
        let condition = condition.unwrap_or(RolloutConditionInput {
            min_version: None,
            activation_date: None,
        });
        config.min_version = condition
            .min_version
            .map(|text| {
                parse_strict_semver(&text)
                    .map(|v| v.to_string())
                    .map_err(|error| {
                        ApiError::invalid(
                            "rolloutCondition.minVersion",
                            format!("`{text}` is not a semantic version: {error}"),
                        )
                    })
            })
            .transpose()?;
        config.activation_date = condition
            .activation_date
            .map(|text| validate::instant("rolloutCondition.activationDate", &text, zone))
            .transpose()?;
    }
    Ok(())
}
