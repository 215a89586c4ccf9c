//! A local PostgreSQL cluster for development and tests.
//!
//! `cargo xtask db start` and the test support crate use it when no
//! `DATABASE_URL` is set: the cluster lives in a folder of the workspace, is
//! made by the machine's own `initdb`, listens on a loopback port, and runs as
//! an unprivileged OS user when we are root (PostgreSQL refuses root).
//!
//! ```no_run
//! use knexrs_cluster::{ClusterOptions, LocalCluster};
//!
//! let cluster = LocalCluster::new(ClusterOptions::new("dev", "target/knexrs-pg", 54329))?;
//! let port = cluster.start()?;
//! cluster.ensure_database(port, "development")?;
//! # Ok::<(), knexrs_cluster::ClusterError>(())
//! ```

mod binaries;
mod cluster;
mod error;
mod os_user;
mod pgbouncer;
mod port;

pub use binaries::ServerBinaries;
pub use cluster::{ClusterOptions, ClusterState, LocalCluster, SUPERUSER};
pub use error::ClusterError;
pub use pgbouncer::{LocalPgBouncer, PgBouncerOptions};
