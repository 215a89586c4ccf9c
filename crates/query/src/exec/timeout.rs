//! Statement timeouts for the blocking executor: PostgreSQL's own
//! `statement_timeout`, set for the one statement (the async executor drops
//! the statement's future instead, which cancels it on the server). The
//! server stops the statement itself, so no cancel request can race a later
//! statement, and it works through a transaction pooler.

use super::Connection;
use crate::QueryError;
use crate::driver::context;
use crate::driver::tx_state::Ending;
use std::time::Duration;
use tokio_postgres::error::SqlState;

/// `statement_timeout` set for one statement; [`end`](Self::end) undoes it.
pub(super) struct StatementTimeout {
    /// Outside a transaction: the statement got one of its own (for `set
    /// local`), committed or rolled back with it.
    own_transaction: bool,
    /// Inside one: the setting to restore.
    previous: Option<String>,
}

impl StatementTimeout {
    /// Sets the timeout for the next statement on `connection`: one round trip.
    pub(super) fn set(connection: &mut Connection, after: Duration) -> Result<Self, QueryError> {
        let ms = after.as_millis().clamp(1, i32::MAX as u128);
        let failed = |e| QueryError::database("setting the statement's timeout", e);
        if connection.tx.depth == 0 {
            connection.client().batch_execute(&format!("begin; set local statement_timeout = {ms}")).map_err(failed)?;
            // Known as a transaction, so the statement's failure is noted and
            // nothing retries it inside the aborted transaction.
            connection.tx.depth = 1;
            return Ok(StatementTimeout { own_transaction: true, previous: None });
        }
        let sql = format!("select current_setting('statement_timeout'), set_config('statement_timeout', '{ms}', true)");
        let previous = connection.client().simple_query(&sql).map_err(failed)?.into_iter().find_map(|m| match m {
            postgres::SimpleQueryMessage::Row(row) => row.get(0).map(str::to_owned),
            _ => None,
        });
        Ok(StatementTimeout { own_transaction: false, previous })
    }

    /// After the statement: commits (or rolls back) its own transaction, or
    /// restores the transaction's setting. A failed statement has aborted the
    /// transaction it ran in, whose rollback undoes the setting.
    pub(super) fn end(self, connection: &mut Connection, succeeded: bool) -> Result<(), QueryError> {
        let sql = match (self.own_transaction, self.previous) {
            (true, _) => match connection.tx.end(succeeded) {
                Ending::Commit { sql } | Ending::RollBack { sql, .. } => sql,
            },
            (false, Some(previous)) if succeeded => {
                format!("select set_config('statement_timeout', {}, true)", knexrs_sql::quote_literal(&previous))
            }
            (false, _) => return Ok(()),
        };
        connection.client().batch_execute(&sql).map_err(|e| QueryError::database("ending the statement's timeout", e))
    }
}

/// `error` is the server stopping a statement at its `statement_timeout`.
pub(super) fn timed_out(error: &postgres::Error) -> bool {
    error.code() == Some(&SqlState::QUERY_CANCELED)
        && error.as_db_error().is_some_and(|db| db.message().contains("statement timeout"))
}

/// [`QueryError::Timeout`] for `sql`.
pub(super) fn timeout_error(sql: &str, after: Duration) -> QueryError {
    QueryError::Timeout { statement: context(sql), after }
}
