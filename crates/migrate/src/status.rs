//! `migrate status` and `migrate current-version`: read-only views of the bookkeeping.

use crate::db::{self, AppliedRow};
use crate::{MigrateError, Migrator};
use knexrs_query::ConnectConfig;

/// One migration's state.
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
    pub fn pending(&self) -> impl Iterator<Item = &MigrationStatus> {
        self.migrations.iter().filter(|m| m.applied.is_none())
    }

    /// The applied migrations.
    pub fn applied(&self) -> impl Iterator<Item = &MigrationStatus> {
        self.migrations.iter().filter(|m| m.applied.is_some())
    }

    /// Nothing pending, nothing missing, edited or unfinished.
    pub fn is_up_to_date(&self) -> bool {
        self.missing.is_empty() && self.migrations.iter().all(|m| m.applied.is_some() && !m.edited && !m.incomplete)
    }
}

impl Migrator {
    /// Every migration with its state; changes nothing (a database never
    /// migrated has every migration pending).
    pub fn status(&self, connection: &ConnectConfig) -> Result<Status, MigrateError> {
        let mut client = connection.connect()?;
        let tables = self.tables();
        let applied =
            if db::bookkeeping_exists(&mut client, tables)? { db::applied(&mut client, tables)? } else { Vec::new() };
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
    pub fn current_version(&self, connection: &ConnectConfig) -> Result<Option<String>, MigrateError> {
        let mut client = connection.connect()?;
        if !db::bookkeeping_exists(&mut client, self.tables())? {
            return Ok(None);
        }
        let applied = db::applied(&mut client, self.tables())?;
        Ok(applied.iter().map(|row| crate::migration::version_of(row.name()).to_owned()).max())
    }
}
