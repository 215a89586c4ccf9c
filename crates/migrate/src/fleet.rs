//! A fleet run: one command against many databases (a database per tenant,
//! per region, per customer), a few at a time.
//!
//! Each database gets a run of its own, exactly as if the command had been run
//! against it alone: its own connections, its own lock, its own transaction
//! rules and its own report. What the databases share is the fleet's
//! [`RunOptions`], its cancellation handle included: a signal stops the runs in
//! flight (each as its transaction rules say) and starts no other.

use crate::runtime::block_on;
use crate::{Cancel, Event, MigrateError, Migrator, Reporter, RunOptions, RunReport, Target};
use futures_util::StreamExt;
use knexrs_connect::ConnectConfig;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};

/// One database of a fleet: a name for the report and where it is.
///
/// ```
/// use knexrs_migrate::FleetTarget;
///
/// let targets = FleetTarget::parse_list(
///     "# tenants\nacme postgres://app@db1/acme\npostgres://app@db2/globex\n",
///     "tenants.txt",
/// )?;
/// assert_eq!(targets[0].name, "acme");
/// assert_eq!(targets[1].name, "globex", "a bare URL is named after its database");
/// # Ok::<(), knexrs_migrate::MigrateError>(())
/// ```
#[derive(Debug, Clone)]
pub struct FleetTarget {
    /// How the report names it.
    pub name: String,
    /// Its connection.
    pub connection: ConnectConfig,
}

impl FleetTarget {
    /// Reads a list of databases: one per line, `name url` or a bare `url`
    /// (named after its database); blank lines and `#` comments are skipped.
    /// `origin` names the list in errors (a file's path).
    ///
    /// A line that is not a database, a URL that does not parse, a name given
    /// twice or an empty list is an error naming the line; no URL's password
    /// is ever printed.
    ///
    /// ```
    /// use knexrs_migrate::{FleetTarget, MigrateError};
    ///
    /// let err = FleetTarget::parse_list("a postgres://x@h/a\na postgres://x@h/b\n", "fleet.txt").unwrap_err();
    /// assert!(matches!(err, MigrateError::InvalidTargets { line: 2, .. }), "{err}");
    /// ```
    pub fn parse_list(text: &str, origin: &str) -> Result<Vec<FleetTarget>, MigrateError> {
        Self::parse_list_with(text, origin, ConnectConfig::from_url)
    }

    /// [`parse_list`](Self::parse_list) with each URL made into a connection by
    /// `connect` (the command line adds the process's settings: the
    /// environment, `KNEXRS_POOLER`, `DB_PREPARED_STATEMENTS`).
    ///
    /// ```
    /// use knexrs_connect::{ConnectConfig, Pooler};
    /// use knexrs_migrate::FleetTarget;
    ///
    /// let behind_pgbouncer = |url: &str| {
    ///     let mut config = ConnectConfig::from_url(url)?;
    ///     config.set_pooler(Pooler::Transaction);
    ///     Ok(config)
    /// };
    /// let targets = FleetTarget::parse_list_with("a postgres://app@pgbouncer/a\n", "fleet.txt", behind_pgbouncer)?;
    /// assert_eq!(targets[0].connection.pooler(), Pooler::Transaction);
    /// # Ok::<(), knexrs_migrate::MigrateError>(())
    /// ```
    pub fn parse_list_with(
        text: &str,
        origin: &str,
        connect: impl Fn(&str) -> Result<ConnectConfig, knexrs_connect::ConnectError>,
    ) -> Result<Vec<FleetTarget>, MigrateError> {
        let invalid =
            |line: usize, problem: String| MigrateError::InvalidTargets { origin: origin.to_owned(), line, problem };
        let mut targets: Vec<FleetTarget> = Vec::new();
        let mut lines: rustc_hash::FxHashMap<String, usize> = rustc_hash::FxHashMap::default();
        for (index, line) in text.lines().enumerate() {
            let number = index + 1;
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let fields: Vec<&str> = line.split_whitespace().collect();
            let (name, url) = match fields.as_slice() {
                [url] => (None, *url),
                [name, url] => (Some(*name), *url),
                _ => {
                    return Err(invalid(number, format!("has {} fields: write `name url` or a URL", fields.len())));
                }
            };
            let connection = connect(url).map_err(|e| invalid(number, e.to_string()))?;
            let name = match name {
                Some(name) => name.to_owned(),
                None => match connection.driver().get_dbname() {
                    Some(database) => database.to_owned(),
                    None => return Err(invalid(number, "names no database: write `name url`".into())),
                },
            };
            // Where each name was first given: a list of thousands stays linear.
            if let Some(first) = lines.insert(name.clone(), number) {
                let problem = format!("names `{name}` again (line {first}): give each database its own name");
                return Err(invalid(number, problem));
            }
            targets.push(FleetTarget { name, connection });
        }
        if targets.is_empty() {
            return Err(invalid(0, "lists no database: write one `name url` per line".into()));
        }
        Ok(targets)
    }
}

/// How a fleet runs: how many databases at a time, and whether one failure
/// stops it.
///
/// ```
/// use knexrs_migrate::FleetOptions;
///
/// let mut fleet = FleetOptions::default();
/// fleet.parallel(16).fail_fast(true);
/// assert_eq!((fleet.parallel, fleet.fail_fast), (16, true));
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct FleetOptions {
    /// Databases migrated at once (each run holds one connection to its
    /// server, two when its plan has transactions of its own).
    pub parallel: usize,
    /// After a database fails, start no other (those in flight finish).
    pub fail_fast: bool,
}

impl Default for FleetOptions {
    fn default() -> Self {
        FleetOptions { parallel: 8, fail_fast: false }
    }
}

impl FleetOptions {
    /// Sets how many databases run at once.
    ///
    /// ```
    /// let mut fleet = knexrs_migrate::FleetOptions::default();
    /// assert_eq!(fleet.parallel(4).parallel, 4);
    /// ```
    pub fn parallel(&mut self, parallel: usize) -> &mut Self {
        self.parallel = parallel;
        self
    }

    /// Sets whether a failure stops the fleet from starting more databases.
    ///
    /// ```
    /// let mut fleet = knexrs_migrate::FleetOptions::default();
    /// assert!(fleet.fail_fast(true).fail_fast);
    /// ```
    pub fn fail_fast(&mut self, fail_fast: bool) -> &mut Self {
        self.fail_fast = fail_fast;
        self
    }
}

/// What became of one database of a fleet.
///
/// ```
/// use knexrs_migrate::{Direction, FleetOutcome, RunReport};
///
/// let ran = FleetOutcome::Ran(RunReport { direction: Direction::Up, batch: 1, migrations: vec![] });
/// assert!(ran.is_success());
/// assert!(!FleetOutcome::<RunReport>::NotStarted.is_success());
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum FleetOutcome<R = RunReport> {
    /// Its run finished (it may have had nothing to do): what it did, a
    /// [`RunReport`] for migrations, a [`SeedReport`](crate::SeedReport) for seeds.
    Ran(R),
    /// Its run failed; the database is as the run's transaction rules leave it.
    Failed(MigrateError),
    /// It was not started: the fleet was cancelled, or stopped by `fail_fast`.
    NotStarted,
}

impl<R> FleetOutcome<R> {
    /// Whether its run finished.
    ///
    /// ```
    /// use knexrs_migrate::{FleetOutcome, SeedReport};
    /// assert!(!FleetOutcome::<SeedReport>::NotStarted.is_success());
    /// ```
    pub fn is_success(&self) -> bool {
        matches!(self, FleetOutcome::Ran(_))
    }
}

/// What a fleet run did, database by database, in the list's order.
///
/// ```
/// use knexrs_migrate::{Direction, FleetOutcome, FleetReport, RunReport};
///
/// let report = FleetReport {
///     targets: vec![
///         ("acme".into(), FleetOutcome::Ran(RunReport { direction: Direction::Up, batch: 1, migrations: vec![] })),
///         ("globex".into(), FleetOutcome::NotStarted),
///     ],
/// };
/// assert_eq!(report.unfinished().collect::<Vec<_>>(), ["globex"]);
/// ```
#[derive(Debug)]
pub struct FleetReport<R = RunReport> {
    /// Each database's name and outcome.
    pub targets: Vec<(String, FleetOutcome<R>)>,
}

impl<R> FleetReport<R> {
    /// The databases whose run did not finish (failed or not started).
    ///
    /// ```
    /// let report: knexrs_migrate::FleetReport = knexrs_migrate::FleetReport { targets: vec![] };
    /// assert_eq!(report.unfinished().count(), 0);
    /// ```
    pub fn unfinished(&self) -> impl Iterator<Item = &str> {
        self.targets.iter().filter(|(_, outcome)| !outcome.is_success()).map(|(name, _)| name.as_str())
    }

    /// `Ok` when every database's run finished; otherwise the error that
    /// names the ones that did not.
    ///
    /// ```
    /// use knexrs_migrate::{FleetOutcome, FleetReport, MigrateError};
    ///
    /// let report: FleetReport = FleetReport { targets: vec![("acme".into(), FleetOutcome::NotStarted)] };
    /// assert!(matches!(report.into_result(), Err(MigrateError::FleetFailed { not_started: 1, .. })));
    /// ```
    pub fn into_result(self) -> Result<FleetReport<R>, MigrateError> {
        let failed: Vec<String> = self
            .targets
            .iter()
            .filter(|(_, outcome)| matches!(outcome, FleetOutcome::Failed(_)))
            .map(|(name, _)| name.clone())
            .collect();
        let not_started =
            self.targets.iter().filter(|(_, outcome)| matches!(outcome, FleetOutcome::NotStarted)).count();
        if failed.is_empty() && not_started == 0 {
            Ok(self)
        } else {
            Err(MigrateError::FleetFailed { total: self.targets.len(), failed, not_started })
        }
    }
}

/// Hears a fleet run: each database's events as they happen, and its outcome
/// when it ends. Runs in flight interleave; each call names its database.
///
/// ```
/// use knexrs_migrate::{Event, FleetOutcome, FleetReporter};
///
/// #[derive(Default)]
/// struct Failures(Vec<String>);
/// impl FleetReporter for Failures {
///     fn report(&mut self, _target: &str, _event: Event<'_>) {}
///     fn finished(&mut self, target: &str, outcome: &FleetOutcome) {
///         if let FleetOutcome::Failed(error) = outcome {
///             self.0.push(format!("{target}: {error}"));
///         }
///     }
/// }
/// let mut failures = Failures::default();
/// failures.finished("acme", &FleetOutcome::NotStarted);
/// assert!(failures.0.is_empty());
/// ```
pub trait FleetReporter: Send {
    /// An event of `target`'s run.
    fn report(&mut self, target: &str, event: Event<'_>);

    /// `target`'s run ended (not called for databases never started).
    fn finished(&mut self, target: &str, outcome: &FleetOutcome);
}

/// One database's [`Reporter`]: its events go to the fleet's reporter with its name.
struct Named<'a, 'r> {
    name: &'a str,
    fleet: &'a Mutex<&'r mut dyn FleetReporter>,
}

impl Reporter for Named<'_, '_> {
    fn report(&mut self, event: Event<'_>) {
        self.fleet.lock().unwrap_or_else(PoisonError::into_inner).report(self.name, event);
    }
}

impl Migrator {
    /// Runs `target` (`latest`, a rollback, …) on every database of `targets`,
    /// `fleet.parallel` at a time, each as its own run with `options`.
    ///
    /// A database that fails does not stop the others unless
    /// `fleet.fail_fast`; the report says what became of each one, and
    /// [`FleetReport::into_result`] turns any failure into an error naming
    /// them. Running it again is safe: databases already migrated have
    /// nothing to do.
    ///
    /// ```no_run
    /// use knexrs_migrate::{FleetOptions, FleetTarget, Migrator, RunOptions, Target};
    /// use knexrs_migrate::{Event, FleetOutcome, FleetReporter};
    ///
    /// struct Print;
    /// impl FleetReporter for Print {
    ///     fn report(&mut self, _target: &str, _event: Event<'_>) {}
    ///     fn finished(&mut self, target: &str, outcome: &FleetOutcome) {
    ///         println!("{target}: {}", if outcome.is_success() { "ok" } else { "failed" });
    ///     }
    /// }
    /// # fn migrations() -> Vec<knexrs_migrate::Migration> { vec![] }
    /// let targets = FleetTarget::parse_list(&std::fs::read_to_string("tenants.txt")?, "tenants.txt")?;
    /// let migrator = Migrator::new(migrations())?;
    /// let report = migrator.run_fleet(&targets, &Target::Latest, &RunOptions::default(), &FleetOptions::default(), &mut Print)?;
    /// report.into_result()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn run_fleet(
        &self,
        targets: &[FleetTarget],
        target: &Target,
        options: &RunOptions,
        fleet: &FleetOptions,
        reporter: &mut dyn FleetReporter,
    ) -> Result<FleetReport, MigrateError> {
        block_on(
            "Migrator::run_fleet",
            "Migrator::run_fleet_async",
            self.run_fleet_async(targets, target, options, fleet, reporter),
        )
    }

    /// [`run_fleet`](Self::run_fleet) for async code. The runs share the
    /// calling task: their time is spent waiting on their servers.
    ///
    /// ```no_run
    /// use knexrs_migrate::{FleetOptions, FleetTarget, Migrator, RunOptions, Target};
    /// # struct Quiet;
    /// # impl knexrs_migrate::FleetReporter for Quiet {
    /// #     fn report(&mut self, _: &str, _: knexrs_migrate::Event<'_>) {}
    /// #     fn finished(&mut self, _: &str, _: &knexrs_migrate::FleetOutcome) {}
    /// # }
    /// # fn migrations() -> Vec<knexrs_migrate::Migration> { vec![] }
    /// # async fn demo(targets: Vec<FleetTarget>) -> Result<(), knexrs_migrate::MigrateError> {
    /// let migrator = Migrator::new(migrations())?;
    /// let options = RunOptions::default();
    /// let report = migrator.run_fleet_async(&targets, &Target::Latest, &options, &FleetOptions::default(), &mut Quiet).await?;
    /// report.into_result()?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn run_fleet_async(
        &self,
        targets: &[FleetTarget],
        target: &Target,
        options: &RunOptions,
        fleet: &FleetOptions,
        reporter: &mut dyn FleetReporter,
    ) -> Result<FleetReport, MigrateError> {
        let shared: Mutex<&mut dyn FleetReporter> = Mutex::new(reporter);
        let shared = &shared;
        let finished = |name: &str, outcome: &FleetOutcome| {
            shared.lock().unwrap_or_else(PoisonError::into_inner).finished(name, outcome);
        };
        let run = |one| async move {
            let one: &FleetTarget = one;
            let mut named = Named { name: &one.name, fleet: shared };
            self.run_async(&one.connection, target, options, &mut named).await
        };
        run_each(targets, fleet, &options.cancel, run, finished).await
    }
}

/// Runs `run` on every database of `targets`, `fleet.parallel` at a time on
/// the calling task, and tells `finished` of each as it ends: the one loop
/// behind every fleet command (migrations and seeds alike). A database is
/// started only while the fleet is neither cancelled nor stopped by
/// `fail_fast`; the report lists every database in the list's order.
pub(crate) async fn run_each<'t, R, F, Fut>(
    targets: &'t [FleetTarget],
    fleet: &FleetOptions,
    cancel: &Cancel,
    run: F,
    mut finished: impl FnMut(&str, &FleetOutcome<R>),
) -> Result<FleetReport<R>, MigrateError>
where
    F: Fn(&'t FleetTarget) -> Fut,
    Fut: Future<Output = Result<R, MigrateError>>,
{
    check_parallel(fleet.parallel)?;
    let stopped = AtomicBool::new(false);
    let (stopped, run) = (&stopped, &run);
    let mut outcomes: Vec<Option<FleetOutcome<R>>> = targets.iter().map(|_| None).collect();
    let mut runs = futures_util::stream::iter(targets.iter().enumerate())
        .map(|(index, one)| async move {
            // Checked when the run would start: later databases of a
            // cancelled or failed fleet are left untouched.
            if cancel.is_cancelled() || stopped.load(Ordering::Relaxed) {
                return (index, None);
            }
            let outcome = match run(one).await {
                Ok(report) => FleetOutcome::Ran(report),
                Err(error) => {
                    if fleet.fail_fast {
                        stopped.store(true, Ordering::Relaxed);
                    }
                    FleetOutcome::Failed(error)
                }
            };
            (index, Some(outcome))
        })
        .buffer_unordered(fleet.parallel);
    while let Some((index, outcome)) = runs.next().await {
        if let Some(outcome) = &outcome {
            finished(&targets[index].name, outcome);
        }
        outcomes[index] = outcome;
    }
    let targets = targets
        .iter()
        .zip(outcomes)
        .map(|(one, outcome)| (one.name.clone(), outcome.unwrap_or(FleetOutcome::NotStarted)))
        .collect();
    Ok(FleetReport { targets })
}

impl Migrator {
    /// The [`status`](Self::status) of every database of `targets`,
    /// `parallel` at a time, in the list's order: which databases are
    /// behind, and which could not be read.
    ///
    /// ```no_run
    /// use knexrs_migrate::{FleetTarget, Migrator};
    ///
    /// # fn migrations() -> Vec<knexrs_migrate::Migration> { vec![] }
    /// let targets = FleetTarget::parse_list(&std::fs::read_to_string("tenants.txt")?, "tenants.txt")?;
    /// for (name, status) in Migrator::new(migrations())?.status_fleet(&targets, 8)? {
    ///     match status {
    ///         Ok(status) if status.is_up_to_date() => {}
    ///         Ok(status) => println!("{name}: {} pending", status.pending().count()),
    ///         Err(error) => println!("{name}: {error}"),
    ///     }
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn status_fleet(&self, targets: &[FleetTarget], parallel: usize) -> Result<FleetStatus, MigrateError> {
        block_on("Migrator::status_fleet", "Migrator::status_fleet_async", self.status_fleet_async(targets, parallel))
    }

    /// [`status_fleet`](Self::status_fleet) for async code.
    ///
    /// ```no_run
    /// use knexrs_migrate::{FleetTarget, Migrator};
    ///
    /// # fn migrations() -> Vec<knexrs_migrate::Migration> { vec![] }
    /// # async fn behind(targets: Vec<FleetTarget>) -> Result<usize, knexrs_migrate::MigrateError> {
    /// let statuses = Migrator::new(migrations())?.status_fleet_async(&targets, 8).await?;
    /// Ok(statuses.iter().filter(|(_, s)| !s.as_ref().is_ok_and(|s| s.is_up_to_date())).count())
    /// # }
    /// ```
    pub async fn status_fleet_async(
        &self,
        targets: &[FleetTarget],
        parallel: usize,
    ) -> Result<FleetStatus, MigrateError> {
        read_each(targets, parallel, |one| async move {
            let one: &FleetTarget = one;
            self.status_async(&one.connection).await
        })
        .await
    }
}

impl Migrator {
    /// The [`drift`](Self::drift) of every database of `targets`, `parallel`
    /// at a time, in the list's order: each against its own applied
    /// migrations, on a throwaway database of its own server.
    ///
    /// ```no_run
    /// use knexrs_migrate::{DriftOptions, FleetTarget, Migrator};
    ///
    /// # fn migrations() -> Vec<knexrs_migrate::Migration> { vec![] }
    /// let targets = FleetTarget::parse_list(&std::fs::read_to_string("tenants.txt")?, "tenants.txt")?;
    /// for (name, report) in Migrator::new(migrations())?.drift_fleet(&targets, 8, &DriftOptions::default())? {
    ///     if report.as_ref().map_or(true, |r| r.drifted()) {
    ///         println!("{name} needs a look");
    ///     }
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn drift_fleet(
        &self,
        targets: &[FleetTarget],
        parallel: usize,
        options: &crate::DriftOptions,
    ) -> Result<FleetDrift, MigrateError> {
        block_on(
            "Migrator::drift_fleet",
            "Migrator::drift_fleet_async",
            self.drift_fleet_async(targets, parallel, options),
        )
    }

    /// [`drift_fleet`](Self::drift_fleet) for async code.
    ///
    /// ```no_run
    /// use knexrs_migrate::{DriftOptions, FleetTarget, Migrator};
    ///
    /// # fn migrations() -> Vec<knexrs_migrate::Migration> { vec![] }
    /// # async fn drifted(targets: Vec<FleetTarget>) -> Result<usize, knexrs_migrate::MigrateError> {
    /// let reports = Migrator::new(migrations())?.drift_fleet_async(&targets, 8, &DriftOptions::default()).await?;
    /// Ok(reports.iter().filter(|(_, r)| r.as_ref().is_ok_and(|r| r.drifted())).count())
    /// # }
    /// ```
    pub async fn drift_fleet_async(
        &self,
        targets: &[FleetTarget],
        parallel: usize,
        options: &crate::DriftOptions,
    ) -> Result<FleetDrift, MigrateError> {
        read_each(targets, parallel, |one| async move {
            let one: &FleetTarget = one;
            self.drift_async(&one.connection, options).await
        })
        .await
    }
}

/// Reads something from every database of `targets`, `parallel` at a time
/// on the calling task: each database's name and what was read (or why it
/// could not be), in the list's order. The loop behind the fleet `status`
/// commands.
pub(crate) async fn read_each<'t, T, F, Fut>(
    targets: &'t [FleetTarget],
    parallel: usize,
    read: F,
) -> Result<Vec<(String, Result<T, MigrateError>)>, MigrateError>
where
    F: Fn(&'t FleetTarget) -> Fut,
    Fut: Future<Output = Result<T, MigrateError>>,
{
    check_parallel(parallel)?;
    let read = &read;
    let mut read: Vec<_> = futures_util::stream::iter(targets.iter().enumerate())
        .map(|(index, one)| async move { (index, read(one).await) })
        .buffer_unordered(parallel)
        .collect()
        .await;
    read.sort_unstable_by_key(|(index, _)| *index);
    Ok(targets.iter().zip(read).map(|(one, (_, value))| (one.name.clone(), value)).collect())
}

/// Refuses a fleet that would run no database at a time.
fn check_parallel(parallel: usize) -> Result<(), MigrateError> {
    if parallel == 0 {
        return Err(MigrateError::InvalidOption {
            option: "--parallel",
            value: "0".into(),
            expected: "at least 1 database at a time",
        });
    }
    Ok(())
}

/// Each database's name and [`Status`](crate::Status) (or why it could not
/// be read), in the list's order: what [`Migrator::status_fleet`] returns.
pub type FleetStatus = Vec<(String, Result<crate::Status, MigrateError>)>;

/// Each database's name and [`DriftReport`](crate::DriftReport) (or why it
/// could not be checked), in the list's order: what [`Migrator::drift_fleet`] returns.
pub type FleetDrift = Vec<(String, Result<crate::DriftReport, MigrateError>)>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_takes_named_and_bare_urls_and_skips_comments_and_blank_lines() {
        let text = "\n# the EU tenants\nacme  postgres://app@db1:5433/acme_prod\n\n\tpostgres://app@db2/globex # no\n";
        let err = FleetTarget::parse_list(text, "t.txt").unwrap_err();
        assert!(err.to_string().contains("line 5 has 3 fields"), "{err}");
        let text = "\n# the EU tenants\nacme  postgres://app@db1:5433/acme_prod\n\n\tpostgres://app@db2/globex\n";
        let targets = FleetTarget::parse_list(text, "t.txt").unwrap();
        let names: Vec<&str> = targets.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["acme", "globex"]);
        assert_eq!(targets[0].connection.driver().get_dbname(), Some("acme_prod"));
    }

    #[test]
    fn a_name_given_twice_is_refused_naming_both_lines() {
        let text = "a postgres://x@h/a\n# c\nb postgres://x@h/b\na postgres://x@h/c\n";
        let err = FleetTarget::parse_list(text, "fleet.txt").unwrap_err();
        assert_eq!(
            err.to_string(),
            "fleet.txt line 4 names `a` again (line 1): give each database its own name; nothing was run"
        );
    }

    #[test]
    fn a_bad_url_is_refused_without_printing_its_password() {
        let err = FleetTarget::parse_list("a postgres://app:s3cret@h:notaport/a\n", "fleet.txt").unwrap_err();
        let message = err.to_string();
        assert!(message.starts_with("fleet.txt line 1 "), "{message}");
        assert!(!message.contains("s3cret"), "{message}");
    }

    #[test]
    fn an_empty_list_is_refused() {
        let err = FleetTarget::parse_list("# nothing yet\n\n", "fleet.txt").unwrap_err();
        assert_eq!(err.to_string(), "fleet.txt lists no database: write one `name url` per line; nothing was run");
    }

    #[test]
    fn a_url_without_a_database_needs_a_name() {
        let err = FleetTarget::parse_list("postgres://app@h\n", "fleet.txt").unwrap_err();
        assert!(err.to_string().contains("line 1 names no database: write `name url`"), "{err}");
        assert!(FleetTarget::parse_list("main postgres://app@h\n", "fleet.txt").is_ok());
    }

    #[test]
    fn a_report_with_failures_becomes_an_error_naming_them() {
        let report: FleetReport = FleetReport {
            targets: vec![
                ("a".into(), FleetOutcome::Failed(MigrateError::EmptyName)),
                ("b".into(), FleetOutcome::NotStarted),
                ("c".into(), FleetOutcome::NotStarted),
            ],
        };
        assert_eq!(report.unfinished().collect::<Vec<_>>(), ["a", "b", "c"]);
        let err = report.into_result().unwrap_err();
        assert_eq!(
            err.to_string(),
            "1 of 3 databases failed (a) and 2 were not started: fix them; the others finished; \
             run the command again on the unfinished ones alone (`--targets` a list of them)"
        );
    }
}
