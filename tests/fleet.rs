//! `--targets`: one command on many databases, a few at a time, each as its
//! own run. The command line as a process, and the library's cancellation.

#![allow(clippy::unwrap_used, reason = "a test fails by panicking")]

use knexrs_migrate::{FleetOptions, FleetOutcome, FleetTarget, MigrateError, Migrator, RunOptions, Target};
use knexrs_testing::TestDatabase;
use knexrs_tests::{fixture_migrate_command, migration_set};
use std::path::PathBuf;
use std::process::Output;

/// `fixture-migrate <set> <args…>` with `DATABASE_URL` set to `home`, which a
/// fleet run must never touch.
fn fleet_run(home: &TestDatabase, set: &str, args: &[&str]) -> Output {
    fixture_migrate_command(env!("CARGO_BIN_EXE_fixture-migrate"), home, set, args).output().unwrap()
}

/// A list of `dbs` (`name url` lines) in a file of its own.
fn targets_file(dbs: &[&TestDatabase]) -> PathBuf {
    let text: String = dbs.iter().map(|db| format!("{} {}\n", db.name(), db.url())).collect();
    let path = std::env::temp_dir().join(format!("knexrs-fleet-{}.txt", dbs[0].name()));
    std::fs::write(&path, format!("# a fleet of {}\n{text}", dbs.len())).unwrap();
    path
}

/// The migrations `db` records (none when even the table is missing: a
/// failed run through a transaction pooler leaves no bookkeeping).
fn applied(db: &TestDatabase) -> i64 {
    let mut client = db.connect().unwrap();
    let exists: bool = client.query_one("select to_regclass('knex_migrations') is not null", &[]).unwrap().get(0);
    if !exists {
        return 0;
    }
    client.query_one("select count(*) from knex_migrations", &[]).unwrap().get(0)
}

fn text(out: &Output) -> (String, String) {
    (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn a_fleet_run_migrates_every_listed_database_and_never_the_one_in_database_url() {
    let home = TestDatabase::empty().unwrap();
    let dbs: Vec<TestDatabase> = (0..5).map(|_| TestDatabase::empty().unwrap()).collect();
    let list = targets_file(&dbs.iter().collect::<Vec<_>>());
    let list_arg = list.to_str().unwrap();

    let out = fleet_run(&home, "tables:3", &["latest", "--targets", list_arg, "--parallel", "2"]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}{stderr}");
    assert!(stdout.contains(&format!("(5 databases from {list_arg}, 2 at a time)")), "{stdout}");
    for db in &dbs {
        assert!(stdout.contains(&format!("[{}] Batch 1 run: 3 migrations", db.name())), "{stdout}");
        assert!(stdout.contains(&format!("[{}]   20240101000003_create_t_3 (", db.name())), "{stdout}");
        assert_eq!(applied(db), 3, "{}", db.name());
    }
    assert!(stdout.contains("5 of 5 databases finished: 5 ran 15 migrations, 0 had nothing to do"), "{stdout}");
    assert_eq!(applied(&home), 0, "DATABASE_URL's database is not in the list");

    let again = fleet_run(&home, "tables:3", &["latest", "--targets", list_arg]);
    let (stdout, stderr) = text(&again);
    assert!(again.status.success(), "{stdout}{stderr}");
    assert!(stdout.contains(&format!("[{}] Already up to date", dbs[4].name())), "{stdout}");
    assert!(stdout.contains("5 of 5 databases finished: 0 ran 0 migrations, 5 had nothing to do"), "{stdout}");
    assert!(stdout.contains("8 at a time"), "the default: {stdout}");

    let back = fleet_run(&home, "tables:3", &["rollback", "--targets", list_arg]);
    let (stdout, stderr) = text(&back);
    assert!(back.status.success(), "{stdout}{stderr}");
    assert!(stdout.contains(&format!("[{}] Batch 1 rolled back: 3 migrations", dbs[0].name())), "{stdout}");
    assert!(dbs.iter().all(|db| applied(db) == 0));
    std::fs::remove_file(list).unwrap();
}

#[test]
fn a_database_that_fails_does_not_stop_the_others_and_the_run_exits_1_naming_it() {
    let home = TestDatabase::empty().unwrap();
    let dbs: Vec<TestDatabase> = (0..4).map(|_| TestDatabase::empty().unwrap()).collect();
    // The second migration cannot create a table that is already there.
    dbs[2].connect().unwrap().batch_execute("create table t_2 (kept int); insert into t_2 values (7)").unwrap();
    let list = targets_file(&dbs.iter().collect::<Vec<_>>());

    let out = fleet_run(&home, "tables:3", &["latest", "--targets", list.to_str().unwrap(), "--parallel", "3"]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    let failing = dbs[2].name();
    assert!(stdout.contains(&format!("[{failing}] error: migration 20240101000002_create_t_2 failed")), "{stdout}");
    assert!(stdout.contains("3 of 4 databases finished: 3 ran 9 migrations"), "{stdout}");
    assert_eq!(
        stderr.trim(),
        format!(
            "error: 1 of 4 databases failed ({failing}): fix them; the others finished; \
             run the command again on the unfinished ones alone (`--targets` a list of them)"
        )
    );
    for (i, db) in dbs.iter().enumerate() {
        assert_eq!(applied(db), if i == 2 { 0 } else { 3 }, "{}", db.name());
    }
    // The failed database's batch rolled back as a whole; its own table is intact.
    let kept: i32 = dbs[2].connect().unwrap().query_one("select kept from t_2", &[]).unwrap().get(0);
    assert_eq!(kept, 7);
    std::fs::remove_file(list).unwrap();
}

#[test]
fn fail_fast_starts_no_database_after_the_first_failure() {
    let home = TestDatabase::empty().unwrap();
    let dbs: Vec<TestDatabase> = (0..3).map(|_| TestDatabase::empty().unwrap()).collect();
    dbs[0].connect().unwrap().batch_execute("create table t_1 (kept int)").unwrap();
    let list = targets_file(&dbs.iter().collect::<Vec<_>>());

    let args = ["latest", "--targets", list.to_str().unwrap(), "--parallel", "1", "--fail-fast"];
    let out = fleet_run(&home, "tables:2", &args);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    assert!(
        stderr.contains(&format!("1 of 3 databases failed ({}) and 2 were not started", dbs[0].name())),
        "{stderr}"
    );
    assert!(!stdout.contains(&format!("[{}]", dbs[1].name())), "{stdout}");
    assert_eq!((applied(&dbs[1]), applied(&dbs[2])), (0, 0), "not started, not touched");
    std::fs::remove_file(list).unwrap();
}

#[test]
fn a_bad_list_is_refused_on_one_line_before_any_database_changes() {
    let home = TestDatabase::empty().unwrap();
    let db = TestDatabase::empty().unwrap();
    let path = std::env::temp_dir().join(format!("knexrs-fleet-bad-{}.txt", db.name()));
    let cases = [
        (format!("a {}\na {}\n", db.url(), home.url()), "line 2 names `a` again (line 1)"),
        (format!("a {} extra\n", db.url()), "line 1 has 3 fields: write `name url` or a URL"),
        ("# nobody yet\n".to_owned(), "lists no database: write one `name url` per line"),
    ];
    for (list, expected) in cases {
        std::fs::write(&path, &list).unwrap();
        let out = fleet_run(&home, "tables:1", &["latest", "--targets", path.to_str().unwrap()]);
        let (stdout, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(1), "{list}: {stdout}{stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.contains(expected), "{list}: {stderr}");
        assert!(stderr.contains("nothing was run"), "{stderr}");
    }
    std::fs::write(&path, format!("a {}\n", db.url())).unwrap();
    let out = fleet_run(&home, "tables:1", &["latest", "--targets", path.to_str().unwrap(), "--parallel", "0"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).1.contains("--parallel does not take `0`"), "{}", text(&out).1);
    let out = fleet_run(&home, "tables:1", &["latest", "--targets", path.to_str().unwrap(), "--dry-run"]);
    assert_eq!(out.status.code(), Some(2), "clap refuses --dry-run with --targets");
    let out = fleet_run(&home, "tables:1", &["latest", "--targets", "/nonexistent/fleet.txt"]);
    assert!(text(&out).1.contains("reading the list of databases /nonexistent/fleet.txt"), "{}", text(&out).1);
    assert_eq!((applied(&db), applied(&home)), (0, 0));
    std::fs::remove_file(path).unwrap();
}

#[test]
fn a_cancelled_fleet_starts_nothing_and_says_so() {
    let dbs: Vec<TestDatabase> = (0..2).map(|_| TestDatabase::empty().unwrap()).collect();
    let targets: Vec<FleetTarget> =
        dbs.iter().map(|db| FleetTarget { name: db.name().to_owned(), connection: db.config().clone() }).collect();
    let migrator = Migrator::new(migration_set("tables:2").unwrap()).unwrap();
    let options = RunOptions::default();
    options.cancel.cancel();
    struct Quiet;
    impl knexrs_migrate::FleetReporter for Quiet {
        fn report(&mut self, _: &str, _: knexrs_migrate::Event<'_>) {}
        fn finished(&mut self, _: &str, _: &FleetOutcome) {}
    }
    let report = migrator.run_fleet(&targets, &Target::Latest, &options, &FleetOptions::default(), &mut Quiet).unwrap();
    assert!(report.targets.iter().all(|(_, outcome)| matches!(outcome, FleetOutcome::NotStarted)));
    let err = report.into_result().unwrap_err();
    assert!(matches!(err, MigrateError::FleetFailed { total: 2, not_started: 2, .. }), "{err}");
    assert!(dbs.iter().all(|db| applied(db) == 0));
}

#[test]
fn status_with_targets_says_which_databases_are_behind_and_which_cannot_be_read() {
    let home = TestDatabase::empty().unwrap();
    let dbs: Vec<TestDatabase> = (0..3).map(|_| TestDatabase::empty().unwrap()).collect();
    let list = targets_file(&dbs.iter().collect::<Vec<_>>());
    let list_arg = list.to_str().unwrap();
    let out = fleet_run(&home, "tables:2", &["latest", "--targets", list_arg]);
    assert!(out.status.success(), "{:?}", text(&out));

    let status = fleet_run(&home, "tables:2", &["status", "--targets", list_arg, "--exit-code"]);
    let (stdout, stderr) = text(&status);
    assert_eq!(status.status.code(), Some(0), "{stdout}{stderr}");
    assert!(stdout.contains(&format!("[{}] up to date: 2 applied", dbs[1].name())), "{stdout}");
    assert!(stdout.contains("3 of 3 databases up to date, 0 behind, 0 could not be read"), "{stdout}");

    // A migration added since: every database is behind by one.
    let behind = fleet_run(&home, "tables:3", &["status", "--targets", list_arg, "--exit-code"]);
    let (stdout, stderr) = text(&behind);
    assert_eq!(behind.status.code(), Some(3), "{stdout}{stderr}");
    let line = format!("[{}] 1 pending (20240101000003_create_t_3), 2 applied", dbs[0].name());
    assert!(stdout.contains(&line), "{stdout}");
    assert!(stdout.contains("0 of 3 databases up to date, 3 behind, 0 could not be read"), "{stdout}");

    let json = fleet_run(&home, "tables:3", &["status", "--targets", list_arg, "--json"]);
    let parsed: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(parsed["databases"][2]["name"], dbs[2].name());
    assert_eq!(parsed["databases"][2]["status"]["up_to_date"], false);

    // A database that does not exist cannot be read: exit 1, naming it.
    let ghost = home.url().replace(home.name(), "knexrs_no_such_database");
    std::fs::write(&list, format!("{} {}\nghost {ghost}\n", dbs[0].name(), dbs[0].url())).unwrap();
    let unreadable = fleet_run(&home, "tables:2", &["status", "--targets", list_arg]);
    let (stdout, stderr) = text(&unreadable);
    assert_eq!(unreadable.status.code(), Some(1), "{stdout}{stderr}");
    assert!(stdout.contains("[ghost] error: "), "{stdout}");
    assert!(stdout.contains("1 of 2 databases up to date, 0 behind, 1 could not be read"), "{stdout}");
    assert!(stderr.contains("1 of 2 databases failed (ghost)"), "{stderr}");
    std::fs::remove_file(list).unwrap();
}

#[test]
fn drift_with_targets_checks_each_database_against_its_own_applied_migrations() {
    let home = TestDatabase::empty().unwrap();
    let dbs: Vec<TestDatabase> = (0..3).map(|_| TestDatabase::empty().unwrap()).collect();
    let list = targets_file(&dbs.iter().collect::<Vec<_>>());
    let list_arg = list.to_str().unwrap();
    assert!(fleet_run(&home, "tables:2", &["latest", "--targets", list_arg]).status.success());
    // One tenant got a hotfix index by hand; another is a migration behind (not drift).
    dbs[1].connect().unwrap().batch_execute("create index hotfix on t_2 (name)").unwrap();
    dbs[2]
        .connect()
        .unwrap()
        .batch_execute("drop table t_2; delete from knex_migrations where name like '%t_2%'")
        .unwrap();
    let out = fleet_run(&home, "tables:2", &["drift", "--targets", list_arg, "--parallel", "2"]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    if knexrs_tests::through_pooler() {
        // A list of databases behind a transaction pooler gives no direct URL to make a throwaway database with.
        let refused = format!(
            "[{}] error: drift works on a throwaway database it creates, which a transaction pooler",
            dbs[0].name()
        );
        assert!(stdout.contains(&refused), "{stdout}");
        assert!(
            stdout.ends_with("0 of 3 databases are what their migrations build, 0 drifted, 3 could not be checked\n"),
            "{stdout}"
        );
        std::fs::remove_file(list).unwrap();
        return;
    }
    assert!(stdout.contains(&format!("[{}] no drift (2 applied)", dbs[0].name())), "{stdout}");
    assert!(
        stdout.contains(&format!(
            "[{}] index public.hotfix on public.t_2 is in the database, not in its migrations",
            dbs[1].name()
        )),
        "{stdout}"
    );
    assert!(stdout.contains(&format!("[{}] no drift (1 applied)", dbs[2].name())), "{stdout}");
    assert!(
        stdout.ends_with("2 of 3 databases are what their migrations build, 1 drifted, 0 could not be checked\n"),
        "{stdout}"
    );
    let json = fleet_run(&home, "tables:2", &["drift", "--targets", list_arg, "--json"]);
    let parsed: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(parsed["databases"][1]["drift"]["drifted"], true);
    assert_eq!(parsed["databases"][0]["drift"]["drifted"], false);
    std::fs::remove_file(list).unwrap();
}
