//! `Db`: an r2d2 pool of [`Connection`]s.

use super::{Connection, Executor, Transaction};
use crate::{ConnectConfig, FromRow, QueryError, Select, Statement};
use postgres::types::FromSql;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// How long a checkout waits between looks at whether the pool could not
/// open a connection (see [`Db::get`]).
const CONNECT_FAILURE_POLL: Duration = Duration::from_millis(100);

/// Counts the pool's failed attempts to open a connection (r2d2 reports them
/// here and keeps retrying in the background).
#[derive(Debug, Default, Clone)]
struct ConnectFailures(Arc<AtomicU64>);

impl r2d2::HandleError<knexrs_connect::ConnectError> for ConnectFailures {
    fn handle_error(&self, _error: knexrs_connect::ConnectError) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
}

/// Makes pooled connections, each with its statement cache.
///
/// ```no_run
/// # use knexrs_query::{ConnectConfig, Db};
/// // `Db` builds the pool with it; each connection it makes keeps its own statement cache.
/// let db = Db::connect(&ConnectConfig::from_url("postgres://postgres@localhost/app")?)?;
/// # let _ = db;
/// # Ok::<(), knexrs_query::QueryError>(())
/// ```
pub struct Manager {
    /// The driver settings and TLS connector every connection of the pool opens with.
    driver: tokio_postgres::Config,
    tls: knexrs_connect::MakeTls,
    prepared_statements: bool,
    /// For a password asked for per connection, and the error of a failed one.
    config: Arc<ConnectConfig>,
}

impl std::fmt::Debug for Manager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Manager")
    }
}

impl r2d2::ManageConnection for Manager {
    type Connection = Connection;
    type Error = knexrs_connect::ConnectError;

    fn connect(&self) -> Result<Connection, knexrs_connect::ConnectError> {
        let mut driver = self.driver.clone();
        // A password that changes (an IAM token) is asked for at each connection.
        if let Some(password) = self.config.password_now()? {
            driver.password(password);
        }
        let client = postgres::Config::from(driver)
            .connect(self.tls.clone())
            .map_err(|error| self.config.connect_error(error))?;
        let mut connection = Connection::new(client);
        connection.set_prepared_statements(self.prepared_statements);
        Ok(connection)
    }

    fn is_valid(&self, connection: &mut Connection) -> Result<(), knexrs_connect::ConnectError> {
        connection.client().simple_query("").map(|_| ()).map_err(|error| self.config.connect_error(error))
    }

    /// r2d2 calls it each time a connection goes back to the pool: the
    /// moment the idle check on the next checkout measures from.
    fn has_broken(&self, connection: &mut Connection) -> bool {
        connection.returned_to_pool();
        connection.is_broken()
    }
}

/// A connection borrowed from the pool; it goes back when dropped.
///
/// ```no_run
/// # use knexrs_query::{table, ConnectConfig, Db, Executor, PooledConnection};
/// # let db = Db::connect(&ConnectConfig::from_url("postgres://postgres@localhost/app")?)?;
/// let mut conn: PooledConnection = db.get()?; // several statements, one connection
/// let sessions: Vec<postgres::Row> = conn.fetch_all(&table("sessions"))?;
/// let tokens: Vec<postgres::Row> = conn.fetch_all(&table("token_jti"))?;
/// drop(conn); // back to the pool
/// # Ok::<(), knexrs_query::QueryError>(())
/// ```
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
    /// To find out, directly, why the pool cannot open a connection.
    config: Arc<ConnectConfig>,
    connect_failures: ConnectFailures,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db").field("target", &self.target).field("state", &self.pool.state()).finish()
    }
}

impl Db {
    /// Opens the pool with one connection, so a wrong URL or password fails here.
    ///
    /// ```no_run
    /// # use knexrs_query::{ConnectConfig, Db};
    /// let config = ConnectConfig::from_url("postgres://app@db.internal/cliscale?sslmode=require")?;
    /// let db = Db::connect(&config)?; // a wrong password fails here, not at the first query
    /// println!("pool of {} to {}", db.max_connections(), db.target());
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn connect(config: &ConnectConfig) -> Result<Self, QueryError> {
        // Connect once directly: its error says what is wrong, r2d2's would not.
        drop(config.connect()?);
        let (pg, tls) = config.driver_config()?;
        let connect_failures = ConnectFailures::default();
        let config = Arc::new(config.clone());
        let pool = r2d2::Pool::builder()
            .max_size(config.max_connections())
            .min_idle(Some(0))
            // No query per checkout (r2d2's default would cost a round trip per
            // call): `get` checks only a connection that sat idle for a while.
            .test_on_check_out(false)
            .connection_timeout(config.pool_timeout())
            .error_handler(Box::new(connect_failures.clone()))
            .build_unchecked(Manager {
                driver: pg,
                tls,
                prepared_statements: config.prepared_statements(),
                config: Arc::clone(&config),
            });
        Ok(Db { pool, target: config.redacted(), config, connect_failures })
    }

    /// A connection from the pool, waiting up to the pool timeout (30 s by
    /// default, `DB_POOL_TIMEOUT_MS`) for a free one. One that the server
    /// ended while it sat in the pool (a restart, a failover,
    /// `pg_terminate_backend`) is replaced, not handed out to fail.
    ///
    /// ```no_run
    /// # use knexrs_query::{ConnectConfig, Db, QueryError};
    /// # let db = Db::connect(&ConnectConfig::from_url("postgres://postgres@localhost/app")?)?;
    /// let mut conn = db.get()?;
    /// let rows = conn.client().query("select 1", &[]).map_err(|e| QueryError::database("select 1", e))?;
    /// assert_eq!(rows.len(), 1);
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn get(&self) -> Result<PooledConnection, QueryError> {
        if crate::in_async_context() {
            return Err(
                knexrs_connect::ConnectError::BlockingInAsync { what: "Db::get", instead: "AsyncDb::get" }.into()
            );
        }
        // A connection the server ended while it sat in the pool is dropped
        // (r2d2 discards it as broken) and the next one taken; after a server
        // restart every idle one is, hence the bound.
        for _ in 0..self.pool.max_size() {
            let mut connection = self.checkout()?;
            if !connection.ended_while_idle() {
                return Ok(connection);
            }
        }
        self.checkout()
    }

    /// A connection from the pool. While none is free and the pool cannot
    /// open one (the server is down, the database gone, the password
    /// changed, too many clients), r2d2 would retry until the pool timeout
    /// and then report only that it waited: a failed attempt seen while
    /// waiting is looked into with a direct connection, whose error is
    /// returned at once.
    fn checkout(&self) -> Result<PooledConnection, QueryError> {
        let mut seen = self.connect_failures.0.load(Ordering::Relaxed);
        let timeout = self.pool.connection_timeout();
        if let Ok(connection) = self.pool.get_timeout(CONNECT_FAILURE_POLL.min(timeout)) {
            return Ok(connection);
        }
        let now = Instant::now();
        let started = now.checked_sub(CONNECT_FAILURE_POLL.min(timeout)).unwrap_or(now);
        loop {
            let failures = self.connect_failures.0.load(Ordering::Relaxed);
            if failures != seen {
                seen = failures;
                // An error the server returns to anyone connecting now; a
                // success means the failure passed, and the wait goes on.
                drop(self.config.connect()?);
            }
            let left = timeout.saturating_sub(started.elapsed());
            if left.is_zero() {
                return Err(QueryError::PoolTimeout {
                    target: self.target.clone(),
                    size: self.pool.max_size(),
                    waited_ms: timeout.as_millis() as u64,
                });
            }
            if let Ok(connection) = self.pool.get_timeout(CONNECT_FAILURE_POLL.min(left)) {
                return Ok(connection);
            }
        }
    }

    /// How many connections are open and idle now.
    ///
    /// ```no_run
    /// # use knexrs_query::{ConnectConfig, Db};
    /// # let db = Db::connect(&ConnectConfig::from_url("postgres://postgres@localhost/app")?)?;
    /// let held = db.get()?;
    /// assert_eq!(db.status().open - db.status().idle, 1);
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn status(&self) -> crate::PoolStatus {
        let state = self.pool.state();
        crate::PoolStatus {
            max_size: self.pool.max_size(),
            open: state.connections,
            idle: state.idle_connections,
            waiting: None,
        }
    }

    /// The most connections the pool opens (`DB_MAX_CONNECTIONS`).
    ///
    /// ```no_run
    /// # use knexrs_query::{ConnectConfig, Db};
    /// let mut config = ConnectConfig::from_url("postgres://postgres@localhost/app")?;
    /// config.set_max_connections(4);
    /// let db = Db::connect(&config)?;
    /// assert_eq!(db.max_connections(), 4);
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn max_connections(&self) -> u32 {
        self.pool.max_size()
    }

    /// Where the pool connects, password hidden.
    ///
    /// ```no_run
    /// # use knexrs_query::{ConnectConfig, Db};
    /// let db = Db::connect(&ConnectConfig::from_url("postgres://app:s3cret@localhost/app")?)?;
    /// assert_eq!(db.target(), "postgres://app:***@localhost:5432/app");
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn target(&self) -> &str {
        &self.target
    }

    /// [`Executor::execute`] on a pooled connection.
    ///
    /// ```no_run
    /// # use knexrs_query::{ConnectConfig, Db, Update, Wheres};
    /// # let db = Db::connect(&ConnectConfig::from_url("postgres://postgres@localhost/app")?)?;
    /// let mut q = Update::table("sessions");
    /// q.set("pod_ip", "10.0.0.7").where_eq("session_id", "s-1");
    /// let changed = db.execute(&q)?;
    /// println!("{changed} session(s) placed");
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn execute(&self, statement: &impl Statement) -> Result<u64, QueryError> {
        self.get()?.execute(statement)
    }

    /// [`Executor::fetch_all`] on a pooled connection.
    ///
    /// ```no_run
    /// # use knexrs_query::{table, ConnectConfig, Db, Wheres};
    /// # let db = Db::connect(&ConnectConfig::from_url("postgres://postgres@localhost/app")?)?;
    /// let mut q = table("sessions");
    /// q.columns(["session_id", "pod_ip"]).where_eq("owner_user_id", "u-1");
    /// let sessions: Vec<(String, Option<String>)> = db.fetch_all(&q)?;
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn fetch_all<R: FromRow>(&self, statement: &impl Statement) -> Result<Vec<R>, QueryError> {
        self.get()?.fetch_all(statement)
    }

    /// [`Executor::fetch_each`] on a pooled connection, held until the last row.
    ///
    /// ```no_run
    /// # use knexrs_query::{table, ConnectConfig, Db, QueryError};
    /// # let db = Db::connect(&ConnectConfig::from_url("postgres://postgres@localhost/app")?)?;
    /// let mut expired = 0;
    /// db.fetch_each(&table("token_jti"), |row: knexrs_query::Row| {
    ///     let at: chrono::DateTime<chrono::Utc> = knexrs_query::get(&row, "expires_at")?;
    ///     expired += u64::from(at < chrono::Utc::now());
    ///     Ok::<_, QueryError>(())
    /// })?;
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn fetch_each<R, E>(&self, statement: &impl Statement, each: impl FnMut(R) -> Result<(), E>) -> Result<u64, E>
    where
        R: FromRow,
        E: From<QueryError>,
    {
        self.get()?.fetch_each(statement, each)
    }

    /// [`Executor::fetch_optional`] on a pooled connection.
    ///
    /// ```no_run
    /// # use knexrs_query::{ConnectConfig, Db, Delete, Wheres};
    /// # let db = Db::connect(&ConnectConfig::from_url("postgres://postgres@localhost/app")?)?;
    /// let mut q = Delete::from("token_jti");
    /// q.where_eq("jti", "j-1").returning(["session_id"]);
    /// let revoked: Option<(String,)> = db.fetch_optional(&q)?;
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn fetch_optional<R: FromRow>(&self, statement: &impl Statement) -> Result<Option<R>, QueryError> {
        self.get()?.fetch_optional(statement)
    }

    /// [`Executor::fetch_one`] on a pooled connection.
    ///
    /// ```no_run
    /// # use knexrs_query::{table, ConnectConfig, Db};
    /// # let db = Db::connect(&ConnectConfig::from_url("postgres://postgres@localhost/app")?)?;
    /// let mut q = table("sessions");
    /// q.count_as("*", "n");
    /// let (n,): (i64,) = db.fetch_one(&q)?;
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn fetch_one<R: FromRow>(&self, statement: &impl Statement) -> Result<R, QueryError> {
        self.get()?.fetch_one(statement)
    }

    /// [`Executor::first`] on a pooled connection.
    ///
    /// ```no_run
    /// # use knexrs_query::{table, ConnectConfig, Db, Wheres};
    /// # let db = Db::connect(&ConnectConfig::from_url("postgres://postgres@localhost/app")?)?;
    /// let mut q = table("sessions");
    /// q.where_eq("session_id", "s-1");
    /// let session: Option<postgres::Row> = db.first(&q)?;
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn first<R: FromRow>(&self, query: &Select) -> Result<Option<R>, QueryError> {
        self.get()?.first(query)
    }

    /// [`Executor::pluck`] on a pooled connection.
    ///
    /// ```no_run
    /// # use knexrs_query::{table, ConnectConfig, Db, Wheres};
    /// # let db = Db::connect(&ConnectConfig::from_url("postgres://postgres@localhost/app")?)?;
    /// let mut q = table("sessions");
    /// q.pluck("session_id").where_null("pod_ip");
    /// let unplaced: Vec<String> = db.pluck(&q)?;
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn pluck<T>(&self, query: &Select) -> Result<Vec<T>, QueryError>
    where
        T: for<'a> FromSql<'a>,
    {
        self.get()?.pluck(query)
    }

    /// [`Executor::transaction`] on one pooled connection.
    ///
    /// ```no_run
    /// # use knexrs_query::{ConnectConfig, Db, Delete, Executor, QueryError, Wheres};
    /// # let db = Db::connect(&ConnectConfig::from_url("postgres://postgres@localhost/app")?)?;
    /// db.transaction(|tx| {
    ///     let mut revoke = Delete::from("token_jti");
    ///     revoke.where_eq("session_id", "s-1");
    ///     tx.execute(&revoke)?;
    ///     let mut end = Delete::from("sessions");
    ///     end.where_eq("session_id", "s-1");
    ///     tx.execute(&end)?;
    ///     Ok::<_, QueryError>(())
    /// })?;
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn transaction<T, E>(&self, body: impl FnOnce(&mut Transaction<'_>) -> Result<T, E>) -> Result<T, E>
    where
        E: From<QueryError>,
    {
        self.get()?.transaction(body)
    }

    /// [`Executor::transaction_with`] on a pooled connection.
    ///
    /// ```no_run
    /// # use knexrs_query::{ConnectConfig, Db, IsolationLevel, QueryError, TransactionOptions, table};
    /// # let db = Db::connect(&ConnectConfig::from_url("postgres://postgres@localhost/app")?)?;
    /// let mut report = TransactionOptions::new();
    /// report.isolation(IsolationLevel::RepeatableRead).read_only();
    /// let (sessions, tokens) = db.transaction_with(&report, |tx| {
    ///     let sessions: Vec<knexrs_query::Row> = knexrs_query::Executor::fetch_all(tx, &table("sessions"))?;
    ///     let tokens: Vec<knexrs_query::Row> = knexrs_query::Executor::fetch_all(tx, &table("token_jti"))?;
    ///     Ok::<_, QueryError>((sessions, tokens)) // one snapshot for both
    /// })?;
    /// # Ok::<(), QueryError>(())
    /// ```
    pub fn transaction_with<T, E>(
        &self,
        options: &crate::TransactionOptions,
        body: impl FnMut(&mut Transaction<'_>) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<QueryError>,
    {
        self.get()?.transaction_with(options, body)
    }
}
