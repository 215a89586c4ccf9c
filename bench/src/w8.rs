//! W8: the fleet, migrated by one process (`KNEXRS_W8_CMD`): every database
//! of the harness's targets file to latest, `parallel` at a time, through the
//! runner's fleet API, as `migrate latest --targets` runs it.

use crate::BenchError;
use crate::manifest::Manifest;
use knexrs_migrate::{Event, FleetOptions, FleetOutcome, FleetReporter, FleetTarget, RunOptions, Target};
use std::path::Path;

/// Hears nothing: the harness reads the exit code and checks every database itself.
struct Quiet;

impl FleetReporter for Quiet {
    fn report(&mut self, _target: &str, _event: Event<'_>) {}
    fn finished(&mut self, _target: &str, _outcome: &FleetOutcome) {}
}

/// Migrates every database of `targets` (`name url` lines) with the manifest
/// in `dir` (`n` migrations); the harness's JSON line.
pub fn run(targets: &Path, parallel: usize, dir: &Path, n: usize) -> Result<String, BenchError> {
    let migrator = Manifest::read(dir)?.migrator()?;
    if migrator.migrations().len() != n {
        return Err(
            format!("{}: {} migrations, the harness said {n}", dir.display(), migrator.migrations().len()).into()
        );
    }
    let origin = targets.display().to_string();
    let text = std::fs::read_to_string(targets).map_err(|e| format!("{origin}: {e}"))?;
    let list = FleetTarget::parse_list(&text, &origin)?;
    let mut fleet = FleetOptions::default();
    fleet.parallel(parallel);
    let report =
        migrator.run_fleet(&list, &Target::Latest, &RunOptions::default(), &fleet, &mut Quiet)?.into_result()?;
    let migrated: usize = report
        .targets
        .iter()
        .map(|(_, outcome)| match outcome {
            FleetOutcome::Ran(run) => run.migrations.len(),
            _ => 0,
        })
        .sum();
    Ok(serde_json::json!({ "targets": report.targets.len(), "migrated": migrated }).to_string())
}
