//! What sits between us and the server: nothing, or a pooler in transaction
//! mode (PgBouncer's `pool_mode = transaction`), which hands each transaction
//! to whichever server connection is free, so nothing may rely on session
//! state (session locks, `SET`, named prepared statements) between them.

use crate::{ConnectError, Setting};

/// The connection's pooler (`KNEXRS_POOLER`).
///
/// ```
/// use knexrs_connect::Pooler;
///
/// assert_eq!("transaction".parse::<Pooler>()?, Pooler::Transaction);
/// assert_eq!("session".parse::<Pooler>()?, Pooler::None); // a session pooler behaves like the server
/// assert!("statement".parse::<Pooler>().unwrap_err().to_string().contains("KNEXRS_POOLER"));
/// # Ok::<(), knexrs_connect::ConnectError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Pooler {
    /// The server itself, or a pooler in session mode.
    #[default]
    None,
    /// A pooler in transaction mode (PgBouncer `pool_mode = transaction`).
    Transaction,
}

impl std::str::FromStr for Pooler {
    type Err = ConnectError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim().to_ascii_lowercase().as_str() {
            "" | "none" | "session" => Ok(Pooler::None),
            "transaction" => Ok(Pooler::Transaction),
            other => Err(ConnectError::invalid(
                Setting::Pooler,
                format!(
                    "KNEXRS_POOLER `{other}` is not a pooler mode: use transaction (PgBouncer pool_mode = transaction) or none (statement pooling breaks transactions and is not supported)"
                ),
            )),
        }
    }
}

impl std::fmt::Display for Pooler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Pooler::None => "none",
            Pooler::Transaction => "transaction",
        })
    }
}

/// Reads `DB_PREPARED_STATEMENTS` (`true`/`false`, `on`/`off`, `1`/`0`).
pub(crate) fn parse_prepared(text: &str) -> Result<bool, ConnectError> {
    match text.trim().to_ascii_lowercase().as_str() {
        "true" | "on" | "1" | "yes" => Ok(true),
        "false" | "off" | "0" | "no" => Ok(false),
        other => Err(ConnectError::invalid(
            Setting::PreparedStatements,
            format!(
                "DB_PREPARED_STATEMENTS `{other}` is not true or false: use false behind a transaction pooler without protocol-level prepared statements"
            ),
        )),
    }
}
