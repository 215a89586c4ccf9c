//! What `select` takes: a column name (with an optional `as` alias) or a
//! number, as knex's `select('id', 'email as e')` and `select(1)` do.

use crate::ident::{IntoName, split_alias};
use crate::{IntoOperand, Operand, Raw};
use std::borrow::Cow;

/// A selected item: a column (`"id"`, `"users.id"`, `"email as e"`) or a
/// number written as is (knex `select(1)`).
///
/// ```
/// # use knexrs_query::{Select, PostgresQueryBuilder};
/// let mut q = Select::new();
/// q.column(1);
/// assert_eq!(q.build(PostgresQueryBuilder)?.0, "select 1");
/// let mut q = Select::from("users");
/// q.columns([1, 2]);
/// assert_eq!(q.build(PostgresQueryBuilder)?.0, r#"select 1, 2 from "users""#);
/// # Ok::<(), knexrs_query::QueryError>(())
/// ```
pub trait IntoSelected {
    /// The operand and its alias.
    ///
    /// ```
    /// use knexrs_query::IntoSelected;
    ///
    /// let (_, alias) = "email as e".into_selected();
    /// assert_eq!(alias.as_deref(), Some("e"));
    /// ```
    fn into_selected(self) -> (Operand, Option<Cow<'static, str>>);
}

impl<T: IntoName> IntoSelected for T {
    fn into_selected(self) -> (Operand, Option<Cow<'static, str>>) {
        let (name, alias) = split_alias(self.into_name());
        (crate::col(name), alias)
    }
}

macro_rules! numbers {
    ($($number:ty),*) => {$(
        /// A number, written into the SQL as is (it cannot carry SQL).
        impl IntoSelected for $number {
            fn into_selected(self) -> (Operand, Option<Cow<'static, str>>) {
                (Raw::new(self.to_string()).into_operand(), None)
            }
        }
    )*};
}

numbers!(i32, i64, u32, u64);
