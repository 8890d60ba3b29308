//! Identifiers, secrets and timestamps.

use chrono::{DateTime, SubsecRound, Utc};
use sha2::{Digest, Sha256};

/// Crockford's base32 alphabet in lowercase: no i, l, o, u to misread.
const ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";

/// `len` random base32 characters (5 bits of entropy each).
fn random_text(len: usize) -> String {
    let mut bytes = vec![0u8; len];
    getrandom::fill(&mut bytes).expect("the operating system's random source failed");
    // 256 is a multiple of 32, so masking keeps the distribution uniform.
    bytes
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(b & 31)]))
        .collect()
}

/// A new id such as `flg_5f3kq8w1z0c2m7xa` (80 random bits).
pub fn new_id(prefix: &str) -> String {
    format!("{prefix}_{}", random_text(16))
}

/// A new API token secret (200 random bits), shown to its owner once.
pub fn new_token_secret() -> String {
    format!("hly_{}", random_text(40))
}

/// A new public SDK key for an environment.
pub fn new_sdk_key(environment_key: &str) -> String {
    let label: String = environment_key
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(12)
        .collect();
    format!("sdk_{}_{}", label.to_ascii_lowercase(), random_text(20))
}

/// The stored form of a token secret: hex SHA-256.
pub fn hash_token(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The current time at millisecond precision, which both backends store exactly.
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(3)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_carry_their_prefix_and_differ() {
        let (a, b) = (new_id("flg"), new_id("flg"));
        assert!(a.starts_with("flg_") && a.len() == 20, "{a}");
        assert_ne!(a, b);
        assert!(new_sdk_key("Prod-EU").starts_with("sdk_prodeu_"));
    }

    #[test]
    fn token_hash_is_sha256_hex() {
        assert_eq!(
            hash_token("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
