//! knex's own PostgreSQL expectations for query-builder calls beyond the
//! conformance fixture (from knex 3.3.0's `test/unit/query/builder.js`, its
//! integration tests, or rendered by knex 3.3.0 itself): window functions, set operations, the `having` and
//! `on` families, JSON functions, comments and hint comments, named and nested raw
//! bindings, clearing, deletes with joins. Our SQL must equal knex's up to
//! keyword case and whitespace, and our bindings knex's bindings.

#![allow(clippy::unwrap_used, reason = "a test fails by panicking")]

use knexrs_query::{
    Ctes, Delete, Insert, IntoOperand, JoinKind, JsonWheres, Nulls, Order, Raw, Select, Update, Value, Wheres, Window,
    aliased, array, col, except, intersect, json_extract, json_insert, json_remove, json_set, raw, table, union_all,
};
use knexrs_tests::{Query, assert_every_case_passes, binding_json, normalize_sql};
use serde_json::json;

struct Case {
    title: &'static str,
    knex: &'static str,
    /// knex's bindings, where its test states them.
    bindings: Option<serde_json::Value>,
    /// knex's `toQuery` (values inlined) rather than `toSQL`.
    inline: bool,
    query: Query,
}

fn sql(title: &'static str, knex: &'static str, bindings: serde_json::Value, query: impl Into<Query>) -> Case {
    Case { title, knex, bindings: Some(bindings), inline: false, query: query.into() }
}

fn sql_only(title: &'static str, knex: &'static str, query: impl Into<Query>) -> Case {
    Case { title, knex, bindings: None, inline: false, query: query.into() }
}

fn inline(title: &'static str, knex: &'static str, query: impl Into<Query>) -> Case {
    Case { title, knex, bindings: None, inline: true, query: query.into() }
}

fn users() -> Select {
    table("users")
}

fn accounts() -> Select {
    table("accounts")
}

fn by_id(id: i32) -> Select {
    let mut q = table("users");
    q.where_eq("id", id);
    q
}

#[allow(clippy::too_many_lines, reason = "one entry per knex case")]
fn cases() -> Vec<Case> {
    vec![
        sql_only("basic select with alias", r#"select "foo" as "bar" from "users""#, users().column("foo as bar")),
        sql_only("basic alias trims spaces", r#"select "foo" as "bar" from "users""#, users().column(" foo   as bar ")),
        sql_only("case-insensitive alias", r#"select "foo" as "bar" from "users""#, users().column(" foo   aS bar ")),
        sql_only(
            "alias with dots in the identifier name",
            r#"select "foo" as "bar.baz" from "users""#,
            users().column("foo as bar.baz"),
        ),
        sql(
            "less trivial case of object alias syntax",
            r#"select "table1".* as "bar", (select "col1" as "a", "col2" as "b" from "test" limit ?) as "subq" from "table" as "table1", "table" as "table2", (select * from "test" limit ?) as "subq""#,
            json!([1, 1]),
            table("table as table1")
                .column("table1.* as bar")
                .column_as(table("test").columns(["col1 as a", "col2 as b"]).limit(1).clone(), Some("subq"))
                .add_from("table as table2")
                .add_from(aliased(table("test").limit(1).clone(), "subq")),
        ),
        sql_only("basic table wrapping", r#"select * from "public"."users""#, table("public.users")),
        sql_only(
            "basic table wrapping with declared schema",
            r#"select * from "myschema"."users""#,
            users().with_schema("myschema"),
        ),
        sql_only("clear a select", r#"select * from "users""#, users().columns(["id", "email"]).clear_columns()),
        sql_only(
            "clear a select, then select",
            r#"select "email" from "users""#,
            users().column("id").clear_columns().column("email"),
        ),
        sql(
            "clear a where",
            r#"select "id" from "users" where "id" = ?"#,
            json!([2]),
            users().column("id").where_op("id", "=", 1).clear_where().where_op("id", "=", 2),
        ),
        sql_only(
            "clear a group",
            r#"select * from "users" group by "id""#,
            users().group_by(["name"]).clear_group().group_by(["id"]),
        ),
        sql_only(
            "clear an order",
            r#"select * from "users" order by "id" asc"#,
            users().order_by("name", Order::Desc).clear_order().order_by("id", Order::Asc),
        ),
        sql(
            "clear a having",
            r#"select * from "users" having "id" > ?"#,
            json!([10]),
            users().having("id", ">", 100).clear_having().having("id", ">", 10),
        ),
        sql(
            "clear by statements",
            r#"select * from "users""#,
            json!([]),
            users()
                .with("testWith", table("user_info").where_eq("a", "b").clone())
                .join("tableJoin", "id", "id")
                .column("id")
                .hint_comment("hint()")
                .where_op("id", "<", 10)
                .group_by(["id"])
                .limit(100)
                .offset(100)
                .having("id", ">", 100)
                .union(users().where_null("first_name").clone())
                .union_all(users().where_null("first_name").clone())
                .clear_with()
                .clear_joins()
                .clear_unions()
                .clear_columns()
                .clear_hint_comments()
                .clear_where()
                .clear_group()
                .clear_order()
                .clear_limit()
                .clear_having(),
        ),
        sql(
            "clear increment/decrement calls",
            r#"update "users" set "email" = ? where "id" = ?"#,
            json!(["foo@bar.com", 1]),
            Update::table("users")
                .where_op("id", "=", 1)
                .set("email", "foo@bar.com")
                .increment("balance", 10)
                .decrement("value", 50)
                .clear_counters(),
        ),
        sql(
            "andWhereLike, orWhereLike",
            r#"select * from "users" where "name" like ? and "name" like ? or "name" like ?"#,
            json!(["luk1%", "luk2%", "luk3%"]),
            users().where_like("name", "luk1%").where_like("name", "luk2%").or_where_like("name", "luk3%"),
        ),
        sql(
            "andWhereILike, orWhereILike",
            r#"select * from "users" where "name" ilike ? and "name" ilike ? or "name" ilike ?"#,
            json!(["luk1%", "luk2%", "luk3%"]),
            users().where_ilike("name", "luk1%").where_ilike("name", "luk2%").or_where_ilike("name", "luk3%"),
        ),
        sql_only(
            "whereColumn",
            r#"select * from "users" where "users"."id" = "users"."otherId""#,
            users().where_column("users.id", "=", "users.otherId"),
        ),
        sql("where not", r#"select * from "users" where not "id" = ?"#, json!([1]), users().where_not_op("id", "=", 1)),
        inline("where not, inline", r#"select * from "users" where not "id" = 1"#, users().where_not_op("id", "=", 1)),
        sql(
            "grouped or where not alternate",
            r#"select * from "users" where ("id" = ? or not "id" = ?)"#,
            json!([1, 3]),
            users().where_group(|g| {
                g.where_op("id", "=", 1).or_where_not_op("id", "=", 3);
            }),
        ),
        sql(
            "and where not betweens",
            r#"select * from "users" where "name" = ? and "id" not between ? and ?"#,
            json!(["user1", 1, 2]),
            users().where_op("name", "=", "user1").where_not_between("id", 1, 2),
        ),
        sql(
            "where not between, alternate operator with a trailing space",
            r#"select * from "users" where "id" not between ? and ?"#,
            json!([1, 2]),
            users().where_op("id", "not between ", knexrs_query::list([1, 2])),
        ),
        sql(
            "raw wheres",
            r#"select * from "users" where id = ? or email = ?"#,
            json!([1, "foo"]),
            users().where_raw(Raw::with("id = ? or email = ?", [Value::from(1), Value::from("foo")])),
        ),
        sql(
            "raw or wheres",
            r#"select * from "users" where "id" = ? or email = ?"#,
            json!([1, "foo"]),
            users().where_op("id", "=", 1).or_where_raw(Raw::with("email = ?", ["foo"])),
        ),
        sql_only(
            "where ins with byte values",
            r#"select * from "users" where "id" in (?, ?)"#,
            users().where_in("id", [vec![0xa1_u8, 0xb2], vec![0xe5, 0xf6]]),
        ),
        sql(
            "chained or where not in",
            r#"select * from "users" where "id" = ? or "id" not in (?, ?, ?)"#,
            json!([1, 1, 2, 3]),
            users().where_op("id", "=", 1).or_where_not_in("id", [1, 2, 3]),
        ),
        sql(
            "a grouped where after a plain one",
            r#"select * from "test" where "id" = ? and ("id" = ? or "id" = ?)"#,
            json!([1, 3, 4]),
            table("test").where_op("id", "=", 1).where_group(|g| {
                g.where_eq("id", 3).or_where_eq("id", 4);
            }),
        ),
        inline(
            "where foo <> null is not rewritten to is not null",
            r#"select * where "foo" <> NULL"#,
            Select::new().where_op("foo", "<>", None::<String>),
        ),
        sql(
            "wraps unions",
            r#"select * from "users" where "id" in ((select max("id") from "users") union (select min("id") from "users"))"#,
            json!([]),
            users().where_op(
                "id",
                "in",
                table("users").max("id").union_wrapped(table("users").min("id").clone()).clone(),
            ),
        ),
        sql(
            "wrapped unions of several queries",
            r#"(select * from "users" where "id" = ?) union (select * from "users" where "id" = ?) union (select * from "users" where "id" = ?)"#,
            json!([1, 2, 3]),
            by_id(1).union_wrapped(by_id(2)).union_wrapped(by_id(3)),
        ),
        sql(
            "union all of queries, then first (#4364)",
            r#"select * from "users" where "id" = ? union all select * from "users" where "id" = ? limit ?"#,
            json!([1, 2, 1]),
            union_all([by_id(1), by_id(2)], false).first(),
        ),
        sql(
            "wrapped union all with group by and first (#5030)",
            r#"(select * from "users" where "id" = ?) union all (select * from "users" where "id" = ?) group by "id" limit ?"#,
            json!([1, 2, 1]),
            users().where_op("id", "=", 1).group_by(["id"]).union_all_wrapped(by_id(2)).first(),
        ),
        sql(
            "intersects",
            r#"select * from "users" where "id" = ? intersect select * from "users" where "id" = ? intersect select * from users where id = ?"#,
            json!([1, 2, 3]),
            by_id(1).intersect(by_id(2)).intersect_raw(Raw::with("select * from users where id = ?", [3])),
        ),
        sql(
            "wraps intersects",
            r#"select * from "users" where "id" in ((select max("id") from "users") intersect (select min("id") from "users"))"#,
            json!([]),
            users().where_op(
                "id",
                "in",
                table("users").max("id").intersect_wrapped(table("users").min("id").clone()).clone(),
            ),
        ),
        sql(
            "excepts",
            r#"select * from "users" where "id" = ? except select * from "users" where "id" = ? except select * from "users" where "id" = ?"#,
            json!([1, 2, 3]),
            by_id(1).except(by_id(2)).except(by_id(3)),
        ),
        sql(
            "wraps excepts",
            r#"(select * from "users" where "id" = ?) except (select * from "users" where "id" = ?) except (select * from "users" where "id" = ?)"#,
            json!([1, 2, 3]),
            by_id(1).except_wrapped(by_id(2)).except_wrapped(by_id(3)),
        ),
        sql(
            "intersect and except of queries with no table of their own",
            r#"(select * from "users" where "id" = ?) intersect (select * from "users" where "id" = ?)"#,
            json!([1, 2]),
            intersect([by_id(1), by_id(2)], true),
        ),
        sql(
            "except of queries with no table of their own",
            r#"select * from "users" where "id" = ? except select * from "users" where "id" = ?"#,
            json!([1, 2]),
            except([by_id(1), by_id(2)], false),
        ),
        sql(
            "sub select where ins",
            r#"select * from "users" where "id" in (select "id" from "users" where "age" > ? limit ?)"#,
            json!([25, 3]),
            users().where_in("id", table("users").column("id").where_op("age", ">", 25).limit(3).clone()),
        ),
        sql(
            "sub select multi column where ins",
            r#"select * from "users" where ("id_a", "id_b") in (select "id_a", "id_b" from "users" where "age" > ? limit ?)"#,
            json!([25, 3]),
            users().where_in(
                ["id_a", "id_b"],
                table("users").columns(["id_a", "id_b"]).where_op("age", ">", 25).limit(3).clone(),
            ),
        ),
        sql(
            "basic or where not nulls",
            r#"select * from "users" where "id" > ? or "id" is not null"#,
            json!([1]),
            users().where_op("id", ">", 1).or_where_not_null("id"),
        ),
        sql(
            "order by array with numbers",
            r#"select * from "users" order by "email" asc, "age" desc, 3 asc"#,
            json!([]),
            users().order_by("email", Order::Asc).order_by("age", Order::Desc).order_by(raw("3"), Order::Asc),
        ),
        sql(
            "raw order bys with default direction",
            r#"select * from "users" order by col NULLS LAST asc"#,
            json!([]),
            users().order_by(raw("col NULLS LAST"), Order::Asc),
        ),
        sql(
            "orderByRaw second argument is the binding",
            r#"select * from "users" order by col NULLS LAST ?"#,
            json!(["dEsc"]),
            users().order_by_raw(Raw::with("col NULLS LAST ?", ["dEsc"])),
        ),
        sql_only(
            "nested or havings",
            r#"select * from "users" having ("email" > ? or "email" = ?)"#,
            users().having_group(|g| {
                g.where_op("email", ">", 10).or_where_op("email", "=", 7);
            }),
        ),
        sql_only(
            "having from an alias",
            r#"select "email" as "foo_email" from "users" having "foo_email" > ?"#,
            users().column("email as foo_email").having("foo_email", ">", 1),
        ),
        sql_only(
            "raw or havings",
            r#"select * from "users" having "baz" = ? or user_foo < user_bar"#,
            users().having("baz", "=", 1).or_having_raw(raw("user_foo < user_bar")),
        ),
        sql_only(
            "or having null",
            r#"select * from "users" having "baz" is null or "foo" is null"#,
            users().having_null("baz").or_having_null("foo"),
        ),
        sql_only(
            "or having not null",
            r#"select * from "users" having "baz" is not null or "foo" is not null"#,
            users().having_not_null("baz").or_having_not_null("foo"),
        ),
        sql_only(
            "or having exists",
            r#"select * from "users" having exists (select "baz" from "users") or exists (select "foo" from "users")"#,
            users()
                .having_exists(table("users").column("baz").clone())
                .or_having_exists(table("users").column("foo").clone()),
        ),
        sql_only(
            "or having not exists",
            r#"select * from "users" having not exists (select "baz" from "users") or not exists (select "foo" from "users")"#,
            users()
                .having_not_exists(table("users").column("baz").clone())
                .or_having_not_exists(table("users").column("foo").clone()),
        ),
        sql(
            "or having between",
            r#"select * from "users" having "baz" between ? and ? or "baz" between ? and ?"#,
            json!([5, 10, 20, 30]),
            users().having_between("baz", 5, 10).or_having_between("baz", 20, 30),
        ),
        sql(
            "or having not between",
            r#"select * from "users" having "baz" not between ? and ? or "baz" not between ? and ?"#,
            json!([5, 10, 20, 30]),
            users().having_not_between("baz", 5, 10).or_having_not_between("baz", 20, 30),
        ),
        sql(
            "or having in",
            r#"select * from "users" having "baz" in (?, ?, ?) or "foo" in (?, ?)"#,
            json!([5, 10, 37, "Batman", "Joker"]),
            users().having_in("baz", [5, 10, 37]).or_having_in("foo", ["Batman", "Joker"]),
        ),
        sql(
            "or having not in",
            r#"select * from "users" having "baz" not in (?, ?, ?) or "foo" not in (?, ?)"#,
            json!([5, 10, 37, "Batman", "Joker"]),
            users().having_not_in("baz", [5, 10, 37]).or_having_not_in("foo", ["Batman", "Joker"]),
        ),
        sql("can limit 0", r#"select * from "users" limit ?"#, json!([0]), users().limit(0)),
        sql(
            "limits and offsets with raw",
            r#"select * from "users" limit ? offset 5"#,
            json!([10]),
            users().offset_raw(raw("5")).limit_raw(Raw::with("?", [10])),
        ),
        sql(
            "limits with skip binding",
            r#"select * from "users" limit 10 offset 5"#,
            json!([]),
            users().limit_raw(raw("10")).offset_raw(raw("5")),
        ),
        sql(
            "should clear offset when passing null",
            r#"select * from "test" limit ?"#,
            json!([10]),
            table("test").limit(10).offset(5).clear_offset(),
        ),
        sql(
            "clear non nested selects",
            r#"select * from "users" where "email" = ? or "id" = (select max(id) from "users" where "email" = ?)"#,
            json!(["foo", "bar"]),
            users()
                .column("email")
                .where_op("email", "=", "foo")
                .or_where_op("id", "=", table("users").column_raw(raw("max(id)")).where_op("email", "=", "bar").clone())
                .clear_columns(),
        ),
        sql(
            "or where not exists",
            r#"select * from "orders" where "id" = ? or not exists (select * from "products" where "products"."id" = "orders"."id")"#,
            json!([1]),
            table("orders")
                .where_op("id", "=", 1)
                .or_where_not_exists(table("products").where_op("products.id", "=", raw(r#""orders"."id""#)).clone()),
        ),
        sql(
            "complex join with nested conditional statements",
            r#"select * from "users" inner join "contacts" on ("users"."id" = "contacts"."id" or "users"."name" = "contacts"."name")"#,
            json!([]),
            users().join_on(JoinKind::Inner, "contacts", |j| {
                j.on_group(|g| {
                    g.on("users.id", "=", "contacts.id").or_on("users.name", "=", "contacts.name");
                });
            }),
        ),
        sql(
            "joins with raw",
            r#"select * from "users" inner join "contacts" on "users"."id" = 1 left join "photos" on "photos"."title" = ?"#,
            json!(["My Photo"]),
            users().join("contacts", "users.id", raw("1")).left_join(
                "photos",
                "photos.title",
                Raw::with("?", ["My Photo"]),
            ),
        ),
        sql_only(
            "or on null",
            r#"select * from "users" inner join "contacts" on "users"."id" = "contacts"."id" and "contacts"."address" is null or "contacts"."phone" is null"#,
            users().join_on(JoinKind::Inner, "contacts", |j| {
                j.on("users.id", "=", "contacts.id").on_null("contacts.address").or_on_null("contacts.phone");
            }),
        ),
        sql_only(
            "or on not null",
            r#"select * from "users" inner join "contacts" on "users"."id" = "contacts"."id" and "contacts"."address" is not null or "contacts"."phone" is not null"#,
            users().join_on(JoinKind::Inner, "contacts", |j| {
                j.on("users.id", "=", "contacts.id").on_not_null("contacts.address").or_on_not_null("contacts.phone");
            }),
        ),
        sql_only(
            "or on exists",
            r#"select * from "users" inner join "contacts" on "users"."id" = "contacts"."id" and exists (select * from "foo") or exists (select * from "bar")"#,
            users().join_on(JoinKind::Inner, "contacts", |j| {
                j.on("users.id", "=", "contacts.id").on_exists(table("foo")).or_on_exists(table("bar"));
            }),
        ),
        sql_only(
            "or on not exists",
            r#"select * from "users" inner join "contacts" on "users"."id" = "contacts"."id" and not exists (select * from "foo") or not exists (select * from "bar")"#,
            users().join_on(JoinKind::Inner, "contacts", |j| {
                j.on("users.id", "=", "contacts.id").on_not_exists(table("foo")).or_on_not_exists(table("bar"));
            }),
        ),
        sql(
            "or on between",
            r#"select * from "users" inner join "contacts" on "users"."id" = "contacts"."id" and "contacts"."id" between ? and ? or "users"."id" between ? and ?"#,
            json!([7, 15, 9, 14]),
            users().join_on(JoinKind::Inner, "contacts", |j| {
                j.on("users.id", "=", "contacts.id").on_between("contacts.id", 7, 15).or_on_between("users.id", 9, 14);
            }),
        ),
        sql(
            "or on not between",
            r#"select * from "users" inner join "contacts" on "users"."id" = "contacts"."id" and "contacts"."id" not between ? and ? or "users"."id" not between ? and ?"#,
            json!([7, 15, 9, 14]),
            users().join_on(JoinKind::Inner, "contacts", |j| {
                j.on("users.id", "=", "contacts.id")
                    .on_not_between("contacts.id", 7, 15)
                    .or_on_not_between("users.id", 9, 14);
            }),
        ),
        sql(
            "or on in with raw",
            r#"select * from "users" inner join "contacts" on "users"."id" = "contacts"."id" and "contacts"."id" in (?, ?, ?, ?) or "users"."id" in (select id from users where age > 18)"#,
            json!([7, 15, 23, 41]),
            users().join_on(JoinKind::Inner, "contacts", |j| {
                j.on("users.id", "=", "contacts.id")
                    .on_in("contacts.id", [7, 15, 23, 41])
                    .or_on_in("users.id", raw("select id from users where age > 18"));
            }),
        ),
        sql(
            "or on not in",
            r#"select * from "users" inner join "contacts" on "users"."id" = "contacts"."id" and "contacts"."id" not in (?, ?, ?, ?) or "users"."id" not in (?, ?)"#,
            json!([7, 15, 23, 41, 21, 37]),
            users().join_on(JoinKind::Inner, "contacts", |j| {
                j.on("users.id", "=", "contacts.id")
                    .on_not_in("contacts.id", [7, 15, 23, 41])
                    .or_on_not_in("users.id", [21, 37]);
            }),
        ),
        sql(
            "on json path join",
            r#"select * from "users" inner join "contacts" on jsonb_path_query_first("users"."infos", ?) = jsonb_path_query_first("contacts"."data", ?)"#,
            json!(["$.name", "$.infos.name"]),
            users().join_on(JoinKind::Inner, "contacts", |j| {
                j.on_json_path_equals("users.infos", "$.name", "contacts.data", "$.infos.name");
            }),
        ),
        sql(
            "allows left outer join with raw values",
            r#"select * from "student" left outer join "student_languages" on "student"."id" = "student_languages"."student_id" and "student_languages"."code" = ?"#,
            json!(["en_US"]),
            table("student").join_on(JoinKind::LeftOuter, "student_languages", |j| {
                j.on("student.id", "=", "student_languages.student_id").and_on(
                    "student_languages.code",
                    "=",
                    Raw::with("?", ["en_US"]),
                );
            }),
        ),
        sql(
            "allows a raw query in the second param",
            r#"select * from "accounts" inner join "table1" on ST_Contains(buildings_pluto.geom, ST_Centroid(buildings_building.geom))"#,
            json!([]),
            accounts().join_on(JoinKind::Inner, "table1", |j| {
                j.on_raw(raw("ST_Contains(buildings_pluto.geom, ST_Centroid(buildings_building.geom))"));
            }),
        ),
        sql(
            "#287 - wraps correctly for arrays",
            r#"select * from "value" inner join "table" on "table"."array_column"[1] = ?"#,
            json!([1]),
            table("value").join("table", "table.array_column[1]", Raw::with("?", [1])),
        ),
        sql(
            "allows for raw values in join, #441",
            r#"select "A"."nid" as "id" from nidmap2 AS A inner join (SELECT MIN(nid) AS location_id FROM nidmap2) AS B on "A"."x" = "B"."x""#,
            json!([]),
            Select::from(raw("nidmap2 AS A")).column("A.nid AS id").join(
                raw("SELECT MIN(nid) AS location_id FROM nidmap2").wrap("(", ") AS B"),
                "A.x",
                "B.x",
            ),
        ),
        sql(
            "allows join without operator and with value 0 #953",
            r#"select * from "users" inner join "photos" on "photos"."id" = 0"#,
            json!([]),
            users().join("photos", "photos.id", raw("0")),
        ),
        sql(
            "allows join with operator and with value 0 #953",
            r#"select * from "users" inner join "photos" on "photos"."id" > 0"#,
            json!([]),
            users().join_op(JoinKind::Inner, "photos", "photos.id", ">", raw("0")),
        ),
        sql(
            "raw expressions in select",
            r#"select substr(foo, 6) from "users""#,
            json!([]),
            users().column_raw(raw("substr(foo, 6)")),
        ),
        sql("count", r#"select count(*) from "users""#, json!([]), users().count("*")),
        sql(
            "count with string alias",
            r#"select count(*) as "all" from "users""#,
            json!([]),
            users().count("* as all"),
        ),
        sql(
            "count distinct with string alias",
            r#"select count(distinct *) as "all" from "users""#,
            json!([]),
            users().count_distinct("* as all"),
        ),
        sql(
            "count distinct with raw values",
            r#"select count(distinct "name") from "users""#,
            json!([]),
            users().count_distinct(Raw::with("??", ["name"])),
        ),
        sql(
            "min with raw values",
            r#"select min("name") from "users""#,
            json!([]),
            users().min(Raw::with("??", ["name"])),
        ),
        sql(
            "sum distinct with raw values",
            r#"select sum(distinct "name") from "users""#,
            json!([]),
            users().sum_distinct(Raw::with("??", ["name"])),
        ),
        sql(
            "avg distinct with raw values",
            r#"select avg(distinct "name") from "users""#,
            json!([]),
            users().avg_distinct(Raw::with("??", ["name"])),
        ),
        sql(
            "sum with two aliases",
            r#"select sum("logins") as "login_sum", sum("balance") as "balance_sum" from "accounts""#,
            json!([]),
            accounts().sum_as("logins", "login_sum").sum_as("balance", "balance_sum"),
        ),
        sql(
            "count distinct of two columns with alias",
            r#"select count(distinct("id", "logins")) as "count" from "accounts""#,
            json!([]),
            accounts().count_distinct_as(["id", "logins"], "count"),
        ),
        sql(
            "multiple inserts with multiple returning",
            r#"insert into "users" ("email", "name") values (?, ?), (?, ?) returning "id", "name""#,
            json!(["foo", "taylor", "bar", "dayle"]),
            Insert::into("users")
                .set("email", "foo")
                .set("name", "taylor")
                .new_row()
                .set("email", "bar")
                .set("name", "dayle")
                .returning(["id", "name"]),
        ),
        sql(
            "normalizes for missing keys in insert",
            r#"insert into "table" ("a", "b", "c") values (?, DEFAULT, DEFAULT), (DEFAULT, ?, DEFAULT), (?, DEFAULT, ?)"#,
            json!([1, 2, 2, 3]),
            Insert::into("table").set("a", 1).new_row().set("b", 2).new_row().set("a", 2).set("c", 3),
        ),
        sql(
            "insert with empty object and returning",
            r#"insert into "users" default values returning "id""#,
            json!([]),
            Insert::into("users").new_row().returning(["id"]),
        ),
        sql("insert with empty array should be a noop", "", json!([]), Insert::into("users")),
        sql(
            "update only method",
            r#"update only "users" set "email" = ?, "name" = ? where "id" = ?"#,
            json!(["foo", "bar", 1]),
            Update::table("users").only().set("email", "foo").set("name", "bar").where_op("id", "=", 1),
        ),
        sql(
            "update from table",
            r#"update "users" set "email" = ?, "name" = ? from "others" where "id" = ?"#,
            json!(["foo", "bar", 1]),
            Update::table("users").set("email", "foo").set("name", "bar").from("others").where_op("id", "=", 1),
        ),
        sql(
            "update method respects raw",
            r#"update "users" set "email" = foo, "name" = ? where "id" = ?"#,
            json!(["bar", 1]),
            Update::table("users").where_op("id", "=", 1).set("email", raw("foo")).set("name", "bar"),
        ),
        sql(
            "increment then decrement overwrites",
            r#"update "users" set "balance" = "balance" - ? where "id" = ?"#,
            json!([90, 1]),
            Update::table("users").where_op("id", "=", 1).increment("balance", 10).decrement("balance", 90),
        ),
        sql(
            "increment method with floats",
            r#"update "users" set "balance" = "balance" + ? where "id" = ?"#,
            json!([1.23, 1]),
            Update::table("users").where_op("id", "=", 1).increment("balance", 1.23),
        ),
        sql(
            "update from a raw VALUES list, bindings in order (#6376)",
            r#"update "accounts" set "last_name" = "values"."last_name" from (VALUES (?, ?), (?, ?)) as "values" ("email", "last_name") where ? = ? and "accounts"."email" = "values"."email""#,
            json!(["test1@example.com", "John", "test2@example.com", "Jane", 1, 1]),
            Update::table("accounts")
                .set("last_name", col("values.last_name"))
                .from(Raw::with(
                    "(VALUES (?, ?), (?, ?)) as ?? (??, ??)",
                    ["test1@example.com", "John", "test2@example.com", "Jane", "values", "email", "last_name"],
                ))
                .where_op(Raw::with("?", [1]), "=", 1)
                .where_eq("accounts.email", col("values.email")),
        ),
        sql(
            "update with a with clause and from",
            r#"with "withClause" as (select "id", "last_name" from "accounts" where "email" = ?) update "accounts" set "last_name" = ? from "withClause" where "withClause"."id" = "accounts"."id""#,
            json!(["test@example.com", "Doe"]),
            Update::table("accounts")
                .with(
                    "withClause",
                    accounts().columns(["id", "last_name"]).where_eq("email", "test@example.com").clone(),
                )
                .set("last_name", "Doe")
                .from("withClause")
                .where_column("withClause.id", "=", "accounts.id"),
        ),
        sql(
            "insert ignore multiple with raw onConflict",
            r#"insert into "users" ("email") values (?), (?) on conflict (value) WHERE deleted_at IS NULL do nothing"#,
            json!(["foo", "bar"]),
            {
                let mut q = Insert::into("users");
                q.set("email", "foo").new_row().set("email", "bar");
                q.on_conflict_raw(raw("(value) WHERE deleted_at IS NULL")).ignore();
                q
            },
        ),
        sql(
            "insert ignore without a target, returning",
            r#"insert into "upsert_tests" ("email", "name") values (?, ?) on conflict do nothing returning "email""#,
            json!(["a@example.com", "AFTER"]),
            {
                let mut q = Insert::into("upsert_tests");
                q.set("email", "a@example.com").set("name", "AFTER").returning(["email"]);
                q.on_conflict(Vec::<&str>::new()).ignore();
                q
            },
        ),
        sql(
            "merge of chosen columns with a where on the target",
            r#"insert into "upsert_tests" ("email", "name") values (?, ?) on conflict ("email") do update set "name" = excluded."name" where "upsert_tests"."role" = ? returning "email""#,
            json!(["a@example.com", "AFTER", "tester"]),
            {
                let mut q = Insert::into("upsert_tests");
                q.set("email", "a@example.com").set("name", "AFTER").returning(["email"]);
                q.on_conflict(["email"]).merge_columns(["name"]).where_eq("upsert_tests.role", "tester");
                q
            },
        ),
        sql(
            "merge with a raw value",
            r#"insert into "upsert_tests" ("email", "name") values (?, ?) on conflict ("email") do update set "name" = (SELECT name FROM upsert_value_source) returning "email""#,
            json!(["a@example.com", "AFTER"]),
            {
                let mut q = Insert::into("upsert_tests");
                q.set("email", "a@example.com").set("name", "AFTER").returning(["email"]);
                q.on_conflict(["email"]).merge_set("name", raw("(SELECT name FROM upsert_value_source)"));
                q
            },
        ),
        sql(
            "delete only method",
            r#"delete from only "users" where "email" = ?"#,
            json!(["foo"]),
            Delete::from("users").only().where_op("email", "=", "foo"),
        ),
        sql(
            "insert get id",
            r#"insert into "users" ("email") values (?) returning "id""#,
            json!(["foo"]),
            Insert::into("users").set("email", "foo").returning(["id"]),
        ),
        sql(
            "lock for no key update",
            r#"select * from "foo" where "bar" = ? for no key update"#,
            json!(["baz"]),
            table("foo").where_op("bar", "=", "baz").for_no_key_update(),
        ),
        sql(
            "lock for share",
            r#"select * from "foo" where "bar" = ? for share"#,
            json!(["baz"]),
            table("foo").where_op("bar", "=", "baz").for_share(),
        ),
        sql(
            "lock only some tables for update with explicit schema (#5053)",
            r#"select * from "public"."foo" where "bar" = ? for update of "lo", "rem""#,
            json!(["baz"]),
            table("foo").with_schema("public").where_op("bar", "=", "baz").for_update().lock_of(["lo", "rem"]),
        ),
        sql(
            "lock for update with skip locked #1937",
            r#"select * from "foo" limit ? for update skip locked"#,
            json!([1]),
            table("foo").first().for_update().skip_locked(),
        ),
        sql(
            "lock for update with nowait #1937",
            r#"select * from "foo" limit ? for update nowait"#,
            json!([1]),
            table("foo").first().for_update().no_wait(),
        ),
        sql(
            "allows insert values of sub-select, #121",
            r#"insert into "entries" ("secret", "sequence") values (?, (select count(*) from "entries" where "secret" = ?))"#,
            json!([123, 123]),
            Insert::into("entries")
                .set("secret", 123)
                .set("sequence", table("entries").count("*").where_eq("secret", 123).clone()),
        ),
        sql(
            "does crazy advanced inserts with clever raw use, #211",
            r#"insert into "recipients" (recipient_id, email) (select 'user', 'user@foo.com' where not exists (select 1 from "recipients" where "recipient_id" = ?))"#,
            json!([1]),
            {
                let mut source = Select::new();
                source
                    .column_raw(raw("'user'"))
                    .column_raw(raw("'user@foo.com'"))
                    .where_not_exists(table("recipients").column_raw(raw("1")).where_eq("recipient_id", 1).clone());
                Insert::into("recipients").select_raw(Raw::with("(recipient_id, email) ?", [source])).clone()
            },
        ),
        sql(
            "supports POSIX regex operators in Postgres",
            r#"select * from "users" where "name" ~ ?"#,
            json!([".*test.*"]),
            users().where_op("name", "~", ".*test.*"),
        ),
        sql(
            "allows select as syntax",
            r#"select "e"."lastname", "e"."salary", (select "avg(salary)" from "employee" where dept_no = e.dept_no) as "avg_sal_dept" from "employee" as "e" where "dept_no" = ?"#,
            json!(["e.dept_no"]),
            table("employee as e")
                .columns(["e.lastname", "e.salary"])
                .column_as(
                    table("employee").column("avg(salary)").where_raw(raw("dept_no = e.dept_no")).clone(),
                    Some("avg_sal_dept"),
                )
                .where_op("dept_no", "=", "e.dept_no"),
        ),
        sql(
            "allows first as syntax",
            r#"select "e"."lastname", "e"."salary", (select "salary" from "employee" where dept_no = e.dept_no order by "salary" desc limit ?) as "top_dept_salary" from "employee" as "e" where "dept_no" = ?"#,
            json!([1, "e.dept_no"]),
            table("employee as e")
                .columns(["e.lastname", "e.salary"])
                .column_as(
                    table("employee")
                        .column("salary")
                        .where_raw(raw("dept_no = e.dept_no"))
                        .order_by("salary", Order::Desc)
                        .first()
                        .clone(),
                    Some("top_dept_salary"),
                )
                .where_op("dept_no", "=", "e.dept_no"),
        ),
        sql(
            "supports arbitrarily nested raws",
            r#"select * from "places" where ST_DWithin((places.address).xy, ST_SetSRID(ST_MakePoint(?,?),?), ?) AND ST_Distance((places.address).xy, ST_SetSRID(ST_MakePoint(?,?),?)) > ? AND places.id IN ?"#,
            json!([-10, 10, 4326, 100_000, -5, 5, 4326, 50000, [1, 2, 3]]),
            table("places").where_raw(Raw::with(
                "ST_DWithin((places.address).xy, ?, ?) AND ST_Distance((places.address).xy, ?) > ? AND ?",
                [
                    Raw::with(
                        "ST_SetSRID(?,?)",
                        [Raw::with("ST_MakePoint(?,?)", [-10, 10]).into_operand(), 4326.into_operand()],
                    )
                    .into_operand(),
                    100_000.into_operand(),
                    Raw::with(
                        "ST_SetSRID(?,?)",
                        [Raw::with("ST_MakePoint(?,?)", [-5, 5]).into_operand(), 4326.into_operand()],
                    )
                    .into_operand(),
                    50000.into_operand(),
                    Raw::with("places.id IN ?", [array([1, 2, 3])]).into_operand(),
                ],
            )),
        ),
        sql(
            "dense_rank with string and no partition",
            r#"select *, dense_rank() over (order by "email") from "accounts""#,
            json!([]),
            accounts().column("*").dense_rank(Window::new().order_by("email")),
        ),
        sql(
            "dense_rank with array and alias",
            r#"select *, dense_rank() over (partition by "address", "phone" order by "email") as "test_alias" from "accounts""#,
            json!([]),
            accounts().column("*").dense_rank_as(
                Window::new().order_by("email").partition_by("address").partition_by("phone"),
                "test_alias",
            ),
        ),
        sql(
            "chained rank",
            r#"select *, rank() over (order by "email") as "first_alias", rank() over (order by "address") as "second_alias" from "accounts""#,
            json!([]),
            accounts()
                .column("*")
                .rank_as(Window::new().order_by("email"), "first_alias")
                .rank_as(Window::new().order_by("address"), "second_alias"),
        ),
        sql(
            "rank with raw and alias",
            r#"select *, rank() over (partition by address order by email) as "test_alias" from "accounts""#,
            json!([]),
            accounts().column("*").rank_as(Window::raw(raw("partition by address order by email")), "test_alias"),
        ),
        sql(
            "row_number with object",
            r#"select *, row_number() over (partition by "address" asc, "phone" order by "email" asc) from "accounts""#,
            json!([]),
            accounts().column("*").row_number(
                Window::new()
                    .order_by_dir("email", Order::Asc)
                    .partition_by_dir("address", Order::Asc)
                    .partition_by("phone"),
            ),
        ),
        sql(
            "row_number with function and chains",
            r#"select *, row_number() over (partition by "address", "phone" order by "email", "name") as "test_alias" from "accounts""#,
            json!([]),
            accounts().column("*").row_number_as(
                Window::new().order_by("email").partition_by("address").partition_by("phone").order_by("name"),
                "test_alias",
            ),
        ),
        sql(
            "correctly orders parameters when selecting from subqueries, #704",
            r#"select ?, "g"."f" from (select ? as f) as "g" where "g"."secret" = ?"#,
            json!(["outer raw select", "inner raw select", 123]),
            Select::from(aliased(Select::new().column_raw(Raw::with("? as f", ["inner raw select"])).clone(), "g"))
                .column_raw(Raw::with("?", ["outer raw select"]))
                .column("g.f")
                .where_eq("g.secret", 123),
        ),
        sql(
            "escapes queries properly, #737",
            r#"select "id"",""name", "id`name" from "test`""#,
            json!([]),
            table("test`").columns(["id\",\"name", "id`name"]),
        ),
        sql(
            "has a modify method",
            r#"select "foo_id", "bars".* from "foos" left join "bars" on "foos"."bar_id" = "bars"."id""#,
            json!([]),
            table("foos").column("foo_id").modify(|q| {
                q.left_join("bars", "foos.bar_id", "bars.id").column("bars.*");
            }),
        ),
        inline(
            "escapes single quotes properly",
            r#"select * from "users" where "last_name" = 'O''Brien'"#,
            users().where_eq("last_name", "O'Brien"),
        ),
        inline(
            "escapes double quotes properly",
            r#"select * from "players" where "name" = 'Gerald "Ice" Williams'"#,
            table("players").where_eq("name", "Gerald \"Ice\" Williams"),
        ),
        sql(
            "#1228 named bindings",
            r#"select * from "users" where "users"."name" = ? or "users"."name" = ?"#,
            json!(["Bob", "Jay"]),
            users().where_raw(Raw::named(
                ":name: = :thisGuy or :name: = :otherGuy",
                [
                    ("name", "users.name".into_operand()),
                    ("thisGuy", "Bob".into_operand()),
                    ("otherGuy", "Jay".into_operand()),
                ],
            )),
        ),
        sql(
            "#1228 named binding of an array",
            r#"select * from "users" where "id" in (select (?))"#,
            json!([[1, 2, 3]]),
            users().where_in("id", Raw::named("select (:test)", [("test", array([1, 2, 3]))])),
        ),
        sql(
            "#4199 allows multiple hint comments",
            r#"select /*+ hint1() hint2() hint3() */ * from "testtable""#,
            json!([]),
            table("testtable").hint_comment("hint1()").hint_comment("hint2()").hint_comment("hint3()"),
        ),
        sql(
            "comments before the select, in order",
            r#"/* a */ /* b */ select * from "users" where "id" = ?"#,
            json!([1]),
            users().comment("a").comment("b").where_eq("id", 1),
        ),
        sql(
            "a comment after the with, before the select",
            r#"with "x" as (select 1) /* c */ select * from "users""#,
            json!([]),
            users().comment("c").with("x", raw("select 1")),
        ),
        sql(
            "a comment on a subquery stays in it",
            r#"select * from "users" where "id" in (/* sub */ select "id" from "x")"#,
            json!([]),
            users().where_in("id", table("x").comment("sub").column("id").clone()),
        ),
        sql(
            "a comment with first, union and a hint",
            r#"/* c */ select /*+ SeqScan(users) */ * from "users" union select * from "x" limit ?"#,
            json!([1]),
            users().comment("c").hint_comment("SeqScan(users)").union(table("x")).first(),
        ),
        sql(
            "#4199 allows hint comments in subqueries",
            r#"select /*+ hint1() */ "c1" as "c1", (select /*+ hint2() */ "c2" from "t2" limit ?) as "c2" from "t1""#,
            json!([1]),
            table("t1")
                .column("c1 as c1")
                .column_as(table("t2").column("c2").hint_comment("hint2()").limit(1).clone(), Some("c2"))
                .hint_comment("hint1()"),
        ),
        sql(
            "#4199 allows hint comments in unions",
            r#"select /*+ hint1() */ * from "t1" union all select /*+ hint2() */ * from "t2""#,
            json!([]),
            table("t1").hint_comment("hint1()").union_all(table("t2").hint_comment("hint2()").clone()),
        ),
        sql(
            "wrapped with clause multiple insert",
            r#"with "withClause" as (select "foo" from "users" where "name" = ?) insert into "users" ("email", "name") values (?, ?), (?, ?)"#,
            json!(["bob", "thisMail", "sam", "thatMail", "jack"]),
            Insert::into("users")
                .with("withClause", users().column("foo").where_eq("name", "bob").clone())
                .set("email", "thisMail")
                .set("name", "sam")
                .new_row()
                .set("email", "thatMail")
                .set("name", "jack"),
        ),
        sql_only(
            "wrapped withNotMaterialized clause update",
            r#"with "withClause" as not materialized (select "foo" from "users") update "users" set "foo" = ? where "email" = ?"#,
            Update::table("users")
                .with_not_materialized("withClause", users().column("foo").clone())
                .set("foo", "updatedFoo")
                .where_op("email", "=", "foo"),
        ),
        sql_only(
            "wrapped with clause delete",
            r#"with "withClause" as (select "email" from "users") delete from "users" where "foo" = ?"#,
            Delete::from("users").with("withClause", users().column("email").clone()).where_op(
                "foo",
                "=",
                "updatedFoo",
            ),
        ),
        sql_only(
            "raw with clause",
            r#"with "withRawClause" as (select "foo" as "baz" from "users") select * from "withRawClause""#,
            table("withRawClause").with("withRawClause", raw(r#"select "foo" as "baz" from "users""#)),
        ),
        sql_only(
            "nested and chained withRecursive clauses",
            r#"with recursive "firstWithClause" as (with recursive "firstWithSubClause" as (select "foo" from "users") select * from "firstWithSubClause"), "secondWithClause" as (with recursive "secondWithSubClause" as (select "bar" from "users") select * from "secondWithSubClause") select * from "secondWithClause""#,
            table("secondWithClause")
                .with_recursive(
                    "firstWithClause",
                    table("firstWithSubClause")
                        .with_recursive("firstWithSubClause", users().column("foo").clone())
                        .clone(),
                )
                .with_recursive(
                    "secondWithClause",
                    table("secondWithSubClause")
                        .with_recursive("secondWithSubClause", users().column("bar").clone())
                        .clone(),
                ),
        ),
        inline(
            "with update query passed as query builder",
            r#"with "update1" as (update "accounts" set "name" = 'foo') select * from "accounts""#,
            accounts().with("update1", Update::table("accounts").set("name", "foo").clone()),
        ),
        inline(
            "with places bindings in correct order",
            r#"with "updated_group" as (update "group" set "group_name" = 'bar' where "group_id" = 1 returning "group_id") update "user" set "name" = 'foo' where "group_id" = 1"#,
            Update::table("user")
                .with(
                    "updated_group",
                    Update::table("group")
                        .set("group_name", "bar")
                        .where_eq("group_id", 1)
                        .returning(["group_id"])
                        .clone(),
                )
                .set("name", "foo")
                .where_eq("group_id", 1),
        ),
        inline(
            "#1710, properly escapes arrays in where clauses",
            r#"select * from "sometable" where "array_field" && '{7}'"#,
            table("sometable").where_op("array_field", "&&", array([7])),
        ),
        inline(
            "#1710, properly escapes arrays of strings",
            r#"select * from "sometable" where "array_field" && '{"abc","def"}'"#,
            table("sometable").where_op("array_field", "&&", array(["abc", "def"])),
        ),
        inline(
            "can use .as() for alias",
            r#"select "one", "sometable"."two" as "Two" from "sometable""#,
            table("sometable").columns(["one", "sometable.two as Two"]),
        ),
        inline("can call knex.select(0)", "select 0", Select::new().column_raw(raw("0"))),
        sql_only(
            "join with subquery using .withSchema",
            r#"select "departments".*, "trainee_cnts"."count" as "trainee_cnt" from "foo"."departments" inner join (select "department_id", count(*) from "foo"."trainees" group by "department_id") as "trainee_cnts" on "trainee_cnts"."department_id" = "departments"."id""#,
            table("departments")
                .with_schema("foo")
                .join(
                    aliased(
                        table("trainees")
                            .with_schema("foo")
                            .group_by(["department_id"])
                            .column("department_id")
                            .column_raw(raw("count(*)"))
                            .clone(),
                        "trainee_cnts",
                    ),
                    "trainee_cnts.department_id",
                    "departments.id",
                )
                .columns(["departments.*", "trainee_cnts.count as trainee_cnt"]),
        ),
        sql_only(
            "should not prepend schema to a raw FROM clause",
            r#"select * from bar inner join "schema"."baz" on "foo"."id" = "bar"."foo_id""#,
            Select::from(raw("bar")).with_schema("schema").join("baz", "foo.id", "bar.foo_id"),
        ),
        sql_only(
            "should not prepend schema to a raw JOIN clause",
            r#"select * from "schema"."bar" inner join baz on "foo"."id" = "bar"."foo_id""#,
            table("bar").with_schema("schema").join(raw("baz"), "foo.id", "bar.foo_id"),
        ),
        sql(
            "should join with using explicit syntax",
            r#"delete from "users" using "photos" where "user"."email" = ? and "photos"."id" = "users"."id""#,
            json!(["mock@example.com"]),
            Delete::from("users")
                .using("photos")
                .where_eq("user.email", "mock@example.com")
                .where_raw(raw(r#""photos"."id" = "users"."id""#)),
        ),
        sql(
            "should joins with mixed joins and using explicit syntax",
            r#"delete from "users" using "photos","docs" where "photos"."id" = "users"."id" and "user"."email" = ? and "docs"."id" = "users"."id""#,
            json!(["mock@example.com"]),
            Delete::from("users")
                .using("photos")
                .join("docs", "docs.id", "users.id")
                .where_raw(raw(r#""photos"."id" = "users"."id""#))
                .where_eq("user.email", "mock@example.com"),
        ),
        sql(
            "should include joins without where clause when deleting #5015",
            r#"delete from "users" using "photos" where "photos"."id" = "users"."id""#,
            json!([]),
            Delete::from("users").join("photos", "photos.id", "users.id"),
        ),
        sql(
            "should include joins clauses with multiple joins when deleting #5015",
            r#"delete from "users" using "accounts" where "activated" = ? and "accounts"."id" = "users"."account_id" and "accounts"."user_id" = "users"."id""#,
            json!([false]),
            Delete::from("users").where_eq("activated", false).join_on(JoinKind::Inner, "accounts", |j| {
                j.on("accounts.id", "=", "users.account_id").and_on("accounts.user_id", "=", "users.id");
            }),
        ),
        sql(
            "binding order when deleting with a subquery join (#6277)",
            r#"delete from tableB using (select * from "tableA" where "fieldA" = ?) as "subQuery" where "tableA"."fieldB" = ? and "subQuery"."id" = "tableB"."relatedId""#,
            json!(["valueForFieldA", "valueForFieldB"]),
            Delete::from_raw(raw("tableB"))
                .join(
                    aliased(table("tableA").where_eq("fieldA", "valueForFieldA").clone(), "subQuery"),
                    "subQuery.id",
                    "tableB.relatedId",
                )
                .where_eq("tableA.fieldB", "valueForFieldB"),
        ),
        sql(
            "binding order when deleting with a CTE and raw join condition (#6277)",
            r#"with "source_cte" as (select * from "source" where "source"."flag" = ?) delete from tableB using (select * from "source_cte" where "fieldA" = ?) as "subQuery" where "tableB"."status" = ? and coalesce(subQuery.id, ?) = "tableB"."relatedId""#,
            json!(["cte_value", "using_source_value", "where_value", "join_clause_value"]),
            Delete::from_raw(raw("tableB"))
                .with("source_cte", table("source").where_eq("source.flag", "cte_value").clone())
                .join(
                    aliased(table("source_cte").where_eq("fieldA", "using_source_value").clone(), "subQuery"),
                    Raw::with("coalesce(subQuery.id, ?)", ["join_clause_value"]),
                    "tableB.relatedId",
                )
                .where_eq("tableB.status", "where_value"),
        ),
        sql(
            "delete with a join and returning",
            r#"delete from "test_table_two" using "accounts" where "accounts"."email" = ? and "accounts"."id" = "test_table_two"."account_id" returning *"#,
            json!(["test2@example.com"]),
            Delete::from("test_table_two")
                .join("accounts", "accounts.id", "test_table_two.account_id")
                .where_eq("accounts.email", "test2@example.com")
                .returning(["*"]),
        ),
        sql(
            "should extract json value with alias",
            r#"select jsonb_path_query("json_col", ?) as "name" from "users""#,
            json!(["$.name"]),
            users().column_as(json_extract("json_col", "$.name"), Some("name")),
        ),
        sql(
            "should set json value",
            r#"select jsonb_set("address", ?, ?) from "users""#,
            json!(["{street,numbers,2}", "5"]),
            users().column_as(json_set("address", "$.street.numbers[2]", "5"), None),
        ),
        sql(
            "should set json value with pg path syntax",
            r#"select jsonb_set("address", ?, ?) from "users""#,
            json!(["{street,numbers,2}", "5"]),
            users().column_as(json_set("address", "{street,numbers,2}", "5"), None),
        ),
        sql(
            "should set json value with nested function",
            r#"select jsonb_set(jsonb_path_query("cities", ?), ?, ?) from "users""#,
            json!(["$.mainStreet", "{street,numbers,1}", "{'test': 2}"]),
            users().column_as(
                json_set(json_extract("cities", "$.mainStreet"), "$.street.numbers[1]", "{'test': 2}"),
                None,
            ),
        ),
        sql(
            "should insert json",
            r#"select jsonb_insert("address", ?, ?) from "users""#,
            json!(["{mainStreet}", "5"]),
            users().column_as(json_insert("address", "$.mainStreet", "5"), None),
        ),
        sql(
            "should remove path in json",
            r#"select "address" #- ? from "users""#,
            json!(["{street,1}"]),
            users().column_as(json_remove("address", "$.street[1]"), None),
        ),
        sql(
            "should insert then extract",
            r#"select jsonb_path_query(jsonb_insert("population", ?, ?), ?) as "insertExtract" from "cities""#,
            json!(["{test}", "1234", "$.test"]),
            table("cities")
                .column_as(json_extract(json_insert("population", "$.test", "1234"), "$.test"), Some("insertExtract")),
        ),
        sql(
            "extract of a removed path",
            r#"select jsonb_path_query("population" #- ?, ?) as "maxPop" from "cities""#,
            json!(["{test}", "$.max"]),
            table("cities").column_as(json_extract(json_remove("population", "$.test"), "$.max"), Some("maxPop")),
        ),
        sql(
            "where equals json",
            r#"select * from "users" where "address" = ? or "address" != ?"#,
            json!([r#"{"street":"street1","number":5}"#, r#"{"street":"street2","number":7}"#]),
            users()
                .where_json_object("address", json!({ "street": "street1", "number": 5 }))
                .or_where_not_json_object("address", json!({ "street": "street2", "number": 7 })),
        ),
        sql(
            "where json column equals the value at a json path",
            r#"select * from "users" where jsonb_path_query_first("address", ?)::int > ? or jsonb_path_query_first("address", ?)::int < ?"#,
            json!(["$.street.number", 5, "$.street.number", 8]),
            users().where_json_path("address", "$.street.number", ">", 5).or_where_json_path(
                "address",
                "$.street.number",
                "<",
                8,
            ),
        ),
        sql(
            "where a json column is a superset of a value",
            r#"select * from "users" where "address" @> ? or "address" @> ?"#,
            json!([r#"{"test":"value"}"#, r#"{"test":"value2"}"#]),
            users()
                .where_json_superset_of("address", json!({ "test": "value" }))
                .or_where_json_superset_of("address", json!({ "test": "value2" })),
        ),
        sql(
            "where a json column is not a superset of a value",
            r#"select * from "users" where not "address" @> ? or not "address" @> ?"#,
            json!([r#"{"test":"value"}"#, r#"{"test":"value2"}"#]),
            users()
                .where_json_not_superset_of("address", json!({ "test": "value" }))
                .or_where_json_not_superset_of("address", json!({ "test": "value2" })),
        ),
        sql(
            "where a json column is a subset of a value",
            r#"select * from "users" where "address" <@ ? or "address" <@ ?"#,
            json!([r#"{"test":"value"}"#, r#"{"test":"value2"}"#]),
            users()
                .where_json_subset_of("address", json!({ "test": "value" }))
                .or_where_json_subset_of("address", json!({ "test": "value2" })),
        ),
        sql(
            "where a json column is not a subset of a value",
            r#"select * from "users" where not "address" <@ ? or not "address" <@ ?"#,
            json!([r#"{"test":"value"}"#, r#"{"test":"value2"}"#]),
            users()
                .where_json_not_subset_of("address", json!({ "test": "value" }))
                .or_where_json_not_subset_of("address", json!({ "test": "value2" })),
        ),
        sql(
            "distinct on",
            r#"select distinct on ("id") "email", "logins" from "accounts" order by "id" asc"#,
            json!([]),
            accounts().distinct_on(["id"]).columns(["email", "logins"]).order_by("id", Order::Asc),
        ),
        sql(
            "order by nulls first and last",
            r#"select "id" from "OrderByNullTest" order by "null_col" asc nulls last, "string_col" asc"#,
            json!([]),
            table("OrderByNullTest")
                .column("id")
                .order_by_nulls("null_col", Order::Asc, Nulls::Last)
                .order_by("string_col", Order::Asc),
        ),
        sql(
            "wrapped union all of grouped queries, ordered and limited",
            r#"(select "last_name" from "accounts" group by "last_name") union all (select "last_name" from "accounts" group by "last_name") order by "last_name" asc limit ?"#,
            json!([1]),
            {
                let grouped = accounts().column("last_name").group_by(["last_name"]).clone();
                union_all([grouped.clone(), grouped], true).order_by("last_name", Order::Asc).limit(1).clone()
            },
        ),
        sql(
            "left join with an or on",
            r#"select * from "accounts" left join "test_table_two" on "accounts"."id" = "test_table_two"."account_id" or "accounts"."email" = "test_table_two"."details" order by "accounts"."id" asc"#,
            json!([]),
            accounts()
                .join_on(JoinKind::Left, "test_table_two", |j| {
                    j.on("accounts.id", "=", "test_table_two.account_id").or_on(
                        "accounts.email",
                        "=",
                        "test_table_two.details",
                    );
                })
                .order_by("accounts.id", Order::Asc),
        ),
    ]
}

#[test]
fn knex_unit_expectations_beyond_the_fixture_render_as_knex_renders_them() {
    let cases = cases();
    let mut failures = Vec::new();
    for case in &cases {
        let result = if case.inline {
            case.query.inline().map(|ours| (ours, None))
        } else {
            case.query.build().map(|(ours, values)| (ours, Some(values)))
        };
        let (ours, values) = match result {
            Ok(built) => built,
            Err(e) => {
                failures.push(format!("{}: our builder refused: {e}", case.title));
                continue;
            }
        };
        if normalize_sql(case.knex, !case.inline) != normalize_sql(&ours, false) {
            failures.push(format!("{}: SQL differs\n  knex: {}\n  ours: {ours}", case.title, case.knex));
            continue;
        }
        if let (Some(expected), Some(values)) = (&case.bindings, values) {
            let ours = serde_json::Value::Array(values.0.iter().map(binding_json).collect());
            if *expected != ours {
                failures.push(format!("{}: bindings differ\n  knex: {expected}\n  ours: {ours}", case.title));
            }
        }
    }
    assert_every_case_passes("knex unit expectations", cases.len(), &failures);
}

#[test]
fn a_hint_comment_that_could_close_the_comment_is_refused() {
    let mut q = table("t");
    q.hint_comment("x */ drop table t; /*");
    let error = q.build(knexrs_query::PostgresQueryBuilder).unwrap_err().to_string();
    assert!(error.contains("hint comment"), "{error}");
}

#[test]
fn a_comment_that_could_close_the_comment_or_hold_a_placeholder_is_refused_as_knex_refuses_it() {
    for bad in ["x */ drop table t; /*", "/* nested", "id = ?"] {
        let mut q = table("t");
        q.comment(bad);
        let error = q.build(knexrs_query::PostgresQueryBuilder).unwrap_err();
        assert!(
            matches!(&error, knexrs_query::QueryError::Build(knexrs_query::BuildError::BadComment { comment }) if comment == bad),
            "{error}"
        );
        assert!(error.to_string().contains("a comment is plain text inside /* … */"), "{error}");
    }
}

#[test]
fn a_left_join_on_a_delete_is_refused_rather_than_turned_into_an_inner_join() {
    let mut q = Delete::from("users");
    q.join_on(JoinKind::Left, "photos", |j| {
        j.on("photos.id", "=", "users.id");
    });
    let error = q.build(knexrs_query::PostgresQueryBuilder).unwrap_err().to_string();
    assert!(error.contains("inner join"), "{error}");
}
