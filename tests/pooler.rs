//! Through PgBouncer in transaction mode (pool size 2), as production fleets
//! run (issue 16): runners racing through it apply each migration once, a
//! killed runner leaves no lock behind, a migration that must run outside a
//! transaction asks for a direct connection and changes nothing, and both
//! executors work with named prepared statements off.

#![allow(clippy::unwrap_used, reason = "a test fails by panicking")]

use knexrs_connect::Pooler;
use knexrs_query::{AsyncDb, Db, Executor, Insert, Order, QueryError, Update, Wheres, table};
use knexrs_testing::TestDatabase;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// `fixture-migrate <set> <args>` reaching `db` through PgBouncer.
fn through_pooler(db: &TestDatabase, set: &str, args: &[&str]) -> Command {
    let pooled = db.pooled_config().unwrap();
    let port = pooled.driver().get_ports()[0];
    let mut command = Command::new(env!("CARGO_BIN_EXE_fixture-migrate"));
    command
        .arg(set)
        .args(args)
        .env("DATABASE_URL", format!("postgres://postgres@127.0.0.1:{port}/{}", db.name()))
        .env("KNEXRS_POOLER", "transaction")
        .env_remove("MIGRATION_DATABASE_URL")
        .env_remove("KNEXRS_ENV")
        .env_remove("NODE_ENV")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn ok(out: &Output) -> String {
    assert!(out.status.success(), "stdout: {}\nstderr: {}", text(&out.stdout), text(&out.stderr));
    text(&out.stdout)
}

fn count(db: &TestDatabase, sql: &str) -> i64 {
    db.connect().unwrap().query_one(sql, &[]).unwrap().get(0)
}

fn rows(db: &TestDatabase) -> Vec<(String, i32)> {
    let mut client = db.connect().unwrap();
    match client.query("select name, batch from knex_migrations order by id", &[]) {
        Ok(rows) => rows.iter().map(|r| (r.get(0), r.get(1))).collect(),
        Err(_) => Vec::new(),
    }
}

#[test]
fn sixteen_runners_started_at_once_through_pgbouncer_apply_each_migration_once() {
    let db = TestDatabase::empty().unwrap();
    let children: Vec<_> = (0..16).map(|_| through_pooler(&db, "tables:6", &["latest"]).spawn().unwrap()).collect();
    let outputs: Vec<Output> = children.into_iter().map(|c| c.wait_with_output().unwrap()).collect();
    let applied = outputs.iter().filter(|o| text(&o.stdout).contains("Batch 1 run: 6 migrations")).count();
    for out in &outputs {
        ok(out);
    }
    assert_eq!(applied, 1, "one runner applied the batch, the others found nothing to do");
    let names: Vec<String> = rows(&db).into_iter().map(|(name, batch)| format!("{name}:{batch}")).collect();
    assert_eq!(names.len(), 6, "each migration once: {names:?}");
    assert!(names.iter().all(|n| n.ends_with(":1")), "{names:?}");
    assert_eq!(count(&db, "select count(*) from pg_tables where tablename like 't\\_%'"), 6);
    // The server connections PgBouncer used hold no advisory lock now.
    let held = "select count(*) from pg_locks where locktype = 'advisory' and database = (select oid from pg_database where datname = current_database())";
    assert_eq!(count(&db, held), 0);
}

#[test]
fn a_runner_killed_mid_batch_through_pgbouncer_leaves_no_lock_that_blocks_the_next_run() {
    let db = TestDatabase::empty().unwrap();
    // PostgreSQL 14+ notices the dead client within seconds; 13 runs the
    // statement to its end (README, "Versions and poolers"): there it sleeps 5 s.
    let set = if knexrs_tests::server_major(&db) >= 14 { "slow:2:60000" } else { "slow:2:5000" };
    let child = through_pooler(&db, set, &["latest"]).spawn().unwrap();
    let sleeping = "select count(*) from pg_stat_activity where query like '%pg_sleep(%' and state = 'active' and datname = current_database() and pid <> pg_backend_pid()";
    let deadline = Instant::now() + Duration::from_secs(20);
    while count(&db, sleeping) == 0 {
        assert!(Instant::now() < deadline, "the runner never reached its sleeping statement");
        std::thread::sleep(Duration::from_millis(20));
    }
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(child.id() as i32), nix::sys::signal::Signal::SIGKILL).unwrap();
    let _ = child.wait_with_output();
    let started = Instant::now();
    let out = through_pooler(&db, "tables:2", &["latest", "--lock-wait", "30s"]).output().unwrap();
    ok(&out);
    assert!(started.elapsed() < Duration::from_secs(30), "took {:?}", started.elapsed());
    assert_eq!(rows(&db).len(), 2, "the next run applied both: the killed one kept nothing");
    assert_eq!(count(&db, sleeping), 0, "the killed runner's statement stopped");
}

#[test]
fn a_migration_outside_a_transaction_through_pgbouncer_asks_for_a_direct_url_and_changes_nothing() {
    let db = TestDatabase::empty().unwrap();
    let out = through_pooler(&db, "concurrent", &["latest"]).output().unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{}{stderr}", text(&out.stdout));
    assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
    assert!(
        stderr.contains("20240101000002_index_t_1_concurrently")
            && stderr.contains("MIGRATION_DATABASE_URL")
            && stderr.contains("--direct-url"),
        "{stderr}"
    );
    assert_eq!(count(&db, "select count(*) from pg_tables where schemaname = 'public'"), 0, "nothing was changed");
    // With a direct connection the run goes to the server itself.
    let out = through_pooler(&db, "concurrent", &["latest"]).env("MIGRATION_DATABASE_URL", db.url()).output().unwrap();
    ok(&out);
    assert_eq!(rows(&db).len(), 3);
}

#[test]
fn verify_lint_and_drift_through_pgbouncer_ask_for_a_direct_url_and_use_it() {
    let db = TestDatabase::empty().unwrap();
    for (command, done) in [
        ("verify", "20240101000002_create_t_2"),
        ("lint", "20240101000002_create_t_2"),
        ("drift", "what its 0 applied migrations build"),
    ] {
        let out = through_pooler(&db, "tables:2", &[command]).output().unwrap();
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{}{stderr}", text(&out.stdout));
        assert!(
            stderr.starts_with(&format!(
                "error: {command} works on a throwaway database it creates, which a transaction pooler"
            )) && stderr.contains("--direct-url"),
            "{stderr}"
        );
        let out = through_pooler(&db, "tables:2", &[command]).env("MIGRATION_DATABASE_URL", db.url()).output().unwrap();
        let stdout = ok(&out);
        assert!(stdout.contains(done), "{stdout}");
    }
    assert_eq!(count(&db, "select count(*) from pg_tables where schemaname = 'public'"), 0, "nothing was changed");
}

#[test]
fn rollback_and_status_through_pgbouncer_work_and_a_knex_lock_row_still_stops_a_run() {
    let db = TestDatabase::empty().unwrap();
    ok(&through_pooler(&db, "tables:3", &["latest"]).output().unwrap());
    let status = ok(&through_pooler(&db, "tables:3", &["status"]).output().unwrap());
    assert!(status.contains("Found 3 Completed Migration file/files."), "{status}");
    let out = ok(&through_pooler(&db, "tables:3", &["rollback"]).output().unwrap());
    assert!(out.contains("Batch 1 rolled back: 3 migrations"), "{out}");
    ok(&through_pooler(&db, "tables:3", &["up"]).output().unwrap());
    db.connect().unwrap().batch_execute("update knex_migrations_lock set is_locked = 1").unwrap();
    let out = through_pooler(&db, "tables:3", &["latest"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("Migration table is already locked"), "{}", text(&out.stderr));
    assert_eq!(rows(&db).len(), 1);
}

/// A table for the executor checks.
const NOTES: &str = "create table notes (id serial primary key, body text not null, at timestamptz, n int8)";

fn notes(db: &TestDatabase) {
    db.connect().unwrap().batch_execute(NOTES).unwrap();
}

#[test]
fn the_blocking_executor_works_through_pgbouncer_with_prepared_statements_off() {
    let db = TestDatabase::empty().unwrap();
    notes(&db);
    let config = db.pooled_config().unwrap();
    assert_eq!(config.pooler(), Pooler::Transaction);
    assert!(!config.prepared_statements());
    let pool = Db::connect(&config).unwrap();
    for i in 0..20_i64 {
        let mut insert = Insert::into("notes");
        insert.set("body", format!("note {i}")).set("at", chrono::Utc::now()).set("n", i);
        assert_eq!(pool.execute(&insert).unwrap(), 1);
    }
    // The same statement text many times, on whichever server connection: nothing named to miss.
    for _ in 0..20 {
        let mut q = table("notes");
        q.column("body").where_op("n", ">=", 10).order_by("n", Order::Asc);
        let bodies: Vec<(String,)> = pool.fetch_all(&q).unwrap();
        assert_eq!(bodies.len(), 10);
    }
    // A string given for a timestamptz column is parsed by the server, as with a prepared statement.
    let mut update = Update::table("notes");
    update.set("at", "2026-01-01T00:00:00Z").where_eq("n", 3);
    assert_eq!(pool.execute(&update).unwrap(), 1);
    // A transaction keeps one server connection; an error rolls it back.
    let failed: Result<(), QueryError> = pool.transaction(|tx| {
        let mut insert = Insert::into("notes");
        insert.set("body", "kept?").set("n", 100);
        tx.execute(&insert)?;
        tx.execute(&knexrs_query::raw("select 1 / 0"))?;
        Ok(())
    });
    assert!(failed.is_err());
    let mut q = table("notes");
    q.count("*");
    let (n,): (i64,) = pool.fetch_one(&q).unwrap();
    assert_eq!(n, 20, "the failed transaction left nothing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_async_executor_works_through_pgbouncer_with_prepared_statements_off() {
    let db = TestDatabase::empty_async().await.unwrap();
    let config = db.pooled_config().unwrap();
    let pool = AsyncDb::connect(&config).await.unwrap();
    pool.execute(&knexrs_query::raw(NOTES)).await.unwrap();
    let mut tasks = Vec::new();
    for i in 0..32_i64 {
        let pool = pool.clone();
        tasks.push(tokio::spawn(async move {
            let mut insert = Insert::into("notes");
            insert.set("body", format!("task {i}")).set("n", i);
            pool.execute(&insert).await.unwrap();
            let mut q = table("notes");
            q.column("body").where_eq("n", i);
            let rows: Vec<(String,)> = pool.fetch_all(&q).await.unwrap();
            assert_eq!(rows, [(format!("task {i}"),)]);
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let conn = pool.get().await.unwrap();
    let rolled_back = conn
        .transaction(|tx| {
            Box::pin(async move {
                let mut insert = Insert::into("notes");
                insert.set("body", "never").set("n", -1);
                tx.execute(&insert).await?;
                Err::<(), QueryError>(QueryError::NoRows)
            })
        })
        .await;
    assert!(rolled_back.is_err());
    let mut q = table("notes");
    q.count("*");
    let (n,): (i64,) = conn.fetch_one(&q).await.unwrap();
    assert_eq!(n, 32);
}
