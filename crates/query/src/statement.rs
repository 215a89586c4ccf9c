//! Rendering: every statement builds to SQL with `$n` placeholders and its
//! values, or to SQL with the values inlined (knex `toQuery`, for logs).

use crate::render::Writer;
use crate::{Delete, Insert, QueryError, Raw, Select, Truncate, Update};
use sea_query::{PostgresQueryBuilder, Value, Values};
use std::borrow::Cow;

pub(crate) mod sealed {
    pub trait Sealed {}
}

/// A statement the executor can run: it renders to SQL and bound values.
///
/// ```
/// use knexrs_query::{Statement, table, PostgresQueryBuilder};
///
/// fn log(statement: &impl Statement) -> String {
///     statement.to_string(PostgresQueryBuilder).unwrap()
/// }
/// let mut q = table("users");
/// knexrs_query::Wheres::where_eq(&mut q, "name", "O'Brien");
/// assert_eq!(log(&q), r#"select * from "users" where "name" = 'O''Brien'"#);
/// ```
pub trait Statement: sealed::Sealed {
    /// SQL with `$1`, `$2`, … and the values to bind.
    ///
    /// ```
    /// use knexrs_query::{Statement, table, Wheres, PostgresQueryBuilder};
    ///
    /// let mut q = table("users");
    /// q.where_eq("name", "O'Brien");
    /// let (sql, values) = Statement::build(&q, PostgresQueryBuilder)?;
    /// assert_eq!(sql, r#"select * from "users" where "name" = $1"#);
    /// assert_eq!(values.0, vec!["O'Brien".into()]);
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    fn build(&self, builder: PostgresQueryBuilder) -> Result<(String, Values), QueryError>;

    /// SQL with the values written inline, escaped (for logs and dry runs, not execution).
    ///
    /// ```
    /// use knexrs_query::{Statement, table, Wheres, PostgresQueryBuilder};
    ///
    /// let mut q = table("users");
    /// q.where_eq("name", "O'Brien");
    /// assert_eq!(
    ///     Statement::to_string(&q, PostgresQueryBuilder)?,
    ///     r#"select * from "users" where "name" = 'O''Brien'"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    fn to_string(&self, builder: PostgresQueryBuilder) -> Result<String, QueryError>;

    /// SQL and the values borrowed from the statement, for the executor.
    #[doc(hidden)]
    fn render(&self) -> Result<Rendered<'_>, QueryError>;
}

/// A statement rendered for execution: its SQL, and its values borrowed where
/// they live in the statement (running a statement copies no value).
#[doc(hidden)]
#[derive(Debug)]
#[cfg_attr(not(any(feature = "sync", feature = "async-conn")), allow(dead_code, reason = "read by the executors"))]
pub struct Rendered<'a> {
    pub(crate) sql: String,
    pub(crate) values: Vec<Cow<'a, Value>>,
    /// It returns at most one row (a select ending in `limit 1`): the blocking
    /// executor reads its reply in one go instead of row by row.
    #[cfg_attr(not(feature = "sync"), allow(dead_code, reason = "read by the blocking executor alone"))]
    pub(crate) one_row: bool,
    /// Given up (and cancelled on the server) after this long.
    pub(crate) timeout: Option<std::time::Duration>,
}

macro_rules! statements {
    ($($ty:ty => |$s:ident, $w:ident| $write:expr, one_row: $one_row:expr;)*) => {$(
        impl sealed::Sealed for $ty {}

        impl $ty {
            /// SQL with `$1`, `$2`, … and the values to bind.
            ///
            /// ```
            /// use knexrs_query::{Insert, PostgresQueryBuilder};
            ///
            /// let mut q = Insert::into("token_jti");
            /// q.set("jti", "j-1").set("session_id", "s-1");
            /// let (sql, values) = q.build(PostgresQueryBuilder)?;
            /// assert_eq!(sql, r#"insert into "token_jti" ("jti", "session_id") values ($1, $2)"#);
            /// assert_eq!(values.0.len(), 2);
            /// # Ok::<(), knexrs_query::QueryError>(())
            /// ```
            pub fn build(&self, _: PostgresQueryBuilder) -> Result<(String, Values), QueryError> {
                let mut $w = Writer::new(false);
                let $s = self;
                $write?;
                $w.check()?;
                Ok($w.into_parts())
            }

            /// SQL with the values written inline, escaped (knex `toQuery`; for logs, not execution).
            ///
            /// ```
            /// use knexrs_query::{Insert, PostgresQueryBuilder};
            ///
            /// let mut q = Insert::into("token_jti");
            /// q.set("jti", "j-1").set("session_id", "s-1");
            /// assert_eq!(
            ///     q.to_string(PostgresQueryBuilder)?,
            ///     r#"insert into "token_jti" ("jti", "session_id") values ('j-1', 's-1')"#
            /// );
            /// # Ok::<(), knexrs_query::QueryError>(())
            /// ```
            pub fn to_string(&self, _: PostgresQueryBuilder) -> Result<String, QueryError> {
                let mut $w = Writer::new(true);
                let $s = self;
                $write?;
                $w.check()?;
                Ok($w.into_sql())
            }

            /// Gives up on the statement when it has not finished after
            /// `after`, and cancels it on the server (knex `.timeout(ms, {
            /// cancel: true })`): the call returns `QueryError::Timeout`, and
            /// a transaction it ran in is rolled back (PostgreSQL aborts it).
            /// Both executors; for rows taken one by one, the time until the
            /// last row, the caller's own work between rows included.
            ///
            /// ```
            /// use knexrs_query::{Insert, Statement};
            /// use std::time::Duration;
            ///
            /// let mut q = Insert::into("audit_log");
            /// q.set("event", "login").timeout(Duration::from_secs(2));
            /// # Ok::<(), knexrs_query::QueryError>(())
            /// ```
            pub fn timeout(&mut self, after: std::time::Duration) -> &mut Self {
                self.timeout = Some(after);
                self
            }
        }

        /// Recorded in a migration beside its DDL (`SchemaBuilder::query`), values inline.
        impl knexrs_sql::InlineSql for $ty {
            type Error = QueryError;

            fn inline_sql(&self) -> Result<String, QueryError> {
                <$ty>::to_string(self, PostgresQueryBuilder)
            }
        }

        impl Statement for $ty {
            fn build(&self, builder: PostgresQueryBuilder) -> Result<(String, Values), QueryError> {
                <$ty>::build(self, builder)
            }

            fn to_string(&self, builder: PostgresQueryBuilder) -> Result<String, QueryError> {
                <$ty>::to_string(self, builder)
            }

            fn render(&self) -> Result<Rendered<'_>, QueryError> {
                let mut $w = Writer::new(false);
                let $s = self;
                $write?;
                $w.check()?;
                let (sql, values) = $w.into_borrowed_parts();
                Ok(Rendered { sql, values, one_row: $one_row, timeout: self.timeout })
            }
        }
    )*};
}

statements! {
    Select => |s, w| s.write_to(&mut w), one_row: s.at_most_one_row();
    Insert => |s, w| s.write_to(&mut w), one_row: false;
    Update => |s, w| s.write_to(&mut w), one_row: false;
    Delete => |s, w| s.write_to(&mut w), one_row: false;
    Truncate => |s, w| s.write_to(&mut w), one_row: false;
    Raw => |s, w| s.write(&mut w), one_row: false;
}
