//! `select`, laid out in knex's clause order (with, columns, from, joins,
//! where, unions, group by, having, order by, limit, offset, lock).

mod aggregate;
mod having;
mod joins;
mod query;
mod render;
mod selected;
mod set_ops;
mod source;
mod tail;
mod window;

pub use aggregate::IntoAggregated;
pub use query::{Select, table};
pub use selected::IntoSelected;
pub use set_ops::{except, intersect, union, union_all};
pub use source::{IntoSource, Source, aliased};
pub use tail::{Nulls, Order};
pub use window::Window;
