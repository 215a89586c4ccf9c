//! Run-time steps: Rust code a migration runs at its place among its
//! statements, on the migration's own connection and inside its transaction
//! (knex: `await knex('users').select(…)` inside `up`). Recorded by
//! [`MigrationSteps`] into the schema builder; run by `execute.rs`.

use crate::backfill::Backfill;
use knexrs_query::{AsyncConn, AsyncExecutor, QueryError, Value, Values, raw};
use knexrs_schema::{HasColumn, HasTable, PostgresQueryBuilder, RuntimeStep, SchemaBuilder, ServerVersion};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use tokio_postgres::types::ToSql;

/// What a step's code returns on failure: any error (a [`QueryError`]
/// converts with `?`). The migration fails and rolls back as its
/// transaction rules say.
pub type StepError = Box<dyn std::error::Error + Send + Sync>;

/// The future a step's closure returns: `Box::pin(async move { … })`.
pub type StepFuture<'a> = Pin<Box<dyn Future<Output = Result<(), StepError>> + Send + 'a>>;

/// The code of a step (the closure given to [`MigrationSteps::step`]).
type StepFn = dyn for<'a, 'b> Fn(&'a StepDb<'b>) -> StepFuture<'a> + Send + Sync;

/// What a recorded step runs.
#[derive(Clone)]
pub(crate) enum StepBody {
    /// Code given the migration's connection.
    Code(Arc<StepFn>),
    /// A batched backfill.
    Backfill(Box<Backfill>),
}

/// Runs a step's code on `db`: a panic in it is the step's failure (rolled
/// back like an error), not the runner's crash.
pub(crate) async fn guarded(code: &StepFn, db: &StepDb<'_>) -> Result<(), StepError> {
    use futures_util::FutureExt as _;
    match std::panic::AssertUnwindSafe(code(db)).catch_unwind().await {
        Ok(result) => result,
        Err(payload) => Err(format!("it panicked: {}", crate::migration::panic_message(payload.as_ref())).into()),
    }
}

/// Whether a migration made of these parts (`None` for a SQL statement)
/// finishes when run again after an interruption: it holds batched
/// backfills, which only touch the rows still to do, and nothing else.
pub(crate) fn resumes<'a>(mut parts: impl Iterator<Item = Option<&'a StepBody>>) -> bool {
    let mut any = false;
    parts.all(|part| {
        any = true;
        matches!(part, Some(StepBody::Backfill(_)))
    }) && any
}

/// The database as a step sees it: the migration's own connection (inside
/// its transaction when it has one), with the query builder's async
/// executor, knex's `hasTable` / `hasColumn`, and schema statements decided
/// at run time. It dereferences to [`AsyncConn`]: `fetch_all`, `fetch_one`,
/// `fetch_optional`, `execute`, `pluck`, `first`, `begin` (a savepoint here).
///
/// ```no_run
/// use knexrs_migrate::prelude::*;
///
/// pub fn up(s: &mut SchemaBuilder) {
///     s.step("add pod_ip if missing", |db| Box::pin(async move {
///         if !db.has_column("sessions", "pod_ip").await? {
///             db.schema(|s| { s.alter_table("sessions", |t| { t.text("pod_ip"); }); }).await?;
///         }
///         Ok(())
///     }));
/// }
/// ```
pub struct StepDb<'a> {
    conn: &'a AsyncConn,
    server: Option<ServerVersion>,
    migration: &'a str,
}

impl std::fmt::Debug for StepDb<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StepDb").field("migration", &self.migration).field("server", &self.server).finish()
    }
}

impl std::ops::Deref for StepDb<'_> {
    type Target = AsyncConn;

    fn deref(&self) -> &AsyncConn {
        self.conn
    }
}

impl AsyncExecutor for StepDb<'_> {
    fn conn(&self) -> &AsyncConn {
        self.conn
    }
}

impl<'a> StepDb<'a> {
    pub(crate) fn new(conn: &'a AsyncConn, server: Option<ServerVersion>, migration: &'a str) -> Self {
        StepDb { conn, server, migration }
    }

    /// The migration this step belongs to.
    ///
    /// ```no_run
    /// # use knexrs_migrate::StepDb;
    /// # fn demo(db: &StepDb<'_>) {
    /// println!("running in {}", db.migration());
    /// # }
    /// ```
    pub fn migration(&self) -> &str {
        self.migration
    }

    /// The server's version, when known.
    ///
    /// ```no_run
    /// # use knexrs_migrate::StepDb;
    /// # fn demo(db: &StepDb<'_>) {
    /// if db.server_version().is_some_and(|v| v.major >= 15) { /* nulls not distinct */ }
    /// # }
    /// ```
    pub fn server_version(&self) -> Option<ServerVersion> {
        self.server
    }

    /// Whether `table` exists in the current schema (knex `hasTable`);
    /// `schema.table` names another schema.
    ///
    /// ```no_run
    /// # use knexrs_migrate::StepDb;
    /// # async fn demo(db: &StepDb<'_>) -> Result<(), knexrs_query::QueryError> {
    /// if db.has_table("legacy_sessions").await? { /* copy its rows */ }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn has_table(&self, table: &str) -> Result<bool, QueryError> {
        let (schema, name) = split_schema(table);
        let mut query = HasTable::new(name);
        if let Some(schema) = schema {
            query.with_schema(schema);
        }
        self.exists(query.build(PostgresQueryBuilder), table).await
    }

    /// Whether `table` has `column` (knex `hasColumn`).
    ///
    /// ```no_run
    /// # use knexrs_migrate::StepDb;
    /// # async fn demo(db: &StepDb<'_>) -> Result<(), knexrs_query::QueryError> {
    /// let split = db.has_column("sessions", "job_kind").await?;
    /// # let _ = split;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn has_column(&self, table: &str, column: &str) -> Result<bool, QueryError> {
        let (schema, name) = split_schema(table);
        let mut query = HasColumn::new(name, column);
        if let Some(schema) = schema {
            query.with_schema(schema);
        }
        self.exists(query.build(PostgresQueryBuilder), table).await
    }

    /// Runs one of the schema crate's introspection queries (knex's, whose
    /// bindings are names), on this connection.
    async fn exists(&self, (sql, values): (String, Values), what: &str) -> Result<bool, QueryError> {
        let names: Vec<String> = values
            .into_iter()
            .map(|value| match value {
                Value::String(Some(name)) => name,
                _ => String::new(),
            })
            .collect();
        let params: Vec<&(dyn ToSql + Sync)> = names.iter().map(|n| n as &(dyn ToSql + Sync)).collect();
        let rows = self.conn.client().query(&sql, &params).await;
        rows.map(|rows| !rows.is_empty()).map_err(|e| QueryError::database(format!("looking up {what}"), e))
    }

    /// Runs schema statements decided at run time (after a `has_column`,
    /// say), checked against the server's version, on this connection.
    ///
    /// ```no_run
    /// # use knexrs_migrate::{StepDb, StepError};
    /// # async fn demo(db: &StepDb<'_>) -> Result<(), StepError> {
    /// db.schema(|s| { s.alter_table("sessions", |t| { t.text("job_kind"); }); }).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn schema(&self, define: impl FnOnce(&mut SchemaBuilder)) -> Result<(), StepError> {
        let mut schema = SchemaBuilder::new();
        define(&mut schema);
        if let Some(server) = self.server {
            schema.check_server(server)?;
        }
        for sql in schema.build(PostgresQueryBuilder)? {
            self.conn.execute(&raw(sql)).await?;
        }
        Ok(())
    }
}

/// `schema.table` as (schema, table); a plain name is looked up in the current schema.
fn split_schema(table: &str) -> (Option<&str>, &str) {
    match table.split_once('.') {
        Some((schema, name)) => (Some(schema), name),
        None => (None, table),
    }
}

/// Records run-time steps in a migration's [`SchemaBuilder`]:
/// `use knexrs_migrate::prelude::*;` brings it in.
///
/// ```
/// use knexrs_migrate::prelude::*;
///
/// let mut s = SchemaBuilder::new();
/// s.alter_table("sessions", |t| { t.text("job_kind"); });
/// s.step("fill job kinds", |db| Box::pin(async move {
///     let names: Vec<(i32, String)> = db.fetch_all(Select::from("sessions").columns(["id", "job_name"])).await?;
///     for (id, name) in names {
///         let mut q = Update::table("sessions");
///         q.set("job_kind", name.split('-').next().unwrap_or_default().to_owned()).where_eq("id", id);
///         db.execute(&q).await?;
///     }
///     Ok(())
/// }));
/// assert_eq!(s.statements().len(), 2);
/// ```
pub trait MigrationSteps {
    /// Runs `code` here, after the statements recorded before it and before
    /// those recorded after it, on the migration's connection and inside
    /// its transaction (a non-transactional migration: on the same
    /// connection, each statement committing on its own). Never a second
    /// connection, so it cannot deadlock against its own migration. A dry run
    /// names the step and says it runs Rust code.
    ///
    /// ```
    /// use knexrs_migrate::prelude::*;
    ///
    /// let mut s = SchemaBuilder::new();
    /// s.step("count sessions", |db| Box::pin(async move {
    ///     let mut q = Select::from("sessions");
    ///     q.column_raw(query::raw("count(*)"));
    ///     let (n,): (i64,) = db.fetch_one(&q).await?;
    ///     println!("{n} sessions");
    ///     Ok(())
    /// }));
    /// ```
    fn step<F>(&mut self, name: impl Into<String>, code: F) -> &mut Self
    where
        F: for<'a, 'b> Fn(&'a StepDb<'b>) -> StepFuture<'a> + Send + Sync + 'static;

    /// A batched backfill (see [`Backfill`]): its migration runs outside a
    /// transaction, each batch committing on its own, and is resumable: run
    /// again after an interruption, it updates only the rows still to do.
    ///
    /// ```
    /// use knexrs_migrate::prelude::*;
    ///
    /// let mut fill = Backfill::new("sessions", "id");
    /// fill.set("job_kind", query::raw("split_part(job_name, '-', 1)")).where_null("job_kind").batch_size(1_000);
    /// let mut s = SchemaBuilder::new();
    /// s.backfill(&fill);
    /// assert!(s.needs_no_transaction());
    /// ```
    fn backfill(&mut self, backfill: &Backfill) -> &mut Self;
}

impl MigrationSteps for SchemaBuilder {
    fn step<F>(&mut self, name: impl Into<String>, code: F) -> &mut Self
    where
        F: for<'a, 'b> Fn(&'a StepDb<'b>) -> StepFuture<'a> + Send + Sync + 'static,
    {
        let body: Arc<StepBody> = Arc::new(StepBody::Code(Arc::new(code)));
        self.push(RuntimeStep::new(name, body))
    }

    fn backfill(&mut self, backfill: &Backfill) -> &mut Self {
        let mut step = RuntimeStep::new(backfill.name(), Arc::new(StepBody::Backfill(Box::new(backfill.clone()))));
        step.outside_transaction();
        self.push(step)
    }
}

/// The body of a recorded step, if this crate recorded it.
pub(crate) fn body_of(step: &RuntimeStep) -> Option<&StepBody> {
    step.body().downcast_ref::<StepBody>()
}
