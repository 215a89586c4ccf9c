//! Transactions: `begin` / `commit` / `rollback`, nested as savepoints, rolled
//! back when dropped unfinished (an error or a panic).

use super::{Connection, Executor};
use crate::driver::tx_state::{Ending, aborted_error, is_aborted};
use crate::{QueryError, TransactionOptions};

/// An open transaction (or savepoint) on a connection.
///
/// ```no_run
/// use knexrs_query::{Connection, ConnectConfig, Executor, Update, Wheres, QueryError};
///
/// # let config = ConnectConfig::from_url("postgres://postgres@localhost/app")?;
/// let mut conn = Connection::new(config.connect()?);
/// conn.transaction(|tx| {
///     let mut debit = Update::table("accounts");
///     debit.decrement("balance", 10).where_eq("id", 1);
///     tx.execute(&debit)?;
///     let mut credit = Update::table("accounts");
///     credit.increment("balance", 10).where_eq("id", 2);
///     tx.execute(&credit)?;
///     Ok::<_, QueryError>(())
/// })?;
/// # Ok::<(), QueryError>(())
/// ```
#[derive(Debug)]
pub struct Transaction<'a> {
    connection: &'a mut Connection,
    depth: usize,
    open: bool,
}

impl<'a> Transaction<'a> {
    pub(crate) fn begin(connection: &'a mut Connection) -> Result<Self, QueryError> {
        Self::begin_with(connection, &TransactionOptions::default())
    }

    pub(crate) fn begin_with(connection: &'a mut Connection, options: &TransactionOptions) -> Result<Self, QueryError> {
        let sql = connection.tx.begin_sql(options)?;
        connection.client().batch_execute(&sql).map_err(|e| QueryError::database("starting a transaction", e))?;
        connection.tx.depth += 1;
        let depth = connection.tx.depth;
        Ok(Transaction { connection, depth, open: true })
    }

    /// Ends this level: commits when asked and nothing failed inside it;
    /// otherwise rolls back, and a commit that became a rollback is an error.
    fn finish(&mut self, commit: bool) -> Result<(), QueryError> {
        if !self.open {
            return Ok(());
        }
        self.open = false;
        debug_assert_eq!(self.connection.tx.depth, self.depth, "transactions end innermost first");
        match self.connection.tx.end(commit) {
            Ending::Commit { sql } => match self.connection.client().batch_execute(&sql) {
                Ok(()) => Ok(()),
                Err(error) if is_aborted(&error) => {
                    let rollback = self.connection.tx.rollback_after_refused_commit();
                    self.connection
                        .client()
                        .batch_execute(&rollback)
                        .map_err(|e| QueryError::database("rolling back", e))?;
                    Err(aborted_error())
                }
                Err(error) => Err(QueryError::database("committing", error)),
            },
            Ending::RollBack { sql, error } => {
                self.connection.client().batch_execute(&sql).map_err(|e| QueryError::database("rolling back", e))?;
                error.map_or(Ok(()), Err)
            }
        }
    }

    /// The SQLSTATE of the first statement that failed inside it.
    pub(crate) fn failure_code(&self) -> Option<tokio_postgres::error::SqlState> {
        self.connection.tx.failure_code()
    }

    /// Commits (or releases the savepoint).
    ///
    /// ```no_run
    /// # use knexrs_query::{ConnectConfig, Connection, Executor, QueryError, Update, Wheres};
    /// # let mut conn = Connection::new(ConnectConfig::from_url("postgres://postgres@localhost/app")?.connect()?);
    /// // Closures commit for you; by hand, a transaction is what `transaction` hands the closure.
    /// conn.transaction(|tx| {
    ///     let mut q = Update::table("sessions");
    ///     q.set("pod_ip", None::<String>).where_eq("session_id", "s-1");
    ///     tx.execute(&q)?;
    ///     Ok::<_, QueryError>(())
    /// })?; // committed here
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn commit(mut self) -> Result<(), QueryError> {
        self.finish(true)
    }

    /// Rolls back (to the savepoint).
    ///
    /// ```no_run
    /// # use knexrs_query::{ConnectConfig, Connection, Executor, QueryError, Update, Wheres};
    /// # let mut conn = Connection::new(ConnectConfig::from_url("postgres://postgres@localhost/app")?.connect()?);
    /// let outcome = conn.transaction(|tx| {
    ///     let mut q = Update::table("sessions");
    ///     q.set("pod_ip", None::<String>);
    ///     tx.execute(&q)?;
    ///     Err::<(), _>(QueryError::NoRows) // rolled back
    /// });
    /// assert!(outcome.is_err());
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn rollback(mut self) -> Result<(), QueryError> {
        self.finish(false)
    }
}

impl Executor for Transaction<'_> {
    fn connection(&mut self) -> &mut Connection {
        self.connection
    }
}

impl Drop for Transaction<'_> {
    fn drop(&mut self) {
        // Unfinished: the body failed or panicked. A broken connection is
        // discarded by the pool, so a failed rollback leaves nothing behind.
        let _ = self.finish(false);
    }
}
