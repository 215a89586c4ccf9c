//! One async connection: its prepared statements (a query shape is parsed by
//! the server once per connection) and what it knows of its open transaction.
//! Methods take `&self`, so statements awaited together on one connection go
//! out together: tokio-postgres pipelines them in one round trip.

use super::{AsyncTransaction, TransactionFuture};
use crate::driver::context;
use crate::driver::outcome::{Call, Outcome};
use crate::driver::param::{Param, check_count, inferred_params};
use crate::driver::trace::{self, Trace};
use crate::driver::tx_state::TxState;
use crate::statement::Rendered;
use crate::{ConnectConfig, FromRow, QueryError, Select, Statement};
use futures_util::TryStreamExt as _;
use postgres_types::FromSql;
use rustc_hash::FxHashMap;
use std::sync::Mutex;

/// How many statements a connection keeps prepared; past it the cache starts over.
const CACHE_CAPACITY: usize = 512;

/// How long a cancel request for a given-up statement may take.
const CANCEL_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);
/// How long to wait for a given-up statement to end before asking again.
const DRAIN_WAIT: std::time::Duration = std::time::Duration::from_millis(500);
/// How many times to ask; then the wait goes on without asking.
const CANCEL_RETRIES: usize = 5;

/// The driver client of a connection: from the pool, or opened on its own.
enum Client {
    #[cfg(feature = "async")]
    Pooled(deadpool_postgres::ClientWrapper),
    Direct(tokio_postgres::Client),
}

impl std::ops::Deref for Client {
    type Target = tokio_postgres::Client;

    fn deref(&self) -> &tokio_postgres::Client {
        match self {
            #[cfg(feature = "async")]
            Client::Pooled(client) => client,
            Client::Direct(client) => client,
        }
    }
}

/// A connection's cache and transaction state (locked only between awaits).
#[derive(Default)]
pub(crate) struct State {
    /// By SQL text; FxHash, as the texts are ours and hashed on every call.
    statements: FxHashMap<String, tokio_postgres::Statement>,
    pub(crate) tx: TxState,
    /// The outermost transaction level a guard dropped unfinished: rolled back
    /// before the connection runs anything else (there is no async drop).
    pub(crate) abandoned: Option<usize>,
    /// A statement's future was dropped while the server ran it: the cancel
    /// request sent for it, and whether its reply is still to come.
    cancelling: Option<tokio::task::JoinHandle<()>>,
    pub(crate) interrupted: bool,
}

/// A statement on its way: dropped before [`finish`](Self::finish), its
/// future was cancelled (a timeout, a `select!` that went the other way, a
/// client that went away) while the server may still be running it.
pub(super) struct InFlight<'a> {
    pub(super) conn: &'a AsyncConn,
    pub(super) sql: &'a str,
    pub(super) finished: bool,
}

impl InFlight<'_> {
    pub(super) fn finish(mut self) {
        self.finished = true;
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        if !self.finished {
            self.conn.interrupted(self.sql);
        }
    }
}

/// An async connection with its cache of prepared statements.
///
/// ```no_run
/// use knexrs_query::{AsyncConn, ConnectConfig, table, Wheres};
///
/// # async fn demo() -> Result<(), knexrs_query::QueryError> {
/// let config = ConnectConfig::from_url("postgres://postgres@localhost/app")?;
/// let conn = AsyncConn::connect(&config).await?;
/// let mut q = table("sessions");
/// q.where_eq("session_id", "abc-123").first();
/// let row: Option<tokio_postgres::Row> = conn.fetch_optional(&q).await?;
/// # Ok(())
/// # }
/// ```
pub struct AsyncConn {
    client: Client,
    pub(crate) state: Mutex<State>,
    /// Whether statements are prepared by name and cached.
    prepares: bool,
    /// Where its cancel requests go; `None` for a client wrapped with
    /// [`from_client`](Self::from_client). Shared (a driver configuration is
    /// large, and a pool moves its connections at every checkout).
    cancel: Option<std::sync::Arc<knexrs_connect::CancelTarget>>,
}

impl std::fmt::Debug for AsyncConn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let prepared = self.state.lock().map(|s| s.statements.len()).unwrap_or(0);
        f.debug_struct("AsyncConn").field("prepared", &prepared).finish()
    }
}

/// Anything that runs statements on an [`AsyncConn`]: the connection, a
/// pooled one, a transaction. Generic code takes `&impl AsyncExecutor`.
///
/// ```no_run
/// use knexrs_query::{AsyncExecutor, QueryError, Update, Wheres};
///
/// async fn place(db: &impl AsyncExecutor, session: &str, ip: &str) -> Result<u64, QueryError> {
///     let mut q = Update::table("sessions");
///     q.set("pod_ip", ip).where_eq("session_id", session);
///     db.conn().execute(&q).await
/// }
/// ```
pub trait AsyncExecutor: Sync {
    /// The connection statements run on.
    ///
    /// ```no_run
    /// # use knexrs_query::{AsyncConn, AsyncExecutor, ConnectConfig};
    /// # async fn demo() -> Result<(), knexrs_query::QueryError> {
    /// let conn = AsyncConn::connect(&ConnectConfig::from_url("postgres://postgres@localhost/app")?).await?;
    /// assert!(std::ptr::eq(conn.conn(), &conn));
    /// # Ok(())
    /// # }
    /// ```
    fn conn(&self) -> &AsyncConn;
}

impl AsyncExecutor for AsyncConn {
    fn conn(&self) -> &AsyncConn {
        self
    }
}

impl AsyncConn {
    /// Opens a connection of its own (outside any pool).
    ///
    /// ```no_run
    /// # use knexrs_query::{AsyncConn, ConnectConfig};
    /// # async fn demo() -> Result<(), knexrs_query::QueryError> {
    /// let conn = AsyncConn::connect(&ConnectConfig::from_url("postgres://postgres@localhost/app")?).await?;
    /// conn.client().batch_execute("listen session_events").await.map_err(|e| knexrs_query::QueryError::database("listen", e))?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn connect(config: &ConnectConfig) -> Result<Self, QueryError> {
        let connection = config.open_async().await?;
        Ok(AsyncConn {
            client: Client::Direct(connection.client),
            state: Mutex::default(),
            prepares: config.prepared_statements(),
            cancel: Some(std::sync::Arc::new(config.cancel_target_with(connection.tls))),
        })
    }

    #[cfg(feature = "async")]
    pub(crate) fn pooled(
        client: deadpool_postgres::ClientWrapper,
        prepares: bool,
        cancel: std::sync::Arc<knexrs_connect::CancelTarget>,
    ) -> Self {
        AsyncConn { client: Client::Pooled(client), state: Mutex::default(), prepares, cancel: Some(cancel) }
    }

    /// Wraps a driver connection opened elsewhere (whose connection task the
    /// caller spawned); `prepared_statements` as
    /// [`ConnectConfig::prepared_statements`] (off behind a transaction pooler).
    ///
    /// ```no_run
    /// # use knexrs_query::{AsyncConn, ConnectConfig};
    /// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
    /// let (client, connection) = tokio_postgres::connect("postgres://postgres@localhost/app", tokio_postgres::NoTls).await?;
    /// tokio::spawn(connection);
    /// let conn = AsyncConn::from_client(client, true);
    /// # let _ = conn;
    /// # Ok(())
    /// # }
    /// ```
    pub fn from_client(client: tokio_postgres::Client, prepared_statements: bool) -> Self {
        AsyncConn {
            client: Client::Direct(client),
            state: Mutex::default(),
            prepares: prepared_statements,
            cancel: None,
        }
    }

    /// Tells the connection that a transaction it did not open is open on it
    /// (a migration runner's, around a run-time step): `begin` then opens a
    /// savepoint, and a statement failing inside is remembered.
    /// [`release_transaction`](Self::release_transaction) ends the loan.
    ///
    /// ```no_run
    /// # use knexrs_query::AsyncConn;
    /// # async fn demo(conn: &AsyncConn) -> Result<(), knexrs_query::QueryError> {
    /// conn.client().batch_execute("begin").await.map_err(|e| knexrs_query::QueryError::database("begin", e))?;
    /// conn.adopt_transaction();
    /// // … statements through `conn`; `conn.begin()` would make a savepoint …
    /// conn.release_transaction().await?; // the transaction is still open: commit it yourself
    /// # Ok(())
    /// # }
    /// ```
    pub fn adopt_transaction(&self) {
        let mut state = self.lock();
        if state.tx.depth == 0 {
            state.tx.depth = 1;
        }
    }

    /// Ends [`adopt_transaction`](Self::adopt_transaction): the connection no
    /// longer counts a transaction as its own. An error when a statement
    /// failed inside it and was not rolled back to a savepoint: PostgreSQL
    /// has aborted the transaction, and a commit would roll it back.
    ///
    /// ```no_run
    /// # use knexrs_query::{AsyncConn, QueryError};
    /// # async fn demo(conn: &AsyncConn) {
    /// conn.adopt_transaction();
    /// let _ = conn.execute(&knexrs_query::raw("select 1/0")).await; // swallowed
    /// assert!(matches!(conn.release_transaction().await, Err(QueryError::RolledBack { .. })));
    /// # }
    /// ```
    pub async fn release_transaction(&self) -> Result<(), QueryError> {
        // A savepoint guard dropped unfinished inside is rolled back first.
        self.settle().await?;
        self.lock().tx.release_adopted()
    }

    /// The driver connection, for what the builders do not cover.
    ///
    /// ```no_run
    /// # use knexrs_query::{AsyncConn, ConnectConfig, QueryError};
    /// # async fn demo(conn: &AsyncConn) -> Result<(), QueryError> {
    /// conn.client().batch_execute("vacuum analyze sessions").await.map_err(|e| QueryError::database("vacuum", e))?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn client(&self) -> &tokio_postgres::Client {
        &self.client
    }

    /// The pooled driver client, for the pool's own recycling.
    #[cfg(feature = "async")]
    pub(crate) fn wrapper_mut(&mut self) -> Option<&mut deadpool_postgres::ClientWrapper> {
        match &mut self.client {
            Client::Pooled(wrapper) => Some(wrapper),
            Client::Direct(_) => None,
        }
    }

    /// Forgets every prepared statement (after a schema change made them stale).
    pub(super) fn forget_statements(&self) {
        self.lock().statements.clear();
    }

    pub(super) fn prepares(&self) -> bool {
        self.prepares
    }

    #[cfg(feature = "async")]
    pub(crate) fn is_closed(&self) -> bool {
        self.client.is_closed()
    }

    pub(crate) fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // The state holds no invariant a panic elsewhere could break mid-way.
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// A statement's future was dropped before its reply came: ask the server
    /// to stop it (no one will read its result, and it may hold locks and
    /// hold up the next statement on this connection), and count it as a
    /// failure of the transaction it ran in.
    pub(super) fn interrupted(&self, sql: &str) {
        trace::given_up(sql);
        let mut state = self.lock();
        state.tx.note_cancelled(&context(sql));
        state.interrupted = true;
        if let (Some(target), Ok(runtime)) = (&self.cancel, tokio::runtime::Handle::try_current()) {
            let (token, target) = (self.client.cancel_token(), std::sync::Arc::clone(target));
            state.cancelling = Some(runtime.spawn(async move {
                // Failing, the next statement waits for the old one instead.
                let _ = tokio::time::timeout(CANCEL_TIMEOUT, target.cancel(&token)).await;
            }));
        }
    }

    /// Before the next statement after an interrupted one: waits until the
    /// old statement's reply has come (an empty query queued behind it
    /// answers after it). The cancel request sent for it may have reached
    /// the server before the statement began (then the server ignores it):
    /// while the empty query has no answer, the request is sent again. Each
    /// is sent before the empty query is answered, and taken by the server
    /// before the next one goes, so none can stop the caller's next statement.
    async fn settle_interrupted(&self) -> Result<(), QueryError> {
        let cancelling = {
            let mut state = self.lock();
            if !state.interrupted {
                return Ok(());
            }
            state.cancelling.take()
        };
        if let Some(cancelling) = cancelling {
            let _ = cancelling.await;
        }
        let drained = {
            let mut drain = std::pin::pin!(self.client.batch_execute(""));
            let mut answer = None;
            for _ in 0..CANCEL_RETRIES {
                match tokio::time::timeout(DRAIN_WAIT, &mut drain).await {
                    Ok(result) => {
                        answer = Some(result);
                        break;
                    }
                    Err(_) => {
                        if let Some(target) = &self.cancel {
                            let token = self.client.cancel_token();
                            let _ = tokio::time::timeout(CANCEL_TIMEOUT, target.cancel(&token)).await;
                        }
                    }
                }
            }
            match answer {
                Some(result) => result,
                None => drain.await,
            }
        };
        match drained {
            // An answer of the server's, even an error, is what was waited for.
            Err(e) if e.as_db_error().is_none() => {
                Err(QueryError::database("waiting for a cancelled statement to end", e))
            }
            _ => {
                self.lock().interrupted = false;
                Ok(())
            }
        }
    }

    /// Before anything else runs: waits out a statement given up mid-way, and
    /// rolls back what a dropped transaction guard left open.
    pub(crate) async fn settle(&self) -> Result<(), QueryError> {
        if self.is_settled() {
            return Ok(());
        }
        // Boxed: its state (cancel requests, their connections) would
        // otherwise make every statement's future that much bigger to move.
        Box::pin(self.settle_now()).await
    }

    /// Nothing to settle: the path every statement takes, one look.
    fn is_settled(&self) -> bool {
        let state = self.lock();
        !state.interrupted && state.abandoned.is_none()
    }

    async fn settle_now(&self) -> Result<(), QueryError> {
        self.settle_interrupted().await?;
        let sql = {
            let mut state = self.lock();
            let Some(depth) = state.abandoned.take() else { return Ok(()) };
            if depth > state.tx.depth {
                return Ok(());
            }
            let sql = if depth == 1 {
                "rollback".to_owned()
            } else {
                format!("rollback to savepoint knexrs_{depth}; release savepoint knexrs_{depth}")
            };
            state.tx.abandon_to(depth);
            sql
        };
        self.client
            .batch_execute(&sql)
            .await
            .map_err(|e| QueryError::database("rolling back an abandoned transaction", e))
    }

    /// The prepared statement for `sql`, preparing it on first use.
    pub(super) async fn prepared(&self, sql: &str) -> Result<tokio_postgres::Statement, QueryError> {
        if let Some(statement) = self.lock().statements.get(sql) {
            return Ok(statement.clone());
        }
        let statement = self.client.prepare(sql).await.map_err(|e| {
            // A statement that fails to prepare aborts the transaction like one that fails to run.
            self.lock().tx.note_failure(&e);
            QueryError::database(context(sql), e)
        })?;
        let mut state = self.lock();
        if state.statements.len() >= CACHE_CAPACITY {
            state.statements.clear();
        }
        state.statements.insert(sql.to_owned(), statement.clone());
        Ok(statement)
    }

    /// Runs `sql` with `values`; a cached plan made stale by a schema change
    /// is prepared again, once (outside transactions).
    async fn run(
        &self,
        sql: &str,
        values: &[std::borrow::Cow<'_, sea_query::Value>],
        call: Call,
        timeout: Option<std::time::Duration>,
    ) -> Result<Outcome, QueryError> {
        // `settle`, written out: its future would otherwise sit inside every statement's.
        if !self.is_settled() {
            Box::pin(self.settle_now()).await?;
        }
        check_count(sql, values.len())?;
        let in_flight = InFlight { conn: self, sql, finished: false };
        let trace = Trace::start();
        let outcome = match timeout {
            None => self.run_settled(sql, values, call).await,
            Some(after) => match tokio::time::timeout(after, self.run_settled(sql, values, call)).await {
                Ok(outcome) => outcome,
                Err(_) => {
                    // Given up: the guard cancels it on the server, as for a dropped future.
                    drop(in_flight);
                    let error = QueryError::Timeout { statement: context(sql), after };
                    trace.finish_failed(sql, &error);
                    return Err(error);
                }
            },
        };
        in_flight.finish();
        trace.finish(sql, &outcome);
        outcome
    }

    async fn run_settled(
        &self,
        sql: &str,
        values: &[std::borrow::Cow<'_, sea_query::Value>],
        call: Call,
    ) -> Result<Outcome, QueryError> {
        if !self.prepares {
            // One round trip, unnamed: nothing outlives a transaction pooler's assignment.
            let params: Vec<Param<'_>> = values.iter().map(|v| Param(v.as_ref())).collect();
            let typed = inferred_params(&params);
            let result = match call {
                Call::Execute => self.client.execute_typed(sql, &typed).await.map(Outcome::Count),
                Call::Query | Call::First => self.client.query_typed(sql, &typed).await.map(Outcome::Rows),
            };
            return result.map_err(|error| {
                self.lock().tx.note_failure(&error);
                QueryError::database(context(sql), error)
            });
        }
        let prepared = self.prepared(sql).await?;
        let result = match self.call(call, &prepared, values).await {
            Err(error) if self.lock().tx.may_prepare_again(&error) => {
                self.forget_statements();
                let prepared = self.prepared(sql).await?;
                self.call(call, &prepared, values).await
            }
            other => other,
        };
        result.map_err(|error| {
            self.lock().tx.note_failure(&error);
            QueryError::database(context(sql), error)
        })
    }

    /// Runs the prepared statement, its values bound as they are (no list of
    /// parameters is built: the driver reads them one by one).
    async fn call(
        &self,
        call: Call,
        prepared: &tokio_postgres::Statement,
        values: &[std::borrow::Cow<'_, sea_query::Value>],
    ) -> Result<Outcome, tokio_postgres::Error> {
        let params = values.iter().map(|v| Param(v.as_ref()));
        match call {
            Call::Execute => self.client.execute_raw(prepared, params).await.map(Outcome::Count),
            Call::Query => self.client.query_raw(prepared, params).await?.try_collect().await.map(Outcome::Rows),
            Call::First => {
                let mut rows = std::pin::pin!(self.client.query_raw(prepared, params).await?);
                let first = rows.try_next().await?;
                // The rest are read too (an error in a later row fails the
                // call); an ended stream is not polled again.
                if first.is_some() {
                    while rows.try_next().await?.is_some() {}
                }
                Ok(Outcome::First(first))
            }
        }
    }

    /// Runs a statement; returns how many rows it changed.
    ///
    /// ```no_run
    /// # use knexrs_query::{AsyncConn, Insert};
    /// # async fn demo(conn: &AsyncConn) -> Result<(), knexrs_query::QueryError> {
    /// let mut insert = Insert::into("token_jti");
    /// insert.set("jti", "j-1").set("session_id", "s-1").set("expires_at", chrono::Utc::now());
    /// assert_eq!(conn.execute(&insert).await?, 1);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn execute(&self, statement: &impl Statement) -> Result<u64, QueryError> {
        let Rendered { sql, values, timeout, .. } = statement.render()?;
        if sql.is_empty() {
            return Ok(0);
        }
        Ok(self.run(&sql, &values, Call::Execute, timeout).await?.count())
    }

    /// Every row, decoded.
    ///
    /// ```no_run
    /// # use knexrs_query::{AsyncConn, table, Wheres};
    /// # async fn demo(conn: &AsyncConn) -> Result<(), knexrs_query::QueryError> {
    /// let mut q = table("token_jti");
    /// q.columns(["jti", "expires_at"]).where_eq("session_id", "s-1");
    /// let tokens: Vec<(String, chrono::DateTime<chrono::Utc>)> = conn.fetch_all(&q).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn fetch_all<R: FromRow>(&self, statement: &impl Statement) -> Result<Vec<R>, QueryError> {
        let Rendered { sql, values, timeout, .. } = statement.render()?;
        if sql.is_empty() {
            return Ok(Vec::new());
        }
        let rows = self.run(&sql, &values, Call::Query, timeout).await?.rows();
        rows.into_iter().map(R::from_row).collect()
    }

    /// The rows, decoded one by one as they arrive, without holding the
    /// result in memory (knex `.stream()`): for exports and batch jobs over
    /// more rows than fit. The stream ends after its first error.
    ///
    /// Dropped before its end, the rows still to come are read and dropped
    /// before the connection's next statement, so a transaction it runs in is
    /// not disturbed (the server runs the query to its end: bound the query
    /// with `limit` rather than stopping early when that matters). Dropped
    /// before the query started, it is a statement given up (see
    /// [`execute`](Self::execute)).
    ///
    /// ```no_run
    /// # use knexrs_query::{AsyncConn, QueryError, table};
    /// use futures_util::TryStreamExt;
    /// # async fn demo(conn: &AsyncConn) -> Result<(), QueryError> {
    /// let mut q = table("sessions");
    /// q.columns(["session_id", "job_name"]);
    /// let mut rows = std::pin::pin!(conn.fetch_stream::<(String, String), _>(&q));
    /// while let Some((id, job)) = rows.try_next().await? {
    ///     println!("{id},{job}");
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn fetch_stream<'c, R, S>(
        &'c self,
        statement: &S,
    ) -> impl futures_util::Stream<Item = Result<R, QueryError>> + Send + use<'c, R, S>
    where
        R: FromRow + Send + 'c,
        S: Statement + ?Sized,
    {
        super::stream::rows(super::stream::Source::Conn(self), statement.render().map(super::stream::Owned::from))
    }

    /// The first row, if any, decoded.
    ///
    /// ```no_run
    /// # use knexrs_query::{AsyncConn, table, Wheres};
    /// # async fn demo(conn: &AsyncConn) -> Result<(), knexrs_query::QueryError> {
    /// let mut q = table("sessions");
    /// q.column("pod_ip").where_eq("session_id", "s-1");
    /// let pod_ip: Option<(Option<String>,)> = conn.fetch_optional(&q).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn fetch_optional<R: FromRow>(&self, statement: &impl Statement) -> Result<Option<R>, QueryError> {
        let Rendered { sql, values, timeout, .. } = statement.render()?;
        if sql.is_empty() {
            return Ok(None);
        }
        self.run(&sql, &values, Call::First, timeout).await?.first().map(R::from_row).transpose()
    }

    /// The first row, decoded; no row is [`QueryError::NoRows`].
    ///
    /// ```no_run
    /// # use knexrs_query::{AsyncConn, QueryError, table, Wheres};
    /// # async fn demo(conn: &AsyncConn) -> Result<(), QueryError> {
    /// let mut q = table("sessions");
    /// q.where_eq("session_id", "missing");
    /// assert!(matches!(conn.fetch_one::<tokio_postgres::Row>(&q).await, Err(QueryError::NoRows)));
    /// # Ok(())
    /// # }
    /// ```
    pub async fn fetch_one<R: FromRow>(&self, statement: &impl Statement) -> Result<R, QueryError> {
        self.fetch_optional(statement).await?.ok_or(QueryError::NoRows)
    }

    /// The first row of `query` with `limit 1` applied (knex `first()`).
    ///
    /// ```no_run
    /// # use knexrs_query::{AsyncConn, table, Wheres};
    /// # async fn demo(conn: &AsyncConn) -> Result<(), knexrs_query::QueryError> {
    /// let mut q = table("sessions");
    /// q.where_eq("owner_user_id", "u-1");
    /// let any: Option<tokio_postgres::Row> = conn.first(&q).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn first<R: FromRow>(&self, query: &Select) -> Result<Option<R>, QueryError> {
        let mut query = query.clone();
        query.first();
        self.fetch_optional(&query).await
    }

    /// The first column of every row (knex `pluck`).
    ///
    /// ```no_run
    /// # use knexrs_query::{AsyncConn, table};
    /// # async fn demo(conn: &AsyncConn) -> Result<(), knexrs_query::QueryError> {
    /// let mut q = table("sessions");
    /// q.pluck("session_id");
    /// let ids: Vec<String> = conn.pluck(&q).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn pluck<T>(&self, query: &Select) -> Result<Vec<T>, QueryError>
    where
        T: for<'a> FromSql<'a>,
    {
        let rows: Vec<(T,)> = self.fetch_all(query).await?;
        Ok(rows.into_iter().map(|(v,)| v).collect())
    }

    /// Opens a transaction (a savepoint inside one): commit it with
    /// [`AsyncTransaction::commit`]; dropped unfinished (an error returned
    /// with `?`, a panic, a cancelled future), it is rolled back before the
    /// connection runs anything else or goes back to the pool.
    ///
    /// ```no_run
    /// # use knexrs_query::{AsyncConn, Update, Wheres};
    /// # async fn demo(conn: &AsyncConn) -> Result<(), knexrs_query::QueryError> {
    /// let tx = conn.begin().await?;
    /// let mut debit = Update::table("accounts");
    /// debit.decrement("balance", 10).where_eq("id", 1);
    /// tx.execute(&debit).await?;
    /// let mut credit = Update::table("accounts");
    /// credit.increment("balance", 10).where_eq("id", 2);
    /// tx.execute(&credit).await?;
    /// tx.commit().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn begin(&self) -> Result<AsyncTransaction<'_>, QueryError> {
        AsyncTransaction::begin(self, &crate::TransactionOptions::default()).await
    }

    /// [`begin`](Self::begin) with an isolation level or a read-only mode
    /// (only the outermost transaction takes them).
    ///
    /// ```no_run
    /// # use knexrs_query::{AsyncConn, IsolationLevel, QueryError, TransactionOptions, table};
    /// # async fn demo(conn: &AsyncConn) -> Result<(), QueryError> {
    /// let mut report = TransactionOptions::new();
    /// report.isolation(IsolationLevel::RepeatableRead).read_only();
    /// let tx = conn.begin_with(&report).await?;
    /// let (sessions, tokens) = (table("sessions"), table("token_jti"));
    /// // One snapshot for both.
    /// let (sessions, tokens) =
    ///     tokio::try_join!(tx.fetch_all::<knexrs_query::Row>(&sessions), tx.fetch_all::<knexrs_query::Row>(&tokens))?;
    /// tx.commit().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn begin_with(&self, options: &crate::TransactionOptions) -> Result<AsyncTransaction<'_>, QueryError> {
        AsyncTransaction::begin(self, options).await
    }

    /// Runs `body` in a transaction: committed when it returns `Ok`, rolled
    /// back when it returns `Err`, panics or is cancelled.
    ///
    /// ```no_run
    /// # use knexrs_query::{AsyncConn, Insert, QueryError};
    /// # async fn demo(conn: &AsyncConn) -> Result<(), QueryError> {
    /// conn.transaction(|tx| Box::pin(async move {
    ///     let mut insert = Insert::into("sessions");
    ///     insert.set("owner_user_id", "u-1").set("job_name", "job-9").set("expires_at", chrono::Utc::now());
    ///     tx.execute(&insert).await?;
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
        let tx = self.begin().await?;
        match body(&tx).await {
            Ok(value) => {
                tx.commit().await?;
                Ok(value)
            }
            Err(error) => {
                tx.rollback().await?;
                Err(error)
            }
        }
    }

    /// [`transaction`](Self::transaction) with an isolation level, a
    /// read-only mode, or runs again after serialization failures (knex
    /// `transaction(…, { isolationLevel, readOnly })`); the closure may run
    /// more than once.
    ///
    /// ```no_run
    /// # use knexrs_query::{AsyncConn, Insert, IsolationLevel, QueryError, TransactionOptions, raw};
    /// # async fn demo(conn: &AsyncConn) -> Result<(), QueryError> {
    /// let mut options = TransactionOptions::new();
    /// options.isolation(IsolationLevel::Serializable).retry_serialization_failures(3);
    /// conn.transaction_with(&options, |tx| Box::pin(async move {
    ///     let (taken,): (i64,) = tx.fetch_one(&raw("select count(*) from seats where show_id = 7")).await?;
    ///     if taken < 100 {
    ///         tx.execute(Insert::into("seats").set("show_id", 7)).await?;
    ///     }
    ///     Ok::<_, QueryError>(())
    /// }))
    /// .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn transaction_with<T, E, F>(&self, options: &crate::TransactionOptions, mut body: F) -> Result<T, E>
    where
        E: From<QueryError>,
        F: for<'t> FnMut(&'t AsyncTransaction<'_>) -> TransactionFuture<'t, T, E>,
    {
        let mut runs = 0;
        loop {
            let tx = self.begin_with(options).await?;
            let (failed, code) = match body(&tx).await {
                Ok(value) => match tx.commit().await {
                    Ok(()) => return Ok(value),
                    Err(error) => {
                        let code = error.code().cloned();
                        (E::from(error), code)
                    }
                },
                Err(error) => {
                    let code = tx.failure_code();
                    tx.rollback().await?;
                    (error, code)
                }
            };
            if runs >= options.retries() || !crate::driver::retryable(code.as_ref()) {
                return Err(failed);
            }
            runs += 1;
        }
    }
}
