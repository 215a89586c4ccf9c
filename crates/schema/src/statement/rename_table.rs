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
    pub fn new(from: impl Into<String>, to: impl Into<String>) -> Self {
        RenameTable { schema: None, from: from.into(), to: to.into() }
    }

    /// The table's schema; the table stays in it.
    pub fn with_schema(&mut self, schema: impl Into<String>) -> &mut Self {
        self.schema = Some(schema.into());
        self
    }

    /// The SQL statement.
    pub fn build(&self, _: PostgresQueryBuilder) -> Result<Vec<String>, SchemaError> {
        check_identifier("table", &self.from)?;
        check_identifier("table", &self.to)?;
        // The new name is never qualified: PostgreSQL renames within the schema.
        let stmt =
            sea_query::Table::rename().table(table_ref(self.schema.as_deref(), &self.from), iden(&self.to)).to_owned();
        Ok(vec![stmt.to_string(PostgresQueryBuilder)])
    }
}
