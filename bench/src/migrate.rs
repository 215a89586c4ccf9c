//! W1–W3: our runner on the generated migrations, as `migrate latest` /
//! `migrate rollback` would run them (knex's transaction semantics: the whole
//! batch in one transaction for `latest`, one per migration for `rollback`).

use crate::BenchError;
use crate::manifest::Manifest;
use knexrs_connect::ConnectConfig;
use knexrs_migrate::{RunOptions, Silent};
use std::path::Path;

/// What to run.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Action {
    /// `migrate latest`
    Latest,
    /// `migrate rollback`
    Rollback,
    /// `migrate status --exit-code`: fails unless everything is applied
    Status,
}

/// Runs `action`; returns the summary line.
pub fn run(action: Action, url: &str, dir: &Path) -> Result<String, BenchError> {
    let migrator = Manifest::read(dir)?.migrator()?;
    let config = ConnectConfig::from_url(url)?;
    let options = RunOptions::default();
    let line = match action {
        Action::Latest => summary(action, migrator.latest(&config, &options, &mut Silent)?),
        Action::Rollback => summary(action, migrator.rollback(&config, false, &options, &mut Silent)?),
        Action::Status => {
            let status = migrator.status(&config)?;
            if !status.is_up_to_date() {
                return Err("not up to date".into());
            }
            let line = format!("Status: {} migrations, all applied", status.migrations.len());
            // The process ends next: freeing a thousand rows one by one is wasted work.
            std::mem::forget(status);
            line
        }
    };
    // As for the status: the migrator's thousand closures and names die with the process.
    std::mem::forget(migrator);
    Ok(line)
}

fn summary(action: Action, report: knexrs_migrate::RunReport) -> String {
    let line = format!("{:?}: {} migrations", action, report.migrations.len());
    std::mem::forget(report);
    line
}
