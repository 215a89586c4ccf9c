//! What the executors tell `tracing` (target `knexrs::query`): each statement
//! at DEBUG with its time and row count, as knex's `DEBUG=knex:query` and
//! sqlx's statement log do, and one that took a second or more at WARN. The
//! values bound are never logged (they may be secrets). Nothing is timed
//! unless a subscriber listens to the target.

use super::outcome::Outcome;
use crate::QueryError;
use std::time::{Duration, Instant};

/// A statement that takes this long is logged at WARN (sqlx's default too).
const SLOW: Duration = Duration::from_secs(1);

/// One statement's time, from before it is sent to after its reply.
pub(crate) struct Trace(Option<Instant>);

impl Trace {
    pub(crate) fn start() -> Self {
        Trace(tracing::enabled!(target: "knexrs::query", tracing::Level::WARN).then(Instant::now))
    }

    pub(crate) fn finish(self, sql: &str, outcome: &Result<Outcome, QueryError>) {
        match outcome {
            Ok(outcome) => self.finish_rows(sql, outcome.row_count()),
            Err(error) => self.finish_failed(sql, error),
        }
    }

    /// A statement that returned or changed `rows` rows.
    pub(crate) fn finish_rows(self, sql: &str, rows: u64) {
        let Some(started) = self.0 else { return };
        let elapsed = started.elapsed();
        let elapsed_ms = elapsed.as_secs_f64() * 1000.0;
        if elapsed >= SLOW {
            tracing::warn!(target: "knexrs::query", statement = sql, rows, elapsed_ms, "slow statement");
        } else {
            tracing::debug!(target: "knexrs::query", statement = sql, rows, elapsed_ms, "statement");
        }
    }

    /// A statement that failed.
    pub(crate) fn finish_failed(self, sql: &str, error: &QueryError) {
        let Some(started) = self.0 else { return };
        let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
        tracing::debug!(target: "knexrs::query", statement = sql, elapsed_ms, error = %error, "statement failed");
    }
}

/// A statement given up before its reply (async: its future was dropped).
#[cfg(feature = "async-conn")]
pub(crate) fn given_up(sql: &str) {
    tracing::debug!(target: "knexrs::query", statement = sql, "statement given up; cancelling it on the server");
}
