//! `select`, laid out in knex's clause order (with, columns, from, joins,
//! where, unions, group by, having, order by, limit, offset, lock).

use crate::conditions::{Clause, Conditions, IntoColumn, IntoList, compare, in_list};
use crate::cte::{Ctes, With};
use crate::ident::{iden, split_alias, table_name};
use crate::join::{JoinKind, JoinOn};
use crate::operand::{IntoOperand, Operand};
use crate::render::Writer;
use crate::{IntoName, IntoOp, QueryError, Raw, Wheres};
use sea_query::{DynIden, TableName, Value};

/// Sort direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// `asc`
    Asc,
    /// `desc`
    Desc,
}

/// Where nulls sort.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nulls {
    /// `nulls first`
    First,
    /// `nulls last`
    Last,
}

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
    with: With,
    schema: Option<DynIden>,
    distinct: Distinct,
    columns: Vec<SelectItem>,
    from: Option<Source>,
    only: bool,
    joins: Vec<Join>,
    wheres: Conditions,
    unions: Vec<Union>,
    group_by: Vec<Operand>,
    havings: Conditions,
    orders: Vec<OrderItem>,
    limit: Option<Value>,
    offset: Option<Value>,
    lock: Option<Lock>,
}

#[derive(Debug, Clone, Default)]
enum Distinct {
    #[default]
    No,
    All,
    On(Vec<Operand>),
}

#[derive(Debug, Clone)]
enum SelectItem {
    Operand(Operand, Option<DynIden>),
    Aggregate { function: &'static str, distinct: bool, args: Vec<Operand>, alias: Option<DynIden> },
}

/// A `from` or a join target: a table, a subquery, or raw SQL.
#[derive(Debug, Clone)]
pub enum Source {
    /// A table, optionally schema-qualified and aliased.
    Table(TableName, Option<DynIden>),
    /// A subquery, optionally aliased.
    Subquery(Box<Select>, Option<DynIden>),
    /// Raw SQL.
    Raw(Raw),
}

/// Converts into a [`Source`]: `"users"`, `"public.users as u"`, a subquery or raw SQL.
pub trait IntoSource {
    /// The source.
    fn into_source(self) -> Source;
}

fn parse_table(name: std::borrow::Cow<'static, str>) -> Source {
    let (table, alias) = split_alias(name);
    Source::Table(table_name(table, None), alias.map(iden))
}

impl IntoSource for &'static str {
    fn into_source(self) -> Source {
        parse_table(self.into_name())
    }
}

impl IntoSource for String {
    fn into_source(self) -> Source {
        parse_table(self.into_name())
    }
}

impl IntoSource for std::borrow::Cow<'static, str> {
    fn into_source(self) -> Source {
        parse_table(self)
    }
}

impl IntoSource for Raw {
    fn into_source(self) -> Source {
        Source::Raw(self)
    }
}

impl IntoSource for Source {
    fn into_source(self) -> Source {
        self
    }
}

impl IntoSource for Select {
    fn into_source(self) -> Source {
        Source::Subquery(Box::new(self), None)
    }
}

/// A subquery with an alias, as a source (knex `subquery.as('alias')`).
///
/// ```
/// use knexrs_query::{aliased, Select, PostgresQueryBuilder};
///
/// let inner = Select::from("foo");
/// let q = Select::from(aliased(inner, "bar"));
/// assert_eq!(q.build(PostgresQueryBuilder).unwrap().0, r#"select * from (select * from "foo") as "bar""#);
/// ```
pub fn aliased(query: Select, alias: impl IntoName) -> Source {
    Source::Subquery(Box::new(query), Some(iden(alias.into_name())))
}

#[derive(Debug, Clone)]
enum Join {
    Join { kind: JoinKind, source: Source, on: JoinOn, lateral: bool },
    Raw(Raw),
}

#[derive(Debug, Clone)]
struct Union {
    all: bool,
    wrap: bool,
    query: UnionQuery,
}

#[derive(Debug, Clone)]
enum UnionQuery {
    Select(Box<Select>),
    Raw(Raw),
}

#[derive(Debug, Clone)]
enum OrderItem {
    By(Operand, Order, Option<Nulls>),
    Raw(Raw),
}

#[derive(Debug, Clone)]
struct Lock {
    mode: &'static str,
    of: Vec<TableName>,
    wait: Option<&'static str>,
}

macro_rules! aggregates {
    ($($(#[$doc:meta])* $name:ident, $as_name:ident => $function:literal, $distinct:literal;)*) => {$(
        $(#[$doc])*
        pub fn $name(&mut self, column: impl IntoAggregated) -> &mut Self {
            self.aggregate($function, $distinct, column, None)
        }

        #[doc = concat!("`", $function, "(…) as alias`.")]
        pub fn $as_name(&mut self, column: impl IntoAggregated, alias: impl IntoName) -> &mut Self {
            self.aggregate($function, $distinct, column, Some(iden(alias.into_name())))
        }
    )*};
}

/// What an aggregate takes: a column (`"id"`, `"id as n"`), several columns,
/// or raw SQL.
pub trait IntoAggregated {
    /// The arguments, and an alias given in the name (`"id as n"`).
    fn into_aggregated(self) -> (Vec<Operand>, Option<DynIden>);
}

fn aggregated_name(name: std::borrow::Cow<'static, str>) -> (Vec<Operand>, Option<DynIden>) {
    let (column, alias) = split_alias(name);
    let args = if column == "*" { Vec::new() } else { vec![crate::col(column)] };
    (args, alias.map(iden))
}

impl IntoAggregated for &'static str {
    fn into_aggregated(self) -> (Vec<Operand>, Option<DynIden>) {
        aggregated_name(self.into_name())
    }
}

impl IntoAggregated for String {
    fn into_aggregated(self) -> (Vec<Operand>, Option<DynIden>) {
        aggregated_name(self.into_name())
    }
}

impl<const N: usize> IntoAggregated for [&'static str; N] {
    fn into_aggregated(self) -> (Vec<Operand>, Option<DynIden>) {
        (self.into_iter().map(crate::col).collect(), None)
    }
}

impl IntoAggregated for Raw {
    fn into_aggregated(self) -> (Vec<Operand>, Option<DynIden>) {
        (vec![self.into_operand()], None)
    }
}

impl IntoAggregated for Operand {
    fn into_aggregated(self) -> (Vec<Operand>, Option<DynIden>) {
        (vec![self], None)
    }
}

impl Select {
    /// An empty select (`select *`, no table: add one with [`from`](Self::from)).
    pub fn new() -> Self {
        Self::default()
    }

    /// `select * from table` (knex `knex(table)`): `"users"`, `"users as u"`,
    /// `"schema.users"`, a subquery or raw SQL.
    pub fn from(table: impl IntoSource) -> Self {
        Select { from: Some(table.into_source()), ..Self::default() }
    }

    /// Sets the table.
    pub fn set_from(&mut self, table: impl IntoSource) -> &mut Self {
        self.from = Some(table.into_source());
        self
    }

    /// `from only table`: rows of the table, not of tables inheriting from it.
    pub fn only(&mut self) -> &mut Self {
        self.only = true;
        self
    }

    /// Qualifies the tables of `from` and the joins with `schema` (knex `withSchema`).
    pub fn with_schema(&mut self, schema: impl IntoName) -> &mut Self {
        self.schema = Some(iden(schema.into_name()));
        self
    }

    /// Adds a column (`"id"`, `"users.id"`, `"email as e"`, `"u.*"`).
    pub fn column(&mut self, column: impl IntoName) -> &mut Self {
        let (name, alias) = split_alias(column.into_name());
        self.columns.push(SelectItem::Operand(crate::col(name), alias.map(iden)));
        self
    }

    /// Adds columns (knex `select(...)`).
    pub fn columns<I, S>(&mut self, columns: I) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: IntoName,
    {
        for column in columns {
            self.column(column);
        }
        self
    }

    /// Adds any operand (an expression, a subquery, raw SQL) as a column, optionally aliased.
    pub fn column_as(&mut self, operand: impl IntoOperand, alias: Option<&str>) -> &mut Self {
        let alias = alias.map(|a| iden(a.to_owned().into()));
        self.columns.push(SelectItem::Operand(operand.into_operand(), alias));
        self
    }

    /// Adds raw SQL to the select list (knex `select(knex.raw(...))`).
    pub fn column_raw(&mut self, sql: Raw) -> &mut Self {
        self.columns.push(SelectItem::Operand(sql.into_operand(), None));
        self
    }

    /// Drops the selected columns (back to `*`), to reuse the rest of the query.
    pub fn clear_columns(&mut self) -> &mut Self {
        self.columns.clear();
        self.distinct = Distinct::No;
        self
    }

    /// `select distinct` (knex `distinct()`).
    pub fn distinct(&mut self) -> &mut Self {
        self.distinct = Distinct::All;
        self
    }

    /// `select distinct on (columns…)` (knex `distinctOn`).
    pub fn distinct_on<I, S>(&mut self, columns: I) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: IntoColumn,
    {
        self.distinct = Distinct::On(columns.into_iter().map(IntoColumn::into_column).collect());
        self
    }

    fn aggregate(
        &mut self,
        function: &'static str,
        distinct: bool,
        column: impl IntoAggregated,
        alias: Option<DynIden>,
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

    /// Selects one column only, for [`Db::pluck`](crate::Db::pluck) (knex `pluck`).
    pub fn pluck(&mut self, column: impl IntoName) -> &mut Self {
        self.columns.clear();
        self.column(column)
    }

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

    fn push_union(&mut self, all: bool, wrap: bool, query: UnionQuery) -> &mut Self {
        self.unions.push(Union { all, wrap, query });
        self
    }

    /// `… union query` (knex `union`).
    pub fn union(&mut self, query: Select) -> &mut Self {
        self.push_union(false, false, UnionQuery::Select(Box::new(query)))
    }

    /// `… union all query` (knex `unionAll`).
    pub fn union_all(&mut self, query: Select) -> &mut Self {
        self.push_union(true, false, UnionQuery::Select(Box::new(query)))
    }

    /// `(…) union (query)`: both sides in parentheses (knex `union(query, true)`).
    pub fn union_wrapped(&mut self, query: Select) -> &mut Self {
        self.push_union(false, true, UnionQuery::Select(Box::new(query)))
    }

    /// `(…) union all (query)` (knex `unionAll(query, true)`).
    pub fn union_all_wrapped(&mut self, query: Select) -> &mut Self {
        self.push_union(true, true, UnionQuery::Select(Box::new(query)))
    }

    /// `… union <raw SQL>`.
    pub fn union_raw(&mut self, sql: Raw) -> &mut Self {
        self.push_union(false, false, UnionQuery::Raw(sql))
    }

    /// `… union all <raw SQL>`.
    pub fn union_all_raw(&mut self, sql: Raw) -> &mut Self {
        self.push_union(true, false, UnionQuery::Raw(sql))
    }

    /// `group by columns…` (knex `groupBy`).
    pub fn group_by<I, S>(&mut self, columns: I) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: IntoColumn,
    {
        self.group_by.extend(columns.into_iter().map(IntoColumn::into_column));
        self
    }

    /// `group by <raw SQL>` (knex `groupByRaw`).
    pub fn group_by_raw(&mut self, sql: Raw) -> &mut Self {
        self.group_by.push(sql.into_operand());
        self
    }

    /// `having column <op> value` (knex `having`).
    pub fn having(&mut self, column: impl IntoColumn, op: impl IntoOp, value: impl IntoOperand) -> &mut Self {
        self.havings.push(false, false, compare(column.into_column(), op.into_op(), value.into_operand()));
        self
    }

    /// `or column <op> value` (knex `orHaving`).
    pub fn or_having(&mut self, column: impl IntoColumn, op: impl IntoOp, value: impl IntoOperand) -> &mut Self {
        self.havings.push(true, false, compare(column.into_column(), op.into_op(), value.into_operand()));
        self
    }

    /// `having column is null` (knex `havingNull`).
    pub fn having_null(&mut self, column: impl IntoColumn) -> &mut Self {
        self.havings.push(false, false, Ok(Clause::Null(column.into_column(), false)));
        self
    }

    /// `having column is not null` (knex `havingNotNull`).
    pub fn having_not_null(&mut self, column: impl IntoColumn) -> &mut Self {
        self.havings.push(false, false, Ok(Clause::Null(column.into_column(), true)));
        self
    }

    /// `having column in (values…)` (knex `havingIn`).
    pub fn having_in(&mut self, column: impl IntoColumn, values: impl IntoList) -> &mut Self {
        self.havings.push(false, false, Ok(in_list(column.into_column(), values.into_list(), false)));
        self
    }

    /// `having column between low and high` (knex `havingBetween`).
    pub fn having_between(
        &mut self,
        column: impl IntoColumn,
        low: impl IntoOperand,
        high: impl IntoOperand,
    ) -> &mut Self {
        let clause = Clause::Between(column.into_column(), low.into_operand(), high.into_operand(), false);
        self.havings.push(false, false, Ok(clause));
        self
    }

    /// `having <raw SQL>` (knex `havingRaw`).
    pub fn having_raw(&mut self, sql: Raw) -> &mut Self {
        self.havings.push(false, false, Ok(Clause::Raw(sql)));
        self
    }

    /// `or <raw SQL>` in `having` (knex `orHavingRaw`).
    pub fn or_having_raw(&mut self, sql: Raw) -> &mut Self {
        self.havings.push(true, false, Ok(Clause::Raw(sql)));
        self
    }

    /// `having (group)` (knex `having(function () { … })`).
    pub fn having_group(&mut self, build: impl FnOnce(&mut crate::WhereGroup)) -> &mut Self {
        let mut group = crate::WhereGroup::default();
        build(&mut group);
        self.havings.push(false, false, Ok(Clause::Group(group.conditions)));
        self
    }

    /// `order by column asc|desc` (knex `orderBy`); the column may be a subquery or raw SQL.
    pub fn order_by(&mut self, column: impl IntoColumn, order: Order) -> &mut Self {
        self.orders.push(OrderItem::By(column.into_column(), order, None));
        self
    }

    /// `order by column asc|desc nulls first|last`.
    pub fn order_by_nulls(&mut self, column: impl IntoColumn, order: Order, nulls: Nulls) -> &mut Self {
        self.orders.push(OrderItem::By(column.into_column(), order, Some(nulls)));
        self
    }

    /// `order by <raw SQL>` (knex `orderByRaw`).
    pub fn order_by_raw(&mut self, sql: Raw) -> &mut Self {
        self.orders.push(OrderItem::Raw(sql));
        self
    }

    /// Drops the `order by`, to reuse the rest of the query (for a count).
    pub fn clear_order(&mut self) -> &mut Self {
        self.orders.clear();
        self
    }

    /// `limit n`, bound (knex `limit`).
    pub fn limit(&mut self, n: u64) -> &mut Self {
        self.limit = Some(Value::BigInt(Some(i64::try_from(n).unwrap_or(i64::MAX))));
        self
    }

    /// `offset n`, bound (knex `offset`).
    pub fn offset(&mut self, n: u64) -> &mut Self {
        self.offset = Some(Value::BigInt(Some(i64::try_from(n).unwrap_or(i64::MAX))));
        self
    }

    /// Drops `limit` and `offset`.
    pub fn clear_limit(&mut self) -> &mut Self {
        self.limit = None;
        self.offset = None;
        self
    }

    /// `limit 1`, the first row only (knex `first`).
    pub fn first(&mut self) -> &mut Self {
        self.limit(1)
    }

    fn set_lock(&mut self, mode: &'static str) -> &mut Self {
        let lock = self.lock.get_or_insert(Lock { mode, of: Vec::new(), wait: None });
        lock.mode = mode;
        self
    }

    /// `for update` (knex `forUpdate`).
    pub fn for_update(&mut self) -> &mut Self {
        self.set_lock("for update")
    }

    /// `for no key update` (knex `forNoKeyUpdate`).
    pub fn for_no_key_update(&mut self) -> &mut Self {
        self.set_lock("for no key update")
    }

    /// `for share` (knex `forShare`).
    pub fn for_share(&mut self) -> &mut Self {
        self.set_lock("for share")
    }

    /// `for key share` (knex `forKeyShare`).
    pub fn for_key_share(&mut self) -> &mut Self {
        self.set_lock("for key share")
    }

    /// Locks rows of these tables only (`for update of "t"`).
    pub fn lock_of<I, S>(&mut self, tables: I) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: IntoName,
    {
        if let Some(lock) = &mut self.lock {
            lock.of.extend(tables.into_iter().map(|t| table_name(t.into_name(), None)));
        }
        self
    }

    /// Skips rows another transaction has locked (knex `skipLocked`); for queues.
    pub fn skip_locked(&mut self) -> &mut Self {
        if let Some(lock) = &mut self.lock {
            lock.wait = Some("skip locked");
        }
        self
    }

    /// Fails at once on a locked row (knex `noWait`).
    pub fn no_wait(&mut self) -> &mut Self {
        if let Some(lock) = &mut self.lock {
            lock.wait = Some("nowait");
        }
        self
    }

    fn table_with_schema<'t>(&self, table: &'t TableName) -> std::borrow::Cow<'t, TableName> {
        match (&table.0, &self.schema) {
            (None, Some(schema)) => {
                std::borrow::Cow::Owned(TableName(Some(sea_query::SchemaName(None, schema.clone())), table.1.clone()))
            }
            _ => std::borrow::Cow::Borrowed(table),
        }
    }

    /// A source outside a select (update `from`, delete `using`).
    pub(crate) fn write_source_alone(source: &Source, w: &mut Writer) -> Result<(), QueryError> {
        Select::new().write_source(source, w)
    }

    fn write_source(&self, source: &Source, w: &mut Writer) -> Result<(), QueryError> {
        match source {
            Source::Table(table, alias) => {
                w.table(&self.table_with_schema(table));
                if let Some(alias) = alias {
                    w.push_str(" as ");
                    w.iden(alias);
                }
            }
            Source::Subquery(query, alias) => {
                w.push_str("(");
                query.write_to(w)?;
                w.push_str(")");
                if let Some(alias) = alias {
                    w.push_str(" as ");
                    w.iden(alias);
                }
            }
            Source::Raw(raw) => raw.write(w)?,
        }
        Ok(())
    }

    /// Only unions: `knex.union([…])` with no table or columns.
    fn only_unions(&self) -> bool {
        self.from.is_none() && self.columns.is_empty() && !self.unions.is_empty()
    }

    fn write_columns(&self, w: &mut Writer) -> Result<(), QueryError> {
        w.push_str("select ");
        match &self.distinct {
            Distinct::No => {}
            Distinct::All => w.push_str("distinct "),
            Distinct::On(columns) => {
                w.push_str("distinct on (");
                for (i, column) in columns.iter().enumerate() {
                    if i > 0 {
                        w.push_str(", ");
                    }
                    column.write(w)?;
                }
                w.push_str(") ");
            }
        }
        if self.columns.is_empty() {
            w.push_str("*");
        }
        for (i, item) in self.columns.iter().enumerate() {
            if i > 0 {
                w.push_str(", ");
            }
            let alias = match item {
                SelectItem::Operand(operand, alias) => {
                    operand.write(w)?;
                    alias
                }
                SelectItem::Aggregate { function, distinct, args, alias } => {
                    w.push_str(function);
                    w.push_str("(");
                    if *distinct {
                        w.push_str(if args.len() > 1 { "distinct(" } else { "distinct " });
                    }
                    if args.is_empty() {
                        w.push_str("*");
                    }
                    for (j, arg) in args.iter().enumerate() {
                        if j > 0 {
                            w.push_str(", ");
                        }
                        arg.write(w)?;
                    }
                    if *distinct && args.len() > 1 {
                        w.push_str(")");
                    }
                    w.push_str(")");
                    alias
                }
            };
            if let Some(alias) = alias {
                w.push_str(" as ");
                w.iden(alias);
            }
        }
        if let Some(from) = &self.from {
            w.push_str(if self.only { " from only " } else { " from " });
            self.write_source(from, w)?;
        }
        Ok(())
    }

    fn write_joins(&self, w: &mut Writer) -> Result<(), QueryError> {
        for join in &self.joins {
            w.push_str(" ");
            match join {
                Join::Raw(raw) => raw.write(w)?,
                Join::Join { kind, source, on, lateral } => {
                    w.push_str(kind.sql());
                    if *lateral {
                        w.push_str("lateral ");
                    }
                    self.write_source(source, w)?;
                    if !on.using.is_empty() {
                        w.push_str(" using (");
                        for (i, column) in on.using.iter().enumerate() {
                            if i > 0 {
                                w.push_str(", ");
                            }
                            w.iden(column);
                        }
                        w.push_str(")");
                    } else if !on.conditions.is_empty() {
                        w.push_str(" on ");
                        on.conditions.write(w)?;
                    } else if *lateral {
                        w.push_str(" on true");
                    }
                }
            }
        }
        Ok(())
    }

    fn write_unions(&self, w: &mut Writer) -> Result<(), QueryError> {
        let only = self.only_unions();
        for (i, union) in self.unions.iter().enumerate() {
            if i > 0 {
                w.push_str(" ");
            }
            if i > 0 || !only {
                w.push_str(if union.all { "union all " } else { "union " });
            }
            if union.wrap {
                w.push_str("(");
            }
            match &union.query {
                UnionQuery::Select(query) => query.write_to(w)?,
                UnionQuery::Raw(raw) => raw.write(w)?,
            }
            if union.wrap {
                w.push_str(")");
            }
        }
        Ok(())
    }

    fn write_tail(&self, w: &mut Writer) -> Result<(), QueryError> {
        if !self.group_by.is_empty() {
            w.push_str(" group by ");
            for (i, column) in self.group_by.iter().enumerate() {
                if i > 0 {
                    w.push_str(", ");
                }
                column.write(w)?;
            }
        }
        self.havings.write_clause(w, " having ")?;
        for (i, order) in self.orders.iter().enumerate() {
            w.push_str(if i == 0 { " order by " } else { ", " });
            match order {
                OrderItem::By(operand, direction, nulls) => {
                    operand.write(w)?;
                    w.push_str(match direction {
                        Order::Asc => " asc",
                        Order::Desc => " desc",
                    });
                    match nulls {
                        Some(Nulls::First) => w.push_str(" nulls first"),
                        Some(Nulls::Last) => w.push_str(" nulls last"),
                        None => {}
                    }
                }
                OrderItem::Raw(raw) => raw.write(w)?,
            }
        }
        if let Some(limit) = &self.limit {
            w.push_str(" limit ");
            w.value(limit.clone());
        }
        if let Some(offset) = &self.offset {
            w.push_str(" offset ");
            w.value(offset.clone());
        }
        if let Some(lock) = &self.lock {
            w.push_str(" ");
            w.push_str(lock.mode);
            for (i, table) in lock.of.iter().enumerate() {
                w.push_str(if i == 0 { " of " } else { ", " });
                w.table(table);
            }
            if let Some(wait) = lock.wait {
                w.push_str(" ");
                w.push_str(wait);
            }
        }
        Ok(())
    }

    /// Writes the statement in knex's order (unions after `where`, before the rest).
    pub(crate) fn write_to(&self, w: &mut Writer) -> Result<(), QueryError> {
        self.wheres.check()?;
        self.havings.check()?;
        self.with.write(w)?;
        if self.only_unions() {
            self.write_unions(w)?;
            return self.write_tail(w);
        }
        let wrap = self.unions.iter().any(|u| u.wrap);
        if wrap {
            w.push_str("(");
        }
        self.write_columns(w)?;
        self.write_joins(w)?;
        self.wheres.write_clause(w, " where ")?;
        if wrap {
            w.push_str(")");
        }
        if !self.unions.is_empty() {
            w.push_str(" ");
            self.write_unions(w)?;
        }
        self.write_tail(w)
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

/// A `union` of queries with no table of its own (knex `knex.union([...])`).
///
/// ```
/// use knexrs_query::{union_all, Select, PostgresQueryBuilder};
///
/// let mut a = Select::from("accounts");
/// a.column("last_name").limit(1);
/// let q = union_all([a.clone(), a], true);
/// assert_eq!(
///     q.build(PostgresQueryBuilder).unwrap().0,
///     r#"(select "last_name" from "accounts" limit $1) union all (select "last_name" from "accounts" limit $2)"#
/// );
/// ```
pub fn union_all(queries: impl IntoIterator<Item = Select>, wrap: bool) -> Select {
    let mut select = Select::new();
    for query in queries {
        select.push_union(true, wrap, UnionQuery::Select(Box::new(query)));
    }
    select
}

/// The same as [`union_all`] with `union` (duplicates removed).
pub fn union(queries: impl IntoIterator<Item = Select>, wrap: bool) -> Select {
    let mut select = Select::new();
    for query in queries {
        select.push_union(false, wrap, UnionQuery::Select(Box::new(query)));
    }
    select
}
