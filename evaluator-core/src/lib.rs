//! Halyard's evaluation core: the datafile model, its validation and
//! compilation, bucketing and flag evaluation. Pure Rust: no I/O, no clock.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

mod datafile;

pub use datafile::*;
