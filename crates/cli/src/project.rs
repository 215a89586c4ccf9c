//! A workspace that uses knexrs: where its migrations, typed tables and
//! build output live, and its migrations themselves.

use knexrs_migrate::{MigrateError, Migrator};
use std::path::{Path, PathBuf};

/// A workspace with a migrations crate, as `knexrs init` lays it out (and as
/// this repository is laid out): what every workspace command needs.
///
/// ```no_run
/// # fn migrator() -> Result<knexrs_migrate::Migrator, knexrs_migrate::MigrateError> { knexrs_migrate::Migrator::new(vec![]) }
/// // In an xtask's main.rs, one folder below the workspace root:
/// let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
/// let project = knexrs_cli::Project::new(root, migrator());
/// assert!(project.migrations_dir().ends_with("migrations"));
/// ```
#[derive(Debug)]
pub struct Project {
    root: PathBuf,
    migrations_dir: PathBuf,
    tables_file: PathBuf,
    migrator: Result<Migrator, MigrateError>,
    seeds_dir: PathBuf,
    seeder: Result<knexrs_migrate::Seeder, MigrateError>,
}

impl Project {
    /// The workspace at `root`, with its migrations in `root/migrations` and
    /// its typed tables in `root/migrations/schema/tables.rs`.
    ///
    /// ```
    /// let project = knexrs_cli::Project::new("/src/app", knexrs_migrate::Migrator::new(vec![]));
    /// assert_eq!(project.tables_file(), std::path::Path::new("/src/app/migrations/schema/tables.rs"));
    /// ```
    pub fn new(root: impl Into<PathBuf>, migrator: Result<Migrator, MigrateError>) -> Self {
        let root = root.into();
        let migrations_dir = root.join("migrations");
        let tables_file = migrations_dir.join("schema").join("tables.rs");
        let seeds_dir = root.join("seeds");
        Project {
            root,
            migrations_dir,
            tables_file,
            migrator,
            seeds_dir,
            seeder: knexrs_migrate::Seeder::new(Vec::new()),
        }
    }

    /// Keeps the migrations in another folder of the workspace.
    ///
    /// ```
    /// let mut project = knexrs_cli::Project::new("/src/app", knexrs_migrate::Migrator::new(vec![]));
    /// project.set_migrations_dir("db/migrations");
    /// assert_eq!(project.migrations_dir(), std::path::Path::new("/src/app/db/migrations"));
    /// ```
    pub fn set_migrations_dir(&mut self, dir: impl AsRef<Path>) -> &mut Self {
        self.migrations_dir = self.root.join(dir);
        self.tables_file = self.migrations_dir.join("schema").join("tables.rs");
        self
    }

    /// The project's seeds (the migrations crate's `seeder()`, compiled from
    /// `seeds/` by `knexrs_embed::embed_seeds`).
    ///
    /// ```
    /// let mut project = knexrs_cli::Project::new("/src/app", knexrs_migrate::Migrator::new(vec![]));
    /// project.set_seeder(knexrs_migrate::Seeder::new(vec![knexrs_migrate::Seed::new("01_users", |_| {})]));
    /// assert_eq!(project.seeder().as_ref().unwrap().seeds().len(), 1);
    /// ```
    pub fn set_seeder(&mut self, seeder: Result<knexrs_migrate::Seeder, MigrateError>) -> &mut Self {
        self.seeder = seeder;
        self
    }

    /// The seeds, or why they are unusable (none unless [`set_seeder`](Self::set_seeder) gave them).
    ///
    /// ```
    /// let project = knexrs_cli::Project::new("/src/app", knexrs_migrate::Migrator::new(vec![]));
    /// assert!(project.seeder().as_ref().unwrap().seeds().is_empty());
    /// ```
    pub fn seeder(&self) -> &Result<knexrs_migrate::Seeder, MigrateError> {
        &self.seeder
    }

    /// Where `seed make` writes seeds (`seeds/`, as knex).
    ///
    /// ```
    /// let project = knexrs_cli::Project::new("/src/app", knexrs_migrate::Migrator::new(vec![]));
    /// assert_eq!(project.seeds_dir(), std::path::Path::new("/src/app/seeds"));
    /// ```
    pub fn seeds_dir(&self) -> &Path {
        &self.seeds_dir
    }

    /// The workspace root.
    ///
    /// ```
    /// let project = knexrs_cli::Project::new("/src/app", knexrs_migrate::Migrator::new(vec![]));
    /// assert_eq!(project.root(), std::path::Path::new("/src/app"));
    /// ```
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where `migrate make` writes migrations.
    ///
    /// ```
    /// let project = knexrs_cli::Project::new("/src/app", knexrs_migrate::Migrator::new(vec![]));
    /// assert_eq!(project.migrations_dir(), std::path::Path::new("/src/app/migrations"));
    /// ```
    pub fn migrations_dir(&self) -> &Path {
        &self.migrations_dir
    }

    /// Where `schema generate` writes the typed tables.
    ///
    /// ```
    /// let project = knexrs_cli::Project::new("/src/app", knexrs_migrate::Migrator::new(vec![]));
    /// assert!(project.tables_file().ends_with("schema/tables.rs"));
    /// ```
    pub fn tables_file(&self) -> &Path {
        &self.tables_file
    }

    /// The migrations, or why they are unusable.
    ///
    /// ```
    /// let project = knexrs_cli::Project::new("/src/app", knexrs_migrate::Migrator::new(vec![]));
    /// assert!(project.migrator().is_ok());
    /// ```
    pub fn migrator(&self) -> &Result<Migrator, MigrateError> {
        &self.migrator
    }

    /// The build output folder (`CARGO_TARGET_DIR`, else `target/`), which
    /// also holds the local clusters.
    ///
    /// ```
    /// let project = knexrs_cli::Project::new("/src/app", knexrs_migrate::Migrator::new(vec![]));
    /// if std::env::var_os("CARGO_TARGET_DIR").is_none() {
    ///     assert_eq!(project.target_dir(), std::path::Path::new("/src/app/target"));
    /// }
    /// ```
    pub fn target_dir(&self) -> PathBuf {
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| self.root.join("target"), PathBuf::from)
    }
}
