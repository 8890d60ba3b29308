//! Cross-component tests for Halyard: the shared evaluation vectors in
//! `tests/vectors/` and a runner that checks evaluator-core against them.

pub mod vectors;
