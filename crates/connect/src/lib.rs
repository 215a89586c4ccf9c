//! Where and how knexrs connects to PostgreSQL: `DATABASE_URL` or the `DB_*`
//! variables, the environment (development, staging, production, test), TLS
//! on rustls with libpq's `sslmode` values, and a display form that never
//! shows the password. Every other knexrs crate connects through
//! [`ConnectConfig`]: [`connect`](ConnectConfig::connect) for a blocking
//! `postgres::Client`, [`connect_async`](ConnectConfig::connect_async) for a
//! `tokio_postgres::Client`.
//!
//! ```
//! use knexrs_connect::{ConnectConfig, Environment};
//!
//! let config = ConnectConfig::from_url("postgres://app:s3cret@db.internal/cliscale?sslmode=require")?;
//! assert_eq!(config.redacted(), "postgres://app:***@db.internal:5432/cliscale?sslmode=require");
//! assert_eq!(config.environment(), Environment::Development);
//! # Ok::<(), knexrs_connect::ConnectError>(())
//! ```

mod cancel;
mod config;
mod connect;
mod environment;
mod error;
mod libpq_tls;
mod password_file;
mod password_source;
mod pooler;
mod runtime;
mod tls;
mod url;

pub use cancel::CancelTarget;
pub use config::{ConnectConfig, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_CONNECTIONS, DEFAULT_POOL_TIMEOUT};
pub use connect::AsyncConnection;
pub use environment::Environment;
pub use error::{ConnectError, Setting, describe};
pub use knexrs_sql::ServerVersion;
pub use password_source::BoxError;
pub use pooler::Pooler;
pub use runtime::{in_async_context, in_runtime_context, run_off_runtime};
pub use tls::{MakeTls, SslMode};

pub use postgres;
pub use tokio_postgres;
