//! The one error type of this crate.

use thiserror::Error;

/// Why a schema statement could not be rendered or run.
///
/// Rendering errors are found before anything reaches the database, so a
/// migration that fails to render changes nothing.
///
/// ```
/// use knexrs_schema::{PostgresQueryBuilder, SchemaBuilder, SchemaError};
///
/// let mut schema = SchemaBuilder::new();
/// schema.create_table("empty", |_| {});
/// let err = schema.build(PostgresQueryBuilder).unwrap_err();
/// assert!(matches!(err, SchemaError::EmptyTable { .. }));
/// ```
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum SchemaError {
    /// The schema uses a feature the server's version lacks.
    #[error("{feature} needs PostgreSQL {needs} or later, and the server is PostgreSQL {server}: {advice}")]
    NeedsVersion {
        /// The DSL method.
        feature: &'static str,
        /// The first major version that has it.
        needs: u32,
        /// The server's version.
        server: String,
        /// What to do instead.
        advice: &'static str,
    },
    /// The schema does something the server's version is known to get wrong.
    #[error("{what} is refused on PostgreSQL {server}: {reason}")]
    UnsafeOnVersion {
        /// What is refused.
        what: &'static str,
        /// The server's version.
        server: String,
        /// Why, and what to do.
        reason: &'static str,
    },
    /// An identifier is longer than PostgreSQL's 63-byte limit.
    #[error(
        "{what} `{name}` is {len} bytes long; PostgreSQL truncates identifiers to 63 bytes, so pick a shorter name"
    )]
    IdentifierTooLong {
        /// What the identifier names (table, column, index, ...).
        what: &'static str,
        /// The identifier as given.
        name: String,
        /// Its length in bytes.
        len: usize,
    },
    /// A data statement (`SchemaBuilder::query`) could not be rendered.
    #[error("a data statement does not render: {source}")]
    DataStatement {
        /// The query builder's error.
        #[source]
        source: std::sync::Arc<dyn std::error::Error + Send + Sync>,
    },
    /// A builder holding a run-time step was rendered as SQL.
    #[error(
        "step `{name}` runs Rust code: only the migration runner can run it (render the statements around it separately)"
    )]
    RuntimeStep {
        /// The step's name.
        name: String,
    },
    /// An identifier is empty.
    #[error("empty {what} name: give the {what} a name")]
    EmptyIdentifier {
        /// What the identifier names.
        what: &'static str,
    },
    /// `create_table` was called without any column.
    #[error("table `{table}` has no columns: add at least one column to create_table(\"{table}\", ...)")]
    EmptyTable {
        /// The table name.
        table: String,
    },
    /// A decimal column whose scale exceeds its precision.
    #[error(
        "decimal column `{column}` has scale {scale} greater than precision {precision}: use a scale between 0 and {precision}"
    )]
    InvalidDecimal {
        /// The column name.
        column: String,
        /// The precision given.
        precision: u32,
        /// The scale given.
        scale: u32,
    },
    /// A column modifier that does not apply to the column's type or state.
    #[error("column `{column}`: {problem}")]
    InvalidColumn {
        /// The column name.
        column: String,
        /// What is wrong and what to do instead.
        problem: String,
    },
    /// A statement that PostgreSQL cannot express.
    #[error("{0}")]
    Unsupported(String),
    /// A statement run against the database (such as `has_table`) failed.
    #[error("{context}: {source}")]
    Database {
        /// What was being run.
        context: String,
        /// The driver's error; `source.code()` gives PostgreSQL's SQLSTATE.
        #[source]
        source: postgres::Error,
    },
}

impl SchemaError {
    /// PostgreSQL's SQLSTATE code, when the error came from the server.
    ///
    /// ```no_run
    /// use knexrs_schema::{SchemaBuilder, SchemaError};
    /// use postgres::error::SqlState;
    ///
    /// let mut client = postgres::Client::connect("postgres://postgres@localhost/app", postgres::NoTls)?;
    /// let mut schema = SchemaBuilder::new();
    /// schema.create_table("sessions", |t| {
    ///     t.text("session_id").primary();
    /// });
    /// match schema.execute(&mut client) {
    ///     Err(e) if e.code() == Some(&SqlState::DUPLICATE_TABLE) => println!("sessions exists already"),
    ///     other => other?,
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn code(&self) -> Option<&postgres::error::SqlState> {
        match self {
            SchemaError::Database { source, .. } => source.code(),
            _ => None,
        }
    }
}
