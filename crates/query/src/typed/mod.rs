//! Typed tables: a table described once in Rust (name, columns, their Rust
//! types), so the compiler rejects a value of the wrong type and a column of
//! another table. `cargo xtask schema generate` writes these descriptions from
//! the migrated database.

mod accepts;
mod builders;
mod column;
mod json_value;
pub(crate) mod pg_enum;
mod table;

pub use accepts::Accepts;
pub use builders::{TypedDelete, TypedInsert, TypedSelect, TypedUpdate};
pub use column::{Column, Cond, OrderBy};
pub use json_value::Json;
pub use pg_enum::PgEnum;
pub use table::Table;
