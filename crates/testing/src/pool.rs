//! Databases made ahead of demand: background threads clone the migrated
//! template and open a connection to each clone, so a test that asks gets one
//! at once; released databases are dropped in the background, at once.

use crate::TestError;
use crate::database::TestDatabase;
use crate::registry::{Registry, drop_sql, registry};
use crate::template::{ensure_template, template_key, template_name};
use knexrs_connect::ConnectConfig;
use knexrs_migrate::Migrator;
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// How a [`Databases`] pool makes and keeps databases.
///
/// ```
/// use knexrs_testing::DatabasesOptions;
///
/// // A suite of a few slow tests needs few databases ahead.
/// let options = DatabasesOptions { ready: 2, producers: 1, ..DatabasesOptions::default() };
/// assert_eq!(options.prefix, knexrs_testing::DATABASE_PREFIX);
/// ```
#[derive(Debug, Clone)]
pub struct DatabasesOptions {
    /// Database names start with this (then the process token and a number);
    /// the template is `<prefix>tpl_<hash>`.
    pub prefix: String,
    /// How many migrated databases to keep ready ahead of demand: made before
    /// the pool hands out its first one, then kept up (growing while tests
    /// wait, up to four times this). Default: four per core, at least 16 (a
    /// burst of tests gets databases at once); `KNEXRS_TEST_READY` overrides.
    pub ready: usize,
    /// How many databases are made or dropped at once. `CREATE DATABASE` and
    /// `DROP DATABASE` wait mostly on the server's disk, and drops that run
    /// side by side share one checkpoint, so eight run well even on two
    /// cores (a 500-test suite took half the time with 8 as with 4). Default
    /// 8; `KNEXRS_TEST_PRODUCERS` overrides.
    pub producers: usize,
}

impl Default for DatabasesOptions {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        let ready = std::env::var("KNEXRS_TEST_READY").ok().and_then(|n| n.parse().ok()).unwrap_or((4 * cores).max(16));
        let producers = std::env::var("KNEXRS_TEST_PRODUCERS").ok().and_then(|n| n.parse().ok()).unwrap_or(8);
        DatabasesOptions { prefix: crate::DATABASE_PREFIX.to_owned(), ready, producers }
    }
}

/// A database made ahead of demand, with its first connection open.
pub(crate) struct Ready {
    pub(crate) name: String,
    pub(crate) client: postgres::Client,
}

#[derive(Default)]
struct State {
    ready: VecDeque<Ready>,
    making: usize,
    target: usize,
    released: Vec<String>,
    error: Option<String>,
    shutting_down: bool,
    running_producers: usize,
}

pub(crate) struct Shared {
    admin: ConnectConfig,
    registry: &'static Registry,
    template: String,
    options: DatabasesOptions,
    state: Mutex<State>,
    changed: Condvar,
}

/// Fresh migrated databases for one migration set on one server: clones of a
/// template migrated once, made ahead of demand by background threads.
///
/// [`TestDatabase::migrated`] uses one per migration set; make one yourself to
/// choose the options or to shut it down before the process ends.
///
/// ```no_run
/// use knexrs_migrate::{Migration, Migrator};
/// use knexrs_testing::{Databases, DatabasesOptions};
///
/// let migrator = Migrator::new(vec![Migration::new(
///     "20250101000000_create_token_jti",
///     |s| { s.create_table("token_jti", |t| { t.text("jti"); t.text("session_id"); t.timestamp("expires_at"); }); },
///     |s| { s.drop_table("token_jti"); },
/// )])?;
/// let databases = Databases::new(&knexrs_testing::server()?, &migrator, DatabasesOptions::default())?;
/// let db = databases.get()?;
/// let mut client = db.connect()?; // opened ahead of time
/// client.batch_execute("insert into token_jti values ('j', 's', now())")?;
/// drop(db); // dropped in the background
/// databases.shut_down(); // drops what was made ahead
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Databases {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for Databases {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Databases").field("template", &self.shared.template).finish()
    }
}

/// Every pool of the process, for [`TestDatabase::migrated`] and the exit cleanup.
fn pools() -> &'static Mutex<HashMap<String, Databases>> {
    static POOLS: OnceLock<Mutex<HashMap<String, Databases>>> = OnceLock::new();
    POOLS.get_or_init(Default::default)
}

/// The shared pool for `migrator` on `admin`'s server.
pub(crate) fn shared_pool(admin: &ConnectConfig, migrator: &Migrator) -> Result<Databases, TestError> {
    let key = format!("{}|{}", admin.redacted(), template_key(migrator)?);
    let mut pools = pools().lock().map_err(|_| TestError::Setup("a test panicked while making a pool".into()))?;
    if let Some(pool) = pools.get(&key) {
        return Ok(pool.clone());
    }
    let pool = Databases::new(admin, migrator, DatabasesOptions::default())?;
    pools.insert(key, pool.clone());
    Ok(pool)
}

/// Stops every pool (at exit): no more databases are made.
pub(crate) fn shut_down_all() {
    if let Ok(pools) = pools().try_lock() {
        for pool in pools.values() {
            pool.stop_producers(Duration::from_secs(5));
        }
    }
}

impl Databases {
    /// A pool for `migrator` on the server `admin` connects to; migrates its
    /// template now unless a process made it before.
    ///
    /// ```no_run
    /// use knexrs_migrate::Migrator;
    /// use knexrs_testing::{Databases, DatabasesOptions, server};
    ///
    /// # fn migrations() -> Vec<knexrs_migrate::Migration> { vec![] }
    /// let options = DatabasesOptions { ready: 4, ..DatabasesOptions::default() };
    /// let databases = Databases::new(&server()?, &Migrator::new(migrations())?, options)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(admin: &ConnectConfig, migrator: &Migrator, options: DatabasesOptions) -> Result<Self, TestError> {
        let registry = registry(admin)?;
        let template = template_name(&options.prefix, &template_key(migrator)?);
        ensure_template(admin, registry, &options.prefix, &template, migrator)?;
        let target = options.ready.max(1);
        let shared = Shared {
            admin: admin.clone(),
            registry,
            template,
            options,
            state: Mutex::new(State { target, ..State::default() }),
            changed: Condvar::new(),
        };
        let databases = Databases { shared: Arc::new(shared) };
        databases.warm_up()?;
        Ok(databases)
    }

    /// Starts the producers and waits until `ready` databases are made: the
    /// first test of a process pays for the pool, the others get theirs at once.
    fn warm_up(&self) -> Result<(), TestError> {
        let shared = &self.shared;
        let mut state = shared.lock()?;
        for _ in 0..shared.options.producers.max(1) {
            let producer = Arc::clone(&self.shared);
            state.running_producers += 1;
            std::thread::Builder::new()
                .name("knexrs-testing".into())
                .spawn(move || producer.produce())
                .map_err(|e| TestError::Setup(format!("starting a background thread: {e}")))?;
        }
        while state.ready.len() < state.target {
            if let Some(error) = &state.error {
                return Err(TestError::Setup(error.clone()));
            }
            state = shared.changed.wait(state).map_err(|_| TestError::Setup("pool state poisoned".into()))?;
        }
        Ok(())
    }

    /// The template the databases are cloned from.
    ///
    /// ```no_run
    /// # use knexrs_migrate::Migrator;
    /// # use knexrs_testing::{Databases, DatabasesOptions, server};
    /// # let databases = Databases::new(&server()?, &Migrator::new(vec![])?, DatabasesOptions::default())?;
    /// // Named by a hash of the migrations: an edited migration gets a new template.
    /// assert!(databases.template().starts_with("knexrs_t_tpl_"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn template(&self) -> &str {
        &self.shared.template
    }

    /// A fresh migrated database of its own, with a connection open; waits
    /// while none is ready.
    ///
    /// ```no_run
    /// # use knexrs_migrate::Migrator;
    /// # use knexrs_testing::{Databases, DatabasesOptions, server};
    /// # let databases = Databases::new(&server()?, &Migrator::new(vec![])?, DatabasesOptions::default())?;
    /// let (a, b) = (databases.get()?, databases.get()?);
    /// assert_ne!(a.name(), b.name()); // each test its own
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn get(&self) -> Result<TestDatabase, TestError> {
        let shared = &self.shared;
        let mut state = shared.lock()?;
        let mut waited = false;
        loop {
            if let Some(ready) = state.ready.pop_front() {
                if waited {
                    // Demand outran supply: keep more ready.
                    state.target = (state.target + 1).min(shared.options.ready.max(1) * 4);
                }
                shared.changed.notify_all();
                drop(state);
                let config = shared.admin.with_database(&ready.name);
                return Ok(TestDatabase::from_pool(ready, config, Arc::clone(&self.shared)));
            }
            if let Some(error) = &state.error {
                return Err(TestError::Setup(error.clone()));
            }
            if state.shutting_down {
                return Err(TestError::Setup("the test database pool was shut down".into()));
            }
            waited = true;
            state = shared.changed.wait(state).map_err(|_| TestError::Setup("pool state poisoned".into()))?;
        }
    }

    /// Stops making databases and drops every one made ahead and every one
    /// released; with `drop_template`, drops the template too.
    ///
    /// ```no_run
    /// # use knexrs_migrate::Migrator;
    /// # use knexrs_testing::{Databases, DatabasesOptions, server};
    /// # let databases = Databases::new(&server()?, &Migrator::new(vec![])?, DatabasesOptions::default())?;
    /// let db = databases.get()?;
    /// drop(db);
    /// databases.shut_down(); // nothing of this pool is left but the template
    /// assert!(databases.get().is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn shut_down(&self) {
        self.stop_producers(Duration::from_secs(60));
        let shared = &self.shared;
        let (ready, released) = match shared.state.lock() {
            Ok(mut state) => (std::mem::take(&mut state.ready), std::mem::take(&mut state.released)),
            Err(_) => return,
        };
        if let Ok(mut client) = shared.admin.connect() {
            for name in ready.into_iter().map(|r| r.name).chain(released) {
                let _ = client.batch_execute(&drop_sql(&name));
            }
        }
    }

    /// [`shut_down`](Self::shut_down), then drops the template as well.
    ///
    /// ```no_run
    /// # use knexrs_migrate::Migrator;
    /// # use knexrs_testing::{Databases, DatabasesOptions, server};
    /// // A pool with a prefix of its own, so no other process shares its template.
    /// let options = DatabasesOptions { prefix: "knexrs_t_once_".into(), ..DatabasesOptions::default() };
    /// let databases = Databases::new(&server()?, &Migrator::new(vec![])?, options)?;
    /// databases.shut_down_and_drop_template();
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn shut_down_and_drop_template(&self) {
        self.shut_down();
        if let Ok(mut client) = self.shared.admin.connect() {
            let name = &self.shared.template;
            let _ = client
                .batch_execute(&format!("alter database {} with is_template false", knexrs_sql::quote_ident(name)));
            let _ = client.batch_execute(&drop_sql(name));
        }
    }

    fn stop_producers(&self, patience: Duration) {
        let shared = &self.shared;
        let Ok(mut state) = shared.state.lock() else { return };
        state.shutting_down = true;
        shared.changed.notify_all();
        let deadline = Instant::now() + patience;
        while state.running_producers > 0 && Instant::now() < deadline {
            state = match shared.changed.wait_timeout(state, Duration::from_millis(50)) {
                Ok((state, _)) => state,
                Err(_) => return,
            };
        }
    }
}

impl Shared {
    pub(crate) fn admin(&self) -> &ConnectConfig {
        &self.admin
    }

    fn lock(&self) -> Result<std::sync::MutexGuard<'_, State>, TestError> {
        self.state.lock().map_err(|_| TestError::Setup("pool state poisoned".into()))
    }

    /// A database a test is done with: dropped in the background.
    pub(crate) fn release(&self, name: String) {
        match self.state.lock() {
            Ok(mut state) if !state.shutting_down => {
                state.released.push(name);
                self.changed.notify_all();
            }
            _ => {
                if let Ok(mut client) = self.admin.connect() {
                    let _ = client.batch_execute(&drop_sql(&name));
                }
            }
        }
    }

    /// A producer: drops released databases first, then makes databases while
    /// fewer than the target are ready. A database dropped soon after its test
    /// is cheap (its pages are still dirty in the server's buffers and are
    /// discarded unwritten); one left waiting gets written out by the
    /// checkpoints of other drops, and then costs far more to drop.
    fn produce(&self) {
        let mut admin = None;
        loop {
            let job = {
                let Ok(mut state) = self.state.lock() else { break };
                loop {
                    if state.shutting_down {
                        break None;
                    }
                    if let Some(name) = state.released.pop() {
                        break Some(Job::Drop(name));
                    }
                    if state.ready.len() + state.making < state.target && state.error.is_none() {
                        state.making += 1;
                        break Some(Job::Make);
                    }
                    state = match self.changed.wait(state) {
                        Ok(state) => state,
                        Err(_) => return,
                    };
                }
            };
            let Some(job) = job else { break };
            let client = match &mut admin {
                Some(client) => client,
                None => match self.admin.connect() {
                    Ok(client) => admin.insert(client),
                    Err(e) => {
                        self.fail(e.to_string(), matches!(job, Job::Make));
                        continue;
                    }
                },
            };
            match job {
                Job::Make => {
                    let made = self.make(client);
                    if let Ok(mut state) = self.state.lock() {
                        state.making -= 1;
                        match made {
                            Ok(ready) => state.ready.push_back(ready),
                            Err(e) => state.error = Some(e.to_string()),
                        }
                        self.changed.notify_all();
                    }
                }
                Job::Drop(name) => {
                    if client.batch_execute(&drop_sql(&name)).is_err() {
                        admin = None;
                    }
                }
            }
        }
        if let Ok(mut state) = self.state.lock() {
            state.running_producers -= 1;
            self.changed.notify_all();
        }
    }

    fn fail(&self, message: String, making: bool) {
        if let Ok(mut state) = self.state.lock() {
            if making {
                state.making -= 1;
            }
            state.error = Some(message);
            self.changed.notify_all();
        }
    }

    fn make(&self, admin: &mut postgres::Client) -> Result<Ready, TestError> {
        let name = self.registry.database_name(&self.options.prefix);
        admin
            .batch_execute(&format!(
                "create database {} template {}",
                knexrs_sql::quote_ident(&name),
                knexrs_sql::quote_ident(&self.template)
            ))
            .map_err(TestError::database(format!("cloning {} into {name}", self.template)))?;
        let client = self.admin.with_database(&name).connect()?;
        Ok(Ready { name, client })
    }
}

enum Job {
    Make,
    Drop(String),
}
