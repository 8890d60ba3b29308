//! Compiling an environment's records into evaluator-core's datafile, the
//! one schema every SDK reads.

use crate::api::views::ProjectData;
use crate::store::{self, Environment, Flag};
use chrono::{DateTime, SecondsFormat, Utc};
use evaluator_core as core;
use std::collections::BTreeSet;

impl From<store::FlagType> for core::FlagType {
    fn from(value: store::FlagType) -> Self {
        match value {
            store::FlagType::Boolean => Self::Boolean,
            store::FlagType::String => Self::String,
            store::FlagType::Number => Self::Number,
            store::FlagType::Json => Self::Json,
        }
    }
}

impl From<store::FlagStatus> for core::FlagStatus {
    fn from(value: store::FlagStatus) -> Self {
        match value {
            store::FlagStatus::Draft => Self::Draft,
            store::FlagStatus::Active => Self::Active,
            store::FlagStatus::Archived => Self::Archived,
        }
    }
}

impl From<store::RuleType> for core::RuleType {
    fn from(value: store::RuleType) -> Self {
        match value {
            store::RuleType::AbTest => Self::AbTest,
            store::RuleType::TargetedDelivery => Self::TargetedDelivery,
        }
    }
}

impl From<store::EventType> for core::EventType {
    fn from(value: store::EventType) -> Self {
        match value {
            store::EventType::Conversion => Self::Conversion,
            store::EventType::Numeric => Self::Numeric,
        }
    }
}

/// The datafile of `env` (whose project `data` was loaded for) as `revision`.
/// Flags are in key order; only the audiences its rules use are included.
pub fn build_datafile(
    data: &ProjectData,
    env: &Environment,
    revision: u64,
    published_at: DateTime<Utc>,
) -> core::Datafile {
    let flags: Vec<core::Flag> = data
        .flags
        .iter()
        .filter_map(|flag| build_flag(data, flag, env))
        .collect();
    let used: BTreeSet<&str> = flags
        .iter()
        .flat_map(|flag| &flag.rules)
        .flat_map(|rule| rule.audiences.iter().map(String::as_str))
        .collect();
    let audiences = data
        .audiences
        .iter()
        .filter(|audience| used.contains(audience.id.as_str()))
        .map(|audience| core::Audience {
            id: audience.id.clone(),
            name: audience.name.clone(),
            included: audience.included.0.clone().into(),
            excluded: audience.excluded.0.clone().into(),
            conditions: audience.conditions.as_ref().map(|c| c.0.clone()),
        })
        .collect();
    let events = data
        .events
        .iter()
        .map(|event| core::EventDef {
            key: event.key.clone(),
            event_type: event.event_type.into(),
        })
        .collect();
    core::Datafile {
        schema_version: core::SCHEMA_VERSION,
        revision,
        published_at: published_at.to_rfc3339_opts(SecondsFormat::Millis, true),
        environment: core::EnvironmentRef {
            id: env.id.clone(),
            key: env.key.clone(),
            production: env.production,
        },
        flags,
        audiences,
        events,
    }
}

/// `flag` as configured in `env`; `None` if it has no config there.
fn build_flag(data: &ProjectData, flag: &Flag, env: &Environment) -> Option<core::Flag> {
    let config = data.config(&flag.id, &env.id)?;
    let key_of = |id: &str| data.variation_key(id).to_owned();
    let rollout_condition = (config.min_version.is_some() || config.activation_date.is_some())
        .then(|| core::RolloutCondition {
            min_version: config.min_version.clone(),
            activation_date: config.activation_date.map(|at| at.timestamp_millis()),
        });
    Some(core::Flag {
        key: flag.key.clone(),
        flag_type: flag.flag_type.into(),
        status: flag.status.into(),
        variations: data
            .variations_of(&flag.id)
            .map(|v| core::Variation {
                key: v.key.clone(),
                value: v.value.0.clone(),
            })
            .collect(),
        off_variation: key_of(&flag.off_variation_id),
        enabled: config.enabled,
        default_variation: key_of(&config.default_variation_id),
        scheduled_enable_at: config
            .scheduled_enable_at
            .filter(|_| config.scheduling_enabled)
            .map(|at| at.timestamp_millis()),
        rollout_condition,
        overrides: data
            .overrides_of(config)
            .map(|o| core::Override {
                attribute: o.attribute.clone(),
                values: o.match_values.0.clone(),
                variation: key_of(&o.variation_id),
            })
            .collect(),
        rules: data
            .rules_of(config)
            .map(|rule| core::Rule {
                id: rule.id.clone(),
                rule_type: rule.rule_type.into(),
                audiences: data.audience_ids_of(rule).map(str::to_owned).collect(),
                traffic_allocation: rule.traffic_allocation,
                variations: data
                    .splits_of(rule)
                    .map(|split| core::Split {
                        variation: key_of(&split.variation_id),
                        percentage: split.percentage,
                    })
                    .collect(),
                hash_attribute: rule.hash_attribute.clone(),
            })
            .collect(),
    })
}
