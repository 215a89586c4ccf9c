//! knex call forms that needed a workaround when porting knex code (issue 15,
//! item 9), each next to what knex 3.3.0 itself renders for it (captured by
//! running knex 3.3.0's `toSQL().toNative()` / `toString()` on PostgreSQL).

#![allow(clippy::unwrap_used, reason = "a test fails by panicking")]

use knexrs_query::{Order, PostgresQueryBuilder, Raw, Select, Value, table, union};
use knexrs_schema::{CreateTable, PostgresQueryBuilder as SchemaBuilder};

fn built(q: &Select) -> (String, Vec<Value>) {
    let (sql, values) = q.build(PostgresQueryBuilder).unwrap();
    (sql, values.0)
}

/// knex `knex.select(n)`.
fn one(n: i32) -> Select {
    let mut q = Select::new();
    q.column(n);
    q
}

#[test]
fn limit_and_offset_given_a_raw_fragment_bind_its_values_as_knex_does() {
    // knex.select('*').from('t').offset(knex.raw('?', [4])).limit(knex.raw('?', [10]))
    //   => select * from "t" limit $1 offset $2   [10, 4]
    let mut q = table("t");
    q.offset_raw(Raw::with("?", [4])).limit_raw(Raw::with("?", [10]));
    let (sql, values) = built(&q);
    assert_eq!(sql, r#"select * from "t" limit $1 offset $2"#);
    assert_eq!(values, [Value::Int(Some(10)), Value::Int(Some(4))]);
}

#[test]
fn a_table_less_select_combined_with_union_renders_what_knex_renders() {
    // knex.select(1).union(knex.select(2))                       => select 2
    let mut q = one(1);
    q.union(one(2));
    assert_eq!(built(&q).0, "select 2");
    // knex.select(1).union([knex.select(2), knex.select(3)])    => select 2 union select 3
    let mut q = one(1);
    q.union(one(2)).union(one(3));
    assert_eq!(built(&q).0, "select 2 union select 3");
    // knex.select(1).unionAll(knex.select(2), true)              => (select 2)
    let mut q = one(1);
    q.union_all_wrapped(one(2));
    assert_eq!(built(&q).0, "(select 2)");
    // knex.select('a').union(knex.select('b').from('t')).orderBy(1) => select "b" from "t" order by 1 asc
    let mut q = Select::new();
    q.column("a").union(table("t").column("b").clone()).order_by(1, Order::Asc);
    assert_eq!(built(&q).0, r#"select "b" from "t" order by 1 asc"#);
    // knex.union([knex.select(2), knex.select(3)])               => select 2 union select 3
    assert_eq!(built(&union([one(2), one(3)], false)).0, "select 2 union select 3");
    // With a table the outer select stays.
    let mut q = table("a");
    q.union(table("b"));
    assert_eq!(built(&q).0, r#"select * from "a" union select * from "b""#);
}

#[test]
fn order_by_takes_column_positions_without_raw() {
    // knex('users').orderBy(3)          => select * from "users" order by 3 asc
    let mut q = table("users");
    q.order_by(3, Order::Asc);
    assert_eq!(built(&q).0, r#"select * from "users" order by 3 asc"#);
    // knex('users').orderBy([2, 4])     => select * from "users" order by 2 asc, 4 asc
    let mut q = table("users");
    q.order_by_each([2, 4], Order::Asc);
    assert_eq!(built(&q).0, r#"select * from "users" order by 2 asc, 4 asc"#);
    // knex('users').orderBy(['a', 'b'], 'desc') isn't knex (it takes objects); names work the same way.
    let mut q = table("users");
    q.order_by_each(["a", "b"], Order::Desc);
    assert_eq!(built(&q).0, r#"select * from "users" order by "a" desc, "b" desc"#);
}

#[test]
fn select_takes_numbers_without_raw() {
    // knex.select(1)                    => select 1
    assert_eq!(built(&one(1)).0, "select 1");
    // knex.select(1, 'a')              => select 1, "a"
    let mut q = Select::new();
    q.column(1).column("a");
    assert_eq!(built(&q).0, r#"select 1, "a""#);
    // knex.select([1, 2]).from('t')    => select 1, 2 from "t"
    let mut q = table("t");
    q.columns([1, 2]);
    assert_eq!(built(&q).0, r#"select 1, 2 from "t""#);
    // Numbers are never bound: they are written as is.
    assert!(built(&q).1.is_empty());
}

#[test]
fn decimal_and_timestamps_have_knex_defaults_without_arguments() {
    // knex.schema.createTable('t', t => { t.decimal('a'); t.decimal('b', null); t.decimal('c', 10) })
    //   => create table "t" ("a" decimal(8, 2), "b" decimal, "c" decimal(10, 2))
    let mut t = CreateTable::new("t");
    t.decimal("a");
    t.decimal_unconstrained("b");
    t.decimal_with("c", 10, 2);
    assert_eq!(
        t.build(SchemaBuilder).unwrap(),
        [r#"CREATE TABLE "t" ( "a" decimal(8, 2), "b" decimal, "c" decimal(10, 2) )"#]
    );
    // knex: t.timestamps() / (false, false) / (true, false)
    //   => "created_at" timestamptz, "updated_at" timestamptz
    let nullable = r#"CREATE TABLE "t" ( "created_at" timestamptz, "updated_at" timestamptz )"#;
    for (use_timestamps, default_to_now, expected) in [
        (None, None, nullable),
        (Some(false), Some(false), nullable),
        (Some(true), Some(false), nullable),
        // knex: (false, true) and (true, true)
        //   => timestamptz not null default CURRENT_TIMESTAMP, twice
        (
            Some(false),
            Some(true),
            r#"CREATE TABLE "t" ( "created_at" timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP, "updated_at" timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP )"#,
        ),
        (
            Some(true),
            Some(true),
            r#"CREATE TABLE "t" ( "created_at" timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP, "updated_at" timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP )"#,
        ),
    ] {
        let mut t = CreateTable::new("t");
        match (use_timestamps, default_to_now) {
            (Some(a), Some(b)) => t.timestamps_with(a, b),
            _ => t.timestamps(),
        };
        assert_eq!(t.build(SchemaBuilder).unwrap(), [expected], "timestamps({use_timestamps:?}, {default_to_now:?})");
    }
    // knex: t.timestamps(true, true, true) => "createdAt" … "updatedAt" …
    let mut t = CreateTable::new("t");
    t.timestamps_camel_case(true, true);
    assert_eq!(
        t.build(SchemaBuilder).unwrap(),
        [
            r#"CREATE TABLE "t" ( "createdAt" timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP, "updatedAt" timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP )"#
        ]
    );
}

#[test]
fn one_name_is_taken_wherever_knex_takes_a_name_or_a_list() {
    use knexrs_query::{Delete, Insert, JoinKind, Update, Wheres};
    // knex('users').insert({ email }).onConflict('email').ignore().returning('id')
    let mut q = Insert::into("users");
    q.set("email", "a@example.com").on_conflict("email").ignore().returning("id");
    assert_eq!(
        q.build(PostgresQueryBuilder).unwrap().0,
        r#"insert into "users" ("email") values ($1) on conflict ("email") do nothing returning "id""#
    );
    // … .onConflict('email').merge(['email']).returning(['id', 'created_at'])
    let mut q = Insert::into("users");
    q.set("email", "a@example.com").on_conflict("email").merge_columns("email").returning(["id", "created_at"]);
    assert_eq!(
        q.build(PostgresQueryBuilder).unwrap().0,
        r#"insert into "users" ("email") values ($1) on conflict ("email") do update set "email" = excluded."email" returning "id", "created_at""#
    );
    // knex('sessions').select('owner_user_id').count('* as n').groupBy('owner_user_id')
    let mut q = table("sessions");
    q.column("owner_user_id").count_as("*", "n").group_by("owner_user_id");
    assert_eq!(built(&q).0, r#"select "owner_user_id", count(*) as "n" from "sessions" group by "owner_user_id""#);
    // knex('sessions').distinctOn('owner_user_id').select('owner_user_id')
    let mut q = table("sessions");
    q.distinct_on("owner_user_id").column("owner_user_id");
    assert_eq!(built(&q).0, r#"select distinct on ("owner_user_id") "owner_user_id" from "sessions""#);
    // knex('users').update({ email: 'b' }).where({ id: 1 }).returning('id')
    let mut q = Update::table("users");
    q.set("email", "b").where_eq("id", 1).returning("id");
    assert_eq!(
        q.build(PostgresQueryBuilder).unwrap().0,
        r#"update "users" set "email" = $1 where "id" = $2 returning "id""#
    );
    // knex('users').where({ id: 1 }).del().returning('id')
    let mut q = Delete::from("users");
    q.where_eq("id", 1).returning("id");
    assert_eq!(q.build(PostgresQueryBuilder).unwrap().0, r#"delete from "users" where "id" = $1 returning "id""#);
    // knex('users').join('accounts', (j) => j.using('user_id'))
    let mut q = table("users");
    q.join_on(JoinKind::Inner, "accounts", |j| {
        j.using("user_id");
    });
    assert_eq!(built(&q).0, r#"select * from "users" inner join "accounts" using ("user_id")"#);
    // knex('jobs').forUpdate('jobs')
    let mut q = table("jobs");
    q.for_update().lock_of("jobs");
    assert_eq!(built(&q).0, r#"select * from "jobs" for update of "jobs""#);
}

#[test]
#[allow(clippy::needless_borrows_for_generic_args, reason = "a borrowed array is one of the forms under test")]
fn a_list_of_names_may_be_an_array_a_vec_or_a_slice_of_either_kind_of_string() {
    use knexrs_query::Insert;
    let owned: Vec<String> = vec!["id".into(), "email".into()];
    let expected = r#"insert into "users" ("email") values ($1) returning "id", "email""#;
    let mut rendered = Vec::new();
    for returning in 0..5 {
        let mut q = Insert::into("users");
        q.set("email", "a@example.com");
        match returning {
            0 => q.returning(["id", "email"]),
            1 => q.returning(&["id", "email"]),
            2 => q.returning(&owned),
            3 => q.returning(owned.as_slice()),
            _ => q.returning(owned.clone()),
        };
        rendered.push(q.build(PostgresQueryBuilder).unwrap().0);
    }
    assert!(rendered.iter().all(|sql| sql == expected), "{rendered:#?}");
}

#[test]
fn rows_of_plain_values_insert_as_knex_inserts_an_array_of_objects() {
    use knexrs_query::Insert;
    // knex('users').insert([{ name: 'b', email: 'a' }, { name: 'd', email: 'c' }])
    let mut q = Insert::into("users");
    q.row([("name", "b"), ("email", "a")]).row([("name", "d"), ("email", "c")]);
    let (sql, values) = q.build(PostgresQueryBuilder).unwrap();
    assert_eq!(sql, r#"insert into "users" ("email", "name") values ($1, $2), ($3, $4)"#);
    assert_eq!(values.0, ["a", "b", "c", "d"].map(Value::from));
}
