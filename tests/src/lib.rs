//! Support code for the cross-component tests.
