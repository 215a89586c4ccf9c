//! The one error type of this crate.

use thiserror::Error;

/// Why a test database could not be provided.
///
/// ```
/// use knexrs_testing::TestError;
///
/// let err = TestError::Setup("no server".into());
/// assert_eq!(err.to_string(), "test database setup failed: no server");
/// ```
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum TestError {
    /// The server or its configuration is unusable.
    #[error("test database setup failed: {0}")]
    Setup(String),
    /// The local test cluster failed.
    #[error(transparent)]
    Cluster(#[from] knexrs_cluster::ClusterError),
    /// Connecting failed.
    #[error(transparent)]
    Connect(#[from] knexrs_connect::ConnectError),
    /// A pool or query on the test database failed (features `sync`, `async`).
    #[cfg(any(feature = "sync", feature = "async"))]
    #[error(transparent)]
    Query(#[from] knexrs_query::QueryError),
    /// Migrating the database failed.
    #[error(transparent)]
    Migrate(#[from] knexrs_migrate::MigrateError),
    /// A statement on the server failed.
    #[error("{context}: {message}")]
    Database {
        /// What was being done.
        context: String,
        /// PostgreSQL's message on one line.
        message: String,
        /// The driver's error.
        #[source]
        source: postgres::Error,
    },
}

impl TestError {
    pub(crate) fn database(context: impl Into<String>) -> impl FnOnce(postgres::Error) -> Self {
        let context = context.into();
        move |source| TestError::Database { context, message: knexrs_connect::describe(&source), source }
    }
}
