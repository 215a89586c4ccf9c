//! `migrate verify`: whether each migration's `down` undoes its `up`. On a
//! throwaway database of the same server, each migration checked runs `up`,
//! `down` and `up` again, and the schema is compared after each step with
//! the one before (see [`Catalog`]).

use crate::scratch::Scratch;
use crate::{MigrateError, Migrator, RunOptions, Silent, Target};
use knexrs_connect::ConnectConfig;
use std::fmt;

/// What verifying one migration found.
///
/// ```
/// use knexrs_migrate::Verdict;
///
/// assert_eq!(Verdict::Reversible.to_string(), "reversible");
/// assert_eq!(Verdict::Irreversible(vec!["column b on public.t is left after down".into()]).to_string(), "irreversible: column b on public.t is left after down");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Verdict {
    /// `down` restored the schema before `up`, and `up` ran again to the same schema.
    Reversible,
    /// The schema differs (one line per object).
    Irreversible(Vec<String>),
    /// `down` failed (the error).
    DownFails(String),
    /// `up` failed (the error); later migrations were not checked.
    UpFails(String),
}

impl Verdict {
    /// Whether it is [`Verdict::Reversible`].
    ///
    /// ```
    /// assert!(knexrs_migrate::Verdict::Reversible.is_reversible());
    /// ```
    pub fn is_reversible(&self) -> bool {
        matches!(self, Verdict::Reversible)
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Verdict::Reversible => f.write_str("reversible"),
            Verdict::Irreversible(differences) => write!(f, "irreversible: {}", differences.join("; ")),
            Verdict::DownFails(error) => write!(f, "down fails: {error}"),
            Verdict::UpFails(error) => write!(f, "up fails: {error}"),
        }
    }
}

/// Each migration checked, in order, with its verdict.
///
/// ```
/// use knexrs_migrate::{Verdict, VerifyReport};
///
/// let report = VerifyReport { migrations: vec![("20250101000000_a".into(), Verdict::Reversible)] };
/// assert!(report.all_reversible());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VerifyReport {
    /// Name and verdict.
    pub migrations: Vec<(String, Verdict)>,
}

impl VerifyReport {
    /// Whether every migration checked is reversible.
    ///
    /// ```
    /// assert!(knexrs_migrate::VerifyReport::default().all_reversible());
    /// ```
    pub fn all_reversible(&self) -> bool {
        self.migrations.iter().all(|(_, verdict)| verdict.is_reversible())
    }
}

/// How `verify` runs.
///
/// ```
/// use knexrs_migrate::VerifyOptions;
///
/// let options = VerifyOptions::default();
/// let stop = options.cancel.clone(); // give this to a signal handler
/// stop.cancel();
/// assert!(options.cancel.is_cancelled());
/// ```
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct VerifyOptions {
    /// Stops the check (the throwaway database is still dropped); the CLI wires SIGINT/SIGTERM to it.
    pub cancel: crate::Cancel,
}

impl Migrator {
    /// Checks that each migration named (or, with none named, each migration
    /// pending on `connection`'s database) is undone by its `down`: on a
    /// throwaway database created on the same server (and dropped after),
    /// the migrations before it are applied, then it runs `up`, `down` and
    /// `up` again, and the schema is compared after each step. The database
    /// `connection` names is only read.
    ///
    /// ```no_run
    /// # async fn demo(migrator: knexrs_migrate::Migrator, config: knexrs_connect::ConnectConfig) -> Result<(), knexrs_migrate::MigrateError> {
    /// let report = migrator.verify_async(&config, &[]).await?;
    /// for (name, verdict) in &report.migrations {
    ///     println!("{name}: {verdict}");
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn verify_async(
        &self,
        connection: &ConnectConfig,
        names: &[String],
    ) -> Result<VerifyReport, MigrateError> {
        self.verify_with_async(connection, names, &VerifyOptions::default()).await
    }

    /// [`verify_async`](Self::verify_async) with options (a cancel handle).
    ///
    /// ```no_run
    /// # async fn demo(migrator: knexrs_migrate::Migrator, config: knexrs_connect::ConnectConfig) -> Result<(), knexrs_migrate::MigrateError> {
    /// let options = knexrs_migrate::VerifyOptions::default();
    /// let report = migrator.verify_with_async(&config, &[], &options).await?;
    /// assert!(report.all_reversible());
    /// # Ok(()) }
    /// ```
    pub async fn verify_with_async(
        &self,
        connection: &ConnectConfig,
        names: &[String],
        options: &VerifyOptions,
    ) -> Result<VerifyReport, MigrateError> {
        Scratch::reachable(connection, "verify")?;
        let checked = self.pending_or_named(connection, names).await?;
        if checked.is_empty() {
            return Ok(VerifyReport::default());
        }
        Scratch::with(connection, "verify", "verifying", &options.cancel, async |scratch| {
            self.verify_on(scratch, &checked, options).await
        })
        .await
    }

    async fn verify_on(
        &self,
        scratch: &mut Scratch,
        checked: &[String],
        options: &VerifyOptions,
    ) -> Result<VerifyReport, MigrateError> {
        let mut report = VerifyReport::default();
        let options = RunOptions { cancel: options.cancel.clone(), ..RunOptions::default() };
        let step = |target: Target, config: ConnectConfig| {
            let options = options.clone();
            async move { self.run_async(&config, &target, &options, &mut Silent).await.map(|_| ()) }
        };
        let ignore = self.tables().migrations().to_owned();
        // In the order they apply, whatever order they were named in.
        for migration in self.migrations().iter().filter(|m| checked.iter().any(|c| c == m.name())) {
            let name = migration.name().to_owned();
            let up = || Target::Up(Some(name.clone()));
            // The migrations before it (those not checked), as one batch.
            if let Err(error) = step(Target::Before(name.clone()), scratch.config.clone()).await {
                report.migrations.push((name, Verdict::UpFails(format!("a migration before it fails: {error}"))));
                return Ok(report);
            }
            let before = scratch.catalog(&ignore).await?;
            if let Err(error) = step(up(), scratch.config.clone()).await {
                report.migrations.push((name, Verdict::UpFails(error.to_string())));
                return Ok(report);
            }
            let after_up = scratch.catalog(&ignore).await?;
            if let Err(error) = step(Target::Down(Some(name.clone())), scratch.config.clone()).await {
                report.migrations.push((name.clone(), Verdict::DownFails(error.to_string())));
                // The down rolled back as its transaction rules say: start again from a clean state.
                self.rebuild(scratch, &name).await?;
                continue;
            }
            let after_down = scratch.catalog(&ignore).await?;
            let mut differences = before.differences(&after_down, "after down");
            match step(up(), scratch.config.clone()).await {
                Ok(()) => {
                    let again = scratch.catalog(&ignore).await?;
                    differences.extend(after_up.differences(&again, "after up again"));
                }
                Err(error) => differences.push(format!("up fails again after down: {error}")),
            }
            if differences.is_empty() {
                report.migrations.push((name, Verdict::Reversible));
            } else {
                report.migrations.push((name.clone(), Verdict::Irreversible(differences)));
                self.rebuild(scratch, &name).await?;
            }
        }
        Ok(report)
    }

    /// A fresh throwaway database with every migration up to `name` applied.
    async fn rebuild(&self, scratch: &mut Scratch, name: &str) -> Result<(), MigrateError> {
        let fresh = Scratch::create(&scratch.admin, "verify").await?;
        let old = std::mem::replace(scratch, fresh);
        old.remove().await;
        self.run_async(&scratch.config, &Target::To(name.to_owned()), &RunOptions::default(), &mut Silent).await?;
        Ok(())
    }

    /// [`verify_async`](Self::verify_async), blocking.
    ///
    /// ```no_run
    /// # fn demo(migrator: knexrs_migrate::Migrator, config: knexrs_connect::ConnectConfig) -> Result<(), knexrs_migrate::MigrateError> {
    /// let report = migrator.verify(&config, &["20250126000001_create_sessions_table".to_owned()])?;
    /// assert!(report.all_reversible());
    /// # Ok(()) }
    /// ```
    pub fn verify(&self, connection: &ConnectConfig, names: &[String]) -> Result<VerifyReport, MigrateError> {
        self.verify_with(connection, names, &VerifyOptions::default())
    }

    /// [`verify_with_async`](Self::verify_with_async), blocking.
    ///
    /// ```no_run
    /// # fn demo(migrator: knexrs_migrate::Migrator, config: knexrs_connect::ConnectConfig) -> Result<(), knexrs_migrate::MigrateError> {
    /// let report = migrator.verify_with(&config, &[], &knexrs_migrate::VerifyOptions::default())?;
    /// assert!(report.all_reversible());
    /// # Ok(()) }
    /// ```
    pub fn verify_with(
        &self,
        connection: &ConnectConfig,
        names: &[String],
        options: &VerifyOptions,
    ) -> Result<VerifyReport, MigrateError> {
        crate::runtime::block_on(
            "Migrator::verify",
            "Migrator::verify_async",
            self.verify_with_async(connection, names, options),
        )
    }
}
