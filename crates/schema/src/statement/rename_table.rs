use crate::SchemaError;
use crate::naming::check_identifier;
use crate::sql::{iden, table_ref};
use sea_query::PostgresQueryBuilder;

/// `alter table … rename to …` (knex `renameTable`), rendered by sea-query.
///
/// ```
/// use knexrs_schema::{RenameTable, PostgresQueryBuilder};
///
/// let rename = RenameTable::new("users", "foo");
/// assert_eq!(rename.build(PostgresQueryBuilder).unwrap(), [r#"ALTER TABLE "users" RENAME TO "foo""#]);
/// ```
#[derive(Debug, Clone)]
pub struct RenameTable {
    schema: Option<String>,
    from: String,
    to: String,
}

impl RenameTable {
    /// Renames `from` to `to`.
    ///
    /// ```
    /// # use knexrs_schema::{RenameTable, PostgresQueryBuilder};
    /// assert_eq!(RenameTable::new("sessions", "user_sessions").build(PostgresQueryBuilder)?, [
    ///     r#"ALTER TABLE "sessions" RENAME TO "user_sessions""#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn new(from: impl Into<String>, to: impl Into<String>) -> Self {
        RenameTable { schema: None, from: from.into(), to: to.into() }
    }

    /// The table's schema; the table stays in it.
    ///
    /// ```
    /// # use knexrs_schema::{RenameTable, PostgresQueryBuilder};
    /// let mut rename = RenameTable::new("sessions", "user_sessions");
    /// rename.with_schema("app");
    /// assert_eq!(rename.build(PostgresQueryBuilder)?, [
    ///     r#"ALTER TABLE "app"."sessions" RENAME TO "user_sessions""#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn with_schema(&mut self, schema: impl Into<String>) -> &mut Self {
        self.schema = Some(schema.into());
        self
    }

    /// The SQL statement.
    ///
    /// ```
    /// # use knexrs_schema::{RenameTable, PostgresQueryBuilder};
    /// assert!(RenameTable::new("sessions", "x".repeat(64)).build(PostgresQueryBuilder).is_err());
    /// ```
    pub fn build(&self, _: PostgresQueryBuilder) -> Result<Vec<String>, SchemaError> {
        check_identifier("table", &self.from)?;
        check_identifier("table", &self.to)?;
        // The new name is never qualified: PostgreSQL renames within the schema.
        let stmt =
            sea_query::Table::rename().table(table_ref(self.schema.as_deref(), &self.from), iden(&self.to)).to_owned();
        Ok(vec![stmt.to_string(PostgresQueryBuilder)])
    }
}
