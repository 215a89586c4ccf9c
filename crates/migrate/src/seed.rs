//! Seeds (knex `seed:make` / `seed:run`): files of data statements run in
//! name order, each in a transaction of its own. Unlike knex's, runs are
//! recorded (`knex_seeds_knexrs`: name, checksum of the source, when): a
//! seed already run with the same source is skipped unless forced, and an
//! edited one runs again.

use crate::checksum::checksum;
use crate::fleet::{read_each, run_each};
use crate::session::Conn;
use crate::{Cancel, FleetOptions, FleetOutcome, FleetReport, FleetTarget, MigrateError};
use knexrs_connect::{ConnectConfig, Environment};
use knexrs_schema::{PostgresQueryBuilder, SchemaBuilder};
use std::sync::Arc;

type Fill = Arc<dyn Fn(&mut SchemaBuilder) + Send + Sync>;

/// The table that records seed runs.
pub(crate) const SEED_TABLE: &str = "knex_seeds_knexrs";
/// The key of the advisory lock seed runs take: one seed at a time per seed
/// table, which is the one of the first schema of `search_path` (tenants kept
/// as schemas of one database seed apart).
const SEED_LOCK: &str =
    "pg_catalog.hashtextextended('knexrs-seed:' || coalesce(pg_catalog.current_schema()::text, ''), 0)";

/// One seed: a name (its file stem), what it records, and its source's
/// checksum (what tells an edited seed from one already run).
///
/// ```
/// use knexrs_migrate::Seed;
/// use knexrs_query::Insert;
///
/// let seed = Seed::new("01_users", |s| {
///     let mut alice = Insert::into("users");
///     alice.set("name", "alice");
///     s.query(&alice);
/// });
/// assert_eq!(seed.name(), "01_users");
/// ```
#[derive(Clone)]
pub struct Seed {
    name: String,
    fill: Fill,
    checksum: String,
    problem: Option<String>,
}

impl std::fmt::Debug for Seed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Seed").field("name", &self.name).field("checksum", &self.checksum).finish()
    }
}

impl Seed {
    /// A seed built in code; its checksum is its name (it runs once unless forced).
    ///
    /// ```
    /// let seed = knexrs_migrate::Seed::new("01_users", |_| {});
    /// assert_eq!(seed.name(), "01_users");
    /// ```
    pub fn new(name: impl Into<String>, fill: impl Fn(&mut SchemaBuilder) + Send + Sync + 'static) -> Self {
        let name = name.into();
        let checksum = checksum(&name);
        Seed { name, fill: Arc::new(fill), checksum, problem: None }
    }

    /// A seed compiled from `seeds/<name>.rs` (what `knexrs_embed::embed_seeds`
    /// generates): an edit of `source` makes it run again.
    ///
    /// ```
    /// let seed = knexrs_migrate::Seed::from_source("01_users", |_| {}, "pub fn seed(s: &mut SchemaBuilder) {}");
    /// assert_ne!(seed.checksum(), knexrs_migrate::Seed::from_source("01_users", |_| {}, "edited").checksum());
    /// ```
    pub fn from_source(name: &str, fill: fn(&mut SchemaBuilder), source: &str) -> Self {
        Seed::new(name, fill).with_source(source)
    }

    /// Sets the source its checksum is taken from (an edit makes it run again).
    ///
    /// ```
    /// let v1 = knexrs_migrate::Seed::new("01_users", |_| {}).with_source("v1");
    /// let v2 = knexrs_migrate::Seed::new("01_users", |_| {}).with_source("v2");
    /// assert_ne!(v1.checksum(), v2.checksum());
    /// ```
    pub fn with_source(mut self, source: &str) -> Self {
        self.checksum = checksum(source);
        self
    }

    /// A seed file that cannot be compiled in (reported when the seeds are loaded).
    ///
    /// ```
    /// let seeder = knexrs_migrate::Seeder::new(vec![knexrs_migrate::Seed::invalid("users.rs", "has no `pub fn seed`")]);
    /// assert!(seeder.unwrap_err().to_string().contains("users.rs has no `pub fn seed`"));
    /// ```
    pub fn invalid(file_name: &str, problem: &str) -> Self {
        let mut seed = Seed::new(file_name, |_| {});
        seed.problem = Some(problem.to_owned());
        seed
    }

    /// Its name (the file stem).
    ///
    /// ```
    /// assert_eq!(knexrs_migrate::Seed::new("02_posts", |_| {}).name(), "02_posts");
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The checksum recorded when it runs.
    ///
    /// ```
    /// assert!(!knexrs_migrate::Seed::new("02_posts", |_| {}).checksum().is_empty());
    /// ```
    pub fn checksum(&self) -> &str {
        &self.checksum
    }

    fn statements(&self) -> Result<Vec<String>, MigrateError> {
        let mut schema = SchemaBuilder::new();
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| (self.fill)(&mut schema))).map_err(|payload| {
            MigrateError::Panicked {
                migration: format!("seed {}", self.name),
                step: "seed",
                message: crate::migration::panic_message(payload.as_ref()),
            }
        })?;
        schema
            .build(PostgresQueryBuilder)
            .map_err(|source| MigrateError::Render { migration: format!("seed {}", self.name), source })
    }
}

/// How `seed run` runs.
///
/// ```
/// let mut options = knexrs_migrate::SeedOptions::default();
/// options.specific = Some("01_users".into());
/// options.force = true;
/// ```
#[derive(Debug, Clone, Default)]
pub struct SeedOptions {
    /// Only this seed (knex `--specific`).
    pub specific: Option<String>,
    /// Run seeds already run with the same source too.
    pub force: bool,
    /// Run in the `production` environment (refused otherwise).
    pub allow_production: bool,
    /// Stops the run between seeds and rolls back the one running.
    pub cancel: Cancel,
}

/// What happened to a seed in a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SeedOutcome {
    /// It ran (first time, edited, or forced).
    Ran,
    /// It had run with the same source: skipped.
    Skipped,
}

/// What a seed run did: each seed it chose, in the order they ran, and
/// whether it ran or was skipped.
pub type SeedReport = Vec<(String, SeedOutcome)>;

/// Each database's name and the state of every seed there (or why it could
/// not be read), in the list's order: what [`Seeder::status_fleet`] returns.
pub type SeedFleetStatus = Vec<(String, Result<Vec<(String, SeedState)>, MigrateError>)>;

/// Where a seed stands.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SeedState {
    /// Never run.
    New,
    /// Ran with this source (when, as PostgreSQL prints it).
    UpToDate(String),
    /// Ran, then its source changed: the next run runs it again.
    Edited(String),
}

/// Every seed of a project, in name order (knex runs them so).
///
/// ```
/// use knexrs_migrate::{Seed, Seeder};
///
/// let seeder = Seeder::new(vec![Seed::new("02_b", |_| {}), Seed::new("01_a", |_| {})])?;
/// let names: Vec<&str> = seeder.seeds().iter().map(|s| s.name()).collect();
/// assert_eq!(names, ["01_a", "02_b"]);
/// # Ok::<(), knexrs_migrate::MigrateError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Seeder {
    seeds: Vec<Seed>,
}

impl Seeder {
    /// Sorts and checks the seeds (no duplicate names, no file that cannot be one).
    ///
    /// ```
    /// use knexrs_migrate::{Seed, Seeder};
    ///
    /// let twice = Seeder::new(vec![Seed::new("01_a", |_| {}), Seed::new("01_a", |_| {})]);
    /// assert!(twice.is_err());
    /// ```
    pub fn new(mut seeds: Vec<Seed>) -> Result<Self, MigrateError> {
        if let Some(bad) = seeds.iter().find(|s| s.problem.is_some()) {
            return Err(MigrateError::InvalidSeed {
                file: bad.name.clone(),
                problem: bad.problem.clone().unwrap_or_default(),
            });
        }
        seeds.sort_by(|a, b| a.name.cmp(&b.name));
        if let Some(pair) = seeds.windows(2).find(|w| w[0].name == w[1].name) {
            return Err(MigrateError::DuplicateName { name: pair[0].name.clone() });
        }
        Ok(Seeder { seeds })
    }

    /// The seeds, in the order they run.
    ///
    /// ```
    /// assert!(knexrs_migrate::Seeder::new(vec![])?.seeds().is_empty());
    /// # Ok::<(), knexrs_migrate::MigrateError>(())
    /// ```
    pub fn seeds(&self) -> &[Seed] {
        &self.seeds
    }

    /// Runs the seeds (or the one `--specific` names) in name order, each
    /// in its own transaction with its record; a seed that fails is rolled
    /// back alone (the ones before it stay) and stops the run.
    ///
    /// ```no_run
    /// # async fn demo(seeder: knexrs_migrate::Seeder, config: knexrs_connect::ConnectConfig) -> Result<(), knexrs_migrate::MigrateError> {
    /// for (name, outcome) in seeder.run_async(&config, &knexrs_migrate::SeedOptions::default()).await? {
    ///     println!("{name}: {outcome:?}");
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn run_async(
        &self,
        connection: &ConnectConfig,
        options: &SeedOptions,
    ) -> Result<SeedReport, MigrateError> {
        if connection.environment() == Environment::Production && !options.allow_production {
            return Err(MigrateError::SeedsInProduction);
        }
        let chosen: Vec<&Seed> = match &options.specific {
            Some(name) => vec![
                self.seeds
                    .iter()
                    .find(|s| &s.name == name)
                    .ok_or_else(|| MigrateError::UnknownSeed { name: name.clone() })?,
            ],
            None => self.seeds.iter().collect(),
        };
        // Every seed renders before anything runs.
        let rendered = chosen.iter().map(|s| Ok((*s, s.statements()?))).collect::<Result<Vec<_>, MigrateError>>()?;
        let first = rendered.first().map_or("", |(seed, _)| seed.name.as_str());
        if options.cancel.is_cancelled() {
            return Err(seeds_interrupted(format!("before seed {first}"), &[]));
        }
        let conn = Conn::open(connection).await?;
        let client = conn.client();
        // Under the seed lock: two runs creating the table at once would otherwise
        // both pass `if not exists`, and one fail on the catalog's unique index.
        let create = format!(
            "begin; select pg_advisory_xact_lock({SEED_LOCK}); \
             create table if not exists {SEED_TABLE} (name varchar(255) primary key, checksum text not null, ran_at timestamptz not null default now()); \
             commit"
        );
        // Another run may hold the seed lock: a cancel ends the wait.
        let created = tokio::select! {
            biased;
            created = client.batch_execute(&create) => created,
            () = options.cancel.cancelled() => {
                conn.cancel_running().await;
                return Err(seeds_interrupted(format!("before seed {first}"), &[]));
            }
        };
        if let Err(error) = created {
            let _ = client.batch_execute("rollback").await;
            return Err(MigrateError::bookkeeping(format!("creating {SEED_TABLE}"))(error));
        }
        let mut report: SeedReport = Vec::new();
        for (seed, statements) in rendered {
            if options.cancel.is_cancelled() {
                return Err(seeds_interrupted(format!("before seed {}", seed.name), &report));
            }
            let outcome = tokio::select! {
                // Biased: a seed that finished (committed) is reported as run, never as rolled back.
                biased;
                outcome = run_one(client, seed, &statements, options.force) => outcome,
                () = options.cancel.cancelled() => {
                    // The server stops the statement (and its locks go with it); dropping
                    // the connection rolls the open transaction back.
                    conn.cancel_running().await;
                    return Err(seeds_interrupted(format!("while seed {} ran: it was rolled back", seed.name), &report));
                }
            };
            match outcome {
                Ok(outcome) => report.push((seed.name.clone(), outcome)),
                Err(error) => {
                    let _ = client.batch_execute("rollback").await;
                    return Err(error);
                }
            }
        }
        Ok(report)
    }

    /// [`run_async`](Self::run_async), blocking.
    ///
    /// ```no_run
    /// # fn demo(seeder: knexrs_migrate::Seeder, config: knexrs_connect::ConnectConfig) -> Result<(), knexrs_migrate::MigrateError> {
    /// let ran = seeder.run(&config, &knexrs_migrate::SeedOptions::default())?;
    /// # Ok(()) }
    /// ```
    pub fn run(&self, connection: &ConnectConfig, options: &SeedOptions) -> Result<SeedReport, MigrateError> {
        crate::runtime::block_on("Seeder::run", "Seeder::run_async", self.run_async(connection, options))
    }

    /// Where each seed stands (`seed status`); reads only.
    ///
    /// ```no_run
    /// # async fn demo(seeder: knexrs_migrate::Seeder, config: knexrs_connect::ConnectConfig) -> Result<(), knexrs_migrate::MigrateError> {
    /// for (name, state) in seeder.status_async(&config).await? {
    ///     println!("{name}: {state:?}");
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn status_async(&self, connection: &ConnectConfig) -> Result<Vec<(String, SeedState)>, MigrateError> {
        let conn = Conn::open(connection).await?;
        let read = format!("select name, checksum, ran_at::text from {SEED_TABLE}");
        let rows = match conn.client().query(&read, &[]).await {
            Ok(rows) => rows,
            // No seed has run here yet.
            Err(e) if e.code() == Some(&tokio_postgres::error::SqlState::UNDEFINED_TABLE) => Vec::new(),
            Err(e) => return Err(MigrateError::bookkeeping(format!("reading {SEED_TABLE}"))(e)),
        };
        Ok(self
            .seeds
            .iter()
            .map(|seed| {
                let row = rows.iter().find(|r| r.get::<_, &str>(0) == seed.name);
                let state = match row {
                    None => SeedState::New,
                    Some(r) if r.get::<_, &str>(1) == seed.checksum => SeedState::UpToDate(r.get(2)),
                    Some(r) => SeedState::Edited(r.get(2)),
                };
                (seed.name.clone(), state)
            })
            .collect())
    }

    /// [`status_async`](Self::status_async), blocking.
    ///
    /// ```no_run
    /// # fn demo(seeder: knexrs_migrate::Seeder, config: knexrs_connect::ConnectConfig) -> Result<(), knexrs_migrate::MigrateError> {
    /// let states = seeder.status(&config)?;
    /// # Ok(()) }
    /// ```
    pub fn status(&self, connection: &ConnectConfig) -> Result<Vec<(String, SeedState)>, MigrateError> {
        crate::runtime::block_on("Seeder::status", "Seeder::status_async", self.status_async(connection))
    }
}

impl Seeder {
    /// Runs the seeds on every database of `targets`, `fleet.parallel` at a
    /// time, each database exactly as [`run`](Self::run) would alone (its own
    /// connection, each seed in its own transaction). `finished` hears of each
    /// database as it ends; a database that fails does not stop the others
    /// unless `fleet.fail_fast`, and a cancelled fleet starts no other.
    ///
    /// ```no_run
    /// use knexrs_migrate::{FleetOptions, FleetTarget, SeedOptions, Seeder};
    ///
    /// # fn seeds() -> Vec<knexrs_migrate::Seed> { vec![] }
    /// let targets = FleetTarget::parse_list(&std::fs::read_to_string("tenants.txt")?, "tenants.txt")?;
    /// let seeder = Seeder::new(seeds())?;
    /// let report = seeder.run_fleet(&targets, &SeedOptions::default(), &FleetOptions::default(), &mut |name, outcome| {
    ///     println!("{name}: {}", if outcome.is_success() { "seeded" } else { "failed" });
    /// })?;
    /// report.into_result()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn run_fleet(
        &self,
        targets: &[FleetTarget],
        options: &SeedOptions,
        fleet: &FleetOptions,
        finished: &mut (dyn FnMut(&str, &FleetOutcome<SeedReport>) + Send),
    ) -> Result<FleetReport<SeedReport>, MigrateError> {
        crate::runtime::block_on(
            "Seeder::run_fleet",
            "Seeder::run_fleet_async",
            self.run_fleet_async(targets, options, fleet, finished),
        )
    }

    /// [`run_fleet`](Self::run_fleet) for async code; the runs share the calling task.
    ///
    /// ```no_run
    /// use knexrs_migrate::{FleetOptions, FleetTarget, SeedOptions, Seeder};
    ///
    /// # async fn demo(seeder: Seeder, targets: Vec<FleetTarget>) -> Result<(), knexrs_migrate::MigrateError> {
    /// let report = seeder.run_fleet_async(&targets, &SeedOptions::default(), &FleetOptions::default(), &mut |_, _| {}).await?;
    /// report.into_result()?;
    /// # Ok(()) }
    /// ```
    pub async fn run_fleet_async(
        &self,
        targets: &[FleetTarget],
        options: &SeedOptions,
        fleet: &FleetOptions,
        finished: &mut (dyn FnMut(&str, &FleetOutcome<SeedReport>) + Send),
    ) -> Result<FleetReport<SeedReport>, MigrateError> {
        let run = |one| async move {
            let one: &FleetTarget = one;
            self.run_async(&one.connection, options).await
        };
        run_each(targets, fleet, &options.cancel, run, finished).await
    }

    /// Where each seed stands on every database of `targets`, `parallel` at
    /// a time, in the list's order; reads only.
    ///
    /// ```no_run
    /// use knexrs_migrate::{FleetTarget, SeedState, Seeder};
    ///
    /// # fn demo(seeder: Seeder, targets: Vec<FleetTarget>) -> Result<(), knexrs_migrate::MigrateError> {
    /// for (database, states) in seeder.status_fleet(&targets, 8)? {
    ///     let never = states.map_or(0, |s| s.iter().filter(|(_, state)| *state == SeedState::New).count());
    ///     println!("{database}: {never} seeds never run");
    /// }
    /// # Ok(()) }
    /// ```
    pub fn status_fleet(&self, targets: &[FleetTarget], parallel: usize) -> Result<SeedFleetStatus, MigrateError> {
        crate::runtime::block_on(
            "Seeder::status_fleet",
            "Seeder::status_fleet_async",
            self.status_fleet_async(targets, parallel),
        )
    }

    /// [`status_fleet`](Self::status_fleet) for async code.
    ///
    /// ```no_run
    /// # async fn demo(seeder: knexrs_migrate::Seeder, targets: Vec<knexrs_migrate::FleetTarget>) -> Result<(), knexrs_migrate::MigrateError> {
    /// let statuses = seeder.status_fleet_async(&targets, 8).await?;
    /// # Ok(()) }
    /// ```
    pub async fn status_fleet_async(
        &self,
        targets: &[FleetTarget],
        parallel: usize,
    ) -> Result<SeedFleetStatus, MigrateError> {
        read_each(targets, parallel, |one| async move {
            let one: &FleetTarget = one;
            self.status_async(&one.connection).await
        })
        .await
    }
}

/// One seed in its transaction: under the seed lock, skipped when its
/// source already ran (unless forced), else its statements and its record.
async fn run_one(
    client: &tokio_postgres::Client,
    seed: &Seed,
    statements: &[String],
    force: bool,
) -> Result<SeedOutcome, MigrateError> {
    let begin = format!("begin; select pg_advisory_xact_lock({SEED_LOCK})");
    client.batch_execute(&begin).await.map_err(MigrateError::bookkeeping("starting a seed's transaction"))?;
    let ran = client
        .query_opt(&format!("select checksum from {SEED_TABLE} where name = $1"), &[&seed.name])
        .await
        .map_err(MigrateError::bookkeeping(format!("reading {SEED_TABLE}")))?;
    if !force && ran.is_some_and(|row| row.get::<_, &str>(0) == seed.checksum) {
        client.batch_execute("commit").await.map_err(MigrateError::bookkeeping("ending a seed's transaction"))?;
        return Ok(SeedOutcome::Skipped);
    }
    for (i, sql) in statements.iter().enumerate() {
        client.batch_execute(sql).await.map_err(|source| MigrateError::SeedFailed {
            seed: seed.name.clone(),
            statement: i + 1,
            of: statements.len(),
            sql: crate::execute::shorten(sql),
            message: knexrs_connect::describe(&source),
            source,
        })?;
    }
    let record = format!(
        "insert into {SEED_TABLE} (name, checksum, ran_at) values ($1, $2, now()) \
         on conflict (name) do update set checksum = excluded.checksum, ran_at = excluded.ran_at"
    );
    client
        .execute(&record, &[&seed.name, &seed.checksum])
        .await
        .map_err(MigrateError::bookkeeping(format!("recording seed {}", seed.name)))?;
    client
        .batch_execute("commit")
        .await
        .map_err(MigrateError::bookkeeping(format!("committing seed {}", seed.name)))?;
    Ok(SeedOutcome::Ran)
}

/// An interrupted seed run: when, and which seeds of it committed before.
fn seeds_interrupted(when: String, report: &[(String, SeedOutcome)]) -> MigrateError {
    let ran: Vec<&str> =
        report.iter().filter(|(_, outcome)| *outcome == SeedOutcome::Ran).map(|(name, _)| name.as_str()).collect();
    let kept = if ran.is_empty() {
        "no seed of this run was committed".to_owned()
    } else {
        format!("committed before it: {}", ran.join(", "))
    };
    MigrateError::Interrupted { when, kept }
}
