//! knexrs for a whole workspace: the commands a project's xtask runs
//! (`migrate`, `db`, `schema generate`, `test`, on local PostgreSQL clusters
//! started as needed), and `knexrs init`, which adds knexrs to an existing
//! Cargo workspace.
//!
//! A project's xtask is a thin front over this crate:
//!
//! ```no_run
//! use clap::Parser;
//!
//! #[derive(Parser)]
//! struct Cli {
//!     #[command(subcommand)]
//!     command: knexrs_cli::WorkspaceCommand,
//! }
//!
//! # mod migrations { pub fn migrator() -> Result<knexrs_migrate::Migrator, knexrs_migrate::MigrateError> { knexrs_migrate::Migrator::new(vec![]) } }
//! fn main() -> std::process::ExitCode {
//!     let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
//!     let project = knexrs_cli::Project::new(root, migrations::migrator());
//!     knexrs_cli::run_workspace(&project, Cli::parse().command)
//! }
//! ```

mod app;
mod cargo_command;
mod init;
mod install;
mod local;
mod project;
mod schema;
mod server_versions;
mod test_binaries;
mod test_runner;
mod workspace;
mod xtask_dispatch;

pub use app::{App, app_main};
pub use cargo_command::cargo;
pub use init::{InitOptions, Planned, init, plan_init};
pub use install::{ensure_node, ensure_pgbouncer, ensure_postgres_server};
pub use local::{ClusterName, DEV_DATABASE, TEST_DATABASE, cluster, connect};
pub use project::Project;
pub use schema::{GenerateArgs, generate};
pub use server_versions::{PgVersions, SUPPORTED_MAJORS, postgres_server};
pub use test_runner::{TestOptions, run_tests};
pub use workspace::{DbAction, SchemaAction, WorkspaceCommand, failure, run_workspace};
pub use xtask_dispatch::exit_if_workspace_command;
