//! `cargo xtask`: this workspace's commands, a thin layer over the libraries:
//! the workspace commands every knexrs project has (knexrs-cli), and this
//! repository's own (benchmarks, stress, checks, end-to-end scenarios).

mod bench;
mod bench_deployed;
mod bench_report;
mod bench_rss;
mod bench_status;
mod bench_w5_async;
mod checks;
mod e2e;
mod package;
mod semver;
mod stress;

use clap::{Parser, Subcommand};
use knexrs_cli::{Project, WorkspaceCommand, failure, run_workspace};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The workspace's commands.
#[derive(Parser)]
#[command(
    name = "cargo xtask",
    about = "Migrations, the local PostgreSQL clusters, tests and benchmarks for this workspace"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    #[command(flatten)]
    Workspace(WorkspaceCommand),
    /// The Knex.js peer benchmarks with our commands; writes BENCHMARKS.md (fewer workloads than the default: `benchmarks/only-<workloads>/`)
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
    /// What a user does, end to end, in a scratch folder (see `cargo xtask e2e --help`)
    E2e(e2e::E2eArgs),
    /// The publishable crates' public API against the previous release (cargo-semver-checks, installed on first use)
    Semver(semver::SemverArgs),
    /// `cargo package` for every publishable crate, in dependency order, each verified against the others' packages
    Package,
}

/// The workspace root (the xtask lives one folder below it).
pub(crate) fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// This workspace as a knexrs project: its migrations are the cliscale controller's.
pub(crate) fn project() -> Project {
    let mut project = Project::new(workspace_root(), cliscale_migrations::migrator());
    project.set_seeder(cliscale_migrations::seeder());
    project
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Workspace(command @ WorkspaceCommand::Test { .. }) => {
            let project = project();
            // The knex comparisons (tests/knex_both_ways.rs) run real knex: Node.js first.
            if let Err(error) = knexrs_cli::ensure_node() {
                return failure(error);
            }
            // The pooler tests (tests/pooler.rs) run PgBouncer.
            if let Err(error) = knexrs_cli::ensure_pgbouncer() {
                return failure(error);
            }
            let code = run_workspace(&project, command);
            stop_test_file_clusters(&project);
            code
        }
        Command::Workspace(command) => run_workspace(&project(), command),
        Command::Bench(args) => bench::run(&args).unwrap_or_else(failure),
        Command::MeasureRss { command } => bench_rss::measure_child(&command).unwrap_or_else(failure),
        Command::Stress => stress::run().unwrap_or_else(failure),
        Command::Check => checks::run().unwrap_or_else(failure),
        Command::E2e(args) => e2e::run(&args).unwrap_or_else(failure),
        Command::Semver(args) => semver::run(&args).unwrap_or_else(failure),
        Command::Package => package::run().unwrap_or_else(failure),
    }
}

/// The servers single test files start on their first use (tests/tls.rs,
/// tests/unix_socket.rs): nothing else needs them running afterwards.
fn stop_test_file_clusters(project: &Project) {
    let root = project.target_dir().join("knexrs-pg");
    for (name, port) in [("tls", 54359), ("socket", 54349)] {
        if let Ok(cluster) = knexrs_cluster::LocalCluster::new(knexrs_cluster::ClusterOptions::new(name, &root, port)) {
            let _ = cluster.stop();
        }
    }
}
