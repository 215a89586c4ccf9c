//! `migrate status` and `migrate current-version`: read-only views of the bookkeeping.

use crate::db::{self, AppliedRow};
use crate::{MigrateError, Migrator};
use knexrs_query::ConnectConfig;

/// One migration's state.
///
/// ```
/// use knexrs_migrate::{MigrationStatus, Status};
///
/// let pending = MigrationStatus { name: "20250101000000_a".into(), applied: None, edited: false, incomplete: false };
/// let status = Status { migrations: vec![pending], missing: vec![] };
/// assert!(!status.is_up_to_date());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationStatus {
    /// The migration's name.
    pub name: String,
    /// Its `knex_migrations` row, when applied.
    pub applied: Option<AppliedRow>,
    /// Applied, and its source changed since.
    pub edited: bool,
    /// Started outside a transaction and never finished.
    pub incomplete: bool,
}

/// Every migration with its state, and the recorded ones with no file.
///
/// ```
/// use knexrs_migrate::Status;
///
/// let status = Status { migrations: vec![], missing: vec![] };
/// assert!(status.is_up_to_date());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    /// Every known migration, in name order.
    pub migrations: Vec<MigrationStatus>,
    /// Recorded as applied, but no migration has that name.
    pub missing: Vec<AppliedRow>,
}

impl Status {
    /// The migrations not applied yet.
    ///
    /// ```
    /// use knexrs_migrate::{MigrationStatus, Status};
    ///
    /// let pending = MigrationStatus { name: "20250101000000_a".into(), applied: None, edited: false, incomplete: false };
    /// let status = Status { migrations: vec![pending], missing: vec![] };
    /// assert_eq!(status.pending().map(|m| m.name.as_str()).collect::<Vec<_>>(), ["20250101000000_a"]);
    /// ```
    pub fn pending(&self) -> impl Iterator<Item = &MigrationStatus> {
        self.migrations.iter().filter(|m| m.applied.is_none())
    }

    /// The applied migrations.
    ///
    /// ```
    /// use knexrs_migrate::{AppliedRow, MigrationStatus, Status};
    ///
    /// let row = AppliedRow { id: 1, recorded_name: "20250101000000_a.js".into(), batch: 1, migration_time: None };
    /// let done = MigrationStatus { name: "20250101000000_a".into(), applied: Some(row), edited: false, incomplete: false };
    /// let status = Status { migrations: vec![done], missing: vec![] };
    /// assert_eq!(status.applied().count(), 1);
    /// assert!(status.is_up_to_date());
    /// ```
    pub fn applied(&self) -> impl Iterator<Item = &MigrationStatus> {
        self.migrations.iter().filter(|m| m.applied.is_some())
    }

    /// Nothing pending, nothing missing, edited or unfinished.
    ///
    /// ```
    /// use knexrs_migrate::{AppliedRow, Status};
    ///
    /// let orphan = AppliedRow { id: 7, recorded_name: "20240101000000_gone.js".into(), batch: 1, migration_time: None };
    /// let status = Status { migrations: vec![], missing: vec![orphan] };
    /// assert!(!status.is_up_to_date()); // a recorded migration has no file
    /// ```
    pub fn is_up_to_date(&self) -> bool {
        self.missing.is_empty() && self.migrations.iter().all(|m| m.applied.is_some() && !m.edited && !m.incomplete)
    }
}

impl Migrator {
    /// Every migration with its state; changes nothing (a database never
    /// migrated has every migration pending).
    ///
    /// ```no_run
    /// use knexrs_migrate::Migrator;
    /// use knexrs_query::ConnectConfig;
    ///
    /// # fn migrations() -> Vec<knexrs_migrate::Migration> { vec![] }
    /// let config = ConnectConfig::from_url("postgres://app@localhost/app")?;
    /// let status = Migrator::new(migrations())?.status(&config)?;
    /// for migration in status.pending() {
    ///     println!("pending: {}", migration.name);
    /// }
    /// # Ok::<(), knexrs_migrate::MigrateError>(())
    /// ```
    pub fn status(&self, connection: &ConnectConfig) -> Result<Status, MigrateError> {
        let mut client = connection.connect()?;
        let tables = self.tables();
        let applied = db::applied_if_exists(&mut client, tables)?;
        let states = db::states(&mut client, tables)?;
        let edited = self.edited(&applied, &states);
        let migrations = self
            .migrations()
            .iter()
            .map(|m| MigrationStatus {
                name: m.name().to_owned(),
                applied: applied.iter().find(|row| row.name() == m.name()).cloned(),
                edited: edited.iter().any(|e| e == m.name()),
                incomplete: states.iter().any(|s| s.in_progress && s.name == m.name()),
            })
            .collect();
        let missing = applied.into_iter().filter(|row| self.find(row.name()).is_none()).collect();
        Ok(Status { migrations, missing })
    }

    /// The highest applied version (knex `currentVersion`), `None` when nothing is applied.
    ///
    /// ```no_run
    /// use knexrs_migrate::Migrator;
    /// use knexrs_query::ConnectConfig;
    ///
    /// # fn migrations() -> Vec<knexrs_migrate::Migration> { vec![] }
    /// let config = ConnectConfig::from_url("postgres://app@localhost/app")?;
    /// let version = Migrator::new(migrations())?.current_version(&config)?;
    /// println!("Current Version: {}", version.as_deref().unwrap_or("none"));
    /// # Ok::<(), knexrs_migrate::MigrateError>(())
    /// ```
    pub fn current_version(&self, connection: &ConnectConfig) -> Result<Option<String>, MigrateError> {
        let mut client = connection.connect()?;
        let applied = db::applied_if_exists(&mut client, self.tables())?;
        Ok(applied.iter().map(|row| crate::migration::version_of(row.name()).to_owned()).max())
    }
}
