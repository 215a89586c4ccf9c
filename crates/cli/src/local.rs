//! The workspace's local clusters (dev for `migrate`, test for `test`), and
//! the connection `migrate` uses when none is configured.

use crate::Project;
use knexrs_cluster::{ClusterOptions, LocalCluster};
use knexrs_connect::{ConnectConfig, Environment};
use knexrs_migrate::MigrateError;

/// The database `migrate` uses in the dev cluster.
pub const DEV_DATABASE: &str = "development";
/// The database `migrate --env test` uses in the test cluster.
pub const TEST_DATABASE: &str = "test";

/// Which local cluster.
///
/// ```
/// use knexrs_cli::ClusterName;
///
/// assert_eq!(ClusterName::Dev.database(), "development");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ClusterName {
    /// For `migrate` in development.
    Dev,
    /// For `test`.
    Test,
}

impl ClusterName {
    /// The database commands use in it.
    ///
    /// ```
    /// assert_eq!(knexrs_cli::ClusterName::Test.database(), "postgres");
    /// ```
    pub fn database(self) -> &'static str {
        match self {
            ClusterName::Dev => DEV_DATABASE,
            ClusterName::Test => "postgres",
        }
    }
}

/// The local cluster `name` of `project`, installing the PostgreSQL server
/// first when the machine has none.
///
/// ```no_run
/// # let project = knexrs_cli::Project::new(".", knexrs_migrate::Migrator::new(vec![]));
/// let cluster = knexrs_cli::cluster(&project, knexrs_cli::ClusterName::Dev)?;
/// let port = cluster.start()?;
/// println!("{}", cluster.url(port, "development"));
/// # Ok::<(), anyhow::Error>(())
/// ```
pub fn cluster(project: &Project, name: ClusterName) -> anyhow::Result<LocalCluster> {
    crate::install::ensure_postgres_server()?;
    let root = project.target_dir().join("knexrs-pg");
    let options = match name {
        ClusterName::Dev => ClusterOptions::new("dev", root, 54329).setting("max_connections", "100"),
        ClusterName::Test => knexrs_testing::test_cluster_options(root),
    };
    Ok(LocalCluster::new(options)?)
}

/// The configured connection for `environment`, else the local cluster:
/// dev for development, test for test. Staging and production never fall back.
///
/// ```no_run
/// # let project = knexrs_cli::Project::new(".", knexrs_migrate::Migrator::new(vec![]));
/// let config = knexrs_cli::connect(&project, knexrs_connect::Environment::Development)?;
/// println!("{}", config.redacted());
/// # Ok::<(), knexrs_migrate::MigrateError>(())
/// ```
pub fn connect(project: &Project, environment: Environment) -> Result<ConnectConfig, MigrateError> {
    if let Some(config) = ConnectConfig::from_env(environment)? {
        return Ok(config);
    }
    let (name, database) = match environment {
        Environment::Development => (ClusterName::Dev, DEV_DATABASE),
        Environment::Test => (ClusterName::Test, TEST_DATABASE),
        other => {
            return Err(MigrateError::NotConfigured { environment: other });
        }
    };
    let setup = |e: knexrs_cluster::ClusterError| MigrateError::LocalServer { source: Box::new(e) };
    let cluster = cluster(project, name).map_err(|e| MigrateError::LocalServer { source: format!("{e:#}").into() })?;
    let port = cluster.start().map_err(setup)?;
    cluster.ensure_database(port, database).map_err(setup)?;
    let mut config = ConnectConfig::from_url(&cluster.url(port, database))?;
    config.set_environment(environment)?;
    Ok(config)
}
