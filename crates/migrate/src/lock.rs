//! The migration lock: PostgreSQL's advisory lock on the run's lock
//! connection, then knex's lock row set inside a transaction that connection
//! keeps open. Every wait is bounded by `--lock-wait` and ends at once when
//! the run is cancelled; the server drops both when the session ends, however
//! it ends.

use crate::error::LockKind;
use crate::session::{Conn, Session, Which};
use crate::{Event, MigrateError, Reporter, RunOptions, Tables, db};
use knexrs_connect::ConnectConfig;
use std::time::Instant;

/// Opens the lock connection and takes the lock: the advisory lock, then
/// knex's lock row. Nothing else changes; on error nothing is held.
pub(crate) async fn acquire(
    session: &mut Session,
    config: &ConnectConfig,
    tables: &Tables,
    options: &RunOptions,
    reporter: &mut dyn Reporter,
) -> Result<(), MigrateError> {
    let mut lock = Conn::open(config).await?;
    lock.prepare().await?;
    let got = db::try_advisory_lock(lock.client(), tables).await?;
    session.lock = Some(lock);
    let deadline = Instant::now() + options.lock_wait;
    if !got {
        reporter.report(Event::WaitingForLock);
        let sql = db::advisory_lock_sql(tables);
        let Some(lock) = session.lock.as_ref() else { return Ok(()) };
        let wait = lock.client().simple_query(&sql);
        session.wait_for_lock(Which::Lock, LockKind::Advisory, deadline, options, reporter, wait).await?;
    }
    Ok(())
}

/// Sets knex's lock row inside a transaction that stays open for the run:
/// a knex process waits on the row meanwhile, and when our session ends (even
/// killed) the row is back to unlocked. A row already set means knex holds it.
/// Call after the bookkeeping tables exist.
pub(crate) async fn hold_knex_lock(
    session: &Session,
    tables: &Tables,
    options: &RunOptions,
    reporter: &mut dyn Reporter,
) -> Result<(), MigrateError> {
    let Some(lock) = session.lock.as_ref() else { return Ok(()) };
    lock.client().batch_execute("begin").await.map_err(MigrateError::bookkeeping("starting the lock transaction"))?;
    let deadline = Instant::now() + options.lock_wait;
    let kind = LockKind::KnexRow { table: tables.lock() };
    let rows = session
        .wait_for_lock(Which::Lock, kind, deadline, options, reporter, db::lock_rows(lock.client(), tables))
        .await?;
    if db::knex_lock_is_set(&rows) {
        let _ = lock.client().batch_execute("rollback").await;
        return Err(MigrateError::Locked { table: tables.lock() });
    }
    db::set_knex_lock(lock.client(), tables).await
}

/// Releases both locks (a lock session that died released them with it).
pub(crate) async fn release(session: &Session, tables: &Tables) {
    if let Some(lock) = session.lock.as_ref() {
        let _ = db::release_locks(lock.client(), tables).await;
    }
}
