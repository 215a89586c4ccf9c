//! Every SQL statement the runner sends about its own bookkeeping and locks,
//! as small async functions over a `tokio_postgres::Client` (the data side
//! lives elsewhere). Each read is one round trip, except the `COPY` reads of
//! a no-op `latest` and of `status` / `current-version`, which take two (see
//! [`noop_snapshot`] and [`read_snapshot`]).

use crate::copy_binary;
use crate::copy_text::CopyText;
use crate::migration::stem_of;
use crate::{MigrateError, Migration, Tables};
use chrono::{DateTime, Utc};
use knexrs_schema::PostgresQueryBuilder;
use knexrs_sql::quote_literal;
use sea_query::{Alias, Expr, ExprTrait, IntoIden, OnConflict, Query, TableRef};
use tokio_postgres::error::SqlState;
use tokio_postgres::{Client, SimpleQueryMessage, SimpleQueryRow};

/// A row of `knex_migrations`.
///
/// ```
/// use knexrs_migrate::AppliedRow;
///
/// let row = AppliedRow { id: 1, recorded_name: "20250126000001_create_sessions_table.js".into(), batch: 1, migration_time: None };
/// assert_eq!(row.batch, 1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedRow {
    /// Its id (rows are deleted by id when rolled back).
    pub id: i32,
    /// The name as recorded (`….js` when knex ran it, `….rs` when we did).
    pub recorded_name: String,
    /// The batch.
    pub batch: i32,
    /// When it was applied.
    pub migration_time: Option<DateTime<Utc>>,
}

impl AppliedRow {
    /// The migration's name without the file extension.
    ///
    /// ```
    /// use knexrs_migrate::AppliedRow;
    ///
    /// let row = AppliedRow { id: 1, recorded_name: "20250126000001_create_sessions_table.js".into(), batch: 1, migration_time: None };
    /// assert_eq!(row.name(), "20250126000001_create_sessions_table");
    /// ```
    pub fn name(&self) -> &str {
        stem_of(&self.recorded_name)
    }
}

/// Where a migration that runs outside a transaction stands in our side table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum State {
    /// Applied (the checksum row of a completed migration).
    Applied,
    /// Its `up` started outside a transaction and did not finish.
    Applying,
    /// Its `down` started outside a transaction and did not finish.
    Reverting,
}

impl State {
    fn as_str(self) -> &'static str {
        match self {
            State::Applied => "applied",
            // The name earlier versions wrote, so their marks are still read.
            State::Applying => "in_progress",
            State::Reverting => "reverting",
        }
    }

    fn parse(text: &str) -> Self {
        match text {
            "in_progress" => State::Applying,
            "reverting" => State::Reverting,
            _ => State::Applied,
        }
    }
}

/// What our side table knows about a migration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StateRow {
    pub(crate) name: String,
    pub(crate) checksum: Option<String>,
    pub(crate) state: State,
}

impl StateRow {
    /// Whether the migration stopped halfway outside a transaction.
    pub(crate) fn is_incomplete(&self) -> bool {
        self.state != State::Applied
    }
}

/// The applied rows and the rows of our side table.
pub(crate) type Snapshot = (Vec<AppliedRow>, Vec<StateRow>);

fn table_ref(tables: &Tables, table: &str) -> TableRef {
    use sea_query::IntoTableRef;
    match tables.schema() {
        Some(schema) => (Alias::new(schema).into_iden(), Alias::new(table).into_iden()).into_table_ref(),
        None => Alias::new(table).into_iden().into_table_ref(),
    }
}

/// The rows of each statement of a simple query, in order.
async fn simple_rows(client: &Client, sql: &str) -> Result<Vec<Vec<SimpleQueryRow>>, tokio_postgres::Error> {
    let mut out = vec![Vec::new()];
    for message in client.simple_query(sql).await? {
        match message {
            SimpleQueryMessage::Row(row) => {
                if let Some(rows) = out.last_mut() {
                    rows.push(row);
                }
            }
            SimpleQueryMessage::CommandComplete(_) => out.push(Vec::new()),
            _ => {}
        }
    }
    Ok(out)
}

fn first_value(rows: &[Vec<SimpleQueryRow>]) -> Option<&str> {
    rows.first().and_then(|r| r.first()).and_then(|row| row.get(0))
}

/// The statements [`ensure_tables`] would run, for dry runs.
pub(crate) async fn missing_tables_sql(client: &Client, tables: &Tables) -> Result<Vec<String>, MigrateError> {
    let render = |schema: knexrs_schema::SchemaBuilder| {
        schema
            .build(PostgresQueryBuilder)
            .map_err(|source| MigrateError::Render { migration: "bookkeeping".into(), source })
    };
    let present = present_tables(client, tables).await?;
    let mut sql = Vec::new();
    if let Some(schema) = tables.schema().filter(|_| !present.schema) {
        sql.push(format!("create schema if not exists {}", knexrs_sql::quote_ident(schema)));
    }
    let knex = render(tables.knex_ddl())?;
    if !present.migrations {
        sql.push(knex[0].clone());
    }
    let lock = tables.qualified_lock();
    let lock_row_missing = if present.lock {
        let check = format!("select not exists (select 1 from {lock})");
        let rows = simple_rows(client, &check).await.map_err(MigrateError::bookkeeping(format!("reading {lock}")))?;
        first_value(&rows) == Some("t")
    } else {
        sql.push(knex[1].clone());
        true
    };
    // knex inserts its lock row when the lock table has none.
    if lock_row_missing {
        sql.push(format!("insert into {lock} (is_locked) values (0)"));
    }
    if !present.state {
        sql.extend(render(tables.state_ddl())?);
    }
    Ok(sql)
}

/// Which of the bookkeeping's schema and tables exist.
struct Present {
    schema: bool,
    migrations: bool,
    lock: bool,
    state: bool,
}

/// Asks for all of them in one round trip (a fresh database, where every
/// run of a fleet starts, would otherwise pay one per table); every check of
/// whether the bookkeeping exists goes through it.
async fn present_tables(client: &Client, tables: &Tables) -> Result<Present, MigrateError> {
    let regclass = |qualified: &str| format!("to_regclass({}) is not null", quote_literal(qualified));
    let schema = match tables.schema() {
        Some(name) => format!("exists(select 1 from pg_catalog.pg_namespace where nspname = {})", quote_literal(name)),
        None => "true".to_owned(),
    };
    let sql = format!(
        "select {schema}, {}, {}, {}",
        regclass(&tables.qualified_migrations()),
        regclass(&tables.qualified_lock()),
        regclass(&tables.qualified_state()),
    );
    let rows =
        simple_rows(client, &sql).await.map_err(MigrateError::bookkeeping("checking for the bookkeeping tables"))?;
    let row = rows.first().and_then(|r| r.first());
    let column = |i: usize| row.and_then(|row| row.get(i)) == Some("t");
    Ok(Present { schema: column(0), migrations: column(1), lock: column(2), state: column(3) })
}

/// Creates whatever bookkeeping is missing, in one transaction.
pub(crate) async fn ensure_tables(client: &Client, tables: &Tables) -> Result<(), MigrateError> {
    let missing = missing_tables_sql(client, tables).await?;
    if missing.is_empty() {
        return Ok(());
    }
    let script = format!("begin;\n{};\ncommit", missing.join(";\n"));
    if let Err(e) = client.batch_execute(&script).await {
        let _ = client.batch_execute("rollback").await;
        return Err(creating_tables(tables)(e));
    }
    Ok(())
}

/// Creates the missing bookkeeping tables inside the transaction the caller
/// holds open (a run through a pooler, which is one transaction).
pub(crate) async fn create_missing_tables(client: &Client, tables: &Tables) -> Result<(), MigrateError> {
    let missing = missing_tables_sql(client, tables).await?;
    if missing.is_empty() {
        return Ok(());
    }
    client.batch_execute(&missing.join(";\n")).await.map_err(creating_tables(tables))
}

fn creating_tables(tables: &Tables) -> impl FnOnce(tokio_postgres::Error) -> MigrateError {
    MigrateError::bookkeeping(format!("creating the bookkeeping tables ({})", tables.migrations()))
}

/// Unordered: [`parse_applied`] sorts by id, which costs the server less
/// than an ordered index scan of a long history.
fn applied_sql(tables: &Tables) -> String {
    format!("select id, name, batch, migration_time from {} where name is not null", tables.qualified_migrations())
}

/// Rows of [`applied_sql`], read in binary: the time arrives as microseconds,
/// so the server converts nothing (`extract(epoch …)` on 1,000 rows costs
/// more than reading them). A column of a type we cannot read is an error,
/// never a skipped row (a skipped row would look pending and run again).
fn parse_applied(tables: &Tables, rows: &[tokio_postgres::Row]) -> Result<Vec<AppliedRow>, MigrateError> {
    let unreadable = |column: &str, e: tokio_postgres::Error| {
        MigrateError::bookkeeping(format!("reading {}.{column}", tables.migrations()))(e)
    };
    let mut applied = rows
        .iter()
        .map(|row| {
            let id = match row.try_get::<_, i32>(0) {
                Ok(id) => id,
                Err(e) => row
                    .try_get::<_, i64>(0)
                    .ok()
                    .and_then(|id| i32::try_from(id).ok())
                    .ok_or_else(|| unreadable("id", e))?,
            };
            let migration_time = match row.try_get::<_, Option<DateTime<Utc>>>(3) {
                Ok(time) => time,
                // A `timestamp without time zone` column (a hand-made table) reads as UTC.
                Err(e) => row
                    .try_get::<_, Option<chrono::NaiveDateTime>>(3)
                    .map_err(|_| unreadable("migration_time", e))?
                    .map(|t| t.and_utc()),
            };
            Ok(AppliedRow {
                id,
                recorded_name: row.try_get(1).map_err(|e| unreadable("name", e))?,
                batch: row.try_get::<_, Option<i32>>(2).map_err(|e| unreadable("batch", e))?.unwrap_or(0),
                migration_time,
            })
        })
        .collect::<Result<Vec<_>, MigrateError>>()?;
    // Oldest first, as knex applied them.
    applied.sort_unstable_by_key(|row| row.id);
    Ok(applied)
}

fn states_sql(tables: &Tables) -> String {
    format!("select name, checksum, state from {}", tables.qualified_state())
}

fn parse_states(rows: &[SimpleQueryRow]) -> Vec<StateRow> {
    rows.iter().filter_map(|row| state_row(row.get(0), row.get(1), row.get(2))).collect()
}

/// A row of our side table from its `(name, checksum, state)` as text; none
/// without a name.
fn state_row(name: Option<&str>, checksum: Option<&str>, state: Option<&str>) -> Option<StateRow> {
    Some(StateRow {
        name: name?.to_owned(),
        checksum: checksum.map(str::to_owned),
        state: State::parse(state.unwrap_or("")),
    })
}

/// Every row of `knex_migrations`, oldest first.
pub(crate) async fn applied(client: &Client, tables: &Tables) -> Result<Vec<AppliedRow>, MigrateError> {
    let rows = client
        .query_typed(&applied_sql(tables), &[])
        .await
        .map_err(MigrateError::bookkeeping(format!("reading {}", tables.migrations())))?;
    parse_applied(tables, &rows)
}

/// The applied rows and our side table in one round trip; `None` when the
/// bookkeeping tables are not all there yet.
pub(crate) async fn snapshot(client: &Client, tables: &Tables) -> Result<Option<Snapshot>, MigrateError> {
    // Both queries go out before either answer is read: one round trip.
    let (applied_sql, states_sql) = (applied_sql(tables), states_sql(tables));
    let both = futures_util::future::try_join(client.query_typed(&applied_sql, &[]), simple_rows(client, &states_sql));
    match both.await {
        Ok((applied, states)) => {
            Ok(Some((parse_applied(tables, &applied)?, states.first().map(|r| parse_states(r)).unwrap_or_default())))
        }
        Err(e) if e.code() == Some(&SqlState::UNDEFINED_TABLE) => Ok(None),
        Err(e) => Err(MigrateError::bookkeeping(format!("reading {}", tables.migrations()))(e)),
    }
}

/// What a no-op `latest` needs, with as little work as possible on both
/// sides: the applied names and batches, our side table (the checksums, so
/// edits are noticed; the states, so a migration that did not finish is),
/// and knex's lock row. Each table is read with `COPY … TO STDOUT`, which the
/// server does not plan: a fresh server process planning a `SELECT` first
/// loads the table's indexes into its caches, and for these three tables that
/// cost it more than sending every row (a millisecond of a ten-millisecond
/// no-op, BENCHMARKS.md). The three go out together (two round trips: each
/// `COPY` is prepared, then run). `None` when a table is missing, or when
/// anything unusual happens on the way (a pooler that does not keep prepared
/// statements, rows COPY should not have written): the caller then reads the
/// bookkeeping the usual way, which reports any real problem in its words.
pub(crate) async fn noop_snapshot(client: &Client, tables: &Tables) -> Result<Option<NoopReply>, MigrateError> {
    let applied = format!("copy {} (name, batch) to stdout", tables.qualified_migrations());
    let side = copy_side_sql(tables);
    let lock = format!("copy {} (is_locked) to stdout", tables.qualified_lock());
    let all =
        futures_util::future::try_join3(copy_out(client, &applied), copy_out(client, &side), copy_out(client, &lock));
    match all.await {
        Ok((applied, side, lock)) => {
            let (Some(applied), Some(side), Some(lock)) =
                (CopyText::decode(&applied, 2), CopyText::decode(&side, 3), CopyText::decode(&lock, 1))
            else {
                return Ok(None);
            };
            let locked = knex_lock_is_set(lock.rows().map(|row| row.get(0)));
            Ok(Some(NoopReply { applied, side, locked }))
        }
        Err(e) if copy_declined(&e) => Ok(None),
        Err(e) => Err(MigrateError::bookkeeping(format!("reading {}", tables.migrations()))(e)),
    }
}

/// Our side table's `(name, checksum, state)` as text, read by both `COPY` reads.
fn copy_side_sql(tables: &Tables) -> String {
    format!("copy {} (name, checksum, state) to stdout", tables.qualified_state())
}

/// Whether a `COPY` read failed in a way the usual `SELECT` read handles: a
/// table missing, or its schema (`COPY` names that one, where `SELECT` named
/// the table), bookkeeping that is a view or a foreign table (`COPY` reads
/// tables only), or a pooler in transaction mode without prepared statements.
fn copy_declined(error: &tokio_postgres::Error) -> bool {
    matches!(
        error.code(),
        Some(
            &SqlState::UNDEFINED_TABLE
                | &SqlState::INVALID_SCHEMA_NAME
                | &SqlState::WRONG_OBJECT_TYPE
                | &SqlState::INVALID_SQL_STATEMENT_NAME
        )
    )
}

/// The applied rows and our side table for a read-only command on a
/// connection of its own (`status`, `current-version`), both read with
/// `COPY` as a no-op `latest` reads them (not planned: see [`noop_snapshot`]),
/// `knex_migrations` in binary so its ids and times arrive as the numbers the
/// usual read gets. Only where named statements may be prepared (each `COPY`
/// is). Anything unusual (a table missing, a column of a type the usual read
/// would refuse) falls back to [`snapshot_if_exists`], which reports any real
/// problem in its words. Not for a connection inside a transaction: a failed
/// `COPY` would abort it.
pub(crate) async fn read_snapshot(client: &Client, tables: &Tables) -> Result<Snapshot, MigrateError> {
    let applied =
        format!("copy {} (id, name, batch, migration_time) to stdout (format binary)", tables.qualified_migrations());
    let side = copy_side_sql(tables);
    match futures_util::future::try_join(copy_out(client, &applied), copy_out(client, &side)).await {
        Ok((applied, side)) => {
            let applied = copy_binary::decode(&applied, 4).and_then(|fields| applied_from_copy(&fields));
            let states = CopyText::decode(&side, 3).map(|side| states_from_copy(&side));
            if let (Some(applied), Some(states)) = (applied, states) {
                return Ok((applied, states));
            }
        }
        Err(e) if copy_declined(&e) => {}
        Err(e) => return Err(MigrateError::bookkeeping(format!("reading {}", tables.migrations()))(e)),
    }
    snapshot_if_exists(client, tables).await
}

/// `knex_migrations`' rows from a binary `COPY` of `(id, name, batch,
/// migration_time)`, oldest first; `None` for a field the usual read would
/// refuse (a NULL id, an id that is neither `integer` nor `bigint`, a batch
/// not an `integer`, a time not a timestamp), so that it reports it.
fn applied_from_copy(fields: &[Option<&[u8]>]) -> Option<Vec<AppliedRow>> {
    // PostgreSQL counts timestamps in microseconds from 2000-01-01 00:00 UTC.
    let epoch = chrono::NaiveDate::from_ymd_opt(2000, 1, 1)?.and_hms_opt(0, 0, 0)?.and_utc();
    let mut applied = Vec::with_capacity(fields.len() / 4);
    for row in fields.chunks_exact(4) {
        // knex's reads skip a row without a name, as `where name is not null` does.
        let Some(name) = row[1] else { continue };
        let id = match row[0]? {
            bytes @ [_, _, _, _] => i32::from_be_bytes(bytes.try_into().ok()?),
            bytes => i32::try_from(i64::from_be_bytes(bytes.try_into().ok()?)).ok()?,
        };
        let batch = match row[2] {
            Some(bytes) => i32::from_be_bytes(bytes.try_into().ok()?),
            None => 0,
        };
        let migration_time = match row[3] {
            Some(bytes) => {
                let micros = i64::from_be_bytes(bytes.try_into().ok()?);
                Some(epoch.checked_add_signed(chrono::TimeDelta::microseconds(micros))?)
            }
            None => None,
        };
        applied.push(AppliedRow {
            id,
            recorded_name: std::str::from_utf8(name).ok()?.to_owned(),
            batch,
            migration_time,
        });
    }
    // Oldest first, as knex applied them.
    applied.sort_unstable_by_key(|row| row.id);
    Some(applied)
}

/// Our side table's rows from a text `COPY` of `(name, checksum, state)`.
fn states_from_copy(side: &CopyText) -> Vec<StateRow> {
    side.rows().filter_map(|row| state_row(row.get(0), row.get(1), row.get(2))).collect()
}

/// Everything `sql` (a `COPY … TO STDOUT`) sends.
async fn copy_out(client: &Client, sql: &str) -> Result<Vec<u8>, tokio_postgres::Error> {
    use futures_util::TryStreamExt as _;
    let stream = client.copy_out(sql).await?;
    stream
        .try_fold(Vec::new(), |mut all, chunk| async move {
            all.extend_from_slice(&chunk);
            Ok(all)
        })
        .await
}

/// [`noop_snapshot`]'s rows.
#[derive(Debug)]
pub(crate) struct NoopReply {
    applied: CopyText,
    side: CopyText,
    locked: bool,
}

/// [`noop_snapshot`]'s rows, borrowed: `None` when a batch is not a number
/// (the usual path reads and reports it).
pub(crate) fn noop_view(reply: &NoopReply) -> Option<NoopView<'_>> {
    let mut view = NoopView { locked: reply.locked, ..NoopView::default() };
    for row in reply.applied.rows() {
        // knex's reads skip a row without a name, as `where name is not null` did.
        let Some(name) = row.get(0) else { continue };
        view.applied.push(name);
        let batch = match row.get(1) {
            Some(batch) => batch.parse::<i32>().ok()?,
            None => 0,
        };
        view.last_batch = Ord::max(view.last_batch, batch);
    }
    for row in reply.side.rows() {
        view.side.push(SideRow {
            name: row.get(0)?,
            checksum: row.get(1),
            incomplete: State::parse(row.get(2).unwrap_or("")) != State::Applied,
        });
    }
    Some(view)
}

/// The bookkeeping as a no-op `latest` sees it, borrowed from the reply.
#[derive(Debug, Default)]
pub(crate) struct NoopView<'a> {
    /// `knex_migrations`' names as recorded (`….js` when knex ran them).
    pub(crate) applied: Vec<&'a str>,
    /// The highest batch (0 when nothing is applied).
    pub(crate) last_batch: i32,
    /// Our side table's rows.
    pub(crate) side: Vec<SideRow<'a>>,
    /// Whether knex's lock row is set.
    pub(crate) locked: bool,
}

/// A row of our side table, borrowed.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SideRow<'a> {
    /// The migration's name.
    pub(crate) name: &'a str,
    /// The checksum recorded when it was applied (none when knex applied it).
    pub(crate) checksum: Option<&'a str>,
    /// Whether it stopped halfway outside a transaction.
    pub(crate) incomplete: bool,
}

/// The applied rows and our side table, empty where a table does not exist
/// yet (read-only commands create nothing).
pub(crate) async fn snapshot_if_exists(client: &Client, tables: &Tables) -> Result<Snapshot, MigrateError> {
    if let Some(snapshot) = snapshot(client, tables).await? {
        return Ok(snapshot);
    }
    let present = present_tables(client, tables).await?;
    let applied = if present.migrations { applied(client, tables).await? } else { Vec::new() };
    let states = if present.state {
        let rows = simple_rows(client, &states_sql(tables))
            .await
            .map_err(MigrateError::bookkeeping(format!("reading {}", tables.state())))?;
        rows.first().map(|r| parse_states(r)).unwrap_or_default()
    } else {
        Vec::new()
    };
    Ok((applied, states))
}

/// The statements that record `migration` as applied in `batch` (sent with
/// the migration itself, so they commit or roll back together).
pub(crate) fn record_sql(
    tables: &Tables,
    migration: &Migration,
    recorded: &str,
    batch: i32,
) -> Result<Vec<String>, MigrateError> {
    let insert = Query::insert()
        .into_table(table_ref(tables, tables.migrations()))
        .columns([Alias::new("name"), Alias::new("batch"), Alias::new("migration_time")])
        .values([Expr::val(recorded), Expr::val(batch), Expr::cust("clock_timestamp()")])
        .map_err(|e| MigrateError::bookkeeping_render(e.to_string()))?
        .to_string(PostgresQueryBuilder);
    Ok(vec![insert, state_sql(tables, migration.name(), migration.checksum(), State::Applied)?])
}

/// Our side table's row for `name`, inserted or replaced.
fn state_sql(tables: &Tables, name: &str, checksum: Option<&str>, state: State) -> Result<String, MigrateError> {
    let columns = [Alias::new("name"), Alias::new("checksum"), Alias::new("state"), Alias::new("updated_at")];
    Ok(Query::insert()
        .into_table(table_ref(tables, &tables.state()))
        .columns(columns.clone())
        .values([Expr::val(name), Expr::val(checksum), Expr::val(state.as_str()), Expr::cust("clock_timestamp()")])
        .map_err(|e| MigrateError::bookkeeping_render(e.to_string()))?
        .on_conflict(OnConflict::column(Alias::new("name")).update_columns(columns.into_iter().skip(1)).to_owned())
        .to_string(PostgresQueryBuilder))
}

/// The statements that forget an applied migration (rolled back).
pub(crate) fn forget_sql(tables: &Tables, row: &AppliedRow) -> Vec<String> {
    let delete_row = Query::delete()
        .from_table(table_ref(tables, tables.migrations()))
        .and_where(Expr::col(Alias::new("id")).eq(row.id))
        .to_string(PostgresQueryBuilder);
    vec![delete_row, forget_state_sql(tables, row.name())]
}

fn forget_state_sql(tables: &Tables, name: &str) -> String {
    Query::delete()
        .from_table(table_ref(tables, &tables.state()))
        .and_where(Expr::col(Alias::new("name")).eq(name))
        .to_string(PostgresQueryBuilder)
}

/// Marks a migration that runs outside a transaction as started (its `up`,
/// or its `down`), so that a run dying inside it is noticed by the next one.
pub(crate) async fn mark_started(
    client: &Client,
    tables: &Tables,
    migration: &Migration,
    state: State,
) -> Result<(), MigrateError> {
    let sql = state_sql(tables, migration.name(), migration.checksum(), state)?;
    client
        .batch_execute(&sql)
        .await
        .map_err(MigrateError::bookkeeping(format!("marking {} as started", migration.name())))
}

/// Records `migration` as applied in `batch` on its own, in one transaction
/// (`migrate resolve --applied`).
pub(crate) async fn record_applied(
    client: &Client,
    tables: &Tables,
    migration: &Migration,
    recorded: &str,
    batch: i32,
) -> Result<(), MigrateError> {
    let sql = record_sql(tables, migration, recorded, batch)?.join(";\n");
    client
        .batch_execute(&format!("begin;\n{sql};\ncommit"))
        .await
        .map_err(MigrateError::bookkeeping(format!("recording {} as applied", migration.name())))
}

/// Forgets an applied migration on its own, in one transaction (`migrate
/// resolve --rolled-back` of a `down` that stopped halfway).
pub(crate) async fn record_reverted(client: &Client, tables: &Tables, row: &AppliedRow) -> Result<(), MigrateError> {
    let sql = forget_sql(tables, row).join(";\n");
    client
        .batch_execute(&format!("begin;\n{sql};\ncommit"))
        .await
        .map_err(MigrateError::bookkeeping(format!("recording {} as rolled back", row.name())))
}

/// Sets a migration's side-table row back to applied (its `down` failed
/// before changing anything, or `resolve --applied` after a `down`).
pub(crate) async fn mark_applied(client: &Client, tables: &Tables, migration: &Migration) -> Result<(), MigrateError> {
    let sql = state_sql(tables, migration.name(), migration.checksum(), State::Applied)?;
    client
        .batch_execute(&sql)
        .await
        .map_err(MigrateError::bookkeeping(format!("recording {} as applied", migration.name())))
}

/// Clears a started mark (the migration failed before changing anything).
pub(crate) async fn clear_started(client: &Client, tables: &Tables, name: &str) -> Result<(), MigrateError> {
    client
        .batch_execute(&forget_state_sql(tables, name))
        .await
        .map_err(MigrateError::bookkeeping(format!("clearing the started mark of {name}")))
}

/// Records a new checksum for `name` (`migrate accept`).
pub(crate) async fn accept_checksum(
    client: &Client,
    tables: &Tables,
    name: &str,
    checksum: &str,
) -> Result<(), MigrateError> {
    let sql = state_sql(tables, name, Some(checksum), State::Applied)?;
    client.batch_execute(&sql).await.map_err(MigrateError::bookkeeping(format!("recording the checksum of {name}")))
}

/// `max(batch)`, 0 when nothing is applied.
pub(crate) fn last_batch(applied: &[AppliedRow]) -> i32 {
    applied.iter().map(|row| row.batch).max().unwrap_or(0)
}

/// The first message on a runner's session: how long the server lets a
/// statement run for a client that went away (PostgreSQL 14+: a killed
/// runner's statement stops within seconds and frees its locks), and the
/// session's process id. Returns the process id.
pub(crate) async fn prepare_session(client: &Client, check_interval: bool) -> Result<i32, MigrateError> {
    let sql = if check_interval {
        "set client_connection_check_interval = 2000; select pg_backend_pid()"
    } else {
        "select pg_backend_pid()"
    };
    let rows = simple_rows(client, sql).await.map_err(MigrateError::bookkeeping("setting up the session"))?;
    let pid = rows.iter().flatten().find_map(|row| row.get(0)?.parse().ok());
    Ok(pid.unwrap_or(0))
}

/// Tries the advisory lock of this bookkeeping once, without waiting.
pub(crate) async fn try_advisory_lock(client: &Client, tables: &Tables) -> Result<bool, MigrateError> {
    let sql = format!("select pg_try_advisory_lock({})", tables.advisory_key_sql());
    let rows = simple_rows(client, &sql).await.map_err(MigrateError::bookkeeping("taking the migration lock"))?;
    Ok(first_value(&rows) == Some("t"))
}

/// Waits for the advisory lock (bounded and cancelled by the caller).
pub(crate) fn advisory_lock_sql(tables: &Tables) -> String {
    format!("select pg_advisory_lock({})", tables.advisory_key_sql())
}

/// Locks knex's lock rows (inside the lock transaction); returns them.
pub(crate) fn lock_rows_sql(tables: &Tables) -> String {
    format!("select is_locked from {} for update", tables.qualified_lock())
}

/// Whether knex's lock rows (each one's `is_locked`, as text) say a run
/// holds the lock: a row set to 1, or more than one row (knex treats both as
/// locked).
pub(crate) fn knex_lock_is_set<'a>(is_locked: impl IntoIterator<Item = Option<&'a str>>) -> bool {
    let mut rows = 0;
    let mut set = false;
    for value in is_locked {
        rows += 1;
        set |= value == Some("1");
    }
    rows > 1 || set
}

/// Reads the rows of a simple query's first statement.
pub(crate) async fn lock_rows(client: &Client, tables: &Tables) -> Result<Vec<SimpleQueryRow>, tokio_postgres::Error> {
    Ok(simple_rows(client, &lock_rows_sql(tables)).await?.into_iter().next().unwrap_or_default())
}

/// Sets knex's lock row (inside the lock transaction, which stays open for the run).
pub(crate) async fn set_knex_lock(client: &Client, tables: &Tables) -> Result<(), MigrateError> {
    client
        .batch_execute(&format!("update {} set is_locked = 1", tables.qualified_lock()))
        .await
        .map_err(MigrateError::bookkeeping(format!("setting {}", tables.lock())))
}

/// Releases the advisory lock (taken with [`try_advisory_lock`] on this connection).
pub(crate) async fn release_advisory_lock(client: &Client, tables: &Tables) -> Result<(), MigrateError> {
    client
        .batch_execute(&format!("select pg_advisory_unlock({})", tables.advisory_key_sql()))
        .await
        .map_err(MigrateError::bookkeeping("releasing the migration lock"))
}

/// knex's `migrate:unlock`: empties the lock table and inserts an unlocked row.
pub(crate) async fn force_unlock(client: &Client, tables: &Tables) -> Result<bool, MigrateError> {
    if !present_tables(client, tables).await?.lock {
        return Ok(false);
    }
    let lock = tables.qualified_lock();
    client
        .batch_execute(&format!("begin; delete from {lock}; insert into {lock} (is_locked) values (0); commit"))
        .await
        .map_err(MigrateError::bookkeeping(format!("unlocking {}", tables.lock())))?;
    Ok(true)
}

/// Another session that holds a lock a runner's statement waits for.
///
/// ```
/// use knexrs_migrate::Blocker;
///
/// let blocker = Blocker {
///     pid: 4242,
///     application_name: "psql".into(),
///     state: "idle in transaction".into(),
///     query: "lock table sessions".into(),
///     seconds: 35.0,
/// };
/// assert_eq!(
///     blocker.to_string(),
///     "pid 4242 (application `psql`, idle in transaction for 35 s, last statement `lock table sessions`)"
/// );
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Blocker {
    /// Its server process id (`pg_terminate_backend(pid)` ends it).
    pub pid: i32,
    /// Its `application_name`.
    pub application_name: String,
    /// `active`, `idle in transaction`, …
    pub state: String,
    /// What it runs (or ran last), shortened.
    pub query: String,
    /// How long its transaction (or statement) has been open, in seconds.
    pub seconds: f64,
}

impl std::fmt::Display for Blocker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let what = if self.state == "active" { "running" } else { "last statement" };
        write!(
            f,
            "pid {} (application `{}`, {} for {:.0} s, {what} `{}`)",
            self.pid, self.application_name, self.state, self.seconds, self.query
        )
    }
}

/// The sessions holding locks that `pid` waits for.
pub(crate) async fn blockers(client: &Client, pid: i32) -> Result<Vec<Blocker>, tokio_postgres::Error> {
    // Inside a transaction (a lock connection's) `pg_stat_activity` is read
    // once and kept: cleared first, a session that connected since is seen.
    let sql = format!(
        "select pg_stat_clear_snapshot(); select a.pid, coalesce(a.application_name, ''), coalesce(a.state, ''), \
         coalesce(left(regexp_replace(a.query, '\\s+', ' ', 'g'), 160), ''), \
         coalesce(extract(epoch from clock_timestamp() - coalesce(a.xact_start, a.query_start, a.backend_start)), 0)::float8 \
         from pg_stat_activity a where a.pid = any(pg_blocking_pids({pid})) order by a.pid"
    );
    let rows = simple_rows(client, &sql).await?;
    Ok(rows
        .get(1)
        .map(|rows| {
            rows.iter()
                .filter_map(|row| {
                    Some(Blocker {
                        pid: row.get(0)?.parse().ok()?,
                        application_name: row.get(1).unwrap_or("").to_owned(),
                        state: row.get(2).unwrap_or("").to_owned(),
                        query: row.get(3).unwrap_or("").to_owned(),
                        seconds: row.get(4).and_then(|s| s.parse().ok()).unwrap_or(0.0),
                    })
                })
                .collect()
        })
        .unwrap_or_default())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a test fails by panicking")]
mod tests {
    use super::applied_from_copy;

    #[test]
    fn rows_of_a_binary_copy_read_as_the_usual_select_reads_them() {
        let (id4, id8, batch) = (2i32.to_be_bytes(), 1i64.to_be_bytes(), 3i32.to_be_bytes());
        // One day and one microsecond after PostgreSQL's epoch.
        let time = (86_400_000_000i64 + 1).to_be_bytes();
        let fields = [
            Some(&id4[..]),
            Some(&b"20250101000001_b.rs"[..]),
            None,
            None,
            Some(&id8[..]),
            Some(&b"20250101000000_a.js"[..]),
            Some(&batch[..]),
            Some(&time[..]),
            Some(&id4[..]),
            None,
            Some(&batch[..]),
            None,
        ];
        let rows = applied_from_copy(&fields).unwrap();
        assert_eq!(rows.len(), 2, "the row without a name is skipped: {rows:?}");
        assert_eq!((rows[0].id, rows[0].recorded_name.as_str(), rows[0].batch), (1, "20250101000000_a.js", 3));
        assert_eq!(rows[0].migration_time.unwrap().to_rfc3339(), "2000-01-02T00:00:00.000001+00:00");
        assert_eq!((rows[1].id, rows[1].batch, rows[1].migration_time), (2, 0, None), "no batch reads as 0");
    }

    #[test]
    fn a_field_the_usual_select_would_refuse_sends_the_read_back_to_it() {
        let (id, name, four) = (1i32.to_be_bytes(), &b"20250101000000_a"[..], 9i32.to_be_bytes());
        let big = i64::MAX.to_be_bytes();
        let row = |id: Option<&[u8]>, batch: Option<&[u8]>, time: Option<&[u8]>| {
            applied_from_copy(&[id, Some(name), batch, time])
        };
        assert!(row(Some(&id), None, None).is_some());
        assert!(row(None, None, None).is_none(), "a NULL id");
        assert!(row(Some(&[0, 1]), None, None).is_none(), "a smallint id");
        assert!(row(Some(&big), None, None).is_none(), "an id past integer");
        assert!(row(Some(&id), Some(&big), None).is_none(), "a bigint batch");
        assert!(row(Some(&id), None, Some(&four)).is_none(), "a date");
        assert!(row(Some(&id), None, Some(&big)).is_none(), "infinity");
        assert!(applied_from_copy(&[Some(&id), Some(&[0xff]), None, None]).is_none(), "a name that is not UTF-8");
    }

    #[test]
    fn knex_lock_is_set_by_a_row_of_1_or_by_a_second_row_as_knex_reads_it() {
        assert!(!super::knex_lock_is_set([]), "no row: not locked");
        assert!(!super::knex_lock_is_set([Some("0")]));
        assert!(super::knex_lock_is_set([Some("1")]));
        assert!(super::knex_lock_is_set([Some("0"), Some("0")]), "two rows: locked");
        assert!(!super::knex_lock_is_set([None]), "a NULL is not set");
    }
}
