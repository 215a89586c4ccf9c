//! A typed, composable PostgreSQL query builder on sea-query, executed over an
//! r2d2 pool of `postgres` connections; and the connection settings
//! (`DATABASE_URL`, `DB_*`, environments, TLS) every knexrs crate uses.
//!
//! ```
//! use knexrs_query::{ConnectConfig, Environment};
//!
//! let config = ConnectConfig::from_vars(|name| (name == "DB_HOST").then(|| "localhost".to_string()), Environment::Test)
//!     .unwrap()
//!     .unwrap();
//! assert_eq!(config.redacted(), "postgres://postgres@localhost/");
//! ```

mod config;
mod db;
mod error;
mod tls;

pub use config::{ConnectConfig, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_CONNECTIONS, Environment};
pub use db::{Db, PooledClient};
pub use error::{QueryError, describe};
pub use tls::{MakeTls, SslMode};
