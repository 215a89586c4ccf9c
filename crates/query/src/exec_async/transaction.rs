//! Async transactions: a guard that commits or rolls back, nested as
//! savepoints. There is no async drop, so a guard dropped unfinished marks
//! its connection, which rolls it back before running anything else, and
//! before going back to the pool.

use super::{AsyncConn, AsyncExecutor};
use crate::driver::tx_state::{Ending, aborted_error, is_aborted};
use crate::{QueryError, TransactionOptions};

/// What the closure of [`AsyncConn::transaction`] returns: its work as a boxed
/// future borrowing the transaction (boxed, so that a request handler's
/// future stays `Send`).
///
/// ```no_run
/// use knexrs_query::{AsyncTransaction, QueryError, TransactionFuture, raw};
///
/// fn touch<'t>(tx: &'t AsyncTransaction<'_>) -> TransactionFuture<'t, u64, QueryError> {
///     Box::pin(async move { tx.execute(&raw("update sessions set updated_at = now()")).await })
/// }
/// ```
pub type TransactionFuture<'t, T, E> = std::pin::Pin<Box<dyn std::future::Future<Output = Result<T, E>> + Send + 't>>;

/// An open transaction (or savepoint) on an [`AsyncConn`]; statements run on
/// it through [`Deref`](std::ops::Deref) to the connection.
///
/// ```no_run
/// use knexrs_query::{AsyncConn, Insert, QueryError};
///
/// # async fn demo(conn: &AsyncConn) -> Result<(), QueryError> {
/// let tx = conn.begin().await?;
/// let mut insert = Insert::into("token_jti");
/// insert.set("jti", "j-1").set("session_id", "s-1").set("expires_at", chrono::Utc::now());
/// tx.execute(&insert).await?; // an error returns here: the guard drops, the work is rolled back
/// let nested = tx.begin().await?; // a savepoint
/// nested.rollback().await?;
/// tx.commit().await?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct AsyncTransaction<'a> {
    conn: &'a AsyncConn,
    depth: usize,
    open: bool,
}

impl<'a> AsyncTransaction<'a> {
    pub(crate) async fn begin(conn: &'a AsyncConn, options: &TransactionOptions) -> Result<Self, QueryError> {
        conn.settle().await?;
        let sql = conn.lock().tx.begin_sql(options)?;
        conn.client().batch_execute(&sql).await.map_err(|e| QueryError::database("starting a transaction", e))?;
        let depth = {
            let mut state = conn.lock();
            state.tx.depth += 1;
            state.tx.depth
        };
        Ok(AsyncTransaction { conn, depth, open: true })
    }

    /// The SQLSTATE of the first statement that failed inside it.
    pub(crate) fn failure_code(&self) -> Option<tokio_postgres::error::SqlState> {
        self.conn.lock().tx.failure_code()
    }

    /// Commits (or releases the savepoint). A statement that failed inside it
    /// made PostgreSQL abort it: then it is rolled back, and the error is
    /// [`QueryError::RolledBack`].
    ///
    /// ```no_run
    /// # use knexrs_query::{AsyncConn, QueryError, raw};
    /// # async fn demo(conn: &AsyncConn) -> Result<(), QueryError> {
    /// let tx = conn.begin().await?;
    /// let _ = tx.execute(&raw("insert into accounts values (1)")).await; // a duplicate: handled
    /// assert!(matches!(tx.commit().await, Err(QueryError::RolledBack { .. })));
    /// # Ok(())
    /// # }
    /// ```
    pub async fn commit(mut self) -> Result<(), QueryError> {
        self.finish(true).await
    }

    /// Rolls back (to the savepoint).
    ///
    /// ```no_run
    /// # use knexrs_query::{AsyncConn, QueryError, raw};
    /// # async fn demo(conn: &AsyncConn) -> Result<(), QueryError> {
    /// let tx = conn.begin().await?;
    /// tx.execute(&raw("delete from sessions")).await?;
    /// tx.rollback().await?; // nothing was deleted
    /// # Ok(())
    /// # }
    /// ```
    pub async fn rollback(mut self) -> Result<(), QueryError> {
        self.finish(false).await
    }

    async fn finish(&mut self, commit: bool) -> Result<(), QueryError> {
        self.conn.settle().await?;
        self.open = false;
        let ending = self.conn.lock().tx.end(commit);
        match ending {
            Ending::Commit { sql } => match self.conn.client().batch_execute(&sql).await {
                Ok(()) => Ok(()),
                Err(error) if is_aborted(&error) => {
                    let rollback = self.conn.lock().tx.rollback_after_refused_commit();
                    self.conn
                        .client()
                        .batch_execute(&rollback)
                        .await
                        .map_err(|e| QueryError::database("rolling back", e))?;
                    Err(aborted_error())
                }
                Err(error) => Err(QueryError::database("committing", error)),
            },
            Ending::RollBack { sql, error } => {
                self.conn.client().batch_execute(&sql).await.map_err(|e| QueryError::database("rolling back", e))?;
                error.map_or(Ok(()), Err)
            }
        }
    }
}

impl std::ops::Deref for AsyncTransaction<'_> {
    type Target = AsyncConn;

    fn deref(&self) -> &AsyncConn {
        self.conn
    }
}

impl AsyncExecutor for AsyncTransaction<'_> {
    fn conn(&self) -> &AsyncConn {
        self.conn
    }
}

impl Drop for AsyncTransaction<'_> {
    fn drop(&mut self) {
        if self.open {
            let mut state = self.conn.lock();
            state.abandoned = Some(state.abandoned.map_or(self.depth, |d| d.min(self.depth)));
        }
    }
}
