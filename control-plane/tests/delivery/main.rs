//! Delivery tests through the router (and real listeners for SSE and for two
//! application instances sharing one database), each on SQLite and PostgreSQL.

// Shared with the management API tests; not every helper is used here.
#[allow(dead_code)]
#[path = "../api/fixtures.rs"]
mod fixtures;
#[allow(dead_code)]
#[path = "../api/harness.rs"]
mod harness;
mod support;

mod datafile;
mod evaluate;
mod events;
mod heartbeat;
mod history;
mod ofrep;
mod playground;
mod snapshots;
mod stale;
mod stream;
mod vectors;
