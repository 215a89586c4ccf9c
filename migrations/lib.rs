//! The cliscale controller's database migrations.
//!
//! Every `YYYYMMDDHHMMSS_<name>.rs` in this folder is a migration with a
//! `pub fn up` and a `pub fn down`; the build script compiles them in, so
//! `cargo xtask migrate make <name>` followed by `cargo xtask migrate latest`
//! needs no registration by hand.
//!
//! `tables` holds the typed definitions of the migrated tables, written by
//! `cargo xtask schema generate`.
//!
//! ```
//! let migrator = cliscale_migrations::migrator().unwrap();
//! assert!(!migrator.migrations().is_empty());
//! ```

use knexrs_migrate::{MigrateError, Migrator};

mod registry {
    #![allow(missing_docs, unreachable_pub)]
    include!(concat!(env!("OUT_DIR"), "/migrations.rs"));
}

pub use registry::migrations;

#[path = "schema/tables.rs"]
pub mod tables;

/// The migrator over every migration in this folder, checked (no duplicate
/// versions, no misnamed files).
///
/// ```
/// let migrator = cliscale_migrations::migrator()?;
/// let names: Vec<&str> = migrator.migrations().iter().map(|m| m.name()).collect();
/// assert!(names.is_sorted(), "in the order they apply");
/// # Ok::<(), knexrs_migrate::MigrateError>(())
/// ```
pub fn migrator() -> Result<Migrator, MigrateError> {
    registry::migrator()
}

mod seed_registry {
    #![allow(missing_docs, unreachable_pub)]
    include!(concat!(env!("OUT_DIR"), "/seeds.rs"));
}

/// The development data in the workspace's `seeds/` folder (`cargo xtask seed run`).
///
/// ```
/// let seeder = cliscale_migrations::seeder()?;
/// assert!(seeder.seeds().iter().all(|s| !s.name().is_empty()));
/// # Ok::<(), knexrs_migrate::MigrateError>(())
/// ```
pub fn seeder() -> Result<knexrs_migrate::Seeder, MigrateError> {
    seed_registry::seeder()
}
