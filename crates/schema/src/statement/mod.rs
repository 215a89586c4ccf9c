//! Schema statements other than tables, and the enum over all of them.

mod data;
mod drop_table;
mod enum_type;
mod extension;
mod introspect;
mod namespace;
mod raw;
mod rename_table;
mod step;
mod view;

pub use data::DataSql;
pub use drop_table::DropTable;
pub use enum_type::{AlterEnumType, DropType};
pub use extension::{CreateExtension, DropExtension};
pub use introspect::{HasColumn, HasTable};
pub use namespace::{CreateSchema, DropSchema};
pub use raw::RawSql;
pub use rename_table::RenameTable;
pub use step::RuntimeStep;
pub use view::{AlterView, CreateView, DropView, RefreshMaterializedView, RenameView};

use crate::{AlterTable, CreateTable, SchemaError};
use sea_query::PostgresQueryBuilder;

/// Any statement a [`SchemaBuilder`](crate::SchemaBuilder) can hold.
///
/// ```
/// use knexrs_schema::{DropTable, PostgresQueryBuilder, SchemaStatement};
///
/// let mut drop = DropTable::new("users");
/// drop.if_exists();
/// let statement = SchemaStatement::from(drop);
/// assert_eq!(statement.build(PostgresQueryBuilder).unwrap(), [r#"DROP TABLE IF EXISTS "users""#]);
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum SchemaStatement {
    /// `create table`.
    CreateTable(CreateTable),
    /// `alter table`.
    AlterTable(AlterTable),
    /// `drop table`.
    DropTable(DropTable),
    /// `alter table … rename to`.
    RenameTable(RenameTable),
    /// `create schema`.
    CreateSchema(CreateSchema),
    /// `drop schema`.
    DropSchema(DropSchema),
    /// `create extension`.
    CreateExtension(CreateExtension),
    /// `drop extension`.
    DropExtension(DropExtension),
    /// `alter type … add value`.
    AlterEnumType(AlterEnumType),
    /// `drop type`.
    DropType(DropType),
    /// `create [or replace] [materialized] view`.
    CreateView(CreateView),
    /// `drop [materialized] view`.
    DropView(DropView),
    /// `alter view … rename to`.
    RenameView(RenameView),
    /// `alter view` on columns.
    AlterView(AlterView),
    /// `refresh materialized view`.
    RefreshMaterializedView(RefreshMaterializedView),
    /// Raw SQL.
    Raw(RawSql),
    /// A data statement built with the query builder.
    Data(DataSql),
    /// Rust code a migration runner runs at this place.
    Step(RuntimeStep),
}

macro_rules! statements {
    ($($variant:ident => $ty:ident),*) => {
        $(impl From<$ty> for SchemaStatement {
            fn from(statement: $ty) -> Self {
                SchemaStatement::$variant(statement)
            }
        })*

        impl SchemaStatement {
            /// The SQL statements, in order.
            ///
            /// ```
            /// # use knexrs_schema::{DropTable, SchemaStatement, PostgresQueryBuilder};
            /// let statement = SchemaStatement::from(DropTable::new("sessions"));
            /// assert_eq!(statement.build(PostgresQueryBuilder)?, [r#"DROP TABLE "sessions""#]);
            /// # Ok::<(), knexrs_schema::SchemaError>(())
            /// ```
            pub fn build(&self, _: PostgresQueryBuilder) -> Result<Vec<String>, SchemaError> {
                match self {
                    $(SchemaStatement::$variant(s) => s.build(PostgresQueryBuilder),)*
                }
            }
        }
    };
}

statements!(
    CreateTable => CreateTable,
    AlterTable => AlterTable,
    DropTable => DropTable,
    RenameTable => RenameTable,
    CreateSchema => CreateSchema,
    DropSchema => DropSchema,
    CreateExtension => CreateExtension,
    DropExtension => DropExtension,
    AlterEnumType => AlterEnumType,
    DropType => DropType,
    CreateView => CreateView,
    DropView => DropView,
    RenameView => RenameView,
    AlterView => AlterView,
    RefreshMaterializedView => RefreshMaterializedView,
    Raw => RawSql,
    Data => DataSql,
    Step => RuntimeStep
);

impl SchemaStatement {
    /// Whether PostgreSQL refuses to run this statement inside a transaction
    /// (`create index concurrently`, `refresh materialized view concurrently`, …).
    ///
    /// ```
    /// # use knexrs_schema::{RefreshMaterializedView, SchemaStatement};
    /// let mut refresh = RefreshMaterializedView::new("totals");
    /// assert!(!SchemaStatement::from(refresh.clone()).needs_no_transaction());
    /// refresh.concurrently();
    /// assert!(SchemaStatement::from(refresh).needs_no_transaction());
    /// ```
    pub fn needs_no_transaction(&self) -> bool {
        match self {
            SchemaStatement::CreateTable(t) => t.needs_no_transaction(),
            SchemaStatement::AlterTable(t) => t.needs_no_transaction(),
            SchemaStatement::RefreshMaterializedView(r) => r.is_concurrent(),
            SchemaStatement::Raw(raw) => raw.needs_no_transaction(),
            SchemaStatement::Step(step) => step.is_outside_transaction(),
            _ => false,
        }
    }
}
