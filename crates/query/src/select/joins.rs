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
    ///
    /// ```
    /// # use knexrs_query::{Select, PostgresQueryBuilder};
    /// let mut q = Select::from("sessions as s");
    /// q.join("users as u", "u.id", "s.owner_user_id");
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select * from "sessions" as "s" inner join "users" as "u" on "u"."id" = "s"."owner_user_id""#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn join(&mut self, table: impl IntoSource, left: impl IntoColumn, right: impl IntoColumn) -> &mut Self {
        self.simple_join(JoinKind::Inner, table, left, right)
    }

    /// `left join table on left = right`.
    ///
    /// ```
    /// # use knexrs_query::{Select, PostgresQueryBuilder};
    /// let mut q = Select::from("users");
    /// q.left_join("sessions", "sessions.owner_user_id", "users.id");
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select * from "users" left join "sessions" on "sessions"."owner_user_id" = "users"."id""#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn left_join(&mut self, table: impl IntoSource, left: impl IntoColumn, right: impl IntoColumn) -> &mut Self {
        self.simple_join(JoinKind::Left, table, left, right)
    }

    /// `right join table on left = right`.
    ///
    /// ```
    /// # use knexrs_query::{Select, PostgresQueryBuilder};
    /// let mut q = Select::from("users");
    /// q.right_join("sessions", "sessions.owner_user_id", "users.id");
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select * from "users" right join "sessions" on "sessions"."owner_user_id" = "users"."id""#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn right_join(&mut self, table: impl IntoSource, left: impl IntoColumn, right: impl IntoColumn) -> &mut Self {
        self.simple_join(JoinKind::Right, table, left, right)
    }

    /// `full outer join table on left = right`.
    ///
    /// ```
    /// # use knexrs_query::{Select, PostgresQueryBuilder};
    /// let mut q = Select::from("users");
    /// q.full_outer_join("sessions", "sessions.owner_user_id", "users.id");
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select * from "users" full outer join "sessions" on "sessions"."owner_user_id" = "users"."id""#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn full_outer_join(
        &mut self,
        table: impl IntoSource,
        left: impl IntoColumn,
        right: impl IntoColumn,
    ) -> &mut Self {
        self.simple_join(JoinKind::FullOuter, table, left, right)
    }

    /// A join of any kind with `left <op> right` (knex `join(table, left, op, right)`).
    ///
    /// ```
    /// # use knexrs_query::{JoinKind, Select, PostgresQueryBuilder};
    /// let mut q = Select::from("events as e");
    /// q.join_op(JoinKind::Left, "windows as w", "e.at", ">=", "w.starts_at");
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select * from "events" as "e" left join "windows" as "w" on "e"."at" >= "w"."starts_at""#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
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
    ///
    /// ```
    /// # use knexrs_query::{JoinKind, Select, PostgresQueryBuilder};
    /// let mut q = Select::from("users");
    /// q.join_on(JoinKind::Left, "sessions", |j| {
    ///     j.on("sessions.owner_user_id", "=", "users.id").on_not_null("sessions.pod_ip");
    /// });
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select * from "users" left join "sessions" on "sessions"."owner_user_id" = "users"."id" and "sessions"."pod_ip" is not null"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn join_on(&mut self, kind: JoinKind, table: impl IntoSource, build: impl FnOnce(&mut JoinOn)) -> &mut Self {
        let mut on = JoinOn::default();
        build(&mut on);
        self.push_join(kind, table, on, false)
    }

    /// `… join lateral (subquery) as alias on …`: the subquery may refer to earlier tables.
    ///
    /// ```
    /// # use knexrs_query::{raw, JoinKind, Order, Select, Wheres, PostgresQueryBuilder};
    /// let mut latest = Select::from("sessions");
    /// latest.where_column("sessions.owner_user_id", "=", "users.id").order_by("created_at", Order::Desc).first();
    /// let mut q = Select::from("users");
    /// q.join_lateral(JoinKind::Left, latest, "latest", |j| {
    ///     j.on_raw(raw("true"));
    /// });
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select * from "users" left join lateral (select * from "sessions" where "sessions"."owner_user_id" = "users"."id" order by "created_at" desc limit $1) as "latest" on true"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
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
    ///
    /// ```
    /// # use knexrs_query::{Select, PostgresQueryBuilder};
    /// let mut q = Select::from("sizes");
    /// q.cross_join("colors");
    /// assert_eq!(q.build(PostgresQueryBuilder)?.0, r#"select * from "sizes" cross join "colors""#);
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn cross_join(&mut self, table: impl IntoSource) -> &mut Self {
        self.push_join(JoinKind::Cross, table, JoinOn::default(), false)
    }

    /// A raw join clause (knex `joinRaw`).
    ///
    /// ```
    /// # use knexrs_query::{raw, Select, PostgresQueryBuilder};
    /// let mut q = Select::from("users");
    /// q.join_raw(raw("natural full join accounts"));
    /// assert_eq!(q.build(PostgresQueryBuilder)?.0, r#"select * from "users" natural full join accounts"#);
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn join_raw(&mut self, sql: Raw) -> &mut Self {
        self.joins.push(Join::Raw(sql));
        self
    }
}
