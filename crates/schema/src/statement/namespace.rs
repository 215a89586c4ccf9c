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
    pub fn new(name: impl Into<String>) -> Self {
        CreateSchema { name: name.into(), if_not_exists: false }
    }

    /// No error when the schema exists.
    pub fn if_not_exists(&mut self) -> &mut Self {
        self.if_not_exists = true;
        self
    }

    /// The SQL statement.
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
    pub fn new(name: impl Into<String>) -> Self {
        DropSchema { name: name.into(), if_exists: false, cascade: false }
    }

    /// No error when the schema does not exist.
    pub fn if_exists(&mut self) -> &mut Self {
        self.if_exists = true;
        self
    }

    /// Also drops everything in the schema.
    pub fn cascade(&mut self) -> &mut Self {
        self.cascade = true;
        self
    }

    /// The SQL statement.
    pub fn build(&self, _: PostgresQueryBuilder) -> Result<Vec<String>, SchemaError> {
        check_identifier("schema", &self.name)?;
        let if_exists = if self.if_exists { "if exists " } else { "" };
        let cascade = if self.cascade { " cascade" } else { "" };
        Ok(vec![format!("drop schema {if_exists}{}{cascade}", quote(&self.name))])
    }
}
