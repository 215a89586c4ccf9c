//! `seed make|run|status` (knex `seed:make`, `seed:run`), for `cargo xtask
//! seed …` and any binary that carries a project's seeds.

use super::fleet::{fleet_options, read_targets, write_header, write_prefixed};
use super::run::{Outcome, main_with};
use crate::{Cancel, FleetOutcome, MigrateError, SeedOptions, SeedOutcome, SeedReport, SeedState, Seeder};
use knexrs_connect::{ConnectConfig, Environment};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// `seed <command>` with its connection options.
///
/// ```
/// use clap::Parser;
/// use knexrs_migrate::cli::{SeedArgs, SeedCommand};
///
/// #[derive(Parser)]
/// struct Cli { #[command(flatten)] seed: SeedArgs }
///
/// let cli = Cli::parse_from(["seed", "run", "--specific", "01_users", "--force"]);
/// assert!(matches!(cli.seed.command, SeedCommand::Run { force: true, .. }));
/// ```
#[derive(Debug, Clone, clap::Args)]
pub struct SeedArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: SeedCommand,
    /// Environment: development, staging, production or test [default: $KNEXRS_ENV, $NODE_ENV, development]
    #[arg(long, global = true, value_name = "ENV")]
    pub env: Option<Environment>,
    /// Wait up to this long (e.g. 60s) for the database to accept connections while it starts, restarts or fails over; other errors stop at once [default: no wait]
    #[arg(long, global = true, value_name = "DURATION", value_parser = super::args::parse_duration)]
    pub connect_wait: Option<std::time::Duration>,
}

/// The seed commands.
///
/// ```
/// use clap::Parser;
/// use knexrs_migrate::cli::{SeedArgs, SeedCommand};
///
/// #[derive(Parser)]
/// struct Cli { #[command(flatten)] seed: SeedArgs }
///
/// assert!(matches!(Cli::parse_from(["seed", "status"]).seed.command, SeedCommand::Status { targets: None, .. }));
/// ```
#[derive(Debug, Clone, clap::Subcommand)]
// Only the subcommand given is built (its arguments are not needed otherwise).
#[command(defer = true)]
pub enum SeedCommand {
    /// Create seeds/NAME.rs (knex seed:make)
    Make {
        /// Letters, digits, `_` and `-`, e.g. 01_users (seeds run in name order)
        name: String,
        /// Start from this file (knex --stub): a path, or the name of a file in the seeds folder; `{{name}}` in it becomes the seed's name [default: seed.stub in the seeds folder when there is one]
        #[arg(long, value_name = "FILE")]
        stub: Option<std::path::PathBuf>,
    },
    /// Run the seeds in name order, each in its own transaction; a seed already run with the same source is skipped (knex seed:run)
    Run {
        /// Only this seed
        #[arg(long, value_name = "NAME")]
        specific: Option<String>,
        /// Run seeds already run with the same source too
        #[arg(long)]
        force: bool,
        /// Run in the production environment (refused otherwise)
        #[arg(long)]
        allow_production: bool,
        /// Seed every database listed in FILE (`name url` or a URL per line; `#` comments) instead of one
        #[arg(long, value_name = "FILE")]
        targets: Option<PathBuf>,
        /// With --targets: how many databases at a time [default: 8]
        #[arg(long, value_name = "N", requires = "targets")]
        parallel: Option<usize>,
        /// With --targets: after a database fails, start no other
        #[arg(long, requires = "targets")]
        fail_fast: bool,
    },
    /// List the seeds: never run, run with their current source, or edited since they ran
    Status {
        /// Read every database listed in FILE instead of one
        #[arg(long, value_name = "FILE")]
        targets: Option<PathBuf>,
        /// With --targets: how many databases to read at a time [default: 8]
        #[arg(long, value_name = "N", requires = "targets")]
        parallel: Option<usize>,
    },
}

/// What `seed` needs besides its arguments.
///
/// ```
/// use knexrs_migrate::{cli, MigrateError, Seeder};
/// use knexrs_connect::ConnectConfig;
///
/// let seeder = Seeder::new(vec![]);
/// let connect = |_env| -> Result<ConnectConfig, MigrateError> { Err(MigrateError::NotConfigured { environment: _env }) };
/// let context = cli::SeedContext { seeder: &seeder, seeds_dir: Some(std::path::Path::new("seeds")), connect: &connect };
/// ```
pub struct SeedContext<'a> {
    /// The project's seeds (or why they could not be loaded).
    pub seeder: &'a Result<Seeder, MigrateError>,
    /// Where `seed make` writes (`None` in a binary without the sources).
    pub seeds_dir: Option<&'a Path>,
    /// The connection for an environment.
    pub connect: &'a dyn Fn(Environment) -> Result<ConnectConfig, MigrateError>,
}

/// Runs a seed command the way a binary should (signals, one-line errors, exit code).
///
/// ```no_run
/// # fn demo(context: &knexrs_migrate::cli::SeedContext<'_>, args: &knexrs_migrate::cli::SeedArgs) -> std::process::ExitCode {
/// knexrs_migrate::cli::seed_main(context, args)
/// # }
/// ```
pub fn seed_main(context: &SeedContext<'_>, args: &SeedArgs) -> ExitCode {
    main_with(|out, cancel| run_seed(context, args, out, cancel))
}

/// Runs a seed command, printing to `out`.
///
/// ```no_run
/// # fn demo(context: &knexrs_migrate::cli::SeedContext<'_>, args: &knexrs_migrate::cli::SeedArgs) -> Result<(), knexrs_migrate::MigrateError> {
/// knexrs_migrate::cli::run_seed(context, args, &mut std::io::stdout(), &knexrs_migrate::Cancel::new())?;
/// # Ok(()) }
/// ```
pub fn run_seed(
    context: &SeedContext<'_>,
    args: &SeedArgs,
    out: &mut (dyn Write + Send),
    cancel: &Cancel,
) -> Result<Outcome, MigrateError> {
    if let SeedCommand::Make { name, stub } = &args.command {
        let dir = context.seeds_dir.ok_or_else(|| MigrateError::NoFolder { what: "seeds", command: "seed make" })?;
        let mut options = crate::MakeOptions::new();
        if let Some(stub) = stub {
            options.stub(stub);
        }
        let path = crate::make_seed_with(dir, name, &options)?;
        let _ = writeln!(out, "Created seed file: {}", path.display());
        return Ok(Outcome::Done);
    }
    let environment = match args.env {
        Some(environment) => environment,
        None => Environment::from_env()?,
    };
    // Refused before connecting: production's connection settings may not even resolve here.
    if let SeedCommand::Run { allow_production: false, .. } = &args.command
        && environment == Environment::Production
    {
        return Err(MigrateError::SeedsInProduction);
    }
    let seeder = match context.seeder {
        Ok(seeder) => seeder,
        Err(error) => return Err(MigrateError::InvalidSet { message: error.to_string() }),
    };
    let fleet = matches!(
        &args.command,
        SeedCommand::Run { targets: Some(_), .. } | SeedCommand::Status { targets: Some(_), .. }
    );
    if fleet && args.connect_wait.is_some() {
        return Err(MigrateError::OptionConflict {
            option: "--connect-wait",
            with: "--targets",
            why: "a fleet run reports each database it cannot reach, and the next run takes them up; drop --connect-wait",
        });
    }
    match &args.command {
        SeedCommand::Run { targets: Some(file), parallel, fail_fast, .. } => {
            let (origin, targets) = read_targets(file, environment, None)?;
            let fleet = fleet_options(*parallel, *fail_fast);
            write_header(out, environment, &origin, targets.len(), fleet.parallel);
            let options = seed_options(&args.command, cancel);
            let mut finished = |name: &str, outcome: &FleetOutcome<SeedReport>| {
                let mut text = Vec::new();
                match outcome {
                    FleetOutcome::Ran(report) => write_report(&mut text, seeder, report),
                    FleetOutcome::Failed(error) => {
                        let _ = writeln!(text, "error: {error}");
                    }
                    _ => {}
                }
                write_prefixed(out, name, &text);
            };
            let report = seeder.run_fleet(&targets, &options, &fleet, &mut finished)?;
            let ran: Vec<&SeedReport> = report
                .targets
                .iter()
                .filter_map(|(_, outcome)| match outcome {
                    FleetOutcome::Ran(ran) => Some(ran),
                    _ => None,
                })
                .collect();
            let count = |wanted: SeedOutcome| ran.iter().flat_map(|r| r.iter()).filter(|(_, o)| *o == wanted).count();
            let _ = writeln!(
                out,
                "{} of {} databases finished: {} seed runs, {} skipped as already run",
                ran.len(),
                report.targets.len(),
                count(SeedOutcome::Ran),
                count(SeedOutcome::Skipped)
            );
            report.into_result()?;
        }
        SeedCommand::Status { targets: Some(file), parallel } => {
            let (origin, targets) = read_targets(file, environment, None)?;
            let parallel = fleet_options(*parallel, false).parallel;
            write_header(out, environment, &origin, targets.len(), parallel);
            let statuses = seeder.status_fleet(&targets, parallel)?;
            let mut unreadable = Vec::new();
            for (name, states) in &statuses {
                let mut text = Vec::new();
                match states {
                    Ok(states) => write_states(&mut text, states),
                    Err(error) => {
                        let _ = writeln!(text, "error: {error}");
                        unreadable.push(name.clone());
                    }
                }
                write_prefixed(out, name, &text);
            }
            let _ = writeln!(
                out,
                "{} of {} databases read, {} could not be read",
                statuses.len() - unreadable.len(),
                statuses.len(),
                unreadable.len()
            );
            if !unreadable.is_empty() {
                return Err(MigrateError::FleetFailed { total: statuses.len(), failed: unreadable, not_started: 0 });
            }
        }
        SeedCommand::Run { .. } => {
            let connection = (context.connect)(environment)?;
            let _ = writeln!(out, "Using environment: {environment} ({})", connection.redacted());
            if let Some(wait) = args.connect_wait {
                super::run::wait_for_database(&connection, wait, cancel, "no seed ran")?;
            }
            let report = seeder.run(&connection, &seed_options(&args.command, cancel))?;
            write_report(out, seeder, &report);
        }
        SeedCommand::Status { .. } => {
            let connection = (context.connect)(environment)?;
            let _ = writeln!(out, "Using environment: {environment} ({})", connection.redacted());
            if let Some(wait) = args.connect_wait {
                super::run::wait_for_database(&connection, wait, cancel, "no seed ran")?;
            }
            write_states(out, &seeder.status(&connection)?);
        }
        SeedCommand::Make { .. } => {}
    }
    Ok(Outcome::Done)
}

/// `seed run`'s options from its arguments.
fn seed_options(command: &SeedCommand, cancel: &Cancel) -> SeedOptions {
    let mut options = SeedOptions { cancel: cancel.clone(), ..SeedOptions::default() };
    if let SeedCommand::Run { specific, force, allow_production, .. } = command {
        options.specific = specific.clone();
        options.force = *force;
        options.allow_production = *allow_production;
    }
    options
}

/// What one database's seed run did: the skipped seeds, knex's count line,
/// then the seeds that ran (knex lists them with --verbose).
fn write_report(out: &mut dyn Write, seeder: &Seeder, report: &SeedReport) {
    for (name, outcome) in report {
        if *outcome == SeedOutcome::Skipped {
            let _ = writeln!(out, "Skipped {name}: already run with this source (--force runs it again)");
        }
    }
    if seeder.seeds().is_empty() {
        let _ = writeln!(out, "No seed files exist");
    }
    let ran: Vec<&str> = report.iter().filter(|(_, o)| *o == SeedOutcome::Ran).map(|(n, _)| n.as_str()).collect();
    let _ = writeln!(out, "Ran {} seed files", ran.len());
    for name in ran {
        let _ = writeln!(out, "{name}");
    }
}

/// One database's seeds, one line each: never run, run, or edited since.
fn write_states(out: &mut dyn Write, states: &[(String, SeedState)]) {
    if states.is_empty() {
        let _ = writeln!(out, "No seed files");
    }
    for (name, state) in states {
        let line = match state {
            SeedState::New => "not run".to_owned(),
            SeedState::UpToDate(at) => format!("ran {at}"),
            SeedState::Edited(at) => format!("edited since it ran {at}: the next run runs it again"),
        };
        let _ = writeln!(out, "{name}: {line}");
    }
}
