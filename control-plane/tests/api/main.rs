//! Integration tests of the control plane through its router, each on
//! SQLite and on PostgreSQL (`TEST_DATABASE_URL`).

mod harness;

mod auth;
mod bad_input;
mod environments;
mod fixtures;
mod health;
mod orgs;
mod projects;
mod tokens;
