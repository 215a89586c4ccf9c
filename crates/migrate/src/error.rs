//! The one error type of this crate.

use knexrs_query::QueryError;
use knexrs_schema::SchemaError;
use postgres::error::SqlState;
use thiserror::Error;

/// Why a migration command failed. Every message names the migration or
/// table concerned and says what to do.
///
/// ```
/// use knexrs_migrate::MigrateError;
///
/// let err = MigrateError::MissingFiles { names: vec!["20250101000000_gone.js".into()] };
/// assert!(err.to_string().starts_with("the migration directory is corrupt"));
/// ```
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum MigrateError {
    /// The migrations themselves are inconsistent (names, duplicates).
    #[error("{0}")]
    InvalidMigrations(String),
    /// Connecting or configuring the connection failed.
    #[error(transparent)]
    Connection(#[from] QueryError),
    /// No connection could be set up (nothing configured, local cluster failed).
    #[error("{0}")]
    NoConnection(String),
    /// A migration could not be rendered; nothing ran.
    #[error("migration {migration} cannot be rendered, nothing was run: {source}")]
    Render {
        /// The migration.
        migration: String,
        /// Why.
        #[source]
        source: SchemaError,
    },
    /// A migration's statement failed.
    #[error("{message}")]
    Statement {
        /// The migration.
        migration: String,
        /// The failing statement, when it could be told apart.
        statement: Option<String>,
        /// One line: which migration, which statement, PostgreSQL's message, what was kept.
        message: String,
        /// The driver's error.
        #[source]
        source: postgres::Error,
    },
    /// Bookkeeping (reading or writing knex's tables, locking) failed.
    #[error("{context}: {message}")]
    Bookkeeping {
        /// What was being done.
        context: String,
        /// PostgreSQL's message on one line.
        message: String,
        /// The driver's error.
        #[source]
        source: postgres::Error,
    },
    /// knex's lock row is set: knex itself is migrating, or a knex run died.
    #[error(
        "the migration lock is held ({table}.is_locked = 1): knex is migrating this database, or a knex run was killed; if no migration is running, release it with `migrate unlock`"
    )]
    Locked {
        /// The lock table.
        table: String,
    },
    /// Another run held the lock longer than we were willing to wait.
    #[error(
        "another migration run held the lock for more than {seconds} s: wait for it to finish, or look for a stuck runner in pg_stat_activity"
    )]
    LockTimeout {
        /// How long we waited.
        seconds: u64,
    },
    /// Migrations recorded as applied have no file (knex: "migration directory is corrupt").
    #[error(
        "the migration directory is corrupt, the following files are missing: {}; restore them, or delete their rows from knex_migrations if they were removed on purpose",
        names.join(", ")
    )]
    MissingFiles {
        /// The recorded names.
        names: Vec<String>,
    },
    /// An applied migration's source changed since it ran.
    #[error(
        "migration {} was edited after it was applied: revert the edit and add a new migration, or run `migrate accept {}` if the change is deliberate",
        names.join(", "), names.first().map(String::as_str).unwrap_or("")
    )]
    Edited {
        /// The edited migrations.
        names: Vec<String>,
    },
    /// A migration that runs outside a transaction stopped halfway in an earlier run.
    #[error(
        "migration {name} stopped halfway in an earlier run (it runs outside a transaction, so part of it may be applied): check the database, then run `migrate resolve {name} --applied` or `--rolled-back`"
    )]
    Incomplete {
        /// The migration.
        name: String,
    },
    /// A named migration does not exist or is in the wrong state.
    #[error("{0}")]
    NotFound(String),
    /// `make` was given an unusable name, or could not write the file.
    #[error("{0}")]
    Make(String),
    /// The run was interrupted (SIGINT/SIGTERM); the current transaction was rolled back.
    #[error("interrupted: {0}")]
    Interrupted(String),
}

impl MigrateError {
    /// PostgreSQL's SQLSTATE, when the server reported the error.
    ///
    /// ```no_run
    /// use knexrs_migrate::{MigrateError, Migrator, RunOptions, Silent};
    /// use knexrs_query::ConnectConfig;
    /// use postgres::error::SqlState;
    ///
    /// # fn migrations() -> Vec<knexrs_migrate::Migration> { vec![] }
    /// let config = ConnectConfig::from_url("postgres://app@localhost/app")?;
    /// match Migrator::new(migrations())?.latest(&config, &RunOptions::default(), &mut Silent) {
    ///     Err(e) if e.code() == Some(&SqlState::LOCK_NOT_AVAILABLE) => println!("the table is busy: try again later"),
    ///     other => { other?; }
    /// }
    /// # Ok::<(), MigrateError>(())
    /// ```
    pub fn code(&self) -> Option<&SqlState> {
        match self {
            MigrateError::Statement { source, .. } | MigrateError::Bookkeeping { source, .. } => source.code(),
            MigrateError::Connection(e) => e.code(),
            _ => None,
        }
    }

    pub(crate) fn bookkeeping(context: impl Into<String>) -> impl FnOnce(postgres::Error) -> Self {
        let context = context.into();
        move |source| MigrateError::Bookkeeping { context, message: knexrs_query::describe(&source), source }
    }
}
