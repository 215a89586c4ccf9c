//! Bad input to the `migrate` command line: each is one line on stderr,
//! exit 1 (failure) or 2 (usage), no password echoed, nothing changed.

#![allow(clippy::unwrap_used, reason = "a test fails by panicking")]

use knexrs_testing::{TEST_PASSWORD, TestDatabase, server};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn fixture(set: &str, url: &str, args: &[&str]) -> Output {
    fixture_with(set, url, args, &[])
}

/// [`fixture`] with more variables; the machine's own `PGPASSWORD` and
/// `~/.pgpass` are kept out unless given.
fn fixture_with(set: &str, url: &str, args: &[&str], vars: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fixture-migrate"))
        .arg(set)
        .args(args)
        .env("DATABASE_URL", url)
        .env_remove("KNEXRS_ENV")
        .env_remove("NODE_ENV")
        .env_remove("PGPASSWORD")
        .env("PGPASSFILE", "/nonexistent/knexrs-tests/pgpass")
        .envs(vars.iter().copied())
        .output()
        .unwrap()
}

/// Exit code 1 (or `code`), one line on stderr starting with `error:` and containing `expect`, no password.
fn assert_one_line(out: &Output, code: i32, expect: &str) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(code), "stdout: {stdout}\nstderr: {stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(stderr.contains(expect), "expected `{expect}` in: {stderr}");
    assert!(!stderr.contains(TEST_PASSWORD) && !stdout.contains(TEST_PASSWORD), "the password leaked: {stderr}");
    stderr
}

fn rows(db: &TestDatabase) -> Vec<String> {
    let mut client = db.connect().unwrap();
    match client.query("select name || ':' || batch from knex_migrations order by id", &[]) {
        Ok(rows) => rows.iter().map(|r| r.get(0)).collect(),
        Err(_) => Vec::new(),
    }
}

/// A role that needs [`TEST_PASSWORD`], and the server's host and port.
fn password_role() -> (String, u16) {
    let admin = server().unwrap();
    let mut client = admin.connect().unwrap();
    client
        .batch_execute(&format!(
            "do $$ begin
               if not exists (select from pg_roles where rolname = 'knexrs_bad_input') then
                 create role knexrs_bad_input login;
               end if;
             end $$;
             -- hashed again each run: a cluster made before scram was the default kept an md5 hash
             alter role knexrs_bad_input password '{TEST_PASSWORD}'"
        ))
        .unwrap();
    let pg = admin.driver();
    let host = match pg.get_hosts().first() {
        Some(postgres::config::Host::Tcp(host)) => host.clone(),
        _ => "127.0.0.1".to_owned(),
    };
    (host, pg.get_ports().first().copied().unwrap_or(5432))
}

#[test]
fn a_malformed_database_url_is_one_line_without_the_password() {
    let out = fixture("tables:1", &format!("postgres://app:{TEST_PASSWORD}@localhost:notaport/db"), &["latest"]);
    assert_one_line(&out, 1, "error: DATABASE_URL: the connection URL is not valid");
}

#[test]
fn an_unreachable_host_fails_within_the_connect_timeout() {
    let start = Instant::now();
    let url = format!("postgres://app:{TEST_PASSWORD}@10.255.255.1:5432/db?connect_timeout=2");
    let out = fixture("tables:1", &url, &["latest"]);
    assert!(start.elapsed() < Duration::from_secs(15), "took {:?}", start.elapsed());
    assert_one_line(&out, 1, "error: cannot connect to postgres://app:***@10.255.255.1:5432/db");
}

#[test]
fn a_wrong_password_is_refused_and_never_echoed() {
    let (host, port) = password_role();
    let wrong = format!("{TEST_PASSWORD}-wrong");
    let out = fixture("tables:1", &format!("postgres://knexrs_bad_input:{wrong}@{host}:{port}/postgres"), &["latest"]);
    let stderr = assert_one_line(&out, 1, "password authentication failed for user \"knexrs_bad_input\"");
    assert!(!stderr.contains(&wrong));
    // The right password works, and is not printed either.
    let db = database_for_password_role();
    let url = format!("postgres://knexrs_bad_input:{TEST_PASSWORD}@{host}:{port}/{}", db.name());
    let out = fixture("tables:1", &url, &["latest"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!String::from_utf8_lossy(&out.stdout).contains(TEST_PASSWORD));
}

#[test]
fn a_role_that_needs_a_password_given_none_is_told_where_to_give_it() {
    let (host, port) = password_role();
    let out = fixture("tables:1", &format!("postgres://knexrs_bad_input@{host}:{port}/postgres"), &["latest"]);
    assert_one_line(&out, 1, "the server asks for a password: give it in DATABASE_URL");
}

/// A database the password role owns, for runs that change something.
fn database_for_password_role() -> TestDatabase {
    let db = TestDatabase::empty().unwrap();
    let grant = format!("grant all on database \"{}\" to knexrs_bad_input", db.name());
    server().unwrap().connect().unwrap().batch_execute(&grant).unwrap();
    db.connect().unwrap().batch_execute("alter schema public owner to knexrs_bad_input").unwrap();
    db
}

#[test]
fn a_url_without_a_password_takes_pgpassword_or_the_password_file_as_knex_does() {
    let (host, port) = password_role();
    let db = database_for_password_role();
    let url = format!("postgres://knexrs_bad_input@{host}:{port}/{}", db.name());
    let out = fixture_with("tables:1", &url, &["latest"], &[("PGPASSWORD", TEST_PASSWORD)]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let dir = std::env::temp_dir().join(format!("knexrs-pgpass-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("pgpass");
    std::fs::write(
        &file,
        format!("# the tests' role\nother-host:*:*:*:wrong\n{host}:{port}:*:knexrs_bad_input:{TEST_PASSWORD}\n"),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let passfile = file.to_str().unwrap();
    let out = fixture_with("tables:2", &url, &["latest"], &[("PGPASSFILE", passfile)]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(rows(&db).len(), 2);

    // As libpq: a file others can read is not used, and the error says why.
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = fixture_with("tables:3", &url, &["latest"], &[("PGPASSFILE", passfile)]);
    assert_one_line(&out, 1, &format!("{passfile} was not read: others can read it; chmod 600 it"));
    assert_eq!(rows(&db).len(), 2, "nothing changed");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_missing_database_is_named() {
    let (host, port) = password_role();
    let url = format!("postgres://postgres@{host}:{port}/knexrs_no_such_database");
    let out = fixture("tables:1", &url, &["latest"]);
    assert_one_line(&out, 1, "database \"knexrs_no_such_database\" does not exist");
}

#[test]
fn two_migrations_with_one_name_are_refused_naming_it_and_nothing_runs() {
    let db = TestDatabase::empty().unwrap();
    let out = fixture("duplicate", &db.url(), &["latest"]);
    assert_one_line(&out, 1, "duplicate migration 20240101000001_create_t_1");
    assert!(rows(&db).is_empty());
}

#[test]
fn migrations_sharing_a_timestamp_both_run_in_file_name_order_as_knex_runs_them() {
    let db = TestDatabase::empty().unwrap();
    let out = fixture("shared-timestamp", &db.url(), &["latest"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(rows(&db), ["20240101000001_create_t_1.rs:1", "20240101000001_zeta.rs:1"]);
}

#[test]
fn a_recorded_migration_whose_file_is_gone_is_refused_and_nothing_runs() {
    let db = TestDatabase::empty().unwrap();
    assert!(fixture("tables:3", &db.url(), &["latest"]).status.success());
    let before = rows(&db);
    let out = fixture("tables:2", &db.url(), &["latest"]);
    assert_one_line(&out, 1, "20240101000003_create_t_3");
    assert_eq!(rows(&db), before);
}

#[test]
fn an_edited_migration_is_refused_until_accepted() {
    let db = TestDatabase::empty().unwrap();
    assert!(fixture("checksum:v1", &db.url(), &["latest"]).status.success());
    let before = rows(&db);
    let out = fixture("checksum:v2", &db.url(), &["latest"]);
    assert_one_line(&out, 1, "20240101000001_create_t_1");
    assert_eq!(rows(&db), before);
    for name in ["20240101000001_create_t_1", "20240101000002_create_t_2"] {
        assert!(fixture("checksum:v2", &db.url(), &["accept", name]).status.success());
    }
    assert!(fixture("checksum:v2", &db.url(), &["latest"]).status.success());
}

#[test]
fn usage_errors_exit_2() {
    let db = TestDatabase::empty().unwrap();
    for args in [&["frobnicate"][..], &["latest", "--transaction", "sometimes"], &["latest", "--lock-timeout", "soon"]]
    {
        let out = fixture("tables:1", &db.url(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
    assert!(rows(&db).is_empty());
}
