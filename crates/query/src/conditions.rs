//! Conditions as knex writes them: a flat chain of clauses joined by `and` /
//! `or` (with `not`), groups in parentheses, and the `where` family of methods
//! shared by select, update, delete and nested groups.

use crate::operand::{IntoOperand, Operand, OperandKind};
use crate::render::Writer;
use crate::{BuildError, IntoOp, Op, QueryError, Raw, Select};
use sea_query::{Expr, Value};

/// A chain of conditions (a `where`, `having` or `on` clause).
///
/// ```
/// use knexrs_query::{Conditions, Wheres, WhereGroup};
///
/// // Every builder with a `where` keeps one; `Wheres::conditions_mut` hands it out.
/// let mut group = WhereGroup::default();
/// let conditions: &mut Conditions = group.conditions_mut();
/// # let _ = conditions;
/// ```
#[derive(Debug, Clone, Default)]
pub struct Conditions {
    pub(crate) items: Vec<Cond>,
    /// The first misuse (an unknown operator, …), reported when the query is built.
    pub(crate) error: Option<BuildError>,
}

#[derive(Debug, Clone)]
pub(crate) struct Cond {
    pub(crate) or: bool,
    pub(crate) not: bool,
    pub(crate) clause: Clause,
}

#[derive(Debug, Clone)]
pub(crate) enum Clause {
    Compare(Operand, Op, Operand),
    In(Operand, Operand, bool),
    /// `left = any(array)` (`<> all(array)` negated): a list bound as one array value.
    Any(Operand, Operand, bool),
    Null(Operand, bool),
    Between(Operand, Operand, Operand, bool),
    Exists(Box<Select>),
    Raw(Raw),
    Group(Conditions),
    Expr(Expr),
    /// knex's `1 = ?` for an `in` over an empty list (never true / always true).
    Constant(&'static str, Option<Value>),
}

impl Conditions {
    /// Whether nothing would be written (empty groups write nothing, as in knex).
    ///
    /// ```
    /// use knexrs_query::{Conditions, Select, Wheres};
    ///
    /// assert!(Conditions::default().is_empty());
    /// let mut q = Select::from("sessions");
    /// q.where_null("pod_ip");
    /// assert!(!q.conditions_mut().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.items.iter().all(|c| matches!(&c.clause, Clause::Group(g) if g.is_empty()))
    }

    pub(crate) fn push(&mut self, or: bool, not: bool, clause: Result<Clause, BuildError>) {
        match clause {
            Ok(clause) => self.items.push(Cond { or, not, clause }),
            Err(message) => {
                self.error.get_or_insert(message);
            }
        }
    }

    pub(crate) fn check(&self) -> Result<(), QueryError> {
        if let Some(message) = &self.error {
            return Err(QueryError::Build(message.clone()));
        }
        for cond in &self.items {
            if let Clause::Group(group) = &cond.clause {
                group.check()?;
            }
        }
        Ok(())
    }

    /// `keyword c1 and c2 or not c3`, or nothing when empty.
    pub(crate) fn write_clause<'a>(&'a self, w: &mut Writer<'a>, keyword: &str) -> Result<(), QueryError> {
        if self.is_empty() {
            return Ok(());
        }
        w.push_str(keyword);
        self.write(w)
    }

    pub(crate) fn write<'a>(&'a self, w: &mut Writer<'a>) -> Result<(), QueryError> {
        Self::write_chain(std::slice::from_ref(&self), w)
    }

    /// Several chains written as one (a delete's `where`, then its joins' conditions).
    pub(crate) fn write_chain<'a>(chains: &[&'a Conditions], w: &mut Writer<'a>) -> Result<(), QueryError> {
        for chain in chains {
            chain.check()?;
        }
        let mut first = true;
        for cond in chains.iter().flat_map(|c| &c.items) {
            if matches!(&cond.clause, Clause::Group(g) if g.is_empty()) {
                continue;
            }
            if !first {
                w.push_str(if cond.or { " or " } else { " and " });
            }
            first = false;
            if cond.not {
                w.push_str("not ");
            }
            cond.clause.write(w)?;
        }
        Ok(())
    }
}

impl Clause {
    fn write<'a>(&'a self, w: &mut Writer<'a>) -> Result<(), QueryError> {
        match self {
            Clause::Compare(left, op, right) => {
                left.write(w)?;
                w.push_str(" ");
                w.push_str(op.sql());
                w.push_str(" ");
                right.write(w)?;
            }
            Clause::In(left, list, negated) => {
                left.write(w)?;
                w.push_str(if *negated { " not in " } else { " in " });
                match &list.0 {
                    OperandKind::List(_) | OperandKind::Select(_) => list.write(w)?,
                    _ => {
                        w.push_str("(");
                        list.write(w)?;
                        w.push_str(")");
                    }
                }
            }
            Clause::Any(left, array, negated) => {
                left.write(w)?;
                w.push_str(if *negated { " <> all(" } else { " = any(" });
                array.write(w)?;
                w.push_str(")");
            }
            Clause::Null(operand, negated) => {
                operand.write(w)?;
                w.push_str(if *negated { " is not null" } else { " is null" });
            }
            Clause::Between(operand, low, high, negated) => {
                operand.write(w)?;
                w.push_str(if *negated { " not between " } else { " between " });
                low.write(w)?;
                w.push_str(" and ");
                high.write(w)?;
            }
            Clause::Exists(select) => {
                w.push_str("exists (");
                select.write_to(w)?;
                w.push_str(")");
            }
            Clause::Raw(raw) => raw.write(w)?,
            Clause::Group(group) => {
                w.push_str("(");
                group.write(w)?;
                w.push_str(")");
            }
            Clause::Expr(expr) => w.expr(expr),
            Clause::Constant(sql, value) => {
                w.push_str(sql);
                if let Some(value) = value {
                    w.value(std::borrow::Cow::Borrowed(value));
                }
            }
        }
        Ok(())
    }
}

impl Operand {
    pub(crate) fn write<'a>(&'a self, w: &mut Writer<'a>) -> Result<(), QueryError> {
        match &self.0 {
            OperandKind::Column(column) => w.column(column),
            OperandKind::Value(value) => w.value(std::borrow::Cow::Borrowed(value)),
            OperandKind::Expr(expr) => w.expr(expr),
            OperandKind::Raw(raw) => raw.write(w)?,
            OperandKind::Select(select) => {
                w.push_str("(");
                select.write_to(w)?;
                w.push_str(")");
            }
            OperandKind::List(items) => {
                w.push_str("(");
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        w.push_str(", ");
                    }
                    item.write(w)?;
                }
                w.push_str(")");
            }
            OperandKind::Default => w.push_str("DEFAULT"),
            OperandKind::Invalid(error) => return Err(error.clone().into()),
        }
        Ok(())
    }

    fn is_null(&self) -> bool {
        matches!(&self.0, OperandKind::Value(v) if crate::value::is_null(v))
    }
}

/// The left side of a condition: a column name (`"users.id"`), raw SQL, a
/// subquery, or any [`Operand`].
///
/// ```
/// # use knexrs_query::{col, raw, Select, Wheres, PostgresQueryBuilder};
/// let mut q = Select::from("users");
/// q.where_eq("users.id", 1) // a name
///     .where_op(raw("lower(email)"), "=", "a@example.com") // raw SQL
///     .where_in(["org_id", "team_id"], Select::from("teams").columns(["org_id", "id"]).clone()); // a row
/// assert_eq!(
///     q.build(PostgresQueryBuilder)?.0,
///     r#"select * from "users" where "users"."id" = $1 and lower(email) = $2 and ("org_id", "team_id") in (select "org_id", "id" from "teams")"#
/// );
/// # let _ = col("x");
/// # Ok::<(), knexrs_query::QueryError>(())
/// ```
pub trait IntoColumn {
    /// The operand.
    ///
    /// ```
    /// use knexrs_query::{IntoColumn, Operand};
    ///
    /// let column: Operand = "users.email".into_column();
    /// # let _ = column;
    /// ```
    fn into_column(self) -> Operand;
}

impl IntoColumn for &'static str {
    fn into_column(self) -> Operand {
        crate::col(self)
    }
}

impl IntoColumn for String {
    fn into_column(self) -> Operand {
        crate::col(self)
    }
}

/// Several columns as a row, `("a", "b")`, for `where_in` against a subquery.
impl<const N: usize> IntoColumn for [&'static str; N] {
    fn into_column(self) -> Operand {
        Operand(OperandKind::List(self.into_iter().map(crate::col).collect()))
    }
}

impl IntoColumn for Raw {
    fn into_column(self) -> Operand {
        self.into_operand()
    }
}

/// A column position, as `order by 3` and `group by 1` take one (knex `orderBy(3)`).
impl IntoColumn for u32 {
    fn into_column(self) -> Operand {
        Raw::new(self.to_string()).into_operand()
    }
}

/// A column position (see the `u32` implementation); `i32` because a bare literal is one.
impl IntoColumn for i32 {
    fn into_column(self) -> Operand {
        Raw::new(self.to_string()).into_operand()
    }
}

impl IntoColumn for Operand {
    fn into_column(self) -> Operand {
        self
    }
}

impl IntoColumn for Select {
    fn into_column(self) -> Operand {
        self.into_operand()
    }
}

/// One column or a list of them, as knex takes `'a'` or `['a', 'b']`
/// (`groupBy`, `distinctOn`).
///
/// ```
/// # use knexrs_query::{Select, PostgresQueryBuilder};
/// let mut q = Select::from("sessions");
/// q.column("owner_user_id").count_as("*", "n").group_by("owner_user_id"); // knex: .groupBy('owner_user_id')
/// assert_eq!(
///     q.build(PostgresQueryBuilder)?.0,
///     r#"select "owner_user_id", count(*) as "n" from "sessions" group by "owner_user_id""#
/// );
/// # Ok::<(), knexrs_query::QueryError>(())
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a column or a list of columns",
    label = "give one column (\"a\") or a list ([\"a\", \"b\"], a `Vec`, a slice: collect an iterator into a `Vec`)"
)]
pub trait IntoColumns {
    /// The columns, in order.
    ///
    /// ```
    /// use knexrs_query::IntoColumns;
    ///
    /// assert_eq!("a".into_columns().count(), 1);
    /// assert_eq!(["a", "b"].into_columns().count(), 2);
    /// ```
    fn into_columns(self) -> impl Iterator<Item = Operand>;
}

crate::ident::one_or_list!(IntoColumns::into_columns, IntoColumn::into_column -> Operand; &'static str, String, Raw, u32, i32, Operand);

/// The right side of `in`: values, a subquery, or raw SQL.
///
/// ```
/// # use knexrs_query::{raw, Select, Wheres, PostgresQueryBuilder};
/// let mut q = Select::from("users");
/// q.where_in("id", [1, 2, 3]) // values
///     .where_in("org_id", Select::from("orgs").pluck("id").clone()) // a subquery
///     .where_not_in("role", raw("select role from banned_roles")); // raw SQL
/// assert_eq!(
///     q.build(PostgresQueryBuilder)?.0,
///     r#"select * from "users" where "id" in ($1, $2, $3) and "org_id" in (select "id" from "orgs") and "role" not in (select role from banned_roles)"#
/// );
/// # Ok::<(), knexrs_query::QueryError>(())
/// ```
pub trait IntoList {
    /// The list (or subquery) operand, and whether it is empty.
    ///
    /// ```
    /// use knexrs_query::IntoList;
    ///
    /// let (_list, empty) = Vec::<i32>::new().into_list();
    /// assert!(empty); // `in ()` is written as knex writes it: never true
    /// ```
    fn into_list(self) -> (Operand, bool);
}

impl<I> IntoList for I
where
    I: IntoIterator,
    I::Item: IntoOperand,
{
    fn into_list(self) -> (Operand, bool) {
        let items: Vec<Operand> = self.into_iter().map(IntoOperand::into_operand).collect();
        let empty = items.is_empty();
        (Operand(OperandKind::List(items)), empty)
    }
}

impl IntoList for Select {
    fn into_list(self) -> (Operand, bool) {
        (self.into_operand(), false)
    }
}

impl IntoList for &Select {
    fn into_list(self) -> (Operand, bool) {
        (self.into_operand(), false)
    }
}

impl IntoList for Raw {
    fn into_list(self) -> (Operand, bool) {
        (self.into_operand(), false)
    }
}

pub(crate) fn compare(left: Operand, op: Result<Op, QueryError>, right: Operand) -> Result<Clause, BuildError> {
    let op = op.map_err(|e| match e {
        QueryError::Build(error) => error,
        other => BuildError::UnknownOperator { operator: other.to_string() },
    })?;
    Ok(match op {
        Op::In | Op::NotIn => Clause::In(left, right, op == Op::NotIn),
        Op::Between | Op::NotBetween => match right.0 {
            OperandKind::List(mut bounds) if bounds.len() == 2 => {
                let high = bounds.pop().expect("two bounds");
                let low = bounds.pop().expect("two bounds");
                Clause::Between(left, low, high, op == Op::NotBetween)
            }
            _ => return Err(BuildError::BetweenBounds),
        },
        Op::Eq if right.is_null() => Clause::Null(left, false),
        Op::Is | Op::IsNot if right.is_null() => Clause::Null(left, op == Op::IsNot),
        _ => Clause::Compare(left, op, right),
    })
}

pub(crate) fn in_list(left: Operand, list: (Operand, bool), negated: bool) -> Clause {
    match list {
        // knex: `1 = 0` for `in ()`, `1 = 1` for `not in ()`, bound.
        (_, true) => Clause::Constant("1 = ", Some(Value::Int(Some(i32::from(negated))))),
        (list, false) => Clause::In(left, list, negated),
    }
}

/// A nested group of conditions (knex `where(function () { … })`), in parentheses.
///
/// ```
/// # use knexrs_query::{Select, Wheres, PostgresQueryBuilder};
/// let mut q = Select::from("users");
/// q.where_eq("active", true).where_group(|g| {
///     g.where_eq("role", "admin").or_where_group(|inner| {
///         inner.where_eq("role", "member").where_not_null("verified_at");
///     });
/// });
/// assert_eq!(
///     q.build(PostgresQueryBuilder)?.0,
///     r#"select * from "users" where "active" = $1 and ("role" = $2 or ("role" = $3 and "verified_at" is not null))"#
/// );
/// # Ok::<(), knexrs_query::QueryError>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct WhereGroup {
    pub(crate) conditions: Conditions,
}

impl Wheres for WhereGroup {
    fn conditions_mut(&mut self) -> &mut Conditions {
        &mut self.conditions
    }
}

macro_rules! variant {
    ($(#[$doc:meta])* $name:ident, $or:literal, $not:literal, ($($arg:ident : $ty:ty),*) => $clause:expr) => {
        $(#[$doc])*
        fn $name(&mut self, $($arg: $ty),*) -> &mut Self {
            let clause = $clause;
            self.conditions_mut().push($or, $not, clause);
            self
        }
    };
}

/// knex's `where` family, for every builder with a `where` clause.
///
/// Conditions chain left to right with `and` (or `or` for the `or_` methods),
/// as knex writes them; groups go in parentheses. Values are always bound.
///
/// ```
/// use knexrs_query::{Select, Wheres, PostgresQueryBuilder};
///
/// let mut q = Select::from("users");
/// q.where_op("age", ">", 18)
///     .or_where_group(|g| {
///         g.where_eq("role", "admin").where_not_null("verified_at");
///     })
///     .where_in("id", [1, 2, 3]);
/// let (sql, values) = q.build(PostgresQueryBuilder).unwrap();
/// assert_eq!(
///     sql,
///     r#"select * from "users" where "age" > $1 or ("role" = $2 and "verified_at" is not null) and "id" in ($3, $4, $5)"#
/// );
/// assert_eq!(values.0.len(), 5);
/// ```
pub trait Wheres: Sized {
    /// The conditions this builder collects.
    ///
    /// ```
    /// use knexrs_query::{Conditions, Select, Wheres, PostgresQueryBuilder};
    ///
    /// // A builder of your own gets the whole `where` family by handing out its conditions.
    /// #[derive(Default)]
    /// struct ActiveSessions { conditions: Conditions }
    /// impl Wheres for ActiveSessions {
    ///     fn conditions_mut(&mut self) -> &mut Conditions {
    ///         &mut self.conditions
    ///     }
    /// }
    /// let mut filter = ActiveSessions::default();
    /// filter.where_not_null("pod_ip").where_eq("owner_user_id", "u-1");
    /// let mut q = Select::from("sessions");
    /// *q.conditions_mut() = filter.conditions;
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select * from "sessions" where "pod_ip" is not null and "owner_user_id" = $1"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    fn conditions_mut(&mut self) -> &mut Conditions;

    variant!(
        /// `column = value`; a null value gives `column is null` (knex `where(column, value)`).
        ///
        /// ```
        /// # use knexrs_query::{Select, Wheres, PostgresQueryBuilder};
        /// let mut q = Select::from("users");
        /// q.where_eq("email", "a@example.com").where_eq("deleted_at", None::<String>);
        /// assert_eq!(
        ///     q.build(PostgresQueryBuilder)?.0,
        ///     r#"select * from "users" where "email" = $1 and "deleted_at" is null"#
        /// );
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        where_eq, false, false, (column: impl IntoColumn, value: impl IntoOperand) => compare(column.into_column(), Ok(Op::Eq), value.into_operand())
    );

    variant!(
        /// [`where_eq`](Self::where_eq), joined with `or`.
        ///
        /// ```
        /// # use knexrs_query::{Select, Wheres, PostgresQueryBuilder};
        /// let mut q = Select::from("users");
        /// q.where_eq("role", "admin").or_where_eq("role", "owner");
        /// assert_eq!(
        ///     q.build(PostgresQueryBuilder)?.0,
        ///     r#"select * from "users" where "role" = $1 or "role" = $2"#
        /// );
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        or_where_eq, true, false, (column: impl IntoColumn, value: impl IntoOperand) => compare(column.into_column(), Ok(Op::Eq), value.into_operand())
    );

    variant!(
        /// [`where_eq`](Self::where_eq), negated (`not …`).
        ///
        /// ```
        /// # use knexrs_query::{Select, Wheres, PostgresQueryBuilder};
        /// let mut q = Select::from("users");
        /// q.where_not_eq("role", "guest");
        /// assert_eq!(q.build(PostgresQueryBuilder)?.0, r#"select * from "users" where not "role" = $1"#);
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        where_not_eq, false, true, (column: impl IntoColumn, value: impl IntoOperand) => compare(column.into_column(), Ok(Op::Eq), value.into_operand())
    );

    variant!(
        /// [`where_eq`](Self::where_eq), joined with `or` and negated (`not …`).
        ///
        /// ```
        /// # use knexrs_query::{Select, Wheres, PostgresQueryBuilder};
        /// let mut q = Select::from("users");
        /// q.where_eq("active", true).or_where_not_eq("role", "guest");
        /// assert_eq!(
        ///     q.build(PostgresQueryBuilder)?.0,
        ///     r#"select * from "users" where "active" = $1 or not "role" = $2"#
        /// );
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        or_where_not_eq, true, true, (column: impl IntoColumn, value: impl IntoOperand) => compare(column.into_column(), Ok(Op::Eq), value.into_operand())
    );

    variant!(
        /// `column <op> value` with any of knex's operators (knex `where(column, op, value)`).
        ///
        /// ```
        /// # use knexrs_query::{Select, Wheres, PostgresQueryBuilder};
        /// let mut q = Select::from("users");
        /// q.where_op("age", ">=", 18).where_op("name", "ilike", "a%");
        /// assert_eq!(
        ///     q.build(PostgresQueryBuilder)?.0,
        ///     r#"select * from "users" where "age" >= $1 and "name" ilike $2"#
        /// );
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        where_op, false, false, (column: impl IntoColumn, op: impl IntoOp, value: impl IntoOperand) => compare(column.into_column(), op.into_op(), value.into_operand())
    );

    variant!(
        /// [`where_op`](Self::where_op), joined with `or`.
        ///
        /// ```
        /// # use knexrs_query::{Select, Wheres, PostgresQueryBuilder};
        /// let mut q = Select::from("users");
        /// q.where_op("age", "<", 13).or_where_op("age", ">", 65);
        /// assert_eq!(
        ///     q.build(PostgresQueryBuilder)?.0,
        ///     r#"select * from "users" where "age" < $1 or "age" > $2"#
        /// );
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        or_where_op, true, false, (column: impl IntoColumn, op: impl IntoOp, value: impl IntoOperand) => compare(column.into_column(), op.into_op(), value.into_operand())
    );

    variant!(
        /// [`where_op`](Self::where_op), negated (`not …`).
        ///
        /// ```
        /// # use knexrs_query::{Select, Wheres, PostgresQueryBuilder};
        /// let mut q = Select::from("users");
        /// q.where_not_op("age", "<", 18);
        /// assert_eq!(q.build(PostgresQueryBuilder)?.0, r#"select * from "users" where not "age" < $1"#);
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        where_not_op, false, true, (column: impl IntoColumn, op: impl IntoOp, value: impl IntoOperand) => compare(column.into_column(), op.into_op(), value.into_operand())
    );

    variant!(
        /// [`where_op`](Self::where_op), joined with `or` and negated (`not …`).
        ///
        /// ```
        /// # use knexrs_query::{Select, Wheres, PostgresQueryBuilder};
        /// let mut q = Select::from("users");
        /// q.where_eq("role", "admin").or_where_not_op("age", "<", 18);
        /// assert_eq!(
        ///     q.build(PostgresQueryBuilder)?.0,
        ///     r#"select * from "users" where "role" = $1 or not "age" < $2"#
        /// );
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        or_where_not_op, true, true, (column: impl IntoColumn, op: impl IntoOp, value: impl IntoOperand) => compare(column.into_column(), op.into_op(), value.into_operand())
    );

    variant!(
        /// `column in (values…)` or `in (subquery)`; an empty list is never true, as in knex (knex `whereIn`).
        ///
        /// ```
        /// # use knexrs_query::{Select, Wheres, PostgresQueryBuilder};
        /// let mut q = Select::from("users");
        /// q.where_in("id", [1, 2, 3]).where_in("org_id", Select::from("orgs").pluck("id").clone());
        /// assert_eq!(
        ///     q.build(PostgresQueryBuilder)?.0,
        ///     r#"select * from "users" where "id" in ($1, $2, $3) and "org_id" in (select "id" from "orgs")"#
        /// );
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        where_in, false, false, (column: impl IntoColumn, values: impl IntoList) => Ok::<_, crate::BuildError>(in_list(column.into_column(), values.into_list(), false))
    );

    variant!(
        /// [`where_in`](Self::where_in), joined with `or`.
        ///
        /// ```
        /// # use knexrs_query::{Select, Wheres, PostgresQueryBuilder};
        /// let mut q = Select::from("users");
        /// q.where_in("id", [1, 2]).or_where_in("email", ["a@example.com"]);
        /// assert_eq!(
        ///     q.build(PostgresQueryBuilder)?.0,
        ///     r#"select * from "users" where "id" in ($1, $2) or "email" in ($3)"#
        /// );
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        or_where_in, true, false, (column: impl IntoColumn, values: impl IntoList) => Ok::<_, crate::BuildError>(in_list(column.into_column(), values.into_list(), false))
    );

    variant!(
        /// `column not in (values…)`; an empty list is always true, as in knex (knex `whereNotIn`).
        ///
        /// ```
        /// # use knexrs_query::{Select, Wheres, PostgresQueryBuilder};
        /// let mut q = Select::from("users");
        /// q.where_not_in("role", ["guest", "banned"]);
        /// assert_eq!(
        ///     q.build(PostgresQueryBuilder)?.0,
        ///     r#"select * from "users" where "role" not in ($1, $2)"#
        /// );
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        where_not_in, false, false, (column: impl IntoColumn, values: impl IntoList) => Ok::<_, crate::BuildError>(in_list(column.into_column(), values.into_list(), true))
    );

    variant!(
        /// [`where_not_in`](Self::where_not_in), joined with `or`.
        ///
        /// ```
        /// # use knexrs_query::{Select, Wheres, PostgresQueryBuilder};
        /// let mut q = Select::from("users");
        /// q.where_eq("active", true).or_where_not_in("role", ["guest"]);
        /// assert_eq!(
        ///     q.build(PostgresQueryBuilder)?.0,
        ///     r#"select * from "users" where "active" = $1 or "role" not in ($2)"#
        /// );
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        or_where_not_in, true, false, (column: impl IntoColumn, values: impl IntoList) => Ok::<_, crate::BuildError>(in_list(column.into_column(), values.into_list(), true))
    );

    variant!(
        /// `column = any($1)`: the list bound as one array value, so a list of
        /// any length is one parameter (PostgreSQL takes at most 65,535 per
        /// statement), and one prepared statement serves every length. Same
        /// rows as [`where_in`](Self::where_in) (not knex's SQL, which has no such call).
        ///
        /// ```
        /// # use knexrs_query::{Select, Wheres, PostgresQueryBuilder};
        /// let ids: Vec<i64> = (1..=100_000).collect();
        /// let mut q = Select::from("users");
        /// q.where_any("id", ids);
        /// let (sql, values) = q.build(PostgresQueryBuilder)?;
        /// assert_eq!(sql, r#"select * from "users" where "id" = any($1)"#);
        /// assert_eq!(values.0.len(), 1);
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        where_any, false, false, (column: impl IntoColumn, values: impl IntoIterator<Item: Into<Value>>) => Ok::<_, crate::BuildError>(Clause::Any(column.into_column(), crate::array(values), false))
    );

    variant!(
        /// [`where_any`](Self::where_any), joined with `or`.
        ///
        /// ```
        /// # use knexrs_query::{Select, Wheres, PostgresQueryBuilder};
        /// let mut q = Select::from("users");
        /// q.where_eq("role", "admin").or_where_any("id", [1, 2]);
        /// assert_eq!(q.build(PostgresQueryBuilder)?.0, r#"select * from "users" where "role" = $1 or "id" = any($2)"#);
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        or_where_any, true, false, (column: impl IntoColumn, values: impl IntoIterator<Item: Into<Value>>) => Ok::<_, crate::BuildError>(Clause::Any(column.into_column(), crate::array(values), false))
    );

    variant!(
        /// `column <> all($1)`: [`where_not_in`](Self::where_not_in) with the list bound as one array value.
        ///
        /// ```
        /// # use knexrs_query::{Select, Wheres, PostgresQueryBuilder};
        /// let mut q = Select::from("users");
        /// q.where_not_any("role", ["guest", "banned"]);
        /// assert_eq!(q.build(PostgresQueryBuilder)?.0, r#"select * from "users" where "role" <> all($1)"#);
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        where_not_any, false, false, (column: impl IntoColumn, values: impl IntoIterator<Item: Into<Value>>) => Ok::<_, crate::BuildError>(Clause::Any(column.into_column(), crate::array(values), true))
    );

    variant!(
        /// [`where_not_any`](Self::where_not_any), joined with `or`.
        ///
        /// ```
        /// # use knexrs_query::{Select, Wheres, PostgresQueryBuilder};
        /// let mut q = Select::from("users");
        /// q.where_eq("active", true).or_where_not_any("role", ["guest"]);
        /// assert_eq!(q.build(PostgresQueryBuilder)?.0, r#"select * from "users" where "active" = $1 or "role" <> all($2)"#);
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        or_where_not_any, true, false, (column: impl IntoColumn, values: impl IntoIterator<Item: Into<Value>>) => Ok::<_, crate::BuildError>(Clause::Any(column.into_column(), crate::array(values), true))
    );

    variant!(
        /// `column is null` (knex `whereNull`).
        ///
        /// ```
        /// # use knexrs_query::{Select, Wheres, PostgresQueryBuilder};
        /// let mut q = Select::from("users");
        /// q.where_null("deleted_at");
        /// assert_eq!(
        ///     q.build(PostgresQueryBuilder)?.0,
        ///     r#"select * from "users" where "deleted_at" is null"#
        /// );
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        where_null, false, false, (column: impl IntoColumn) => Ok::<_, crate::BuildError>(Clause::Null(column.into_column(), false))
    );

    variant!(
        /// [`where_null`](Self::where_null), joined with `or`.
        ///
        /// ```
        /// # use knexrs_query::{Select, Wheres, PostgresQueryBuilder};
        /// let mut q = Select::from("users");
        /// q.where_eq("active", false).or_where_null("verified_at");
        /// assert_eq!(
        ///     q.build(PostgresQueryBuilder)?.0,
        ///     r#"select * from "users" where "active" = $1 or "verified_at" is null"#
        /// );
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        or_where_null, true, false, (column: impl IntoColumn) => Ok::<_, crate::BuildError>(Clause::Null(column.into_column(), false))
    );

    variant!(
        /// `column is not null` (knex `whereNotNull`).
        ///
        /// ```
        /// # use knexrs_query::{Select, Wheres, PostgresQueryBuilder};
        /// let mut q = Select::from("users");
        /// q.where_not_null("verified_at");
        /// assert_eq!(
        ///     q.build(PostgresQueryBuilder)?.0,
        ///     r#"select * from "users" where "verified_at" is not null"#
        /// );
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        where_not_null, false, false, (column: impl IntoColumn) => Ok::<_, crate::BuildError>(Clause::Null(column.into_column(), true))
    );

    variant!(
        /// [`where_not_null`](Self::where_not_null), joined with `or`.
        ///
        /// ```
        /// # use knexrs_query::{Select, Wheres, PostgresQueryBuilder};
        /// let mut q = Select::from("users");
        /// q.where_eq("role", "admin").or_where_not_null("verified_at");
        /// assert_eq!(
        ///     q.build(PostgresQueryBuilder)?.0,
        ///     r#"select * from "users" where "role" = $1 or "verified_at" is not null"#
        /// );
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        or_where_not_null, true, false, (column: impl IntoColumn) => Ok::<_, crate::BuildError>(Clause::Null(column.into_column(), true))
    );

    variant!(
        /// `column between low and high` (knex `whereBetween`).
        ///
        /// ```
        /// # use knexrs_query::{Select, Wheres, PostgresQueryBuilder};
        /// let mut q = Select::from("users");
        /// q.where_between("age", 18, 65);
        /// assert_eq!(
        ///     q.build(PostgresQueryBuilder)?.0,
        ///     r#"select * from "users" where "age" between $1 and $2"#
        /// );
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        where_between, false, false, (column: impl IntoColumn, low: impl IntoOperand, high: impl IntoOperand) => Ok::<_, crate::BuildError>(Clause::Between(column.into_column(), low.into_operand(), high.into_operand(), false))
    );

    variant!(
        /// [`where_between`](Self::where_between), joined with `or`.
        ///
        /// ```
        /// # use knexrs_query::{Select, Wheres, PostgresQueryBuilder};
        /// let mut q = Select::from("users");
        /// q.where_eq("role", "admin").or_where_between("age", 18, 65);
        /// assert_eq!(
        ///     q.build(PostgresQueryBuilder)?.0,
        ///     r#"select * from "users" where "role" = $1 or "age" between $2 and $3"#
        /// );
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        or_where_between, true, false, (column: impl IntoColumn, low: impl IntoOperand, high: impl IntoOperand) => Ok::<_, crate::BuildError>(Clause::Between(column.into_column(), low.into_operand(), high.into_operand(), false))
    );

    variant!(
        /// `column not between low and high` (knex `whereNotBetween`).
        ///
        /// ```
        /// # use knexrs_query::{Select, Wheres, PostgresQueryBuilder};
        /// let mut q = Select::from("users");
        /// q.where_not_between("age", 18, 65);
        /// assert_eq!(
        ///     q.build(PostgresQueryBuilder)?.0,
        ///     r#"select * from "users" where "age" not between $1 and $2"#
        /// );
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        where_not_between, false, false, (column: impl IntoColumn, low: impl IntoOperand, high: impl IntoOperand) => Ok::<_, crate::BuildError>(Clause::Between(column.into_column(), low.into_operand(), high.into_operand(), true))
    );

    variant!(
        /// [`where_not_between`](Self::where_not_between), joined with `or`.
        ///
        /// ```
        /// # use knexrs_query::{Select, Wheres, PostgresQueryBuilder};
        /// let mut q = Select::from("users");
        /// q.where_eq("role", "admin").or_where_not_between("age", 18, 65);
        /// assert_eq!(
        ///     q.build(PostgresQueryBuilder)?.0,
        ///     r#"select * from "users" where "role" = $1 or "age" not between $2 and $3"#
        /// );
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        or_where_not_between, true, false, (column: impl IntoColumn, low: impl IntoOperand, high: impl IntoOperand) => Ok::<_, crate::BuildError>(Clause::Between(column.into_column(), low.into_operand(), high.into_operand(), true))
    );

    variant!(
        /// `column like pattern` (knex `whereLike`).
        ///
        /// ```
        /// # use knexrs_query::{Select, Wheres, PostgresQueryBuilder};
        /// let mut q = Select::from("users");
        /// q.where_like("email", "%@example.com");
        /// assert_eq!(q.build(PostgresQueryBuilder)?.0, r#"select * from "users" where "email" like $1"#);
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        where_like, false, false, (column: impl IntoColumn, pattern: impl IntoOperand) => Ok::<_, crate::BuildError>(Clause::Compare(column.into_column(), Op::Like, pattern.into_operand()))
    );

    variant!(
        /// [`where_like`](Self::where_like), joined with `or`.
        ///
        /// ```
        /// # use knexrs_query::{Select, Wheres, PostgresQueryBuilder};
        /// let mut q = Select::from("users");
        /// q.where_like("email", "%@a.com").or_where_like("email", "%@b.com");
        /// assert_eq!(
        ///     q.build(PostgresQueryBuilder)?.0,
        ///     r#"select * from "users" where "email" like $1 or "email" like $2"#
        /// );
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        or_where_like, true, false, (column: impl IntoColumn, pattern: impl IntoOperand) => Ok::<_, crate::BuildError>(Clause::Compare(column.into_column(), Op::Like, pattern.into_operand()))
    );

    variant!(
        /// `column not like pattern`.
        ///
        /// ```
        /// # use knexrs_query::{Select, Wheres, PostgresQueryBuilder};
        /// let mut q = Select::from("users");
        /// q.where_not_like("email", "%@spam.com");
        /// assert_eq!(
        ///     q.build(PostgresQueryBuilder)?.0,
        ///     r#"select * from "users" where "email" not like $1"#
        /// );
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        where_not_like, false, false, (column: impl IntoColumn, pattern: impl IntoOperand) => Ok::<_, crate::BuildError>(Clause::Compare(column.into_column(), Op::NotLike, pattern.into_operand()))
    );

    variant!(
        /// [`where_not_like`](Self::where_not_like), joined with `or`.
        ///
        /// ```
        /// # use knexrs_query::{Select, Wheres, PostgresQueryBuilder};
        /// let mut q = Select::from("users");
        /// q.where_eq("role", "admin").or_where_not_like("email", "%@spam.com");
        /// assert_eq!(
        ///     q.build(PostgresQueryBuilder)?.0,
        ///     r#"select * from "users" where "role" = $1 or "email" not like $2"#
        /// );
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        or_where_not_like, true, false, (column: impl IntoColumn, pattern: impl IntoOperand) => Ok::<_, crate::BuildError>(Clause::Compare(column.into_column(), Op::NotLike, pattern.into_operand()))
    );

    variant!(
        /// `column ilike pattern`, case-insensitive (knex `whereILike`).
        ///
        /// ```
        /// # use knexrs_query::{Select, Wheres, PostgresQueryBuilder};
        /// let mut q = Select::from("users");
        /// q.where_ilike("name", "ann%");
        /// assert_eq!(q.build(PostgresQueryBuilder)?.0, r#"select * from "users" where "name" ilike $1"#);
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        where_ilike, false, false, (column: impl IntoColumn, pattern: impl IntoOperand) => Ok::<_, crate::BuildError>(Clause::Compare(column.into_column(), Op::ILike, pattern.into_operand()))
    );

    variant!(
        /// [`where_ilike`](Self::where_ilike), joined with `or`.
        ///
        /// ```
        /// # use knexrs_query::{Select, Wheres, PostgresQueryBuilder};
        /// let mut q = Select::from("users");
        /// q.where_ilike("name", "ann%").or_where_ilike("name", "bob%");
        /// assert_eq!(
        ///     q.build(PostgresQueryBuilder)?.0,
        ///     r#"select * from "users" where "name" ilike $1 or "name" ilike $2"#
        /// );
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        or_where_ilike, true, false, (column: impl IntoColumn, pattern: impl IntoOperand) => Ok::<_, crate::BuildError>(Clause::Compare(column.into_column(), Op::ILike, pattern.into_operand()))
    );

    variant!(
        /// `column not ilike pattern`.
        ///
        /// ```
        /// # use knexrs_query::{Select, Wheres, PostgresQueryBuilder};
        /// let mut q = Select::from("users");
        /// q.where_not_ilike("name", "test%");
        /// assert_eq!(
        ///     q.build(PostgresQueryBuilder)?.0,
        ///     r#"select * from "users" where "name" not ilike $1"#
        /// );
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        where_not_ilike, false, false, (column: impl IntoColumn, pattern: impl IntoOperand) => Ok::<_, crate::BuildError>(Clause::Compare(column.into_column(), Op::NotILike, pattern.into_operand()))
    );

    variant!(
        /// [`where_not_ilike`](Self::where_not_ilike), joined with `or`.
        ///
        /// ```
        /// # use knexrs_query::{Select, Wheres, PostgresQueryBuilder};
        /// let mut q = Select::from("users");
        /// q.where_eq("role", "admin").or_where_not_ilike("name", "test%");
        /// assert_eq!(
        ///     q.build(PostgresQueryBuilder)?.0,
        ///     r#"select * from "users" where "role" = $1 or "name" not ilike $2"#
        /// );
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        or_where_not_ilike, true, false, (column: impl IntoColumn, pattern: impl IntoOperand) => Ok::<_, crate::BuildError>(Clause::Compare(column.into_column(), Op::NotILike, pattern.into_operand()))
    );

    variant!(
        /// `exists (subquery)` (knex `whereExists`).
        ///
        /// ```
        /// # use knexrs_query::{Select, Wheres, PostgresQueryBuilder};
        /// let mut q = Select::from("users");
        /// let mut sessions = Select::from("sessions");
        /// sessions.where_column("sessions.owner_user_id", "=", "users.id");
        /// q.where_exists(sessions);
        /// assert_eq!(
        ///     q.build(PostgresQueryBuilder)?.0,
        ///     r#"select * from "users" where exists (select * from "sessions" where "sessions"."owner_user_id" = "users"."id")"#
        /// );
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        where_exists, false, false, (query: Select) => Ok::<_, crate::BuildError>(Clause::Exists(Box::new(query)))
    );

    variant!(
        /// [`where_exists`](Self::where_exists), joined with `or`.
        ///
        /// ```
        /// # use knexrs_query::{Select, Wheres, PostgresQueryBuilder};
        /// let mut q = Select::from("users");
        /// q.where_eq("role", "admin").or_where_exists(Select::from("grants"));
        /// assert_eq!(
        ///     q.build(PostgresQueryBuilder)?.0,
        ///     r#"select * from "users" where "role" = $1 or exists (select * from "grants")"#
        /// );
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        or_where_exists, true, false, (query: Select) => Ok::<_, crate::BuildError>(Clause::Exists(Box::new(query)))
    );

    variant!(
        /// [`where_exists`](Self::where_exists), negated (`not …`).
        ///
        /// ```
        /// # use knexrs_query::{Select, Wheres, PostgresQueryBuilder};
        /// let mut q = Select::from("users");
        /// let mut bans = Select::from("bans");
        /// bans.where_column("bans.user_id", "=", "users.id");
        /// q.where_not_exists(bans);
        /// assert_eq!(
        ///     q.build(PostgresQueryBuilder)?.0,
        ///     r#"select * from "users" where not exists (select * from "bans" where "bans"."user_id" = "users"."id")"#
        /// );
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        where_not_exists, false, true, (query: Select) => Ok::<_, crate::BuildError>(Clause::Exists(Box::new(query)))
    );

    variant!(
        /// [`where_exists`](Self::where_exists), joined with `or` and negated (`not …`).
        ///
        /// ```
        /// # use knexrs_query::{Select, Wheres, PostgresQueryBuilder};
        /// let mut q = Select::from("users");
        /// q.where_eq("role", "admin").or_where_not_exists(Select::from("bans"));
        /// assert_eq!(
        ///     q.build(PostgresQueryBuilder)?.0,
        ///     r#"select * from "users" where "role" = $1 or not exists (select * from "bans")"#
        /// );
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        or_where_not_exists, true, true, (query: Select) => Ok::<_, crate::BuildError>(Clause::Exists(Box::new(query)))
    );

    variant!(
        /// `left <op> right` between two columns (knex `whereColumn`).
        ///
        /// ```
        /// # use knexrs_query::{Select, Wheres, PostgresQueryBuilder};
        /// let mut q = Select::from("users");
        /// q.where_column("updated_at", ">", "created_at");
        /// assert_eq!(
        ///     q.build(PostgresQueryBuilder)?.0,
        ///     r#"select * from "users" where "updated_at" > "created_at""#
        /// );
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        where_column, false, false, (left: impl IntoColumn, op: impl IntoOp, right: impl IntoColumn) => compare(left.into_column(), op.into_op(), right.into_column())
    );

    variant!(
        /// [`where_column`](Self::where_column), joined with `or`.
        ///
        /// ```
        /// # use knexrs_query::{Select, Wheres, PostgresQueryBuilder};
        /// let mut q = Select::from("users");
        /// q.where_null("updated_at").or_where_column("updated_at", "=", "created_at");
        /// assert_eq!(
        ///     q.build(PostgresQueryBuilder)?.0,
        ///     r#"select * from "users" where "updated_at" is null or "updated_at" = "created_at""#
        /// );
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        or_where_column, true, false, (left: impl IntoColumn, op: impl IntoOp, right: impl IntoColumn) => compare(left.into_column(), op.into_op(), right.into_column())
    );

    variant!(
        /// [`where_column`](Self::where_column), negated (`not …`).
        ///
        /// ```
        /// # use knexrs_query::{Select, Wheres, PostgresQueryBuilder};
        /// let mut q = Select::from("users");
        /// q.where_not_column("updated_at", ">", "created_at");
        /// assert_eq!(
        ///     q.build(PostgresQueryBuilder)?.0,
        ///     r#"select * from "users" where not "updated_at" > "created_at""#
        /// );
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        where_not_column, false, true, (left: impl IntoColumn, op: impl IntoOp, right: impl IntoColumn) => compare(left.into_column(), op.into_op(), right.into_column())
    );

    variant!(
        /// Raw SQL with bound values (knex `whereRaw`).
        ///
        /// ```
        /// # use knexrs_query::{raw, Raw, Select, Wheres, PostgresQueryBuilder};
        /// let mut q = Select::from("users");
        /// q.where_raw(Raw::with("age > ? + 1", [17]));
        /// assert_eq!(q.build(PostgresQueryBuilder)?.0, r#"select * from "users" where age > $1 + 1"#);
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        where_raw, false, false, (sql: Raw) => Ok::<_, crate::BuildError>(Clause::Raw(sql))
    );

    variant!(
        /// [`where_raw`](Self::where_raw), joined with `or`.
        ///
        /// ```
        /// # use knexrs_query::{raw, Raw, Select, Wheres, PostgresQueryBuilder};
        /// let mut q = Select::from("users");
        /// q.where_eq("role", "admin").or_where_raw(raw("email like '%@corp.com'"));
        /// assert_eq!(
        ///     q.build(PostgresQueryBuilder)?.0,
        ///     r#"select * from "users" where "role" = $1 or email like '%@corp.com'"#
        /// );
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        or_where_raw, true, false, (sql: Raw) => Ok::<_, crate::BuildError>(Clause::Raw(sql))
    );

    variant!(
        /// [`where_raw`](Self::where_raw), negated (`not …`).
        ///
        /// ```
        /// # use knexrs_query::{raw, Raw, Select, Wheres, PostgresQueryBuilder};
        /// let mut q = Select::from("users");
        /// q.where_not_raw(raw("email like '%@spam.com'"));
        /// assert_eq!(
        ///     q.build(PostgresQueryBuilder)?.0,
        ///     r#"select * from "users" where not email like '%@spam.com'"#
        /// );
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        where_not_raw, false, true, (sql: Raw) => Ok::<_, crate::BuildError>(Clause::Raw(sql))
    );

    variant!(
        /// A sea-query boolean expression.
        ///
        /// ```
        /// # use knexrs_query::{Select, Wheres, PostgresQueryBuilder};
        /// use sea_query::{Expr, ExprTrait};
        ///
        /// let mut q = Select::from("users");
        /// q.where_expr(Expr::col("age").gt(18));
        /// assert_eq!(q.build(PostgresQueryBuilder)?.0, r#"select * from "users" where "age" > $1"#);
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        where_expr, false, false, (expression: Expr) => Ok::<_, crate::BuildError>(Clause::Expr(expression))
    );

    variant!(
        /// [`where_expr`](Self::where_expr), joined with `or`.
        ///
        /// ```
        /// # use knexrs_query::{Select, Wheres, PostgresQueryBuilder};
        /// use sea_query::{Expr, ExprTrait};
        ///
        /// let mut q = Select::from("users");
        /// q.where_eq("role", "admin").or_where_expr(Expr::col("age").gt(18));
        /// assert_eq!(
        ///     q.build(PostgresQueryBuilder)?.0,
        ///     r#"select * from "users" where "role" = $1 or "age" > $2"#
        /// );
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        or_where_expr, true, false, (expression: Expr) => Ok::<_, crate::BuildError>(Clause::Expr(expression))
    );

    variant!(
        /// [`where_expr`](Self::where_expr), negated (`not …`).
        ///
        /// ```
        /// # use knexrs_query::{Select, Wheres, PostgresQueryBuilder};
        /// use sea_query::{Expr, ExprTrait};
        ///
        /// let mut q = Select::from("users");
        /// q.where_not_expr(Expr::col("age").lt(18));
        /// assert_eq!(q.build(PostgresQueryBuilder)?.0, r#"select * from "users" where not "age" < $1"#);
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        where_not_expr, false, true, (expression: Expr) => Ok::<_, crate::BuildError>(Clause::Expr(expression))
    );

    /// `(c1, c2) in ((v1, v2), …)` (knex `whereIn([columns], [[values]])`).
    ///
    /// ```
    /// # use knexrs_query::{Select, Wheres, PostgresQueryBuilder};
    /// let mut q = Select::from("memberships");
    /// q.where_in_tuples(["user_id", "org_id"], [[1, 10], [2, 20]]);
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select * from "memberships" where ("user_id", "org_id") in (($1, $2), ($3, $4))"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    fn where_in_tuples<C, R>(&mut self, columns: C, rows: R) -> &mut Self
    where
        C: IntoIterator,
        C::Item: IntoColumn,
        R: IntoIterator,
        R::Item: IntoList,
    {
        let left = Operand(OperandKind::List(columns.into_iter().map(IntoColumn::into_column).collect()));
        let rows: Vec<Operand> = rows.into_iter().map(|row| row.into_list().0).collect();
        let clause = in_list(left, (Operand(OperandKind::List(rows.clone())), rows.is_empty()), false);
        self.conditions_mut().push(false, false, Ok(clause));
        self
    }

    /// A parenthesized group (knex `where(function () { … })`).
    ///
    /// ```
    /// # use knexrs_query::{Select, Wheres, PostgresQueryBuilder};
    /// let mut q = Select::from("users");
    /// q.where_eq("active", true).where_group(|g| {
    ///     g.where_eq("role", "admin").or_where_eq("role", "owner");
    /// });
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select * from "users" where "active" = $1 and ("role" = $2 or "role" = $3)"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    fn where_group(&mut self, build: impl FnOnce(&mut WhereGroup)) -> &mut Self {
        let mut group = WhereGroup::default();
        build(&mut group);
        self.conditions_mut().push(false, false, Ok(Clause::Group(group.conditions)));
        self
    }

    /// `or (group)` (knex `orWhere(function () { … })`).
    ///
    /// ```
    /// # use knexrs_query::{Select, Wheres, PostgresQueryBuilder};
    /// let mut q = Select::from("users");
    /// q.where_eq("role", "admin").or_where_group(|g| {
    ///     g.where_eq("role", "member").where_not_null("verified_at");
    /// });
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select * from "users" where "role" = $1 or ("role" = $2 and "verified_at" is not null)"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    fn or_where_group(&mut self, build: impl FnOnce(&mut WhereGroup)) -> &mut Self {
        let mut group = WhereGroup::default();
        build(&mut group);
        self.conditions_mut().push(true, false, Ok(Clause::Group(group.conditions)));
        self
    }

    /// `not (group)` (knex `whereNot(function () { … })`).
    ///
    /// ```
    /// # use knexrs_query::{Select, Wheres, PostgresQueryBuilder};
    /// let mut q = Select::from("users");
    /// q.where_not_group(|g| {
    ///     g.where_eq("role", "guest").or_where_null("verified_at");
    /// });
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select * from "users" where not ("role" = $1 or "verified_at" is null)"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    fn where_not_group(&mut self, build: impl FnOnce(&mut WhereGroup)) -> &mut Self {
        let mut group = WhereGroup::default();
        build(&mut group);
        self.conditions_mut().push(false, true, Ok(Clause::Group(group.conditions)));
        self
    }

    /// `or not (group)`.
    ///
    /// ```
    /// # use knexrs_query::{Select, Wheres, PostgresQueryBuilder};
    /// let mut q = Select::from("users");
    /// q.where_eq("role", "admin").or_where_not_group(|g| {
    ///     g.where_eq("role", "guest").or_where_null("verified_at");
    /// });
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select * from "users" where "role" = $1 or not ("role" = $2 or "verified_at" is null)"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    fn or_where_not_group(&mut self, build: impl FnOnce(&mut WhereGroup)) -> &mut Self {
        let mut group = WhereGroup::default();
        build(&mut group);
        self.conditions_mut().push(true, true, Ok(Clause::Group(group.conditions)));
        self
    }

    /// Each `(column, value)` as `column = value`, joined with `and` (knex `where({ … })`).
    ///
    /// ```
    /// # use knexrs_query::{Select, Wheres, PostgresQueryBuilder};
    /// let mut q = Select::from("sessions");
    /// q.where_all([("owner_user_id", "u-1"), ("job_name", "job-7")]);
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select * from "sessions" where "owner_user_id" = $1 and "job_name" = $2"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    fn where_all<I, C, V>(&mut self, pairs: I) -> &mut Self
    where
        I: IntoIterator<Item = (C, V)>,
        C: IntoColumn,
        V: IntoOperand,
    {
        for (column, value) in pairs {
            self.where_eq(column, value);
        }
        self
    }

    /// `or (c1 = v1 and c2 = v2 …)` (knex `orWhere({ … })`).
    ///
    /// ```
    /// # use knexrs_query::{Select, Wheres, PostgresQueryBuilder};
    /// let mut q = Select::from("sessions");
    /// q.where_eq("session_id", "s-1").or_where_all([("owner_user_id", "u-1"), ("job_name", "job-7")]);
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select * from "sessions" where "session_id" = $1 or ("owner_user_id" = $2 and "job_name" = $3)"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    fn or_where_all<I, C, V>(&mut self, pairs: I) -> &mut Self
    where
        I: IntoIterator<Item = (C, V)>,
        C: IntoColumn,
        V: IntoOperand,
    {
        self.or_where_group(|g| {
            g.where_all(pairs);
        })
    }

    /// `not c1 = v1 and not c2 = v2 …` (knex `whereNot({ … })`).
    ///
    /// ```
    /// # use knexrs_query::{Select, Wheres, PostgresQueryBuilder};
    /// let mut q = Select::from("sessions");
    /// q.where_not_all([("owner_user_id", "u-1"), ("job_name", "job-7")]);
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select * from "sessions" where not "owner_user_id" = $1 and not "job_name" = $2"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    fn where_not_all<I, C, V>(&mut self, pairs: I) -> &mut Self
    where
        I: IntoIterator<Item = (C, V)>,
        C: IntoColumn,
        V: IntoOperand,
    {
        for (column, value) in pairs {
            self.where_not_eq(column, value);
        }
        self
    }
}
