//! The async executor on a real server: every method, typed tables,
//! transactions that commit, roll back on error, on drop, on panic and on a
//! cancelled future, savepoints, pipelining, pool exhaustion, and the
//! blocking API refusing to run on a runtime's async thread.

#![allow(clippy::unwrap_used, reason = "a test fails by panicking")]

use knexrs_migrate::{MigrateError, RunOptions, Silent};
use knexrs_query::{
    AsyncConn, AsyncDb, AsyncExecutor, ConnectError, Insert, QueryError, Select, Table, Update, Wheres, raw, table,
};
use knexrs_testing::TestDatabase;
use knexrs_tests::cliscale::tables::sessions::{self, Sessions, SessionsRow};
use std::time::Duration;

async fn cliscale() -> (TestDatabase, AsyncDb) {
    let db = TestDatabase::migrated_async(&knexrs_tests::cliscale::migrator()).await.unwrap();
    let pool = db.pool_async().await.unwrap();
    (db, pool)
}

fn new_session(owner: &str, job: &str) -> Insert {
    let mut insert = Insert::into("sessions");
    insert.set("owner_user_id", owner).set("job_name", job).set("expires_at", chrono::Utc::now());
    insert
}

async fn count(conn: &impl AsyncExecutor, from: &str) -> i64 {
    let (n,): (i64,) = conn.conn().fetch_one(Select::from(from.to_owned()).count_as("*", "n")).await.unwrap();
    n
}

#[tokio::test]
async fn every_method_runs_the_builders_and_decodes_rows() {
    let (_db, pool) = cliscale().await;
    assert_eq!(pool.execute(&new_session("alice", "job-1")).await.unwrap(), 1);
    assert_eq!(pool.execute(&new_session("bob", "job-2")).await.unwrap(), 1);
    let mut q = table("sessions");
    q.columns(["owner_user_id", "job_name"]).order_by("job_name", knexrs_query::Order::Asc);
    let all: Vec<(String, String)> = pool.fetch_all(&q).await.unwrap();
    assert_eq!(all, [("alice".into(), "job-1".into()), ("bob".into(), "job-2".into())]);
    let mut bob = table("sessions");
    bob.column("job_name").where_eq("owner_user_id", "bob");
    let (job,): (String,) = pool.fetch_one(&bob).await.unwrap();
    assert_eq!(job, "job-2");
    let mut nobody = table("sessions");
    nobody.where_eq("owner_user_id", "nobody");
    assert!(pool.fetch_optional::<tokio_postgres::Row>(&nobody).await.unwrap().is_none());
    let none = pool.fetch_one::<tokio_postgres::Row>(&nobody).await;
    assert!(matches!(none, Err(QueryError::NoRows)));
    assert!(none.unwrap_err().to_string().contains("use fetch_optional when no row is an answer"));
    let first: Option<tokio_postgres::Row> = pool.first(&table("sessions")).await.unwrap();
    assert!(first.is_some());
    let owners: Vec<String> = pool
        .pluck(table("sessions").pluck("owner_user_id").order_by("owner_user_id", knexrs_query::Order::Asc))
        .await
        .unwrap();
    assert_eq!(owners, ["alice", "bob"]);
    // Typed tables, as generated.
    let mut typed = Sessions::select();
    typed.filter(sessions::OWNER_USER_ID.eq("alice"));
    let rows: Vec<SessionsRow> = pool.fetch_all(&typed).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].job_name, "job-1");
    let mut place = Update::table("sessions");
    place.set("pod_ip", "10.0.0.7").where_eq("owner_user_id", "alice");
    assert_eq!(pool.execute(&place).await.unwrap(), 1);
}

#[tokio::test]
async fn a_cached_plan_made_stale_by_a_schema_change_is_prepared_again() {
    let (_db, pool) = cliscale().await;
    let conn = pool.get().await.unwrap();
    conn.execute(&new_session("alice", "job-1")).await.unwrap();
    let all = table("sessions");
    assert_eq!(conn.fetch_all::<tokio_postgres::Row>(&all).await.unwrap()[0].columns().len(), 7);
    conn.execute(&raw("alter table sessions add column zone text")).await.unwrap();
    assert_eq!(conn.fetch_all::<tokio_postgres::Row>(&all).await.unwrap()[0].columns().len(), 8);
}

#[tokio::test]
async fn statements_awaited_together_on_one_connection_all_answer_correctly() {
    let (_db, pool) = cliscale().await;
    let conn = pool.get().await.unwrap();
    let queries: Vec<_> = (0..50).map(|i| raw(format!("select {i}::int4"))).collect();
    let answers =
        futures_util::future::try_join_all(queries.iter().map(|q| conn.fetch_one::<(i32,)>(q))).await.unwrap();
    assert_eq!(answers.iter().map(|(n,)| *n).collect::<Vec<_>>(), (0..50).collect::<Vec<_>>());
}

#[tokio::test]
async fn a_transaction_commits_and_its_closure_form_rolls_back_on_error() {
    let (_db, pool) = cliscale().await;
    let conn = pool.get().await.unwrap();
    let tx = conn.begin().await.unwrap();
    tx.execute(&new_session("alice", "job-1")).await.unwrap();
    tx.commit().await.unwrap();
    let failed: Result<(), QueryError> = conn
        .transaction(|tx| {
            Box::pin(async move {
                tx.execute(&new_session("bob", "job-2")).await?;
                tx.execute(&new_session("carol", "job-1")).await?; // job_name is unique
                Ok(())
            })
        })
        .await;
    assert!(failed.is_err());
    assert_eq!(count(&conn, "sessions").await, 1, "bob's insert was rolled back with the failure");
}

#[tokio::test]
async fn the_pools_transaction_commits_on_ok_and_rolls_back_on_err_from_a_spawned_task() {
    // knex.transaction(async (trx) => …) on the pool, from a task of its own (a request handler).
    let (_db, pool) = cliscale().await;
    let spawned = pool.clone();
    tokio::spawn(async move {
        spawned
            .transaction(|tx| {
                Box::pin(async move {
                    tx.execute(&new_session("alice", "job-1")).await?;
                    Ok::<_, QueryError>(())
                })
            })
            .await
    })
    .await
    .unwrap()
    .unwrap();
    let refused: Result<(), QueryError> = pool
        .transaction(|tx| {
            Box::pin(async move {
                tx.execute(&new_session("bob", "job-2")).await?;
                Err(QueryError::NoRows) // the caller's own reason to give up
            })
        })
        .await;
    assert!(matches!(refused, Err(QueryError::NoRows)), "{refused:?}");
    let conn = pool.get().await.unwrap();
    assert_eq!(count(&conn, "sessions").await, 1, "alice committed, bob rolled back with the Err");
    drop(conn);
    assert_eq!(pool.status().open, pool.status().idle, "every connection went back to the pool");
}

#[tokio::test]
async fn a_guard_dropped_unfinished_rolls_back_before_the_connection_runs_anything_else() {
    let (_db, pool) = cliscale().await;
    let conn = pool.get().await.unwrap();
    {
        let tx = conn.begin().await.unwrap();
        tx.execute(&new_session("alice", "job-1")).await.unwrap();
        // an early return (`?`) drops the guard here
    }
    assert_eq!(count(&conn, "sessions").await, 0);
    conn.execute(&new_session("bob", "job-2")).await.unwrap();
    let other = pool.get().await.unwrap();
    assert_eq!(count(&other, "sessions").await, 1, "no transaction is open any more: bob's row committed");
}

#[tokio::test]
async fn a_transaction_left_open_never_reaches_the_next_caller_of_the_pool() {
    let db = TestDatabase::migrated_async(&knexrs_tests::cliscale::migrator()).await.unwrap();
    let mut config = db.config().clone();
    config.set_max_connections(1);
    let pool = AsyncDb::connect(&config).await.unwrap();
    // A panic inside a task holding a transaction.
    let panicking = pool.clone();
    let outcome = tokio::spawn(async move {
        let conn = panicking.get().await.unwrap();
        let tx = conn.begin().await.unwrap();
        tx.execute(&new_session("alice", "job-1")).await.unwrap();
        panic!("the handler fails mid-transaction");
    })
    .await;
    assert!(outcome.is_err());
    // A future cancelled mid-transaction (a client that went away, a timeout).
    let cancelled = tokio::time::timeout(Duration::from_millis(200), async {
        let conn = pool.get().await.unwrap();
        let tx = conn.begin().await.unwrap();
        tx.execute(&new_session("bob", "job-2")).await.unwrap();
        tx.execute(&raw("select pg_sleep(5)")).await.unwrap();
    })
    .await;
    assert!(cancelled.is_err());
    let conn = pool.get().await.unwrap(); // the only connection: the same one both used
    assert_eq!(count(&conn, "sessions").await, 0, "neither half-done transaction committed");
    conn.execute(&new_session("carol", "job-3")).await.unwrap();
    assert_eq!(count(&conn, "sessions").await, 1, "and the connection works in autocommit again");
}

#[tokio::test]
async fn fetch_optional_keeps_the_first_row_but_fails_on_an_error_in_a_later_one_and_the_transaction_knows() {
    let (_db, pool) = cliscale().await;
    // Row 1 is fine (1 / -1); row 2 divides by zero after the first row was sent.
    let later_error = raw("select 1 / (x - 2) as v from generate_series(1, 3) as x");
    let first = pool.fetch_optional::<(i32,)>(&later_error).await;
    let Err(error) = first else { panic!("an error after the first row must fail the call: {first:?}") };
    assert_eq!(error.code(), Some(&tokio_postgres::error::SqlState::DIVISION_BY_ZERO), "{error}");

    let ok = raw("select x from generate_series(1, 3) as x");
    assert_eq!(pool.fetch_optional::<(i32,)>(&ok).await.unwrap(), Some((1,)), "the first of several rows");
    assert_eq!(pool.fetch_one::<(i32,)>(&ok).await.unwrap(), (1,));

    // Inside a transaction, swallowing that error cannot end in a reported commit.
    let conn = pool.get().await.unwrap();
    let tx = conn.begin().await.unwrap();
    tx.execute(&new_session("lost", "job-lost")).await.unwrap();
    let _ = tx.fetch_optional::<(i32,)>(&later_error).await;
    assert!(matches!(tx.commit().await, Err(QueryError::RolledBack { .. })));
    assert_eq!(count(&conn, "sessions").await, 0);
}

#[tokio::test]
async fn savepoints_nest_and_a_swallowed_failure_is_reported_not_committed() {
    let (_db, pool) = cliscale().await;
    let conn = pool.get().await.unwrap();
    let outer = conn.begin().await.unwrap();
    outer.execute(&new_session("alice", "job-1")).await.unwrap();
    let inner = outer.begin().await.unwrap();
    inner.execute(&new_session("bob", "job-2")).await.unwrap();
    let _ = inner.execute(&new_session("carol", "job-1")).await; // a duplicate, handled
    assert!(matches!(inner.commit().await, Err(QueryError::RolledBack { .. })));
    let kept = outer.begin().await.unwrap();
    kept.execute(&new_session("dave", "job-4")).await.unwrap();
    kept.commit().await.unwrap();
    outer.commit().await.unwrap();
    let owners: Vec<String> = conn
        .pluck(table("sessions").pluck("owner_user_id").order_by("owner_user_id", knexrs_query::Order::Asc))
        .await
        .unwrap();
    assert_eq!(owners, ["alice", "dave"]);
}

#[tokio::test]
async fn an_exhausted_pool_times_out_with_an_error_that_says_what_to_do() {
    let db = TestDatabase::empty_async().await.unwrap();
    let mut config = db.config().clone();
    config.set_max_connections(1).set_pool_timeout(Duration::from_millis(300));
    let pool = AsyncDb::connect(&config).await.unwrap();
    let held = pool.get().await.unwrap();
    let status = pool.status();
    assert_eq!((status.max_size, status.open, status.idle, status.waiting), (1, 1, 0, Some(0)));
    // A caller waiting for the one connection is counted while it waits.
    let (waiting, _) = tokio::join!(pool.get(), async {
        for _ in 0..100 {
            if pool.status().waiting == Some(1) {
                return;
            }
            tokio::task::yield_now().await;
        }
        panic!("the waiting caller was not counted: {:?}", pool.status());
    });
    let err = waiting.unwrap_err();
    assert!(matches!(err, QueryError::PoolTimeout { size: 1, .. }), "{err}");
    assert!(err.to_string().contains("DB_MAX_CONNECTIONS"), "{err}");
    drop(held);
    assert_eq!((pool.status().idle, pool.status().waiting), (1, Some(0)));
    assert!(pool.get().await.is_ok());
}

#[tokio::test]
async fn the_blocking_api_on_an_async_thread_is_an_error_not_a_panic() {
    let db = TestDatabase::empty_async().await.unwrap();
    let config = db.config().clone();
    let err = config.connect().map(|_| ()).unwrap_err();
    assert!(matches!(err, ConnectError::BlockingInAsync { .. }), "{err}");
    assert!(err.to_string().contains("spawn_blocking"), "{err}");
    let sync_pool = tokio::task::spawn_blocking(move || knexrs_query::Db::connect(&config)).await.unwrap().unwrap();
    let err = sync_pool.fetch_all::<(i32,)>(&raw("select 1")).unwrap_err();
    assert!(err.to_string().contains("async"), "{err}");
    let migrator = knexrs_tests::cliscale::migrator();
    let err = migrator.latest(db.config(), &RunOptions::default(), &mut Silent).unwrap_err();
    assert!(matches!(err, MigrateError::Connect(ConnectError::BlockingInAsync { .. })), "{err}");
    assert!(err.to_string().contains("latest_async"), "{err}");
    // Inside spawn_blocking the blocking API works.
    let ok = tokio::task::spawn_blocking(move || sync_pool.fetch_all::<(i32,)>(&raw("select 1"))).await.unwrap();
    assert_eq!(ok.unwrap(), [(1,)]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_application_migrates_at_start_up_from_async_code_and_then_serves() {
    let db = TestDatabase::empty_async().await.unwrap();
    let migrator = knexrs_tests::cliscale::migrator();
    let report = migrator.latest_async(db.config(), &RunOptions::default(), &mut Silent).await.unwrap();
    assert_eq!(report.migrations.len(), 2);
    let again = migrator.latest_async(db.config(), &RunOptions::default(), &mut Silent).await.unwrap();
    assert!(again.is_empty());
    assert!(migrator.status_async(db.config()).await.unwrap().is_up_to_date());
    // From a spawned task too: the run's future is Send.
    let config = db.config().clone();
    let spawned = tokio::spawn(async move {
        knexrs_tests::cliscale::migrator()
            .latest_async(&config, &RunOptions::default(), &mut Silent)
            .await
            .map(|r| r.is_empty())
    });
    assert!(spawned.await.unwrap().unwrap());
    let pool = db.pool_async().await.unwrap();
    assert_eq!(pool.execute(&new_session("alice", "job-1")).await.unwrap(), 1);
}

#[tokio::test]
async fn async_test_databases_are_isolated_and_start_migrated() {
    let migrator = knexrs_tests::cliscale::migrator();
    let (a, b) = tokio::join!(TestDatabase::migrated_async(&migrator), TestDatabase::migrated_async(&migrator));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_ne!(a.name(), b.name());
    let (pa, pb) = (a.pool_async().await.unwrap(), b.pool_async().await.unwrap());
    pa.execute(&new_session("alice", "job-1")).await.unwrap();
    assert_eq!(count(&pa.get().await.unwrap(), "sessions").await, 1);
    assert_eq!(count(&pb.get().await.unwrap(), "sessions").await, 0);
    let conn: AsyncConn = a.connect_async().await.unwrap();
    assert_eq!(count(&conn, "knex_migrations").await, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_the_server_ended_while_idle_in_the_pool_are_replaced_not_handed_out_to_fail() {
    let db = TestDatabase::empty_async().await.unwrap();
    let mut config = db.config().clone();
    config.set_max_connections(3);
    let pool = AsyncDb::connect(&config).await.unwrap();
    let pid = raw("select pg_backend_pid()");
    let mut before = Vec::new();
    {
        let held = [pool.get().await.unwrap(), pool.get().await.unwrap(), pool.get().await.unwrap()];
        for conn in &held {
            let (p,): (i32,) = conn.fetch_one(&pid).await.unwrap();
            before.push(p);
        }
    }
    let ended = tokio::task::block_in_place(|| knexrs_tests::end_other_sessions(&db));
    assert!(ended >= 1, "the pool's connections were open");
    tokio::time::sleep(Duration::from_millis(300)).await;
    for _ in 0..6 {
        let (now,): (i32,) = pool.fetch_one(&pid).await.unwrap();
        assert!(!before.contains(&now), "a connection of an ended session was handed out: {now} in {before:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pool_that_cannot_open_a_connection_says_why_at_once_instead_of_waiting_for_its_timeout() {
    let db = TestDatabase::empty_async().await.unwrap();
    let mut config = db.direct_config().clone();
    config.set_max_connections(2).set_pool_timeout(Duration::from_secs(60));
    let pool = AsyncDb::connect(&config).await.unwrap();
    let _: Vec<(i32,)> = pool.fetch_all(&raw("select 1")).await.unwrap();
    tokio::task::block_in_place(|| knexrs_tests::drop_database_under_its_connections(&db));
    let err = pool.fetch_all::<(i32,)>(&raw("select 1")).await.unwrap_err();
    assert!(matches!(err, QueryError::Connect(_)), "the cause, not a pool timeout: {err}");
    assert_eq!(err.code(), Some(&tokio_postgres::error::SqlState::INVALID_CATALOG_NAME), "{err}");
    assert!(err.to_string().contains("create the database or fix its name"), "{err}");
}

/// Waits (at most 20 s) until no statement running `pg_sleep` is left on `db`'s database.
async fn no_sleep_left_running(db: &TestDatabase) -> bool {
    let admin = db.connect_async().await.unwrap();
    for _ in 0..200 {
        let (running,): (i64,) = admin
            .fetch_one(&raw("select count(*) from pg_stat_activity
                  where datname = current_database() and state = 'active' and query like '%pg_sleep%' and pid <> pg_backend_pid()"))
            .await
            .unwrap();
        if running == 0 {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_statement_given_up_by_its_caller_is_cancelled_on_the_server_and_holds_up_no_one() {
    let db = TestDatabase::empty_async().await.unwrap();
    let mut config = db.config().clone();
    config.set_max_connections(1);
    let pool = AsyncDb::connect(&config).await.unwrap();
    // The pool's only connection is not handed out with the old statement ahead of the new one.
    knexrs_tests::give_up_a_slow_statement_then_ask_again(&pool).await;
    assert!(no_sleep_left_running(&db).await, "the given-up statement still runs on the server");
    let slow = raw("select pg_sleep(60)::text");

    // A connection held across the timeout: its next statement runs once the old one is stopped.
    let conn = pool.get().await.unwrap();
    assert!(tokio::time::timeout(Duration::from_millis(200), conn.fetch_all::<(String,)>(&slow)).await.is_err());
    let answered = tokio::time::timeout(Duration::from_secs(20), conn.fetch_one::<(i32,)>(&raw("select 2"))).await;
    assert_eq!(answered.expect("the held connection waited for the given-up statement").unwrap(), (2,));
    assert!(no_sleep_left_running(&db).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transaction_with_a_statement_given_up_mid_way_rolls_back_and_says_so() {
    let (db, pool) = cliscale().await;
    let conn = pool.get().await.unwrap();
    let tx = conn.begin().await.unwrap();
    tx.execute(&new_session("alice", "job-1")).await.unwrap();
    let slow = raw("select pg_sleep(60)::text");
    assert!(tokio::time::timeout(Duration::from_millis(200), tx.fetch_all::<(String,)>(&slow)).await.is_err());
    let err = tx.commit().await.unwrap_err();
    assert!(matches!(err, QueryError::RolledBack { .. }), "{err}");
    assert_eq!(err.code(), Some(&tokio_postgres::error::SqlState::QUERY_CANCELED), "{err}");
    assert!(err.to_string().contains("pg_sleep"), "the error names the statement: {err}");
    assert_eq!(count(&conn, "sessions").await, 0, "nothing of the transaction was committed");
    assert!(no_sleep_left_running(&db).await);
}

#[tokio::test]
async fn each_statement_is_logged_to_tracing_and_a_given_up_one_says_so() {
    let (_db, pool) = cliscale().await;
    let captured = knexrs_tests::trace_capture::Captured::default();
    let _default = captured.install();
    let mut q = table("sessions");
    q.where_eq("session_id", "secret-token-123");
    let rows: Vec<SessionsRow> = pool.fetch_all(&q).await.unwrap();
    assert!(rows.is_empty());
    let slow = raw("select pg_sleep(60)::text");
    assert!(tokio::time::timeout(Duration::from_millis(200), pool.fetch_all::<(String,)>(&slow)).await.is_err());
    let lines: Vec<String> = captured.lines().into_iter().filter(|l| l.contains("knexrs::query")).collect();
    assert!(lines[0].starts_with("DEBUG knexrs::query:") && lines[0].contains("rows=0"), "{lines:#?}");
    assert!(lines[0].contains(r#"statement=select * from "sessions" where "session_id" = $1"#), "{lines:#?}");
    assert!(lines.iter().any(|l| l.contains("given up") && l.contains("pg_sleep(60)")), "{lines:#?}");
    assert!(!lines.iter().any(|l| l.contains("secret-token-123")), "a bound value was logged: {lines:#?}");
    // The connection's next use waits for the cancel request to be taken.
    assert_eq!(pool.fetch_one::<(i32,)>(&raw("select 1")).await.unwrap(), (1,));
}

/// `count` numbers, one row each, and a failing row at `fail_at` (division by zero) when given.
fn numbers(count: i32, fail_at: Option<i32>) -> knexrs_query::Raw {
    let divisor = fail_at.map_or("1".to_owned(), |at| format!("(i - {at})"));
    knexrs_query::Raw::with(format!("select i, 1 / {divisor} as one from generate_series(1, ?::int) as i"), [count])
}

#[tokio::test]
async fn fetch_stream_yields_every_row_in_order_and_a_dropped_stream_disturbs_nothing() {
    use futures_util::TryStreamExt as _;

    let (_db, pool) = cliscale().await;
    let conn = pool.get().await.unwrap();
    let all: Vec<(i32, i32)> = conn.fetch_stream::<(i32, i32), _>(&numbers(20_000, None)).try_collect().await.unwrap();
    assert_eq!(all.len(), 20_000);
    assert!(all.iter().enumerate().all(|(n, (i, _))| *i == n as i32 + 1));

    // Dropped after ten rows inside a transaction: the transaction carries on and commits.
    let tx = conn.begin().await.unwrap();
    tx.execute(&new_session("alice", "job-1")).await.unwrap();
    {
        let mut rows = std::pin::pin!(tx.fetch_stream::<(i32, i32), _>(&numbers(20_000, None)));
        for _ in 0..10 {
            rows.try_next().await.unwrap().unwrap();
        }
    }
    tx.execute(&new_session("bob", "job-2")).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(count(&*conn, "sessions").await, 2);

    // A failure after some rows ends the stream with the server's error.
    let mut rows = std::pin::pin!(conn.fetch_stream::<(i32, i32), _>(&numbers(20_000, Some(15_000))));
    let mut seen = 0;
    let error = loop {
        match rows.try_next().await {
            Ok(Some(_)) => seen += 1,
            Ok(None) => panic!("the stream ended without the division by zero"),
            Err(error) => break error,
        }
    };
    assert_eq!(error.code(), Some(&tokio_postgres::error::SqlState::DIVISION_BY_ZERO), "{error}");
    assert!(seen < 15_000, "{seen}");
    assert!(rows.try_next().await.unwrap().is_none(), "the stream ends after its error");
    assert_eq!(count(&*conn, "sessions").await, 2);
}

/// A stream a handler can return: it borrows neither the pool nor the statement.
fn all_numbers(db: &AsyncDb, count: i32) -> impl futures_util::Stream<Item = Result<(i32, i32), QueryError>> + 'static {
    db.fetch_stream(&numbers(count, None))
}

#[tokio::test]
async fn a_pool_stream_holds_one_connection_until_it_ends_or_is_dropped() {
    use futures_util::TryStreamExt as _;

    let db = TestDatabase::empty_async().await.unwrap();
    let mut config = db.config().clone();
    config.set_max_connections(1).set_pool_timeout(Duration::from_millis(300));
    let pool = AsyncDb::connect(&config).await.unwrap();
    let rows: Vec<(i32, i32)> = all_numbers(&pool, 5_000).try_collect().await.unwrap();
    assert_eq!(rows.len(), 5_000);
    // Half-read, it holds the pool's only connection; dropped, it gives it back.
    let mut stream = Box::pin(all_numbers(&pool, 5_000));
    stream.try_next().await.unwrap().unwrap();
    assert!(matches!(pool.get().await, Err(QueryError::PoolTimeout { .. })));
    drop(stream);
    assert_eq!(pool.fetch_one::<(i32,)>(&raw("select 1")).await.unwrap(), (1,));
}

#[tokio::test]
async fn a_statement_past_its_timeout_is_given_up_and_cancelled_on_the_server() {
    use futures_util::TryStreamExt as _;

    let (_db, pool) = cliscale().await;
    let mut slow = raw("select pg_sleep(60)::text");
    slow.timeout(Duration::from_millis(200));
    let error = pool.fetch_all::<(String,)>(&slow).await.unwrap_err();
    assert!(matches!(error, QueryError::Timeout { .. }), "{error}");
    assert_eq!(error.code(), Some(&tokio_postgres::error::SqlState::QUERY_CANCELED));
    // The server stopped it: nothing sleeps any more.
    let sleeping = raw("select count(*) from pg_stat_activity where datname = current_database() \
         and state = 'active' and query like '%pg_sleep(%' and pid <> pg_backend_pid()");
    let mut stopped = false;
    for _ in 0..1000 {
        if pool.fetch_one::<(i64,)>(&sleeping).await.unwrap() == (0,) {
            stopped = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(stopped, "the timed-out statement still runs on the server");

    // In a transaction, the timeout rolls it back.
    let conn = pool.get().await.unwrap();
    let tx = conn.begin().await.unwrap();
    tx.execute(&new_session("alice", "job-1")).await.unwrap();
    assert!(matches!(tx.fetch_all::<(String,)>(&slow).await, Err(QueryError::Timeout { .. })));
    assert!(matches!(tx.commit().await, Err(QueryError::RolledBack { .. })));
    assert_eq!(count(&*conn, "sessions").await, 0);

    // A stream: the timeout covers it to its last row.
    let mut trickle = raw("select i, pg_sleep(0.05)::text from generate_series(1, 100) as i");
    trickle.timeout(Duration::from_millis(500));
    let mut rows = std::pin::pin!(conn.fetch_stream::<(i32, String), _>(&trickle));
    let mut seen = 0;
    let error = loop {
        match rows.try_next().await {
            Ok(Some(_)) => seen += 1,
            Ok(None) => panic!("the stream ended within its timeout"),
            Err(error) => break error,
        }
    };
    assert!(matches!(error, QueryError::Timeout { .. }), "{error}");
    assert!(seen < 100, "{seen}");
    assert_eq!(count(&*conn, "sessions").await, 0, "the connection answers the next statement");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_async_serializable_transaction_runs_again_after_a_serialization_failure() {
    use knexrs_query::{IsolationLevel, TransactionOptions};
    use std::sync::atomic::{AtomicUsize, Ordering};

    let db = TestDatabase::empty_async().await.unwrap();
    let pool = db.pool_async().await.unwrap();
    pool.execute(&raw("create table tally (n int8)")).await.unwrap();
    let mut options = TransactionOptions::new();
    options.isolation(IsolationLevel::Serializable).retry_serialization_failures(3);
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(2));
    let runs = std::sync::Arc::new(AtomicUsize::new(0));
    // A run again waits for the other transaction to end: PostgreSQL may report the failure
    // before the other commits, and a run again that starts then can conflict with it once more.
    let (ended, ended_seen) = tokio::sync::watch::channel(false);
    let ended = std::sync::Arc::new(ended);
    let counters = (0..2).map(|_| {
        let (pool, barrier, runs, ended, ended_seen) =
            (pool.clone(), barrier.clone(), runs.clone(), ended.clone(), ended_seen.clone());
        tokio::spawn(async move {
            let conn = pool.get().await.unwrap();
            let mut first = true;
            let outcome = conn
                .transaction_with(&options, |tx| {
                    let (barrier, wait) = (barrier.clone(), std::mem::take(&mut first));
                    let mut ended_seen = ended_seen.clone();
                    runs.fetch_add(1, Ordering::SeqCst);
                    Box::pin(async move {
                        if !wait {
                            let other = ended_seen.wait_for(|ended| *ended);
                            let _ = tokio::time::timeout(Duration::from_secs(30), other).await;
                        }
                        let (sum,): (i64,) = tx.fetch_one(&raw("select coalesce(sum(n), 0)::int8 from tally")).await?;
                        if wait {
                            barrier.wait().await;
                        }
                        tx.execute(Insert::into("tally").set("n", sum + 1)).await?;
                        Ok::<_, QueryError>(())
                    })
                })
                .await;
            ended.send_replace(true);
            outcome
        })
    });
    for counter in counters.collect::<Vec<_>>() {
        counter.await.unwrap().unwrap();
    }
    assert_eq!(runs.load(Ordering::SeqCst), 3, "the one that could not be serialized ran again, once");
    let mut tally: Vec<(i64,)> = pool.fetch_all(table("tally").column("n")).await.unwrap();
    tally.sort();
    assert_eq!(tally, [(1,), (2,)]);
    // Nested, options are refused.
    let conn = pool.get().await.unwrap();
    let tx = conn.begin().await.unwrap();
    let mut read_only = TransactionOptions::new();
    read_only.read_only();
    assert!(matches!(tx.begin_with(&read_only).await, Err(QueryError::NestedTransactionOptions)));
    tx.commit().await.unwrap();
}

/// Waits (at most 20 s) until `want` sessions named `application` are open; returns how many are.
async fn sessions_become(admin: &AsyncConn, application: &str, want: i64) -> i64 {
    let named =
        knexrs_query::Raw::with("select count(*) from pg_stat_activity where application_name = ?", [application]);
    let mut seen = -1;
    for _ in 0..200 {
        (seen,) = admin.fetch_one::<(i64,)>(&named).await.unwrap();
        if seen == want {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    seen
}

#[tokio::test]
async fn close_ends_idle_connections_at_once_one_in_use_when_given_back_and_refuses_every_later_call() {
    let db = TestDatabase::migrated_async(&knexrs_tests::cliscale::migrator()).await.unwrap();
    let admin = db.connect_async().await.unwrap();
    // Straight to the server, whose sessions are counted (a pooler in between keeps its own).
    let mut config = db.direct_config().clone();
    let application = format!("close-{}", db.name());
    config.set_application_name(&application);
    let pool = AsyncDb::connect(&config).await.unwrap();
    let elsewhere = pool.clone(); // a service's state holds clones
    let (a, b, held) = (pool.get().await.unwrap(), pool.get().await.unwrap(), pool.get().await.unwrap());
    drop((a, b));
    assert_eq!(sessions_become(&admin, &application, 3).await, 3, "two idle, one in use");

    elsewhere.close(); // knex `destroy()`
    assert!(pool.is_closed() && elsewhere.is_closed());
    assert_eq!(sessions_become(&admin, &application, 1).await, 1, "the idle ones close at once");
    // What runs on the connection in use finishes.
    assert_eq!(held.execute(&new_session("alice", "job-1")).await.unwrap(), 1);
    let refused = pool.execute(&new_session("bob", "job-2")).await.unwrap_err();
    assert!(matches!(&refused, QueryError::PoolClosed { target } if target == pool.target()), "{refused}");
    assert!(refused.to_string().contains("is closed (AsyncDb::close was called)"), "{refused}");
    assert!(matches!(elsewhere.get().await, Err(QueryError::PoolClosed { .. })));
    drop(held);
    assert_eq!(sessions_become(&admin, &application, 0).await, 0, "given back, it closes");
    assert_eq!(count(&admin, "sessions").await, 1, "alice's insert, not bob's");
}
