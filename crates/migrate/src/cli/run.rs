//! Dispatching a parsed command to the migrator and printing the outcome.

use super::args::{MigrateArgs, MigrateCommand, RunArgs};
use super::output::{Printer, millis, status_json, status_text};
use crate::{MigrateError, Migrator, RunOptions, Tables, Target};
use knexrs_query::{ConnectConfig, Environment};
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

/// Runs a command to completion the way a binary should: SIGINT/SIGTERM stop
/// the run cleanly (a second signal exits at once), errors print as one line
/// on stderr, and the exit code is 0 (done), 1 (failed) or 3 (`status
/// --exit-code` found work). clap itself exits with 2 on usage errors.
///
/// ```no_run
/// use clap::Parser;
/// use knexrs_migrate::{cli, Migrator};
/// use knexrs_query::ConnectConfig;
///
/// #[derive(Parser)]
/// struct Cli { #[command(flatten)] migrate: cli::MigrateArgs }
///
/// # fn migrations() -> Vec<knexrs_migrate::Migration> { vec![] }
/// fn main() -> std::process::ExitCode {
///     let migrator = Migrator::new(migrations());
///     let connect = |env| Ok(ConnectConfig::from_env(env)?.expect("DATABASE_URL is set"));
///     let context = cli::Context { migrator: &migrator, migrations_dir: None, connect: &connect };
///     cli::main(&context, &Cli::parse().migrate)
/// }
/// ```
pub fn main(context: &Context<'_>, args: &MigrateArgs) -> ExitCode {
    // The first SIGINT/SIGTERM stops the run (cancelling the running
    // statement); a second one exits at once.
    if let Ok(mut signals) =
        signal_hook::iterator::Signals::new([signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM])
    {
        let _ = std::thread::Builder::new().name("signals".into()).spawn(move || {
            for (i, _) in signals.forever().enumerate() {
                if i == 0 {
                    crate::interrupt();
                } else {
                    std::process::exit(130);
                }
            }
        });
    }
    let mut stdout = std::io::stdout().lock();
    match run(context, args, &mut stdout) {
        Ok(Outcome::Done) => ExitCode::SUCCESS,
        Ok(Outcome::NotUpToDate) => ExitCode::from(3),
        Err(error) => {
            let _ = stdout.flush();
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// What the command line needs besides its arguments.
///
/// ```
/// use std::path::Path;
/// use knexrs_migrate::{cli, MigrateError, Migrator};
/// use knexrs_query::ConnectConfig;
///
/// let migrator = Migrator::new(vec![]);
/// let connect = |_env| -> Result<ConnectConfig, MigrateError> {
///     Err(MigrateError::NoConnection("set DATABASE_URL".into()))
/// };
/// let context = cli::Context { migrator: &migrator, migrations_dir: Some(Path::new("migrations")), connect: &connect };
/// assert!(context.migrator.is_ok());
/// ```
pub struct Context<'a> {
    /// The project's migrations, or why they are unusable (reported by every
    /// command but `make`, which must work to fix them).
    pub migrator: &'a Result<Migrator, MigrateError>,
    /// Where `make` writes; `None` where there are no sources (a deployed binary).
    pub migrations_dir: Option<&'a Path>,
    /// The connection for an environment (the xtask falls back to its local cluster).
    pub connect: &'a dyn Fn(Environment) -> Result<ConnectConfig, MigrateError>,
}

/// How a command ended, for the exit code.
///
/// ```no_run
/// use clap::Parser;
/// use knexrs_migrate::{cli, Migrator};
/// use knexrs_query::ConnectConfig;
///
/// #[derive(Parser)]
/// struct Cli { #[command(flatten)] migrate: cli::MigrateArgs }
///
/// let migrator = Migrator::new(vec![]);
/// let connect = |env| Ok(ConnectConfig::from_env(env)?.expect("DATABASE_URL is set"));
/// let context = cli::Context { migrator: &migrator, migrations_dir: None, connect: &connect };
/// let args = Cli::parse_from(["migrate", "status", "--exit-code"]).migrate;
/// if cli::run(&context, &args, &mut std::io::sink())? == cli::Outcome::NotUpToDate {
///     println!("migrations are pending");
/// }
/// # Ok::<(), knexrs_migrate::MigrateError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Done.
    Done,
    /// `status --exit-code` found something pending, edited or unfinished (exit 3).
    NotUpToDate,
}

/// Runs one command, printing to `out`.
///
/// ```no_run
/// use clap::Parser;
/// use knexrs_migrate::{cli, Migrator};
/// use knexrs_query::ConnectConfig;
///
/// #[derive(Parser)]
/// struct Cli { #[command(flatten)] migrate: cli::MigrateArgs }
///
/// let migrator = Migrator::new(vec![]);
/// let connect = |env| Ok(ConnectConfig::from_env(env)?.expect("DATABASE_URL is set"));
/// let context = cli::Context { migrator: &migrator, migrations_dir: None, connect: &connect };
/// cli::run(&context, &Cli::parse().migrate, &mut std::io::stdout())?;
/// # Ok::<(), knexrs_migrate::MigrateError>(())
/// ```
pub fn run(context: &Context<'_>, args: &MigrateArgs, out: &mut dyn Write) -> Result<Outcome, MigrateError> {
    if let MigrateCommand::Make { name } = &args.command {
        let dir = context.migrations_dir.ok_or_else(|| {
            MigrateError::Make(
                "this binary has no migrations folder: run `cargo xtask migrate make` in the workspace".into(),
            )
        })?;
        let path = crate::make(dir, name, chrono::Utc::now())?;
        let _ = writeln!(out, "Created Migration: {}", path.display());
        return Ok(Outcome::Done);
    }
    let environment = match args.connection.env {
        Some(environment) => environment,
        None => Environment::from_env()?,
    };
    let mut migrator = match context.migrator {
        Ok(migrator) => migrator.clone(),
        Err(error) => return Err(MigrateError::InvalidMigrations(error.to_string())),
    };
    migrator.set_tables(Tables::new(args.connection.table.clone(), args.connection.schema.clone())?);
    let connection = (context.connect)(environment)?;
    let banner = format!("Using environment: {environment} ({})", connection.redacted());
    // Machine-readable output stays alone on stdout.
    if matches!(&args.command, MigrateCommand::Status(status) if status.json) {
        eprintln!("{banner}");
    } else {
        let _ = writeln!(out, "{banner}");
    }
    let target = match &args.command {
        MigrateCommand::Latest(run) => Some((Target::Latest, run)),
        MigrateCommand::Rollback { all, run } => Some((Target::Rollback { all: *all }, run)),
        MigrateCommand::Up { name, run } => Some((Target::Up(name.clone()), run)),
        MigrateCommand::Down { name, run } => Some((Target::Down(name.clone()), run)),
        _ => None,
    };
    if let Some((target, run)) = target {
        return run_migrations(&migrator, &connection, &target, run, out);
    }
    match &args.command {
        MigrateCommand::Status(status_args) => {
            let status = migrator.status(&connection)?;
            if status_args.json {
                let _ = writeln!(out, "{}", status_json(&status));
            } else {
                let _ = status_text(&status, out);
            }
            if status_args.exit_code && !status.is_up_to_date() {
                return Ok(Outcome::NotUpToDate);
            }
        }
        MigrateCommand::Unlock => {
            if migrator.unlock(&connection)? {
                let _ = writeln!(out, "Unlocked the migrations lock table ({})", migrator.tables().lock());
            } else {
                let _ = writeln!(out, "No lock table ({}): nothing to unlock", migrator.tables().lock());
            }
        }
        MigrateCommand::CurrentVersion => {
            let version = migrator.current_version(&connection)?;
            let _ = writeln!(out, "Current Version: {}", version.as_deref().unwrap_or("none"));
        }
        MigrateCommand::Accept { name } => {
            migrator.accept(&connection, name)?;
            let _ = writeln!(out, "Accepted the current source of {name} as applied");
        }
        MigrateCommand::Resolve { name, applied, .. } => {
            migrator.resolve(&connection, name, *applied)?;
            let state = if *applied { "applied" } else { "rolled back (not applied)" };
            let _ = writeln!(out, "Recorded {name} as {state}");
        }
        _ => {}
    }
    Ok(Outcome::Done)
}

fn run_migrations(
    migrator: &Migrator,
    connection: &ConnectConfig,
    target: &Target,
    args: &RunArgs,
    out: &mut dyn Write,
) -> Result<Outcome, MigrateError> {
    let mut options = RunOptions::default();
    if let Some(mode) = args.transaction {
        options.transaction(mode);
    }
    if let Some(t) = args.lock_timeout {
        options.lock_timeout(t);
    }
    if let Some(t) = args.statement_timeout {
        options.statement_timeout(t);
    }
    options.lock_wait(args.lock_wait);
    if args.dry_run {
        let plan = migrator.dry_run(connection, target, &options)?;
        let _ = write!(out, "{}", plan.to_script());
        return Ok(Outcome::Done);
    }
    let started = Instant::now();
    let report = migrator.run(connection, target, &options, &mut Printer { out: &mut *out })?;
    let _ = if report.is_empty() {
        match target {
            Target::Latest | Target::Up(_) => writeln!(out, "Already up to date"),
            _ => writeln!(out, "Already at the base migration"),
        }
    } else {
        writeln!(out, "Done in {}", millis(started.elapsed()))
    };
    Ok(Outcome::Done)
}
