//! Which server the tests use: `KNEXRS_TEST_DATABASE_URL`, `DATABASE_URL`, or
//! the local test cluster (started on first use).

use crate::TestError;
use knexrs_cluster::{ClusterOptions, LocalCluster};
use knexrs_connect::{ConnectConfig, Environment};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The name and port of the local test cluster.
///
/// ```
/// use knexrs_testing::{TEST_CLUSTER, test_cluster_options};
///
/// // `cargo xtask db start --cluster test` starts this one.
/// assert_eq!(test_cluster_options("target/knexrs-pg").name, TEST_CLUSTER);
/// ```
pub const TEST_CLUSTER: &str = "test";
const TEST_CLUSTER_PORT: u16 = 54339;

/// The test cluster's definition: durability off (tests never need it),
/// room for many parallel tests, and `pg_stat_statements` loaded (tests check
/// which statements ran).
///
/// ```
/// let options = knexrs_testing::test_cluster_options("target/knexrs-pg");
/// assert_eq!(options.name, "test");
/// ```
pub fn test_cluster_options(root: impl Into<PathBuf>) -> ClusterOptions {
    ClusterOptions::new(TEST_CLUSTER, root, TEST_CLUSTER_PORT)
        .setting("fsync", "off")
        .setting("synchronous_commit", "off")
        .setting("full_page_writes", "off")
        .setting("max_connections", "400")
        .setting("shared_buffers", "128MB")
        .setting("shared_preload_libraries", "pg_stat_statements")
        .setting("pg_stat_statements.max", "20000")
}

/// Where the local clusters live: `KNEXRS_CLUSTER_ROOT` when set (a version
/// of `cargo xtask test --pg`), else `<target dir>/knexrs-pg`, the target dir
/// found from the running test binary (`<target>/<profile>/deps/<test>`).
///
/// ```
/// match knexrs_testing::cluster_root() {
///     Ok(root) => assert!(root.ends_with("knexrs-pg") || std::env::var_os("KNEXRS_CLUSTER_ROOT").is_some()),
///     // Outside a target folder (a copied binary), with no CARGO_TARGET_DIR.
///     Err(e) => assert!(e.to_string().contains("KNEXRS_TEST_DATABASE_URL")),
/// }
/// ```
pub fn cluster_root() -> Result<PathBuf, TestError> {
    // `cargo xtask test --pg <major>` keeps each version's clusters apart.
    if let Some(dir) = std::env::var_os("KNEXRS_CLUSTER_ROOT") {
        return Ok(PathBuf::from(dir));
    }
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        return Ok(Path::new(&dir).join("knexrs-pg"));
    }
    let exe = std::env::current_exe().map_err(|e| TestError::Setup(format!("cannot find the test binary: {e}")))?;
    exe.ancestors()
        .find(|dir| dir.file_name().is_some_and(|n| n == "target"))
        .map(|target| target.join("knexrs-pg"))
        .ok_or_else(|| TestError::Setup("cannot find the target folder: set KNEXRS_TEST_DATABASE_URL".into()))
}

/// The admin connection tests create their databases through.
///
/// ```no_run
/// let admin = knexrs_testing::server()?;
/// println!("tests use {}", admin.redacted());
/// # Ok::<(), knexrs_testing::TestError>(())
/// ```
pub fn server() -> Result<ConnectConfig, TestError> {
    static SERVER: OnceLock<Result<ConnectConfig, String>> = OnceLock::new();
    SERVER.get_or_init(|| find_server().map_err(|e| e.to_string())).clone().map_err(TestError::Setup)
}

fn find_server() -> Result<ConnectConfig, TestError> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    if let Some(url) = var("KNEXRS_TEST_DATABASE_URL").or_else(|| var("DATABASE_URL")) {
        let mut config = ConnectConfig::from_url(&url)?;
        // A server of the team's own takes libpq's settings as every connection does.
        config.fill_from_libpq(|name| std::env::var(name).ok())?.set_environment(Environment::Test)?;
        return Ok(config);
    }
    let cluster = LocalCluster::new(test_cluster_options(cluster_root()?))?;
    let port = cluster.start()?;
    Ok(ConnectConfig::from_url(&cluster.url(port, "postgres"))?)
}
