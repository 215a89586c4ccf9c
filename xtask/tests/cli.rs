//! `cargo xtask migrate …` end to end, as a process: every command, its
//! output and exit code, on a database of the test's own.

#![allow(clippy::unwrap_used, reason = "a test fails by panicking")]

use knexrs_testing::TestDatabase;
use std::path::PathBuf;
use std::process::{Command, Output};

fn xtask(db: Option<&TestDatabase>, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
    command.args(args);
    for var in ["DATABASE_URL", "DB_HOST", "DB_PORT", "DB_NAME", "DB_USER", "DB_PASSWORD", "KNEXRS_ENV", "NODE_ENV"] {
        command.env_remove(var);
    }
    if let Some(db) = db {
        command.env("DATABASE_URL", db.url());
    }
    command.output().expect("running xtask")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[track_caller]
fn ok(out: Output) -> String {
    assert!(out.status.success(), "exit {:?}\n{}{}", out.status.code(), stdout(&out), stderr(&out));
    stdout(&out)
}

fn count(db: &TestDatabase, sql: &str) -> i64 {
    db.connect().unwrap().query_one(sql, &[]).unwrap().get(0)
}

/// The workspace's migrations, whatever a user added to them: these tests
/// check the commands, not which migrations exist.
fn names() -> Vec<String> {
    cliscale_migrations::migrator().unwrap().migrations().iter().map(|m| m.name().to_owned()).collect()
}

fn first() -> String {
    names().first().cloned().expect("the workspace has migrations")
}

fn last() -> String {
    names().last().cloned().expect("the workspace has migrations")
}

#[test]
fn latest_applies_every_migration_then_is_up_to_date() {
    let db = TestDatabase::empty().unwrap();
    let out = ok(xtask(Some(&db), &["migrate", "latest"]));
    let n = names().len();
    assert!(out.contains(&format!("Batch 1 run: {n} migrations")), "{out}");
    for name in names() {
        assert!(out.contains(&format!("  {name} (")), "{out}");
    }
    assert_eq!(count(&db, "select count(*) from knex_migrations where batch = 1"), n as i64);
    let again = ok(xtask(Some(&db), &["migrate", "latest"]));
    assert!(again.contains("Already up to date"), "{again}");
}

#[test]
fn rollback_up_down_status_and_current_version_work_as_in_knex() {
    let db = TestDatabase::empty().unwrap();
    ok(xtask(Some(&db), &["migrate", "latest"]));
    let (n, last) = (names().len(), last());
    let newest_version = names().iter().map(|n| n.split('_').next().unwrap_or("").to_owned()).max().unwrap();
    let version = ok(xtask(Some(&db), &["migrate", "current-version"]));
    assert!(version.contains(&format!("Current Version: {newest_version}")), "{version}");

    // knex's lines: `down` and `up` name what they ran; `status` lists plain file names.
    let out = ok(xtask(Some(&db), &["migrate", "down"]));
    assert!(out.contains(&format!("Batch 1 rolled back the following migrations:\n{last}.rs\n")), "{out}");
    let status = ok(xtask(Some(&db), &["migrate", "status"]));
    let completed = match n - 1 {
        0 => "No Completed Migration files Found.\n".to_owned(),
        k => format!("Found {k} Completed Migration file/files.\n"),
    };
    assert!(status.contains(&completed), "{status}");
    assert!(status.contains(&format!("Found 1 Pending Migration file/files.\n{last}.rs\n")), "{status}");

    let out = ok(xtask(Some(&db), &["migrate", "up"]));
    assert!(out.contains(&format!("Batch 2 ran the following migrations:\n{last}.rs\n")), "{out}");
    let out = ok(xtask(Some(&db), &["migrate", "rollback"]));
    assert!(out.contains("Batch 2 rolled back: 1 migrations"), "{out}");
    let out = ok(xtask(Some(&db), &["migrate", "up", &last]));
    assert!(out.contains(&last), "{out}");

    let out = ok(xtask(Some(&db), &["migrate", "rollback", "--all"]));
    assert!(out.contains(&format!("rolled back: {n} migrations")), "{out}");
    assert_eq!(count(&db, "select count(*) from knex_migrations"), 0);
    let out = ok(xtask(Some(&db), &["migrate", "rollback"]));
    assert!(out.contains("Already at the base migration"), "{out}");
    let version = ok(xtask(Some(&db), &["migrate", "current-version"]));
    assert!(version.contains("Current Version: none"), "{version}");
}

#[test]
fn status_speaks_json_and_exit_codes_for_machines() {
    let db = TestDatabase::empty().unwrap();
    let pending = xtask(Some(&db), &["migrate", "status", "--exit-code"]);
    assert_eq!(pending.status.code(), Some(3), "{}", stderr(&pending));
    let json = ok(xtask(Some(&db), &["migrate", "status", "--json"]));
    let line = json.lines().find(|l| l.starts_with('{')).expect("a JSON line");
    let value: serde_json::Value = serde_json::from_str(line).unwrap();
    assert_eq!(value["pending"].as_array().unwrap().len(), names().len());
    assert_eq!(value["up_to_date"], false);

    ok(xtask(Some(&db), &["migrate", "latest"]));
    let current = xtask(Some(&db), &["migrate", "status", "--exit-code", "--json"]);
    assert_eq!(current.status.code(), Some(0));
    let line = stdout(&current).lines().find(|l| l.starts_with('{')).map(str::to_owned).unwrap();
    let value: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!(value["applied"][0]["recorded_as"], format!("{}.rs", first()));
    assert_eq!(value["applied"][0]["batch"], 1);
}

#[test]
fn dry_run_prints_the_sql_and_its_transaction_and_changes_nothing() {
    let db = TestDatabase::empty().unwrap();
    let out = ok(xtask(Some(&db), &["migrate", "latest", "--dry-run"]));
    assert!(out.contains(&format!("-- migration {}", first())), "{out}");
    assert!(out.contains("BEGIN;") && out.contains("COMMIT;"), "{out}");
    assert_eq!(count(&db, "select count(*) from pg_tables where schemaname = 'public'"), 0);
    ok(xtask(Some(&db), &["migrate", "latest"]));
    let out = ok(xtask(Some(&db), &["migrate", "rollback", "--dry-run"]));
    assert!(out.contains(&format!("-- migration {}", last())), "{out}");
    assert_eq!(count(&db, "select count(*) from knex_migrations"), names().len() as i64);
}

#[test]
fn unlock_frees_a_lock_row_a_killed_knex_left() {
    let db = TestDatabase::empty().unwrap();
    ok(xtask(Some(&db), &["migrate", "latest"]));
    db.connect().unwrap().batch_execute("update knex_migrations_lock set is_locked = 1").unwrap();
    let locked = xtask(Some(&db), &["migrate", "rollback"]);
    assert_eq!(locked.status.code(), Some(1), "{}", stdout(&locked));
    let err = stderr(&locked);
    assert!(err.contains("Migration table is already locked") && err.contains("migrate unlock"), "{err}");
    assert!(ok(xtask(Some(&db), &["migrate", "unlock"])).contains("Succesfully unlocked the migrations lock table"));
    let out = ok(xtask(Some(&db), &["migrate", "rollback"]));
    assert!(out.contains(&format!("Batch 1 rolled back: {} migrations", names().len())), "{out}");
}

#[test]
fn bad_input_is_one_line_exit_1_and_usage_errors_exit_2() {
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["migrate", "latest"])
        .env("DATABASE_URL", "postgres://app:hunter2@localhost:notaport/db")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("error: DATABASE_URL: the connection URL is not valid"), "{err}");
    assert!(!err.contains("hunter2") && !stdout(&out).contains("hunter2"));

    for name in ["../x", "", "bad name", "a/b"] {
        let out = xtask(None, &["migrate", "make", name]);
        assert_eq!(out.status.code(), Some(1), "make {name:?}");
        assert!(stderr(&out).starts_with("error: migration name"), "{}", stderr(&out));
    }
    let out = xtask(None, &["migrate", "frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
    let out = xtask(None, &["migrate", "latest", "--transaction", "sometimes"]);
    assert_eq!(out.status.code(), Some(2));
}

/// A folder removed when dropped, and a cluster stopped with it.
struct Scratch {
    dir: PathBuf,
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ =
            Command::new(env!("CARGO_BIN_EXE_xtask")).args(["db", "stop"]).env("CARGO_TARGET_DIR", &self.dir).output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[test]
fn with_no_connection_configured_migrate_starts_and_uses_a_local_dev_cluster() {
    let scratch = Scratch { dir: std::env::temp_dir().join(format!("knexrs-xtask-devcluster-{}", std::process::id())) };
    let run = |args: &[&str]| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
        command.args(args).env("CARGO_TARGET_DIR", &scratch.dir);
        for var in ["DATABASE_URL", "DB_HOST", "KNEXRS_ENV", "NODE_ENV"] {
            command.env_remove(var);
        }
        command.output().unwrap()
    };
    let out = ok(run(&["migrate", "latest"]));
    assert!(out.contains("Using environment: development (postgres://postgres@127.0.0.1:"), "{out}");
    assert!(out.contains(&format!("Batch 1 run: {} migrations", names().len())), "{out}");
    assert!(ok(run(&["migrate", "latest"])).contains("Already up to date"));
    let status = ok(run(&["db", "status"]));
    assert!(status.starts_with("dev cluster: running on postgres://postgres@127.0.0.1:"), "{status}");
    let url = ok(run(&["db", "url"]));
    let mut client = postgres::Client::connect(url.trim(), postgres::NoTls).unwrap();
    let rows: i64 = client.query_one("select count(*) from knex_migrations", &[]).unwrap().get(0);
    assert_eq!(rows, names().len() as i64);
    drop(client);
    assert!(ok(run(&["db", "stop"])).contains("dev cluster stopped"));
    assert!(ok(run(&["db", "status"])).contains("dev cluster: stopped"));
    let out = run(&["db", "url"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("cargo xtask db start"));
}

#[test]
fn staging_and_production_never_fall_back_to_a_local_cluster() {
    for env in ["staging", "production"] {
        let out = xtask(None, &["migrate", "status", "--env", env]);
        assert_eq!(out.status.code(), Some(1));
        assert!(
            stderr(&out).contains(&format!("no database configured for {env}: set DATABASE_URL")),
            "{}",
            stderr(&out)
        );
    }
}
