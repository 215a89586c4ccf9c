//! A fresh, migrated, isolated PostgreSQL database for every test.
//!
//! Tests ask for a [`TestDatabase`]; it is theirs alone and is dropped when
//! they end, panics included. The server is `KNEXRS_TEST_DATABASE_URL`,
//! `DATABASE_URL`, or the local test cluster (`cargo xtask test` starts it;
//! a plain `cargo test` starts it too).
//!
//! ```no_run
//! use knexrs_testing::TestDatabase;
//!
//! #[test]
//! fn sessions_start_empty() -> Result<(), Box<dyn std::error::Error>> {
//!     let db = TestDatabase::migrated(&cliscale_migrations::migrator()?)?;
//!     let count: i64 = db.connect()?.query_one("select count(*) from sessions", &[])?.get(0);
//!     assert_eq!(count, 0);
//!     Ok(())
//! }
//! ```

mod database;
#[cfg(feature = "async")]
mod database_async;
mod error;
mod pool;
mod pooler;
mod registry;
mod server;
mod template;

pub use database::{DATABASE_PREFIX, TestDatabase, migrate};
pub use error::TestError;
pub use pool::{Databases, DatabasesOptions};
pub use pooler::pgbouncer_port;
pub use registry::sweep;
pub use server::{TEST_CLUSTER, cluster_root, server, test_cluster_options};

/// The password of roles tests create: `cargo xtask test` fails when it
/// appears anywhere in the suite's output (errors must never echo passwords).
///
/// ```
/// use knexrs_connect::ConnectConfig;
///
/// let url = format!("postgres://app:{}@localhost/app", knexrs_testing::TEST_PASSWORD);
/// let config = ConnectConfig::from_url(&url)?;
/// assert!(!config.redacted().contains(knexrs_testing::TEST_PASSWORD));
/// # Ok::<(), knexrs_connect::ConnectError>(())
/// ```
pub const TEST_PASSWORD: &str = "knexrs-test-pw-8d41c7";
