//! `TestDatabase`: a database of its own for one test, dropped when the test ends.

use crate::pool::{Ready, Shared, shared_pool};
use crate::registry::{drop_sql, registry};
use crate::{TestError, server};
use knexrs_migrate::{Migrator, RunOptions, Silent};
use knexrs_query::{ConnectConfig, Db};
use std::sync::{Arc, Mutex};

/// Every database we create starts with this, then the process token.
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
    config: ConnectConfig,
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

impl TestDatabase {
    /// A new, empty database on the test server ([`server`]).
    pub fn empty() -> Result<Self, TestError> {
        Self::empty_on(&server()?)
    }

    /// A new, empty database on the server `admin` connects to.
    pub fn empty_on(admin: &ConnectConfig) -> Result<Self, TestError> {
        let registry = registry(admin)?;
        let name = registry.database_name(DATABASE_PREFIX);
        let mut client = admin.connect()?;
        client
            .batch_execute(&format!("create database \"{name}\""))
            .map_err(TestError::database(format!("creating test database {name}")))?;
        Ok(TestDatabase {
            config: admin.with_database(&name),
            name,
            admin: admin.clone(),
            first_client: Mutex::new(None),
            pool: None,
        })
    }

    /// A database with every migration of `migrator` applied, on the test
    /// server: a clone of a template migrated once per distinct migration set,
    /// made ahead of demand (see [`Databases`](crate::Databases)).
    pub fn migrated(migrator: &Migrator) -> Result<Self, TestError> {
        Self::migrated_on(&server()?, migrator)
    }

    /// [`migrated`](Self::migrated) on the server `admin` connects to.
    pub fn migrated_on(admin: &ConnectConfig, migrator: &Migrator) -> Result<Self, TestError> {
        shared_pool(admin, migrator)?.get()
    }

    /// A new database migrated by running every migration on it, with no
    /// template or pool: for tests of migrating itself.
    pub fn migrated_from_scratch(migrator: &Migrator) -> Result<Self, TestError> {
        let db = Self::empty()?;
        migrator.latest(&db.config, &RunOptions::default(), &mut Silent)?;
        Ok(db)
    }

    pub(crate) fn from_pool(ready: Ready, config: ConnectConfig, pool: Arc<Shared>) -> Self {
        let admin = pool.admin().clone();
        TestDatabase { name: ready.name, config, admin, first_client: Mutex::new(Some(ready.client)), pool: Some(pool) }
    }

    /// The database's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// How to connect to it.
    pub fn config(&self) -> &ConnectConfig {
        &self.config
    }

    /// Its URL (the test server's credentials included), for child processes.
    pub fn url(&self) -> String {
        let pg = self.config.postgres_config();
        let user = pg.get_user().unwrap_or("postgres");
        let password = pg.get_password().map(|p| format!(":{}", String::from_utf8_lossy(p))).unwrap_or_default();
        let host = match pg.get_hosts().first() {
            Some(postgres::config::Host::Tcp(host)) => host.clone(),
            _ => "127.0.0.1".to_owned(),
        };
        let port = pg.get_ports().first().copied().unwrap_or(5432);
        format!("postgres://{user}{password}@{host}:{port}/{}", self.name)
    }

    /// A connection to it: the first call returns the one opened ahead of
    /// time, later calls open new ones.
    pub fn connect(&self) -> Result<postgres::Client, TestError> {
        if let Some(client) = self.first_client.lock().ok().and_then(|mut first| first.take()) {
            return Ok(client);
        }
        Ok(self.config.connect()?)
    }

    /// A connection pool on it.
    pub fn pool(&self) -> Result<Db, TestError> {
        Ok(Db::connect(&self.config)?)
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        // Close our connection before the database goes.
        if let Ok(mut first) = self.first_client.lock() {
            first.take();
        }
        match &self.pool {
            Some(pool) => pool.release(std::mem::take(&mut self.name)),
            None => {
                if let Ok(mut client) = self.admin.connect() {
                    // A failure leaves the database to the next sweep.
                    let _ = client.batch_execute(&drop_sql(&self.name));
                }
            }
        }
    }
}

/// Applies `migrator` to an existing database (for tests that need several).
pub fn migrate(config: &ConnectConfig, migrator: &Migrator) -> Result<(), TestError> {
    migrator.latest(config, &RunOptions::default(), &mut Silent)?;
    Ok(())
}
