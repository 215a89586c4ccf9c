//! Sending a plan: a transactional migration's statements and bookkeeping go
//! in one message (the first opening the transaction, the last committing
//! it); a failure is traced to its statement from what the server reports
//! (the statements it completed before the error, or the error's position),
//! never by running anything again.

use crate::backfill::{Backfill, Batch};
use crate::db::{self, State};
use crate::plan::{PlannedMigration, PlannedStep, Unit};
use crate::session::{Session, Watched, Which};
use crate::step::{StepBody, StepDb};
use crate::{Direction, Event, MigrateError, Migrator, Plan, Ran, Reporter, RunOptions, RunReport, StepError};
use knexrs_connect::describe;
use std::time::{Duration, Instant};
use tokio_postgres::error::ErrorPosition;
use tokio_postgres::{Client, SimpleQueryMessage};

/// How often a backfill reports its progress.
const PROGRESS_EVERY: Duration = Duration::from_secs(1);

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
    let client = session.work.client();
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

    /// Migrations that commit together: one message each (split around its
    /// run-time steps); the first opens the transaction, the last commits it.
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
            let opens = i == 0 && !self.in_open_transaction;
            let segments = self.segments(migration, opens, i == last);
            self.reporter.report(Event::Started { name: &migration.name });
            let start = Instant::now();
            let mut failed = None;
            for segment in &segments {
                let result = match segment {
                    Segment::Sql(message) => self.send_watched(migration, message).await,
                    Segment::Step(step) => self.run_step(migration, step, true).await,
                };
                if let Err(failure) = result {
                    failed = Some(failure);
                    break;
                }
            }
            let elapsed = start.elapsed();
            let (part, error) = match failed {
                None => {
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
                Some(Failed::Sql { part, error }) => (part, error),
                Some(Failed::Step { step, error }) => {
                    rollback(self.session).await;
                    self.forget_uncommitted(&in_unit);
                    in_unit.push(migration.name.clone());
                    let kept = format!("rolled back: {}; {}", in_unit.join(", "), self.kept());
                    return Err(step_failure(migration, &step, error, &kept));
                }
                Some(Failed::Stopped) => {
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

    /// A transactional migration as messages and the steps between them.
    fn segments<'m>(&self, migration: &'m PlannedMigration, opens: bool, commits: bool) -> Vec<Segment<'m>> {
        let mut segments = Vec::new();
        let mut message = Message::default();
        if opens {
            message.push(Part::Setup, "begin");
        }
        for setting in self.settings(migration, true) {
            message.push(Part::Setup, &setting);
        }
        let steps_at = |at: usize, message: &mut Message, segments: &mut Vec<Segment<'m>>| {
            for step in migration.steps_at(at) {
                if !message.text.is_empty() {
                    segments.push(Segment::Sql(std::mem::take(message)));
                }
                segments.push(Segment::Step(step));
            }
        };
        for (index, sql) in migration.statements.iter().enumerate() {
            steps_at(index, &mut message, &mut segments);
            message.push(Part::Statement(index), sql);
        }
        steps_at(migration.statements.len(), &mut message, &mut segments);
        for sql in &migration.bookkeeping {
            message.push(Part::Bookkeeping, sql);
        }
        if commits {
            message.push(Part::Commit, "commit");
        }
        if !message.text.is_empty() {
            segments.push(Segment::Sql(message));
        }
        segments
    }

    /// Sends one message of a migration, watched (cancellable, waits reported).
    async fn send_watched(&mut self, migration: &PlannedMigration, message: &Message) -> Result<(), Failed> {
        let client = self.session.work.client();
        let what = format!("migration {}", migration.name);
        match self.session.watch(Which::Work, &what, None, &mut *self.reporter, send(client, &message.text)).await {
            Watched::Done(Ok(())) => Ok(()),
            Watched::Done(Err((completed, error))) => {
                Err(Failed::Sql { part: message.failed_part(completed, &error), error })
            }
            Watched::Cancelled | Watched::TimedOut => Err(Failed::Stopped),
        }
    }

    /// Runs a step on the work connection: code inside the migration's
    /// transaction (lent to the step's executor), or a batched backfill.
    async fn run_step(
        &mut self,
        migration: &PlannedMigration,
        step: &PlannedStep,
        in_transaction: bool,
    ) -> Result<(), Failed> {
        let code = match &step.body {
            StepBody::Code(code) => code.clone(),
            StepBody::Backfill(fill) => return self.backfill(migration, step, fill).await,
        };
        let session = self.session;
        let conn = &session.work.conn;
        if in_transaction {
            conn.adopt_transaction();
        }
        let db = StepDb::new(conn, session.work.version, &migration.name);
        let what = format!("step \"{}\" of migration {}", step.name, migration.name);
        let guarded = crate::step::guarded(code.as_ref(), &db);
        let watched = session.watch(Which::Work, &what, None, &mut *self.reporter, guarded).await;
        let released =
            if in_transaction && !session.work.is_abandoned() { conn.release_transaction().await } else { Ok(()) };
        match watched {
            Watched::Done(Ok(())) => {
                released.map_err(|error| Failed::Step { step: step.name.clone(), error: error.into() })
            }
            Watched::Done(Err(error)) => Err(Failed::Step { step: step.name.clone(), error }),
            Watched::Cancelled | Watched::TimedOut => Err(Failed::Stopped),
        }
    }

    /// A batched backfill: counts the rows left, then runs batches (each its
    /// own transaction) until a batch finds none, reporting progress.
    async fn backfill(
        &mut self,
        migration: &PlannedMigration,
        step: &PlannedStep,
        fill: &Backfill,
    ) -> Result<(), Failed> {
        let session = self.session;
        let client = session.work.client();
        let what = format!("step \"{}\" of migration {}", step.name, migration.name);
        let failed = |error: tokio_postgres::Error| Failed::Step { step: step.name.clone(), error: error.into() };
        let count =
            session.watch(Which::Work, &what, None, &mut *self.reporter, client.query_one(&step.sql[0], &[])).await;
        let total = match count {
            Watched::Done(row) => row.and_then(|row| row.try_get::<_, i64>(0)).map_err(failed)?.unsigned_abs(),
            Watched::Cancelled | Watched::TimedOut => return Err(Failed::Stopped),
        };
        let progress = |reporter: &mut dyn Reporter, done: u64, batches: u64| {
            reporter.report(Event::Progress { migration: &migration.name, step: &step.name, done, total, batches });
        };
        progress(&mut *self.reporter, 0, 0);
        let (mut done, mut batches) = (0_u64, 0_u64);
        let mut after: Option<String> = None;
        let mut reported = Instant::now();
        loop {
            if session.cancel.is_cancelled() {
                return Err(Failed::Stopped);
            }
            let sql = fill
                .batch_sql(after.as_deref())
                .map_err(|e| Failed::Step { step: step.name.clone(), error: e.into() })?;
            let batch = session.watch(Which::Work, &what, None, &mut *self.reporter, client.query_one(&sql, &[])).await;
            let row = match batch {
                Watched::Done(row) => row.map_err(failed)?,
                Watched::Cancelled | Watched::TimedOut => return Err(Failed::Stopped),
            };
            let Batch { updated, last } = Batch::read(&row).map_err(failed)?;
            let Some(last) = last else { break };
            done += updated;
            batches += 1;
            after = Some(last);
            if reported.elapsed() >= PROGRESS_EVERY {
                progress(&mut *self.reporter, done, batches);
                reported = Instant::now();
            }
        }
        progress(&mut *self.reporter, done, batches);
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

    /// A migration outside a transaction: a started mark, each statement and
    /// step on its own, then the bookkeeping in a transaction. A failure
    /// after the first statement leaves the mark, so the next run stops until
    /// `migrate resolve` says what the database holds; a migration of
    /// backfills only is resumed by the next run instead.
    async fn outside_transaction(&mut self, migration: &PlannedMigration) -> Result<(), MigrateError> {
        let tables = self.migrator.tables();
        let client = self.session.work.client();
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
        // Statements and steps that completed (a step may have committed work).
        let mut completed = 0;
        for i in 0..=total {
            for step in migration.steps_at(i) {
                if completed > 0 && self.session.cancel.is_cancelled() {
                    return Err(self.stopped_halfway(migration, completed));
                }
                match self.run_step(migration, step, false).await {
                    Ok(()) => completed += 1,
                    Err(Failed::Step { step, error }) => {
                        let kept = self.kept_halfway(migration, completed);
                        return Err(step_failure(migration, &step, error, &kept));
                    }
                    Err(_) => return Err(self.stopped_halfway(migration, completed)),
                }
            }
            let Some(statement) = migration.statements.get(i) else { break };
            if completed > 0 && self.session.cancel.is_cancelled() {
                return Err(self.stopped_halfway(migration, completed));
            }
            let what = format!("migration {}", migration.name);
            let watched = self
                .session
                .watch(Which::Work, &what, None, &mut *self.reporter, client.batch_execute(statement))
                .await;
            let error = match watched {
                Watched::Done(Ok(())) => {
                    completed += 1;
                    continue;
                }
                Watched::Done(Err(error)) => error,
                Watched::Cancelled | Watched::TimedOut if completed == 0 => {
                    undo_mark(self.session, self.migrator, self.direction, migration, source.as_ref()).await?;
                    return Err(self.interrupted(&format!(
                        "during {} (outside a transaction) before any of its statements completed",
                        migration.name
                    )));
                }
                Watched::Cancelled | Watched::TimedOut => return Err(self.stopped_halfway(migration, completed)),
            };
            let kept = if completed == 0 {
                if !error.is_closed() {
                    undo_mark(self.session, self.migrator, self.direction, migration, source.as_ref()).await?;
                }
                format!("it runs outside a transaction and nothing of it was applied; {}", self.kept())
            } else {
                self.kept_halfway(migration, completed)
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

    /// What a non-transactional migration that stopped after `completed`
    /// statements and steps leaves, and what to do about it.
    fn kept_halfway(&self, migration: &PlannedMigration, completed: usize) -> String {
        if migration.is_resumable() && self.direction == Direction::Up {
            return format!(
                "its backfill commits batch by batch, so the rows done stay done; fix the cause and run the command again: it resumes with the rows left; {}",
                self.kept()
            );
        }
        format!(
            "it runs outside a transaction, so its first {} stay applied: repair by hand, then run `migrate resolve {} --applied` or `--rolled-back`; {}",
            done_of(migration, completed),
            migration.name,
            self.kept()
        )
    }

    fn stopped_halfway(&self, migration: &PlannedMigration, completed: usize) -> MigrateError {
        if migration.is_resumable() && self.direction == Direction::Up {
            return self.interrupted(&format!(
                "inside {} (a batched backfill: the batches done stay committed; run the command again to finish it)",
                migration.name
            ));
        }
        self.interrupted(&format!(
            "inside {} after {} (it runs outside a transaction, so those stay applied): repair by hand, then run `migrate resolve {} --applied` or `--rolled-back`",
            migration.name,
            done_of(migration, completed),
            migration.name
        ))
    }
}

/// How a part of a migration failed.
enum Failed {
    /// A message: the part that failed, and the server's error.
    Sql { part: Option<Part>, error: tokio_postgres::Error },
    /// A step returned an error.
    Step { step: String, error: StepError },
    /// The run was cancelled, or a deadline passed.
    Stopped,
}

/// A transactional migration, in order: messages, and the steps between them.
enum Segment<'m> {
    Sql(Message),
    Step(&'m PlannedStep),
}

/// "1 statement(s) of 2", or with steps "2 of 3 statement(s) and step(s)".
fn done_of(migration: &PlannedMigration, completed: usize) -> String {
    if migration.steps.is_empty() {
        format!("{completed} statement(s) of {}", migration.statements.len())
    } else {
        format!("{completed} of {} statement(s) and step(s)", migration.statements.len() + migration.steps.len())
    }
}

/// The error for a step that failed.
fn step_failure(migration: &PlannedMigration, step: &str, error: StepError, kept: &str) -> MigrateError {
    MigrateError::Step {
        migration: migration.name.clone(),
        step: step.to_owned(),
        message: format!("migration {} failed in step \"{step}\": {error}; {kept}", migration.name),
        source: error,
    }
}

/// Ends the open transaction (free functions, not methods: a run holds its
/// reporter, which need not be `Sync`, so no `&Run` may live across an await).
/// Rolls back the transaction open on the work connection (best effort).
pub(crate) async fn rollback(session: &Session) {
    // A statement given up on still runs: a rollback would queue behind it.
    // Dropping the connection rolls back.
    if session.work.is_abandoned() {
        return;
    }
    let _ = session.work.client().batch_execute("rollback").await;
}

/// Nothing of the migration ran: its bookkeeping goes back to what it was.
async fn undo_mark(
    session: &Session,
    migrator: &Migrator,
    direction: Direction,
    migration: &PlannedMigration,
    source: Option<&crate::Migration>,
) -> Result<(), MigrateError> {
    let client = session.work.client();
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
