//! `TestDatabase`: a database of its own for one test, dropped when the test ends.

use crate::pool::{Ready, Shared, shared_pool};
use crate::registry::{drop_sql, registry};
use crate::{TestError, server};
use knexrs_connect::ConnectConfig;
use knexrs_connect::tokio_postgres::config::Host as tokio_postgres_host;
use knexrs_migrate::{Migrator, RunOptions, Silent};
use std::sync::{Arc, Mutex};

/// Every database we create starts with this, then the process token.
///
/// ```
/// use knexrs_testing::{DATABASE_PREFIX, TestDatabase};
///
/// let db = TestDatabase::empty()?;
/// assert!(db.name().starts_with(DATABASE_PREFIX)); // what `sweep` looks for
/// # Ok::<(), knexrs_testing::TestError>(())
/// ```
pub const DATABASE_PREFIX: &str = "knexrs_t_";

/// A database nobody else uses, dropped (with its connections) when dropped,
/// even when the test panics.
///
/// ```no_run
/// use knexrs_migrate::{Migration, Migrator};
///
/// let migrator = Migrator::new(vec![Migration::new(
///     "20250101000000_create_notes",
///     |s| { s.create_table("notes", |t| { t.text("body"); }); },
///     |s| { s.drop_table("notes"); },
/// )])?;
/// let db = knexrs_testing::TestDatabase::migrated(&migrator)?;
/// db.connect()?.batch_execute("insert into notes (body) values ('hello')")?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct TestDatabase {
    name: String,
    /// What the code under test connects with (through PgBouncer when `KNEXRS_TEST_POOLER` says so).
    config: ConnectConfig,
    /// The server itself, for the tests' own checks.
    direct: ConnectConfig,
    admin: ConnectConfig,
    /// The connection opened ahead of time, handed out by the first `connect`.
    first_client: Mutex<Option<postgres::Client>>,
    /// The pool it came from, which drops it in the background.
    pool: Option<Arc<Shared>>,
}

impl std::fmt::Debug for TestDatabase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestDatabase").field("name", &self.name).finish()
    }
}

/// `config` through PgBouncer when `KNEXRS_TEST_POOLER=transaction`, else as is.
fn routed(config: &ConnectConfig) -> Result<ConnectConfig, TestError> {
    if crate::pooler::routed() { crate::pooler::through_pgbouncer(config) } else { Ok(config.clone()) }
}

impl TestDatabase {
    /// A new, empty database on the test server ([`server`]).
    ///
    /// ```
    /// let db = knexrs_testing::TestDatabase::empty()?;
    /// let tables: i64 = db
    ///     .connect()?
    ///     .query_one("select count(*) from pg_tables where schemaname = 'public'", &[])?
    ///     .get(0);
    /// assert_eq!(tables, 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn empty() -> Result<Self, TestError> {
        Self::empty_on(&server()?)
    }

    /// A new, empty database on the server `admin` connects to.
    ///
    /// ```
    /// use knexrs_testing::{TestDatabase, server};
    ///
    /// let admin = server()?; // or any role allowed to create databases
    /// let db = TestDatabase::empty_on(&admin)?;
    /// assert_eq!(db.config().database(), Some(db.name()));
    /// # Ok::<(), knexrs_testing::TestError>(())
    /// ```
    pub fn empty_on(admin: &ConnectConfig) -> Result<Self, TestError> {
        let registry = registry(admin)?;
        let name = registry.database_name(DATABASE_PREFIX);
        let mut client = admin.connect()?;
        client
            .batch_execute(&format!("create database {}", knexrs_sql::quote_ident(&name)))
            .map_err(TestError::database(format!("creating test database {name}")))?;
        let direct = admin.with_database(&name);
        Ok(TestDatabase {
            config: routed(&direct)?,
            direct,
            name,
            admin: admin.clone(),
            first_client: Mutex::new(None),
            pool: None,
        })
    }

    /// A database with every migration of `migrator` applied, on the test
    /// server: a clone of a template migrated once per distinct migration set,
    /// made ahead of demand (see [`Databases`](crate::Databases)).
    ///
    /// ```no_run
    /// use knexrs_migrate::{Migration, Migrator};
    /// use knexrs_testing::TestDatabase;
    ///
    /// let migrator = Migrator::new(vec![Migration::new(
    ///     "20250126000002_create_token_jti_table",
    ///     |s| { s.create_table("token_jti", |t| { t.text("jti").primary(); }); },
    ///     |s| { s.drop_table("token_jti"); },
    /// )])?;
    /// let db = TestDatabase::migrated(&migrator)?;
    /// db.connect()?.execute("insert into token_jti (jti) values ($1)", &[&"j-1"])?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn migrated(migrator: &Migrator) -> Result<Self, TestError> {
        Self::migrated_on(&server()?, migrator)
    }

    /// [`migrated`](Self::migrated) on the server `admin` connects to.
    ///
    /// ```no_run
    /// use knexrs_migrate::Migrator;
    /// use knexrs_connect::ConnectConfig;
    /// use knexrs_testing::TestDatabase;
    ///
    /// # fn migrations() -> Vec<knexrs_migrate::Migration> { vec![] }
    /// let admin = ConnectConfig::from_url("postgres://postgres@127.0.0.1:5433/postgres")?;
    /// let db = TestDatabase::migrated_on(&admin, &Migrator::new(migrations())?)?;
    /// println!("testing in {}", db.name());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn migrated_on(admin: &ConnectConfig, migrator: &Migrator) -> Result<Self, TestError> {
        shared_pool(admin, migrator)?.get()
    }

    /// A new database migrated by running every migration on it, with no
    /// template or pool: for tests of migrating itself.
    ///
    /// ```
    /// use knexrs_migrate::{Migration, Migrator};
    /// use knexrs_testing::TestDatabase;
    ///
    /// let migrator = Migrator::new(vec![Migration::new(
    ///     "20250101000000_create_notes",
    ///     |s| { s.create_table("notes", |t| { t.increments("id"); t.text("body"); }); },
    ///     |s| { s.drop_table("notes"); },
    /// )])?;
    /// let db = TestDatabase::migrated_from_scratch(&migrator)?;
    /// let batches: i32 = db.connect()?.query_one("select max(batch) from knex_migrations", &[])?.get(0);
    /// assert_eq!(batches, 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn migrated_from_scratch(migrator: &Migrator) -> Result<Self, TestError> {
        let db = Self::empty()?;
        migrator.latest(&db.config, &RunOptions::default(), &mut Silent)?;
        Ok(db)
    }

    pub(crate) fn from_pool(ready: Ready, config: ConnectConfig, pool: Arc<Shared>) -> Self {
        let admin = pool.admin().clone();
        // Routing through PgBouncer was checked when the pool started; a failure here means it stopped.
        let routed = routed(&config).unwrap_or_else(|_| config.clone());
        TestDatabase {
            name: ready.name,
            config: routed,
            direct: config,
            admin,
            first_client: Mutex::new(Some(ready.client)),
            pool: Some(pool),
        }
    }

    /// The database's name.
    ///
    /// ```
    /// let db = knexrs_testing::TestDatabase::empty()?;
    /// let mut client = db.connect()?;
    /// let current: String = client.query_one("select current_database()::text", &[])?.get(0);
    /// assert_eq!(current, db.name());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }

    /// How to connect to it.
    ///
    /// ```
    /// use knexrs_query::Db;
    ///
    /// let db = knexrs_testing::TestDatabase::empty()?;
    /// let pool = Db::connect(db.config())?; // the same as `db.pool()`
    /// pool.execute(&knexrs_query::raw("create table notes (body text)"))?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn config(&self) -> &ConnectConfig {
        &self.config
    }

    /// Its URL (the test server's credentials included), for child processes.
    ///
    /// ```
    /// let db = knexrs_testing::TestDatabase::empty()?;
    /// let url = db.url();
    /// assert!(url.starts_with("postgres://") && url.ends_with(db.name()));
    /// // e.g. std::process::Command::new("my-app").env("DATABASE_URL", &url)
    /// # Ok::<(), knexrs_testing::TestError>(())
    /// ```
    pub fn url(&self) -> String {
        self.url_of(&self.config)
    }

    /// The URL of the server itself, never a pooler in front of it (a
    /// child process's `MIGRATION_DATABASE_URL`).
    ///
    /// ```
    /// let db = knexrs_testing::TestDatabase::empty()?;
    /// assert!(db.direct_url().ends_with(db.name()));
    /// # Ok::<(), knexrs_testing::TestError>(())
    /// ```
    pub fn direct_url(&self) -> String {
        self.url_of(&self.direct)
    }

    fn url_of(&self, config: &ConnectConfig) -> String {
        let pg = config.driver();
        let user = pg.get_user().unwrap_or("postgres");
        let password = pg.get_password().map(|p| format!(":{}", String::from_utf8_lossy(p))).unwrap_or_default();
        let host = match pg.get_hosts().first() {
            Some(tokio_postgres_host::Tcp(host)) => host.clone(),
            _ => "127.0.0.1".to_owned(),
        };
        let port = pg.get_ports().first().copied().unwrap_or(5432);
        format!("postgres://{user}{password}@{host}:{port}/{}", self.name)
    }

    /// A connection to it: the first call returns the one opened ahead of
    /// time, later calls open new ones.
    ///
    /// ```
    /// let db = knexrs_testing::TestDatabase::empty()?;
    /// let mut first = db.connect()?;
    /// let mut second = db.connect()?;
    /// first.batch_execute("create table notes (body text); insert into notes values ('hi')")?;
    /// let body: String = second.query_one("select body from notes", &[])?.get(0);
    /// assert_eq!(body, "hi");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn connect(&self) -> Result<postgres::Client, TestError> {
        if let Some(client) = self.first_client.lock().ok().and_then(|mut first| first.take()) {
            return Ok(client);
        }
        Ok(self.direct.connect()?)
    }

    /// How to connect to it directly, even when [`config`](Self::config)
    /// goes through PgBouncer (`KNEXRS_TEST_POOLER=transaction`).
    ///
    /// ```
    /// use knexrs_connect::Pooler;
    ///
    /// let db = knexrs_testing::TestDatabase::empty()?;
    /// assert_eq!(db.direct_config().pooler(), Pooler::None);
    /// # Ok::<(), knexrs_testing::TestError>(())
    /// ```
    pub fn direct_config(&self) -> &ConnectConfig {
        &self.direct
    }

    /// How to connect to it through the local PgBouncer in transaction mode
    /// (pool size 2), whatever `KNEXRS_TEST_POOLER` says.
    ///
    /// ```no_run
    /// use knexrs_connect::Pooler;
    ///
    /// let db = knexrs_testing::TestDatabase::empty()?;
    /// let pooled = db.pooled_config()?;
    /// assert_eq!(pooled.pooler(), Pooler::Transaction);
    /// assert!(!pooled.prepared_statements());
    /// # Ok::<(), knexrs_testing::TestError>(())
    /// ```
    pub fn pooled_config(&self) -> Result<ConnectConfig, TestError> {
        crate::pooler::through_pgbouncer(&self.direct)
    }

    /// A connection pool on it (feature `sync`).
    ///
    /// ```
    /// let db = knexrs_testing::TestDatabase::empty()?;
    /// let pool = db.pool()?;
    /// pool.execute(&knexrs_query::raw("create table notes (body text)"))?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[cfg(feature = "sync")]
    pub fn pool(&self) -> Result<knexrs_query::Db, TestError> {
        Ok(knexrs_query::Db::connect(&self.config)?)
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        // Close our connection before the database goes.
        if let Some(client) = self.first_client.lock().ok().and_then(|mut first| first.take()) {
            // Closing runs a runtime of its own, which panics on an async test's thread.
            knexrs_connect::run_off_runtime("close-test-db", move || drop(client));
        }
        match &self.pool {
            Some(pool) => pool.release(std::mem::take(&mut self.name)),
            None => {
                let (admin, name) = (self.admin.clone(), std::mem::take(&mut self.name));
                let drop_database = move || {
                    if let Ok(mut client) = admin.connect() {
                        // A failure leaves the database to the next sweep.
                        let _ = client.batch_execute(&drop_sql(&name));
                    }
                };
                // Blocking calls cannot run on an async test's runtime thread.
                knexrs_connect::run_off_runtime("drop-test-db", drop_database);
            }
        }
    }
}

/// Applies `migrator` to an existing database (for tests that need several).
///
/// ```
/// use knexrs_migrate::{Migration, Migrator};
/// use knexrs_testing::{TestDatabase, migrate};
///
/// let migrator = Migrator::new(vec![Migration::new(
///     "20250101000000_create_notes",
///     |s| { s.create_table("notes", |t| { t.text("body"); }); },
///     |s| { s.drop_table("notes"); },
/// )])?;
/// let (primary, replica) = (TestDatabase::empty()?, TestDatabase::empty()?);
/// migrate(primary.config(), &migrator)?;
/// migrate(replica.config(), &migrator)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn migrate(config: &ConnectConfig, migrator: &Migrator) -> Result<(), TestError> {
    migrator.latest(config, &RunOptions::default(), &mut Silent)?;
    Ok(())
}
