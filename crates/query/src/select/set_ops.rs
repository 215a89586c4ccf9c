//! `union`, `union all`, `intersect` and `except`, written where knex writes
//! them: after `where`, before `group by`, `order by` and `limit`.

use super::Select;
use crate::Raw;

#[derive(Debug, Clone)]
pub(super) struct SetOperation {
    pub(super) keyword: &'static str,
    pub(super) wrap: bool,
    pub(super) query: SetQuery,
}

#[derive(Debug, Clone)]
pub(super) enum SetQuery {
    Select(Box<Select>),
    Raw(Raw),
}

macro_rules! set_operations {
    ($($keyword:literal, $knex:literal => $plain:ident, $wrapped:ident, $raw:ident;)*) => {$(
        #[doc = concat!("`… ", $keyword, " query` (knex `", $knex, "`).")]
        ///
        /// ```
        /// # use knexrs_query::{Select, PostgresQueryBuilder};
        /// let mut q = Select::from("admins");
        #[doc = concat!("q.", stringify!($plain), "(Select::from(\"owners\"));")]
        #[doc = concat!("assert_eq!(q.build(PostgresQueryBuilder)?.0, r#\"select * from \"admins\" ", $keyword, " select * from \"owners\"\"#);")]
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        pub fn $plain(&mut self, query: Select) -> &mut Self {
            self.push_set_operation($keyword, false, SetQuery::Select(Box::new(query)))
        }

        #[doc = concat!("`(…) ", $keyword, " (query)`: both sides in parentheses (knex `", $knex, "(query, true)`).")]
        ///
        /// ```
        /// # use knexrs_query::{Select, PostgresQueryBuilder};
        /// let mut q = Select::from("admins");
        #[doc = concat!("q.", stringify!($wrapped), "(Select::from(\"owners\"));")]
        #[doc = concat!("assert_eq!(q.build(PostgresQueryBuilder)?.0, r#\"(select * from \"admins\") ", $keyword, " (select * from \"owners\")\"#);")]
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        pub fn $wrapped(&mut self, query: Select) -> &mut Self {
            self.push_set_operation($keyword, true, SetQuery::Select(Box::new(query)))
        }

        #[doc = concat!("`… ", $keyword, " <raw SQL>`.")]
        ///
        /// ```
        /// # use knexrs_query::{raw, Select, PostgresQueryBuilder};
        /// let mut q = Select::from("admins");
        #[doc = concat!("q.", stringify!($raw), "(raw(\"select * from owners\"));")]
        #[doc = concat!("assert_eq!(q.build(PostgresQueryBuilder)?.0, r#\"select * from \"admins\" ", $keyword, " select * from owners\"#);")]
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        pub fn $raw(&mut self, sql: Raw) -> &mut Self {
            self.push_set_operation($keyword, false, SetQuery::Raw(sql))
        }
    )*};
}

impl Select {
    fn push_set_operation(&mut self, keyword: &'static str, wrap: bool, query: SetQuery) -> &mut Self {
        self.set_operations.push(SetOperation { keyword, wrap, query });
        self
    }

    set_operations! {
        "union", "union" => union, union_wrapped, union_raw;
        "union all", "unionAll" => union_all, union_all_wrapped, union_all_raw;
        "intersect", "intersect" => intersect, intersect_wrapped, intersect_raw;
        "except", "except" => except, except_wrapped, except_raw;
    }

    /// Only set operations: `knex.union([...])` with no table or columns.
    pub(super) fn only_set_operations(&self) -> bool {
        self.from.is_none() && !self.set_operations.is_empty()
    }
}

fn combine(keyword: &'static str, queries: impl IntoIterator<Item = Select>, wrap: bool) -> Select {
    let mut select = Select::new();
    for query in queries {
        select.push_set_operation(keyword, wrap, SetQuery::Select(Box::new(query)));
    }
    select
}

/// A `union all` of queries with no table of its own (knex `knex.unionAll([...])`).
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
    combine("union all", queries, wrap)
}

/// The same as [`union_all`] with `union` (duplicates removed).
///
/// ```
/// # use knexrs_query::{union, Select, PostgresQueryBuilder};
/// let q = union([Select::from("admins"), Select::from("owners")], false);
/// assert_eq!(q.build(PostgresQueryBuilder)?.0, r#"select * from "admins" union select * from "owners""#);
/// # Ok::<(), knexrs_query::QueryError>(())
/// ```
pub fn union(queries: impl IntoIterator<Item = Select>, wrap: bool) -> Select {
    combine("union", queries, wrap)
}

/// The same as [`union_all`] with `intersect` (rows every query returns).
///
/// ```
/// # use knexrs_query::{intersect, Select, PostgresQueryBuilder};
/// let q = intersect([Select::from("admins"), Select::from("owners")], true);
/// assert_eq!(
///     q.build(PostgresQueryBuilder)?.0,
///     r#"(select * from "admins") intersect (select * from "owners")"#
/// );
/// # Ok::<(), knexrs_query::QueryError>(())
/// ```
pub fn intersect(queries: impl IntoIterator<Item = Select>, wrap: bool) -> Select {
    combine("intersect", queries, wrap)
}

/// The same as [`union_all`] with `except` (rows of the first query the others do not return).
///
/// ```
/// # use knexrs_query::{except, Select, PostgresQueryBuilder};
/// let q = except([Select::from("users"), Select::from("banned_users")], false);
/// assert_eq!(
///     q.build(PostgresQueryBuilder)?.0,
///     r#"select * from "users" except select * from "banned_users""#
/// );
/// # Ok::<(), knexrs_query::QueryError>(())
/// ```
pub fn except(queries: impl IntoIterator<Item = Select>, wrap: bool) -> Select {
    combine("except", queries, wrap)
}
