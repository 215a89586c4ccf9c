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
        ///
        /// ```
        /// # use knexrs_query::{Select, PostgresQueryBuilder};
        /// let mut q = Select::from("sessions");
        /// q.column("owner_user_id").count_as("*", "n").group_by(["owner_user_id"]);
        /// q.having("n", ">", 1);
        /// assert_eq!(
        ///     q.build(PostgresQueryBuilder)?.0,
        ///     r#"select "owner_user_id", count(*) as "n" from "sessions" group by "owner_user_id" having "n" > $1"#
        /// );
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        having => where_op(column: impl IntoColumn, op: impl IntoOp, value: impl IntoOperand);
        /// `or column <op> value` (knex `orHaving`).
        ///
        /// ```
        /// # use knexrs_query::{Select, PostgresQueryBuilder};
        /// let mut q = Select::from("sessions");
        /// q.column("owner_user_id").count_as("*", "n").group_by(["owner_user_id"]);
        /// q.having("n", ">", 10).or_having("n", "<", 2);
        /// assert_eq!(
        ///     q.build(PostgresQueryBuilder)?.0,
        ///     r#"select "owner_user_id", count(*) as "n" from "sessions" group by "owner_user_id" having "n" > $1 or "n" < $2"#
        /// );
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        or_having => or_where_op(column: impl IntoColumn, op: impl IntoOp, value: impl IntoOperand);
        /// `having column is null` (knex `havingNull`).
        ///
        /// ```
        /// # use knexrs_query::{Select, PostgresQueryBuilder};
        /// let mut q = Select::from("sessions");
        /// q.column("owner_user_id").count_as("*", "n").group_by(["owner_user_id"]);
        /// q.having_null("owner_user_id");
        /// assert_eq!(
        ///     q.build(PostgresQueryBuilder)?.0,
        ///     r#"select "owner_user_id", count(*) as "n" from "sessions" group by "owner_user_id" having "owner_user_id" is null"#
        /// );
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        having_null => where_null(column: impl IntoColumn);
        /// `or column is null` (knex `orHavingNull`).
        ///
        /// ```
        /// # use knexrs_query::{Select, PostgresQueryBuilder};
        /// let mut q = Select::from("sessions");
        /// q.column("owner_user_id").count_as("*", "n").group_by(["owner_user_id"]);
        /// q.having("n", ">", 10).or_having_null("owner_user_id");
        /// assert_eq!(
        ///     q.build(PostgresQueryBuilder)?.0,
        ///     r#"select "owner_user_id", count(*) as "n" from "sessions" group by "owner_user_id" having "n" > $1 or "owner_user_id" is null"#
        /// );
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        or_having_null => or_where_null(column: impl IntoColumn);
        /// `having column is not null` (knex `havingNotNull`).
        ///
        /// ```
        /// # use knexrs_query::{Select, PostgresQueryBuilder};
        /// let mut q = Select::from("sessions");
        /// q.column("owner_user_id").count_as("*", "n").group_by(["owner_user_id"]);
        /// q.having_not_null("owner_user_id");
        /// assert_eq!(
        ///     q.build(PostgresQueryBuilder)?.0,
        ///     r#"select "owner_user_id", count(*) as "n" from "sessions" group by "owner_user_id" having "owner_user_id" is not null"#
        /// );
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        having_not_null => where_not_null(column: impl IntoColumn);
        /// `or column is not null` (knex `orHavingNotNull`).
        ///
        /// ```
        /// # use knexrs_query::{Select, PostgresQueryBuilder};
        /// let mut q = Select::from("sessions");
        /// q.column("owner_user_id").count_as("*", "n").group_by(["owner_user_id"]);
        /// q.having("n", ">", 10).or_having_not_null("owner_user_id");
        /// assert_eq!(
        ///     q.build(PostgresQueryBuilder)?.0,
        ///     r#"select "owner_user_id", count(*) as "n" from "sessions" group by "owner_user_id" having "n" > $1 or "owner_user_id" is not null"#
        /// );
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        or_having_not_null => or_where_not_null(column: impl IntoColumn);
        /// `having column in (values…)` (knex `havingIn`).
        ///
        /// ```
        /// # use knexrs_query::{Select, PostgresQueryBuilder};
        /// let mut q = Select::from("sessions");
        /// q.column("owner_user_id").count_as("*", "n").group_by(["owner_user_id"]);
        /// q.having_in("owner_user_id", ["u1", "u2"]);
        /// assert_eq!(
        ///     q.build(PostgresQueryBuilder)?.0,
        ///     r#"select "owner_user_id", count(*) as "n" from "sessions" group by "owner_user_id" having "owner_user_id" in ($1, $2)"#
        /// );
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        having_in => where_in(column: impl IntoColumn, values: impl IntoList);
        /// `or column in (values…)` (knex `orHavingIn`).
        ///
        /// ```
        /// # use knexrs_query::{Select, PostgresQueryBuilder};
        /// let mut q = Select::from("sessions");
        /// q.column("owner_user_id").count_as("*", "n").group_by(["owner_user_id"]);
        /// q.having("n", ">", 10).or_having_in("owner_user_id", ["u1"]);
        /// assert_eq!(
        ///     q.build(PostgresQueryBuilder)?.0,
        ///     r#"select "owner_user_id", count(*) as "n" from "sessions" group by "owner_user_id" having "n" > $1 or "owner_user_id" in ($2)"#
        /// );
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        or_having_in => or_where_in(column: impl IntoColumn, values: impl IntoList);
        /// `having column not in (values…)` (knex `havingNotIn`).
        ///
        /// ```
        /// # use knexrs_query::{Select, PostgresQueryBuilder};
        /// let mut q = Select::from("sessions");
        /// q.column("owner_user_id").count_as("*", "n").group_by(["owner_user_id"]);
        /// q.having_not_in("owner_user_id", ["u1", "u2"]);
        /// assert_eq!(
        ///     q.build(PostgresQueryBuilder)?.0,
        ///     r#"select "owner_user_id", count(*) as "n" from "sessions" group by "owner_user_id" having "owner_user_id" not in ($1, $2)"#
        /// );
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        having_not_in => where_not_in(column: impl IntoColumn, values: impl IntoList);
        /// `or column not in (values…)` (knex `orHavingNotIn`).
        ///
        /// ```
        /// # use knexrs_query::{Select, PostgresQueryBuilder};
        /// let mut q = Select::from("sessions");
        /// q.column("owner_user_id").count_as("*", "n").group_by(["owner_user_id"]);
        /// q.having("n", ">", 10).or_having_not_in("owner_user_id", ["u1"]);
        /// assert_eq!(
        ///     q.build(PostgresQueryBuilder)?.0,
        ///     r#"select "owner_user_id", count(*) as "n" from "sessions" group by "owner_user_id" having "n" > $1 or "owner_user_id" not in ($2)"#
        /// );
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        or_having_not_in => or_where_not_in(column: impl IntoColumn, values: impl IntoList);
        /// `having column between low and high` (knex `havingBetween`).
        ///
        /// ```
        /// # use knexrs_query::{Select, PostgresQueryBuilder};
        /// let mut q = Select::from("sessions");
        /// q.column("owner_user_id").count_as("*", "n").group_by(["owner_user_id"]);
        /// q.having_between("n", 2, 5);
        /// assert_eq!(
        ///     q.build(PostgresQueryBuilder)?.0,
        ///     r#"select "owner_user_id", count(*) as "n" from "sessions" group by "owner_user_id" having "n" between $1 and $2"#
        /// );
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        having_between => where_between(column: impl IntoColumn, low: impl IntoOperand, high: impl IntoOperand);
        /// `or column between low and high` (knex `orHavingBetween`).
        ///
        /// ```
        /// # use knexrs_query::{Select, PostgresQueryBuilder};
        /// let mut q = Select::from("sessions");
        /// q.column("owner_user_id").count_as("*", "n").group_by(["owner_user_id"]);
        /// q.having("n", ">", 10).or_having_between("n", 2, 5);
        /// assert_eq!(
        ///     q.build(PostgresQueryBuilder)?.0,
        ///     r#"select "owner_user_id", count(*) as "n" from "sessions" group by "owner_user_id" having "n" > $1 or "n" between $2 and $3"#
        /// );
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        or_having_between => or_where_between(column: impl IntoColumn, low: impl IntoOperand, high: impl IntoOperand);
        /// `having column not between low and high` (knex `havingNotBetween`).
        ///
        /// ```
        /// # use knexrs_query::{Select, PostgresQueryBuilder};
        /// let mut q = Select::from("sessions");
        /// q.column("owner_user_id").count_as("*", "n").group_by(["owner_user_id"]);
        /// q.having_not_between("n", 2, 5);
        /// assert_eq!(
        ///     q.build(PostgresQueryBuilder)?.0,
        ///     r#"select "owner_user_id", count(*) as "n" from "sessions" group by "owner_user_id" having "n" not between $1 and $2"#
        /// );
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        having_not_between => where_not_between(column: impl IntoColumn, low: impl IntoOperand, high: impl IntoOperand);
        /// `or column not between low and high` (knex `orHavingNotBetween`).
        ///
        /// ```
        /// # use knexrs_query::{Select, PostgresQueryBuilder};
        /// let mut q = Select::from("sessions");
        /// q.column("owner_user_id").count_as("*", "n").group_by(["owner_user_id"]);
        /// q.having("n", ">", 10).or_having_not_between("n", 2, 5);
        /// assert_eq!(
        ///     q.build(PostgresQueryBuilder)?.0,
        ///     r#"select "owner_user_id", count(*) as "n" from "sessions" group by "owner_user_id" having "n" > $1 or "n" not between $2 and $3"#
        /// );
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        or_having_not_between => or_where_not_between(column: impl IntoColumn, low: impl IntoOperand, high: impl IntoOperand);
        /// `having exists (subquery)` (knex `havingExists`).
        ///
        /// ```
        /// # use knexrs_query::{Select, PostgresQueryBuilder};
        /// let mut q = Select::from("sessions");
        /// q.column("owner_user_id").count_as("*", "n").group_by(["owner_user_id"]);
        /// q.having_exists(Select::from("grants"));
        /// assert_eq!(
        ///     q.build(PostgresQueryBuilder)?.0,
        ///     r#"select "owner_user_id", count(*) as "n" from "sessions" group by "owner_user_id" having exists (select * from "grants")"#
        /// );
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        having_exists => where_exists(query: Select);
        /// `or exists (subquery)` (knex `orHavingExists`).
        ///
        /// ```
        /// # use knexrs_query::{Select, PostgresQueryBuilder};
        /// let mut q = Select::from("sessions");
        /// q.column("owner_user_id").count_as("*", "n").group_by(["owner_user_id"]);
        /// q.having("n", ">", 10).or_having_exists(Select::from("grants"));
        /// assert_eq!(
        ///     q.build(PostgresQueryBuilder)?.0,
        ///     r#"select "owner_user_id", count(*) as "n" from "sessions" group by "owner_user_id" having "n" > $1 or exists (select * from "grants")"#
        /// );
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        or_having_exists => or_where_exists(query: Select);
        /// `having not exists (subquery)` (knex `havingNotExists`).
        ///
        /// ```
        /// # use knexrs_query::{Select, PostgresQueryBuilder};
        /// let mut q = Select::from("sessions");
        /// q.column("owner_user_id").count_as("*", "n").group_by(["owner_user_id"]);
        /// q.having_not_exists(Select::from("bans"));
        /// assert_eq!(
        ///     q.build(PostgresQueryBuilder)?.0,
        ///     r#"select "owner_user_id", count(*) as "n" from "sessions" group by "owner_user_id" having not exists (select * from "bans")"#
        /// );
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        having_not_exists => where_not_exists(query: Select);
        /// `or not exists (subquery)` (knex `orHavingNotExists`).
        ///
        /// ```
        /// # use knexrs_query::{Select, PostgresQueryBuilder};
        /// let mut q = Select::from("sessions");
        /// q.column("owner_user_id").count_as("*", "n").group_by(["owner_user_id"]);
        /// q.having("n", ">", 10).or_having_not_exists(Select::from("bans"));
        /// assert_eq!(
        ///     q.build(PostgresQueryBuilder)?.0,
        ///     r#"select "owner_user_id", count(*) as "n" from "sessions" group by "owner_user_id" having "n" > $1 or not exists (select * from "bans")"#
        /// );
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        or_having_not_exists => or_where_not_exists(query: Select);
        /// `having <raw SQL>` (knex `havingRaw`).
        ///
        /// ```
        /// # use knexrs_query::{raw, Raw, Select, PostgresQueryBuilder};
        /// let mut q = Select::from("sessions");
        /// q.column("owner_user_id").count_as("*", "n").group_by(["owner_user_id"]);
        /// q.having_raw(Raw::with("count(*) > ?", [1]));
        /// assert_eq!(
        ///     q.build(PostgresQueryBuilder)?.0,
        ///     r#"select "owner_user_id", count(*) as "n" from "sessions" group by "owner_user_id" having count(*) > $1"#
        /// );
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        having_raw => where_raw(sql: Raw);
        /// `or <raw SQL>` in `having` (knex `orHavingRaw`).
        ///
        /// ```
        /// # use knexrs_query::{raw, Raw, Select, PostgresQueryBuilder};
        /// let mut q = Select::from("sessions");
        /// q.column("owner_user_id").count_as("*", "n").group_by(["owner_user_id"]);
        /// q.having("n", ">", 10).or_having_raw(raw("count(*) = 1"));
        /// assert_eq!(
        ///     q.build(PostgresQueryBuilder)?.0,
        ///     r#"select "owner_user_id", count(*) as "n" from "sessions" group by "owner_user_id" having "n" > $1 or count(*) = 1"#
        /// );
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        or_having_raw => or_where_raw(sql: Raw);
        /// `having (group)` (knex `having(function () { … })`).
        ///
        /// ```
        /// # use knexrs_query::{Select, Wheres, PostgresQueryBuilder};
        /// let mut q = Select::from("sessions");
        /// q.column("owner_user_id").count_as("*", "n").group_by(["owner_user_id"]);
        /// q.having_group(|g| {
        ///     g.where_op("n", ">", 1).or_where_null("owner_user_id");
        /// });
        /// assert_eq!(
        ///     q.build(PostgresQueryBuilder)?.0,
        ///     r#"select "owner_user_id", count(*) as "n" from "sessions" group by "owner_user_id" having ("n" > $1 or "owner_user_id" is null)"#
        /// );
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        having_group => where_group(build: impl FnOnce(&mut WhereGroup));
        /// `or (group)` in `having`.
        ///
        /// ```
        /// # use knexrs_query::{Select, Wheres, PostgresQueryBuilder};
        /// let mut q = Select::from("sessions");
        /// q.column("owner_user_id").count_as("*", "n").group_by(["owner_user_id"]);
        /// q.having("n", ">", 10).or_having_group(|g| {
        ///     g.where_op("n", "<", 2).where_not_null("owner_user_id");
        /// });
        /// assert_eq!(
        ///     q.build(PostgresQueryBuilder)?.0,
        ///     r#"select "owner_user_id", count(*) as "n" from "sessions" group by "owner_user_id" having "n" > $1 or ("n" < $2 and "owner_user_id" is not null)"#
        /// );
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
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
