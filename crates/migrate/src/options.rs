//! How a run behaves: transactions, timeouts, how long to wait for the lock.

use std::time::Duration;

/// How migrations are wrapped in transactions (`--transaction`).
///
/// ```
/// use knexrs_migrate::TransactionMode;
///
/// assert_eq!("each".parse::<TransactionMode>().unwrap(), TransactionMode::Each);
/// assert_eq!(TransactionMode::default(), TransactionMode::Knex);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TransactionMode {
    /// knex's behaviour (the default): an up batch runs in one transaction
    /// when every migration in it runs in one, otherwise each migration in a
    /// transaction of its own; a rollback or down runs each migration's down
    /// in its own transaction.
    #[default]
    Knex,
    /// One transaction for the whole batch, up or down: a failure leaves none
    /// of it behind. A migration that cannot run in a transaction splits the
    /// batch: the migrations before it commit first.
    All,
    /// One transaction per migration: a failure keeps the migrations before it.
    Each,
    /// No transactions: every statement commits on its own.
    None,
}

impl std::str::FromStr for TransactionMode {
    type Err = crate::MigrateError;

    fn from_str(mode: &str) -> Result<Self, Self::Err> {
        match mode {
            "knex" => Ok(TransactionMode::Knex),
            "all" => Ok(TransactionMode::All),
            "each" => Ok(TransactionMode::Each),
            "none" => Ok(TransactionMode::None),
            other => Err(crate::MigrateError::InvalidOption {
                option: "--transaction",
                value: other.to_owned(),
                expected: "knex, all, each or none",
            }),
        }
    }
}

impl std::fmt::Display for TransactionMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            TransactionMode::Knex => "knex",
            TransactionMode::All => "all",
            TransactionMode::Each => "each",
            TransactionMode::None => "none",
        })
    }
}

/// Options of one run, with its cancellation handle.
///
/// ```
/// use std::time::Duration;
/// use knexrs_migrate::{RunOptions, TransactionMode};
///
/// let mut options = RunOptions::default();
/// options.transaction(TransactionMode::Each).lock_timeout(Duration::from_secs(5));
/// assert_eq!(options.lock_wait, Duration::from_secs(600));
/// ```
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Transaction wrapping.
    pub transaction_mode: TransactionMode,
    /// `lock_timeout` for every statement of the run (a migration may set its own).
    pub lock_timeout: Option<Duration>,
    /// `statement_timeout` for every statement of the run (a migration may set its own).
    pub statement_timeout: Option<Duration>,
    /// How long to wait for a lock another session holds: the migration lock,
    /// or knex's lock row.
    pub lock_wait: Duration,
    /// Stops the run from elsewhere (a signal handler, a shutdown hook).
    pub cancel: crate::Cancel,
    /// The extension new `knex_migrations` rows record (`js` keeps a table knex
    /// reads); `None` follows the table's newest row, else the file's own (`.rs`).
    pub record_extension: Option<String>,
    /// Whether a recorded migration without a file stops the run (knex's
    /// "migration directory is corrupt"); `false` is knex's
    /// `disableMigrationsListValidation`.
    pub validate_migration_list: bool,
    /// The server version migrations are checked against when there is no
    /// server to ask (a dry run's `--pg-version`); a run uses the server's own.
    pub pg_version: Option<knexrs_sql::ServerVersion>,
    /// A direct connection to the server (`MIGRATION_DATABASE_URL`,
    /// `--direct-url`) for a run whose connection goes through a transaction
    /// pooler: the run then uses it, and can run migrations outside a
    /// transaction.
    pub direct: Option<knexrs_connect::ConnectConfig>,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            transaction_mode: TransactionMode::Knex,
            lock_timeout: None,
            statement_timeout: None,
            lock_wait: Duration::from_secs(600),
            cancel: crate::Cancel::new(),
            record_extension: None,
            validate_migration_list: true,
            pg_version: None,
            direct: None,
        }
    }
}

impl RunOptions {
    /// Sets the transaction mode.
    ///
    /// ```
    /// use knexrs_migrate::{RunOptions, TransactionMode};
    ///
    /// let mut options = RunOptions::default();
    /// options.transaction(TransactionMode::Each);
    /// assert_eq!(options.transaction_mode, TransactionMode::Each);
    /// ```
    pub fn transaction(&mut self, mode: TransactionMode) -> &mut Self {
        self.transaction_mode = mode;
        self
    }

    /// Sets `lock_timeout` for the run.
    ///
    /// ```
    /// use std::time::Duration;
    /// use knexrs_migrate::RunOptions;
    ///
    /// let mut options = RunOptions::default();
    /// options.lock_timeout(Duration::from_secs(5));
    /// assert_eq!(options.lock_timeout, Some(Duration::from_secs(5)));
    /// ```
    pub fn lock_timeout(&mut self, timeout: Duration) -> &mut Self {
        self.lock_timeout = Some(timeout);
        self
    }

    /// Sets `statement_timeout` for the run.
    ///
    /// ```
    /// use std::time::Duration;
    /// use knexrs_migrate::RunOptions;
    ///
    /// let mut options = RunOptions::default();
    /// options.statement_timeout(Duration::from_secs(600));
    /// assert_eq!(options.statement_timeout, Some(Duration::from_secs(600)));
    /// ```
    pub fn statement_timeout(&mut self, timeout: Duration) -> &mut Self {
        self.statement_timeout = Some(timeout);
        self
    }

    /// Sets how long to wait for another run's lock.
    ///
    /// ```
    /// use std::time::Duration;
    /// use knexrs_migrate::RunOptions;
    ///
    /// let mut options = RunOptions::default();
    /// options.lock_wait(Duration::from_secs(30));
    /// assert_eq!(options.lock_wait, Duration::from_secs(30));
    /// ```
    pub fn lock_wait(&mut self, wait: Duration) -> &mut Self {
        self.lock_wait = wait;
        self
    }
}
