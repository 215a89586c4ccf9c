//! Typed statements: a typed face over the untyped builders, which stay
//! reachable for what the typed API does not cover.

use super::{Accepts, Column, Cond, OrderBy, Table};
use crate::{Delete, Insert, QueryError, Select, Statement, Update, Wheres};
use sea_query::{PostgresQueryBuilder, Values};
use std::marker::PhantomData;

macro_rules! typed {
    ($(#[$doc:meta])* $name:ident wraps $inner:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone)]
        pub struct $name<T> {
            inner: $inner,
            marker: PhantomData<fn() -> T>,
        }

        impl<T: Table> $name<T> {
            /// The untyped builder, for what the typed API does not cover.
            pub fn untyped(&self) -> &$inner {
                &self.inner
            }

            /// The untyped builder, mutable.
            pub fn untyped_mut(&mut self) -> &mut $inner {
                &mut self.inner
            }

            /// SQL with `$1`, `$2`, … and the values to bind.
            pub fn build(&self, builder: PostgresQueryBuilder) -> Result<(String, Values), QueryError> {
                self.inner.build(builder)
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
    TypedSelect wraps Select
}
typed! {
    /// `insert into T`, with values of the columns' types.
    TypedInsert wraps Insert
}
typed! {
    /// `update T`, with values of the columns' types.
    TypedUpdate wraps Update
}
typed! {
    /// `delete from T`.
    TypedDelete wraps Delete
}

impl<T: Table> TypedSelect<T> {
    pub(crate) fn new() -> Self {
        TypedSelect { inner: Select::from(T::qualified_name()), marker: PhantomData }
    }

    /// `and condition`.
    pub fn filter(&mut self, condition: Cond<T>) -> &mut Self {
        self.inner.conditions_mut().push(false, false, Ok(condition.clause));
        self
    }

    /// `or condition`.
    pub fn or_filter(&mut self, condition: Cond<T>) -> &mut Self {
        self.inner.conditions_mut().push(true, false, Ok(condition.clause));
        self
    }

    /// Selects these columns only (decode into a tuple then).
    pub fn column<V>(&mut self, column: Column<T, V>) -> &mut Self {
        self.inner.column(column.name());
        self
    }

    /// `order by column asc|desc`.
    pub fn order_by(&mut self, order: OrderBy<T>) -> &mut Self {
        self.inner.order_by(order.column, order.order);
        self
    }

    /// `limit n`.
    pub fn limit(&mut self, n: u64) -> &mut Self {
        self.inner.limit(n);
        self
    }

    /// `offset n`.
    pub fn offset(&mut self, n: u64) -> &mut Self {
        self.inner.offset(n);
        self
    }

    /// `limit 1` (knex `first`).
    pub fn first(&mut self) -> &mut Self {
        self.inner.first();
        self
    }

    /// `for update`.
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
    pub fn set<V>(&mut self, column: Column<T, V>, value: impl Accepts<V>) -> &mut Self {
        self.inner.set(column.name(), value);
        self
    }

    /// Starts another row.
    pub fn new_row(&mut self) -> &mut Self {
        self.inner.new_row();
        self
    }

    /// `on conflict (column) do nothing`.
    pub fn on_conflict_ignore<V>(&mut self, column: Column<T, V>) -> &mut Self {
        self.inner.on_conflict([column.name()]).ignore();
        self
    }

    /// `on conflict (column) do update set` every inserted column.
    pub fn on_conflict_merge<V>(&mut self, column: Column<T, V>) -> &mut Self {
        self.inner.on_conflict([column.name()]).merge();
        self
    }

    /// `returning *`, to decode the inserted rows.
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
    pub fn set<V>(&mut self, column: Column<T, V>, value: impl Accepts<V>) -> &mut Self {
        self.inner.set(column.name(), value);
        self
    }

    /// `set column = column + by`.
    pub fn increment<V>(&mut self, column: Column<T, V>, by: impl Accepts<V>) -> &mut Self {
        self.inner.increment(column.name(), by);
        self
    }

    /// `set column = column - by`.
    pub fn decrement<V>(&mut self, column: Column<T, V>, by: impl Accepts<V>) -> &mut Self {
        self.inner.decrement(column.name(), by);
        self
    }

    /// `and condition`.
    pub fn filter(&mut self, condition: Cond<T>) -> &mut Self {
        self.inner.conditions_mut().push(false, false, Ok(condition.clause));
        self
    }

    /// `returning *`.
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
    pub fn filter(&mut self, condition: Cond<T>) -> &mut Self {
        self.inner.conditions_mut().push(false, false, Ok(condition.clause));
        self
    }

    /// `returning *`.
    pub fn returning_all(&mut self) -> &mut Self {
        self.inner.returning(["*"]);
        self
    }
}
