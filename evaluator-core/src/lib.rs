//! Halyard's evaluation core: the datafile model, its validation and
//! compilation, bucketing and flag evaluation. Pure Rust: no I/O, no clock.
//!
//! ```
//! use evaluator_core::{CompiledDatafile, Context, Reason};
//!
//! let json = r#"{
//!   "schemaVersion": 1, "revision": 1, "publishedAt": "2026-01-15T00:00:00Z",
//!   "environment": { "id": "env_1", "key": "production", "production": true },
//!   "flags": [{
//!     "key": "new_checkout", "type": "BOOLEAN", "status": "ACTIVE", "enabled": true,
//!     "variations": [{ "key": "on", "value": true }, { "key": "off", "value": false }],
//!     "offVariation": "off", "defaultVariation": "on"
//!   }]
//! }"#;
//! let compiled = CompiledDatafile::from_json(json).unwrap();
//! let result = compiled.evaluate("new_checkout", &Context::with_key("user-1"), 0);
//! assert_eq!(result.reason, Reason::Default);
//! assert_eq!(result.value, Some(&serde_json::Value::Bool(true)));
//! ```
#![cfg_attr(not(test), no_std)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]
#![warn(missing_docs)]

// No std outside tests, so the WebAssembly module can leave std's panic
// machinery out (see evaluator-wasm).
extern crate alloc;

mod bucket;
mod compile;
mod condition;
mod context;
mod datafile;
mod decode;
mod error;
mod evaluate;
mod float;
pub mod json;
mod lowercase;
mod number;
mod regex;
mod text;
mod time;
mod validate;
mod version;
mod xxh64;

pub use bucket::{compute_bucket, BucketPurpose, BUCKET_COUNT};
pub use compile::CompiledDatafile;
pub use condition::MAX_CONDITION_DEPTH;
pub use context::{AttrId, AttrValue, Attributes, Context};
pub use datafile::*;
pub use error::DatafileError;
pub use evaluate::{ErrorCode, Evaluation, Outcome, Reason};
pub use time::parse_rfc3339_ms;
pub use validate::SPLIT_SUM_TOLERANCE;
pub use version::{parse_lenient_semver, parse_strict_semver, Version, VersionError};
pub use xxh64::hash as xxh64;
