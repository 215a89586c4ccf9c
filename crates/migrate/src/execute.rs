//! Sending a plan: each migration's statements and bookkeeping in one round
//! trip, inside a savepoint so a failure can be traced to its statement.

use crate::db;
use crate::interrupt::interrupted;
use crate::plan::{PlannedMigration, Unit};
use crate::{Event, MigrateError, Migrator, Plan, Reporter, RunOptions, RunReport};
use knexrs_query::describe;
use postgres::Client;
use std::time::{Duration, Instant};

const SAVEPOINT: &str = "knexrs_migration";

struct Run<'a> {
    migrator: &'a Migrator,
    options: &'a RunOptions,
    client: &'a mut Client,
    reporter: &'a mut dyn Reporter,
    done: Vec<(String, Duration)>,
    /// Whether any migration of the plan sets its own timeouts (then every
    /// migration of a shared transaction sets them, to undo the previous one's).
    per_migration_settings: bool,
}

/// Runs `plan` on `client`; returns what ran, or the first failure with what
/// it left behind.
pub(crate) fn execute(
    migrator: &Migrator,
    plan: &Plan,
    options: &RunOptions,
    client: &mut Client,
    reporter: &mut dyn Reporter,
) -> Result<RunReport, MigrateError> {
    let mut session = Vec::new();
    if let Some(t) = options.lock_timeout {
        session.push(format!("set lock_timeout = {}", t.as_millis()));
    }
    if let Some(t) = options.statement_timeout {
        session.push(format!("set statement_timeout = {}", t.as_millis()));
    }
    if !session.is_empty() {
        client.batch_execute(&session.join("; ")).map_err(MigrateError::bookkeeping("setting the run's timeouts"))?;
    }
    let per_migration_settings = plan
        .units
        .iter()
        .flat_map(|u| &u.migrations)
        .any(|m| m.config.lock_timeout_ms.is_some() || m.config.statement_timeout_ms.is_some());
    let mut run = Run { migrator, options, client, reporter, done: Vec::new(), per_migration_settings };
    for unit in &plan.units {
        if interrupted() {
            return Err(run.interrupted("before the next migration started"));
        }
        if unit.transactional {
            run.transaction(unit)?;
        } else {
            for migration in &unit.migrations {
                run.outside_transaction(migration)?;
            }
        }
    }
    Ok(RunReport { direction: plan.direction, batch: plan.batch, migrations: run.done })
}

impl Run<'_> {
    fn settings(&self, migration: &PlannedMigration, local: bool) -> String {
        if !self.per_migration_settings {
            return String::new();
        }
        let ms = |own: Option<u64>, run: Option<Duration>| own.or(run.map(|d| d.as_millis() as u64)).unwrap_or(0);
        let scope = if local { "set local" } else { "set" };
        format!(
            "{scope} lock_timeout = {}; {scope} statement_timeout = {};\n",
            ms(migration.config.lock_timeout_ms, self.options.lock_timeout),
            ms(migration.config.statement_timeout_ms, self.options.statement_timeout)
        )
    }

    fn applied_so_far(&self) -> String {
        if self.done.is_empty() {
            "no migration of this run was applied".to_owned()
        } else {
            format!("applied and kept: {}", self.done.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>().join(", "))
        }
    }

    /// The migrations of a rolled-back transaction no longer count as applied.
    fn forget_uncommitted(&mut self, in_unit: &[String]) {
        let committed = self.done.len() - in_unit.len();
        self.done.truncate(committed);
    }

    fn interrupted(&self, when: &str) -> MigrateError {
        MigrateError::Interrupted(format!("stopped {when}; {}", self.applied_so_far()))
    }

    /// Migrations that commit together: one message each, then `COMMIT`.
    fn transaction(&mut self, unit: &Unit) -> Result<(), MigrateError> {
        let mut in_unit = Vec::new();
        for (i, migration) in unit.migrations.iter().enumerate() {
            if i > 0 && interrupted() {
                let _ = self.client.batch_execute("rollback");
                self.forget_uncommitted(&in_unit);
                return Err(
                    self.interrupted(&format!("and rolled back the open transaction ({} undone)", in_unit.join(", ")))
                );
            }
            let mut sql = String::new();
            if i == 0 {
                sql.push_str("begin;\n");
            }
            sql.push_str(&format!("savepoint {SAVEPOINT};\n"));
            sql.push_str(&self.settings(migration, true));
            for statement in migration.statements.iter().chain(&migration.bookkeeping) {
                sql.push_str(statement);
                sql.push_str(";\n");
            }
            sql.push_str(&format!("release savepoint {SAVEPOINT}"));
            self.reporter.report(Event::Started { name: &migration.name });
            let start = Instant::now();
            if let Err(error) = self.client.batch_execute(&sql) {
                if interrupted() && !error.is_closed() {
                    // Cancelled by a signal: nothing to trace, everything to undo.
                    let _ = self.client.batch_execute("rollback");
                    self.forget_uncommitted(&in_unit);
                    let mut undone = in_unit.clone();
                    undone.push(migration.name.clone());
                    return Err(self.interrupted(&format!(
                        "during {} and rolled back the open transaction ({} undone)",
                        migration.name,
                        undone.join(", ")
                    )));
                }
                let (index, error) = self.trace(migration, error);
                let _ = self.client.batch_execute("rollback");
                self.forget_uncommitted(&in_unit);
                let mut undone = in_unit.clone();
                undone.push(migration.name.clone());
                return Err(self.failure(
                    migration,
                    index,
                    error,
                    &format!("rolled back: {}; {}", undone.join(", "), self.applied_so_far()),
                ));
            }
            let elapsed = start.elapsed();
            self.reporter.report(Event::Finished { name: &migration.name, elapsed });
            in_unit.push(migration.name.clone());
            self.done.push((migration.name.clone(), elapsed));
        }
        if let Err(error) = self.client.batch_execute("commit") {
            let committed = self.done.len() - in_unit.len();
            self.done.truncate(committed);
            let message = if error.is_closed() {
                format!(
                    "the connection was lost while committing {}: whether they were applied is unknown, check with `migrate status`",
                    in_unit.join(", ")
                )
            } else {
                format!("committing {} failed, they were rolled back: {}", in_unit.join(", "), describe(&error))
            };
            return Err(MigrateError::Statement {
                migration: in_unit.last().cloned().unwrap_or_default(),
                statement: None,
                message: format!("{message}; {}", self.applied_so_far()),
                source: error,
            });
        }
        Ok(())
    }

    /// After a failed message: back to the savepoint, then the statements one by
    /// one until one fails, to name it. Everything is rolled back afterwards.
    fn trace(&mut self, migration: &PlannedMigration, error: postgres::Error) -> (Option<usize>, postgres::Error) {
        if error.is_closed() || self.client.batch_execute(&format!("rollback to savepoint {SAVEPOINT}")).is_err() {
            return (None, error);
        }
        if migration.statements.len() == 1 {
            return (Some(0), error);
        }
        let _ = self.client.batch_execute(&self.settings(migration, true));
        for (i, statement) in migration.statements.iter().enumerate() {
            if let Err(replayed) = self.client.batch_execute(statement) {
                return (Some(i), replayed);
            }
        }
        (None, error)
    }

    fn failure(
        &self,
        migration: &PlannedMigration,
        index: Option<usize>,
        error: postgres::Error,
        kept: &str,
    ) -> MigrateError {
        let statement = index.and_then(|i| migration.statements.get(i)).cloned();
        let at = match (index, &statement) {
            (Some(i), Some(sql)) => {
                format!(" at statement {} of {} `{}`", i + 1, migration.statements.len(), shorten(sql))
            }
            _ => String::new(),
        };
        let what =
            if error.is_closed() { "the connection to the server was lost".to_owned() } else { describe(&error) };
        MigrateError::Statement {
            migration: migration.name.clone(),
            statement,
            message: format!("migration {} failed{at}: {what}; {kept}", migration.name),
            source: error,
        }
    }

    /// A migration PostgreSQL will not run in a transaction: a started mark,
    /// each statement on its own, then the bookkeeping in a transaction.
    fn outside_transaction(&mut self, migration: &PlannedMigration) -> Result<(), MigrateError> {
        let tables = self.migrator.tables();
        let source = self.migrator.find(&migration.name).cloned();
        let up = migration.bookkeeping.first().is_some_and(|sql| sql.to_ascii_lowercase().starts_with("insert"));
        if let (true, Some(source)) = (up, &source) {
            db::mark_in_progress(self.client, tables, source)?;
        }
        self.reporter.report(Event::Started { name: &migration.name });
        let start = Instant::now();
        let settings = self.settings(migration, false);
        if !settings.is_empty() {
            self.client
                .batch_execute(&settings)
                .map_err(MigrateError::bookkeeping("setting the migration's timeouts"))?;
        }
        for (i, statement) in migration.statements.iter().enumerate() {
            if let Err(error) = self.client.batch_execute(statement) {
                let kept = if i == 0 {
                    if up && !error.is_closed() {
                        db::clear_in_progress(self.client, tables, &migration.name)?;
                    }
                    format!("it runs outside a transaction and nothing of it was applied; {}", self.applied_so_far())
                } else {
                    format!(
                        "it runs outside a transaction, so its first {i} statement(s) stay applied: repair by hand, then run `migrate resolve {} --applied` or `--rolled-back`; {}",
                        migration.name,
                        self.applied_so_far()
                    )
                };
                return Err(self.failure(migration, Some(i), error, &kept));
            }
            if interrupted() && i + 1 < migration.statements.len() {
                return Err(self.interrupted(&format!(
                    "inside {} after statement {} of {} (it runs outside a transaction): run `migrate resolve {}` once repaired",
                    migration.name,
                    i + 1,
                    migration.statements.len(),
                    migration.name
                )));
            }
        }
        let bookkeeping = format!("begin;\n{};\ncommit", migration.bookkeeping.join(";\n"));
        self.client.batch_execute(&bookkeeping).map_err(MigrateError::bookkeeping(format!(
            "recording {} (its statements ran; run `migrate resolve {} --applied`)",
            migration.name, migration.name
        )))?;
        if !settings.is_empty() {
            let reset =
                self.settings(&PlannedMigration { config: crate::MigrationConfig::new(), ..migration.clone() }, false);
            let _ = self.client.batch_execute(&reset);
        }
        let elapsed = start.elapsed();
        self.reporter.report(Event::Finished { name: &migration.name, elapsed });
        self.done.push((migration.name.clone(), elapsed));
        Ok(())
    }
}

/// A statement short enough for a one-line error.
fn shorten(sql: &str) -> String {
    let flat = sql.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= 160 { flat } else { format!("{}…", flat.chars().take(160).collect::<String>()) }
}
