//! First-start bootstrap: the super-admin token.

use crate::auth::token_for_secret;
use crate::ids::{hash_token, new_token_secret};
use crate::store::{DynStore, Permission};

/// Shortest accepted `HALYARD_ADMIN_TOKEN`.
const MIN_ADMIN_TOKEN_LEN: usize = 16;

/// Why bootstrapping failed.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("HALYARD_ADMIN_TOKEN must be at least {MIN_ADMIN_TOKEN_LEN} characters")]
    WeakAdminToken,
    #[error("database error while seeding: {0}")]
    Database(#[from] sqlx::Error),
    #[error("seeding the demo failed: {0}")]
    Demo(String),
}

/// Makes sure a super-admin token exists. With `configured` (HALYARD_ADMIN_TOKEN)
/// that token is registered; otherwise, when no super-admin token exists yet,
/// one is generated and returned so it can be shown once.
pub async fn bootstrap_admin(
    store: &DynStore,
    configured: Option<&str>,
) -> Result<Option<String>, SeedError> {
    let mut tx = store.begin_write().await?;
    let generated = match configured {
        Some(secret) if secret.len() < MIN_ADMIN_TOKEN_LEN => {
            return Err(SeedError::WeakAdminToken)
        }
        Some(secret) => {
            if tx.find_token_by_hash(&hash_token(secret)).await?.is_none() {
                let token = token_for_secret(
                    None,
                    "super-admin (HALYARD_ADMIN_TOKEN)",
                    vec![Permission::Admin],
                    secret,
                );
                tx.insert_token(&token).await?;
            }
            None
        }
        None if tx.count_super_admin_tokens().await? > 0 => None,
        None => {
            let secret = new_token_secret();
            tx.insert_token(&token_for_secret(
                None,
                "super-admin",
                vec![Permission::Admin],
                &secret,
            ))
            .await?;
            Some(secret)
        }
    };
    tx.commit().await?;
    Ok(generated)
}
