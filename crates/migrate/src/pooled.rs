//! A run through a transaction pooler (PgBouncer `pool_mode = transaction`):
//! each transaction may land on another server connection, so the run keeps
//! no session state. It is one transaction that takes a transaction-scoped
//! advisory lock, locks knex's lock rows, reads the bookkeeping, plans and
//! applies the plan, and commits; anything that must run outside a
//! transaction is refused (give a direct connection for those).

use crate::db;
use crate::error::LockKind;
use crate::execute::rollback;
use crate::session::{Conn, Session, Which};
use crate::{MigrateError, Migrator, Reporter, RunOptions, RunReport, Target, TransactionMode, lock};
use knexrs_connect::ConnectConfig;
use std::time::Instant;

impl Migrator {
    /// [`run_async`](Self::run_async) through a transaction pooler, in one transaction.
    pub(crate) async fn run_through_pooler(
        &self,
        connection: &ConnectConfig,
        target: &Target,
        options: &RunOptions,
        reporter: &mut dyn Reporter,
    ) -> Result<RunReport, MigrateError> {
        let mode = match options.transaction_mode {
            TransactionMode::Each => Some("each"),
            TransactionMode::None => Some("none"),
            TransactionMode::Knex | TransactionMode::All => None,
        };
        if let Some(mode) = mode {
            return Err(MigrateError::OneTransactionThroughPooler { mode });
        }
        // Everything, the bookkeeping tables included, is one transaction: a
        // run through the pooler that fails or is refused changes nothing.
        let mut work = Conn::open(connection).await?;
        work.client()
            .batch_execute("begin")
            .await
            .map_err(MigrateError::bookkeeping("starting the run's transaction"))?;
        // The transaction holds one server connection: its pid is stable now.
        work.read_pid().await?;
        let mut session = Session::new(work, options.cancel.clone());
        // A second client looks up who blocks a wait (its own transactions, any server connection).
        session.look_up_blockers_with(connection);
        let result = self.in_transaction(&session, target, options, reporter).await;
        if result.is_err() {
            rollback(&session).await;
        }
        result
    }

    async fn in_transaction(
        &self,
        session: &Session,
        target: &Target,
        options: &RunOptions,
        reporter: &mut dyn Reporter,
    ) -> Result<RunReport, MigrateError> {
        let client = session.work.client();
        let tables = self.tables();
        // Released when the transaction ends, on whichever server connection it ran.
        // The server bounds the waits (`lock_timeout`): no cancel request goes
        // through the pooler. The deadline only catches a wait the server missed.
        let deadline = Instant::now() + options.lock_wait + std::time::Duration::from_secs(2);
        let wait_ms = options.lock_wait.as_millis().max(1);
        // A dead client's statement stops within seconds (PostgreSQL 14+), and its locks with it.
        let check_client = if session.work.version.is_some_and(|v| v.major >= 14) {
            "set local client_connection_check_interval = 2000; "
        } else {
            ""
        };
        let lock = format!(
            "set local lock_timeout = {wait_ms}; {check_client}select pg_advisory_xact_lock({})",
            tables.advisory_key_sql()
        );
        let wait = client.simple_query(&lock);
        session.wait_for_lock(Which::Work, LockKind::Advisory, deadline, options, reporter, wait).await?;
        db::create_missing_tables(client, tables).await?;
        // knex's rows: locked until the transaction ends, so a knex run waits for us.
        lock::lock_knex_rows(session, tables, deadline, options, reporter).await?;
        // The migrations' own waits are bounded by `--lock-timeout` (set by `execute`), not `--lock-wait`.
        client
            .batch_execute("set local lock_timeout = default")
            .await
            .map_err(MigrateError::bookkeeping("setting up the run's transaction"))?;
        // One transaction holds the lock: the plan is one unit.
        let mut one = options.clone();
        one.transaction(TransactionMode::All);
        let (plan, states) = self.plan_locked(session, target, &one).await?;
        if let Some(outside) = plan.units.iter().find(|u| !u.transactional).and_then(|u| u.migrations.first()) {
            return Err(MigrateError::NeedsDirectConnection { migration: outside.name.clone() });
        }
        self.run_in_open_transaction(session, &plan, &states, target, &one, reporter).await
    }
}
