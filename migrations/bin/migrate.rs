//! `migrate`: the cliscale migrations with the migrate command line, for
//! deployment (a Kubernetes Job or init container runs `migrate latest`).
//! Connects through `DATABASE_URL` or the `DB_*` variables; it has no local
//! cluster and no `make`.

use clap::Parser;
use knexrs_connect::ConnectConfig;
use knexrs_migrate::MigrateError;
use knexrs_migrate::cli::{self, MigrateArgs};
use std::process::ExitCode;

/// Runs the cliscale database migrations.
#[derive(Parser)]
#[command(name = "migrate", version, about)]
struct Cli {
    #[command(flatten)]
    migrate: MigrateArgs,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let migrator = cliscale_migrations::migrator();
    let connect =
        |environment| ConnectConfig::from_env(environment)?.ok_or_else(|| MigrateError::NotConfigured { environment });
    let context = cli::Context { migrator: &migrator, migrations_dir: None, connect: &connect };
    cli::main(&context, &cli.migrate)
}
