//! Turning "what is applied" and a command into a plan: the migrations to run,
//! rendered up front (so a rendering error changes nothing), grouped into
//! transaction units, with their bookkeeping statements.

use crate::db::{self, AppliedRow};
use crate::migration::stem_of;
use crate::{Direction, MigrateError, Migration, MigrationConfig, Migrator, RunOptions, TransactionMode};
use knexrs_schema::PostgresQueryBuilder;

/// One migration of a plan, ready to send.
///
/// ```
/// use knexrs_migrate::{MigrationConfig, PlannedMigration};
///
/// let planned = PlannedMigration {
///     name: "20250101000000_create_users".into(),
///     statements: vec![r#"create table "users" ("id" serial primary key)"#.into()],
///     bookkeeping: vec![],
///     config: MigrationConfig::new(),
/// };
/// assert_eq!(planned.statements.len(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedMigration {
    /// The migration's name.
    pub name: String,
    /// Its statements, in order, one SQL statement each.
    pub statements: Vec<String>,
    /// The bookkeeping statements that record (or forget) it.
    pub bookkeeping: Vec<String>,
    /// Its configuration.
    pub config: MigrationConfig,
}

/// Migrations that commit together, or one that runs outside a transaction.
///
/// ```
/// use knexrs_migrate::{MigrationConfig, PlannedMigration, Unit};
///
/// let index = PlannedMigration {
///     name: "20250101000000_add_index".into(),
///     statements: vec![r#"create index concurrently "users_email_index" on "users" ("email")"#.into()],
///     bookkeeping: vec![],
///     config: MigrationConfig::new().no_transaction(),
/// };
/// let unit = Unit { transactional: false, migrations: vec![index] };
/// assert!(!unit.transactional);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    /// Whether the unit runs in one transaction.
    pub transactional: bool,
    /// Its migrations.
    pub migrations: Vec<PlannedMigration>,
}

/// What a command will do: shown by `--dry-run`, then executed as is.
///
/// ```
/// use knexrs_migrate::{Direction, Plan};
///
/// let plan = Plan { direction: Direction::Up, batch: 3, setup: vec![], units: vec![] };
/// assert!(plan.is_empty());
/// assert!(plan.to_script().contains("nothing to run"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// Up or down.
    pub direction: Direction,
    /// The batch applied (up) or rolled back (down).
    pub batch: i32,
    /// Bookkeeping tables to create first (dry runs only show them).
    pub setup: Vec<String>,
    /// The units, in order.
    pub units: Vec<Unit>,
}

/// Which migrations a command selects.
///
/// ```
/// use knexrs_migrate::Target;
///
/// // `migrate up 20250101000000_create_users`
/// let target = Target::Up(Some("20250101000000_create_users".into()));
/// assert_ne!(target, Target::Latest);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Every pending migration (`latest`).
    Latest,
    /// The last batch, or everything (`rollback [--all]`).
    Rollback {
        /// Everything applied.
        all: bool,
    },
    /// The next pending migration, or the named one (`up [name]`).
    Up(Option<String>),
    /// The last applied migration, or the named one (`down [name]`).
    Down(Option<String>),
}

impl Plan {
    /// Whether there is nothing to run.
    ///
    /// ```
    /// use knexrs_migrate::{Direction, Plan, Unit};
    ///
    /// let plan = Plan { direction: Direction::Down, batch: 2, setup: vec![], units: vec![Unit { transactional: true, migrations: vec![] }] };
    /// assert!(plan.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.units.iter().all(|u| u.migrations.is_empty())
    }

    /// The names of the planned migrations, in order.
    ///
    /// ```
    /// use knexrs_migrate::{Direction, MigrationConfig, Plan, PlannedMigration, Unit};
    ///
    /// let planned = |name: &str| PlannedMigration { name: name.into(), statements: vec![], bookkeeping: vec![], config: MigrationConfig::new() };
    /// let plan = Plan {
    ///     direction: Direction::Up,
    ///     batch: 1,
    ///     setup: vec![],
    ///     units: vec![Unit { transactional: true, migrations: vec![planned("20250101000000_a"), planned("20250102000000_b")] }],
    /// };
    /// assert_eq!(plan.migration_names(), ["20250101000000_a", "20250102000000_b"]);
    /// ```
    pub fn migration_names(&self) -> Vec<&str> {
        self.units.iter().flat_map(|u| u.migrations.iter().map(|m| m.name.as_str())).collect()
    }

    /// The SQL the plan sends, with its transaction boundaries.
    ///
    /// ```
    /// use knexrs_migrate::{Direction, MigrationConfig, Plan, PlannedMigration, Unit};
    ///
    /// let users = PlannedMigration {
    ///     name: "20250101000000_create_users".into(),
    ///     statements: vec![r#"create table "users" ("id" serial primary key)"#.into()],
    ///     bookkeeping: vec![r#"insert into "knex_migrations" ("name", "batch", "migration_time") values ('20250101000000_create_users.rs', 1, now())"#.into()],
    ///     config: MigrationConfig::new(),
    /// };
    /// let plan = Plan { direction: Direction::Up, batch: 1, setup: vec![], units: vec![Unit { transactional: true, migrations: vec![users] }] };
    /// assert_eq!(
    ///     plan.to_script(),
    ///     r#"-- dry run: nothing below was sent to the database
    /// -- batch 1 applies 1 migration(s)
    /// BEGIN;
    /// -- migration 20250101000000_create_users
    /// create table "users" ("id" serial primary key);
    /// insert into "knex_migrations" ("name", "batch", "migration_time") values ('20250101000000_create_users.rs', 1, now());
    /// COMMIT;
    /// "#
    /// );
    /// ```
    pub fn to_script(&self) -> String {
        let mut out = String::from("-- dry run: nothing below was sent to the database\n");
        if !self.setup.is_empty() {
            out.push_str("-- bookkeeping tables\n");
            for sql in &self.setup {
                out.push_str(&format!("{sql};\n"));
            }
        }
        if self.is_empty() {
            out.push_str("-- nothing to run\n");
            return out;
        }
        let verb = match self.direction {
            Direction::Up => "applies",
            Direction::Down => "rolls back",
        };
        out.push_str(&format!("-- batch {} {verb} {} migration(s)\n", self.batch, self.migration_names().len()));
        for unit in &self.units {
            if unit.transactional {
                out.push_str("BEGIN;\n");
            } else {
                out.push_str("-- outside a transaction: each statement commits on its own\n");
            }
            for migration in &unit.migrations {
                out.push_str(&format!("-- migration {}\n", migration.name));
                for sql in migration.statements.iter().chain(&migration.bookkeeping) {
                    out.push_str(&knexrs_sql::terminate(sql));
                    out.push('\n');
                }
            }
            if unit.transactional {
                out.push_str("COMMIT;\n");
            }
        }
        out
    }
}

impl Migrator {
    /// Plans `target` against what is applied, without a server. Applied rows
    /// are checked first: a recorded migration without a file is an error.
    /// Every migration is rendered here, so an error in one changes nothing.
    pub(crate) fn plan(
        &self,
        applied: &[AppliedRow],
        target: &Target,
        options: &RunOptions,
    ) -> Result<Plan, MigrateError> {
        self.check_missing(applied)?;
        let last_batch = db::last_batch(applied);
        let applied_names: std::collections::HashSet<&str> = applied.iter().map(AppliedRow::name).collect();
        let pending = || self.migrations().iter().filter(|m| !applied_names.contains(m.name()));
        match target {
            Target::Latest => {
                let chosen: Vec<&Migration> = pending().collect();
                self.plan_up(&chosen, last_batch + 1, options)
            }
            Target::Up(name) => {
                let chosen = match name {
                    None => pending().next(),
                    Some(name) => {
                        let wanted = stem_of(name);
                        if applied_names.contains(wanted) {
                            None
                        } else {
                            Some(
                                pending()
                                    .find(|m| m.name() == wanted)
                                    .ok_or_else(|| MigrateError::UnknownMigration { name: name.clone() })?,
                            )
                        }
                    }
                };
                self.plan_up(&chosen.into_iter().collect::<Vec<_>>(), last_batch + 1, options)
            }
            Target::Rollback { all } => {
                let mut rows: Vec<&AppliedRow> = if *all {
                    applied.iter().collect()
                } else {
                    applied.iter().filter(|row| row.batch == last_batch).collect()
                };
                // knex: the newest file first.
                rows.sort_by(|a, b| self.position(b.name()).cmp(&self.position(a.name())).then(b.id.cmp(&a.id)));
                self.plan_down(&rows, last_batch, options)
            }
            Target::Down(name) => {
                let row = match name {
                    None => applied.iter().max_by_key(|row| (self.position(row.name()), row.id)),
                    Some(name) => Some(
                        applied
                            .iter()
                            .find(|row| row.name() == stem_of(name))
                            .ok_or_else(|| MigrateError::NotApplied { name: name.clone() })?,
                    ),
                };
                let batch = row.map_or(last_batch, |r| r.batch);
                self.plan_down(&row.into_iter().collect::<Vec<_>>(), batch, options)
            }
        }
    }

    pub(crate) fn check_missing(&self, applied: &[AppliedRow]) -> Result<(), MigrateError> {
        let missing: Vec<String> =
            applied.iter().filter(|row| self.find(row.name()).is_none()).map(|row| row.recorded_name.clone()).collect();
        if missing.is_empty() { Ok(()) } else { Err(MigrateError::MissingFiles { names: missing }) }
    }

    fn plan_up(&self, chosen: &[&Migration], batch: i32, options: &RunOptions) -> Result<Plan, MigrateError> {
        let mut planned = Vec::with_capacity(chosen.len());
        for migration in chosen {
            let mut one = prepare(migration, true, options)?;
            one.0.bookkeeping = db::record_sql(self.tables(), migration, batch)?;
            planned.push(one);
        }
        Ok(group(Direction::Up, batch, planned, options))
    }

    fn plan_down(&self, rows: &[&AppliedRow], batch: i32, options: &RunOptions) -> Result<Plan, MigrateError> {
        let mut planned = Vec::with_capacity(rows.len());
        for row in rows {
            let Some(migration) = self.find(row.name()) else {
                return Err(MigrateError::MissingFiles { names: vec![row.recorded_name.clone()] });
            };
            let mut one = prepare(migration, false, options)?;
            one.0.bookkeeping = db::forget_sql(self.tables(), row);
            planned.push(one);
        }
        Ok(group(Direction::Down, batch, planned, options))
    }
}

/// One migration's `up` or `down`, rendered and split into single statements,
/// with whether it runs in a transaction.
fn prepare(migration: &Migration, up: bool, options: &RunOptions) -> Result<(PlannedMigration, bool), MigrateError> {
    let schema = migration.record(up)?;
    let rendered = schema
        .build(PostgresQueryBuilder)
        .map_err(|source| MigrateError::Render { migration: migration.name().to_owned(), source })?;
    let mut statements = Vec::with_capacity(rendered.len());
    for sql in &rendered {
        let parts = knexrs_sql::split_statements(sql).map_err(|source| MigrateError::IncompleteSql {
            migration: migration.name().to_owned(),
            statement: statements.len() + 1,
            source,
        })?;
        statements.extend(parts.iter().map(|part| part.text.to_owned()));
    }
    let transactional = needs_transaction(migration, &schema)? && options.transaction_mode != TransactionMode::None;
    if transactional {
        let control =
            statements.iter().enumerate().find_map(|(i, sql)| knexrs_sql::transaction_control(sql).map(|k| (i, k)));
        if let Some((i, keyword)) = control {
            return Err(MigrateError::TransactionControl {
                migration: migration.name().to_owned(),
                keyword,
                statement: i + 1,
                statements: statements.len(),
            });
        }
    }
    let planned = PlannedMigration {
        name: migration.name().to_owned(),
        statements,
        bookkeeping: Vec::new(),
        config: migration.config(),
    };
    Ok((planned, transactional))
}

/// Groups migrations into transaction units: one for the batch (`all`), one
/// per migration (`each`), none (`none`); a migration that cannot run in a
/// transaction is a unit of its own, and splits an `all` batch around it.
fn group(direction: Direction, batch: i32, planned: Vec<(PlannedMigration, bool)>, options: &RunOptions) -> Plan {
    let mut units: Vec<Unit> = Vec::new();
    for (migration, transactional) in planned {
        let joins_last = transactional
            && options.transaction_mode == TransactionMode::All
            && units.last().is_some_and(|u| u.transactional);
        match units.last_mut() {
            Some(unit) if joins_last => unit.migrations.push(migration),
            _ => units.push(Unit { transactional, migrations: vec![migration] }),
        }
    }
    Plan { direction, batch, setup: Vec::new(), units }
}

/// Whether a migration runs in a transaction: its configuration decides, or
/// its statements (`create index concurrently` cannot run in one).
fn needs_transaction(migration: &Migration, schema: &knexrs_schema::SchemaBuilder) -> Result<bool, MigrateError> {
    let refuses = schema.needs_no_transaction();
    match migration.config().transaction {
        Some(true) if refuses => Err(MigrateError::TransactionConflict { migration: migration.name().to_owned() }),
        Some(forced) => Ok(forced),
        None => Ok(!refuses),
    }
}
