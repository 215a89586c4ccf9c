//! `migrate drift`: a database's schema against the one its applied
//! migrations build on a throwaway database, through the library and the
//! command line.

#![allow(clippy::unwrap_used, reason = "a test fails by panicking")]

use knexrs_migrate::{Difference, DriftLine, DriftOptions, MigrateError, RunOptions, Silent, Target};
use knexrs_testing::TestDatabase;
use knexrs_tests::{assert_sigint_stops_check, fixture_migrate_command, fixture_migrator, throwaway_databases};

/// The drift lines of a database migrated with fixture set `set` after `by_hand` ran on it.
fn drift_after(set: &str, by_hand: &str) -> Vec<String> {
    let db = TestDatabase::empty().unwrap();
    let migrator = fixture_migrator(set);
    migrator.latest(db.config(), &RunOptions::default(), &mut Silent).unwrap();
    assert!(!migrator.drift(db.config(), &DriftOptions::default()).unwrap().drifted(), "{set} as migrated");
    db.connect().unwrap().batch_execute(by_hand).unwrap();
    let report = migrator.drift(db.config(), &DriftOptions::default()).unwrap();
    report.differences.iter().map(|d| DriftLine(d).to_string()).collect()
}

/// A database migrated with fixture set `tables:1` by the command, then changed by `by_hand`.
fn migrated_by_the_command(program: &str, by_hand: &str) -> TestDatabase {
    let db = TestDatabase::empty().unwrap();
    assert!(fixture_migrate_command(program, &db, "tables:1", &["latest"]).output().unwrap().status.success());
    db.connect().unwrap().batch_execute(by_hand).unwrap();
    db
}

#[test]
fn a_database_left_as_its_migrations_built_it_has_no_drift() {
    let db = TestDatabase::empty().unwrap();
    let migrator = fixture_migrator("cliscale");
    migrator.latest(db.config(), &RunOptions::default(), &mut Silent).unwrap();
    let report = migrator.drift(db.config(), &DriftOptions::default()).unwrap();
    assert_eq!(report.applied, 2);
    assert!(!report.drifted(), "{:?}", report.differences);
    // Nothing applied, nothing expected: still no drift.
    let empty = TestDatabase::empty().unwrap();
    assert!(!migrator.drift(empty.config(), &DriftOptions::default()).unwrap().drifted());
}

#[test]
fn objects_made_changed_or_dropped_by_hand_are_each_reported() {
    let db = TestDatabase::empty().unwrap();
    let migrator = fixture_migrator("tables:2");
    migrator.latest(db.config(), &RunOptions::default(), &mut Silent).unwrap();
    db.connect()
        .unwrap()
        .batch_execute(
            "create index t_1_created_at_index on t_1 (created_at);
             alter table t_1 alter column name type text;
             drop table t_2;
             create table knex_seeds_knexrs (name text primary key)",
        )
        .unwrap();
    let report = migrator.drift(db.config(), &DriftOptions::default()).unwrap();
    let lines: Vec<String> = report.differences.iter().map(|d| DriftLine(d).to_string()).collect();
    assert!(lines.contains(&"column name on public.t_1 differs in the database: `text not null position 2` where its migrations make `character varying(255) not null position 2`".to_owned()), "{lines:#?}");
    assert!(lines.contains(&"index public.t_1_created_at_index on public.t_1 is in the database, not in its migrations (`CREATE INDEX t_1_created_at_index ON public.t_1 USING btree (created_at)`)".to_owned()), "{lines:#?}");
    assert!(
        lines.contains(&"table public.t_2 is missing from the database; its migrations make it".to_owned()),
        "{lines:#?}"
    );
    // knex's tables and the seeds' (made by `seed run`) are bookkeeping, left out.
    let bookkeeping =
        |d: &Difference| ["knex_migrations", "knex_seeds"].iter().any(|t| format!("{}", d.key()).contains(t));
    assert!(!report.differences.iter().any(bookkeeping), "{lines:#?}");
    // The dropped table is one line: its columns, index, constraint and the sequence of its serial column are not listed.
    assert_eq!(lines.len(), 3, "{lines:#?}");
    assert!(matches!(
        report.differences[0],
        Difference::Missing { .. } | Difference::Changed { .. } | Difference::Extra { .. }
    ));
}

#[test]
fn only_the_applied_migrations_build_the_expected_schema_gaps_included() {
    let db = TestDatabase::empty().unwrap();
    let migrator = fixture_migrator("tables:3");
    // The second and third are applied, the first is not (a gap below them).
    for name in ["20240101000002_create_t_2", "20240101000003_create_t_3"] {
        migrator.run(db.config(), &Target::Up(Some(name.into())), &RunOptions::default(), &mut Silent).unwrap();
    }
    let report = migrator.drift(db.config(), &DriftOptions::default()).unwrap();
    assert_eq!(report.applied, 2);
    assert!(!report.drifted(), "{:?}", report.differences);
}

#[test]
fn the_command_prints_each_difference_and_exits_1_and_the_database_is_only_read() {
    let db = TestDatabase::empty().unwrap();
    let program = env!("CARGO_BIN_EXE_fixture-migrate");
    let ok = fixture_migrate_command(program, &db, "tables:2", &["latest"]).output().unwrap();
    assert!(ok.status.success());
    let clean = fixture_migrate_command(program, &db, "tables:2", &["drift"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&clean.stdout);
    assert_eq!(clean.status.code(), Some(0), "{stdout}{}", String::from_utf8_lossy(&clean.stderr));
    assert!(stdout.ends_with("The database's schema is what its 2 applied migrations build\n"), "{stdout}");
    db.connect().unwrap().batch_execute("alter table t_2 add column hotfix text").unwrap();
    let child = fixture_migrate_command(program, &db, "tables:2", &["drift"]).spawn().unwrap();
    let pid = child.id();
    let drifted = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&drifted.stdout);
    assert_eq!(drifted.status.code(), Some(1), "{stdout}");
    let lines: Vec<&str> = stdout.lines().skip(1).collect();
    assert_eq!(
        lines,
        [
            "column hotfix on public.t_2 is in the database, not in its migrations (`text position 4`)",
            "1 difference from what its 2 applied migrations build",
        ]
    );
    assert_eq!(throwaway_databases(&db, "drift", pid), 0);
    let columns: i64 = db
        .connect()
        .unwrap()
        .query_one("select count(*) from information_schema.columns where table_name = 't_2'", &[])
        .unwrap()
        .get(0);
    assert_eq!(columns, 4, "the database was only read");
}

#[test]
fn a_recorded_migration_without_its_file_is_a_one_line_error() {
    let db = TestDatabase::empty().unwrap();
    fixture_migrator("tables:2").latest(db.config(), &RunOptions::default(), &mut Silent).unwrap();
    let error = fixture_migrator("tables:1").drift(db.config(), &DriftOptions::default()).unwrap_err();
    assert!(matches!(error, MigrateError::MissingFiles { .. }), "{error}");
    assert!(error.to_string().contains("20240101000002_create_t_2"), "{error}");
}

#[test]
fn json_output_gives_each_difference_with_both_definitions() {
    let db = TestDatabase::empty().unwrap();
    let program = env!("CARGO_BIN_EXE_fixture-migrate");
    assert!(fixture_migrate_command(program, &db, "tables:1", &["latest"]).output().unwrap().status.success());
    db.connect().unwrap().batch_execute("alter table t_1 alter column name type text").unwrap();
    let out = fixture_migrate_command(program, &db, "tables:1", &["drift", "--json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    // Alone on stdout: the `Using environment` line goes to stderr.
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["drifted"], true);
    assert_eq!(json["applied"], 1);
    let difference = &json["differences"][0];
    assert_eq!(difference["change"], "changed");
    assert_eq!(difference["kind"], "column");
    assert_eq!(difference["table"], "public.t_1");
    assert_eq!(difference["name"], "name");
    assert_eq!(difference["migrations_make"], "character varying(255) not null position 2");
    assert_eq!(difference["database_has"], "text not null position 2");
}

#[test]
fn a_platform_schema_is_one_line_and_ignore_schema_leaves_it_out() {
    let program = env!("CARGO_BIN_EXE_fixture-migrate");
    let db = migrated_by_the_command(program, "create schema auth; create table auth.users (id int primary key)");
    let out = fixture_migrate_command(program, &db, "tables:1", &["drift"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert_eq!(
        stdout.lines().skip(1).collect::<Vec<_>>(),
        [
            "schema auth is in the database, not in its migrations",
            "1 difference from what its 1 applied migrations build"
        ]
    );
    let ignored =
        fixture_migrate_command(program, &db, "tables:1", &["drift", "--ignore-schema", "auth"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&ignored.stdout);
    assert_eq!(ignored.status.code(), Some(0), "{stdout}");
}

#[test]
fn platform_extensions_are_reported_and_left_out_by_name_or_by_the_ignored_schema_they_are_in() {
    let program = env!("CARGO_BIN_EXE_fixture-migrate");
    // What a platform adds: an extension where the application's tables are, and its own schema of them.
    let db = migrated_by_the_command(
        program,
        "create extension pgrowlocks; create schema extensions; create extension tablefunc schema extensions",
    );
    let out = fixture_migrate_command(program, &db, "tables:1", &["drift"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    let lines: Vec<&str> = stdout.lines().skip(1).collect();
    let extension = "extension public.pgrowlocks is in the database, not in its migrations (`";
    assert!(lines.iter().any(|line| line.starts_with(extension)), "{stdout}");
    assert!(lines.contains(&"schema extensions is in the database, not in its migrations"), "{stdout}");
    assert!(!stdout.contains("tablefunc"), "what is in an extra schema is that schema's line: {stdout}");
    let args = ["drift", "--ignore-schema", "extensions", "--ignore-extension", "pgrowlocks"];
    let ignored = fixture_migrate_command(program, &db, "tables:1", &args).output().unwrap();
    assert_eq!(ignored.status.code(), Some(0), "{}", String::from_utf8_lossy(&ignored.stdout));
}

#[test]
fn a_policy_and_row_level_security_made_by_hand_are_drift() {
    let lines = drift_after(
        "tables:1",
        "alter table t_1 enable row level security;
         create policy mine on t_1 as restrictive for update to public using (name = current_user) with check (true)",
    );
    assert_eq!(lines.len(), 2, "{lines:#?}");
    assert!(
        lines.contains(
            &"row level security on public.t_1 is in the database, not in its migrations (`enabled`)".to_owned()
        ),
        "{lines:#?}"
    );
    let policy = "policy mine on public.t_1 is in the database, not in its migrations (`for update as restrictive to public using (";
    assert!(lines.iter().any(|l| l.starts_with(policy) && l.ends_with("with check (true)`)")), "{lines:#?}");
}

#[test]
fn another_tools_tables_are_left_out_by_name_or_pattern_with_what_is_on_them() {
    let program = env!("CARGO_BIN_EXE_fixture-migrate");
    // What connect-pg-simple and a job queue make beside the application's tables.
    let db = migrated_by_the_command(
        program,
        "create table session (sid varchar primary key, sess json not null, expire timestamp(6) not null);
         create index session_expire_index on session (expire);
         create table pgboss_job (id serial primary key, name text);
         create table pgboss_archive (id serial primary key)",
    );
    let out = fixture_migrate_command(program, &db, "tables:1", &["drift"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("3 differences from what its 1 applied migrations build"), "one line a table: {stdout}");
    let args = ["drift", "--ignore-table", "session", "--ignore-table", "public.pgboss_*"];
    let ignored = fixture_migrate_command(program, &db, "tables:1", &args).output().unwrap();
    assert_eq!(ignored.status.code(), Some(0), "{}", String::from_utf8_lossy(&ignored.stdout));
    // What is on the application's own tables is still compared.
    db.connect().unwrap().batch_execute("create index t_1_name_index on t_1 (name)").unwrap();
    let still = fixture_migrate_command(program, &db, "tables:1", &args).output().unwrap();
    let stdout = String::from_utf8_lossy(&still.stdout);
    assert_eq!(still.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("index public.t_1_name_index on public.t_1 is in the database"), "{stdout}");
}

#[test]
fn how_a_table_is_stored_is_compared_unlogged_collation_and_partition_bounds() {
    let lines = drift_after(
        "tables:1",
        r#"alter table t_1 set unlogged; alter table t_1 alter column name type varchar(255) collate "C""#,
    );
    assert_eq!(
        lines,
        [
            "column name on public.t_1 differs in the database: `character varying(255) collate \"C\" not null position 2` where its migrations make `character varying(255) not null position 2`",
            "option unlogged on public.t_1 is in the database, not in its migrations",
        ],
    );
    let lines = drift_after(
        "partitioned",
        "alter table events detach partition events_2024;
         alter table events attach partition events_2024 for values from ('2024-01-01') to ('2024-07-01')",
    );
    assert_eq!(
        lines,
        [
            "partition bound on public.events_2024 differs in the database: `of public.events FOR VALUES FROM ('2024-01-01') TO ('2024-07-01')` where its migrations make `of public.events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')`"
        ],
    );
}

#[test]
fn a_composite_type_made_by_hand_is_drift() {
    assert_eq!(
        drift_after("tables:1", "create type pod_address as (ip inet, port integer)"),
        ["type public.pod_address is in the database, not in its migrations (`(ip inet, port integer)`)"],
        "a table's own row type is not a type of its own"
    );
}

#[test]
fn sigint_stops_the_drift_command_with_exit_1_and_drops_its_throwaway_database() {
    let db = TestDatabase::empty().unwrap();
    // Applied once here (3 s); rebuilding it on the throwaway database is where SIGINT lands.
    fixture_migrator("slow:1:3000").latest(db.config(), &RunOptions::default(), &mut Silent).unwrap();
    assert_sigint_stops_check(env!("CARGO_BIN_EXE_fixture-migrate"), &db, "slow:1:3000", "drift", "checking for drift");
}
