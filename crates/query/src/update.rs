//! `update`: `set` in call order, then knex's counters (`increment`,
//! `decrement`), `from`, `where`, `returning`.

use crate::conditions::Conditions;
use crate::cte::{Ctes, With};
use crate::ident::{TableName, table_name};
use crate::insert::write_returning;
use crate::operand::{IntoOperand, Operand};
use crate::render::Writer;
use crate::select::{IntoSource, Source};
use crate::{IntoName, IntoNames, QueryError, Select, Wheres};
use std::borrow::Cow;

/// An `update`.
///
/// ```
/// use knexrs_query::{Update, Wheres, PostgresQueryBuilder};
///
/// let mut q = Update::table("sessions");
/// q.set("pod_ip", "10.0.0.1").increment("restarts", 1).where_eq("session_id", "abc-123");
/// let (sql, values) = q.build(PostgresQueryBuilder).unwrap();
/// assert_eq!(
///     sql,
///     r#"update "sessions" set "pod_ip" = $1, "restarts" = "restarts" + $2 where "session_id" = $3"#
/// );
/// assert_eq!(values.0.len(), 3);
/// ```
#[derive(Debug, Clone)]
pub struct Update {
    with: With,
    table: TableName,
    only: bool,
    sets: Vec<(Cow<'static, str>, Operand)>,
    counters: Vec<(Cow<'static, str>, &'static str, Operand)>,
    from: Vec<Source>,
    wheres: Conditions,
    returning: Vec<Operand>,
    /// Given up after this long (knex `.timeout(ms, { cancel: true })`).
    pub(crate) timeout: Option<std::time::Duration>,
}

impl Update {
    /// `update table` (knex `knex(table).update(…)`).
    ///
    /// ```
    /// # use knexrs_query::{Update, Wheres, PostgresQueryBuilder};
    /// let mut q = Update::table("sessions");
    /// q.set("pod_ip", "10.0.0.7").where_eq("session_id", "s-1");
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"update "sessions" set "pod_ip" = $1 where "session_id" = $2"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn table(table: impl IntoName) -> Self {
        Update {
            with: With::default(),
            table: table_name(table.into_name(), None),
            only: false,
            sets: Vec::with_capacity(2),
            counters: Vec::new(),
            from: Vec::new(),
            wheres: Conditions::default(),
            returning: Vec::new(),
            timeout: None,
        }
    }

    /// `update only table`: not the tables inheriting from it.
    ///
    /// ```
    /// # use knexrs_query::{Update, Wheres, PostgresQueryBuilder};
    /// let mut q = Update::table("users");
    /// q.only().set("active", false);
    /// assert_eq!(q.build(PostgresQueryBuilder)?.0, r#"update only "users" set "active" = $1"#);
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn only(&mut self) -> &mut Self {
        self.only = true;
        self
    }

    /// `set column = value`; a value may be a subquery, a column or raw SQL.
    /// Setting a column again replaces the value, in its first place.
    ///
    /// ```
    /// # use knexrs_query::{raw, Update, Wheres, PostgresQueryBuilder};
    /// let mut q = Update::table("sessions");
    /// q.set("pod_ip", "10.0.0.7").set("updated_at", raw("now()")).where_eq("session_id", "s-1");
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"update "sessions" set "pod_ip" = $1, "updated_at" = now() where "session_id" = $2"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn set(&mut self, column: impl IntoName, value: impl IntoOperand) -> &mut Self {
        let column = column.into_name();
        let value = value.into_operand();
        match self.sets.iter_mut().find(|(c, _)| *c == column) {
            Some(slot) => slot.1 = value,
            None => self.sets.push((column, value)),
        }
        self
    }

    fn counter(&mut self, column: impl IntoName, sign: &'static str, by: impl IntoOperand) -> &mut Self {
        let column = column.into_name();
        let by = by.into_operand();
        match self.counters.iter_mut().find(|(c, _, _)| *c == column) {
            Some(slot) => *slot = (column, sign, by),
            None => self.counters.push((column, sign, by)),
        }
        self
    }

    /// `set column = column + by` (knex `increment`); a column also `set` keeps its set value.
    ///
    /// ```
    /// # use knexrs_query::{Update, Wheres, PostgresQueryBuilder};
    /// let mut q = Update::table("counters");
    /// q.increment("n", 1).where_eq("name", "visits");
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"update "counters" set "n" = "n" + $1 where "name" = $2"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn increment(&mut self, column: impl IntoName, by: impl IntoOperand) -> &mut Self {
        self.counter(column, "+", by)
    }

    /// `set column = column - by` (knex `decrement`).
    ///
    /// ```
    /// # use knexrs_query::{Update, Wheres, PostgresQueryBuilder};
    /// let mut q = Update::table("stock");
    /// q.decrement("quantity", 2).where_eq("sku", "A-1");
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"update "stock" set "quantity" = "quantity" - $1 where "sku" = $2"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn decrement(&mut self, column: impl IntoName, by: impl IntoOperand) -> &mut Self {
        self.counter(column, "-", by)
    }

    /// Drops the `increment` / `decrement` calls (knex `clearCounters`).
    ///
    /// ```
    /// # use knexrs_query::{raw, Update, PostgresQueryBuilder};
    /// let mut q = Update::table("stock");
    /// q.set("checked_at", raw("now()")).decrement("quantity", 2).clear_counters();
    /// assert_eq!(q.build(PostgresQueryBuilder)?.0, r#"update "stock" set "checked_at" = now()"#);
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn clear_counters(&mut self) -> &mut Self {
        self.counters.clear();
        self
    }

    /// `from source`: other tables the `where` may join against (knex `updateFrom`).
    ///
    /// ```
    /// # use knexrs_query::{col, Update, Wheres, PostgresQueryBuilder};
    /// let mut q = Update::table("sessions");
    /// q.set("pod_ip", col("pods.ip")).from("pods").where_column("pods.session_id", "=", "sessions.session_id");
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"update "sessions" set "pod_ip" = "pods"."ip" from "pods" where "pods"."session_id" = "sessions"."session_id""#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn from(&mut self, source: impl IntoSource) -> &mut Self {
        self.from.push(source.into_source());
        self
    }

    /// `returning columns…`: one column (`"id"`) or a list (`["id", "email"]`).
    ///
    /// ```
    /// # use knexrs_query::{Update, Wheres, PostgresQueryBuilder};
    /// let mut q = Update::table("sessions");
    /// q.set("pod_ip", "10.0.0.7").where_eq("session_id", "s-1").returning(["session_id", "pod_ip"]);
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"update "sessions" set "pod_ip" = $1 where "session_id" = $2 returning "session_id", "pod_ip""#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn returning(&mut self, columns: impl IntoNames) -> &mut Self {
        self.returning.extend(columns.into_names().map(crate::col));
        self
    }

    pub(crate) fn write_to<'a>(&'a self, w: &mut Writer<'a>) -> Result<(), QueryError> {
        self.wheres.check()?;
        let counters: Vec<_> =
            self.counters.iter().filter(|(c, _, _)| !self.sets.iter().any(|(s, _)| s == c)).collect();
        if self.sets.is_empty() && counters.is_empty() {
            return Err(crate::BuildError::EmptyUpdate.into());
        }
        self.with.write(w)?;
        w.push_str(if self.only { "update only " } else { "update " });
        w.table(&self.table);
        w.push_str(" set ");
        let mut first = true;
        for (column, value) in &self.sets {
            if !first {
                w.push_str(", ");
            }
            first = false;
            w.column(column);
            w.push_str(" = ");
            value.write(w)?;
        }
        for (column, sign, by) in counters {
            if !first {
                w.push_str(", ");
            }
            first = false;
            w.column(column);
            w.push_str(" = ");
            w.column(column);
            w.push_str(" ");
            w.push_str(sign);
            w.push_str(" ");
            by.write(w)?;
        }
        for (i, source) in self.from.iter().enumerate() {
            w.push_str(if i == 0 { " from " } else { ", " });
            // A throwaway select lays out the source as `from` would.
            Select::write_source_alone(source, w)?;
        }
        self.wheres.write_clause(w, " where ")?;
        write_returning(&self.returning, w)
    }
}

impl Wheres for Update {
    fn conditions_mut(&mut self) -> &mut Conditions {
        &mut self.wheres
    }
}

impl Ctes for Update {
    fn with_clause_mut(&mut self) -> &mut With {
        &mut self.with
    }
}
