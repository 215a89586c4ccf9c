//! The end of a select: `group by`, `order by`, `limit`, `offset`, row locks.

use super::Select;
use crate::conditions::IntoColumn;
use crate::ident::TableName;
use crate::ident::table_name;
use crate::operand::{IntoOperand, Operand};
use crate::{IntoName, Raw};
use sea_query::Value;

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

    /// Drops the `group by` (knex `clearGroup`).
    pub fn clear_group(&mut self) -> &mut Self {
        self.group_by.clear();
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

    /// Drops the `order by`, to reuse the rest of the query (for a count; knex `clearOrder`).
    pub fn clear_order(&mut self) -> &mut Self {
        self.orders.clear();
        self
    }

    /// `limit n`, bound (knex `limit`).
    pub fn limit(&mut self, n: u64) -> &mut Self {
        self.limit = Some(count(n));
        self
    }

    /// `limit <raw SQL>`, written as given (knex `limit(raw(…))`, `limit(n, { skipBinding: true })`).
    pub fn limit_raw(&mut self, sql: Raw) -> &mut Self {
        self.limit = Some(sql.into_operand());
        self
    }

    /// `offset n`, bound (knex `offset`).
    pub fn offset(&mut self, n: u64) -> &mut Self {
        self.offset = Some(count(n));
        self
    }

    /// `offset <raw SQL>`, written as given.
    pub fn offset_raw(&mut self, sql: Raw) -> &mut Self {
        self.offset = Some(sql.into_operand());
        self
    }

    /// Drops `limit` and `offset` (knex `limit(null).offset(null)`).
    pub fn clear_limit(&mut self) -> &mut Self {
        self.limit = None;
        self.offset = None;
        self
    }

    /// Drops `offset` only (knex `offset(null)`).
    pub fn clear_offset(&mut self) -> &mut Self {
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

    /// Locks rows of these tables only (`for update of "t"`; knex `forUpdate(tables)`).
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
}
