//! The migration lock: PostgreSQL's advisory lock, held by the run's work
//! connection for the whole run, and knex's lock row, locked in the run's
//! transaction when the run is one (else in a transaction a lock connection
//! keeps open). Every wait is bounded by `--lock-wait` and ends at once when
//! the run is cancelled; the server drops both when the session ends, however
//! it ends.

use crate::error::LockKind;
use crate::session::{Conn, Session, Which};
use crate::{Event, MigrateError, Reporter, RunOptions, Tables, db};
use knexrs_connect::ConnectConfig;
use std::time::Instant;

/// Takes the advisory lock on the work connection (session-scoped: it
/// outlives the run's transactions). Nothing else changes; on error nothing
/// is held.
pub(crate) async fn acquire(
    session: &mut Session,
    tables: &Tables,
    options: &RunOptions,
    reporter: &mut dyn Reporter,
) -> Result<(), MigrateError> {
    let deadline = Instant::now() + options.lock_wait;
    if !db::try_advisory_lock(session.work.client(), tables).await? {
        reporter.report(Event::WaitingForLock);
        let sql = db::advisory_lock_sql(tables);
        let wait = session.work.client().simple_query(&sql);
        session.wait_for_lock(Which::Work, LockKind::Advisory, deadline, options, reporter, wait).await?;
    }
    session.advisory_held = true;
    Ok(())
}

/// Locks knex's lock rows in the transaction open on the work connection,
/// so that a knex process waits until it ends; a row already set means knex
/// holds the lock. The rows are not set: the lock lasts as long as the
/// transaction, and what it commits leaves them as they were.
pub(crate) async fn lock_knex_rows(
    session: &Session,
    tables: &Tables,
    deadline: Instant,
    options: &RunOptions,
    reporter: &mut dyn Reporter,
) -> Result<(), MigrateError> {
    let kind = LockKind::KnexRow { table: tables.lock() };
    let rows = db::lock_rows(session.work.client(), tables);
    let rows = session.wait_for_lock(Which::Work, kind, deadline, options, reporter, rows).await?;
    if db::knex_lock_is_set(rows.iter().map(|row| row.get(0))) {
        return Err(MigrateError::Locked { table: tables.lock() });
    }
    Ok(())
}

/// Opens the lock connection and sets knex's lock row inside a transaction
/// it keeps open for the run (whose plan has transactions of its own, or
/// none): a knex process waits on the row meanwhile, and when our session
/// ends (even killed) the row is back to unlocked. A row already set means
/// knex holds it. Call after the bookkeeping tables exist.
pub(crate) async fn hold_knex_lock(
    session: &mut Session,
    config: &ConnectConfig,
    tables: &Tables,
    options: &RunOptions,
    reporter: &mut dyn Reporter,
) -> Result<(), MigrateError> {
    let mut lock = Conn::open(config).await?;
    lock.prepare().await?;
    lock.client().batch_execute("begin").await.map_err(MigrateError::bookkeeping("starting the lock transaction"))?;
    session.lock = Some(lock);
    let session = &*session;
    let Some(lock) = session.lock.as_ref() else { return Ok(()) };
    let deadline = Instant::now() + options.lock_wait;
    let kind = LockKind::KnexRow { table: tables.lock() };
    let rows = db::lock_rows(lock.client(), tables);
    let rows = session.wait_for_lock(Which::Lock, kind, deadline, options, reporter, rows).await?;
    if db::knex_lock_is_set(rows.iter().map(|row| row.get(0))) {
        let _ = lock.client().batch_execute("rollback").await;
        return Err(MigrateError::Locked { table: tables.lock() });
    }
    db::set_knex_lock(lock.client(), tables).await
}

/// Releases both locks. Best effort: the run's connections close right
/// after, and the server releases whatever a closed session held.
pub(crate) async fn release(session: &Session, tables: &Tables) {
    // A connection busy with a statement given up on is left alone: closing
    // it ends that statement and its transaction.
    if let Some(lock) = session.lock.as_ref().filter(|lock| !lock.is_abandoned()) {
        let _ = lock.client().batch_execute("rollback").await;
    }
    if session.advisory_held && !session.work.is_abandoned() {
        let _ = db::release_advisory_lock(session.work.client(), tables).await;
    }
}
