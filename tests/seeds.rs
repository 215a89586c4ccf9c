//! Seeds (knex `seed:make` / `seed:run`), tracked: through the library and
//! the command line, each test on its own database.

#![allow(clippy::unwrap_used, reason = "a test fails by panicking")]

use knexrs_migrate::{MigrateError, SeedOptions, SeedOutcome, SeedState, Seeder};
use knexrs_testing::TestDatabase;
use knexrs_tests::{person_seed, seed_set};
use std::process::Command;

fn people_db() -> TestDatabase {
    let db = TestDatabase::empty().unwrap();
    db.connect().unwrap().batch_execute("create table people (name text not null)").unwrap();
    db
}

fn people(db: &TestDatabase) -> Vec<String> {
    let rows = db.connect().unwrap().query("select name from people order by name", &[]).unwrap();
    rows.iter().map(|r| r.get(0)).collect()
}

fn outcomes(report: &[(String, SeedOutcome)]) -> Vec<(&str, SeedOutcome)> {
    report.iter().map(|(n, o)| (n.as_str(), *o)).collect()
}

#[test]
fn seeds_run_in_name_order_each_in_its_own_transaction_and_a_failure_rolls_back_that_seed_alone() {
    let db = people_db();
    let seeder = Seeder::new(seed_set("people:failing").unwrap()).unwrap();
    let error = seeder.run(db.config(), &SeedOptions::default()).unwrap_err();
    assert!(
        matches!(error, MigrateError::SeedFailed { ref seed, statement: 2, of: 2, .. } if seed == "02_bad"),
        "{error}"
    );
    let message = error.to_string();
    assert!(message.contains("no_such_table") && message.contains("(SQLSTATE 42P01)"), "{message}");
    assert!(message.contains("it was rolled back (the seeds before it stay)"), "{message}");
    assert_eq!(people(&db), ["alice"], "01 stays; 02's bob went with its transaction; 03 never ran");
    let states = seeder.status(db.config()).unwrap();
    assert!(matches!(states[0].1, SeedState::UpToDate(_)), "{states:?}");
    assert_eq!(states[1].1, SeedState::New);
    assert_eq!(states[2].1, SeedState::New);
}

#[test]
fn a_cancelled_seed_run_rolls_back_the_seed_it_was_in_and_names_the_seeds_committed_before_it() {
    let db = people_db();
    let slow = knexrs_migrate::Seed::new("02_slow", |s: &mut knexrs_migrate::prelude::SchemaBuilder| {
        let mut row = knexrs_query::Insert::into("people");
        row.set("name", "bob");
        s.query(&row);
        s.raw("select pg_sleep(60)");
    });
    let seeder =
        Seeder::new(vec![person_seed("01_alice", "alice", ""), slow, person_seed("03_carol", "carol", "")]).unwrap();
    let options = SeedOptions::default();
    let cancel = options.cancel.clone();
    let canceller = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(1500));
        cancel.cancel();
    });
    let started = std::time::Instant::now();
    let error = seeder.run(db.config(), &options).unwrap_err();
    canceller.join().unwrap();
    assert!(started.elapsed() < std::time::Duration::from_secs(30), "{:?}", started.elapsed());
    assert_eq!(
        error.to_string(),
        "interrupted while seed 02_slow ran: it was rolled back; committed before it: 01_alice"
    );
    assert_eq!(people(&db), ["alice"], "bob went with 02's transaction; 03 never ran");

    // Cancelled before the first seed: nothing of this run is committed, and it says so.
    let options = SeedOptions::default();
    options.cancel.cancel();
    let error = seeder.run(db.config(), &options).unwrap_err();
    assert_eq!(error.to_string(), "interrupted before seed 01_alice; no seed of this run was committed");
}

#[test]
fn runs_started_at_once_on_a_database_never_seeded_all_succeed_and_each_seed_runs_once() {
    let db = people_db();
    let seeder = Seeder::new(vec![person_seed("01_alice", "alice", "v1"), person_seed("02_bob", "bob", "v1")]).unwrap();
    let start = std::sync::Barrier::new(8);
    let reports: Vec<_> = std::thread::scope(|scope| {
        let runs: Vec<_> = (0..8)
            .map(|_| {
                scope.spawn(|| {
                    start.wait();
                    seeder.run(db.config(), &SeedOptions::default())
                })
            })
            .collect();
        runs.into_iter().map(|run| run.join().unwrap()).collect()
    });
    let mut ran = 0;
    for report in reports {
        let report = report.unwrap_or_else(|e| panic!("a concurrent run failed: {e}"));
        ran += report.iter().filter(|(_, outcome)| *outcome == SeedOutcome::Ran).count();
    }
    assert_eq!(ran, 2, "each seed ran in exactly one of the runs");
    assert_eq!(people(&db), ["alice", "bob"]);
}

#[test]
fn an_unchanged_seed_is_skipped_an_edited_one_runs_again_and_force_runs_every_one() {
    let db = people_db();
    let v1 = Seeder::new(vec![person_seed("01_alice", "alice", "v1"), person_seed("02_bob", "bob", "v1")]).unwrap();
    let first = v1.run(db.config(), &SeedOptions::default()).unwrap();
    assert_eq!(outcomes(&first), [("01_alice", SeedOutcome::Ran), ("02_bob", SeedOutcome::Ran)]);
    let again = v1.run(db.config(), &SeedOptions::default()).unwrap();
    assert_eq!(outcomes(&again), [("01_alice", SeedOutcome::Skipped), ("02_bob", SeedOutcome::Skipped)]);

    let v2 = Seeder::new(vec![person_seed("01_alice", "alice", "v1"), person_seed("02_bob", "bob", "v2")]).unwrap();
    let states = v2.status(db.config()).unwrap();
    assert!(matches!(states[0].1, SeedState::UpToDate(_)) && matches!(states[1].1, SeedState::Edited(_)), "{states:?}");
    let edited = v2.run(db.config(), &SeedOptions::default()).unwrap();
    assert_eq!(outcomes(&edited), [("01_alice", SeedOutcome::Skipped), ("02_bob", SeedOutcome::Ran)]);
    let forced = v2.run(db.config(), &SeedOptions { force: true, ..SeedOptions::default() }).unwrap();
    assert_eq!(outcomes(&forced), [("01_alice", SeedOutcome::Ran), ("02_bob", SeedOutcome::Ran)]);
    assert_eq!(people(&db), ["alice", "bob"], "each seed clears what it inserts: no duplicates");
}

#[test]
fn specific_runs_only_the_named_seed_and_an_unknown_name_changes_nothing() {
    let db = people_db();
    let seeder = Seeder::new(seed_set("people").unwrap()).unwrap();
    let only = SeedOptions { specific: Some("02_bob".into()), ..SeedOptions::default() };
    assert_eq!(outcomes(&seeder.run(db.config(), &only).unwrap()), [("02_bob", SeedOutcome::Ran)]);
    assert_eq!(people(&db), ["bob"]);
    let unknown = SeedOptions { specific: Some("09_nobody".into()), ..SeedOptions::default() };
    let error = seeder.run(db.config(), &unknown).unwrap_err();
    assert_eq!(error.to_string(), "Seed \"09_nobody\" not found. `seed status` lists the seeds");
    assert_eq!(people(&db), ["bob"]);
}

#[test]
fn seeds_refuse_production_and_change_nothing() {
    let db = people_db();
    let seeder = Seeder::new(seed_set("people").unwrap()).unwrap();
    let mut production = knexrs_connect::ConnectConfig::from_url(&format!("{}?sslmode=require", db.url())).unwrap();
    production.set_environment(knexrs_connect::Environment::Production).unwrap();
    let error = seeder.run(&production, &SeedOptions::default()).unwrap_err();
    assert!(matches!(error, MigrateError::SeedsInProduction), "{error}");
    assert!(error.to_string().contains("--allow-production"), "{error}");
    assert!(people(&db).is_empty());
    let recorded: bool =
        db.connect().unwrap().query_one("select to_regclass('knex_seeds_knexrs') is not null", &[]).unwrap().get(0);
    assert!(!recorded, "not even the seed table was created");
}

fn fixture_seed(db: &TestDatabase, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_fixture-seed"))
        .args(args)
        .env("DATABASE_URL", db.url())
        .env_remove("KNEXRS_ENV")
        .env_remove("NODE_ENV")
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn the_seed_commands_make_run_skip_list_and_refuse_production_as_one_line() {
    let db = people_db();
    let out = fixture_seed(&db, &["people", "run"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("Ran 2 seed files\n01_alice\n02_bob\n"), "{stdout}");

    let out = fixture_seed(&db, &["people", "run"]);
    let stdout = text(&out.stdout);
    assert!(stdout.contains("Skipped 01_alice: already run with this source (--force runs it again)"), "{stdout}");
    assert!(stdout.contains("Ran 0 seed files"), "{stdout}");

    let out = fixture_seed(&db, &["people", "status"]);
    let stdout = text(&out.stdout);
    assert!(stdout.contains("01_alice: ran ") && stdout.contains("02_bob: ran "), "{stdout}");

    let out = fixture_seed(&db, &["people", "run", "--env", "production"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("refusing to run them in production"), "{stderr}");

    let dir = tempdir();
    let make = |name: &str| {
        Command::new(env!("CARGO_BIN_EXE_fixture-seed"))
            .args(["people", "make", name])
            .env("FIXTURE_SEEDS_DIR", &dir)
            .output()
            .unwrap()
    };
    let out = make("03_carol");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).starts_with("Created seed file: "), "{}", text(&out.stdout));
    let written = std::fs::read_to_string(dir.join("03_carol.rs")).unwrap();
    assert!(written.contains("pub fn seed(schema: &mut SchemaBuilder)"), "{written}");
    let again = make("03_carol");
    assert_eq!(again.status.code(), Some(1), "never overwrites");
    assert!(text(&again.stderr).contains("03_carol.rs"), "{}", text(&again.stderr));
    assert_eq!(std::fs::read_to_string(dir.join("03_carol.rs")).unwrap(), written);
    let bad = make("../escape");
    assert_eq!(bad.status.code(), Some(1));
    let said = text(&bad.stderr);
    assert_eq!(
        said.trim_end(),
        "error: seed name `../escape` is a path: use letters, digits, `_` and `-`, such as `01_users`"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

fn tempdir() -> std::path::PathBuf {
    let dir =
        std::env::temp_dir().join(format!("knexrs-seeds-{}-{:?}", std::process::id(), std::thread::current().id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// A list of `dbs` (`name url` lines) in a file of its own.
fn targets_file(label: &str, dbs: &[&TestDatabase]) -> std::path::PathBuf {
    let text: String = dbs.iter().map(|db| format!("{} {}\n", db.name(), db.url())).collect();
    let path = std::env::temp_dir().join(format!("knexrs-seed-fleet-{}-{label}.txt", dbs[0].name()));
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn seed_run_with_targets_seeds_every_listed_database_and_one_that_fails_does_not_stop_the_others() {
    let home = people_db();
    let (acme, globex) = (people_db(), people_db());
    let broken = TestDatabase::empty().unwrap(); // no `people` table: its first seed fails
    let list = targets_file("all", &[&acme, &broken, &globex]);
    let list_arg = list.to_str().unwrap();

    let out = fixture_seed(&home, &["people", "run", "--targets", list_arg, "--parallel", "2"]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    assert!(stdout.contains("(3 databases from "), "{stdout}");
    for db in [&acme, &globex] {
        assert!(
            stdout.contains(&format!("[{0}] Ran 2 seed files\n[{0}] 01_alice\n[{0}] 02_bob\n", db.name())),
            "{stdout}"
        );
        assert_eq!(people(db), ["alice", "bob"]);
    }
    assert!(stdout.contains(&format!("[{}] error: seed 01_alice", broken.name())), "{stdout}");
    assert!(stdout.contains("2 of 3 databases finished: 4 seed runs, 0 skipped as already run"), "{stdout}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(stderr.contains(&format!("1 of 3 databases failed ({})", broken.name())), "{stderr}");
    assert!(people(&home).is_empty(), "DATABASE_URL's database is not one of the list");

    let good = targets_file("good", &[&acme, &globex]);
    let out = fixture_seed(&home, &["people", "run", "--targets", good.to_str().unwrap()]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains(&format!("[{}] Skipped 01_alice: already run", acme.name())), "{stdout}");
    assert!(stdout.contains("2 of 2 databases finished: 0 seed runs, 4 skipped as already run"), "{stdout}");

    let out = fixture_seed(&home, &["people", "status", "--targets", list_arg]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "a database no seed ran on reads as `not run`: {stdout}");
    assert!(stdout.contains(&format!("[{}] 02_bob: ran ", globex.name())), "{stdout}");
    assert!(stdout.contains(&format!("[{}] 01_alice: not run", broken.name())), "{stdout}");
    assert!(stdout.contains("3 of 3 databases read, 0 could not be read"), "{stdout}");

    let out = fixture_seed(&home, &["people", "run", "--targets", list_arg, "--env", "production"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("refusing to run them in production"), "{}", text(&out.stderr));
    let _ = (std::fs::remove_file(list), std::fs::remove_file(good));
}
