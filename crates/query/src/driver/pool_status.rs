//! How a pool stands, the same for both executors.

/// A pool's connections at one moment: for a readiness endpoint or a metrics
/// gauge (`Db::status`, `AsyncDb::status`).
///
/// ```no_run
/// # use knexrs_query::{ConnectConfig, Db};
/// let db = Db::connect(&ConnectConfig::from_url("postgres://postgres@localhost/app")?)?;
/// let status = db.status();
/// println!("{} of {} connections open, {} idle", status.open, status.max_size, status.idle);
/// # Ok::<(), knexrs_query::QueryError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct PoolStatus {
    /// The most connections the pool opens (`DB_MAX_CONNECTIONS`).
    pub max_size: u32,
    /// Connections open now, lent out or idle.
    pub open: u32,
    /// Open connections no one holds.
    pub idle: u32,
    /// Callers waiting for a connection; `None` where the pool does not
    /// count them (the blocking pool).
    pub waiting: Option<u32>,
}
