//! The commands, each in two forms: `…_async` for async code (runs on the
//! caller's tokio runtime), and a blocking one that runs the async one on a
//! runtime of its own. Each takes the locks it needs, reads the bookkeeping,
//! plans, and runs the plan.

use crate::db::{self, AppliedRow, State, StateRow};
use crate::execute::{Scope, execute, rollback};
use crate::runtime::block_on;
use crate::session::{Conn, Session};
use crate::status::{MigrationStatus, Status};
use crate::{Event, MigrateError, Migration, Migrator, Plan, Reporter, RunOptions, RunReport, Tables, Target, lock};
use knexrs_connect::{ConnectConfig, Pooler};
use std::time::Instant;

impl Migrator {
    /// Applies every pending migration as a new batch (knex `migrate:latest`).
    ///
    /// ```no_run
    /// use knexrs_migrate::{Migrator, RunOptions, Silent};
    /// use knexrs_connect::{ConnectConfig, Environment};
    ///
    /// # fn migrations() -> Vec<knexrs_migrate::Migration> { vec![] }
    /// let config = ConnectConfig::from_env(Environment::Production)?.expect("DATABASE_URL is set");
    /// let report = Migrator::new(migrations())?.latest(&config, &RunOptions::default(), &mut Silent)?;
    /// println!("batch {}: {} migrations", report.batch, report.migrations.len());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn latest(
        &self,
        connection: &ConnectConfig,
        options: &RunOptions,
        reporter: &mut dyn Reporter,
    ) -> Result<RunReport, MigrateError> {
        block_on("Migrator::latest", "Migrator::latest_async", self.latest_async(connection, options, reporter))
    }

    /// [`latest`](Self::latest) for async code: an application migrating its
    /// database at start-up, on its own runtime.
    ///
    /// ```no_run
    /// use knexrs_migrate::{Migrator, RunOptions, Silent};
    /// use knexrs_connect::{ConnectConfig, Environment};
    ///
    /// # fn migrations() -> Vec<knexrs_migrate::Migration> { vec![] }
    /// # async fn start() -> Result<(), Box<dyn std::error::Error>> {
    /// let config = ConnectConfig::from_env(Environment::from_env()?)?.expect("DATABASE_URL is set");
    /// Migrator::new(migrations())?.latest_async(&config, &RunOptions::default(), &mut Silent).await?;
    /// // … then serve requests.
    /// # Ok(())
    /// # }
    /// ```
    pub async fn latest_async(
        &self,
        connection: &ConnectConfig,
        options: &RunOptions,
        reporter: &mut dyn Reporter,
    ) -> Result<RunReport, MigrateError> {
        self.run_async(connection, &Target::Latest, options, reporter).await
    }

    /// Reverts the last batch, or every applied migration (knex `migrate:rollback [--all]`).
    ///
    /// ```no_run
    /// use knexrs_migrate::{Migrator, RunOptions, Silent};
    /// use knexrs_connect::ConnectConfig;
    ///
    /// # fn migrations() -> Vec<knexrs_migrate::Migration> { vec![] }
    /// let config = ConnectConfig::from_url("postgres://app@localhost/app")?;
    /// let report = Migrator::new(migrations())?.rollback(&config, false, &RunOptions::default(), &mut Silent)?;
    /// println!("batch {} rolled back: {} migrations", report.batch, report.migrations.len());
    /// # Ok::<(), knexrs_migrate::MigrateError>(())
    /// ```
    pub fn rollback(
        &self,
        connection: &ConnectConfig,
        all: bool,
        options: &RunOptions,
        reporter: &mut dyn Reporter,
    ) -> Result<RunReport, MigrateError> {
        let target = Target::Rollback { all };
        let work = self.run_async(connection, &target, options, reporter);
        block_on("Migrator::rollback", "Migrator::run_async", work)
    }

    /// Applies the next pending migration, or the named one (knex `migrate:up`).
    ///
    /// ```no_run
    /// use knexrs_migrate::{Migrator, RunOptions, Silent};
    /// use knexrs_connect::ConnectConfig;
    ///
    /// # fn migrations() -> Vec<knexrs_migrate::Migration> { vec![] }
    /// let config = ConnectConfig::from_url("postgres://app@localhost/app")?;
    /// let migrator = Migrator::new(migrations())?;
    /// migrator.up(&config, Some("20250126000002_create_token_jti_table"), &RunOptions::default(), &mut Silent)?;
    /// # Ok::<(), knexrs_migrate::MigrateError>(())
    /// ```
    pub fn up(
        &self,
        connection: &ConnectConfig,
        name: Option<&str>,
        options: &RunOptions,
        reporter: &mut dyn Reporter,
    ) -> Result<RunReport, MigrateError> {
        let target = Target::Up(name.map(str::to_owned));
        let work = self.run_async(connection, &target, options, reporter);
        block_on("Migrator::up", "Migrator::run_async", work)
    }

    /// Reverts the last applied migration, or the named one (knex `migrate:down`).
    ///
    /// ```no_run
    /// use knexrs_migrate::{Migrator, RunOptions, Silent};
    /// use knexrs_connect::ConnectConfig;
    ///
    /// # fn migrations() -> Vec<knexrs_migrate::Migration> { vec![] }
    /// let config = ConnectConfig::from_url("postgres://app@localhost/app")?;
    /// let report = Migrator::new(migrations())?.down(&config, None, &RunOptions::default(), &mut Silent)?;
    /// if report.is_empty() {
    ///     println!("Already at the base migration");
    /// }
    /// # Ok::<(), knexrs_migrate::MigrateError>(())
    /// ```
    pub fn down(
        &self,
        connection: &ConnectConfig,
        name: Option<&str>,
        options: &RunOptions,
        reporter: &mut dyn Reporter,
    ) -> Result<RunReport, MigrateError> {
        let target = Target::Down(name.map(str::to_owned));
        let work = self.run_async(connection, &target, options, reporter);
        block_on("Migrator::down", "Migrator::run_async", work)
    }

    /// Runs `target` under the migration lock: the advisory lock, and knex's
    /// lock row locked in the run's transaction (or, when the plan has
    /// transactions of its own, in a lock connection's open transaction).
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// use knexrs_migrate::{Migrator, RunOptions, Silent, Target, TransactionMode};
    /// use knexrs_connect::ConnectConfig;
    ///
    /// # fn migrations() -> Vec<knexrs_migrate::Migration> { vec![] }
    /// let config = ConnectConfig::from_url("postgres://app@localhost/app")?;
    /// let mut options = RunOptions::default();
    /// options.transaction(TransactionMode::Each).lock_timeout(Duration::from_secs(5));
    /// Migrator::new(migrations())?.run(&config, &Target::Latest, &options, &mut Silent)?;
    /// # Ok::<(), knexrs_migrate::MigrateError>(())
    /// ```
    pub fn run(
        &self,
        connection: &ConnectConfig,
        target: &Target,
        options: &RunOptions,
        reporter: &mut dyn Reporter,
    ) -> Result<RunReport, MigrateError> {
        block_on("Migrator::run", "Migrator::run_async", self.run_async(connection, target, options, reporter))
    }

    /// [`run`](Self::run) for async code.
    ///
    /// ```no_run
    /// use knexrs_migrate::{Migrator, RunOptions, Silent, Target};
    /// use knexrs_connect::ConnectConfig;
    ///
    /// # fn migrations() -> Vec<knexrs_migrate::Migration> { vec![] }
    /// # async fn demo() -> Result<(), knexrs_migrate::MigrateError> {
    /// let config = ConnectConfig::from_url("postgres://app@localhost/app")?;
    /// let target = Target::Rollback { all: false };
    /// Migrator::new(migrations())?.run_async(&config, &target, &RunOptions::default(), &mut Silent).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn run_async(
        &self,
        connection: &ConnectConfig,
        target: &Target,
        options: &RunOptions,
        reporter: &mut dyn Reporter,
    ) -> Result<RunReport, MigrateError> {
        if options.cancel.is_cancelled() {
            return Err(MigrateError::interrupted("before anything ran", &[]));
        }
        if connection.pooler() == Pooler::Transaction {
            return match &options.direct {
                // The direct connection runs everything, as without a pooler.
                Some(direct) if direct.pooler() != Pooler::Transaction => {
                    Box::pin(self.run_async(direct, target, options, reporter)).await
                }
                _ => self.run_through_pooler(connection, target, options, reporter).await,
            };
        }
        let tables = self.tables();
        let mut session = Session::new(Conn::open(connection).await?, options.cancel.clone());
        session.look_up_blockers_with(connection);
        if matches!(target, Target::Latest)
            && let Some(report) = self.already_latest(&session, options, reporter).await?
        {
            return Ok(report);
        }
        session.work.prepare().await?;
        let result = match lock::acquire(&mut session, tables, options, reporter).await {
            Ok(()) => self.run_locked(&mut session, connection, target, options, reporter).await,
            Err(error) => Err(error),
        };
        lock::release(&session, tables).await;
        result
    }

    /// `latest` with nothing to do, found in one round trip and without the
    /// lock (there is nothing to race for); `None` when there is work or
    /// anything to check more carefully.
    async fn already_latest(
        &self,
        session: &Session,
        options: &RunOptions,
        reporter: &mut dyn Reporter,
    ) -> Result<Option<RunReport>, MigrateError> {
        if !session.work.prepares_statements() {
            return Ok(None);
        }
        let Some(reply) = db::noop_snapshot(session.work.client(), self.tables()).await? else {
            return Ok(None);
        };
        let Some(view) = db::noop_view(&reply) else {
            return Ok(None);
        };
        if view.locked {
            // knex refuses every command that would migrate while its row is set, even one with nothing to do.
            return Err(MigrateError::Locked { table: self.tables().lock() });
        }
        let Some(batch) = self.noop_batch(&view, options.validate_migration_list) else {
            return Ok(None);
        };
        if options.cancel.is_cancelled() {
            return Err(MigrateError::interrupted("before anything ran", &[]));
        }
        reporter.report(Event::Planned { direction: crate::Direction::Up, batch, migrations: 0 });
        Ok(Some(RunReport { direction: crate::Direction::Up, batch, migrations: Vec::new() }))
    }

    /// Under the advisory lock: the run in one transaction on the work
    /// connection when its plan is one (knex's row locked in it); otherwise
    /// knex's row is held by a lock connection and the plan runs its own
    /// transactions.
    async fn run_locked(
        &self,
        session: &mut Session,
        connection: &ConnectConfig,
        target: &Target,
        options: &RunOptions,
        reporter: &mut dyn Reporter,
    ) -> Result<RunReport, MigrateError> {
        db::ensure_tables(session.work.client(), self.tables()).await?;
        if let Some(report) = self.run_in_one_transaction(session, target, options, reporter).await? {
            return Ok(report);
        }
        lock::hold_knex_lock(session, connection, self.tables(), options, reporter).await?;
        let (plan, states) = self.plan_locked(session, target, options).await?;
        self.ready_to_execute(&plan, target, &states, options, reporter)?;
        execute(self, &plan, options, session, Scope::Session, reporter).await
    }

    /// The run as one transaction on the work connection, knex's row locked
    /// in it: `None` (and nothing changed) when the plan is not one
    /// transaction (`each`/`none`, a rollback of several, a migration outside
    /// a transaction).
    async fn run_in_one_transaction(
        &self,
        session: &Session,
        target: &Target,
        options: &RunOptions,
        reporter: &mut dyn Reporter,
    ) -> Result<Option<RunReport>, MigrateError> {
        let client = session.work.client();
        client.batch_execute("begin").await.map_err(MigrateError::bookkeeping("starting the run's transaction"))?;
        let deadline = Instant::now() + options.lock_wait;
        let result = async {
            lock::lock_knex_rows(session, self.tables(), deadline, options, reporter).await?;
            let (plan, states) = self.plan_locked(session, target, options).await?;
            if plan.units.len() > 1 || plan.units.iter().any(|unit| !unit.transactional) {
                return Ok(None);
            }
            self.run_in_open_transaction(session, &plan, &states, target, options, reporter).await.map(Some)
        }
        .await;
        if !matches!(result, Ok(Some(_))) {
            // Declined or failed: nothing of this transaction stays.
            rollback(session).await;
        }
        result
    }

    /// Runs `plan` (one transaction unit, or none) in the transaction open on
    /// the work connection, and commits it: after the plan's migrations, or
    /// at once when it has none (the bookkeeping may be new).
    pub(crate) async fn run_in_open_transaction(
        &self,
        session: &Session,
        plan: &Plan,
        states: &[StateRow],
        target: &Target,
        options: &RunOptions,
        reporter: &mut dyn Reporter,
    ) -> Result<RunReport, MigrateError> {
        self.ready_to_execute(plan, target, states, options, reporter)?;
        if plan.is_empty() {
            session
                .work
                .client()
                .batch_execute("commit")
                .await
                .map_err(MigrateError::bookkeeping("committing the run"))?;
            return Ok(RunReport { direction: plan.direction, batch: plan.batch, migrations: Vec::new() });
        }
        // `execute` commits the unit.
        execute(self, plan, options, session, Scope::OpenTransaction, reporter).await
    }

    /// Reads the bookkeeping (under the lock), checks it and plans `target`.
    pub(crate) async fn plan_locked(
        &self,
        session: &Session,
        target: &Target,
        options: &RunOptions,
    ) -> Result<(Plan, Vec<StateRow>), MigrateError> {
        let (applied, states) = db::snapshot_if_exists(session.work.client(), self.tables()).await?;
        if target.applies() {
            self.check_incomplete(&states)?;
            self.check_edited(&applied, &states)?;
        }
        self.adopt_checksums(session, &applied, &states).await?;
        let plan = self.plan(&applied, target, options, session.work.version)?;
        Ok((plan, states))
    }

    /// The last checks before `plan` runs, and its `Planned` event: a revert
    /// of what did complete works as in knex, but one that stopped halfway
    /// must be resolved first (others are reported); a cancelled run stops.
    pub(crate) fn ready_to_execute(
        &self,
        plan: &Plan,
        target: &Target,
        states: &[StateRow],
        options: &RunOptions,
        reporter: &mut dyn Reporter,
    ) -> Result<(), MigrateError> {
        if !target.applies()
            && let Some(state) = states.iter().find(|s| s.is_incomplete())
        {
            if plan.migration_names().contains(&state.name.as_str()) {
                return Err(MigrateError::Incomplete { name: state.name.clone() });
            }
            reporter.report(Event::StoppedHalfway { name: &state.name });
        }
        if options.cancel.is_cancelled() {
            return Err(MigrateError::interrupted("before anything ran", &[]));
        }
        reporter.report(Event::Planned {
            direction: plan.direction,
            batch: plan.batch,
            migrations: plan.migration_names().len(),
        });
        Ok(())
    }

    /// What `target` would run, without running or changing anything.
    ///
    /// ```no_run
    /// use knexrs_migrate::{Migrator, RunOptions, Target};
    /// use knexrs_connect::ConnectConfig;
    ///
    /// # fn migrations() -> Vec<knexrs_migrate::Migration> { vec![] }
    /// let config = ConnectConfig::from_url("postgres://app@localhost/app")?;
    /// let plan = Migrator::new(migrations())?.dry_run(&config, &Target::Latest, &RunOptions::default())?;
    /// print!("{}", plan.to_script()); // BEGIN; … COMMIT; nothing was sent
    /// # Ok::<(), knexrs_migrate::MigrateError>(())
    /// ```
    pub fn dry_run(
        &self,
        connection: &ConnectConfig,
        target: &Target,
        options: &RunOptions,
    ) -> Result<Plan, MigrateError> {
        block_on("Migrator::dry_run", "Migrator::dry_run_async", self.dry_run_async(connection, target, options))
    }

    /// [`dry_run`](Self::dry_run) for async code.
    ///
    /// ```no_run
    /// use knexrs_migrate::{Migrator, RunOptions, Target};
    /// use knexrs_connect::ConnectConfig;
    ///
    /// # fn migrations() -> Vec<knexrs_migrate::Migration> { vec![] }
    /// # async fn demo() -> Result<(), knexrs_migrate::MigrateError> {
    /// let config = ConnectConfig::from_url("postgres://app@localhost/app")?;
    /// let plan = Migrator::new(migrations())?.dry_run_async(&config, &Target::Latest, &RunOptions::default()).await?;
    /// assert!(plan.to_script().starts_with("-- dry run"));
    /// # Ok(())
    /// # }
    /// ```
    pub async fn dry_run_async(
        &self,
        connection: &ConnectConfig,
        target: &Target,
        options: &RunOptions,
    ) -> Result<Plan, MigrateError> {
        let conn = Conn::open(connection).await?;
        let tables = self.tables();
        let setup = db::missing_tables_sql(conn.client(), tables).await?;
        let (applied, states) = db::snapshot_if_exists(conn.client(), tables).await?;
        if target.applies() {
            self.check_incomplete(&states)?;
            self.check_edited(&applied, &states)?;
        }
        let mut plan = self.plan(&applied, target, options, conn.version)?;
        plan.setup = setup;
        Ok(plan)
    }

    /// Every migration with where it stands (knex `migrate:list`).
    ///
    /// ```no_run
    /// use knexrs_migrate::Migrator;
    /// use knexrs_connect::ConnectConfig;
    ///
    /// # fn migrations() -> Vec<knexrs_migrate::Migration> { vec![] }
    /// let config = ConnectConfig::from_url("postgres://app@localhost/app")?;
    /// let status = Migrator::new(migrations())?.status(&config)?;
    /// for pending in status.pending() {
    ///     println!("pending: {}", pending.name);
    /// }
    /// # Ok::<(), knexrs_migrate::MigrateError>(())
    /// ```
    pub fn status(&self, connection: &ConnectConfig) -> Result<Status, MigrateError> {
        block_on("Migrator::status", "Migrator::status_async", self.status_async(connection))
    }

    /// [`status`](Self::status) for async code (a readiness probe, say).
    ///
    /// ```no_run
    /// use knexrs_migrate::Migrator;
    /// use knexrs_connect::ConnectConfig;
    ///
    /// # fn migrations() -> Vec<knexrs_migrate::Migration> { vec![] }
    /// # async fn ready() -> Result<bool, knexrs_migrate::MigrateError> {
    /// let config = ConnectConfig::from_url("postgres://app@localhost/app")?;
    /// Ok(Migrator::new(migrations())?.status_async(&config).await?.is_up_to_date())
    /// # }
    /// ```
    pub async fn status_async(&self, connection: &ConnectConfig) -> Result<Status, MigrateError> {
        let conn = Conn::open(connection).await?;
        let (applied, states) = read_only_snapshot(&conn, self.tables()).await?;
        let edited: rustc_hash::FxHashSet<String> = self.edited(&applied, &states).into_iter().collect();
        let incomplete: rustc_hash::FxHashSet<&str> =
            states.iter().filter(|s| s.is_incomplete()).map(|s| s.name.as_str()).collect();
        // Each row moves to its migration by position (a long history stays
        // linear); the first row of a name wins, the rest are missing files.
        let mut rows: Vec<Option<AppliedRow>> = vec![None; self.migrations().len()];
        let mut missing = Vec::new();
        for row in applied {
            match self.position(row.name()) {
                Some(at) if rows[at].is_none() => rows[at] = Some(row),
                Some(_) => {}
                None => missing.push(row),
            }
        }
        let migrations = self
            .migrations()
            .iter()
            .zip(rows)
            .map(|(m, applied)| MigrationStatus {
                name: m.name().to_owned(),
                file_name: m.file_name().to_owned(),
                applied,
                edited: edited.contains(m.name()),
                incomplete: incomplete.contains(m.name()),
            })
            .collect();
        Ok(Status { migrations, missing })
    }

    /// The newest applied version (knex `migrate:currentVersion`), `None` when
    /// nothing is applied.
    ///
    /// ```no_run
    /// use knexrs_migrate::Migrator;
    /// use knexrs_connect::ConnectConfig;
    ///
    /// let config = ConnectConfig::from_url("postgres://app@localhost/app")?;
    /// let version = Migrator::new(vec![])?.current_version(&config)?;
    /// println!("Current Version: {}", version.as_deref().unwrap_or("none"));
    /// # Ok::<(), knexrs_migrate::MigrateError>(())
    /// ```
    pub fn current_version(&self, connection: &ConnectConfig) -> Result<Option<String>, MigrateError> {
        block_on("Migrator::current_version", "Migrator::current_version_async", self.current_version_async(connection))
    }

    /// [`current_version`](Self::current_version) for async code.
    ///
    /// ```no_run
    /// use knexrs_migrate::Migrator;
    /// use knexrs_connect::ConnectConfig;
    ///
    /// # async fn demo() -> Result<(), knexrs_migrate::MigrateError> {
    /// let config = ConnectConfig::from_url("postgres://app@localhost/app")?;
    /// let version = Migrator::new(vec![])?.current_version_async(&config).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn current_version_async(&self, connection: &ConnectConfig) -> Result<Option<String>, MigrateError> {
        let conn = Conn::open(connection).await?;
        let (applied, _) = read_only_snapshot(&conn, self.tables()).await?;
        Ok(applied.iter().map(|row| crate::migration::version_of(row.name()).to_owned()).max())
    }

    pub(crate) fn check_incomplete(&self, states: &[StateRow]) -> Result<(), MigrateError> {
        // A migration of batched backfills only picks up where it stopped.
        let resumes = |s: &StateRow| s.state == State::Applying && self.find(&s.name).is_some_and(Migration::resumes);
        match states.iter().find(|s| s.is_incomplete() && !resumes(s)) {
            Some(state) => Err(MigrateError::Incomplete { name: state.name.clone() }),
            None => Ok(()),
        }
    }

    /// Applied migrations whose source no longer has the checksum recorded.
    pub(crate) fn edited(&self, applied: &[AppliedRow], states: &[StateRow]) -> Vec<String> {
        let by_name: rustc_hash::FxHashMap<&str, &StateRow> = states.iter().map(|s| (s.name.as_str(), s)).collect();
        applied
            .iter()
            .filter_map(|row| {
                let migration = self.find(row.name())?;
                let state = by_name.get(row.name())?;
                match (migration.checksum(), state.checksum.as_deref()) {
                    (Some(now), Some(then)) if now != then => Some(row.name().to_owned()),
                    _ => None,
                }
            })
            .collect()
    }

    pub(crate) fn check_edited(&self, applied: &[AppliedRow], states: &[StateRow]) -> Result<(), MigrateError> {
        let names = self.edited(applied, states);
        if names.is_empty() { Ok(()) } else { Err(MigrateError::Edited { names }) }
    }

    /// A database knex migrated has no checksums: the first run records the
    /// current sources of what is applied (trust on first use).
    pub(crate) async fn adopt_checksums(
        &self,
        session: &Session,
        applied: &[AppliedRow],
        states: &[StateRow],
    ) -> Result<(), MigrateError> {
        for row in applied {
            if states.iter().any(|s| s.name == row.name()) {
                continue;
            }
            if let Some(checksum) = self.find(row.name()).and_then(|m| m.checksum()) {
                db::accept_checksum(session.work.client(), self.tables(), row.name(), checksum).await?;
            }
        }
        Ok(())
    }

    /// Records the current source of an edited migration as its checksum, after
    /// a human decided the edit is fine (`migrate accept`).
    ///
    /// ```no_run
    /// use knexrs_migrate::{MigrateError, Migrator, RunOptions, Silent};
    /// use knexrs_connect::ConnectConfig;
    ///
    /// # fn migrations() -> Vec<knexrs_migrate::Migration> { vec![] }
    /// let config = ConnectConfig::from_url("postgres://app@localhost/app")?;
    /// let migrator = Migrator::new(migrations())?;
    /// match migrator.latest(&config, &RunOptions::default(), &mut Silent) {
    ///     // Reviewed: the edit only reworded a comment.
    ///     Err(MigrateError::Edited { names }) => migrator.accept(&config, &names[0])?,
    ///     other => { other?; }
    /// }
    /// # Ok::<(), knexrs_migrate::MigrateError>(())
    /// ```
    pub fn accept(&self, connection: &ConnectConfig, name: &str) -> Result<(), MigrateError> {
        block_on("Migrator::accept", "Migrator::accept_async", self.accept_async(connection, name))
    }

    /// [`accept`](Self::accept) for async code.
    ///
    /// ```no_run
    /// use knexrs_migrate::Migrator;
    /// use knexrs_connect::ConnectConfig;
    ///
    /// # fn migrations() -> Vec<knexrs_migrate::Migration> { vec![] }
    /// # async fn demo() -> Result<(), knexrs_migrate::MigrateError> {
    /// let config = ConnectConfig::from_url("postgres://app@localhost/app")?;
    /// Migrator::new(migrations())?.accept_async(&config, "20250126000001_create_sessions_table").await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn accept_async(&self, connection: &ConnectConfig, name: &str) -> Result<(), MigrateError> {
        let migration = self.find(name).ok_or_else(|| MigrateError::UnknownMigration { name: name.to_owned() })?;
        let conn = Conn::open(connection).await?;
        let (applied, _) = db::snapshot_if_exists(conn.client(), self.tables()).await?;
        if !applied.iter().any(|row| row.name() == migration.name()) {
            return Err(MigrateError::NotApplied { name: name.to_owned() });
        }
        let checksum = migration.checksum().ok_or_else(|| MigrateError::NoSource { name: name.to_owned() })?;
        db::accept_checksum(conn.client(), self.tables(), migration.name(), checksum).await
    }

    /// Settles a non-transactional migration that stopped halfway, in its `up`
    /// or its `down` (`migrate resolve <name> --applied|--rolled-back`): after
    /// a human repaired the database, records it as applied or as not applied.
    /// Waits for the migration lock as long as `options.lock_wait`.
    ///
    /// ```no_run
    /// use knexrs_migrate::{Migrator, RunOptions};
    /// use knexrs_connect::ConnectConfig;
    ///
    /// # fn migrations() -> Vec<knexrs_migrate::Migration> { vec![] }
    /// let config = ConnectConfig::from_url("postgres://app@localhost/app")?;
    /// // The index it builds concurrently was finished by hand: record it as applied.
    /// Migrator::new(migrations())?.resolve(&config, "20250301000000_index_sessions_pod_ip", true, &RunOptions::default())?;
    /// # Ok::<(), knexrs_migrate::MigrateError>(())
    /// ```
    pub fn resolve(
        &self,
        connection: &ConnectConfig,
        name: &str,
        applied: bool,
        options: &RunOptions,
    ) -> Result<(), MigrateError> {
        block_on("Migrator::resolve", "Migrator::resolve_async", self.resolve_async(connection, name, applied, options))
    }

    /// [`resolve`](Self::resolve) for async code.
    ///
    /// ```no_run
    /// use knexrs_migrate::{Migrator, RunOptions};
    /// use knexrs_connect::ConnectConfig;
    ///
    /// # fn migrations() -> Vec<knexrs_migrate::Migration> { vec![] }
    /// # async fn demo() -> Result<(), knexrs_migrate::MigrateError> {
    /// let config = ConnectConfig::from_url("postgres://app@localhost/app")?;
    /// let migrator = Migrator::new(migrations())?;
    /// migrator.resolve_async(&config, "20250301000000_index_sessions_pod_ip", false, &RunOptions::default()).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn resolve_async(
        &self,
        connection: &ConnectConfig,
        name: &str,
        applied: bool,
        options: &RunOptions,
    ) -> Result<(), MigrateError> {
        let migration = self.find(name).ok_or_else(|| MigrateError::UnknownMigration { name: name.to_owned() })?;
        // Settled on the server itself: the migration ran outside a transaction, so a direct connection was given.
        if connection.pooler() == Pooler::Transaction {
            return match &options.direct {
                Some(direct) if direct.pooler() != Pooler::Transaction => {
                    Box::pin(self.resolve_async(direct, name, applied, options)).await
                }
                _ => Err(MigrateError::NeedsDirectConnection { migration: migration.name().to_owned() }),
            };
        }
        let tables = self.tables();
        let mut session = Session::new(Conn::open(connection).await?, options.cancel.clone());
        session.look_up_blockers_with(connection);
        session.work.prepare().await?;
        let mut silent = crate::Silent;
        let result = match lock::acquire(&mut session, tables, options, &mut silent).await {
            Ok(()) => self.resolve_locked(&session, migration, applied).await,
            Err(error) => Err(error),
        };
        lock::release(&session, tables).await;
        result
    }

    async fn resolve_locked(
        &self,
        session: &Session,
        migration: &crate::Migration,
        applied: bool,
    ) -> Result<(), MigrateError> {
        let client = session.work.client();
        let tables = self.tables();
        db::ensure_tables(client, tables).await?;
        let (rows, states) = db::snapshot_if_exists(client, tables).await?;
        let state = states.iter().find(|s| s.name == migration.name() && s.is_incomplete());
        let Some(state) = state else {
            return Err(MigrateError::NotIncomplete { name: migration.name().to_owned() });
        };
        match (state.state, applied) {
            (State::Applying, true) => {
                let ext = crate::plan::recorded_extension(&rows);
                let recorded = crate::plan::recorded_name(migration, ext.as_deref());
                db::record_applied(client, tables, migration, &recorded, db::last_batch(&rows) + 1).await
            }
            (State::Applying, false) => db::clear_started(client, tables, migration.name()).await,
            (State::Reverting, true) => db::mark_applied(client, tables, migration).await,
            (State::Reverting, false) => match rows.iter().find(|row| row.name() == migration.name()) {
                Some(row) => db::record_reverted(client, tables, row).await,
                None => db::clear_started(client, tables, migration.name()).await,
            },
            (State::Applied, _) => Err(MigrateError::NotIncomplete { name: migration.name().to_owned() }),
        }
    }

    /// knex `migrate:unlock`: forces knex's lock row back to unlocked. Returns
    /// whether the lock table exists.
    ///
    /// ```no_run
    /// use knexrs_migrate::Migrator;
    /// use knexrs_connect::ConnectConfig;
    ///
    /// let config = ConnectConfig::from_url("postgres://app@localhost/app")?;
    /// if !Migrator::new(vec![])?.unlock(&config)? {
    ///     println!("no knex_migrations_lock table: nothing to unlock");
    /// }
    /// # Ok::<(), knexrs_migrate::MigrateError>(())
    /// ```
    pub fn unlock(&self, connection: &ConnectConfig) -> Result<bool, MigrateError> {
        block_on("Migrator::unlock", "Migrator::unlock_async", self.unlock_async(connection))
    }

    /// [`unlock`](Self::unlock) for async code.
    ///
    /// ```no_run
    /// use knexrs_migrate::Migrator;
    /// use knexrs_connect::ConnectConfig;
    ///
    /// # async fn demo() -> Result<(), knexrs_migrate::MigrateError> {
    /// let config = ConnectConfig::from_url("postgres://app@localhost/app")?;
    /// Migrator::new(vec![])?.unlock_async(&config).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn unlock_async(&self, connection: &ConnectConfig) -> Result<bool, MigrateError> {
        let conn = Conn::open(connection).await?;
        db::force_unlock(conn.client(), self.tables()).await
    }
}

/// The bookkeeping for a read-only command on a connection of its own: read
/// with `COPY` ([`db::read_snapshot`]) where the connection may prepare
/// statements, else with `SELECT`.
async fn read_only_snapshot(conn: &Conn, tables: &Tables) -> Result<db::Snapshot, MigrateError> {
    if conn.prepares_statements() {
        db::read_snapshot(conn.client(), tables).await
    } else {
        db::snapshot_if_exists(conn.client(), tables).await
    }
}
