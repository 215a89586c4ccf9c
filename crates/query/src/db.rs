//! `Db`: an r2d2 pool of `postgres` connections.

use crate::{ConnectConfig, QueryError};
use r2d2_postgres::PostgresConnectionManager;
use std::time::Duration;

type Manager = PostgresConnectionManager<crate::tls::MakeTls>;

/// A pooled connection; derefs to [`postgres::Client`].
pub type PooledClient = r2d2::PooledConnection<Manager>;

/// A pool of connections to one database, sized by `DB_MAX_CONNECTIONS`.
///
/// ```no_run
/// use knexrs_query::{ConnectConfig, Db, Environment};
///
/// let config = ConnectConfig::from_env(Environment::from_env()?)?.expect("DATABASE_URL is set");
/// let db = Db::connect(&config)?;
/// let mut client = db.get()?;
/// client.batch_execute("SELECT 1")?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Db {
    pool: r2d2::Pool<Manager>,
    target: String,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db").field("target", &self.target).field("state", &self.pool.state()).finish()
    }
}

impl Db {
    /// Opens the pool and one connection, so a wrong URL fails here.
    pub fn connect(config: &ConnectConfig) -> Result<Self, QueryError> {
        // Connect once directly: its error says what is wrong, r2d2's would not.
        drop(config.connect()?);
        let (pg, tls) = config.driver_config()?;
        let pool = r2d2::Pool::builder()
            .max_size(config.max_connections())
            .min_idle(Some(0))
            .connection_timeout(Duration::from_secs(30))
            .build(PostgresConnectionManager::new(pg, tls))
            .map_err(|e| QueryError::Pool(config.redact(&e.to_string())))?;
        Ok(Db { pool, target: config.redacted() })
    }

    /// A connection from the pool, waiting up to 30 seconds for a free one.
    pub fn get(&self) -> Result<PooledClient, QueryError> {
        self.pool.get().map_err(|e| QueryError::Pool(format!("{} ({})", e, self.target)))
    }

    /// Where the pool connects, password hidden.
    pub fn target(&self) -> &str {
        &self.target
    }
}
