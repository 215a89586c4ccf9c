//! Transactions: `begin` / `commit` / `rollback`, nested as savepoints, rolled
//! back when dropped unfinished (an error or a panic).

use super::{Connection, Executor};
use crate::QueryError;

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
        let depth = connection.depth + 1;
        let sql = if depth == 1 { "begin".to_owned() } else { format!("savepoint knexrs_{depth}") };
        connection.client().batch_execute(&sql).map_err(|e| QueryError::database("starting a transaction", e))?;
        connection.depth = depth;
        Ok(Transaction { connection, depth, open: true })
    }

    fn finish(&mut self, commit: bool) -> Result<(), QueryError> {
        if !self.open {
            return Ok(());
        }
        self.open = false;
        self.connection.depth = self.depth - 1;
        let sql = match (self.depth, commit) {
            (1, true) => "commit".to_owned(),
            (1, false) => "rollback".to_owned(),
            (depth, true) => format!("release savepoint knexrs_{depth}"),
            (depth, false) => format!("rollback to savepoint knexrs_{depth}"),
        };
        self.connection
            .client()
            .batch_execute(&sql)
            .map_err(|e| QueryError::database(if commit { "committing" } else { "rolling back" }, e))
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
    ///     Err::<(), _>(QueryError::Build("changed my mind".into())) // rolled back
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
