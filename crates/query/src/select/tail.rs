//! The end of a select: `group by`, `order by`, `limit`, `offset`, row locks.

use super::Select;
use crate::conditions::{IntoColumn, IntoColumns};
use crate::ident::TableName;
use crate::ident::table_name;
use crate::operand::{IntoOperand, Operand};
use crate::{IntoNames, Raw};
use sea_query::Value;

/// Sort direction.
///
/// ```
/// # use knexrs_query::{Order, Select, PostgresQueryBuilder};
/// let mut q = Select::from("sessions");
/// q.order_by("expires_at", Order::Asc).order_by("created_at", Order::Desc);
/// assert_eq!(
///     q.build(PostgresQueryBuilder)?.0,
///     r#"select * from "sessions" order by "expires_at" asc, "created_at" desc"#
/// );
/// # Ok::<(), knexrs_query::QueryError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// `asc`
    Asc,
    /// `desc`
    Desc,
}

/// Where nulls sort.
///
/// ```
/// # use knexrs_query::{Nulls, Order, Select, PostgresQueryBuilder};
/// let mut q = Select::from("sessions");
/// q.order_by_nulls("pod_ip", Order::Desc, Nulls::First);
/// assert_eq!(
///     q.build(PostgresQueryBuilder)?.0,
///     r#"select * from "sessions" order by "pod_ip" desc nulls first"#
/// );
/// # Ok::<(), knexrs_query::QueryError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nulls {
    /// `nulls first`
    First,
    /// `nulls last`
    Last,
}

#[derive(Debug, Clone)]
pub(super) enum OrderItem {
    By(Operand, Order, Option<Nulls>),
    Raw(Raw),
}

#[derive(Debug, Clone)]
pub(super) struct Lock {
    pub(super) mode: &'static str,
    pub(super) of: Vec<TableName>,
    pub(super) wait: Option<&'static str>,
}

fn count(n: u64) -> Operand {
    Value::BigInt(Some(i64::try_from(n).unwrap_or(i64::MAX))).into_operand()
}

impl Select {
    /// `group by columns…` (knex `groupBy`): one column (`"a"`) or a list (`["a", "b"]`).
    ///
    /// ```
    /// # use knexrs_query::{Select, PostgresQueryBuilder};
    /// let mut q = Select::from("sessions");
    /// q.column("owner_user_id").count_as("*", "n").group_by(["owner_user_id"]);
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select "owner_user_id", count(*) as "n" from "sessions" group by "owner_user_id""#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn group_by(&mut self, columns: impl IntoColumns) -> &mut Self {
        self.group_by.extend(columns.into_columns());
        self
    }

    /// `group by <raw SQL>` (knex `groupByRaw`).
    ///
    /// ```
    /// # use knexrs_query::{raw, Select, PostgresQueryBuilder};
    /// let mut q = Select::from("sessions");
    /// q.count("*").group_by_raw(raw("date_trunc('day', created_at)"));
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select count(*) from "sessions" group by date_trunc('day', created_at)"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn group_by_raw(&mut self, sql: Raw) -> &mut Self {
        self.group_by.push(sql.into_operand());
        self
    }

    /// Drops the `group by` (knex `clearGroup`).
    ///
    /// ```
    /// # use knexrs_query::{Select, PostgresQueryBuilder};
    /// let mut q = Select::from("sessions");
    /// q.count("*").group_by(["owner_user_id"]).clear_group();
    /// assert_eq!(q.build(PostgresQueryBuilder)?.0, r#"select count(*) from "sessions""#);
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn clear_group(&mut self) -> &mut Self {
        self.group_by.clear();
        self
    }

    /// `order by column asc|desc` (knex `orderBy`); the column may be a subquery or raw SQL.
    ///
    /// ```
    /// # use knexrs_query::{Order, Select, PostgresQueryBuilder};
    /// let mut q = Select::from("sessions");
    /// q.order_by("created_at", Order::Desc).order_by("session_id", Order::Asc);
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select * from "sessions" order by "created_at" desc, "session_id" asc"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn order_by(&mut self, column: impl IntoColumn, order: Order) -> &mut Self {
        self.orders.push(OrderItem::By(column.into_column(), order, None));
        self
    }

    /// `order by column asc|desc nulls first|last`.
    ///
    /// ```
    /// # use knexrs_query::{Nulls, Order, Select, PostgresQueryBuilder};
    /// let mut q = Select::from("sessions");
    /// q.order_by_nulls("expires_at", Order::Asc, Nulls::Last);
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select * from "sessions" order by "expires_at" asc nulls last"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn order_by_nulls(&mut self, column: impl IntoColumn, order: Order, nulls: Nulls) -> &mut Self {
        self.orders.push(OrderItem::By(column.into_column(), order, Some(nulls)));
        self
    }

    /// `order by <raw SQL>` (knex `orderByRaw`).
    ///
    /// ```
    /// # use knexrs_query::{raw, Select, PostgresQueryBuilder};
    /// let mut q = Select::from("sessions");
    /// q.order_by_raw(raw("expires_at - created_at desc"));
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select * from "sessions" order by expires_at - created_at desc"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn order_by_raw(&mut self, sql: Raw) -> &mut Self {
        self.orders.push(OrderItem::Raw(sql));
        self
    }

    /// `order by a asc, b asc, …`: each column (or position) in turn (knex
    /// `orderBy(['a', 'b'])`, `orderBy([2, 4])`).
    ///
    /// ```
    /// # use knexrs_query::{Order, Select, PostgresQueryBuilder};
    /// let mut q = Select::from("users");
    /// q.order_by_each([2, 4], Order::Asc);
    /// assert_eq!(q.build(PostgresQueryBuilder)?.0, r#"select * from "users" order by 2 asc, 4 asc"#);
    /// let mut q = Select::from("users");
    /// q.order_by(3, Order::Asc); // knex orderBy(3): a column position
    /// assert_eq!(q.build(PostgresQueryBuilder)?.0, r#"select * from "users" order by 3 asc"#);
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn order_by_each<C: IntoColumn>(&mut self, columns: impl IntoIterator<Item = C>, order: Order) -> &mut Self {
        for column in columns {
            self.orders.push(OrderItem::By(column.into_column(), order, None));
        }
        self
    }

    /// Drops the `order by`, to reuse the rest of the query (for a count; knex `clearOrder`).
    ///
    /// ```
    /// # use knexrs_query::{Order, Select, PostgresQueryBuilder};
    /// let mut q = Select::from("sessions");
    /// q.order_by("created_at", Order::Desc).clear_order();
    /// assert_eq!(q.build(PostgresQueryBuilder)?.0, r#"select * from "sessions""#);
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn clear_order(&mut self) -> &mut Self {
        self.orders.clear();
        self
    }

    /// `limit n`, bound (knex `limit`).
    ///
    /// ```
    /// # use knexrs_query::{Select, PostgresQueryBuilder};
    /// let mut q = Select::from("sessions");
    /// q.limit(50);
    /// let (sql, values) = q.build(PostgresQueryBuilder)?;
    /// assert_eq!(sql, r#"select * from "sessions" limit $1"#);
    /// assert_eq!(values.0, vec![50i64.into()]);
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn limit(&mut self, n: u64) -> &mut Self {
        self.limit = Some(count(n));
        self
    }

    /// `limit <raw SQL>`, written as given (knex `limit(raw(…))`, `limit(n, { skipBinding: true })`).
    ///
    /// ```
    /// # use knexrs_query::{raw, Select, PostgresQueryBuilder};
    /// let mut q = Select::from("sessions");
    /// q.limit_raw(raw("(select count(*) / 2 from sessions)"));
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select * from "sessions" limit (select count(*) / 2 from sessions)"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn limit_raw(&mut self, sql: Raw) -> &mut Self {
        self.limit = Some(sql.into_operand());
        self
    }

    /// `offset n`, bound (knex `offset`).
    ///
    /// ```
    /// # use knexrs_query::{Select, PostgresQueryBuilder};
    /// let mut q = Select::from("sessions");
    /// q.limit(50).offset(100);
    /// assert_eq!(q.build(PostgresQueryBuilder)?.0, r#"select * from "sessions" limit $1 offset $2"#);
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn offset(&mut self, n: u64) -> &mut Self {
        self.offset = Some(count(n));
        self
    }

    /// `offset <raw SQL>`, written as given.
    ///
    /// ```
    /// # use knexrs_query::{raw, Select, PostgresQueryBuilder};
    /// let mut q = Select::from("sessions");
    /// q.offset_raw(raw("10"));
    /// assert_eq!(q.build(PostgresQueryBuilder)?.0, r#"select * from "sessions" offset 10"#);
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn offset_raw(&mut self, sql: Raw) -> &mut Self {
        self.offset = Some(sql.into_operand());
        self
    }

    /// Drops `limit` and `offset` (knex `limit(null).offset(null)`).
    ///
    /// ```
    /// # use knexrs_query::{Select, PostgresQueryBuilder};
    /// let mut q = Select::from("sessions");
    /// q.limit(50).offset(100).clear_limit();
    /// assert_eq!(q.build(PostgresQueryBuilder)?.0, r#"select * from "sessions""#);
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn clear_limit(&mut self) -> &mut Self {
        self.limit = None;
        self.offset = None;
        self
    }

    /// Drops `offset` only (knex `offset(null)`).
    ///
    /// ```
    /// # use knexrs_query::{Select, PostgresQueryBuilder};
    /// let mut q = Select::from("sessions");
    /// q.limit(50).offset(100).clear_offset();
    /// assert_eq!(q.build(PostgresQueryBuilder)?.0, r#"select * from "sessions" limit $1"#);
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn clear_offset(&mut self) -> &mut Self {
        self.offset = None;
        self
    }

    /// `limit 1`, the first row only (knex `first`).
    ///
    /// ```
    /// # use knexrs_query::{Select, Wheres, PostgresQueryBuilder};
    /// let mut q = Select::from("sessions");
    /// q.where_eq("session_id", "abc").first();
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select * from "sessions" where "session_id" = $1 limit $2"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn first(&mut self) -> &mut Self {
        self.limit(1)
    }

    /// Whether it returns at most one row: a bound `limit` of 0 or 1 on the
    /// whole statement (a `union` takes its limit from its own parts).
    pub(crate) fn at_most_one_row(&self) -> bool {
        self.set_operations.is_empty()
            && matches!(
                &self.limit,
                Some(Operand(crate::operand::OperandKind::Value(Value::BigInt(Some(n))))) if *n <= 1
            )
    }

    fn set_lock(&mut self, mode: &'static str) -> &mut Self {
        let lock = self.lock.get_or_insert(Lock { mode, of: Vec::new(), wait: None });
        lock.mode = mode;
        self
    }

    /// `for update` (knex `forUpdate`).
    ///
    /// ```
    /// # use knexrs_query::{Select, Wheres, PostgresQueryBuilder};
    /// let mut q = Select::from("jobs");
    /// q.where_eq("id", 7).for_update();
    /// assert_eq!(q.build(PostgresQueryBuilder)?.0, r#"select * from "jobs" where "id" = $1 for update"#);
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn for_update(&mut self) -> &mut Self {
        self.set_lock("for update")
    }

    /// `for no key update` (knex `forNoKeyUpdate`).
    ///
    /// ```
    /// # use knexrs_query::{Select, Wheres, PostgresQueryBuilder};
    /// let mut q = Select::from("jobs");
    /// q.where_eq("id", 7).for_no_key_update();
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select * from "jobs" where "id" = $1 for no key update"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn for_no_key_update(&mut self) -> &mut Self {
        self.set_lock("for no key update")
    }

    /// `for share` (knex `forShare`).
    ///
    /// ```
    /// # use knexrs_query::{Select, Wheres, PostgresQueryBuilder};
    /// let mut q = Select::from("jobs");
    /// q.where_eq("id", 7).for_share();
    /// assert_eq!(q.build(PostgresQueryBuilder)?.0, r#"select * from "jobs" where "id" = $1 for share"#);
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn for_share(&mut self) -> &mut Self {
        self.set_lock("for share")
    }

    /// `for key share` (knex `forKeyShare`).
    ///
    /// ```
    /// # use knexrs_query::{Select, Wheres, PostgresQueryBuilder};
    /// let mut q = Select::from("jobs");
    /// q.where_eq("id", 7).for_key_share();
    /// assert_eq!(q.build(PostgresQueryBuilder)?.0, r#"select * from "jobs" where "id" = $1 for key share"#);
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn for_key_share(&mut self) -> &mut Self {
        self.set_lock("for key share")
    }

    /// Locks rows of these tables only (`for update of "t"`; knex `forUpdate(tables)`): one table or a list.
    ///
    /// ```
    /// # use knexrs_query::{Select, PostgresQueryBuilder};
    /// let mut q = Select::from("jobs");
    /// q.join("workers", "workers.id", "jobs.worker_id").for_update().lock_of(["jobs"]);
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select * from "jobs" inner join "workers" on "workers"."id" = "jobs"."worker_id" for update of "jobs""#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn lock_of(&mut self, tables: impl IntoNames) -> &mut Self {
        if let Some(lock) = &mut self.lock {
            lock.of.extend(tables.into_names().map(|t| table_name(t, None)));
        }
        self
    }

    /// Skips rows another transaction has locked (knex `skipLocked`); for queues.
    ///
    /// ```
    /// # use knexrs_query::{Select, Wheres, PostgresQueryBuilder};
    /// let mut q = Select::from("jobs");
    /// q.where_null("taken_at").first().for_update().skip_locked();
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select * from "jobs" where "taken_at" is null limit $1 for update skip locked"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn skip_locked(&mut self) -> &mut Self {
        if let Some(lock) = &mut self.lock {
            lock.wait = Some("skip locked");
        }
        self
    }

    /// Fails at once on a locked row (knex `noWait`).
    ///
    /// ```
    /// # use knexrs_query::{Select, Wheres, PostgresQueryBuilder};
    /// let mut q = Select::from("jobs");
    /// q.where_eq("id", 7).for_update().no_wait();
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select * from "jobs" where "id" = $1 for update nowait"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn no_wait(&mut self) -> &mut Self {
        if let Some(lock) = &mut self.lock {
            lock.wait = Some("nowait");
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use crate::{Select, raw, table};

    #[test]
    fn a_select_ending_in_limit_one_is_known_to_return_at_most_one_row() {
        let mut first = table("sessions");
        first.first();
        assert!(first.at_most_one_row());
        let mut none = table("sessions");
        none.limit(0);
        assert!(none.at_most_one_row());
    }

    #[test]
    fn a_select_without_a_bound_limit_of_one_may_return_many_rows() {
        let mut page = table("sessions");
        page.limit(2);
        assert!(!page.at_most_one_row());
        assert!(!table("sessions").at_most_one_row());
        let mut raw_limit = table("sessions");
        raw_limit.limit_raw(raw("1"));
        assert!(!raw_limit.at_most_one_row());
        let mut union = Select::from("a");
        union.union(Select::from("b")).first();
        assert!(!union.at_most_one_row(), "a union's limit is not known to cover every part");
    }
}
