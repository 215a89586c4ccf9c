//! A Knex-compatible migration runner for PostgreSQL.
//!
//! Migrations are Rust files (`migrations/YYYYMMDDHHMMSS_<name>.rs`) with an
//! `up` and a `down` that record schema statements; `knexrs-embed` compiles a
//! folder of them into a crate from its build script. The runner keeps knex's own bookkeeping
//! (`knex_migrations`, `knex_migrations_lock`), so a database knex migrated is
//! taken over as is, and knex can take it back.
//!
//! A run holds a PostgreSQL advisory lock (released by the server if the
//! runner dies) and knex's lock row, locked in the run's transaction when the
//! run is one (on its one connection), else in the open transaction of a
//! second connection. By default a batch runs in one transaction; each
//! migration's statements go to the server in one round trip. Every command
//! has a blocking form and an `…_async` one (for an application that migrates
//! at start-up on its own runtime); a run is cancelled through its
//! [`Cancel`] handle.
//!
//! Before a deploy, [`Migrator::lint`] runs each pending migration statement
//! by statement on a throwaway database and reports what it would lock and
//! rewrite on a database in use ([`Hazard`]); [`Migrator::verify`] checks
//! that each `down` undoes its `up`.
//!
//! Data ([`Migrator`], [`Migration`], [`Plan`]) is kept apart from the SQL it
//! sends (the `db` module), as in sqlx's `Migrator` / `Migrate`.
//!
//! ```
//! use knexrs_migrate::{Migration, Migrator, Target, RunOptions};
//!
//! let migrator = Migrator::new(vec![Migration::new(
//!     "20250126000002_create_token_jti_table",
//!     |s| { s.create_table("token_jti", |t| { t.text("jti").primary(); }); },
//!     |s| { s.drop_table_if_exists("token_jti"); },
//! )])
//! .unwrap();
//! assert_eq!(migrator.migrations().len(), 1);
//! ```

mod backfill;
mod cancel;
mod catalog;
mod checksum;
#[cfg(feature = "cli")]
pub mod cli;
mod commands;
mod copy_binary;
mod copy_text;
mod db;
mod drift;
mod error;
mod execute;
mod fleet;
mod lint;
mod lock;
mod make;
mod migration;
mod migrator;
mod noop;
mod options;
mod plan;
mod pooled;
mod report;
mod runtime;
mod scratch;
mod seed;
mod session;
mod status;
mod step;
mod tables;
mod verify;

pub use backfill::Backfill;
pub use cancel::Cancel;
pub use catalog::{Catalog, CatalogKey, Difference};
pub use checksum::checksum;
pub use db::{AppliedRow, Blocker};
pub use drift::{DriftLine, DriftOptions, DriftReport};
pub use error::{LockKind, MigrateError};
pub use fleet::{FleetDrift, FleetOptions, FleetOutcome, FleetReport, FleetReporter, FleetStatus, FleetTarget};
pub use lint::{Finding, Hazard, LintOptions, LintReport, LockMode, MigrationLint, Severity, TracedStatement};
pub use make::{MIGRATION_STUB, MakeOptions, SEED_STUB, make, make_seed, make_seed_with, make_with};
pub use migration::{Migration, MigrationConfig};
pub use migrator::Migrator;
pub use options::{RunOptions, TransactionMode};
pub use plan::{Plan, PlannedMigration, PlannedStep, Target, Unit};
pub use report::{Direction, Event, Ran, Reporter, RunReport, Silent};
pub use seed::{Seed, SeedFleetStatus, SeedOptions, SeedOutcome, SeedReport, SeedState, Seeder};
pub use status::{MigrationStatus, Status};
pub use step::{MigrationSteps, StepDb, StepError, StepFuture};
pub use tables::Tables;
pub use verify::{Verdict, VerifyOptions, VerifyReport};

/// What a migration file needs: `use knexrs_migrate::prelude::*;`.
pub mod prelude {
    pub use crate::{Backfill, MigrationConfig, MigrationSteps, StepDb};
    /// The query builder, for data statements (`query::raw` is its raw SQL;
    /// `raw` here is the schema DSL's, for defaults).
    pub use knexrs_query as query;
    pub use knexrs_query::{Delete, Insert, Select, Update, Wheres};
    pub use knexrs_schema::{Check, Deferrable, ForeignKeyAction, Identity, SchemaBuilder, now, raw};
}
