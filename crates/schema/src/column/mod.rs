//! Columns: their types, defaults, checks, and the builder that sets them.

mod builder;
mod check;
mod default;
mod spec;
mod types;

pub use builder::ColumnBuilder;
pub use check::Check;
pub use default::{DefaultValue, now, now_with_precision, raw};
pub use spec::Identity;
pub use types::{ColumnType, EnumType};

pub(crate) use spec::{AlterMode, ColumnSpec};
