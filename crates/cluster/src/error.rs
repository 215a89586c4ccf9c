//! The one error type of this crate.

use std::path::PathBuf;
use thiserror::Error;

/// Why the local cluster could not be found, made, started or stopped.
///
/// ```
/// use knexrs_cluster::ClusterError;
///
/// let err = ClusterError::NoServerBinaries { searched: vec![] };
/// assert!(err.to_string().contains("apt-get install postgresql"));
/// ```
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ClusterError {
    /// No `initdb`, `pg_ctl` and `postgres` were found.
    #[error(
        "PostgreSQL server binaries (initdb, pg_ctl, postgres) not found: install them (Debian/Ubuntu: apt-get install postgresql; Fedora: dnf install postgresql-server; macOS: brew install postgresql@16), set PGBIN to their folder, or set DATABASE_URL to use an existing server (searched: {})",
        searched.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
    )]
    NoServerBinaries {
        /// Where we looked.
        searched: Vec<PathBuf>,
    },
    /// A server program failed.
    #[error("{program} failed: {message}")]
    Command {
        /// Which program.
        program: String,
        /// Its output (the last lines), on one line.
        message: String,
    },
    /// The unprivileged OS user could not be found or made.
    #[error("cannot run PostgreSQL as `{user}`: {message}")]
    OsUser {
        /// The user name.
        user: String,
        /// Why.
        message: String,
    },
    /// A file or folder of the cluster could not be used.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The data folder was made by another major version than the server's.
    #[error(
        "{} was made by PostgreSQL {made_by}, and this server is PostgreSQL {server}: remove the folder (its data is lost) or use a cluster of another name",
        data.display()
    )]
    VersionMismatch {
        /// The data folder.
        data: std::path::PathBuf,
        /// The major version that made it.
        made_by: String,
        /// The server's major version.
        server: u32,
    },
    /// No `pgbouncer` program was found.
    #[error(
        "PgBouncer not found: install it (Debian/Ubuntu: apt-get install pgbouncer; `cargo xtask test` does), or put it on PATH"
    )]
    NoPgBouncer,
    /// The cluster is not running.
    #[error("the {name} cluster is not running: start it with `cargo xtask db start`")]
    NotRunning {
        /// The cluster's name.
        name: String,
    },
    /// The server refused a statement (creating a database, …).
    #[error("{context}: {source}")]
    Database {
        /// What was being done.
        context: String,
        /// The driver's error.
        #[source]
        source: postgres::Error,
    },
}

impl ClusterError {
    pub(crate) fn io(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> Self {
        let context = context.into();
        move |source| ClusterError::Io { context, source }
    }
}
