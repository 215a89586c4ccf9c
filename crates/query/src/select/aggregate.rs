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
pub trait IntoAggregated {
    /// The arguments, and an alias given in the name (`"id as n"`).
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
    ($($(#[$doc:meta])* $name:ident, $as_name:ident => $function:literal, $distinct:literal;)*) => {$(
        $(#[$doc])*
        pub fn $name(&mut self, column: impl IntoAggregated) -> &mut Self {
            self.aggregate($function, $distinct, column, None)
        }

        #[doc = concat!("`", $function, "(…) as alias`.")]
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
        count, count_as => "count", false;
        /// `count(distinct column)`; several columns give `count(distinct(a, b))`.
        count_distinct, count_distinct_as => "count", true;
        /// `sum(column)`.
        sum, sum_as => "sum", false;
        /// `sum(distinct column)`.
        sum_distinct, sum_distinct_as => "sum", true;
        /// `avg(column)`.
        avg, avg_as => "avg", false;
        /// `avg(distinct column)`.
        avg_distinct, avg_distinct_as => "avg", true;
        /// `min(column)`.
        min, min_as => "min", false;
        /// `max(column)`.
        max, max_as => "max", false;
    }
}
