//! Run-time steps in migrations, on a real server: Rust code that reads rows
//! and writes derived ones inside the migration's transaction, `has_column`
//! branching, and batched backfills (resumable after SIGKILL).

#![allow(clippy::unwrap_used, reason = "a test fails by panicking")]

use knexrs_migrate::prelude::*;
use knexrs_migrate::{Event, MigrateError, Migration, Migrator, Reporter, RunOptions, Silent, Target, TransactionMode};
use knexrs_testing::TestDatabase;
use knexrs_tests::{fixture_migrate_command, fixture_migrator, kill_runner, migration_set, through_pooler};
use std::time::{Duration, Instant};

fn options(mode: TransactionMode, db: &TestDatabase) -> RunOptions {
    let mut options = RunOptions::default();
    options.transaction(mode);
    if through_pooler() && matches!(mode, TransactionMode::Each | TransactionMode::None) {
        // More than one transaction needs a direct connection; knex's mode and
        // `all` run through the pooler, as one transaction.
        options.direct = Some(db.direct_config().clone());
    }
    options
}

/// For a backfill: each batch commits on its own, so through a pooler the
/// run needs the direct connection.
fn backfill_options(db: &TestDatabase) -> RunOptions {
    let mut options = RunOptions::default();
    if through_pooler() {
        options.direct = Some(db.direct_config().clone());
    }
    options
}

fn count(db: &TestDatabase, sql: &str) -> i64 {
    db.connect().unwrap().query_one(sql, &[]).unwrap().get(0)
}

fn has_table(db: &TestDatabase, table: &str) -> bool {
    count(db, &format!("select count(*) from pg_tables where schemaname = 'public' and tablename = '{table}'")) == 1
}

/// `t_1` with three names, the step's migration pending.
fn names(set: &str) -> (TestDatabase, Migrator) {
    let db = TestDatabase::empty().unwrap();
    let migrator = fixture_migrator(set);
    migrator.run(db.config(), &Target::Up(None), &RunOptions::default(), &mut Silent).unwrap();
    db.connect().unwrap().batch_execute("insert into t_1 (name) values ('ada'), ('grace'), ('edsger')").unwrap();
    (db, migrator)
}

fn facts(db: &TestDatabase) -> Vec<(String, i32)> {
    let rows = db.connect().unwrap().query("select initial, letters from name_facts order by name_id", &[]).unwrap();
    rows.iter().map(|r| (r.get(0), r.get(1))).collect()
}

fn expected_facts(scale: i32) -> Vec<(String, i32)> {
    vec![("a".into(), 3 * scale), ("g".into(), 5 * scale), ("e".into(), 6 * scale)]
}

#[test]
fn a_step_reads_rows_and_writes_derived_rows_inside_the_migration() {
    for mode in [TransactionMode::Knex, TransactionMode::All, TransactionMode::Each, TransactionMode::None] {
        // Through a pooler, `options` gives the direct connection these modes need.
        let (db, migrator) = names("steps:ok");
        let report = migrator.latest(db.config(), &options(mode, &db), &mut Silent).unwrap();
        assert_eq!(report.migrations.len(), 1, "{mode:?}");
        assert_eq!(facts(&db), expected_facts(1), "{mode:?}");
        // The statement after the step ran too.
        assert_eq!(count(&db, "select count(*) from pg_indexes where indexname = 'name_facts_name_id_index'"), 1);
        migrator.run(db.config(), &Target::Down(None), &options(mode, &db), &mut Silent).unwrap();
        assert!(!has_table(&db, "name_facts"), "{mode:?}");
    }
}

#[test]
fn a_step_that_fails_rolls_its_migration_back_and_says_which_step() {
    for mode in [TransactionMode::Knex, TransactionMode::All, TransactionMode::Each] {
        let (db, migrator) = names("steps:fails");
        let error = migrator.latest(db.config(), &options(mode, &db), &mut Silent).unwrap_err();
        assert!(matches!(error, MigrateError::Step { .. }), "{error}");
        let message = error.to_string();
        assert!(
            message.starts_with(
                "migration 20240101000002_derive_name_facts failed in step \"derive name facts\": the facts do not add up; rolled back: 20240101000002_derive_name_facts"
            ),
            "{mode:?}: {message}"
        );
        assert!(!has_table(&db, "name_facts"), "{mode:?}: the table created before the step is rolled back");
        assert_eq!(count(&db, "select count(*) from knex_migrations"), 1, "{mode:?}");
    }
}

#[test]
fn a_step_that_swallows_a_failed_statement_is_reported_as_rolled_back_not_committed() {
    let (db, migrator) = names("steps:swallows");
    let error = migrator.latest(db.config(), &options(TransactionMode::Knex, &db), &mut Silent).unwrap_err();
    let message = error.to_string();
    assert!(message.contains("failed in step \"derive name facts\""), "{message}");
    assert!(message.contains("no_such_table"), "the real cause is named: {message}");
    assert_eq!(error.code().map(|c| c.code()), Some("42P01"), "{message}");
    assert!(!has_table(&db, "name_facts"));
    assert_eq!(count(&db, "select count(*) from knex_migrations"), 1);
}

#[test]
fn a_step_that_panics_fails_its_migration_which_is_rolled_back_and_the_runner_goes_on() {
    let (db, migrator) = names("steps:panics");
    let error = migrator.latest(db.config(), &options(TransactionMode::Knex, &db), &mut Silent).unwrap_err();
    let message = error.to_string();
    assert!(
        message.starts_with("migration 20240101000002_derive_name_facts failed in step \"derive name facts\": it panicked: a bug in the step; rolled back"),
        "{message}"
    );
    assert!(!has_table(&db, "name_facts"));
    assert_eq!(count(&db, "select count(*) from knex_migrations"), 1);
    // The process is fine: the next run in it works.
    let again = migrator.latest(db.config(), &options(TransactionMode::Knex, &db), &mut Silent).unwrap_err();
    assert!(matches!(again, MigrateError::Step { .. }), "{again}");
}

#[test]
fn a_run_cancelled_inside_a_step_stops_at_once_and_rolls_the_migration_back() {
    let (db, migrator) = names("steps:sleeps");
    let options = options(TransactionMode::Knex, &db);
    let handle = options.cancel.clone();
    std::thread::scope(|scope| {
        let run = scope.spawn(|| migrator.latest(db.config(), &options, &mut Silent));
        let deadline = Instant::now() + Duration::from_secs(20);
        let sleeping = "select count(*) from pg_stat_activity where query = 'select pg_sleep(30)' and datname = current_database()";
        while count(&db, sleeping) == 0 {
            assert!(Instant::now() < deadline, "the step never started sleeping");
            std::thread::sleep(Duration::from_millis(20));
        }
        let cancelled_at = Instant::now();
        handle.cancel();
        let error = run.join().unwrap().unwrap_err();
        assert!(matches!(error, MigrateError::Interrupted { .. }), "{error}");
        assert!(error.to_string().contains("rolled back the open transaction"), "{error}");
        assert!(cancelled_at.elapsed() < Duration::from_secs(5), "{:?}", cancelled_at.elapsed());
    });
    assert!(!has_table(&db, "name_facts"));
    assert_eq!(count(&db, "select count(*) from knex_migrations"), 1);
}

#[test]
fn a_step_outside_a_transaction_that_fails_leaves_the_migration_marked_for_resolve() {
    let (db, migrator) = names("steps:fails");
    let error = migrator.latest(db.config(), &options(TransactionMode::None, &db), &mut Silent).unwrap_err();
    let message = error.to_string();
    assert!(message.contains("stay applied: repair by hand, then run `migrate resolve"), "{message}");
    // The table and the rows written before the failure stay: nothing rolled them back.
    assert_eq!(facts(&db).len(), 3);
    let again = migrator.latest(db.config(), &RunOptions::default(), &mut Silent).unwrap_err();
    assert!(matches!(again, MigrateError::Incomplete { .. }), "{again}");
}

#[test]
fn has_column_and_has_table_decide_at_run_time() {
    // Missing: the step adds the column (with its default), and finds name_facts.
    let (fresh, migrator) = names("has-column");
    migrator.latest(fresh.config(), &options(TransactionMode::Knex, &fresh), &mut Silent).unwrap();
    assert_eq!(count(&fresh, "select count(*) from t_1 where label = 'new'"), 3);
    assert_eq!(facts(&fresh), expected_facts(10));

    // Present already (added by hand, knex-style drift): the step leaves it as it is.
    let (drifted, migrator) = names("has-column");
    drifted.connect().unwrap().batch_execute("alter table t_1 add column label text default 'kept'").unwrap();
    migrator.latest(drifted.config(), &options(TransactionMode::Knex, &drifted), &mut Silent).unwrap();
    assert_eq!(count(&drifted, "select count(*) from t_1 where label = 'kept'"), 3);
    assert_eq!(facts(&drifted), expected_facts(10));
}

#[test]
fn a_dry_run_names_each_step_and_shows_a_backfills_statements() {
    let (db, steps) = names("steps:ok");
    let script = steps.dry_run(db.config(), &Target::Latest, &RunOptions::default()).unwrap().to_script();
    let create = script.find("CREATE TABLE \"name_facts\"").unwrap();
    let step = script
        .find("-- step \"derive name facts\": runs Rust code here, in this migration's transaction\n")
        .unwrap_or_else(|| panic!("{script}"));
    let index = script.find("CREATE INDEX \"name_facts_name_id_index\"").unwrap();
    assert!(create < step && step < index, "in order: {script}");

    let db = TestDatabase::empty().unwrap();
    let script =
        fixture_migrator("batched:10:5:0").dry_run(db.config(), &Target::Latest, &RunOptions::default()).unwrap();
    let script = script.to_script();
    assert!(script.contains("-- step \"fill big.kind\": a batched backfill;"), "{script}");
    assert!(script.contains("select count(*) from \"big\" where (\"kind\" is null);\n"), "{script}");
    assert!(
        script.contains(concat!(
            "with \"batch\" as (select \"id\" from \"big\" where (\"kind\" is null) order by \"id\" asc limit 5), ",
            "\"updated\" as (update \"big\" set \"kind\" = upper(name), \"touches\" = touches + 1 where (\"kind\" is null) and \"id\" in (select \"id\" from \"batch\") returning \"id\") ",
            "select (select count(*) from \"updated\"), (select max(\"id\")::text from \"batch\");\n"
        )),
        "{script}"
    );
    assert!(script.contains("-- outside a transaction"), "{script}");
}

/// Keeps every backfill progress event.
#[derive(Default)]
struct Progress(Vec<(u64, u64, u64)>);

impl Reporter for Progress {
    fn report(&mut self, event: Event<'_>) {
        if let Event::Progress { done, total, batches, .. } = event {
            self.0.push((done, total, batches));
        }
    }
}

#[test]
fn a_batched_backfill_updates_every_row_once_in_batches_and_reports_progress() {
    let db = TestDatabase::empty().unwrap();
    let mut progress = Progress::default();
    let report =
        fixture_migrator("batched:1000:128:0").latest(db.config(), &backfill_options(&db), &mut progress).unwrap();
    assert_eq!(report.migrations.len(), 2);
    assert_eq!(count(&db, "select count(*) from big where kind = upper(name) and touches = 1"), 1000);
    assert_eq!(progress.0.first(), Some(&(0, 1000, 0)));
    assert_eq!(progress.0.last(), Some(&(1000, 1000, 8)), "1000 rows in batches of 128: {:?}", progress.0);
    // Its down runs as a data statement; applying it again fills only what is missing.
    let m = fixture_migrator("batched:1000:128:0");
    m.run(db.config(), &Target::Down(None), &backfill_options(&db), &mut Silent).unwrap();
    db.connect().unwrap().batch_execute("update big set kind = 'done before' where id <= 600").unwrap();
    m.latest(db.config(), &backfill_options(&db), &mut Silent).unwrap();
    assert_eq!(count(&db, "select count(*) from big where kind = 'done before' and touches = 1"), 600);
    assert_eq!(count(&db, "select count(*) from big where kind = upper(name) and touches = 2"), 400);
}

#[test]
fn a_backfill_without_a_condition_is_refused_before_anything_runs() {
    let db = TestDatabase::empty().unwrap();
    let mut set = migration_set("batched:10:5:0").unwrap();
    set[1] = Migration::new(
        "20240101000002_backfill_everything",
        |s: &mut SchemaBuilder| {
            let mut fill = Backfill::new("big", "id");
            fill.set("kind", "x");
            s.backfill(&fill);
        },
        |_: &mut SchemaBuilder| {},
    );
    let error = Migrator::new(set).unwrap().latest(db.config(), &backfill_options(&db), &mut Silent).unwrap_err();
    assert!(matches!(error, MigrateError::InvalidBackfill { .. }), "{error}");
    assert!(error.to_string().starts_with("backfill big: it needs a condition naming the rows still to do"), "{error}");
    assert!(!has_table(&db, "big"), "nothing ran");
}

#[test]
fn a_batched_backfill_killed_halfway_resumes_and_updates_every_row_exactly_once() {
    let db = TestDatabase::empty().unwrap();
    // 2,000 rows in batches of 100, each batch pausing 150 ms: about 3 s in all.
    let set = "batched:2000:100:150";
    let runner = |args: &[&str]| {
        let mut command = fixture_migrate_command(env!("CARGO_BIN_EXE_fixture-migrate"), &db, set, args);
        // Through a pooler, the batches need the direct connection.
        command.env("MIGRATION_DATABASE_URL", db.direct_url());
        command
    };
    let mut child = runner(&["latest"]).spawn().unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while count(&db, "select count(*) from pg_tables where tablename = 'big'") == 0
        || count(&db, "select count(*) from big where kind is not null") < 300
    {
        assert!(Instant::now() < deadline, "the backfill never got going");
        std::thread::sleep(Duration::from_millis(20));
    }
    kill_runner(&mut child, &db);
    let done = count(&db, "select count(*) from big where kind is not null");
    assert!((300..2000).contains(&done), "killed halfway: {done} rows done");
    assert_eq!(count(&db, "select count(*) from knex_migrations"), 1, "the backfill is not recorded");
    assert_eq!(count(&db, "select count(*) from knex_migrations_knexrs where state = 'in_progress'"), 1);

    let out = runner(&["latest"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    let left = 2000 - done;
    assert!(
        stdout.contains(&format!("fill big.kind (20240101000002_backfill_big_kind): 0 of {left} rows in 0 batches")),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("fill big.kind (20240101000002_backfill_big_kind): {left} of {left} rows in ")),
        "{stdout}"
    );
    assert_eq!(count(&db, "select count(*) from big where kind = upper(name) and touches = 1"), 2000, "each row once");
    assert_eq!(count(&db, "select count(*) from knex_migrations"), 2);
    assert_eq!(count(&db, "select count(*) from knex_migrations_knexrs where state <> 'applied'"), 0);
}
