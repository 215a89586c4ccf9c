//! The contracts of the peer harness: the DSL renders the DDL knex renders for
//! the W1 migrations, and the W4 queries render knex's SQL.

#![allow(clippy::unwrap_used, reason = "a test fails by panicking")]

use knexrs_bench::manifest::{self, Manifest};
use knexrs_schema::{PostgresQueryBuilder, SchemaBuilder};
use std::path::Path;

/// The SQL knex rendered, which `Manifest` itself does not read.
#[derive(serde::Deserialize)]
struct Rendered {
    migrations: Vec<RenderedMigration>,
}

#[derive(serde::Deserialize)]
struct RenderedMigration {
    up: Vec<String>,
    down: Vec<String>,
}

#[test]
fn the_dsl_renders_the_manifests_up_and_down_sql() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let manifest = Manifest::read(&dir).unwrap();
    let rendered: Rendered =
        serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest.migrations.len(), 3);
    for (migration, knex) in manifest.migrations.iter().zip(&rendered.migrations) {
        let mut up = SchemaBuilder::new();
        manifest::up(&mut up, &migration.table);
        let mut down = SchemaBuilder::new();
        manifest::down(&mut down, &migration.table);
        let normalize = |sql: &[String]| {
            sql.iter()
                .map(|s| s.to_lowercase().replace(['(', ')'], " "))
                .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
                .collect::<Vec<_>>()
        };
        assert_eq!(normalize(&up.build(PostgresQueryBuilder).unwrap()), normalize(&knex.up), "{}", migration.name);
        assert_eq!(normalize(&down.build(PostgresQueryBuilder).unwrap()), normalize(&knex.down), "{}", migration.name);
    }
    let migrator = manifest.migrator().unwrap();
    assert_eq!(migrator.migrations()[0].file_name(), "00001_create_t_1.js", "knex's names are recorded");
}

#[test]
fn the_w4_queries_render_knexs_sql() {
    let expected = [
        ("first", r#"select * from "sessions" where "session_id" = $1 limit $2"#),
        (
            "insert",
            r#"insert into "sessions" ("expires_at", "job_name", "owner_user_id", "session_id") values ($1, $2, $3, $4)"#,
        ),
        ("update", r#"update "sessions" set "pod_ip" = $1 where "session_id" = $2"#),
        (
            "join3",
            r#"select "s"."session_id", "u"."email", "j"."status", "t"."jti" from "sessions" as "s" inner join "users" as "u" on "u"."id" = "s"."owner_user_id" inner join "jobs" as "j" on "j"."name" = "s"."job_name" left join "token_jti" as "t" on "t"."session_id" = "s"."session_id" where "s"."owner_user_id" in ($1, $2, $3) order by "s"."created_at" desc limit $4"#,
        ),
    ];
    for ((name, build), (expected_name, sql)) in knexrs_bench::w4::QUERIES.iter().zip(expected) {
        assert_eq!(*name, expected_name);
        assert_eq!(build().0, sql, "{name}");
    }
}
