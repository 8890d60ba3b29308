//! PostgreSQL backend (production).

use super::{Dialect, OpenError, Store, Tx};
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgListener, PgPool, PgPoolOptions};
use sqlx::{Postgres, Transaction};
use std::time::Duration;

static MIGRATOR: Migrator = sqlx::migrate!("./migrations/postgres");

/// A PostgreSQL connection pool.
pub struct PgStore {
    pool: PgPool,
}

/// A PostgreSQL transaction; the shared query list implements [`Tx`] for it.
pub struct PgTx {
    pub(super) tx: Transaction<'static, Postgres>,
}

impl PgTx {
    pub(super) const DIALECT: Dialect = Dialect::Postgres;
}

impl PgStore {
    /// Connects and migrates.
    pub async fn connect(url: &str) -> Result<Self, OpenError> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(5))
            .connect(url)
            .await?;
        MIGRATOR.run(&pool).await?;
        Ok(Self { pool })
    }
}

#[async_trait::async_trait]
impl Store for PgStore {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    async fn begin(&self) -> Result<Box<dyn Tx>, sqlx::Error> {
        Ok(Box::new(PgTx {
            tx: self.pool.begin().await?,
        }))
    }

    async fn begin_write(&self) -> Result<Box<dyn Tx>, sqlx::Error> {
        // Row locks (`lock_config`) serialize writers that touch the same config.
        self.begin().await
    }

    async fn close(&self) {
        self.pool.close().await;
    }

    async fn listen(&self, channel: &str) -> Result<Option<PgListener>, sqlx::Error> {
        let mut listener = PgListener::connect_with(&self.pool).await?;
        listener.listen(channel).await?;
        Ok(Some(listener))
    }
}
