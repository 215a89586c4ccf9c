use crate::SchemaError;
use crate::naming::check_identifier;
use crate::sql::quote;
use sea_query::PostgresQueryBuilder;

/// `create schema [if not exists]` (knex `createSchema`). sea-query has no
/// schema statements, so this one renders itself.
///
/// ```
/// use knexrs_schema::{CreateSchema, PostgresQueryBuilder};
///
/// let mut create = CreateSchema::new("app");
/// create.if_not_exists();
/// assert_eq!(create.build(PostgresQueryBuilder).unwrap(), [r#"create schema if not exists "app""#]);
/// ```
#[derive(Debug, Clone)]
pub struct CreateSchema {
    name: String,
    if_not_exists: bool,
}

impl CreateSchema {
    /// Creates the schema `name`.
    ///
    /// ```
    /// # use knexrs_schema::{CreateSchema, PostgresQueryBuilder};
    /// assert_eq!(CreateSchema::new("audit").build(PostgresQueryBuilder)?, [r#"create schema "audit""#]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn new(name: impl Into<String>) -> Self {
        CreateSchema { name: name.into(), if_not_exists: false }
    }

    /// No error when the schema exists.
    ///
    /// ```
    /// # use knexrs_schema::{CreateSchema, PostgresQueryBuilder};
    /// let mut create = CreateSchema::new("audit");
    /// create.if_not_exists();
    /// assert_eq!(create.build(PostgresQueryBuilder)?, [r#"create schema if not exists "audit""#]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn if_not_exists(&mut self) -> &mut Self {
        self.if_not_exists = true;
        self
    }

    /// The SQL statement.
    ///
    /// ```
    /// # use knexrs_schema::{CreateSchema, PostgresQueryBuilder, SchemaError};
    /// let too_long = "s".repeat(64);
    /// let err = CreateSchema::new(too_long).build(PostgresQueryBuilder).unwrap_err();
    /// assert!(matches!(err, SchemaError::IdentifierTooLong { len: 64, .. }));
    /// ```
    pub fn build(&self, _: PostgresQueryBuilder) -> Result<Vec<String>, SchemaError> {
        check_identifier("schema", &self.name)?;
        let if_not_exists = if self.if_not_exists { "if not exists " } else { "" };
        Ok(vec![format!("create schema {if_not_exists}{}", quote(&self.name))])
    }
}

/// `drop schema [if exists] … [cascade]` (knex `dropSchema` / `dropSchemaIfExists`).
///
/// ```
/// use knexrs_schema::{DropSchema, PostgresQueryBuilder};
///
/// let mut drop = DropSchema::new("schema_2");
/// drop.if_exists().cascade();
/// assert_eq!(drop.build(PostgresQueryBuilder).unwrap(), [r#"drop schema if exists "schema_2" cascade"#]);
/// ```
#[derive(Debug, Clone)]
pub struct DropSchema {
    name: String,
    if_exists: bool,
    cascade: bool,
}

impl DropSchema {
    /// Drops the schema `name`.
    ///
    /// ```
    /// # use knexrs_schema::{DropSchema, PostgresQueryBuilder};
    /// assert_eq!(DropSchema::new("audit").build(PostgresQueryBuilder)?, [r#"drop schema "audit""#]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn new(name: impl Into<String>) -> Self {
        DropSchema { name: name.into(), if_exists: false, cascade: false }
    }

    /// No error when the schema does not exist.
    ///
    /// ```
    /// # use knexrs_schema::{DropSchema, PostgresQueryBuilder};
    /// let mut drop = DropSchema::new("audit");
    /// drop.if_exists();
    /// assert_eq!(drop.build(PostgresQueryBuilder)?, [r#"drop schema if exists "audit""#]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn if_exists(&mut self) -> &mut Self {
        self.if_exists = true;
        self
    }

    /// Also drops everything in the schema.
    ///
    /// ```
    /// # use knexrs_schema::{DropSchema, PostgresQueryBuilder};
    /// let mut drop = DropSchema::new("audit");
    /// drop.if_exists().cascade();
    /// assert_eq!(drop.build(PostgresQueryBuilder)?, [r#"drop schema if exists "audit" cascade"#]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn cascade(&mut self) -> &mut Self {
        self.cascade = true;
        self
    }

    /// The SQL statement.
    ///
    /// ```
    /// # use knexrs_schema::{DropSchema, PostgresQueryBuilder, SchemaError};
    /// let err = DropSchema::new("").build(PostgresQueryBuilder).unwrap_err();
    /// assert!(matches!(err, SchemaError::EmptyIdentifier { .. }));
    /// ```
    pub fn build(&self, _: PostgresQueryBuilder) -> Result<Vec<String>, SchemaError> {
        check_identifier("schema", &self.name)?;
        Ok(vec![crate::sql::drop_sql("schema", self.if_exists, &quote(&self.name), self.cascade)])
    }
}
