//! `create table`: knex's statement order, with the table itself rendered by sea-query.

use super::builder::{Create, TableBuilder};
use super::item::{TableCtx, TableItem};
use crate::SchemaError;
use crate::naming::{check_constraint_name, check_identifier};
use crate::sql::{comment_literal, qualified, quote};
use sea_query::{Expr, PostgresQueryBuilder};

impl TableBuilder<Create> {
    /// `create table if not exists` (knex `createTableIfNotExists`).
    ///
    /// ```
    /// # use knexrs_schema::{CreateTable, PostgresQueryBuilder};
    /// let mut t = CreateTable::new("settings");
    /// t.if_not_exists().text("key");
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"CREATE TABLE IF NOT EXISTS "settings" ( "key" text )"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn if_not_exists(&mut self) -> &mut Self {
        self.if_not_exists = true;
        self
    }

    /// Copies another table's columns, defaults, constraints and indexes
    /// (`create table … (like other including all)`, knex `createTableLike`).
    ///
    /// ```
    /// # use knexrs_schema::{CreateTable, PostgresQueryBuilder};
    /// let mut t = CreateTable::new("sessions_archive");
    /// t.like("sessions");
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"create table "sessions_archive" (like "sessions" including all)"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn like(&mut self, other: impl Into<String>) -> &mut Self {
        self.like = Some(other.into());
        self
    }

    /// Inherits the columns of a parent table (knex `inherits`).
    ///
    /// ```
    /// # use knexrs_schema::{CreateTable, PostgresQueryBuilder};
    /// let mut t = CreateTable::new("admin_users");
    /// t.inherits("users").text("scope");
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"CREATE TABLE "admin_users" ( "scope" text ) INHERITS ("users")"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn inherits(&mut self, parent: impl Into<String>) -> &mut Self {
        self.inherits = Some(parent.into());
        self
    }

    /// Renders the statements, in knex's order: native enum types, the table,
    /// comments, then indexes and constraints in call order.
    ///
    /// ```
    /// use knexrs_schema::{CreateTable, PostgresQueryBuilder};
    ///
    /// let mut table = CreateTable::new("test_table_one");
    /// table.comment("A table comment.");
    /// table.big_increments("id");
    /// table.string("first_name").index();
    /// let sql = table.build(PostgresQueryBuilder).unwrap();
    /// assert_eq!(sql, [
    ///     r#"CREATE TABLE "test_table_one" ( "id" bigserial PRIMARY KEY, "first_name" varchar(255) )"#,
    ///     r#"comment on table "test_table_one" is 'A table comment.'"#,
    ///     r#"CREATE INDEX "test_table_one_first_name_index" ON "test_table_one" ("first_name")"#,
    /// ]);
    /// ```
    pub fn build(&self, _: PostgresQueryBuilder) -> Result<Vec<String>, SchemaError> {
        self.check_misuse()?;
        check_identifier("table", &self.name)?;
        if let Some(schema) = &self.schema {
            check_identifier("schema", schema)?;
        }
        if self.columns.is_empty() && self.like.is_none() {
            return Err(SchemaError::EmptyTable { table: self.name.clone() });
        }
        // PostgreSQL would refuse it when the migration runs; say so before anything does.
        let mut seen = std::collections::BTreeSet::new();
        if let Some(column) = self.columns.iter().find(|c| !seen.insert(c.name.as_str())) {
            return Err(column.invalid(format!("defined twice in create_table(\"{}\", ...): keep one", self.name)));
        }
        let schema = self.schema.as_deref();
        let ctx = TableCtx::new(schema, &self.name);
        let mut out = Vec::new();

        out.extend(self.columns.iter().filter_map(|c| c.create_enum_type(schema)));

        // knex keeps the first primary() inside create table, and drops the rest.
        let primary = self.items.iter().find_map(|item| match item {
            TableItem::Primary(primary) => Some(primary),
            _ => None,
        });
        out.push(match &self.like {
            Some(like) => self.create_like(like, primary.is_none())?,
            None => self.create_statement(&ctx, primary)?,
        });
        if let Some(primary) = primary.filter(|p| !p.fits_inline()) {
            out.push(primary.render(&ctx)?);
        }

        if let Some(comment) = &self.comment {
            out.push(format!("comment on table {} is {}", ctx.quoted, comment_literal(comment)));
        }
        out.extend(self.columns.iter().filter_map(|c| c.comment_statement(&ctx.quoted)));
        for column in &self.columns {
            out.extend(column.deferred_checks(&ctx.quoted, &self.name)?);
        }

        let mut checks = 0;
        for item in &self.items {
            match item {
                TableItem::Primary(_) | TableItem::Check(_) => {}
                other => out.extend(other.render(&ctx, checks)?),
            }
            if let TableItem::Check(_) = item {
                checks += 1;
            }
        }
        Ok(out)
    }

    fn create_statement(&self, ctx: &TableCtx<'_>, primary: Option<&super::PrimaryDef>) -> Result<String, SchemaError> {
        let mut stmt = sea_query::Table::create();
        stmt.table(ctx.table_ref());
        if self.if_not_exists {
            stmt.if_not_exists();
        }
        for column in &self.columns {
            stmt.col(column.to_sea(ctx.schema, primary.is_none())?);
        }
        if let Some(primary) = primary.filter(|p| p.fits_inline()) {
            stmt.primary_key(&mut primary.to_sea(ctx)?);
        }
        for check in self.items.iter().filter_map(|item| match item {
            TableItem::Check(check) => Some(check),
            _ => None,
        }) {
            let expr = Expr::cust(check.sql.clone());
            stmt.check(match &check.name {
                Some(name) => {
                    check_identifier("check constraint", name)?;
                    sea_query::Check::named(crate::sql::iden(&check_constraint_name(name)), expr)
                }
                None => sea_query::Check::unnamed(expr),
            });
        }
        if let Some(parent) = &self.inherits {
            check_identifier("table", parent)?;
            stmt.extra(format!("INHERITS ({})", quote(parent)));
        }
        Ok(stmt.to_string(PostgresQueryBuilder))
    }

    /// sea-query has no `like`; knex's form is `(like other including all, cols…)`.
    fn create_like(&self, like: &str, inline_primary: bool) -> Result<String, SchemaError> {
        check_identifier("table", like)?;
        let schema = self.schema.as_deref();
        let mut parts = vec![format!("like {} including all", qualified(schema, like))];
        for column in &self.columns {
            let def = column.to_sea(schema, inline_primary)?;
            let mut sql = String::new();
            sea_query::TableBuilder::prepare_column_def(&PostgresQueryBuilder, &def, &mut sql);
            parts.push(sql);
        }
        Ok(format!(
            "create table {}{} ({})",
            if self.if_not_exists { "if not exists " } else { "" },
            qualified(schema, &self.name),
            parts.join(", ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use crate::{CreateTable, PostgresQueryBuilder};

    #[test]
    fn a_column_defined_twice_is_refused_naming_it_and_the_table() {
        let mut t = CreateTable::new("sessions");
        t.integer("pod_ip");
        t.string("pod_ip");
        let error = t.build(PostgresQueryBuilder).unwrap_err().to_string();
        assert_eq!(error, r#"column `pod_ip`: defined twice in create_table("sessions", ...): keep one"#);
    }

    #[test]
    fn a_varchar_longer_than_postgresql_allows_is_refused_with_text_as_the_way_out() {
        let mut t = CreateTable::new("notes");
        t.string_len("body", 10_485_760);
        assert_eq!(t.build(PostgresQueryBuilder).unwrap(), [r#"CREATE TABLE "notes" ( "body" varchar(10485760) )"#]);
        let mut t = CreateTable::new("notes");
        t.string_len("body", 10_485_761);
        let error = t.build(PostgresQueryBuilder).unwrap_err().to_string();
        assert!(error.contains("more than PostgreSQL's varchar allows (10485760): use text()"), "{error}");
    }
}
