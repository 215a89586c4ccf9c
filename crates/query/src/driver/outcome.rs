//! What a statement is run for and what it returned, the same for both
//! executors (`postgres::Row` is `tokio_postgres::Row`).

use tokio_postgres::Row;

/// What a statement is run for.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Call {
    Execute,
    Query,
    /// The first row only: the rest are read (an error after the first row
    /// still fails the call and is noted on the transaction) but not kept.
    First,
}

/// What it returned.
pub(crate) enum Outcome {
    Count(u64),
    Rows(Vec<Row>),
    First(Option<Row>),
}

impl Outcome {
    /// Every row returned.
    pub(crate) fn rows(self) -> Vec<Row> {
        match self {
            Outcome::Rows(rows) => rows,
            Outcome::First(row) => row.into_iter().collect(),
            Outcome::Count(_) => Vec::new(),
        }
    }

    /// The first row returned.
    pub(crate) fn first(self) -> Option<Row> {
        match self {
            Outcome::Rows(rows) => rows.into_iter().next(),
            Outcome::First(row) => row,
            Outcome::Count(_) => None,
        }
    }

    /// How many rows it changed or returned, without taking them.
    pub(crate) fn row_count(&self) -> u64 {
        match self {
            Outcome::Count(n) => *n,
            Outcome::Rows(rows) => rows.len() as u64,
            Outcome::First(row) => u64::from(row.is_some()),
        }
    }

    /// How many rows the statement changed (or returned).
    pub(crate) fn count(self) -> u64 {
        match self {
            Outcome::Count(n) => n,
            Outcome::Rows(rows) => rows.len() as u64,
            Outcome::First(row) => u64::from(row.is_some()),
        }
    }
}
