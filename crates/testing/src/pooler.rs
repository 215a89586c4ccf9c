//! The test server through a local PgBouncer in transaction mode (two server
//! connections per database), for testing what production fleets run behind.
//! `KNEXRS_TEST_POOLER=transaction` (set by `cargo xtask test --pooler
//! transaction`) routes every test database's [`config`](crate::TestDatabase::config)
//! and [`url`](crate::TestDatabase::url) through it; [`connect`](crate::TestDatabase::connect)
//! stays direct, for the tests' own checks.

use crate::{TestError, cluster_root, server};
use knexrs_cluster::{LocalPgBouncer, PgBouncerOptions};
use knexrs_connect::{ConnectConfig, Pooler};
use std::sync::OnceLock;

/// The port of the local PgBouncer in front of the test server, started on first use.
///
/// ```no_run
/// let port = knexrs_testing::pgbouncer_port()?;
/// println!("PgBouncer on 127.0.0.1:{port}");
/// # Ok::<(), knexrs_testing::TestError>(())
/// ```
pub fn pgbouncer_port() -> Result<u16, TestError> {
    static PORT: OnceLock<Result<u16, String>> = OnceLock::new();
    PORT.get_or_init(|| start().map_err(|e| e.to_string())).clone().map_err(TestError::Setup)
}

fn start() -> Result<u16, TestError> {
    let admin = server()?;
    let server_port = admin.driver().get_ports().first().copied().unwrap_or(5432);
    let bouncer = LocalPgBouncer::new(PgBouncerOptions::new(cluster_root()?, server_port))?;
    Ok(bouncer.start()?)
}

/// `config` through the local PgBouncer (same database), as a transaction pooler.
pub(crate) fn through_pgbouncer(config: &ConnectConfig) -> Result<ConnectConfig, TestError> {
    let port = pgbouncer_port()?;
    let database = config.database().unwrap_or("postgres");
    let mut pooled =
        ConnectConfig::from_url(&format!("postgres://{}@127.0.0.1:{port}/{database}", knexrs_cluster::SUPERUSER))?;
    pooled.set_environment(config.environment())?;
    pooled.set_pooler(Pooler::Transaction);
    Ok(pooled)
}

/// Whether `KNEXRS_TEST_POOLER=transaction` asks for every test database through PgBouncer.
pub(crate) fn routed() -> bool {
    std::env::var("KNEXRS_TEST_POOLER").is_ok_and(|v| v.trim().eq_ignore_ascii_case("transaction"))
}
