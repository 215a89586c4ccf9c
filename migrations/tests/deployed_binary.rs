//! The `migrate` binary the Dockerfile ships, run as a Job would run it.

#![allow(clippy::unwrap_used, reason = "a test fails by panicking")]

use knexrs_testing::TestDatabase;
use std::process::{Command, Output};

fn migrate(url: Option<&str>, env: Option<&str>, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_migrate"));
    command.args(args).env_remove("DATABASE_URL").env_remove("KNEXRS_ENV").env_remove("NODE_ENV");
    for var in ["DB_HOST", "DB_PORT", "DB_NAME", "DB_USER", "DB_PASSWORD"] {
        command.env_remove(var);
    }
    if let Some(url) = url {
        command.env("DATABASE_URL", url);
    }
    if let Some(env) = env {
        command.env("KNEXRS_ENV", env);
    }
    command.output().unwrap()
}

fn text(out: &Output) -> (String, String) {
    (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn the_deployed_binary_migrates_reports_status_and_is_idempotent() {
    let db = TestDatabase::empty().unwrap();
    let out = migrate(Some(&db.url()), None, &["latest"]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    let n = cliscale_migrations::migrations().len();
    assert!(stdout.contains(&format!("Batch 1 run: {n} migrations")), "{stdout}");
    let out = migrate(Some(&db.url()), None, &["status", "--json", "--exit-code"]);
    assert!(out.status.success(), "{}", text(&out).1);
    let status: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(status["pending"].as_array().map(Vec::len), Some(0), "{status}");
    let out = migrate(Some(&db.url()), None, &["latest"]);
    assert!(text(&out).0.contains("Already up to date"));
}

#[test]
fn without_a_database_it_says_what_to_set_and_exits_1() {
    let out = migrate(None, None, &["latest"]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("set DATABASE_URL"), "{stderr}");
}

#[test]
fn production_insists_on_a_verified_tls_connection() {
    // The test server has no TLS: production's verify-full cannot connect, and says so on one line.
    let db = TestDatabase::empty().unwrap();
    let out = migrate(Some(&db.url()), Some("production"), &["latest"]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    let rows: i64 = db
        .connect()
        .unwrap()
        .query_one("select count(*) from pg_tables where tablename = 'knex_migrations'", &[])
        .unwrap()
        .get(0);
    assert_eq!(rows, 0, "nothing was done");
}
