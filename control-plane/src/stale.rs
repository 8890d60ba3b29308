//! The stale indicator: flags that no longer decide anything and can go.
//!
//! A flag is stale when nothing about it changed for [`STALE_AFTER_DAYS`]
//! days (its definition, configs, rules and overrides) and
//! - it is DRAFT: never enabled anywhere (`NEVER_ENABLED`), or
//! - it is ACTIVE but disabled in every environment (`DISABLED_EVERYWHERE`), or
//! - it is ACTIVE and every environment where it is enabled serves a single
//!   variation to everyone (`FULLY_ROLLED_OUT`): time to hard-code it.
//!
//! ARCHIVED flags are already retired and never stale. What an environment
//! "serves" is an input ([`EnvironmentServing::variations`]): today it is
//! derived from the configuration (every variation a rule, override, default
//! or pending gate can reach); once SDKs report evaluation counts, the
//! variations actually served during the window plug in at the same place.

use crate::store::FlagStatus;
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use std::collections::BTreeSet;
use utoipa::ToSchema;

/// How long a flag must be unchanged before it can be stale.
pub const STALE_AFTER_DAYS: i64 = 30;

/// Why a flag is stale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum StaleReason {
    /// DRAFT and unchanged for the window.
    NeverEnabled,
    /// ACTIVE, disabled in every environment, unchanged for the window.
    DisabledEverywhere,
    /// ACTIVE, one variation for everyone wherever enabled, unchanged for the window.
    FullyRolledOut,
}

/// The indicator shown with every flag.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Staleness {
    pub is_stale: bool,
    pub reason: Option<StaleReason>,
}

/// What one environment does with the flag.
pub struct EnvironmentServing<'a> {
    pub enabled: bool,
    /// Variation ids the environment can serve (or served, with evaluation counts).
    pub variations: BTreeSet<&'a str>,
}

/// The facts the rule looks at.
pub struct FlagActivity<'a> {
    pub status: FlagStatus,
    /// Latest change of the flag, its configs, rules or overrides.
    pub last_change: DateTime<Utc>,
    pub environments: Vec<EnvironmentServing<'a>>,
}

/// Applies the rule at `now`.
pub fn assess(activity: &FlagActivity<'_>, now: DateTime<Utc>) -> Staleness {
    let settled = now - activity.last_change >= Duration::days(STALE_AFTER_DAYS);
    let mut enabled = activity
        .environments
        .iter()
        .filter(|env| env.enabled)
        .peekable();
    let reason = match activity.status {
        _ if !settled => None,
        FlagStatus::Archived => None,
        FlagStatus::Draft => Some(StaleReason::NeverEnabled),
        FlagStatus::Active if enabled.peek().is_none() => Some(StaleReason::DisabledEverywhere),
        FlagStatus::Active => enabled
            .all(|env| env.variations.len() == 1)
            .then_some(StaleReason::FullyRolledOut),
    };
    Staleness {
        is_stale: reason.is_some(),
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(enabled: bool, variations: &[&'static str]) -> EnvironmentServing<'static> {
        EnvironmentServing {
            enabled,
            variations: variations.iter().copied().collect(),
        }
    }

    fn reason(
        status: FlagStatus,
        days_ago: i64,
        environments: Vec<EnvironmentServing<'static>>,
    ) -> Option<StaleReason> {
        let now = DateTime::from_timestamp(2_000_000_000, 0).expect("valid");
        let activity = FlagActivity {
            status,
            last_change: now - Duration::days(days_ago),
            environments,
        };
        let staleness = assess(&activity, now);
        assert_eq!(staleness.is_stale, staleness.reason.is_some());
        staleness.reason
    }

    #[test]
    fn recent_changes_are_never_stale() {
        assert_eq!(
            reason(FlagStatus::Draft, 29, vec![env(false, &["off"])]),
            None
        );
        assert_eq!(
            reason(FlagStatus::Active, 29, vec![env(true, &["on"])]),
            None
        );
    }

    #[test]
    fn settled_flags_by_status() {
        assert_eq!(
            reason(FlagStatus::Draft, 30, vec![env(false, &["off"])]),
            Some(StaleReason::NeverEnabled)
        );
        assert_eq!(
            reason(FlagStatus::Archived, 400, vec![env(true, &["on"])]),
            None
        );
        assert_eq!(
            reason(
                FlagStatus::Active,
                31,
                vec![env(false, &["off"]), env(false, &["off"])]
            ),
            Some(StaleReason::DisabledEverywhere)
        );
    }

    #[test]
    fn fully_rolled_out_means_one_variation_wherever_enabled() {
        let rolled_out = vec![env(true, &["on"]), env(false, &["off"]), env(true, &["on"])];
        assert_eq!(
            reason(FlagStatus::Active, 45, rolled_out),
            Some(StaleReason::FullyRolledOut)
        );
        let experimenting = vec![env(true, &["on"]), env(true, &["blue", "green"])];
        assert_eq!(reason(FlagStatus::Active, 45, experimenting), None);
    }
}
