//! The migrator: the sorted, validated migrations and where their bookkeeping lives.

use crate::{MigrateError, Migration, Tables};
use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;
use std::hash::BuildHasher as _;
use std::sync::Arc;

/// Every migration of a project, sorted as knex sorts its files (by file
/// name), and checked (no duplicate names, no file that cannot be a
/// migration), with the bookkeeping tables it records into.
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
///     Migration::new("20250101000000_a", |_| {}, |_| {}),
/// ]);
/// assert!(clash.unwrap_err().to_string().contains("duplicate migration 20250101000000_a"));
/// ```
#[derive(Debug, Clone)]
pub struct Migrator {
    /// Shared, as the index is: a clone (a command's own tables) copies no migration.
    migrations: Arc<Vec<Migration>>,
    /// Position of each migration, hashed by its name (FxHash: names are
    /// ours, and one is looked up for every applied row). The table holds
    /// positions only: a lookup compares the name of the migration there, so
    /// building it copies no name.
    index: Arc<HashTable<usize>>,
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
        migrations.sort_by(|a, b| file_order(a.name(), b.name()));
        Self::checked(migrations)
    }

    /// Checks `migrations` and keeps them in the order given: knex's
    /// `sortDirsSeparately`, where each folder's files are sorted and the
    /// folders follow one another as listed.
    ///
    /// ```
    /// use knexrs_migrate::{Migration, Migrator};
    ///
    /// // `core/` then `tenants/`, each sorted on its own.
    /// let migrator = Migrator::new_in_order(vec![
    ///     Migration::new("20250102000000_core", |_| {}, |_| {}),
    ///     Migration::new("20250101000000_tenants", |_| {}, |_| {}),
    /// ])?;
    /// assert_eq!(migrator.migrations()[0].name(), "20250102000000_core");
    /// # Ok::<(), knexrs_migrate::MigrateError>(())
    /// ```
    pub fn new_in_order(migrations: impl IntoIterator<Item = Migration>) -> Result<Self, MigrateError> {
        Self::checked(migrations.into_iter().collect())
    }

    fn checked(migrations: Vec<Migration>) -> Result<Self, MigrateError> {
        let files: Vec<(String, String)> =
            migrations.iter().filter_map(|m| m.problem().map(|p| (m.file_name().to_owned(), p.to_owned()))).collect();
        if !files.is_empty() {
            return Err(MigrateError::MisnamedFiles { files });
        }
        if migrations.iter().any(|m| m.name().is_empty()) {
            return Err(MigrateError::EmptyName);
        }
        let max = crate::tables::MAX_CHECKSUM_LEN;
        // Characters are counted only past `max` bytes (never for a checksum of hex digits).
        let too_long = |c: &str| c.len() > max && c.chars().count() > max;
        if let Some(m) = migrations.iter().find(|m| m.checksum().is_some_and(too_long)) {
            let length = m.checksum().map_or(0, |c| c.chars().count());
            return Err(MigrateError::InvalidChecksum { migration: m.name().to_owned(), length, max });
        }
        let mut index = HashTable::with_capacity(migrations.len());
        let hash_of = |i: &usize| name_hash(migrations[*i].name());
        for (i, migration) in migrations.iter().enumerate() {
            let name = migration.name();
            match index.entry(name_hash(name), |&at| migrations[at].name() == name, hash_of) {
                hashbrown::hash_table::Entry::Occupied(_) => {
                    return Err(MigrateError::DuplicateName { name: name.to_owned() });
                }
                hashbrown::hash_table::Entry::Vacant(slot) => {
                    slot.insert(i);
                }
            }
        }
        Ok(Migrator { migrations: Arc::new(migrations), index: Arc::new(index), tables: Tables::default() })
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

    /// The migrations, in the order they apply (knex's: by file name).
    ///
    /// ```
    /// use knexrs_migrate::{Migration, Migrator};
    ///
    /// let migrator = Migrator::new(vec![
    ///     Migration::new("20250102000000_b", |_| {}, |_| {}),
    ///     Migration::new("20250101000000_a-b", |_| {}, |_| {}),
    ///     Migration::new("20250101000000_a", |_| {}, |_| {}),
    /// ])?;
    /// let names: Vec<&str> = migrator.migrations().iter().map(|m| m.name()).collect();
    /// // As knex sorts `….js` files: `-` sorts before the `.` of the extension.
    /// assert_eq!(names, ["20250101000000_a-b", "20250101000000_a", "20250102000000_b"]);
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
        self.migrations.get(self.position(name)?)
    }

    /// Where a migration stands in the order, by name.
    pub(crate) fn position(&self, name: &str) -> Option<usize> {
        self.exact(name).or_else(|| self.exact(crate::migration::stem_of(name)))
    }

    /// Where the migration named exactly `name` stands.
    fn exact(&self, name: &str) -> Option<usize> {
        self.index.find(name_hash(name), |&at| self.migrations[at].name() == name).copied()
    }
}

/// The index's hash of a migration name.
fn name_hash(name: &str) -> u64 {
    FxBuildHasher.hash_one(name)
}

/// The order knex gives its files: by file name, extension included. Names
/// compare as if followed by the `.` of an extension.
fn file_order(a: &str, b: &str) -> std::cmp::Ordering {
    let dot = || std::iter::once(b'.');
    a.bytes().chain(dot()).cmp(b.bytes().chain(dot()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn up(_: &mut knexrs_schema::SchemaBuilder) {}

    #[test]
    fn a_checksum_longer_than_the_side_table_holds_is_refused_before_any_run() {
        let long: &'static str = Box::leak("a".repeat(129).into_boxed_str());
        let migration =
            Migration::embedded("20250101000000_x", "20250101000000_x.rs", up, up, long, Default::default());
        let Err(err) = Migrator::new(vec![migration]) else { panic!("a 129-character checksum was accepted") };
        assert!(matches!(err, MigrateError::InvalidChecksum { length: 129, max: 128, .. }), "{err}");
        assert!(err.to_string().contains("20250101000000_x"), "{err}");
    }

    #[test]
    fn a_checksum_of_the_source_is_accepted() {
        let source = "pub fn up() {}";
        let migration =
            Migration::from_source("20250101000000_x", "20250101000000_x.rs", up, up, source, Default::default());
        assert_eq!(migration.checksum().map(str::len), Some(64));
        assert!(Migrator::new(vec![migration]).is_ok());
    }
}
