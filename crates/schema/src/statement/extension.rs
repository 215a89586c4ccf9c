use crate::SchemaError;
use crate::naming::check_identifier;
use crate::sql::quote;
use sea_query::PostgresQueryBuilder;
use sea_query::extension::postgres::Extension;

/// `create extension [if not exists]` (knex `createExtension`), rendered by sea-query.
///
/// ```
/// use knexrs_schema::{CreateExtension, PostgresQueryBuilder};
///
/// let mut create = CreateExtension::new("uuid-ossp");
/// create.if_not_exists();
/// assert_eq!(create.build(PostgresQueryBuilder).unwrap(), [
///     r#"CREATE EXTENSION IF NOT EXISTS "uuid-ossp""#,
/// ]);
/// ```
#[derive(Debug, Clone)]
pub struct CreateExtension {
    name: String,
    schema: Option<String>,
    if_not_exists: bool,
    cascade: bool,
}

impl CreateExtension {
    /// Creates the extension `name`.
    ///
    /// ```
    /// # use knexrs_schema::{CreateExtension, PostgresQueryBuilder};
    /// assert_eq!(CreateExtension::new("pgcrypto").build(PostgresQueryBuilder)?, [
    ///     r#"CREATE EXTENSION "pgcrypto""#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn new(name: impl Into<String>) -> Self {
        CreateExtension { name: name.into(), schema: None, if_not_exists: false, cascade: false }
    }

    /// Installs the extension's objects in `schema`.
    ///
    /// ```
    /// # use knexrs_schema::{CreateExtension, PostgresQueryBuilder};
    /// let mut create = CreateExtension::new("pgcrypto");
    /// create.with_schema("extensions");
    /// assert_eq!(create.build(PostgresQueryBuilder)?, [
    ///     r#"CREATE EXTENSION "pgcrypto" WITH SCHEMA "extensions""#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn with_schema(&mut self, schema: impl Into<String>) -> &mut Self {
        self.schema = Some(schema.into());
        self
    }

    /// No error when the extension exists.
    ///
    /// ```
    /// # use knexrs_schema::{CreateExtension, PostgresQueryBuilder};
    /// let mut create = CreateExtension::new("uuid-ossp");
    /// create.if_not_exists();
    /// assert_eq!(create.build(PostgresQueryBuilder)?, [r#"CREATE EXTENSION IF NOT EXISTS "uuid-ossp""#]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn if_not_exists(&mut self) -> &mut Self {
        self.if_not_exists = true;
        self
    }

    /// Also installs the extensions it needs.
    ///
    /// ```
    /// # use knexrs_schema::{CreateExtension, PostgresQueryBuilder};
    /// let mut create = CreateExtension::new("earthdistance");
    /// create.if_not_exists().cascade();
    /// assert_eq!(create.build(PostgresQueryBuilder)?, [
    ///     r#"CREATE EXTENSION IF NOT EXISTS "earthdistance" CASCADE"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn cascade(&mut self) -> &mut Self {
        self.cascade = true;
        self
    }

    /// The SQL statement.
    ///
    /// ```
    /// # use knexrs_schema::{CreateExtension, PostgresQueryBuilder};
    /// assert!(CreateExtension::new("").build(PostgresQueryBuilder).is_err());
    /// ```
    pub fn build(&self, _: PostgresQueryBuilder) -> Result<Vec<String>, SchemaError> {
        check_identifier("extension", &self.name)?;
        // sea-query writes extension and schema names as given; we hand it quoted ones.
        let mut stmt = Extension::create();
        stmt.name(quote(&self.name));
        if let Some(schema) = &self.schema {
            check_identifier("schema", schema)?;
            stmt.schema(quote(schema));
        }
        if self.if_not_exists {
            stmt.if_not_exists();
        }
        if self.cascade {
            stmt.cascade();
        }
        Ok(vec![stmt.to_string(PostgresQueryBuilder)])
    }
}

/// `drop extension [if exists]` (knex `dropExtension`), rendered by sea-query.
///
/// ```
/// use knexrs_schema::{DropExtension, PostgresQueryBuilder};
///
/// let mut drop = DropExtension::new("uuid-ossp");
/// drop.if_exists();
/// assert_eq!(drop.build(PostgresQueryBuilder).unwrap(), [r#"DROP EXTENSION IF EXISTS "uuid-ossp""#]);
/// ```
#[derive(Debug, Clone)]
pub struct DropExtension {
    name: String,
    if_exists: bool,
    cascade: bool,
}

impl DropExtension {
    /// Drops the extension `name`.
    ///
    /// ```
    /// # use knexrs_schema::{DropExtension, PostgresQueryBuilder};
    /// assert_eq!(DropExtension::new("pgcrypto").build(PostgresQueryBuilder)?, [
    ///     r#"DROP EXTENSION "pgcrypto""#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn new(name: impl Into<String>) -> Self {
        DropExtension { name: name.into(), if_exists: false, cascade: false }
    }

    /// No error when the extension is not installed.
    ///
    /// ```
    /// # use knexrs_schema::{DropExtension, PostgresQueryBuilder};
    /// let mut drop = DropExtension::new("pgcrypto");
    /// drop.if_exists();
    /// assert_eq!(drop.build(PostgresQueryBuilder)?, [r#"DROP EXTENSION IF EXISTS "pgcrypto""#]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn if_exists(&mut self) -> &mut Self {
        self.if_exists = true;
        self
    }

    /// Also drops what depends on the extension.
    ///
    /// ```
    /// # use knexrs_schema::{DropExtension, PostgresQueryBuilder};
    /// let mut drop = DropExtension::new("cube");
    /// drop.cascade();
    /// assert_eq!(drop.build(PostgresQueryBuilder)?, [r#"DROP EXTENSION "cube" CASCADE"#]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn cascade(&mut self) -> &mut Self {
        self.cascade = true;
        self
    }

    /// The SQL statement.
    ///
    /// ```
    /// # use knexrs_schema::{DropExtension, PostgresQueryBuilder};
    /// assert!(DropExtension::new("").build(PostgresQueryBuilder).is_err());
    /// ```
    pub fn build(&self, _: PostgresQueryBuilder) -> Result<Vec<String>, SchemaError> {
        check_identifier("extension", &self.name)?;
        let mut stmt = Extension::drop();
        stmt.name(quote(&self.name));
        if self.if_exists {
            stmt.if_exists();
        }
        if self.cascade {
            stmt.cascade();
        }
        Ok(vec![stmt.to_string(PostgresQueryBuilder)])
    }
}
