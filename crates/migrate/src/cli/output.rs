//! Printing: knex's wording, plus each migration's time.

use crate::{Direction, Event, Reporter, RunReport, Status, Target};
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

    /// The run's lines, after it succeeded, as knex prints them: `Batch N run:
    /// K migrations` (latest) or `Batch N rolled back: K migrations`
    /// (rollback) with each migration and its time below; `Batch N ran the
    /// following migrations:` / `rolled back the following migrations:` and
    /// the recorded names (up, down, to, before); `Already up to date` /
    /// `Already at the base migration` when nothing ran.
    pub(crate) fn summary(&mut self, report: &RunReport, target: &Target) {
        // Output is best effort: a closed stdout must not fail a migration that ran.
        if report.migrations.is_empty() {
            let _ = if target.applies() {
                writeln!(self.out, "Already up to date")
            } else {
                writeln!(self.out, "Already at the base migration")
            };
            return;
        }
        let by_name = matches!(target, Target::Up(_) | Target::Down(_) | Target::To(_) | Target::Before(_));
        let n = report.migrations.len();
        let _ = match (report.direction, by_name) {
            (Direction::Up, false) => writeln!(self.out, "Batch {} run: {n} migrations", report.batch),
            (Direction::Down, false) => writeln!(self.out, "Batch {} rolled back: {n} migrations", report.batch),
            (Direction::Up, true) => writeln!(self.out, "Batch {} ran the following migrations:", report.batch),
            (Direction::Down, true) => {
                writeln!(self.out, "Batch {} rolled back the following migrations:", report.batch)
            }
        };
        for ran in &report.migrations {
            let _ = if by_name {
                writeln!(self.out, "{}", ran.recorded_name)
            } else {
                writeln!(self.out, "  {} ({})", ran.name, millis(ran.elapsed))
            };
        }
    }
}

impl Reporter for Printer<'_> {
    fn report(&mut self, event: Event<'_>) {
        let _ = match event {
            Event::WaitingForLock => writeln!(self.out, "Waiting for another migration run to release the lock..."),
            Event::StoppedHalfway { name } => write_stopped_halfway(self.out, name),
            Event::Blocked { what, by, waited } => {
                let holders: Vec<String> = by.iter().map(ToString::to_string).collect();
                writeln!(
                    self.out,
                    "Waiting {:.0} s so far for {what}: locks held by {}",
                    waited.as_secs_f64(),
                    holders.join(", ")
                )
            }
            Event::Progress { migration, step, done, total, batches } => {
                writeln!(self.out, "{step} ({migration}): {done} of {total} rows in {batches} batches")
            }
            _ => Ok(()),
        };
    }
}

pub(crate) fn millis(elapsed: Duration) -> String {
    format!("{:.1} ms", elapsed.as_secs_f64() * 1000.0)
}

/// `status` as knex's `migrate:list` prints it (completed in the order they
/// were applied, by recorded name; then pending, by file name), warnings
/// after; `verbose` adds each migration's batch, time and recorded name.
pub(crate) fn status_text(status: &Status, verbose: bool, out: &mut dyn Write) -> std::io::Result<()> {
    let mut applied: Vec<_> = status.applied().collect();
    applied.sort_by_key(|m| m.applied.as_ref().map_or(0, |r| r.id));
    if applied.is_empty() {
        writeln!(out, "No Completed Migration files Found.")?;
    } else {
        writeln!(out, "Found {} Completed Migration file/files.", applied.len())?;
        for migration in &applied {
            let Some(row) = migration.applied.as_ref() else { continue };
            if verbose {
                let time =
                    row.migration_time.map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string()).unwrap_or_default();
                writeln!(out, "{}  batch {}  {time}", row.recorded_name, row.batch)?;
            } else {
                writeln!(out, "{}", row.recorded_name)?;
            }
        }
    }
    let pending: Vec<_> = status.pending().collect();
    if pending.is_empty() {
        writeln!(out, "No Pending Migration files Found.")?;
    } else {
        writeln!(out, "Found {} Pending Migration file/files.", pending.len())?;
        for migration in &pending {
            writeln!(out, "{}", migration.file_name)?;
        }
    }
    for migration in &applied {
        if migration.edited {
            writeln!(
                out,
                "Warning: {} was EDITED after it was applied (revert it, or `migrate accept`)",
                migration.name
            )?;
        }
    }
    for migration in &pending {
        if migration.incomplete {
            write_stopped_halfway(out, &migration.name)?;
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
    let pending: Vec<_> = status
        .pending()
        .map(|m| json!({ "name": m.name, "file_name": m.file_name, "incomplete": m.incomplete }))
        .collect();
    json!({
        "up_to_date": status.is_up_to_date(),
        "applied": applied,
        "pending": pending,
        "missing": status.missing.iter().map(|r| r.recorded_name.clone()).collect::<Vec<_>>(),
    })
}

/// The warning for a migration that stopped halfway outside a transaction.
fn write_stopped_halfway(out: &mut (impl Write + ?Sized), name: &str) -> std::io::Result<()> {
    writeln!(out, "Warning: migration {name} stopped halfway in an earlier run; `migrate resolve {name}` once repaired")
}

/// `lint`'s lines: each migration, its findings (with `verbose`, each
/// statement and the locks it takes, its findings below it), then a count.
pub(crate) fn lint(out: &mut (dyn Write + Send), report: &crate::LintReport, verbose: bool) {
    use crate::Severity;
    if report.migrations.is_empty() {
        let _ = writeln!(out, "Nothing to lint: no pending migration (name the ones to check)");
        return;
    }
    for migration in &report.migrations {
        let how = if migration.transactional { "in a transaction" } else { "outside a transaction" };
        let clean = migration.findings.is_empty() && migration.failed.is_none();
        let _ = writeln!(out, "{} ({how}){}", migration.name, if clean { ": no hazard" } else { "" });
        for (i, statement) in migration.statements.iter().enumerate() {
            let number = i + 1;
            if verbose {
                let locks: Vec<String> = statement
                    .locks
                    .iter()
                    .map(|(table, mode)| format!("{mode} on {table} ({})", mode.blocks()))
                    .collect();
                let locks = if locks.is_empty() { "no lock on a table in use".to_owned() } else { locks.join(", ") };
                let _ = writeln!(out, "  {number}. {}: {locks}", statement.sql);
            }
            for finding in migration.findings.iter().filter(|f| f.statement == number) {
                let _ = writeln!(out, "  {finding}");
            }
        }
        if let Some(failed) = &migration.failed {
            let _ = writeln!(out, "  error: {failed}");
        }
    }
    let (errors, warnings) = (report.count(Severity::Error), report.count(Severity::Warning));
    let failed = report.migrations.iter().filter(|m| m.failed.is_some()).count();
    let failed = if failed > 0 { format!(", {failed} failed") } else { String::new() };
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let _ = writeln!(
        out,
        "Linted {}: {}, {}{failed}",
        plural(report.migrations.len(), "migration"),
        plural(errors, "error"),
        plural(warnings, "warning")
    );
}

/// `lint --json`: the report, with each finding's severity and advice.
pub(crate) fn lint_json(report: &crate::LintReport) -> serde_json::Value {
    use crate::Severity;
    let migrations: Vec<serde_json::Value> = report
        .migrations
        .iter()
        .map(|m| {
            let statements: Vec<serde_json::Value> = m
                .statements
                .iter()
                .map(|s| {
                    let locks: Vec<serde_json::Value> = s
                        .locks
                        .iter()
                        .map(|(table, mode)| serde_json::json!({ "table": table, "mode": mode.to_string() }))
                        .collect();
                    serde_json::json!({ "sql": s.sql, "locks": locks })
                })
                .collect();
            let findings: Vec<serde_json::Value> = m
                .findings
                .iter()
                .map(|f| {
                    serde_json::json!({
                        "hazard": f.hazard.id(),
                        "severity": f.hazard.severity().to_string(),
                        "allowed": f.allowed,
                        "statement": f.statement,
                        "table": f.table,
                        "detail": f.detail,
                        "advice": f.hazard.advice(),
                    })
                })
                .collect();
            serde_json::json!({
                "name": m.name,
                "transactional": m.transactional,
                "statements": statements,
                "findings": findings,
                "failed": m.failed,
            })
        })
        .collect();
    serde_json::json!({
        "migrations": migrations,
        "errors": report.count(Severity::Error),
        "warnings": report.count(Severity::Warning),
        "passes": report.passes(),
    })
}

/// `drift --json`: each difference with what it is and both definitions.
pub(crate) fn drift_json(report: &crate::DriftReport) -> serde_json::Value {
    use crate::Difference;
    let differences: Vec<serde_json::Value> = report
        .differences
        .iter()
        .map(|difference| {
            let (change, expected, actual) = match difference {
                Difference::Missing { definition, .. } => ("missing", Some(definition), None),
                Difference::Changed { expected, actual, .. } => ("changed", Some(expected), Some(actual)),
                Difference::Extra { definition, .. } => ("extra", None, Some(definition)),
            };
            let key = difference.key();
            serde_json::json!({
                "change": change,
                "kind": key.kind,
                "table": key.relation,
                "name": key.name,
                "migrations_make": expected,
                "database_has": actual,
                "line": crate::DriftLine(difference).to_string(),
            })
        })
        .collect();
    serde_json::json!({
        "applied": report.applied,
        "edited": report.edited,
        "differences": differences,
        "drifted": report.drifted(),
    })
}
