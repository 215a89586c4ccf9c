//! `AsyncDb`: a deadpool pool of [`AsyncConn`]s. Connections are made by
//! deadpool-postgres's manager; ours adds each one's statement cache and
//! transaction state, and rolls back anything a caller left open before a
//! connection is handed out again.

use super::{AsyncConn, AsyncTransaction, TransactionFuture};
use crate::{ConnectConfig, FromRow, QueryError, Select, Statement};
use deadpool::managed::{Metrics, Object, Pool, PoolError, RecycleError, RecycleResult, TimeoutType};
use postgres_types::FromSql;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

/// How long the pool waits for a statement given up on a connection to stop
/// before it drops the connection instead.
const SETTLE_WAIT: Duration = Duration::from_secs(3);

/// Makes and recycles pooled [`AsyncConn`]s.
pub struct AsyncManager {
    inner: deadpool_postgres::Manager,
    prepared_statements: bool,
    /// Where each connection's cancel requests go.
    cancel: std::sync::Arc<knexrs_connect::CancelTarget>,
    /// For a password asked for per connection, and the error of a failed one.
    config: Arc<ConnectConfig>,
    /// The password asked for last, which the connection being opened logs in with.
    password: Arc<Mutex<Option<String>>>,
}

/// Opens deadpool-postgres's connections as its own connector does, with the
/// password [`AsyncManager`] asked for (a password that changes, such as an
/// IAM token) when there is one.
struct WithPassword {
    tls: knexrs_connect::MakeTls,
    password: Arc<Mutex<Option<String>>>,
}

impl deadpool_postgres::Connect for WithPassword {
    fn connect(
        &self,
        config: &tokio_postgres::Config,
    ) -> std::pin::Pin<
        Box<
            dyn Future<Output = Result<(tokio_postgres::Client, tokio::task::JoinHandle<()>), tokio_postgres::Error>>
                + Send
                + '_,
        >,
    > {
        let mut config = config.clone();
        if let Some(password) = self.password.lock().unwrap_or_else(PoisonError::into_inner).clone() {
            config.password(password);
        }
        let tls = self.tls.clone();
        Box::pin(async move {
            let (client, connection) = config.connect(tls).await?;
            // Its errors reach the client as a closed connection.
            let task = tokio::spawn(async move {
                let _ = connection.await;
            });
            Ok((client, task))
        })
    }
}

impl std::fmt::Debug for AsyncManager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AsyncManager")
    }
}

impl deadpool::managed::Manager for AsyncManager {
    type Type = AsyncConn;
    type Error = knexrs_connect::ConnectError;

    async fn create(&self) -> Result<AsyncConn, knexrs_connect::ConnectError> {
        if self.config.asks_password() {
            let password = self.config.password_now_async().await?;
            *self.password.lock().unwrap_or_else(PoisonError::into_inner) = password;
        }
        let wrapper = self.inner.create().await.map_err(|error| self.config.connect_error(error))?;
        Ok(AsyncConn::pooled(wrapper, self.prepared_statements, Arc::clone(&self.cancel)))
    }

    async fn recycle(&self, conn: &mut AsyncConn, metrics: &Metrics) -> RecycleResult<knexrs_connect::ConnectError> {
        if conn.is_closed() {
            return Err(RecycleError::message("the connection is closed"));
        }
        let looked = |conn: &AsyncConn| {
            let state = conn.lock();
            (state.interrupted, state.tx.depth > 0 || state.abandoned.is_some())
        };
        let (interrupted, mut in_transaction) = looked(conn);
        // A statement given up mid-way is stopped (its cancel request is on
        // its way) and waited out; one that will not stop is not handed out.
        // (Only then a timer, boxed: recycling runs at every checkout.)
        if interrupted {
            if !matches!(Box::pin(tokio::time::timeout(SETTLE_WAIT, conn.settle())).await, Ok(Ok(()))) {
                return Err(RecycleError::message("a statement given up on it did not stop"));
            }
            // Settling may have rolled back what was open.
            in_transaction = looked(conn).1;
        }
        // A transaction still open (a guard dropped unfinished, a cancelled
        // future) never reaches the next caller.
        if in_transaction {
            conn.client()
                .batch_execute("rollback")
                .await
                .map_err(|error| RecycleError::Backend(self.config.connect_error(error)))?;
            let mut state = conn.lock();
            state.tx.abandon_to(1);
            state.abandoned = None;
        }
        match conn.wrapper_mut() {
            Some(wrapper) => self.inner.recycle(wrapper, metrics).await.map_err(|error| match error {
                RecycleError::Backend(error) => RecycleError::Backend(self.config.connect_error(error)),
                RecycleError::Message(message) => RecycleError::Message(message),
            }),
            None => Ok(()),
        }
    }
}

/// A connection borrowed from an [`AsyncDb`]; it goes back when dropped
/// (statements run on it through [`Deref`](std::ops::Deref) to [`AsyncConn`]).
///
/// ```no_run
/// # use knexrs_query::{table, AsyncDb, ConnectConfig};
/// # async fn demo(db: &AsyncDb) -> Result<(), knexrs_query::QueryError> {
/// let conn = db.get().await?; // several statements, one connection
/// let (sessions, tokens) = (table("sessions"), table("token_jti"));
/// let (sessions, tokens) = tokio::try_join!(
///     conn.fetch_all::<tokio_postgres::Row>(&sessions),
///     conn.fetch_all::<tokio_postgres::Row>(&tokens),
/// )?; // one round trip: both went out before either answer came back
/// # Ok(())
/// # }
/// ```
pub type AsyncPooled = Object<AsyncManager>;

impl super::AsyncExecutor for AsyncPooled {
    fn conn(&self) -> &AsyncConn {
        self
    }
}

/// A pool of async connections to one database, sized by `DB_MAX_CONNECTIONS`;
/// a caller waits for a free one at most the pool timeout (`DB_POOL_TIMEOUT_MS`).
///
/// ```no_run
/// use knexrs_query::{AsyncDb, ConnectConfig, Environment, table, Wheres};
///
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// let config = ConnectConfig::from_env(Environment::from_env()?)?.expect("DATABASE_URL is set");
/// let db = AsyncDb::connect(&config).await?;
/// let mut q = table("sessions");
/// q.where_eq("session_id", "abc-123");
/// let session: Option<tokio_postgres::Row> = db.first(&q).await?;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct AsyncDb {
    pool: Pool<AsyncManager>,
    target: String,
    timeout: Duration,
}

impl std::fmt::Debug for AsyncDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AsyncDb").field("target", &self.target).field("status", &self.pool.status()).finish()
    }
}

impl AsyncDb {
    /// Opens the pool with one connection, so a wrong URL or password fails here.
    ///
    /// ```no_run
    /// # use knexrs_query::{AsyncDb, ConnectConfig};
    /// # async fn demo() -> Result<(), knexrs_query::QueryError> {
    /// let config = ConnectConfig::from_url("postgres://app@db.internal/cliscale?sslmode=require")?;
    /// let db = AsyncDb::connect(&config).await?; // a wrong password fails here
    /// println!("pool of {} to {}", db.max_connections(), db.target());
    /// # Ok(())
    /// # }
    /// ```
    pub async fn connect(config: &ConnectConfig) -> Result<Self, QueryError> {
        // Connect once directly: its error says what is wrong.
        drop(config.connect_async().await?);
        let (pg, tls) = config.driver_config()?;
        let password = Arc::new(Mutex::new(None));
        let connect = WithPassword { tls, password: Arc::clone(&password) };
        let manager = AsyncManager {
            inner: deadpool_postgres::Manager::from_connect(pg, connect, deadpool_postgres::ManagerConfig::default()),
            prepared_statements: config.prepared_statements(),
            cancel: Arc::new(config.cancel_target()?),
            config: Arc::new(config.clone()),
            password,
        };
        let timeout = config.pool_timeout();
        let pool = Pool::builder(manager)
            .max_size(config.max_connections() as usize)
            .wait_timeout(Some(timeout))
            .create_timeout(Some(config.driver().get_connect_timeout().copied().unwrap_or(Duration::from_secs(10))))
            .runtime(deadpool::Runtime::Tokio1)
            .build()
            .map_err(|e| QueryError::Pool { target: config.redacted(), message: e.to_string() })?;
        Ok(AsyncDb { pool, target: config.redacted(), timeout })
    }

    /// A connection from the pool, waiting at most the pool timeout for a free one.
    ///
    /// ```no_run
    /// # use knexrs_query::{AsyncDb, QueryError};
    /// # async fn demo(db: &AsyncDb) -> Result<(), QueryError> {
    /// let conn = db.get().await?;
    /// let tx = conn.begin().await?;
    /// // …
    /// tx.commit().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn get(&self) -> Result<AsyncPooled, QueryError> {
        self.pool.get().await.map_err(|error| match error {
            PoolError::Timeout(TimeoutType::Wait) => QueryError::PoolTimeout {
                target: self.target.clone(),
                size: self.pool.status().max_size as u32,
                waited_ms: self.timeout.as_millis() as u64,
            },
            PoolError::Closed => QueryError::PoolClosed { target: self.target.clone() },
            // What a failed connection attempt says, and what to check.
            PoolError::Backend(error) => error.into(),
            other => QueryError::Pool { target: self.target.clone(), message: other.to_string() },
        })
    }

    /// Closes the pool (knex `destroy()`), for every clone of it: idle
    /// connections close now, one in use closes when it is given back (what
    /// runs on it finishes first), and every later call through the pool is
    /// [`QueryError::PoolClosed`], callers waiting for a connection included.
    /// Dropping the last clone closes the pool too; `close` does it while
    /// clones are still held elsewhere (a service's state at shutdown).
    ///
    /// ```no_run
    /// # use knexrs_query::{AsyncDb, QueryError, table};
    /// # async fn demo(db: AsyncDb) -> Result<(), QueryError> {
    /// db.close(); // at shutdown, after the server stopped taking requests
    /// assert!(db.is_closed());
    /// assert!(matches!(db.fetch_all::<tokio_postgres::Row>(&table("sessions")).await, Err(QueryError::PoolClosed { .. })));
    /// # Ok(())
    /// # }
    /// ```
    pub fn close(&self) {
        self.pool.close();
    }

    /// Whether [`close`](Self::close) was called on this pool (or a clone).
    ///
    /// ```no_run
    /// # use knexrs_query::AsyncDb;
    /// # async fn demo(db: AsyncDb) {
    /// let clone = db.clone();
    /// db.close();
    /// assert!(clone.is_closed());
    /// # }
    /// ```
    pub fn is_closed(&self) -> bool {
        self.pool.is_closed()
    }

    /// How many connections are open, idle and waited for now.
    ///
    /// ```no_run
    /// # use knexrs_query::AsyncDb;
    /// # async fn demo(db: &AsyncDb) -> Result<(), knexrs_query::QueryError> {
    /// let status = db.status();
    /// if status.waiting.unwrap_or(0) > 0 {
    ///     println!("{} callers wait for one of {} connections", status.waiting.unwrap_or(0), status.max_size);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn status(&self) -> crate::PoolStatus {
        let status = self.pool.status();
        let narrow = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        crate::PoolStatus {
            max_size: narrow(status.max_size),
            open: narrow(status.size),
            idle: narrow(status.available),
            waiting: Some(narrow(status.waiting)),
        }
    }

    /// The most connections the pool opens (`DB_MAX_CONNECTIONS`).
    ///
    /// ```no_run
    /// # use knexrs_query::{AsyncDb, ConnectConfig};
    /// # async fn demo() -> Result<(), knexrs_query::QueryError> {
    /// let mut config = ConnectConfig::from_url("postgres://postgres@localhost/app")?;
    /// config.set_max_connections(4);
    /// assert_eq!(AsyncDb::connect(&config).await?.max_connections(), 4);
    /// # Ok(())
    /// # }
    /// ```
    pub fn max_connections(&self) -> u32 {
        self.pool.status().max_size as u32
    }

    /// Where the pool connects, password hidden.
    ///
    /// ```no_run
    /// # use knexrs_query::{AsyncDb, ConnectConfig};
    /// # async fn demo() -> Result<(), knexrs_query::QueryError> {
    /// let db = AsyncDb::connect(&ConnectConfig::from_url("postgres://app:s3cret@localhost/app")?).await?;
    /// assert_eq!(db.target(), "postgres://app:***@localhost:5432/app");
    /// # Ok(())
    /// # }
    /// ```
    pub fn target(&self) -> &str {
        &self.target
    }

    /// [`AsyncConn::execute`] on a pooled connection.
    ///
    /// ```no_run
    /// # use knexrs_query::{AsyncDb, Update, Wheres};
    /// # async fn demo(db: &AsyncDb) -> Result<(), knexrs_query::QueryError> {
    /// let mut q = Update::table("sessions");
    /// q.set("pod_ip", "10.0.0.7").where_eq("session_id", "s-1");
    /// let changed = db.execute(&q).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn execute(&self, statement: &impl Statement) -> Result<u64, QueryError> {
        self.get().await?.execute(statement).await
    }

    /// [`AsyncConn::fetch_stream`] on a pooled connection, taken when the
    /// stream is first polled and given back when it ends or is dropped; the
    /// stream borrows neither the pool nor the statement, so it can be
    /// returned from a handler (an HTTP body streamed from a query).
    ///
    /// ```no_run
    /// # use knexrs_query::{table, AsyncDb, QueryError};
    /// use futures_util::TryStreamExt;
    /// # async fn demo(db: &AsyncDb) -> Result<(), QueryError> {
    /// let ids = db.fetch_stream::<(String,), _>(table("sessions").column("session_id"));
    /// let lines = ids.map_ok(|(id,)| format!("{id}\n"));
    /// # let _ = lines;
    /// # Ok(())
    /// # }
    /// ```
    pub fn fetch_stream<R, S>(
        &self,
        statement: &S,
    ) -> impl futures_util::Stream<Item = Result<R, QueryError>> + Send + use<R, S>
    where
        R: FromRow + Send + 'static,
        S: Statement + ?Sized,
    {
        super::stream::rows(
            super::stream::Source::Pool(self.clone()),
            statement.render().map(super::stream::Owned::from),
        )
    }

    /// [`AsyncConn::fetch_all`] on a pooled connection.
    ///
    /// ```no_run
    /// # use knexrs_query::{table, AsyncDb, Wheres};
    /// # async fn demo(db: &AsyncDb) -> Result<(), knexrs_query::QueryError> {
    /// let mut q = table("sessions");
    /// q.columns(["session_id", "pod_ip"]).where_eq("owner_user_id", "u-1");
    /// let sessions: Vec<(String, Option<String>)> = db.fetch_all(&q).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn fetch_all<R: FromRow>(&self, statement: &impl Statement) -> Result<Vec<R>, QueryError> {
        self.get().await?.fetch_all(statement).await
    }

    /// [`AsyncConn::fetch_optional`] on a pooled connection.
    ///
    /// ```no_run
    /// # use knexrs_query::{AsyncDb, Delete, Wheres};
    /// # async fn demo(db: &AsyncDb) -> Result<(), knexrs_query::QueryError> {
    /// let mut q = Delete::from("token_jti");
    /// q.where_eq("jti", "j-1").returning(["session_id"]);
    /// let revoked: Option<(String,)> = db.fetch_optional(&q).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn fetch_optional<R: FromRow>(&self, statement: &impl Statement) -> Result<Option<R>, QueryError> {
        self.get().await?.fetch_optional(statement).await
    }

    /// [`AsyncConn::fetch_one`] on a pooled connection.
    ///
    /// ```no_run
    /// # use knexrs_query::{table, AsyncDb};
    /// # async fn demo(db: &AsyncDb) -> Result<(), knexrs_query::QueryError> {
    /// let mut q = table("sessions");
    /// q.count_as("*", "n");
    /// let (n,): (i64,) = db.fetch_one(&q).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn fetch_one<R: FromRow>(&self, statement: &impl Statement) -> Result<R, QueryError> {
        self.get().await?.fetch_one(statement).await
    }

    /// [`AsyncConn::first`] on a pooled connection.
    ///
    /// ```no_run
    /// # use knexrs_query::{table, AsyncDb, Wheres};
    /// # async fn demo(db: &AsyncDb) -> Result<(), knexrs_query::QueryError> {
    /// let mut q = table("sessions");
    /// q.where_eq("session_id", "s-1");
    /// let session: Option<tokio_postgres::Row> = db.first(&q).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn first<R: FromRow>(&self, query: &Select) -> Result<Option<R>, QueryError> {
        self.get().await?.first(query).await
    }

    /// [`AsyncConn::pluck`] on a pooled connection.
    ///
    /// ```no_run
    /// # use knexrs_query::{table, AsyncDb, Wheres};
    /// # async fn demo(db: &AsyncDb) -> Result<(), knexrs_query::QueryError> {
    /// let mut q = table("sessions");
    /// q.pluck("session_id").where_null("pod_ip");
    /// let unplaced: Vec<String> = db.pluck(&q).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn pluck<T>(&self, query: &Select) -> Result<Vec<T>, QueryError>
    where
        T: for<'a> FromSql<'a>,
    {
        self.get().await?.pluck(query).await
    }

    /// [`AsyncConn::transaction`] on a pooled connection (knex
    /// `knex.transaction(async (trx) => …)`): committed when `body` returns
    /// `Ok`, rolled back when it returns `Err`, panics or is cancelled; the
    /// connection goes back to the pool after.
    ///
    /// ```no_run
    /// # use knexrs_query::{AsyncDb, Delete, QueryError, Wheres};
    /// # async fn demo(db: &AsyncDb) -> Result<(), QueryError> {
    /// db.transaction(|tx| Box::pin(async move {
    ///     let mut revoke = Delete::from("token_jti");
    ///     revoke.where_eq("session_id", "s-1");
    ///     tx.execute(&revoke).await?;
    ///     let mut end = Delete::from("sessions");
    ///     end.where_eq("session_id", "s-1");
    ///     tx.execute(&end).await?;
    ///     Ok::<_, QueryError>(())
    /// }))
    /// .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn transaction<T, E, F>(&self, body: F) -> Result<T, E>
    where
        E: From<QueryError>,
        F: for<'t> FnOnce(&'t AsyncTransaction<'_>) -> TransactionFuture<'t, T, E>,
    {
        self.get().await?.transaction(body).await
    }

    /// [`AsyncConn::transaction_with`] on a pooled connection: an isolation
    /// level, a read-only mode, or runs again after serialization failures.
    ///
    /// ```no_run
    /// # use knexrs_query::{AsyncDb, IsolationLevel, QueryError, TransactionOptions, table};
    /// # async fn demo(db: &AsyncDb) -> Result<(), QueryError> {
    /// let mut report = TransactionOptions::new();
    /// report.isolation(IsolationLevel::RepeatableRead).read_only();
    /// let (sessions, tokens) = db
    ///     .transaction_with(&report, |tx| Box::pin(async move {
    ///         let sessions: Vec<knexrs_query::Row> = tx.fetch_all(&table("sessions")).await?;
    ///         let tokens: Vec<knexrs_query::Row> = tx.fetch_all(&table("token_jti")).await?;
    ///         Ok::<_, QueryError>((sessions, tokens)) // one snapshot for both
    ///     }))
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn transaction_with<T, E, F>(&self, options: &crate::TransactionOptions, body: F) -> Result<T, E>
    where
        E: From<QueryError>,
        F: for<'t> FnMut(&'t AsyncTransaction<'_>) -> TransactionFuture<'t, T, E>,
    {
        self.get().await?.transaction_with(options, body).await
    }
}
