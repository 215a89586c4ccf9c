//! How a transaction runs: its isolation level, read-only or not, and how
//! often it is run again after a serialization failure (the same for both
//! executors).

use tokio_postgres::error::SqlState;

/// PostgreSQL's isolation levels (knex `isolationLevel`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IsolationLevel {
    /// `read uncommitted`, which PostgreSQL runs as `read committed`.
    ReadUncommitted,
    /// `read committed`, PostgreSQL's default.
    ReadCommitted,
    /// `repeatable read`: one snapshot for the whole transaction.
    RepeatableRead,
    /// `serializable`: as if the transactions ran one after another; one
    /// that cannot be fails with SQLSTATE 40001 and may be run again.
    Serializable,
}

impl IsolationLevel {
    fn sql(self) -> &'static str {
        match self {
            IsolationLevel::ReadUncommitted => "read uncommitted",
            IsolationLevel::ReadCommitted => "read committed",
            IsolationLevel::RepeatableRead => "repeatable read",
            IsolationLevel::Serializable => "serializable",
        }
    }
}

/// How a transaction runs (knex `knex.transaction(…, { isolationLevel,
/// readOnly })`), for `transaction_with` and `begin_with` on both executors.
///
/// ```
/// use knexrs_query::{IsolationLevel, TransactionOptions};
///
/// let mut options = TransactionOptions::new();
/// options.isolation(IsolationLevel::Serializable).retry_serialization_failures(3);
/// let mut report = TransactionOptions::new();
/// report.isolation(IsolationLevel::RepeatableRead).read_only();
/// # let _ = (options, report);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TransactionOptions {
    isolation: Option<IsolationLevel>,
    read_only: bool,
    deferrable: bool,
    retries: u32,
}

impl TransactionOptions {
    /// PostgreSQL's defaults: read committed, read-write, no retry.
    ///
    /// ```
    /// # use knexrs_query::TransactionOptions;
    /// assert_eq!(TransactionOptions::new(), TransactionOptions::default());
    /// ```
    pub fn new() -> Self {
        TransactionOptions::default()
    }

    /// The isolation level.
    ///
    /// ```
    /// # use knexrs_query::{IsolationLevel, TransactionOptions};
    /// TransactionOptions::new().isolation(IsolationLevel::RepeatableRead);
    /// ```
    pub fn isolation(&mut self, level: IsolationLevel) -> &mut Self {
        self.isolation = Some(level);
        self
    }

    /// Read-only (knex `readOnly: true`): a write in it fails (SQLSTATE 25006).
    ///
    /// ```
    /// # use knexrs_query::TransactionOptions;
    /// TransactionOptions::new().read_only();
    /// ```
    pub fn read_only(&mut self) -> &mut Self {
        self.read_only = true;
        self
    }

    /// `deferrable`: a serializable, read-only transaction waits for a
    /// snapshot no other transaction can make it fail on (long reports).
    ///
    /// ```
    /// # use knexrs_query::{IsolationLevel, TransactionOptions};
    /// TransactionOptions::new().isolation(IsolationLevel::Serializable).read_only().deferrable();
    /// ```
    pub fn deferrable(&mut self) -> &mut Self {
        self.deferrable = true;
        self
    }

    /// Runs the closure again, in a new transaction, up to `times` more
    /// times when the transaction fails for a serialization failure
    /// (40001) or a deadlock (40P01), as PostgreSQL asks of serializable
    /// transactions. The closure must be safe to run again: what it did
    /// outside the database is not undone.
    ///
    /// ```
    /// # use knexrs_query::{IsolationLevel, TransactionOptions};
    /// TransactionOptions::new().isolation(IsolationLevel::Serializable).retry_serialization_failures(5);
    /// ```
    pub fn retry_serialization_failures(&mut self, times: u32) -> &mut Self {
        self.retries = times;
        self
    }

    /// How many more runs a failed one gets.
    pub(crate) fn retries(&self) -> u32 {
        self.retries
    }

    /// It sets something only the outermost transaction can have.
    pub(crate) fn sets_mode(&self) -> bool {
        self.isolation.is_some() || self.read_only || self.deferrable
    }

    /// `begin` with the transaction's modes.
    pub(crate) fn begin_sql(&self) -> String {
        let mut modes = Vec::new();
        if let Some(level) = self.isolation {
            modes.push(format!("isolation level {}", level.sql()));
        }
        if self.read_only {
            modes.push("read only".to_owned());
        }
        if self.deferrable {
            modes.push("deferrable".to_owned());
        }
        if modes.is_empty() { "begin".to_owned() } else { format!("begin {}", modes.join(", ")) }
    }
}

/// A transaction that failed with this code may succeed when run again.
pub(crate) fn retryable(code: Option<&SqlState>) -> bool {
    code.is_some_and(|code| *code == SqlState::T_R_SERIALIZATION_FAILURE || *code == SqlState::T_R_DEADLOCK_DETECTED)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_become_the_begin_statement_postgresql_reads() {
        assert_eq!(TransactionOptions::new().begin_sql(), "begin");
        let mut options = TransactionOptions::new();
        options.isolation(IsolationLevel::Serializable).read_only().deferrable();
        assert_eq!(options.begin_sql(), "begin isolation level serializable, read only, deferrable");
        assert!(options.sets_mode());
        let mut retrying = TransactionOptions::new();
        retrying.retry_serialization_failures(2);
        assert!(!retrying.sets_mode(), "retries apply to savepoint-free reruns, not to the begin");
        assert!(retryable(Some(&SqlState::T_R_SERIALIZATION_FAILURE)));
        assert!(!retryable(Some(&SqlState::UNIQUE_VIOLATION)));
    }
}
