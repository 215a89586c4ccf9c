//! The one error type of this crate, and one-line descriptions of driver errors.

use crate::SslMode;
use std::borrow::Cow;
use thiserror::Error;
use tokio_postgres::error::SqlState;

/// A connection setting, for errors about it.
///
/// ```
/// use knexrs_connect::{ConnectConfig, ConnectError, Setting};
///
/// let err = ConnectConfig::from_url("postgres://app@db/x?sslmode=sometimes").unwrap_err();
/// assert!(matches!(err, ConnectError::InvalidSetting { setting: Setting::SslMode, .. }));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Setting {
    /// The connection URL (`DATABASE_URL`).
    Url,
    /// `DB_PORT`.
    Port,
    /// `DB_MAX_CONNECTIONS`.
    MaxConnections,
    /// `DB_POOL_TIMEOUT_MS`.
    PoolTimeout,
    /// `sslmode` / `DB_SSLMODE`.
    SslMode,
    /// `sslrootcert` / `DB_SSLROOTCERT`.
    SslRootCert,
    /// `sslcert` / `DB_SSLCERT`.
    SslCert,
    /// `sslkey` / `DB_SSLKEY`.
    SslKey,
    /// The environment (`--env`, `KNEXRS_ENV`, `NODE_ENV`).
    Environment,
    /// `KNEXRS_POOLER` / `--pooler`.
    Pooler,
    /// `DB_PREPARED_STATEMENTS`.
    PreparedStatements,
}

impl std::fmt::Display for Setting {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Setting::Url => "DATABASE_URL",
            Setting::Port => "DB_PORT",
            Setting::MaxConnections => "DB_MAX_CONNECTIONS",
            Setting::PoolTimeout => "DB_POOL_TIMEOUT_MS",
            Setting::SslMode => "sslmode",
            Setting::SslRootCert => "sslrootcert",
            Setting::SslCert => "sslcert",
            Setting::SslKey => "sslkey",
            Setting::Environment => "environment",
            Setting::Pooler => "KNEXRS_POOLER",
            Setting::PreparedStatements => "DB_PREPARED_STATEMENTS",
        })
    }
}

/// Why a connection could not be set up.
///
/// PostgreSQL's SQLSTATE stays reachable through [`code`](Self::code).
///
/// ```
/// use knexrs_connect::{ConnectConfig, ConnectError, Setting};
///
/// let err = ConnectConfig::from_url("postgres//oops").unwrap_err();
/// assert!(matches!(err, ConnectError::InvalidSetting { setting: Setting::Url, .. }));
/// assert!(err.code().is_none());
/// ```
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ConnectError {
    /// A setting is invalid; nothing was contacted.
    #[error("{message}")]
    InvalidSetting {
        /// Which setting.
        setting: Setting,
        /// What is wrong and what to write instead, on one line, without any password.
        message: String,
    },
    /// TLS could not be set up (an unreadable or empty CA file, …); nothing was contacted.
    #[error("{message}")]
    Tls {
        /// What is wrong and what to do, on one line.
        message: String,
    },
    /// The server could not be reached or refused the login.
    #[error("cannot connect to {target}: {message}")]
    Connect {
        /// Where, with the password hidden.
        target: String,
        /// What happened and what to check, on one line.
        message: String,
        /// The driver's error.
        #[source]
        source: tokio_postgres::Error,
    },
    /// `DB_PASSWORD_COMMAND` failed or printed nothing; nothing was contacted.
    #[error("DB_PASSWORD_COMMAND `{command}` {problem}: fix the command, or set DB_PASSWORD instead")]
    PasswordCommand {
        /// The command.
        command: String,
        /// What went wrong (its exit status and first line of error output).
        problem: String,
    },
    /// The password provider given to the configuration failed; nothing was contacted.
    #[error("the password provider failed: {source}")]
    PasswordProvider {
        /// Its error.
        #[source]
        source: crate::BoxError,
    },
    /// A cancel request could not be sent (or the server did not take it).
    #[error("cannot send a cancel request to {target}: {source}")]
    Cancel {
        /// Where, with the password hidden.
        target: String,
        /// What failed.
        #[source]
        source: std::io::Error,
    },
    /// A blocking call was made on a tokio runtime's async thread, where it
    /// would stall the runtime (and the blocking driver would panic).
    #[error(
        "{what} blocks, and it was called from async code on a tokio runtime: use the async API ({instead}), or run it inside tokio::task::spawn_blocking"
    )]
    BlockingInAsync {
        /// The blocking call.
        what: &'static str,
        /// Its async counterpart.
        instead: &'static str,
    },
}

impl ConnectError {
    /// PostgreSQL's SQLSTATE, when the server refused the connection.
    ///
    /// ```no_run
    /// use knexrs_connect::ConnectConfig;
    /// use tokio_postgres::error::SqlState;
    ///
    /// let config = ConnectConfig::from_url("postgres://app:wrong@localhost/app")?;
    /// match config.connect() {
    ///     Err(e) if e.code() == Some(&SqlState::INVALID_PASSWORD) => println!("wrong password"),
    ///     other => drop(other?),
    /// }
    /// # Ok::<(), knexrs_connect::ConnectError>(())
    /// ```
    pub fn code(&self) -> Option<&SqlState> {
        match self {
            ConnectError::Connect { source, .. } => source.code(),
            _ => None,
        }
    }

    /// Whether the server may accept the same connection a moment later: it
    /// was unreachable (refused, reset, timed out, its name not resolved) or
    /// said it is starting up, shutting down or full (SQLSTATE 57P03, 57P01,
    /// 57P02, 53300), as while a database starts, restarts or fails over. A
    /// wrong password, a missing database or a TLS setting is not.
    ///
    /// ```
    /// use knexrs_connect::ConnectConfig;
    ///
    /// let refused = ConnectConfig::from_url("postgres://app@127.0.0.1:1/app")?.connect().err().expect("nothing listens on port 1");
    /// assert!(refused.is_transient());
    /// let bad_url = ConnectConfig::from_url("postgres://app@db/app?sslmode=sometimes").unwrap_err();
    /// assert!(!bad_url.is_transient());
    /// # Ok::<(), knexrs_connect::ConnectError>(())
    /// ```
    pub fn is_transient(&self) -> bool {
        let ConnectError::Connect { source, .. } = self else { return false };
        if let Some(code) = source.code() {
            return [
                SqlState::CANNOT_CONNECT_NOW,
                SqlState::ADMIN_SHUTDOWN,
                SqlState::CRASH_SHUTDOWN,
                SqlState::TOO_MANY_CONNECTIONS,
            ]
            .contains(code);
        }
        // A connect timeout is an io::Error (`TimedOut`) below, as a refusal is.
        if source.is_closed() {
            return true;
        }
        let mut cause = std::error::Error::source(source);
        while let Some(inner) = cause {
            if let Some(io) = inner.downcast_ref::<std::io::Error>() {
                use std::io::ErrorKind::*;
                return matches!(
                    io.kind(),
                    ConnectionRefused
                        | ConnectionReset
                        | ConnectionAborted
                        | NotConnected
                        | TimedOut
                        | UnexpectedEof
                        | BrokenPipe
                        | AddrNotAvailable
                        | HostUnreachable
                        | NetworkUnreachable
                ) || io.to_string().contains("lookup address");
            }
            cause = inner.source();
        }
        false
    }

    pub(crate) fn invalid(setting: Setting, message: impl Into<String>) -> Self {
        ConnectError::InvalidSetting { setting, message: message.into() }
    }
}

/// A driver error on one line: PostgreSQL's severity, message, SQLSTATE,
/// detail and hint; or what happened to the connection.
///
/// ```no_run
/// use knexrs_connect::{describe, ConnectConfig};
///
/// let mut client = ConnectConfig::from_url("postgres://postgres@localhost/app")?.connect()?;
/// let err = client.batch_execute("select * from missing").unwrap_err();
/// assert_eq!(describe(&err), r#"ERROR: relation "missing" does not exist (SQLSTATE 42P01)"#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn describe(error: &tokio_postgres::Error) -> String {
    if let Some(db) = error.as_db_error() {
        let mut out = format!("{}: {} (SQLSTATE {})", db.severity(), db.message(), db.code().code());
        if let Some(detail) = db.detail() {
            out.push_str("; detail: ");
            out.push_str(detail);
        }
        if let Some(hint) = db.hint() {
            out.push_str("; hint: ");
            out.push_str(hint);
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
            out.push_str(": ");
            out.push_str(&text);
        }
        cause = inner.source();
    }
    one_line(&out)
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The hint for a failed connection: what to check. `ssl_mode` is the mode
/// in force, named when the server lacks the TLS it needs (it may be a default
/// the user never wrote: production's is verify-full).
pub(crate) fn connect_hint(source: &tokio_postgres::Error, what: &str, ssl_mode: SslMode) -> Cow<'static, str> {
    if what.contains("server does not support TLS") {
        return format!(
            "the server offers no TLS and sslmode={ssl_mode} needs it: enable TLS on the server, or set sslmode in DATABASE_URL or DB_SSLMODE"
        )
        .into();
    }
    let hint = match source.code() {
        Some(c) if *c == SqlState::INVALID_PASSWORD => {
            "check the password (DATABASE_URL, DB_PASSWORD, PGPASSWORD or the password file)"
        }
        Some(c) if *c == SqlState::INVALID_AUTHORIZATION_SPECIFICATION => "check the user and the server's pg_hba.conf",
        Some(c) if *c == SqlState::INVALID_CATALOG_NAME => {
            "create the database or fix its name (DB_NAME or DATABASE_URL)"
        }
        Some(c) if *c == SqlState::TOO_MANY_CONNECTIONS => "lower DB_MAX_CONNECTIONS or raise max_connections",
        Some(_) => "",
        None if what.contains("password missing") => {
            "the server asks for a password: give it in DATABASE_URL (postgres://user:password@host/db), DB_PASSWORD, PGPASSWORD or ~/.pgpass"
        }
        None if what.contains("timed out") => "is the host reachable? check DB_HOST / DATABASE_URL and firewalls",
        None if what.contains("refused") => "is the server running? check DB_HOST, DB_PORT / DATABASE_URL",
        None => "check DB_HOST, DB_PORT / DATABASE_URL and sslmode",
    };
    hint.into()
}
