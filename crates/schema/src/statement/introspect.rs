use crate::SchemaError;
use postgres::GenericClient;
use sea_query::{PostgresQueryBuilder, Values};

/// Whether a table exists (knex `hasTable`), as knex queries it.
///
/// ```
/// use knexrs_schema::{HasTable, PostgresQueryBuilder};
///
/// let (sql, values) = HasTable::new("users").build(PostgresQueryBuilder);
/// assert_eq!(sql, "select * from information_schema.tables where table_name = $1 and table_schema = current_schema()");
/// assert_eq!(values.0.len(), 1);
/// ```
#[derive(Debug, Clone)]
pub struct HasTable {
    schema: Option<String>,
    table: String,
}

impl HasTable {
    /// Asks whether `table` exists in the current schema.
    ///
    /// ```
    /// # use knexrs_schema::{HasTable, PostgresQueryBuilder};
    /// let (sql, _) = HasTable::new("sessions").build(PostgresQueryBuilder);
    /// assert_eq!(sql, "select * from information_schema.tables where table_name = $1 and table_schema = current_schema()");
    /// ```
    pub fn new(table: impl Into<String>) -> Self {
        HasTable { schema: None, table: table.into() }
    }

    /// Asks in `schema` instead of the current one.
    ///
    /// ```
    /// # use knexrs_schema::{HasTable, PostgresQueryBuilder};
    /// let (sql, values) = HasTable::new("sessions").with_schema("app").build(PostgresQueryBuilder);
    /// assert_eq!(sql, "select * from information_schema.tables where table_name = $1 and table_schema = $2");
    /// assert_eq!(values.0.len(), 2);
    /// ```
    pub fn with_schema(&mut self, schema: impl Into<String>) -> &mut Self {
        self.schema = Some(schema.into());
        self
    }

    /// The query and its bound values.
    ///
    /// ```
    /// # use knexrs_schema::{HasTable, PostgresQueryBuilder};
    /// let (_, values) = HasTable::new("sessions").build(PostgresQueryBuilder);
    /// assert_eq!(values.0, vec![sea_query::Value::from("sessions")]);
    /// ```
    pub fn build(&self, _: PostgresQueryBuilder) -> (String, Values) {
        introspection_query("tables", &self.table, None, self.schema.as_deref())
    }

    /// Runs the query.
    ///
    /// ```no_run
    /// # use knexrs_schema::HasTable;
    /// let mut client = postgres::Client::connect("postgres://postgres@localhost/app", postgres::NoTls)?;
    /// if !HasTable::new("sessions").exists(&mut client)? {
    ///     eprintln!("run the migrations first: cargo xtask migrate latest");
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn exists(&self, client: &mut impl GenericClient) -> Result<bool, SchemaError> {
        run(client, self.build(PostgresQueryBuilder), &format!("has_table({})", self.table))
    }
}

/// Whether a column exists (knex `hasColumn`), as knex queries it.
///
/// ```
/// use knexrs_schema::{HasColumn, PostgresQueryBuilder};
///
/// let (sql, _) = HasColumn::new("users", "email").build(PostgresQueryBuilder);
/// assert!(sql.starts_with("select * from information_schema.columns where table_name = $1 and column_name = $2"));
/// ```
#[derive(Debug, Clone)]
pub struct HasColumn {
    schema: Option<String>,
    table: String,
    column: String,
}

impl HasColumn {
    /// Asks whether `table` has `column`, in the current schema.
    ///
    /// ```
    /// # use knexrs_schema::{HasColumn, PostgresQueryBuilder};
    /// let (sql, _) = HasColumn::new("sessions", "pod_ip").build(PostgresQueryBuilder);
    /// assert_eq!(sql, "select * from information_schema.columns where table_name = $1 and column_name = $2 and table_schema = current_schema()");
    /// ```
    pub fn new(table: impl Into<String>, column: impl Into<String>) -> Self {
        HasColumn { schema: None, table: table.into(), column: column.into() }
    }

    /// Asks in `schema` instead of the current one.
    ///
    /// ```
    /// # use knexrs_schema::{HasColumn, PostgresQueryBuilder};
    /// let (sql, _) = HasColumn::new("sessions", "pod_ip").with_schema("app").build(PostgresQueryBuilder);
    /// assert_eq!(sql, "select * from information_schema.columns where table_name = $1 and column_name = $2 and table_schema = $3");
    /// ```
    pub fn with_schema(&mut self, schema: impl Into<String>) -> &mut Self {
        self.schema = Some(schema.into());
        self
    }

    /// The query and its bound values.
    ///
    /// ```
    /// # use knexrs_schema::{HasColumn, PostgresQueryBuilder};
    /// let (_, values) = HasColumn::new("sessions", "pod_ip").build(PostgresQueryBuilder);
    /// assert_eq!(values.0, vec![sea_query::Value::from("sessions"), sea_query::Value::from("pod_ip")]);
    /// ```
    pub fn build(&self, _: PostgresQueryBuilder) -> (String, Values) {
        introspection_query("columns", &self.table, Some(&self.column), self.schema.as_deref())
    }

    /// Runs the query.
    ///
    /// ```no_run
    /// # use knexrs_schema::HasColumn;
    /// let mut client = postgres::Client::connect("postgres://postgres@localhost/app", postgres::NoTls)?;
    /// let has_pod_ip = HasColumn::new("sessions", "pod_ip").exists(&mut client)?;
    /// println!("sessions.pod_ip exists: {has_pod_ip}");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn exists(&self, client: &mut impl GenericClient) -> Result<bool, SchemaError> {
        run(client, self.build(PostgresQueryBuilder), &format!("has_column({}, {})", self.table, self.column))
    }
}

/// knex's fixed introspection queries on `information_schema`.
fn introspection_query(view: &str, table: &str, column: Option<&str>, schema: Option<&str>) -> (String, Values) {
    let mut sql = format!("select * from information_schema.{view} where table_name = $1");
    let mut values = vec![table.into()];
    if let Some(column) = column {
        sql.push_str(" and column_name = $2");
        values.push(column.into());
    }
    match schema {
        Some(schema) => {
            sql.push_str(&format!(" and table_schema = ${}", values.len() + 1));
            values.push(schema.into());
        }
        None => sql.push_str(" and table_schema = current_schema()"),
    }
    (sql, Values(values))
}

fn run(client: &mut impl GenericClient, (sql, values): (String, Values), context: &str) -> Result<bool, SchemaError> {
    let params =
        sea_query_postgres::PostgresValues(values.0.into_iter().map(sea_query_postgres::PostgresValue).collect());
    let rows = client
        .query(&sql, &params.as_params())
        .map_err(|source| SchemaError::Database { context: context.to_owned(), source })?;
    Ok(!rows.is_empty())
}
