use crate::SchemaError;
use sea_query::PostgresQueryBuilder;

/// SQL written as given (knex `schema.raw`).
///
/// Statements PostgreSQL refuses inside a transaction (`create index
/// concurrently`, `vacuum`, …) are recognised, so the migration that holds them
/// runs outside one; [`no_transaction`](Self::no_transaction) marks others.
///
/// ```
/// use knexrs_schema::RawSql;
///
/// assert!(RawSql::new("CREATE INDEX CONCURRENTLY i ON t (c)").needs_no_transaction());
/// assert!(!RawSql::new(r#"CREATE EXTENSION IF NOT EXISTS "uuid-ossp""#).needs_no_transaction());
/// ```
#[derive(Debug, Clone)]
pub struct RawSql {
    sql: String,
    no_transaction: bool,
}

impl RawSql {
    /// Raw SQL; it may hold several statements separated by `;`.
    ///
    /// ```
    /// # use knexrs_schema::{RawSql, PostgresQueryBuilder};
    /// let raw = RawSql::new("SET LOCAL lock_timeout = '5s'");
    /// assert_eq!(raw.build(PostgresQueryBuilder)?, ["SET LOCAL lock_timeout = '5s'"]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn new(sql: impl Into<String>) -> Self {
        RawSql { sql: sql.into(), no_transaction: false }
    }

    /// Marks the SQL as one PostgreSQL refuses to run inside a transaction.
    ///
    /// ```
    /// # use knexrs_schema::RawSql;
    /// let mut raw = RawSql::new("VACUUM ANALYZE sessions");
    /// raw.no_transaction();
    /// assert!(raw.needs_no_transaction());
    /// ```
    pub fn no_transaction(&mut self) -> &mut Self {
        self.no_transaction = true;
        self
    }

    /// Whether the SQL must run outside a transaction.
    ///
    /// ```
    /// # use knexrs_schema::RawSql;
    /// assert!(!RawSql::new("select 1").needs_no_transaction());
    /// ```
    pub fn needs_no_transaction(&self) -> bool {
        self.no_transaction || refuses_transaction(&self.sql)
    }

    /// The SQL as written.
    ///
    /// ```
    /// assert_eq!(knexrs_schema::RawSql::new("select 1").sql(), "select 1");
    /// ```
    pub fn sql(&self) -> &str {
        &self.sql
    }

    /// The SQL, unchanged.
    ///
    /// ```
    /// # use knexrs_schema::{RawSql, PostgresQueryBuilder};
    /// assert_eq!(RawSql::new("select 1").build(PostgresQueryBuilder)?.len(), 1);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn build(&self, _: PostgresQueryBuilder) -> Result<Vec<String>, SchemaError> {
        if self.sql.trim().is_empty() {
            return Err(SchemaError::Unsupported("raw SQL is empty: give the statement to run".into()));
        }
        Ok(vec![self.sql.clone()])
    }
}

/// Statements PostgreSQL rejects with "cannot run inside a transaction block",
/// in any statement of the text.
fn refuses_transaction(sql: &str) -> bool {
    match knexrs_sql::split_statements(sql) {
        Ok(statements) => statements.iter().any(|s| knexrs_sql::refuses_transaction(s.text)),
        // Incomplete SQL is reported when the migration is planned; judge what is there.
        Err(_) => knexrs_sql::refuses_transaction(sql),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_that_refuse_a_transaction_are_recognised_in_any_statement_of_the_text() {
        assert!(refuses_transaction("select 1; create index concurrently i on t (c)"));
        assert!(!refuses_transaction("select 'vacuum'; -- vacuum\nselect 2"));
    }
}
