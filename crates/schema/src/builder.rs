//! `SchemaBuilder`: knex's `knex.schema`, a list of schema statements.

use crate::statement::{
    AlterEnumType, AlterView, CreateExtension, CreateSchema, CreateView, DropExtension, DropSchema, DropTable,
    DropType, DropView, HasColumn, HasTable, RawSql, RefreshMaterializedView, RenameTable, RenameView, SchemaStatement,
};
use crate::{AlterTable, CreateTable, SchemaError, ServerVersion};
use postgres::GenericClient;
use sea_query::PostgresQueryBuilder;

/// A list of schema statements, built like knex's `knex.schema` chain.
///
/// Nothing runs while it is built: [`build`](Self::build) renders the SQL (for
/// `--dry-run`, tests, review), [`execute`](Self::execute) runs it.
///
/// ```
/// use knexrs_schema::{raw, now, SchemaBuilder, PostgresQueryBuilder};
///
/// let mut schema = SchemaBuilder::new();
/// schema.raw(r#"CREATE EXTENSION IF NOT EXISTS "uuid-ossp""#);
/// schema.create_table("token_jti", |t| {
///     t.text("jti").primary();
///     t.text("session_id").not_nullable();
///     t.timestamp("expires_at").not_nullable();
///     t.index("expires_at").name("idx_jti_expires");
/// });
/// let sql = schema.build(PostgresQueryBuilder).unwrap();
/// assert_eq!(sql[1], concat!(
///     r#"CREATE TABLE "token_jti" ( "jti" text, "session_id" text NOT NULL, "expires_at" timestamptz NOT NULL, "#,
///     r#"CONSTRAINT "token_jti_pkey" PRIMARY KEY ("jti") )"#,
/// ));
/// assert_eq!(sql[2], r#"CREATE INDEX "idx_jti_expires" ON "token_jti" ("expires_at")"#);
/// ```
#[derive(Debug, Clone, Default)]
pub struct SchemaBuilder {
    schema: Option<String>,
    statements: Vec<SchemaStatement>,
}

impl SchemaBuilder {
    /// An empty list.
    ///
    /// ```
    /// use knexrs_schema::SchemaBuilder;
    ///
    /// let schema = SchemaBuilder::new();
    /// assert!(schema.statements().is_empty());
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Puts the tables, views and types of the calls that follow in `schema`
    /// (knex `withSchema`).
    ///
    /// ```
    /// use knexrs_schema::{SchemaBuilder, PostgresQueryBuilder};
    ///
    /// let mut schema = SchemaBuilder::new();
    /// schema.with_schema("audit").drop_table("events");
    /// assert_eq!(schema.build(PostgresQueryBuilder)?, [r#"DROP TABLE "audit"."events""#]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn with_schema(&mut self, schema: impl Into<String>) -> &mut Self {
        self.schema = Some(schema.into());
        self
    }

    /// Adds any statement.
    ///
    /// ```
    /// use knexrs_schema::{DropTable, SchemaBuilder, PostgresQueryBuilder};
    ///
    /// let mut drop = DropTable::new("sessions");
    /// drop.if_exists().cascade();
    /// let mut schema = SchemaBuilder::new();
    /// schema.push(drop);
    /// assert_eq!(schema.build(PostgresQueryBuilder)?, [r#"DROP TABLE IF EXISTS "sessions" CASCADE"#]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn push(&mut self, statement: impl Into<SchemaStatement>) -> &mut Self {
        self.statements.push(statement.into());
        self
    }

    fn table<K: crate::TableKind>(&self, name: impl Into<String>) -> crate::TableBuilder<K> {
        let mut table = crate::TableBuilder::new(name);
        if let Some(schema) = &self.schema {
            table.with_schema(schema.clone());
        }
        table
    }

    /// `create table`, columns and constraints set by `define` (knex `createTable`).
    ///
    /// ```
    /// use knexrs_schema::{SchemaBuilder, PostgresQueryBuilder};
    ///
    /// let mut schema = SchemaBuilder::new();
    /// schema.create_table("token_jti", |t| {
    ///     t.text("jti").primary();
    ///     t.timestamp("expires_at").not_nullable();
    /// });
    /// assert_eq!(schema.build(PostgresQueryBuilder)?, [
    ///     r#"CREATE TABLE "token_jti" ( "jti" text, "expires_at" timestamptz NOT NULL, CONSTRAINT "token_jti_pkey" PRIMARY KEY ("jti") )"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn create_table(&mut self, name: impl Into<String>, define: impl FnOnce(&mut CreateTable)) -> &mut Self {
        let mut table = self.table(name);
        define(&mut table);
        self.push(table)
    }

    /// `create table if not exists` (knex `createTableIfNotExists`).
    ///
    /// ```
    /// use knexrs_schema::{SchemaBuilder, PostgresQueryBuilder};
    ///
    /// let mut schema = SchemaBuilder::new();
    /// schema.create_table_if_not_exists("settings", |t| {
    ///     t.string("key").primary();
    ///     t.jsonb("value");
    /// });
    /// assert_eq!(schema.build(PostgresQueryBuilder)?, [
    ///     r#"CREATE TABLE IF NOT EXISTS "settings" ( "key" varchar(255), "value" jsonb, CONSTRAINT "settings_pkey" PRIMARY KEY ("key") )"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn create_table_if_not_exists(
        &mut self,
        name: impl Into<String>,
        define: impl FnOnce(&mut CreateTable),
    ) -> &mut Self {
        let mut table: CreateTable = self.table(name);
        table.if_not_exists();
        define(&mut table);
        self.push(table)
    }

    /// A table with another table's columns, constraints and indexes, plus the
    /// columns `define` adds (knex `createTableLike`).
    ///
    /// ```
    /// use knexrs_schema::{SchemaBuilder, PostgresQueryBuilder};
    ///
    /// let mut schema = SchemaBuilder::new();
    /// schema.create_table_like("sessions_archive", "sessions", |t| {
    ///     t.timestamp("archived_at");
    /// });
    /// assert_eq!(schema.build(PostgresQueryBuilder)?, [
    ///     r#"create table "sessions_archive" (like "sessions" including all, "archived_at" timestamptz)"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn create_table_like(
        &mut self,
        name: impl Into<String>,
        like: impl Into<String>,
        define: impl FnOnce(&mut CreateTable),
    ) -> &mut Self {
        let mut table: CreateTable = self.table(name);
        table.like(like);
        define(&mut table);
        self.push(table)
    }

    /// `alter table`, changes set by `define` (knex `table` / `alterTable`).
    ///
    /// ```
    /// use knexrs_schema::{SchemaBuilder, PostgresQueryBuilder};
    ///
    /// let mut schema = SchemaBuilder::new();
    /// schema.alter_table("sessions", |t| {
    ///     t.text("pod_ip").nullable();
    ///     t.index("pod_ip");
    /// });
    /// assert_eq!(schema.build(PostgresQueryBuilder)?, [
    ///     r#"ALTER TABLE "sessions" ADD COLUMN "pod_ip" text NULL"#,
    ///     r#"CREATE INDEX "sessions_pod_ip_index" ON "sessions" ("pod_ip")"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn alter_table(&mut self, name: impl Into<String>, define: impl FnOnce(&mut AlterTable)) -> &mut Self {
        let mut table = self.table(name);
        define(&mut table);
        self.push(table)
    }

    fn with_table_schema<T>(&self, mut statement: T, set: impl FnOnce(&mut T, String)) -> T {
        if let Some(schema) = &self.schema {
            set(&mut statement, schema.clone());
        }
        statement
    }

    /// `drop table` (knex `dropTable`).
    ///
    /// ```
    /// use knexrs_schema::{SchemaBuilder, PostgresQueryBuilder};
    ///
    /// let mut schema = SchemaBuilder::new();
    /// schema.drop_table("sessions");
    /// assert_eq!(schema.build(PostgresQueryBuilder)?, [r#"DROP TABLE "sessions""#]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn drop_table(&mut self, name: impl Into<String>) -> &mut Self {
        let drop = self.with_table_schema(DropTable::new(name), |d, s| {
            d.with_schema(s);
        });
        self.push(drop)
    }

    /// `drop table if exists` (knex `dropTableIfExists`).
    ///
    /// ```
    /// use knexrs_schema::{SchemaBuilder, PostgresQueryBuilder};
    ///
    /// let mut schema = SchemaBuilder::new();
    /// schema.drop_table_if_exists("token_jti");
    /// assert_eq!(schema.build(PostgresQueryBuilder)?, [r#"DROP TABLE IF EXISTS "token_jti""#]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn drop_table_if_exists(&mut self, name: impl Into<String>) -> &mut Self {
        let mut drop = self.with_table_schema(DropTable::new(name), |d, s| {
            d.with_schema(s);
        });
        drop.if_exists();
        self.push(drop)
    }

    /// `alter table … rename to …` (knex `renameTable`).
    ///
    /// ```
    /// use knexrs_schema::{SchemaBuilder, PostgresQueryBuilder};
    ///
    /// let mut schema = SchemaBuilder::new();
    /// schema.rename_table("sessions", "user_sessions");
    /// assert_eq!(schema.build(PostgresQueryBuilder)?, [
    ///     r#"ALTER TABLE "sessions" RENAME TO "user_sessions""#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn rename_table(&mut self, from: impl Into<String>, to: impl Into<String>) -> &mut Self {
        let rename = self.with_table_schema(RenameTable::new(from, to), |r, s| {
            r.with_schema(s);
        });
        self.push(rename)
    }

    /// `create schema` (knex `createSchema`).
    ///
    /// ```
    /// use knexrs_schema::{SchemaBuilder, PostgresQueryBuilder};
    ///
    /// let mut schema = SchemaBuilder::new();
    /// schema.create_schema("audit");
    /// assert_eq!(schema.build(PostgresQueryBuilder)?, [r#"create schema "audit""#]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn create_schema(&mut self, name: impl Into<String>) -> &mut Self {
        self.push(CreateSchema::new(name))
    }

    /// `create schema if not exists` (knex `createSchemaIfNotExists`).
    ///
    /// ```
    /// use knexrs_schema::{SchemaBuilder, PostgresQueryBuilder};
    ///
    /// let mut schema = SchemaBuilder::new();
    /// schema.create_schema_if_not_exists("audit");
    /// assert_eq!(schema.build(PostgresQueryBuilder)?, [r#"create schema if not exists "audit""#]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn create_schema_if_not_exists(&mut self, name: impl Into<String>) -> &mut Self {
        let mut create = CreateSchema::new(name);
        create.if_not_exists();
        self.push(create)
    }

    /// `drop schema [cascade]` (knex `dropSchema`).
    ///
    /// ```
    /// use knexrs_schema::{SchemaBuilder, PostgresQueryBuilder};
    ///
    /// let mut schema = SchemaBuilder::new();
    /// schema.drop_schema("audit", true);
    /// assert_eq!(schema.build(PostgresQueryBuilder)?, [r#"drop schema "audit" cascade"#]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn drop_schema(&mut self, name: impl Into<String>, cascade: bool) -> &mut Self {
        let mut drop = DropSchema::new(name);
        if cascade {
            drop.cascade();
        }
        self.push(drop)
    }

    /// `drop schema if exists [cascade]` (knex `dropSchemaIfExists`).
    ///
    /// ```
    /// use knexrs_schema::{SchemaBuilder, PostgresQueryBuilder};
    ///
    /// let mut schema = SchemaBuilder::new();
    /// schema.drop_schema_if_exists("audit", false);
    /// assert_eq!(schema.build(PostgresQueryBuilder)?, [r#"drop schema if exists "audit""#]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn drop_schema_if_exists(&mut self, name: impl Into<String>, cascade: bool) -> &mut Self {
        let mut drop = DropSchema::new(name);
        drop.if_exists();
        if cascade {
            drop.cascade();
        }
        self.push(drop)
    }

    /// `create extension` (knex `createExtension`).
    ///
    /// ```
    /// use knexrs_schema::{SchemaBuilder, PostgresQueryBuilder};
    ///
    /// let mut schema = SchemaBuilder::new();
    /// schema.create_extension("pgcrypto");
    /// assert_eq!(schema.build(PostgresQueryBuilder)?, [r#"CREATE EXTENSION "pgcrypto""#]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn create_extension(&mut self, name: impl Into<String>) -> &mut Self {
        self.push(CreateExtension::new(name))
    }

    /// `create extension if not exists` (knex `createExtensionIfNotExists`).
    ///
    /// ```
    /// use knexrs_schema::{SchemaBuilder, PostgresQueryBuilder};
    ///
    /// let mut schema = SchemaBuilder::new();
    /// schema.create_extension_if_not_exists("uuid-ossp");
    /// assert_eq!(schema.build(PostgresQueryBuilder)?, [r#"CREATE EXTENSION IF NOT EXISTS "uuid-ossp""#]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn create_extension_if_not_exists(&mut self, name: impl Into<String>) -> &mut Self {
        let mut create = CreateExtension::new(name);
        create.if_not_exists();
        self.push(create)
    }

    /// `drop extension` (knex `dropExtension`).
    ///
    /// ```
    /// use knexrs_schema::{SchemaBuilder, PostgresQueryBuilder};
    ///
    /// let mut schema = SchemaBuilder::new();
    /// schema.drop_extension("pgcrypto");
    /// assert_eq!(schema.build(PostgresQueryBuilder)?, [r#"DROP EXTENSION "pgcrypto""#]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn drop_extension(&mut self, name: impl Into<String>) -> &mut Self {
        self.push(DropExtension::new(name))
    }

    /// `drop extension if exists` (knex `dropExtensionIfExists`).
    ///
    /// ```
    /// use knexrs_schema::{SchemaBuilder, PostgresQueryBuilder};
    ///
    /// let mut schema = SchemaBuilder::new();
    /// schema.drop_extension_if_exists("uuid-ossp");
    /// assert_eq!(schema.build(PostgresQueryBuilder)?, [r#"DROP EXTENSION IF EXISTS "uuid-ossp""#]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn drop_extension_if_exists(&mut self, name: impl Into<String>) -> &mut Self {
        let mut drop = DropExtension::new(name);
        drop.if_exists();
        self.push(drop)
    }

    /// `alter type … add value` on a native enum (configure placement on the
    /// returned statement via [`push`](Self::push) for more control).
    ///
    /// ```
    /// use knexrs_schema::{SchemaBuilder, PostgresQueryBuilder};
    ///
    /// let mut schema = SchemaBuilder::new();
    /// schema.add_enum_value("session_status", "paused");
    /// assert_eq!(schema.build(PostgresQueryBuilder)?, [
    ///     r#"ALTER TYPE "session_status" ADD VALUE 'paused'"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn add_enum_value(&mut self, type_name: impl Into<String>, value: impl Into<String>) -> &mut Self {
        let alter = self.with_table_schema(AlterEnumType::add_value(type_name, value), |a, s| {
            a.with_schema(s);
        });
        self.push(alter)
    }

    /// `drop type if exists`, for native enum types.
    ///
    /// ```
    /// use knexrs_schema::{SchemaBuilder, PostgresQueryBuilder};
    ///
    /// let mut schema = SchemaBuilder::new();
    /// schema.drop_type_if_exists("session_status");
    /// assert_eq!(schema.build(PostgresQueryBuilder)?, [r#"DROP TYPE IF EXISTS "session_status""#]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn drop_type_if_exists(&mut self, name: impl Into<String>) -> &mut Self {
        let mut drop = self.with_table_schema(DropType::new(name), |d, s| {
            d.with_schema(s);
        });
        drop.if_exists();
        self.push(drop)
    }

    /// `create view`, set by `define` (knex `createView`).
    ///
    /// ```
    /// use knexrs_schema::{SchemaBuilder, PostgresQueryBuilder};
    ///
    /// let mut schema = SchemaBuilder::new();
    /// schema.create_view("live_sessions", |v| {
    ///     v.as_raw("select * from sessions where expires_at > now()");
    /// });
    /// assert_eq!(schema.build(PostgresQueryBuilder)?, [
    ///     r#"create view "live_sessions" as select * from sessions where expires_at > now()"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn create_view(&mut self, name: impl Into<String>, define: impl FnOnce(&mut CreateView)) -> &mut Self {
        let mut view = self.with_table_schema(CreateView::new(name), |v, s| {
            v.with_schema(s);
        });
        define(&mut view);
        self.push(view)
    }

    /// `create or replace view` (knex `createViewOrReplace`).
    ///
    /// ```
    /// use knexrs_schema::{SchemaBuilder, PostgresQueryBuilder};
    ///
    /// let mut schema = SchemaBuilder::new();
    /// schema.create_view_or_replace("live_sessions", |v| {
    ///     v.columns(["session_id"]).as_raw("select session_id from sessions");
    /// });
    /// assert_eq!(schema.build(PostgresQueryBuilder)?, [
    ///     r#"create or replace view "live_sessions" ("session_id") as select session_id from sessions"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn create_view_or_replace(
        &mut self,
        name: impl Into<String>,
        define: impl FnOnce(&mut CreateView),
    ) -> &mut Self {
        self.create_view(name, |v| {
            v.or_replace();
            define(v);
        })
    }

    /// `create materialized view` (knex `createMaterializedView`).
    ///
    /// ```
    /// use knexrs_schema::{SchemaBuilder, PostgresQueryBuilder};
    ///
    /// let mut schema = SchemaBuilder::new();
    /// schema.create_materialized_view("sessions_per_owner", |v| {
    ///     v.as_raw("select owner_user_id, count(*) from sessions group by owner_user_id");
    /// });
    /// assert_eq!(schema.build(PostgresQueryBuilder)?, [
    ///     r#"create materialized view "sessions_per_owner" as select owner_user_id, count(*) from sessions group by owner_user_id"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn create_materialized_view(
        &mut self,
        name: impl Into<String>,
        define: impl FnOnce(&mut CreateView),
    ) -> &mut Self {
        self.create_view(name, |v| {
            v.materialized();
            define(v);
        })
    }

    /// `refresh materialized view [concurrently]` (knex `refreshMaterializedView`).
    ///
    /// ```
    /// use knexrs_schema::{SchemaBuilder, PostgresQueryBuilder};
    ///
    /// let mut schema = SchemaBuilder::new();
    /// schema.refresh_materialized_view("sessions_per_owner", true);
    /// assert_eq!(schema.build(PostgresQueryBuilder)?, [
    ///     r#"refresh materialized view concurrently "sessions_per_owner""#,
    /// ]);
    /// assert!(schema.needs_no_transaction());
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn refresh_materialized_view(&mut self, name: impl Into<String>, concurrently: bool) -> &mut Self {
        let mut refresh = self.with_table_schema(RefreshMaterializedView::new(name), |r, s| {
            r.with_schema(s);
        });
        if concurrently {
            refresh.concurrently();
        }
        self.push(refresh)
    }

    /// `drop view` (knex `dropView`).
    ///
    /// ```
    /// use knexrs_schema::{SchemaBuilder, PostgresQueryBuilder};
    ///
    /// let mut schema = SchemaBuilder::new();
    /// schema.drop_view("live_sessions");
    /// assert_eq!(schema.build(PostgresQueryBuilder)?, [r#"drop view "live_sessions""#]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn drop_view(&mut self, name: impl Into<String>) -> &mut Self {
        let drop = self.with_table_schema(DropView::new(name), |d, s| {
            d.with_schema(s);
        });
        self.push(drop)
    }

    /// `drop view if exists` (knex `dropViewIfExists`).
    ///
    /// ```
    /// use knexrs_schema::{SchemaBuilder, PostgresQueryBuilder};
    ///
    /// let mut schema = SchemaBuilder::new();
    /// schema.drop_view_if_exists("live_sessions");
    /// assert_eq!(schema.build(PostgresQueryBuilder)?, [r#"drop view if exists "live_sessions""#]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn drop_view_if_exists(&mut self, name: impl Into<String>) -> &mut Self {
        let mut drop = self.with_table_schema(DropView::new(name), |d, s| {
            d.with_schema(s);
        });
        drop.if_exists();
        self.push(drop)
    }

    /// `drop materialized view` (knex `dropMaterializedView`).
    ///
    /// ```
    /// use knexrs_schema::{SchemaBuilder, PostgresQueryBuilder};
    ///
    /// let mut schema = SchemaBuilder::new();
    /// schema.drop_materialized_view("sessions_per_owner");
    /// assert_eq!(schema.build(PostgresQueryBuilder)?, [r#"drop materialized view "sessions_per_owner""#]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn drop_materialized_view(&mut self, name: impl Into<String>) -> &mut Self {
        let mut drop = self.with_table_schema(DropView::new(name), |d, s| {
            d.with_schema(s);
        });
        drop.materialized();
        self.push(drop)
    }

    /// `drop materialized view if exists` (knex `dropMaterializedViewIfExists`).
    ///
    /// ```
    /// use knexrs_schema::{SchemaBuilder, PostgresQueryBuilder};
    ///
    /// let mut schema = SchemaBuilder::new();
    /// schema.drop_materialized_view_if_exists("sessions_per_owner");
    /// assert_eq!(schema.build(PostgresQueryBuilder)?, [
    ///     r#"drop materialized view if exists "sessions_per_owner""#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn drop_materialized_view_if_exists(&mut self, name: impl Into<String>) -> &mut Self {
        let mut drop = self.with_table_schema(DropView::new(name), |d, s| {
            d.with_schema(s);
        });
        drop.materialized().if_exists();
        self.push(drop)
    }

    /// `alter view`: column renames and defaults, set by `define` (knex `schema.view`).
    ///
    /// ```
    /// use knexrs_schema::{SchemaBuilder, PostgresQueryBuilder};
    ///
    /// let mut schema = SchemaBuilder::new();
    /// schema.alter_view("live_sessions", |v| {
    ///     v.rename_column("session_id", "id").drop_default("id");
    /// });
    /// assert_eq!(schema.build(PostgresQueryBuilder)?, [
    ///     r#"alter view "live_sessions" rename column "session_id" to "id""#,
    ///     r#"alter view "live_sessions" alter column "id" drop default"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn alter_view(&mut self, name: impl Into<String>, define: impl FnOnce(&mut AlterView)) -> &mut Self {
        let mut alter = self.with_table_schema(AlterView::new(name), |a, s| {
            a.with_schema(s);
        });
        define(&mut alter);
        self.push(alter)
    }

    /// `alter view … rename to …` (knex `renameView`).
    ///
    /// ```
    /// use knexrs_schema::{SchemaBuilder, PostgresQueryBuilder};
    ///
    /// let mut schema = SchemaBuilder::new();
    /// schema.rename_view("live_sessions", "active_sessions");
    /// assert_eq!(schema.build(PostgresQueryBuilder)?, [
    ///     r#"alter view "live_sessions" rename to "active_sessions""#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn rename_view(&mut self, from: impl Into<String>, to: impl Into<String>) -> &mut Self {
        let rename = self.with_table_schema(RenameView::new(from, to), |r, s| {
            r.with_schema(s);
        });
        self.push(rename)
    }

    /// SQL written as given (knex `schema.raw`).
    ///
    /// ```
    /// use knexrs_schema::{SchemaBuilder, PostgresQueryBuilder};
    ///
    /// let mut schema = SchemaBuilder::new();
    /// schema.raw("CREATE EXTENSION IF NOT EXISTS pg_trgm");
    /// assert_eq!(schema.build(PostgresQueryBuilder)?, ["CREATE EXTENSION IF NOT EXISTS pg_trgm"]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn raw(&mut self, sql: impl Into<String>) -> &mut Self {
        self.push(RawSql::new(sql))
    }

    /// A data statement built with the query builder (an `update` that
    /// backfills a column, an `insert … select`, a `delete`), run in order
    /// with the DDL, in the same transaction; a dry run prints it with its
    /// values inline (knex: `await knex('users').update(…)` inside `up`).
    ///
    /// ```
    /// use knexrs_query::{Update, raw};
    /// use knexrs_schema::{SchemaBuilder, PostgresQueryBuilder};
    ///
    /// let mut schema = SchemaBuilder::new();
    /// schema.alter_table("users", |t| {
    ///     t.string("display_name");
    /// });
    /// let mut backfill = Update::table("users");
    /// backfill.set("display_name", raw("first_name || ' ' || last_name"));
    /// schema.query(&backfill);
    /// schema.alter_table("users", |t| {
    ///     t.drop_nullable("display_name");
    /// });
    /// let sql = schema.build(PostgresQueryBuilder)?;
    /// assert_eq!(sql[1], r#"update "users" set "display_name" = first_name || ' ' || last_name"#);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn query(&mut self, statement: &impl knexrs_sql::InlineSql) -> &mut Self {
        self.push(crate::DataSql::new(statement))
    }

    /// The statements, in order.
    ///
    /// ```
    /// use knexrs_schema::{SchemaBuilder, SchemaStatement};
    ///
    /// let mut schema = SchemaBuilder::new();
    /// schema.drop_table("a").drop_view("b");
    /// assert!(matches!(schema.statements(), [SchemaStatement::DropTable(_), SchemaStatement::DropView(_)]));
    /// ```
    pub fn statements(&self) -> &[SchemaStatement] {
        &self.statements
    }

    /// Whether any statement must run outside a transaction.
    ///
    /// ```
    /// use knexrs_schema::SchemaBuilder;
    ///
    /// let mut schema = SchemaBuilder::new();
    /// schema.alter_table("sessions", |t| {
    ///     t.index("owner_user_id").concurrently();
    /// });
    /// assert!(schema.needs_no_transaction());
    /// ```
    pub fn needs_no_transaction(&self) -> bool {
        self.statements.iter().any(SchemaStatement::needs_no_transaction)
    }

    /// Refuses what `server` lacks, before anything is sent: a feature of a
    /// newer major version (`nulls_not_distinct` before 15,
    /// `generated_virtual` before 18), or a concurrent index build on 14.0
    /// to 14.3, whose concurrent builds could corrupt indexes.
    ///
    /// ```
    /// use knexrs_schema::{SchemaBuilder, SchemaError, ServerVersion};
    ///
    /// let mut schema = SchemaBuilder::new();
    /// schema.alter_table("users", |t| {
    ///     t.unique("external_id").nulls_not_distinct();
    /// });
    /// assert!(schema.check_server(ServerVersion::from_num(150004)).is_ok());
    /// let refused = schema.check_server(ServerVersion::from_num(130016));
    /// assert!(matches!(refused, Err(SchemaError::NeedsVersion { needs: 15, .. })));
    ///
    /// let mut index = SchemaBuilder::new();
    /// index.alter_table("users", |t| {
    ///     t.index("email").concurrently();
    /// });
    /// assert!(matches!(index.check_server(ServerVersion::from_num(140003)), Err(SchemaError::UnsafeOnVersion { .. })));
    /// assert!(index.check_server(ServerVersion::from_num(140004)).is_ok());
    /// ```
    pub fn check_server(&self, server: ServerVersion) -> Result<(), SchemaError> {
        crate::version::check(&self.statements, server)
    }

    /// Renders every statement, in order; the first error stops it.
    ///
    /// ```
    /// use knexrs_schema::{SchemaBuilder, PostgresQueryBuilder, SchemaError};
    ///
    /// let mut schema = SchemaBuilder::new();
    /// schema.create_table("empty", |_| {});
    /// let err = schema.build(PostgresQueryBuilder).unwrap_err();
    /// assert!(matches!(err, SchemaError::EmptyTable { .. }));
    /// ```
    pub fn build(&self, _: PostgresQueryBuilder) -> Result<Vec<String>, SchemaError> {
        let mut out = Vec::new();
        for statement in &self.statements {
            out.extend(statement.build(PostgresQueryBuilder)?);
        }
        Ok(out)
    }

    /// Checks the schema against the server's version ([`check_server`](Self::check_server)),
    /// renders everything, then runs it statement by statement on `client`
    /// (wrap `client` in a transaction to make it all-or-nothing).
    ///
    /// ```no_run
    /// use knexrs_schema::SchemaBuilder;
    ///
    /// let mut client = postgres::Client::connect("postgres://postgres@localhost/app", postgres::NoTls)?;
    /// let mut tx = client.transaction()?;
    /// let mut schema = SchemaBuilder::new();
    /// schema.create_table("notes", |t| {
    ///     t.increments("id");
    ///     t.text("body").not_nullable();
    /// });
    /// schema.execute(&mut tx)?;
    /// tx.commit()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn execute(&self, client: &mut impl GenericClient) -> Result<(), SchemaError> {
        let version = client
            .query_one("select current_setting('server_version_num')::int", &[])
            .map_err(|source| SchemaError::Database { context: "reading the server's version".into(), source })?;
        let num: i32 = version.get(0);
        self.check_server(ServerVersion::from_num(num.unsigned_abs()))?;
        for sql in self.build(PostgresQueryBuilder)? {
            client
                .batch_execute(&sql)
                .map_err(|source| SchemaError::Database { context: format!("running `{sql}`"), source })?;
        }
        Ok(())
    }

    /// Whether `table` exists, in this builder's schema or the current one (knex `hasTable`).
    ///
    /// ```no_run
    /// use knexrs_schema::SchemaBuilder;
    ///
    /// let mut client = postgres::Client::connect("postgres://postgres@localhost/app", postgres::NoTls)?;
    /// let exists = SchemaBuilder::new().has_table(&mut client, "sessions")?;
    /// println!("sessions exists: {exists}");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn has_table(&self, client: &mut impl GenericClient, table: impl Into<String>) -> Result<bool, SchemaError> {
        let query = self.with_table_schema(HasTable::new(table), |q, s| {
            q.with_schema(s);
        });
        query.exists(client)
    }

    /// Whether `table` has `column` (knex `hasColumn`).
    ///
    /// ```no_run
    /// use knexrs_schema::SchemaBuilder;
    ///
    /// let mut client = postgres::Client::connect("postgres://postgres@localhost/app", postgres::NoTls)?;
    /// let mut schema = SchemaBuilder::new();
    /// if !schema.has_column(&mut client, "sessions", "pod_ip")? {
    ///     schema.alter_table("sessions", |t| {
    ///         t.text("pod_ip");
    ///     });
    ///     schema.execute(&mut client)?;
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn has_column(
        &self,
        client: &mut impl GenericClient,
        table: impl Into<String>,
        column: impl Into<String>,
    ) -> Result<bool, SchemaError> {
        let query = self.with_table_schema(HasColumn::new(table, column), |q, s| {
            q.with_schema(s);
        });
        query.exists(client)
    }
}
