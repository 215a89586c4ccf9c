//! What `migrate lint` reports: the hazards a statement can bring to a
//! database in use, how grave each is, and what to do instead.

use std::fmt;
use std::str::FromStr;

/// A hazard a migration's statement brings to a table the application uses.
///
/// Each has a stable id (`table-rewrite`, …) that `--allow` and
/// [`MigrationConfig::allow_hazards`](crate::MigrationConfig::allow_hazards) take.
///
/// ```
/// use knexrs_migrate::{Hazard, Severity};
///
/// let hazard: Hazard = "index-not-concurrent".parse()?;
/// assert_eq!(hazard, Hazard::IndexNotConcurrent);
/// assert_eq!(hazard.severity(), Severity::Error);
/// assert!(hazard.advice().contains(".concurrently()"));
/// # Ok::<(), knexrs_migrate::MigrateError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Hazard {
    /// The table (and its indexes) is copied while ACCESS EXCLUSIVE is held.
    TableRewrite,
    /// An index is built without `CONCURRENTLY`: writes wait until it is built.
    IndexNotConcurrent,
    /// A check or foreign key constraint is added valid: every row is read under a lock that blocks writes.
    ValidatedConstraint,
    /// `SET NOT NULL` reads every row while ACCESS EXCLUSIVE is held.
    SetNotNull,
    /// A `NOT NULL` column without a default: fails on a table with rows.
    RequiredColumn,
    /// A lock that blocks the application is taken with no `lock_timeout`.
    NoLockTimeout,
    /// A lock taken earlier in the transaction is held while a slow statement runs.
    LockHeld,
    /// Rows of a table in use are updated or deleted inside the migration's transaction: they stay locked until it commits.
    UpdateInTransaction,
    /// A column the running application may read is dropped.
    DropsColumn,
    /// A table the running application may use is dropped.
    DropsTable,
    /// A column the running application uses is renamed.
    RenamesColumn,
    /// A table the running application uses is renamed.
    RenamesTable,
}

/// How grave a [`Hazard`] is.
///
/// ```
/// use knexrs_migrate::{Hazard, Severity};
///
/// assert_eq!(Hazard::DropsColumn.severity(), Severity::Warning);
/// assert_eq!(Severity::Warning.to_string(), "warning");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Worth a look; `lint` still exits 0.
    Warning,
    /// Blocks the application for as long as the table is large, or fails on a table with rows; `lint` exits 1.
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

impl Hazard {
    /// Every hazard, in the order `lint` documents them.
    pub const ALL: [Hazard; 12] = [
        Hazard::TableRewrite,
        Hazard::IndexNotConcurrent,
        Hazard::ValidatedConstraint,
        Hazard::SetNotNull,
        Hazard::RequiredColumn,
        Hazard::NoLockTimeout,
        Hazard::LockHeld,
        Hazard::UpdateInTransaction,
        Hazard::DropsColumn,
        Hazard::DropsTable,
        Hazard::RenamesColumn,
        Hazard::RenamesTable,
    ];

    /// Its stable id.
    ///
    /// ```
    /// assert_eq!(knexrs_migrate::Hazard::TableRewrite.id(), "table-rewrite");
    /// ```
    pub const fn id(self) -> &'static str {
        match self {
            Hazard::TableRewrite => "table-rewrite",
            Hazard::IndexNotConcurrent => "index-not-concurrent",
            Hazard::ValidatedConstraint => "validated-constraint",
            Hazard::SetNotNull => "set-not-null",
            Hazard::RequiredColumn => "required-column",
            Hazard::NoLockTimeout => "no-lock-timeout",
            Hazard::LockHeld => "lock-held",
            Hazard::UpdateInTransaction => "update-in-transaction",
            Hazard::DropsColumn => "drops-column",
            Hazard::DropsTable => "drops-table",
            Hazard::RenamesColumn => "renames-column",
            Hazard::RenamesTable => "renames-table",
        }
    }

    /// How grave it is.
    ///
    /// ```
    /// use knexrs_migrate::{Hazard, Severity};
    ///
    /// assert_eq!(Hazard::TableRewrite.severity(), Severity::Error);
    /// assert_eq!(Hazard::NoLockTimeout.severity(), Severity::Warning);
    /// ```
    pub const fn severity(self) -> Severity {
        match self {
            Hazard::TableRewrite
            | Hazard::IndexNotConcurrent
            | Hazard::ValidatedConstraint
            | Hazard::SetNotNull
            | Hazard::RequiredColumn => Severity::Error,
            Hazard::NoLockTimeout
            | Hazard::LockHeld
            | Hazard::UpdateInTransaction
            | Hazard::DropsColumn
            | Hazard::DropsTable
            | Hazard::RenamesColumn
            | Hazard::RenamesTable => Severity::Warning,
        }
    }

    /// What to do instead.
    ///
    /// ```
    /// assert!(knexrs_migrate::Hazard::ValidatedConstraint.advice().contains("not_valid"));
    /// ```
    pub const fn advice(self) -> &'static str {
        match self {
            Hazard::TableRewrite => {
                "add a new column and fill it in batches (`Backfill`) instead; for a table that stays small, allow it in the migration's CONFIG (`.allow_hazards(&[\"table-rewrite\"])`)"
            }
            Hazard::IndexNotConcurrent => {
                "build it with `.concurrently()` (the migration then runs outside a transaction); for a unique constraint, build the unique index concurrently first"
            }
            Hazard::ValidatedConstraint => {
                "add it with `.not_valid()`, then `validate_constraint` in a later migration: validating reads the rows without blocking writes"
            }
            Hazard::SetNotNull => {
                "add `check (column is not null)` with `.not_valid()`, validate it in a later migration, then set NOT NULL: PostgreSQL 12+ then skips the scan"
            }
            Hazard::RequiredColumn => "give it a default, or add it nullable, fill it, then make it NOT NULL",
            Hazard::NoLockTimeout => {
                "set `lock_timeout_ms` in the migration's CONFIG (or run with `--lock-timeout 5s`), so a blocked migration fails instead of queueing the application behind it"
            }
            Hazard::LockHeld => "move the slow statement into a migration of its own",
            Hazard::UpdateInTransaction => {
                "for more than a few rows, fill them with `Backfill` in a migration of its own (batches, each its own transaction, resumable)"
            }
            Hazard::DropsColumn | Hazard::DropsTable => {
                "the application version still running may use it: deploy code that no longer does first, then drop it"
            }
            Hazard::RenamesColumn | Hazard::RenamesTable => {
                "the application version still running uses the old name: add the new one, switch the code over, then drop the old one"
            }
        }
    }

    /// The ids, for messages (`table-rewrite, index-not-concurrent, …`).
    pub(crate) fn ids() -> String {
        Hazard::ALL.iter().map(|h| h.id()).collect::<Vec<_>>().join(", ")
    }
}

impl fmt::Display for Hazard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl FromStr for Hazard {
    type Err = crate::MigrateError;

    fn from_str(id: &str) -> Result<Self, Self::Err> {
        Hazard::ALL.into_iter().find(|h| h.id() == id).ok_or_else(|| crate::MigrateError::UnknownHazard {
            id: id.to_owned(),
            migration: None,
            known: Hazard::ids(),
        })
    }
}

/// A table lock mode, weakest first (PostgreSQL's `pg_locks.mode`).
///
/// ```
/// use knexrs_migrate::LockMode;
///
/// assert!(LockMode::AccessExclusive.blocks_reads());
/// assert!(LockMode::Share.blocks_writes() && !LockMode::Share.blocks_reads());
/// assert_eq!(LockMode::ShareRowExclusive.to_string(), "SHARE ROW EXCLUSIVE");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LockMode {
    /// `ACCESS SHARE` (`select`).
    AccessShare,
    /// `ROW SHARE` (`select … for update`).
    RowShare,
    /// `ROW EXCLUSIVE` (`insert`, `update`, `delete`).
    RowExclusive,
    /// `SHARE UPDATE EXCLUSIVE` (`create index concurrently`, `validate constraint`).
    ShareUpdateExclusive,
    /// `SHARE` (`create index`).
    Share,
    /// `SHARE ROW EXCLUSIVE` (`add foreign key`, `create trigger`).
    ShareRowExclusive,
    /// `EXCLUSIVE` (`refresh materialized view concurrently`).
    Exclusive,
    /// `ACCESS EXCLUSIVE` (most `alter table`, `drop`, `truncate`).
    AccessExclusive,
}

impl LockMode {
    /// Every mode, weakest first.
    pub const ALL: [LockMode; 8] = [
        LockMode::AccessShare,
        LockMode::RowShare,
        LockMode::RowExclusive,
        LockMode::ShareUpdateExclusive,
        LockMode::Share,
        LockMode::ShareRowExclusive,
        LockMode::Exclusive,
        LockMode::AccessExclusive,
    ];

    /// From `pg_locks.mode` (`AccessExclusiveLock`).
    pub(crate) fn from_pg(mode: &str) -> Option<Self> {
        Some(match mode {
            "AccessShareLock" => LockMode::AccessShare,
            "RowShareLock" => LockMode::RowShare,
            "RowExclusiveLock" => LockMode::RowExclusive,
            "ShareUpdateExclusiveLock" => LockMode::ShareUpdateExclusive,
            "ShareLock" => LockMode::Share,
            "ShareRowExclusiveLock" => LockMode::ShareRowExclusive,
            "ExclusiveLock" => LockMode::Exclusive,
            "AccessExclusiveLock" => LockMode::AccessExclusive,
            _ => return None,
        })
    }

    /// Whether the application's `select` waits for it.
    ///
    /// ```
    /// assert!(!knexrs_migrate::LockMode::Share.blocks_reads());
    /// ```
    pub fn blocks_reads(self) -> bool {
        self == LockMode::AccessExclusive
    }

    /// Whether the application's `insert` / `update` / `delete` wait for it.
    ///
    /// ```
    /// assert!(!knexrs_migrate::LockMode::ShareUpdateExclusive.blocks_writes());
    /// ```
    pub fn blocks_writes(self) -> bool {
        self >= LockMode::Share
    }

    /// What the application waits for while it is held.
    pub(crate) fn blocks(self) -> &'static str {
        if self.blocks_reads() {
            "blocks reads and writes"
        } else if self.blocks_writes() {
            "blocks writes"
        } else {
            "blocks no reads or writes"
        }
    }
}

impl fmt::Display for LockMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LockMode::AccessShare => "ACCESS SHARE",
            LockMode::RowShare => "ROW SHARE",
            LockMode::RowExclusive => "ROW EXCLUSIVE",
            LockMode::ShareUpdateExclusive => "SHARE UPDATE EXCLUSIVE",
            LockMode::Share => "SHARE",
            LockMode::ShareRowExclusive => "SHARE ROW EXCLUSIVE",
            LockMode::Exclusive => "EXCLUSIVE",
            LockMode::AccessExclusive => "ACCESS EXCLUSIVE",
        })
    }
}

/// One hazard found at one statement.
///
/// ```
/// use knexrs_migrate::{Finding, Hazard};
///
/// let finding = Finding {
///     hazard: Hazard::DropsColumn,
///     statement: 1,
///     table: "public.sessions".into(),
///     detail: "drops column public.sessions.pod_ip".into(),
///     allowed: false,
/// };
/// assert!(finding.to_string().starts_with("warning[drops-column] statement 1: drops column public.sessions.pod_ip; the application"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// What it is.
    pub hazard: Hazard,
    /// The statement (or step) it comes from, counted from 1 as in the run's errors.
    pub statement: usize,
    /// The table it concerns (`schema.table`).
    pub table: String,
    /// What the statement does to it.
    pub detail: String,
    /// Allowed by the migration's CONFIG or `--allow`: reported, not counted.
    pub allowed: bool,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = if self.allowed { "allowed".to_owned() } else { self.hazard.severity().to_string() };
        write!(f, "{severity}[{}] statement {}: {}", self.hazard, self.statement, self.detail)?;
        if !self.allowed {
            write!(f, "; {}", self.hazard.advice())?;
        }
        Ok(())
    }
}

/// A statement (or run-time step) of a linted migration, with the locks it
/// took on tables that existed before the migration.
///
/// ```
/// use knexrs_migrate::{LockMode, TracedStatement};
///
/// let traced = TracedStatement { sql: "alter table \"t\" add column \"c\" text".into(), locks: vec![("public.t".into(), LockMode::AccessExclusive)] };
/// assert_eq!(traced.locks[0].1.to_string(), "ACCESS EXCLUSIVE");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TracedStatement {
    /// Its SQL (a step: `step "name"`).
    pub sql: String,
    /// The locks it took, strongest per table.
    pub locks: Vec<(String, LockMode)>,
}

/// What linting one migration found.
///
/// ```
/// let lint = knexrs_migrate::MigrationLint { name: "20250101000000_a".into(), ..Default::default() };
/// assert!(lint.is_clean());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MigrationLint {
    /// The migration.
    pub name: String,
    /// Whether it runs in a transaction.
    pub transactional: bool,
    /// Its statements and steps, in order, with their locks.
    pub statements: Vec<TracedStatement>,
    /// The hazards found.
    pub findings: Vec<Finding>,
    /// Its `up` failed on the throwaway database (the error); later migrations were not linted.
    pub failed: Option<String>,
}

impl MigrationLint {
    /// No hazard that is not allowed, and it ran.
    ///
    /// ```
    /// let failed = knexrs_migrate::MigrationLint { failed: Some("statement 1 fails".into()), ..Default::default() };
    /// assert!(!failed.is_clean());
    /// ```
    pub fn is_clean(&self) -> bool {
        self.failed.is_none() && self.findings.iter().all(|f| f.allowed)
    }

    /// How many findings of `severity` are not allowed.
    ///
    /// ```
    /// use knexrs_migrate::{MigrationLint, Severity};
    ///
    /// assert_eq!(MigrationLint::default().count(Severity::Warning), 0);
    /// ```
    pub fn count(&self, severity: Severity) -> usize {
        self.findings.iter().filter(|f| !f.allowed && f.hazard.severity() == severity).count()
    }
}

/// Each migration linted, in order.
///
/// ```
/// use knexrs_migrate::{LintReport, Severity};
///
/// let report = LintReport::default();
/// assert!(report.passes());
/// assert_eq!(report.count(Severity::Error), 0);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LintReport {
    /// One per migration.
    pub migrations: Vec<MigrationLint>,
}

impl LintReport {
    /// No error that is not allowed, and every migration ran (warnings pass).
    ///
    /// ```
    /// let report = knexrs_migrate::LintReport { migrations: vec![knexrs_migrate::MigrationLint::default()] };
    /// assert!(report.passes());
    /// ```
    pub fn passes(&self) -> bool {
        self.migrations.iter().all(|m| m.failed.is_none() && m.count(Severity::Error) == 0)
    }

    /// How many findings of `severity` are not allowed, over all migrations.
    ///
    /// ```
    /// use knexrs_migrate::{LintReport, Severity};
    ///
    /// assert_eq!(LintReport::default().count(Severity::Error), 0);
    /// ```
    pub fn count(&self, severity: Severity) -> usize {
        self.migrations.iter().map(|m| m.count(severity)).sum()
    }
}

/// What `lint` is told about the run it checks for.
///
/// ```
/// use knexrs_migrate::{Hazard, LintOptions};
/// use std::time::Duration;
///
/// let mut options = LintOptions::default();
/// options.lock_timeout(Duration::from_secs(5)).allow(Hazard::DropsColumn);
/// assert_eq!(options.allowed, [Hazard::DropsColumn]);
/// ```
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct LintOptions {
    /// The `--lock-timeout` the real run will have (then no migration lacks one).
    pub lock_timeout: Option<std::time::Duration>,
    /// Hazards allowed in every migration.
    pub allowed: Vec<Hazard>,
    /// Stops the lint (the throwaway database is still dropped); the CLI wires SIGINT/SIGTERM to it.
    pub cancel: crate::Cancel,
}

impl LintOptions {
    /// The run sets this `lock_timeout`.
    ///
    /// ```
    /// let mut options = knexrs_migrate::LintOptions::default();
    /// options.lock_timeout(std::time::Duration::from_secs(5));
    /// assert_eq!(options.lock_timeout, Some(std::time::Duration::from_secs(5)));
    /// ```
    pub fn lock_timeout(&mut self, timeout: std::time::Duration) -> &mut Self {
        self.lock_timeout = Some(timeout);
        self
    }

    /// Allows `hazard` in every migration.
    ///
    /// ```
    /// use knexrs_migrate::{Hazard, LintOptions};
    ///
    /// let mut options = LintOptions::default();
    /// options.allow(Hazard::TableRewrite).allow(Hazard::TableRewrite);
    /// assert_eq!(options.allowed, [Hazard::TableRewrite]);
    /// ```
    pub fn allow(&mut self, hazard: Hazard) -> &mut Self {
        if !self.allowed.contains(&hazard) {
            self.allowed.push(hazard);
        }
        self
    }
}
