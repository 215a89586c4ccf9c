//! The table builder: columns and constraints, recorded in call order.

use super::item::{CheckDef, DropDef, DropKind, TableItem};
use super::{ForeignDef, IndexDef, IntoColumns, PrimaryDef, UniqueDef};
use crate::SchemaError;
use crate::column::{ColumnBuilder, ColumnSpec, ColumnType, DefaultValue, EnumType};
use std::marker::PhantomData;

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::Create {}
    impl Sealed for super::Alter {}
}

/// Whether a [`TableBuilder`] creates a table or alters one: [`Create`] or
/// [`Alter`]. Methods that only make sense for one of them (`if_not_exists`,
/// `drop_column`, `.alter()`) exist only on that kind.
///
/// ```
/// use knexrs_schema::{TableBuilder, TableKind};
///
/// fn add_audit_columns<K: TableKind>(t: &mut TableBuilder<K>) {
///     t.text("created_by");
///     t.timestamps_with(true, true);
/// }
/// let mut t = knexrs_schema::CreateTable::new("notes");
/// add_audit_columns(&mut t);
/// ```
pub trait TableKind: sealed::Sealed {}

/// Marks a builder that creates a table (knex `createTable`).
///
/// ```
/// use knexrs_schema::{Create, TableBuilder};
///
/// let mut t: TableBuilder<Create> = TableBuilder::new("notes");
/// t.if_not_exists().text("body");
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Create;
/// Marks a builder that alters a table (knex `table` / `alterTable`).
///
/// ```
/// use knexrs_schema::{Alter, TableBuilder};
///
/// let mut t: TableBuilder<Alter> = TableBuilder::new("notes");
/// t.drop_column("legacy");
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Alter;
impl TableKind for Create {}
impl TableKind for Alter {}

/// `create table`: the builder knex passes to a `createTable` callback.
///
/// ```
/// use knexrs_schema::{CreateTable, PostgresQueryBuilder};
///
/// let mut table = CreateTable::new("users");
/// table.increments("id");
/// table.string("email").not_nullable().unique();
/// let sql = table.build(PostgresQueryBuilder).unwrap();
/// assert_eq!(sql[0], r#"CREATE TABLE "users" ( "id" serial PRIMARY KEY, "email" varchar(255) NOT NULL )"#);
/// assert_eq!(sql[1], r#"alter table "users" add constraint "users_email_unique" unique ("email")"#);
/// ```
pub type CreateTable = TableBuilder<Create>;

/// `alter table`: the builder knex passes to a `table` / `alterTable` callback.
///
/// ```
/// use knexrs_schema::{AlterTable, PostgresQueryBuilder};
///
/// let mut table = AlterTable::new("users");
/// table.string("nickname");
/// table.drop_column("legacy");
/// table.rename_column("fullname", "name");
/// let sql = table.build(PostgresQueryBuilder).unwrap();
/// assert_eq!(sql[0], r#"ALTER TABLE "users" ADD COLUMN "nickname" varchar(255)"#);
/// assert_eq!(sql[1], r#"ALTER TABLE "users" DROP COLUMN "legacy""#);
/// assert_eq!(sql[2], r#"ALTER TABLE "users" RENAME COLUMN "fullname" TO "name""#);
/// ```
pub type AlterTable = TableBuilder<Alter>;

/// Columns, indexes and constraints of one table, recorded in the order they
/// are called and rendered the way knex renders them (see [`CreateTable`] and
/// [`AlterTable`]).
///
/// ```
/// use knexrs_schema::{CreateTable, PostgresQueryBuilder, now};
///
/// let mut sessions = CreateTable::new("sessions");
/// sessions.text("session_id").primary();
/// sessions.timestamp("expires_at").not_nullable();
/// sessions.timestamps_with(true, true);
/// sessions.index("expires_at").name("idx_sessions_expires");
/// let sql = sessions.build(PostgresQueryBuilder).unwrap();
/// assert_eq!(sql.len(), 2);
/// ```
#[derive(Debug, Clone)]
pub struct TableBuilder<K: TableKind> {
    pub(crate) schema: Option<String>,
    pub(crate) name: String,
    pub(crate) columns: Vec<ColumnSpec>,
    pub(crate) items: Vec<TableItem>,
    pub(crate) comment: Option<String>,
    pub(crate) if_not_exists: bool,
    pub(crate) like: Option<String>,
    pub(crate) inherits: Option<String>,
    /// Misuse found while building (a modifier on the wrong column type, …),
    /// reported by `build` so the builder methods can stay infallible.
    pub(crate) misuse: Vec<(String, String)>,
    kind: PhantomData<K>,
}

macro_rules! push_item {
    ($self:ident, $variant:ident, $value:expr) => {{
        $self.items.push(TableItem::$variant($value));
        match $self.items.last_mut() {
            Some(TableItem::$variant(item)) => item,
            _ => unreachable!("the item was pushed on the line above"),
        }
    }};
}

macro_rules! column_types {
    ($($(#[$doc:meta])* $method:ident => $ty:expr, $sql:literal;)*) => {$(
        $(#[$doc])*
        ///
        /// ```
        /// # use knexrs_schema::{CreateTable, PostgresQueryBuilder};
        /// let mut t = CreateTable::new("t");
        #[doc = concat!("t.", stringify!($method), "(\"c\");")]
        #[doc = concat!("assert_eq!(t.build(PostgresQueryBuilder)?, [r#\"CREATE TABLE \"t\" ( \"c\" ", $sql, " )\"#]);")]
        /// # Ok::<(), knexrs_schema::SchemaError>(())
        /// ```
        pub fn $method(&mut self, name: impl Into<String>) -> ColumnBuilder<'_, K> {
            self.column(name, $ty)
        }
    )*};
}

impl<K: TableKind> TableBuilder<K> {
    /// A builder for the table `name`.
    ///
    /// ```
    /// # use knexrs_schema::{CreateTable, PostgresQueryBuilder};
    /// let mut t = CreateTable::new("notes");
    /// t.increments("id");
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [r#"CREATE TABLE "notes" ( "id" serial PRIMARY KEY )"#]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn new(name: impl Into<String>) -> Self {
        TableBuilder {
            schema: None,
            name: name.into(),
            columns: Vec::new(),
            items: Vec::new(),
            comment: None,
            if_not_exists: false,
            like: None,
            inherits: None,
            misuse: Vec::new(),
            kind: PhantomData,
        }
    }

    /// Puts the table in `schema` (knex `withSchema`).
    ///
    /// ```
    /// # use knexrs_schema::{CreateTable, PostgresQueryBuilder};
    /// let mut t = CreateTable::new("events");
    /// t.with_schema("audit").text("kind");
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [r#"CREATE TABLE "audit"."events" ( "kind" text )"#]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn with_schema(&mut self, schema: impl Into<String>) -> &mut Self {
        self.schema = Some(schema.into());
        self
    }

    /// The table's name as given.
    ///
    /// ```
    /// # use knexrs_schema::CreateTable;
    /// assert_eq!(CreateTable::new("sessions").table_name(), "sessions");
    /// ```
    pub fn table_name(&self) -> &str {
        &self.name
    }

    /// Adds a column of any [`ColumnType`].
    ///
    /// ```
    /// # use knexrs_schema::{ColumnType, CreateTable, PostgresQueryBuilder};
    /// let mut t = CreateTable::new("metrics");
    /// t.column("value", ColumnType::Double).not_nullable();
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"CREATE TABLE "metrics" ( "value" double precision NOT NULL )"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn column(&mut self, name: impl Into<String>, ty: ColumnType) -> ColumnBuilder<'_, K> {
        self.columns.push(ColumnSpec::new(name.into(), ty));
        let index = self.columns.len() - 1;
        ColumnBuilder::new(self, index)
    }

    column_types! {
        /// `serial primary key` (knex `increments`): an auto-incrementing integer key.
        increments => ColumnType::Increments, "serial PRIMARY KEY";
        /// `bigserial primary key` (knex `bigIncrements`).
        big_increments => ColumnType::BigIncrements, "bigserial PRIMARY KEY";
        /// `integer`.
        integer => ColumnType::Integer, "integer";
        /// `bigint` (knex `bigInteger` / `bigint`).
        big_integer => ColumnType::BigInteger, "bigint";
        /// `smallint`.
        small_integer => ColumnType::SmallInteger, "smallint";
        /// `smallint`: PostgreSQL has no one-byte integer (knex `tinyint`).
        tiny_integer => ColumnType::SmallInteger, "smallint";
        /// `integer` (knex `mediumint`).
        medium_integer => ColumnType::Integer, "integer";
        /// `varchar(255)` (knex `string` with its default length).
        string => ColumnType::String(255), "varchar(255)";
        /// `text`.
        text => ColumnType::Text, "text";
        /// `boolean`.
        boolean => ColumnType::Boolean, "boolean";
        /// `real` (knex `float`; PostgreSQL ignores the precision knex takes).
        float => ColumnType::Float, "real";
        /// `double precision`.
        double => ColumnType::Double, "double precision";
        /// `date`.
        date => ColumnType::Date, "date";
        /// `time` (add `.precision(p)`, or use a `timetz` via [`column`](Self::column)).
        time => ColumnType::Time { tz: false, precision: None }, "time";
        /// `timestamptz`, knex's default; `.without_time_zone()` makes it `timestamp`.
        timestamp => ColumnType::Timestamp { tz: true, precision: None }, "timestamptz";
        /// The same as [`timestamp`](Self::timestamp) (knex `datetime`).
        datetime => ColumnType::Timestamp { tz: true, precision: None }, "timestamptz";
        /// `bytea` (knex `binary`).
        binary => ColumnType::Binary, "bytea";
        /// `json`.
        json => ColumnType::Json, "json";
        /// `jsonb`.
        jsonb => ColumnType::Jsonb, "jsonb";
        /// `uuid`.
        uuid => ColumnType::Uuid, "uuid";
    }

    /// `varchar(length)` (knex `string(name, length)`).
    ///
    /// ```
    /// # use knexrs_schema::{CreateTable, PostgresQueryBuilder};
    /// let mut t = CreateTable::new("sessions");
    /// t.string_len("pod_ip", 45);
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [r#"CREATE TABLE "sessions" ( "pod_ip" varchar(45) )"#]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn string_len(&mut self, name: impl Into<String>, length: u32) -> ColumnBuilder<'_, K> {
        self.column(name, ColumnType::String(length))
    }

    /// `decimal(8, 2)`: knex's `decimal(name)` and its default precision and scale.
    ///
    /// ```
    /// # use knexrs_schema::{CreateTable, PostgresQueryBuilder};
    /// let mut t = CreateTable::new("invoices");
    /// t.decimal("amount");
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [r#"CREATE TABLE "invoices" ( "amount" decimal(8, 2) )"#]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn decimal(&mut self, name: impl Into<String>) -> ColumnBuilder<'_, K> {
        self.decimal_with(name, 8, 2)
    }

    /// `decimal(precision, scale)` (knex `decimal(name, precision, scale)`).
    ///
    /// ```
    /// # use knexrs_schema::{CreateTable, PostgresQueryBuilder, SchemaError};
    /// let mut t = CreateTable::new("invoices");
    /// t.decimal_with("total", 12, 2);
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [r#"CREATE TABLE "invoices" ( "total" decimal(12, 2) )"#]);
    ///
    /// let mut bad = CreateTable::new("invoices");
    /// bad.decimal_with("total", 2, 5);
    /// assert!(matches!(bad.build(PostgresQueryBuilder), Err(SchemaError::InvalidDecimal { .. })));
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn decimal_with(&mut self, name: impl Into<String>, precision: u32, scale: u32) -> ColumnBuilder<'_, K> {
        self.column(name, ColumnType::Decimal(Some((precision, scale))))
    }

    /// `decimal` with no precision: any number of digits (knex `decimal(name, null)`).
    ///
    /// ```
    /// # use knexrs_schema::{CreateTable, PostgresQueryBuilder};
    /// let mut t = CreateTable::new("invoices");
    /// t.decimal_unconstrained("total");
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [r#"CREATE TABLE "invoices" ( "total" decimal )"#]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn decimal_unconstrained(&mut self, name: impl Into<String>) -> ColumnBuilder<'_, K> {
        self.column(name, ColumnType::Decimal(None))
    }

    /// A `text` column limited to `values` by a check (knex `enu` / `enum`).
    ///
    /// ```
    /// # use knexrs_schema::{CreateTable, PostgresQueryBuilder};
    /// let mut t = CreateTable::new("sessions");
    /// t.enu("status", ["starting", "running", "stopped"]);
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"CREATE TABLE "sessions" ( "status" text CHECK ("status" in ('starting', 'running', 'stopped')) )"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn enu<I, S>(&mut self, name: impl Into<String>, values: I) -> ColumnBuilder<'_, K>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let values = values.into_iter().map(Into::into).collect();
        self.column(name, ColumnType::Enum(EnumType::Check { values }))
    }

    /// A column of a native enum type that this statement creates first
    /// (knex `enu(name, values, { useNative: true, enumName })`).
    ///
    /// ```
    /// # use knexrs_schema::{CreateTable, PostgresQueryBuilder};
    /// let mut t = CreateTable::new("sessions");
    /// t.native_enum("status", "session_status", ["starting", "running"]);
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"CREATE TYPE "session_status" AS ENUM ('starting', 'running')"#,
    ///     r#"CREATE TABLE "sessions" ( "status" "session_status" )"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn native_enum<I, S>(
        &mut self,
        name: impl Into<String>,
        type_name: impl Into<String>,
        values: I,
    ) -> ColumnBuilder<'_, K>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let values = values.into_iter().map(Into::into).collect();
        let ty = EnumType::Native { name: type_name.into(), schema: None, values, existing: false };
        self.column(name, ColumnType::Enum(ty))
    }

    /// A column of a native enum type that already exists
    /// (knex `enu(name, null, { useNative: true, existingType: true, enumName })`).
    ///
    /// ```
    /// # use knexrs_schema::{CreateTable, PostgresQueryBuilder};
    /// let mut t = CreateTable::new("pods");
    /// t.existing_enum("status", "session_status");
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [r#"CREATE TABLE "pods" ( "status" "session_status" )"#]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn existing_enum(&mut self, name: impl Into<String>, type_name: impl Into<String>) -> ColumnBuilder<'_, K> {
        let ty = EnumType::Native { name: type_name.into(), schema: None, values: Vec::new(), existing: true };
        self.column(name, ColumnType::Enum(ty))
    }

    /// A column of any SQL type, written as given (knex `specificType`).
    ///
    /// ```
    /// # use knexrs_schema::{CreateTable, PostgresQueryBuilder};
    /// let mut t = CreateTable::new("hosts");
    /// t.specific_type("address", "inet");
    /// t.specific_type("tags", "text[]");
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"CREATE TABLE "hosts" ( "address" inet, "tags" text[] )"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn specific_type(&mut self, name: impl Into<String>, sql_type: impl Into<String>) -> ColumnBuilder<'_, K> {
        self.column(name, ColumnType::Specific(sql_type.into()))
    }

    /// `point`, PostgreSQL's geometric point (knex `point`).
    ///
    /// ```
    /// # use knexrs_schema::{CreateTable, PostgresQueryBuilder};
    /// let mut t = CreateTable::new("places");
    /// t.point("location");
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [r#"CREATE TABLE "places" ( "location" point )"#]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn point(&mut self, name: impl Into<String>) -> ColumnBuilder<'_, K> {
        self.column(name, ColumnType::Specific("point".into()))
    }

    /// `geometry`, from PostGIS (knex `geometry`; needs the postgis extension).
    ///
    /// ```
    /// # use knexrs_schema::{CreateTable, PostgresQueryBuilder};
    /// let mut t = CreateTable::new("regions");
    /// t.geometry("area");
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [r#"CREATE TABLE "regions" ( "area" geometry )"#]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn geometry(&mut self, name: impl Into<String>) -> ColumnBuilder<'_, K> {
        self.column(name, ColumnType::Specific("geometry".into()))
    }

    /// `geography`, from PostGIS (knex `geography`; needs the postgis extension).
    ///
    /// ```
    /// # use knexrs_schema::{CreateTable, PostgresQueryBuilder};
    /// let mut t = CreateTable::new("regions");
    /// t.geography("area");
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [r#"CREATE TABLE "regions" ( "area" geography )"#]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn geography(&mut self, name: impl Into<String>) -> ColumnBuilder<'_, K> {
        self.column(name, ColumnType::Specific("geography".into()))
    }

    /// `bit(length)` (knex `bit`).
    ///
    /// ```
    /// # use knexrs_schema::{CreateTable, PostgresQueryBuilder};
    /// let mut t = CreateTable::new("flags");
    /// t.bit("mask", 8);
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [r#"CREATE TABLE "flags" ( "mask" bit(8) )"#]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn bit(&mut self, name: impl Into<String>, length: u32) -> ColumnBuilder<'_, K> {
        self.column(name, ColumnType::Specific(format!("bit({length})")))
    }

    /// `created_at` and `updated_at`, nullable `timestamptz` with no default:
    /// knex's `timestamps()`.
    ///
    /// ```
    /// # use knexrs_schema::{CreateTable, PostgresQueryBuilder};
    /// let mut t = CreateTable::new("notes");
    /// t.timestamps();
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"CREATE TABLE "notes" ( "created_at" timestamptz, "updated_at" timestamptz )"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn timestamps(&mut self) -> &mut Self {
        self.timestamps_with(true, false)
    }

    /// knex's `timestamps(useTimestamps, defaultToNow)`, with knex's meaning:
    /// `default_to_now` makes both `not null default CURRENT_TIMESTAMP`;
    /// `use_timestamps` picks knex's `timestamp` over its `datetime` type,
    /// and on PostgreSQL knex renders both as `timestamptz`, so it changes
    /// nothing here (it is kept so knex code ports as written). For columns
    /// without a time zone, see [`timestamps_without_tz`](Self::timestamps_without_tz).
    ///
    /// ```
    /// # use knexrs_schema::{CreateTable, PostgresQueryBuilder};
    /// let mut t = CreateTable::new("notes");
    /// t.timestamps_with(false, true);
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"CREATE TABLE "notes" ( "created_at" timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP, "updated_at" timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP )"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn timestamps_with(&mut self, use_timestamps: bool, default_to_now: bool) -> &mut Self {
        let _ = use_timestamps; // both of knex's choices are `timestamptz` on PostgreSQL
        self.add_timestamps(["created_at", "updated_at"], true, default_to_now)
    }

    /// [`timestamps_with`](Self::timestamps_with) named `createdAt` / `updatedAt`
    /// (knex `timestamps({ useCamelCase: true, … })`).
    ///
    /// ```
    /// # use knexrs_schema::{CreateTable, PostgresQueryBuilder};
    /// let mut t = CreateTable::new("notes");
    /// t.timestamps_camel_case(false, false);
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"CREATE TABLE "notes" ( "createdAt" timestamptz, "updatedAt" timestamptz )"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn timestamps_camel_case(&mut self, use_timestamps: bool, default_to_now: bool) -> &mut Self {
        let _ = use_timestamps; // as in `timestamps_with`
        self.add_timestamps(["createdAt", "updatedAt"], true, default_to_now)
    }

    /// `created_at` and `updated_at` as `timestamp` without a time zone
    /// (no knex form gives these on PostgreSQL), `not null default
    /// CURRENT_TIMESTAMP` when `default_to_now`.
    ///
    /// ```
    /// # use knexrs_schema::{CreateTable, PostgresQueryBuilder};
    /// let mut t = CreateTable::new("notes");
    /// t.timestamps_without_tz(false);
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"CREATE TABLE "notes" ( "created_at" timestamp, "updated_at" timestamp )"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn timestamps_without_tz(&mut self, default_to_now: bool) -> &mut Self {
        self.add_timestamps(["created_at", "updated_at"], false, default_to_now)
    }

    fn add_timestamps(&mut self, names: [&str; 2], use_tz: bool, default_to_now: bool) -> &mut Self {
        for name in names {
            let mut column = self.column(name, ColumnType::Timestamp { tz: use_tz, precision: None });
            if default_to_now {
                column.not_nullable().default_to(DefaultValue::Now);
            }
        }
        self
    }

    /// An index over `columns` (knex `table.index`).
    ///
    /// ```
    /// # use knexrs_schema::{CreateTable, PostgresQueryBuilder};
    /// let mut t = CreateTable::new("sessions");
    /// t.text("owner_user_id");
    /// t.timestamp("created_at");
    /// t.index(["owner_user_id", "created_at"]);
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"CREATE TABLE "sessions" ( "owner_user_id" text, "created_at" timestamptz )"#,
    ///     r#"CREATE INDEX "sessions_owner_user_id_created_at_index" ON "sessions" ("owner_user_id", "created_at")"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn index(&mut self, columns: impl IntoColumns) -> &mut IndexDef {
        push_item!(self, Index, IndexDef::new(columns.into_columns()))
    }

    /// A unique constraint over `columns` (knex `table.unique`).
    ///
    /// ```
    /// # use knexrs_schema::{CreateTable, PostgresQueryBuilder};
    /// let mut t = CreateTable::new("memberships");
    /// t.integer("user_id");
    /// t.integer("org_id");
    /// t.unique(["user_id", "org_id"]);
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"CREATE TABLE "memberships" ( "user_id" integer, "org_id" integer )"#,
    ///     r#"alter table "memberships" add constraint "memberships_user_id_org_id_unique" unique ("user_id", "org_id")"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn unique(&mut self, columns: impl IntoColumns) -> &mut UniqueDef {
        push_item!(self, Unique, UniqueDef::new(columns.into_columns()))
    }

    /// The primary key over `columns` (knex `table.primary`).
    ///
    /// ```
    /// # use knexrs_schema::{CreateTable, PostgresQueryBuilder};
    /// let mut t = CreateTable::new("memberships");
    /// t.integer("user_id");
    /// t.integer("org_id");
    /// t.primary(["user_id", "org_id"]);
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"CREATE TABLE "memberships" ( "user_id" integer, "org_id" integer, CONSTRAINT "memberships_pkey" PRIMARY KEY ("user_id", "org_id") )"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn primary(&mut self, columns: impl IntoColumns) -> &mut PrimaryDef {
        push_item!(self, Primary, PrimaryDef::new(columns.into_columns()))
    }

    /// A foreign key from `columns` (knex `table.foreign`).
    ///
    /// ```
    /// # use knexrs_schema::{CreateTable, PostgresQueryBuilder};
    /// let mut t = CreateTable::new("memberships");
    /// t.integer("user_id");
    /// t.foreign("user_id").references("id").in_table("users");
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"CREATE TABLE "memberships" ( "user_id" integer )"#,
    ///     r#"ALTER TABLE "memberships" ADD CONSTRAINT "memberships_user_id_foreign" FOREIGN KEY ("user_id") REFERENCES "users" ("id")"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn foreign(&mut self, columns: impl IntoColumns) -> &mut ForeignDef {
        push_item!(self, Foreign, ForeignDef::new(columns.into_columns()))
    }

    /// A check constraint with a raw SQL predicate (knex `table.check`).
    ///
    /// ```
    /// # use knexrs_schema::{CreateTable, PostgresQueryBuilder};
    /// let mut t = CreateTable::new("bookings");
    /// t.date("starts_on");
    /// t.date("ends_on");
    /// t.check("ends_on >= starts_on").name("bookings_dates_ordered");
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"CREATE TABLE "bookings" ( "starts_on" date, "ends_on" date, CONSTRAINT "bookings_dates_ordered" CHECK (ends_on >= starts_on) )"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn check(&mut self, sql: impl Into<String>) -> &mut CheckDef {
        push_item!(self, Check, CheckDef { sql: sql.into(), name: None, not_valid: false })
    }

    /// The table's comment (knex `table.comment`).
    ///
    /// ```
    /// # use knexrs_schema::{CreateTable, PostgresQueryBuilder};
    /// let mut t = CreateTable::new("sessions");
    /// t.text("session_id");
    /// t.comment("one row per running CLI session");
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"CREATE TABLE "sessions" ( "session_id" text )"#,
    ///     r#"comment on table "sessions" is 'one row per running CLI session'"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn comment(&mut self, text: impl Into<String>) -> &mut Self {
        self.comment = Some(text.into());
        self
    }

    pub(crate) fn push_item(&mut self, item: TableItem) -> usize {
        self.items.push(item);
        self.items.len() - 1
    }

    pub(crate) fn push_drop(&mut self, kind: DropKind, columns: Vec<String>) -> &mut DropDef {
        push_item!(self, Drop, DropDef::new(kind, columns))
    }

    /// Whether any statement of this table must run outside a transaction
    /// (`create index concurrently`, `drop index concurrently`).
    ///
    /// ```
    /// # use knexrs_schema::AlterTable;
    /// let mut t = AlterTable::new("sessions");
    /// t.index("owner_user_id");
    /// assert!(!t.needs_no_transaction());
    /// t.index("expires_at").concurrently();
    /// assert!(t.needs_no_transaction());
    /// ```
    pub fn needs_no_transaction(&self) -> bool {
        self.items.iter().any(TableItem::needs_no_transaction)
    }

    /// Records misuse of a column modifier, reported when the table is built.
    pub(crate) fn record_misuse(&mut self, column: usize, problem: impl Into<String>) {
        let name = self.columns.get(column).map(|c| c.name.clone()).unwrap_or_default();
        self.misuse.push((name, problem.into()));
    }

    /// The first problem recorded while the builder was used.
    pub(crate) fn check_misuse(&self) -> Result<(), SchemaError> {
        match self.misuse.first() {
            Some((column, problem)) => {
                Err(SchemaError::InvalidColumn { column: column.clone(), problem: problem.clone() })
            }
            None => Ok(()),
        }
    }
}
