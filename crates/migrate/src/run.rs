//! The commands: each takes the locks, reads the bookkeeping, plans, runs.

use crate::db::{self, AppliedRow, StateRow};
use crate::execute::execute;
use crate::plan::Target;
use crate::{Event, MigrateError, Migrator, Plan, Reporter, RunOptions, RunReport};
use knexrs_query::ConnectConfig;
use postgres::Client;

impl Migrator {
    /// Applies every pending migration as a new batch (knex `migrate:latest`).
    ///
    /// ```no_run
    /// use knexrs_migrate::{Migrator, RunOptions, Silent};
    /// use knexrs_query::{ConnectConfig, Environment};
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
        self.run(connection, &Target::Latest, options, reporter)
    }

    /// Reverts the last batch, or every applied migration (knex `migrate:rollback [--all]`).
    ///
    /// ```no_run
    /// use knexrs_migrate::{Migrator, RunOptions, Silent};
    /// use knexrs_query::ConnectConfig;
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
        self.run(connection, &Target::Rollback { all }, options, reporter)
    }

    /// Applies the next pending migration, or the named one (knex `migrate:up`).
    ///
    /// ```no_run
    /// use knexrs_migrate::{Migrator, RunOptions, Silent};
    /// use knexrs_query::ConnectConfig;
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
        self.run(connection, &Target::Up(name.map(str::to_owned)), options, reporter)
    }

    /// Reverts the last applied migration, or the named one (knex `migrate:down`).
    ///
    /// ```no_run
    /// use knexrs_migrate::{Migrator, RunOptions, Silent};
    /// use knexrs_query::ConnectConfig;
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
        self.run(connection, &Target::Down(name.map(str::to_owned)), options, reporter)
    }

    /// Runs `target` under the migration lock: the advisory lock on a
    /// dedicated connection, with knex's lock row held in its open transaction.
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// use knexrs_migrate::{Migrator, RunOptions, Silent, Target, TransactionMode};
    /// use knexrs_query::ConnectConfig;
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
        let tables = self.tables();
        let mut work = connection.connect()?;
        let _cancellable = crate::interrupt::watch(&work, connection.driver_config()?.1);
        if matches!(target, Target::Latest)
            && let Some(report) = self.already_latest(&mut work, options, reporter)?
        {
            return Ok(report);
        }
        let mut lock = connection.connect()?;
        db::advisory_lock(&mut lock, tables, options.lock_wait, || reporter.report(Event::WaitingForLock))?;
        db::ensure_tables(&mut work, tables)?;
        db::hold_knex_lock(&mut lock, tables)?;
        let result = self.run_locked(&mut work, target, options, reporter);
        // A lock session that died released its locks with it.
        let _ = db::release_locks(&mut lock, tables);
        result
    }

    /// `latest` with nothing to do, found in one round trip and without the
    /// lock (there is nothing to race for); `None` when there is work or
    /// anything to check more carefully.
    fn already_latest(
        &self,
        work: &mut Client,
        options: &RunOptions,
        reporter: &mut dyn Reporter,
    ) -> Result<Option<RunReport>, MigrateError> {
        let Some((applied, states)) = db::snapshot(work, self.tables())? else { return Ok(None) };
        let adopt = applied.iter().any(|row| {
            !states.iter().any(|s| s.name == row.name())
                && self.find(row.name()).is_some_and(|m| m.checksum().is_some())
        });
        if adopt || states.iter().any(|s| s.in_progress) {
            return Ok(None);
        }
        self.check_edited(&applied, &states)?;
        let plan = self.plan(&applied, &Target::Latest, options)?;
        if !plan.migration_names().is_empty() {
            return Ok(None);
        }
        reporter.report(Event::Planned { direction: plan.direction, batch: plan.batch, migrations: 0 });
        Ok(Some(RunReport { direction: plan.direction, batch: plan.batch, migrations: Vec::new() }))
    }

    fn run_locked(
        &self,
        work: &mut Client,
        target: &Target,
        options: &RunOptions,
        reporter: &mut dyn Reporter,
    ) -> Result<RunReport, MigrateError> {
        let applied = db::applied(work, self.tables())?;
        let states = db::states(work, self.tables())?;
        self.check_incomplete(&states)?;
        if matches!(target, Target::Latest | Target::Up(_)) {
            self.check_edited(&applied, &states)?;
        }
        self.adopt_checksums(work, &applied, &states)?;
        let plan = self.plan(&applied, target, options)?;
        reporter.report(Event::Planned {
            direction: plan.direction,
            batch: plan.batch,
            migrations: plan.migration_names().len(),
        });
        execute(self, &plan, options, work, reporter)
    }

    /// What `target` would run, without running or changing anything.
    ///
    /// ```no_run
    /// use knexrs_migrate::{Migrator, RunOptions, Target};
    /// use knexrs_query::ConnectConfig;
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
        let mut client = connection.connect()?;
        let tables = self.tables();
        let setup = db::missing_tables_sql(&mut client, tables)?;
        let applied = db::applied_if_exists(&mut client, tables)?;
        let states = db::states(&mut client, tables)?;
        self.check_incomplete(&states)?;
        if matches!(target, Target::Latest | Target::Up(_)) {
            self.check_edited(&applied, &states)?;
        }
        let mut plan = self.plan(&applied, target, options)?;
        plan.setup = setup;
        Ok(plan)
    }

    pub(crate) fn check_incomplete(&self, states: &[StateRow]) -> Result<(), MigrateError> {
        match states.iter().find(|s| s.in_progress) {
            Some(state) => Err(MigrateError::Incomplete { name: state.name.clone() }),
            None => Ok(()),
        }
    }

    /// Applied migrations whose source no longer has the checksum recorded.
    pub(crate) fn edited(&self, applied: &[AppliedRow], states: &[StateRow]) -> Vec<String> {
        applied
            .iter()
            .filter_map(|row| {
                let migration = self.find(row.name())?;
                let state = states.iter().find(|s| s.name == row.name())?;
                match (migration.checksum(), state.checksum.as_deref()) {
                    (Some(now), Some(then)) if now != then => Some(row.name().to_owned()),
                    _ => None,
                }
            })
            .collect()
    }

    fn check_edited(&self, applied: &[AppliedRow], states: &[StateRow]) -> Result<(), MigrateError> {
        let names = self.edited(applied, states);
        if names.is_empty() { Ok(()) } else { Err(MigrateError::Edited { names }) }
    }

    /// A database knex migrated has no checksums: the first run records the
    /// current sources of what is applied (trust on first use).
    fn adopt_checksums(
        &self,
        work: &mut Client,
        applied: &[AppliedRow],
        states: &[StateRow],
    ) -> Result<(), MigrateError> {
        for row in applied {
            if states.iter().any(|s| s.name == row.name()) {
                continue;
            }
            if let Some(checksum) = self.find(row.name()).and_then(|m| m.checksum()) {
                db::accept_checksum(work, self.tables(), row.name(), checksum)?;
            }
        }
        Ok(())
    }

    /// Records the current source of an edited migration as its checksum, after
    /// a human decided the edit is fine (`migrate accept`).
    ///
    /// ```no_run
    /// use knexrs_migrate::{MigrateError, Migrator, RunOptions, Silent};
    /// use knexrs_query::ConnectConfig;
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
        let migration = self.find(name).ok_or_else(|| {
            MigrateError::NotFound(format!("migration `{name}` not found: `migrate status` lists the migrations"))
        })?;
        let mut client = connection.connect()?;
        let applied = db::applied_if_exists(&mut client, self.tables())?;
        if !applied.iter().any(|row| row.name() == migration.name()) {
            return Err(MigrateError::NotFound(format!(
                "migration `{name}` is not applied: there is no checksum to accept; `migrate latest` applies it"
            )));
        }
        let checksum = migration
            .checksum()
            .ok_or_else(|| MigrateError::NotFound(format!("migration `{name}` has no source to checksum")))?;
        db::accept_checksum(&mut client, self.tables(), migration.name(), checksum)
    }

    /// Settles a non-transactional migration that stopped halfway
    /// (`migrate resolve <name> --applied|--rolled-back`): after a human repaired
    /// the database, records it as applied (a new batch) or as not applied.
    ///
    /// ```no_run
    /// use knexrs_migrate::Migrator;
    /// use knexrs_query::ConnectConfig;
    ///
    /// # fn migrations() -> Vec<knexrs_migrate::Migration> { vec![] }
    /// let config = ConnectConfig::from_url("postgres://app@localhost/app")?;
    /// // The index it builds concurrently was finished by hand: record it as applied.
    /// Migrator::new(migrations())?.resolve(&config, "20250301000000_index_sessions_pod_ip", true)?;
    /// # Ok::<(), knexrs_migrate::MigrateError>(())
    /// ```
    pub fn resolve(&self, connection: &ConnectConfig, name: &str, applied: bool) -> Result<(), MigrateError> {
        let migration = self.find(name).ok_or_else(|| {
            MigrateError::NotFound(format!("migration `{name}` not found: `migrate status` lists the migrations"))
        })?;
        let tables = self.tables();
        let mut lock = connection.connect()?;
        db::advisory_lock(&mut lock, tables, std::time::Duration::from_secs(60), || {})?;
        let mut client = connection.connect()?;
        db::ensure_tables(&mut client, tables)?;
        let rows = db::applied(&mut client, tables)?;
        let states = db::states(&mut client, tables)?;
        if !states.iter().any(|s| s.in_progress && s.name == migration.name()) {
            return Err(MigrateError::NotFound(format!(
                "migration `{name}` is not marked as stopped halfway: there is nothing to resolve"
            )));
        }
        if applied {
            db::record_applied(&mut client, tables, migration, db::last_batch(&rows) + 1)
        } else {
            db::clear_in_progress(&mut client, tables, migration.name())
        }
    }

    /// knex `migrate:unlock`: forces knex's lock row back to unlocked. Returns
    /// whether the lock table exists.
    ///
    /// ```no_run
    /// use knexrs_migrate::Migrator;
    /// use knexrs_query::ConnectConfig;
    ///
    /// let config = ConnectConfig::from_url("postgres://app@localhost/app")?;
    /// if !Migrator::new(vec![])?.unlock(&config)? {
    ///     println!("no knex_migrations_lock table: nothing to unlock");
    /// }
    /// # Ok::<(), knexrs_migrate::MigrateError>(())
    /// ```
    pub fn unlock(&self, connection: &ConnectConfig) -> Result<bool, MigrateError> {
        let mut client = connection.connect()?;
        db::force_unlock(&mut client, self.tables())
    }
}
