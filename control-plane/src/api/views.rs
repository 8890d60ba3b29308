//! A project's flag data loaded in one go, and the flag representations the
//! API answers with (list summaries, details, configs, rules, overrides).

use crate::error::Result;
use crate::stale::{self, EnvironmentServing, FlagActivity, Staleness};
use crate::store::{
    Audience, Environment, Flag, FlagConfig, FlagEvent, FlagStatus, FlagType, Override, Rule,
    RuleAudience, RuleType, RuleVariation, ServedCount, Tx, Variation,
};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::BTreeSet;
use utoipa::ToSchema;

/// Everything flag views and datafiles are built from: one project, or one flag of it.
pub struct ProjectData {
    pub environments: Vec<Environment>,
    pub flags: Vec<Flag>,
    pub variations: Vec<Variation>,
    pub configs: Vec<FlagConfig>,
    pub rules: Vec<Rule>,
    pub rule_variations: Vec<RuleVariation>,
    pub rule_audiences: Vec<RuleAudience>,
    pub overrides: Vec<Override>,
    pub audiences: Vec<Audience>,
    pub events: Vec<FlagEvent>,
    /// Evaluations SDKs reported during the stale window (see `stale::observed`).
    pub served: Vec<ServedCount>,
}

/// A variation; `value` is JSON text (`"true"`, `"\"blue\""`) as in contract 004.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VariationView {
    pub id: String,
    pub key: String,
    pub name: String,
    pub value: String,
}

/// What summaries and details share.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FlagBase {
    pub id: String,
    pub key: String,
    pub name: String,
    pub description: String,
    #[serde(rename = "type")]
    pub flag_type: FlagType,
    pub status: FlagStatus,
    /// Key of the variation served when the flag is off.
    pub default_variation_key: String,
    pub stale: Staleness,
    pub variations: Vec<VariationView>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A flag in the list: its per-environment toggle state.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FlagSummary {
    #[serde(flatten)]
    pub base: FlagBase,
    pub environments: Vec<ToggleState>,
}

/// Whether a flag is on in one environment.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ToggleState {
    pub environment_id: String,
    pub environment_key: String,
    pub enabled: bool,
    pub has_pending_changes: bool,
}

/// A flag with its full configuration in every environment.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FlagDetail {
    #[serde(flatten)]
    pub base: FlagBase,
    pub environments: Vec<ConfigView>,
    /// The audiences its rules refer to.
    pub audiences: Vec<AudienceRef>,
}

/// A flag's configuration in one environment.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConfigView {
    pub environment_id: String,
    pub environment_key: String,
    pub production: bool,
    pub enabled: bool,
    /// Served when enabled and no override or rule applies.
    pub default_variation_id: String,
    pub scheduling_enabled: bool,
    pub scheduled_enable_at: Option<DateTime<Utc>>,
    /// IANA timezone the schedule was entered in.
    pub timezone: String,
    pub rollout_condition: Option<RolloutConditionView>,
    pub overrides: Vec<OverrideView>,
    /// In evaluation order within each type; AB_TEST rules run before TARGETED_DELIVERY.
    pub rules: Vec<RuleView>,
    pub has_pending_changes: bool,
    /// Optimistic-concurrency version: send it as `If-Match` to refuse lost updates.
    pub version: i64,
    pub updated_at: DateTime<Utc>,
}

/// Gate between overrides and rules (contract 002).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RolloutConditionView {
    pub min_version: Option<String>,
    pub activation_date: Option<DateTime<Utc>>,
}

/// A targeting rule.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RuleView {
    pub id: String,
    #[serde(rename = "type")]
    pub rule_type: RuleType,
    pub name: String,
    pub traffic_allocation: f64,
    pub hash_attribute: String,
    pub variations: Vec<SplitView>,
    pub audience_ids: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A variation's share of a rule.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SplitView {
    pub variation_id: String,
    pub percentage: f64,
}

/// Contexts whose `attribute` is one of `values` get `variationId`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OverrideView {
    pub attribute: String,
    pub values: Vec<String>,
    pub variation_id: String,
}

/// An audience a flag refers to.
#[derive(Debug, Serialize, ToSchema)]
pub struct AudienceRef {
    pub id: String,
    pub key: String,
    pub name: String,
}

impl ProjectData {
    /// Loads `project_id`'s data, or only one flag's when `flag_id` is given.
    pub async fn load(tx: &mut dyn Tx, project_id: &str, flag_id: Option<&str>) -> Result<Self> {
        Ok(Self {
            environments: tx.list_environments(project_id).await?,
            flags: tx.list_flags(project_id, flag_id).await?,
            variations: tx.list_variations(project_id, flag_id).await?,
            configs: tx.list_configs(project_id, flag_id).await?,
            rules: tx.list_rules(project_id, flag_id).await?,
            rule_variations: tx.list_rule_variations(project_id, flag_id).await?,
            rule_audiences: tx.list_rule_audiences(project_id, flag_id).await?,
            overrides: tx.list_overrides(project_id, flag_id).await?,
            audiences: tx.list_audiences(project_id).await?,
            events: tx.list_events(project_id).await?,
            served: tx
                .served_counts(project_id, &stale::window_start(Utc::now()))
                .await?,
        })
    }

    pub fn variations_of<'a>(&'a self, flag_id: &'a str) -> impl Iterator<Item = &'a Variation> {
        self.variations.iter().filter(move |v| v.flag_id == flag_id)
    }

    /// The key of variation `id` (the id itself if unknown, which validation then rejects).
    pub fn variation_key<'a>(&'a self, id: &'a str) -> &'a str {
        self.variations
            .iter()
            .find(|v| v.id == id)
            .map_or(id, |v| &v.key)
    }

    pub fn config(&self, flag_id: &str, environment_id: &str) -> Option<&FlagConfig> {
        self.configs
            .iter()
            .find(|c| c.flag_id == flag_id && c.environment_id == environment_id)
    }

    pub fn rules_of<'a>(&'a self, config: &'a FlagConfig) -> impl Iterator<Item = &'a Rule> {
        self.rules.iter().filter(move |r| {
            r.flag_id == config.flag_id && r.environment_id == config.environment_id
        })
    }

    pub fn splits_of<'a>(&'a self, rule: &'a Rule) -> impl Iterator<Item = &'a RuleVariation> {
        self.rule_variations
            .iter()
            .filter(move |s| s.rule_id == rule.id)
    }

    pub fn audience_ids_of<'a>(&'a self, rule: &'a Rule) -> impl Iterator<Item = &'a str> {
        self.rule_audiences
            .iter()
            .filter(move |a| a.rule_id == rule.id)
            .map(|a| a.audience_id.as_str())
    }

    pub fn overrides_of<'a>(
        &'a self,
        config: &'a FlagConfig,
    ) -> impl Iterator<Item = &'a Override> {
        self.overrides.iter().filter(move |o| {
            o.flag_id == config.flag_id && o.environment_id == config.environment_id
        })
    }

    /// The flag as listed.
    pub fn summary(&self, flag: &Flag, now: DateTime<Utc>) -> FlagSummary {
        let environments = self
            .environments
            .iter()
            .filter_map(|env| Some((env, self.config(&flag.id, &env.id)?)))
            .map(|(env, config)| ToggleState {
                environment_id: env.id.clone(),
                environment_key: env.key.clone(),
                enabled: config.enabled,
                has_pending_changes: config.has_pending_changes,
            })
            .collect();
        FlagSummary {
            base: self.base(flag, now),
            environments,
        }
    }

    /// The flag with every environment's configuration.
    pub fn detail(&self, flag: &Flag, now: DateTime<Utc>) -> FlagDetail {
        let environments: Vec<_> = self
            .environments
            .iter()
            .filter_map(|env| Some(self.config_view(env, self.config(&flag.id, &env.id)?)))
            .collect();
        let used: BTreeSet<&str> = environments
            .iter()
            .flat_map(|config| &config.rules)
            .flat_map(|rule| rule.audience_ids.iter().map(String::as_str))
            .collect();
        let audiences = self
            .audiences
            .iter()
            .filter(|a| used.contains(a.id.as_str()))
            .map(|a| AudienceRef {
                id: a.id.clone(),
                key: a.key.clone(),
                name: a.name.clone(),
            })
            .collect();
        FlagDetail {
            base: self.base(flag, now),
            environments,
            audiences,
        }
    }

    /// One environment's configuration of a flag.
    pub fn config_view(&self, env: &Environment, config: &FlagConfig) -> ConfigView {
        let rollout_condition = (config.min_version.is_some() || config.activation_date.is_some())
            .then(|| RolloutConditionView {
                min_version: config.min_version.clone(),
                activation_date: config.activation_date,
            });
        ConfigView {
            environment_id: env.id.clone(),
            environment_key: env.key.clone(),
            production: env.production,
            enabled: config.enabled,
            default_variation_id: config.default_variation_id.clone(),
            scheduling_enabled: config.scheduling_enabled,
            scheduled_enable_at: config.scheduled_enable_at,
            timezone: config.timezone.clone(),
            rollout_condition,
            overrides: self.overrides_of(config).map(override_view).collect(),
            rules: self
                .rules_of(config)
                .map(|rule| self.rule_view(rule))
                .collect(),
            has_pending_changes: config.has_pending_changes,
            version: config.version,
            updated_at: config.updated_at,
        }
    }

    pub fn rule_view(&self, rule: &Rule) -> RuleView {
        RuleView {
            id: rule.id.clone(),
            rule_type: rule.rule_type,
            name: rule.name.clone(),
            traffic_allocation: rule.traffic_allocation,
            hash_attribute: rule.hash_attribute.clone(),
            variations: self
                .splits_of(rule)
                .map(|s| SplitView {
                    variation_id: s.variation_id.clone(),
                    percentage: s.percentage,
                })
                .collect(),
            audience_ids: self.audience_ids_of(rule).map(str::to_owned).collect(),
            created_at: rule.created_at,
            updated_at: rule.updated_at,
        }
    }

    fn base(&self, flag: &Flag, now: DateTime<Utc>) -> FlagBase {
        FlagBase {
            id: flag.id.clone(),
            key: flag.key.clone(),
            name: flag.name.clone(),
            description: flag.description.clone(),
            flag_type: flag.flag_type,
            status: flag.status,
            default_variation_key: self.variation_key(&flag.off_variation_id).to_owned(),
            stale: stale::assess(&self.activity(flag, now), now),
            variations: self
                .variations_of(&flag.id)
                .map(|v| VariationView {
                    id: v.id.clone(),
                    key: v.key.clone(),
                    name: v.name.clone(),
                    value: v.value.0.to_string(),
                })
                .collect(),
            created_at: flag.created_at,
            updated_at: flag.updated_at,
        }
    }

    /// The stale rule's inputs, derived from the configuration.
    fn activity<'a>(&'a self, flag: &'a Flag, now: DateTime<Utc>) -> FlagActivity<'a> {
        let configs: Vec<&FlagConfig> = self
            .configs
            .iter()
            .filter(|c| c.flag_id == flag.id)
            .collect();
        let last_change = configs
            .iter()
            .map(|c| c.updated_at)
            .fold(flag.updated_at, DateTime::max);
        let environments = configs
            .into_iter()
            .map(|config| {
                let observed = stale::observed(&self.served, &config.environment_id, &flag.key);
                EnvironmentServing::new(config.enabled, observed, || {
                    self.servable(flag, config, now)
                })
            })
            .collect();
        FlagActivity {
            status: flag.status,
            last_change,
            environments,
        }
    }

    /// Every variation an enabled config can serve at `now`.
    fn servable<'a>(
        &'a self,
        flag: &'a Flag,
        config: &'a FlagConfig,
        now: DateTime<Utc>,
    ) -> BTreeSet<&'a str> {
        let mut served = BTreeSet::from([config.default_variation_id.as_str()]);
        served.extend(self.overrides_of(config).map(|o| o.variation_id.as_str()));
        for rule in self.rules_of(config).filter(|r| r.traffic_allocation > 0.0) {
            served.extend(
                self.splits_of(rule)
                    .filter(|s| s.percentage > 0.0)
                    .map(|s| s.variation_id.as_str()),
            );
        }
        let gated = config.min_version.is_some()
            || config.activation_date.is_some_and(|at| at > now)
            || (config.scheduling_enabled && config.scheduled_enable_at.is_some_and(|at| at > now));
        if gated {
            served.insert(&flag.off_variation_id);
        }
        served
    }
}

fn override_view(o: &Override) -> OverrideView {
    OverrideView {
        attribute: o.attribute.clone(),
        values: o.match_values.0.clone(),
        variation_id: o.variation_id.clone(),
    }
}
