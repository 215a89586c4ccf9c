//! knexrs and real knex 3.3.0 on the same databases (issue 15): the same
//! migrations (written as `.js` files from the Rust ones, statement for
//! statement), the same commands, then the same state: `knex_migrations`
//! rows and batches, tables, lock rows. knex is installed from
//! `tests/fixtures/knex-node`'s lockfile by the tests themselves.

#![allow(clippy::unwrap_used, reason = "a test fails by panicking")]

use knexrs_migrate::{Migrator, RunOptions, Silent};
use knexrs_testing::TestDatabase;
use knexrs_tests::knex::{Knex, KnexState, Ran, knex_state, recorded_names, write_js_migrations};
use knexrs_tests::{fixture_migrate_command, migration_set};
use std::path::PathBuf;
use std::sync::OnceLock;

fn knex() -> &'static Knex {
    static KNEX: OnceLock<Knex> = OnceLock::new();
    KNEX.get_or_init(|| Knex::install(env!("CARGO_TARGET_TMPDIR")))
}

/// A fresh folder of `.js` migrations for fixture set `set`.
fn js_folder(set: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("knex-migrations").join(format!(
        "{}-{}-{}",
        set.replace(':', "_"),
        std::process::id(),
        unique()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    write_js_migrations(&dir, &migration_set(set).unwrap());
    dir
}

fn unique() -> usize {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// `knex <args>` over fixture set `set`.
fn knex_run(db: &TestDatabase, set: &str, args: &[&str]) -> Ran {
    let dir = js_folder(set);
    knex().run(db, &[&dir], args)
}

/// `fixture-migrate <set> <args>`: our command line.
fn ours(db: &TestDatabase, set: &str, args: &[&str]) -> Ran {
    fixture_migrate_command(env!("CARGO_BIN_EXE_fixture-migrate"), db, set, args).output().unwrap().into()
}

fn succeeded(ran: &Ran, who: &str) {
    assert_eq!(ran.code, Some(0), "{who} failed:\n{}\n{}", ran.stdout, ran.stderr);
}

/// Output lines without the environment banner and our one extra line (the
/// run's time, `Done in …`), with `.rs`/`.js` names as stems.
fn lines(out: &str) -> Vec<String> {
    out.lines()
        .filter(|l| !l.starts_with("Using environment") && !l.starts_with("Done in "))
        .map(|l| l.replace(".js", "").replace(".rs", ""))
        .filter(|l| !l.trim().is_empty())
        .collect()
}

fn state(migrations: &[(&str, i32)], tables: &[&str]) -> KnexState {
    KnexState {
        migrations: migrations.iter().map(|(n, b)| ((*n).to_owned(), *b)).collect(),
        lock: vec![0],
        tables: tables.iter().map(|t| (*t).to_owned()).collect(),
    }
}

const T1: &str = "20240101000001_create_t_1";
const T2: &str = "20240101000002_create_t_2";
const T3: &str = "20240101000003_create_t_3";
const T4: &str = "20240101000004_create_t_4";

#[test]
fn knex_then_knexrs_then_knex_then_knexrs_each_takes_the_database_back() {
    let db = TestDatabase::empty().unwrap();

    // knex applies two migrations.
    succeeded(&knex_run(&db, "tables:2", &["migrate:latest"]), "knex latest");
    assert_eq!(recorded_names(&db), [(format!("{T1}.js"), 1), (format!("{T2}.js"), 1)]);

    // knexrs applies a third: its row follows the table's `.js` names.
    let out = ours(&db, "tables:3", &["latest"]);
    succeeded(&out, "knexrs latest");
    assert!(out.stdout.contains("Batch 2 run: 1 migrations"), "{}", out.stdout);
    assert_eq!(recorded_names(&db)[2], (format!("{T3}.js"), 2));

    // knex reads it back: lists three completed, applies a fourth, rolls it back.
    let list = knex_run(&db, "tables:4", &["migrate:list"]);
    succeeded(&list, "knex list");
    assert!(list.stdout.contains("Found 3 Completed Migration file/files."), "{}", list.stdout);
    assert!(list.stdout.contains(&format!("Found 1 Pending Migration file/files.\n{T4}.js")), "{}", list.stdout);
    succeeded(&knex_run(&db, "tables:4", &["migrate:latest"]), "knex latest again");
    assert_eq!(knex_state(&db), state(&[(T1, 1), (T2, 1), (T3, 2), (T4, 3)], &["t_1", "t_2", "t_3", "t_4"]));
    succeeded(&knex_run(&db, "tables:4", &["migrate:rollback"]), "knex rollback");

    // knexrs again: sees t_4 pending, applies it, then rolls back everything,
    // knex's rows included.
    let status = ours(&db, "tables:4", &["status"]);
    succeeded(&status, "knexrs status");
    assert!(status.stdout.contains(&format!("Found 1 Pending Migration file/files.\n{T4}.rs")), "{}", status.stdout);
    succeeded(&ours(&db, "tables:4", &["latest"]), "knexrs latest again");
    assert_eq!(knex_state(&db), state(&[(T1, 1), (T2, 1), (T3, 2), (T4, 3)], &["t_1", "t_2", "t_3", "t_4"]));
    assert!(recorded_names(&db).iter().all(|(name, _)| name.ends_with(".js")), "{:?}", recorded_names(&db));
    succeeded(&ours(&db, "tables:4", &["rollback", "--all"]), "knexrs rollback --all");
    assert_eq!(knex_state(&db), state(&[], &[]));

    // And knex starts over on what knexrs left.
    let list = knex_run(&db, "tables:4", &["migrate:list"]);
    assert!(list.stdout.contains("No Completed Migration files Found."), "{}", list.stdout);
    succeeded(&knex_run(&db, "tables:4", &["migrate:latest"]), "knex latest from scratch");
    assert_eq!(knex_state(&db), state(&[(T1, 1), (T2, 1), (T3, 1), (T4, 1)], &["t_1", "t_2", "t_3", "t_4"]));
}

/// Runs `steps` (knex arguments, ours) on two fresh databases, one tool
/// each, and asserts both end in the same state and exit codes; returns it.
fn same_outcome(set: &str, steps: &[(&[&str], &[&str])]) -> KnexState {
    let (theirs_db, ours_db) = (TestDatabase::empty().unwrap(), TestDatabase::empty().unwrap());
    let dir = js_folder(set);
    for (knex_args, our_args) in steps {
        let theirs = knex().run(&theirs_db, &[&dir], knex_args);
        let mine = ours(&ours_db, set, our_args);
        assert_eq!(
            theirs.code, mine.code,
            "{set} {knex_args:?}: knex exited {:?}, we exited {:?}\nknex: {}{}\nours: {}{}",
            theirs.code, mine.code, theirs.stdout, theirs.stderr, mine.stdout, mine.stderr
        );
        assert_eq!(knex_state(&theirs_db), knex_state(&ours_db), "{set} after {knex_args:?}");
    }
    knex_state(&ours_db)
}

#[test]
fn a_failed_latest_leaves_what_knex_leaves() {
    // Every migration transactional: one transaction for the batch, nothing stays.
    let all = same_outcome("failing:3:3", &[(&["migrate:latest"], &["latest"])]);
    assert_eq!(all, state(&[], &[]));
    // One migration outside a transaction: each commits on its own, the two before the failure stay.
    let mixed = same_outcome("mixed-fails", &[(&["migrate:latest"], &["latest"])]);
    assert_eq!(mixed, state(&[(T1, 1), ("20240101000002_outside", 1)], &["t_1", "t_2"]));
}

#[test]
fn a_failed_rollback_leaves_what_knex_leaves() {
    // Each down in its own transaction: the newest is undone, the failing one stays.
    let after = same_outcome(
        "down-fails-middle",
        &[(&["migrate:latest"], &["latest"]), (&["migrate:rollback"], &["rollback"])],
    );
    assert_eq!(after, state(&[(T1, 1), ("20240101000002_archive", 1)], &["t_1", "t_2"]));
    let down = same_outcome(
        "down-fails-middle",
        &[(&["migrate:latest"], &["latest"]), (&["migrate:down"], &["down"]), (&["migrate:down"], &["down"])],
    );
    assert_eq!(down, after);
}

#[test]
fn to_and_before_apply_what_knex_applies_and_print_its_lines() {
    let (theirs_db, ours_db) = (TestDatabase::empty().unwrap(), TestDatabase::empty().unwrap());
    let dir = js_folder("tables:4");
    let t2 = format!("{T2}.js");
    let t4 = format!("{T4}.js");
    let t1 = format!("{T1}.js");
    for args in
        [vec!["to", t2.as_str()], vec!["before", t4.as_str()], vec!["to", t1.as_str()], vec!["before", t1.as_str()]]
    {
        let knex_command = format!("migrate:{}", args[0]);
        let theirs = knex().run(&theirs_db, &[&dir], &[&knex_command, args[1]]);
        let mine = ours(&ours_db, "tables:4", &args);
        succeeded(&theirs, "knex");
        succeeded(&mine, "knexrs");
        assert_eq!(lines(&mine.stdout), lines(&theirs.stdout), "{args:?}");
        assert_eq!(knex_state(&theirs_db), knex_state(&ours_db), "after {args:?}");
    }
    assert_eq!(knex_state(&ours_db), state(&[(T1, 1), (T2, 1), (T3, 2)], &["t_1", "t_2", "t_3"]));

    // An unknown name: knex's one line, exit 1, nothing changed.
    let theirs = knex().run(&theirs_db, &[&dir], &["migrate:to", "nope"]);
    let mine = ours(&ours_db, "tables:4", &["to", "nope"]);
    assert_eq!((theirs.code, mine.code), (Some(1), Some(1)));
    assert!(theirs.stderr.contains("Migration \"nope\" not found."), "{}", theirs.stderr);
    assert!(mine.stderr.contains("Migration \"nope\" not found."), "{}", mine.stderr);
    assert_eq!(knex_state(&theirs_db), knex_state(&ours_db));
}

#[test]
fn up_down_list_and_unlock_print_knex_lines() {
    let (theirs_db, ours_db) = (TestDatabase::empty().unwrap(), TestDatabase::empty().unwrap());
    let dir = js_folder("tables:3");
    for (knex_args, our_args) in [
        (vec!["migrate:list"], vec!["list"]),
        (vec!["migrate:up"], vec!["up"]),
        (vec!["migrate:up"], vec!["up"]),
        (vec!["migrate:list"], vec!["list"]),
        (vec!["migrate:down"], vec!["down"]),
        (vec!["migrate:up", &format!("{T3}.js")], vec!["up", &format!("{T3}.js")]),
        (vec!["migrate:list"], vec!["status"]),
        (vec!["migrate:unlock"], vec!["unlock"]),
    ] {
        let knex_args: Vec<&str> = knex_args.iter().map(|s| s.as_ref()).collect();
        let our_args: Vec<&str> = our_args.iter().map(|s| s.as_ref()).collect();
        let theirs = knex().run(&theirs_db, &[&dir], &knex_args);
        let mine = ours(&ours_db, "tables:3", &our_args);
        succeeded(&theirs, "knex");
        succeeded(&mine, "knexrs");
        assert_eq!(lines(&mine.stdout), lines(&theirs.stdout), "{our_args:?}");
        // knex's list creates the bookkeeping tables; ours only reads (a README difference).
        if knex_args[0] != "migrate:list" {
            assert_eq!(knex_state(&theirs_db), knex_state(&ours_db), "after {our_args:?}");
        }
    }
    assert_eq!(knex_state(&ours_db), state(&[(T1, 1), (T3, 2)], &["t_1", "t_3"]));

    // `down` of a migration that was not run (or does not exist): knex's line, exit 1, nothing changed.
    for name in [format!("{T2}.js"), "nope".to_owned()] {
        let theirs = knex().run(&theirs_db, &[&dir], &["migrate:down", &name]);
        let mine = ours(&ours_db, "tables:3", &["down", &name]);
        assert_eq!((theirs.code, mine.code), (Some(1), Some(1)), "{name}");
        let said = format!("Migration \"{name}\" was not run.");
        assert!(theirs.stderr.contains(&said), "{}", theirs.stderr);
        assert!(mine.stderr.contains(&said), "{}", mine.stderr);
        assert_eq!(knex_state(&theirs_db), knex_state(&ours_db), "after down {name}");
    }
}

#[test]
fn status_only_reads_where_knex_list_creates_its_tables() {
    let db = TestDatabase::empty().unwrap();
    succeeded(&ours(&db, "tables:1", &["list"]), "knexrs list");
    assert_eq!(knex_state(&db), KnexState { migrations: vec![], lock: vec![], tables: vec![] });
    let mut client = db.connect().unwrap();
    let tables: i64 =
        client.query_one("select count(*) from pg_tables where schemaname = 'public'", &[]).unwrap().get(0);
    assert_eq!(tables, 0, "status created nothing");
}

#[test]
fn lock_row_edge_cases_are_treated_as_knex_treats_them() {
    let (theirs_db, ours_db) = (TestDatabase::empty().unwrap(), TestDatabase::empty().unwrap());
    let dir1 = js_folder("tables:1");
    let dir2 = js_folder("tables:2");
    succeeded(&knex().run(&theirs_db, &[&dir1], &["migrate:latest"]), "knex latest");
    succeeded(&ours(&ours_db, "tables:1", &["latest"]), "knexrs latest");
    let both = |sql: &str| {
        for db in [&theirs_db, &ours_db] {
            db.connect().unwrap().batch_execute(sql).unwrap();
        }
    };

    // The row set: even a latest with nothing to do fails, exit 1, knex's words.
    both("update knex_migrations_lock set is_locked = 1");
    let theirs = knex().run(&theirs_db, &[&dir1], &["migrate:latest"]);
    let mine = ours(&ours_db, "tables:1", &["latest"]);
    assert_eq!((theirs.code, mine.code), (Some(1), Some(1)), "{}\n{}", theirs.stdout, mine.stdout);
    assert!(theirs.stderr.contains("Migration table is already locked"), "{}", theirs.stderr);
    assert!(mine.stderr.contains("Migration table is already locked"), "{}", mine.stderr);
    let (theirs, mine) =
        (knex().run(&theirs_db, &[&dir1], &["migrate:unlock"]), ours(&ours_db, "tables:1", &["unlock"]));
    assert_eq!(lines(&mine.stdout), lines(&theirs.stdout));
    assert_eq!(knex_state(&theirs_db), knex_state(&ours_db));

    // Two lock rows, neither set: knex's update touches two rows, so it is locked.
    both("insert into knex_migrations_lock (is_locked) values (0)");
    let theirs = knex().run(&theirs_db, &[&dir2], &["migrate:latest"]);
    let mine = ours(&ours_db, "tables:2", &["latest"]);
    assert_eq!((theirs.code, mine.code), (Some(1), Some(1)), "{}\n{}", theirs.stdout, mine.stdout);
    assert!(theirs.stderr.contains("Migration table is already locked"), "{}", theirs.stderr);
    assert!(mine.stderr.contains("Migration table is already locked"), "{}", mine.stderr);
    assert_eq!(knex_state(&theirs_db), knex_state(&ours_db));
    assert_eq!(knex_state(&ours_db).migrations, [(T1.to_owned(), 1)], "nothing applied while locked");
}

#[test]
fn any_file_name_knex_accepts_orders_as_knex_orders_it() {
    let after = same_outcome("numbered", &[(&["migrate:latest"], &["latest"]), (&["migrate:down"], &["down"])]);
    assert_eq!(
        after.migrations,
        [("001_create_t_1".to_owned(), 1), ("002_create_t_2".to_owned(), 1)],
        "010 sorts after 002, and down undoes it"
    );
    // Two files sharing a timestamp, with different names: both run, in file name order.
    same_outcome("shared-timestamp", &[(&["migrate:latest"], &["latest"])]);
}

#[test]
fn a_knex_history_with_dashed_names_is_taken_over_and_handed_back() {
    // The name knex's own `migrate:make add-pod-index` writes.
    const DASHED: &str = "20240101000001_add-pod-index";
    let db = TestDatabase::empty().unwrap();
    succeeded(&knex_run(&db, "dashed", &["migrate:latest"]), "knex latest");
    assert_eq!(recorded_names(&db), [(format!("{DASHED}.js"), 1)]);

    // knexrs reads knex's history as applied, has nothing to do, and can undo it.
    let status = ours(&db, "dashed", &["status"]);
    succeeded(&status, "knexrs status");
    let listed = lines(&status.stdout);
    assert_eq!(
        listed,
        ["Found 1 Completed Migration file/files.", DASHED, "No Pending Migration files Found."],
        "{}",
        status.stdout
    );
    let latest = ours(&db, "dashed", &["latest"]);
    succeeded(&latest, "knexrs latest");
    assert!(latest.stdout.contains("Already up to date"), "{}", latest.stdout);
    succeeded(&ours(&db, "dashed", &["rollback"]), "knexrs rollback");
    assert_eq!(knex_state(&db), state(&[], &[]));

    // knex applies it again on what knexrs left, and knexrs sees it applied.
    succeeded(&knex_run(&db, "dashed", &["migrate:latest"]), "knex latest again");
    assert_eq!(knex_state(&db), state(&[(DASHED, 1)], &["t_1"]));
    let latest = ours(&db, "dashed", &["latest"]);
    succeeded(&latest, "knexrs latest again");
    assert!(latest.stdout.contains("Already up to date"), "{}", latest.stdout);
}

#[test]
fn several_folders_sort_together_or_each_in_turn_as_knex_sorts_them() {
    let all = migration_set("tables:3").unwrap();
    // Folder `b` holds t_2, folder `a` holds t_1 and t_3; listed as [b, a].
    let root =
        PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("knex-folders-{}-{}", std::process::id(), unique()));
    let (b, a) = (root.join("b"), root.join("a"));
    write_js_migrations(&b, &all[1..2]);
    write_js_migrations(&a, &[all[0].clone(), all[2].clone()]);
    for separately in [false, true] {
        let (theirs_db, ours_db) = (TestDatabase::empty().unwrap(), TestDatabase::empty().unwrap());
        let mut command = knex().command(&theirs_db, &[&b, &a], &["migrate:latest"]);
        command.env("KNEX_SORT_DIRS_SEPARATELY", separately.to_string());
        let theirs: Ran = command.output().unwrap().into();
        succeeded(&theirs, "knex latest");
        let folders = vec![all[1].clone(), all[0].clone(), all[2].clone()];
        let migrator = if separately { Migrator::new_in_order(folders) } else { Migrator::new(folders) }.unwrap();
        migrator.latest(ours_db.config(), &RunOptions::default(), &mut Silent).unwrap();
        assert_eq!(knex_state(&theirs_db), knex_state(&ours_db), "sortDirsSeparately: {separately}");
        let first = &knex_state(&ours_db).migrations[0].0;
        assert_eq!(first, if separately { T2 } else { T1 });
    }
}

#[test]
fn a_recorded_migration_without_a_file_stops_both_unless_validation_is_disabled() {
    let (theirs_db, ours_db) = (TestDatabase::empty().unwrap(), TestDatabase::empty().unwrap());
    let dir = js_folder("tables:2");
    for (db, done) in [
        (&theirs_db, knex().run(&theirs_db, &[&dir], &["migrate:up"])),
        (&ours_db, ours(&ours_db, "tables:2", &["up"])),
    ] {
        succeeded(&done, "up");
        db.connect()
            .unwrap()
            .batch_execute(
                "insert into knex_migrations (name, batch, migration_time) values ('20230101000000_gone.js', 1, now())",
            )
            .unwrap();
    }
    let theirs = knex().run(&theirs_db, &[&dir], &["migrate:latest"]);
    let mine = ours(&ours_db, "tables:2", &["latest"]);
    assert_eq!((theirs.code, mine.code), (Some(1), Some(1)));
    for err in [&theirs.stderr, &mine.stderr] {
        assert!(
            err.contains("migration directory is corrupt, the following files are missing: 20230101000000_gone.js"),
            "{err}"
        );
    }
    let mut command = knex().command(&theirs_db, &[&dir], &["migrate:latest"]);
    command.env("KNEX_DISABLE_LIST_VALIDATION", "true");
    let theirs: Ran = command.output().unwrap().into();
    let mine = ours(&ours_db, "tables:2", &["latest", "--disable-migrations-list-validation"]);
    succeeded(&theirs, "knex latest without validation");
    succeeded(&mine, "knexrs latest without validation");
    assert_eq!(knex_state(&theirs_db), knex_state(&ours_db));
}

#[test]
fn column_info_describes_every_column_as_knex_column_info_does() {
    let db = TestDatabase::migrated(&knexrs_tests::cliscale::migrator()).unwrap();
    db.connect()
        .unwrap()
        .batch_execute(
            "create type job_state as enum ('pending', 'running');
             alter table sessions add column note varchar(40) default 'none', add column state job_state not null default 'pending';
             create schema ops; create table ops.jobs (id bigserial primary key, label char(3));",
        )
        .unwrap();
    for table in ["sessions", "ops.jobs", "missing"] {
        let (schema, name) = table.split_once('.').map_or((None, table), |(s, n)| (Some(s), n));
        let call = match schema {
            Some(schema) => format!("knex.withSchema('{schema}').table('{name}')"),
            None => format!("knex('{name}')"),
        };
        let theirs = knex().script(&db, &format!("console.log(JSON.stringify(await {call}.columnInfo()));"));
        succeeded(&theirs, "knex columnInfo");
        let theirs: serde_json::Value = serde_json::from_str(theirs.stdout.trim()).unwrap();
        let ours: Vec<knexrs_query::ColumnInfo> =
            db.pool().unwrap().fetch_all(&knexrs_query::column_info(table)).unwrap();
        let ours: serde_json::Map<String, serde_json::Value> = ours
            .into_iter()
            .map(|c| {
                let info = serde_json::json!({
                    "type": c.data_type, "maxLength": c.max_length, "nullable": c.nullable, "defaultValue": c.default_value,
                });
                (c.name, info)
            })
            .collect();
        assert_eq!(serde_json::Value::Object(ours), theirs, "{table}");
    }
}
