//! One connection and its prepared statements, cached by SQL text: a query
//! shape is parsed by the server once per connection.

use crate::QueryError;
use crate::driver::context;
use crate::driver::tx_state::TxState;
use postgres::Client;
use rustc_hash::FxHashMap;
use std::time::{Duration, Instant};

/// How many statements a connection keeps prepared; past it the cache starts over.
const CACHE_CAPACITY: usize = 512;

/// A pooled connection idle for longer is checked on checkout (see
/// [`Connection::ended_while_idle`]); one used more recently is handed out as
/// it is, as HikariCP's `aliveBypassWindowMs` does.
const IDLE_CHECK_AFTER: Duration = Duration::from_millis(500);

/// How long that check waits for the server's answer before taking another connection.
const IDLE_CHECK_TIMEOUT: Duration = Duration::from_secs(5);

/// A connection with its cache of prepared statements.
///
/// ```no_run
/// use knexrs_query::{Connection, ConnectConfig, Executor, table, Wheres};
///
/// let config = ConnectConfig::from_url("postgres://postgres@localhost/app")?;
/// let mut conn = Connection::new(config.connect()?);
/// let mut q = table("sessions");
/// q.where_eq("session_id", "abc-123").first();
/// let row: Option<postgres::Row> = conn.fetch_optional(&q)?;
/// # Ok::<(), knexrs_query::QueryError>(())
/// ```
pub struct Connection {
    /// `None` only while being dropped (see `Drop`).
    client: Option<Client>,
    /// By SQL text; FxHash, as the texts are ours, not an attacker's, and are hashed on every call.
    statements: FxHashMap<String, postgres::Statement>,
    /// The open transaction's depth and first failure.
    pub(crate) tx: TxState,
    /// Whether statements are prepared by name and cached (see
    /// [`set_prepared_statements`](Self::set_prepared_statements)).
    prepares: bool,
    /// When it last went back to its pool.
    returned_at: Option<Instant>,
    /// The server ended it (found by [`ended_while_idle`](Self::ended_while_idle)).
    ended: bool,
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection").field("prepared", &self.statements.len()).finish()
    }
}

impl Connection {
    /// Wraps a driver connection.
    ///
    /// ```no_run
    /// # use knexrs_query::{table, ConnectConfig, Connection, Executor, Wheres};
    /// let client = ConnectConfig::from_url("postgres://postgres@localhost/app")?.connect()?;
    /// let mut conn = Connection::new(client);
    /// let mut q = table("sessions");
    /// q.where_eq("session_id", "s-1");
    /// let row: Option<postgres::Row> = conn.first(&q)?;
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn new(client: Client) -> Self {
        Connection {
            client: Some(client),
            statements: FxHashMap::default(),
            tx: TxState::default(),
            prepares: true,
            returned_at: None,
            ended: false,
        }
    }

    /// Turns named prepared statements off (behind a transaction pooler such
    /// as PgBouncer in `pool_mode = transaction`, before 1.21): each statement
    /// is then parsed, bound and run in one round trip, unnamed. A pool sets
    /// it from [`ConnectConfig::prepared_statements`](crate::ConnectConfig::prepared_statements).
    ///
    /// ```no_run
    /// # use knexrs_query::{ConnectConfig, Connection, Executor, table};
    /// let mut conn = Connection::new(ConnectConfig::from_url("postgres://postgres@localhost:6432/app")?.connect()?);
    /// conn.set_prepared_statements(false);
    /// let rows: Vec<postgres::Row> = conn.fetch_all(&table("sessions"))?;
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn set_prepared_statements(&mut self, on: bool) -> &mut Self {
        self.prepares = on;
        if !on {
            self.statements.clear();
        }
        self
    }

    pub(crate) fn prepares(&self) -> bool {
        self.prepares
    }

    /// The driver connection, for what the builders do not cover.
    ///
    /// ```no_run
    /// # use knexrs_query::{ConnectConfig, Connection};
    /// let mut conn = Connection::new(ConnectConfig::from_url("postgres://postgres@localhost/app")?.connect()?);
    /// conn.client().batch_execute("listen session_events")?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn client(&mut self) -> &mut Client {
        self.client.as_mut().expect("a connection has its client until it is dropped")
    }

    /// The prepared statement for `sql`, preparing it on first use.
    pub(crate) fn prepared(&mut self, sql: &str) -> Result<postgres::Statement, QueryError> {
        if let Some(statement) = self.statements.get(sql) {
            return Ok(statement.clone());
        }
        let statement = self.client().prepare(sql).map_err(|e| {
            // A statement that fails to prepare aborts the transaction like one that fails to run.
            self.tx.note_failure(&e);
            QueryError::database(context(sql), e)
        })?;
        if self.statements.len() >= CACHE_CAPACITY {
            self.statements.clear();
        }
        self.statements.insert(sql.to_owned(), statement.clone());
        Ok(statement)
    }

    /// Forgets every prepared statement (after a schema change made them stale).
    pub(crate) fn forget_statements(&mut self) {
        self.statements.clear();
    }

    pub(crate) fn is_broken(&self) -> bool {
        self.ended || self.client.as_ref().is_none_or(Client::is_closed)
    }

    /// Notes that the connection went back to its pool.
    pub(crate) fn returned_to_pool(&mut self) {
        self.returned_at = Some(Instant::now());
    }

    /// Whether the server ended this connection while it sat in the pool
    /// (a restart or failover, `pg_terminate_backend`, `idle_session_timeout`,
    /// a dropped network path): without the check, the next statement on it
    /// fails although a fresh connection would have run it. Checked with an
    /// empty query, which runs no statement (so nothing can run twice), and
    /// only for a connection back in the pool for half a second or more, so
    /// a busy pool spends no round trip on it.
    pub(crate) fn ended_while_idle(&mut self) -> bool {
        if self.returned_at.is_none_or(|at| at.elapsed() < IDLE_CHECK_AFTER) {
            return false;
        }
        let client = self.client();
        let ended = client.is_closed() || client.is_valid(IDLE_CHECK_TIMEOUT).is_err();
        self.ended |= ended;
        ended
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        // Closing a blocking client runs a runtime of its own, which panics on
        // an async runtime's thread: close it on a thread of its own there.
        if let Some(client) = self.client.take() {
            knexrs_connect::run_off_runtime("close-connection", move || drop(client));
        }
    }
}
