//! `cargo xtask`: this workspace's commands, a thin layer over the libraries.

mod bench;
mod bench_report;
mod bench_rss;
mod checks;
mod e2e;
mod local;
mod schema;
mod stress;
mod system_packages;
mod test;

use clap::{Parser, Subcommand};
use knexrs_cluster::ClusterState;
use knexrs_migrate::cli::{self, MigrateArgs};
use local::ClusterName;
use std::process::ExitCode;

/// The workspace's commands.
#[derive(Parser)]
#[command(name = "cargo xtask", about = "Migrations, the local PostgreSQL cluster, and tests for this workspace")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Migrations: latest, rollback, up, down, status, make, unlock, current-version, accept, resolve
    Migrate(MigrateArgs),
    /// The local PostgreSQL cluster `migrate` uses when no DATABASE_URL is set
    Db {
        #[command(subcommand)]
        action: DbAction,
        /// Which cluster: dev (for migrate) or test (for cargo xtask test)
        #[arg(long, value_enum, default_value = "dev", global = true)]
        cluster: ClusterName,
    },
    /// Typed table definitions from the migrated database
    Schema {
        #[command(subcommand)]
        action: SchemaAction,
    },
    /// The Knex.js peer benchmarks with our commands; writes BENCHMARKS.md
    Bench(bench::BenchArgs),
    /// Runs a command and prints its peak memory (used by `bench`)
    #[command(hide = true)]
    MeasureRss {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true, required = true)]
        command: Vec<String>,
    },
    /// The runner under concurrency and faults: 16 racing runners, SIGKILL at random moments, failures at k of n, a server restart
    Stress,
    /// Checks that hold without a database: every locked dependency accepts the declared rust-version, and deploy/Dockerfile builds with it
    Check,
    /// What a user does, end to end, in a scratch folder: add a migration to a copy of this workspace the README's way and run its tests
    E2e(e2e::E2eArgs),
    /// Run every test of the workspace on the local test cluster
    Test {
        /// Passed on to `cargo test --workspace`
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        cargo_args: Vec<String>,
    },
}

#[derive(Subcommand)]
enum SchemaAction {
    /// Write migrations/schema/tables.rs from a scratch database migrated to the latest migration
    Generate(schema::GenerateArgs),
}

#[derive(Subcommand, Clone, Copy)]
enum DbAction {
    /// Create the cluster if needed and start it; prints its URL
    Start,
    /// Stop the cluster
    Stop,
    /// Whether the cluster exists and runs
    Status,
    /// Print the cluster's URL
    Url,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Migrate(args) => migrate(&args),
        Command::Db { action, cluster } => report(db(action, cluster)),
        Command::Schema { action: SchemaAction::Generate(args) } => schema::generate(&args).unwrap_or_else(failure),
        Command::Bench(args) => bench::run(&args).unwrap_or_else(failure),
        Command::MeasureRss { command } => bench_rss::measure_child(&command).unwrap_or_else(failure),
        Command::Stress => stress::run().unwrap_or_else(failure),
        Command::Check => checks::run().unwrap_or_else(failure),
        Command::E2e(args) => e2e::run(&args).unwrap_or_else(failure),
        Command::Test { cargo_args } => test::run(&cargo_args).unwrap_or_else(failure),
    }
}

fn migrate(args: &MigrateArgs) -> ExitCode {
    let migrator = cliscale_migrations::migrator();
    let dir = local::workspace_root().join("migrations");
    let context = cli::Context { migrator: &migrator, migrations_dir: Some(&dir), connect: &local::connect };
    cli::main(&context, args)
}

fn db(action: DbAction, name: ClusterName) -> anyhow::Result<()> {
    let cluster = local::cluster(name)?;
    let database = match name {
        ClusterName::Dev => local::DEV_DATABASE,
        ClusterName::Test => "postgres",
    };
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
            ClusterState::Uninitialized => println!("{} cluster: not created (cargo xtask db start)", cluster.name()),
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

fn failure(error: anyhow::Error) -> ExitCode {
    eprintln!("error: {error:#}");
    ExitCode::FAILURE
}

fn report(result: anyhow::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
