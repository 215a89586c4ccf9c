use crate::SchemaError;
use knexrs_sql::InlineSql;
use sea_query::PostgresQueryBuilder;
use std::sync::Arc;

/// A data statement built with the query builder (`update`, `insert …
/// select`, `delete`), recorded in a migration in order with its DDL and run
/// in the same transaction; its values are written inline, escaped, so a dry
/// run prints exactly what runs.
///
/// ```
/// use knexrs_schema::{DataSql, PostgresQueryBuilder};
///
/// struct Backfill;
/// impl knexrs_sql::InlineSql for Backfill {
///     type Error = std::convert::Infallible;
///     fn inline_sql(&self) -> Result<String, Self::Error> {
///         Ok(r#"update "users" set "active" = true"#.to_owned())
///     }
/// }
/// assert_eq!(DataSql::new(&Backfill).build(PostgresQueryBuilder)?, [r#"update "users" set "active" = true"#]);
/// # Ok::<(), knexrs_schema::SchemaError>(())
/// ```
#[derive(Debug, Clone)]
pub struct DataSql {
    sql: Result<String, Arc<dyn std::error::Error + Send + Sync>>,
}

impl DataSql {
    /// Renders `statement` now; a statement that cannot render is an error
    /// of the migration's `build`.
    ///
    /// ```
    /// # struct Noop;
    /// # impl knexrs_sql::InlineSql for Noop { type Error = std::convert::Infallible; fn inline_sql(&self) -> Result<String, Self::Error> { Ok("select 1".into()) } }
    /// let data = knexrs_schema::DataSql::new(&Noop);
    /// # let _ = data;
    /// ```
    pub fn new(statement: &impl InlineSql) -> Self {
        let sql = statement.inline_sql().map_err(|e| Arc::new(e) as Arc<dyn std::error::Error + Send + Sync>);
        DataSql { sql }
    }

    /// The statement.
    ///
    /// ```
    /// # struct Noop;
    /// # impl knexrs_sql::InlineSql for Noop { type Error = std::convert::Infallible; fn inline_sql(&self) -> Result<String, Self::Error> { Ok("select 1".into()) } }
    /// # use knexrs_schema::PostgresQueryBuilder;
    /// assert_eq!(knexrs_schema::DataSql::new(&Noop).build(PostgresQueryBuilder)?, ["select 1"]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn build(&self, _: PostgresQueryBuilder) -> Result<Vec<String>, SchemaError> {
        match &self.sql {
            Ok(sql) => Ok(vec![sql.clone()]),
            Err(source) => Err(SchemaError::DataStatement { source: source.clone() }),
        }
    }
}
