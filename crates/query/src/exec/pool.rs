//! `Db`: an r2d2 pool of [`Connection`]s.

use super::{Connection, Executor, FromRow, Transaction};
use crate::{ConnectConfig, QueryError, Select, Statement};
use postgres::types::FromSql;
use r2d2_postgres::PostgresConnectionManager;
use std::time::Duration;

/// Makes pooled connections: r2d2_postgres connects, we add the statement cache.
pub struct Manager {
    inner: PostgresConnectionManager<crate::tls::MakeTls>,
}

impl std::fmt::Debug for Manager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Manager")
    }
}

impl r2d2::ManageConnection for Manager {
    type Connection = Connection;
    type Error = postgres::Error;

    fn connect(&self) -> Result<Connection, postgres::Error> {
        self.inner.connect().map(Connection::new)
    }

    fn is_valid(&self, connection: &mut Connection) -> Result<(), postgres::Error> {
        connection.client().simple_query("").map(|_| ())
    }

    fn has_broken(&self, connection: &mut Connection) -> bool {
        connection.is_broken()
    }
}

/// A connection borrowed from the pool; it goes back when dropped.
pub type PooledConnection = r2d2::PooledConnection<Manager>;

impl Executor for PooledConnection {
    fn connection(&mut self) -> &mut Connection {
        self
    }
}

/// A pool of connections to one database, sized by `DB_MAX_CONNECTIONS`.
///
/// Each call borrows a connection for its statement; [`transaction`](Db::transaction)
/// keeps one for the whole closure.
///
/// ```no_run
/// use knexrs_query::{ConnectConfig, Db, Environment, table, Wheres};
///
/// let config = ConnectConfig::from_env(Environment::from_env()?)?.expect("DATABASE_URL is set");
/// let db = Db::connect(&config)?;
/// let mut q = table("sessions");
/// q.where_eq("session_id", "abc-123");
/// let session: Option<postgres::Row> = db.first(&q)?;
/// # Ok::<(), knexrs_query::QueryError>(())
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
    /// Opens the pool with one connection, so a wrong URL or password fails here.
    pub fn connect(config: &ConnectConfig) -> Result<Self, QueryError> {
        // Connect once directly: its error says what is wrong, r2d2's would not.
        drop(config.connect()?);
        let (pg, tls) = config.driver_config()?;
        let pool = r2d2::Pool::builder()
            .max_size(config.max_connections())
            .min_idle(Some(0))
            .connection_timeout(Duration::from_secs(30))
            .build(Manager { inner: PostgresConnectionManager::new(pg, tls) })
            .map_err(|e| QueryError::Pool(config.redact(&e.to_string())))?;
        Ok(Db { pool, target: config.redacted() })
    }

    /// A connection from the pool, waiting up to 30 seconds for a free one.
    pub fn get(&self) -> Result<PooledConnection, QueryError> {
        self.pool.get().map_err(|e| QueryError::Pool(format!("{e} ({})", self.target)))
    }

    /// The most connections the pool opens (`DB_MAX_CONNECTIONS`).
    pub fn max_connections(&self) -> u32 {
        self.pool.max_size()
    }

    /// Where the pool connects, password hidden.
    pub fn target(&self) -> &str {
        &self.target
    }

    /// [`Executor::execute`] on a pooled connection.
    pub fn execute(&self, statement: &impl Statement) -> Result<u64, QueryError> {
        self.get()?.execute(statement)
    }

    /// [`Executor::fetch_all`] on a pooled connection.
    pub fn fetch_all<R: FromRow>(&self, statement: &impl Statement) -> Result<Vec<R>, QueryError> {
        self.get()?.fetch_all(statement)
    }

    /// [`Executor::fetch_optional`] on a pooled connection.
    pub fn fetch_optional<R: FromRow>(&self, statement: &impl Statement) -> Result<Option<R>, QueryError> {
        self.get()?.fetch_optional(statement)
    }

    /// [`Executor::fetch_one`] on a pooled connection.
    pub fn fetch_one<R: FromRow>(&self, statement: &impl Statement) -> Result<R, QueryError> {
        self.get()?.fetch_one(statement)
    }

    /// [`Executor::first`] on a pooled connection.
    pub fn first<R: FromRow>(&self, query: &Select) -> Result<Option<R>, QueryError> {
        self.get()?.first(query)
    }

    /// [`Executor::pluck`] on a pooled connection.
    pub fn pluck<T>(&self, query: &Select) -> Result<Vec<T>, QueryError>
    where
        T: for<'a> FromSql<'a>,
    {
        self.get()?.pluck(query)
    }

    /// [`Executor::transaction`] on one pooled connection.
    pub fn transaction<T, E>(&self, body: impl FnOnce(&mut Transaction<'_>) -> Result<T, E>) -> Result<T, E>
    where
        E: From<QueryError>,
    {
        self.get()?.transaction(body)
    }
}
