//! `having`: knex's `having` family, the same conditions as `where`.

use super::Select;
use crate::conditions::{Conditions, IntoColumn, IntoList, WhereGroup, Wheres};
use crate::operand::IntoOperand;
use crate::{IntoOp, Raw};

/// The `having` conditions, seen through the `where` methods.
struct Having<'a>(&'a mut Conditions);

impl Wheres for Having<'_> {
    fn conditions_mut(&mut self) -> &mut Conditions {
        self.0
    }
}

macro_rules! havings {
    ($($(#[$doc:meta])* $name:ident => $where:ident($($arg:ident: $ty:ty),*);)*) => {$(
        $(#[$doc])*
        pub fn $name(&mut self, $($arg: $ty),*) -> &mut Self {
            Having(&mut self.havings).$where($($arg),*);
            self
        }
    )*};
}

impl Select {
    havings! {
        /// `having column <op> value` (knex `having`).
        having => where_op(column: impl IntoColumn, op: impl IntoOp, value: impl IntoOperand);
        /// `or column <op> value` (knex `orHaving`).
        or_having => or_where_op(column: impl IntoColumn, op: impl IntoOp, value: impl IntoOperand);
        /// `having column is null` (knex `havingNull`).
        having_null => where_null(column: impl IntoColumn);
        /// `or column is null` (knex `orHavingNull`).
        or_having_null => or_where_null(column: impl IntoColumn);
        /// `having column is not null` (knex `havingNotNull`).
        having_not_null => where_not_null(column: impl IntoColumn);
        /// `or column is not null` (knex `orHavingNotNull`).
        or_having_not_null => or_where_not_null(column: impl IntoColumn);
        /// `having column in (values…)` (knex `havingIn`).
        having_in => where_in(column: impl IntoColumn, values: impl IntoList);
        /// `or column in (values…)` (knex `orHavingIn`).
        or_having_in => or_where_in(column: impl IntoColumn, values: impl IntoList);
        /// `having column not in (values…)` (knex `havingNotIn`).
        having_not_in => where_not_in(column: impl IntoColumn, values: impl IntoList);
        /// `or column not in (values…)` (knex `orHavingNotIn`).
        or_having_not_in => or_where_not_in(column: impl IntoColumn, values: impl IntoList);
        /// `having column between low and high` (knex `havingBetween`).
        having_between => where_between(column: impl IntoColumn, low: impl IntoOperand, high: impl IntoOperand);
        /// `or column between low and high` (knex `orHavingBetween`).
        or_having_between => or_where_between(column: impl IntoColumn, low: impl IntoOperand, high: impl IntoOperand);
        /// `having column not between low and high` (knex `havingNotBetween`).
        having_not_between => where_not_between(column: impl IntoColumn, low: impl IntoOperand, high: impl IntoOperand);
        /// `or column not between low and high` (knex `orHavingNotBetween`).
        or_having_not_between => or_where_not_between(column: impl IntoColumn, low: impl IntoOperand, high: impl IntoOperand);
        /// `having exists (subquery)` (knex `havingExists`).
        having_exists => where_exists(query: Select);
        /// `or exists (subquery)` (knex `orHavingExists`).
        or_having_exists => or_where_exists(query: Select);
        /// `having not exists (subquery)` (knex `havingNotExists`).
        having_not_exists => where_not_exists(query: Select);
        /// `or not exists (subquery)` (knex `orHavingNotExists`).
        or_having_not_exists => or_where_not_exists(query: Select);
        /// `having <raw SQL>` (knex `havingRaw`).
        having_raw => where_raw(sql: Raw);
        /// `or <raw SQL>` in `having` (knex `orHavingRaw`).
        or_having_raw => or_where_raw(sql: Raw);
        /// `having (group)` (knex `having(function () { … })`).
        having_group => where_group(build: impl FnOnce(&mut WhereGroup));
        /// `or (group)` in `having`.
        or_having_group => or_where_group(build: impl FnOnce(&mut WhereGroup));
    }

    /// Drops the `having` conditions (knex `clearHaving`).
    ///
    /// ```
    /// # use knexrs_query::{Select, PostgresQueryBuilder};
    /// let mut q = Select::from("sessions");
    /// q.column("owner_user_id").group_by(["owner_user_id"]).having("owner_user_id", "<>", "").clear_having();
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select "owner_user_id" from "sessions" group by "owner_user_id""#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn clear_having(&mut self) -> &mut Self {
        self.havings = Conditions::default();
        self
    }
}
