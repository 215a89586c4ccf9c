//! The one error type of this crate, and why a statement cannot be built.

use thiserror::Error;

/// Why a statement could not be built: the clause at fault, and what to do.
///
/// ```
/// use knexrs_query::{BuildError, QueryError, Select, Wheres, PostgresQueryBuilder};
///
/// let mut q = Select::from("users");
/// q.where_op("age", "is about", 18);
/// let err = q.build(PostgresQueryBuilder).unwrap_err();
/// assert!(matches!(err, QueryError::Build(BuildError::UnknownOperator { ref operator }) if operator == "is about"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum BuildError {
    /// A `where`/`having`/`on` operator knexrs does not know.
    #[error("`{operator}` is not an operator knexrs knows: use =, <>, <, <=, >, >=, like, ilike, in, between, @>, ? …")]
    UnknownOperator {
        /// The operator given.
        operator: String,
    },
    /// `between` given other than two bounds.
    #[error("`between` needs two bounds: pass [low, high]")]
    BetweenBounds,
    /// A delete joined with anything but an inner join.
    #[error("a delete joins with `using`, an inner join; {kind} joins are not possible")]
    DeleteJoin {
        /// The join kind given.
        kind: String,
    },
    /// An insert without a table.
    #[error("insert names no table: use Insert::into(\"table\")")]
    InsertWithoutTable,
    /// Several rows, none of which sets a column.
    #[error("insert of {rows} rows sets no column: PostgreSQL inserts one row of defaults at a time")]
    DefaultRows {
        /// How many rows.
        rows: usize,
    },
    /// `merge()` on an insert without columns.
    #[error("merge() takes the inserted columns, but this insert has none: use merge_columns or merge_set")]
    MergeWithoutColumns,
    /// An update that sets nothing.
    #[error("update sets no column: call set(…) or increment(…)")]
    EmptyUpdate,
    /// A hint comment that would end the comment or hold a placeholder.
    #[error("hint comment `{hint}` contains `/*`, `*/` or `?`: a hint is plain text inside /*+ … */")]
    BadHint {
        /// The hint.
        hint: String,
    },
    /// A comment that would end the comment or hold a placeholder.
    #[error("comment `{comment}` contains `/*`, `*/` or `?`: a comment is plain text inside /* … */")]
    BadComment {
        /// The comment.
        comment: String,
    },
    /// Raw SQL with more placeholders than bindings.
    #[error("raw SQL `{sql}` has more {what} placeholders than bindings: give one binding per `?` and `??`")]
    MissingBinding {
        /// The raw SQL.
        sql: String,
        /// `?` (value) or `??` (identifier).
        what: &'static str,
    },
    /// Raw SQL with more bindings than placeholders.
    #[error("raw SQL `{sql}` has more bindings than placeholders: give one binding per `?` and `??`")]
    ExtraBinding {
        /// The raw SQL.
        sql: String,
    },
    /// Raw SQL naming a binding that was not given.
    #[error("raw SQL `{sql}` names `:{name}`, which has no binding: add (\"{name}\", value) to the bindings")]
    UnknownBinding {
        /// The raw SQL.
        sql: String,
        /// The binding's name.
        name: String,
    },
    /// An identifier placeholder bound to something that is not a name.
    #[error("raw SQL `{sql}`: an identifier placeholder takes a name, got {got}")]
    NotAnIdentifier {
        /// The raw SQL.
        sql: String,
        /// What was bound.
        got: String,
    },
    /// Two columns of a table map to one Rust name (`schema generate`).
    #[error("table {table}: two columns become the Rust name `{field}`: rename one of them")]
    FieldClash {
        /// The table.
        table: String,
        /// The Rust name.
        field: String,
    },
    /// A table or column named by the empty string.
    #[error("an empty {what} name: give every {what} a name")]
    EmptyName {
        /// What was named: `table` or `column`.
        what: &'static str,
    },
    /// Two tables map to one Rust module name (`schema generate`).
    #[error("tables {first} and {second} both become the Rust module `{module}`: rename one of them")]
    TableClash {
        /// The table met first.
        first: String,
        /// The other.
        second: String,
        /// The module name.
        module: String,
    },
    /// A [`Json`](crate::Json) value that serde cannot turn into JSON.
    #[error(
        "a {type_name} value does not serialize to JSON ({message}): fix its Serialize implementation or the value"
    )]
    JsonValue {
        /// The Rust type.
        type_name: &'static str,
        /// serde_json's reason.
        message: String,
    },
    /// Two enum types map to one Rust type name (`schema generate`).
    #[error("enum types {first} and {second} both become the Rust type `{rust_name}`: rename one of them")]
    EnumClash {
        /// The type met first.
        first: String,
        /// The other.
        second: String,
        /// The Rust name.
        rust_name: String,
    },
}

/// Why a query could not be built, or (with an executor feature) why a
/// connection, pool or statement failed.
///
/// PostgreSQL's SQLSTATE stays reachable through `code()` (with an executor feature), so
/// callers can match unique violations and friends:
///
/// ```
/// use knexrs_query::{QueryError, Update};
///
/// let err = Update::table("sessions").build(knexrs_query::PostgresQueryBuilder).unwrap_err();
/// assert!(matches!(err, QueryError::Build(knexrs_query::BuildError::EmptyUpdate)));
/// assert_eq!(err.to_string(), "update sets no column: call set(…) or increment(…)");
/// ```
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum QueryError {
    /// A query could not be built (an unknown operator, an update that sets nothing, …).
    #[error(transparent)]
    Build(#[from] BuildError),
    /// The connection pool could not be set up or handed out no connection.
    #[cfg(any(feature = "sync", feature = "async-conn"))]
    #[error("the connection pool of {target} failed: {message}")]
    Pool {
        /// Where the pool connects, password hidden.
        target: String,
        /// What happened.
        message: String,
    },
    /// The connection settings are invalid, or the server could not be reached.
    #[cfg(any(feature = "sync", feature = "async-conn"))]
    #[error(transparent)]
    Connect(#[from] knexrs_connect::ConnectError),
    /// No pooled connection became free in time.
    #[cfg(any(feature = "sync", feature = "async-conn"))]
    #[error(
        "no database connection became free within {waited_ms} ms ({target}, pool of {size}): raise DB_MAX_CONNECTIONS, or hold connections for less time"
    )]
    PoolTimeout {
        /// Where the pool connects, password hidden.
        target: String,
        /// The pool's size.
        size: u32,
        /// How long the caller waited, in milliseconds.
        waited_ms: u64,
    },
    /// The pool was closed ([`AsyncDb::close`](crate::AsyncDb::close), knex
    /// `destroy()`): it hands out no connection any more.
    #[cfg(feature = "async-conn")]
    #[error(
        "the connection pool of {target} is closed (AsyncDb::close was called): close a pool only when nothing will use it again, such as at shutdown"
    )]
    PoolClosed {
        /// Where the pool connected, password hidden.
        target: String,
    },
    /// A statement failed.
    #[cfg(any(feature = "sync", feature = "async-conn"))]
    #[error("{message}")]
    Database {
        /// What failed, with PostgreSQL's message, on one line.
        message: String,
        /// The driver's error.
        #[source]
        source: tokio_postgres::Error,
    },
    /// A transaction (or savepoint) could not commit: a statement inside it
    /// failed, PostgreSQL aborted it, and everything it did was rolled back,
    /// even though the closure returned `Ok`.
    #[cfg(any(feature = "sync", feature = "async-conn"))]
    #[error(
        "the transaction was rolled back, nothing of it was committed: {cause}; handle the error by returning it, or run the statement that may fail in a nested transaction (a savepoint)"
    )]
    RolledBack {
        /// The first error inside the transaction, on one line.
        cause: String,
        /// Its SQLSTATE, when PostgreSQL reported one.
        code: Option<tokio_postgres::error::SqlState>,
    },
    /// A statement has more bind parameters than PostgreSQL's protocol carries.
    #[cfg(any(feature = "sync", feature = "async-conn"))]
    #[error(
        "{statement} binds {count} values, more than PostgreSQL's limit of 65535 per statement: insert the rows in batches (e.g. 1,000 rows per insert), or bind a long list as one array with `where_any`"
    )]
    TooManyParameters {
        /// The statement, shortened.
        statement: String,
        /// How many values it binds.
        count: usize,
    },
    /// A row did not decode into the requested Rust type.
    #[cfg(any(feature = "sync", feature = "async-conn"))]
    #[error("cannot decode column `{column}`: {message}")]
    Decode {
        /// The column.
        column: String,
        /// Why.
        message: String,
    },
    /// A statement did not finish within its [`timeout`](crate::Select::timeout)
    /// and was cancelled on the server.
    #[cfg(any(feature = "sync", feature = "async-conn"))]
    #[error(
        "{statement} did not finish within {after:?} and was cancelled: raise its timeout, or make it cheaper (an index, a smaller batch)"
    )]
    Timeout {
        /// The statement, shortened.
        statement: String,
        /// Its timeout.
        after: std::time::Duration,
    },
    /// Transaction options (isolation, read-only) given to a savepoint.
    #[cfg(any(feature = "sync", feature = "async-conn"))]
    #[error(
        "an isolation level or read-only mode applies to a whole transaction, not to a savepoint inside one: pass the options where the outermost transaction begins"
    )]
    NestedTransactionOptions,
    /// A query that must return a row returned none.
    #[error("the query returned no rows where fetch_one needs one: use fetch_optional when no row is an answer")]
    NoRows,
}

#[cfg(any(feature = "sync", feature = "async-conn"))]
impl QueryError {
    /// PostgreSQL's SQLSTATE, when the server reported the error.
    ///
    /// ```no_run
    /// # use knexrs_query::{ConnectConfig, Db, Insert, QueryError};
    /// use tokio_postgres::error::SqlState;
    ///
    /// # let db = Db::connect(&ConnectConfig::from_url("postgres://postgres@localhost/app")?)?;
    /// let mut q = Insert::into("sessions");
    /// q.set("session_id", "s-1").set("job_name", "job-1");
    /// match db.execute(&q) {
    ///     Err(e) if e.code() == Some(&SqlState::UNIQUE_VIOLATION) => println!("job-1 has a session already"),
    ///     other => {
    ///         other?;
    ///     }
    /// }
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn code(&self) -> Option<&tokio_postgres::error::SqlState> {
        match self {
            QueryError::Connect(e) => e.code(),
            QueryError::Database { source, .. } => source.code(),
            QueryError::RolledBack { code, .. } => code.as_ref(),
            // The server cancelled it: the code a cancelled statement reports.
            QueryError::Timeout { .. } => Some(&tokio_postgres::error::SqlState::QUERY_CANCELED),
            _ => None,
        }
    }

    /// The driver error behind this one, if any.
    ///
    /// ```no_run
    /// # use knexrs_query::{ConnectConfig, Db, QueryError};
    /// # let db = Db::connect(&ConnectConfig::from_url("postgres://postgres@localhost/app")?)?;
    /// if let Err(e) = db.execute(&knexrs_query::raw("select 1/0")) {
    ///     let detail = e.postgres_error().and_then(|pg| pg.as_db_error()).map(|db| db.message().to_owned());
    ///     assert_eq!(detail.as_deref(), Some("division by zero"));
    /// }
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn postgres_error(&self) -> Option<&tokio_postgres::Error> {
        match self {
            QueryError::Connect(knexrs_connect::ConnectError::Connect { source, .. }) => Some(source),
            QueryError::Database { source, .. } => Some(source),
            _ => None,
        }
    }

    /// A statement error, described on one line.
    ///
    /// ```no_run
    /// # use knexrs_query::{ConnectConfig, Db, QueryError};
    /// # let db = Db::connect(&ConnectConfig::from_url("postgres://postgres@localhost/app")?)?;
    /// // For statements run on the driver directly, with the same one-line message.
    /// let mut conn = db.get()?;
    /// conn.client()
    ///     .batch_execute("vacuum analyze sessions")
    ///     .map_err(|e| QueryError::database("vacuuming sessions", e))?;
    /// # Ok::<(), QueryError>(())
    /// ```
    pub fn database(context: impl std::fmt::Display, source: tokio_postgres::Error) -> Self {
        QueryError::Database { message: format!("{context}: {}", knexrs_connect::describe(&source)), source }
    }
}
