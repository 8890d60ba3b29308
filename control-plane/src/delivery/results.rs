//! `GET …/flags/{flagId}/results`: per environment and variation, how often
//! SDKs evaluated and exposed it, and what the exposed users did afterwards
//! for each of the project's events (conversions, conversion rate, and the
//! mean value of NUMERIC events).

use crate::api::paths::FlagPath;
use crate::api::{reply, scope, Data, Reply};
use crate::auth::{need, OrgAccess};
use crate::error::Result;
use crate::extract::{Path, Query};
use crate::store::{ConversionTotal, DynStore, EventType, FlagEvent, VariationCount};
use crate::AppState;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_results))
}

/// Query of `GET …/results`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ResultsQuery {
    /// Only this environment (id or key).
    pub environment: Option<String>,
}

/// A flag's results in every environment.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FlagResults {
    pub flag_id: String,
    pub flag_key: String,
    pub environments: Vec<EnvironmentResults>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EnvironmentResults {
    pub environment_id: String,
    pub environment_key: String,
    /// The flag's variations in order, then any other variation SDKs reported.
    pub variations: Vec<VariationResults>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VariationResults {
    /// Variation key.
    pub variation: String,
    /// Evaluations SDKs counted (summary events).
    pub evaluations: i64,
    /// Impressions SDKs sent (one per user and session).
    pub impressions: i64,
    /// Distinct users whose first exposure was this variation.
    pub exposed_users: i64,
    /// One entry per event of the project.
    pub events: Vec<EventResults>,
}

/// What the exposed users did with one event after their first exposure.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EventResults {
    pub event_key: String,
    #[serde(rename = "type")]
    pub event_type: EventType,
    /// Exposed users who sent the event at least once.
    pub converted_users: i64,
    /// Events those users sent.
    pub conversions: i64,
    /// convertedUsers / exposedUsers; null without exposed users.
    pub conversion_rate: Option<f64>,
    /// NUMERIC events: the mean of the values sent; null otherwise or without values.
    pub mean: Option<f64>,
}

/// Impressions and conversions of a flag per environment and variation.
#[utoipa::path(get, path = "/api/orgs/{orgId}/projects/{projectId}/flags/{flagId}/results",
    tag = "flags", params(FlagPath, ResultsQuery), responses((status = 200, body = Data<FlagResults>)))]
async fn get_results(
    State(store): State<DynStore>,
    _: OrgAccess<need::Read>,
    Path(path): Path<FlagPath>,
    Query(query): Query<ResultsQuery>,
) -> Result<Reply<FlagResults>> {
    let mut tx = store.begin().await?;
    let project = scope::project(&mut *tx, &path.org_id, &path.project_id).await?;
    let flag = scope::flag(&mut *tx, &project, &path.flag_id).await?;
    let environments = match &query.environment {
        Some(reference) => vec![scope::environment(&mut *tx, &project, reference).await?],
        None => tx.list_environments(&project.id).await?,
    };
    let defined: Vec<String> = tx
        .list_variations(&project.id, Some(&flag.id))
        .await?
        .into_iter()
        .map(|v| v.key)
        .collect();
    let counts = Counts {
        evaluations: index(tx.evaluation_totals(&project.id, &flag.key).await?),
        impressions: index(tx.impression_totals(&project.id, &flag.key).await?),
        exposed: index(tx.exposed_users(&project.id, &flag.key).await?),
        conversions: tx.conversion_totals(&project.id, &flag.key).await?,
        events: tx.list_events(&project.id).await?,
    };
    let environments = environments
        .into_iter()
        .map(|env| EnvironmentResults {
            variations: counts.variations(&env.id, &defined),
            environment_id: env.id,
            environment_key: env.key,
        })
        .collect();
    Ok(reply(FlagResults {
        flag_id: flag.id,
        flag_key: flag.key,
        environments,
    }))
}

type ByVariation = HashMap<(String, String), i64>;

fn index(rows: Vec<VariationCount>) -> ByVariation {
    rows.into_iter()
        .map(|row| ((row.environment_id, row.variation), row.total))
        .collect()
}

struct Counts {
    evaluations: ByVariation,
    impressions: ByVariation,
    exposed: ByVariation,
    conversions: Vec<ConversionTotal>,
    events: Vec<FlagEvent>,
}

impl Counts {
    fn variations(&self, environment_id: &str, defined: &[String]) -> Vec<VariationResults> {
        let mut keys: Vec<&str> = defined.iter().map(String::as_str).collect();
        let reported = [&self.evaluations, &self.impressions, &self.exposed]
            .into_iter()
            .flat_map(|counts| counts.keys())
            .filter(|(env, _)| env == environment_id)
            .map(|(_, variation)| variation.as_str());
        for variation in reported {
            if !keys.contains(&variation) {
                keys.push(variation);
            }
        }
        keys.into_iter()
            .map(|variation| self.variation(environment_id, variation))
            .collect()
    }

    fn variation(&self, environment_id: &str, variation: &str) -> VariationResults {
        let key = (environment_id.to_owned(), variation.to_owned());
        let count = |counts: &ByVariation| counts.get(&key).copied().unwrap_or_default();
        let exposed_users = count(&self.exposed);
        let events = self
            .events
            .iter()
            .map(|event| {
                let total = self.conversions.iter().find(|c| {
                    c.environment_id == environment_id
                        && c.variation == variation
                        && c.event_key == event.key
                });
                summarize(event, total, exposed_users)
            })
            .collect();
        VariationResults {
            variation: variation.to_owned(),
            evaluations: count(&self.evaluations),
            impressions: count(&self.impressions),
            exposed_users,
            events,
        }
    }
}

fn summarize(
    event: &FlagEvent,
    total: Option<&ConversionTotal>,
    exposed_users: i64,
) -> EventResults {
    let converted_users = total.map_or(0, |t| t.users);
    let mean = total
        .filter(|t| event.event_type == EventType::Numeric && t.value_count > 0)
        .map(|t| t.value_sum / t.value_count as f64);
    EventResults {
        event_key: event.key.clone(),
        event_type: event.event_type,
        converted_users,
        conversions: total.map_or(0, |t| t.conversions),
        conversion_rate: (exposed_users > 0).then(|| converted_users as f64 / exposed_users as f64),
        mean,
    }
}
