//! The migrator: the sorted, validated migrations and where their bookkeeping lives.

use crate::{MigrateError, Migration, Tables};
use std::collections::HashMap;

/// Every migration of a project, sorted by name and checked (no duplicate
/// names or versions, no file that cannot be a migration), with the
/// bookkeeping tables it records into.
///
/// ```
/// use knexrs_migrate::{Migration, Migrator};
///
/// let migrator = Migrator::new(vec![
///     Migration::new("20250102000000_b", |_| {}, |_| {}),
///     Migration::new("20250101000000_a", |_| {}, |_| {}),
/// ]).unwrap();
/// assert_eq!(migrator.migrations()[0].name(), "20250101000000_a");
///
/// let clash = Migrator::new(vec![
///     Migration::new("20250101000000_a", |_| {}, |_| {}),
///     Migration::new("20250101000000_b", |_| {}, |_| {}),
/// ]);
/// assert!(clash.unwrap_err().to_string().contains("duplicate migration version 20250101000000"));
/// ```
#[derive(Debug, Clone)]
pub struct Migrator {
    migrations: Vec<Migration>,
    tables: Tables,
}

impl Migrator {
    /// Sorts and checks `migrations`.
    ///
    /// ```
    /// use knexrs_migrate::{Migration, Migrator};
    ///
    /// let migrator = Migrator::new(vec![Migration::new("20250101000000_a", |_| {}, |_| {})])?;
    /// assert_eq!(migrator.migrations().len(), 1);
    /// assert!(Migrator::new(vec![Migration::new("", |_| {}, |_| {})]).is_err());
    /// # Ok::<(), knexrs_migrate::MigrateError>(())
    /// ```
    pub fn new(migrations: impl IntoIterator<Item = Migration>) -> Result<Self, MigrateError> {
        let mut migrations: Vec<Migration> = migrations.into_iter().collect();
        let problems: Vec<String> =
            migrations.iter().filter_map(|m| m.problem().map(|p| format!("{}: {p}", m.file_name()))).collect();
        if !problems.is_empty() {
            return Err(MigrateError::InvalidMigrations(problems.join("; ")));
        }
        migrations.sort_by(|a, b| a.name().cmp(b.name()));
        let mut versions: HashMap<&str, &str> = HashMap::new();
        for migration in &migrations {
            if migration.name().is_empty() {
                return Err(MigrateError::InvalidMigrations("a migration has an empty name".into()));
            }
            if let Some(other) = versions.insert(migration.version(), migration.file_name()) {
                let problem = if other == migration.file_name() {
                    format!("duplicate migration {other}")
                } else {
                    format!(
                        "duplicate migration version {}: {other} and {}; rename one with a new timestamp (`migrate make` picks a free one)",
                        migration.version(),
                        migration.file_name()
                    )
                };
                return Err(MigrateError::InvalidMigrations(problem));
            }
        }
        Ok(Migrator { migrations, tables: Tables::default() })
    }

    /// Records into other bookkeeping tables than knex's defaults.
    ///
    /// ```
    /// use knexrs_migrate::{Migrator, Tables};
    ///
    /// let mut migrator = Migrator::new(vec![])?;
    /// migrator.set_tables(Tables::new("migrations", Some("ops".into()))?);
    /// assert_eq!(migrator.tables().qualified_lock(), r#""ops"."migrations_lock""#);
    /// # Ok::<(), knexrs_migrate::MigrateError>(())
    /// ```
    pub fn set_tables(&mut self, tables: Tables) -> &mut Self {
        self.tables = tables;
        self
    }

    /// The migrations, sorted by name.
    ///
    /// ```
    /// use knexrs_migrate::{Migration, Migrator};
    ///
    /// let migrator = Migrator::new(vec![
    ///     Migration::new("20250102000000_b", |_| {}, |_| {}),
    ///     Migration::new("20250101000000_a", |_| {}, |_| {}),
    /// ])?;
    /// let names: Vec<&str> = migrator.migrations().iter().map(|m| m.name()).collect();
    /// assert_eq!(names, ["20250101000000_a", "20250102000000_b"]);
    /// # Ok::<(), knexrs_migrate::MigrateError>(())
    /// ```
    pub fn migrations(&self) -> &[Migration] {
        &self.migrations
    }

    /// The bookkeeping tables.
    ///
    /// ```
    /// use knexrs_migrate::Migrator;
    ///
    /// let migrator = Migrator::new(vec![])?;
    /// assert_eq!(migrator.tables().migrations(), "knex_migrations");
    /// # Ok::<(), knexrs_migrate::MigrateError>(())
    /// ```
    pub fn tables(&self) -> &Tables {
        &self.tables
    }

    /// The migration with this name (a recorded name with extension works too).
    ///
    /// ```
    /// use knexrs_migrate::{Migration, Migrator};
    ///
    /// let migrator = Migrator::new(vec![Migration::new("20250126000001_create_sessions_table", |_| {}, |_| {})])?;
    /// assert!(migrator.find("20250126000001_create_sessions_table").is_some());
    /// assert!(migrator.find("20250126000001_create_sessions_table.js").is_some()); // knex's row
    /// assert!(migrator.find("20250126000009_other").is_none());
    /// # Ok::<(), knexrs_migrate::MigrateError>(())
    /// ```
    pub fn find(&self, name: &str) -> Option<&Migration> {
        let stem = crate::migration::stem_of(name);
        self.migrations.binary_search_by(|m| m.name().cmp(stem)).ok().map(|i| &self.migrations[i])
    }
}
