//! A knex-compatible schema DSL for PostgreSQL.
//!
//! Every `knex.schema` call has a twin here that produces the same database:
//! the same types, defaults and constraints, and the same index and constraint
//! names, so later migrations can drop them by the names knex gave them. Where
//! sea-query has the statement, sea-query renders it; the rest (comments,
//! schemas, views, unique constraints) render here with sea-query's quoting.
//!
//! Beyond knex: identity and generated columns, `create index concurrently`,
//! `include`, `nulls not distinct`, `alter type … add value`, `not valid`
//! constraints with `validate constraint`. Rendering never panics on input:
//! an empty table, a decimal with scale above precision or a 64-byte identifier
//! is a [`SchemaError`].
//!
//! ```
//! use knexrs_schema::{SchemaBuilder, PostgresQueryBuilder};
//!
//! let mut schema = SchemaBuilder::new();
//! schema.create_table("users", |t| {
//!     t.increments("id");
//!     t.string("email").not_nullable().unique();
//!     t.timestamps_with(true, true);
//! });
//! let sql = schema.build(PostgresQueryBuilder).unwrap();
//! assert_eq!(sql.len(), 2);
//! ```

mod builder;
mod column;
mod error;
mod naming;
mod sql;
mod statement;
mod table;
mod version;

pub use builder::SchemaBuilder;
pub use column::{Check, ColumnBuilder, ColumnType, DefaultValue, EnumType, Identity, now, now_with_precision, raw};
pub use error::SchemaError;
pub use naming::{MAX_IDENTIFIER_BYTES, default_index_name, default_primary_key_name, truncate_identifier};
pub use statement::{
    AlterEnumType, AlterView, CreateExtension, CreateSchema, CreateView, DataSql, DropExtension, DropSchema, DropTable,
    DropType, DropView, HasColumn, HasTable, RawSql, RefreshMaterializedView, RenameTable, RenameView, RuntimeStep,
    SchemaStatement,
};
pub use table::{
    Alter, AlterTable, CheckDef, Create, CreateTable, Deferrable, DropDef, ForeignDef, IndexDef, IntoColumns,
    PrimaryDef, TableBuilder, TableKind, UniqueDef,
};
pub use version::{Feature, ServerVersion};

pub use sea_query::{ForeignKeyAction, PostgresQueryBuilder};
