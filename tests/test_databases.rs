//! Test databases: isolation, release on panic, one template per migration
//! set, and many test processes at once leaving nothing behind.

#![allow(clippy::unwrap_used, reason = "a test fails by panicking")]

use knexrs_migrate::{Migration, Migrator};
use knexrs_testing::{DATABASE_PREFIX, Databases, DatabasesOptions, TestDatabase, server};
use std::process::Command;
use std::time::{Duration, Instant};

fn cliscale() -> Migrator {
    knexrs_tests::cliscale::migrator()
}

fn database_exists(name: &str) -> bool {
    let mut admin = server().unwrap().connect().unwrap();
    admin.query_opt("select 1 from pg_database where datname = $1", &[&name]).unwrap().is_some()
}

fn wait_until_gone(name: &str) -> bool {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if !database_exists(name) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

#[test]
fn two_tests_never_see_each_others_data() {
    let migrator = cliscale();
    let (a, b) = std::thread::scope(|scope| {
        let a = scope.spawn(|| TestDatabase::migrated(&migrator).unwrap());
        let b = scope.spawn(|| TestDatabase::migrated(&migrator).unwrap());
        (a.join().unwrap(), b.join().unwrap())
    });
    assert_ne!(a.name(), b.name());
    let insert = "insert into sessions (owner_user_id, job_name, expires_at) values ($1, 'job', now())";
    a.connect().unwrap().execute(insert, &[&"alice"]).unwrap();
    b.connect().unwrap().execute(insert, &[&"bob"]).unwrap();
    for (db, owner) in [(&a, "alice"), (&b, "bob")] {
        let owners: Vec<String> = db
            .connect()
            .unwrap()
            .query("select owner_user_id from sessions", &[])
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect();
        assert_eq!(owners, [owner]);
        let migrations: i64 =
            db.connect().unwrap().query_one("select count(*) from knex_migrations", &[]).unwrap().get(0);
        assert_eq!(migrations, 2, "fully migrated");
    }
}

#[test]
fn a_test_that_panics_still_releases_its_database() {
    let (sender, receiver) = std::sync::mpsc::channel();
    let outcome = std::thread::spawn(move || {
        let db = TestDatabase::migrated(&cliscale()).unwrap();
        sender.send(db.name().to_owned()).unwrap();
        panic!("the test fails with the database in hand");
    })
    .join();
    assert!(outcome.is_err());
    let name = receiver.recv().unwrap();
    assert!(wait_until_gone(&name), "{name} is still there after its test panicked");
}

#[test]
fn a_released_database_is_dropped_while_other_tests_keep_asking() {
    // Dropped while its pages are still in the server's buffers (cheap), not
    // held back until tests stop asking (then written out and costly to drop).
    let options = DatabasesOptions { prefix: "knexrs_t_busy_".into(), ready: 2, producers: 2 };
    let databases = Databases::new(&server().unwrap(), &cliscale(), options).unwrap();
    let first = databases.get().unwrap();
    let name = first.name().to_owned();
    drop(first);
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut gone = false;
    while !gone && Instant::now() < deadline {
        // Another test asks in the meantime, and releases its database too.
        drop(databases.get().unwrap());
        gone = !database_exists(&name);
    }
    databases.shut_down_and_drop_template();
    assert!(gone, "{name} was still there while tests kept asking");
}

fn notes_migrator(with_title: bool) -> Migrator {
    let up = if with_title {
        |s: &mut knexrs_schema::SchemaBuilder| {
            s.create_table("notes", |t| {
                t.increments("id");
                t.text("body");
                t.text("title");
            });
        }
    } else {
        |s: &mut knexrs_schema::SchemaBuilder| {
            s.create_table("notes", |t| {
                t.increments("id");
                t.text("body");
            });
        }
    };
    Migrator::new(vec![Migration::new("20250101000000_create_notes", up, |s| {
        s.drop_table("notes");
    })])
    .unwrap()
}

#[test]
fn a_changed_migration_gets_a_new_template_never_the_stale_one() {
    let admin = server().unwrap();
    let before = Databases::new(&admin, &notes_migrator(false), DatabasesOptions::default()).unwrap();
    let after = Databases::new(&admin, &notes_migrator(true), DatabasesOptions::default()).unwrap();
    assert_ne!(before.template(), after.template());
    let same = Databases::new(&admin, &notes_migrator(true), DatabasesOptions::default()).unwrap();
    assert_eq!(after.template(), same.template(), "the same migrations share a template");

    let db = TestDatabase::migrated(&notes_migrator(true)).unwrap();
    db.connect().unwrap().batch_execute("insert into notes (body, title) values ('b', 't')").unwrap();
    let old = TestDatabase::migrated(&notes_migrator(false)).unwrap();
    let error = old.connect().unwrap().batch_execute("insert into notes (body, title) values ('b', 't')").unwrap_err();
    let message = knexrs_connect::describe(&error);
    assert!(message.contains("column \"title\""), "{message}");
    for pool in [before, after, same] {
        pool.shut_down();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_test_database_dropped_right_after_block_in_place_is_dropped_without_a_panic() {
    let db = TestDatabase::empty_async().await.unwrap();
    let name = db.name().to_owned();
    // tokio leaves the rest of this poll without a budget: the drop must not
    // take it for blocking code and run a blocking client here.
    tokio::task::block_in_place(|| ());
    drop(db);
    assert!(tokio::task::spawn_blocking(move || wait_until_gone(&name)).await.unwrap(), "the database is dropped");
}

/// The test server's `postgres` database, as a URL for a fixture process.
fn admin_url() -> String {
    let db = TestDatabase::empty().unwrap();
    let url = db.url();
    url[..url.rfind('/').unwrap()].to_owned() + "/postgres"
}

#[test]
fn a_blocking_setup_mistakenly_called_from_async_code_fails_alone_and_later_tests_pass() {
    let url = admin_url();
    let output = Command::new(env!("CARGO_BIN_EXE_fixture-tests"))
        .args(["6", "--first-on-async"])
        .env("KNEXRS_TEST_DATABASE_URL", &url)
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "{stdout}{stderr}");
    assert!(stderr.contains("use the async API"), "the mistaken call is told what to use instead: {stderr}");
    assert_eq!(stdout.trim(), "6 tests passed");
}

#[test]
fn two_hundred_tests_in_four_processes_pass_and_leave_no_database_behind() {
    let url = admin_url();
    let running: Vec<_> = (0..4)
        .map(|_| {
            Command::new(env!("CARGO_BIN_EXE_fixture-tests"))
                .arg("50")
                .env("KNEXRS_TEST_DATABASE_URL", &url)
                .env_remove("DATABASE_URL")
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let children: Vec<_> = running.into_iter().map(|child| child.wait_with_output().unwrap()).collect();
    for output in &children {
        assert!(
            output.status.success(),
            "a test process failed:\n{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), "50 tests passed");
    }
    // Every database of a process that has exited is gone: only live processes
    // (this one) still hold test databases.
    let mut admin = server().unwrap().connect().unwrap();
    let live: Vec<String> = admin
        .query("select application_name from pg_stat_activity where application_name like 'knexrs-testing %'", &[])
        .unwrap()
        .iter()
        .map(|r| r.get::<_, String>(0).replace("knexrs-testing ", ""))
        .collect();
    let left: Vec<String> = admin
        .query("select datname::text from pg_database where starts_with(datname, $1)", &[&DATABASE_PREFIX])
        .unwrap()
        .iter()
        .map(|r| r.get::<_, String>(0))
        .filter(|name| !name.contains("tpl_") && !live.iter().any(|token| name.contains(token.as_str())))
        .collect();
    assert!(left.is_empty(), "databases outlived their test process: {left:?}");
}
