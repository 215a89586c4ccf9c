//! `migrate verify`: whether each migration's `down` undoes its `up`. On a
//! throwaway database of the same server, each migration checked runs `up`,
//! `down` and `up` again, and the schema is compared after each step with
//! the one before (see [`Catalog`]).

use crate::session::Conn;
use crate::{Catalog, MigrateError, Migrator, RunOptions, Silent, Target};
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

/// A database made for one verification, dropped when it is done.
struct Scratch {
    admin: ConnectConfig,
    name: String,
    config: ConnectConfig,
    /// Reads the catalog between steps.
    reader: Conn,
}

impl Scratch {
    async fn create(admin: &ConnectConfig) -> Result<Self, MigrateError> {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
        let name = format!("knexrs_verify_{}_{nanos}", std::process::id());
        let conn = Conn::open(admin).await?;
        conn.client().batch_execute(&format!("create database {}", knexrs_sql::quote_ident(&name))).await.map_err(
            MigrateError::bookkeeping(format!(
                "creating the throwaway database {name} (verify needs the CREATEDB privilege)"
            )),
        )?;
        let config = admin.with_database(&name);
        let reader = match Conn::open(&config).await {
            Ok(reader) => reader,
            Err(error) => {
                Scratch::drop_database(admin, &name).await;
                return Err(error);
            }
        };
        Ok(Scratch { admin: admin.clone(), name, config, reader })
    }

    /// The schema of the throwaway database now, bookkeeping left out.
    async fn catalog(&self, ignore_prefix: &str) -> Result<Catalog, MigrateError> {
        Catalog::read(self.reader.client(), ignore_prefix)
            .await
            .map_err(MigrateError::bookkeeping("reading the throwaway database's catalog"))
    }

    async fn remove(self) {
        let Scratch { admin, name, reader, .. } = self;
        drop(reader);
        Scratch::drop_database(&admin, &name).await;
    }

    async fn drop_database(admin: &ConnectConfig, name: &str) {
        if let Ok(conn) = Conn::open(admin).await {
            let name = knexrs_sql::quote_ident(name);
            // `with (force)` (PostgreSQL 13+) ends sessions a failed step left behind.
            let _ = conn.client().batch_execute(&format!("drop database if exists {name} with (force)")).await;
        }
    }
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
        let checked: Vec<String> = if names.is_empty() {
            let status = self.status_async(connection).await?;
            status.migrations.iter().filter(|m| m.applied.is_none()).map(|m| m.name.clone()).collect()
        } else {
            for name in names {
                self.find(name).ok_or_else(|| MigrateError::UnknownMigration { name: name.clone() })?;
            }
            names.to_vec()
        };
        if checked.is_empty() {
            return Ok(VerifyReport::default());
        }
        let mut scratch = Scratch::create(connection).await?;
        let result = self.verify_on(&mut scratch, &checked).await;
        scratch.remove().await;
        result
    }

    async fn verify_on(&self, scratch: &mut Scratch, checked: &[String]) -> Result<VerifyReport, MigrateError> {
        let mut report = VerifyReport::default();
        let options = RunOptions::default();
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
        let fresh = Scratch::create(&scratch.admin).await?;
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
        crate::runtime::block_on("Migrator::verify", "Migrator::verify_async", self.verify_async(connection, names))
    }
}
