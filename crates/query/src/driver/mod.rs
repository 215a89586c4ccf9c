//! What both executors share: binding values, decoding rows, and naming
//! statements in errors.

mod from_row;
pub mod generated;
pub(crate) mod outcome;
pub(crate) mod param;
mod pool_status;
pub(crate) mod trace;
mod transaction_options;
pub(crate) mod tx_state;

pub use from_row::{FromRow, get};
pub use pool_status::PoolStatus;
pub(crate) use transaction_options::retryable;
pub use transaction_options::{IsolationLevel, TransactionOptions};

/// The statement named in an error, shortened to one line.
pub(crate) fn context(sql: &str) -> String {
    let flat = sql.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() > 200 {
        format!("`{}…`", flat.chars().take(200).collect::<String>())
    } else {
        format!("`{flat}`")
    }
}
