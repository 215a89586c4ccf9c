//! Joins: knex's `join` / `leftJoin` / … with simple or built `on` clauses.

use crate::conditions::{Clause, Conditions, IntoColumn, IntoList, compare};
use crate::ident::Name;
use crate::operand::IntoOperand;
use crate::{IntoOp, Op, Raw, Select};

/// The kind of a join, spelled as knex spells it.
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
    fn add(&mut self, or: bool, clause: Result<Clause, String>) -> &mut Self {
        self.conditions.push(or, false, clause);
        self
    }

    /// `left <op> right` between columns (knex `on`).
    pub fn on(&mut self, left: impl IntoColumn, op: impl IntoOp, right: impl IntoColumn) -> &mut Self {
        self.add(false, compare(left.into_column(), op.into_op(), right.into_column()))
    }

    /// The same, joined with `and` (knex `andOn`).
    pub fn and_on(&mut self, left: impl IntoColumn, op: impl IntoOp, right: impl IntoColumn) -> &mut Self {
        self.on(left, op, right)
    }

    /// The same, joined with `or` (knex `orOn`).
    pub fn or_on(&mut self, left: impl IntoColumn, op: impl IntoOp, right: impl IntoColumn) -> &mut Self {
        self.add(true, compare(left.into_column(), op.into_op(), right.into_column()))
    }

    /// `column = value`, the value bound (knex `onVal(column, value)`).
    pub fn on_val(&mut self, column: impl IntoColumn, value: impl IntoOperand) -> &mut Self {
        self.add(false, compare(column.into_column(), Ok(Op::Eq), value.into_operand()))
    }

    /// `column <op> value` (knex `onVal(column, op, value)`).
    pub fn on_val_op(&mut self, column: impl IntoColumn, op: impl IntoOp, value: impl IntoOperand) -> &mut Self {
        self.add(false, compare(column.into_column(), op.into_op(), value.into_operand()))
    }

    /// The same as [`on_val`](Self::on_val) (knex `andOnVal`).
    pub fn and_on_val(&mut self, column: impl IntoColumn, value: impl IntoOperand) -> &mut Self {
        self.on_val(column, value)
    }

    /// `or column = value` (knex `orOnVal`).
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
    pub fn on_in(&mut self, column: impl IntoColumn, values: impl IntoList) -> &mut Self {
        self.on_list(false, column, values, false)
    }

    /// `or column in (values…)` (knex `orOnIn`).
    pub fn or_on_in(&mut self, column: impl IntoColumn, values: impl IntoList) -> &mut Self {
        self.on_list(true, column, values, false)
    }

    /// `column not in (values…)` (knex `onNotIn`).
    pub fn on_not_in(&mut self, column: impl IntoColumn, values: impl IntoList) -> &mut Self {
        self.on_list(false, column, values, true)
    }

    /// `or column not in (values…)` (knex `orOnNotIn`).
    pub fn or_on_not_in(&mut self, column: impl IntoColumn, values: impl IntoList) -> &mut Self {
        self.on_list(true, column, values, true)
    }

    /// `column is null` (knex `onNull`).
    pub fn on_null(&mut self, column: impl IntoColumn) -> &mut Self {
        self.add(false, Ok(Clause::Null(column.into_column(), false)))
    }

    /// `or column is null` (knex `orOnNull`).
    pub fn or_on_null(&mut self, column: impl IntoColumn) -> &mut Self {
        self.add(true, Ok(Clause::Null(column.into_column(), false)))
    }

    /// `column is not null` (knex `onNotNull`).
    pub fn on_not_null(&mut self, column: impl IntoColumn) -> &mut Self {
        self.add(false, Ok(Clause::Null(column.into_column(), true)))
    }

    /// `or column is not null` (knex `orOnNotNull`).
    pub fn or_on_not_null(&mut self, column: impl IntoColumn) -> &mut Self {
        self.add(true, Ok(Clause::Null(column.into_column(), true)))
    }

    /// `column between low and high` (knex `onBetween`).
    pub fn on_between(&mut self, column: impl IntoColumn, low: impl IntoOperand, high: impl IntoOperand) -> &mut Self {
        self.add(false, Ok(Clause::Between(column.into_column(), low.into_operand(), high.into_operand(), false)))
    }

    /// `or column between low and high` (knex `orOnBetween`).
    pub fn or_on_between(
        &mut self,
        column: impl IntoColumn,
        low: impl IntoOperand,
        high: impl IntoOperand,
    ) -> &mut Self {
        self.add(true, Ok(Clause::Between(column.into_column(), low.into_operand(), high.into_operand(), false)))
    }

    /// `column not between low and high` (knex `onNotBetween`).
    pub fn on_not_between(
        &mut self,
        column: impl IntoColumn,
        low: impl IntoOperand,
        high: impl IntoOperand,
    ) -> &mut Self {
        self.add(false, Ok(Clause::Between(column.into_column(), low.into_operand(), high.into_operand(), true)))
    }

    /// `or column not between low and high` (knex `orOnNotBetween`).
    pub fn or_on_not_between(
        &mut self,
        column: impl IntoColumn,
        low: impl IntoOperand,
        high: impl IntoOperand,
    ) -> &mut Self {
        self.add(true, Ok(Clause::Between(column.into_column(), low.into_operand(), high.into_operand(), true)))
    }

    /// `exists (subquery)` (knex `onExists`).
    pub fn on_exists(&mut self, query: Select) -> &mut Self {
        self.add(false, Ok(Clause::Exists(Box::new(query))))
    }

    /// `or exists (subquery)` (knex `orOnExists`).
    pub fn or_on_exists(&mut self, query: Select) -> &mut Self {
        self.add(true, Ok(Clause::Exists(Box::new(query))))
    }

    /// `not exists (subquery)` (knex `onNotExists`).
    pub fn on_not_exists(&mut self, query: Select) -> &mut Self {
        self.conditions.push(false, true, Ok(Clause::Exists(Box::new(query))));
        self
    }

    /// `or not exists (subquery)` (knex `orOnNotExists`).
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
    pub fn on_raw(&mut self, sql: Raw) -> &mut Self {
        self.add(false, Ok(Clause::Raw(sql)))
    }

    /// `or <raw SQL>` in the `on` clause.
    pub fn or_on_raw(&mut self, sql: Raw) -> &mut Self {
        self.add(true, Ok(Clause::Raw(sql)))
    }

    /// A parenthesized group (knex `on(function () { … })` / `onVal(function …)`).
    pub fn on_group(&mut self, build: impl FnOnce(&mut JoinOn)) -> &mut Self {
        let mut group = JoinOn::default();
        build(&mut group);
        self.add(false, Ok(Clause::Group(group.conditions)))
    }

    /// `or (group)` (knex `orOn(function …)` / `orOnVal(function …)`).
    pub fn or_on_group(&mut self, build: impl FnOnce(&mut JoinOn)) -> &mut Self {
        let mut group = JoinOn::default();
        build(&mut group);
        self.add(true, Ok(Clause::Group(group.conditions)))
    }

    /// `using (columns…)` instead of `on` (knex `using`).
    pub fn using<I, S>(&mut self, columns: I) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: crate::IntoName,
    {
        self.using.extend(columns.into_iter().map(|c| c.into_name()));
        self
    }
}
