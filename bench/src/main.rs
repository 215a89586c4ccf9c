//! `peer-bench`: our commands for the peer benchmark harness (its README's
//! `KNEXRS_MIGRATE_CMD`, `KNEXRS_W4_CMD` … `KNEXRS_W8_CMD`).

use clap::{Parser, Subcommand};
use knexrs_bench::{migrate, w4, w5, w6, w6b, w7, w8};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "peer-bench", about = "knexrs in the Knex.js peer benchmarks")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// W1–W3: `latest` or `rollback` of the generated migrations, built with the schema DSL
    Migrate {
        /// latest | rollback
        action: migrate::Action,
        /// The database
        #[arg(long)]
        url: String,
        /// The generated folder (its manifest.json names the migrations)
        #[arg(long)]
        dir: PathBuf,
    },
    /// W4: build + render the four queries `iters` times per round
    W4 {
        iters: usize,
        rounds: usize,
        /// Only this query (for profiling)
        #[arg(long)]
        only: Option<String>,
    },
    /// W5: `n` inserts, first() and updates through the query builder
    W5 { url: String, n: usize },
    /// W5 through the async executor (one connection, the same three phases)
    W5Async { url: String, n: usize },
    /// W6: a fresh migrated database per test, `runs` times after a warm-up
    W6 { url: String, runs: usize, migrations: PathBuf },
    /// W6b: `tests` tests on `threads` threads, each on its own migrated database
    W6b { url: String, tests: usize, threads: usize, migrations: PathBuf },
    /// W7 through the async executor: `concurrency` tasks on a pool of `pool`
    W7Async { url: String, seconds: f64, concurrency: usize, pool: u32, rows: Option<u64>, warmup: Option<f64> },
    /// W7 through the blocking executor: `concurrency` threads on a pool of `pool`
    W7Sync { url: String, seconds: f64, concurrency: usize, pool: u32, rows: Option<u64>, warmup: Option<f64> },
    /// W8: every database of `targets` (`name url` lines) to latest, `parallel` at a time
    W8 { targets: PathBuf, parallel: usize, dir: PathBuf, n: usize },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Migrate { action, url, dir } => migrate::run(action, &url, &dir),
        Command::W4 { iters, rounds, only } => w4::run(iters, rounds, only.as_deref()),
        Command::W5 { url, n } => w5::run(&url, n),
        Command::W5Async { url, n } => w5::run_async(&url, n),
        Command::W6 { url, runs, migrations } => w6::run(&url, runs, &migrations),
        Command::W6b { url, tests, threads, migrations } => w6b::run(&url, tests, threads, &migrations),
        Command::W7Async { url, seconds, concurrency, pool, rows, warmup } => w7::run_async(
            &url,
            w7::Args { seconds, concurrency, pool, rows: rows.unwrap_or(10_000), warmup: warmup.unwrap_or(2.0) },
        ),
        Command::W7Sync { url, seconds, concurrency, pool, rows, warmup } => w7::run_sync(
            &url,
            w7::Args { seconds, concurrency, pool, rows: rows.unwrap_or(10_000), warmup: warmup.unwrap_or(2.0) },
        ),
        Command::W8 { targets, parallel, dir, n } => w8::run(&targets, parallel, &dir, n),
    };
    match result {
        Ok(json) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("peer-bench: {e}");
            ExitCode::FAILURE
        }
    }
}
