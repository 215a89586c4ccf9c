//! The commands every knexrs workspace has (`cargo xtask migrate|db|schema|test`),
//! parsed by clap and run for a [`Project`].

use crate::{ClusterName, GenerateArgs, PgVersions, Project, TestOptions, cluster, connect, generate, run_tests};
use knexrs_cluster::ClusterState;
use knexrs_migrate::cli::{self, MigrateArgs};
use std::process::ExitCode;

/// The workspace commands, for an xtask to flatten into its own.
///
/// ```
/// use clap::{Parser, Subcommand};
///
/// #[derive(Parser)]
/// struct Cli {
///     #[command(subcommand)]
///     command: Command,
/// }
///
/// #[derive(Subcommand)]
/// enum Command {
///     #[command(flatten)]
///     Workspace(knexrs_cli::WorkspaceCommand),
///     /// Something of the project's own
///     Deploy,
/// }
///
/// let cli = Cli::parse_from(["xtask", "migrate", "latest"]);
/// assert!(matches!(cli.command, Command::Workspace(knexrs_cli::WorkspaceCommand::Migrate(_))));
/// ```
#[derive(Debug, clap::Subcommand)]
pub enum WorkspaceCommand {
    /// Migrations: latest, rollback, up, down, to, before, status, make, lint, verify, drift, unlock, current-version, accept, resolve
    Migrate(MigrateArgs),
    /// Seeds: make, run, status (development and test data, in seeds/)
    Seed(cli::SeedArgs),
    /// The local PostgreSQL clusters `migrate` (dev) and `test` (test) use when no DATABASE_URL is set
    Db {
        /// What to do.
        #[command(subcommand)]
        action: DbAction,
        /// Which cluster: dev (for migrate) or test (for test)
        #[arg(long, value_enum, default_value = "dev", global = true)]
        cluster: ClusterName,
    },
    /// Typed table definitions from the migrated database
    Schema {
        /// What to do.
        #[command(subcommand)]
        action: SchemaAction,
    },
    /// Run every test of the workspace on the local test cluster (arguments go to `cargo test`)
    Test {
        /// PostgreSQL major versions to run on instead of the machine's server: 13 to 18, a list (13,18), or all
        #[arg(long, value_name = "VERSIONS")]
        pg: Option<PgVersions>,
        /// `transaction`: reach every test database through a local PgBouncer in transaction mode (pool size 2)
        #[arg(long, value_name = "MODE")]
        pooler: Option<knexrs_connect::Pooler>,
        /// Run this many test binaries at once, each one's output printed whole as it ends
        /// (1, the default: one after another, as `cargo test` runs them)
        #[arg(long, value_name = "N", default_value_t = 1)]
        binaries_at_once: usize,
        /// Passed on to `cargo test --workspace`
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        cargo_args: Vec<String>,
    },
}

/// `schema …`.
///
/// ```
/// let action = knexrs_cli::SchemaAction::Generate(knexrs_cli::GenerateArgs { check: false, schema: "public".into(), pg: None });
/// assert!(matches!(action, knexrs_cli::SchemaAction::Generate(_)));
/// ```
#[derive(Debug, clap::Subcommand)]
pub enum SchemaAction {
    /// Write the migrations crate's schema/tables.rs from a scratch database migrated to the latest migration
    Generate(GenerateArgs),
}

/// `db …`.
///
/// ```
/// assert_ne!(knexrs_cli::DbAction::Start, knexrs_cli::DbAction::Stop);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::Subcommand)]
pub enum DbAction {
    /// Create the cluster if needed and start it; prints its URL
    Start,
    /// Stop the cluster
    Stop,
    /// Whether the cluster exists and runs
    Status,
    /// Print the cluster's URL
    Url,
}

/// Runs a workspace command; errors print as one line on stderr.
///
/// ```no_run
/// use clap::Parser;
///
/// #[derive(Parser)]
/// struct Cli { #[command(subcommand)] command: knexrs_cli::WorkspaceCommand }
///
/// # fn migrator() -> Result<knexrs_migrate::Migrator, knexrs_migrate::MigrateError> { knexrs_migrate::Migrator::new(vec![]) }
/// fn main() -> std::process::ExitCode {
///     let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
///     let project = knexrs_cli::Project::new(root, migrator());
///     knexrs_cli::run_workspace(&project, Cli::parse().command)
/// }
/// ```
pub fn run_workspace(project: &Project, command: WorkspaceCommand) -> ExitCode {
    match command {
        WorkspaceCommand::Migrate(args) => {
            let connect = |environment| connect(project, environment);
            let context = cli::Context {
                migrator: project.migrator(),
                migrations_dir: Some(project.migrations_dir()),
                connect: &connect,
            };
            cli::main(&context, &args)
        }
        WorkspaceCommand::Seed(args) => {
            let connect = |environment| connect(project, environment);
            let context =
                cli::SeedContext { seeder: project.seeder(), seeds_dir: Some(project.seeds_dir()), connect: &connect };
            cli::seed_main(&context, &args)
        }
        WorkspaceCommand::Db { action, cluster } => report(db(project, action, cluster)),
        WorkspaceCommand::Schema { action: SchemaAction::Generate(args) } => {
            generate(project, &args).unwrap_or_else(failure)
        }
        WorkspaceCommand::Test { pg, pooler, binaries_at_once, cargo_args } => {
            run_tests(project, &TestOptions { pg, pooler, binaries_at_once, cargo_args }).unwrap_or_else(failure)
        }
    }
}

fn db(project: &Project, action: DbAction, name: ClusterName) -> anyhow::Result<()> {
    let cluster = cluster(project, name)?;
    let database = name.database();
    match action {
        DbAction::Start => {
            let port = cluster.start()?;
            cluster.ensure_database(port, database)?;
            println!("{}", cluster.url(port, database));
        }
        DbAction::Stop => {
            let was_running = cluster.stop()?;
            println!("{} cluster {}", cluster.name(), if was_running { "stopped" } else { "was not running" });
        }
        DbAction::Status => match cluster.state()? {
            ClusterState::Uninitialized => println!("{} cluster: not created (db start)", cluster.name()),
            ClusterState::Stopped => println!("{} cluster: stopped ({})", cluster.name(), cluster.data_dir().display()),
            ClusterState::Running { port } => {
                println!("{} cluster: running on {}", cluster.name(), cluster.url(port, database))
            }
        },
        DbAction::Url => match cluster.state()? {
            ClusterState::Running { port } => println!("{}", cluster.url(port, database)),
            _ => anyhow::bail!("the {} cluster is not running: start it with `cargo xtask db start`", cluster.name()),
        },
    }
    Ok(())
}

/// An error as the one line a command prints, exit 1.
///
/// ```
/// let code = knexrs_cli::failure(anyhow::anyhow!("no database"));
/// assert_eq!(code, std::process::ExitCode::FAILURE);
/// ```
pub fn failure(error: anyhow::Error) -> ExitCode {
    eprintln!("error: {error:#}");
    ExitCode::FAILURE
}

fn report(result: anyhow::Result<()>) -> ExitCode {
    result.map_or_else(failure, |()| ExitCode::SUCCESS)
}
