//! Select-list items: columns and operands, aggregates (`count`, `sum`, …).

use super::Select;
use super::window::Window;
use crate::ident::{Name, split_alias};
use crate::operand::{IntoOperand, Operand};
use crate::{IntoName, Raw};
use std::borrow::Cow;

#[derive(Debug, Clone)]
pub(super) enum SelectItem {
    Operand(Operand, Option<Name>),
    Aggregate { function: &'static str, distinct: bool, args: Vec<Operand>, alias: Option<Name> },
    Window { function: &'static str, window: Window, alias: Option<Name> },
}

/// What an aggregate takes: a column (`"id"`, `"id as n"`), several columns,
/// or raw SQL.
///
/// ```
/// # use knexrs_query::{raw, Select, PostgresQueryBuilder};
/// let mut q = Select::from("sessions");
/// q.count("*") // every row
///     .count("pod_ip as placed") // a column, aliased
///     .count_distinct(["owner_user_id", "job_name"]) // several columns
///     .max(raw("expires_at - created_at")); // raw SQL
/// assert_eq!(
///     q.build(PostgresQueryBuilder)?.0,
///     r#"select count(*), count("pod_ip") as "placed", count(distinct("owner_user_id", "job_name")), max(expires_at - created_at) from "sessions""#
/// );
/// # Ok::<(), knexrs_query::QueryError>(())
/// ```
pub trait IntoAggregated {
    /// The arguments, and an alias given in the name (`"id as n"`).
    ///
    /// ```
    /// use knexrs_query::IntoAggregated;
    ///
    /// let (arguments, _alias) = "*".into_aggregated();
    /// assert!(arguments.is_empty()); // count(*)
    /// ```
    fn into_aggregated(self) -> (Vec<Operand>, Option<Name>);
}

fn aggregated_name(name: Cow<'static, str>) -> (Vec<Operand>, Option<Name>) {
    let (column, alias) = split_alias(name);
    let args = if column == "*" { Vec::new() } else { vec![crate::col(column)] };
    (args, alias)
}

impl IntoAggregated for &'static str {
    fn into_aggregated(self) -> (Vec<Operand>, Option<Name>) {
        aggregated_name(self.into_name())
    }
}

impl IntoAggregated for String {
    fn into_aggregated(self) -> (Vec<Operand>, Option<Name>) {
        aggregated_name(self.into_name())
    }
}

impl<const N: usize> IntoAggregated for [&'static str; N] {
    fn into_aggregated(self) -> (Vec<Operand>, Option<Name>) {
        (self.into_iter().map(crate::col).collect(), None)
    }
}

impl IntoAggregated for Raw {
    fn into_aggregated(self) -> (Vec<Operand>, Option<Name>) {
        (vec![self.into_operand()], None)
    }
}

impl IntoAggregated for Operand {
    fn into_aggregated(self) -> (Vec<Operand>, Option<Name>) {
        (vec![self], None)
    }
}

macro_rules! aggregates {
    ($($(#[$doc:meta])* $name:ident, $as_name:ident => $function:literal, $distinct:literal, $example:literal;)*) => {$(
        $(#[$doc])*
        pub fn $name(&mut self, column: impl IntoAggregated) -> &mut Self {
            self.aggregate($function, $distinct, column, None)
        }

        #[doc = concat!("`", $function, "(…) as alias`.")]
        ///
        /// ```
        /// # use knexrs_query::{Select, PostgresQueryBuilder};
        /// let mut q = Select::from("orders");
        #[doc = concat!("q.", stringify!($as_name), "(\"amount\", \"total\");")]
        #[doc = concat!("assert_eq!(q.build(PostgresQueryBuilder)?.0, r#\"select ", $example, " as \"total\" from \"orders\"\"#);")]
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        pub fn $as_name(&mut self, column: impl IntoAggregated, alias: impl IntoName) -> &mut Self {
            self.aggregate($function, $distinct, column, Some(alias.into_name()))
        }
    )*};
}

impl Select {
    fn aggregate(
        &mut self,
        function: &'static str,
        distinct: bool,
        column: impl IntoAggregated,
        alias: Option<Name>,
    ) -> &mut Self {
        let (args, given) = column.into_aggregated();
        self.columns.push(SelectItem::Aggregate { function, distinct, args, alias: alias.or(given) });
        self
    }

    aggregates! {
        /// `count(column)`; `"*"` counts rows, `"id as n"` aliases.
        ///
        /// ```
        /// # use knexrs_query::{Select, PostgresQueryBuilder};
        /// let mut q = Select::from("orders");
        /// q.count("*").count("session_id as with_id");
        /// assert_eq!(
        ///     q.build(PostgresQueryBuilder)?.0,
        ///     r#"select count(*), count("session_id") as "with_id" from "orders""#
        /// );
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        count, count_as => "count", false, r#"count("amount")"#;
        /// `count(distinct column)`; several columns give `count(distinct(a, b))`.
        ///
        /// ```
        /// # use knexrs_query::{Select, PostgresQueryBuilder};
        /// let mut q = Select::from("orders");
        /// q.count_distinct("owner_user_id").count_distinct(["owner_user_id", "pod_ip"]);
        /// assert_eq!(
        ///     q.build(PostgresQueryBuilder)?.0,
        ///     r#"select count(distinct "owner_user_id"), count(distinct("owner_user_id", "pod_ip")) from "orders""#
        /// );
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        count_distinct, count_distinct_as => "count", true, r#"count(distinct "amount")"#;
        /// `sum(column)`.
        ///
        /// ```
        /// # use knexrs_query::{Select, PostgresQueryBuilder};
        /// let mut q = Select::from("orders");
        /// q.sum("amount");
        /// assert_eq!(q.build(PostgresQueryBuilder)?.0, r#"select sum("amount") from "orders""#);
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        sum, sum_as => "sum", false, r#"sum("amount")"#;
        /// `sum(distinct column)`.
        ///
        /// ```
        /// # use knexrs_query::{Select, PostgresQueryBuilder};
        /// let mut q = Select::from("orders");
        /// q.sum_distinct("amount");
        /// assert_eq!(q.build(PostgresQueryBuilder)?.0, r#"select sum(distinct "amount") from "orders""#);
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        sum_distinct, sum_distinct_as => "sum", true, r#"sum(distinct "amount")"#;
        /// `avg(column)`.
        ///
        /// ```
        /// # use knexrs_query::{Select, PostgresQueryBuilder};
        /// let mut q = Select::from("orders");
        /// q.avg("amount as mean");
        /// assert_eq!(q.build(PostgresQueryBuilder)?.0, r#"select avg("amount") as "mean" from "orders""#);
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        avg, avg_as => "avg", false, r#"avg("amount")"#;
        /// `avg(distinct column)`.
        ///
        /// ```
        /// # use knexrs_query::{Select, PostgresQueryBuilder};
        /// let mut q = Select::from("orders");
        /// q.avg_distinct("amount");
        /// assert_eq!(q.build(PostgresQueryBuilder)?.0, r#"select avg(distinct "amount") from "orders""#);
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        avg_distinct, avg_distinct_as => "avg", true, r#"avg(distinct "amount")"#;
        /// `min(column)`.
        ///
        /// ```
        /// # use knexrs_query::{Select, PostgresQueryBuilder};
        /// let mut q = Select::from("orders");
        /// q.min("created_at");
        /// assert_eq!(q.build(PostgresQueryBuilder)?.0, r#"select min("created_at") from "orders""#);
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        min, min_as => "min", false, r#"min("amount")"#;
        /// `max(column)`.
        ///
        /// ```
        /// # use knexrs_query::{raw, Select, PostgresQueryBuilder};
        /// let mut q = Select::from("orders");
        /// q.max(raw("coalesce(updated_at, created_at)"));
        /// assert_eq!(
        ///     q.build(PostgresQueryBuilder)?.0,
        ///     r#"select max(coalesce(updated_at, created_at)) from "orders""#
        /// );
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        max, max_as => "max", false, r#"max("amount")"#;
    }
}
