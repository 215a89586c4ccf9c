//! Tables: the builder knex passes to `createTable` / `table` callbacks, the
//! constraints and indexes it collects, and how each renders.

mod alter;
mod builder;
mod columns;
mod create;
mod foreign;
mod index;
mod item;

pub use builder::{Alter, AlterTable, Create, CreateTable, TableBuilder, TableKind};
pub use columns::IntoColumns;
pub use foreign::ForeignDef;
pub use index::{Deferrable, IndexDef, PrimaryDef, UniqueDef};
pub use item::{CheckDef, DropDef};

pub(crate) use item::TableItem;
