//! Printing: knex's wording, plus each migration's time.

use crate::{Direction, Event, Reporter, Status};
use std::io::Write;
use std::time::Duration;

/// Prints a run as it goes: the batch line, then each migration with its time.
pub(crate) struct Printer<'a> {
    pub(crate) out: &'a mut dyn Write,
}

impl Reporter for Printer<'_> {
    fn report(&mut self, event: Event<'_>) {
        // Output is best effort: a closed stdout must not abort a migration.
        let _ = match event {
            Event::WaitingForLock => writeln!(self.out, "Waiting for another migration run to release the lock..."),
            Event::Planned { migrations: 0, .. } => Ok(()),
            Event::Planned { direction, batch, migrations } => match direction {
                Direction::Up => writeln!(self.out, "Batch {batch} run: {migrations} migrations"),
                Direction::Down => writeln!(self.out, "Batch {batch} rolled back: {migrations} migrations"),
            },
            Event::Started { .. } => Ok(()),
            Event::Finished { name, elapsed } => writeln!(self.out, "  {name} ({})", millis(elapsed)),
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
