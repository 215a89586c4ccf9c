//! `fixture-seed <set> <seed command…>`: the seed command line over a
//! fixture seed set (see `knexrs_tests::seed_set`), connecting through
//! `DATABASE_URL`; `seed make` writes into `FIXTURE_SEEDS_DIR`.

use clap::Parser;
use knexrs_connect::ConnectConfig;
use knexrs_migrate::cli::{self, SeedArgs};
use knexrs_migrate::{MigrateError, Seeder};
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "fixture-seed")]
struct Cli {
    /// The fixture seed set, e.g. `people`
    set: String,
    #[command(flatten)]
    seed: SeedArgs,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let seeder = match knexrs_tests::seed_set(&cli.set) {
        Ok(set) => Seeder::new(set),
        Err(problem) => {
            eprintln!("error: {problem}");
            return ExitCode::from(2);
        }
    };
    let connect =
        |environment| ConnectConfig::from_env(environment)?.ok_or(MigrateError::NotConfigured { environment });
    let dir = std::env::var_os("FIXTURE_SEEDS_DIR").map(std::path::PathBuf::from);
    let context = cli::SeedContext { seeder: &seeder, seeds_dir: dir.as_deref(), connect: &connect };
    cli::seed_main(&context, &cli.seed)
}
