//! Printing: knex's wording, plus each migration's time.

use crate::{Direction, Event, Reporter, RunReport, Status};
use std::io::Write;
use std::time::Duration;

/// Prints a run: waits while they happen, and what ran once it is done (the
/// batch line, then each migration with its time), so nothing is claimed
/// before it happened.
pub(crate) struct Printer<'a> {
    pub(crate) out: &'a mut (dyn Write + Send),
}

impl<'a> Printer<'a> {
    pub(crate) fn new(out: &'a mut (dyn Write + Send)) -> Self {
        Printer { out }
    }

    /// The run's lines, after it succeeded.
    pub(crate) fn summary(&mut self, report: &RunReport) {
        if report.migrations.is_empty() {
            return;
        }
        let n = report.migrations.len();
        // Output is best effort: a closed stdout must not fail a migration that ran.
        let _ = match report.direction {
            Direction::Up => writeln!(self.out, "Batch {} run: {n} migrations", report.batch),
            Direction::Down => writeln!(self.out, "Batch {} rolled back: {n} migrations", report.batch),
        };
        for (name, elapsed) in &report.migrations {
            let _ = writeln!(self.out, "  {name} ({})", millis(*elapsed));
        }
    }
}

impl Reporter for Printer<'_> {
    fn report(&mut self, event: Event<'_>) {
        let _ = match event {
            Event::WaitingForLock => writeln!(self.out, "Waiting for another migration run to release the lock..."),
            Event::Blocked { what, by, waited } => {
                let holders: Vec<String> = by.iter().map(ToString::to_string).collect();
                writeln!(
                    self.out,
                    "Waiting {:.0} s so far for {what}: locks held by {}",
                    waited.as_secs_f64(),
                    holders.join(", ")
                )
            }
            _ => Ok(()),
        };
    }
}

pub(crate) fn millis(elapsed: Duration) -> String {
    format!("{:.1} ms", elapsed.as_secs_f64() * 1000.0)
}

pub(crate) fn status_text(status: &Status, out: &mut dyn Write) -> std::io::Result<()> {
    let applied: Vec<_> = status.applied().collect();
    if applied.is_empty() {
        writeln!(out, "No Completed Migration files Found.")?;
    } else {
        writeln!(out, "Found {} Completed Migration file/files.", applied.len())?;
        for migration in applied {
            let row = migration.applied.as_ref().map(|r| (r.batch, r.migration_time, r.recorded_name.as_str()));
            let (batch, time, recorded) = row.unwrap_or((0, None, ""));
            let time = time.map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string()).unwrap_or_default();
            let mut line = format!("  {}  batch {batch}  {time}  recorded as {recorded}", migration.name);
            if migration.edited {
                line.push_str("  EDITED after it was applied (revert it, or `migrate accept`)");
            }
            writeln!(out, "{line}")?;
        }
    }
    let pending: Vec<_> = status.pending().collect();
    if pending.is_empty() {
        writeln!(out, "No Pending Migration files Found.")?;
    } else {
        writeln!(out, "Found {} Pending Migration file/files.", pending.len())?;
        for migration in pending {
            let note = if migration.incomplete { "  STOPPED HALFWAY (see `migrate resolve`)" } else { "" };
            writeln!(out, "  {}{note}", migration.name)?;
        }
    }
    if !status.missing.is_empty() {
        writeln!(
            out,
            "Missing files (recorded as applied, no migration has the name): {}",
            status.missing.iter().map(|r| r.recorded_name.as_str()).collect::<Vec<_>>().join(", ")
        )?;
    }
    Ok(())
}

pub(crate) fn status_json(status: &Status) -> serde_json::Value {
    use serde_json::json;
    let applied: Vec<_> = status
        .applied()
        .map(|m| {
            let row = m.applied.as_ref();
            json!({
                "name": m.name,
                "recorded_as": row.map(|r| r.recorded_name.clone()),
                "batch": row.map(|r| r.batch),
                "migration_time": row.and_then(|r| r.migration_time).map(|t| t.to_rfc3339()),
                "edited": m.edited,
            })
        })
        .collect();
    let pending: Vec<_> = status.pending().map(|m| json!({ "name": m.name, "incomplete": m.incomplete })).collect();
    json!({
        "up_to_date": status.is_up_to_date(),
        "applied": applied,
        "pending": pending,
        "missing": status.missing.iter().map(|r| r.recorded_name.clone()).collect::<Vec<_>>(),
    })
}
