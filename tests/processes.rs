//! Runner processes racing and dying: the database only ever holds whole
//! migrations, and the next run finishes the job.

#![allow(clippy::unwrap_used, reason = "a test fails by panicking")]

use knexrs_testing::TestDatabase;
use knexrs_tests::{fixture_migrate_command, kill_runner};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

fn runner(db: &TestDatabase, set: &str, args: &[&str]) -> Command {
    fixture_migrate_command(env!("CARGO_BIN_EXE_fixture-migrate"), db, set, args)
}

fn count(db: &TestDatabase, sql: &str) -> i64 {
    db.connect().unwrap().query_one(sql, &[]).unwrap().get(0)
}

#[test]
fn eight_runners_started_at_once_apply_each_migration_exactly_once() {
    let db = TestDatabase::empty().unwrap();
    let children: Vec<Child> = (0..8).map(|_| runner(&db, "tables:12", &["latest"]).spawn().unwrap()).collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_eq!(count(&db, "select count(*) from knex_migrations"), 12);
    assert_eq!(count(&db, "select count(distinct name) from knex_migrations"), 12);
    assert_eq!(count(&db, "select count(distinct batch) from knex_migrations"), 1);
    assert_eq!(count(&db, "select count(*) from knex_migrations_lock where is_locked = 1"), 0);
}

#[test]
fn a_runner_killed_mid_batch_leaves_no_half_migration_and_no_lock_and_the_next_run_finishes() {
    let db = TestDatabase::empty().unwrap();
    let mut child = runner(&db, "slow:10:150", &["latest"]).spawn().unwrap();
    // Wait until it is inside the batch: its tables are invisible in its open
    // transaction, so watch its statements instead.
    let deadline = Instant::now() + Duration::from_secs(20);
    let busy = "select count(*) from pg_stat_activity where query like '%pg_sleep(%' and datname = current_database() and pid <> pg_backend_pid()";
    while count(&db, busy) == 0 {
        assert!(Instant::now() < deadline, "the runner never started migrating");
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(300));
    // The server notices the dead session and rolls its transaction back.
    kill_runner(&mut child, &db);
    assert_eq!(count(&db, "select count(*) from knex_migrations"), 0, "one transaction: all or nothing");
    assert_eq!(count(&db, "select count(*) from pg_tables where tablename like 't\\_%'"), 0);
    assert_eq!(count(&db, "select count(*) from knex_migrations_lock where is_locked = 1"), 0);

    let out = runner(&db, "slow:10:1", &["latest"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(count(&db, "select count(*) from knex_migrations"), 10);
}

#[test]
fn a_failed_run_exits_1_with_one_line_naming_the_migration() {
    let db = TestDatabase::empty().unwrap();
    let out = runner(&db, "failing:2:3", &["latest"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("error: migration 20240101000002_create_t_2_badly failed at statement 2 of 3"),
        "{stderr}"
    );
}

#[test]
fn sigterm_during_a_long_migration_cancels_it_rolls_back_and_releases_the_lock() {
    let db = TestDatabase::empty().unwrap();
    let child = runner(&db, "slow:3:30000", &["latest"]).spawn().unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    let busy = "select count(*) from pg_stat_activity where query like '%pg_sleep(%' and datname = current_database() and pid <> pg_backend_pid()";
    while count(&db, busy) == 0 {
        assert!(Instant::now() < deadline, "the runner never started migrating");
        std::thread::sleep(Duration::from_millis(20));
    }
    let signalled = Instant::now();
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(child.id() as i32), nix::sys::signal::Signal::SIGTERM).unwrap();
    let out = child.wait_with_output().unwrap();
    // The 30-second statement was cancelled, not waited for.
    assert!(signalled.elapsed() < Duration::from_secs(10), "took {:?}", signalled.elapsed());
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("interrupted during 2024010100") && stderr.contains("rolled back"), "{stderr}");
    assert_eq!(count(&db, "select count(*) from knex_migrations"), 0);
    assert_eq!(count(&db, "select count(*) from pg_tables where tablename like 't\\_%'"), 0);
    assert_eq!(count(&db, "select count(*) from knex_migrations_lock where is_locked = 1"), 0);
    assert_eq!(
        count(
            &db,
            "select count(*) from pg_locks l join pg_database d on d.oid = l.database where l.locktype = 'advisory' and d.datname = current_database()"
        ),
        0,
        "the run's lock is released"
    );
    let out = runner(&db, "slow:3:1", &["latest"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// A cluster of its own that the test stops and starts, with an empty
/// database `waiting`; its port.
fn stoppable_cluster() -> (knexrs_cluster::LocalCluster, u16) {
    let root = knexrs_testing::cluster_root().unwrap();
    let options = knexrs_cluster::ClusterOptions::new("connect-wait", &root, 54389).setting("max_connections", "20");
    let cluster = knexrs_cluster::LocalCluster::new(options).unwrap();
    let port = cluster.start().unwrap();
    let admin =
        knexrs_connect::ConnectConfig::from_url(&format!("postgres://postgres@127.0.0.1:{port}/postgres")).unwrap();
    let mut admin = admin.connect().unwrap();
    admin.batch_execute("drop database if exists waiting with (force)").unwrap();
    admin.batch_execute("create database waiting").unwrap();
    (cluster, port)
}

fn waiting_runner(port: u16, database: &str, wait: &str) -> Child {
    Command::new(env!("CARGO_BIN_EXE_fixture-migrate"))
        .args(["tables:2", "latest", "--connect-wait", wait])
        .env("DATABASE_URL", format!("postgres://postgres@127.0.0.1:{port}/{database}"))
        .env_remove("KNEXRS_ENV")
        .env_remove("NODE_ENV")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap()
}

#[test]
fn connect_wait_waits_for_a_server_that_starts_late_for_migrations_and_seeds_but_not_for_a_missing_database_and_a_signal_ends_it()
 {
    let (cluster, port) = stoppable_cluster();
    cluster.stop().unwrap();
    // Started before its database (a Kubernetes Job beside a database pod): it waits, then migrates.
    let runner = waiting_runner(port, "waiting", "2m");
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(cluster.start().unwrap(), port, "the cluster came back on its port");
    let out = runner.wait_with_output().unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{stdout}{stderr}");
    assert!(stdout.contains("Batch 1 run: 2 migrations"), "{stdout}");
    assert!(
        stderr.starts_with("Waiting up to 120 s for the database to accept connections (cannot connect to "),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "said once: {stderr}");

    // Seeds wait the same way (a preview environment seeded as its database starts).
    cluster.stop().unwrap();
    let seeding = Command::new(env!("CARGO_BIN_EXE_fixture-seed"))
        .args(["people", "status", "--connect-wait", "2m"])
        .env("DATABASE_URL", format!("postgres://postgres@127.0.0.1:{port}/waiting"))
        .env_remove("KNEXRS_ENV")
        .env_remove("NODE_ENV")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(cluster.start().unwrap(), port);
    let out = seeding.wait_with_output().unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{stdout}{stderr}");
    assert!(stdout.contains("01_alice: not run"), "{stdout}");
    assert!(stderr.starts_with("Waiting up to 120 s for the database to accept connections ("), "{stderr}");

    // A database that does not exist is not a server starting up: the error comes at once.
    let started = Instant::now();
    let out = waiting_runner(port, "no_such_database", "10m").wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains(r#"database "no_such_database" does not exist"#), "{stderr}");
    assert!(started.elapsed() < Duration::from_secs(60), "it did not wait out its 10 minutes");

    // SIGTERM ends the wait: exit 1, one line, nothing applied.
    cluster.stop().unwrap();
    let runner = waiting_runner(port, "waiting", "10m");
    std::thread::sleep(Duration::from_secs(1));
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(runner.id() as i32), nix::sys::signal::Signal::SIGTERM).unwrap();
    let out = runner.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.trim_end().ends_with(
            "error: interrupted while waiting for the database to accept connections; no migration of this run was applied"
        ),
        "{stderr}"
    );
    // The cluster stays stopped: nothing of the test outlives it.

    // A fleet run reports each database it cannot reach: the option is refused there, not ignored.
    let out = Command::new(env!("CARGO_BIN_EXE_fixture-migrate"))
        .args(["tables:2", "latest", "--targets", "/nonexistent/targets.txt", "--connect-wait", "1m"])
        .env("DATABASE_URL", format!("postgres://postgres@127.0.0.1:{port}/waiting"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.starts_with("error: --connect-wait cannot be used with --targets: "), "{stderr}");
    let out = Command::new(env!("CARGO_BIN_EXE_fixture-seed"))
        .args(["people", "run", "--targets", "/nonexistent/targets.txt", "--connect-wait", "1m"])
        .env("DATABASE_URL", format!("postgres://postgres@127.0.0.1:{port}/waiting"))
        .env_remove("KNEXRS_ENV")
        .env_remove("NODE_ENV")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.starts_with("error: --connect-wait cannot be used with --targets: "), "{stderr}");
}
