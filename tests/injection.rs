//! Injection, as a property: arbitrary strings used as values and as table
//! and column names go through create table, insert, select, update and
//! delete on a real database; each comes back as the data it was, and
//! `pg_stat_statements` shows that no statement ran other than the ones the
//! builders rendered.
//!
//! Names exclude what knex gives a meaning to in a name: `.` (schema and
//! table), ` as ` (alias), a trailing `[n]` (array subscript) and a bare `*`
//! (every column: knex never quotes it). Values exclude NUL, which
//! PostgreSQL text cannot hold.

#![allow(clippy::unwrap_used, reason = "a test fails by panicking")]

use knexrs_query::{Connection, Delete, Executor, Insert, Update, Wheres, table};
use knexrs_schema::{PostgresQueryBuilder, SchemaBuilder};
use knexrs_testing::TestDatabase;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use std::collections::BTreeSet;

/// Pieces that break naive quoting, mixed with arbitrary characters.
fn nasty_text(max_pieces: usize) -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("'".to_owned()),
        Just("\"".to_owned()),
        Just("\\".to_owned()),
        Just(";".to_owned()),
        Just("--".to_owned()),
        Just("/*".to_owned()),
        Just("*/".to_owned()),
        Just("$1".to_owned()),
        Just("$$".to_owned()),
        Just("?".to_owned()),
        Just("??".to_owned()),
        Just("E'".to_owned()),
        Just("'); drop table victims; --".to_owned()),
        Just("\" or 1=1 --".to_owned()),
        Just(" ".to_owned()),
        Just("\n".to_owned()),
        any::<char>().prop_filter("no NUL", |c| *c != '\0').prop_map(String::from),
        "[a-zA-Z0-9_]{1,6}",
    ];
    proptest::collection::vec(piece, 0..max_pieces).prop_map(|pieces| pieces.concat())
}

const SYSTEM_COLUMNS: [&str; 7] = ["ctid", "oid", "xmin", "cmin", "xmax", "cmax", "tableoid"];

/// A name PostgreSQL keeps whole: 1 to 63 bytes, none of knex's name syntax.
fn name() -> impl Strategy<Value = String> {
    nasty_text(8).prop_map(|s| s.replace(['.', '[', ']'], "_")).prop_filter("a usable name", |s| {
        !s.is_empty()
            && s.len() <= 63
            && !s.to_ascii_lowercase().contains(" as ")
            && !SYSTEM_COLUMNS.contains(&s.as_str())
            && s != "id"
            && s != "*"
    })
}

struct Session {
    conn: Connection,
    /// Every statement we sent, as PostgreSQL will report it.
    sent: BTreeSet<String>,
}

impl Session {
    fn ddl(&mut self, schema: &SchemaBuilder) -> Result<(), TestCaseError> {
        for sql in schema.build(PostgresQueryBuilder).map_err(|e| TestCaseError::fail(e.to_string()))? {
            self.sent.insert(sql.trim().to_owned());
            self.conn
                .client()
                .batch_execute(&sql)
                // The server's whole message (`postgres::Error` alone prints "db error").
                .map_err(|e| TestCaseError::fail(format!("{sql}: {}", knexrs_connect::describe(&e))))?;
        }
        Ok(())
    }

    fn record(&mut self, statement: &impl knexrs_query::Statement) {
        let sql = statement.build(PostgresQueryBuilder).unwrap().0;
        // PostgreSQL 18's pg_stat_statements reports `in ($1, $2)` as `in ($1 /*, ... */)`.
        self.sent.insert(squash_in_lists(&sql));
        self.sent.insert(sql);
    }
}

fn round_trip(
    session: &mut Session,
    table_name: &str,
    column: &str,
    value: &str,
    other: &str,
) -> Result<(), TestCaseError> {
    let mut create = SchemaBuilder::new();
    let column_owned = column.to_owned();
    create.create_table(table_name, move |t| {
        t.increments("id");
        t.text(column_owned);
    });
    session.ddl(&create)?;

    let mut insert = Insert::into(table_name.to_owned());
    insert.set(column.to_owned(), value).returning(["id"]);
    session.record(&insert);
    let (id,): (i32,) = session.conn.fetch_one(&insert).map_err(|e| TestCaseError::fail(e.to_string()))?;

    let mut select = table(table_name.to_owned());
    select.columns([column.to_owned()]).where_eq(column.to_owned(), value);
    session.record(&select);
    let found: Vec<(String,)> = session.conn.fetch_all(&select).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(found, vec![(value.to_owned(),)]);

    let mut update = Update::table(table_name.to_owned());
    update.set(column.to_owned(), other).where_eq("id", id).where_eq(column.to_owned(), value);
    session.record(&update);
    prop_assert_eq!(session.conn.execute(&update).map_err(|e| TestCaseError::fail(e.to_string()))?, 1);

    let mut by_list = table(table_name.to_owned());
    by_list.columns([column.to_owned()]).where_in(column.to_owned(), [value, other]);
    session.record(&by_list);
    let found: Vec<(String,)> = session.conn.fetch_all(&by_list).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(found, vec![(other.to_owned(),)]);

    let mut delete = Delete::from(table_name.to_owned());
    delete.where_eq(column.to_owned(), other);
    session.record(&delete);
    prop_assert_eq!(session.conn.execute(&delete).map_err(|e| TestCaseError::fail(e.to_string()))?, 1);

    let mut drop = SchemaBuilder::new();
    drop.drop_table(table_name);
    session.ddl(&drop)
}

#[test]
fn arbitrary_values_and_names_round_trip_as_data_and_run_no_other_statement() {
    let db = TestDatabase::empty().unwrap();
    let mut session = Session { conn: Connection::new(db.connect().unwrap()), sent: BTreeSet::new() };
    let probe = "select count(*) from pg_stat_statements";
    if let Err(e) = session.conn.client().batch_execute("create extension if not exists pg_stat_statements") {
        panic!("this test needs the pg_stat_statements extension on the test server: {e}");
    }
    if let Err(e) = session.conn.client().simple_query(probe) {
        panic!("pg_stat_statements must be in shared_preload_libraries of the test server: {e}");
    }
    // A whole suite fills its table (20,000 entries, one per statement and
    // database), and a full table evicts entries, ours among them: emptied first
    // (no other test reads it), so the few thousand other tests add while this
    // one runs leave ours alone.
    let reset = "select pg_stat_statements_reset()";
    session.conn.client().batch_execute(reset).unwrap();
    let mut victims = SchemaBuilder::new();
    victims.create_table("victims", |t| {
        t.increments("id");
    });
    session.ddl(&victims).unwrap();
    let check = "select id from victims";
    let report = "select s.query from pg_stat_statements s join pg_database d on d.oid = s.dbid \
                  where d.datname = current_database()";
    session
        .sent
        .extend(["create extension if not exists pg_stat_statements", probe, reset, check, report].map(str::to_owned));

    let mut runner = TestRunner::new(Config { cases: 96, failure_persistence: None, ..Config::default() });
    let strategy =
        (name(), name(), nasty_text(12), nasty_text(12)).prop_filter("distinct values", |(_, _, a, b)| a != b);
    {
        let cell = std::cell::RefCell::new(&mut session);
        runner
            .run(&strategy, |(table_name, column, value, other)| {
                let mut session = cell.borrow_mut();
                let result = round_trip(&mut session, &table_name, &column, &value, &other);
                // A case that failed halfway leaves its table: dropped, so that each
                // case proptest tries while shrinking starts from a clean database.
                let mut cleanup = SchemaBuilder::new();
                cleanup.drop_table_if_exists(&table_name);
                session.ddl(&cleanup)?;
                result
            })
            .unwrap();
    }

    // The victim table is still there.
    session.conn.client().batch_execute(check).unwrap();
    let ran: Vec<(String,)> = session.conn.fetch_all(&knexrs_query::raw(report)).unwrap();
    let unexpected: Vec<&str> = ran.iter().map(|(q,)| q.trim()).filter(|q| !session.sent.contains(*q)).collect();
    assert!(unexpected.is_empty(), "statements ran that no builder rendered:\n{unexpected:#?}");
    assert!(ran.len() > 96 * 5, "pg_stat_statements saw every statement ({} entries)", ran.len());
}

/// `sql` with each `in ($k, $k+1, …)` list written as PostgreSQL 18's
/// pg_stat_statements reports it: `in ($k /*, ... */)`.
fn squash_in_lists(sql: &str) -> String {
    let mut out = String::new();
    let mut rest = sql;
    while let Some(at) = rest.find(" in ($") {
        let (before, list) = rest.split_at(at + " in (".len());
        out.push_str(before);
        let Some(end) = list.find(')') else { break };
        let items: Vec<&str> = list[..end].split(", ").collect();
        if items.len() > 1
            && items.iter().all(|i| i.len() > 1 && i.starts_with('$') && i[1..].bytes().all(|b| b.is_ascii_digit()))
        {
            out.push_str(items[0]);
            out.push_str(" /*, ... */");
            rest = &list[end..];
        } else {
            rest = list;
        }
    }
    out.push_str(rest);
    out
}

#[test]
fn a_bare_star_is_knexs_every_column_so_the_names_above_leave_it_out() {
    let mut select = table("t");
    select.columns(["*"]).where_eq("*", "x");
    let (sql, _) = select.build(PostgresQueryBuilder).unwrap();
    assert_eq!(sql, r#"select * from "t" where * = $1"#, "knex renders `*` unquoted wherever it is a name");
}
