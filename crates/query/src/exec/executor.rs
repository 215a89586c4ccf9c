//! Running statements on a connection (or a transaction on one).

use super::timeout::{StatementTimeout, timed_out, timeout_error};
use super::{Connection, Transaction};
use crate::driver::context;
use crate::driver::outcome::{Call, Outcome};
use crate::driver::param::{Param, check_count, inferred_params, with_params};
use crate::driver::retryable;
use crate::driver::trace::Trace;
use crate::statement::Rendered;
use crate::{FromRow, QueryError, Select, Statement, TransactionOptions};
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::FromSql;
use sea_query::Value;
use std::borrow::Cow;
use std::time::Duration;

/// Runs statements: values bound, each query shape prepared once per connection.
///
/// ```no_run
/// use knexrs_query::{Db, ConnectConfig, Environment, Executor, Insert, table, Wheres};
///
/// let db = Db::connect(&ConnectConfig::from_env(Environment::Development)?.expect("DATABASE_URL"))?;
/// let mut conn = db.get()?;
/// let mut insert = Insert::into("token_jti");
/// insert.set("jti", "j-1").set("session_id", "s-1").set("expires_at", chrono::Utc::now());
/// conn.execute(&insert)?;
/// let mut q = table("token_jti");
/// q.where_eq("jti", "j-1");
/// let jti: Option<(String, String)> = conn.fetch_optional(q.columns(["jti", "session_id"]))?;
/// # Ok::<(), knexrs_query::QueryError>(())
/// ```
pub trait Executor {
    /// The connection statements run on.
    ///
    /// ```no_run
    /// # use knexrs_query::{ConnectConfig, Connection, Executor, Insert, QueryError, Select, Wheres, table};
    /// # let mut conn = Connection::new(ConnectConfig::from_url("postgres://postgres@localhost/app")?.connect()?);
    /// // Anything with a connection runs statements: implement `connection` and the rest comes with it.
    /// struct Worker { conn: Connection }
    /// impl Executor for Worker {
    ///     fn connection(&mut self) -> &mut Connection {
    ///         &mut self.conn
    ///     }
    /// }
    /// let mut worker = Worker { conn };
    /// let n: Vec<(i64,)> = worker.fetch_all(Select::new().column_raw(knexrs_query::raw("1::bigint")))?;
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    fn connection(&mut self) -> &mut Connection;

    /// Runs a statement; returns how many rows it changed.
    ///
    /// ```no_run
    /// # use knexrs_query::{ConnectConfig, Connection, Executor, Insert, QueryError, Select, Wheres, table};
    /// # let mut conn = Connection::new(ConnectConfig::from_url("postgres://postgres@localhost/app")?.connect()?);
    /// let mut insert = Insert::into("token_jti");
    /// insert.set("jti", "j-1").set("session_id", "s-1").set("expires_at", chrono::Utc::now());
    /// assert_eq!(conn.execute(&insert)?, 1);
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    fn execute(&mut self, statement: &impl Statement) -> Result<u64, QueryError> {
        let Rendered { sql, values, timeout, .. } = statement.render()?;
        if sql.is_empty() {
            return Ok(0);
        }
        run(self.connection(), &sql, &values, Call::Execute, timeout).map(Outcome::count)
    }

    /// Every row, decoded.
    ///
    /// ```no_run
    /// # use knexrs_query::{ConnectConfig, Connection, Executor, Insert, QueryError, Select, Wheres, table};
    /// # let mut conn = Connection::new(ConnectConfig::from_url("postgres://postgres@localhost/app")?.connect()?);
    /// let mut q = table("token_jti");
    /// q.columns(["jti", "expires_at"]).where_eq("session_id", "s-1");
    /// let tokens: Vec<(String, chrono::DateTime<chrono::Utc>)> = conn.fetch_all(&q)?;
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    fn fetch_all<R: FromRow>(&mut self, statement: &impl Statement) -> Result<Vec<R>, QueryError> {
        let Rendered { sql, values, timeout, .. } = statement.render()?;
        if sql.is_empty() {
            return Ok(Vec::new());
        }
        let rows = run(self.connection(), &sql, &values, Call::Query, timeout)?.rows();
        rows.into_iter().map(R::from_row).collect()
    }

    /// The first row, if any, decoded.
    ///
    /// ```no_run
    /// # use knexrs_query::{ConnectConfig, Connection, Executor, Insert, QueryError, Select, Wheres, table};
    /// # let mut conn = Connection::new(ConnectConfig::from_url("postgres://postgres@localhost/app")?.connect()?);
    /// let mut q = table("sessions");
    /// q.column("pod_ip").where_eq("session_id", "s-1");
    /// let pod_ip: Option<(Option<String>,)> = conn.fetch_optional(&q)?;
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    fn fetch_optional<R: FromRow>(&mut self, statement: &impl Statement) -> Result<Option<R>, QueryError> {
        let Rendered { sql, values, one_row, timeout } = statement.render()?;
        if sql.is_empty() {
            return Ok(None);
        }
        // A reply of one row is read in one go; a longer one row by row, keeping the first.
        let call = if one_row { Call::Query } else { Call::First };
        run(self.connection(), &sql, &values, call, timeout)?.first().map(R::from_row).transpose()
    }

    /// The first row, decoded; no row is [`QueryError::NoRows`].
    ///
    /// ```no_run
    /// # use knexrs_query::{ConnectConfig, Connection, Executor, Insert, QueryError, Select, Wheres, table};
    /// # let mut conn = Connection::new(ConnectConfig::from_url("postgres://postgres@localhost/app")?.connect()?);
    /// let mut q = table("sessions");
    /// q.where_eq("session_id", "missing");
    /// let missing = conn.fetch_one::<postgres::Row>(&q);
    /// assert!(matches!(missing, Err(QueryError::NoRows)));
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    fn fetch_one<R: FromRow>(&mut self, statement: &impl Statement) -> Result<R, QueryError> {
        self.fetch_optional(statement)?.ok_or(QueryError::NoRows)
    }

    /// The first row of `query` with `limit 1` applied (knex `first()`).
    ///
    /// ```no_run
    /// # use knexrs_query::{ConnectConfig, Connection, Executor, Insert, QueryError, Select, Wheres, table};
    /// # let mut conn = Connection::new(ConnectConfig::from_url("postgres://postgres@localhost/app")?.connect()?);
    /// let mut q = table("sessions");
    /// q.where_eq("owner_user_id", "u-1");
    /// let any: Option<postgres::Row> = conn.first(&q)?; // adds `limit 1`
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    fn first<R: FromRow>(&mut self, query: &Select) -> Result<Option<R>, QueryError> {
        let mut query = query.clone();
        query.first();
        self.fetch_optional(&query)
    }

    /// The first column of every row (knex `pluck`).
    ///
    /// ```no_run
    /// # use knexrs_query::{ConnectConfig, Connection, Executor, Insert, QueryError, Select, Wheres, table};
    /// # let mut conn = Connection::new(ConnectConfig::from_url("postgres://postgres@localhost/app")?.connect()?);
    /// let mut q = table("sessions");
    /// q.pluck("session_id");
    /// let ids: Vec<String> = conn.pluck(&q)?;
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    fn pluck<T>(&mut self, query: &Select) -> Result<Vec<T>, QueryError>
    where
        T: for<'a> FromSql<'a>,
    {
        let rows: Vec<(T,)> = self.fetch_all(query)?;
        Ok(rows.into_iter().map(|(v,)| v).collect())
    }

    /// Hands each row, decoded, to `each` as it arrives, without holding the
    /// result in memory (knex `.stream()`, for exports and batch jobs over
    /// more rows than fit); returns how many rows `each` took.
    ///
    /// An error from `each` (or in decoding a row) stops the loop and is
    /// returned; the rows still to come are read and dropped by the next
    /// statement on the connection, so a transaction it runs in is not
    /// disturbed (the server runs the query to its end: bound the query with
    /// `limit` rather than stopping early when that matters).
    ///
    /// ```no_run
    /// # use knexrs_query::{ConnectConfig, Connection, Executor, table};
    /// use std::io::Write;
    /// # let mut conn = Connection::new(ConnectConfig::from_url("postgres://postgres@localhost/app")?.connect()?);
    /// let mut out = std::io::BufWriter::new(std::fs::File::create("sessions.csv")?);
    /// let mut q = table("sessions");
    /// q.columns(["session_id", "job_name"]);
    /// let written = conn.fetch_each(&q, |(id, job): (String, String)| -> Result<(), Box<dyn std::error::Error>> {
    ///     writeln!(out, "{id},{job}")?;
    ///     Ok(())
    /// })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn fetch_each<R, E>(
        &mut self,
        statement: &impl Statement,
        mut each: impl FnMut(R) -> Result<(), E>,
    ) -> Result<u64, E>
    where
        R: FromRow,
        E: From<QueryError>,
    {
        let Rendered { sql, values, timeout, .. } = statement.render()?;
        if sql.is_empty() {
            return Ok(0);
        }
        run_each(self.connection(), &sql, &values, timeout, |row| each(R::from_row(row)?))
    }

    /// [`transaction`](Self::transaction) with an isolation level, a
    /// read-only mode, or runs again after serialization failures (knex
    /// `transaction(…, { isolationLevel, readOnly })`). Only the outermost
    /// transaction takes modes; inside one, this is
    /// [`QueryError::NestedTransactionOptions`].
    ///
    /// ```no_run
    /// # use knexrs_query::{ConnectConfig, Connection, Executor, Insert, IsolationLevel, QueryError, TransactionOptions, raw};
    /// # let mut conn = Connection::new(ConnectConfig::from_url("postgres://postgres@localhost/app")?.connect()?);
    /// let mut options = TransactionOptions::new();
    /// options.isolation(IsolationLevel::Serializable).retry_serialization_failures(3);
    /// conn.transaction_with(&options, |tx| {
    ///     let (taken,): (i64,) = tx.fetch_one(&raw("select count(*) from seats where show_id = 7"))?;
    ///     if taken < 100 {
    ///         tx.execute(Insert::into("seats").set("show_id", 7))?;
    ///     }
    ///     Ok::<_, QueryError>(())
    /// })?;
    /// # Ok::<(), QueryError>(())
    /// ```
    fn transaction_with<T, E>(
        &mut self,
        options: &TransactionOptions,
        mut body: impl FnMut(&mut Transaction<'_>) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<QueryError>,
    {
        let mut runs = 0;
        loop {
            let mut transaction = Transaction::begin_with(self.connection(), options)?;
            let (failed, code) = match body(&mut transaction) {
                Ok(value) => match transaction.commit() {
                    Ok(()) => return Ok(value),
                    Err(error) => {
                        let code = error.code().cloned();
                        (E::from(error), code)
                    }
                },
                Err(error) => {
                    let code = transaction.failure_code();
                    transaction.rollback()?;
                    (error, code)
                }
            };
            if runs >= options.retries() || !retryable(code.as_ref()) {
                return Err(failed);
            }
            runs += 1;
        }
    }

    /// Runs `body` in a transaction: committed when it returns `Ok`, rolled back
    /// when it returns `Err` or panics. Inside a transaction, a savepoint.
    ///
    /// ```no_run
    /// # use knexrs_query::{ConnectConfig, Connection, Executor, Insert, QueryError, Select, Wheres, table};
    /// # let mut conn = Connection::new(ConnectConfig::from_url("postgres://postgres@localhost/app")?.connect()?);
    /// let result = conn.transaction(|tx| {
    ///     let mut insert = Insert::into("sessions");
    ///     insert.set("session_id", "s-9").set("job_name", "job-9");
    ///     tx.execute(&insert)?;
    ///     // Nested: a savepoint; its failure rolls back only the inner work.
    ///     let inner = tx.transaction(|inner| {
    ///         let mut again = Insert::into("sessions");
    ///         again.set("session_id", "s-9").set("job_name", "job-9");
    ///         inner.execute(&again) // unique violation
    ///     });
    ///     assert!(inner.is_err());
    ///     Ok::<_, QueryError>(())
    /// });
    /// result?;
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    fn transaction<T, E>(&mut self, body: impl FnOnce(&mut Transaction<'_>) -> Result<T, E>) -> Result<T, E>
    where
        E: From<QueryError>,
    {
        let mut transaction = Transaction::begin(self.connection())?;
        match body(&mut transaction) {
            Ok(value) => {
                transaction.commit()?;
                Ok(value)
            }
            Err(error) => {
                transaction.rollback()?;
                Err(error)
            }
        }
    }
}

impl Executor for Connection {
    fn connection(&mut self) -> &mut Connection {
        self
    }
}

/// Runs `sql` with `values`: prepared (or reused from the cache; a cached
/// plan made stale by a schema change is prepared again, once), or as an
/// unnamed statement when the connection prepares nothing.
fn run(
    connection: &mut Connection,
    sql: &str,
    values: &[Cow<'_, Value>],
    call: Call,
    timeout: Option<Duration>,
) -> Result<Outcome, QueryError> {
    let trace = start(sql, values)?;
    let result = match timeout {
        None => send(connection, sql, values, call),
        Some(after) => {
            let limit = StatementTimeout::set(connection, after)?;
            let result = send(connection, sql, values, call);
            let ended = limit.end(connection, result.is_ok());
            match result {
                Err(error) if error.postgres_error().is_some_and(timed_out) => Err(timeout_error(sql, after)),
                Err(error) => Err(error),
                Ok(outcome) => ended.map(|()| outcome),
            }
        }
    };
    trace.finish(sql, &result);
    result
}

/// What every statement checks before it is sent: not on an async runtime's
/// thread, not too many values; then its time starts.
fn start(sql: &str, values: &[Cow<'_, Value>]) -> Result<Trace, QueryError> {
    if crate::in_async_context() {
        return Err(knexrs_connect::ConnectError::BlockingInAsync {
            what: "the blocking executor",
            instead: "the `async` feature's executor",
        }
        .into());
    }
    check_count(sql, values.len())?;
    Ok(Trace::start())
}

fn send(connection: &mut Connection, sql: &str, values: &[Cow<'_, Value>], call: Call) -> Result<Outcome, QueryError> {
    let result = if connection.prepares() {
        let prepared = connection.prepared(sql)?;
        match call_prepared(connection.client(), &prepared, values, call) {
            Err(error) if connection.tx.may_prepare_again(&error) => {
                connection.forget_statements();
                let prepared = connection.prepared(sql)?;
                call_prepared(connection.client(), &prepared, values, call)
            }
            other => other,
        }
    } else {
        let params: Vec<Param<'_>> = values.iter().map(|v| Param(v.as_ref())).collect();
        let typed = inferred_params(&params);
        let client = connection.client();
        match call {
            Call::Execute => client.execute_typed(sql, &typed).map(Outcome::Count),
            Call::Query | Call::First => client.query_typed(sql, &typed).map(Outcome::Rows),
        }
    };
    result.map_err(|error| {
        connection.tx.note_failure(&error);
        QueryError::database(context(sql), error)
    })
}

/// [`run`] for [`Executor::fetch_each`]: the rows go to `each` one by one.
fn run_each<E: From<QueryError>>(
    connection: &mut Connection,
    sql: &str,
    values: &[Cow<'_, Value>],
    timeout: Option<Duration>,
    mut each: impl FnMut(postgres::Row) -> Result<(), E>,
) -> Result<u64, E> {
    let trace = start(sql, values)?;
    let limit = timeout.map(|after| StatementTimeout::set(connection, after)).transpose()?;
    let mut taken = 0;
    let mut result = send_each(connection, sql, values, &mut each, &mut taken);
    if let Err(Stop::Database(error)) = &result
        && taken == 0
        && connection.tx.may_prepare_again(error)
    {
        connection.forget_statements();
        result = send_each(connection, sql, values, &mut each, &mut taken);
    }
    if let Some(limit) = limit {
        let ended = limit.end(connection, result.is_ok());
        if let (Ok(()), Err(error)) = (&result, ended) {
            result = Err(Stop::Query(error));
        }
    }
    match result {
        Ok(()) => {
            trace.finish_rows(sql, taken);
            Ok(taken)
        }
        Err(Stop::Database(error)) => {
            connection.tx.note_failure(&error);
            let error = match timeout {
                Some(after) if timed_out(&error) => timeout_error(sql, after),
                _ => QueryError::database(context(sql), error),
            };
            trace.finish_failed(sql, &error);
            Err(error.into())
        }
        // It could not be prepared (already noted on the transaction).
        Err(Stop::Query(error)) => {
            trace.finish_failed(sql, &error);
            Err(error.into())
        }
        // The statement went well: the caller stopped, or a row did not decode.
        Err(Stop::Caller(error)) => {
            trace.finish_rows(sql, taken);
            Err(error)
        }
    }
}

/// Why [`send_each`] stopped.
enum Stop<E> {
    Database(postgres::Error),
    Query(QueryError),
    Caller(E),
}

/// Sends the query of [`run_each`] and hands its rows to `each` as they come.
fn send_each<E>(
    connection: &mut Connection,
    sql: &str,
    values: &[Cow<'_, Value>],
    each: &mut impl FnMut(postgres::Row) -> Result<(), E>,
    taken: &mut u64,
) -> Result<(), Stop<E>> {
    let mut rows = if connection.prepares() {
        let prepared = connection.prepared(sql).map_err(Stop::Query)?;
        with_params(values, |params| connection.client().query_raw(&prepared, params.iter().copied()))
    } else {
        let params: Vec<Param<'_>> = values.iter().map(|v| Param(v.as_ref())).collect();
        connection.client().query_typed_raw(sql, inferred_params(&params))
    }
    .map_err(Stop::Database)?;
    while let Some(row) = rows.next().map_err(Stop::Database)? {
        each(row).map_err(Stop::Caller)?;
        *taken += 1;
    }
    Ok(())
}

fn call_prepared(
    client: &mut postgres::Client,
    prepared: &postgres::Statement,
    values: &[Cow<'_, Value>],
    call: Call,
) -> Result<Outcome, postgres::Error> {
    with_params(values, |params| match call {
        Call::Execute => client.execute(prepared, params).map(Outcome::Count),
        Call::Query => client.query(prepared, params).map(Outcome::Rows),
        Call::First => {
            let mut rows = client.query_raw(prepared, params.iter().copied())?;
            let mut first = None;
            while let Some(row) = rows.next()? {
                first.get_or_insert(row);
            }
            Ok(Outcome::First(first))
        }
    })
}
