//! What `migrate status` reports: every migration with where it stands.

use crate::db::AppliedRow;

/// One migration's state.
///
/// ```
/// use knexrs_migrate::{MigrationStatus, Status};
///
/// let pending = MigrationStatus { name: "20250101000000_a".into(), file_name: "20250101000000_a.rs".into(), applied: None, edited: false, incomplete: false };
/// let status = Status { migrations: vec![pending], missing: vec![] };
/// assert!(!status.is_up_to_date());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationStatus {
    /// The migration's name.
    pub name: String,
    /// Its file's name (`….rs`), as `status` lists a pending migration.
    pub file_name: String,
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
    /// let pending = MigrationStatus { name: "20250101000000_a".into(), file_name: "20250101000000_a.rs".into(), applied: None, edited: false, incomplete: false };
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
    /// let done = MigrationStatus { name: "20250101000000_a".into(), file_name: "20250101000000_a.rs".into(), applied: Some(row), edited: false, incomplete: false };
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
