//! Joins: knex's `join` / `leftJoin` / … with simple or built `on` clauses.

use crate::conditions::{Clause, Conditions, IntoColumn, IntoList, compare};
use crate::ident::Name;
use crate::operand::IntoOperand;
use crate::{IntoOp, Op, Raw, Select};

/// The kind of a join, spelled as knex spells it.
///
/// ```
/// # use knexrs_query::{JoinKind, Select, PostgresQueryBuilder};
/// let mut q = Select::from("users");
/// q.join_op(JoinKind::LeftOuter, "sessions", "sessions.owner_user_id", "=", "users.id");
/// assert_eq!(
///     q.build(PostgresQueryBuilder)?.0,
///     r#"select * from "users" left outer join "sessions" on "sessions"."owner_user_id" = "users"."id""#
/// );
/// # Ok::<(), knexrs_query::QueryError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinKind {
    /// `inner join`
    Inner,
    /// `left join`
    Left,
    /// `left outer join`
    LeftOuter,
    /// `right join`
    Right,
    /// `right outer join`
    RightOuter,
    /// `full outer join`
    FullOuter,
    /// `cross join`
    Cross,
}

impl JoinKind {
    pub(crate) fn sql(self) -> &'static str {
        match self {
            JoinKind::Inner => "inner join ",
            JoinKind::Left => "left join ",
            JoinKind::LeftOuter => "left outer join ",
            JoinKind::Right => "right join ",
            JoinKind::RightOuter => "right outer join ",
            JoinKind::FullOuter => "full outer join ",
            JoinKind::Cross => "cross join ",
        }
    }
}

/// The `on` (or `using`) of a join (knex's `JoinClause`).
///
/// ```
/// use knexrs_query::{JoinKind, Select, PostgresQueryBuilder};
///
/// let mut q = Select::from("users");
/// q.join_on(JoinKind::Inner, "contacts", |j| {
///     j.on("users.id", "=", "contacts.id").or_on("users.name", "=", "contacts.name");
/// });
/// assert_eq!(
///     q.build(PostgresQueryBuilder).unwrap().0,
///     r#"select * from "users" inner join "contacts" on "users"."id" = "contacts"."id" or "users"."name" = "contacts"."name""#
/// );
/// ```
#[derive(Debug, Clone, Default)]
pub struct JoinOn {
    pub(crate) conditions: Conditions,
    pub(crate) using: Vec<Name>,
}

impl JoinOn {
    fn add(&mut self, or: bool, clause: Result<Clause, crate::BuildError>) -> &mut Self {
        self.conditions.push(or, false, clause);
        self
    }

    /// `left <op> right` between columns (knex `on`).
    ///
    /// ```
    /// # use knexrs_query::{JoinKind, Select, PostgresQueryBuilder};
    /// let mut q = Select::from("users");
    /// q.join_on(JoinKind::Inner, "accounts", |j| {
    ///     j.on("users.id", "=", "accounts.user_id");
    /// });
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select * from "users" inner join "accounts" on "users"."id" = "accounts"."user_id""#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn on(&mut self, left: impl IntoColumn, op: impl IntoOp, right: impl IntoColumn) -> &mut Self {
        self.add(false, compare(left.into_column(), op.into_op(), right.into_column()))
    }

    /// The same, joined with `and` (knex `andOn`).
    ///
    /// ```
    /// # use knexrs_query::{JoinKind, Select, PostgresQueryBuilder};
    /// let mut q = Select::from("users");
    /// q.join_on(JoinKind::Inner, "accounts", |j| {
    ///     j.on("users.id", "=", "accounts.user_id").and_on("users.org_id", "=", "accounts.org_id");
    /// });
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select * from "users" inner join "accounts" on "users"."id" = "accounts"."user_id" and "users"."org_id" = "accounts"."org_id""#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn and_on(&mut self, left: impl IntoColumn, op: impl IntoOp, right: impl IntoColumn) -> &mut Self {
        self.on(left, op, right)
    }

    /// The same, joined with `or` (knex `orOn`).
    ///
    /// ```
    /// # use knexrs_query::{JoinKind, Select, PostgresQueryBuilder};
    /// let mut q = Select::from("users");
    /// q.join_on(JoinKind::Inner, "accounts", |j| {
    ///     j.on("users.id", "=", "accounts.user_id").or_on("users.id", "=", "accounts.owner_id");
    /// });
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select * from "users" inner join "accounts" on "users"."id" = "accounts"."user_id" or "users"."id" = "accounts"."owner_id""#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn or_on(&mut self, left: impl IntoColumn, op: impl IntoOp, right: impl IntoColumn) -> &mut Self {
        self.add(true, compare(left.into_column(), op.into_op(), right.into_column()))
    }

    /// `column = value`, the value bound (knex `onVal(column, value)`).
    ///
    /// ```
    /// # use knexrs_query::{JoinKind, Select, PostgresQueryBuilder};
    /// let mut q = Select::from("users");
    /// q.join_on(JoinKind::Inner, "accounts", |j| {
    ///     j.on("users.id", "=", "accounts.user_id").on_val("accounts.kind", "primary");
    /// });
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select * from "users" inner join "accounts" on "users"."id" = "accounts"."user_id" and "accounts"."kind" = $1"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn on_val(&mut self, column: impl IntoColumn, value: impl IntoOperand) -> &mut Self {
        self.add(false, compare(column.into_column(), Ok(Op::Eq), value.into_operand()))
    }

    /// `column <op> value` (knex `onVal(column, op, value)`).
    ///
    /// ```
    /// # use knexrs_query::{JoinKind, Select, PostgresQueryBuilder};
    /// let mut q = Select::from("users");
    /// q.join_on(JoinKind::Inner, "accounts", |j| {
    ///     j.on("users.id", "=", "accounts.user_id").on_val_op("accounts.balance", ">", 0);
    /// });
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select * from "users" inner join "accounts" on "users"."id" = "accounts"."user_id" and "accounts"."balance" > $1"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn on_val_op(&mut self, column: impl IntoColumn, op: impl IntoOp, value: impl IntoOperand) -> &mut Self {
        self.add(false, compare(column.into_column(), op.into_op(), value.into_operand()))
    }

    /// The same as [`on_val`](Self::on_val) (knex `andOnVal`).
    ///
    /// ```
    /// # use knexrs_query::{JoinKind, Select, PostgresQueryBuilder};
    /// let mut q = Select::from("users");
    /// q.join_on(JoinKind::Inner, "accounts", |j| {
    ///     j.on("users.id", "=", "accounts.user_id").and_on_val("accounts.active", true);
    /// });
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select * from "users" inner join "accounts" on "users"."id" = "accounts"."user_id" and "accounts"."active" = $1"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn and_on_val(&mut self, column: impl IntoColumn, value: impl IntoOperand) -> &mut Self {
        self.on_val(column, value)
    }

    /// `or column = value` (knex `orOnVal`).
    ///
    /// ```
    /// # use knexrs_query::{JoinKind, Select, PostgresQueryBuilder};
    /// let mut q = Select::from("users");
    /// q.join_on(JoinKind::Inner, "accounts", |j| {
    ///     j.on_val("accounts.kind", "primary").or_on_val("accounts.kind", "shared");
    /// });
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select * from "users" inner join "accounts" on "accounts"."kind" = $1 or "accounts"."kind" = $2"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn or_on_val(&mut self, column: impl IntoColumn, value: impl IntoOperand) -> &mut Self {
        self.add(true, compare(column.into_column(), Ok(Op::Eq), value.into_operand()))
    }

    fn on_list(&mut self, or: bool, column: impl IntoColumn, values: impl IntoList, negated: bool) -> &mut Self {
        let clause = match values.into_list() {
            // knex writes `1 = 0` here, unbound (unlike whereIn).
            (_, true) => Clause::Constant(if negated { "1 = 1" } else { "1 = 0" }, None),
            (list, false) => Clause::In(column.into_column(), list, negated),
        };
        self.add(or, Ok(clause))
    }

    /// `column in (values…)` (knex `onIn`).
    ///
    /// ```
    /// # use knexrs_query::{JoinKind, Select, PostgresQueryBuilder};
    /// let mut q = Select::from("users");
    /// q.join_on(JoinKind::Inner, "accounts", |j| {
    ///     j.on("users.id", "=", "accounts.user_id").on_in("accounts.kind", ["primary", "shared"]);
    /// });
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select * from "users" inner join "accounts" on "users"."id" = "accounts"."user_id" and "accounts"."kind" in ($1, $2)"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn on_in(&mut self, column: impl IntoColumn, values: impl IntoList) -> &mut Self {
        self.on_list(false, column, values, false)
    }

    /// `or column in (values…)` (knex `orOnIn`).
    ///
    /// ```
    /// # use knexrs_query::{JoinKind, Select, PostgresQueryBuilder};
    /// let mut q = Select::from("users");
    /// q.join_on(JoinKind::Inner, "accounts", |j| {
    ///     j.on("users.id", "=", "accounts.user_id").or_on_in("accounts.id", [7, 8]);
    /// });
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select * from "users" inner join "accounts" on "users"."id" = "accounts"."user_id" or "accounts"."id" in ($1, $2)"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn or_on_in(&mut self, column: impl IntoColumn, values: impl IntoList) -> &mut Self {
        self.on_list(true, column, values, false)
    }

    /// `column not in (values…)` (knex `onNotIn`).
    ///
    /// ```
    /// # use knexrs_query::{JoinKind, Select, PostgresQueryBuilder};
    /// let mut q = Select::from("users");
    /// q.join_on(JoinKind::Inner, "accounts", |j| {
    ///     j.on("users.id", "=", "accounts.user_id").on_not_in("accounts.kind", ["closed"]);
    /// });
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select * from "users" inner join "accounts" on "users"."id" = "accounts"."user_id" and "accounts"."kind" not in ($1)"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn on_not_in(&mut self, column: impl IntoColumn, values: impl IntoList) -> &mut Self {
        self.on_list(false, column, values, true)
    }

    /// `or column not in (values…)` (knex `orOnNotIn`).
    ///
    /// ```
    /// # use knexrs_query::{JoinKind, Select, PostgresQueryBuilder};
    /// let mut q = Select::from("users");
    /// q.join_on(JoinKind::Inner, "accounts", |j| {
    ///     j.on("users.id", "=", "accounts.user_id").or_on_not_in("accounts.id", [7, 8]);
    /// });
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select * from "users" inner join "accounts" on "users"."id" = "accounts"."user_id" or "accounts"."id" not in ($1, $2)"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn or_on_not_in(&mut self, column: impl IntoColumn, values: impl IntoList) -> &mut Self {
        self.on_list(true, column, values, true)
    }

    /// `column is null` (knex `onNull`).
    ///
    /// ```
    /// # use knexrs_query::{JoinKind, Select, PostgresQueryBuilder};
    /// let mut q = Select::from("users");
    /// q.join_on(JoinKind::Inner, "accounts", |j| {
    ///     j.on("users.id", "=", "accounts.user_id").on_null("accounts.closed_at");
    /// });
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select * from "users" inner join "accounts" on "users"."id" = "accounts"."user_id" and "accounts"."closed_at" is null"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn on_null(&mut self, column: impl IntoColumn) -> &mut Self {
        self.add(false, Ok(Clause::Null(column.into_column(), false)))
    }

    /// `or column is null` (knex `orOnNull`).
    ///
    /// ```
    /// # use knexrs_query::{JoinKind, Select, PostgresQueryBuilder};
    /// let mut q = Select::from("users");
    /// q.join_on(JoinKind::Inner, "accounts", |j| {
    ///     j.on("users.id", "=", "accounts.user_id").or_on_null("accounts.user_id");
    /// });
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select * from "users" inner join "accounts" on "users"."id" = "accounts"."user_id" or "accounts"."user_id" is null"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn or_on_null(&mut self, column: impl IntoColumn) -> &mut Self {
        self.add(true, Ok(Clause::Null(column.into_column(), false)))
    }

    /// `column is not null` (knex `onNotNull`).
    ///
    /// ```
    /// # use knexrs_query::{JoinKind, Select, PostgresQueryBuilder};
    /// let mut q = Select::from("users");
    /// q.join_on(JoinKind::Inner, "accounts", |j| {
    ///     j.on("users.id", "=", "accounts.user_id").on_not_null("accounts.verified_at");
    /// });
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select * from "users" inner join "accounts" on "users"."id" = "accounts"."user_id" and "accounts"."verified_at" is not null"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn on_not_null(&mut self, column: impl IntoColumn) -> &mut Self {
        self.add(false, Ok(Clause::Null(column.into_column(), true)))
    }

    /// `or column is not null` (knex `orOnNotNull`).
    ///
    /// ```
    /// # use knexrs_query::{JoinKind, Select, PostgresQueryBuilder};
    /// let mut q = Select::from("users");
    /// q.join_on(JoinKind::Inner, "accounts", |j| {
    ///     j.on("users.id", "=", "accounts.user_id").or_on_not_null("accounts.shared_at");
    /// });
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select * from "users" inner join "accounts" on "users"."id" = "accounts"."user_id" or "accounts"."shared_at" is not null"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn or_on_not_null(&mut self, column: impl IntoColumn) -> &mut Self {
        self.add(true, Ok(Clause::Null(column.into_column(), true)))
    }

    /// `column between low and high` (knex `onBetween`).
    ///
    /// ```
    /// # use knexrs_query::{JoinKind, Select, PostgresQueryBuilder};
    /// let mut q = Select::from("users");
    /// q.join_on(JoinKind::Inner, "accounts", |j| {
    ///     j.on("users.id", "=", "accounts.user_id").on_between("accounts.balance", 0, 100);
    /// });
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select * from "users" inner join "accounts" on "users"."id" = "accounts"."user_id" and "accounts"."balance" between $1 and $2"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn on_between(&mut self, column: impl IntoColumn, low: impl IntoOperand, high: impl IntoOperand) -> &mut Self {
        self.add(false, Ok(Clause::Between(column.into_column(), low.into_operand(), high.into_operand(), false)))
    }

    /// `or column between low and high` (knex `orOnBetween`).
    ///
    /// ```
    /// # use knexrs_query::{JoinKind, Select, PostgresQueryBuilder};
    /// let mut q = Select::from("users");
    /// q.join_on(JoinKind::Inner, "accounts", |j| {
    ///     j.on("users.id", "=", "accounts.user_id").or_on_between("accounts.id", 1, 10);
    /// });
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select * from "users" inner join "accounts" on "users"."id" = "accounts"."user_id" or "accounts"."id" between $1 and $2"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn or_on_between(
        &mut self,
        column: impl IntoColumn,
        low: impl IntoOperand,
        high: impl IntoOperand,
    ) -> &mut Self {
        self.add(true, Ok(Clause::Between(column.into_column(), low.into_operand(), high.into_operand(), false)))
    }

    /// `column not between low and high` (knex `onNotBetween`).
    ///
    /// ```
    /// # use knexrs_query::{JoinKind, Select, PostgresQueryBuilder};
    /// let mut q = Select::from("users");
    /// q.join_on(JoinKind::Inner, "accounts", |j| {
    ///     j.on("users.id", "=", "accounts.user_id").on_not_between("accounts.balance", 0, 100);
    /// });
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select * from "users" inner join "accounts" on "users"."id" = "accounts"."user_id" and "accounts"."balance" not between $1 and $2"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn on_not_between(
        &mut self,
        column: impl IntoColumn,
        low: impl IntoOperand,
        high: impl IntoOperand,
    ) -> &mut Self {
        self.add(false, Ok(Clause::Between(column.into_column(), low.into_operand(), high.into_operand(), true)))
    }

    /// `or column not between low and high` (knex `orOnNotBetween`).
    ///
    /// ```
    /// # use knexrs_query::{JoinKind, Select, PostgresQueryBuilder};
    /// let mut q = Select::from("users");
    /// q.join_on(JoinKind::Inner, "accounts", |j| {
    ///     j.on("users.id", "=", "accounts.user_id").or_on_not_between("accounts.id", 1, 10);
    /// });
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select * from "users" inner join "accounts" on "users"."id" = "accounts"."user_id" or "accounts"."id" not between $1 and $2"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn or_on_not_between(
        &mut self,
        column: impl IntoColumn,
        low: impl IntoOperand,
        high: impl IntoOperand,
    ) -> &mut Self {
        self.add(true, Ok(Clause::Between(column.into_column(), low.into_operand(), high.into_operand(), true)))
    }

    /// `exists (subquery)` (knex `onExists`).
    ///
    /// ```
    /// # use knexrs_query::{JoinKind, Select, PostgresQueryBuilder};
    /// let mut q = Select::from("users");
    /// q.join_on(JoinKind::Inner, "accounts", |j| {
    ///     j.on("users.id", "=", "accounts.user_id").on_exists(Select::from("grants"));
    /// });
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select * from "users" inner join "accounts" on "users"."id" = "accounts"."user_id" and exists (select * from "grants")"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn on_exists(&mut self, query: Select) -> &mut Self {
        self.add(false, Ok(Clause::Exists(Box::new(query))))
    }

    /// `or exists (subquery)` (knex `orOnExists`).
    ///
    /// ```
    /// # use knexrs_query::{JoinKind, Select, PostgresQueryBuilder};
    /// let mut q = Select::from("users");
    /// q.join_on(JoinKind::Inner, "accounts", |j| {
    ///     j.on("users.id", "=", "accounts.user_id").or_on_exists(Select::from("grants"));
    /// });
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select * from "users" inner join "accounts" on "users"."id" = "accounts"."user_id" or exists (select * from "grants")"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn or_on_exists(&mut self, query: Select) -> &mut Self {
        self.add(true, Ok(Clause::Exists(Box::new(query))))
    }

    /// `not exists (subquery)` (knex `onNotExists`).
    ///
    /// ```
    /// # use knexrs_query::{JoinKind, Select, PostgresQueryBuilder};
    /// let mut q = Select::from("users");
    /// q.join_on(JoinKind::Inner, "accounts", |j| {
    ///     j.on("users.id", "=", "accounts.user_id").on_not_exists(Select::from("bans"));
    /// });
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select * from "users" inner join "accounts" on "users"."id" = "accounts"."user_id" and not exists (select * from "bans")"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn on_not_exists(&mut self, query: Select) -> &mut Self {
        self.conditions.push(false, true, Ok(Clause::Exists(Box::new(query))));
        self
    }

    /// `or not exists (subquery)` (knex `orOnNotExists`).
    ///
    /// ```
    /// # use knexrs_query::{JoinKind, Select, PostgresQueryBuilder};
    /// let mut q = Select::from("users");
    /// q.join_on(JoinKind::Inner, "accounts", |j| {
    ///     j.on("users.id", "=", "accounts.user_id").or_on_not_exists(Select::from("bans"));
    /// });
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select * from "users" inner join "accounts" on "users"."id" = "accounts"."user_id" or not exists (select * from "bans")"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn or_on_not_exists(&mut self, query: Select) -> &mut Self {
        self.conditions.push(true, true, Ok(Clause::Exists(Box::new(query))));
        self
    }

    /// `jsonb_path_query_first(a, path_a) = jsonb_path_query_first(b, path_b)` (knex `onJsonPathEquals`).
    ///
    /// ```
    /// use knexrs_query::{JoinKind, Select, PostgresQueryBuilder};
    ///
    /// let mut q = Select::from("users");
    /// q.join_on(JoinKind::Inner, "contacts", |j| {
    ///     j.on_json_path_equals("users.infos", "$.name", "contacts.data", "$.infos.name");
    /// });
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder).unwrap().0,
    ///     r#"select * from "users" inner join "contacts" on jsonb_path_query_first("users"."infos", $1) = jsonb_path_query_first("contacts"."data", $2)"#
    /// );
    /// ```
    pub fn on_json_path_equals(
        &mut self,
        left: impl IntoColumn,
        left_path: &str,
        right: impl IntoColumn,
        right_path: &str,
    ) -> &mut Self {
        let sql = "jsonb_path_query_first(?, ?) = jsonb_path_query_first(?, ?)";
        let bindings = [left.into_column(), left_path.into_operand(), right.into_column(), right_path.into_operand()];
        self.add(false, Ok(Clause::Raw(Raw::with(sql, bindings))))
    }

    /// Raw SQL in the `on` clause (knex `join(table, raw(…))`).
    ///
    /// ```
    /// # use knexrs_query::{JoinKind, Select, PostgresQueryBuilder, Raw};
    /// let mut q = Select::from("users");
    /// q.join_on(JoinKind::Inner, "accounts", |j| {
    ///     j.on_raw(Raw::with("accounts.user_id = users.id + ?", [0]));
    /// });
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select * from "users" inner join "accounts" on accounts.user_id = users.id + $1"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn on_raw(&mut self, sql: Raw) -> &mut Self {
        self.add(false, Ok(Clause::Raw(sql)))
    }

    /// `or <raw SQL>` in the `on` clause.
    ///
    /// ```
    /// # use knexrs_query::{JoinKind, Select, PostgresQueryBuilder, raw};
    /// let mut q = Select::from("users");
    /// q.join_on(JoinKind::Inner, "accounts", |j| {
    ///     j.on("users.id", "=", "accounts.user_id").or_on_raw(raw("accounts.shared"));
    /// });
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select * from "users" inner join "accounts" on "users"."id" = "accounts"."user_id" or accounts.shared"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn or_on_raw(&mut self, sql: Raw) -> &mut Self {
        self.add(true, Ok(Clause::Raw(sql)))
    }

    /// A parenthesized group (knex `on(function () { … })` / `onVal(function …)`).
    ///
    /// ```
    /// # use knexrs_query::{JoinKind, Select, PostgresQueryBuilder};
    /// let mut q = Select::from("users");
    /// q.join_on(JoinKind::Inner, "accounts", |j| {
    ///     j.on_group(|g| {
    ///         g.on("users.id", "=", "accounts.user_id").or_on("users.id", "=", "accounts.owner_id");
    ///     })
    ///     .on_val("accounts.active", true);
    /// });
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select * from "users" inner join "accounts" on ("users"."id" = "accounts"."user_id" or "users"."id" = "accounts"."owner_id") and "accounts"."active" = $1"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn on_group(&mut self, build: impl FnOnce(&mut JoinOn)) -> &mut Self {
        let mut group = JoinOn::default();
        build(&mut group);
        self.add(false, Ok(Clause::Group(group.conditions)))
    }

    /// `or (group)` (knex `orOn(function …)` / `orOnVal(function …)`).
    ///
    /// ```
    /// # use knexrs_query::{JoinKind, Select, PostgresQueryBuilder};
    /// let mut q = Select::from("users");
    /// q.join_on(JoinKind::Inner, "accounts", |j| {
    ///     j.on("users.id", "=", "accounts.user_id").or_on_group(|g| {
    ///         g.on_val("accounts.kind", "shared").on_not_null("accounts.shared_at");
    ///     });
    /// });
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select * from "users" inner join "accounts" on "users"."id" = "accounts"."user_id" or ("accounts"."kind" = $1 and "accounts"."shared_at" is not null)"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn or_on_group(&mut self, build: impl FnOnce(&mut JoinOn)) -> &mut Self {
        let mut group = JoinOn::default();
        build(&mut group);
        self.add(true, Ok(Clause::Group(group.conditions)))
    }

    /// `using (columns…)` instead of `on` (knex `using`): one column or a list.
    ///
    /// ```
    /// # use knexrs_query::{JoinKind, Select, PostgresQueryBuilder};
    /// let mut q = Select::from("users");
    /// q.join_on(JoinKind::Inner, "accounts", |j| {
    ///     j.using(["user_id", "org_id"]);
    /// });
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select * from "users" inner join "accounts" using ("user_id", "org_id")"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn using(&mut self, columns: impl crate::IntoNames) -> &mut Self {
        self.using.extend(columns.into_names());
        self
    }
}
