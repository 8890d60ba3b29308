//! Targeting rules of a flag in one environment: create, update, delete, reorder.
//! AB_TEST rules are evaluated before TARGETED_DELIVERY rules; within a type, in order.

use super::configs::{versioned, ConfigChange, Versioned};
use super::paths::{FlagEnvPath, RulePath};
use super::views::{ProjectData, RuleView};
use super::{Data, Deleted};
use crate::auth::{need, OrgAccess};
use crate::error::{ApiError, Result};
use crate::extract::{IfMatch, Json, Path};
use crate::ids::new_id;
use crate::store::{DynStore, Rule, RuleAudience, RuleType, RuleVariation, Tx};
use crate::{validate, AppState};
use axum::extract::State;
use axum::http::StatusCode;
use evaluator_core::SPLIT_SUM_TOLERANCE;
use serde::Deserialize;
use std::collections::BTreeSet;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

const DEFAULT_HASH_ATTRIBUTE: &str = "userId";

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_rule))
        .routes(routes!(reorder_rules))
        .routes(routes!(update_rule, delete_rule))
}

/// Body of `POST …/rules`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewRule {
    #[serde(rename = "type")]
    pub rule_type: RuleType,
    #[serde(default)]
    pub name: String,
    /// Share of matching contexts the rule applies to, 0 to 1 (default 1).
    pub traffic_allocation: Option<f64>,
    /// Variation shares; percentages are 0 to 1 and sum to 1.
    pub variations: Vec<SplitInput>,
    /// The context must be in one of these audiences; empty = everyone.
    #[serde(default)]
    pub audience_ids: Vec<String>,
    /// Attribute hashed for bucketing (default `userId`).
    pub hash_attribute: Option<String>,
}

/// A variation's share.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SplitInput {
    pub variation_id: String,
    pub percentage: f64,
}

/// Body of `PATCH …/rules/{ruleId}`; absent fields stay, lists are replaced whole.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateRule {
    #[serde(rename = "type")]
    pub rule_type: Option<RuleType>,
    pub name: Option<String>,
    pub traffic_allocation: Option<f64>,
    pub variations: Option<Vec<SplitInput>>,
    pub audience_ids: Option<Vec<String>>,
    pub hash_attribute: Option<String>,
}

/// Body of `PUT …/rules/reorder`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReorderRules {
    /// Every rule id of the configuration, once, in the new order.
    pub rule_ids: Vec<String>,
}

/// Checks a rule's shares against the flag's variations.
fn check_splits(data: &ProjectData, flag_id: &str, splits: &[SplitInput]) -> Result<()> {
    if splits.is_empty() {
        return Err(ApiError::invalid(
            "variations",
            "must list at least one variation",
        ));
    }
    let mut seen = BTreeSet::new();
    for (i, split) in splits.iter().enumerate() {
        if data
            .variations_of(flag_id)
            .all(|v| v.id != split.variation_id)
        {
            let message = format!("`{}` is not a variation of this flag", split.variation_id);
            return Err(ApiError::invalid(
                format!("variations[{i}].variationId"),
                message,
            ));
        }
        if !seen.insert(&split.variation_id) {
            return Err(ApiError::invalid(
                format!("variations[{i}].variationId"),
                "is listed twice",
            ));
        }
        validate::fraction(&format!("variations[{i}].percentage"), split.percentage)?;
    }
    let sum: f64 = splits.iter().map(|s| s.percentage).sum();
    if (sum - 1.0).abs() > SPLIT_SUM_TOLERANCE {
        return Err(ApiError::invalid(
            "variations",
            format!("percentages sum to {sum}, not 1"),
        ));
    }
    Ok(())
}

/// Checks that the audiences exist in the project, each once.
fn check_audiences(data: &ProjectData, ids: &[String]) -> Result<()> {
    let mut seen = BTreeSet::new();
    for (i, id) in ids.iter().enumerate() {
        if data.audiences.iter().all(|a| &a.id != id) {
            return Err(ApiError::invalid(
                format!("audienceIds[{i}]"),
                format!("no audience `{id}` in this project"),
            ));
        }
        if !seen.insert(id) {
            return Err(ApiError::invalid(
                format!("audienceIds[{i}]"),
                "is listed twice",
            ));
        }
    }
    Ok(())
}

fn check_hash_attribute(value: &str) -> Result<String> {
    validate::name("hashAttribute", value)
}

/// Replaces a rule's shares and audiences.
async fn write_targets(
    tx: &mut dyn Tx,
    rule_id: &str,
    splits: Option<&[SplitInput]>,
    audiences: Option<&[String]>,
) -> Result<()> {
    if let Some(splits) = splits {
        tx.delete_rule_variations(rule_id).await?;
        for (split, sort_order) in splits.iter().zip(0..) {
            let row = RuleVariation {
                rule_id: rule_id.to_owned(),
                variation_id: split.variation_id.clone(),
                percentage: split.percentage,
                sort_order,
            };
            tx.insert_rule_variation(&row).await?;
        }
    }
    if let Some(audiences) = audiences {
        tx.delete_rule_audiences(rule_id).await?;
        for (audience_id, sort_order) in audiences.iter().zip(0..) {
            let row = RuleAudience {
                rule_id: rule_id.to_owned(),
                audience_id: audience_id.clone(),
                sort_order,
            };
            tx.insert_rule_audience(&row).await?;
        }
    }
    Ok(())
}

/// The rule `id` of the configuration being changed, or 404.
fn find_rule(data: &ProjectData, change: &ConfigChange, id: &str) -> Result<Rule> {
    data.rules_of(&change.config)
        .find(|r| r.id == id)
        .cloned()
        .ok_or_else(|| ApiError::not_found(format!("rule `{id}`")))
}

/// The current view of rule `id`.
async fn load_rule(tx: &mut dyn Tx, change: &ConfigChange, id: &str) -> Result<RuleView> {
    let data = change.load(tx).await?;
    Ok(data.rule_view(&find_rule(&data, change, id)?))
}

/// Add a rule at the end (`write`; `publishProduction` in production).
#[utoipa::path(post, path = "/api/orgs/{orgId}/projects/{projectId}/flags/{flagId}/envs/{envId}/rules",
    tag = "flag configs", params(FlagEnvPath), request_body = NewRule,
    responses((status = 201, body = Data<RuleView>)))]
async fn create_rule(
    State(store): State<DynStore>,
    access: OrgAccess<need::Write>,
    Path(path): Path<FlagEnvPath>,
    if_match: IfMatch,
    Json(body): Json<NewRule>,
) -> Result<(StatusCode, Versioned<RuleView>)> {
    let traffic_allocation = body.traffic_allocation.unwrap_or(1.0);
    validate::fraction("trafficAllocation", traffic_allocation)?;
    let hash_attribute = check_hash_attribute(
        body.hash_attribute
            .as_deref()
            .unwrap_or(DEFAULT_HASH_ATTRIBUTE),
    )?;
    let name = validate::text("name", body.name.trim(), 200)?;
    let mut tx = store.begin_write().await?;
    let mut change = ConfigChange::begin(&mut *tx, &access, &path, if_match).await?;
    let data = change.load(&mut *tx).await?;
    check_splits(&data, &change.flag.id, &body.variations)?;
    check_audiences(&data, &body.audience_ids)?;
    let rule = Rule {
        id: new_id("rul"),
        flag_id: change.flag.id.clone(),
        environment_id: change.env.id.clone(),
        rule_type: body.rule_type,
        name,
        traffic_allocation,
        hash_attribute,
        sort_order: data
            .rules_of(&change.config)
            .map(|r| r.sort_order + 1)
            .max()
            .unwrap_or(0),
        created_at: change.writer.now,
        updated_at: change.writer.now,
    };
    tx.insert_rule(&rule).await?;
    write_targets(
        &mut *tx,
        &rule.id,
        Some(&body.variations),
        Some(&body.audience_ids),
    )
    .await?;
    change.save(&mut *tx).await?;
    let view = load_rule(&mut *tx, &change, &rule.id).await?;
    change
        .finish(
            &mut *tx,
            "flag.rule.create",
            "rule",
            None::<&RuleView>,
            Some(&view),
        )
        .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, versioned(change.config.version, view)))
}

/// Update a rule (`write`; `publishProduction` in production).
#[utoipa::path(patch, path = "/api/orgs/{orgId}/projects/{projectId}/flags/{flagId}/envs/{envId}/rules/{ruleId}",
    tag = "flag configs", params(RulePath), request_body = UpdateRule,
    responses((status = 200, body = Data<RuleView>)))]
async fn update_rule(
    State(store): State<DynStore>,
    access: OrgAccess<need::Write>,
    Path(path): Path<RulePath>,
    if_match: IfMatch,
    Json(body): Json<UpdateRule>,
) -> Result<Versioned<RuleView>> {
    let mut tx = store.begin_write().await?;
    let mut change = ConfigChange::begin(&mut *tx, &access, &path.config(), if_match).await?;
    let data = change.load(&mut *tx).await?;
    let mut rule = find_rule(&data, &change, &path.rule_id)?;
    let before = data.rule_view(&rule);
    if let Some(rule_type) = body.rule_type {
        rule.rule_type = rule_type;
    }
    if let Some(name) = &body.name {
        rule.name = validate::text("name", name.trim(), 200)?;
    }
    if let Some(traffic_allocation) = body.traffic_allocation {
        validate::fraction("trafficAllocation", traffic_allocation)?;
        rule.traffic_allocation = traffic_allocation;
    }
    if let Some(hash_attribute) = &body.hash_attribute {
        rule.hash_attribute = check_hash_attribute(hash_attribute)?;
    }
    if let Some(splits) = &body.variations {
        check_splits(&data, &change.flag.id, splits)?;
    }
    if let Some(audiences) = &body.audience_ids {
        check_audiences(&data, audiences)?;
    }
    rule.updated_at = change.writer.now;
    tx.update_rule(&rule).await?;
    write_targets(
        &mut *tx,
        &rule.id,
        body.variations.as_deref(),
        body.audience_ids.as_deref(),
    )
    .await?;
    change.save(&mut *tx).await?;
    let after = load_rule(&mut *tx, &change, &rule.id).await?;
    change
        .finish(
            &mut *tx,
            "flag.rule.update",
            "rule",
            Some(&before),
            Some(&after),
        )
        .await?;
    tx.commit().await?;
    Ok(versioned(change.config.version, after))
}

/// Delete a rule (`write`; `publishProduction` in production).
#[utoipa::path(delete, path = "/api/orgs/{orgId}/projects/{projectId}/flags/{flagId}/envs/{envId}/rules/{ruleId}",
    tag = "flag configs", params(RulePath), responses((status = 200, body = Data<Deleted>)))]
async fn delete_rule(
    State(store): State<DynStore>,
    access: OrgAccess<need::Write>,
    Path(path): Path<RulePath>,
    if_match: IfMatch,
) -> Result<Versioned<Deleted>> {
    let mut tx = store.begin_write().await?;
    let mut change = ConfigChange::begin(&mut *tx, &access, &path.config(), if_match).await?;
    let data = change.load(&mut *tx).await?;
    let rule = find_rule(&data, &change, &path.rule_id)?;
    let before = data.rule_view(&rule);
    tx.delete_rule(&rule.id).await?;
    change.save(&mut *tx).await?;
    change
        .finish(
            &mut *tx,
            "flag.rule.delete",
            "rule",
            Some(&before),
            None::<&RuleView>,
        )
        .await?;
    tx.commit().await?;
    Ok(versioned(change.config.version, Deleted::new(rule.id)))
}

/// Put the rules in a new order (`write`; `publishProduction` in production).
#[utoipa::path(put, path = "/api/orgs/{orgId}/projects/{projectId}/flags/{flagId}/envs/{envId}/rules/reorder",
    tag = "flag configs", params(FlagEnvPath), request_body = ReorderRules,
    responses((status = 200, body = Data<Vec<RuleView>>)))]
async fn reorder_rules(
    State(store): State<DynStore>,
    access: OrgAccess<need::Write>,
    Path(path): Path<FlagEnvPath>,
    if_match: IfMatch,
    Json(body): Json<ReorderRules>,
) -> Result<Versioned<Vec<RuleView>>> {
    let mut tx = store.begin_write().await?;
    let mut change = ConfigChange::begin(&mut *tx, &access, &path, if_match).await?;
    let data = change.load(&mut *tx).await?;
    let rules: Vec<Rule> = data.rules_of(&change.config).cloned().collect();
    let current: BTreeSet<&str> = rules.iter().map(|r| r.id.as_str()).collect();
    let requested: BTreeSet<&str> = body.rule_ids.iter().map(String::as_str).collect();
    if requested != current || body.rule_ids.len() != rules.len() {
        let message = format!(
            "must list each of the {} rules of this configuration exactly once",
            rules.len()
        );
        return Err(ApiError::invalid("ruleIds", message));
    }
    let before: Vec<RuleView> = rules.iter().map(|r| data.rule_view(r)).collect();
    for (id, sort_order) in body.rule_ids.iter().zip(0..) {
        if let Some(rule) = rules.iter().find(|r| &r.id == id) {
            tx.update_rule(&Rule {
                sort_order,
                updated_at: change.writer.now,
                ..rule.clone()
            })
            .await?;
        }
    }
    change.save(&mut *tx).await?;
    let data = change.load(&mut *tx).await?;
    let after: Vec<RuleView> = data
        .rules_of(&change.config)
        .map(|r| data.rule_view(r))
        .collect();
    change
        .finish(
            &mut *tx,
            "flag.rules.reorder",
            "rules",
            Some(&before),
            Some(&after),
        )
        .await?;
    tx.commit().await?;
    Ok(versioned(change.config.version, after))
}
