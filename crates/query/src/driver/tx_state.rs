//! What a connection knows of its open transaction: how deep its savepoints
//! go, and the first statement that failed inside it. PostgreSQL aborts a
//! transaction at its first error and then turns `COMMIT` into a silent
//! `ROLLBACK`, so "commit" must not be sent as if nothing happened.

use crate::QueryError;
use tokio_postgres::error::SqlState;

/// The first failure inside an open transaction.
#[derive(Debug)]
struct Failure {
    /// The savepoint depth it happened at (1 = the transaction itself).
    depth: usize,
    cause: String,
    code: Option<SqlState>,
}

/// A connection's transaction state, shared by both executors.
#[derive(Debug, Default)]
pub(crate) struct TxState {
    /// Savepoint depth of the open transaction, 0 when none.
    pub(crate) depth: usize,
    failure: Option<Failure>,
}

/// What ending a transaction level sends.
#[derive(Debug)]
pub(crate) enum Ending {
    /// Commit (or release). A top-level commit first asks the server to run
    /// `select 1`, which fails if an error the executor did not see aborted
    /// the transaction (then nothing is committed and the caller is told).
    Commit { sql: String },
    /// Roll back; `error` is what the caller gets (when it asked to commit).
    RollBack { sql: String, error: Option<QueryError> },
}

/// The savepoint name of depth `depth`.
fn savepoint(depth: usize) -> String {
    format!("knexrs_{depth}")
}

impl TxState {
    /// The statement that opens the next level: `begin` with `options`'
    /// modes, or a savepoint (which takes no modes).
    pub(crate) fn begin_sql(&self, options: &super::TransactionOptions) -> Result<String, QueryError> {
        match self.depth {
            0 => Ok(options.begin_sql()),
            _ if options.sets_mode() => Err(QueryError::NestedTransactionOptions),
            depth => Ok(format!("savepoint {}", savepoint(depth + 1))),
        }
    }

    /// `error` is a cached plan made stale by a schema change ("cached plan
    /// must not change result type": the table changed under us), and the
    /// statement may be prepared and sent again: outside a transaction only,
    /// as inside one the failure has aborted it.
    pub(crate) fn may_prepare_again(&self, error: &tokio_postgres::Error) -> bool {
        self.depth == 0 && error.code() == Some(&SqlState::FEATURE_NOT_SUPPORTED)
    }

    /// The SQLSTATE of the first failure inside the open transaction.
    pub(crate) fn failure_code(&self) -> Option<SqlState> {
        self.failure.as_ref().and_then(|f| f.code.clone())
    }

    /// Records that a statement failed (only inside a transaction; only the first counts).
    pub(crate) fn note_failure(&mut self, error: &tokio_postgres::Error) {
        if self.depth == 0 || self.failure.is_some() || error.as_db_error().is_none() {
            return;
        }
        self.failure =
            Some(Failure { depth: self.depth, cause: knexrs_connect::describe(error), code: error.code().cloned() });
    }

    /// Records that a statement inside the transaction was given up before it
    /// finished (its future dropped): whether it ran is not known, so the
    /// transaction must not commit as if it had (or had not).
    #[cfg(feature = "async-conn")]
    pub(crate) fn note_cancelled(&mut self, statement: &str) {
        if self.depth == 0 || self.failure.is_some() {
            return;
        }
        self.failure = Some(Failure {
            depth: self.depth,
            cause: format!("{statement} was cancelled before it finished (its future was dropped)"),
            code: Some(SqlState::QUERY_CANCELED),
        });
    }

    /// Whether the innermost level saw a failure.
    fn failed(&self) -> bool {
        self.failure.as_ref().is_some_and(|f| f.depth >= self.depth)
    }

    /// What to send to end the innermost level. `commit` asks to commit; a
    /// level that saw a failure rolls back instead, with an error that says so.
    pub(crate) fn end(&mut self, commit: bool) -> Ending {
        let depth = self.depth;
        let rollback = if depth == 1 {
            "rollback".to_owned()
        } else {
            format!("rollback to savepoint {0}; release savepoint {0}", savepoint(depth))
        };
        let error = (commit && self.failed()).then(|| self.rolled_back_error());
        if self.failed() {
            self.failure = None;
        }
        self.depth -= 1;
        if commit && error.is_none() {
            let sql = if depth == 1 {
                // `select 1` fails in an aborted transaction, and `commit` is then not run.
                "select 1; commit".to_owned()
            } else {
                format!("release savepoint {}", savepoint(depth))
            };
            Ending::Commit { sql }
        } else {
            Ending::RollBack { sql: rollback, error }
        }
    }

    /// Ends a transaction the connection was lent (opened by someone else):
    /// an error when a failure inside it was not rolled back to a savepoint.
    #[cfg(feature = "async-conn")]
    pub(crate) fn release_adopted(&mut self) -> Result<(), QueryError> {
        let error = self.failure.is_some().then(|| self.rolled_back_error());
        self.failure = None;
        self.depth = 0;
        error.map_or(Ok(()), Err)
    }

    /// Forgets the levels from `depth` up: they were rolled back (a guard
    /// dropped unfinished, or a connection cleaned before reuse).
    #[cfg(feature = "async-conn")]
    pub(crate) fn abandon_to(&mut self, depth: usize) {
        self.depth = depth.saturating_sub(1);
        if self.failure.as_ref().is_some_and(|f| f.depth >= depth) {
            self.failure = None;
        }
    }

    /// After a commit (or release) was refused because the transaction had
    /// been aborted behind the executor's back: what rolls it back.
    pub(crate) fn rollback_after_refused_commit(&self) -> String {
        let depth = self.depth + 1;
        if depth == 1 {
            "rollback".to_owned()
        } else {
            format!("rollback to savepoint {0}; release savepoint {0}", savepoint(depth))
        }
    }

    fn rolled_back_error(&self) -> QueryError {
        match &self.failure {
            Some(failure) => QueryError::RolledBack { cause: failure.cause.clone(), code: failure.code.clone() },
            None => QueryError::RolledBack {
                cause: "a statement inside it failed".to_owned(),
                code: Some(SqlState::IN_FAILED_SQL_TRANSACTION),
            },
        }
    }
}

/// Whether a failed commit (or release) means the transaction had been
/// aborted by an earlier error the executor did not see.
pub(crate) fn is_aborted(error: &tokio_postgres::Error) -> bool {
    error.code() == Some(&SqlState::IN_FAILED_SQL_TRANSACTION)
}

/// The error for a transaction found aborted when committing.
pub(crate) fn aborted_error() -> QueryError {
    QueryError::RolledBack {
        cause:
            "a statement failed inside the transaction (run on the client directly, so its message is not known here)"
                .to_owned(),
        code: Some(SqlState::IN_FAILED_SQL_TRANSACTION),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clean_transaction_commits_with_a_probe_and_savepoints_release() {
        let mut state = TxState::default();
        let plain = super::super::TransactionOptions::default();
        assert_eq!(state.begin_sql(&plain).unwrap(), "begin");
        state.depth = 1;
        assert_eq!(state.begin_sql(&plain).unwrap(), "savepoint knexrs_2");
        state.depth = 2;
        assert!(matches!(state.end(true), Ending::Commit { sql } if sql == "release savepoint knexrs_2"));
        assert!(matches!(state.end(true), Ending::Commit { sql } if sql == "select 1; commit"));
        assert_eq!(state.depth, 0);
    }

    #[test]
    fn a_failed_savepoint_rolls_back_alone_and_the_outer_transaction_commits() {
        let mut state = TxState { depth: 2, failure: None };
        state.failure = Some(Failure { depth: 2, cause: "ERROR: duplicate key".into(), code: None });
        match state.end(true) {
            Ending::RollBack { sql, error: Some(QueryError::RolledBack { cause, .. }) } => {
                assert_eq!(sql, "rollback to savepoint knexrs_2; release savepoint knexrs_2");
                assert_eq!(cause, "ERROR: duplicate key");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(state.end(true), Ending::Commit { .. }));
    }

    #[test]
    fn a_failure_in_the_outer_transaction_turns_its_commit_into_a_reported_rollback() {
        let mut state = TxState { depth: 1, failure: None };
        state.failure = Some(Failure { depth: 1, cause: "boom".into(), code: None });
        assert!(matches!(state.end(true), Ending::RollBack { error: Some(QueryError::RolledBack { .. }), .. }));
        assert!(state.failure.is_none());
    }
}
