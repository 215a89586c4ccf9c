//! Batched backfills: an `update` applied to a big table in keyset-paged
//! batches, each batch its own transaction, so no lock is held for long and
//! an interruption loses at most one batch. The rows still to do are named
//! by a condition the update itself makes false, so a run that starts again
//! touches only those: every row is updated once.

use crate::MigrateError;
use knexrs_query::{Conditions, IntoName, IntoOperand, Select, Update, Wheres, raw};
use knexrs_query::{Order, PostgresQueryBuilder};

/// Rows per batch unless [`Backfill::batch_size`] says otherwise.
const DEFAULT_BATCH: u64 = 1_000;

/// An `update` run in batches of N rows, by key order, each batch committing
/// on its own (recorded with [`MigrationSteps::backfill`](crate::MigrationSteps::backfill)).
///
/// Its `where` conditions name the rows that still need the update, and the
/// update must make them false (`where_null("job_kind")` with
/// `set("job_kind", …)`): that is what lets a run interrupted halfway be run
/// again and finish, touching only the rows left.
///
/// ```
/// use knexrs_migrate::Backfill;
/// use knexrs_query::{Wheres, raw};
///
/// let mut fill = Backfill::new("sessions", "id");
/// fill.set("job_kind", raw("split_part(job_name, '-', 1)")).where_null("job_kind").batch_size(500);
/// let sql = fill.batch_sql(None).unwrap();
/// assert!(sql.starts_with(r#"with "batch" as (select "id" from "sessions" where ("job_kind" is null) order by "id" asc limit 500)"#));
/// ```
#[derive(Debug, Clone)]
pub struct Backfill {
    table: String,
    key: String,
    update: Update,
    needs: Conditions,
    batch_size: u64,
    name: Option<String>,
}

impl Wheres for Backfill {
    /// The rows still to do.
    fn conditions_mut(&mut self) -> &mut Conditions {
        &mut self.needs
    }
}

impl Backfill {
    /// A backfill of `table`, paged by `key` (a unique, indexed column: the
    /// primary key).
    ///
    /// ```
    /// let fill = knexrs_migrate::Backfill::new("sessions", "id");
    /// assert_eq!(fill.name(), "backfill sessions");
    /// ```
    pub fn new(table: impl Into<String>, key: impl Into<String>) -> Self {
        let table = table.into();
        Backfill {
            update: Update::table(table.clone()),
            table,
            key: key.into(),
            needs: Conditions::default(),
            batch_size: DEFAULT_BATCH,
            name: None,
        }
    }

    /// `set column = value` in every batch (a value, or `raw("…")` computed from the row).
    ///
    /// ```
    /// # use knexrs_query::{Wheres, raw};
    /// let mut fill = knexrs_migrate::Backfill::new("users", "id");
    /// fill.set("display_name", raw("first_name || ' ' || last_name")).where_null("display_name");
    /// assert!(fill.batch_sql(None).unwrap().contains(r#"set "display_name" = first_name || ' ' || last_name"#));
    /// ```
    pub fn set(&mut self, column: impl IntoName, value: impl IntoOperand) -> &mut Self {
        self.update.set(column, value);
        self
    }

    /// Rows per batch (default 1,000); each batch is one transaction.
    ///
    /// ```
    /// # use knexrs_query::Wheres;
    /// let mut fill = knexrs_migrate::Backfill::new("users", "id");
    /// fill.set("active", true).where_null("active").batch_size(5_000);
    /// assert!(fill.batch_sql(None).unwrap().contains("limit 5000"));
    /// ```
    pub fn batch_size(&mut self, rows: u64) -> &mut Self {
        self.batch_size = rows.max(1);
        self
    }

    /// Names the step in dry runs, progress lines and errors (default `backfill <table>`).
    ///
    /// ```
    /// let mut fill = knexrs_migrate::Backfill::new("sessions", "id");
    /// fill.named("split job names");
    /// assert_eq!(fill.name(), "split job names");
    /// ```
    pub fn named(&mut self, name: impl Into<String>) -> &mut Self {
        self.name = Some(name.into());
        self
    }

    /// The step's name.
    ///
    /// ```
    /// assert_eq!(knexrs_migrate::Backfill::new("users", "id").name(), "backfill users");
    /// ```
    pub fn name(&self) -> String {
        self.name.clone().unwrap_or_else(|| format!("backfill {}", self.table))
    }

    /// The rows still to do, counted before the first batch (for progress).
    ///
    /// ```
    /// # use knexrs_query::Wheres;
    /// let mut fill = knexrs_migrate::Backfill::new("users", "id");
    /// fill.set("active", true).where_null("active");
    /// assert_eq!(fill.count_sql().unwrap(), r#"select count(*) from "users" where ("active" is null)"#);
    /// ```
    pub fn count_sql(&self) -> Result<String, MigrateError> {
        self.check()?;
        let mut q = Select::from(self.table.clone());
        q.column_raw(raw("count(*)"));
        self.where_needed(&mut q);
        self.render(&q)
    }

    /// One batch: the next `batch_size` keys after `after` (the previous
    /// batch's last key, as text) among the rows still to do, updated where
    /// they still need it; returns how many rows it updated and the batch's
    /// last key (null when no row was left).
    ///
    /// ```
    /// # use knexrs_query::Wheres;
    /// let mut fill = knexrs_migrate::Backfill::new("users", "id");
    /// fill.set("active", true).where_null("active").batch_size(2);
    /// let sql = fill.batch_sql(Some("41")).unwrap();
    /// assert!(sql.contains(r#"and "id" > '41'"#), "{sql}");
    /// assert!(sql.ends_with(r#"select (select count(*) from "updated"), (select max("id")::text from "batch")"#), "{sql}");
    /// ```
    pub fn batch_sql(&self, after: Option<&str>) -> Result<String, MigrateError> {
        self.check()?;
        let key = knexrs_sql::quote_ident(&self.key);
        let mut batch = Select::from(self.table.clone());
        batch.column(self.key.clone());
        self.where_needed(&mut batch);
        if let Some(after) = after {
            batch.where_op(self.key.clone(), ">", after.to_owned());
        }
        batch.order_by(self.key.clone(), Order::Asc).limit(self.batch_size);
        let mut update = self.update.clone();
        self.where_needed(&mut update);
        update.where_raw(raw(format!(r#"{key} in (select {key} from "batch")"#))).returning([self.key.clone()]);
        Ok(format!(
            r#"with "batch" as ({}), "updated" as ({}) select (select count(*) from "updated"), (select max({key})::text from "batch")"#,
            self.render(&batch)?,
            self.render(&update)?,
        ))
    }

    /// The conditions, grouped: the caller's `or`s stay inside.
    fn where_needed(&self, q: &mut impl Wheres) {
        let needs = self.needs.clone();
        q.where_group(move |g| *g.conditions_mut() = needs);
    }

    /// A backfill without a condition would update every row again on a
    /// rerun; one without `set` would never finish its rows.
    fn check(&self) -> Result<(), MigrateError> {
        if self.needs.is_empty() {
            return Err(MigrateError::InvalidBackfill {
                step: self.name(),
                problem: "it needs a condition naming the rows still to do, which its `set` makes false (e.g. `.where_null(\"job_kind\")`), so that a rerun after an interruption skips the rows already done".to_owned(),
            });
        }
        Ok(())
    }

    fn render(&self, statement: &impl knexrs_query::Statement) -> Result<String, MigrateError> {
        statement
            .to_string(PostgresQueryBuilder)
            .map_err(|e| MigrateError::InvalidBackfill { step: self.name(), problem: e.to_string() })
    }
}

/// What one batch of [`Backfill::batch_sql`] did: the rows it updated, and
/// the last key it looked at (`None` once no row is left to do).
#[derive(Debug)]
pub(crate) struct Batch {
    pub(crate) updated: u64,
    pub(crate) last: Option<String>,
}

impl Batch {
    /// Reads the batch statement's one row.
    pub(crate) fn read(row: &tokio_postgres::Row) -> Result<Batch, tokio_postgres::Error> {
        let updated: i64 = row.try_get(0)?;
        Ok(Batch { updated: updated.unsigned_abs(), last: row.try_get(1)? })
    }
}
