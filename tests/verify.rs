//! `migrate verify`: each migration's `down` checked against its `up` on a
//! throwaway database, through the library and the command line.

#![allow(clippy::unwrap_used, reason = "a test fails by panicking")]

use knexrs_migrate::{RunOptions, Silent, Verdict};
use knexrs_testing::TestDatabase;
use knexrs_tests::{assert_sigint_stops_check, fixture_migrate_command, fixture_migrator, throwaway_databases};

#[test]
fn a_down_that_forgets_an_index_drops_the_wrong_column_or_fails_is_reported_with_the_exact_difference() {
    let db = TestDatabase::empty().unwrap();
    let report = fixture_migrator("irreversible").verify(db.config(), &[]).unwrap();
    let verdicts: Vec<(&str, &Verdict)> = report.migrations.iter().map(|(n, v)| (n.as_str(), v)).collect();
    assert_eq!(verdicts.len(), 5, "{verdicts:?}");
    assert_eq!(verdicts[0], ("20240101000001_create_t_1", &Verdict::Reversible));
    assert_eq!(
        verdicts[1],
        (
            "20240101000002_index_forgotten",
            &Verdict::Irreversible(vec![
                "index public.t_1_name_index on public.t_1 is left after down (`CREATE INDEX t_1_name_index ON public.t_1 USING btree (name)`)".to_owned(),
                "up fails again after down: migration 20240101000002_index_forgotten failed at statement 1 of 1 `CREATE INDEX \"t_1_name_index\" ON \"t_1\" (\"name\")`: ERROR: relation \"t_1_name_index\" already exists (SQLSTATE 42P07); rolled back: 20240101000002_index_forgotten; no migration of this run was applied".to_owned(),
            ])
        )
    );
    let Verdict::Irreversible(wrong) = verdicts[2].1 else { panic!("{:?}", verdicts[2]) };
    assert!(wrong.contains(&"column name on public.t_1 is gone after down".to_owned()), "{wrong:?}");
    assert!(wrong.iter().any(|d| d.starts_with("column note on public.t_1 is left after down")), "{wrong:?}");
    assert!(wrong.iter().any(|d| d.starts_with("up fails again after down")), "{wrong:?}");
    let Verdict::DownFails(error) = verdicts[3].1 else { panic!("{:?}", verdicts[3]) };
    assert!(error.contains("no_such_table"), "{error}");
    assert_eq!(verdicts[4], ("20240101000005_create_t_5", &Verdict::Reversible));
    assert!(!report.all_reversible());
    // The database verified against was only read.
    let tables: i64 = db
        .connect()
        .unwrap()
        .query_one("select count(*) from pg_tables where schemaname = 'public'", &[])
        .unwrap()
        .get(0);
    assert_eq!(tables, 0);
}

#[test]
fn only_pending_migrations_are_verified_unless_named_and_an_unknown_name_is_refused() {
    let db = TestDatabase::empty().unwrap();
    let tables = fixture_migrator("tables:3");
    tables.run(db.config(), &knexrs_migrate::Target::Up(None), &RunOptions::default(), &mut Silent).unwrap();
    let report = tables.verify(db.config(), &[]).unwrap();
    let names: Vec<&str> = report.migrations.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["20240101000002_create_t_2", "20240101000003_create_t_3"]);
    assert!(report.all_reversible());
    let named = tables.verify(db.config(), &["20240101000001_create_t_1".to_owned()]).unwrap();
    assert_eq!(named.migrations, [("20240101000001_create_t_1".to_owned(), Verdict::Reversible)]);
    let unknown = tables.verify(db.config(), &["20240101000009_nope".to_owned()]).unwrap_err();
    assert!(unknown.to_string().contains("Migration \"20240101000009_nope\" not found"), "{unknown}");
}

#[test]
fn row_level_security_and_policies_a_down_leaves_behind_are_reported() {
    let db = TestDatabase::empty().unwrap();
    let report = fixture_migrator("row-security").verify(db.config(), &[]).unwrap();
    let (name, verdict) = &report.migrations[1];
    assert_eq!(name, "20240101000002_own_rows_only");
    assert_eq!(
        verdict,
        &Verdict::Irreversible(vec![
            "row level security on public.t_1 is left after down (`enabled`)".to_owned(),
            // The policy itself is dropped and made again alike: no line for it.
        ]),
        "{verdict:?}"
    );
}

#[test]
fn the_command_prints_one_line_per_migration_and_exits_1_when_one_is_irreversible() {
    let db = TestDatabase::empty().unwrap();
    let program = env!("CARGO_BIN_EXE_fixture-migrate");
    let child = fixture_migrate_command(program, &db, "irreversible", &["verify"]).spawn().unwrap();
    let pid = child.id();
    let out = child.wait_with_output().unwrap();
    assert_eq!(throwaway_databases(&db, "verify", pid), 0, "the throwaway databases are dropped");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("20240101000001_create_t_1: reversible\n"), "{stdout}");
    assert!(stdout.contains("20240101000002_index_forgotten: irreversible: index public.t_1_name_index"), "{stdout}");
    assert!(stdout.contains("20240101000004_down_fails: down fails: "), "{stdout}");
    assert!(stdout.contains("2 of 5 migrations reversible"), "{stdout}");

    let out = fixture_migrate_command(program, &db, "tables:2", &["verify"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("2 of 2 migrations reversible"));
}

#[test]
fn sigint_stops_the_verify_command_with_exit_1_and_drops_its_throwaway_database() {
    assert_sigint_stops_check(
        env!("CARGO_BIN_EXE_fixture-migrate"),
        &TestDatabase::empty().unwrap(),
        "slow:2:60000",
        "verify",
        "verifying",
    );
}

#[test]
fn a_throwaway_database_a_killed_check_left_over_an_hour_ago_is_dropped_by_the_next_one() {
    let db = TestDatabase::empty().unwrap();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let (stale, fresh) = (format!("knexrs_lint_1_{}_7", now - 7200), format!("knexrs_lint_2_{now}_7"));
    let mut client = db.connect().unwrap();
    for name in [&stale, &fresh] {
        client.batch_execute(&format!("create database {name}")).unwrap();
    }
    fixture_migrator("tables:1").verify(db.config(), &[]).unwrap();
    let left = |name: &str| -> i64 {
        db.connect().unwrap().query_one("select count(*) from pg_database where datname = $1", &[&name]).unwrap().get(0)
    };
    assert_eq!(left(&stale), 0, "the stale one is dropped");
    assert_eq!(left(&fresh), 1, "one made within the hour may be another check's");
    client.batch_execute(&format!("drop database {fresh}")).unwrap();
}
