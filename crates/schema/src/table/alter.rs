//! `alter table`: knex's statement order for added, altered and dropped columns.

use super::IntoColumns;
use super::builder::{Alter, TableBuilder};
use super::item::{DropDef, DropKind, TableCtx, TableItem};
use crate::SchemaError;
use crate::naming::check_identifier;
use crate::sql::comment_literal;
use sea_query::PostgresQueryBuilder;

impl TableBuilder<Alter> {
    /// Drops a column (knex `dropColumn`).
    ///
    /// ```
    /// # use knexrs_schema::{AlterTable, PostgresQueryBuilder};
    /// let mut t = AlterTable::new("sessions");
    /// t.drop_column("pod_ip");
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [r#"ALTER TABLE "sessions" DROP COLUMN "pod_ip""#]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn drop_column(&mut self, column: impl Into<String>) -> &mut Self {
        self.drop_columns([column.into()])
    }

    /// Drops several columns in one statement (knex `dropColumns`).
    ///
    /// ```
    /// # use knexrs_schema::{AlterTable, PostgresQueryBuilder};
    /// let mut t = AlterTable::new("sessions");
    /// t.drop_columns(["pod_ip", "pod_name"]);
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"ALTER TABLE "sessions" DROP COLUMN "pod_ip", DROP COLUMN "pod_name""#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn drop_columns(&mut self, columns: impl IntoColumns) -> &mut Self {
        self.push_item(TableItem::DropColumns { columns: columns.into_columns(), if_exists: false });
        self
    }

    /// Drops columns that may not exist (`drop column if exists`).
    ///
    /// ```
    /// # use knexrs_schema::{AlterTable, PostgresQueryBuilder};
    /// let mut t = AlterTable::new("sessions");
    /// t.drop_columns_if_exist(["pod_ip", "pod_name"]);
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"ALTER TABLE "sessions" DROP COLUMN IF EXISTS "pod_ip", DROP COLUMN IF EXISTS "pod_name""#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn drop_columns_if_exist(&mut self, columns: impl IntoColumns) -> &mut Self {
        self.push_item(TableItem::DropColumns { columns: columns.into_columns(), if_exists: true });
        self
    }

    /// Drops `created_at` and `updated_at` (knex `dropTimestamps`).
    ///
    /// ```
    /// # use knexrs_schema::{AlterTable, PostgresQueryBuilder};
    /// let mut t = AlterTable::new("notes");
    /// t.drop_timestamps();
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"ALTER TABLE "notes" DROP COLUMN "created_at", DROP COLUMN "updated_at""#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn drop_timestamps(&mut self) -> &mut Self {
        self.drop_columns(["created_at", "updated_at"])
    }

    /// Drops `createdAt` and `updatedAt` (knex `dropTimestamps(true)`).
    ///
    /// ```
    /// # use knexrs_schema::{AlterTable, PostgresQueryBuilder};
    /// let mut t = AlterTable::new("notes");
    /// t.drop_timestamps_camel_case();
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"ALTER TABLE "notes" DROP COLUMN "createdAt", DROP COLUMN "updatedAt""#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn drop_timestamps_camel_case(&mut self) -> &mut Self {
        self.drop_columns(["createdAt", "updatedAt"])
    }

    /// Renames a column (knex `renameColumn`).
    ///
    /// ```
    /// # use knexrs_schema::{AlterTable, PostgresQueryBuilder};
    /// let mut t = AlterTable::new("sessions");
    /// t.rename_column("pod_ip", "pod_address");
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"ALTER TABLE "sessions" RENAME COLUMN "pod_ip" TO "pod_address""#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn rename_column(&mut self, from: impl Into<String>, to: impl Into<String>) -> &mut Self {
        self.push_item(TableItem::RenameColumn { from: from.into(), to: to.into() });
        self
    }

    /// `alter column … drop not null` (knex `setNullable`).
    ///
    /// ```
    /// # use knexrs_schema::{AlterTable, PostgresQueryBuilder};
    /// let mut t = AlterTable::new("sessions");
    /// t.set_nullable("pod_ip");
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"ALTER TABLE "sessions" ALTER COLUMN "pod_ip" DROP NOT NULL"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn set_nullable(&mut self, column: impl Into<String>) -> &mut Self {
        self.push_item(TableItem::SetNullable { column: column.into(), nullable: true });
        self
    }

    /// `alter column … set not null` (knex `dropNullable`).
    ///
    /// ```
    /// # use knexrs_schema::{AlterTable, PostgresQueryBuilder};
    /// let mut t = AlterTable::new("sessions");
    /// t.drop_nullable("pod_ip");
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"ALTER TABLE "sessions" ALTER COLUMN "pod_ip" SET NOT NULL"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn drop_nullable(&mut self, column: impl Into<String>) -> &mut Self {
        self.push_item(TableItem::SetNullable { column: column.into(), nullable: false });
        self
    }

    /// Drops the primary key, `<table>_pkey` unless renamed (knex `dropPrimary`).
    ///
    /// ```
    /// # use knexrs_schema::{AlterTable, PostgresQueryBuilder};
    /// let mut t = AlterTable::new("token_jti");
    /// t.drop_primary();
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"alter table "token_jti" drop constraint "token_jti_pkey""#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn drop_primary(&mut self) -> &mut DropDef {
        self.push_drop(DropKind::Primary, Vec::new())
    }

    /// Drops the unique constraint knex named after `columns` (knex `dropUnique`).
    ///
    /// ```
    /// # use knexrs_schema::{AlterTable, PostgresQueryBuilder};
    /// let mut t = AlterTable::new("sessions");
    /// t.drop_unique("job_name");
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"alter table "sessions" drop constraint "sessions_job_name_unique""#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn drop_unique(&mut self, columns: impl IntoColumns) -> &mut DropDef {
        self.push_drop(DropKind::Unique, columns.into_columns())
    }

    /// Drops the foreign key knex named after `columns` (knex `dropForeign`).
    ///
    /// ```
    /// # use knexrs_schema::{AlterTable, PostgresQueryBuilder};
    /// let mut t = AlterTable::new("token_jti");
    /// t.drop_foreign("session_id");
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"alter table "token_jti" drop constraint "token_jti_session_id_foreign""#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn drop_foreign(&mut self, columns: impl IntoColumns) -> &mut DropDef {
        self.push_drop(DropKind::Foreign, columns.into_columns())
    }

    /// Drops the index knex named after `columns` (knex `dropIndex`).
    ///
    /// ```
    /// # use knexrs_schema::{AlterTable, PostgresQueryBuilder};
    /// let mut t = AlterTable::new("sessions");
    /// t.drop_index(["owner_user_id", "created_at"]);
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"DROP INDEX "sessions_owner_user_id_created_at_index""#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn drop_index(&mut self, columns: impl IntoColumns) -> &mut DropDef {
        self.push_drop(DropKind::Index, columns.into_columns())
    }

    /// Drops a constraint by name (knex `dropUnique(null, name)` and friends).
    ///
    /// ```
    /// # use knexrs_schema::{AlterTable, PostgresQueryBuilder};
    /// let mut t = AlterTable::new("sessions");
    /// t.drop_constraint("sessions_owner_check").if_exists();
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"alter table "sessions" drop constraint if exists "sessions_owner_check""#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn drop_constraint(&mut self, name: impl Into<String>) -> &mut DropDef {
        let drop = self.push_drop(DropKind::Constraint, Vec::new());
        drop.name(name);
        drop
    }

    /// Drops check constraints by name (knex `dropChecks`).
    ///
    /// ```
    /// # use knexrs_schema::{AlterTable, PostgresQueryBuilder};
    /// let mut t = AlterTable::new("products");
    /// t.drop_checks(["price_positive", "stock_positive"]);
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"alter table "products" drop constraint "price_positive", drop constraint "stock_positive""#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn drop_checks(&mut self, names: impl IntoColumns) -> &mut Self {
        self.push_item(TableItem::DropChecks(names.into_columns()));
        self
    }

    /// Validates a constraint added `NOT VALID`, scanning the table without
    /// blocking writes (`alter table … validate constraint`).
    ///
    /// ```
    /// # use knexrs_schema::{AlterTable, PostgresQueryBuilder};
    /// let mut t = AlterTable::new("token_jti");
    /// t.validate_constraint("token_jti_session_id_foreign");
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"alter table "token_jti" validate constraint "token_jti_session_id_foreign""#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn validate_constraint(&mut self, name: impl Into<String>) -> &mut Self {
        self.push_item(TableItem::ValidateConstraint(name.into()));
        self
    }

    /// Renders the statements in knex's order: added columns (one statement),
    /// altered columns, column comments, then the other calls in call order and
    /// the table comment.
    ///
    /// ```
    /// use knexrs_schema::{AlterTable, PostgresQueryBuilder};
    ///
    /// let mut table = AlterTable::new("users");
    /// table.string("foo").not_nullable().default_to("foo").alter();
    /// let sql = table.build(PostgresQueryBuilder).unwrap();
    /// assert_eq!(sql, [
    ///     r#"alter table "users" alter column "foo" drop default"#,
    ///     r#"alter table "users" alter column "foo" drop not null"#,
    ///     r#"alter table "users" alter column "foo" type varchar(255) using ("foo"::varchar(255))"#,
    ///     r#"alter table "users" alter column "foo" set default 'foo'"#,
    ///     r#"alter table "users" alter column "foo" set not null"#,
    /// ]);
    /// ```
    pub fn build(&self, _: PostgresQueryBuilder) -> Result<Vec<String>, SchemaError> {
        self.check_misuse()?;
        check_identifier("table", &self.name)?;
        if let Some(schema) = &self.schema {
            check_identifier("schema", schema)?;
        }
        let schema = self.schema.as_deref();
        let ctx = TableCtx::new(schema, &self.name);
        let (altered, added): (Vec<_>, Vec<_>) = self.columns.iter().partition(|c| c.alter.is_some());
        let has_primary = self.items.iter().any(|item| matches!(item, TableItem::Primary(_)));
        let mut out = Vec::new();

        if !added.is_empty() {
            out.extend(added.iter().filter_map(|c| c.create_enum_type(schema)));
            let mut stmt = sea_query::Table::alter();
            stmt.table(ctx.table_ref());
            for column in &added {
                stmt.add_column(column.to_sea(schema, !has_primary)?);
            }
            out.push(stmt.to_string(PostgresQueryBuilder));
        }
        for column in &altered {
            out.extend(column.alter_statements(&ctx.quoted, &self.name, schema)?);
        }
        for column in added.iter().chain(&altered) {
            out.extend(column.comment_statement(&ctx.quoted));
        }
        for column in &added {
            out.extend(column.deferred_checks(&ctx.quoted, &self.name)?);
        }
        let mut checks = 0;
        for item in &self.items {
            if let TableItem::Check(_) = item {
                checks += 1;
            }
            out.extend(item.render(&ctx, checks)?);
        }
        if let Some(comment) = &self.comment {
            out.push(format!("comment on table {} is {}", ctx.quoted, comment_literal(comment)));
        }
        Ok(out)
    }
}
