//! Path parameters. Projects, environments, flags and audiences may be named
//! by id or by key (`/api/orgs/demo/projects/default/flags/new_checkout`).

use serde::Deserialize;
use utoipa::IntoParams;

/// `/api/orgs/{orgId}`
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Path)]
pub struct OrgPath {
    /// Organization id.
    pub org_id: String,
}

/// `/api/orgs/{orgId}/projects/{projectId}`
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Path)]
pub struct ProjectPath {
    /// Organization id.
    pub org_id: String,
    /// Project id or key.
    pub project_id: String,
}

/// `…/environments/{envId}`
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Path)]
pub struct EnvPath {
    /// Organization id.
    pub org_id: String,
    /// Project id or key.
    pub project_id: String,
    /// Environment id or key.
    pub env_id: String,
}

/// `/api/orgs/{orgId}/tokens/{tokenId}`
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Path)]
pub struct TokenPath {
    /// Organization id.
    pub org_id: String,
    /// Token id.
    pub token_id: String,
}
