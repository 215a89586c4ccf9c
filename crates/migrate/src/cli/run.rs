//! Dispatching a parsed command to the migrator and printing the outcome.

use super::args::{ConnectionArgs, MigrateArgs, MigrateCommand, RunArgs, StatusArgs};
use super::output::{Printer, millis, status_json, status_text};
use crate::{Cancel, MigrateError, Migrator, RunOptions, Tables, Target};
use knexrs_connect::{ConnectConfig, Environment};
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Runs a command to completion the way a binary should: SIGINT/SIGTERM stop
/// the run cleanly (a second signal exits at once), errors print as one line
/// on stderr, and the exit code is 0 (done), 1 (failed) or 3 (`status
/// --exit-code` found work). clap itself exits with 2 on usage errors.
///
/// It installs a panic hook for the process: a migration that panics is
/// reported as the one-line error naming it (exit 1), not as a Rust panic.
///
/// ```no_run
/// use clap::Parser;
/// use knexrs_migrate::{cli, Migrator};
/// use knexrs_connect::ConnectConfig;
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
    main_with(|out, cancel| run(context, args, out, cancel))
}

/// The process side of a command: signals wired to a [`Cancel`], a panic
/// in the project's code reported on one line, the outcome as an exit code.
pub(crate) fn main_with(
    command: impl FnOnce(&mut (dyn Write + Send), &Cancel) -> Result<Outcome, MigrateError>,
) -> ExitCode {
    let cancel = Cancel::new();
    // The first SIGINT/SIGTERM cancels the run (and the statement it runs);
    // a second one exits at once.
    if let Ok(mut signals) =
        signal_hook::iterator::Signals::new([signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM])
    {
        let cancel = cancel.clone();
        let _ = std::thread::Builder::new().name("signals".into()).spawn(move || {
            for (i, _) in signals.forever().enumerate() {
                if i == 0 {
                    cancel.cancel();
                } else {
                    std::process::exit(130);
                }
            }
        });
    }
    // A panic in a migration's code comes back as `MigrateError::Panicked`;
    // any other is a bug of ours, printed on one line below.
    let last_panic: Arc<Mutex<Option<String>>> = Arc::default();
    let seen = last_panic.clone();
    std::panic::set_hook(Box::new(move |info| {
        let at = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        if let Ok(mut seen) = seen.lock() {
            *seen = Some(at);
        }
    }));
    let mut stdout = std::io::stdout();
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| command(&mut stdout, &cancel)));
    let _ = stdout.flush();
    match outcome {
        Ok(Ok(Outcome::Done)) => ExitCode::SUCCESS,
        Ok(Ok(Outcome::NotUpToDate)) => ExitCode::from(3),
        Ok(Ok(Outcome::NotReversible | Outcome::Hazardous | Outcome::Drifted)) => ExitCode::from(1),
        Ok(Err(error)) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
        Err(payload) => {
            let message = crate::migration::panic_message(payload.as_ref());
            let at = last_panic.lock().ok().and_then(|p| p.clone()).unwrap_or_default();
            eprintln!("error: knexrs panicked{at}: {message}; this is a bug, please report it");
            ExitCode::FAILURE
        }
    }
}

/// What the command line needs besides its arguments.
///
/// ```
/// use std::path::Path;
/// use knexrs_migrate::{cli, MigrateError, Migrator};
/// use knexrs_connect::ConnectConfig;
///
/// let migrator = Migrator::new(vec![]);
/// let connect = |_env| -> Result<ConnectConfig, MigrateError> {
///     Err(MigrateError::NotConfigured { environment: _env })
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
/// use knexrs_migrate::{cli, Cancel, Migrator};
/// use knexrs_connect::ConnectConfig;
///
/// #[derive(Parser)]
/// struct Cli { #[command(flatten)] migrate: cli::MigrateArgs }
///
/// let migrator = Migrator::new(vec![]);
/// let connect = |env| Ok(ConnectConfig::from_env(env)?.expect("DATABASE_URL is set"));
/// let context = cli::Context { migrator: &migrator, migrations_dir: None, connect: &connect };
/// let args = Cli::parse_from(["migrate", "status", "--exit-code"]).migrate;
/// if cli::run(&context, &args, &mut std::io::sink(), &Cancel::new())? == cli::Outcome::NotUpToDate {
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
    /// `verify` found a migration its `down` does not undo (exit 1).
    NotReversible,
    /// `lint` found a hazard of severity error, or a migration that fails (exit 1).
    Hazardous,
    /// `drift` found the schema changed outside the migrations (exit 1).
    Drifted,
}

/// Runs one command, printing to `out`; `cancel` stops it from elsewhere.
///
/// ```no_run
/// use clap::Parser;
/// use knexrs_migrate::{cli, Cancel, Migrator};
/// use knexrs_connect::ConnectConfig;
///
/// #[derive(Parser)]
/// struct Cli { #[command(flatten)] migrate: cli::MigrateArgs }
///
/// let migrator = Migrator::new(vec![]);
/// let connect = |env| Ok(ConnectConfig::from_env(env)?.expect("DATABASE_URL is set"));
/// let context = cli::Context { migrator: &migrator, migrations_dir: None, connect: &connect };
/// cli::run(&context, &Cli::parse().migrate, &mut std::io::stdout(), &Cancel::new())?;
/// # Ok::<(), knexrs_migrate::MigrateError>(())
/// ```
pub fn run(
    context: &Context<'_>,
    args: &MigrateArgs,
    out: &mut (dyn Write + Send),
    cancel: &Cancel,
) -> Result<Outcome, MigrateError> {
    if let MigrateCommand::Make(make) = &args.command {
        let dir = make
            .migrations_directory
            .as_deref()
            .or(context.migrations_dir)
            .ok_or_else(|| MigrateError::NoFolder { what: "migrations", command: "migrate make" })?;
        let path = crate::make_with(dir, &make.name, chrono::Utc::now(), &make.options())?;
        let _ = writeln!(out, "Created Migration: {}", path.display());
        return Ok(Outcome::Done);
    }
    let environment = match args.connection.env {
        Some(environment) => environment,
        None => Environment::from_env()?,
    };
    let mut migrator = match context.migrator {
        Ok(migrator) => migrator.clone(),
        Err(error) => return Err(replay(error)),
    };
    migrator.set_tables(Tables::new(args.connection.table.clone(), args.connection.schema.clone())?);
    let target = run_target(&args.command);
    let fleet = matches!(&target, Some((_, RunArgs { targets: Some(_), .. })))
        || matches!(&args.command, MigrateCommand::Status(StatusArgs { targets: Some(_), .. }))
        || matches!(&args.command, MigrateCommand::Drift { targets: Some(_), .. });
    if fleet && args.connection.connect_wait.is_some() {
        return Err(MigrateError::OptionConflict {
            option: "--connect-wait",
            with: "--targets",
            why: "a fleet run reports each database it cannot reach, and the next run takes them up; drop --connect-wait",
        });
    }
    if let Some((target, run @ RunArgs { targets: Some(file), .. })) = &target {
        return super::fleet::run_fleet(&migrator, environment, &args.connection, file, target, run, out, cancel);
    }
    if let MigrateCommand::Status(status @ StatusArgs { targets: Some(file), .. }) = &args.command {
        return super::fleet::status_fleet(&migrator, environment, &args.connection, file, status, out);
    }
    if let MigrateCommand::Drift { json, targets: Some(file), parallel, .. } = &args.command {
        let options = drift_options(&args.command, cancel);
        return super::fleet::drift_fleet(
            &migrator,
            environment,
            &args.connection,
            file,
            *parallel,
            *json,
            &options,
            out,
        );
    }
    let mut connection = (context.connect)(environment)?;
    if let Some(pooler) = args.connection.pooler {
        connection.set_pooler(pooler);
    }
    let direct = direct_connection(&args.connection, environment)?;
    let banner = format!("Using environment: {environment} ({})", connection.redacted());
    // Machine-readable output (JSON, a dry run's SQL script) stays alone on stdout.
    let machine_readable = match &args.command {
        MigrateCommand::Status(status) => status.json,
        MigrateCommand::Lint { json, .. } | MigrateCommand::Drift { json, .. } => *json,
        MigrateCommand::Latest(run)
        | MigrateCommand::Rollback { run, .. }
        | MigrateCommand::Up { run, .. }
        | MigrateCommand::Down { run, .. }
        | MigrateCommand::To { run, .. }
        | MigrateCommand::Before { run, .. } => run.dry_run,
        _ => false,
    };
    if machine_readable {
        eprintln!("{banner}");
    } else {
        let _ = writeln!(out, "{banner}");
    }
    if let Some(wait) = args.connection.connect_wait {
        wait_for_database(&connection, wait, cancel, &crate::error::kept_text(&[]))?;
    }
    if let Some((target, run)) = target {
        return run_migrations(&migrator, &connection, direct, &target, run, out, cancel);
    }
    match &args.command {
        MigrateCommand::Status(status_args) => {
            let status = migrator.status(&connection)?;
            if status_args.json {
                let _ = writeln!(out, "{}", status_json(&status));
            } else {
                // One write: stdout flushes at every line, and a long history has thousands.
                let mut text = Vec::new();
                let _ = status_text(&status, status_args.verbose, &mut text);
                let _ = out.write_all(&text);
            }
            if status_args.exit_code && !status.is_up_to_date() {
                return Ok(Outcome::NotUpToDate);
            }
        }
        MigrateCommand::Unlock => {
            if migrator.unlock(&connection)? {
                // knex's line, spelling included: scripts grep it.
                let _ = writeln!(out, "Succesfully unlocked the migrations lock table");
            } else {
                let _ = writeln!(out, "No lock table ({}): nothing to unlock", migrator.tables().lock());
            }
        }
        MigrateCommand::CurrentVersion => {
            let version = migrator.current_version(&connection)?;
            let _ = writeln!(out, "Current Version: {}", version.as_deref().unwrap_or("none"));
        }
        MigrateCommand::Verify { names, all } => {
            let names = named_or_all(&migrator, names, *all);
            let options = crate::VerifyOptions { cancel: cancel.clone() };
            let report = migrator.verify_with(checked_on(&connection, direct.as_ref()), &names, &options)?;
            if report.migrations.is_empty() {
                let _ = writeln!(out, "Nothing to verify: no pending migration (name the ones to check)");
            }
            for (name, verdict) in &report.migrations {
                let _ = writeln!(out, "{name}: {verdict}");
            }
            let reversible = report.migrations.iter().filter(|(_, v)| v.is_reversible()).count();
            if !report.migrations.is_empty() {
                let _ = writeln!(out, "{reversible} of {} migrations reversible", report.migrations.len());
            }
            if !report.all_reversible() {
                return Ok(Outcome::NotReversible);
            }
        }
        MigrateCommand::Lint { names, all, allow, lock_timeout, verbose, json } => {
            let names = named_or_all(&migrator, names, *all);
            let mut options = crate::LintOptions { cancel: cancel.clone(), ..crate::LintOptions::default() };
            for hazard in allow {
                options.allow(*hazard);
            }
            if let Some(timeout) = lock_timeout {
                options.lock_timeout(*timeout);
            }
            let report = migrator.lint(checked_on(&connection, direct.as_ref()), &names, &options)?;
            if *json {
                let _ = writeln!(out, "{}", super::output::lint_json(&report));
            } else {
                super::output::lint(out, &report, *verbose);
            }
            if !report.passes() {
                return Ok(Outcome::Hazardous);
            }
        }
        MigrateCommand::Drift { json, .. } => {
            let options = drift_options(&args.command, cancel);
            let report = migrator.drift(checked_on(&connection, direct.as_ref()), &options)?;
            if *json {
                let _ = writeln!(out, "{}", super::output::drift_json(&report));
                return Ok(if report.drifted() { Outcome::Drifted } else { Outcome::Done });
            }
            for name in &report.edited {
                let _ = writeln!(
                    out,
                    "Note: {name} was edited after it was applied; its current source is what is compared"
                );
            }
            for difference in &report.differences {
                let _ = writeln!(out, "{}", crate::DriftLine(difference));
            }
            let n = report.applied;
            if report.drifted() {
                let k = report.differences.len();
                let _ = writeln!(
                    out,
                    "{k} difference{} from what its {n} applied migrations build",
                    if k == 1 { "" } else { "s" }
                );
                return Ok(Outcome::Drifted);
            }
            let _ = writeln!(out, "The database's schema is what its {n} applied migrations build");
        }
        MigrateCommand::Accept { name } => {
            migrator.accept(&connection, name)?;
            let _ = writeln!(out, "Accepted the current source of {name} as applied");
        }
        MigrateCommand::Resolve { name, applied, lock_wait, .. } => {
            let mut options = RunOptions::default();
            options.lock_wait(*lock_wait);
            options.cancel = cancel.clone();
            options.direct = direct;
            migrator.resolve(&connection, name, *applied, &options)?;
            let state = if *applied { "applied" } else { "rolled back (not applied)" };
            let _ = writeln!(out, "Recorded {name} as {state}");
        }
        _ => {}
    }
    Ok(Outcome::Done)
}

/// The target of a command that runs migrations, with its options.
fn run_target(command: &MigrateCommand) -> Option<(Target, &RunArgs)> {
    match command {
        MigrateCommand::Latest(run) => Some((Target::Latest, run)),
        MigrateCommand::Rollback { all, run } => Some((Target::Rollback { all: *all }, run)),
        MigrateCommand::Up { name, run } => Some((Target::Up(name.clone()), run)),
        MigrateCommand::Down { name, run } => Some((Target::Down(name.clone()), run)),
        MigrateCommand::To { name, run } => Some((Target::To(name.clone()), run)),
        MigrateCommand::Before { name, run } => Some((Target::Before(name.clone()), run)),
        _ => None,
    }
}

/// The run's options from its command line, stopped by `cancel`.
pub(super) fn run_options(args: &RunArgs, cancel: &Cancel) -> RunOptions {
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
    options.cancel = cancel.clone();
    options.record_extension = args.record_extension.as_ref().map(|e| e.trim_start_matches('.').to_owned());
    options.validate_migration_list = !args.disable_migrations_list_validation;
    options.pg_version = args.pg_version;
    options
}

/// The migrator's error again (the context holds it by reference; errors
/// are not `Clone`), as the same variant where it has no source.
fn replay(error: &MigrateError) -> MigrateError {
    match error {
        MigrateError::MisnamedFiles { files } => MigrateError::MisnamedFiles { files: files.clone() },
        MigrateError::DuplicateName { name } => MigrateError::DuplicateName { name: name.clone() },
        MigrateError::EmptyName => MigrateError::EmptyName,
        MigrateError::InvalidChecksum { migration, length, max } => {
            MigrateError::InvalidChecksum { migration: migration.clone(), length: *length, max: *max }
        }
        other => MigrateError::InvalidSet { message: other.to_string() },
    }
}

/// `--direct-url`, else `MIGRATION_DATABASE_URL`: a connection to the server
/// itself, for a run whose connection goes through a transaction pooler.
fn direct_connection(args: &ConnectionArgs, environment: Environment) -> Result<Option<ConnectConfig>, MigrateError> {
    let url = args
        .direct_url
        .clone()
        .or_else(|| std::env::var("MIGRATION_DATABASE_URL").ok())
        .filter(|u| !u.trim().is_empty());
    let Some(url) = url else { return Ok(None) };
    let mut config = ConnectConfig::from_url(&url).map_err(|e| match e {
        knexrs_connect::ConnectError::InvalidSetting { setting, message } => {
            knexrs_connect::ConnectError::InvalidSetting {
                setting,
                message: format!("MIGRATION_DATABASE_URL / --direct-url: {message}"),
            }
        }
        other => other,
    })?;
    config.fill_from_libpq(|name| std::env::var(name).ok())?.set_environment(environment)?;
    Ok(Some(config))
}

fn run_migrations(
    migrator: &Migrator,
    connection: &ConnectConfig,
    direct: Option<ConnectConfig>,
    target: &Target,
    args: &RunArgs,
    out: &mut (dyn Write + Send),
    cancel: &Cancel,
) -> Result<Outcome, MigrateError> {
    let mut options = run_options(args, cancel);
    options.direct = direct;
    if args.dry_run {
        let plan = migrator.dry_run(connection, target, &options)?;
        let _ = write!(out, "{}", plan.to_script());
        return Ok(Outcome::Done);
    }
    let started = Instant::now();
    let mut printer = Printer::new(&mut *out);
    let report = migrator.run(connection, target, &options, &mut printer)?;
    Printer::new(&mut *out).summary(&report, target);
    if !report.is_empty() {
        let _ = writeln!(out, "Done in {}", millis(started.elapsed()));
    }
    Ok(Outcome::Done)
}

/// `drift`'s options from its command line (the defaults for another command).
fn drift_options(command: &MigrateCommand, cancel: &crate::Cancel) -> crate::DriftOptions {
    let mut options = crate::DriftOptions { cancel: cancel.clone(), ..crate::DriftOptions::default() };
    if let MigrateCommand::Drift { ignore_schema, ignore_extension, ignore_table, .. } = command {
        options.ignore_schemas.clone_from(ignore_schema);
        options.ignore_extensions.clone_from(ignore_extension);
        options.ignore_tables.clone_from(ignore_table);
    }
    options
}

/// The migrations a check covers: every one with `--all`, else those named
/// (none: the pending ones).
fn named_or_all<'a>(migrator: &Migrator, names: &'a [String], all: bool) -> std::borrow::Cow<'a, [String]> {
    if all {
        std::borrow::Cow::Owned(migrator.migrations().iter().map(|m| m.name().to_owned()).collect())
    } else {
        std::borrow::Cow::Borrowed(names)
    }
}

/// `--connect-wait`: until the database accepts a connection, at most
/// `wait`; the first transient failure is said on stderr (stdout may be
/// machine-readable), and a signal stops the wait, saying `nothing_done`.
pub(super) fn wait_for_database(
    connection: &ConnectConfig,
    wait: Duration,
    cancel: &Cancel,
    nothing_done: &str,
) -> Result<(), MigrateError> {
    let mut told = false;
    let accepted = connection.wait_until_accepting(wait, |error| {
        if !told {
            eprintln!("Waiting up to {} s for the database to accept connections ({error})", wait.as_secs_f64());
            told = true;
        }
        !cancel.is_cancelled()
    })?;
    if !accepted || cancel.is_cancelled() {
        return Err(MigrateError::Interrupted {
            when: "while waiting for the database to accept connections".to_owned(),
            kept: nothing_done.to_owned(),
        });
    }
    Ok(())
}

/// Where `verify` and `lint` make their throwaway database: the server
/// itself when the connection goes through a transaction pooler and a direct
/// one is given.
fn checked_on<'a>(connection: &'a ConnectConfig, direct: Option<&'a ConnectConfig>) -> &'a ConnectConfig {
    match direct {
        Some(direct) if connection.pooler() == knexrs_connect::Pooler::Transaction => direct,
        _ => connection,
    }
}
