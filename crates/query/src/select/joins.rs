//! Joins on a select: knex's `join`, `leftJoin`, …, lateral, cross and raw joins.

use super::Select;
use super::source::{IntoSource, Source, aliased};
use crate::conditions::IntoColumn;
use crate::join::{JoinKind, JoinOn};
use crate::{IntoName, IntoOp, Raw};

#[derive(Debug, Clone)]
pub(super) enum Join {
    Join { kind: JoinKind, source: Source, on: JoinOn, lateral: bool },
    Raw(Raw),
}

impl Select {
    fn push_join(&mut self, kind: JoinKind, table: impl IntoSource, on: JoinOn, lateral: bool) -> &mut Self {
        self.joins.push(Join::Join { kind, source: table.into_source(), on, lateral });
        self
    }

    fn simple_join(
        &mut self,
        kind: JoinKind,
        table: impl IntoSource,
        left: impl IntoColumn,
        right: impl IntoColumn,
    ) -> &mut Self {
        let mut on = JoinOn::default();
        on.on(left, crate::Op::Eq, right);
        self.push_join(kind, table, on, false)
    }

    /// `inner join table on left = right` (knex `join(table, left, right)`).
    pub fn join(&mut self, table: impl IntoSource, left: impl IntoColumn, right: impl IntoColumn) -> &mut Self {
        self.simple_join(JoinKind::Inner, table, left, right)
    }

    /// `left join table on left = right`.
    pub fn left_join(&mut self, table: impl IntoSource, left: impl IntoColumn, right: impl IntoColumn) -> &mut Self {
        self.simple_join(JoinKind::Left, table, left, right)
    }

    /// `right join table on left = right`.
    pub fn right_join(&mut self, table: impl IntoSource, left: impl IntoColumn, right: impl IntoColumn) -> &mut Self {
        self.simple_join(JoinKind::Right, table, left, right)
    }

    /// `full outer join table on left = right`.
    pub fn full_outer_join(
        &mut self,
        table: impl IntoSource,
        left: impl IntoColumn,
        right: impl IntoColumn,
    ) -> &mut Self {
        self.simple_join(JoinKind::FullOuter, table, left, right)
    }

    /// A join of any kind with `left <op> right` (knex `join(table, left, op, right)`).
    pub fn join_op(
        &mut self,
        kind: JoinKind,
        table: impl IntoSource,
        left: impl IntoColumn,
        op: impl IntoOp,
        right: impl IntoColumn,
    ) -> &mut Self {
        let mut on = JoinOn::default();
        on.on(left, op, right);
        self.push_join(kind, table, on, false)
    }

    /// A join of any kind with a built `on` clause (knex `join(table, function () { … })`).
    pub fn join_on(&mut self, kind: JoinKind, table: impl IntoSource, build: impl FnOnce(&mut JoinOn)) -> &mut Self {
        let mut on = JoinOn::default();
        build(&mut on);
        self.push_join(kind, table, on, false)
    }

    /// `… join lateral (subquery) as alias on …`: the subquery may refer to earlier tables.
    pub fn join_lateral(
        &mut self,
        kind: JoinKind,
        query: Select,
        alias: impl IntoName,
        build: impl FnOnce(&mut JoinOn),
    ) -> &mut Self {
        let mut on = JoinOn::default();
        build(&mut on);
        self.push_join(kind, aliased(query, alias), on, true)
    }

    /// `cross join table` (knex `crossJoin`).
    pub fn cross_join(&mut self, table: impl IntoSource) -> &mut Self {
        self.push_join(JoinKind::Cross, table, JoinOn::default(), false)
    }

    /// A raw join clause (knex `joinRaw`).
    pub fn join_raw(&mut self, sql: Raw) -> &mut Self {
        self.joins.push(Join::Raw(sql));
        self
    }
}
