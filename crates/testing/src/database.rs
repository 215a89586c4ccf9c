//! `TestDatabase`: a database of its own for one test, dropped when the test ends.

use crate::{TestError, server};
use knexrs_migrate::{Migrator, RunOptions, Silent};
use knexrs_query::{ConnectConfig, Db};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};

/// Every database we create starts with this, then the process token.
pub const DATABASE_PREFIX: &str = "knexrs_t_";
const REGISTRY_APP: &str = "knexrs-testing";

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
#[derive(Debug)]
pub struct TestDatabase {
    name: String,
    config: ConnectConfig,
    admin: ConnectConfig,
}

impl TestDatabase {
    /// A new, empty database on the test server ([`server`]).
    pub fn empty() -> Result<Self, TestError> {
        Self::empty_on(&server()?)
    }

    /// A new, empty database on the server `admin` connects to.
    pub fn empty_on(admin: &ConnectConfig) -> Result<Self, TestError> {
        let registry = registry(admin)?;
        let name = format!("{DATABASE_PREFIX}{}_{}", registry.token, COUNTER.fetch_add(1, Ordering::Relaxed));
        let mut client = admin.connect()?;
        client
            .batch_execute(&format!("create database \"{name}\""))
            .map_err(TestError::database(format!("creating test database {name}")))?;
        Ok(TestDatabase { config: admin.with_database(&name), name, admin: admin.clone() })
    }

    /// A new database with every migration of `migrator` applied.
    pub fn migrated(migrator: &Migrator) -> Result<Self, TestError> {
        Self::migrated_on(&server()?, migrator)
    }

    /// A new migrated database on the server `admin` connects to.
    pub fn migrated_on(admin: &ConnectConfig, migrator: &Migrator) -> Result<Self, TestError> {
        let db = Self::empty_on(admin)?;
        migrator.latest(&db.config, &RunOptions::default(), &mut Silent)?;
        Ok(db)
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

    /// A new connection to it.
    pub fn connect(&self) -> Result<postgres::Client, TestError> {
        Ok(self.config.connect()?)
    }

    /// A connection pool on it.
    pub fn pool(&self) -> Result<Db, TestError> {
        Ok(Db::connect(&self.config)?)
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Ok(mut client) = self.admin.connect() {
            // A failure leaves the database to the next sweep.
            let _ = client.batch_execute(&format!("drop database if exists \"{}\" with (force)", self.name));
        }
    }
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// This process's presence on the server: a connection named after its token,
/// open while the process lives. Databases whose token has no such connection
/// belong to a process that is gone, and are swept.
struct Registry {
    token: String,
    _connection: Mutex<postgres::Client>,
}

fn registry(admin: &ConnectConfig) -> Result<&'static Registry, TestError> {
    static REGISTRY: OnceLock<Result<Registry, String>> = OnceLock::new();
    REGISTRY
        .get_or_init(|| {
            let token = process_token();
            let mut config = admin.clone();
            config.set_application_name(&format!("{REGISTRY_APP} {token}"));
            let connection = config.connect().map_err(|e| e.to_string())?;
            // Databases left by runs that died.
            let _ = sweep(admin);
            Ok(Registry { token, _connection: Mutex::new(connection) })
        })
        .as_ref()
        .map_err(|e| TestError::Setup(e.clone()))
}

/// A token unique to this process, short enough for database names.
fn process_token() -> String {
    use std::time::{SystemTime, UNIX_EPOCH};
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    let seed = nanos ^ (u128::from(std::process::id()) << 64);
    let hash = seed
        .to_le_bytes()
        .iter()
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3));
    format!("{:012x}", hash & 0xffff_ffff_ffff)
}

/// Drops every test database whose process is gone; returns how many.
///
/// ```no_run
/// let dropped = knexrs_testing::sweep(&knexrs_testing::server()?)?;
/// println!("dropped {dropped} databases left by earlier runs");
/// # Ok::<(), knexrs_testing::TestError>(())
/// ```
pub fn sweep(admin: &ConnectConfig) -> Result<usize, TestError> {
    let mut client = admin.connect()?;
    let live: Vec<String> = client
        .query(
            "select application_name from pg_stat_activity where application_name like $1",
            &[&format!("{REGISTRY_APP} %")],
        )
        .map_err(TestError::database("listing live test processes"))?
        .iter()
        .filter_map(|row| row.get::<_, String>(0).split(' ').nth(1).map(str::to_owned))
        .collect();
    let databases: Vec<String> = client
        .query("select datname from pg_database where starts_with(datname, $1)", &[&DATABASE_PREFIX])
        .map_err(TestError::database("listing test databases"))?
        .iter()
        .map(|row| row.get(0))
        .collect();
    let mut dropped = 0;
    for name in databases {
        let token = name[DATABASE_PREFIX.len()..].split('_').next().unwrap_or("");
        if !live.iter().any(|t| t == token) {
            let sql = format!("drop database if exists \"{}\" with (force)", name.replace('"', "\"\""));
            if client.batch_execute(&sql).is_ok() {
                dropped += 1;
            }
        }
    }
    Ok(dropped)
}

/// Applies `migrator` to an existing database (for tests that need several).
pub fn migrate(config: &ConnectConfig, migrator: &Migrator) -> Result<(), TestError> {
    migrator.latest(config, &RunOptions::default(), &mut Silent)?;
    Ok(())
}
