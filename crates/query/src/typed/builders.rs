//! Typed statements: a typed face over the untyped builders, which stay
//! reachable for what the typed API does not cover.

use super::{Accepts, Column, Cond, OrderBy, Table};
use crate::{Delete, Insert, QueryError, Select, Statement, Update, Wheres};
use sea_query::{PostgresQueryBuilder, Values};
use std::marker::PhantomData;

macro_rules! typed {
    ($(#[$doc:meta])* $name:ident wraps $inner:ident, made by $ctor:ident, $setup:literal => $sql:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone)]
        pub struct $name<T> {
            inner: $inner,
            marker: PhantomData<fn() -> T>,
        }

        impl<T: Table> $name<T> {
            /// The untyped builder, for what the typed API does not cover.
            ///
            /// ```
            /// # use knexrs_query::{Column, Table, PostgresQueryBuilder};
            /// # #[derive(Clone, Copy)] struct Sessions;
            /// # impl Table for Sessions { const NAME: &'static str = "sessions"; type Row = postgres::Row; }
            /// # const SESSION_ID: Column<Sessions, String> = Column::new("session_id");
            #[doc = concat!("let q = Sessions::", stringify!($ctor), "();")]
            #[doc = concat!("let untyped: &knexrs_query::", stringify!($inner), " = q.untyped();")]
            /// # let _ = untyped;
            /// ```
            pub fn untyped(&self) -> &$inner {
                &self.inner
            }

            /// The untyped builder, mutable.
            ///
            /// ```
            /// # use knexrs_query::{Column, Table, PostgresQueryBuilder};
            /// # #[derive(Clone, Copy)] struct Sessions;
            /// # impl Table for Sessions { const NAME: &'static str = "sessions"; type Row = postgres::Row; }
            /// # const SESSION_ID: Column<Sessions, String> = Column::new("session_id");
            #[doc = concat!("let mut q = Sessions::", stringify!($ctor), "();")]
            #[doc = concat!("let untyped: &mut knexrs_query::", stringify!($inner), " = q.untyped_mut();")]
            /// # let _ = untyped;
            /// ```
            pub fn untyped_mut(&mut self) -> &mut $inner {
                &mut self.inner
            }

            /// SQL with `$1`, `$2`, … and the values to bind.
            ///
            /// ```
            /// # use knexrs_query::{Column, Table, PostgresQueryBuilder};
            /// # #[derive(Clone, Copy)] struct Sessions;
            /// # impl Table for Sessions { const NAME: &'static str = "sessions"; type Row = postgres::Row; }
            /// # const SESSION_ID: Column<Sessions, String> = Column::new("session_id");
            #[doc = concat!("let mut q = Sessions::", stringify!($ctor), "();")]
            #[doc = $setup]
            #[doc = concat!("assert_eq!(q.build(PostgresQueryBuilder)?.0, r#\"", $sql, "\"#);")]
            /// # Ok::<(), knexrs_query::QueryError>(())
            /// ```
            pub fn build(&self, builder: PostgresQueryBuilder) -> Result<(String, Values), QueryError> {
                self.inner.build(builder)
            }

            /// Gives up on the statement after `after` and cancels it on the server
            /// (knex `.timeout(ms, { cancel: true })`; see the untyped builder's `timeout`).
            ///
            /// ```
            /// # use knexrs_query::{Column, Table};
            /// # #[derive(Clone, Copy)] struct Sessions;
            /// # impl Table for Sessions { const NAME: &'static str = "sessions"; type Row = postgres::Row; }
            #[doc = concat!("let mut q = Sessions::", stringify!($ctor), "();")]
            /// q.timeout(std::time::Duration::from_secs(5));
            /// ```
            pub fn timeout(&mut self, after: std::time::Duration) -> &mut Self {
                self.inner.timeout(after);
                self
            }
        }

        impl<T: Table> crate::statement::sealed::Sealed for $name<T> {}

        impl<T: Table> Statement for $name<T> {
            fn build(&self, builder: PostgresQueryBuilder) -> Result<(String, Values), QueryError> {
                self.inner.build(builder)
            }

            fn to_string(&self, builder: PostgresQueryBuilder) -> Result<String, QueryError> {
                self.inner.to_string(builder)
            }

            fn render(&self) -> Result<crate::statement::Rendered<'_>, QueryError> {
                Statement::render(&self.inner)
            }
        }
    };
}

typed! {
    /// `select … from T`, filtered by conditions on `T` only.
    TypedSelect wraps Select, made by select, "q.filter(SESSION_ID.eq(\"s-1\"));" => r#"select * from "sessions" where "session_id" = $1"#
}
typed! {
    /// `insert into T`, with values of the columns' types.
    TypedInsert wraps Insert, made by insert, "q.set(SESSION_ID, \"s-1\");" => r#"insert into "sessions" ("session_id") values ($1)"#
}
typed! {
    /// `update T`, with values of the columns' types.
    TypedUpdate wraps Update, made by update, "q.set(SESSION_ID, \"s-2\").filter(SESSION_ID.eq(\"s-1\"));" => r#"update "sessions" set "session_id" = $1 where "session_id" = $2"#
}
typed! {
    /// `delete from T`.
    TypedDelete wraps Delete, made by delete, "q.filter(SESSION_ID.eq(\"s-1\"));" => r#"delete from "sessions" where "session_id" = $1"#
}

impl<T: Table> TypedSelect<T> {
    pub(crate) fn new() -> Self {
        TypedSelect { inner: Select::from(T::qualified_name()), marker: PhantomData }
    }

    /// `and condition`.
    ///
    /// ```
    /// # use knexrs_query::{Column, Table, PostgresQueryBuilder};
    /// # #[derive(Clone, Copy)] struct Sessions;
    /// # impl Table for Sessions { const NAME: &'static str = "sessions"; type Row = postgres::Row; }
    /// # const SESSION_ID: Column<Sessions, String> = Column::new("session_id");
    /// # const POD_IP: Column<Sessions, Option<String>> = Column::new("pod_ip");
    /// # const RESTARTS: Column<Sessions, i32> = Column::new("restarts");
    /// let mut q = Sessions::select();
    /// q.filter(POD_IP.is_not_null()).filter(RESTARTS.lt(3));
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select * from "sessions" where "pod_ip" is not null and "restarts" < $1"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn filter(&mut self, condition: Cond<T>) -> &mut Self {
        self.inner.conditions_mut().push(false, false, Ok(condition.clause));
        self
    }

    /// `or condition`.
    ///
    /// ```
    /// # use knexrs_query::{Column, Table, PostgresQueryBuilder};
    /// # #[derive(Clone, Copy)] struct Sessions;
    /// # impl Table for Sessions { const NAME: &'static str = "sessions"; type Row = postgres::Row; }
    /// # const SESSION_ID: Column<Sessions, String> = Column::new("session_id");
    /// # const POD_IP: Column<Sessions, Option<String>> = Column::new("pod_ip");
    /// # const RESTARTS: Column<Sessions, i32> = Column::new("restarts");
    /// let mut q = Sessions::select();
    /// q.filter(RESTARTS.gt(3)).or_filter(POD_IP.is_null());
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select * from "sessions" where "restarts" > $1 or "pod_ip" is null"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn or_filter(&mut self, condition: Cond<T>) -> &mut Self {
        self.inner.conditions_mut().push(true, false, Ok(condition.clause));
        self
    }

    /// Selects these columns only (decode into a tuple then).
    ///
    /// ```
    /// # use knexrs_query::{Column, Table, PostgresQueryBuilder};
    /// # #[derive(Clone, Copy)] struct Sessions;
    /// # impl Table for Sessions { const NAME: &'static str = "sessions"; type Row = postgres::Row; }
    /// # const SESSION_ID: Column<Sessions, String> = Column::new("session_id");
    /// # const POD_IP: Column<Sessions, Option<String>> = Column::new("pod_ip");
    /// # const RESTARTS: Column<Sessions, i32> = Column::new("restarts");
    /// let mut q = Sessions::select();
    /// q.column(SESSION_ID).column(POD_IP);
    /// assert_eq!(q.build(PostgresQueryBuilder)?.0, r#"select "session_id", "pod_ip" from "sessions""#);
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn column<V>(&mut self, column: Column<T, V>) -> &mut Self {
        self.inner.column(column.name());
        self
    }

    /// `order by column asc|desc`.
    ///
    /// ```
    /// # use knexrs_query::{Column, Table, PostgresQueryBuilder};
    /// # #[derive(Clone, Copy)] struct Sessions;
    /// # impl Table for Sessions { const NAME: &'static str = "sessions"; type Row = postgres::Row; }
    /// # const SESSION_ID: Column<Sessions, String> = Column::new("session_id");
    /// # const POD_IP: Column<Sessions, Option<String>> = Column::new("pod_ip");
    /// # const RESTARTS: Column<Sessions, i32> = Column::new("restarts");
    /// let mut q = Sessions::select();
    /// q.order_by(RESTARTS.desc()).order_by(SESSION_ID.asc());
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select * from "sessions" order by "restarts" desc, "session_id" asc"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn order_by(&mut self, order: OrderBy<T>) -> &mut Self {
        self.inner.order_by(order.column, order.order);
        self
    }

    /// `limit n`.
    ///
    /// ```
    /// # use knexrs_query::{Column, Table, PostgresQueryBuilder};
    /// # #[derive(Clone, Copy)] struct Sessions;
    /// # impl Table for Sessions { const NAME: &'static str = "sessions"; type Row = postgres::Row; }
    /// # const SESSION_ID: Column<Sessions, String> = Column::new("session_id");
    /// # const POD_IP: Column<Sessions, Option<String>> = Column::new("pod_ip");
    /// # const RESTARTS: Column<Sessions, i32> = Column::new("restarts");
    /// let mut q = Sessions::select();
    /// q.limit(10);
    /// assert_eq!(q.build(PostgresQueryBuilder)?.0, r#"select * from "sessions" limit $1"#);
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn limit(&mut self, n: u64) -> &mut Self {
        self.inner.limit(n);
        self
    }

    /// `offset n`.
    ///
    /// ```
    /// # use knexrs_query::{Column, Table, PostgresQueryBuilder};
    /// # #[derive(Clone, Copy)] struct Sessions;
    /// # impl Table for Sessions { const NAME: &'static str = "sessions"; type Row = postgres::Row; }
    /// # const SESSION_ID: Column<Sessions, String> = Column::new("session_id");
    /// # const POD_IP: Column<Sessions, Option<String>> = Column::new("pod_ip");
    /// # const RESTARTS: Column<Sessions, i32> = Column::new("restarts");
    /// let mut q = Sessions::select();
    /// q.limit(10).offset(20);
    /// assert_eq!(q.build(PostgresQueryBuilder)?.0, r#"select * from "sessions" limit $1 offset $2"#);
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn offset(&mut self, n: u64) -> &mut Self {
        self.inner.offset(n);
        self
    }

    /// `limit 1` (knex `first`).
    ///
    /// ```
    /// # use knexrs_query::{Column, Table, PostgresQueryBuilder};
    /// # #[derive(Clone, Copy)] struct Sessions;
    /// # impl Table for Sessions { const NAME: &'static str = "sessions"; type Row = postgres::Row; }
    /// # const SESSION_ID: Column<Sessions, String> = Column::new("session_id");
    /// # const POD_IP: Column<Sessions, Option<String>> = Column::new("pod_ip");
    /// # const RESTARTS: Column<Sessions, i32> = Column::new("restarts");
    /// let mut q = Sessions::select();
    /// q.filter(SESSION_ID.eq("s-1")).first();
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select * from "sessions" where "session_id" = $1 limit $2"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn first(&mut self) -> &mut Self {
        self.inner.first();
        self
    }

    /// `for update`.
    ///
    /// ```
    /// # use knexrs_query::{Column, Table, PostgresQueryBuilder};
    /// # #[derive(Clone, Copy)] struct Sessions;
    /// # impl Table for Sessions { const NAME: &'static str = "sessions"; type Row = postgres::Row; }
    /// # const SESSION_ID: Column<Sessions, String> = Column::new("session_id");
    /// # const POD_IP: Column<Sessions, Option<String>> = Column::new("pod_ip");
    /// # const RESTARTS: Column<Sessions, i32> = Column::new("restarts");
    /// let mut q = Sessions::select();
    /// q.filter(SESSION_ID.eq("s-1")).for_update();
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select * from "sessions" where "session_id" = $1 for update"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn for_update(&mut self) -> &mut Self {
        self.inner.for_update();
        self
    }
}

impl<T: Table> TypedInsert<T> {
    pub(crate) fn new() -> Self {
        TypedInsert { inner: Insert::into(T::qualified_name()), marker: PhantomData }
    }

    /// Sets a column of the current row.
    ///
    /// ```
    /// # use knexrs_query::{Column, Table, PostgresQueryBuilder};
    /// # #[derive(Clone, Copy)] struct Sessions;
    /// # impl Table for Sessions { const NAME: &'static str = "sessions"; type Row = postgres::Row; }
    /// # const SESSION_ID: Column<Sessions, String> = Column::new("session_id");
    /// # const POD_IP: Column<Sessions, Option<String>> = Column::new("pod_ip");
    /// # const RESTARTS: Column<Sessions, i32> = Column::new("restarts");
    /// let mut q = Sessions::insert();
    /// q.set(SESSION_ID, "s-1").set(POD_IP, None::<String>).set(RESTARTS, 0);
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"insert into "sessions" ("pod_ip", "restarts", "session_id") values ($1, $2, $3)"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn set<V>(&mut self, column: Column<T, V>, value: impl Accepts<V>) -> &mut Self {
        self.inner.set(column.name(), value);
        self
    }

    /// Starts another row.
    ///
    /// ```
    /// # use knexrs_query::{Column, Table, PostgresQueryBuilder};
    /// # #[derive(Clone, Copy)] struct Sessions;
    /// # impl Table for Sessions { const NAME: &'static str = "sessions"; type Row = postgres::Row; }
    /// # const SESSION_ID: Column<Sessions, String> = Column::new("session_id");
    /// # const POD_IP: Column<Sessions, Option<String>> = Column::new("pod_ip");
    /// # const RESTARTS: Column<Sessions, i32> = Column::new("restarts");
    /// let mut q = Sessions::insert();
    /// q.set(SESSION_ID, "s-1").new_row().set(SESSION_ID, "s-2");
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"insert into "sessions" ("session_id") values ($1), ($2)"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn new_row(&mut self) -> &mut Self {
        self.inner.new_row();
        self
    }

    /// `on conflict (column) do nothing`.
    ///
    /// ```
    /// # use knexrs_query::{Column, Table, PostgresQueryBuilder};
    /// # #[derive(Clone, Copy)] struct Sessions;
    /// # impl Table for Sessions { const NAME: &'static str = "sessions"; type Row = postgres::Row; }
    /// # const SESSION_ID: Column<Sessions, String> = Column::new("session_id");
    /// # const POD_IP: Column<Sessions, Option<String>> = Column::new("pod_ip");
    /// # const RESTARTS: Column<Sessions, i32> = Column::new("restarts");
    /// let mut q = Sessions::insert();
    /// q.set(SESSION_ID, "s-1").on_conflict_ignore(SESSION_ID);
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"insert into "sessions" ("session_id") values ($1) on conflict ("session_id") do nothing"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn on_conflict_ignore<V>(&mut self, column: Column<T, V>) -> &mut Self {
        self.inner.on_conflict([column.name()]).ignore();
        self
    }

    /// `on conflict (column) do update set` every inserted column.
    ///
    /// ```
    /// # use knexrs_query::{Column, Table, PostgresQueryBuilder};
    /// # #[derive(Clone, Copy)] struct Sessions;
    /// # impl Table for Sessions { const NAME: &'static str = "sessions"; type Row = postgres::Row; }
    /// # const SESSION_ID: Column<Sessions, String> = Column::new("session_id");
    /// # const POD_IP: Column<Sessions, Option<String>> = Column::new("pod_ip");
    /// # const RESTARTS: Column<Sessions, i32> = Column::new("restarts");
    /// let mut q = Sessions::insert();
    /// q.set(SESSION_ID, "s-1").set(POD_IP, "10.0.0.7").on_conflict_merge(SESSION_ID);
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"insert into "sessions" ("pod_ip", "session_id") values ($1, $2) on conflict ("session_id") do update set "pod_ip" = excluded."pod_ip", "session_id" = excluded."session_id""#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn on_conflict_merge<V>(&mut self, column: Column<T, V>) -> &mut Self {
        self.inner.on_conflict([column.name()]).merge();
        self
    }

    /// `returning *`, to decode the inserted rows.
    ///
    /// ```
    /// # use knexrs_query::{Column, Table, PostgresQueryBuilder};
    /// # #[derive(Clone, Copy)] struct Sessions;
    /// # impl Table for Sessions { const NAME: &'static str = "sessions"; type Row = postgres::Row; }
    /// # const SESSION_ID: Column<Sessions, String> = Column::new("session_id");
    /// # const POD_IP: Column<Sessions, Option<String>> = Column::new("pod_ip");
    /// # const RESTARTS: Column<Sessions, i32> = Column::new("restarts");
    /// let mut q = Sessions::insert();
    /// q.set(SESSION_ID, "s-1").returning_all();
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"insert into "sessions" ("session_id") values ($1) returning *"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn returning_all(&mut self) -> &mut Self {
        self.inner.returning(["*"]);
        self
    }
}

impl<T: Table> TypedUpdate<T> {
    pub(crate) fn new() -> Self {
        TypedUpdate { inner: Update::table(T::qualified_name()), marker: PhantomData }
    }

    /// `set column = value`.
    ///
    /// ```
    /// # use knexrs_query::{Column, Table, PostgresQueryBuilder};
    /// # #[derive(Clone, Copy)] struct Sessions;
    /// # impl Table for Sessions { const NAME: &'static str = "sessions"; type Row = postgres::Row; }
    /// # const SESSION_ID: Column<Sessions, String> = Column::new("session_id");
    /// # const POD_IP: Column<Sessions, Option<String>> = Column::new("pod_ip");
    /// # const RESTARTS: Column<Sessions, i32> = Column::new("restarts");
    /// let mut q = Sessions::update();
    /// q.set(POD_IP, "10.0.0.7").filter(SESSION_ID.eq("s-1"));
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"update "sessions" set "pod_ip" = $1 where "session_id" = $2"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn set<V>(&mut self, column: Column<T, V>, value: impl Accepts<V>) -> &mut Self {
        self.inner.set(column.name(), value);
        self
    }

    /// `set column = column + by`.
    ///
    /// ```
    /// # use knexrs_query::{Column, Table, PostgresQueryBuilder};
    /// # #[derive(Clone, Copy)] struct Sessions;
    /// # impl Table for Sessions { const NAME: &'static str = "sessions"; type Row = postgres::Row; }
    /// # const SESSION_ID: Column<Sessions, String> = Column::new("session_id");
    /// # const POD_IP: Column<Sessions, Option<String>> = Column::new("pod_ip");
    /// # const RESTARTS: Column<Sessions, i32> = Column::new("restarts");
    /// let mut q = Sessions::update();
    /// q.increment(RESTARTS, 1).filter(SESSION_ID.eq("s-1"));
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"update "sessions" set "restarts" = "restarts" + $1 where "session_id" = $2"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn increment<V>(&mut self, column: Column<T, V>, by: impl Accepts<V>) -> &mut Self {
        self.inner.increment(column.name(), by);
        self
    }

    /// `set column = column - by`.
    ///
    /// ```
    /// # use knexrs_query::{Column, Table, PostgresQueryBuilder};
    /// # #[derive(Clone, Copy)] struct Sessions;
    /// # impl Table for Sessions { const NAME: &'static str = "sessions"; type Row = postgres::Row; }
    /// # const SESSION_ID: Column<Sessions, String> = Column::new("session_id");
    /// # const POD_IP: Column<Sessions, Option<String>> = Column::new("pod_ip");
    /// # const RESTARTS: Column<Sessions, i32> = Column::new("restarts");
    /// let mut q = Sessions::update();
    /// q.decrement(RESTARTS, 1).filter(SESSION_ID.eq("s-1"));
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"update "sessions" set "restarts" = "restarts" - $1 where "session_id" = $2"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn decrement<V>(&mut self, column: Column<T, V>, by: impl Accepts<V>) -> &mut Self {
        self.inner.decrement(column.name(), by);
        self
    }

    /// `and condition`.
    ///
    /// ```
    /// # use knexrs_query::{Column, Table, PostgresQueryBuilder};
    /// # #[derive(Clone, Copy)] struct Sessions;
    /// # impl Table for Sessions { const NAME: &'static str = "sessions"; type Row = postgres::Row; }
    /// # const SESSION_ID: Column<Sessions, String> = Column::new("session_id");
    /// # const POD_IP: Column<Sessions, Option<String>> = Column::new("pod_ip");
    /// # const RESTARTS: Column<Sessions, i32> = Column::new("restarts");
    /// let mut q = Sessions::update();
    /// q.set(POD_IP, None::<String>).filter(RESTARTS.gt(5));
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"update "sessions" set "pod_ip" = $1 where "restarts" > $2"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn filter(&mut self, condition: Cond<T>) -> &mut Self {
        self.inner.conditions_mut().push(false, false, Ok(condition.clause));
        self
    }

    /// `returning *`.
    ///
    /// ```
    /// # use knexrs_query::{Column, Table, PostgresQueryBuilder};
    /// # #[derive(Clone, Copy)] struct Sessions;
    /// # impl Table for Sessions { const NAME: &'static str = "sessions"; type Row = postgres::Row; }
    /// # const SESSION_ID: Column<Sessions, String> = Column::new("session_id");
    /// # const POD_IP: Column<Sessions, Option<String>> = Column::new("pod_ip");
    /// # const RESTARTS: Column<Sessions, i32> = Column::new("restarts");
    /// let mut q = Sessions::update();
    /// q.set(POD_IP, "10.0.0.7").returning_all();
    /// assert_eq!(q.build(PostgresQueryBuilder)?.0, r#"update "sessions" set "pod_ip" = $1 returning *"#);
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn returning_all(&mut self) -> &mut Self {
        self.inner.returning(["*"]);
        self
    }
}

impl<T: Table> TypedDelete<T> {
    pub(crate) fn new() -> Self {
        TypedDelete { inner: Delete::from(T::qualified_name()), marker: PhantomData }
    }

    /// `and condition`.
    ///
    /// ```
    /// # use knexrs_query::{Column, Table, PostgresQueryBuilder};
    /// # #[derive(Clone, Copy)] struct Sessions;
    /// # impl Table for Sessions { const NAME: &'static str = "sessions"; type Row = postgres::Row; }
    /// # const SESSION_ID: Column<Sessions, String> = Column::new("session_id");
    /// # const POD_IP: Column<Sessions, Option<String>> = Column::new("pod_ip");
    /// # const RESTARTS: Column<Sessions, i32> = Column::new("restarts");
    /// let mut q = Sessions::delete();
    /// q.filter(POD_IP.is_null());
    /// assert_eq!(q.build(PostgresQueryBuilder)?.0, r#"delete from "sessions" where "pod_ip" is null"#);
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn filter(&mut self, condition: Cond<T>) -> &mut Self {
        self.inner.conditions_mut().push(false, false, Ok(condition.clause));
        self
    }

    /// `returning *`.
    ///
    /// ```
    /// # use knexrs_query::{Column, Table, PostgresQueryBuilder};
    /// # #[derive(Clone, Copy)] struct Sessions;
    /// # impl Table for Sessions { const NAME: &'static str = "sessions"; type Row = postgres::Row; }
    /// # const SESSION_ID: Column<Sessions, String> = Column::new("session_id");
    /// # const POD_IP: Column<Sessions, Option<String>> = Column::new("pod_ip");
    /// # const RESTARTS: Column<Sessions, i32> = Column::new("restarts");
    /// let mut q = Sessions::delete();
    /// q.filter(POD_IP.is_null()).returning_all();
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"delete from "sessions" where "pod_ip" is null returning *"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn returning_all(&mut self) -> &mut Self {
        self.inner.returning(["*"]);
        self
    }
}
