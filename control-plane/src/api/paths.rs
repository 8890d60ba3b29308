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

/// `…/flags/{flagId}`
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Path)]
pub struct FlagPath {
    /// Organization id.
    pub org_id: String,
    /// Project id or key.
    pub project_id: String,
    /// Flag id or key.
    pub flag_id: String,
}

/// `…/flags/{flagId}/envs/{envId}`
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Path)]
pub struct FlagEnvPath {
    /// Organization id.
    pub org_id: String,
    /// Project id or key.
    pub project_id: String,
    /// Flag id or key.
    pub flag_id: String,
    /// Environment id or key.
    pub env_id: String,
}

/// `…/flags/{flagId}/envs/{envId}/rules/{ruleId}`
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Path)]
pub struct RulePath {
    /// Organization id.
    pub org_id: String,
    /// Project id or key.
    pub project_id: String,
    /// Flag id or key.
    pub flag_id: String,
    /// Environment id or key.
    pub env_id: String,
    /// Rule id.
    pub rule_id: String,
}

impl RulePath {
    /// The configuration the rule belongs to.
    pub fn config(&self) -> FlagEnvPath {
        FlagEnvPath {
            org_id: self.org_id.clone(),
            project_id: self.project_id.clone(),
            flag_id: self.flag_id.clone(),
            env_id: self.env_id.clone(),
        }
    }
}

/// `…/audiences/{audienceId}`
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Path)]
pub struct AudiencePath {
    /// Organization id.
    pub org_id: String,
    /// Project id or key.
    pub project_id: String,
    /// Audience id or key.
    pub audience_id: String,
}
