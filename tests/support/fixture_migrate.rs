//! `fixture-migrate <set> <migrate command…>`: the migrate command line over a
//! fixture migration set (see `knexrs_tests::migration_set`), connecting
//! through `DATABASE_URL`.

use clap::Parser;
use knexrs_connect::ConnectConfig;
use knexrs_migrate::cli::{self, MigrateArgs};
use knexrs_migrate::{MigrateError, Migrator};
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "fixture-migrate")]
struct Cli {
    /// The fixture migration set, e.g. `slow:20:50`
    set: String,
    #[command(flatten)]
    migrate: MigrateArgs,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let migrator = match knexrs_tests::migration_set(&cli.set) {
        Ok(set) => Migrator::new(set),
        Err(problem) => {
            eprintln!("error: {problem}");
            return ExitCode::from(2);
        }
    };
    let connect =
        |environment| ConnectConfig::from_env(environment)?.ok_or(MigrateError::NotConfigured { environment });
    let context = cli::Context { migrator: &migrator, migrations_dir: None, connect: &connect };
    cli::main(&context, &cli.migrate)
}
