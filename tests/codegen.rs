//! `schema generate` on a real catalog: every mapped type, nullability,
//! views, names that are not Rust names, and types without a mapping.

#![allow(clippy::unwrap_used, reason = "a test fails by panicking")]

use knexrs_query::codegen::{CodegenOptions, generate_tables};
use knexrs_testing::TestDatabase;

#[test]
fn generated_definitions_map_every_supported_type_and_mark_nullable_columns_optional() {
    let db = TestDatabase::empty().unwrap();
    let mut client = db.connect().unwrap();
    client
        .batch_execute(
            r#"create domain email as text;
               create table "everyThing" (
                   id bigserial primary key, small int2 not null, whole int4, "isActive" bool not null,
                   ratio float8, price numeric(10, 2), seen_at timestamptz not null, local_at timestamp,
                   born date, alarm time, token uuid, doc jsonb, raw_doc json, blob bytea, contact email,
                   "type" text, search tsvector, tags text[], scores int4[] not null, blobs bytea[],
                   addr inet, net cidr not null, mac macaddr
               );
               create view recent as select id, seen_at from "everyThing";
               create table knex_migrations (id serial);"#,
        )
        .unwrap();
    let source = generate_tables(&mut client, &CodegenOptions::default()).unwrap();
    for expected in [
        "pub mod every_thing {",
        "pub struct EveryThing;",
        r#"const NAME: &'static str = "everyThing";"#,
        "pub id: i64,",
        "pub small: i16,",
        "pub whole: Option<i32>,",
        "pub is_active: bool,",
        "pub ratio: Option<f64>,",
        "pub price: Option<knexrs_query::rust_decimal::Decimal>,",
        "pub seen_at: knexrs_query::chrono::DateTime<knexrs_query::chrono::Utc>,",
        "pub local_at: Option<knexrs_query::chrono::NaiveDateTime>,",
        "pub born: Option<knexrs_query::chrono::NaiveDate>,",
        "pub alarm: Option<knexrs_query::chrono::NaiveTime>,",
        "pub token: Option<knexrs_query::uuid::Uuid>,",
        "pub doc: Option<knexrs_query::serde_json::Value>,",
        "pub raw_doc: Option<knexrs_query::serde_json::Value>,",
        "pub blob: Option<Vec<u8>>,",
        "pub contact: Option<String>,",
        "pub r#type: Option<String>,",
        r#"is_active: get(&row, "isActive")?,"#,
        r#"pub const IS_ACTIVE: Column<EveryThing, bool> = Column::new("isActive");"#,
        "pub tags: Option<Vec<String>>,",
        "pub scores: Vec<i32>,",
        r#"pub const TAGS: Column<EveryThing, Option<Vec<String>>> = Column::new("tags");"#,
        "pub addr: Option<knexrs_query::cidr::IpInet>,",
        "pub net: knexrs_query::cidr::IpCidr,",
        "Left out (no Rust type mapped): search (tsvector), blobs (bytea[]), mac (macaddr).",
        "pub mod recent {",
        // A view's columns may be null whatever the table says.
        "pub seen_at: Option<knexrs_query::chrono::DateTime<knexrs_query::chrono::Utc>>,",
    ] {
        assert!(source.contains(expected), "missing `{expected}` in:\n{source}");
    }
    assert!(!source.contains("knex_migrations"), "bookkeeping tables are left out");
}

/// What `schema generate` says about a database holding `ddl`.
fn generation_error(ddl: &str) -> String {
    let db = TestDatabase::empty().unwrap();
    let mut client = db.connect().unwrap();
    client.batch_execute(ddl).unwrap();
    generate_tables(&mut client, &CodegenOptions::default()).unwrap_err().to_string()
}

#[test]
fn two_columns_with_the_same_rust_name_are_an_error_that_names_them() {
    let error = generation_error(r#"create table t ("userId" int, user_id int)"#);
    assert!(error.contains("table t: two columns become the Rust name `user_id`"), "{error}");
}

#[test]
fn tables_named_after_keywords_or_the_generated_code_own_names_still_make_valid_rust() {
    let db = TestDatabase::empty().unwrap();
    let mut client = db.connect().unwrap();
    client
        .batch_execute(r#"create table "type" (id int); create table "row" (id int); create table "self" (id int)"#)
        .unwrap();
    let source = generate_tables(&mut client, &CodegenOptions::default()).unwrap();
    for expected in
        ["pub mod r#type {", "pub struct Type;", "pub struct RowTable;", "pub mod self_ {", "pub struct SelfTable;"]
    {
        assert!(source.contains(expected), "missing `{expected}` in:\n{source}");
    }
    // rustfmt parses what it formats: a keyword used as a plain name would not parse.
    rustfmt(&source, std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap());
}

#[test]
fn two_tables_with_the_same_rust_module_name_are_an_error_that_names_them() {
    let error = generation_error(r#"create table "OrderItems" (id int); create table order_items (id int)"#);
    assert_eq!(
        error,
        "tables OrderItems and order_items both become the Rust module `order_items`: rename one of them"
    );
}

#[test]
fn the_fixture_tables_are_what_schema_generate_writes_for_the_fixture_migrations() {
    let db = TestDatabase::migrated(&knexrs_tests::cliscale::migrator()).unwrap();
    let source = generate_tables(&mut db.connect().unwrap(), &CodegenOptions::default()).unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let formatted = rustfmt(&source, root);
    let fixture = std::fs::read_to_string(root.join("tests/fixtures/cliscale-rs/tables.rs")).unwrap();
    assert_eq!(formatted, fixture, "regenerate tests/fixtures/cliscale-rs/tables.rs from the fixture migrations");
}

/// The database `tests/fixtures/enums/tables.rs` describes: native enum
/// types held directly, through a domain, nullable, and as an array.
const ENUM_DDL: &str = r#"create type pod_phase as enum ('Pending', 'Running', 'crash-loop');
    create type "Tier" as enum ('gold', 'self');
    create domain live_phase as pod_phase;
    create table pods (
        name text primary key, phase pod_phase not null, last_phase pod_phase, shown live_phase,
        history pod_phase[], tier "Tier" not null default 'gold'
    );"#;

#[allow(unreachable_pub, reason = "generated code is public for the crate that includes it")]
#[path = "fixtures/enums/tables.rs"]
mod enum_tables;

#[test]
fn native_enum_types_become_rust_enums_that_schema_generate_writes_once_each() {
    let db = TestDatabase::empty().unwrap();
    let mut client = db.connect().unwrap();
    client.batch_execute(ENUM_DDL).unwrap();
    let source = generate_tables(&mut client, &CodegenOptions::default()).unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let formatted = rustfmt(&source, root);
    if std::env::var_os("KNEXRS_BLESS").is_some() {
        std::fs::write(root.join("tests/fixtures/enums/tables.rs"), &formatted).unwrap();
    }
    let fixture = std::fs::read_to_string(root.join("tests/fixtures/enums/tables.rs")).unwrap();
    assert_eq!(formatted, fixture, "rerun with KNEXRS_BLESS=1 to rewrite tests/fixtures/enums/tables.rs");
    assert_eq!(source.matches("pub enum PodPhase").count(), 1, "one Rust enum per type:\n{source}");
    assert!(source.contains("pub history: Option<Vec<super::PodPhase>>,"), "{source}");
}

#[test]
fn enum_columns_take_and_give_their_rust_enums_through_typed_and_untyped_queries() {
    use enum_tables::pods::{HISTORY, LAST_PHASE, NAME, PHASE, Pods, PodsRow, SHOWN, TIER};
    use enum_tables::{PodPhase, Tier};
    use knexrs_query::{Connection, Executor, Table, Wheres, table};

    let db = TestDatabase::empty().unwrap();
    let mut conn = Connection::new(db.connect().unwrap());
    conn.client().batch_execute(ENUM_DDL).unwrap();
    let mut insert = Pods::insert();
    insert.set(NAME, "a").set(PHASE, PodPhase::CrashLoop).set(LAST_PHASE, PodPhase::Running).set(TIER, Tier::Self_);
    insert.new_row().set(NAME, "b").set(PHASE, PodPhase::Pending).set(SHOWN, Some(PodPhase::Pending));
    insert.set(HISTORY, vec![PodPhase::Pending, PodPhase::CrashLoop]);
    assert_eq!(conn.execute(&insert).unwrap(), 2);

    let mut running = Pods::select();
    running.filter(PHASE.is_in([PodPhase::CrashLoop, PodPhase::Running])).first();
    let row: PodsRow = conn.fetch_one(&running).unwrap();
    assert_eq!(
        (row.name.as_str(), row.phase, row.last_phase, row.shown, row.tier),
        ("a", PodPhase::CrashLoop, Some(PodPhase::Running), None, Tier::Self_)
    );
    // PostgreSQL orders an enum by its labels' order, and so does the Rust enum.
    let mut ordered = Pods::select();
    ordered.filter(PHASE.gt(PodPhase::Pending)).order_by(PHASE.asc());
    let rows: Vec<PodsRow> = conn.fetch_all(&ordered).unwrap();
    assert_eq!(rows.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(), ["a"]);
    assert!(PodPhase::Pending < PodPhase::CrashLoop);

    let mut update = Pods::update();
    update.set(LAST_PHASE, None::<PodPhase>).set(SHOWN, PodPhase::Running).filter(NAME.eq("a"));
    assert_eq!(conn.execute(&update).unwrap(), 1);
    // Untyped builders take the enums too, and a tuple decodes them.
    let mut q = table("pods");
    q.columns(["last_phase", "shown"]).where_eq("phase", PodPhase::CrashLoop);
    let pair: (Option<PodPhase>, Option<PodPhase>) = conn.fetch_one(&q).unwrap();
    assert_eq!(pair, (None, Some(PodPhase::Running)));
    // Arrays of the enum: bound as one array, decoded into a Vec, compared whole.
    let mut by_history = Pods::select();
    by_history.filter(HISTORY.eq(vec![PodPhase::Pending, PodPhase::CrashLoop]));
    let found: Vec<PodsRow> = conn.fetch_all(&by_history).unwrap();
    assert_eq!(
        found.iter().map(|r| (r.name.as_str(), r.history.clone())).collect::<Vec<_>>(),
        [("b", Some(vec![PodPhase::Pending, PodPhase::CrashLoop]))]
    );

    // A label the Rust enum does not know is a decoding error that says what to do.
    conn.client().batch_execute("alter type pod_phase add value 'Evicted'").unwrap();
    conn.client().batch_execute("update pods set phase = 'Evicted' where name = 'b'").unwrap();
    let mut evicted = Pods::select();
    evicted.filter(NAME.eq("b"));
    let error = conn.fetch_one::<PodsRow>(&evicted).unwrap_err().to_string();
    assert!(error.contains("`Evicted` is not a label of pod_phase"), "{error}");
    assert!(error.contains("run schema generate again"), "{error}");
}

/// `source` formatted with the workspace's rustfmt settings; rustfmt must parse it.
fn rustfmt(source: &str, root: &std::path::Path) -> String {
    let mut rustfmt = std::process::Command::new("rustfmt")
        .args(["--edition", "2024", "--emit", "stdout", "--config-path"])
        .arg(root.join("rustfmt.toml"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut rustfmt.stdin.take().unwrap(), source.as_bytes()).unwrap();
    let output = rustfmt.wait_with_output().unwrap();
    assert!(output.status.success(), "rustfmt could not parse (see its message above):\n{source}");
    String::from_utf8(output.stdout).unwrap()
}
