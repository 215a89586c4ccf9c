//! knex's bookkeeping tables, and ours beside them.

use knexrs_schema::{MAX_IDENTIFIER_BYTES, SchemaBuilder, now};
use knexrs_sql::{quote_ident, quote_literal};

/// The longest checksum the side table's `checksum` column holds (a
/// checksum is 64 hex digits; the column is bounded so that the table needs
/// no TOAST table, see [`Tables::state_ddl`]).
pub(crate) const MAX_CHECKSUM_LEN: usize = 128;

/// Where the bookkeeping lives: knex's `knex_migrations` and
/// `knex_migrations_lock` (names and schema configurable, as in a knexfile),
/// plus `<table>_knexrs`, which holds checksums and unfinished
/// non-transactional runs so that knex's own tables stay exactly as knex expects.
///
/// ```
/// use knexrs_migrate::Tables;
///
/// let tables = Tables::default();
/// assert_eq!(tables.migrations(), "knex_migrations");
/// assert_eq!(tables.lock(), "knex_migrations_lock");
/// assert_eq!(tables.qualified_migrations(), r#""knex_migrations""#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tables {
    schema: Option<String>,
    migrations: String,
}

impl Default for Tables {
    fn default() -> Self {
        Tables { schema: None, migrations: "knex_migrations".to_owned() }
    }
}

impl Tables {
    /// Bookkeeping in `table` (and `table_lock`, `table_knexrs`), in `schema`
    /// or the search path's first schema.
    ///
    /// ```
    /// use knexrs_migrate::Tables;
    ///
    /// let tables = Tables::new("migrations", Some("ops".into()))?;
    /// assert_eq!(tables.qualified_migrations(), r#""ops"."migrations""#);
    /// assert!(Tables::new("", None).is_err());
    /// assert!(Tables::new("x".repeat(60), None).is_err()); // `…_knexrs` would pass 63 bytes
    /// # Ok::<(), knexrs_migrate::MigrateError>(())
    /// ```
    pub fn new(table: impl Into<String>, schema: Option<String>) -> Result<Self, crate::MigrateError> {
        let tables = Tables { schema, migrations: table.into() };
        let longest = tables.state();
        if tables.migrations.is_empty() || longest.len() > MAX_IDENTIFIER_BYTES {
            return Err(crate::MigrateError::InvalidTableName {
                table: tables.migrations,
                max: MAX_IDENTIFIER_BYTES - "_knexrs".len(),
            });
        }
        Ok(tables)
    }

    /// The schema, when one is configured.
    ///
    /// ```
    /// use knexrs_migrate::Tables;
    ///
    /// assert_eq!(Tables::default().schema(), None);
    /// assert_eq!(Tables::new("knex_migrations", Some("ops".into()))?.schema(), Some("ops"));
    /// # Ok::<(), knexrs_migrate::MigrateError>(())
    /// ```
    pub fn schema(&self) -> Option<&str> {
        self.schema.as_deref()
    }

    /// `knex_migrations`.
    ///
    /// ```
    /// use knexrs_migrate::Tables;
    ///
    /// assert_eq!(Tables::new("migrations", None)?.migrations(), "migrations");
    /// # Ok::<(), knexrs_migrate::MigrateError>(())
    /// ```
    pub fn migrations(&self) -> &str {
        &self.migrations
    }

    /// `knex_migrations_lock`.
    ///
    /// ```
    /// use knexrs_migrate::Tables;
    ///
    /// assert_eq!(Tables::new("migrations", None)?.lock(), "migrations_lock");
    /// # Ok::<(), knexrs_migrate::MigrateError>(())
    /// ```
    pub fn lock(&self) -> String {
        format!("{}_lock", self.migrations)
    }

    /// `knex_migrations_knexrs`: checksums and unfinished runs.
    ///
    /// ```
    /// use knexrs_migrate::Tables;
    ///
    /// assert_eq!(Tables::default().state(), "knex_migrations_knexrs");
    /// ```
    pub fn state(&self) -> String {
        format!("{}_knexrs", self.migrations)
    }

    fn qualify(&self, table: &str) -> String {
        match &self.schema {
            Some(schema) => format!("{}.{}", quote_ident(schema), quote_ident(table)),
            None => quote_ident(table),
        }
    }

    /// The quoted, schema-qualified migrations table.
    ///
    /// ```
    /// use knexrs_migrate::Tables;
    ///
    /// assert_eq!(Tables::new("knex_migrations", Some("ops".into()))?.qualified_migrations(), r#""ops"."knex_migrations""#);
    /// # Ok::<(), knexrs_migrate::MigrateError>(())
    /// ```
    pub fn qualified_migrations(&self) -> String {
        self.qualify(&self.migrations)
    }

    /// The quoted, schema-qualified lock table.
    ///
    /// ```
    /// use knexrs_migrate::Tables;
    ///
    /// assert_eq!(Tables::default().qualified_lock(), r#""knex_migrations_lock""#);
    /// ```
    pub fn qualified_lock(&self) -> String {
        self.qualify(&self.lock())
    }

    /// The quoted, schema-qualified state table.
    ///
    /// ```
    /// use knexrs_migrate::Tables;
    ///
    /// assert_eq!(Tables::default().qualified_state(), r#""knex_migrations_knexrs""#);
    /// ```
    pub fn qualified_state(&self) -> String {
        self.qualify(&self.state())
    }

    /// The key of the advisory lock every run of this bookkeeping takes, as
    /// a SQL expression the server evaluates: a hash of the bookkeeping
    /// table's schema and name. Without a schema set, the schema is the one
    /// the table's unqualified name resolves to, or else the one it would be
    /// created in (the first of `search_path`): tenants kept as schemas of
    /// one database, each reached with its own `search_path`, lock apart.
    ///
    /// ```
    /// use knexrs_migrate::Tables;
    ///
    /// // Stable across processes and runs, distinct per bookkeeping table.
    /// assert_eq!(Tables::default().advisory_key_sql(), Tables::default().advisory_key_sql());
    /// assert_ne!(Tables::default().advisory_key_sql(), Tables::new("other_migrations", None)?.advisory_key_sql());
    /// assert_eq!(
    ///     Tables::new("knex_migrations", Some("ops".into()))?.advisory_key_sql(),
    ///     "pg_catalog.hashtextextended('knexrs:ops:knex_migrations', 0)",
    /// );
    /// # Ok::<(), knexrs_migrate::MigrateError>(())
    /// ```
    pub fn advisory_key_sql(&self) -> String {
        // `hashtextextended` is stable across versions and platforms (hash
        // partitioning depends on it), so every runner computes the same key.
        let key = match &self.schema {
            Some(schema) => quote_literal(&format!("knexrs:{schema}:{}", self.migrations)),
            None => format!(
                "'knexrs:' || coalesce((select n.nspname::text from pg_catalog.pg_class c \
                 join pg_catalog.pg_namespace n on n.oid = c.relnamespace where c.oid = pg_catalog.to_regclass({})), \
                 pg_catalog.current_schema()::text, '') || {}",
                quote_literal(&self.qualified_migrations()),
                quote_literal(&format!(":{}", self.migrations))
            ),
        };
        format!("pg_catalog.hashtextextended({key}, 0)")
    }

    /// knex's two tables, with knex's DDL (as its table-creator builds them).
    ///
    /// ```
    /// use knexrs_migrate::Tables;
    /// use knexrs_schema::PostgresQueryBuilder;
    ///
    /// let ddl = Tables::default().knex_ddl().build(PostgresQueryBuilder)?;
    /// assert_eq!(ddl, [
    ///     r#"CREATE TABLE "knex_migrations" ( "id" serial PRIMARY KEY, "name" varchar(255), "batch" integer, "migration_time" timestamptz )"#,
    ///     r#"CREATE TABLE "knex_migrations_lock" ( "index" serial PRIMARY KEY, "is_locked" integer )"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn knex_ddl(&self) -> SchemaBuilder {
        let mut schema = self.builder();
        schema.create_table(self.migrations(), |t| {
            t.increments("id");
            t.string("name");
            t.integer("batch");
            t.timestamp("migration_time");
        });
        schema.create_table(self.lock(), |t| {
            t.increments("index").primary();
            t.integer("is_locked");
        });
        schema
    }

    /// Our side table.
    ///
    /// ```
    /// use knexrs_migrate::Tables;
    /// use knexrs_schema::PostgresQueryBuilder;
    ///
    /// let ddl = Tables::default().state_ddl().build(PostgresQueryBuilder)?;
    /// assert_eq!(ddl, [concat!(
    ///     r#"CREATE TABLE "knex_migrations_knexrs" ( "name" varchar(255), "checksum" varchar(128), "#,
    ///     r#""state" varchar(32) NOT NULL, "#,
    ///     r#""updated_at" timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP, "#,
    ///     r#"CONSTRAINT "knex_migrations_knexrs_pkey" PRIMARY KEY ("name") )"#,
    /// )]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn state_ddl(&self) -> SchemaBuilder {
        let mut schema = self.builder();
        schema.create_table(self.state(), |t| {
            t.string("name").primary();
            // Bounded widths keep the widest row under PostgreSQL's TOAST
            // threshold, so no TOAST table (and index) is built with it: a
            // fresh database, where every run of a fleet starts, creates it.
            // A checksum is 64 hex digits; the states are short words.
            t.string_len("checksum", MAX_CHECKSUM_LEN as u32);
            t.string_len("state", 32).not_nullable();
            t.timestamp("updated_at").not_nullable().default_to(now());
        });
        schema
    }

    fn builder(&self) -> SchemaBuilder {
        let mut schema = SchemaBuilder::new();
        if let Some(name) = &self.schema {
            schema.with_schema(name.clone());
        }
        schema
    }
}
