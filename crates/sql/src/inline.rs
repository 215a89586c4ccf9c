//! What the schema DSL needs of a statement built elsewhere (the query
//! builder's `update`, `insert … select`, `delete`) to record it in a
//! migration beside DDL: its SQL with the values written inline.

/// A statement that renders to SQL with its values inline, escaped.
///
/// The query builder's statements implement it, so a migration records
/// `s.query(&update)` in order with its DDL.
///
/// ```
/// use knexrs_sql::InlineSql;
///
/// struct Vacuum;
/// impl InlineSql for Vacuum {
///     type Error = std::convert::Infallible;
///     fn inline_sql(&self) -> Result<String, Self::Error> {
///         Ok("vacuum".to_owned())
///     }
/// }
/// assert_eq!(Vacuum.inline_sql().unwrap(), "vacuum");
/// ```
pub trait InlineSql {
    /// Why it cannot render.
    type Error: std::error::Error + Send + Sync + 'static;

    /// The SQL, values inline.
    fn inline_sql(&self) -> Result<String, Self::Error>;
}
