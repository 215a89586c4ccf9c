//! The workspace's local clusters (dev for `migrate`, test for `test`), and the
//! connection `migrate` uses when none is configured.

use knexrs_cluster::{ClusterOptions, LocalCluster};
use knexrs_connect::{ConnectConfig, Environment};
use knexrs_migrate::MigrateError;
use std::path::{Path, PathBuf};

/// The database `migrate` uses in the dev cluster.
pub(crate) const DEV_DATABASE: &str = "development";
/// The database `migrate --env test` uses in the test cluster.
pub(crate) const TEST_DATABASE: &str = "test";

/// Which local cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum ClusterName {
    /// For `migrate` in development.
    Dev,
    /// For `cargo xtask test`.
    Test,
}

/// The workspace root (the xtask lives one folder below it).
pub(crate) fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| workspace_root().join("target"), PathBuf::from)
}

/// The local cluster `name`, installing the PostgreSQL server first when
/// the machine has none.
pub(crate) fn cluster(name: ClusterName) -> anyhow::Result<LocalCluster> {
    crate::system_packages::ensure_postgres_server()?;
    let root = target_dir().join("knexrs-pg");
    let options = match name {
        ClusterName::Dev => ClusterOptions::new("dev", root, 54329).setting("max_connections", "100"),
        ClusterName::Test => knexrs_testing::test_cluster_options(root),
    };
    Ok(LocalCluster::new(options)?)
}

/// The configured connection for `environment`, else the local cluster:
/// dev for development, test for test. Staging and production never fall back.
pub(crate) fn connect(environment: Environment) -> Result<ConnectConfig, MigrateError> {
    if let Some(config) = ConnectConfig::from_env(environment)? {
        return Ok(config);
    }
    let (name, database) = match environment {
        Environment::Development => (ClusterName::Dev, DEV_DATABASE),
        Environment::Test => (ClusterName::Test, TEST_DATABASE),
        other => {
            return Err(MigrateError::NoConnection(format!(
                "no database configured for {other}: set DATABASE_URL (or DB_HOST, DB_PORT, DB_NAME, DB_USER, DB_PASSWORD)"
            )));
        }
    };
    let setup = |e: knexrs_cluster::ClusterError| MigrateError::NoConnection(e.to_string());
    let cluster = cluster(name).map_err(|e| MigrateError::NoConnection(format!("{e:#}")))?;
    let port = cluster.start().map_err(setup)?;
    cluster.ensure_database(port, database).map_err(setup)?;
    let mut config = ConnectConfig::from_url(&cluster.url(port, database))?;
    config.set_environment(environment)?;
    Ok(config)
}
