//! Typed columns and the conditions they make.

use super::{Accepts, Table};
use crate::conditions::{Clause, Conditions};
use crate::operand::{IntoOperand, Operand, OperandKind};
use crate::{Op, Order};
use std::marker::PhantomData;

/// A column of table `T` holding Rust values of type `V` (`Option<_>` when nullable).
///
/// Conditions built from it are `Cond<T>`: a typed query of another table
/// rejects them at compile time.
///
/// ```compile_fail,E0308
/// use knexrs_query::{Column, Table};
///
/// #[derive(Clone, Copy)] struct Sessions;
/// impl Table for Sessions { const NAME: &'static str = "sessions"; type Row = postgres::Row; }
/// #[derive(Clone, Copy)] struct TokenJti;
/// impl Table for TokenJti { const NAME: &'static str = "token_jti"; type Row = postgres::Row; }
/// const JTI: Column<TokenJti, String> = Column::new("jti");
///
/// let mut q = Sessions::select();
/// q.filter(JTI.eq("a")); // a token_jti column in a sessions query
/// ```
pub struct Column<T, V> {
    name: &'static str,
    marker: PhantomData<fn() -> (T, V)>,
}

impl<T, V> Clone for Column<T, V> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T, V> Copy for Column<T, V> {}

impl<T, V> std::fmt::Debug for Column<T, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Column({})", self.name)
    }
}

/// A condition on table `T`.
///
/// ```
/// # use knexrs_query::{Column, Table, PostgresQueryBuilder};
/// # #[derive(Clone, Copy)] struct Sessions;
/// # impl Table for Sessions { const NAME: &'static str = "sessions"; type Row = postgres::Row; }
/// # const POD_IP: Column<Sessions, Option<String>> = Column::new("pod_ip");
/// # const RESTARTS: Column<Sessions, i32> = Column::new("restarts");
/// use knexrs_query::Cond;
///
/// let unplaced: Cond<Sessions> = POD_IP.is_null();
/// let flapping: Cond<Sessions> = RESTARTS.gte(3);
/// let mut q = Sessions::select();
/// q.filter(unplaced.or(flapping));
/// assert_eq!(
///     q.build(PostgresQueryBuilder)?.0,
///     r#"select * from "sessions" where ("pod_ip" is null or "restarts" >= $1)"#
/// );
/// # Ok::<(), knexrs_query::QueryError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Cond<T> {
    pub(crate) clause: Clause,
    marker: PhantomData<fn() -> T>,
}

/// An `order by` item on table `T`.
///
/// ```
/// # use knexrs_query::{Column, Table, PostgresQueryBuilder};
/// # #[derive(Clone, Copy)] struct Sessions;
/// # impl Table for Sessions { const NAME: &'static str = "sessions"; type Row = postgres::Row; }
/// # const POD_IP: Column<Sessions, Option<String>> = Column::new("pod_ip");
/// # const RESTARTS: Column<Sessions, i32> = Column::new("restarts");
/// use knexrs_query::OrderBy;
///
/// let most_restarted: OrderBy<Sessions> = RESTARTS.desc();
/// let mut q = Sessions::select();
/// q.order_by(most_restarted).limit(10);
/// assert_eq!(
///     q.build(PostgresQueryBuilder)?.0,
///     r#"select * from "sessions" order by "restarts" desc limit $1"#
/// );
/// # Ok::<(), knexrs_query::QueryError>(())
/// ```
#[derive(Debug, Clone)]
pub struct OrderBy<T> {
    pub(crate) column: &'static str,
    pub(crate) order: Order,
    marker: PhantomData<fn() -> T>,
}

impl<T> Cond<T> {
    fn new(clause: Clause) -> Self {
        Cond { clause, marker: PhantomData }
    }

    fn combine(self, other: Cond<T>, or: bool) -> Self {
        let mut group = Conditions::default();
        group.push(false, false, Ok(self.clause));
        group.push(or, false, Ok(other.clause));
        Cond::new(Clause::Group(group))
    }

    /// `(self and other)`.
    ///
    /// ```
    /// # use knexrs_query::{Column, Table, PostgresQueryBuilder};
    /// # #[derive(Clone, Copy)] struct Sessions;
    /// # impl Table for Sessions { const NAME: &'static str = "sessions"; type Row = postgres::Row; }
    /// # const SESSION_ID: Column<Sessions, String> = Column::new("session_id");
    /// # const POD_IP: Column<Sessions, Option<String>> = Column::new("pod_ip");
    /// # const RESTARTS: Column<Sessions, i32> = Column::new("restarts");
    /// let mut q = Sessions::select();
    /// q.filter(SESSION_ID.eq("s-1").and(POD_IP.is_null()));
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select * from "sessions" where ("session_id" = $1 and "pod_ip" is null)"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn and(self, other: Cond<T>) -> Self {
        self.combine(other, false)
    }

    /// `(self or other)`.
    ///
    /// ```
    /// # use knexrs_query::{Column, Table, PostgresQueryBuilder};
    /// # #[derive(Clone, Copy)] struct Sessions;
    /// # impl Table for Sessions { const NAME: &'static str = "sessions"; type Row = postgres::Row; }
    /// # const SESSION_ID: Column<Sessions, String> = Column::new("session_id");
    /// # const POD_IP: Column<Sessions, Option<String>> = Column::new("pod_ip");
    /// # const RESTARTS: Column<Sessions, i32> = Column::new("restarts");
    /// let mut q = Sessions::select();
    /// q.filter(POD_IP.is_null().or(RESTARTS.gt(3)));
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select * from "sessions" where ("pod_ip" is null or "restarts" > $1)"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn or(self, other: Cond<T>) -> Self {
        self.combine(other, true)
    }

    /// `not (self)`.
    ///
    /// ```
    /// # use knexrs_query::{Column, Table, PostgresQueryBuilder};
    /// # #[derive(Clone, Copy)] struct Sessions;
    /// # impl Table for Sessions { const NAME: &'static str = "sessions"; type Row = postgres::Row; }
    /// # const SESSION_ID: Column<Sessions, String> = Column::new("session_id");
    /// # const POD_IP: Column<Sessions, Option<String>> = Column::new("pod_ip");
    /// # const RESTARTS: Column<Sessions, i32> = Column::new("restarts");
    /// let mut q = Sessions::select();
    /// q.filter(POD_IP.is_null().not());
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select * from "sessions" where (not "pod_ip" is null)"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    #[allow(clippy::should_implement_trait)]
    pub fn not(self) -> Self {
        let mut group = Conditions::default();
        group.push(false, true, Ok(self.clause));
        Cond::new(Clause::Group(group))
    }
}

impl<T: Table, V> Column<T, V> {
    /// The column `name` of table `T`.
    ///
    /// ```
    /// # use knexrs_query::{Column, Table, PostgresQueryBuilder};
    /// # #[derive(Clone, Copy)] struct Sessions;
    /// # impl Table for Sessions { const NAME: &'static str = "sessions"; type Row = postgres::Row; }
    /// # const SESSION_ID: Column<Sessions, String> = Column::new("session_id");
    /// # const POD_IP: Column<Sessions, Option<String>> = Column::new("pod_ip");
    /// # const RESTARTS: Column<Sessions, i32> = Column::new("restarts");
    /// const JOB_NAME: Column<Sessions, String> = Column::new("job_name");
    /// assert_eq!(JOB_NAME.name(), "job_name");
    /// ```
    pub const fn new(name: &'static str) -> Self {
        Column { name, marker: PhantomData }
    }

    /// The column's name.
    ///
    /// ```
    /// # use knexrs_query::{Column, Table, PostgresQueryBuilder};
    /// # #[derive(Clone, Copy)] struct Sessions;
    /// # impl Table for Sessions { const NAME: &'static str = "sessions"; type Row = postgres::Row; }
    /// # const SESSION_ID: Column<Sessions, String> = Column::new("session_id");
    /// # const POD_IP: Column<Sessions, Option<String>> = Column::new("pod_ip");
    /// # const RESTARTS: Column<Sessions, i32> = Column::new("restarts");
    /// assert_eq!(POD_IP.name(), "pod_ip");
    /// ```
    pub fn name(self) -> &'static str {
        self.name
    }

    pub(crate) fn operand(self) -> Operand {
        crate::col(self.name)
    }

    fn compare(self, op: Op, value: Operand) -> Cond<T> {
        Cond::new(Clause::Compare(self.operand(), op, value))
    }

    /// `column = value`.
    ///
    /// ```
    /// # use knexrs_query::{Column, Table, PostgresQueryBuilder};
    /// # #[derive(Clone, Copy)] struct Sessions;
    /// # impl Table for Sessions { const NAME: &'static str = "sessions"; type Row = postgres::Row; }
    /// # const SESSION_ID: Column<Sessions, String> = Column::new("session_id");
    /// # const POD_IP: Column<Sessions, Option<String>> = Column::new("pod_ip");
    /// # const RESTARTS: Column<Sessions, i32> = Column::new("restarts");
    /// let mut q = Sessions::select();
    /// q.filter(SESSION_ID.eq("s-1"));
    /// assert_eq!(q.build(PostgresQueryBuilder)?.0, r#"select * from "sessions" where "session_id" = $1"#);
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn eq(self, value: impl Accepts<V>) -> Cond<T> {
        self.compare(Op::Eq, value.into_operand())
    }

    /// `column <> value`.
    ///
    /// ```
    /// # use knexrs_query::{Column, Table, PostgresQueryBuilder};
    /// # #[derive(Clone, Copy)] struct Sessions;
    /// # impl Table for Sessions { const NAME: &'static str = "sessions"; type Row = postgres::Row; }
    /// # const SESSION_ID: Column<Sessions, String> = Column::new("session_id");
    /// # const POD_IP: Column<Sessions, Option<String>> = Column::new("pod_ip");
    /// # const RESTARTS: Column<Sessions, i32> = Column::new("restarts");
    /// let mut q = Sessions::select();
    /// q.filter(RESTARTS.ne(0));
    /// assert_eq!(q.build(PostgresQueryBuilder)?.0, r#"select * from "sessions" where "restarts" <> $1"#);
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn ne(self, value: impl Accepts<V>) -> Cond<T> {
        self.compare(Op::Ne, value.into_operand())
    }

    /// `column < value`.
    ///
    /// ```
    /// # use knexrs_query::{Column, Table, PostgresQueryBuilder};
    /// # #[derive(Clone, Copy)] struct Sessions;
    /// # impl Table for Sessions { const NAME: &'static str = "sessions"; type Row = postgres::Row; }
    /// # const SESSION_ID: Column<Sessions, String> = Column::new("session_id");
    /// # const POD_IP: Column<Sessions, Option<String>> = Column::new("pod_ip");
    /// # const RESTARTS: Column<Sessions, i32> = Column::new("restarts");
    /// let mut q = Sessions::select();
    /// q.filter(RESTARTS.lt(3));
    /// assert_eq!(q.build(PostgresQueryBuilder)?.0, r#"select * from "sessions" where "restarts" < $1"#);
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn lt(self, value: impl Accepts<V>) -> Cond<T> {
        self.compare(Op::Lt, value.into_operand())
    }

    /// `column <= value`.
    ///
    /// ```
    /// # use knexrs_query::{Column, Table, PostgresQueryBuilder};
    /// # #[derive(Clone, Copy)] struct Sessions;
    /// # impl Table for Sessions { const NAME: &'static str = "sessions"; type Row = postgres::Row; }
    /// # const SESSION_ID: Column<Sessions, String> = Column::new("session_id");
    /// # const POD_IP: Column<Sessions, Option<String>> = Column::new("pod_ip");
    /// # const RESTARTS: Column<Sessions, i32> = Column::new("restarts");
    /// let mut q = Sessions::select();
    /// q.filter(RESTARTS.lte(3));
    /// assert_eq!(q.build(PostgresQueryBuilder)?.0, r#"select * from "sessions" where "restarts" <= $1"#);
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn lte(self, value: impl Accepts<V>) -> Cond<T> {
        self.compare(Op::Lte, value.into_operand())
    }

    /// `column > value`.
    ///
    /// ```
    /// # use knexrs_query::{Column, Table, PostgresQueryBuilder};
    /// # #[derive(Clone, Copy)] struct Sessions;
    /// # impl Table for Sessions { const NAME: &'static str = "sessions"; type Row = postgres::Row; }
    /// # const SESSION_ID: Column<Sessions, String> = Column::new("session_id");
    /// # const POD_IP: Column<Sessions, Option<String>> = Column::new("pod_ip");
    /// # const RESTARTS: Column<Sessions, i32> = Column::new("restarts");
    /// let mut q = Sessions::select();
    /// q.filter(RESTARTS.gt(3));
    /// assert_eq!(q.build(PostgresQueryBuilder)?.0, r#"select * from "sessions" where "restarts" > $1"#);
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn gt(self, value: impl Accepts<V>) -> Cond<T> {
        self.compare(Op::Gt, value.into_operand())
    }

    /// `column >= value`.
    ///
    /// ```
    /// # use knexrs_query::{Column, Table, PostgresQueryBuilder};
    /// # #[derive(Clone, Copy)] struct Sessions;
    /// # impl Table for Sessions { const NAME: &'static str = "sessions"; type Row = postgres::Row; }
    /// # const SESSION_ID: Column<Sessions, String> = Column::new("session_id");
    /// # const POD_IP: Column<Sessions, Option<String>> = Column::new("pod_ip");
    /// # const RESTARTS: Column<Sessions, i32> = Column::new("restarts");
    /// let mut q = Sessions::select();
    /// q.filter(RESTARTS.gte(3));
    /// assert_eq!(q.build(PostgresQueryBuilder)?.0, r#"select * from "sessions" where "restarts" >= $1"#);
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn gte(self, value: impl Accepts<V>) -> Cond<T> {
        self.compare(Op::Gte, value.into_operand())
    }

    /// `column in (values…)`.
    ///
    /// ```
    /// # use knexrs_query::{Column, Table, PostgresQueryBuilder};
    /// # #[derive(Clone, Copy)] struct Sessions;
    /// # impl Table for Sessions { const NAME: &'static str = "sessions"; type Row = postgres::Row; }
    /// # const SESSION_ID: Column<Sessions, String> = Column::new("session_id");
    /// # const POD_IP: Column<Sessions, Option<String>> = Column::new("pod_ip");
    /// # const RESTARTS: Column<Sessions, i32> = Column::new("restarts");
    /// let mut q = Sessions::select();
    /// q.filter(SESSION_ID.is_in(["s-1", "s-2"]));
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select * from "sessions" where "session_id" in ($1, $2)"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn is_in<A: Accepts<V>>(self, values: impl IntoIterator<Item = A>) -> Cond<T> {
        let list = values.into_iter().map(IntoOperand::into_operand).collect::<Vec<_>>();
        let empty = list.is_empty();
        Cond::new(crate::conditions::in_list(self.operand(), (Operand(OperandKind::List(list)), empty), false))
    }

    /// `column not in (values…)`.
    ///
    /// ```
    /// # use knexrs_query::{Column, Table, PostgresQueryBuilder};
    /// # #[derive(Clone, Copy)] struct Sessions;
    /// # impl Table for Sessions { const NAME: &'static str = "sessions"; type Row = postgres::Row; }
    /// # const SESSION_ID: Column<Sessions, String> = Column::new("session_id");
    /// # const POD_IP: Column<Sessions, Option<String>> = Column::new("pod_ip");
    /// # const RESTARTS: Column<Sessions, i32> = Column::new("restarts");
    /// let mut q = Sessions::select();
    /// q.filter(RESTARTS.not_in([0, 1]));
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select * from "sessions" where "restarts" not in ($1, $2)"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn not_in<A: Accepts<V>>(self, values: impl IntoIterator<Item = A>) -> Cond<T> {
        let list = values.into_iter().map(IntoOperand::into_operand).collect::<Vec<_>>();
        let empty = list.is_empty();
        Cond::new(crate::conditions::in_list(self.operand(), (Operand(OperandKind::List(list)), empty), true))
    }

    /// `column between low and high`.
    ///
    /// ```
    /// # use knexrs_query::{Column, Table, PostgresQueryBuilder};
    /// # #[derive(Clone, Copy)] struct Sessions;
    /// # impl Table for Sessions { const NAME: &'static str = "sessions"; type Row = postgres::Row; }
    /// # const SESSION_ID: Column<Sessions, String> = Column::new("session_id");
    /// # const POD_IP: Column<Sessions, Option<String>> = Column::new("pod_ip");
    /// # const RESTARTS: Column<Sessions, i32> = Column::new("restarts");
    /// let mut q = Sessions::select();
    /// q.filter(RESTARTS.between(1, 5));
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select * from "sessions" where "restarts" between $1 and $2"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn between(self, low: impl Accepts<V>, high: impl Accepts<V>) -> Cond<T> {
        Cond::new(Clause::Between(self.operand(), low.into_operand(), high.into_operand(), false))
    }

    /// `column is null`.
    ///
    /// ```
    /// # use knexrs_query::{Column, Table, PostgresQueryBuilder};
    /// # #[derive(Clone, Copy)] struct Sessions;
    /// # impl Table for Sessions { const NAME: &'static str = "sessions"; type Row = postgres::Row; }
    /// # const SESSION_ID: Column<Sessions, String> = Column::new("session_id");
    /// # const POD_IP: Column<Sessions, Option<String>> = Column::new("pod_ip");
    /// # const RESTARTS: Column<Sessions, i32> = Column::new("restarts");
    /// let mut q = Sessions::select();
    /// q.filter(POD_IP.is_null());
    /// assert_eq!(q.build(PostgresQueryBuilder)?.0, r#"select * from "sessions" where "pod_ip" is null"#);
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn is_null(self) -> Cond<T> {
        Cond::new(Clause::Null(self.operand(), false))
    }

    /// `column is not null`.
    ///
    /// ```
    /// # use knexrs_query::{Column, Table, PostgresQueryBuilder};
    /// # #[derive(Clone, Copy)] struct Sessions;
    /// # impl Table for Sessions { const NAME: &'static str = "sessions"; type Row = postgres::Row; }
    /// # const SESSION_ID: Column<Sessions, String> = Column::new("session_id");
    /// # const POD_IP: Column<Sessions, Option<String>> = Column::new("pod_ip");
    /// # const RESTARTS: Column<Sessions, i32> = Column::new("restarts");
    /// let mut q = Sessions::select();
    /// q.filter(POD_IP.is_not_null());
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select * from "sessions" where "pod_ip" is not null"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn is_not_null(self) -> Cond<T> {
        Cond::new(Clause::Null(self.operand(), true))
    }

    /// `column asc`.
    ///
    /// ```
    /// # use knexrs_query::{Column, Table, PostgresQueryBuilder};
    /// # #[derive(Clone, Copy)] struct Sessions;
    /// # impl Table for Sessions { const NAME: &'static str = "sessions"; type Row = postgres::Row; }
    /// # const SESSION_ID: Column<Sessions, String> = Column::new("session_id");
    /// # const POD_IP: Column<Sessions, Option<String>> = Column::new("pod_ip");
    /// # const RESTARTS: Column<Sessions, i32> = Column::new("restarts");
    /// let mut q = Sessions::select();
    /// q.order_by(RESTARTS.asc());
    /// assert_eq!(q.build(PostgresQueryBuilder)?.0, r#"select * from "sessions" order by "restarts" asc"#);
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn asc(self) -> OrderBy<T> {
        OrderBy { column: self.name, order: Order::Asc, marker: PhantomData }
    }

    /// `column desc`.
    ///
    /// ```
    /// # use knexrs_query::{Column, Table, PostgresQueryBuilder};
    /// # #[derive(Clone, Copy)] struct Sessions;
    /// # impl Table for Sessions { const NAME: &'static str = "sessions"; type Row = postgres::Row; }
    /// # const SESSION_ID: Column<Sessions, String> = Column::new("session_id");
    /// # const POD_IP: Column<Sessions, Option<String>> = Column::new("pod_ip");
    /// # const RESTARTS: Column<Sessions, i32> = Column::new("restarts");
    /// let mut q = Sessions::select();
    /// q.order_by(RESTARTS.desc());
    /// assert_eq!(q.build(PostgresQueryBuilder)?.0, r#"select * from "sessions" order by "restarts" desc"#);
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn desc(self) -> OrderBy<T> {
        OrderBy { column: self.name, order: Order::Desc, marker: PhantomData }
    }
}

impl<T: Table, V> Column<T, V>
where
    &'static str: Accepts<V>,
{
    /// `column like pattern` (text columns).
    ///
    /// ```
    /// # use knexrs_query::{Column, Table, PostgresQueryBuilder};
    /// # #[derive(Clone, Copy)] struct Sessions;
    /// # impl Table for Sessions { const NAME: &'static str = "sessions"; type Row = postgres::Row; }
    /// # const SESSION_ID: Column<Sessions, String> = Column::new("session_id");
    /// # const POD_IP: Column<Sessions, Option<String>> = Column::new("pod_ip");
    /// # const RESTARTS: Column<Sessions, i32> = Column::new("restarts");
    /// let mut q = Sessions::select();
    /// q.filter(SESSION_ID.like("s-%"));
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select * from "sessions" where "session_id" like $1"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn like(self, pattern: impl Accepts<V>) -> Cond<T> {
        self.compare(Op::Like, pattern.into_operand())
    }

    /// `column ilike pattern` (text columns).
    ///
    /// ```
    /// # use knexrs_query::{Column, Table, PostgresQueryBuilder};
    /// # #[derive(Clone, Copy)] struct Sessions;
    /// # impl Table for Sessions { const NAME: &'static str = "sessions"; type Row = postgres::Row; }
    /// # const SESSION_ID: Column<Sessions, String> = Column::new("session_id");
    /// # const POD_IP: Column<Sessions, Option<String>> = Column::new("pod_ip");
    /// # const RESTARTS: Column<Sessions, i32> = Column::new("restarts");
    /// let mut q = Sessions::select();
    /// q.filter(POD_IP.ilike("10.%"));
    /// assert_eq!(q.build(PostgresQueryBuilder)?.0, r#"select * from "sessions" where "pod_ip" ilike $1"#);
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn ilike(self, pattern: impl Accepts<V>) -> Cond<T> {
        self.compare(Op::ILike, pattern.into_operand())
    }
}

impl<T: Table, V> crate::IntoColumn for Column<T, V> {
    fn into_column(self) -> Operand {
        self.operand()
    }
}

impl<T: Table, V> crate::IntoColumns for Column<T, V> {
    fn into_columns(self) -> impl Iterator<Item = Operand> {
        std::iter::once(self.operand())
    }
}
