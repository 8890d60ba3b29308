//! Integration tests of the control plane through its router, each on
//! SQLite and on PostgreSQL (`TEST_DATABASE_URL`).

mod harness;

mod audiences;
mod audit;
mod auth;
mod bad_input;
mod binary;
mod concurrency;
mod configs;
mod demo;
mod environments;
mod events;
mod fixtures;
mod flags;
mod health;
mod isolation;
mod openapi;
mod orgs;
mod overrides;
mod projects;
mod restart;
mod rules;
mod tokens;
mod variations;
