use crate::SchemaError;
use crate::naming::check_identifier;
use crate::sql::{iden, type_ref};
use sea_query::PostgresQueryBuilder;
use sea_query::extension::postgres::Type;

/// `alter type … add value` for native enums, which knex cannot do; rendered by sea-query.
///
/// ```
/// use knexrs_schema::{AlterEnumType, PostgresQueryBuilder};
///
/// let mut alter = AlterEnumType::add_value("mood", "meh");
/// alter.after("ok").if_not_exists();
/// assert_eq!(
///     alter.build(PostgresQueryBuilder).unwrap(),
///     [r#"ALTER TYPE "mood" ADD VALUE IF NOT EXISTS 'meh' AFTER 'ok'"#]
/// );
/// ```
#[derive(Debug, Clone)]
pub struct AlterEnumType {
    schema: Option<String>,
    name: String,
    value: String,
    before: Option<String>,
    after: Option<String>,
    if_not_exists: bool,
}

impl AlterEnumType {
    /// Adds `value` to the enum type `name`, at the end unless placed.
    ///
    /// ```
    /// # use knexrs_schema::{AlterEnumType, PostgresQueryBuilder};
    /// let add = AlterEnumType::add_value("session_status", "paused");
    /// assert_eq!(add.build(PostgresQueryBuilder)?, [r#"ALTER TYPE "session_status" ADD VALUE 'paused'"#]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn add_value(name: impl Into<String>, value: impl Into<String>) -> Self {
        AlterEnumType {
            schema: None,
            name: name.into(),
            value: value.into(),
            before: None,
            after: None,
            if_not_exists: false,
        }
    }

    /// The type's schema.
    ///
    /// ```
    /// # use knexrs_schema::{AlterEnumType, PostgresQueryBuilder};
    /// let mut add = AlterEnumType::add_value("session_status", "paused");
    /// add.with_schema("app");
    /// assert_eq!(add.build(PostgresQueryBuilder)?, [
    ///     r#"ALTER TYPE "app"."session_status" ADD VALUE 'paused'"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn with_schema(&mut self, schema: impl Into<String>) -> &mut Self {
        self.schema = Some(schema.into());
        self
    }

    /// Places the new value before an existing one.
    ///
    /// ```
    /// # use knexrs_schema::{AlterEnumType, PostgresQueryBuilder};
    /// let mut add = AlterEnumType::add_value("session_status", "paused");
    /// add.before("stopped");
    /// assert_eq!(add.build(PostgresQueryBuilder)?, [
    ///     r#"ALTER TYPE "session_status" ADD VALUE 'paused' BEFORE 'stopped'"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn before(&mut self, value: impl Into<String>) -> &mut Self {
        self.before = Some(value.into());
        self
    }

    /// Places the new value after an existing one.
    ///
    /// ```
    /// # use knexrs_schema::{AlterEnumType, PostgresQueryBuilder};
    /// let mut add = AlterEnumType::add_value("session_status", "paused");
    /// add.after("running");
    /// assert_eq!(add.build(PostgresQueryBuilder)?, [
    ///     r#"ALTER TYPE "session_status" ADD VALUE 'paused' AFTER 'running'"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn after(&mut self, value: impl Into<String>) -> &mut Self {
        self.after = Some(value.into());
        self
    }

    /// No error when the value exists.
    ///
    /// ```
    /// # use knexrs_schema::{AlterEnumType, PostgresQueryBuilder};
    /// let mut add = AlterEnumType::add_value("session_status", "paused");
    /// add.if_not_exists();
    /// assert_eq!(add.build(PostgresQueryBuilder)?, [
    ///     r#"ALTER TYPE "session_status" ADD VALUE IF NOT EXISTS 'paused'"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn if_not_exists(&mut self) -> &mut Self {
        self.if_not_exists = true;
        self
    }

    /// The SQL statement.
    ///
    /// ```
    /// # use knexrs_schema::{AlterEnumType, PostgresQueryBuilder};
    /// let mut add = AlterEnumType::add_value("session_status", "it's");
    /// assert_eq!(add.build(PostgresQueryBuilder)?, [r#"ALTER TYPE "session_status" ADD VALUE E'it\'s'"#]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn build(&self, _: PostgresQueryBuilder) -> Result<Vec<String>, SchemaError> {
        check_identifier("enum type", &self.name)?;
        if self.before.is_some() && self.after.is_some() {
            return Err(SchemaError::Unsupported(format!(
                "enum value `{}` can go before or after another value, not both",
                self.value
            )));
        }
        let mut alter = Type::alter().name(type_ref(self.schema.as_deref(), &self.name)).add_value(iden(&self.value));
        if let Some(before) = &self.before {
            alter = alter.before(iden(before));
        }
        if let Some(after) = &self.after {
            alter = alter.after(iden(after));
        }
        if self.if_not_exists {
            alter = alter.if_not_exists();
        }
        Ok(vec![alter.to_string(PostgresQueryBuilder)])
    }
}

/// `drop type [if exists] … [cascade]`, rendered by sea-query.
///
/// ```
/// use knexrs_schema::{DropType, PostgresQueryBuilder};
///
/// let mut drop = DropType::new("mood");
/// drop.if_exists();
/// assert_eq!(drop.build(PostgresQueryBuilder).unwrap(), [r#"DROP TYPE IF EXISTS "mood""#]);
/// ```
#[derive(Debug, Clone)]
pub struct DropType {
    schema: Option<String>,
    name: String,
    if_exists: bool,
    cascade: bool,
}

impl DropType {
    /// Drops the type `name`.
    ///
    /// ```
    /// # use knexrs_schema::{DropType, PostgresQueryBuilder};
    /// assert_eq!(DropType::new("session_status").build(PostgresQueryBuilder)?, [
    ///     r#"DROP TYPE "session_status""#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn new(name: impl Into<String>) -> Self {
        DropType { schema: None, name: name.into(), if_exists: false, cascade: false }
    }

    /// The type's schema.
    ///
    /// ```
    /// # use knexrs_schema::{DropType, PostgresQueryBuilder};
    /// let mut drop = DropType::new("session_status");
    /// drop.with_schema("app");
    /// assert_eq!(drop.build(PostgresQueryBuilder)?, [r#"DROP TYPE "app"."session_status""#]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn with_schema(&mut self, schema: impl Into<String>) -> &mut Self {
        self.schema = Some(schema.into());
        self
    }

    /// No error when the type does not exist.
    ///
    /// ```
    /// # use knexrs_schema::{DropType, PostgresQueryBuilder};
    /// let mut drop = DropType::new("session_status");
    /// drop.if_exists();
    /// assert_eq!(drop.build(PostgresQueryBuilder)?, [r#"DROP TYPE IF EXISTS "session_status""#]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn if_exists(&mut self) -> &mut Self {
        self.if_exists = true;
        self
    }

    /// Also drops the columns and objects that use the type.
    ///
    /// ```
    /// # use knexrs_schema::{DropType, PostgresQueryBuilder};
    /// let mut drop = DropType::new("session_status");
    /// drop.if_exists().cascade();
    /// assert_eq!(drop.build(PostgresQueryBuilder)?, [r#"DROP TYPE IF EXISTS "session_status" CASCADE"#]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn cascade(&mut self) -> &mut Self {
        self.cascade = true;
        self
    }

    /// The SQL statement.
    ///
    /// ```
    /// # use knexrs_schema::{DropType, PostgresQueryBuilder};
    /// assert!(DropType::new("").build(PostgresQueryBuilder).is_err());
    /// ```
    pub fn build(&self, _: PostgresQueryBuilder) -> Result<Vec<String>, SchemaError> {
        check_identifier("type", &self.name)?;
        let mut drop = Type::drop();
        drop.name(type_ref(self.schema.as_deref(), &self.name));
        if self.if_exists {
            drop.if_exists();
        }
        if self.cascade {
            drop.cascade();
        }
        Ok(vec![drop.to_string(PostgresQueryBuilder)])
    }
}
