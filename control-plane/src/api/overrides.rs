//! Overrides of a flag in one environment, replaced as a whole. They are
//! evaluated before the rollout condition and every rule, in order.

use super::configs::{versioned, ConfigChange, Versioned};
use super::paths::FlagEnvPath;
use super::views::OverrideView;
use super::Data;
use crate::auth::{need, OrgAccess};
use crate::error::{ApiError, Result};
use crate::extract::{IfMatch, Json, Path};
use crate::store::text::JsonText;
use crate::store::{DynStore, Override};
use crate::{validate, AppState};
use axum::extract::State;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

const MAX_VALUES: usize = 10_000;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(replace_overrides))
}

/// Body of `PUT …/overrides`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReplaceOverrides {
    pub overrides: Vec<OverrideInput>,
}

/// Contexts whose `attribute` (stringified) is one of `values` get the variation.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OverrideInput {
    /// `userId`, `key`, `companyId`, or any other attribute.
    pub attribute: String,
    pub values: Vec<String>,
    pub variation_id: String,
}

/// Replace every override of the flag in this environment (`write`; `publishProduction` in production).
#[utoipa::path(put, path = "/api/orgs/{orgId}/projects/{projectId}/flags/{flagId}/envs/{envId}/overrides",
    tag = "flag configs", params(FlagEnvPath), request_body = ReplaceOverrides,
    responses((status = 200, body = Data<Vec<OverrideView>>)))]
async fn replace_overrides(
    State(store): State<DynStore>,
    access: OrgAccess<need::Write>,
    Path(path): Path<FlagEnvPath>,
    if_match: IfMatch,
    Json(body): Json<ReplaceOverrides>,
) -> Result<Versioned<Vec<OverrideView>>> {
    let total: usize = body.overrides.iter().map(|o| o.values.len()).sum();
    if total > MAX_VALUES {
        return Err(ApiError::invalid(
            "overrides",
            format!("may hold at most {MAX_VALUES} values in all"),
        ));
    }
    let mut tx = store.begin_write().await?;
    let mut change = ConfigChange::begin(&mut *tx, &access, &path, if_match).await?;
    let data = change.load(&mut *tx).await?;
    let mut rows = Vec::with_capacity(body.overrides.len());
    for ((i, input), sort_order) in body.overrides.into_iter().enumerate().zip(0..) {
        let attribute = validate::name(&format!("overrides[{i}].attribute"), &input.attribute)?;
        if input.values.is_empty() {
            return Err(ApiError::invalid(
                format!("overrides[{i}].values"),
                "must list at least one value",
            ));
        }
        if data
            .variations_of(&change.flag.id)
            .all(|v| v.id != input.variation_id)
        {
            let message = format!("`{}` is not a variation of this flag", input.variation_id);
            return Err(ApiError::invalid(
                format!("overrides[{i}].variationId"),
                message,
            ));
        }
        rows.push(Override {
            flag_id: change.flag.id.clone(),
            environment_id: change.env.id.clone(),
            sort_order,
            attribute,
            match_values: JsonText(input.values),
            variation_id: input.variation_id,
        });
    }
    let before: Vec<OverrideView> = data.config_view(&change.env, &change.config).overrides;
    tx.delete_overrides(&change.flag.id, &change.env.id).await?;
    for row in &rows {
        tx.insert_override(row).await?;
    }
    change.save(&mut *tx).await?;
    let after = change
        .load(&mut *tx)
        .await?
        .config_view(&change.env, &change.config)
        .overrides;
    change
        .finish(
            &mut *tx,
            "flag.overrides.replace",
            "overrides",
            Some(&before),
            Some(&after),
        )
        .await?;
    tx.commit().await?;
    Ok(versioned(change.config.version, after))
}
