//! What knex and we make of the same database: the cliscale schema matches the
//! one knex built, and a database knex migrated is taken over as it is.

#![allow(clippy::unwrap_used, reason = "a test fails by panicking")]

use knexrs_migrate::{Migrator, RunOptions, Silent};
use knexrs_testing::TestDatabase;
use knexrs_tests::{fixtures, snapshot, table_migration};

fn knex_dump() -> String {
    let path = fixtures().join("knex-cliscale/schema.knex.sql");
    std::fs::read_to_string(path).expect("the fixture schema.knex.sql")
}

/// The catalog of a database, without our own checksum table.
fn catalog(db: &TestDatabase) -> Vec<String> {
    let mut client = db.connect().unwrap();
    snapshot(&mut client).into_iter().filter(|line| !line.contains("knex_migrations_knexrs")).collect()
}

/// A database holding the schema knex built (its `pg_dump`, loaded).
fn knex_built() -> TestDatabase {
    let db = TestDatabase::empty().unwrap();
    db.connect().unwrap().batch_execute(&knex_dump()).unwrap();
    db
}

#[test]
fn our_cliscale_migrations_build_exactly_the_schema_knex_built() {
    let db = TestDatabase::migrated(&knexrs_tests::cliscale::migrator()).unwrap();
    assert_eq!(catalog(&db), catalog(&knex_built()), "our catalog differs from the one knex built");
}

/// What a knex run leaves behind: its schema, and rows naming its `.js` files.
fn knex_migrated_database() -> TestDatabase {
    let db = TestDatabase::empty().unwrap();
    let mut client = db.connect().unwrap();
    client.batch_execute(&knex_dump()).unwrap();
    client
        .batch_execute(
            "insert into knex_migrations (name, batch, migration_time) values
               ('20250126000001_create_sessions_table.js', 1, now()),
               ('20250126000002_create_token_jti_table.js', 1, now());
             insert into knex_migrations_lock (is_locked) values (0);",
        )
        .unwrap();
    db
}

fn rows(db: &TestDatabase) -> Vec<(i32, String, i32)> {
    let mut client = db.connect().unwrap();
    client
        .query("select id, name, batch from knex_migrations order by id", &[])
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect()
}

#[test]
fn a_database_knex_migrated_is_taken_over_with_no_manual_step() {
    let db = knex_migrated_database();
    let before = rows(&db);
    let migrator = knexrs_tests::cliscale::migrator();

    let report = migrator.latest(db.config(), &RunOptions::default(), &mut Silent).unwrap();
    assert!(report.is_empty(), "knex's .js rows count as applied: {report:?}");
    assert_eq!(rows(&db), before, "knex's rows are never rewritten");
    let status = migrator.status(db.config()).unwrap();
    assert!(status.is_up_to_date(), "{status:?}");

    // A new Rust migration goes on top as batch 2, recorded with the extension
    // the table already uses, so knex can read the table back.
    let mut migrations = knexrs_tests::cliscale::migrations();
    migrations.push(table_migration(9, 0));
    let migrator = Migrator::new(migrations).unwrap();
    let report = migrator.latest(db.config(), &RunOptions::default(), &mut Silent).unwrap();
    assert_eq!(report.batch, 2);
    let after = rows(&db);
    assert_eq!(after[..2], before[..]);
    assert_eq!(after[2].1, "20240101000009_create_t_9.js");

    // Rolling back reaches knex's own rows too.
    migrator.rollback(db.config(), false, &RunOptions::default(), &mut Silent).unwrap();
    assert_eq!(rows(&db), before);
    migrator.rollback(db.config(), false, &RunOptions::default(), &mut Silent).unwrap();
    assert!(rows(&db).is_empty());
    let mut client = db.connect().unwrap();
    let left: i64 = client
        .query_one("select count(*) from pg_tables where tablename in ('sessions', 'token_jti')", &[])
        .unwrap()
        .get(0);
    assert_eq!(left, 0);
}

#[test]
fn our_bookkeeping_tables_are_the_ones_knex_creates() {
    let db = TestDatabase::migrated(&Migrator::new(vec![table_migration(1, 0)]).unwrap()).unwrap();
    let (ours, knex) = (catalog(&db), catalog(&knex_built()));
    for table in
        ["knex_migrations ", "knex_migrations_lock ", "knex_migrations_id_seq", "knex_migrations_lock_index_seq"]
    {
        let mine: Vec<&String> = ours.iter().filter(|l| l.contains(&format!(".{table}"))).collect();
        let theirs: Vec<&String> = knex.iter().filter(|l| l.contains(&format!(".{table}"))).collect();
        assert!(!theirs.is_empty(), "knex's catalog has {table}");
        assert_eq!(mine, theirs, "the catalog of {table}");
    }
}

#[test]
fn a_database_knex_migrated_shows_no_drift_from_our_port_until_someone_changes_it_by_hand() {
    let db = knex_migrated_database();
    let migrator = knexrs_tests::cliscale::migrator();
    let options = knexrs_migrate::DriftOptions::default();
    let report = migrator.drift(db.config(), &options).unwrap();
    assert_eq!(report.applied, 2);
    assert!(!report.drifted(), "our port builds the schema knex built: {:?}", report.differences);
    db.connect().unwrap().batch_execute("create index sessions_pod_ip_index on sessions (pod_ip)").unwrap();
    let report = migrator.drift(db.config(), &options).unwrap();
    let lines: Vec<String> = report.differences.iter().map(|d| knexrs_migrate::DriftLine(d).to_string()).collect();
    assert_eq!(
        lines,
        [
            "index public.sessions_pod_ip_index on public.sessions is in the database, not in its migrations (`CREATE INDEX sessions_pod_ip_index ON public.sessions USING btree (pod_ip)`)"
        ]
    );
}
