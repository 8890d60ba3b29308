//! The stale indicator: flags that no longer decide anything and can go.
//!
//! A flag is stale when nothing about it changed for [`STALE_AFTER_DAYS`]
//! days (its definition, configs, rules and overrides) and
//! - it is DRAFT: never enabled anywhere (`NEVER_ENABLED`), or
//! - it is ACTIVE but disabled in every environment (`DISABLED_EVERYWHERE`), or
//! - it is ACTIVE and every environment where it is enabled serves a single
//!   variation to everyone (`FULLY_ROLLED_OUT`): time to hard-code it, or
//! - it is ACTIVE, and the SDKs of every environment where it is enabled
//!   report evaluations, but none of this flag during the window
//!   (`NOT_EVALUATED`): the code no longer asks for it.
//!
//! ARCHIVED flags are already retired and never stale. What an environment
//! "serves" ([`EnvironmentServing::variations`]) is what SDKs reported
//! evaluating during the window (summary events, see [`observed`]), or, where
//! they report nothing for the flag, what the configuration can reach (every
//! variation a rule, override, default or pending gate can serve).

use crate::store::{FlagStatus, ServedCount};
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use std::collections::BTreeSet;
use utoipa::ToSchema;

/// How long a flag must be unchanged before it can be stale.
pub const STALE_AFTER_DAYS: i64 = 30;

/// The first day (`YYYY-MM-DD`, UTC) whose evaluation counts are in the window at `now`.
pub fn window_start(now: DateTime<Utc>) -> String {
    (now - Duration::days(STALE_AFTER_DAYS))
        .format("%Y-%m-%d")
        .to_string()
}

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
    /// ACTIVE, enabled, but not evaluated by SDKs that report evaluations, for the window.
    NotEvaluated,
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
    /// Variation ids the environment can serve, or the keys SDKs reported serving.
    pub variations: BTreeSet<&'a str>,
    /// Evaluations of the flag SDKs reported during the window; `None` when the
    /// environment's SDKs report no evaluations at all.
    pub evaluations: Option<u64>,
}

impl<'a> EnvironmentServing<'a> {
    /// What SDKs reported serving ([`observed`]), or else what the configuration can serve.
    pub fn new(
        enabled: bool,
        observed: Option<(u64, BTreeSet<&'a str>)>,
        configured: impl FnOnce() -> BTreeSet<&'a str>,
    ) -> Self {
        let evaluations = observed.as_ref().map(|(total, _)| *total);
        let variations = match observed {
            Some((total, served)) if total > 0 => served,
            _ => configured(),
        };
        Self {
            enabled,
            variations,
            evaluations,
        }
    }
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
    let enabled: Vec<&EnvironmentServing> = activity
        .environments
        .iter()
        .filter(|env| env.enabled)
        .collect();
    let reason = match activity.status {
        _ if !settled => None,
        FlagStatus::Archived => None,
        FlagStatus::Draft => Some(StaleReason::NeverEnabled),
        FlagStatus::Active if enabled.is_empty() => Some(StaleReason::DisabledEverywhere),
        FlagStatus::Active if enabled.iter().all(|env| env.evaluations == Some(0)) => {
            Some(StaleReason::NotEvaluated)
        }
        FlagStatus::Active => enabled
            .iter()
            .all(|env| env.variations.len() == 1)
            .then_some(StaleReason::FullyRolledOut),
    };
    Staleness {
        is_stale: reason.is_some(),
        reason,
    }
}

/// What the SDKs of `environment_id` reported for `flag_key` in `counts`:
/// its evaluations and the variation keys served; `None` when that
/// environment reported no evaluations of any flag.
pub fn observed<'a>(
    counts: &'a [ServedCount],
    environment_id: &str,
    flag_key: &str,
) -> Option<(u64, BTreeSet<&'a str>)> {
    let mut reported = counts
        .iter()
        .filter(|c| c.environment_id == environment_id)
        .peekable();
    reported.peek()?;
    let mut total = 0;
    let mut served = BTreeSet::new();
    for count in reported.filter(|c| c.flag_key == flag_key && c.evaluations > 0) {
        total += u64::try_from(count.evaluations).unwrap_or_default();
        served.insert(count.variation.as_str());
    }
    Some((total, served))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(enabled: bool, variations: &[&'static str]) -> EnvironmentServing<'static> {
        EnvironmentServing {
            enabled,
            evaluations: None,
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

    #[test]
    fn evaluation_counts_decide_what_is_served() {
        let count = |env: &str, flag: &str, variation: &str, evaluations| ServedCount {
            environment_id: env.to_owned(),
            flag_key: flag.to_owned(),
            variation: variation.to_owned(),
            evaluations,
        };
        let counts = [
            count("prod", "checkout", "on", 90),
            count("prod", "checkout", "off", 0),
            count("prod", "banner", "on", 3),
            count("prod", "banner", "off", 2),
        ];
        let (total, served) = observed(&counts, "prod", "checkout").expect("prod reports");
        assert_eq!(
            (total, served.into_iter().collect::<Vec<_>>()),
            (90, vec!["on"])
        );
        assert_eq!(
            observed(&counts, "prod", "search"),
            Some((0, BTreeSet::new()))
        );
        assert_eq!(observed(&counts, "staging", "checkout"), None);
    }

    #[test]
    fn flags_no_reporting_sdk_evaluates_are_not_evaluated() {
        let reported = |enabled, evaluations| EnvironmentServing {
            evaluations,
            ..env(enabled, &["on", "off"])
        };
        let unused = vec![reported(true, Some(0)), reported(false, None)];
        assert_eq!(
            reason(FlagStatus::Active, 31, unused),
            Some(StaleReason::NotEvaluated)
        );
        // One enabled environment whose SDKs do not report: nothing is known there.
        let unknown = vec![reported(true, Some(0)), reported(true, None)];
        assert_eq!(reason(FlagStatus::Active, 31, unknown), None);
        let used = vec![reported(true, Some(12))];
        assert_eq!(reason(FlagStatus::Active, 31, used), None);
    }
}
