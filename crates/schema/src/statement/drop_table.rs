use crate::SchemaError;
use crate::naming::check_identifier;
use crate::sql::table_ref;
use sea_query::PostgresQueryBuilder;

/// `drop table [if exists] … [cascade]` (knex `dropTable` / `dropTableIfExists`),
/// rendered by sea-query.
///
/// ```
/// use knexrs_schema::{DropTable, PostgresQueryBuilder};
///
/// let mut drop = DropTable::new("users");
/// drop.with_schema("myschema").if_exists();
/// assert_eq!(drop.build(PostgresQueryBuilder).unwrap(), [r#"DROP TABLE IF EXISTS "myschema"."users""#]);
/// ```
#[derive(Debug, Clone)]
pub struct DropTable {
    schema: Option<String>,
    name: String,
    if_exists: bool,
    cascade: bool,
}

impl DropTable {
    /// Drops the table `name`.
    ///
    /// ```
    /// # use knexrs_schema::{DropTable, PostgresQueryBuilder};
    /// assert_eq!(DropTable::new("sessions").build(PostgresQueryBuilder)?, [r#"DROP TABLE "sessions""#]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn new(name: impl Into<String>) -> Self {
        DropTable { schema: None, name: name.into(), if_exists: false, cascade: false }
    }

    /// The table's schema (knex `withSchema`).
    ///
    /// ```
    /// # use knexrs_schema::{DropTable, PostgresQueryBuilder};
    /// let mut drop = DropTable::new("sessions");
    /// drop.with_schema("app");
    /// assert_eq!(drop.build(PostgresQueryBuilder)?, [r#"DROP TABLE "app"."sessions""#]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn with_schema(&mut self, schema: impl Into<String>) -> &mut Self {
        self.schema = Some(schema.into());
        self
    }

    /// No error when the table does not exist.
    ///
    /// ```
    /// # use knexrs_schema::{DropTable, PostgresQueryBuilder};
    /// let mut drop = DropTable::new("sessions");
    /// drop.if_exists();
    /// assert_eq!(drop.build(PostgresQueryBuilder)?, [r#"DROP TABLE IF EXISTS "sessions""#]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn if_exists(&mut self) -> &mut Self {
        self.if_exists = true;
        self
    }

    /// Also drops what depends on the table (views, foreign keys).
    ///
    /// ```
    /// # use knexrs_schema::{DropTable, PostgresQueryBuilder};
    /// let mut drop = DropTable::new("sessions");
    /// drop.cascade();
    /// assert_eq!(drop.build(PostgresQueryBuilder)?, [r#"DROP TABLE "sessions" CASCADE"#]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn cascade(&mut self) -> &mut Self {
        self.cascade = true;
        self
    }

    /// The SQL statement.
    ///
    /// ```
    /// # use knexrs_schema::{DropTable, PostgresQueryBuilder};
    /// assert!(DropTable::new("").build(PostgresQueryBuilder).is_err());
    /// ```
    pub fn build(&self, _: PostgresQueryBuilder) -> Result<Vec<String>, SchemaError> {
        check_identifier("table", &self.name)?;
        if let Some(schema) = &self.schema {
            check_identifier("schema", schema)?;
        }
        let mut stmt = sea_query::Table::drop();
        stmt.table(table_ref(self.schema.as_deref(), &self.name));
        if self.if_exists {
            stmt.if_exists();
        }
        if self.cascade {
            stmt.cascade();
        }
        Ok(vec![stmt.to_string(PostgresQueryBuilder)])
    }
}
