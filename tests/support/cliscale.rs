//! The cliscale migrations as the tests' own fixture: a copy of the two knex
//! migrations' Rust port, kept here so the workspace's tests do not change
//! when a user adds migrations to `migrations/`, and their typed tables.

use knexrs_migrate::{Migration, MigrationConfig, Migrator};

// Migration files' `pub fn`s are reached through `migrations()`, as the
// registry `knexrs-embed` writes reaches them.
#[allow(unreachable_pub, missing_docs)]
#[path = "../fixtures/cliscale-rs/20250126000001_create_sessions_table.rs"]
mod create_sessions_table;
#[allow(unreachable_pub, missing_docs)]
#[path = "../fixtures/cliscale-rs/20250126000002_create_token_jti_table.rs"]
mod create_token_jti_table;

/// The typed definitions `schema generate` writes for these migrations
/// (`tests/codegen.rs` checks the file is what it writes).
#[path = "../fixtures/cliscale-rs/tables.rs"]
pub mod tables;

/// The two cliscale migrations, as embedded migrations are made.
pub fn migrations() -> Vec<Migration> {
    vec![
        Migration::from_source(
            "20250126000001_create_sessions_table",
            "20250126000001_create_sessions_table.rs",
            create_sessions_table::up,
            create_sessions_table::down,
            include_str!("../fixtures/cliscale-rs/20250126000001_create_sessions_table.rs"),
            MigrationConfig::new(),
        ),
        Migration::from_source(
            "20250126000002_create_token_jti_table",
            "20250126000002_create_token_jti_table.rs",
            create_token_jti_table::up,
            create_token_jti_table::down,
            include_str!("../fixtures/cliscale-rs/20250126000002_create_token_jti_table.rs"),
            MigrationConfig::new(),
        ),
    ]
}

/// Their migrator.
pub fn migrator() -> Migrator {
    Migrator::new(migrations()).expect("the cliscale fixture migrations are valid")
}
