//! `migrate lint`: what each migration locks and rewrites, traced on a
//! throwaway database, through the library and the command line.

#![allow(clippy::unwrap_used, reason = "a test fails by panicking")]

use knexrs_migrate::{Hazard, LintOptions, LockMode, RunOptions, Severity, Silent, Target};
use knexrs_testing::TestDatabase;
use knexrs_tests::{assert_sigint_stops_check, fixture_migrate_command, fixture_migrator, throwaway_databases};

/// A migration's findings: statement, hazard, allowed.
type Found<'a> = (&'a str, Vec<(usize, Hazard, bool)>);

#[test]
fn each_hazard_is_reported_at_its_statement_from_what_postgresql_did() {
    let db = TestDatabase::empty().unwrap();
    let report = fixture_migrator("hazards").lint(db.config(), &[], &LintOptions::default()).unwrap();
    let found: Vec<Found> = report
        .migrations
        .iter()
        .map(|m| (m.name.as_str(), m.findings.iter().map(|f| (f.statement, f.hazard, f.allowed)).collect()))
        .collect();
    assert_eq!(
        found,
        [
            ("20240101000001_create_accounts", vec![]),
            (
                "20240101000002_index_name",
                vec![(1, Hazard::NoLockTimeout, false), (1, Hazard::IndexNotConcurrent, false)]
            ),
            // varchar(50) to varchar(100) rewrites nothing; integer to bigint rewrites the table.
            ("20240101000003_widen_name_bigint_balance", vec![(2, Hazard::TableRewrite, false)]),
            // The foreign key is validated on the new table; accounts is only locked.
            ("20240101000004_create_entries", vec![]),
            ("20240101000005_checks", vec![(1, Hazard::ValidatedConstraint, false)]),
            ("20240101000006_note_required", vec![(1, Hazard::SetNotNull, false)]),
            ("20240101000007_add_team", vec![(1, Hazard::RequiredColumn, false)]),
            (
                "20240101000008_rename_and_drop",
                vec![(1, Hazard::RenamesColumn, false), (2, Hazard::DropsColumn, false)]
            ),
            ("20240101000009_index_label_concurrently", vec![]),
            ("20240101000010_numeric_balance", vec![(1, Hazard::TableRewrite, true)]),
            (
                "20240101000011_flag_then_index",
                vec![(2, Hazard::IndexNotConcurrent, false), (2, Hazard::LockHeld, false)]
            ),
            // now() is stable: no rewrite; gen_random_uuid() is volatile: every row gets its own value.
            ("20240101000012_defaults", vec![(2, Hazard::TableRewrite, false)]),
            ("20240101000013_tier_in_transaction", vec![(2, Hazard::UpdateInTransaction, false)]),
            // TRUNCATE gives the table new storage, but copies nothing.
            ("20240101000014_truncate_entries", vec![]),
        ]
    );
    assert!(!report.passes());
    assert_eq!(report.count(Severity::Error), 7);
    assert_eq!(report.count(Severity::Warning), 5);
}

#[test]
fn the_locks_of_each_statement_are_those_postgresql_granted() {
    let db = TestDatabase::empty().unwrap();
    let names = ["20240101000004_create_entries".to_owned(), "20240101000011_flag_then_index".to_owned()];
    let report = fixture_migrator("hazards").lint(db.config(), &names, &LintOptions::default()).unwrap();
    let locks: Vec<Vec<(String, LockMode)>> =
        report.migrations.iter().flat_map(|m| m.statements.iter().map(|s| s.locks.clone())).collect();
    let accounts = |mode| vec![("public.accounts".to_owned(), mode)];
    assert_eq!(
        locks,
        [
            // A foreign key to accounts locks it against writes; entries is new.
            accounts(LockMode::ShareRowExclusive),
            accounts(LockMode::AccessExclusive),
            vec![("public.entries".to_owned(), LockMode::Share)],
        ]
    );
}

#[test]
fn pending_migrations_are_linted_with_the_sizes_of_the_database_and_it_is_only_read() {
    let db = TestDatabase::empty().unwrap();
    let hazards = fixture_migrator("hazards");
    hazards
        .run(db.config(), &Target::To("20240101000001_create_accounts".into()), &RunOptions::default(), &mut Silent)
        .unwrap();
    let mut client = db.connect().unwrap();
    client
        .batch_execute("insert into accounts (name) select 'a' || i from generate_series(1, 1000) i; analyze accounts")
        .unwrap();
    let mut options = LintOptions::default();
    options.lock_timeout(std::time::Duration::from_secs(2));
    let report = hazards.lint(db.config(), &[], &options).unwrap();
    assert_eq!(report.migrations.len(), 13);
    let index = &report.migrations[0];
    // The run's lock timeout is given: no warning for it.
    assert_eq!(index.findings.len(), 1, "{:?}", index.findings);
    assert!(
        index.findings[0]
            .detail
            .contains("(blocks writes); on the database linted for, public.accounts has about 1000 rows ("),
        "{}",
        index.findings[0]
    );
    // Nothing pending was applied to the database linted for.
    let applied: i64 = client.query_one("select count(*) from knex_migrations", &[]).unwrap().get(0);
    assert_eq!(applied, 1);
    let indexes: i64 =
        client.query_one("select count(*) from pg_indexes where tablename = 'accounts'", &[]).unwrap().get(0);
    assert_eq!(indexes, 1);
}

#[test]
fn a_migration_that_fails_stops_the_lint_and_fails_it() {
    let db = TestDatabase::empty().unwrap();
    let report = fixture_migrator("failing:2:3").lint(db.config(), &[], &LintOptions::default()).unwrap();
    assert_eq!(report.migrations.len(), 2, "{report:?}");
    let failed = report.migrations[1].failed.as_deref().unwrap();
    assert!(failed.starts_with("statement 2 `alter table \"t_2\" add column owner integer references no_such_table (id)` fails: ERROR: relation \"no_such_table\" does not exist (SQLSTATE 42P01)"), "{failed}");
    assert!(!report.passes());
}

#[test]
fn the_command_prints_findings_under_each_migration_and_exits_1_on_an_error() {
    let db = TestDatabase::empty().unwrap();
    let program = env!("CARGO_BIN_EXE_fixture-migrate");
    let child = fixture_migrate_command(program, &db, "hazards", &["lint"]).spawn().unwrap();
    let pid = child.id();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    // After knex's `Using environment` line.
    let lines: Vec<&str> = stdout.lines().skip(1).collect();
    assert_eq!(lines[0], "20240101000001_create_accounts (in a transaction): no hazard");
    assert_eq!(lines[1], "20240101000002_index_name (in a transaction)");
    assert!(
        lines[2]
            .starts_with("  warning[no-lock-timeout] statement 1: takes SHARE on public.accounts with no lock_timeout"),
        "{stdout}"
    );
    assert!(lines[3].starts_with("  error[index-not-concurrent] statement 1: builds index public.accounts_name_index on public.accounts while SHARE is held (blocks writes); build it with `.concurrently()`"), "{stdout}");
    assert!(
        stdout.contains("20240101000009_index_label_concurrently (outside a transaction): no hazard\n"),
        "{stdout}"
    );
    assert!(stdout.contains("  allowed[table-rewrite] statement 1: rewrites table public.accounts"), "{stdout}");
    assert_eq!(lines.last(), Some(&"Linted 14 migrations: 7 errors, 5 warnings"));
    assert_eq!(throwaway_databases(&db, "lint", pid), 0, "the throwaway database is dropped");
}

#[test]
fn allowed_hazards_pass_and_verbose_lists_each_statement_with_its_locks() {
    let db = TestDatabase::empty().unwrap();
    let program = env!("CARGO_BIN_EXE_fixture-migrate");
    let args =
        ["lint", "20240101000002_index_name", "--allow", "index-not-concurrent", "--lock-timeout", "5s", "--verbose"];
    let out = fixture_migrate_command(program, &db, "hazards", &args).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        stdout.lines().skip(1).take(3).collect::<Vec<_>>(),
        [
            "20240101000002_index_name (in a transaction)",
            "  1. create index accounts_name_index on accounts (name): SHARE on public.accounts (blocks writes)",
            "  allowed[index-not-concurrent] statement 1: builds index public.accounts_name_index on public.accounts while SHARE is held (blocks writes)",
        ]
    );
    assert!(stdout.ends_with("Linted 1 migration: 0 errors, 0 warnings\n"), "{stdout}");
}

#[test]
fn an_unknown_hazard_is_a_one_line_usage_error_that_lists_the_known_ones() {
    let db = TestDatabase::empty().unwrap();
    let program = env!("CARGO_BIN_EXE_fixture-migrate");
    let out = fixture_migrate_command(program, &db, "hazards", &["lint", "--allow", "rewrite"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("`rewrite` is not a hazard lint knows: use one of table-rewrite, index-not-concurrent"),
        "{stderr}"
    );
    let unknown = "rewrite".parse::<Hazard>().unwrap_err();
    assert!(matches!(unknown, knexrs_migrate::MigrateError::UnknownHazard { .. }), "{unknown}");
}

#[test]
fn json_output_carries_each_statement_its_locks_and_its_findings() {
    let db = TestDatabase::empty().unwrap();
    let program = env!("CARGO_BIN_EXE_fixture-migrate");
    let args = ["lint", "20240101000011_flag_then_index", "--json"];
    let out = fixture_migrate_command(program, &db, "hazards", &args).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    // Alone on stdout: the `Using environment` line goes to stderr.
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["errors"], 1);
    assert_eq!(json["warnings"], 1);
    assert_eq!(json["passes"], false);
    let migration = &json["migrations"][0];
    assert_eq!(
        migration["statements"][1]["locks"],
        serde_json::json!([{ "table": "public.entries", "mode": "SHARE" }])
    );
    let finding = &migration["findings"][0];
    assert_eq!(finding["hazard"], "index-not-concurrent");
    assert_eq!(finding["severity"], "error");
    assert_eq!(finding["statement"], 2);
    assert_eq!(finding["table"], "public.entries");
    assert!(finding["advice"].as_str().unwrap().contains(".concurrently()"));
}

#[test]
fn a_cancelled_lint_stops_at_once_and_says_nothing_changed() {
    let db = TestDatabase::empty().unwrap();
    let mut options = LintOptions::default();
    let cancel = options.cancel.clone();
    let canceller = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(500));
        cancel.cancel();
    });
    options.lock_timeout(std::time::Duration::from_secs(1));
    let started = std::time::Instant::now();
    // Each migration sleeps 60 s in its transaction.
    let error = fixture_migrator("slow:2:60000").lint(db.config(), &[], &options).unwrap_err();
    canceller.join().unwrap();
    assert!(started.elapsed() < std::time::Duration::from_secs(30), "{:?}", started.elapsed());
    assert!(matches!(error, knexrs_migrate::MigrateError::Interrupted { .. }), "{error}");
    assert_eq!(error.to_string(), "interrupted while linting; nothing changed: the throwaway database is dropped");
}

#[test]
fn a_check_cancelled_before_its_work_starts_says_interrupted_not_that_a_migration_failed() {
    // The cancel lands while the throwaway database is being made (a slow server): the
    // migration run inside the check then refuses to start, which is no failure of a migration.
    let db = TestDatabase::empty().unwrap();
    let migrator = fixture_migrator("tables:2");
    let lint = LintOptions::default();
    lint.cancel.cancel();
    let error = migrator.lint(db.config(), &[], &lint).unwrap_err();
    assert_eq!(error.to_string(), "interrupted while linting; nothing changed: the throwaway database is dropped");
    let verify = knexrs_migrate::VerifyOptions::default();
    verify.cancel.cancel();
    let error = migrator.verify_with(db.config(), &[], &verify).unwrap_err();
    assert!(matches!(error, knexrs_migrate::MigrateError::Interrupted { .. }), "{error}");
    assert!(error.to_string().ends_with("nothing changed: the throwaway database is dropped"), "{error}");
}

#[test]
fn sigint_stops_the_lint_command_with_exit_1_and_drops_its_throwaway_database() {
    assert_sigint_stops_check(
        env!("CARGO_BIN_EXE_fixture-migrate"),
        &TestDatabase::empty().unwrap(),
        "slow:2:60000",
        "lint",
        "linting",
    );
}

#[test]
fn run_time_steps_and_batched_backfills_run_in_the_trace_as_latest_runs_them() {
    // A data migration in one transaction (add, update, set not null) is linted as strong_migrations advises.
    let db = TestDatabase::empty().unwrap();
    let report = fixture_migrator("backfill").lint(db.config(), &[], &LintOptions::default()).unwrap();
    let hazards: Vec<(usize, Hazard)> = report.migrations[1].findings.iter().map(|f| (f.statement, f.hazard)).collect();
    assert_eq!(hazards, [(1, Hazard::NoLockTimeout), (2, Hazard::UpdateInTransaction), (4, Hazard::SetNotNull)]);
    // A step that panics fails its migration's lint, as it fails the run, instead of crashing the lint.
    let report = fixture_migrator("steps:panics").lint(db.config(), &[], &LintOptions::default()).unwrap();
    let failed = report.migrations.last().and_then(|m| m.failed.as_deref()).unwrap();
    assert!(failed.contains("fails: it panicked"), "{failed}");
    for set in ["steps:ok", "has-column", "batched:50:20:0"] {
        let report = fixture_migrator(set).lint(db.config(), &[], &LintOptions::default()).unwrap();
        let failed: Vec<_> = report.migrations.iter().filter_map(|m| m.failed.as_deref()).collect();
        assert!(failed.is_empty(), "{set}: {failed:?}");
        let steps: usize =
            report.migrations.iter().flat_map(|m| &m.statements).filter(|s| s.sql.starts_with("step \"")).count();
        assert!(steps > 0, "{set}: the steps are traced: {report:?}");
    }
}
