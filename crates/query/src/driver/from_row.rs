//! Turning rows into Rust values.

use crate::QueryError;
use postgres_types::FromSql;
use tokio_postgres::Row;

/// A value made from one row: a generated table row struct, a tuple, the row
/// itself, or a struct of your own with `#[derive(FromRow)]`.
///
/// The derive reads each named field from the column of its name, each field
/// of a tuple struct from the column at its position. On the struct,
/// `#[knexrs(rename_all = "camelCase")]` (or `snake_case`, `PascalCase`,
/// `lowercase`, `UPPERCASE`, `SCREAMING_SNAKE_CASE`, `kebab-case`) names the
/// columns of knex-era tables; on a field, `rename = "column"`, `default`
/// (`Default::default()` when the select leaves the column out) and
/// `try_from = "Type"` (read as that type, then converted; a value that does
/// not convert is an error naming the column):
///
/// ```no_run
/// use knexrs_query::{Db, FromRow, QueryError, Wheres, table};
///
/// #[derive(Debug, FromRow)]
/// #[knexrs(rename_all = "camelCase")]
/// struct Session {
///     session_id: String, // the column "sessionId"
///     #[knexrs(rename = "pod_ip")]
///     ip: Option<String>,
///     #[knexrs(default)]
///     restarts: i32,
///     #[knexrs(try_from = "i64")]
///     bytes_sent: u64,
/// }
///
/// #[derive(FromRow)]
/// struct Count(i64);
///
/// fn live(db: &Db) -> Result<(Vec<Session>, Count), QueryError> {
///     let mut q = table("sessions");
///     q.where_not_null("pod_ip");
///     let sessions = db.fetch_all(&q)?;
///     let count = db.fetch_one(q.clone().count("*"))?;
///     Ok((sessions, count))
/// }
/// ```
///
/// A derive that cannot work is a compile error that says why:
///
/// ```compile_fail
/// #[derive(knexrs_query::FromRow)]
/// enum State { Pending, Running } // FromRow derives for structs only: a row has columns
/// ```
///
/// ```compile_fail
/// #[derive(knexrs_query::FromRow)]
/// #[knexrs(rename_all = "camelcase")] // rename_all takes one of: snake_case, camelCase, …
/// struct Session { session_id: String }
/// ```
///
/// By hand:
///
/// ```
/// use knexrs_query::{FromRow, QueryError};
///
/// struct Session { id: String, pod_ip: Option<String> }
///
/// impl FromRow for Session {
///     fn from_row(row: postgres::Row) -> Result<Self, QueryError> {
///         Ok(Session { id: knexrs_query::get(&row, "session_id")?, pod_ip: knexrs_query::get(&row, "pod_ip")? })
///     }
/// }
/// ```
pub trait FromRow: Sized {
    /// Decodes one row.
    ///
    /// ```
    /// # use knexrs_query::{get, FromRow, QueryError};
    /// struct Pair { jti: String, session_id: String }
    /// impl FromRow for Pair {
    ///     fn from_row(row: postgres::Row) -> Result<Self, QueryError> {
    ///         Ok(Pair { jti: get(&row, "jti")?, session_id: get(&row, "session_id")? })
    ///     }
    /// }
    /// # fn _use(db: &knexrs_query::Db) -> Result<Vec<Pair>, QueryError> { db.fetch_all(&knexrs_query::table("token_jti")) }
    /// ```
    fn from_row(row: Row) -> Result<Self, QueryError>;
}

impl FromRow for Row {
    fn from_row(row: Row) -> Result<Self, QueryError> {
        Ok(row)
    }
}

/// The column `name` of `row`, decoded; an error names the column.
///
/// ```
/// # use knexrs_query::{get, QueryError};
/// fn pod_ip(row: &postgres::Row) -> Result<Option<String>, QueryError> {
///     // A wrong type or a missing column is an error that names the column.
///     get(row, "pod_ip")
/// }
/// # let _ = pod_ip;
/// ```
pub fn get<'a, T: FromSql<'a>>(row: &'a Row, name: &str) -> Result<T, QueryError> {
    row.try_get(name).map_err(|e| QueryError::Decode { column: name.to_owned(), message: knexrs_connect::describe(&e) })
}

/// The column at `index` (a tuple's or tuple struct's field); an error names the column.
pub fn get_at<'a, T: FromSql<'a>>(row: &'a Row, index: usize) -> Result<T, QueryError> {
    row.try_get(index).map_err(|e| QueryError::Decode {
        column: row.columns().get(index).map_or_else(|| index.to_string(), |c| c.name().to_owned()),
        message: knexrs_connect::describe(&e),
    })
}

macro_rules! tuples {
    ($($name:ident : $index:tt),+) => {
        impl<$($name),+> FromRow for ($($name,)+)
        where
            $($name: for<'a> FromSql<'a>),+
        {
            fn from_row(row: Row) -> Result<Self, QueryError> {
                Ok(($(get_at::<$name>(&row, $index)?,)+))
            }
        }
    };
}

tuples!(A: 0);
tuples!(A: 0, B: 1);
tuples!(A: 0, B: 1, C: 2);
tuples!(A: 0, B: 1, C: 2, D: 3);
tuples!(A: 0, B: 1, C: 2, D: 3, E: 4);
tuples!(A: 0, B: 1, C: 2, D: 3, E: 4, F: 5);
tuples!(A: 0, B: 1, C: 2, D: 3, E: 4, F: 5, G: 6);
tuples!(A: 0, B: 1, C: 2, D: 3, E: 4, F: 5, G: 6, H: 7);
