//! [`AsyncConn::fetch_stream`]: a query's rows as a stream, decoded one by
//! one as tokio-postgres reads them (which reads no further ahead than the
//! stream is polled).

use super::AsyncConn;
use super::connection::InFlight;
use crate::driver::context;
use crate::driver::param::{Param, check_count, inferred_params};
use crate::driver::trace::Trace;
use crate::statement::Rendered;
use crate::{FromRow, QueryError};
use futures_util::{Stream, TryStreamExt as _};
use sea_query::Value;
use std::pin::Pin;
use std::time::Duration;
use tokio::time::Instant;

/// A rendered statement that owns its values: the stream outlives the
/// borrow of the builder it came from.
pub(super) struct Owned {
    sql: String,
    values: Vec<Value>,
    timeout: Option<Duration>,
}

impl From<Rendered<'_>> for Owned {
    fn from(rendered: Rendered<'_>) -> Self {
        Owned {
            sql: rendered.sql,
            values: rendered.values.into_iter().map(std::borrow::Cow::into_owned).collect(),
            timeout: rendered.timeout,
        }
    }
}

/// When a statement with a timeout is given up: the whole stream, the
/// caller's time between rows included.
#[derive(Clone, Copy)]
struct Deadline(Option<(Instant, Duration)>);

impl Deadline {
    /// `future`, unless the deadline passes first.
    async fn bound<T>(self, future: impl std::future::Future<Output = T>) -> Result<T, Duration> {
        match self.0 {
            None => Ok(future.await),
            Some((at, after)) => tokio::time::timeout_at(at, future).await.map_err(|_| after),
        }
    }
}

/// Where the rows come from: a connection the caller holds, or the pool
/// (a connection taken for the stream and given back when it ends).
pub(super) enum Source<'c> {
    Conn(&'c AsyncConn),
    #[cfg(feature = "async")]
    Pool(super::AsyncDb),
}

/// The connection a started stream reads from.
enum Held<'c> {
    Borrowed(&'c AsyncConn),
    /// Boxed: a pooled connection is large, and the stream's state moves at every row.
    #[cfg(feature = "async")]
    Pooled(Box<super::AsyncPooled>),
}

impl std::ops::Deref for Held<'_> {
    type Target = AsyncConn;

    fn deref(&self) -> &AsyncConn {
        match self {
            Held::Borrowed(conn) => conn,
            #[cfg(feature = "async")]
            Held::Pooled(conn) => conn,
        }
    }
}

/// Where the stream is.
enum State<'c> {
    Start(Source<'c>, Result<Owned, QueryError>),
    Rows {
        conn: Held<'c>,
        sql: String,
        rows: Pin<Box<tokio_postgres::RowStream>>,
        taken: u64,
        trace: Trace,
        deadline: Deadline,
    },
    Done,
}

pub(super) fn rows<'c, R: FromRow + Send + 'c>(
    source: Source<'c>,
    statement: Result<Owned, QueryError>,
) -> impl Stream<Item = Result<R, QueryError>> + Send + 'c {
    futures_util::stream::unfold(State::Start(source, statement), |state| async move {
        let (conn, sql, mut rows, taken, trace, deadline) = match state {
            State::Done => return None,
            State::Start(source, statement) => {
                let statement = match statement {
                    Ok(statement) if statement.sql.is_empty() => return None,
                    Ok(statement) => statement,
                    Err(error) => return Some((Err(error), State::Done)),
                };
                let conn = match source {
                    Source::Conn(conn) => Held::Borrowed(conn),
                    #[cfg(feature = "async")]
                    Source::Pool(db) => match db.get().await {
                        Ok(conn) => Held::Pooled(Box::new(conn)),
                        Err(error) => return Some((Err(error), State::Done)),
                    },
                };
                let trace = Trace::start();
                let deadline = Deadline(statement.timeout.map(|after| (Instant::now() + after, after)));
                // Given up while starting, the statement's guard cancels it.
                match deadline.bound(start(&conn, &statement)).await {
                    Ok(Ok(rows)) => (conn, statement.sql, rows, 0, trace, deadline),
                    Ok(Err(error)) => return Some((Err(error), State::Done)),
                    Err(after) => return Some((Err(timed_out(&statement.sql, after, trace)), State::Done)),
                }
            }
            State::Rows { conn, sql, rows, taken, trace, deadline } => (conn, sql, rows, taken, trace, deadline),
        };
        let next = match deadline.bound(rows.try_next()).await {
            Ok(next) => next,
            Err(after) => {
                // The server is still at it: cancel it before the connection's next statement.
                drop(rows);
                conn.interrupted(&sql);
                return Some((Err(timed_out(&sql, after, trace)), State::Done));
            }
        };
        match next {
            Ok(Some(row)) => match R::from_row(row) {
                Ok(value) => Some((Ok(value), State::Rows { conn, sql, rows, taken: taken + 1, trace, deadline })),
                Err(error) => Some((Err(error), State::Done)),
            },
            Ok(None) => {
                trace.finish_rows(&sql, taken);
                None
            }
            Err(error) => {
                conn.lock().tx.note_failure(&error);
                let error = QueryError::database(context(&sql), error);
                trace.finish_failed(&sql, &error);
                Some((Err(error), State::Done))
            }
        }
    })
}

/// The stream's statement ran past its timeout.
fn timed_out(sql: &str, after: Duration, trace: Trace) -> QueryError {
    let error = QueryError::Timeout { statement: context(sql), after };
    trace.finish_failed(sql, &error);
    error
}

/// Sends the query: prepared (a cached plan made stale by a schema change
/// is prepared again, once, outside transactions) or unnamed.
async fn start(conn: &AsyncConn, statement: &Owned) -> Result<Pin<Box<tokio_postgres::RowStream>>, QueryError> {
    let Owned { sql, values, .. } = statement;
    conn.settle().await?;
    check_count(sql, values.len())?;
    let in_flight = InFlight { conn, sql, finished: false };
    let params = values.iter().map(Param);
    let started = if conn.prepares() {
        let prepared = conn.prepared(sql).await?;
        match conn.client().query_raw(&prepared, params.clone()).await {
            Err(error) if conn.lock().tx.may_prepare_again(&error) => {
                conn.forget_statements();
                let prepared = conn.prepared(sql).await?;
                conn.client().query_raw(&prepared, params).await
            }
            other => other,
        }
    } else {
        let params: Vec<Param<'_>> = params.collect();
        conn.client().query_typed_raw(sql, inferred_params(&params)).await
    };
    in_flight.finish();
    started.map(Box::pin).map_err(|error| {
        conn.lock().tx.note_failure(&error);
        QueryError::database(context(sql), error)
    })
}
