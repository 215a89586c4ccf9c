//! Every SQL statement the runner sends about its own bookkeeping, as small
//! functions over `&mut impl GenericClient` (the data side lives elsewhere).

use crate::migration::stem_of;
use crate::{MigrateError, Migration, Tables};
use chrono::{DateTime, Utc};
use knexrs_schema::PostgresQueryBuilder;
use postgres::GenericClient;
use postgres::error::SqlState;
use sea_query::{Alias, Expr, ExprTrait, IntoIden, OnConflict, Query, TableRef};
use std::time::Duration;

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

/// What our side table knows about a migration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StateRow {
    pub(crate) name: String,
    pub(crate) checksum: Option<String>,
    pub(crate) in_progress: bool,
}

const IN_PROGRESS: &str = "in_progress";
const APPLIED: &str = "applied";

fn table_ref(tables: &Tables, table: &str) -> TableRef {
    use sea_query::IntoTableRef;
    match tables.schema() {
        Some(schema) => (Alias::new(schema).into_iden(), Alias::new(table).into_iden()).into_table_ref(),
        None => Alias::new(table).into_iden().into_table_ref(),
    }
}

fn exists(client: &mut impl GenericClient, qualified: &str) -> Result<bool, MigrateError> {
    client
        .query_one("select to_regclass($1) is not null", &[&qualified])
        .map(|row| row.get(0))
        .map_err(MigrateError::bookkeeping(format!("checking for {qualified}")))
}

/// The statements [`ensure_tables`] would run, for dry runs.
pub(crate) fn missing_tables_sql(
    client: &mut impl GenericClient,
    tables: &Tables,
) -> Result<Vec<String>, MigrateError> {
    let mut sql = Vec::new();
    let render = |schema: knexrs_schema::SchemaBuilder| {
        schema
            .build(PostgresQueryBuilder)
            .map_err(|source| MigrateError::Render { migration: "bookkeeping".into(), source })
    };
    if let Some(schema) = tables.schema() {
        let quoted = crate::tables::quote(schema);
        let present: bool = client
            .query_one("select exists(select 1 from pg_namespace where nspname = $1)", &[&schema])
            .map(|row| row.get(0))
            .map_err(MigrateError::bookkeeping(format!("checking for schema {quoted}")))?;
        if !present {
            sql.push(format!("create schema if not exists {quoted}"));
        }
    }
    let knex = render(tables.knex_ddl())?;
    if !exists(client, &tables.qualified_migrations())? {
        sql.push(knex[0].clone());
    }
    let lock = tables.qualified_lock();
    let lock_row_missing = if exists(client, &lock)? {
        let sql = format!("select not exists (select 1 from {lock})");
        client
            .query_one(&sql, &[])
            .map(|row| row.get(0))
            .map_err(MigrateError::bookkeeping(format!("reading {lock}")))?
    } else {
        sql.push(knex[1].clone());
        true
    };
    // knex inserts its lock row when the lock table has none.
    if lock_row_missing {
        sql.push(format!("insert into {lock} (is_locked) values (0)"));
    }
    if !exists(client, &tables.qualified_state())? {
        sql.extend(render(tables.state_ddl())?);
    }
    Ok(sql)
}

/// Creates whatever bookkeeping is missing, in one transaction.
pub(crate) fn ensure_tables(client: &mut impl GenericClient, tables: &Tables) -> Result<(), MigrateError> {
    let mut tx = client.transaction().map_err(MigrateError::bookkeeping("starting the bookkeeping transaction"))?;
    for sql in missing_tables_sql(&mut tx, tables)? {
        tx.batch_execute(&sql).map_err(MigrateError::bookkeeping(format!("creating bookkeeping (`{sql}`)")))?;
    }
    tx.commit().map_err(MigrateError::bookkeeping("committing the bookkeeping tables"))
}

/// Every row of `knex_migrations`, oldest first; none before the table exists
/// (read-only commands do not create it).
pub(crate) fn applied_if_exists(
    client: &mut impl GenericClient,
    tables: &Tables,
) -> Result<Vec<AppliedRow>, MigrateError> {
    if !exists(client, &tables.qualified_migrations())? {
        return Ok(Vec::new());
    }
    applied(client, tables)
}

/// Every row of `knex_migrations`, oldest first.
pub(crate) fn applied(client: &mut impl GenericClient, tables: &Tables) -> Result<Vec<AppliedRow>, MigrateError> {
    let sql = format!(
        "select id, name, batch, migration_time from {} where name is not null order by id",
        tables.qualified_migrations()
    );
    let rows =
        client.query(&sql, &[]).map_err(MigrateError::bookkeeping(format!("reading {}", tables.migrations())))?;
    Ok(rows
        .iter()
        .map(|row| AppliedRow {
            id: row.get(0),
            recorded_name: row.get(1),
            batch: row.get::<_, Option<i32>>(2).unwrap_or(0),
            migration_time: row.get(3),
        })
        .collect())
}

/// The applied rows and the rows of our side table.
pub(crate) type Snapshot = (Vec<AppliedRow>, Vec<StateRow>);

/// What `latest` reads (applied rows and our side table) in one round trip;
/// `None` when the bookkeeping tables are not all there yet.
pub(crate) fn snapshot(client: &mut impl GenericClient, tables: &Tables) -> Result<Option<Snapshot>, MigrateError> {
    use postgres::SimpleQueryMessage;
    let sql = format!(
        "select id, name, batch from {} where name is not null order by id; select name, checksum, state from {}",
        tables.qualified_migrations(),
        tables.qualified_state()
    );
    let messages = match client.simple_query(&sql) {
        Ok(messages) => messages,
        Err(e) if e.code() == Some(&SqlState::UNDEFINED_TABLE) => return Ok(None),
        Err(e) => return Err(MigrateError::bookkeeping(format!("reading {}", tables.migrations()))(e)),
    };
    // Anything unexpected: `None`, and the careful path reads again with typed queries.
    let (mut applied, mut states, mut statement) = (Vec::new(), Vec::new(), 0);
    for message in messages {
        match message {
            SimpleQueryMessage::Row(row) if statement == 0 => {
                let (Some(id), Some(name)) = (row.get(0).and_then(|v| v.parse().ok()), row.get(1)) else {
                    return Ok(None);
                };
                let batch = row.get(2).and_then(|v| v.parse().ok()).unwrap_or(0);
                applied.push(AppliedRow { id, recorded_name: name.to_owned(), batch, migration_time: None });
            }
            SimpleQueryMessage::Row(row) => {
                let Some(name) = row.get(0) else { return Ok(None) };
                let checksum = row.get(1).map(str::to_owned);
                states.push(StateRow { name: name.to_owned(), checksum, in_progress: row.get(2) == Some(IN_PROGRESS) });
            }
            SimpleQueryMessage::CommandComplete(_) => statement += 1,
            _ => {}
        }
    }
    Ok(Some((applied, states)))
}

/// Every row of our side table (none before it exists).
pub(crate) fn states(client: &mut impl GenericClient, tables: &Tables) -> Result<Vec<StateRow>, MigrateError> {
    if !exists(client, &tables.qualified_state())? {
        return Ok(Vec::new());
    }
    let sql = format!("select name, checksum, state from {}", tables.qualified_state());
    let rows = client.query(&sql, &[]).map_err(MigrateError::bookkeeping(format!("reading {}", tables.state())))?;
    Ok(rows
        .iter()
        .map(|row| StateRow {
            name: row.get(0),
            checksum: row.get(1),
            in_progress: row.get::<_, String>(2) == IN_PROGRESS,
        })
        .collect())
}

/// The statements that record `migration` as applied in `batch` (sent with
/// the migration itself, so they commit or roll back together).
pub(crate) fn record_sql(tables: &Tables, migration: &Migration, batch: i32) -> Result<Vec<String>, MigrateError> {
    let insert = Query::insert()
        .into_table(table_ref(tables, tables.migrations()))
        .columns([Alias::new("name"), Alias::new("batch"), Alias::new("migration_time")])
        .values([Expr::val(migration.file_name()), Expr::val(batch), Expr::cust("clock_timestamp()")])
        .map_err(|e| MigrateError::InvalidMigrations(e.to_string()))?
        .to_string(PostgresQueryBuilder);
    Ok(vec![insert, state_sql(tables, migration.name(), migration.checksum(), APPLIED)?])
}

/// Our side table's row for `name`, inserted or replaced.
fn state_sql(tables: &Tables, name: &str, checksum: Option<&str>, state: &str) -> Result<String, MigrateError> {
    let columns = [Alias::new("name"), Alias::new("checksum"), Alias::new("state"), Alias::new("updated_at")];
    Ok(Query::insert()
        .into_table(table_ref(tables, &tables.state()))
        .columns(columns.clone())
        .values([Expr::val(name), Expr::val(checksum), Expr::val(state), Expr::cust("clock_timestamp()")])
        .map_err(|e| MigrateError::InvalidMigrations(e.to_string()))?
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

/// Marks a migration that runs outside a transaction as started, so that a
/// run dying inside it is noticed by the next one.
pub(crate) fn mark_in_progress(
    client: &mut impl GenericClient,
    tables: &Tables,
    migration: &Migration,
) -> Result<(), MigrateError> {
    let sql = state_sql(tables, migration.name(), migration.checksum(), IN_PROGRESS)?;
    client.batch_execute(&sql).map_err(MigrateError::bookkeeping(format!("marking {} as started", migration.name())))
}

/// Records `migration` as applied in `batch` on its own, in one transaction
/// (`migrate resolve --applied`).
pub(crate) fn record_applied(
    client: &mut impl GenericClient,
    tables: &Tables,
    migration: &Migration,
    batch: i32,
) -> Result<(), MigrateError> {
    let sql = record_sql(tables, migration, batch)?.join(";\n");
    client
        .batch_execute(&format!("begin;\n{sql};\ncommit"))
        .map_err(MigrateError::bookkeeping(format!("recording {} as applied", migration.name())))
}

/// Clears a started mark (the migration failed before changing anything).
pub(crate) fn clear_in_progress(
    client: &mut impl GenericClient,
    tables: &Tables,
    name: &str,
) -> Result<(), MigrateError> {
    client
        .batch_execute(&forget_state_sql(tables, name))
        .map_err(MigrateError::bookkeeping(format!("clearing the started mark of {name}")))
}

/// Records a new checksum for `name` (`migrate accept`).
pub(crate) fn accept_checksum(
    client: &mut impl GenericClient,
    tables: &Tables,
    name: &str,
    checksum: &str,
) -> Result<(), MigrateError> {
    let sql = state_sql(tables, name, Some(checksum), APPLIED)?;
    client.batch_execute(&sql).map_err(MigrateError::bookkeeping(format!("recording the checksum of {name}")))
}

/// `max(batch)`, 0 when nothing is applied.
pub(crate) fn last_batch(applied: &[AppliedRow]) -> i32 {
    applied.iter().map(|row| row.batch).max().unwrap_or(0)
}

/// Takes the advisory lock of this bookkeeping on `client`'s session, waiting
/// up to `wait` (it is released when the session ends, however it ends).
pub(crate) fn advisory_lock(
    client: &mut impl GenericClient,
    tables: &Tables,
    wait: Duration,
    mut on_wait: impl FnMut(),
) -> Result<(), MigrateError> {
    let key = tables.advisory_key();
    let got: bool = client
        .query_one("select pg_try_advisory_lock($1)", &[&key])
        .map(|row| row.get(0))
        .map_err(MigrateError::bookkeeping("taking the migration lock"))?;
    if got {
        return Ok(());
    }
    on_wait();
    client
        .batch_execute(&format!("set statement_timeout = {}", wait.as_millis().max(1)))
        .map_err(MigrateError::bookkeeping("setting the lock wait"))?;
    let result = client.query_one("select pg_advisory_lock($1)", &[&key]);
    client.batch_execute("set statement_timeout = 0").map_err(MigrateError::bookkeeping("resetting the lock wait"))?;
    match result {
        Ok(_) => Ok(()),
        Err(e) if e.code() == Some(&SqlState::QUERY_CANCELED) => {
            Err(MigrateError::LockTimeout { seconds: wait.as_secs() })
        }
        Err(e) => Err(MigrateError::bookkeeping("waiting for the migration lock")(e)),
    }
}

/// Sets knex's lock row inside a transaction that stays open for the run: a
/// knex process waits on the row meanwhile, and when our session ends (even
/// killed) the row is back to unlocked. A row already set means knex holds it.
pub(crate) fn hold_knex_lock(client: &mut impl GenericClient, tables: &Tables) -> Result<(), MigrateError> {
    let lock = tables.qualified_lock();
    client.batch_execute("begin").map_err(MigrateError::bookkeeping("starting the lock transaction"))?;
    let rows = client
        .query(&format!("select is_locked from {lock} for update"), &[])
        .map_err(MigrateError::bookkeeping(format!("locking {}", tables.lock())))?;
    if rows.iter().any(|row| row.get::<_, Option<i32>>(0) == Some(1)) {
        let _ = client.batch_execute("rollback");
        return Err(MigrateError::Locked { table: tables.lock() });
    }
    client
        .batch_execute(&format!("update {lock} set is_locked = 1"))
        .map_err(MigrateError::bookkeeping(format!("setting {}", tables.lock())))
}

/// Ends the lock transaction (knex's row goes back to 0) and the advisory lock.
pub(crate) fn release_locks(client: &mut impl GenericClient, tables: &Tables) -> Result<(), MigrateError> {
    client
        .batch_execute(&format!("rollback; select pg_advisory_unlock({})", tables.advisory_key()))
        .map_err(MigrateError::bookkeeping("releasing the migration lock"))
}

/// knex's `migrate:unlock`: empties the lock table and inserts an unlocked row.
pub(crate) fn force_unlock(client: &mut impl GenericClient, tables: &Tables) -> Result<bool, MigrateError> {
    if !exists(client, &tables.qualified_lock())? {
        return Ok(false);
    }
    let lock = tables.qualified_lock();
    client
        .batch_execute(&format!("begin; delete from {lock}; insert into {lock} (is_locked) values (0); commit"))
        .map_err(MigrateError::bookkeeping(format!("unlocking {}", tables.lock())))?;
    Ok(true)
}
