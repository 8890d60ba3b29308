//! Bearer-token authentication and organization-scoped authorization.
//!
//! A missing, malformed, unknown or revoked token answers 401. An
//! organization token never learns whether another organization exists:
//! every `/api/orgs/{orgId}/…` path of another tenant answers 404. A visible
//! organization without the needed permission answers 403.

use crate::error::{ApiError, Result};
use crate::ids::{hash_token, new_id, now};
use crate::store::text::JsonText;
use crate::store::{ApiToken, DynStore, Permission};
use axum::extract::{FromRef, FromRequestParts, RawPathParams};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use std::marker::PhantomData;

/// How many leading characters of a secret are kept to tell tokens apart.
const PREFIX_LEN: usize = 8;

/// The stored record of a token with `secret` (kept only as its hash).
pub fn token_for_secret(
    org_id: Option<&str>,
    name: &str,
    permissions: Vec<Permission>,
    secret: &str,
) -> ApiToken {
    ApiToken {
        id: new_id("tok"),
        org_id: org_id.map(str::to_owned),
        name: name.to_owned(),
        token_hash: hash_token(secret),
        token_prefix: secret.chars().take(PREFIX_LEN).collect(),
        permissions: JsonText(permissions),
        created_at: now(),
        revoked_at: None,
    }
}

/// The authenticated caller.
#[derive(Debug, Clone)]
pub struct Principal {
    pub token_id: String,
    pub name: String,
    /// `None` for super-admin tokens, which see every organization.
    pub org_id: Option<String>,
    pub permissions: Vec<Permission>,
}

impl Principal {
    /// Whether this is a super-admin token.
    pub fn is_super_admin(&self) -> bool {
        self.org_id.is_none()
    }

    /// Whether the token may act on organization `org_id` at all.
    pub fn sees(&self, org_id: &str) -> bool {
        self.org_id.as_deref().is_none_or(|own| own == org_id)
    }

    /// `admin` implies every permission and every permission implies `read`.
    pub fn has(&self, needed: Permission) -> bool {
        self.is_super_admin()
            || self.permissions.contains(&Permission::Admin)
            || self.permissions.contains(&needed)
            || (needed == Permission::Read && !self.permissions.is_empty())
    }

    /// 403 unless the token has `needed`.
    pub fn require(&self, needed: Permission) -> Result<()> {
        if self.has(needed) {
            Ok(())
        } else {
            Err(ApiError::Forbidden(format!(
                "this token lacks the `{}` permission",
                needed.as_str()
            )))
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Principal
where
    DynStore: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self> {
        let secret = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, secret)| secret.trim())
            .filter(|secret| !secret.is_empty())
            .ok_or(ApiError::Unauthorized)?;
        let store = DynStore::from_ref(state);
        let token = store
            .begin()
            .await?
            .find_token_by_hash(&hash_token(secret))
            .await?
            .filter(|token| token.revoked_at.is_none())
            .ok_or(ApiError::Unauthorized)?;
        Ok(Self {
            token_id: token.id,
            name: token.name,
            org_id: token.org_id,
            permissions: token.permissions.0,
        })
    }
}

/// A requirement an endpoint puts on the caller, checked before the body is read.
pub trait Need: Send + Sync {
    /// 403 when `principal` does not meet the requirement.
    fn check(principal: &Principal) -> Result<()>;
}

/// Marker types for [`OrgAccess`].
pub mod need {
    use super::{Need, Principal, Result};
    use crate::error::ApiError;
    use crate::store::Permission;

    macro_rules! permission_needs {
        ($($(#[$doc:meta])* $name:ident => $permission:ident;)*) => {$(
            $(#[$doc])*
            pub struct $name;

            impl Need for $name {
                fn check(principal: &Principal) -> Result<()> {
                    principal.require(Permission::$permission)
                }
            }
        )*};
    }

    permission_needs! {
        /// Any valid token of the organization.
        Read => Read;
        /// `write`.
        Write => Write;
        /// `createExperiments`.
        CreateExperiments => CreateExperiments;
        /// `admin`.
        Admin => Admin;
    }

    /// Only the super-admin token.
    pub struct SuperAdmin;

    impl Need for SuperAdmin {
        fn check(principal: &Principal) -> Result<()> {
            if principal.is_super_admin() {
                Ok(())
            } else {
                Err(ApiError::Forbidden(
                    "this endpoint needs the super-admin token".to_owned(),
                ))
            }
        }
    }
}

/// The caller, allowed to act on the `{orgId}` of the path as `N` demands.
pub struct OrgAccess<N> {
    pub principal: Principal,
    pub org_id: String,
    need: PhantomData<N>,
}

impl<S: Send + Sync, N: Need> FromRequestParts<S> for OrgAccess<N>
where
    DynStore: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self> {
        let principal = Principal::from_request_parts(parts, state).await?;
        let params = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|rejection| ApiError::BadRequest(rejection.body_text()))?;
        let org_id = params
            .iter()
            .find(|(name, _)| *name == "orgId")
            .map(|(_, value)| value.to_owned())
            .ok_or_else(|| ApiError::Internal("route has no {orgId} parameter".to_owned()))?;
        if !principal.sees(&org_id) {
            return Err(ApiError::not_found(format!("organization `{org_id}`")));
        }
        N::check(&principal)?;
        Ok(Self {
            principal,
            org_id,
            need: PhantomData,
        })
    }
}

/// The caller, who must hold the super-admin token (for routes without `{orgId}`).
pub struct SuperAdmin(pub Principal);

impl<S: Send + Sync> FromRequestParts<S> for SuperAdmin
where
    DynStore: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self> {
        let principal = Principal::from_request_parts(parts, state).await?;
        <need::SuperAdmin as Need>::check(&principal)?;
        Ok(Self(principal))
    }
}
