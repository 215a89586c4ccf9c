//! Indexes, unique constraints and primary keys over one or more columns.

use super::item::TableCtx;
use crate::SchemaError;
use crate::naming::{check_identifier, default_index_name, default_primary_key_name};
use crate::sql::{iden, quote, quote_list};
use sea_query::{Condition, ConditionalStatement, Expr, IndexType, IntoCondition, PostgresQueryBuilder};

/// When a deferrable constraint is checked (knex `deferrable`).
///
/// ```
/// use knexrs_schema::{Deferrable, SchemaBuilder, PostgresQueryBuilder};
///
/// let mut schema = SchemaBuilder::new();
/// schema.create_table("person", |t| {
///     t.integer("user_id").unique_with(|u| { u.name("user_id_index").deferrable(Deferrable::Immediate); });
/// });
/// assert!(schema.build(PostgresQueryBuilder).unwrap()[1].ends_with("deferrable initially immediate"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deferrable {
    /// `deferrable initially immediate`.
    Immediate,
    /// `deferrable initially deferred`.
    Deferred,
    /// `not deferrable`, PostgreSQL's default.
    NotDeferrable,
}

impl Deferrable {
    pub(crate) fn sql(self) -> &'static str {
        match self {
            Deferrable::Immediate => " deferrable initially immediate",
            Deferrable::Deferred => " deferrable initially deferred",
            Deferrable::NotDeferrable => " not deferrable",
        }
    }
}

/// A partial-index predicate: a sea-query condition or raw SQL.
#[derive(Debug, Clone)]
pub(crate) enum Predicate {
    Condition(Condition),
    Raw(String),
}

impl Predicate {
    fn apply(&self, stmt: &mut sea_query::IndexCreateStatement) {
        match self {
            Predicate::Condition(condition) => stmt.cond_where(condition.clone()),
            Predicate::Raw(sql) => stmt.and_where(Expr::cust(sql.clone())),
        };
    }
}

/// sea-query writes index and constraint names between quotes without escaping
/// them; we escape them before handing them over.
pub(crate) fn escaped_name(name: &str) -> String {
    name.replace('"', "\"\"")
}

/// Access methods are written into the SQL as words, so only plain words pass.
fn check_access_method(method: &str) -> Result<(), SchemaError> {
    if method.is_empty() || !method.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(SchemaError::Unsupported(format!(
            "index method `{method}` is not a plain name: use btree, hash, gist, gin, brin, spgist or an extension's method"
        )));
    }
    Ok(())
}

fn check_columns(what: &'static str, ctx: &TableCtx<'_>, columns: &[String]) -> Result<(), SchemaError> {
    if columns.is_empty() {
        return Err(SchemaError::Unsupported(format!(
            "{what} on table `{}` has no columns: name at least one column",
            ctx.name
        )));
    }
    columns.iter().try_for_each(|c| check_identifier("column", c))
}

/// An index (knex `table.index(columns, name, options)`), rendered by sea-query.
///
/// ```
/// use knexrs_schema::{SchemaBuilder, PostgresQueryBuilder};
///
/// let mut schema = SchemaBuilder::new();
/// schema.alter_table("users", |t| {
///     t.index(["foo", "bar"]).name("baz").using("gist");
///     t.index("email").predicate_raw("deleted_at is null").include(["name"]);
/// });
/// let sql = schema.build(PostgresQueryBuilder).unwrap();
/// assert_eq!(sql[0], r#"CREATE INDEX "baz" ON "users" USING gist ("foo", "bar")"#);
/// assert_eq!(
///     sql[1],
///     r#"CREATE INDEX "users_email_index" ON "users" ("email") INCLUDE ("name") WHERE deleted_at is null"#
/// );
/// ```
#[derive(Debug, Clone)]
pub struct IndexDef {
    pub(crate) columns: Vec<String>,
    name: Option<String>,
    using: Option<String>,
    unique: bool,
    predicate: Option<Predicate>,
    include: Vec<String>,
    pub(crate) nulls_not_distinct: bool,
    concurrently: bool,
    if_not_exists: bool,
}

impl IndexDef {
    pub(crate) fn new(columns: Vec<String>) -> Self {
        IndexDef {
            columns,
            name: None,
            using: None,
            unique: false,
            predicate: None,
            include: Vec::new(),
            nulls_not_distinct: false,
            concurrently: false,
            if_not_exists: false,
        }
    }

    /// Names the index; knex's default is `<table>_<columns>_index`.
    ///
    /// ```
    /// # use knexrs_schema::{AlterTable, PostgresQueryBuilder};
    /// let mut t = AlterTable::new("token_jti");
    /// t.index("expires_at").name("idx_jti_expires");
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"CREATE INDEX "idx_jti_expires" ON "token_jti" ("expires_at")"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn name(&mut self, name: impl Into<String>) -> &mut Self {
        self.name = Some(name.into());
        self
    }

    /// The access method: `gin`, `gist`, `hash`, `brin`, … (knex's index type).
    ///
    /// ```
    /// # use knexrs_schema::{AlterTable, PostgresQueryBuilder};
    /// let mut t = AlterTable::new("sessions");
    /// t.index("labels").using("gin");
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"CREATE INDEX "sessions_labels_index" ON "sessions" USING gin ("labels")"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn using(&mut self, method: impl Into<String>) -> &mut Self {
        self.using = Some(method.into());
        self
    }

    /// A unique index (knex `indexType: 'unique'`).
    ///
    /// ```
    /// # use knexrs_schema::{AlterTable, PostgresQueryBuilder};
    /// let mut t = AlterTable::new("users");
    /// t.index("email").unique();
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"CREATE UNIQUE INDEX "users_email_index" ON "users" ("email")"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn unique(&mut self) -> &mut Self {
        self.unique = true;
        self
    }

    /// A partial index over the rows matching a sea-query condition.
    ///
    /// ```
    /// # use knexrs_schema::{AlterTable, PostgresQueryBuilder};
    /// use sea_query::{Expr, ExprTrait};
    ///
    /// let mut t = AlterTable::new("sessions");
    /// t.index("expires_at").predicate(Expr::col("deleted_at").is_null());
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"CREATE INDEX "sessions_expires_at_index" ON "sessions" ("expires_at") WHERE "deleted_at" IS NULL"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn predicate(&mut self, condition: impl IntoCondition) -> &mut Self {
        self.predicate = Some(Predicate::Condition(condition.into_condition()));
        self
    }

    /// A partial index over the rows matching raw SQL (knex `whereRaw`).
    ///
    /// ```
    /// # use knexrs_schema::{AlterTable, PostgresQueryBuilder};
    /// let mut t = AlterTable::new("sessions");
    /// t.index("expires_at").predicate_raw("deleted_at is null");
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"CREATE INDEX "sessions_expires_at_index" ON "sessions" ("expires_at") WHERE deleted_at is null"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn predicate_raw(&mut self, sql: impl Into<String>) -> &mut Self {
        self.predicate = Some(Predicate::Raw(sql.into()));
        self
    }

    /// Non-key columns stored in the index (`include (…)`), for index-only scans.
    ///
    /// ```
    /// # use knexrs_schema::{AlterTable, PostgresQueryBuilder};
    /// let mut t = AlterTable::new("sessions");
    /// t.index("owner_user_id").include(["job_name", "expires_at"]);
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"CREATE INDEX "sessions_owner_user_id_index" ON "sessions" ("owner_user_id") INCLUDE ("job_name", "expires_at")"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn include(&mut self, columns: impl super::IntoColumns) -> &mut Self {
        self.include.extend(columns.into_columns());
        self
    }

    /// Treats nulls as equal in a unique index (`nulls not distinct`, PostgreSQL 15+).
    ///
    /// ```
    /// # use knexrs_schema::{AlterTable, PostgresQueryBuilder};
    /// let mut t = AlterTable::new("users");
    /// t.index("external_id").unique().nulls_not_distinct();
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"CREATE UNIQUE INDEX "users_external_id_index" ON "users" ("external_id") NULLS NOT DISTINCT"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn nulls_not_distinct(&mut self) -> &mut Self {
        self.nulls_not_distinct = true;
        self
    }

    /// `create index concurrently`: builds without blocking writes. The migration
    /// that holds it then runs outside a transaction, as PostgreSQL requires.
    ///
    /// ```
    /// # use knexrs_schema::{AlterTable, PostgresQueryBuilder};
    /// let mut t = AlterTable::new("sessions");
    /// t.index("pod_ip").concurrently();
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"CREATE INDEX CONCURRENTLY "sessions_pod_ip_index" ON "sessions" ("pod_ip")"#,
    /// ]);
    /// assert!(t.needs_no_transaction());
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn concurrently(&mut self) -> &mut Self {
        self.concurrently = true;
        self
    }

    /// `create index if not exists`.
    ///
    /// ```
    /// # use knexrs_schema::{AlterTable, PostgresQueryBuilder};
    /// let mut t = AlterTable::new("sessions");
    /// t.index("pod_ip").if_not_exists();
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"CREATE INDEX IF NOT EXISTS "sessions_pod_ip_index" ON "sessions" ("pod_ip")"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn if_not_exists(&mut self) -> &mut Self {
        self.if_not_exists = true;
        self
    }

    pub(crate) fn is_concurrent(&self) -> bool {
        self.concurrently
    }

    pub(crate) fn render(&self, ctx: &TableCtx<'_>) -> Result<String, SchemaError> {
        check_columns("index", ctx, &self.columns)?;
        let name = match &self.name {
            Some(name) => {
                check_identifier("index", name)?;
                name.clone()
            }
            None => default_index_name(ctx.name, &self.columns, "index"),
        };
        let mut stmt = sea_query::Index::create();
        stmt.name(escaped_name(&name)).table(ctx.table_ref());
        for column in &self.columns {
            stmt.col(iden(column));
        }
        for column in &self.include {
            check_identifier("column", column)?;
            stmt.include(iden(column));
        }
        if let Some(method) = &self.using {
            check_access_method(method)?;
            stmt.index_type(IndexType::Custom(iden(method)));
        }
        if self.unique {
            stmt.unique();
        }
        if self.nulls_not_distinct {
            stmt.nulls_not_distinct();
        }
        if self.concurrently {
            stmt.concurrently();
        }
        if self.if_not_exists {
            stmt.if_not_exists();
        }
        if let Some(predicate) = &self.predicate {
            predicate.apply(&mut stmt);
        }
        Ok(stmt.to_string(PostgresQueryBuilder))
    }
}

/// A unique constraint, or a unique index when it has a predicate (knex
/// `table.unique(columns, { indexName, deferrable, useConstraint, predicate })`).
///
/// ```
/// use knexrs_schema::{SchemaBuilder, PostgresQueryBuilder};
///
/// let mut schema = SchemaBuilder::new();
/// schema.alter_table("users", |t| {
///     t.unique(["org", "email"]);
///     t.unique("handle").name("handle_live").predicate_raw("deleted_at is null");
/// });
/// let sql = schema.build(PostgresQueryBuilder).unwrap();
/// assert_eq!(sql[0], r#"alter table "users" add constraint "users_org_email_unique" unique ("org", "email")"#);
/// assert_eq!(sql[1], r#"CREATE UNIQUE INDEX "handle_live" ON "users" ("handle") WHERE deleted_at is null"#);
/// ```
#[derive(Debug, Clone)]
pub struct UniqueDef {
    pub(crate) columns: Vec<String>,
    name: Option<String>,
    deferrable: Option<Deferrable>,
    use_constraint: Option<bool>,
    predicate: Option<Predicate>,
    pub(crate) nulls_not_distinct: bool,
}

impl UniqueDef {
    pub(crate) fn new(columns: Vec<String>) -> Self {
        UniqueDef {
            columns,
            name: None,
            deferrable: None,
            use_constraint: None,
            predicate: None,
            nulls_not_distinct: false,
        }
    }

    /// Names the constraint; knex's default is `<table>_<columns>_unique`.
    ///
    /// ```
    /// # use knexrs_schema::{AlterTable, PostgresQueryBuilder};
    /// let mut t = AlterTable::new("users");
    /// t.unique("email").name("users_email_key");
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"alter table "users" add constraint "users_email_key" unique ("email")"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn name(&mut self, name: impl Into<String>) -> &mut Self {
        self.name = Some(name.into());
        self
    }

    /// Makes the constraint deferrable.
    ///
    /// ```
    /// # use knexrs_schema::{AlterTable, Deferrable, PostgresQueryBuilder};
    /// let mut t = AlterTable::new("seats");
    /// t.unique(["row", "number"]).deferrable(Deferrable::Deferred);
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"alter table "seats" add constraint "seats_row_number_unique" unique ("row", "number") deferrable initially deferred"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn deferrable(&mut self, deferrable: Deferrable) -> &mut Self {
        self.deferrable = Some(deferrable);
        self
    }

    /// A unique index instead of a constraint (knex `useConstraint: false`).
    ///
    /// ```
    /// # use knexrs_schema::{AlterTable, PostgresQueryBuilder};
    /// let mut t = AlterTable::new("users");
    /// t.unique("email").as_index();
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"CREATE UNIQUE INDEX "users_email_unique" ON "users" ("email")"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn as_index(&mut self) -> &mut Self {
        self.use_constraint = Some(false);
        self
    }

    /// Unique only among rows matching a sea-query condition (a partial unique index).
    ///
    /// ```
    /// # use knexrs_schema::{AlterTable, PostgresQueryBuilder};
    /// use sea_query::{Expr, ExprTrait};
    ///
    /// let mut t = AlterTable::new("users");
    /// t.unique("handle").predicate(Expr::col("deleted_at").is_null());
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"CREATE UNIQUE INDEX "users_handle_unique" ON "users" ("handle") WHERE "deleted_at" IS NULL"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn predicate(&mut self, condition: impl IntoCondition) -> &mut Self {
        self.predicate = Some(Predicate::Condition(condition.into_condition()));
        self
    }

    /// Unique only among rows matching raw SQL (a partial unique index).
    ///
    /// ```
    /// # use knexrs_schema::{AlterTable, PostgresQueryBuilder};
    /// let mut t = AlterTable::new("users");
    /// t.unique("handle").predicate_raw("deleted_at is null");
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"CREATE UNIQUE INDEX "users_handle_unique" ON "users" ("handle") WHERE deleted_at is null"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn predicate_raw(&mut self, sql: impl Into<String>) -> &mut Self {
        self.predicate = Some(Predicate::Raw(sql.into()));
        self
    }

    /// Treats nulls as equal (`nulls not distinct`, PostgreSQL 15+).
    ///
    /// ```
    /// # use knexrs_schema::{AlterTable, PostgresQueryBuilder};
    /// let mut t = AlterTable::new("users");
    /// t.unique("external_id").nulls_not_distinct();
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"alter table "users" add constraint "users_external_id_unique" unique nulls not distinct ("external_id")"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn nulls_not_distinct(&mut self) -> &mut Self {
        self.nulls_not_distinct = true;
        self
    }

    pub(crate) fn render(&self, ctx: &TableCtx<'_>) -> Result<String, SchemaError> {
        check_columns("unique", ctx, &self.columns)?;
        let name = match &self.name {
            Some(name) => {
                check_identifier("unique constraint", name)?;
                name.clone()
            }
            None => default_index_name(ctx.name, &self.columns, "unique"),
        };
        // knex: a constraint unless told otherwise or given a predicate.
        let use_constraint = self.use_constraint.unwrap_or(self.deferrable.is_some() || self.predicate.is_none());
        let deferrable = self.deferrable.filter(|d| *d != Deferrable::NotDeferrable);
        if !use_constraint && deferrable.is_some() {
            return Err(SchemaError::Unsupported(format!(
                "unique index `{name}` cannot be deferrable: PostgreSQL defers constraints only; drop as_index() or deferrable()"
            )));
        }
        if use_constraint && self.predicate.is_some() {
            return Err(SchemaError::Unsupported(format!(
                "unique constraint `{name}` cannot have a predicate: PostgreSQL supports predicates on unique indexes; add as_index()"
            )));
        }
        if use_constraint {
            let nulls = if self.nulls_not_distinct { " nulls not distinct" } else { "" };
            let deferrable = self.deferrable.map_or("", Deferrable::sql);
            return Ok(format!(
                "alter table {} add constraint {} unique{nulls} ({}){deferrable}",
                ctx.quoted,
                quote(&name),
                quote_list(&self.columns)
            ));
        }
        let mut index = IndexDef::new(self.columns.clone());
        index.name(name).unique();
        index.predicate = self.predicate.clone();
        index.nulls_not_distinct = self.nulls_not_distinct;
        index.render(ctx)
    }
}

/// A primary key over one or more columns (knex `table.primary(columns, name)`).
///
/// ```
/// use knexrs_schema::{SchemaBuilder, PostgresQueryBuilder};
///
/// let mut schema = SchemaBuilder::new();
/// schema.create_table("users", |t| {
///     t.string("test1");
///     t.string("test2");
///     t.primary(["test1", "test2"]).name("testconstraintname");
/// });
/// assert!(schema.build(PostgresQueryBuilder).unwrap()[0]
///     .contains(r#"CONSTRAINT "testconstraintname" PRIMARY KEY ("test1", "test2")"#));
/// ```
#[derive(Debug, Clone)]
pub struct PrimaryDef {
    pub(crate) columns: Vec<String>,
    name: Option<String>,
    deferrable: Option<Deferrable>,
}

impl PrimaryDef {
    pub(crate) fn new(columns: Vec<String>) -> Self {
        PrimaryDef { columns, name: None, deferrable: None }
    }

    /// Names the constraint; knex's default is `<table>_pkey`.
    ///
    /// ```
    /// # use knexrs_schema::{CreateTable, PostgresQueryBuilder};
    /// let mut t = CreateTable::new("memberships");
    /// t.integer("user_id");
    /// t.integer("org_id");
    /// t.primary(["user_id", "org_id"]).name("memberships_pk");
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"CREATE TABLE "memberships" ( "user_id" integer, "org_id" integer, CONSTRAINT "memberships_pk" PRIMARY KEY ("user_id", "org_id") )"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn name(&mut self, name: impl Into<String>) -> &mut Self {
        self.name = Some(name.into());
        self
    }

    /// Makes the primary key deferrable.
    ///
    /// ```
    /// # use knexrs_schema::{AlterTable, Deferrable, PostgresQueryBuilder};
    /// let mut t = AlterTable::new("memberships");
    /// t.primary(["user_id", "org_id"]).deferrable(Deferrable::Immediate);
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"alter table "memberships" add constraint "memberships_pkey" primary key ("user_id", "org_id") deferrable initially immediate"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn deferrable(&mut self, deferrable: Deferrable) -> &mut Self {
        self.deferrable = Some(deferrable);
        self
    }

    pub(crate) fn constraint_name(&self, ctx: &TableCtx<'_>) -> Result<String, SchemaError> {
        match &self.name {
            Some(name) => {
                check_identifier("primary key", name)?;
                Ok(name.clone())
            }
            None => Ok(default_primary_key_name(ctx.name)),
        }
    }

    /// Whether `create table` can hold it inline; sea-query has no deferrable
    /// primary keys, so those are added by `alter table` right after.
    pub(crate) fn fits_inline(&self) -> bool {
        self.deferrable.is_none()
    }

    /// The sea-query index for `create table (…, constraint … primary key (…))`.
    pub(crate) fn to_sea(&self, ctx: &TableCtx<'_>) -> Result<sea_query::IndexCreateStatement, SchemaError> {
        check_columns("primary key", ctx, &self.columns)?;
        let mut index = sea_query::Index::create();
        index.name(escaped_name(&self.constraint_name(ctx)?)).primary();
        for column in &self.columns {
            index.col(iden(column));
        }
        Ok(index)
    }

    pub(crate) fn render(&self, ctx: &TableCtx<'_>) -> Result<String, SchemaError> {
        check_columns("primary key", ctx, &self.columns)?;
        Ok(format!(
            "alter table {} add constraint {} primary key ({}){}",
            ctx.quoted,
            quote(&self.constraint_name(ctx)?),
            quote_list(&self.columns),
            self.deferrable.map_or("", Deferrable::sql)
        ))
    }
}
