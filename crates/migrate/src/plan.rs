//! Turning "what is applied" and a command into a plan: the migrations to run,
//! rendered up front (so a rendering error changes nothing), grouped into
//! transaction units, with their bookkeeping statements.

use crate::db::{self, AppliedRow};
use crate::migration::stem_of;
use crate::step::StepBody;
use crate::{Direction, MigrateError, Migration, MigrationConfig, Migrator, RunOptions, TransactionMode};
use knexrs_schema::{PostgresQueryBuilder, RuntimeStep, SchemaStatement, ServerVersion};

/// One migration of a plan, ready to send.
///
/// ```
/// use knexrs_migrate::{MigrationConfig, PlannedMigration};
///
/// let planned = PlannedMigration {
///     name: "20250101000000_create_users".into(),
///     recorded_name: "20250101000000_create_users.rs".into(),
///     statements: vec![r#"create table "users" ("id" serial primary key)"#.into()],
///     steps: vec![],
///     bookkeeping: vec![],
///     config: MigrationConfig::new(),
/// };
/// assert_eq!(planned.statements.len(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedMigration {
    /// The migration's name.
    pub name: String,
    /// The name its `knex_migrations` row gets (up) or has (down).
    pub recorded_name: String,
    /// Its statements, in order, one SQL statement each.
    pub statements: Vec<String>,
    /// Its run-time steps, each placed before a statement.
    pub steps: Vec<PlannedStep>,
    /// The bookkeeping statements that record (or forget) it.
    pub bookkeeping: Vec<String>,
    /// Its configuration.
    pub config: MigrationConfig,
}

/// A run-time step of a planned migration: Rust code, or a batched backfill.
#[derive(Clone)]
pub struct PlannedStep {
    /// The statement it runs before (`statements.len()`: after them all).
    pub at: usize,
    /// Its name.
    pub name: String,
    /// For a backfill, the rows-left count and the first batch, as a dry run shows them.
    pub sql: Vec<String>,
    pub(crate) body: StepBody,
}

impl std::fmt::Debug for PlannedStep {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PlannedStep").field("at", &self.at).field("name", &self.name).field("sql", &self.sql).finish()
    }
}

impl PartialEq for PlannedStep {
    fn eq(&self, other: &Self) -> bool {
        self.at == other.at && self.name == other.name && self.sql == other.sql
    }
}

impl Eq for PlannedStep {}

impl PlannedMigration {
    /// Whether running it again after an interruption finishes it: it holds
    /// only resumable steps (batched backfills) and no statement.
    ///
    /// ```
    /// use knexrs_migrate::{MigrationConfig, PlannedMigration};
    ///
    /// let planned = PlannedMigration {
    ///     name: "20250101000000_a".into(),
    ///     recorded_name: "20250101000000_a.rs".into(),
    ///     statements: vec!["select 1".into()],
    ///     steps: vec![],
    ///     bookkeeping: vec![],
    ///     config: MigrationConfig::new(),
    /// };
    /// assert!(!planned.is_resumable());
    /// ```
    pub fn is_resumable(&self) -> bool {
        let statements = self.statements.iter().map(|_| None);
        crate::step::resumes(statements.chain(self.steps.iter().map(|s| Some(&s.body))))
    }

    /// The steps placed before statement `at`.
    pub(crate) fn steps_at(&self, at: usize) -> impl Iterator<Item = &PlannedStep> {
        self.steps.iter().filter(move |s| s.at == at)
    }

    fn write_steps_at(&self, at: usize, transactional: bool, out: &mut String) {
        for step in self.steps_at(at) {
            if step.sql.is_empty() {
                let place =
                    if transactional { "in this migration's transaction" } else { "on this migration's connection" };
                out.push_str(&format!("-- step \"{}\": runs Rust code here, {place}\n", step.name));
            } else {
                out.push_str(&format!(
                    "-- step \"{}\": a batched backfill; counts the rows left, then repeats the batch (each its own transaction) from the last key until none is left\n",
                    step.name
                ));
                for sql in &step.sql {
                    out.push_str(&knexrs_sql::terminate(sql));
                    out.push('\n');
                }
            }
        }
    }
}

/// Migrations that commit together, or one that runs outside a transaction.
///
/// ```
/// use knexrs_migrate::{MigrationConfig, PlannedMigration, Unit};
///
/// let index = PlannedMigration {
///     name: "20250101000000_add_index".into(),
///     recorded_name: "20250101000000_add_index.rs".into(),
///     statements: vec![r#"create index concurrently "users_email_index" on "users" ("email")"#.into()],
///     steps: vec![],
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
    /// Every pending migration up to and including the named one (`to <name>`).
    To(String),
    /// Every pending migration before the named one (`before <name>`).
    Before(String),
}

impl Target {
    /// Whether it applies migrations (latest, up, to, before) rather than reverting them.
    ///
    /// ```
    /// use knexrs_migrate::Target;
    ///
    /// assert!(Target::To("20250101000000_a".into()).applies());
    /// assert!(!Target::Rollback { all: false }.applies());
    /// ```
    pub fn applies(&self) -> bool {
        matches!(self, Target::Latest | Target::Up(_) | Target::To(_) | Target::Before(_))
    }
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
    /// let planned = |name: &str| PlannedMigration { name: name.into(), recorded_name: format!("{name}.rs"), statements: vec![], steps: vec![], bookkeeping: vec![], config: MigrationConfig::new() };
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
    ///     recorded_name: "20250101000000_create_users.rs".into(),
    ///     statements: vec![r#"create table "users" ("id" serial primary key)"#.into()],
    ///     steps: vec![],
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
                for (i, sql) in migration.statements.iter().enumerate() {
                    migration.write_steps_at(i, unit.transactional, &mut out);
                    out.push_str(&knexrs_sql::terminate(sql));
                    out.push('\n');
                }
                migration.write_steps_at(migration.statements.len(), unit.transactional, &mut out);
                for sql in &migration.bookkeeping {
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
        server: Option<ServerVersion>,
    ) -> Result<Plan, MigrateError> {
        // A version given for the run (a dry run's `--pg-version`) wins over the connection's.
        let server = options.pg_version.or(server);
        if options.validate_migration_list {
            self.check_missing(applied)?;
        }
        let last_batch = db::last_batch(applied);
        let applied_names: rustc_hash::FxHashSet<&str> = applied.iter().map(AppliedRow::name).collect();
        let pending = || self.migrations().iter().filter(|m| !applied_names.contains(m.name()));
        let record_ext = options.record_extension.clone().or_else(|| recorded_extension(applied));
        match target {
            Target::Latest => {
                let chosen: Vec<&Migration> = pending().collect();
                self.plan_up(&chosen, last_batch + 1, &record_ext, options, server)
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
                self.plan_up(&chosen.into_iter().collect::<Vec<_>>(), last_batch + 1, &record_ext, options, server)
            }
            Target::To(name) | Target::Before(name) => {
                let wanted = stem_of(name);
                let index = self
                    .migrations()
                    .iter()
                    .position(|m| m.name() == wanted)
                    .ok_or_else(|| MigrateError::UnknownMigration { name: name.clone() })?;
                // knex: `to` includes the target, `before` stops short of it; both fill gaps below.
                let end = if matches!(target, Target::To(_)) { index + 1 } else { index };
                let chosen: Vec<&Migration> =
                    self.migrations()[..end].iter().filter(|m| !applied_names.contains(m.name())).collect();
                self.plan_up(&chosen, last_batch + 1, &record_ext, options, server)
            }
            Target::Rollback { all } => {
                let mut rows: Vec<&AppliedRow>;
                if *all {
                    // knex: every applied file, the last file first.
                    rows = applied.iter().collect();
                    rows.sort_by(|a, b| self.position(b.name()).cmp(&self.position(a.name())).then(b.id.cmp(&a.id)));
                } else {
                    // knex: the last batch, the last recorded first (`order by id desc`).
                    rows = applied.iter().filter(|row| row.batch == last_batch).collect();
                    rows.sort_by_key(|row| std::cmp::Reverse(row.id));
                }
                self.plan_down(&rows, last_batch, options, server)
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
                self.plan_down(&row.into_iter().collect::<Vec<_>>(), batch, options, server)
            }
        }
    }

    pub(crate) fn check_missing(&self, applied: &[AppliedRow]) -> Result<(), MigrateError> {
        let missing: Vec<String> =
            applied.iter().filter(|row| self.find(row.name()).is_none()).map(|row| row.recorded_name.clone()).collect();
        if missing.is_empty() { Ok(()) } else { Err(MigrateError::MissingFiles { names: missing }) }
    }

    fn plan_up(
        &self,
        chosen: &[&Migration],
        batch: i32,
        record_ext: &Option<String>,
        options: &RunOptions,
        server: Option<ServerVersion>,
    ) -> Result<Plan, MigrateError> {
        let mut planned = Vec::with_capacity(chosen.len());
        for migration in chosen {
            let mut one = prepare(migration, true, options, server)?;
            let recorded = recorded_name(migration, record_ext.as_deref());
            one.0.bookkeeping = db::record_sql(self.tables(), migration, &recorded, batch)?;
            one.0.recorded_name = recorded;
            planned.push(one);
        }
        Ok(group(Direction::Up, batch, planned, options))
    }

    fn plan_down(
        &self,
        rows: &[&AppliedRow],
        batch: i32,
        options: &RunOptions,
        server: Option<ServerVersion>,
    ) -> Result<Plan, MigrateError> {
        let mut planned = Vec::with_capacity(rows.len());
        for row in rows {
            let Some(migration) = self.find(row.name()) else {
                return Err(MigrateError::MissingFiles { names: vec![row.recorded_name.clone()] });
            };
            let mut one = prepare(migration, false, options, server)?;
            one.0.bookkeeping = db::forget_sql(self.tables(), row);
            one.0.recorded_name = row.recorded_name.clone();
            planned.push(one);
        }
        Ok(group(Direction::Down, batch, planned, options))
    }
}

/// One migration's `up` or `down`, rendered and split into single statements,
/// with whether it runs in a transaction.
pub(crate) fn prepare(
    migration: &Migration,
    up: bool,
    options: &RunOptions,
    server: Option<ServerVersion>,
) -> Result<(PlannedMigration, bool), MigrateError> {
    let schema = migration.record(up)?;
    if let Some(server) = server {
        schema
            .check_server(server)
            .map_err(|source| MigrateError::Render { migration: migration.name().to_owned(), source })?;
    }
    let render = |source| MigrateError::Render { migration: migration.name().to_owned(), source };
    let mut statements = Vec::new();
    let mut steps = Vec::new();
    for statement in schema.statements() {
        if let SchemaStatement::Step(step) = statement {
            steps.push(plan_step(migration, step, statements.len())?);
            continue;
        }
        for sql in statement.build(PostgresQueryBuilder).map_err(render)? {
            let parts = knexrs_sql::split_statements(&sql).map_err(|source| MigrateError::IncompleteSql {
                migration: migration.name().to_owned(),
                statement: statements.len() + 1,
                source,
            })?;
            statements.extend(parts.iter().map(|part| part.text.to_owned()));
        }
    }
    // A migration's own `transaction: true` wins over `--transaction none`, as knex's local flag beats its global one.
    let transactional = needs_transaction(migration, &schema)?
        && (options.transaction_mode != TransactionMode::None || migration.config().transaction == Some(true));
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
        recorded_name: migration.file_name().to_owned(),
        statements,
        steps,
        bookkeeping: Vec::new(),
        config: migration.config(),
    };
    Ok((planned, transactional))
}

/// A recorded step, checked: one this crate did not record cannot run, and
/// a backfill renders now (so an error in it changes nothing).
fn plan_step(migration: &Migration, step: &RuntimeStep, at: usize) -> Result<PlannedStep, MigrateError> {
    let Some(body) = crate::step::body_of(step) else {
        return Err(MigrateError::Render {
            migration: migration.name().to_owned(),
            source: knexrs_schema::SchemaError::RuntimeStep { name: step.name().to_owned() },
        });
    };
    let sql = match body {
        StepBody::Code(_) => Vec::new(),
        StepBody::Backfill(fill) => vec![fill.count_sql()?, fill.batch_sql(None)?],
    };
    Ok(PlannedStep { at, name: step.name().to_owned(), sql, body: body.clone() })
}

/// Groups migrations into transaction units: one for the batch (`all`), one
/// per migration (`each`), none (`none`); a migration that cannot run in a
/// transaction is a unit of its own, and splits an `all` batch around it.
fn group(direction: Direction, batch: i32, planned: Vec<(PlannedMigration, bool)>, options: &RunOptions) -> Plan {
    // knex's default: one transaction for an up batch whose migrations all run
    // in one; otherwise (and for every down) each migration in its own.
    let shared = match options.transaction_mode {
        TransactionMode::All => true,
        TransactionMode::Knex => direction == Direction::Up && planned.iter().all(|(_, transactional)| *transactional),
        TransactionMode::Each | TransactionMode::None => false,
    };
    let mut units: Vec<Unit> = Vec::new();
    for (migration, transactional) in planned {
        let joins_last = transactional && shared && units.last().is_some_and(|u| u.transactional);
        match units.last_mut() {
            Some(unit) if joins_last => unit.migrations.push(migration),
            _ => units.push(Unit { transactional, migrations: vec![migration] }),
        }
    }
    Plan { direction, batch, setup: Vec::new(), units }
}

/// The extension new rows record: the one the table's newest row has (so a
/// table knex keeps with `.js` names stays readable by knex), if any.
pub(crate) fn recorded_extension(applied: &[AppliedRow]) -> Option<String> {
    applied.iter().rev().find_map(|row| {
        let stem = row.name();
        (stem.len() < row.recorded_name.len()).then(|| row.recorded_name[stem.len() + 1..].to_owned())
    })
}

/// The name `migration` is recorded under in `knex_migrations`.
pub(crate) fn recorded_name(migration: &Migration, extension: Option<&str>) -> String {
    match extension {
        Some(ext) if !ext.is_empty() => format!("{}.{ext}", migration.name()),
        _ => migration.file_name().to_owned(),
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Migration, MigrationConfig};
    use knexrs_schema::SchemaBuilder;

    /// `t_<i>`: a transactional migration of two statements.
    fn table(i: u32) -> Migration {
        Migration::new(
            format!("2024010100000{i}_t_{i}"),
            move |s: &mut SchemaBuilder| {
                s.create_table(format!("t_{i}"), |t| {
                    t.increments("id");
                    t.string("name").index();
                });
            },
            move |s: &mut SchemaBuilder| {
                s.drop_table(format!("t_{i}"));
            },
        )
    }

    /// An index built concurrently: no transaction, by its statement.
    fn concurrent(i: u32) -> Migration {
        Migration::new(
            format!("2024010100000{i}_index_{i}"),
            |s: &mut SchemaBuilder| {
                s.raw("create index concurrently i on t_1 (name)");
            },
            |s: &mut SchemaBuilder| {
                s.raw("drop index concurrently i");
            },
        )
    }

    /// A migration declared `no_transaction()`.
    fn declared(i: u32) -> Migration {
        Migration::new(
            format!("2024010100000{i}_declared_{i}"),
            |s: &mut SchemaBuilder| {
                s.raw("select 1");
            },
            |s: &mut SchemaBuilder| {
                s.raw("select 2");
            },
        )
        .with_config(MigrationConfig::new().no_transaction())
    }

    fn row(id: i32, name: &str, batch: i32) -> AppliedRow {
        AppliedRow { id, recorded_name: format!("{name}.rs"), batch, migration_time: None }
    }

    fn options(mode: TransactionMode) -> RunOptions {
        let mut options = RunOptions::default();
        options.transaction(mode);
        options
    }

    /// A unit as (transactional, [migration names]).
    type Shape<'a> = (bool, Vec<&'a str>);

    /// The plan's shape: its units.
    fn shape(plan: &Plan) -> Vec<Shape<'_>> {
        plan.units.iter().map(|u| (u.transactional, u.migrations.iter().map(|m| m.name.as_str()).collect())).collect()
    }

    #[test]
    fn transaction_modes_group_the_batch_around_migrations_that_refuse_a_transaction() {
        let migrator = Migrator::new(vec![table(1), table(2), concurrent(3), table(4), declared(5), table(6)]).unwrap();
        let cases: [(TransactionMode, Vec<Shape<'_>>); 3] = [
            (
                TransactionMode::All,
                vec![
                    (true, vec!["20240101000001_t_1", "20240101000002_t_2"]),
                    (false, vec!["20240101000003_index_3"]),
                    (true, vec!["20240101000004_t_4"]),
                    (false, vec!["20240101000005_declared_5"]),
                    (true, vec!["20240101000006_t_6"]),
                ],
            ),
            (
                TransactionMode::Each,
                vec![
                    (true, vec!["20240101000001_t_1"]),
                    (true, vec!["20240101000002_t_2"]),
                    (false, vec!["20240101000003_index_3"]),
                    (true, vec!["20240101000004_t_4"]),
                    (false, vec!["20240101000005_declared_5"]),
                    (true, vec!["20240101000006_t_6"]),
                ],
            ),
            (TransactionMode::None, (1..=6).map(|i| (false, vec![migrator.migrations()[i - 1].name()])).collect()),
        ];
        for (mode, expected) in cases {
            let plan = migrator.plan(&[], &Target::Latest, &options(mode), None).unwrap();
            assert_eq!(shape(&plan), expected, "{mode}");
            assert_eq!((plan.direction, plan.batch), (Direction::Up, 1));
        }
        // knex's default: one transaction only when every migration of the batch runs in one.
        let mixed = migrator.plan(&[], &Target::Latest, &RunOptions::default(), None).unwrap();
        assert_eq!(
            shape(&mixed),
            shape(&migrator.plan(&[], &Target::Latest, &options(TransactionMode::Each), None).unwrap())
        );
        let plain = Migrator::new(vec![table(1), table(2)]).unwrap();
        let plan = plain.plan(&[], &Target::Latest, &RunOptions::default(), None).unwrap();
        assert_eq!(shape(&plan), [(true, vec!["20240101000001_t_1", "20240101000002_t_2"])]);
        // A migration's own `transaction: true` wins over `--transaction none`.
        let own = Migrator::new(vec![
            table(1).with_config(MigrationConfig { transaction: Some(true), ..MigrationConfig::new() }),
        ])
        .unwrap();
        let plan = own.plan(&[], &Target::Latest, &options(TransactionMode::None), None).unwrap();
        assert_eq!(shape(&plan), [(true, vec!["20240101000001_t_1"])]);
    }

    #[test]
    fn to_and_before_fill_the_gaps_below_their_target_as_one_batch() {
        let migrator = Migrator::new(vec![table(1), table(2), table(3), table(4)]).unwrap();
        let applied = [row(1, "20240101000002_t_2", 1)];
        let to =
            migrator.plan(&applied, &Target::To("20240101000003_t_3".into()), &RunOptions::default(), None).unwrap();
        assert_eq!(shape(&to), [(true, vec!["20240101000001_t_1", "20240101000003_t_3"])]);
        assert_eq!(to.batch, 2);
        let before =
            migrator.plan(&applied, &Target::Before("20240101000003_t_3".into()), &RunOptions::default(), None);
        assert_eq!(shape(&before.unwrap()), [(true, vec!["20240101000001_t_1"])]);
        let first = migrator.plan(&[], &Target::Before("20240101000001_t_1".into()), &RunOptions::default(), None);
        assert!(first.unwrap().is_empty(), "before the first migration: nothing");
        let done = migrator.plan(
            &[row(1, "20240101000001_t_1", 1)],
            &Target::To("20240101000001_t_1".into()),
            &RunOptions::default(),
            None,
        );
        assert!(done.unwrap().is_empty(), "a target already applied: nothing");
        let unknown = migrator.plan(&applied, &Target::To("nope".into()), &RunOptions::default(), None);
        assert!(matches!(unknown, Err(MigrateError::UnknownMigration { .. })));
    }

    #[test]
    fn new_rows_record_the_extension_the_table_already_uses() {
        let migrator = Migrator::new(vec![table(1), table(2)]).unwrap();
        let knex_rows =
            [AppliedRow { id: 1, recorded_name: "20240101000001_t_1.js".into(), batch: 1, migration_time: None }];
        let plan = migrator.plan(&knex_rows, &Target::Latest, &RunOptions::default(), None).unwrap();
        assert!(plan.units[0].migrations[0].bookkeeping[0].contains("'20240101000002_t_2.js'"));
        let fresh = migrator.plan(&[], &Target::Latest, &RunOptions::default(), None).unwrap();
        assert!(fresh.units[0].migrations[0].bookkeeping[0].contains("'20240101000001_t_1.rs'"));
        let chosen = RunOptions { record_extension: Some("js".into()), ..RunOptions::default() };
        let chosen = migrator.plan(&[], &Target::Latest, &chosen, None).unwrap();
        assert!(chosen.units[0].migrations[0].bookkeeping[0].contains("'20240101000001_t_1.js'"));
    }

    #[test]
    fn each_planned_migration_holds_single_statements_and_the_bookkeeping_that_records_it() {
        let migrator = Migrator::new(vec![table(1)]).unwrap();
        let plan = migrator.plan(&[], &Target::Latest, &RunOptions::default(), None).unwrap();
        let planned = &plan.units[0].migrations[0];
        assert_eq!(planned.statements.len(), 2, "create table, then its index: {:?}", planned.statements);
        assert!(planned.statements[0].starts_with("CREATE TABLE \"t_1\""));
        assert!(planned.statements[1].starts_with("CREATE INDEX"), "{:?}", planned.statements);
        assert_eq!(planned.bookkeeping.len(), 2);
        assert!(planned.bookkeeping[0].contains("'20240101000001_t_1.rs', 1"), "{:?}", planned.bookkeeping);
    }

    #[test]
    fn latest_and_up_plan_what_is_pending_in_file_order_as_the_next_batch() {
        let migrator = Migrator::new(vec![table(1), table(2), table(3)]).unwrap();
        let applied = [row(7, "20240101000002_t_2", 4)];
        let plan = migrator.plan(&applied, &Target::Latest, &RunOptions::default(), None).unwrap();
        assert_eq!(shape(&plan), [(true, vec!["20240101000001_t_1", "20240101000003_t_3"])]);
        assert_eq!(plan.batch, 5);
        let next = migrator.plan(&applied, &Target::Up(None), &RunOptions::default(), None).unwrap();
        assert_eq!(shape(&next), [(true, vec!["20240101000001_t_1"])]);
        let named =
            migrator.plan(&applied, &Target::Up(Some("20240101000003_t_3".into())), &RunOptions::default(), None);
        assert_eq!(shape(&named.unwrap()), [(true, vec!["20240101000003_t_3"])]);
        let done =
            migrator.plan(&applied, &Target::Up(Some("20240101000002_t_2".into())), &RunOptions::default(), None);
        assert!(done.unwrap().is_empty(), "an applied migration has nothing to do");
        let unknown = migrator.plan(&applied, &Target::Up(Some("nope".into())), &RunOptions::default(), None);
        assert!(matches!(unknown, Err(MigrateError::UnknownMigration { .. })));
    }

    #[test]
    fn rollback_plans_the_last_batch_last_recorded_first_all_last_file_first_and_down_the_newest_or_the_named() {
        let migrator = Migrator::new(vec![table(1), table(2), table(3), concurrent(4)]).unwrap();
        let applied = [
            row(1, "20240101000001_t_1", 1),
            row(2, "20240101000003_t_3", 2),
            row(3, "20240101000002_t_2", 2),
            row(4, "20240101000004_index_4", 2),
        ];
        let rollback = migrator.plan(&applied, &Target::Rollback { all: false }, &RunOptions::default(), None).unwrap();
        // knex: the batch's rows by id, last first; every down in a transaction of its own.
        assert_eq!(
            shape(&rollback),
            [
                (false, vec!["20240101000004_index_4"]),
                (true, vec!["20240101000002_t_2"]),
                (true, vec!["20240101000003_t_3"])
            ]
        );
        let in_one =
            migrator.plan(&applied, &Target::Rollback { all: false }, &options(TransactionMode::All), None).unwrap();
        assert_eq!(
            shape(&in_one),
            [(false, vec!["20240101000004_index_4"]), (true, vec!["20240101000002_t_2", "20240101000003_t_3"])]
        );
        assert_eq!((rollback.direction, rollback.batch), (Direction::Down, 2));
        assert!(rollback.units[2].migrations[0].statements[0].starts_with("DROP TABLE \"t_3\""));
        assert!(rollback.units[2].migrations[0].bookkeeping[0].contains("\"id\" = 2"));
        let all =
            migrator.plan(&applied, &Target::Rollback { all: true }, &options(TransactionMode::Each), None).unwrap();
        assert_eq!(
            all.migration_names(),
            ["20240101000004_index_4", "20240101000003_t_3", "20240101000002_t_2", "20240101000001_t_1"]
        );
        let down = migrator.plan(&applied, &Target::Down(None), &RunOptions::default(), None).unwrap();
        assert_eq!(down.migration_names(), ["20240101000004_index_4"]);
        let named =
            migrator.plan(&applied, &Target::Down(Some("20240101000001_t_1.js".into())), &RunOptions::default(), None);
        let named = named.unwrap();
        assert_eq!((named.migration_names(), named.batch), (vec!["20240101000001_t_1"], 1));
        let not_applied = Migrator::new(vec![table(1), table(2)]).unwrap().plan(
            &[row(1, "20240101000001_t_1", 1)],
            &Target::Down(Some("20240101000002_t_2".into())),
            &RunOptions::default(),
            None,
        );
        assert!(matches!(not_applied, Err(MigrateError::NotApplied { .. })));
    }

    #[test]
    fn what_cannot_run_safely_is_refused_before_anything_is_planned() {
        let commits = Migration::new(
            "20240101000001_commits",
            |s: &mut SchemaBuilder| {
                s.raw("create table a (id int); commit");
            },
            |_| {},
        );
        let err =
            Migrator::new(vec![commits.clone()]).unwrap().plan(&[], &Target::Latest, &RunOptions::default(), None);
        assert!(matches!(err, Err(MigrateError::TransactionControl { keyword: "COMMIT", statement: 2, .. })));
        // Outside a transaction, its own transaction control is the user's to manage.
        let own = Migrator::new(vec![commits.with_config(MigrationConfig::new().no_transaction())]).unwrap();
        assert!(own.plan(&[], &Target::Latest, &RunOptions::default(), None).is_ok());
        let open = Migration::new(
            "20240101000001_open",
            |s: &mut SchemaBuilder| {
                s.raw("select 'unfinished");
            },
            |_| {},
        );
        let err = Migrator::new(vec![open]).unwrap().plan(&[], &Target::Latest, &RunOptions::default(), None);
        assert!(matches!(err, Err(MigrateError::IncompleteSql { statement: 1, .. })));
        let panics = Migration::new("20240101000001_panics", |_: &mut SchemaBuilder| panic!("a bug"), |_| {});
        let err = Migrator::new(vec![panics]).unwrap().plan(&[], &Target::Latest, &RunOptions::default(), None);
        assert!(matches!(err, Err(MigrateError::Panicked { step: "up", .. })));
        let missing = Migrator::new(vec![table(1)]).unwrap().plan(
            &[row(9, "20230101000000_gone", 1)],
            &Target::Latest,
            &RunOptions::default(),
            None,
        );
        assert!(matches!(missing, Err(MigrateError::MissingFiles { .. })));
        let forced = concurrent(1).with_config(MigrationConfig { transaction: Some(true), ..MigrationConfig::new() });
        let err = Migrator::new(vec![forced]).unwrap().plan(&[], &Target::Latest, &RunOptions::default(), None);
        assert!(matches!(err, Err(MigrateError::TransactionConflict { .. })));
    }
}
