//! The executor on a real server: typed tables generated from the cliscale
//! migrations, prepared-statement reuse, transactions and savepoints, error
//! codes, value round trips, and the pool size.

#![allow(clippy::unwrap_used, reason = "a test fails by panicking")]

use chrono::{DateTime, Duration, NaiveDate, SubsecRound, Utc};
use knexrs_query::{Connection, Db, Executor, Insert, QueryError, Table, Update, Value, Wheres, raw, table};
use knexrs_testing::TestDatabase;
use knexrs_tests::cliscale::tables::sessions::{self, Sessions, SessionsRow};
use knexrs_tests::cliscale::tables::token_jti::{self, TokenJti};
use postgres::error::SqlState;

fn migrated() -> TestDatabase {
    TestDatabase::migrated(&knexrs_tests::cliscale::migrator()).unwrap()
}

fn now() -> DateTime<Utc> {
    // PostgreSQL keeps microseconds.
    Utc::now().trunc_subsecs(6)
}

fn insert_session(conn: &mut impl Executor, id: &str, job: &str) -> Result<u64, QueryError> {
    let mut insert = Sessions::insert();
    insert
        .set(sessions::SESSION_ID, id)
        .set(sessions::OWNER_USER_ID, "user-1")
        .set(sessions::JOB_NAME, job)
        .set(sessions::EXPIRES_AT, now() + Duration::hours(1));
    conn.execute(&insert)
}

#[test]
fn a_session_round_trips_through_the_generated_typed_tables() {
    let db = migrated();
    let pool = db.pool().unwrap();
    let mut conn = pool.get().unwrap();
    let expires = now() + Duration::hours(2);
    let mut insert = Sessions::insert();
    insert
        .set(sessions::SESSION_ID, "s-1")
        .set(sessions::OWNER_USER_ID, "user-1")
        .set(sessions::JOB_NAME, "job-1")
        .set(sessions::POD_IP, None::<String>)
        .set(sessions::EXPIRES_AT, expires)
        .returning_all();
    let inserted: SessionsRow = conn.fetch_one(&insert).unwrap();
    assert_eq!(inserted.session_id, "s-1");
    assert_eq!(inserted.pod_ip, None);
    assert_eq!(inserted.expires_at, expires);
    assert!(inserted.created_at.is_some(), "created_at defaults to now()");

    let mut update = Sessions::update();
    update.set(sessions::POD_IP, "10.0.0.7").filter(sessions::SESSION_ID.eq("s-1"));
    assert_eq!(conn.execute(&update).unwrap(), 1);

    let mut select = Sessions::select();
    select.filter(sessions::OWNER_USER_ID.eq("user-1")).filter(sessions::EXPIRES_AT.gt(now()));
    let found: Option<SessionsRow> = conn.first(select.untyped()).unwrap();
    assert_eq!(found.unwrap().pod_ip.as_deref(), Some("10.0.0.7"));

    let mut jti = TokenJti::insert();
    jti.set(token_jti::JTI, "j-1").set(token_jti::SESSION_ID, "s-1").set(token_jti::EXPIRES_AT, expires);
    conn.execute(&jti).unwrap();
    let mut revoked = TokenJti::delete();
    revoked.filter(token_jti::JTI.eq("j-1"));
    assert_eq!(conn.execute(&revoked).unwrap(), 1);
    assert_eq!(TokenJti::NAME, "token_jti");
}

#[test]
fn a_repeated_query_shape_is_prepared_once_per_connection() {
    let db = migrated();
    let mut conn = Connection::new(db.connect().unwrap());
    for i in 0..20 {
        insert_session(&mut conn, &format!("s-{i}"), &format!("job-{i}")).unwrap();
        let mut q = table("sessions");
        q.where_eq("session_id", format!("s-{i}")).first();
        let row: Option<(String,)> = conn.fetch_optional(q.columns(["job_name"])).unwrap();
        assert_eq!(row.unwrap().0, format!("job-{i}"));
    }
    let prepared: Vec<(String,)> = conn
        .fetch_all(&raw("select statement from pg_prepared_statements where not from_sql order by statement"))
        .unwrap();
    let shapes: Vec<&str> = prepared.iter().map(|(s,)| s.as_str()).collect();
    assert_eq!(shapes.len(), 3, "one insert, one select, this query: {shapes:#?}");
}

/// An application's own error, which a transaction body returns to roll back.
#[derive(Debug)]
enum AppError {
    ChangedMyMind,
    // Read through `Debug` when an `unwrap` fails.
    #[allow(dead_code)]
    Query(QueryError),
}

impl From<QueryError> for AppError {
    fn from(error: QueryError) -> Self {
        AppError::Query(error)
    }
}

#[test]
fn transactions_commit_on_ok_roll_back_on_err_and_panic_and_nest_as_savepoints() {
    let db = migrated();
    let pool = db.pool().unwrap();
    let count = |pool: &Db| -> i64 {
        let mut q = table("sessions");
        q.count("*");
        pool.fetch_one::<(i64,)>(&q).unwrap().0
    };

    pool.transaction(|tx| insert_session(tx, "kept", "job-kept")).unwrap();
    assert_eq!(count(&pool), 1);

    let failed: Result<(), AppError> = pool.transaction(|tx| {
        insert_session(tx, "gone", "job-gone")?;
        Err(AppError::ChangedMyMind)
    });
    assert!(matches!(failed, Err(AppError::ChangedMyMind)), "{failed:?}");
    assert_eq!(count(&pool), 1);

    let pool_for_panic = pool.clone();
    let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let _: Result<(), QueryError> = pool_for_panic.transaction(|tx| {
            insert_session(tx, "panicked", "job-panicked")?;
            panic!("a bug in the middle of a transaction");
        });
    }));
    assert!(panicked.is_err());
    assert_eq!(count(&pool), 1, "the panicking transaction left nothing");

    pool.transaction(|tx| {
        insert_session(tx, "outer", "job-outer")?;
        let inner: Result<(), AppError> = tx.transaction(|inner| {
            insert_session(inner, "inner", "job-inner")?;
            Err(AppError::ChangedMyMind)
        });
        assert!(matches!(inner, Err(AppError::ChangedMyMind)), "{inner:?}");
        tx.transaction(|inner| insert_session(inner, "inner-2", "job-inner-2"))?;
        Ok::<_, QueryError>(())
    })
    .unwrap();
    let mut names = table("sessions");
    names.column("session_id").order_by("session_id", knexrs_query::Order::Asc);
    let ids: Vec<String> = pool.pluck(&names).unwrap();
    assert_eq!(ids, ["inner-2", "kept", "outer"]);
}

#[test]
fn fetch_optional_keeps_the_first_row_but_fails_on_an_error_in_a_later_one_and_the_transaction_knows() {
    let db = migrated();
    let pool = db.pool().unwrap();
    // Row 1 is fine (1 / -1); row 2 divides by zero after the first row was sent.
    let later_error = raw("select 1 / (x - 2) as v from generate_series(1, 3) as x");
    let first = pool.fetch_optional::<(i32,)>(&later_error);
    let Err(error) = first else { panic!("an error after the first row must fail the call: {first:?}") };
    assert_eq!(error.code(), Some(&SqlState::DIVISION_BY_ZERO), "{error}");

    let ok = raw("select x from generate_series(1, 3) as x");
    assert_eq!(pool.fetch_optional::<(i32,)>(&ok).unwrap(), Some((1,)), "the first of several rows");

    // Inside a transaction, swallowing that error cannot end in a reported commit.
    let swallowed: Result<(), QueryError> = pool.transaction(|tx| {
        insert_session(tx, "lost", "job-lost")?;
        let _ = tx.fetch_optional::<(i32,)>(&later_error);
        Ok(())
    });
    assert!(matches!(swallowed, Err(QueryError::RolledBack { .. })), "{swallowed:?}");
    let mut q = table("sessions");
    q.count("*");
    assert_eq!(pool.fetch_one::<(i64,)>(&q).unwrap().0, 0);
}

#[test]
fn a_unique_violation_keeps_its_sqlstate_and_names_the_constraint() {
    let db = migrated();
    let pool = db.pool().unwrap();
    let mut conn = pool.get().unwrap();
    insert_session(&mut conn, "s-1", "same-job").unwrap();
    let error = insert_session(&mut conn, "s-2", "same-job").unwrap_err();
    assert_eq!(error.code(), Some(&SqlState::UNIQUE_VIOLATION));
    let message = error.to_string();
    assert!(message.contains("sessions_job_name_unique"), "{message}");
    // The connection is still usable after the error.
    insert_session(&mut conn, "s-3", "other-job").unwrap();
}

#[test]
fn chrono_values_and_options_round_trip_both_ways() {
    let db = TestDatabase::empty().unwrap();
    let mut conn = Connection::new(db.connect().unwrap());
    conn.client()
        .batch_execute("create table moments (id serial primary key, at timestamptz, day date, note text, n bigint)")
        .unwrap();
    let at = now();
    let day = NaiveDate::from_ymd_opt(2025, 1, 26).unwrap();
    let mut insert = Insert::into("moments");
    insert.set("at", at).set("day", day).set("note", None::<String>).set("n", 7_i64).returning(["id"]);
    let (id,): (i32,) = conn.fetch_one(&insert).unwrap();
    let mut q = table("moments");
    q.columns(["at", "day", "note", "n"]).where_eq("id", id);
    let row: (Option<DateTime<Utc>>, NaiveDate, Option<String>, i64) = conn.fetch_one(&q).unwrap();
    assert_eq!(row, (Some(at), day, None, 7));

    let mut update = Update::table("moments");
    update.set("at", None::<DateTime<Utc>>).set("note", "later").where_eq("id", id);
    conn.execute(&update).unwrap();
    let row: (Option<DateTime<Utc>>, Option<String>) =
        conn.fetch_one(q.clear_columns().columns(["at", "note"])).unwrap();
    assert_eq!(row, (None, Some("later".to_owned())));

    // A value of another Rust type than the column's is sent as text and parsed by the server.
    let mut lenient = Insert::into("moments");
    lenient.set("at", "2030-01-01T00:00:00Z").set("n", Value::Int(Some(3)));
    conn.execute(&lenient).unwrap();
}

#[derive(Clone, Copy)]
struct Tagged;

impl Table for Tagged {
    const NAME: &'static str = "tagged";
    type Row = postgres::Row;
}

const ID: knexrs_query::Column<Tagged, i32> = knexrs_query::Column::new("id");
const TAGS: knexrs_query::Column<Tagged, Option<Vec<String>>> = knexrs_query::Column::new("tags");

#[test]
fn arrays_round_trip_as_one_bound_value_as_node_postgres_binds_them() {
    let db = TestDatabase::empty().unwrap();
    let mut conn = Connection::new(db.connect().unwrap());
    conn.client()
        .batch_execute("create table tagged (id serial primary key, tags text[], scores int4[] not null, days date[])")
        .unwrap();
    // What an array literal must quote: commas, quotes, backslashes, braces, the word NULL, empty, non-ASCII.
    let tags: Vec<String> =
        ["a,b", "quo\"te", "back\\slash", "{brace}", "NULL", "", "日本"].map(str::to_owned).to_vec();
    let days = vec![NaiveDate::from_ymd_opt(2025, 1, 26).unwrap()];
    let mut insert = Insert::into("tagged");
    insert.set("tags", tags.clone()).set("scores", vec![1_i32, -2]).set("days", days.clone()).returning(["id"]);
    let (id,): (i32,) = conn.fetch_one(&insert).unwrap();

    let mut q = table("tagged");
    q.columns(["tags", "scores", "days"]).where_eq("id", id);
    let row: (Option<Vec<String>>, Vec<i32>, Vec<NaiveDate>) = conn.fetch_one(&q).unwrap();
    assert_eq!(row, (Some(tags.clone()), vec![1, -2], days));

    // Compared whole, through a typed column, and without prepared statements (a transaction pooler).
    let mut typed = Tagged::select();
    typed.column(ID).filter(TAGS.eq(tags.clone()));
    let found: Vec<(i32,)> = conn.fetch_all(&typed).unwrap();
    assert_eq!(found, [(id,)]);
    conn.set_prepared_statements(false);
    let mut update = Update::table("tagged");
    update.set("tags", vec!["only".to_owned()]).where_eq("tags", tags);
    assert_eq!(conn.execute(&update).unwrap(), 1);
    let (after,): (Vec<String>,) = conn.fetch_one(q.clear_columns().columns(["tags"])).unwrap();
    assert_eq!(after, ["only"]);
}

#[test]
fn the_pool_holds_at_most_db_max_connections() {
    let db = TestDatabase::empty().unwrap();
    let vars = |name: &str| match name {
        "DATABASE_URL" => Some(db.url()),
        "DB_MAX_CONNECTIONS" => Some("3".to_owned()),
        "DB_POOL_TIMEOUT_MS" => Some("300".to_owned()),
        _ => None,
    };
    let config = knexrs_connect::ConnectConfig::from_vars(vars, knexrs_query::Environment::Test).unwrap().unwrap();
    assert_eq!(config.max_connections(), 3);
    let pool = Db::connect(&config).unwrap();
    assert_eq!(pool.max_connections(), 3);
    let held: Vec<_> = (0..3).map(|_| pool.get().unwrap()).collect();
    let fourth = pool.get().map(|_| ()).unwrap_err();
    assert!(matches!(fourth, knexrs_query::QueryError::PoolTimeout { size: 3, .. }), "{fourth}");
    let mut q = knexrs_query::Select::new();
    q.column_raw(raw("count(*)"));
    q.set_from(raw("pg_stat_activity"));
    q.where_eq("datname", db.name().to_owned());
    let mut extra = Connection::new(db.connect().unwrap());
    let (open,): (i64,) = extra.fetch_one(&q).unwrap();
    if knexrs_tests::through_pooler() {
        // PgBouncer (pool size 2) holds the server connections, not the pool.
        assert!(open <= 3, "{open}: at most PgBouncer's two and this one");
    } else {
        assert_eq!(open, 4, "three pooled connections and this one");
    }
    let status = pool.status();
    assert_eq!((status.max_size, status.open, status.idle, status.waiting), (3, 3, 0, None));
    drop(held);
    assert_eq!((pool.status().open, pool.status().idle), (3, 3), "given back, kept open");
}

#[test]
fn connections_the_server_ended_while_idle_in_the_pool_are_replaced_not_handed_out_to_fail() {
    let db = migrated();
    let mut config = db.config().clone();
    config.set_max_connections(3);
    let pool = Db::connect(&config).unwrap();
    let pid = raw("select pg_backend_pid()");
    let before: Vec<(i32,)> = {
        let mut held: Vec<_> = (0..3).map(|_| pool.get().unwrap()).collect();
        held.iter_mut().map(|conn| conn.fetch_one(&pid).unwrap()).collect()
    };
    assert!(knexrs_tests::end_other_sessions(&db) >= 1, "the pool's connections were open");
    // Idle for longer than the pool hands out unchecked.
    std::thread::sleep(std::time::Duration::from_millis(700));
    for _ in 0..6 {
        let (now,): (i32,) = pool.fetch_one(&pid).unwrap();
        assert!(!before.contains(&(now,)), "a connection of an ended session was handed out");
    }
    let rows: Vec<SessionsRow> = pool.fetch_all(&Sessions::select()).unwrap();
    assert!(rows.is_empty());
}

#[test]
fn a_pool_that_cannot_open_a_connection_says_why_at_once_instead_of_waiting_for_its_timeout() {
    let db = TestDatabase::empty().unwrap();
    // Direct, also under `--pooler transaction`: PgBouncer would keep the client side open.
    let mut config = db.direct_config().clone();
    config.set_max_connections(2).set_pool_timeout(std::time::Duration::from_secs(60));
    let pool = Db::connect(&config).unwrap();
    let _: Vec<(i32,)> = pool.fetch_all(&raw("select 1")).unwrap();
    knexrs_tests::drop_database_under_its_connections(&db);
    // Past the window in which a connection just used is handed out unchecked.
    std::thread::sleep(std::time::Duration::from_millis(700));
    let err = pool.fetch_all::<(i32,)>(&raw("select 1")).unwrap_err();
    assert!(matches!(err, QueryError::Connect(_)), "the cause, not a pool timeout: {err}");
    assert_eq!(err.code(), Some(&SqlState::INVALID_CATALOG_NAME), "{err}");
    assert!(err.to_string().contains("create the database or fix its name"), "{err}");
}

#[test]
fn each_statement_is_logged_to_tracing_with_its_time_and_rows_but_never_its_values() {
    let db = migrated();
    let pool = db.pool().unwrap();
    let captured = knexrs_tests::trace_capture::Captured::default();
    {
        let _default = captured.install();
        let mut q = table("sessions");
        q.where_eq("session_id", "secret-token-123");
        let rows: Vec<SessionsRow> = pool.fetch_all(&q).unwrap();
        assert!(rows.is_empty());
        assert!(pool.execute(&raw("select 1/0")).is_err());
        pool.execute(&raw("select pg_sleep(1.05)")).unwrap();
    }
    let lines: Vec<String> = captured.lines().into_iter().filter(|l| l.contains("knexrs::query")).collect();
    assert_eq!(lines.len(), 3, "{lines:#?}");
    assert!(lines[0].starts_with("DEBUG knexrs::query:"), "{}", lines[0]);
    assert!(lines[0].contains(r#"statement=select * from "sessions" where "session_id" = $1"#), "{}", lines[0]);
    assert!(lines[0].contains("rows=0") && lines[0].contains("elapsed_ms="), "{}", lines[0]);
    assert!(!lines.iter().any(|l| l.contains("secret-token-123")), "a bound value was logged: {lines:#?}");
    assert!(lines[1].contains("statement failed") && lines[1].contains("division by zero"), "{}", lines[1]);
    assert!(lines[2].starts_with("WARN knexrs::query:") && lines[2].contains("slow statement"), "{}", lines[2]);
}

#[derive(Clone, Copy)]
struct Hosts;

impl Table for Hosts {
    const NAME: &'static str = "hosts";
    type Row = postgres::Row;
}

const ADDR: knexrs_query::Column<Hosts, Option<knexrs_query::cidr::IpInet>> = knexrs_query::Column::new("addr");
const NET: knexrs_query::Column<Hosts, knexrs_query::cidr::IpCidr> = knexrs_query::Column::new("net");

#[test]
fn inet_and_cidr_values_keep_their_netmask_both_ways() {
    use knexrs_query::cidr::{IpCidr, IpInet};
    use std::net::IpAddr;

    let db = TestDatabase::empty().unwrap();
    let mut conn = Connection::new(db.connect().unwrap());
    conn.client().batch_execute("create table hosts (id serial primary key, addr inet, net cidr not null)").unwrap();
    let in_subnet: IpInet = "10.1.2.3/8".parse().unwrap();
    let net: IpCidr = "10.0.0.0/8".parse().unwrap();
    let mut insert = Hosts::insert();
    insert.set(ADDR, in_subnet).set(NET, net);
    // A host address is an inet of one address.
    let host: IpAddr = "2001:db8::1".parse().unwrap();
    insert.new_row().set(ADDR, host).set(NET, "2001:db8::/32".parse::<IpCidr>().unwrap());
    assert_eq!(conn.execute(&insert).unwrap(), 2);

    let mut q = Hosts::select();
    q.column(ADDR).column(NET).filter(ADDR.eq(in_subnet));
    let row: (Option<IpInet>, IpCidr) = conn.fetch_one(&q).unwrap();
    assert_eq!(row, (Some(in_subnet), net), "the /8 of 10.1.2.3/8 survives the round trip");
    let mut by_host = table("hosts");
    by_host.columns(["addr"]).where_eq("addr", host);
    let (found,): (Option<IpInet>,) = conn.fetch_one(&by_host).unwrap();
    assert_eq!(found, Some(IpInet::new(host, 128).unwrap()));
    // PostgreSQL's own operators take the bound text: which rows' addresses lie in 10/8.
    let mut inside = table("hosts");
    inside.columns(["id"]).where_raw(knexrs_query::Raw::with("addr <<= ?::cidr", [net]));
    assert_eq!(conn.fetch_all::<(i32,)>(&inside).unwrap().len(), 1);
}

#[derive(Debug, PartialEq, knexrs_query::FromRow)]
#[knexrs(rename_all = "camelCase")]
struct KnexEraSession {
    session_id: String,
    #[knexrs(rename = "pod_ip")]
    ip: Option<String>,
    #[knexrs(default)]
    restarts: i32,
    #[knexrs(try_from = "i64")]
    bytes_sent: u64,
    r#type: Option<String>,
}

#[derive(Debug, PartialEq, knexrs_query::FromRow)]
struct IdAndBytes(String, i64);

#[test]
fn derived_rows_read_columns_by_name_or_position_with_renames_defaults_and_conversions() {
    let db = TestDatabase::empty().unwrap();
    let mut conn = Connection::new(db.connect().unwrap());
    conn.client()
        .batch_execute(
            r#"create table "knexSessions" ("sessionId" text primary key, pod_ip text, restarts int4,
                   "bytesSent" int8 not null, "type" text);
               insert into "knexSessions" values ('s-1', '10.0.0.1', 3, 42, 'job'), ('s-2', null, 0, -1, null)"#,
        )
        .unwrap();
    let mut q = table("knexSessions");
    q.where_eq("sessionId", "s-1");
    let first: KnexEraSession = conn.fetch_one(&q).unwrap();
    assert_eq!(
        first,
        KnexEraSession {
            session_id: "s-1".into(),
            ip: Some("10.0.0.1".into()),
            restarts: 3,
            bytes_sent: 42,
            r#type: Some("job".into())
        }
    );
    // A select that leaves out a `default` column gets the default.
    let mut narrow = table("knexSessions");
    narrow.columns(["sessionId", "pod_ip", "bytesSent", "type"]).where_eq("sessionId", "s-1");
    assert_eq!(conn.fetch_one::<KnexEraSession>(&narrow).unwrap().restarts, 0);
    // A value the conversion refuses, and a column the select lacks, are errors naming the column.
    let mut negative = table("knexSessions");
    negative.where_eq("sessionId", "s-2");
    let error = conn.fetch_one::<KnexEraSession>(&negative).unwrap_err().to_string();
    assert!(error.contains("bytesSent") && error.contains("u64"), "{error}");
    let mut missing = table("knexSessions");
    missing.columns(["sessionId"]).where_eq("sessionId", "s-1");
    let error = conn.fetch_one::<KnexEraSession>(&missing).unwrap_err().to_string();
    assert!(error.contains("pod_ip"), "{error}");

    let mut positional = table("knexSessions");
    positional.columns(["sessionId", "bytesSent"]).order_by("sessionId", knexrs_query::Order::Asc);
    let rows: Vec<IdAndBytes> = conn.fetch_all(&positional).unwrap();
    assert_eq!(rows, [IdAndBytes("s-1".into(), 42), IdAndBytes("s-2".into(), -1)]);
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
struct Limits {
    cpu: String,
    memory_mib: u32,
}

#[derive(Debug, PartialEq, knexrs_query::FromRow)]
struct Job {
    name: String,
    limits: knexrs_query::Json<Limits>,
    labels: Option<knexrs_query::Json<std::collections::BTreeMap<String, String>>>,
}

#[test]
fn json_columns_hold_serde_types_both_ways_in_json_and_jsonb() {
    use knexrs_query::Json;

    let db = TestDatabase::empty().unwrap();
    let mut conn = Connection::new(db.connect().unwrap());
    conn.client()
        .batch_execute("create table jobs (name text primary key, limits jsonb not null, labels json)")
        .unwrap();
    let limits = Limits { cpu: "500m".into(), memory_mib: 1024 };
    let labels: std::collections::BTreeMap<String, String> = [("team".to_owned(), "infra".to_owned())].into();
    let mut insert = Insert::into("jobs");
    insert.set("name", "a").set("limits", Json(limits.clone())).set("labels", Json(labels.clone()));
    insert.new_row().set("name", "b").set("limits", Json(limits.clone())).set("labels", None::<Json<()>>);
    assert_eq!(conn.execute(&insert).unwrap(), 2);

    let mut q = table("jobs");
    q.order_by("name", knexrs_query::Order::Asc);
    let jobs: Vec<Job> = conn.fetch_all(&q).unwrap();
    assert_eq!(
        jobs,
        [
            Job { name: "a".into(), limits: Json(limits.clone()), labels: Some(Json(labels)) },
            Job { name: "b".into(), limits: Json(limits.clone()), labels: None },
        ]
    );
    // Compared whole, and through PostgreSQL's own operators on the bound JSON.
    let mut contains = table("jobs");
    contains.columns(["name"]).where_op("limits", "@>", Json(serde_json::json!({ "cpu": "500m" })));
    assert_eq!(conn.fetch_all::<(String,)>(&contains).unwrap().len(), 2);
    // JSON that does not fit the Rust type is an error naming the column.
    conn.client().batch_execute(r#"update jobs set limits = '{"cpu": 1}' where name = 'b'"#).unwrap();
    let error = conn.fetch_all::<Job>(&q).unwrap_err().to_string();
    assert!(error.contains("cannot decode column `limits`"), "{error}");
}

/// `count` numbers, one row each, and a failing row at `fail_at` (division by zero) when given.
fn numbers(count: i32, fail_at: Option<i32>) -> knexrs_query::Raw {
    let divisor = fail_at.map_or("1".to_owned(), |at| format!("(i - {at})"));
    knexrs_query::Raw::with(
        format!("select i, 'n-' || i as label, 1 / {divisor} as one from generate_series(1, ?::int) as i"),
        [count],
    )
}

#[test]
fn fetch_each_hands_over_every_row_in_order_and_stops_when_the_caller_says() {
    let db = TestDatabase::empty().unwrap();
    let mut conn = Connection::new(db.connect().unwrap());
    let mut expected = 1;
    let taken = conn
        .fetch_each(&numbers(20_000, None), |(i, label, _): (i32, String, i32)| {
            assert_eq!((i, label.as_str()), (expected, format!("n-{expected}").as_str()));
            expected += 1;
            Ok::<_, QueryError>(())
        })
        .unwrap();
    assert_eq!(taken, 20_000);

    // Stopped early inside a transaction: the rest is dropped, the transaction carries on and commits.
    conn.client().batch_execute("create table kept (n int)").unwrap();
    let stopped =
        conn.transaction(|tx| {
            tx.execute(Insert::into("kept").set("n", 1)).unwrap();
            let result = tx.fetch_each(&numbers(20_000, None), |(i, _, _): (i32, String, i32)| {
                if i == 10 { Err(format!("stopped at {i}").into()) } else { Ok(()) }
            });
            let error: Box<dyn std::error::Error> = result.unwrap_err();
            assert_eq!(error.to_string(), "stopped at 10");
            tx.execute(Insert::into("kept").set("n", 2))
        });
    assert_eq!(stopped.unwrap(), 1);
    let kept: Vec<(i32,)> = conn.fetch_all(table("kept").column("n").order_by("n", knexrs_query::Order::Asc)).unwrap();
    assert_eq!(kept, [(1,), (2,)]);

    // A row that does not decode stops it with an error naming the column.
    let error = conn.fetch_each(&numbers(5, None), |_: (String,)| Ok::<_, QueryError>(())).unwrap_err();
    assert!(matches!(error, QueryError::Decode { ref column, .. } if column == "i"), "{error}");
}

#[test]
fn fetch_each_reports_a_failure_after_some_rows_and_the_transaction_knows_it() {
    let db = TestDatabase::empty().unwrap();
    let mut conn = Connection::new(db.connect().unwrap());
    let mut seen = 0;
    let error = conn
        .fetch_each(&numbers(20_000, Some(15_000)), |_: (i32, String, i32)| {
            seen += 1;
            Ok::<_, QueryError>(())
        })
        .unwrap_err();
    assert_eq!(error.code(), Some(&SqlState::DIVISION_BY_ZERO), "{error}");
    assert!(seen < 15_000, "rows before the failing one arrive first ({seen})");
    // The connection is usable afterwards; in a transaction, the failure means no commit.
    assert_eq!(conn.fetch_one::<(i32,)>(&raw("select 1")).unwrap(), (1,));
    let outcome = conn.transaction(|tx| {
        let _ = tx.fetch_each(&numbers(20_000, Some(15_000)), |_: (i32, String, i32)| Ok::<_, QueryError>(()));
        Ok::<_, QueryError>(())
    });
    assert!(matches!(outcome, Err(QueryError::RolledBack { .. })), "{outcome:?}");
}

#[test]
fn a_statement_past_its_timeout_is_stopped_by_the_server_and_the_setting_does_not_outlive_it() {
    use std::time::Duration;

    let db = TestDatabase::empty().unwrap();
    let mut conn = Connection::new(db.connect().unwrap());
    conn.client().batch_execute("create table marks (n int)").unwrap();
    // Knex: knex.raw('select pg_sleep(60)').timeout(200, { cancel: true })
    let mut slow = raw("select pg_sleep(60)::text");
    slow.timeout(Duration::from_millis(200));
    let error = conn.fetch_all::<(String,)>(&slow).unwrap_err();
    assert!(matches!(error, QueryError::Timeout { after, .. } if after == Duration::from_millis(200)), "{error}");
    assert_eq!(error.code(), Some(&SqlState::QUERY_CANCELED));
    assert!(error.to_string().contains("did not finish within 200ms and was cancelled"), "{error}");
    let setting = |conn: &mut Connection| conn.fetch_one::<(String,)>(&raw("show statement_timeout")).unwrap().0;
    assert_eq!(setting(&mut conn), "0", "the timeout was the statement's alone");
    // One that finishes in time commits as any other statement does.
    let mut insert = Insert::into("marks");
    insert.set("n", 1).timeout(Duration::from_secs(30));
    assert_eq!(conn.execute(&insert).unwrap(), 1);
    assert_eq!(setting(&mut conn), "0");

    // Inside a transaction: a statement in time leaves the transaction's setting as it was ...
    conn.transaction(|tx| {
        tx.execute(&raw("set local statement_timeout = '7s'"))?;
        tx.execute(&insert)?;
        assert_eq!(tx.fetch_one::<(String,)>(&raw("show statement_timeout"))?.0, "7s");
        Ok::<_, QueryError>(())
    })
    .unwrap();
    // ... and one past it aborts the transaction, which then rolls back.
    let outcome = conn.transaction(|tx| {
        tx.execute(Insert::into("marks").set("n", 2))?;
        tx.fetch_all::<(String,)>(&slow)
    });
    assert!(matches!(outcome, Err(QueryError::Timeout { .. })), "{outcome:?}");
    let marks: Vec<(i32,)> = conn.fetch_all(table("marks").column("n")).unwrap();
    assert_eq!(marks, [(1,), (1,)], "the timed-out transaction's insert was rolled back");

    // Rows taken one by one: the timeout covers the whole statement.
    let mut trickle = raw("select i, pg_sleep(0.05)::text from generate_series(1, 100) as i");
    trickle.timeout(Duration::from_millis(500));
    let mut seen = 0;
    let error = conn
        .fetch_each(&trickle, |_: (i32, String)| {
            seen += 1;
            Ok::<_, QueryError>(())
        })
        .unwrap_err();
    assert!(matches!(error, QueryError::Timeout { .. }), "{error}");
    assert!(seen < 100, "{seen}");
    assert_eq!(setting(&mut conn), "0");
}

/// Each of two connections, at once, in a serializable transaction: reads
/// the sum of `tally`, and once both have read it, inserts one more than it.
/// One of the two cannot be serialized after the other. A run again waits
/// for the other transaction to end: PostgreSQL may report the failure
/// before the other commits, and a run again that starts then can conflict
/// with it once more.
fn two_serializable_counters(
    db: &TestDatabase,
    options: &knexrs_query::TransactionOptions,
) -> Vec<(Result<(), QueryError>, usize)> {
    let barrier = std::sync::Barrier::new(2);
    let ended = (std::sync::Mutex::new(0_usize), std::sync::Condvar::new());
    std::thread::scope(|scope| {
        let runners: Vec<_> = (0..2)
            .map(|_| {
                let (barrier, ended, mut conn) = (&barrier, &ended, Connection::new(db.connect().unwrap()));
                scope.spawn(move || {
                    let mut runs = 0;
                    let outcome = conn.transaction_with(options, |tx| {
                        runs += 1;
                        if runs > 1 {
                            let count = ended.0.lock().unwrap();
                            let _ = ended
                                .1
                                .wait_timeout_while(count, std::time::Duration::from_secs(30), |n| *n == 0)
                                .unwrap();
                        }
                        let (sum,): (i64,) = tx.fetch_one(&raw("select coalesce(sum(n), 0)::int8 from tally"))?;
                        if runs == 1 {
                            barrier.wait();
                        }
                        tx.execute(Insert::into("tally").set("n", sum + 1))?;
                        Ok::<_, QueryError>(())
                    });
                    *ended.0.lock().unwrap() += 1;
                    ended.1.notify_all();
                    (outcome, runs)
                })
            })
            .collect();
        runners.into_iter().map(|r| r.join().unwrap()).collect()
    })
}

#[test]
fn serializable_transactions_fail_as_postgresql_says_and_run_again_when_asked() {
    use knexrs_query::{IsolationLevel, TransactionOptions};

    let db = TestDatabase::empty().unwrap();
    let mut conn = Connection::new(db.connect().unwrap());
    conn.client().batch_execute("create table tally (n int8)").unwrap();
    let mut serializable = TransactionOptions::new();
    serializable.isolation(IsolationLevel::Serializable);
    let outcomes = two_serializable_counters(&db, &serializable);
    let failed: Vec<_> = outcomes.iter().filter_map(|(o, _)| o.as_ref().err()).collect();
    assert_eq!(failed.len(), 1, "{outcomes:?}");
    assert_eq!(failed[0].code(), Some(&SqlState::T_R_SERIALIZATION_FAILURE), "{}", failed[0]);

    conn.client().batch_execute("truncate tally").unwrap();
    serializable.retry_serialization_failures(3);
    let outcomes = two_serializable_counters(&db, &serializable);
    assert!(outcomes.iter().all(|(o, _)| o.is_ok()), "{outcomes:?}");
    assert_eq!(outcomes.iter().map(|(_, runs)| runs).sum::<usize>(), 3, "the one that failed ran again, once");
    let mut tally: Vec<(i64,)> = conn.fetch_all(table("tally").column("n")).unwrap();
    tally.sort();
    assert_eq!(tally, [(1,), (2,)], "as if one ran after the other");
}

#[test]
fn transaction_options_set_the_mode_and_only_the_outermost_transaction_takes_them() {
    use knexrs_query::{IsolationLevel, TransactionOptions};

    let db = TestDatabase::empty().unwrap();
    let mut conn = Connection::new(db.connect().unwrap());
    conn.client().batch_execute("create table notes (t text)").unwrap();
    let mut report = TransactionOptions::new();
    report.isolation(IsolationLevel::RepeatableRead).read_only();
    let (level, read_only) = conn
        .transaction_with(&report, |tx| {
            let (level,): (String,) = tx.fetch_one(&raw("show transaction_isolation"))?;
            let (read_only,): (String,) = tx.fetch_one(&raw("show transaction_read_only"))?;
            Ok::<_, QueryError>((level, read_only))
        })
        .unwrap();
    assert_eq!((level.as_str(), read_only.as_str()), ("repeatable read", "on"));
    let write = conn.transaction_with(&report, |tx| tx.execute(Insert::into("notes").set("t", "x")));
    assert_eq!(write.unwrap_err().code(), Some(&SqlState::READ_ONLY_SQL_TRANSACTION));
    // A savepoint cannot change the transaction's mode: an error that says so, and the outer one goes on.
    conn.transaction(|tx| {
        let nested = tx.transaction_with(&report, |_| Ok::<_, QueryError>(()));
        assert!(matches!(nested, Err(QueryError::NestedTransactionOptions)), "{nested:?}");
        tx.execute(Insert::into("notes").set("t", "kept"))
    })
    .unwrap();
    assert_eq!(conn.fetch_all::<(String,)>(table("notes").column("t")).unwrap(), [("kept".to_owned(),)]);
}
