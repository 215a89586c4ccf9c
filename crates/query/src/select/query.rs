//! The `Select` builder: its parts, the table it reads, its columns.

use super::aggregate::SelectItem;
use super::joins::Join;
use super::selected::IntoSelected;
use super::set_ops::SetOperation;
use super::source::{IntoSource, Source};
use super::tail::{Lock, OrderItem};
use crate::conditions::{Conditions, IntoColumns};
use crate::cte::{Ctes, With};
use crate::ident::Name;
use crate::operand::{IntoOperand, Operand};
use crate::{IntoName, Raw, Wheres};

/// A `select` (knex's query builder in its select form).
///
/// Build with `&mut self` setters, render with [`build`](Select::build). A
/// builder can be cloned and extended: one base query for a count and a page.
///
/// ```
/// use knexrs_query::{Order, Select, Wheres, PostgresQueryBuilder};
///
/// let mut q = Select::from("sessions as s");
/// q.columns(["s.session_id", "u.email"])
///     .join("users as u", "u.id", "s.owner_user_id")
///     .where_in("s.owner_user_id", ["user-1", "user-2"])
///     .order_by("s.created_at", Order::Desc)
///     .limit(50);
/// let (sql, values) = q.build(PostgresQueryBuilder).unwrap();
/// assert_eq!(
///     sql,
///     r#"select "s"."session_id", "u"."email" from "sessions" as "s" inner join "users" as "u" on "u"."id" = "s"."owner_user_id" where "s"."owner_user_id" in ($1, $2) order by "s"."created_at" desc limit $3"#
/// );
/// assert_eq!(values.0.len(), 3);
/// ```
#[derive(Debug, Clone, Default)]
pub struct Select {
    pub(super) with: With,
    pub(super) schema: Option<Name>,
    pub(super) hints: Vec<String>,
    /// `/* … */` before `select` (knex `comment`).
    pub(super) comments: Vec<String>,
    pub(super) distinct: Distinct,
    pub(super) columns: Vec<SelectItem>,
    pub(super) from: Option<Source>,
    /// More tables after the first (`from a, b`).
    pub(super) more_from: Vec<Source>,
    pub(super) only: bool,
    pub(super) joins: Vec<Join>,
    pub(super) wheres: Conditions,
    pub(super) set_operations: Vec<SetOperation>,
    pub(super) group_by: Vec<Operand>,
    pub(super) havings: Conditions,
    pub(super) orders: Vec<OrderItem>,
    pub(super) limit: Option<Operand>,
    pub(super) offset: Option<Operand>,
    pub(super) lock: Option<Lock>,
    /// Given up after this long (knex `.timeout(ms, { cancel: true })`).
    pub(crate) timeout: Option<std::time::Duration>,
}

#[derive(Debug, Clone, Default)]
pub(super) enum Distinct {
    #[default]
    No,
    All,
    On(Vec<Operand>),
}

impl Select {
    /// An empty select (`select *`, no table: add one with [`from`](Self::from)).
    ///
    /// ```
    /// # use knexrs_query::{raw, Select, PostgresQueryBuilder};
    /// let mut q = Select::new();
    /// q.column_raw(raw("1 + 1 as two"));
    /// assert_eq!(q.build(PostgresQueryBuilder)?.0, "select 1 + 1 as two");
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// `select * from table` (knex `knex(table)`): `"users"`, `"users as u"`,
    /// `"schema.users"`, a subquery or raw SQL.
    ///
    /// ```
    /// # use knexrs_query::{Select, PostgresQueryBuilder};
    /// let q = Select::from("public.sessions as s");
    /// assert_eq!(q.build(PostgresQueryBuilder)?.0, r#"select * from "public"."sessions" as "s""#);
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn from(table: impl IntoSource) -> Self {
        Select { from: Some(table.into_source()), ..Self::default() }
    }

    /// Sets the table (replacing any set before).
    ///
    /// ```
    /// # use knexrs_query::{Select, PostgresQueryBuilder};
    /// let mut q = Select::from("sessions");
    /// q.set_from("sessions_archive");
    /// assert_eq!(q.build(PostgresQueryBuilder)?.0, r#"select * from "sessions_archive""#);
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn set_from(&mut self, table: impl IntoSource) -> &mut Self {
        self.from = Some(table.into_source());
        self.more_from.clear();
        self
    }

    /// Adds another table to `from` (`from "a" as "x", "b" as "y"`; knex `from({ x: 'a', y: 'b' })`).
    ///
    /// ```
    /// use knexrs_query::{Select, PostgresQueryBuilder};
    ///
    /// let mut q = Select::from("table as t1");
    /// q.add_from("table as t2");
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder).unwrap().0,
    ///     r#"select * from "table" as "t1", "table" as "t2""#
    /// );
    /// ```
    pub fn add_from(&mut self, table: impl IntoSource) -> &mut Self {
        match self.from {
            None => self.from = Some(table.into_source()),
            Some(_) => self.more_from.push(table.into_source()),
        }
        self
    }

    /// `from only table`: rows of the table, not of tables inheriting from it.
    ///
    /// ```
    /// # use knexrs_query::{Select, PostgresQueryBuilder};
    /// let mut q = Select::from("users");
    /// q.only();
    /// assert_eq!(q.build(PostgresQueryBuilder)?.0, r#"select * from only "users""#);
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn only(&mut self) -> &mut Self {
        self.only = true;
        self
    }

    /// Qualifies the tables of `from` and the joins with `schema` (knex `withSchema`).
    ///
    /// ```
    /// # use knexrs_query::{Select, PostgresQueryBuilder};
    /// let mut q = Select::from("sessions");
    /// q.with_schema("app").join("users", "users.id", "sessions.owner_user_id");
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select * from "app"."sessions" inner join "app"."users" on "users"."id" = "sessions"."owner_user_id""#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn with_schema(&mut self, schema: impl IntoName) -> &mut Self {
        self.schema = Some(schema.into_name());
        self
    }

    /// An optimizer hint comment, `select /*+ hint */ …` (knex `hintComment`);
    /// for extensions such as `pg_hint_plan`. A hint may not contain `/*`,
    /// `*/` or `?`: the query refuses to build.
    ///
    /// ```
    /// use knexrs_query::{Select, PostgresQueryBuilder};
    ///
    /// let mut q = Select::from("t");
    /// q.hint_comment("SeqScan(t)");
    /// assert_eq!(q.build(PostgresQueryBuilder).unwrap().0, r#"select /*+ SeqScan(t) */ * from "t""#);
    /// ```
    pub fn hint_comment(&mut self, hint: impl Into<String>) -> &mut Self {
        self.hints.push(hint.into());
        self
    }

    /// A comment before the query, `/* comment */ select …` (knex `comment`):
    /// what `pg_stat_statements` and the server log show beside it (the
    /// endpoint or job that ran it). Several are kept in order. A comment may
    /// not contain `/*`, `*/` or `?`: the query refuses to build.
    ///
    /// ```
    /// use knexrs_query::{BuildError, PostgresQueryBuilder, QueryError, Select};
    ///
    /// let mut q = Select::from("sessions");
    /// q.comment("GET /sessions").comment("request 42");
    /// assert_eq!(q.build(PostgresQueryBuilder)?.0, r#"/* GET /sessions */ /* request 42 */ select * from "sessions""#);
    /// let mut bad = Select::from("sessions");
    /// bad.comment("*/ drop table sessions --");
    /// assert!(matches!(bad.build(PostgresQueryBuilder), Err(QueryError::Build(BuildError::BadComment { .. }))));
    /// # Ok::<(), QueryError>(())
    /// ```
    pub fn comment(&mut self, comment: impl Into<String>) -> &mut Self {
        self.comments.push(comment.into());
        self
    }

    /// Adds a column (`"id"`, `"users.id"`, `"email as e"`, `"u.*"`) or a
    /// number (knex `select(1)`).
    ///
    /// ```
    /// # use knexrs_query::{Select, PostgresQueryBuilder};
    /// let mut q = Select::from("users as u");
    /// q.column("u.id").column("email as e");
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select "u"."id", "email" as "e" from "users" as "u""#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn column(&mut self, column: impl IntoSelected) -> &mut Self {
        let (operand, alias) = column.into_selected();
        self.columns.push(SelectItem::Operand(operand, alias));
        self
    }

    /// Adds columns (knex `select(...)`).
    ///
    /// ```
    /// # use knexrs_query::{Select, PostgresQueryBuilder};
    /// let mut q = Select::from("sessions");
    /// q.columns(["session_id", "pod_ip", "expires_at as until"]);
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select "session_id", "pod_ip", "expires_at" as "until" from "sessions""#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn columns<I, S>(&mut self, columns: I) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: IntoSelected,
    {
        for column in columns {
            self.column(column);
        }
        self
    }

    /// Adds any operand (an expression, a subquery, raw SQL) as a column, optionally aliased.
    ///
    /// ```
    /// use knexrs_query::{Select, Wheres, PostgresQueryBuilder};
    ///
    /// let mut newest = Select::from("posts");
    /// newest.max("created_at").where_column("posts.user_id", "=", "users.id");
    /// let mut q = Select::from("users");
    /// q.column("name").column_as(newest, Some("last_post"));
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder).unwrap().0,
    ///     r#"select "name", (select max("created_at") from "posts" where "posts"."user_id" = "users"."id") as "last_post" from "users""#
    /// );
    /// ```
    pub fn column_as(&mut self, operand: impl IntoOperand, alias: Option<&str>) -> &mut Self {
        let alias = alias.map(|a| a.to_owned().into());
        self.columns.push(SelectItem::Operand(operand.into_operand(), alias));
        self
    }

    /// Adds raw SQL to the select list (knex `select(knex.raw(...))`).
    ///
    /// ```
    /// # use knexrs_query::{raw, Select, PostgresQueryBuilder};
    /// let mut q = Select::from("sessions");
    /// q.column_raw(raw("count(*) filter (where pod_ip is null) as unplaced"));
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select count(*) filter (where pod_ip is null) as unplaced from "sessions""#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn column_raw(&mut self, sql: Raw) -> &mut Self {
        self.columns.push(SelectItem::Operand(sql.into_operand(), None));
        self
    }

    /// Drops the selected columns (back to `*`), to reuse the rest of the query (knex `clearSelect`).
    ///
    /// ```
    /// # use knexrs_query::{Select, PostgresQueryBuilder};
    /// let mut page = Select::from("sessions");
    /// page.columns(["session_id", "pod_ip"]).limit(20);
    /// let mut total = page.clone();
    /// total.clear_columns().clear_limit().count_as("*", "n");
    /// assert_eq!(total.build(PostgresQueryBuilder)?.0, r#"select count(*) as "n" from "sessions""#);
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn clear_columns(&mut self) -> &mut Self {
        self.columns.clear();
        self.distinct = Distinct::No;
        self
    }

    /// Drops the `where` conditions (knex `clearWhere`).
    ///
    /// ```
    /// # use knexrs_query::{Select, Wheres, PostgresQueryBuilder};
    /// let mut q = Select::from("sessions");
    /// q.where_eq("owner_user_id", "u1").clear_where();
    /// assert_eq!(q.build(PostgresQueryBuilder)?.0, r#"select * from "sessions""#);
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn clear_where(&mut self) -> &mut Self {
        self.wheres = Conditions::default();
        self
    }

    /// Drops the joins.
    ///
    /// ```
    /// # use knexrs_query::{Select, PostgresQueryBuilder};
    /// let mut q = Select::from("sessions");
    /// q.join("users", "users.id", "sessions.owner_user_id").clear_joins();
    /// assert_eq!(q.build(PostgresQueryBuilder)?.0, r#"select * from "sessions""#);
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn clear_joins(&mut self) -> &mut Self {
        self.joins.clear();
        self
    }

    /// Drops the unions, intersections and exceptions.
    ///
    /// ```
    /// # use knexrs_query::{Select, PostgresQueryBuilder};
    /// let mut q = Select::from("admins");
    /// q.union(Select::from("owners")).clear_unions();
    /// assert_eq!(q.build(PostgresQueryBuilder)?.0, r#"select * from "admins""#);
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn clear_unions(&mut self) -> &mut Self {
        self.set_operations.clear();
        self
    }

    /// Drops the `with` clause.
    ///
    /// ```
    /// # use knexrs_query::{Ctes, Select, PostgresQueryBuilder};
    /// let mut q = Select::from("recent");
    /// q.with("recent", Select::from("sessions")).clear_with();
    /// assert_eq!(q.build(PostgresQueryBuilder)?.0, r#"select * from "recent""#);
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn clear_with(&mut self) -> &mut Self {
        self.with = With::default();
        self
    }

    /// Drops the hint comments.
    ///
    /// ```
    /// # use knexrs_query::{Select, PostgresQueryBuilder};
    /// let mut q = Select::from("t");
    /// q.hint_comment("SeqScan(t)").clear_hint_comments();
    /// assert_eq!(q.build(PostgresQueryBuilder)?.0, r#"select * from "t""#);
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn clear_hint_comments(&mut self) -> &mut Self {
        self.hints.clear();
        self
    }

    /// Drops the comments [`comment`](Self::comment) added.
    ///
    /// ```
    /// # use knexrs_query::{Select, PostgresQueryBuilder};
    /// let mut q = Select::from("t");
    /// q.comment("report").clear_comments();
    /// assert_eq!(q.build(PostgresQueryBuilder)?.0, r#"select * from "t""#);
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn clear_comments(&mut self) -> &mut Self {
        self.comments.clear();
        self
    }

    /// `select distinct` (knex `distinct()`).
    ///
    /// ```
    /// # use knexrs_query::{Select, PostgresQueryBuilder};
    /// let mut q = Select::from("sessions");
    /// q.distinct().column("owner_user_id");
    /// assert_eq!(q.build(PostgresQueryBuilder)?.0, r#"select distinct "owner_user_id" from "sessions""#);
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn distinct(&mut self) -> &mut Self {
        self.distinct = Distinct::All;
        self
    }

    /// `select distinct on (columns…)` (knex `distinctOn`): one column or a list.
    ///
    /// ```
    /// # use knexrs_query::{Order, Select, PostgresQueryBuilder};
    /// let mut q = Select::from("sessions");
    /// q.distinct_on(["owner_user_id"]).columns(["owner_user_id", "created_at"]).order_by("owner_user_id", Order::Asc);
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select distinct on ("owner_user_id") "owner_user_id", "created_at" from "sessions" order by "owner_user_id" asc"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn distinct_on(&mut self, columns: impl IntoColumns) -> &mut Self {
        self.distinct = Distinct::On(columns.into_columns().collect());
        self
    }

    /// Selects one column only, for the executors' `pluck` (knex `pluck`).
    ///
    /// ```
    /// # use knexrs_query::{Select, PostgresQueryBuilder};
    /// let mut q = Select::from("sessions");
    /// q.columns(["session_id", "pod_ip"]).pluck("session_id");
    /// assert_eq!(q.build(PostgresQueryBuilder)?.0, r#"select "session_id" from "sessions""#);
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn pluck(&mut self, column: impl IntoName) -> &mut Self {
        self.columns.clear();
        self.column(column)
    }

    /// Applies `modify` to the query (knex `modify`): reusable pieces of a query as functions.
    ///
    /// ```
    /// use knexrs_query::{Select, PostgresQueryBuilder};
    ///
    /// fn with_bars(q: &mut Select) {
    ///     q.left_join("bars", "foos.bar_id", "bars.id").column("bars.*");
    /// }
    /// let mut q = Select::from("foos");
    /// q.column("foo_id").modify(with_bars);
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder).unwrap().0,
    ///     r#"select "foo_id", "bars".* from "foos" left join "bars" on "foos"."bar_id" = "bars"."id""#
    /// );
    /// ```
    pub fn modify(&mut self, modify: impl FnOnce(&mut Self)) -> &mut Self {
        modify(self);
        self
    }
}

impl Wheres for Select {
    fn conditions_mut(&mut self) -> &mut Conditions {
        &mut self.wheres
    }
}

impl Ctes for Select {
    fn with_clause_mut(&mut self) -> &mut With {
        &mut self.with
    }
}

/// `select * from table` (knex `knex(table)`).
///
/// ```
/// use knexrs_query::{table, Wheres, PostgresQueryBuilder};
///
/// let mut q = table("sessions");
/// q.where_eq("session_id", "abc-123").first();
/// let (sql, values) = q.build(PostgresQueryBuilder).unwrap();
/// assert_eq!(sql, r#"select * from "sessions" where "session_id" = $1 limit $2"#);
/// assert_eq!(values.0.len(), 2);
/// ```
pub fn table(table: impl IntoSource) -> Select {
    Select::from(table)
}
