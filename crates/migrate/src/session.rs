//! A run's connections, and running a statement on one of them so that the
//! run's cancellation stops it, a deadline bounds it, and a wait on another
//! session's locks is reported (who, doing what, for how long).

use crate::db::{self, Blocker};
use crate::error::LockKind;
use crate::{Cancel, Event, MigrateError, Reporter, RunOptions};
use knexrs_connect::{CancelTarget, ConnectConfig, ServerVersion};
use knexrs_query::AsyncConn;
use std::future::Future;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tokio_postgres::Client;
use tokio_postgres::error::SqlState;

/// How long a statement runs before the run looks for sessions blocking it.
const FIRST_CHECK: Duration = Duration::from_secs(1);
/// How often it looks again while the statement still waits.
const CHECK_EVERY: Duration = Duration::from_secs(10);
/// How long opening the connection that looks up blockers may take.
const LOOKUP_CONNECT: Duration = Duration::from_secs(2);
/// How long a cancelled statement gets to end before the run stops waiting
/// for it (a pooler may not pass the cancel on; the connection is then
/// dropped, which ends the statement on the server).
const CANCEL_GRACE: Duration = Duration::from_secs(2);

/// One connection of a run.
pub(crate) struct Conn {
    /// The connection; run-time steps get it as the query builder's executor.
    pub(crate) conn: AsyncConn,
    /// Where its cancel requests go.
    cancel: CancelTarget,
    pub(crate) version: Option<ServerVersion>,
    /// The server process id, once read (needed to find who blocks it).
    pid: Option<i32>,
    /// Reached through a transaction pooler: no cancel requests (PgBouncer
    /// 1.18 can crash on one whose client hangs up); a wait that must stop is
    /// abandoned and the connection dropped, which ends it on the server.
    pooled: bool,
    /// Whether it may prepare named statements (`COPY` reads need one): not
    /// through a transaction pooler that does not keep them
    /// (`ConnectConfig::prepared_statements`).
    prepares: bool,
    /// A statement was given up on while still running: the connection is
    /// busy with it, so nothing more is sent (dropping it ends the statement
    /// and rolls back).
    abandoned: std::sync::atomic::AtomicBool,
}

impl Conn {
    /// Connects (async) with `config`.
    pub(crate) async fn open(config: &ConnectConfig) -> Result<Self, MigrateError> {
        let connection = config.open_async().await?;
        Ok(Conn {
            // Unnamed statements: a migration changes the tables its steps read, and an
            // unnamed statement is planned afresh, never stale.
            conn: AsyncConn::from_client(connection.client, false),
            cancel: config.cancel_target_with(connection.tls),
            version: connection.server_version,
            pid: None,
            pooled: config.pooler() == knexrs_connect::Pooler::Transaction,
            prepares: config.prepared_statements(),
            abandoned: std::sync::atomic::AtomicBool::new(false),
        })
    }

    /// The driver connection.
    pub(crate) fn client(&self) -> &Client {
        self.conn.client()
    }

    /// Whether it may prepare named statements, as each `COPY` read does
    /// (through PgBouncer before 1.21 the statement prepared on one server
    /// connection is not there on the next).
    pub(crate) fn prepares_statements(&self) -> bool {
        self.prepares
    }

    /// Sets the session up for a run that will hold locks, and reads its pid.
    pub(crate) async fn prepare(&mut self) -> Result<(), MigrateError> {
        // `client_connection_check_interval` exists from PostgreSQL 14 on.
        let check_interval = self.version.is_some_and(|v| v.major >= 14);
        self.pid = Some(db::prepare_session(self.client(), check_interval).await?);
        Ok(())
    }

    /// Reads the server process id inside an open transaction (through a
    /// transaction pooler the server connection is only fixed within one).
    pub(crate) async fn read_pid(&mut self) -> Result<(), MigrateError> {
        self.pid = Some(db::prepare_session(self.client(), false).await?);
        Ok(())
    }

    /// Asks the server to cancel what this connection runs (best effort).
    pub(crate) async fn cancel_running(&self) {
        if !self.pooled {
            let _ = self.cancel.cancel(&self.client().cancel_token()).await;
        }
    }

    /// Whether a statement was given up on while it still ran (see `abandoned`).
    pub(crate) fn is_abandoned(&self) -> bool {
        self.abandoned.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Waits at most the grace period for a statement it asked to stop.
    async fn let_stop<R>(&self, statement: impl Future<Output = R>) {
        if tokio::time::timeout(self.grace(), statement).await.is_err() {
            self.abandoned.store(true, std::sync::atomic::Ordering::Relaxed);
        }
    }

    /// How long a statement this connection was asked to stop gets to end.
    fn grace(&self) -> Duration {
        if self.pooled { Duration::ZERO } else { CANCEL_GRACE }
    }
}

/// Which connection of the session a statement runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Which {
    /// Migrations and bookkeeping.
    Work,
    /// The advisory lock and knex's lock row.
    Lock,
}

/// How a watched statement ended.
pub(crate) enum Watched<R> {
    /// It finished (successfully or not) on its own.
    Done(R),
    /// The run was cancelled: the server was asked to cancel it, and it ended.
    Cancelled,
    /// The deadline passed: the server was asked to cancel it, and it ended.
    TimedOut,
}

/// A run's connections and its cancellation handle.
pub(crate) struct Session {
    pub(crate) work: Conn,
    /// Holds knex's lock row in a transaction of its own, when the run's
    /// plan is not one transaction on the work connection.
    pub(crate) lock: Option<Conn>,
    pub(crate) cancel: Cancel,
    /// The work connection holds the advisory lock (released at the end).
    pub(crate) advisory_held: bool,
    /// Where the lookups of who blocks a waiting statement connect, when no
    /// lock connection is open: opened the first time a statement waits.
    lookup_config: Option<ConnectConfig>,
    lookup: tokio::sync::OnceCell<Option<Conn>>,
    /// The sessions found blocking the last statement that waited, for errors.
    last_blockers: Mutex<Vec<Blocker>>,
}

impl Session {
    pub(crate) fn new(work: Conn, cancel: Cancel) -> Self {
        Session {
            work,
            lock: None,
            cancel,
            advisory_held: false,
            lookup_config: None,
            lookup: tokio::sync::OnceCell::new(),
            last_blockers: Mutex::new(Vec::new()),
        }
    }

    /// Lets a statement that waits on the work connection find who blocks
    /// it through a connection opened with `config` only then (a run that
    /// never waits opens one connection).
    pub(crate) fn look_up_blockers_with(&mut self, config: &ConnectConfig) -> &mut Self {
        self.lookup_config = Some(config.clone());
        self
    }

    fn conn(&self, which: Which) -> &Conn {
        match (which, &self.lock) {
            (Which::Lock, Some(lock)) => lock,
            _ => &self.work,
        }
    }

    /// The connection that looks up who blocks a statement on `which`.
    async fn other(&self, which: Which) -> Option<&Conn> {
        match (which, &self.lock) {
            (Which::Lock, _) => Some(&self.work),
            (Which::Work, Some(lock)) => Some(lock),
            (Which::Work, None) => {
                let config = self.lookup_config.as_ref()?;
                // A connection that cannot be opened (soon: the run may be
                // cancelled meanwhile) only means nothing is reported.
                let open = tokio::time::timeout(LOOKUP_CONNECT, Conn::open(config));
                self.lookup.get_or_init(|| async { open.await.ok().and_then(Result::ok) }).await.as_ref()
            }
        }
    }

    /// The sessions that blocked the last statement that had to wait, if any.
    pub(crate) fn last_blockers(&self) -> Vec<Blocker> {
        self.last_blockers.lock().map(|b| b.clone()).unwrap_or_default()
    }

    /// Runs `statement` on `which`: returns how it ended, cancelling it on the
    /// server when the run is cancelled or `deadline` passes. While it runs
    /// longer than a second, the other connection looks up who blocks it, and
    /// `reporter` hears of it (`what` names the statement for the operator).
    pub(crate) async fn watch<R>(
        &self,
        which: Which,
        what: &str,
        deadline: Option<Instant>,
        reporter: &mut dyn Reporter,
        statement: impl Future<Output = R>,
    ) -> Watched<R> {
        let conn = self.conn(which);
        let started = Instant::now();
        let mut check_at = started + FIRST_CHECK;
        let mut reported: Vec<i32> = Vec::new();
        if let Ok(mut last) = self.last_blockers.lock() {
            last.clear();
        }
        let mut statement = std::pin::pin!(statement);
        loop {
            let wake_at = deadline.map_or(check_at, |d| d.min(check_at));
            tokio::select! {
                biased;
                result = &mut statement => return Watched::Done(result),
                () = self.cancel.cancelled() => {
                    conn.cancel_running().await;
                    conn.let_stop(statement).await;
                    return Watched::Cancelled;
                }
                () = tokio::time::sleep_until(wake_at.into()) => {}
            }
            if deadline.is_some_and(|d| Instant::now() >= d) {
                conn.cancel_running().await;
                conn.let_stop(statement).await;
                return Watched::TimedOut;
            }
            check_at = Instant::now() + CHECK_EVERY;
            let Some(pid) = conn.pid else { continue };
            let Some(other) = self.other(which).await else { continue };
            // A failed lookup only means nothing is reported.
            let Ok(blockers) = db::blockers(other.client(), pid).await else { continue };
            if blockers.is_empty() {
                continue;
            }
            let pids: Vec<i32> = blockers.iter().map(|b| b.pid).collect();
            if pids != reported || started.elapsed() >= CHECK_EVERY {
                reporter.report(Event::Blocked { what, by: &blockers, waited: started.elapsed() });
                reported = pids;
            }
            if let Ok(mut last) = self.last_blockers.lock() {
                *last = blockers;
            }
        }
    }

    /// [`watch`](Self::watch) over a wait for `kind`, ended as the run
    /// reports it: past `deadline`, or stopped by the server's
    /// `lock_timeout`, it is `LockTimeout` naming the sessions that held it.
    pub(crate) async fn wait_for_lock<T>(
        &self,
        which: Which,
        kind: LockKind,
        deadline: Instant,
        options: &RunOptions,
        reporter: &mut dyn Reporter,
        wait: impl Future<Output = Result<T, tokio_postgres::Error>>,
    ) -> Result<T, MigrateError> {
        let what = match &kind {
            LockKind::Advisory => "the migration lock",
            LockKind::KnexRow { .. } => "knex's lock row",
        };
        let timed_out = |kind| MigrateError::LockTimeout {
            seconds: options.lock_wait.as_secs(),
            holders: self.last_blockers(),
            what: kind,
        };
        match self.watch(which, what, Some(deadline), reporter, wait).await {
            Watched::Done(Ok(value)) => Ok(value),
            Watched::Done(Err(e)) if e.code() == Some(&SqlState::LOCK_NOT_AVAILABLE) => Err(timed_out(kind)),
            Watched::Done(Err(e)) => Err(MigrateError::bookkeeping(match &kind {
                LockKind::KnexRow { table } => format!("locking {table}"),
                _ => format!("waiting for {what}"),
            })(e)),
            Watched::Cancelled => Err(MigrateError::interrupted(format!("while waiting for {what}"), &[])),
            Watched::TimedOut => Err(timed_out(kind)),
        }
    }
}
