//! The chainable column interface (knex's `ColumnBuilder`).

use super::spec::Generated;
use super::{AlterMode, Check, ColumnSpec, ColumnType, DefaultValue, EnumType, Identity};
use crate::table::{Alter, ForeignDef, IndexDef, PrimaryDef, TableBuilder, TableItem, TableKind, UniqueDef};
use sea_query::ForeignKeyAction;

/// The column just added to a table, with knex's modifiers.
///
/// Index-like modifiers (`primary`, `unique`, `index`, `references`) record a
/// table-level item at the moment they are called, so statements come out in
/// the order knex would emit them.
///
/// ```
/// use knexrs_schema::{raw, now, SchemaBuilder, PostgresQueryBuilder};
///
/// let mut schema = SchemaBuilder::new();
/// schema.create_table("sessions", |t| {
///     t.text("session_id").primary().default_to(raw("uuid_generate_v4()"));
///     t.text("job_name").not_nullable().unique();
///     t.timestamp("created_at").default_to(now());
///     t.text("owner_user_id").not_nullable().index_with(|i| { i.name("idx_sessions_owner"); });
/// });
/// let sql = schema.build(PostgresQueryBuilder).unwrap();
/// assert_eq!(sql[1], r#"alter table "sessions" add constraint "sessions_job_name_unique" unique ("job_name")"#);
/// assert_eq!(sql[2], r#"CREATE INDEX "idx_sessions_owner" ON "sessions" ("owner_user_id")"#);
/// ```
pub struct ColumnBuilder<'a, K: TableKind> {
    table: &'a mut TableBuilder<K>,
    column: usize,
    foreign: Option<usize>,
}

impl<'a, K: TableKind> ColumnBuilder<'a, K> {
    pub(crate) fn new(table: &'a mut TableBuilder<K>, column: usize) -> Self {
        ColumnBuilder { table, column, foreign: None }
    }

    fn spec(&mut self) -> &mut ColumnSpec {
        &mut self.table.columns[self.column]
    }

    fn name(&self) -> String {
        self.table.columns[self.column].name.clone()
    }

    fn misuse(&mut self, problem: impl Into<String>) -> &mut Self {
        self.table.record_misuse(self.column, problem);
        self
    }

    /// Allows nulls (`null`).
    ///
    /// ```
    /// # use knexrs_schema::{CreateTable, PostgresQueryBuilder};
    /// let mut t = CreateTable::new("sessions");
    /// t.text("pod_ip").nullable();
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [r#"CREATE TABLE "sessions" ( "pod_ip" text NULL )"#]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn nullable(&mut self) -> &mut Self {
        self.spec().nullable = Some(true);
        self
    }

    /// Forbids nulls (`not null`).
    ///
    /// ```
    /// # use knexrs_schema::{CreateTable, PostgresQueryBuilder};
    /// let mut t = CreateTable::new("sessions");
    /// t.text("job_name").not_nullable();
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"CREATE TABLE "sessions" ( "job_name" text NOT NULL )"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn not_nullable(&mut self) -> &mut Self {
        self.spec().nullable = Some(false);
        self
    }

    /// The same as [`not_nullable`](Self::not_nullable) (knex `notNull`).
    ///
    /// ```
    /// # use knexrs_schema::{CreateTable, PostgresQueryBuilder};
    /// let mut t = CreateTable::new("sessions");
    /// t.text("job_name").not_null();
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"CREATE TABLE "sessions" ( "job_name" text NOT NULL )"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn not_null(&mut self) -> &mut Self {
        self.not_nullable()
    }

    /// The column's default (knex `defaultTo`); see [`DefaultValue`].
    ///
    /// ```
    /// # use knexrs_schema::{CreateTable, PostgresQueryBuilder, now, raw};
    /// let mut t = CreateTable::new("sessions");
    /// t.uuid("id").default_to(raw("gen_random_uuid()"));
    /// t.integer("attempts").default_to(0);
    /// t.boolean("active").default_to(true);
    /// t.timestamp("created_at").default_to(now());
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"CREATE TABLE "sessions" ( "id" uuid DEFAULT (gen_random_uuid()), "attempts" integer DEFAULT '0', "active" boolean DEFAULT '1', "created_at" timestamptz DEFAULT CURRENT_TIMESTAMP )"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn default_to(&mut self, value: impl Into<DefaultValue>) -> &mut Self {
        self.spec().default = Some(value.into());
        self
    }

    /// The column's comment (knex `comment`).
    ///
    /// ```
    /// # use knexrs_schema::{CreateTable, PostgresQueryBuilder};
    /// let mut t = CreateTable::new("sessions");
    /// t.text("pod_ip").comment("IP of the pod serving the session");
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"CREATE TABLE "sessions" ( "pod_ip" text )"#,
    ///     r#"comment on column "sessions"."pod_ip" is 'IP of the pod serving the session'"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn comment(&mut self, text: impl Into<String>) -> &mut Self {
        self.spec().comment = Some(Some(text.into()));
        self
    }

    /// Clears the column's comment (`comment on column … is NULL`, knex `comment()`).
    ///
    /// ```
    /// # use knexrs_schema::{AlterTable, PostgresQueryBuilder};
    /// let mut t = AlterTable::new("sessions");
    /// t.text("pod_ip").comment_null().alter();
    /// assert_eq!(t.build(PostgresQueryBuilder)?.last().map(String::as_str), Some(r#"comment on column "sessions"."pod_ip" is NULL"#));
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn comment_null(&mut self) -> &mut Self {
        self.spec().comment = Some(None);
        self
    }

    /// The column's collation, such as `"C"` or `"und-x-icu"` (knex `collate`).
    ///
    /// ```
    /// # use knexrs_schema::{CreateTable, PostgresQueryBuilder};
    /// let mut t = CreateTable::new("users");
    /// t.string("email").collate("C");
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"CREATE TABLE "users" ( "email" varchar(255) COLLATE "C" )"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn collate(&mut self, collation: impl Into<String>) -> &mut Self {
        self.spec().collate = Some(collation.into());
        self
    }

    /// A check constraint on this column (knex `check`, `checkPositive`, `checkIn`, …).
    ///
    /// ```
    /// # use knexrs_schema::{Check, CreateTable, PostgresQueryBuilder};
    /// let mut t = CreateTable::new("products");
    /// t.integer("price").check(Check::positive());
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"CREATE TABLE "products" ( "price" integer CHECK ("price" > 0) )"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn check(&mut self, check: Check) -> &mut Self {
        self.spec().checks.push(check);
        self
    }

    /// Accepted for knex parity; PostgreSQL has no unsigned integers.
    ///
    /// ```
    /// # use knexrs_schema::{CreateTable, PostgresQueryBuilder};
    /// let mut t = CreateTable::new("products");
    /// t.integer("stock").unsigned();
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [r#"CREATE TABLE "products" ( "stock" integer )"#]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn unsigned(&mut self) -> &mut Self {
        self
    }

    /// Makes this column the table's primary key (`<table>_pkey`).
    ///
    /// ```
    /// # use knexrs_schema::{CreateTable, PostgresQueryBuilder};
    /// let mut t = CreateTable::new("token_jti");
    /// t.text("jti").primary();
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"CREATE TABLE "token_jti" ( "jti" text, CONSTRAINT "token_jti_pkey" PRIMARY KEY ("jti") )"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn primary(&mut self) -> &mut Self {
        self.primary_with(|_| {})
    }

    /// Makes this column the primary key, configured by `configure` (name, deferrable).
    ///
    /// ```
    /// # use knexrs_schema::{CreateTable, Deferrable, PostgresQueryBuilder};
    /// let mut t = CreateTable::new("token_jti");
    /// t.text("jti").primary_with(|p| {
    ///     p.name("jti_pk").deferrable(Deferrable::Deferred);
    /// });
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"CREATE TABLE "token_jti" ( "jti" text )"#,
    ///     r#"alter table "token_jti" add constraint "jti_pk" primary key ("jti") deferrable initially deferred"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn primary_with(&mut self, configure: impl FnOnce(&mut PrimaryDef)) -> &mut Self {
        // knex ignores primary/unique/index on serial columns: they are keys already.
        if !self.table.columns[self.column].ty.is_increments() {
            let name = self.name();
            configure(self.table.primary(name));
        }
        self
    }

    /// A unique constraint on this column (`<table>_<column>_unique`).
    ///
    /// ```
    /// # use knexrs_schema::{CreateTable, PostgresQueryBuilder};
    /// let mut t = CreateTable::new("sessions");
    /// t.text("job_name").unique();
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"CREATE TABLE "sessions" ( "job_name" text )"#,
    ///     r#"alter table "sessions" add constraint "sessions_job_name_unique" unique ("job_name")"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn unique(&mut self) -> &mut Self {
        self.unique_with(|_| {})
    }

    /// A unique constraint on this column, configured by `configure`.
    ///
    /// ```
    /// # use knexrs_schema::{CreateTable, PostgresQueryBuilder};
    /// let mut t = CreateTable::new("users");
    /// t.string("email").unique_with(|u| {
    ///     u.name("users_email_key").nulls_not_distinct();
    /// });
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"CREATE TABLE "users" ( "email" varchar(255) )"#,
    ///     r#"alter table "users" add constraint "users_email_key" unique nulls not distinct ("email")"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn unique_with(&mut self, configure: impl FnOnce(&mut UniqueDef)) -> &mut Self {
        if !self.table.columns[self.column].ty.is_increments() {
            let name = self.name();
            configure(self.table.unique(name));
        }
        self
    }

    /// An index on this column (`<table>_<column>_index`).
    ///
    /// ```
    /// # use knexrs_schema::{CreateTable, PostgresQueryBuilder};
    /// let mut t = CreateTable::new("sessions");
    /// t.timestamp("expires_at").index();
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"CREATE TABLE "sessions" ( "expires_at" timestamptz )"#,
    ///     r#"CREATE INDEX "sessions_expires_at_index" ON "sessions" ("expires_at")"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn index(&mut self) -> &mut Self {
        self.index_with(|_| {})
    }

    /// An index on this column, configured by `configure` (name, method, predicate, …).
    ///
    /// ```
    /// # use knexrs_schema::{CreateTable, PostgresQueryBuilder};
    /// let mut t = CreateTable::new("sessions");
    /// t.jsonb("labels").index_with(|i| {
    ///     i.name("idx_sessions_labels").using("gin");
    /// });
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"CREATE TABLE "sessions" ( "labels" jsonb )"#,
    ///     r#"CREATE INDEX "idx_sessions_labels" ON "sessions" USING gin ("labels")"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn index_with(&mut self, configure: impl FnOnce(&mut IndexDef)) -> &mut Self {
        if !self.table.columns[self.column].ty.is_increments() {
            let name = self.name();
            configure(self.table.index(name));
        }
        self
    }

    /// A foreign key from this column: `"table.column"`, or a column followed by
    /// [`in_table`](Self::in_table) (knex `references`).
    ///
    /// ```
    /// # use knexrs_schema::{CreateTable, PostgresQueryBuilder};
    /// let mut t = CreateTable::new("token_jti");
    /// t.text("session_id").references("sessions.session_id");
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"CREATE TABLE "token_jti" ( "session_id" text )"#,
    ///     r#"ALTER TABLE "token_jti" ADD CONSTRAINT "token_jti_session_id_foreign" FOREIGN KEY ("session_id") REFERENCES "sessions" ("session_id")"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn references(&mut self, target: impl Into<String>) -> &mut Self {
        let mut foreign = ForeignDef::new(vec![self.name()]);
        foreign.references(target.into());
        self.foreign = Some(self.table.push_item(TableItem::Foreign(foreign)));
        self
    }

    fn with_foreign(&mut self, what: &str, update: impl FnOnce(&mut ForeignDef)) -> &mut Self {
        match self.foreign.and_then(|i| self.table.items.get_mut(i)) {
            Some(TableItem::Foreign(foreign)) => {
                update(foreign);
                self
            }
            _ => self.misuse(format!("{what} needs a foreign key: call .references(\"table.column\") first")),
        }
    }

    /// The referenced table (knex `inTable` / `on`).
    ///
    /// ```
    /// # use knexrs_schema::{CreateTable, PostgresQueryBuilder};
    /// let mut t = CreateTable::new("token_jti");
    /// t.text("session_id").references("session_id").in_table("sessions");
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"CREATE TABLE "token_jti" ( "session_id" text )"#,
    ///     r#"ALTER TABLE "token_jti" ADD CONSTRAINT "token_jti_session_id_foreign" FOREIGN KEY ("session_id") REFERENCES "sessions" ("session_id")"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn in_table(&mut self, table: impl Into<String>) -> &mut Self {
        let table = table.into();
        self.with_foreign("in_table", |f| {
            f.in_table(table);
        })
    }

    /// What happens when the referenced row is deleted (knex `onDelete`).
    ///
    /// ```
    /// # use knexrs_schema::{CreateTable, ForeignKeyAction, PostgresQueryBuilder};
    /// let mut t = CreateTable::new("token_jti");
    /// t.text("session_id").references("sessions.session_id").on_delete(ForeignKeyAction::Cascade);
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"CREATE TABLE "token_jti" ( "session_id" text )"#,
    ///     r#"ALTER TABLE "token_jti" ADD CONSTRAINT "token_jti_session_id_foreign" FOREIGN KEY ("session_id") REFERENCES "sessions" ("session_id") ON DELETE CASCADE"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn on_delete(&mut self, action: ForeignKeyAction) -> &mut Self {
        self.with_foreign("on_delete", |f| {
            f.on_delete(action);
        })
    }

    /// What happens when the referenced key changes (knex `onUpdate`).
    ///
    /// ```
    /// # use knexrs_schema::{CreateTable, ForeignKeyAction, PostgresQueryBuilder};
    /// let mut t = CreateTable::new("token_jti");
    /// t.text("session_id").references("sessions.session_id").on_update(ForeignKeyAction::Restrict);
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"CREATE TABLE "token_jti" ( "session_id" text )"#,
    ///     r#"ALTER TABLE "token_jti" ADD CONSTRAINT "token_jti_session_id_foreign" FOREIGN KEY ("session_id") REFERENCES "sessions" ("session_id") ON UPDATE RESTRICT"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn on_update(&mut self, action: ForeignKeyAction) -> &mut Self {
        self.with_foreign("on_update", |f| {
            f.on_update(action);
        })
    }

    /// Makes the foreign key deferrable (knex `deferrable`).
    ///
    /// ```
    /// # use knexrs_schema::{CreateTable, Deferrable, PostgresQueryBuilder};
    /// let mut t = CreateTable::new("token_jti");
    /// t.text("session_id").references("sessions.session_id").deferrable(Deferrable::Deferred);
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"CREATE TABLE "token_jti" ( "session_id" text )"#,
    ///     r#"ALTER TABLE "token_jti" ADD CONSTRAINT "token_jti_session_id_foreign" FOREIGN KEY ("session_id") REFERENCES "sessions" ("session_id") deferrable initially deferred"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn deferrable(&mut self, deferrable: crate::Deferrable) -> &mut Self {
        self.with_foreign("deferrable", |f| {
            f.deferrable(deferrable);
        })
    }

    /// Names the foreign key constraint (knex `withKeyName`).
    ///
    /// ```
    /// # use knexrs_schema::{CreateTable, PostgresQueryBuilder};
    /// let mut t = CreateTable::new("token_jti");
    /// t.text("session_id").references("sessions.session_id").foreign_key_name("fk_jti_session");
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"CREATE TABLE "token_jti" ( "session_id" text )"#,
    ///     r#"ALTER TABLE "token_jti" ADD CONSTRAINT "fk_jti_session" FOREIGN KEY ("session_id") REFERENCES "sessions" ("session_id")"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn foreign_key_name(&mut self, name: impl Into<String>) -> &mut Self {
        let name = name.into();
        self.with_foreign("foreign_key_name", |f| {
            f.name(name);
        })
    }

    /// Adds the foreign key `NOT VALID`, to validate later without a long lock.
    ///
    /// ```
    /// # use knexrs_schema::{AlterTable, PostgresQueryBuilder};
    /// let mut t = AlterTable::new("token_jti");
    /// t.text("session_id").references("sessions.session_id").foreign_key_not_valid();
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"ALTER TABLE "token_jti" ADD COLUMN "session_id" text"#,
    ///     r#"ALTER TABLE "token_jti" ADD CONSTRAINT "token_jti_session_id_foreign" FOREIGN KEY ("session_id") REFERENCES "sessions" ("session_id") not valid"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn foreign_key_not_valid(&mut self) -> &mut Self {
        self.with_foreign("foreign_key_not_valid", |f| {
            f.not_valid();
        })
    }

    /// `timestamp` / `time` without time zone (knex `useTz: false`).
    ///
    /// ```
    /// # use knexrs_schema::{CreateTable, PostgresQueryBuilder};
    /// let mut t = CreateTable::new("events");
    /// t.timestamp("happened_at").without_time_zone();
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [r#"CREATE TABLE "events" ( "happened_at" timestamp )"#]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn without_time_zone(&mut self) -> &mut Self {
        match &mut self.spec().ty {
            ColumnType::Timestamp { tz, .. } | ColumnType::Time { tz, .. } => {
                *tz = false;
                self
            }
            _ => self.misuse("without_time_zone applies to timestamp and time columns only"),
        }
    }

    /// Fractional-second digits of a `timestamp` / `time` column (knex `precision`).
    ///
    /// ```
    /// # use knexrs_schema::{CreateTable, PostgresQueryBuilder};
    /// let mut t = CreateTable::new("events");
    /// t.timestamp("happened_at").precision(3);
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"CREATE TABLE "events" ( "happened_at" timestamptz(3) )"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn precision(&mut self, digits: u32) -> &mut Self {
        match &mut self.spec().ty {
            ColumnType::Timestamp { precision, .. } | ColumnType::Time { precision, .. } => {
                *precision = Some(digits);
                self
            }
            _ => self.misuse("precision applies to timestamp and time columns only; decimal takes it as an argument"),
        }
    }

    /// A serial column that is not the primary key (knex `primaryKey: false`).
    ///
    /// ```
    /// # use knexrs_schema::{CreateTable, PostgresQueryBuilder};
    /// let mut t = CreateTable::new("events");
    /// t.uuid("id").primary();
    /// t.increments("seq").without_primary_key();
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"CREATE TABLE "events" ( "id" uuid, "seq" serial, CONSTRAINT "events_pkey" PRIMARY KEY ("id") )"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn without_primary_key(&mut self) -> &mut Self {
        if self.table.columns[self.column].ty.is_increments() {
            self.spec().primary_key = false;
            self
        } else {
            self.misuse("without_primary_key applies to increments and big_increments only")
        }
    }

    /// `generated always|by default as identity`: the SQL-standard successor of `serial`.
    ///
    /// ```
    /// # use knexrs_schema::{CreateTable, Identity, PostgresQueryBuilder};
    /// let mut t = CreateTable::new("events");
    /// t.big_integer("id").identity(Identity::Always).primary();
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"CREATE TABLE "events" ( "id" bigint GENERATED ALWAYS AS IDENTITY, CONSTRAINT "events_pkey" PRIMARY KEY ("id") )"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn identity(&mut self, identity: Identity) -> &mut Self {
        self.spec().identity = Some(identity);
        self
    }

    /// `generated always as (expr) stored`: a column computed from the others.
    ///
    /// ```
    /// # use knexrs_schema::{CreateTable, PostgresQueryBuilder};
    /// let mut t = CreateTable::new("users");
    /// t.text("email");
    /// t.text("email_lower").generated_stored("lower(email)");
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"CREATE TABLE "users" ( "email" text, "email_lower" text GENERATED ALWAYS AS (lower(email)) STORED )"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn generated_stored(&mut self, expression: impl Into<String>) -> &mut Self {
        self.spec().generated = Some(Generated { expression: expression.into(), stored: true });
        self
    }

    /// `generated always as (expr) virtual`: computed when read, never stored
    /// (PostgreSQL 18 or later; on older servers the migration is refused
    /// with the version it needs).
    ///
    /// ```
    /// # use knexrs_schema::{CreateTable, PostgresQueryBuilder, SchemaBuilder, SchemaError, ServerVersion};
    /// let mut schema = SchemaBuilder::new();
    /// schema.create_table("users", |t| {
    ///     t.text("email");
    ///     t.text("email_lower").generated_virtual("lower(email)");
    /// });
    /// assert_eq!(schema.build(PostgresQueryBuilder)?, [
    ///     r#"CREATE TABLE "users" ( "email" text, "email_lower" text GENERATED ALWAYS AS (lower(email)) VIRTUAL )"#,
    /// ]);
    /// assert!(schema.check_server(ServerVersion::major(18)).is_ok());
    /// let refused = schema.check_server(ServerVersion::major(17)).unwrap_err();
    /// assert_eq!(refused.to_string(), "generated_virtual needs PostgreSQL 18 or later, and the server is PostgreSQL 17: use generated_stored, or upgrade the server");
    /// # Ok::<(), SchemaError>(())
    /// ```
    pub fn generated_virtual(&mut self, expression: impl Into<String>) -> &mut Self {
        self.spec().generated = Some(Generated { expression: expression.into(), stored: false });
        self
    }

    /// The schema of this column's native enum type (knex `schemaName`).
    ///
    /// ```
    /// # use knexrs_schema::{CreateTable, PostgresQueryBuilder};
    /// let mut t = CreateTable::new("sessions");
    /// t.existing_enum("status", "session_status").type_schema("app");
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"CREATE TABLE "sessions" ( "status" "app"."session_status" )"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn type_schema(&mut self, schema: impl Into<String>) -> &mut Self {
        match &mut self.spec().ty {
            ColumnType::Enum(EnumType::Native { schema: type_schema, .. }) => {
                *type_schema = Some(schema.into());
                self
            }
            _ => self.misuse("type_schema applies to native_enum and existing_enum columns only"),
        }
    }
}

impl ColumnBuilder<'_, Alter> {
    /// Changes an existing column to this definition instead of adding it
    /// (knex `alter()`): drops its default and not-null, changes the type with a
    /// `using` cast, then sets the new default and not-null.
    ///
    /// ```
    /// # use knexrs_schema::{AlterTable, PostgresQueryBuilder};
    /// let mut t = AlterTable::new("sessions");
    /// t.string_len("pod_ip", 64).not_nullable().alter();
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"alter table "sessions" alter column "pod_ip" drop default"#,
    ///     r#"alter table "sessions" alter column "pod_ip" drop not null"#,
    ///     r#"alter table "sessions" alter column "pod_ip" type varchar(64) using ("pod_ip"::varchar(64))"#,
    ///     r#"alter table "sessions" alter column "pod_ip" set not null"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn alter(&mut self) -> &mut Self {
        self.spec().alter = Some(AlterMode { nullable: true, ty: true });
        self
    }

    /// Whether `alter` touches nullability (knex `alterNullable`, default true).
    ///
    /// ```
    /// # use knexrs_schema::{AlterTable, PostgresQueryBuilder};
    /// let mut t = AlterTable::new("sessions");
    /// t.string_len("pod_ip", 64).alter().alter_nullable(false);
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"alter table "sessions" alter column "pod_ip" drop default"#,
    ///     r#"alter table "sessions" alter column "pod_ip" type varchar(64) using ("pod_ip"::varchar(64))"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn alter_nullable(&mut self, alter: bool) -> &mut Self {
        let mode = self.spec().alter.get_or_insert(AlterMode { nullable: true, ty: true });
        mode.nullable = alter;
        self
    }

    /// Whether `alter` changes the type (knex `alterType`, default true).
    ///
    /// ```
    /// # use knexrs_schema::{AlterTable, PostgresQueryBuilder};
    /// let mut t = AlterTable::new("sessions");
    /// t.text("pod_ip").default_to("unknown").alter().alter_type(false);
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"alter table "sessions" alter column "pod_ip" drop default"#,
    ///     r#"alter table "sessions" alter column "pod_ip" drop not null"#,
    ///     r#"alter table "sessions" alter column "pod_ip" set default 'unknown'"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn alter_type(&mut self, alter: bool) -> &mut Self {
        let mode = self.spec().alter.get_or_insert(AlterMode { nullable: true, ty: true });
        mode.ty = alter;
        self
    }
}
