//! Window functions in the select list: `rank()`, `dense_rank()`,
//! `row_number()` over a partition and an order (knex `rank`, `denseRank`,
//! `rowNumber`).

use super::Select;
use super::aggregate::SelectItem;
use super::tail::Order;
use crate::conditions::IntoColumn;
use crate::ident::Name;
use crate::operand::Operand;
use crate::render::Writer;
use crate::{IntoName, QueryError, Raw};

/// The `over (…)` of a window function: `partition by …` and `order by …`,
/// or raw SQL.
///
/// ```
/// use knexrs_query::{Order, Select, Window, PostgresQueryBuilder};
///
/// let mut q = Select::from("accounts");
/// q.column("*").row_number_as(Window::new().partition_by("address").order_by_dir("email", Order::Desc), "n");
/// assert_eq!(
///     q.build(PostgresQueryBuilder).unwrap().0,
///     r#"select *, row_number() over (partition by "address" order by "email" desc) as "n" from "accounts""#
/// );
/// ```
#[derive(Debug, Clone, Default)]
pub struct Window {
    partition: Vec<(Operand, Option<Order>)>,
    order: Vec<(Operand, Option<Order>)>,
    raw: Option<Raw>,
}

impl Window {
    /// An empty window: `over ()`.
    ///
    /// ```
    /// # use knexrs_query::{Select, Window, PostgresQueryBuilder};
    /// let mut q = Select::from("scores");
    /// q.column("player").rank_as(Window::new(), "r");
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select "player", rank() over () as "r" from "scores""#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// A window written as raw SQL: `over (<sql>)`.
    ///
    /// ```
    /// # use knexrs_query::{raw, Select, Window, PostgresQueryBuilder};
    /// let mut q = Select::from("scores");
    /// q.rank_as(Window::raw(raw("order by points desc")), "r");
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select rank() over (order by points desc) as "r" from "scores""#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn raw(sql: Raw) -> Self {
        Window { raw: Some(sql), ..Self::default() }
    }

    /// `order by column` (in the window).
    ///
    /// ```
    /// # use knexrs_query::{Select, Window, PostgresQueryBuilder};
    /// let mut q = Select::from("scores");
    /// q.row_number(Window::new().order_by("points"));
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select row_number() over (order by "points") from "scores""#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn order_by(mut self, column: impl IntoColumn) -> Self {
        self.order.push((column.into_column(), None));
        self
    }

    /// `order by column asc|desc`.
    ///
    /// ```
    /// # use knexrs_query::{Order, Select, Window, PostgresQueryBuilder};
    /// let mut q = Select::from("scores");
    /// q.dense_rank(Window::new().order_by_dir("points", Order::Desc));
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select dense_rank() over (order by "points" desc) from "scores""#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn order_by_dir(mut self, column: impl IntoColumn, order: Order) -> Self {
        self.order.push((column.into_column(), Some(order)));
        self
    }

    /// `partition by column`.
    ///
    /// ```
    /// # use knexrs_query::{Select, Window, PostgresQueryBuilder};
    /// let mut q = Select::from("scores");
    /// q.rank(Window::new().partition_by("league").order_by("points"));
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select rank() over (partition by "league" order by "points") from "scores""#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn partition_by(mut self, column: impl IntoColumn) -> Self {
        self.partition.push((column.into_column(), None));
        self
    }

    /// `partition by column asc|desc` (knex accepts a direction here, and PostgreSQL ignores it).
    ///
    /// ```
    /// # use knexrs_query::{Order, Select, Window, PostgresQueryBuilder};
    /// let mut q = Select::from("scores");
    /// q.rank(Window::new().partition_by_dir("league", Order::Asc));
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select rank() over (partition by "league" asc) from "scores""#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn partition_by_dir(mut self, column: impl IntoColumn, order: Order) -> Self {
        self.partition.push((column.into_column(), Some(order)));
        self
    }

    pub(super) fn write<'a>(&'a self, w: &mut Writer<'a>) -> Result<(), QueryError> {
        w.push_str("over (");
        if let Some(raw) = &self.raw {
            raw.write(w)?;
        } else {
            write_list(w, "partition by ", &self.partition)?;
            if !self.partition.is_empty() && !self.order.is_empty() {
                w.push_str(" ");
            }
            write_list(w, "order by ", &self.order)?;
        }
        w.push_str(")");
        Ok(())
    }
}

fn write_list<'a>(w: &mut Writer<'a>, keyword: &str, items: &'a [(Operand, Option<Order>)]) -> Result<(), QueryError> {
    for (i, (operand, order)) in items.iter().enumerate() {
        w.push_str(if i == 0 { keyword } else { ", " });
        operand.write(w)?;
        match order {
            Some(Order::Asc) => w.push_str(" asc"),
            Some(Order::Desc) => w.push_str(" desc"),
            None => {}
        }
    }
    Ok(())
}

macro_rules! window_functions {
    ($($(#[$doc:meta])* $name:ident, $as_name:ident => $function:literal;)*) => {$(
        $(#[$doc])*
        pub fn $name(&mut self, window: Window) -> &mut Self {
            self.columns.push(SelectItem::Window { function: $function, window, alias: None });
            self
        }

        #[doc = concat!("`", $function, " over (…) as alias`.")]
        ///
        /// ```
        /// # use knexrs_query::{Select, Window, PostgresQueryBuilder};
        /// let mut q = Select::from("scores");
        #[doc = concat!("q.", stringify!($as_name), "(Window::new().order_by(\"points\"), \"position\");")]
        #[doc = concat!("assert_eq!(q.build(PostgresQueryBuilder)?.0, r#\"select ", $function, " over (order by \"points\") as \"position\" from \"scores\"\"#);")]
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        pub fn $as_name(&mut self, window: Window, alias: impl IntoName) -> &mut Self {
            let alias: Option<Name> = Some(alias.into_name());
            self.columns.push(SelectItem::Window { function: $function, window, alias });
            self
        }
    )*};
}

impl Select {
    window_functions! {
        /// `rank() over (…)` (knex `rank`).
        ///
        /// ```
        /// # use knexrs_query::{Order, Select, Window, PostgresQueryBuilder};
        /// let mut q = Select::from("scores");
        /// q.column("player").rank(Window::new().order_by_dir("points", Order::Desc));
        /// assert_eq!(
        ///     q.build(PostgresQueryBuilder)?.0,
        ///     r#"select "player", rank() over (order by "points" desc) from "scores""#
        /// );
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        rank, rank_as => "rank()";
        /// `dense_rank() over (…)` (knex `denseRank`).
        ///
        /// ```
        /// # use knexrs_query::{Order, Select, Window, PostgresQueryBuilder};
        /// let mut q = Select::from("scores");
        /// q.column("player").dense_rank(Window::new().partition_by("league").order_by_dir("points", Order::Desc));
        /// assert_eq!(
        ///     q.build(PostgresQueryBuilder)?.0,
        ///     r#"select "player", dense_rank() over (partition by "league" order by "points" desc) from "scores""#
        /// );
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        dense_rank, dense_rank_as => "dense_rank()";
        /// `row_number() over (…)` (knex `rowNumber`).
        ///
        /// ```
        /// # use knexrs_query::{Order, Select, Window, PostgresQueryBuilder};
        /// let mut q = Select::from("scores");
        /// q.column("player").row_number(Window::new().order_by("joined_at"));
        /// assert_eq!(
        ///     q.build(PostgresQueryBuilder)?.0,
        ///     r#"select "player", row_number() over (order by "joined_at") from "scores""#
        /// );
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        row_number, row_number_as => "row_number()";
    }
}
