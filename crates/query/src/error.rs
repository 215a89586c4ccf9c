//! The one error type of this crate, and one-line descriptions of driver errors.

use crate::ConnectConfig;
use postgres::error::SqlState;
use thiserror::Error;

/// Why a connection, pool or query failed.
///
/// PostgreSQL's SQLSTATE stays reachable through [`code`](Self::code), so
/// callers can match unique violations and friends:
///
/// ```
/// use knexrs_query::QueryError;
///
/// let err = QueryError::Config("DB_PORT `x` is not a port number".into());
/// assert!(err.code().is_none());
/// assert_eq!(err.to_string(), "DB_PORT `x` is not a port number");
/// ```
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum QueryError {
    /// The connection settings are invalid; nothing was contacted.
    #[error("{0}")]
    Config(String),
    /// The server could not be reached or refused the login.
    #[error("cannot connect to {target}: {message}")]
    Connect {
        /// Where, with the password hidden.
        target: String,
        /// What happened and what to check, on one line.
        message: String,
        /// The driver's error.
        #[source]
        source: postgres::Error,
    },
    /// No pooled connection became free in time.
    #[error("no database connection available: {0}")]
    Pool(String),
    /// A statement failed.
    #[error("{message}")]
    Database {
        /// What failed, with PostgreSQL's message, on one line.
        message: String,
        /// The driver's error.
        #[source]
        source: postgres::Error,
    },
    /// A row did not decode into the requested Rust type.
    #[error("cannot decode column `{column}`: {message}")]
    Decode {
        /// The column.
        column: String,
        /// Why.
        message: String,
    },
    /// A query that must return a row returned none.
    #[error("query returned no rows")]
    NoRows,
    /// A query could not be built (an unknown operator, an update that sets nothing, …).
    #[error("{0}")]
    Build(String),
}

impl QueryError {
    /// PostgreSQL's SQLSTATE, when the server reported the error.
    ///
    /// ```no_run
    /// # use knexrs_query::{ConnectConfig, Db, Insert, QueryError};
    /// use postgres::error::SqlState;
    ///
    /// # let db = Db::connect(&ConnectConfig::from_url("postgres://postgres@localhost/app")?)?;
    /// let mut q = Insert::into("sessions");
    /// q.set("session_id", "s-1").set("job_name", "job-1");
    /// match db.execute(&q) {
    ///     Err(e) if e.code() == Some(&SqlState::UNIQUE_VIOLATION) => println!("job-1 has a session already"),
    ///     other => {
    ///         other?;
    ///     }
    /// }
    /// # Ok::<(), QueryError>(())
    /// ```
    pub fn code(&self) -> Option<&SqlState> {
        match self {
            QueryError::Connect { source, .. } | QueryError::Database { source, .. } => source.code(),
            _ => None,
        }
    }

    /// The driver error behind this one, if any.
    ///
    /// ```no_run
    /// # use knexrs_query::{ConnectConfig, Db, QueryError};
    /// # let db = Db::connect(&ConnectConfig::from_url("postgres://postgres@localhost/app")?)?;
    /// if let Err(e) = db.execute(&knexrs_query::raw("select 1/0")) {
    ///     let detail = e.postgres_error().and_then(|pg| pg.as_db_error()).map(|db| db.message().to_owned());
    ///     assert_eq!(detail.as_deref(), Some("division by zero"));
    /// }
    /// # Ok::<(), QueryError>(())
    /// ```
    pub fn postgres_error(&self) -> Option<&postgres::Error> {
        match self {
            QueryError::Connect { source, .. } | QueryError::Database { source, .. } => Some(source),
            _ => None,
        }
    }

    pub(crate) fn connect(config: &ConnectConfig, source: postgres::Error) -> Self {
        let what = describe(&source);
        let hint = match source.code() {
            Some(c) if *c == SqlState::INVALID_PASSWORD => "check the password (DB_PASSWORD or DATABASE_URL)",
            Some(c) if *c == SqlState::INVALID_AUTHORIZATION_SPECIFICATION => {
                "check the user and the server's pg_hba.conf"
            }
            Some(c) if *c == SqlState::INVALID_CATALOG_NAME => {
                "create the database or fix its name (DB_NAME or DATABASE_URL)"
            }
            Some(c) if *c == SqlState::TOO_MANY_CONNECTIONS => "lower DB_MAX_CONNECTIONS or raise max_connections",
            Some(_) => "",
            None if what.contains("timed out") => "is the host reachable? check DB_HOST / DATABASE_URL and firewalls",
            None if what.contains("refused") => "is the server running? check DB_HOST, DB_PORT / DATABASE_URL",
            None => "check DB_HOST, DB_PORT / DATABASE_URL and sslmode",
        };
        let message = config.redact(&if hint.is_empty() { what } else { format!("{what}; {hint}") });
        QueryError::Connect { target: config.redacted(), message, source }
    }

    /// A statement error, described on one line.
    ///
    /// ```no_run
    /// # use knexrs_query::{ConnectConfig, Db, QueryError};
    /// # let db = Db::connect(&ConnectConfig::from_url("postgres://postgres@localhost/app")?)?;
    /// // For statements run on the driver directly, with the same one-line message.
    /// let mut conn = db.get()?;
    /// conn.client()
    ///     .batch_execute("vacuum analyze sessions")
    ///     .map_err(|e| QueryError::database("vacuuming sessions", e))?;
    /// # Ok::<(), QueryError>(())
    /// ```
    pub fn database(context: impl std::fmt::Display, source: postgres::Error) -> Self {
        QueryError::Database { message: format!("{context}: {}", describe(&source)), source }
    }
}

/// A driver error on one line: PostgreSQL's severity, message, SQLSTATE,
/// detail and hint; or what happened to the connection.
///
/// ```
/// # fn main() {
/// // `describe` turns "db error: ERROR: relation \"x\" does not exist" into
/// // "ERROR: relation \"x\" does not exist (SQLSTATE 42P01)".
/// # }
/// ```
pub fn describe(error: &postgres::Error) -> String {
    if let Some(db) = error.as_db_error() {
        let mut out = format!("{}: {} (SQLSTATE {})", db.severity(), db.message(), db.code().code());
        if let Some(detail) = db.detail() {
            out.push_str(&format!("; detail: {detail}"));
        }
        if let Some(hint) = db.hint() {
            out.push_str(&format!("; hint: {hint}"));
        }
        return one_line(&out);
    }
    if error.is_closed() {
        return "the connection to the server was lost".to_owned();
    }
    let mut out = error.to_string();
    let mut cause = std::error::Error::source(error);
    while let Some(inner) = cause {
        let text = inner.to_string();
        if !out.contains(&text) {
            out.push_str(&format!(": {text}"));
        }
        cause = inner.source();
    }
    one_line(&out)
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
