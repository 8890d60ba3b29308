//! Storage: one [`Store`] trait over PostgreSQL and SQLite. Queries run inside
//! a [`Tx`]; both backends implement it from the same query list.

mod delivery;
mod postgres;
mod queries;
mod records;
mod sqlite;
pub mod text;

pub use delivery::*;
pub use queries::Tx;
pub use records::*;

use sqlx::postgres::PgListener;
use std::sync::Arc;

/// The SQL dialect of a backend, for the few queries that differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Postgres,
    Sqlite,
}

impl Dialect {
    /// Chooses the query text for this dialect.
    pub const fn pick(self, postgres: &'static str, sqlite: &'static str) -> &'static str {
        match self {
            Self::Postgres => postgres,
            Self::Sqlite => sqlite,
        }
    }
}

/// A database holding Halyard's state.
#[async_trait::async_trait]
pub trait Store: Send + Sync {
    /// Which backend this is.
    fn dialect(&self) -> Dialect;
    /// Starts a transaction for reading.
    async fn begin(&self) -> Result<Box<dyn Tx>, sqlx::Error>;
    /// Starts a transaction that will write (SQLite takes the write lock up front,
    /// so concurrent writers queue instead of failing on lock upgrade).
    async fn begin_write(&self) -> Result<Box<dyn Tx>, sqlx::Error>;
    /// Closes every connection; used on shutdown.
    async fn close(&self);
    /// A dedicated connection LISTENing on `channel` (see `delivery::feed`);
    /// `None` on backends without LISTEN/NOTIFY.
    async fn listen(&self, _channel: &str) -> Result<Option<PgListener>, sqlx::Error> {
        Ok(None)
    }
}

/// Shared handle to the store.
pub type DynStore = Arc<dyn Store>;

/// Why the database could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("unsupported database URL scheme `{0}`: expected postgres:// or sqlite://")]
    UnsupportedUrl(String),
    #[error("cannot open the database: {0}")]
    Connect(#[from] sqlx::Error),
    #[error("cannot apply migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// Connects to `url` (`postgres://…` or `sqlite://…`) and applies pending migrations.
pub async fn open(url: &str) -> Result<DynStore, OpenError> {
    let scheme = url.split(':').next().unwrap_or_default();
    match scheme {
        "postgres" | "postgresql" => Ok(Arc::new(postgres::PgStore::connect(url).await?)),
        "sqlite" => Ok(Arc::new(sqlite::SqliteStore::connect(url).await?)),
        _ => Err(OpenError::UnsupportedUrl(scheme.to_owned())),
    }
}
