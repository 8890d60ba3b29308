//! Variations: validation shared with flag creation, and the bulk PUT.

use super::flags::{load_detail, require_not_archived, require_production_rights};
use super::paths::FlagPath;
use super::views::{FlagDetail, ProjectData};
use super::{reply, scope, Data, Reply};
use crate::audit::Change;
use crate::auth::{need, OrgAccess};
use crate::error::{ApiError, Result};
use crate::extract::{Json, Path};
use crate::ids::new_id;
use crate::store::text::JsonText;
use crate::store::{DynStore, FlagType, Variation};
use crate::{publish, validate, AppState};
use axum::extract::State;
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeSet;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

const MAX_VARIATIONS: usize = 100;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(update_variations))
}

/// A variation as sent by clients.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VariationInput {
    /// Id of an existing variation to keep (PUT only); absent = new variation.
    pub id: Option<String>,
    pub key: String,
    /// Defaults to the key.
    pub name: Option<String>,
    /// JSON text as in contract 004 (`"true"`, `"42"`, `"\"blue\""`) or a plain JSON
    /// value. STRING flags also take bare text (`"blue"`).
    pub value: Value,
}

/// Body of `PUT …/flags/{flagId}/variations`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateVariations {
    /// The complete new list: listed ids are kept, new entries added, the rest removed.
    pub variations: Vec<VariationInput>,
    /// Variation served when the flag is off; defaults to the current one.
    pub default_variation_key: Option<String>,
}

/// A validated variation.
pub struct ValidVariation {
    pub id: Option<String>,
    pub key: String,
    pub name: String,
    pub value: Value,
}

/// Checks keys, names, values against the flag type, and the boolean rule.
pub fn validate_variations(
    flag_type: FlagType,
    inputs: Vec<VariationInput>,
) -> Result<Vec<ValidVariation>> {
    if inputs.is_empty() || inputs.len() > MAX_VARIATIONS {
        return Err(ApiError::invalid(
            "variations",
            format!("must list 1 to {MAX_VARIATIONS} variations"),
        ));
    }
    let mut keys = BTreeSet::new();
    let mut valid = Vec::with_capacity(inputs.len());
    for (i, input) in inputs.into_iter().enumerate() {
        validate::key(&format!("variations[{i}].key"), &input.key)?;
        if !keys.insert(input.key.clone()) {
            return Err(ApiError::invalid(
                format!("variations[{i}].key"),
                format!("`{}` is listed twice", input.key),
            ));
        }
        let name = validate::name(
            &format!("variations[{i}].name"),
            input.name.as_deref().unwrap_or(&input.key),
        )?;
        let value = parse_value(flag_type, &format!("variations[{i}].value"), input.value)?;
        valid.push(ValidVariation {
            id: input.id,
            key: input.key,
            name,
            value,
        });
    }
    let booleans: BTreeSet<_> = valid.iter().filter_map(|v| v.value.as_bool()).collect();
    if flag_type == FlagType::Boolean && (valid.len() != 2 || booleans.len() != 2) {
        return Err(ApiError::invalid(
            "variations",
            "a BOOLEAN flag has exactly two variations, valued \"true\" and \"false\"",
        ));
    }
    Ok(valid)
}

/// Decodes a variation value and checks it against the flag type.
fn parse_value(flag_type: FlagType, field: &str, raw: Value) -> Result<Value> {
    let value = match raw {
        Value::String(text) => {
            match serde_json::from_str::<Value>(&text) {
                Ok(value) if flag_type != FlagType::String || value.is_string() => value,
                _ if flag_type == FlagType::String => Value::String(text),
                Err(_) => {
                    return Err(ApiError::invalid(field, format!("`{text}` is not JSON text (e.g. \"true\", \"42\", \"{{\\\"a\\\": 1}}\")")));
                }
                Ok(value) => value,
            }
        }
        value => value,
    };
    let fits = match flag_type {
        FlagType::Boolean => value.is_boolean(),
        FlagType::String => value.is_string(),
        FlagType::Number => value.is_number(),
        FlagType::Json => true,
    };
    if !fits {
        return Err(ApiError::invalid(
            field,
            format!("{value} is not a {} value", flag_type.as_str()),
        ));
    }
    Ok(value)
}

/// Index of the variation served when off: the requested key, else the one
/// with id `current`, else (new flags) `false` for booleans or the first.
pub fn resolve_off_variation(
    variations: &[ValidVariation],
    requested: Option<&str>,
    current: Option<&str>,
) -> Result<usize> {
    if let Some(key) = requested {
        return variations.iter().position(|v| v.key == key).ok_or_else(|| {
            ApiError::invalid(
                "defaultVariationKey",
                format!("no variation has key `{key}`"),
            )
        });
    }
    match current {
        Some(id) => variations
            .iter()
            .position(|v| v.id.as_deref() == Some(id))
            .ok_or_else(|| {
                ApiError::invalid(
                    "defaultVariationKey",
                    "is required: the current default variation is removed",
                )
            }),
        None => Ok(variations
            .iter()
            .position(|v| v.value == Value::Bool(false))
            .unwrap_or(0)),
    }
}

/// Why `variation` cannot be removed, if it is in use.
fn find_use(data: &ProjectData, variation: &Variation) -> Option<String> {
    let env_key = |env_id: &str| {
        data.environments
            .iter()
            .find(|env| env.id == env_id)
            .map_or(env_id.to_owned(), |env| env.key.clone())
    };
    let rule_env = |rule_id: &str| {
        data.rules
            .iter()
            .find(|r| r.id == rule_id)
            .map(|r| env_key(&r.environment_id))
    };
    if let Some(env) = data
        .rule_variations
        .iter()
        .find(|s| s.variation_id == variation.id)
        .and_then(|s| rule_env(&s.rule_id))
    {
        return Some(format!("a rule in environment `{env}`"));
    }
    if let Some(o) = data
        .overrides
        .iter()
        .find(|o| o.variation_id == variation.id)
    {
        return Some(format!(
            "an override in environment `{}`",
            env_key(&o.environment_id)
        ));
    }
    data.configs
        .iter()
        .find(|c| c.default_variation_id == variation.id)
        .map(|c| {
            format!(
                "the default variation of environment `{}`",
                env_key(&c.environment_id)
            )
        })
}

/// Replace a flag's variations (`write`; `publishProduction` while it is on in production).
/// A variation a rule, override or environment default uses cannot be removed (422).
#[utoipa::path(put, path = "/api/orgs/{orgId}/projects/{projectId}/flags/{flagId}/variations",
    tag = "flags", params(FlagPath), request_body = UpdateVariations,
    responses((status = 200, body = Data<FlagDetail>)))]
async fn update_variations(
    State(store): State<DynStore>,
    access: OrgAccess<need::Write>,
    Path(path): Path<FlagPath>,
    Json(body): Json<UpdateVariations>,
) -> Result<Reply<FlagDetail>> {
    let mut tx = store.begin_write().await?;
    let project = scope::project(&mut *tx, &path.org_id, &path.project_id).await?;
    let mut flag = scope::flag(&mut *tx, &project, &path.flag_id).await?;
    require_not_archived(&flag)?;
    let data = ProjectData::load(&mut *tx, &project.id, Some(&flag.id)).await?;
    require_production_rights(&access, &data, &flag)?;
    let writer = access.writer();
    let before = load_detail(&mut *tx, &project.id, &flag.id, writer.now).await?;

    let valid = validate_variations(flag.flag_type, body.variations)?;
    let mut kept = BTreeSet::new();
    for (i, variation) in valid.iter().enumerate() {
        let Some(id) = variation.id.clone() else {
            continue;
        };
        if data.variations_of(&flag.id).all(|v| v.id != id) {
            return Err(ApiError::invalid(
                format!("variations[{i}].id"),
                format!("`{id}` is not a variation of this flag"),
            ));
        }
        if !kept.insert(id.clone()) {
            return Err(ApiError::invalid(
                format!("variations[{i}].id"),
                format!("`{id}` is listed twice"),
            ));
        }
    }
    let off = resolve_off_variation(
        &valid,
        body.default_variation_key.as_deref(),
        Some(&flag.off_variation_id),
    )?;
    for removed in data
        .variations_of(&flag.id)
        .filter(|v| !kept.contains(&v.id))
    {
        if let Some(user) = find_use(&data, removed) {
            return Err(ApiError::invalid(
                "variations",
                format!("variation `{}` is used by {user}", removed.key),
            ));
        }
        tx.delete_variation(&removed.id).await?;
    }
    let rows: Vec<Variation> = valid
        .into_iter()
        .zip(0..)
        .map(|(v, sort_order)| Variation {
            id: v.id.unwrap_or_else(|| new_id("var")),
            flag_id: flag.id.clone(),
            key: v.key,
            name: v.name,
            value: JsonText(v.value),
            sort_order,
        })
        .collect();
    // Kept variations first move to keys no client can use, so swapping keys
    // between variations never trips the unique constraint midway.
    for row in rows.iter().filter(|row| kept.contains(&row.id)) {
        tx.update_variation(&Variation {
            key: format!("~{}", row.id),
            ..row.clone()
        })
        .await?;
    }
    for row in &rows {
        if kept.contains(&row.id) {
            tx.update_variation(row).await?;
        } else {
            tx.insert_variation(row).await?;
        }
    }
    flag.off_variation_id = rows[off].id.clone();
    flag.updated_at = writer.now;
    tx.update_flag(&flag).await?;
    tx.mark_flag_pending(&flag.id, false).await?;
    let after = load_detail(&mut *tx, &project.id, &flag.id, writer.now).await?;
    let change = Change::new("flag.variations.update", "flag", &flag.id)
        .before(&before.base.variations)?
        .after(&after.base.variations)?;
    writer.record(&mut *tx, change).await?;
    publish::publish_auto(&mut *tx, &writer, &data.environments).await?;
    let after = load_detail(&mut *tx, &project.id, &flag.id, writer.now).await?;
    tx.commit().await?;
    Ok(reply(after))
}
