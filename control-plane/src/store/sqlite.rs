//! SQLite backend (the zero-configuration default).

use super::{Dialect, OpenError, Store, Tx};
use sqlx::migrate::Migrator;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Sqlite, Transaction};
use std::str::FromStr;
use std::time::Duration;

static MIGRATOR: Migrator = sqlx::migrate!("./migrations/sqlite");

/// A SQLite connection pool.
pub struct SqliteStore {
    pool: SqlitePool,
}

/// A SQLite transaction; the shared query list implements [`Tx`] for it.
pub struct SqliteTx(pub(super) Transaction<'static, Sqlite>);

impl SqliteTx {
    pub(super) const DIALECT: Dialect = Dialect::Sqlite;
}

impl SqliteStore {
    /// Opens (creating if missing) and migrates.
    pub async fn connect(url: &str) -> Result<Self, OpenError> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true);
        // Every connection to `:memory:` is a separate database: keep exactly one.
        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
        let pool = SqlitePoolOptions::new()
            .max_connections(if in_memory { 1 } else { 8 })
            .min_connections(u32::from(in_memory))
            .idle_timeout((!in_memory).then_some(Duration::from_secs(600)))
            .max_lifetime((!in_memory).then_some(Duration::from_secs(1800)))
            .connect_with(options)
            .await?;
        MIGRATOR.run(&pool).await?;
        Ok(Self { pool })
    }
}

#[async_trait::async_trait]
impl Store for SqliteStore {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    async fn begin(&self) -> Result<Box<dyn Tx>, sqlx::Error> {
        Ok(Box::new(SqliteTx(self.pool.begin().await?)))
    }

    async fn begin_write(&self) -> Result<Box<dyn Tx>, sqlx::Error> {
        // IMMEDIATE takes the write lock now; a deferred transaction that reads
        // first fails with SQLITE_BUSY when it later tries to upgrade.
        Ok(Box::new(SqliteTx(
            self.pool.begin_with("BEGIN IMMEDIATE").await?,
        )))
    }

    async fn close(&self) {
        self.pool.close().await;
    }
}
