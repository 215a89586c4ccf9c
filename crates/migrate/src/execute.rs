//! Sending a plan: a transactional migration's statements and bookkeeping go
//! in one message (the first opening the transaction, the last committing
//! it); a failure is traced to its statement from what the server reports
//! (the statements it completed before the error, or the error's position),
//! never by running anything again.

use crate::db::{self, State};
use crate::plan::{PlannedMigration, Unit};
use crate::session::{Session, Watched, Which};
use crate::{Direction, Event, MigrateError, Migrator, Plan, Ran, Reporter, RunOptions, RunReport};
use knexrs_connect::describe;
use std::time::{Duration, Instant};
use tokio_postgres::error::ErrorPosition;
use tokio_postgres::{Client, SimpleQueryMessage};

/// What a part of a message is, to name it when it fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    /// `begin`, or the migration's timeouts.
    Setup,
    /// The migration's statement at this index.
    Statement(usize),
    /// Recording the migration in the bookkeeping tables.
    Bookkeeping,
    /// `commit`.
    Commit,
}

/// One message: its text, and where each part starts (in characters, as
/// PostgreSQL counts error positions).
#[derive(Debug, Default)]
struct Message {
    text: String,
    chars: usize,
    parts: Vec<(Part, usize)>,
}

impl Message {
    fn push(&mut self, part: Part, sql: &str) {
        if !self.text.is_empty() {
            self.text.push('\n');
            self.chars += 1;
        }
        self.parts.push((part, self.chars));
        let terminated = knexrs_sql::terminate(sql);
        self.chars += terminated.chars().count();
        self.text.push_str(&terminated);
    }

    /// The part that failed: the one holding the error's position when the
    /// server gave one (a syntax error fails the whole message before any
    /// statement runs), else the one after the statements that completed.
    fn failed_part(&self, completed: usize, error: &tokio_postgres::Error) -> Option<Part> {
        if let Some(ErrorPosition::Original(position)) = error.as_db_error().and_then(|db| db.position()) {
            let at = (*position as usize).saturating_sub(1);
            return self.parts.iter().rev().find(|(_, start)| *start <= at).map(|(part, _)| *part);
        }
        self.parts.get(completed).map(|(part, _)| *part)
    }
}

/// Sends `message` as one simple query; on error, how many of its statements
/// completed before it.
async fn send(client: &Client, message: &str) -> Result<(), (usize, tokio_postgres::Error)> {
    use futures_util::StreamExt;
    let stream = client.simple_query_raw(message).await.map_err(|e| (0, e))?;
    let mut stream = std::pin::pin!(stream);
    let mut completed = 0;
    while let Some(item) = stream.next().await {
        match item {
            Ok(SimpleQueryMessage::CommandComplete(_)) => completed += 1,
            Ok(_) => {}
            Err(error) => return Err((completed, error)),
        }
    }
    Ok(())
}

struct Run<'a> {
    migrator: &'a Migrator,
    options: &'a RunOptions,
    session: &'a Session,
    reporter: &'a mut dyn Reporter,
    direction: Direction,
    done: Vec<Ran>,
    /// Whether any migration of the plan sets its own timeouts (then every
    /// migration of a shared transaction sets them, to undo the previous one's).
    per_migration_settings: bool,
    /// Whether the caller opened the transaction the plan runs in (a run
    /// through a transaction pooler: one transaction, holding the lock).
    in_open_transaction: bool,
}

/// Where a plan runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    /// Directly: each transaction unit opens and commits its own transaction.
    Session,
    /// Inside a transaction the caller opened (through a transaction pooler):
    /// one unit, no `begin`, timeouts set with `set local`.
    OpenTransaction,
}

/// Runs `plan` on the session's work connection; returns what ran, or the
/// first failure with what it left behind.
pub(crate) async fn execute(
    migrator: &Migrator,
    plan: &Plan,
    options: &RunOptions,
    session: &Session,
    scope: Scope,
    reporter: &mut dyn Reporter,
) -> Result<RunReport, MigrateError> {
    let client = &session.work.client;
    let mut settings = Vec::new();
    // Behind a transaction pooler a session `set` would outlive the run on a server connection others get.
    let set = if scope == Scope::OpenTransaction { "set local" } else { "set" };
    if let Some(t) = options.lock_timeout {
        settings.push(format!("{set} lock_timeout = {}", t.as_millis()));
    }
    if let Some(t) = options.statement_timeout {
        settings.push(format!("{set} statement_timeout = {}", t.as_millis()));
    }
    if !settings.is_empty() {
        client
            .batch_execute(&settings.join("; "))
            .await
            .map_err(MigrateError::bookkeeping("setting the run's timeouts"))?;
    }
    let per_migration_settings = plan
        .units
        .iter()
        .flat_map(|u| &u.migrations)
        .any(|m| m.config.lock_timeout_ms.is_some() || m.config.statement_timeout_ms.is_some());
    let mut run = Run {
        migrator,
        options,
        session,
        reporter,
        direction: plan.direction,
        done: Vec::new(),
        per_migration_settings,
        in_open_transaction: scope == Scope::OpenTransaction,
    };
    for unit in &plan.units {
        if session.cancel.is_cancelled() {
            return Err(run.interrupted("before the next migration started"));
        }
        if unit.transactional {
            run.transaction(unit).await?;
        } else {
            for migration in &unit.migrations {
                run.outside_transaction(migration).await?;
            }
        }
    }
    Ok(RunReport { direction: plan.direction, batch: plan.batch, migrations: run.done })
}

impl Run<'_> {
    fn settings(&self, migration: &PlannedMigration, local: bool) -> Vec<String> {
        if !self.per_migration_settings {
            return Vec::new();
        }
        let ms = |own: Option<u64>, run: Option<Duration>| own.or(run.map(|d| d.as_millis() as u64)).unwrap_or(0);
        let scope = if local { "set local" } else { "set" };
        vec![
            format!("{scope} lock_timeout = {}", ms(migration.config.lock_timeout_ms, self.options.lock_timeout)),
            format!(
                "{scope} statement_timeout = {}",
                ms(migration.config.statement_timeout_ms, self.options.statement_timeout)
            ),
        ]
    }

    fn kept(&self) -> String {
        let names: Vec<String> = self.done.iter().map(|ran| ran.name.clone()).collect();
        match self.direction {
            Direction::Up => crate::error::kept_text(&names),
            Direction::Down if names.is_empty() => "no migration of this run was rolled back".to_owned(),
            Direction::Down => format!("rolled back for good: {}", names.join(", ")),
        }
    }

    /// The migrations of a rolled-back transaction no longer count as done.
    fn forget_uncommitted(&mut self, in_unit: &[String]) {
        let committed = self.done.len() - in_unit.len();
        self.done.truncate(committed);
    }

    fn interrupted(&self, when: &str) -> MigrateError {
        MigrateError::Interrupted { when: when.to_owned(), kept: self.kept() }
    }

    /// Migrations that commit together: one message each; the first opens
    /// the transaction, the last commits it.
    async fn transaction(&mut self, unit: &Unit) -> Result<(), MigrateError> {
        let mut in_unit: Vec<String> = Vec::new();
        let last = unit.migrations.len().saturating_sub(1);
        for (i, migration) in unit.migrations.iter().enumerate() {
            if i > 0 && self.session.cancel.is_cancelled() {
                rollback(self.session).await;
                self.forget_uncommitted(&in_unit);
                return Err(self.interrupted(&format!(
                    "between migrations, and rolled back the open transaction ({} undone)",
                    in_unit.join(", ")
                )));
            }
            let mut message = Message::default();
            if i == 0 && !self.in_open_transaction {
                message.push(Part::Setup, "begin");
            }
            for setting in self.settings(migration, true) {
                message.push(Part::Setup, &setting);
            }
            for (index, sql) in migration.statements.iter().enumerate() {
                message.push(Part::Statement(index), sql);
            }
            for sql in &migration.bookkeeping {
                message.push(Part::Bookkeeping, sql);
            }
            if i == last {
                message.push(Part::Commit, "commit");
            }
            self.reporter.report(Event::Started { name: &migration.name });
            let start = Instant::now();
            let client = &self.session.work.client;
            let what = format!("migration {}", migration.name);
            let watched =
                self.session.watch(Which::Work, &what, None, &mut *self.reporter, send(client, &message.text)).await;
            let elapsed = start.elapsed();
            let (completed, error) = match watched {
                Watched::Done(Ok(())) => {
                    in_unit.push(migration.name.clone());
                    self.done.push(Ran {
                        name: migration.name.clone(),
                        recorded_name: migration.recorded_name.clone(),
                        elapsed,
                    });
                    if i == last {
                        // Committed: every migration of the unit counts.
                        let committed = self.done.len() - in_unit.len();
                        for ran in &self.done[committed..] {
                            self.reporter.report(Event::Finished { name: &ran.name, elapsed: ran.elapsed });
                        }
                    }
                    continue;
                }
                Watched::Done(Err(failure)) => failure,
                Watched::Cancelled | Watched::TimedOut => {
                    rollback(self.session).await;
                    self.forget_uncommitted(&in_unit);
                    in_unit.push(migration.name.clone());
                    return Err(self.interrupted(&format!(
                        "during {}, and rolled back the open transaction ({} undone)",
                        migration.name,
                        in_unit.join(", ")
                    )));
                }
            };
            let part = message.failed_part(completed, &error);
            if part == Some(Part::Commit) && error.is_closed() {
                self.forget_uncommitted(&in_unit);
                return Err(MigrateError::Statement {
                    migration: migration.name.clone(),
                    statement: None,
                    message: format!(
                        "the connection was lost while committing {}: whether they were applied is unknown, check with `migrate status`; {}",
                        in_unit.iter().chain(std::iter::once(&migration.name)).cloned().collect::<Vec<_>>().join(", "),
                        self.kept()
                    ),
                    source: error,
                });
            }
            if !error.is_closed() {
                rollback(self.session).await;
            }
            self.forget_uncommitted(&in_unit);
            in_unit.push(migration.name.clone());
            let kept = format!("rolled back: {}; {}", in_unit.join(", "), self.kept());
            return Err(self.failure(migration, part, error, &kept));
        }
        Ok(())
    }

    fn failure(
        &self,
        migration: &PlannedMigration,
        part: Option<Part>,
        error: tokio_postgres::Error,
        kept: &str,
    ) -> MigrateError {
        let (statement, at) = match part {
            Some(Part::Statement(i)) => {
                let sql = migration.statements.get(i).cloned();
                let at = sql.as_deref().map_or(String::new(), |sql| {
                    format!(" at statement {} of {} `{}`", i + 1, migration.statements.len(), shorten(sql))
                });
                (sql, at)
            }
            Some(Part::Bookkeeping) => (None, " while recording it in the bookkeeping tables".to_owned()),
            Some(Part::Commit) => (None, " while committing (a deferred constraint, or the server)".to_owned()),
            Some(Part::Setup) => (None, " while setting up its transaction".to_owned()),
            None => (None, String::new()),
        };
        let what =
            if error.is_closed() { "the connection to the server was lost".to_owned() } else { describe(&error) };
        let blockers = self.session.last_blockers();
        let blocked = if blockers.is_empty() {
            String::new()
        } else {
            let list: Vec<String> = blockers.iter().map(ToString::to_string).collect();
            format!(" (it waited for locks held by {})", list.join(", "))
        };
        MigrateError::Statement {
            migration: migration.name.clone(),
            statement,
            message: format!("migration {} failed{at}: {what}{blocked}; {kept}", migration.name),
            source: error,
        }
    }

    /// A migration outside a transaction: a started mark, each statement on
    /// its own, then the bookkeeping in a transaction. A failure after the
    /// first statement leaves the mark, so the next run stops until
    /// `migrate resolve` says what the database holds.
    async fn outside_transaction(&mut self, migration: &PlannedMigration) -> Result<(), MigrateError> {
        let tables = self.migrator.tables();
        let client = &self.session.work.client;
        let source = self.migrator.find(&migration.name).cloned();
        let started_state = match self.direction {
            Direction::Up => State::Applying,
            Direction::Down => State::Reverting,
        };
        if let Some(source) = &source {
            db::mark_started(client, tables, source, started_state).await?;
        }
        self.reporter.report(Event::Started { name: &migration.name });
        let start = Instant::now();
        let settings = self.settings(migration, false);
        if !settings.is_empty() {
            client
                .batch_execute(&settings.join("; "))
                .await
                .map_err(MigrateError::bookkeeping("setting the migration's timeouts"))?;
        }
        let total = migration.statements.len();
        for (i, statement) in migration.statements.iter().enumerate() {
            if i > 0 && self.session.cancel.is_cancelled() {
                return Err(self.stopped_halfway(migration, i));
            }
            let what = format!("migration {}", migration.name);
            let watched = self
                .session
                .watch(Which::Work, &what, None, &mut *self.reporter, client.batch_execute(statement))
                .await;
            let error = match watched {
                Watched::Done(Ok(())) => continue,
                Watched::Done(Err(error)) => error,
                Watched::Cancelled | Watched::TimedOut if i == 0 => {
                    undo_mark(self.session, self.migrator, self.direction, migration, source.as_ref()).await?;
                    return Err(self.interrupted(&format!(
                        "during {} (outside a transaction) before any of its statements completed",
                        migration.name
                    )));
                }
                Watched::Cancelled | Watched::TimedOut => return Err(self.stopped_halfway(migration, i)),
            };
            let kept = if i == 0 {
                if !error.is_closed() {
                    undo_mark(self.session, self.migrator, self.direction, migration, source.as_ref()).await?;
                }
                format!("it runs outside a transaction and nothing of it was applied; {}", self.kept())
            } else {
                format!(
                    "it runs outside a transaction, so its first {i} statement(s) of {total} stay applied: repair by hand, then run `migrate resolve {} --applied` or `--rolled-back`; {}",
                    migration.name,
                    self.kept()
                )
            };
            return Err(self.failure(migration, Some(Part::Statement(i)), error, &kept));
        }
        let bookkeeping = format!("begin;\n{};\ncommit", migration.bookkeeping.join(";\n"));
        client.batch_execute(&bookkeeping).await.map_err(MigrateError::bookkeeping(format!(
            "recording {} (its statements ran; run `migrate resolve {} --applied`)",
            migration.name, migration.name
        )))?;
        if !settings.is_empty() {
            let defaults = PlannedMigration { config: crate::MigrationConfig::new(), ..migration.clone() };
            let _ = client.batch_execute(&self.settings(&defaults, false).join("; ")).await;
        }
        let elapsed = start.elapsed();
        self.reporter.report(Event::Finished { name: &migration.name, elapsed });
        self.done.push(Ran { name: migration.name.clone(), recorded_name: migration.recorded_name.clone(), elapsed });
        Ok(())
    }

    fn stopped_halfway(&self, migration: &PlannedMigration, completed: usize) -> MigrateError {
        self.interrupted(&format!(
            "inside {} after statement {completed} of {} (it runs outside a transaction, so those stay applied): repair by hand, then run `migrate resolve {} --applied` or `--rolled-back`",
            migration.name,
            migration.statements.len(),
            migration.name
        ))
    }
}

/// Ends the open transaction (free functions, not methods: a run holds its
/// reporter, which need not be `Sync`, so no `&Run` may live across an await).
async fn rollback(session: &Session) {
    // A statement given up on still runs: a rollback would queue behind it.
    // Dropping the connection rolls back.
    if session.work.is_abandoned() {
        return;
    }
    let _ = session.work.client.batch_execute("rollback").await;
}

/// Nothing of the migration ran: its bookkeeping goes back to what it was.
async fn undo_mark(
    session: &Session,
    migrator: &Migrator,
    direction: Direction,
    migration: &PlannedMigration,
    source: Option<&crate::Migration>,
) -> Result<(), MigrateError> {
    let client = &session.work.client;
    let tables = migrator.tables();
    match (direction, source) {
        (Direction::Up, _) => db::clear_started(client, tables, &migration.name).await,
        (Direction::Down, Some(source)) => db::mark_applied(client, tables, source).await,
        (Direction::Down, None) => Ok(()),
    }
}

/// A statement short enough for a one-line error.
pub(crate) fn shorten(sql: &str) -> String {
    let flat = sql.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= 160 { flat } else { format!("{}…", flat.chars().take(160).collect::<String>()) }
}
