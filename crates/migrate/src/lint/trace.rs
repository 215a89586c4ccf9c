//! `migrate lint`: each migration checked runs on a throwaway database of
//! the same server, one statement at a time inside the transaction it will
//! have, and after each statement the catalog and this session's locks are
//! read: which tables it locked and how, whether it rewrote one (a new
//! storage file), built an index, validated a constraint or read every row
//! for NOT NULL. What is reported is what PostgreSQL did, not a guess from
//! the SQL text: `varchar(50)` to `varchar(100)` rewrites nothing and is not
//! reported; `integer` to `bigint` rewrites the table and is.

use super::hazard::{Finding, Hazard, LintOptions, LintReport, LockMode, MigrationLint, TracedStatement};
use super::snapshot::{Ran, Snapshot, compare};
use crate::backfill::Batch;
use crate::plan::PlannedStep;
use crate::scratch::Scratch;
use crate::session::Conn;
use crate::step::{StepBody, StepDb};
use crate::{MigrateError, Migration, Migrator, RunOptions, Silent, Target, db};
use knexrs_connect::ConnectConfig;
use rustc_hash::{FxHashMap, FxHashSet};

/// How big each table is on the database linted for, to say what a hazard costs there.
type Sizes = FxHashMap<String, String>;

impl Migrator {
    /// Lints each migration named (or, with none named, each migration
    /// pending on `connection`'s database): on a throwaway database created
    /// on the same server (and dropped after), the migrations before it are
    /// applied, then its statements run one by one as `latest` would run
    /// them, and the locks and catalog changes of each are read. Tables
    /// created by earlier migrations count as in use; the sizes the
    /// database `connection` names has for them are quoted. That database
    /// is only read.
    ///
    /// ```no_run
    /// # async fn demo(migrator: knexrs_migrate::Migrator, config: knexrs_connect::ConnectConfig) -> Result<(), knexrs_migrate::MigrateError> {
    /// let report = migrator.lint_async(&config, &[], &knexrs_migrate::LintOptions::default()).await?;
    /// for migration in &report.migrations {
    ///     for finding in &migration.findings {
    ///         println!("{}: {finding}", migration.name);
    ///     }
    /// }
    /// assert!(report.passes());
    /// # Ok(()) }
    /// ```
    pub async fn lint_async(
        &self,
        connection: &ConnectConfig,
        names: &[String],
        options: &LintOptions,
    ) -> Result<LintReport, MigrateError> {
        Scratch::reachable(connection, "lint")?;
        let checked = self.pending_or_named(connection, names).await?;
        for migration in self.migrations().iter().filter(|m| checked.iter().any(|c| c == m.name())) {
            allowed_in(migration)?;
        }
        if checked.is_empty() {
            return Ok(LintReport::default());
        }
        let sizes = sizes(connection).await?;
        Scratch::with(connection, "lint", "linting", &options.cancel, async |scratch| {
            self.lint_on(scratch, &checked, options, &sizes).await
        })
        .await
    }

    /// [`lint_async`](Self::lint_async), blocking.
    ///
    /// ```no_run
    /// # fn demo(migrator: knexrs_migrate::Migrator, config: knexrs_connect::ConnectConfig) -> Result<(), knexrs_migrate::MigrateError> {
    /// let report = migrator.lint(&config, &[], &knexrs_migrate::LintOptions::default())?;
    /// println!("{} errors", report.count(knexrs_migrate::Severity::Error));
    /// # Ok(()) }
    /// ```
    pub fn lint(
        &self,
        connection: &ConnectConfig,
        names: &[String],
        options: &LintOptions,
    ) -> Result<LintReport, MigrateError> {
        crate::runtime::block_on("Migrator::lint", "Migrator::lint_async", self.lint_async(connection, names, options))
    }

    async fn lint_on(
        &self,
        scratch: &Scratch,
        checked: &[String],
        options: &LintOptions,
        sizes: &Sizes,
    ) -> Result<LintReport, MigrateError> {
        let mut report = LintReport::default();
        // In the order they apply, whatever order they were named in.
        for migration in self.migrations().iter().filter(|m| checked.iter().any(|c| c == m.name())) {
            let name = migration.name().to_owned();
            let before = Target::Before(name.clone());
            let run = RunOptions { cancel: options.cancel.clone(), ..RunOptions::default() };
            if let Err(error) = self.run_async(&scratch.config, &before, &run, &mut Silent).await {
                let failed = Some(format!("a migration before it fails: {error}"));
                report.migrations.push(MigrationLint { name, failed, ..MigrationLint::default() });
                return Ok(report);
            }
            let lint = self.trace(scratch, migration, options, sizes).await?;
            let failed = lint.failed.is_some();
            report.migrations.push(lint);
            if failed {
                break;
            }
        }
        Ok(report)
    }

    /// Runs `migration`'s `up` statement by statement on the scratch
    /// database, reading the catalog after each, then records it as applied.
    async fn trace(
        &self,
        scratch: &Scratch,
        migration: &Migration,
        options: &LintOptions,
        sizes: &Sizes,
    ) -> Result<MigrationLint, MigrateError> {
        let work = Conn::open(&scratch.config).await?;
        let client = work.client();
        let (planned, transactional) = crate::plan::prepare(migration, true, &RunOptions::default(), work.version)?;
        let catalog = || MigrateError::bookkeeping("reading the throwaway database's catalog");
        if let Some(ms) =
            options.lock_timeout.map(|t| t.as_millis()).or(migration.config().lock_timeout_ms.map(u128::from))
        {
            client.batch_execute(&format!("set lock_timeout = {ms}")).await.map_err(catalog())?;
        }
        let start = Snapshot::read(client).await.map_err(catalog())?;
        let mut allowed = allowed_in(migration)?;
        allowed.extend(&options.allowed);
        let mut tracer = Tracer {
            lint: MigrationLint { name: migration.name().to_owned(), transactional, ..MigrationLint::default() },
            existing: start.tables(self.tables().migrations()),
            before: start,
            held: Vec::new(),
            warned_timeout: false,
            allowed,
            sizes,
        };
        if transactional {
            client.batch_execute("begin").await.map_err(catalog())?;
        }
        let count = planned.statements.len();
        for at in 0..=count {
            for step in planned.steps_at(at) {
                let label = format!("step \"{}\"", step.name);
                if let Err(error) = run_step(&work, &planned.name, step, transactional).await {
                    return Ok(tracer.failed(&work, transactional, &label, &error.to_string()).await);
                }
                // A step outside a transaction ran its own (backfill batches): its locks are gone.
                let after = Snapshot::read(client).await.map_err(catalog())?;
                tracer.observe(
                    label,
                    after,
                    Ran { concurrently: !transactional, in_migration_transaction: transactional, verb: "" },
                );
            }
            let Some(sql) = planned.statements.get(at) else { break };
            let label = crate::execute::shorten(sql);
            // Outside a transaction, each statement runs in one of its own (as autocommit does), so its locks show.
            let concurrently = knexrs_sql::refuses_transaction(sql);
            let own = !transactional && !concurrently;
            let sent = if own { format!("begin;\n{}", knexrs_sql::terminate(sql)) } else { sql.clone() };
            if let Err(error) = client.batch_execute(&sent).await {
                return Ok(tracer
                    .failed(&work, transactional || own, &format!("`{label}`"), &knexrs_connect::describe(&error))
                    .await);
            }
            let after = Snapshot::read(client).await.map_err(catalog())?;
            tracer.observe(
                label,
                after,
                Ran { concurrently, in_migration_transaction: transactional, verb: Ran::verb_of(sql) },
            );
            if own {
                client.batch_execute("commit").await.map_err(catalog())?;
                tracer.before.locks.clear();
            }
        }
        if transactional {
            client.batch_execute("commit").await.map_err(catalog())?;
        }
        // Recorded as applied, so the next migration linted starts after it.
        let tables = self.tables();
        db::ensure_tables(client, tables).await?;
        let rows = db::applied(client, tables).await?;
        let recorded = crate::plan::recorded_name(migration, crate::plan::recorded_extension(&rows).as_deref());
        db::record_applied(client, tables, migration, &recorded, db::last_batch(&rows) + 1).await?;
        Ok(tracer.lint)
    }
}

/// The hazards a migration's CONFIG allows.
fn allowed_in(migration: &Migration) -> Result<Vec<Hazard>, MigrateError> {
    migration
        .config()
        .allowed_hazards
        .iter()
        .map(|id| {
            id.parse().map_err(|_| MigrateError::UnknownHazard {
                id: (*id).to_owned(),
                migration: Some(migration.name().to_owned()),
                known: Hazard::ids(),
            })
        })
        .collect()
}

/// Rows and size of each table on the database linted for.
async fn sizes(connection: &ConnectConfig) -> Result<Sizes, MigrateError> {
    let conn = Conn::open(connection).await?;
    let rows = conn
        .client()
        .query(
            "select n.nspname || '.' || c.relname, c.reltuples::float8, pg_size_pretty(pg_total_relation_size(c.oid))
             from pg_class c join pg_namespace n on n.oid = c.relnamespace
             where c.relkind in ('r', 'p', 'm') and n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')",
            &[],
        )
        .await
        .map_err(MigrateError::bookkeeping("reading the sizes of the database's tables"))?;
    let mut sizes = Sizes::default();
    for row in rows {
        let (name, tuples, size): (String, f64, String) = (row.get(0), row.get(1), row.get(2));
        // -1: never vacuumed or analyzed (PostgreSQL 14+), so the count is unknown.
        let text = if tuples >= 0.0 {
            format!("{name} has about {} rows ({size})", tuples.round())
        } else {
            format!("{name} takes {size}")
        };
        sizes.insert(name, text);
    }
    Ok(sizes)
}

/// Runs a step as the runner does: code on the work connection (inside the
/// transaction when there is one), a backfill batch by batch.
async fn run_step(work: &Conn, migration: &str, step: &PlannedStep, transactional: bool) -> Result<(), StepFailure> {
    match &step.body {
        StepBody::Code(code) => {
            if transactional {
                work.conn.adopt_transaction();
            }
            let db = StepDb::new(&work.conn, work.version, migration);
            let result = crate::step::guarded(code.as_ref(), &db).await.map_err(StepFailure::Code);
            if transactional {
                work.conn.release_transaction().await.map_err(StepFailure::Release)?;
            }
            result
        }
        StepBody::Backfill(fill) => {
            let mut after: Option<String> = None;
            loop {
                let sql = fill.batch_sql(after.as_deref()).map_err(StepFailure::Invalid)?;
                let row = work.client().query_one(&sql, &[]).await.map_err(StepFailure::Server)?;
                match Batch::read(&row).map_err(StepFailure::Server)?.last {
                    Some(last) => after = Some(last),
                    None => return Ok(()),
                }
            }
        }
    }
}

/// Why a step failed while traced (the report says it in one line).
#[derive(Debug)]
enum StepFailure {
    /// Its code returned an error (or panicked).
    Code(crate::StepError),
    /// Handing the migration's transaction back after the code ran.
    Release(knexrs_query::QueryError),
    /// A backfill that cannot be written.
    Invalid(MigrateError),
    /// The server refused a backfill batch.
    Server(tokio_postgres::Error),
}

impl std::fmt::Display for StepFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StepFailure::Code(error) => error.fmt(f),
            StepFailure::Release(error) => error.fmt(f),
            StepFailure::Invalid(error) => error.fmt(f),
            StepFailure::Server(error) => f.write_str(&knexrs_connect::describe(error)),
        }
    }
}

/// What is known while one migration is traced.
struct Tracer<'a> {
    lint: MigrationLint,
    /// Tables that existed before the migration.
    existing: FxHashSet<u32>,
    /// The catalog before the next statement.
    before: Snapshot,
    /// Locks that block the application, held since a statement (by number) until commit.
    held: Vec<(u32, LockMode, usize)>,
    warned_timeout: bool,
    allowed: Vec<Hazard>,
    sizes: &'a Sizes,
}

impl Tracer<'_> {
    /// Compares the catalog after a statement with the one before it.
    fn observe(&mut self, label: String, after: Snapshot, ran: Ran) {
        let number = self.lint.statements.len() + 1;
        let (locks, changes) = compare(&self.before, &after, &self.existing, ran);
        let name = |oid: u32| {
            after
                .relations
                .get(&oid)
                .or_else(|| self.before.relations.get(&oid))
                .map_or_else(String::new, |r| r.name.clone())
        };
        let mut found: Vec<(Hazard, String, String)> = Vec::new();
        let blocking = locks.iter().find(|(_, mode)| mode.blocks_writes());
        if let Some((oid, mode)) = blocking.filter(|_| !self.warned_timeout && !after.lock_timeout) {
            self.warned_timeout = true;
            let table = name(*oid);
            let detail = format!(
                "takes {mode} on {table} with no lock_timeout: while it waits for a long query on {table} to end, every query on {table} waits behind it"
            );
            found.push((Hazard::NoLockTimeout, table, detail));
        }
        for change in &changes {
            let table = name(change.table);
            let mut detail = change.detail.clone();
            let size = self.sizes.get(&table).filter(|_| change.hazard.severity() == crate::Severity::Error);
            if let Some(size) = size {
                detail.push_str(&format!("; on the database linted for, {size}"));
            }
            let slow = matches!(
                change.hazard,
                Hazard::TableRewrite
                    | Hazard::IndexNotConcurrent
                    | Hazard::ValidatedConstraint
                    | Hazard::SetNotNull
                    | Hazard::UpdateInTransaction
            );
            found.push((change.hazard, table, detail));
            if slow {
                // A lock on the same table shows in the change's own detail (`while … is held`).
                for (oid, mode, since) in self.held.iter().filter(|(oid, _, _)| *oid != change.table) {
                    let held = name(*oid);
                    let already = found.iter().any(|(h, t, _)| *h == Hazard::LockHeld && *t == held);
                    if !already {
                        let detail = format!(
                            "{held} has been locked {mode} since statement {since} ({}) and stays locked while this statement runs",
                            mode.blocks()
                        );
                        found.push((Hazard::LockHeld, held, detail));
                    }
                }
            }
        }
        if self.lint.transactional {
            for (oid, mode) in &locks {
                if mode.blocks_writes() && !self.held.iter().any(|(held, m, _)| held == oid && m >= mode) {
                    self.held.retain(|(held, _, _)| held != oid);
                    self.held.push((*oid, *mode, number));
                }
            }
        }
        for (hazard, table, detail) in found {
            let allowed = self.allowed.contains(&hazard);
            self.lint.findings.push(Finding { hazard, statement: number, table, detail, allowed });
        }
        let locks = locks.into_iter().map(|(oid, mode)| (name(oid), mode)).collect();
        self.lint.statements.push(TracedStatement { sql: label, locks });
        self.before = after;
    }

    /// A statement or step failed: the transaction is rolled back, and the lint says so.
    async fn failed(mut self, work: &Conn, in_transaction: bool, what: &str, error: &str) -> MigrationLint {
        if in_transaction {
            let _ = work.client().batch_execute("rollback").await;
        }
        let number = self.lint.statements.len() + 1;
        self.lint.failed = Some(format!("statement {number} {what} fails: {error}"));
        self.lint
    }
}
