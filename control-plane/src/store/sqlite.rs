//! SQLite backend (the zero-configuration default).

use super::{Dialect, OpenError, Store, Tx};
use sqlx::migrate::Migrator;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Sqlite, Transaction};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Mutex, OwnedMutexGuard};

static MIGRATOR: Migrator = sqlx::migrate!("./migrations/sqlite");

/// A SQLite connection pool.
pub struct SqliteStore {
    pool: SqlitePool,
    /// SQLite has one writer at a time. Queueing writers here, in arrival
    /// order, beats every waiting connection polling the lock with backoff.
    writer: Arc<Mutex<()>>,
}

/// A SQLite transaction (holding this process's writer turn if it writes);
/// the shared query list implements [`Tx`] for it.
pub struct SqliteTx {
    pub(super) tx: Transaction<'static, Sqlite>,
    _turn: Option<OwnedMutexGuard<()>>,
}

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
        Ok(Self {
            pool,
            writer: Arc::default(),
        })
    }
}

#[async_trait::async_trait]
impl Store for SqliteStore {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    async fn begin(&self) -> Result<Box<dyn Tx>, sqlx::Error> {
        Ok(Box::new(SqliteTx {
            tx: self.pool.begin().await?,
            _turn: None,
        }))
    }

    async fn begin_write(&self) -> Result<Box<dyn Tx>, sqlx::Error> {
        let turn = Arc::clone(&self.writer).lock_owned().await;
        // IMMEDIATE takes the write lock now; a deferred transaction that reads
        // first fails with SQLITE_BUSY when it later tries to upgrade. (Other
        // processes on the same file still wait through the busy timeout.)
        let tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        Ok(Box::new(SqliteTx {
            tx,
            _turn: Some(turn),
        }))
    }

    async fn close(&self) {
        self.pool.close().await;
    }
}
