//! `--targets FILE`: a run command, or `status`, on every database of a
//! list, printed database by database with its name in front of each line.

use super::args::{ConnectionArgs, RunArgs, StatusArgs};
use super::output::{Printer, millis, status_json};
use super::run::{Outcome, run_options};
use crate::{Event, FleetOptions, FleetOutcome, FleetReporter, FleetTarget, MigrateError, Migrator, Reporter, Target};
use knexrs_connect::{ConnectConfig, ConnectError, Environment, Pooler};
use std::fmt::Write as _;
use std::io::Write;
use std::path::Path;
use std::time::Instant;

/// Reads the list, runs `target` on each database, prints each one's lines
/// as it ends and a total; any database left unfinished makes it an error.
#[allow(clippy::too_many_arguments, reason = "the command line's pieces, passed on as they are")]
pub(super) fn run_fleet(
    migrator: &Migrator,
    environment: Environment,
    connection: &ConnectionArgs,
    file: &Path,
    target: &Target,
    args: &RunArgs,
    out: &mut (dyn Write + Send),
    cancel: &crate::Cancel,
) -> Result<Outcome, MigrateError> {
    let (origin, targets) = read_targets(file, environment, connection.pooler)?;
    let fleet = fleet_options(args.parallel, args.fail_fast);
    write_header(out, environment, &origin, targets.len(), fleet.parallel);
    if std::env::var_os("MIGRATION_DATABASE_URL").is_some_and(|url| !url.is_empty()) {
        // One server's direct URL cannot stand for every database of a list.
        let _ = writeln!(out, "MIGRATION_DATABASE_URL is ignored with --targets: each database uses its own URL");
    }
    // No direct connection: `run_options` leaves it out.
    let options = run_options(args, cancel);
    let started = Instant::now();
    let mut printer = FleetPrinter { out: &mut *out, target };
    let report = migrator.run_fleet(&targets, target, &options, &fleet, &mut printer)?;
    let mut finished = 0;
    let mut changed = 0;
    let mut migrations = 0;
    for (_, outcome) in &report.targets {
        if let FleetOutcome::Ran(run) = outcome {
            finished += 1;
            changed += usize::from(!run.is_empty());
            migrations += run.migrations.len();
        }
    }
    let _ = writeln!(
        out,
        "{finished} of {} databases finished: {changed} ran {migrations} migrations, {} had nothing to do",
        report.targets.len(),
        finished - changed
    );
    let _ = writeln!(out, "Done in {}", millis(started.elapsed()));
    report.into_result()?;
    Ok(Outcome::Done)
}

/// `status --targets`: one line per database (what is behind, what could
/// not be read) and a total; exit 3 with `--exit-code` while one is behind,
/// 1 when one could not be read.
pub(super) fn status_fleet(
    migrator: &Migrator,
    environment: Environment,
    connection: &ConnectionArgs,
    file: &Path,
    args: &StatusArgs,
    out: &mut (dyn Write + Send),
) -> Result<Outcome, MigrateError> {
    let (origin, targets) = read_targets(file, environment, connection.pooler)?;
    let parallel = fleet_options(args.parallel, false).parallel;
    if !args.json {
        write_header(out, environment, &origin, targets.len(), parallel);
    }
    let statuses = migrator.status_fleet(&targets, parallel)?;
    let behind = statuses.iter().filter(|(_, s)| s.as_ref().is_ok_and(|s| !s.is_up_to_date())).count();
    let unreadable: Vec<String> = statuses.iter().filter(|(_, s)| s.is_err()).map(|(name, _)| name.clone()).collect();
    if args.json {
        let databases: Vec<serde_json::Value> = statuses
            .iter()
            .map(|(name, status)| match status {
                Ok(status) => serde_json::json!({ "name": name, "status": status_json(status) }),
                Err(error) => serde_json::json!({ "name": name, "error": error.to_string() }),
            })
            .collect();
        let _ = writeln!(out, "{}", serde_json::json!({ "databases": databases }));
    } else {
        let mut text = String::new();
        for (name, status) in &statuses {
            let _ = match status {
                Ok(status) => writeln!(text, "[{name}] {}", status_line(status)),
                Err(error) => writeln!(text, "[{name}] error: {error}"),
            };
        }
        let _ = writeln!(
            text,
            "{} of {} databases up to date, {behind} behind, {} could not be read",
            statuses.len() - behind - unreadable.len(),
            statuses.len(),
            unreadable.len()
        );
        let _ = out.write_all(text.as_bytes());
    }
    if !unreadable.is_empty() {
        return Err(MigrateError::FleetFailed { total: statuses.len(), failed: unreadable, not_started: 0 });
    }
    Ok(if args.exit_code && behind > 0 { Outcome::NotUpToDate } else { Outcome::Done })
}

/// `drift --targets`: each database against its own applied migrations, its
/// differences prefixed with its name, and a total; exit 1 when one drifted
/// or could not be checked.
#[allow(clippy::too_many_arguments, reason = "the command's parts, as run_fleet takes them")]
pub(super) fn drift_fleet(
    migrator: &Migrator,
    environment: Environment,
    connection: &ConnectionArgs,
    file: &Path,
    parallel: Option<usize>,
    json: bool,
    options: &crate::DriftOptions,
    out: &mut (dyn Write + Send),
) -> Result<Outcome, MigrateError> {
    let (origin, targets) = read_targets(file, environment, connection.pooler)?;
    let parallel = fleet_options(parallel, false).parallel;
    if !json {
        write_header(out, environment, &origin, targets.len(), parallel);
    }
    let reports = migrator.drift_fleet(&targets, parallel, options)?;
    let drifted = reports.iter().filter(|(_, r)| r.as_ref().is_ok_and(crate::DriftReport::drifted)).count();
    let unreadable: Vec<String> = reports.iter().filter(|(_, r)| r.is_err()).map(|(name, _)| name.clone()).collect();
    if json {
        let databases: Vec<serde_json::Value> = reports
            .iter()
            .map(|(name, report)| match report {
                Ok(report) => serde_json::json!({ "name": name, "drift": super::output::drift_json(report) }),
                Err(error) => serde_json::json!({ "name": name, "error": error.to_string() }),
            })
            .collect();
        let _ = writeln!(out, "{}", serde_json::json!({ "databases": databases }));
    } else {
        let mut text = String::new();
        for (name, report) in &reports {
            match report {
                Ok(report) if !report.drifted() => {
                    let _ = writeln!(text, "[{name}] no drift ({} applied)", report.applied);
                }
                Ok(report) => {
                    for difference in &report.differences {
                        let _ = writeln!(text, "[{name}] {}", crate::DriftLine(difference));
                    }
                }
                Err(error) => {
                    let _ = writeln!(text, "[{name}] error: {error}");
                }
            }
        }
        let _ = writeln!(
            text,
            "{} of {} databases are what their migrations build, {drifted} drifted, {} could not be checked",
            reports.len() - drifted - unreadable.len(),
            reports.len(),
            unreadable.len()
        );
        let _ = out.write_all(text.as_bytes());
    }
    if !unreadable.is_empty() {
        return Err(MigrateError::FleetFailed { total: reports.len(), failed: unreadable, not_started: 0 });
    }
    Ok(if drifted > 0 { Outcome::Drifted } else { Outcome::Done })
}

/// One database's status on one line: how many are applied and pending, and
/// what needs a person (edited, stopped halfway, missing files).
fn status_line(status: &crate::Status) -> String {
    let pending: Vec<&str> = status.pending().map(|m| m.name.as_str()).collect();
    let mut line = match pending.as_slice() {
        [] => format!("up to date: {} applied", status.applied().count()),
        [one] => format!("1 pending ({one}), {} applied", status.applied().count()),
        [first, ..] => format!("{} pending (from {first}), {} applied", pending.len(), status.applied().count()),
    };
    let edited = status.applied().filter(|m| m.edited).count();
    let halfway = status.pending().filter(|m| m.incomplete).count();
    for (count, what) in [(edited, "edited"), (halfway, "stopped halfway"), (status.missing.len(), "missing files")] {
        if count > 0 {
            line.push_str(&format!(", {count} {what}"));
        }
    }
    line
}

/// The fleet settings from `--parallel` (8 when not given) and `--fail-fast`.
pub(super) fn fleet_options(parallel: Option<usize>, fail_fast: bool) -> FleetOptions {
    let mut fleet = FleetOptions::default();
    if let Some(parallel) = parallel {
        fleet.parallel(parallel);
    }
    fleet.fail_fast(fail_fast);
    fleet
}

/// The line a fleet command's output opens with.
pub(super) fn write_header(
    out: &mut (dyn Write + Send),
    environment: Environment,
    origin: &str,
    databases: usize,
    parallel: usize,
) {
    let _ =
        writeln!(out, "Using environment: {environment} ({databases} databases from {origin}, {parallel} at a time)");
}

/// The list in `file`, each database as if it were the only one: its URL in
/// place of `DATABASE_URL`, the rest of the process's settings as they are.
pub(super) fn read_targets(
    file: &Path,
    environment: Environment,
    pooler: Option<Pooler>,
) -> Result<(String, Vec<FleetTarget>), MigrateError> {
    let origin = file.display().to_string();
    let text = std::fs::read_to_string(file)
        .map_err(|source| MigrateError::Io { context: format!("reading the list of databases {origin}"), source })?;
    let connect = |url: &str| -> Result<ConnectConfig, ConnectError> {
        let parsed = ConnectConfig::from_url(url)?;
        let vars = |name: &str| if name == "DATABASE_URL" { Some(url.to_owned()) } else { std::env::var(name).ok() };
        let mut config = ConnectConfig::from_vars(vars, environment)?.unwrap_or(parsed);
        if let Some(pooler) = pooler {
            config.set_pooler(pooler);
        }
        Ok(config)
    };
    let targets = FleetTarget::parse_list_with(&text, &origin, connect)?;
    Ok((origin, targets))
}

/// Each database's lines as the single-database run prints them, with
/// `[name] ` in front, written whole so runs in flight never cut into each
/// other's lines.
struct FleetPrinter<'a> {
    out: &'a mut (dyn Write + Send),
    target: &'a Target,
}

/// Writes `text` to `out` with `[target] ` in front of each line, in one
/// write, so lines of databases in flight never cut into each other.
pub(super) fn write_prefixed(out: &mut (dyn Write + Send), target: &str, text: &[u8]) {
    let mut lines = Vec::with_capacity(text.len() + 32);
    for line in String::from_utf8_lossy(text).lines() {
        let _ = writeln!(lines, "[{target}] {line}");
    }
    let _ = out.write_all(&lines);
}

impl FleetReporter for FleetPrinter<'_> {
    fn report(&mut self, target: &str, event: Event<'_>) {
        let mut text = Vec::new();
        Printer::new(&mut text).report(event);
        if !text.is_empty() {
            write_prefixed(self.out, target, &text);
        }
    }

    fn finished(&mut self, target: &str, outcome: &FleetOutcome) {
        let mut text = Vec::new();
        match outcome {
            FleetOutcome::Ran(report) => Printer::new(&mut text).summary(report, self.target),
            FleetOutcome::Failed(error) => {
                let _ = writeln!(text, "error: {error}");
            }
            _ => {}
        }
        write_prefixed(self.out, target, &text);
    }
}
