//! The runner on a real server: transaction modes, failures, validation,
//! dry runs, locks. Each test has a database of its own.

#![allow(clippy::unwrap_used, reason = "a test fails by panicking")]

use knexrs_migrate::{MigrateError, Migration, Migrator, RunOptions, Silent, Target, TransactionMode};
use knexrs_testing::TestDatabase;
use knexrs_tests::{fixture_migrator, migration_set, table_migration, through_pooler};

fn options(mode: TransactionMode) -> RunOptions {
    let mut options = RunOptions::default();
    options.transaction(mode);
    options
}

fn tables(db: &TestDatabase) -> Vec<String> {
    let mut client = db.connect().unwrap();
    client
        .query(
            "select tablename::text from pg_tables where schemaname = 'public' and tablename like 't\\_%' order by 1",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect()
}

fn bookkeeping_exists(db: &TestDatabase) -> bool {
    let mut client = db.connect().unwrap();
    client.query_one("select to_regclass('knex_migrations') is not null", &[]).unwrap().get(0)
}

/// Through a pooler a failed run leaves not even the bookkeeping tables.
fn bookkeeping_gone(db: &TestDatabase) -> bool {
    through_pooler() && !bookkeeping_exists(db)
}

fn applied(db: &TestDatabase) -> Vec<(String, i32)> {
    if bookkeeping_gone(db) {
        return Vec::new();
    }
    let mut client = db.connect().unwrap();
    client
        .query("select name, batch from knex_migrations order by id", &[])
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
}

/// Through a transaction pooler a run is one transaction: `each` and `none`
/// are refused before anything changes (true when it was, and checked).
fn refused_through_pooler(db: &TestDatabase, set: &str, mode: TransactionMode) -> bool {
    if !through_pooler() {
        return false;
    }
    let err = fixture_migrator(set).latest(db.config(), &options(mode), &mut Silent).unwrap_err();
    assert!(matches!(err, MigrateError::OneTransactionThroughPooler { .. }), "{err}");
    assert!(err.to_string().contains("MIGRATION_DATABASE_URL"), "{err}");
    assert!(tables(db).is_empty());
    true
}

fn lock_row(db: &TestDatabase) -> i32 {
    if bookkeeping_gone(db) {
        return 0;
    }
    db.connect().unwrap().query_one("select is_locked from knex_migrations_lock", &[]).unwrap().get(0)
}

#[test]
fn a_failing_migration_in_one_transaction_leaves_nothing_of_the_batch() {
    let db = TestDatabase::empty().unwrap();
    let err =
        fixture_migrator("failing:3:5").latest(db.config(), &options(TransactionMode::All), &mut Silent).unwrap_err();
    let message = err.to_string();
    assert!(message.contains("migration 20240101000003_create_t_3_badly failed at statement 2 of 3"), "{message}");
    assert!(message.contains("no_such_table"), "names the statement: {message}");
    assert!(message.contains("does not exist (SQLSTATE 42P01)"), "PostgreSQL's message: {message}");
    assert_eq!(err.code(), Some(&postgres::error::SqlState::UNDEFINED_TABLE));
    assert!(tables(&db).is_empty(), "nothing of the batch stays");
    assert!(applied(&db).is_empty());
    assert_eq!(lock_row(&db), 0);
}

#[test]
fn a_failing_migration_in_its_own_transaction_keeps_the_ones_before_it() {
    let db = TestDatabase::empty().unwrap();
    if refused_through_pooler(&db, "failing:3:5", TransactionMode::Each) {
        return;
    }
    let err =
        fixture_migrator("failing:3:5").latest(db.config(), &options(TransactionMode::Each), &mut Silent).unwrap_err();
    assert!(
        err.to_string().contains("applied and kept: 20240101000001_create_t_1, 20240101000002_create_t_2"),
        "{err}"
    );
    assert_eq!(tables(&db), ["t_1", "t_2"]);
    assert_eq!(applied(&db).len(), 2);
}

#[test]
fn a_failing_migration_without_transactions_keeps_its_statements_before_the_failure_and_blocks_the_next_run() {
    let db = TestDatabase::empty().unwrap();
    if refused_through_pooler(&db, "failing:3:5", TransactionMode::None) {
        return;
    }
    let migrator = fixture_migrator("failing:3:5");
    let err = migrator.latest(db.config(), &options(TransactionMode::None), &mut Silent).unwrap_err();
    assert!(err.to_string().contains("its first 1 statement(s) of 3 stay applied"), "{err}");
    assert_eq!(tables(&db), ["t_1", "t_2", "t_3"], "statement 1 of migration 3 committed on its own");
    assert_eq!(applied(&db).len(), 2);

    let again = migrator.latest(db.config(), &RunOptions::default(), &mut Silent).unwrap_err();
    assert!(
        matches!(again, MigrateError::Incomplete { ref name } if name == "20240101000003_create_t_3_badly"),
        "{again}"
    );
    assert!(again.to_string().contains("migrate resolve 20240101000003_create_t_3_badly"));

    // A human undoes the half, then tells the runner.
    db.connect().unwrap().batch_execute("drop table t_3").unwrap();
    migrator.resolve(db.config(), "20240101000003_create_t_3_badly", false, &RunOptions::default()).unwrap();
    let err = migrator.latest(db.config(), &RunOptions::default(), &mut Silent).unwrap_err();
    assert!(matches!(err, MigrateError::Statement { .. }), "runs (and fails) again: {err}");
}

#[test]
fn a_half_applied_migration_resolved_as_applied_is_recorded_in_a_batch_of_its_own_and_the_run_goes_on() {
    let db = TestDatabase::empty().unwrap();
    if refused_through_pooler(&db, "failing:3:5", TransactionMode::None) {
        return;
    }
    let migrator = fixture_migrator("failing:3:5");
    migrator.latest(db.config(), &options(TransactionMode::None), &mut Silent).unwrap_err();
    assert!(
        migrator.resolve(db.config(), "20240101000002_create_t_2", true, &RunOptions::default()).is_err(),
        "only a stopped one resolves"
    );

    // A human finishes the half by hand, then tells the runner.
    migrator.resolve(db.config(), "20240101000003_create_t_3_badly", true, &RunOptions::default()).unwrap();
    let report = migrator.latest(db.config(), &RunOptions::default(), &mut Silent).unwrap();
    assert_eq!(report.batch, 3);
    assert_eq!(
        applied(&db),
        [
            ("20240101000001_create_t_1.rs".to_owned(), 1),
            ("20240101000002_create_t_2.rs".to_owned(), 1),
            ("20240101000003_create_t_3_badly.rs".to_owned(), 2),
            ("20240101000004_create_t_4.rs".to_owned(), 3),
            ("20240101000005_create_t_5.rs".to_owned(), 3),
        ]
    );
    assert!(migrator.status(db.config()).unwrap().is_up_to_date());
}

/// `knex_migrations` as a `SELECT` reads it, whatever its column types:
/// (id, name, batch, microseconds since 1970), oldest first.
fn selected(db: &TestDatabase) -> Vec<(i64, String, Option<i32>, Option<i64>)> {
    let sql = "select id::int8, name, batch, (extract(epoch from migration_time) * 1000000)::int8 \
               from knex_migrations where name is not null order by id";
    let rows = db.connect().unwrap().query(sql, &[]).unwrap();
    rows.iter().map(|r| (r.get(0), r.get(1), r.get(2), r.get(3))).collect()
}

/// What `status` read, in [`selected`]'s shape (files first, then the rows without one).
fn status_rows(migrator: &Migrator, db: &TestDatabase) -> Vec<(i64, String, Option<i32>, Option<i64>)> {
    let status = migrator.status(db.config()).unwrap();
    let rows = status.migrations.into_iter().filter_map(|m| m.applied).chain(status.missing);
    let mut rows: Vec<_> = rows
        .map(|row| {
            (i64::from(row.id), row.recorded_name, Some(row.batch), row.migration_time.map(|t| t.timestamp_micros()))
        })
        .collect();
    rows.sort();
    rows
}

#[test]
fn status_reads_knex_migrations_as_a_select_does_and_refuses_a_column_it_cannot_read() {
    let db = TestDatabase::empty().unwrap();
    let migrator = fixture_migrator("tables:3");
    migrator.latest(db.config(), &RunOptions::default(), &mut Silent).unwrap();
    let mut client = db.connect().unwrap();
    // A row written by hand with no batch or time, and one without a name (every read skips it).
    client
        .batch_execute(
            "insert into knex_migrations (name) values ('20240101000009_by_hand.js'); \
             insert into knex_migrations (name, batch) values (null, 7)",
        )
        .unwrap();
    let with_null_batch_as_zero = |rows: Vec<(i64, String, Option<i32>, Option<i64>)>| {
        rows.into_iter().map(|(id, name, batch, time)| (id, name, Some(batch.unwrap_or(0)), time)).collect::<Vec<_>>()
    };
    let read = status_rows(&migrator, &db);
    assert_eq!(read.len(), 4, "{read:?}");
    assert_eq!(read, with_null_batch_as_zero(selected(&db)));
    assert!(read[..3].iter().all(|row| row.3.is_some()) && read[3].3.is_none(), "{read:?}");
    assert_eq!(migrator.current_version(db.config()).unwrap().as_deref(), Some("20240101000009"));

    // A hand-made table with a bigint id and a time without time zone reads the same.
    client
        .batch_execute(
            "alter table knex_migrations alter column id type bigint, alter column migration_time type timestamp",
        )
        .unwrap();
    // (Compared with a `SELECT` again: the change of type reads the times in the session's zone.)
    assert_eq!(status_rows(&migrator, &db), with_null_batch_as_zero(selected(&db)));

    // A time that is not a timestamp is refused, never read as one.
    client.batch_execute("alter table knex_migrations alter column migration_time type date").unwrap();
    let err = migrator.status(db.config()).unwrap_err();
    assert!(err.to_string().contains("knex_migrations.migration_time"), "{err}");
}

#[test]
fn bookkeeping_behind_a_view_is_read_and_written_through_it_by_every_command() {
    let db = TestDatabase::empty().unwrap();
    fixture_migrator("tables:2").latest(db.config(), &RunOptions::default(), &mut Silent).unwrap();
    // `COPY` cannot read a view: each read that uses it goes back to `SELECT`.
    db.connect()
        .unwrap()
        .batch_execute(
            "alter table knex_migrations rename to knex_migrations_rows; \
             create view knex_migrations as select * from knex_migrations_rows",
        )
        .unwrap();
    let migrator = fixture_migrator("tables:3");
    assert_eq!(migrator.latest(db.config(), &RunOptions::default(), &mut Silent).unwrap().migrations.len(), 1);
    let noop = migrator.latest(db.config(), &RunOptions::default(), &mut Silent).unwrap();
    assert!(noop.migrations.is_empty());
    assert_eq!(noop.batch, 3, "the batch after the last one");
    let status = migrator.status(db.config()).unwrap();
    assert!(status.is_up_to_date() && status.applied().count() == 3, "{status:?}");
    assert_eq!(migrator.current_version(db.config()).unwrap().as_deref(), Some("20240101000003"));
}

#[test]
fn a_recorded_migration_without_a_file_is_an_error_that_lists_it_and_changes_nothing() {
    let db = TestDatabase::empty().unwrap();
    let migrator = fixture_migrator("tables:2");
    migrator.latest(db.config(), &RunOptions::default(), &mut Silent).unwrap();
    db.connect()
        .unwrap()
        .batch_execute(
            "insert into knex_migrations (name, batch, migration_time) values ('20230101000000_gone.js', 1, now())",
        )
        .unwrap();
    let bigger = Migrator::new(migration_set("tables:3").unwrap()).unwrap();
    let err = bigger.latest(db.config(), &RunOptions::default(), &mut Silent).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("the migration directory is corrupt, the following files are missing: 20230101000000_gone.js"),
        "{err}"
    );
    assert_eq!(tables(&db), ["t_1", "t_2"]);
}

#[test]
fn a_dry_run_prints_the_sql_with_transaction_boundaries_and_changes_nothing() {
    let db = TestDatabase::empty().unwrap();
    let plan = fixture_migrator("tables:2").dry_run(db.config(), &Target::Latest, &RunOptions::default()).unwrap();
    let script = plan.to_script();
    assert!(
        script.contains("create table \"knex_migrations\"") || script.contains("CREATE TABLE \"knex_migrations\""),
        "{script}"
    );
    assert!(script.contains("BEGIN;\n-- migration 20240101000001_create_t_1\nCREATE TABLE \"t_1\""), "{script}");
    assert!(script.trim_end().ends_with("COMMIT;"), "{script}");
    let mut client = db.connect().unwrap();
    let count: i64 =
        client.query_one("select count(*) from pg_tables where schemaname = 'public'", &[]).unwrap().get(0);
    assert_eq!(count, 0, "not even the bookkeeping tables were created");
}

#[test]
fn create_index_concurrently_runs_outside_the_transaction_between_two_transactional_migrations() {
    let db = TestDatabase::empty().unwrap();
    let mut run = RunOptions::default();
    if through_pooler() {
        // Only a direct connection can run it: refused, then given one.
        let err = fixture_migrator("concurrent").latest(db.config(), &run, &mut Silent).unwrap_err();
        assert!(matches!(err, MigrateError::NeedsDirectConnection { .. }), "{err}");
        assert!(tables(&db).is_empty());
        run.direct = Some(db.direct_config().clone());
    }
    let report = fixture_migrator("concurrent").latest(db.config(), &run, &mut Silent).unwrap();
    assert_eq!(report.migrations.len(), 3);
    let mut client = db.connect().unwrap();
    let valid: bool = client
        .query_one(
            "select i.indisvalid from pg_index i join pg_class c on c.oid = i.indexrelid where c.relname = 't_1_name_index'",
            &[],
        )
        .unwrap()
        .get(0);
    assert!(valid);
    assert_eq!(applied(&db).len(), 3);
    assert!(applied(&db).iter().all(|(_, batch)| *batch == 1));
}

#[test]
fn a_migration_that_cannot_render_stops_the_run_before_anything_changes() {
    let db = TestDatabase::empty().unwrap();
    let broken = Migration::new(
        "20240101000002_bad_decimal",
        |s| {
            s.create_table("prices", |t| {
                t.decimal_with("amount", 4, 6);
            });
        },
        |_| {},
    );
    let migrator = Migrator::new(vec![table_migration(1, 0), broken]).unwrap();
    let err = migrator.latest(db.config(), &RunOptions::default(), &mut Silent).unwrap_err();
    assert!(err.to_string().contains("migration 20240101000002_bad_decimal cannot be rendered"), "{err}");
    assert!(err.to_string().contains("scale 6 greater than precision 4"), "{err}");
    assert!(tables(&db).is_empty());
}

#[test]
fn knex_holding_its_lock_row_stops_the_run_until_unlock() {
    let db = TestDatabase::empty().unwrap();
    let migrator = fixture_migrator("tables:1");
    assert!(!migrator.unlock(db.config()).unwrap(), "no lock table: nothing to unlock");
    assert!(!bookkeeping_exists(&db), "unlock creates nothing");
    migrator.latest(db.config(), &RunOptions::default(), &mut Silent).unwrap();
    db.connect().unwrap().batch_execute("update knex_migrations_lock set is_locked = 1").unwrap();
    let bigger = Migrator::new(migration_set("tables:2").unwrap()).unwrap();
    let err = bigger.latest(db.config(), &RunOptions::default(), &mut Silent).unwrap_err();
    assert!(matches!(err, MigrateError::Locked { .. }), "{err}");
    assert!(err.to_string().contains("migrate unlock"));
    assert_eq!(tables(&db), ["t_1"]);
    assert!(bigger.unlock(db.config()).unwrap());
    bigger.latest(db.config(), &RunOptions::default(), &mut Silent).unwrap();
    assert_eq!(tables(&db), ["t_1", "t_2"]);
}

/// The migrations of `tables:2`, each with a source (so a checksum); `edit` changes the second's.
fn sourced(edit: bool) -> Migrator {
    let migrations = migration_set("tables:2").unwrap().into_iter().enumerate().map(|(i, m)| {
        let source = if edit && i == 1 {
            format!("fn up() {{ /* {i}, edited */ }}")
        } else {
            format!("fn up() {{ /* {i} */ }}")
        };
        m.with_source(&source)
    });
    Migrator::new(migrations).unwrap()
}

#[test]
fn a_noop_latest_reports_the_next_batch_and_still_refuses_a_set_lock_row_and_an_edit() {
    let db = TestDatabase::empty().unwrap();
    let first = sourced(false).latest(db.config(), &RunOptions::default(), &mut Silent).unwrap();
    assert_eq!((first.batch, first.migrations.len()), (1, 2));
    let again = sourced(false).latest(db.config(), &RunOptions::default(), &mut Silent).unwrap();
    assert_eq!((again.batch, again.migrations.len()), (2, 0), "nothing ran; knex prints the batch it would have been");

    db.connect().unwrap().batch_execute("update knex_migrations_lock set is_locked = 1").unwrap();
    let locked = sourced(false).latest(db.config(), &RunOptions::default(), &mut Silent).unwrap_err();
    assert!(matches!(locked, MigrateError::Locked { .. }), "{locked}");
    db.connect().unwrap().batch_execute("update knex_migrations_lock set is_locked = 0").unwrap();

    let edited = sourced(true).latest(db.config(), &RunOptions::default(), &mut Silent).unwrap_err();
    let MigrateError::Edited { names } = &edited else { panic!("expected an edit: {edited}") };
    assert_eq!(names.len(), 1, "{edited}");
    assert_eq!(tables(&db), ["t_1", "t_2"]);
}

#[test]
fn batches_count_up_and_rollback_undoes_only_the_last_one() {
    let db = TestDatabase::empty().unwrap();
    Migrator::new(migration_set("tables:2").unwrap())
        .unwrap()
        .latest(db.config(), &RunOptions::default(), &mut Silent)
        .unwrap();
    let migrator = fixture_migrator("tables:4");
    let report = migrator.latest(db.config(), &RunOptions::default(), &mut Silent).unwrap();
    assert_eq!(report.batch, 2);
    assert_eq!(applied(&db).iter().map(|(_, b)| *b).collect::<Vec<_>>(), [1, 1, 2, 2]);
    let report = migrator.rollback(db.config(), false, &RunOptions::default(), &mut Silent).unwrap();
    let names: Vec<&str> = report.migrations.iter().map(|ran| ran.name.as_str()).collect();
    assert_eq!(names, ["20240101000004_create_t_4", "20240101000003_create_t_3"], "newest first");
    assert_eq!(tables(&db), ["t_1", "t_2"]);
    migrator.rollback(db.config(), true, &RunOptions::default(), &mut Silent).unwrap();
    assert!(tables(&db).is_empty());
    let report = migrator.rollback(db.config(), true, &RunOptions::default(), &mut Silent).unwrap();
    assert!(report.is_empty());
}

#[test]
fn up_and_down_move_one_migration_at_a_time_or_the_one_named() {
    let db = TestDatabase::empty().unwrap();
    let migrator = fixture_migrator("tables:3");
    let opts = RunOptions::default();
    migrator.up(db.config(), None, &opts, &mut Silent).unwrap();
    assert_eq!(tables(&db), ["t_1"]);
    migrator.up(db.config(), Some("20240101000003_create_t_3"), &opts, &mut Silent).unwrap();
    assert_eq!(tables(&db), ["t_1", "t_3"]);
    assert_eq!(applied(&db).iter().map(|(_, b)| *b).collect::<Vec<_>>(), [1, 2]);
    migrator.down(db.config(), None, &opts, &mut Silent).unwrap();
    assert_eq!(tables(&db), ["t_1"], "down reverts the newest applied file");
    migrator.down(db.config(), Some("20240101000001_create_t_1.rs"), &opts, &mut Silent).unwrap();
    assert!(tables(&db).is_empty());
    let err = migrator.down(db.config(), Some("20240101000002_create_t_2"), &opts, &mut Silent).unwrap_err();
    assert!(matches!(err, MigrateError::NotApplied { .. }), "{err}");
    assert!(err.to_string().starts_with(r#"Migration "20240101000002_create_t_2" was not run."#), "knex's: {err}");
    let err = migrator.up(db.config(), Some("20990101000000_nope"), &opts, &mut Silent).unwrap_err();
    assert!(err.to_string().contains("not found"), "{err}");
}

#[test]
fn bookkeeping_can_live_in_another_table_and_schema() {
    let db = TestDatabase::empty().unwrap();
    let mut migrator = fixture_migrator("tables:1");
    migrator.set_tables(knexrs_migrate::Tables::new("app_migrations", Some("ops".into())).unwrap());
    migrator.latest(db.config(), &RunOptions::default(), &mut Silent).unwrap();
    let mut client = db.connect().unwrap();
    let count: i64 = client.query_one("select count(*) from ops.app_migrations", &[]).unwrap().get(0);
    assert_eq!(count, 1);
    let lock: i32 = client.query_one("select is_locked from ops.app_migrations_lock", &[]).unwrap().get(0);
    assert_eq!(lock, 0);
}

#[test]
fn the_side_table_is_built_without_a_toast_table_and_holds_every_checksum() {
    let db = TestDatabase::empty().unwrap();
    let migrator = fixture_migrator("tables:2");
    migrator.latest(db.config(), &RunOptions::default(), &mut Silent).unwrap();
    let mut client = db.connect().unwrap();
    let toast: i64 = client
        .query_one(
            "select count(*) from pg_class where oid = 'knex_migrations_knexrs'::regclass and reltoastrelid <> 0",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(toast, 0, "a fresh database builds the side table without a TOAST table and its index");
    let states: Vec<(String, String)> = client
        .query("select name::text, state::text from knex_migrations_knexrs order by name", &[])
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert_eq!(
        states,
        [
            ("20240101000001_create_t_1".to_owned(), "applied".to_owned()),
            ("20240101000002_create_t_2".to_owned(), "applied".to_owned())
        ]
    );
}

#[test]
fn a_side_table_an_earlier_version_built_with_text_columns_keeps_working() {
    let db = TestDatabase::empty().unwrap();
    let mut client = db.connect().unwrap();
    client
        .batch_execute(
            r#"CREATE TABLE "knex_migrations_knexrs" ( "name" varchar(255), "checksum" text, "state" text NOT NULL,
               "updated_at" timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
               CONSTRAINT "knex_migrations_knexrs_pkey" PRIMARY KEY ("name") )"#,
        )
        .unwrap();
    let migrator = fixture_migrator("tables:2");
    migrator.latest(db.config(), &RunOptions::default(), &mut Silent).unwrap();
    migrator.rollback(db.config(), false, &RunOptions::default(), &mut Silent).unwrap();
    assert!(tables(&db).is_empty());
    migrator.latest(db.config(), &RunOptions::default(), &mut Silent).unwrap();
    assert_eq!(tables(&db), ["t_1", "t_2"]);
    let kept: i64 = client.query_one("select count(*) from knex_migrations_knexrs", &[]).unwrap().get(0);
    assert_eq!(kept, 2);
}

/// `t_1` exists and another session holds a lock on it that blocks `alter table`.
fn table_locked_by_another_session(db: &TestDatabase) -> postgres::Client {
    let mut holder = db.connect().unwrap();
    holder.batch_execute("create table busy (id integer)").unwrap();
    holder.batch_execute("begin; lock table busy in access share mode").unwrap();
    holder
}

fn alter_busy(name: &str) -> Migration {
    Migration::new(
        name,
        |s| {
            s.alter_table("busy", |t| {
                t.text("note");
            });
        },
        |s| {
            s.alter_table("busy", |t| {
                t.drop_column("note");
            });
        },
    )
}

#[test]
fn a_run_lock_timeout_stops_a_migration_waiting_behind_the_live_app_and_changes_nothing() {
    let db = TestDatabase::empty().unwrap();
    let _holder = table_locked_by_another_session(&db);
    let migrator = Migrator::new(vec![table_migration(1, 0), alter_busy("20240101000002_alter_busy")]).unwrap();
    let mut opts = RunOptions::default();
    opts.lock_timeout(std::time::Duration::from_millis(200));
    let started = std::time::Instant::now();
    let error = migrator.latest(db.config(), &opts, &mut Silent).unwrap_err();
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    assert_eq!(error.code(), Some(&postgres::error::SqlState::LOCK_NOT_AVAILABLE), "{error}");
    assert!(error.to_string().contains("20240101000002_alter_busy"), "{error}");
    assert!(error.to_string().contains("no migration of this run was applied"), "{error}");
    assert!(applied(&db).is_empty(), "one transaction: nothing applied");
    assert!(tables(&db).is_empty());
}

#[test]
fn a_migrations_own_timeouts_apply_to_it_alone() {
    let db = TestDatabase::empty().unwrap();
    let _holder = table_locked_by_another_session(&db);
    let guarded = alter_busy("20240101000002_alter_busy")
        .with_config(knexrs_migrate::MigrationConfig::new().lock_timeout_ms(200));
    let slow = Migration::new(
        "20240101000003_slow",
        |s| {
            s.raw("select pg_sleep(2)");
        },
        |_| {},
    )
    .with_config(knexrs_migrate::MigrationConfig::new().statement_timeout_ms(100));
    let migrator = Migrator::new(vec![table_migration(1, 0), guarded]).unwrap();
    // Through a pooler the run is one transaction: the first migration goes with it.
    let (mode, kept) = if through_pooler() { (TransactionMode::All, 0) } else { (TransactionMode::Each, 1) };
    let error = migrator.latest(db.config(), &options(mode), &mut Silent).unwrap_err();
    assert_eq!(error.code(), Some(&postgres::error::SqlState::LOCK_NOT_AVAILABLE), "{error}");
    assert_eq!(applied(&db).len(), kept, "each: the first migration stays");

    let db = TestDatabase::empty().unwrap();
    let migrator = Migrator::new(vec![table_migration(1, 0), slow]).unwrap();
    let error = migrator.latest(db.config(), &RunOptions::default(), &mut Silent).unwrap_err();
    assert_eq!(error.code(), Some(&postgres::error::SqlState::QUERY_CANCELED), "{error}");
    assert!(error.to_string().contains("20240101000003_slow"), "{error}");
    assert!(applied(&db).is_empty());
}

#[test]
fn two_runs_in_one_process_are_cancelled_apart_and_a_run_after_an_interrupted_one_completes() {
    let slow_db = TestDatabase::empty().unwrap();
    let other_db = TestDatabase::empty().unwrap();
    let slow = fixture_migrator("slow:1:30000");
    let cancelled = RunOptions::default();
    let handle = cancelled.cancel.clone();
    std::thread::scope(|scope| {
        let slow_run = scope.spawn(|| slow.latest(slow_db.config(), &cancelled, &mut Silent));
        let mut watcher = slow_db.connect().unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        loop {
            let sleeping: i64 = watcher
                .query_one(
                    "select count(*) from pg_stat_activity where datname = current_database() and query like '%pg_sleep(%' and pid <> pg_backend_pid()",
                    &[],
                )
                .unwrap()
                .get(0);
            if sleeping > 0 {
                break;
            }
            assert!(std::time::Instant::now() < deadline, "the slow run never reached its statement");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        // Another run in the same process, with a handle of its own, is not disturbed.
        let other =
            fixture_migrator("tables:3").latest(other_db.config(), &RunOptions::default(), &mut Silent).unwrap();
        assert_eq!(other.migrations.len(), 3);
        let cancelled_at = std::time::Instant::now();
        handle.cancel();
        let error = slow_run.join().unwrap().unwrap_err();
        assert!(matches!(error, MigrateError::Interrupted { .. }), "{error}");
        assert!(cancelled_at.elapsed() < std::time::Duration::from_secs(5), "{:?}", cancelled_at.elapsed());
    });
    assert!(tables(&slow_db).is_empty(), "the cancelled run kept nothing");
    assert_eq!(tables(&other_db), ["t_1", "t_2", "t_3"]);
    // A run after the interrupted one, in the same process, completes.
    let again = fixture_migrator("tables:2").latest(slow_db.config(), &RunOptions::default(), &mut Silent).unwrap();
    assert_eq!(again.migrations.len(), 2);
    assert_eq!(tables(&slow_db), ["t_1", "t_2"]);
}

/// `t_1` with three rows, before the backfill migration.
fn before_backfill(set: &str) -> (TestDatabase, Migrator) {
    let db = TestDatabase::empty().unwrap();
    let migrator = fixture_migrator(set);
    migrator.run(db.config(), &Target::Up(None), &RunOptions::default(), &mut Silent).unwrap();
    db.connect().unwrap().batch_execute("insert into t_1 (name) values ('ada'), ('grace'), ('edsger')").unwrap();
    (db, migrator)
}

fn labels(db: &TestDatabase) -> Vec<(String, String)> {
    let rows = db.connect().unwrap().query("select name, label from t_1 order by id", &[]).unwrap();
    rows.iter().map(|r| (r.get(0), r.get(1))).collect()
}

fn has_label_column(db: &TestDatabase) -> bool {
    let sql = "select count(*) from information_schema.columns where table_name = 't_1' and column_name = 'label'";
    db.connect().unwrap().query_one(sql, &[]).unwrap().get::<_, i64>(0) == 1
}

#[test]
fn a_backfill_built_with_the_query_builder_runs_between_the_ddl_in_every_transaction_mode() {
    for mode in [TransactionMode::Knex, TransactionMode::All, TransactionMode::Each, TransactionMode::None] {
        let (db, migrator) = before_backfill("backfill");
        if matches!(mode, TransactionMode::Each | TransactionMode::None) && through_pooler() {
            // A run through a pooler is one transaction: refused, nothing changed.
            let error = migrator.latest(db.config(), &options(mode), &mut Silent).unwrap_err();
            assert!(matches!(error, MigrateError::OneTransactionThroughPooler { .. }), "{error}");
            assert!(!has_label_column(&db));
            continue;
        }
        migrator.latest(db.config(), &options(mode), &mut Silent).unwrap();
        let expected = [("ada", "ADA"), ("grace", "GRACE"), ("edsger", "EDSGER"), ("O'Brien", "O'BRIEN")];
        assert_eq!(labels(&db), expected.map(|(a, b)| (a.to_owned(), b.to_owned())), "{mode:?}");
        let nullable: String = db
            .connect()
            .unwrap()
            .query_one(
                "select is_nullable from information_schema.columns where table_name = 't_1' and column_name = 'label'",
                &[],
            )
            .unwrap()
            .get(0);
        assert_eq!(nullable, "NO", "{mode:?}");
        // Its down deletes the row it inserted and drops the column.
        migrator.run(db.config(), &Target::Down(None), &options(mode), &mut Silent).unwrap();
        assert!(!has_label_column(&db));
        let names: i64 = db.connect().unwrap().query_one("select count(*) from t_1", &[]).unwrap().get(0);
        assert_eq!(names, 3, "{mode:?}");
    }
}

#[test]
fn a_failing_backfill_leaves_what_the_transaction_rules_say() {
    for (mode, column_stays) in [
        (TransactionMode::Knex, false),
        (TransactionMode::All, false),
        (TransactionMode::Each, false),
        (TransactionMode::None, true),
    ] {
        let (db, migrator) = before_backfill("backfill:bad");
        if matches!(mode, TransactionMode::Each | TransactionMode::None) && through_pooler() {
            let error = migrator.latest(db.config(), &options(mode), &mut Silent).unwrap_err();
            assert!(matches!(error, MigrateError::OneTransactionThroughPooler { .. }), "{error}");
            assert!(!has_label_column(&db));
            continue;
        }
        let error = migrator.latest(db.config(), &options(mode), &mut Silent).unwrap_err();
        let message = error.to_string();
        assert!(
            message.contains("20240101000002_backfill_t_1_label failed at statement 2 of 4"),
            "{mode:?}: {message}"
        );
        assert!(message.contains("no_such_column"), "{message}");
        assert_eq!(has_label_column(&db), column_stays, "{mode:?}: {message}");
        assert_eq!(applied(&db).len(), 1, "{mode:?}: the backfill is not recorded");
        let rows: i64 = db.connect().unwrap().query_one("select count(*) from t_1", &[]).unwrap().get(0);
        assert_eq!(rows, 3, "{mode:?}: nothing was inserted");
    }
}

#[test]
fn a_dry_run_prints_the_data_statements_with_their_values_inline() {
    let db = TestDatabase::empty().unwrap();
    let plan = fixture_migrator("backfill").dry_run(db.config(), &Target::Latest, &RunOptions::default()).unwrap();
    let script = plan.to_script();
    let expected = concat!(
        "ALTER TABLE \"t_1\" ADD COLUMN \"label\" text;\n",
        "update \"t_1\" set \"label\" = upper(name) where \"label\" is null;\n",
        // knex sorts an insert's columns by name.
        "insert into \"t_1\" (\"label\", \"name\") values ('O''BRIEN', 'O''Brien');\n",
        "ALTER TABLE \"t_1\" ALTER COLUMN \"label\" SET NOT NULL;\n",
    );
    assert!(script.contains(expected), "{script}");
}

/// Straight to the server, never through a pooler: these tests are about the
/// connections and locks the runner itself holds.
fn direct(db: &TestDatabase) -> knexrs_connect::ConnectConfig {
    knexrs_connect::ConnectConfig::from_url(&db.direct_url()).unwrap()
}

/// A migration that records, in table `what`, how many knexrs sessions were
/// connected to its database while it ran.
fn counting_sessions(i: u64, what: &str) -> Migration {
    let count = format!(
        "create table {what} as select count(*) as n from pg_stat_activity \
         where datname = current_database() and application_name = 'knexrs'"
    );
    knexrs_tests::raw_migration(i, what, &[&count], &[&format!("drop table {what}")])
}

fn sessions_seen(db: &TestDatabase, what: &str) -> i64 {
    db.connect().unwrap().query_one(&format!("select n from {what}"), &[]).unwrap().get(0)
}

#[test]
fn a_run_that_is_one_transaction_needs_one_connection_and_one_with_transactions_of_its_own_a_second_for_knex_row() {
    let set = || Migrator::new(vec![counting_sessions(1, "seen_a"), counting_sessions(2, "seen_b")]).unwrap();

    let db = TestDatabase::empty().unwrap();
    set().run(&direct(&db), &Target::Latest, &RunOptions::default(), &mut Silent).unwrap();
    assert_eq!((sessions_seen(&db, "seen_a"), sessions_seen(&db, "seen_b")), (1, 1));
    assert_eq!(lock_row(&db), 0, "knex's row was locked in the run's transaction, never set");

    let db = TestDatabase::empty().unwrap();
    set().run(&direct(&db), &Target::Latest, &options(TransactionMode::Each), &mut Silent).unwrap();
    assert_eq!((sessions_seen(&db, "seen_a"), sessions_seen(&db, "seen_b")), (2, 2));
    assert_eq!(lock_row(&db), 0, "the lock connection's transaction set it and rolled back");
}

/// Whether a knex process would wait on knex's lock row now: its lock
/// statement (`select … for update` in a transaction) gives up after 300 ms.
fn knex_would_wait(db: &TestDatabase) -> bool {
    let mut client = postgres::Client::connect(&db.direct_url(), postgres::NoTls).unwrap();
    let attempt = client.batch_execute(
        "begin; set local lock_timeout = 300; select is_locked from knex_migrations_lock for update; rollback",
    );
    match attempt {
        Ok(()) => false,
        Err(e) if e.code() == Some(&postgres::error::SqlState::LOCK_NOT_AVAILABLE) => true,
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn knex_waits_on_its_lock_row_while_a_run_holds_it_in_either_way_of_holding_it() {
    for mode in [TransactionMode::Knex, TransactionMode::Each] {
        let db = TestDatabase::empty().unwrap();
        let slow = knexrs_tests::raw_migration(1, "slow", &["select pg_sleep(3)"], &[]);
        let config = direct(&db);
        let run = std::thread::spawn(move || {
            Migrator::new(vec![slow]).unwrap().run(&config, &Target::Latest, &options(mode), &mut Silent)
        });
        let sleeping = "select count(*) from pg_stat_activity where query like '%pg_sleep(3)%' \
                        and state = 'active' and pid <> pg_backend_pid() and datname = current_database()";
        let started = std::time::Instant::now();
        while db.connect().unwrap().query_one(sleeping, &[]).unwrap().get::<_, i64>(0) == 0 {
            assert!(started.elapsed() < std::time::Duration::from_secs(20), "the migration never started");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        assert!(knex_would_wait(&db), "{mode:?}: knex would not wait while the run holds the lock");
        run.join().unwrap().unwrap();
        assert!(!knex_would_wait(&db), "{mode:?}: the row is free after the run");
        assert_eq!(lock_row(&db), 0);
    }
}

/// What waited, and the applications a `Blocked` event named as holding it up.
type Blocked = (String, Vec<String>);

/// A run's `Blocked` events, in order.
#[derive(Clone, Default)]
struct BlockedLog(std::sync::Arc<std::sync::Mutex<Vec<Blocked>>>);

impl knexrs_migrate::Reporter for BlockedLog {
    fn report(&mut self, event: knexrs_migrate::Event<'_>) {
        if let knexrs_migrate::Event::Blocked { what, by, .. } = event {
            let names = by.iter().map(|b| b.application_name.clone()).collect();
            self.0.lock().unwrap().push((what.to_owned(), names));
        }
    }
}

impl BlockedLog {
    /// Waits (up to 15 s) until a `Blocked` event names `application`.
    fn wait_for(&self, application: &str) {
        let started = std::time::Instant::now();
        while !self.0.lock().unwrap().iter().any(|(_, names)| names.iter().any(|n| n == application)) {
            assert!(
                started.elapsed() < std::time::Duration::from_secs(15),
                "no report named {application}: {:?}",
                self.0.lock().unwrap()
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }
}

/// A session of `application` holding a lock on `table` in an open transaction.
fn holding(db: &TestDatabase, application: &str, table: &str) -> postgres::Client {
    let mut client = postgres::Client::connect(&db.direct_url(), postgres::NoTls).unwrap();
    client
        .batch_execute(&format!(
            "set application_name = '{application}'; begin; lock table {table} in access share mode"
        ))
        .unwrap();
    client
}

#[test]
fn each_waiting_migration_reports_the_session_that_holds_it_up_even_one_that_connected_after_the_first_report() {
    for mode in [TransactionMode::Knex, TransactionMode::Each] {
        let db = TestDatabase::empty().unwrap();
        db.connect().unwrap().batch_execute("create table t1 (id int); create table t2 (id int)").unwrap();
        let migrations = vec![
            knexrs_tests::raw_migration(1, "alter_t1", &["alter table t1 add column a int"], &[]),
            knexrs_tests::raw_migration(2, "alter_t2", &["alter table t2 add column b int"], &[]),
        ];
        let mut first = holding(&db, "app-a", "t1");
        let log = BlockedLog::default();
        let (config, mut reporter) = (direct(&db), log.clone());
        let run = std::thread::spawn(move || {
            Migrator::new(migrations).unwrap().run(&config, &Target::Latest, &options(mode), &mut reporter)
        });
        log.wait_for("app-a");
        // Connects after the run's first look at who blocks it.
        let mut second = holding(&db, "app-b", "t2");
        first.batch_execute("commit").unwrap();
        log.wait_for("app-b");
        second.batch_execute("commit").unwrap();
        run.join().unwrap().unwrap();
        let events = log.0.lock().unwrap().clone();
        assert!(
            events.iter().any(|(what, names)| what.contains("alter_t1") && names == &["app-a"]),
            "{mode:?}: {events:?}"
        );
        assert!(
            events.iter().any(|(what, names)| what.contains("alter_t2") && names == &["app-b"]),
            "{mode:?}: {events:?}"
        );
    }
}
