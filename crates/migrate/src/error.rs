//! The one error type of this crate.

use crate::db::Blocker;
use knexrs_connect::ConnectError;
use knexrs_schema::SchemaError;
use std::path::PathBuf;
use thiserror::Error;
use tokio_postgres::error::SqlState;

/// Which lock a run waited for.
///
/// ```
/// use knexrs_migrate::LockKind;
///
/// assert_eq!(LockKind::Advisory.to_string(), "the migration lock");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LockKind {
    /// The advisory lock another knexrs run holds.
    Advisory,
    /// knex's lock row, held (`select … for update`) by another session.
    KnexRow {
        /// The lock table.
        table: String,
    },
}

impl std::fmt::Display for LockKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LockKind::Advisory => f.write_str("the migration lock"),
            LockKind::KnexRow { table } => write!(f, "knex's lock row ({table})"),
        }
    }
}

fn holders_text(holders: &[Blocker]) -> String {
    if holders.is_empty() {
        "look for a stuck session in pg_stat_activity".to_owned()
    } else {
        let list: Vec<String> = holders.iter().map(ToString::to_string).collect();
        format!("held by {}; end it with `select pg_terminate_backend(pid)` if it is stuck", list.join(", "))
    }
}

/// Why a migration command failed. Every message names the migration or
/// table concerned and says what to do.
///
/// ```
/// use knexrs_migrate::MigrateError;
///
/// let err = MigrateError::MissingFiles { names: vec!["20250101000000_gone.js".into()] };
/// assert!(err.to_string().starts_with("the migration directory is corrupt"));
/// ```
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum MigrateError {
    /// Files in the migrations folder cannot be migrations.
    #[error("{}", files.iter().map(|(file, problem)| format!("{file}: {problem}")).collect::<Vec<_>>().join("; "))]
    MisnamedFiles {
        /// Each file and what is wrong with its name.
        files: Vec<(String, String)>,
    },
    /// Two migrations share a name.
    #[error(
        "duplicate migration {name}: two migrations have this name; rename one (`migrate make` picks a free timestamp)"
    )]
    DuplicateName {
        /// The name.
        name: String,
    },
    /// A migration has an empty name.
    #[error("a migration has an empty name: name it like the file, `YYYYMMDDHHMMSS_what`")]
    EmptyName,
    /// A migration carries a checksum longer than the side table holds.
    #[error(
        "migration {migration} carries a checksum of {length} characters, more than the {max} the bookkeeping holds: \
         give `Migration::embedded` what `knexrs_migrate::checksum` returns for its source (64 hex digits)"
    )]
    InvalidChecksum {
        /// The migration.
        migration: String,
        /// How long its checksum is.
        length: usize,
        /// The longest checksum the side table holds.
        max: usize,
    },
    /// A migration asks for a transaction but holds a statement PostgreSQL refuses in one.
    #[error(
        "migration {migration} asks for a transaction but holds a statement PostgreSQL cannot run in one (such as create index concurrently): drop `transaction: Some(true)` from its CONFIG"
    )]
    TransactionConflict {
        /// The migration.
        migration: String,
    },
    /// A transactional migration holds transaction control (`COMMIT`, `ROLLBACK`, …).
    #[error(
        "migration {migration} holds `{keyword}` (statement {statement} of {statements}), which would end the transaction the runner manages and leave the batch half-applied while reporting it rolled back; nothing was run: remove it, or declare the migration non-transactional (`pub const CONFIG: MigrationConfig = MigrationConfig::new().no_transaction();`) to manage transactions yourself"
    )]
    TransactionControl {
        /// The migration.
        migration: String,
        /// The command (`COMMIT`, `BEGIN`, …).
        keyword: &'static str,
        /// Which statement (1-based) of the migration.
        statement: usize,
        /// How many statements it has.
        statements: usize,
    },
    /// A migration's SQL is not complete (an unclosed string, comment or quote).
    #[error("migration {migration}: statement {statement} is not complete SQL ({source}); nothing was run: close it")]
    IncompleteSql {
        /// The migration.
        migration: String,
        /// Which statement (1-based).
        statement: usize,
        /// What is open.
        #[source]
        source: knexrs_sql::LexError,
    },
    /// The bookkeeping table name is unusable.
    #[error(
        "migrations table name `{table}` must be 1 to {max} bytes so that `{table}_knexrs` fits PostgreSQL's 63-byte limit"
    )]
    InvalidTableName {
        /// The name given.
        table: String,
        /// The longest name that fits.
        max: usize,
    },
    /// A batched backfill cannot run as written.
    #[error("{step}: {problem}; nothing was run")]
    InvalidBackfill {
        /// The step's name.
        step: String,
        /// What is wrong.
        problem: String,
    },
    /// A run-time step of a migration failed (its code returned an error, or
    /// left its transaction aborted); `message` says what was rolled back.
    #[error("{message}")]
    Step {
        /// The migration.
        migration: String,
        /// The step's name.
        step: String,
        /// The whole report: the failure and what the run left behind.
        message: String,
        /// What the step returned.
        #[source]
        source: crate::StepError,
    },
    /// Connecting, or the connection settings, failed.
    #[error(transparent)]
    Connect(#[from] ConnectError),
    /// No database is configured for the environment.
    #[error(
        "no database configured for {environment}: set DATABASE_URL (or DB_HOST, DB_PORT, DB_NAME, DB_USER, DB_PASSWORD)"
    )]
    NotConfigured {
        /// The environment asked for.
        environment: knexrs_connect::Environment,
    },
    /// A command that writes a file was run by a binary built without the folder.
    #[error("this binary has no {what} folder: run `cargo xtask {command}` in the workspace")]
    NoFolder {
        /// `migrations` or `seeds`.
        what: &'static str,
        /// The command to run instead (`migrate make`, `seed make`).
        command: &'static str,
    },
    /// The local PostgreSQL server (started when nothing is configured) could not be set up.
    #[error("the local PostgreSQL server could not be set up: {source}")]
    LocalServer {
        /// What failed (`knexrs-cluster`'s error).
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The migration or seed set could not be built (reported again for each
    /// command of a command line that holds it).
    #[error("{message}")]
    InvalidSet {
        /// The first report.
        message: String,
    },
    /// A migration could not be rendered; nothing ran.
    #[error("migration {migration} cannot be rendered, nothing was run: {source}")]
    Render {
        /// The migration.
        migration: String,
        /// Why.
        #[source]
        source: SchemaError,
    },
    /// A migration's `up` or `down` panicked while recording its statements; nothing ran.
    #[error("migration {migration} panicked in its {step}: {message}; nothing was run: fix the migration")]
    Panicked {
        /// The migration.
        migration: String,
        /// `up` or `down`.
        step: &'static str,
        /// The panic's message.
        message: String,
    },
    /// A migration's statement failed.
    #[error("{message}")]
    Statement {
        /// The migration.
        migration: String,
        /// The failing statement, when it could be told apart.
        statement: Option<String>,
        /// One line: which migration, which statement, PostgreSQL's message, what was kept.
        message: String,
        /// The driver's error.
        #[source]
        source: tokio_postgres::Error,
    },
    /// Bookkeeping (reading or writing knex's tables, locking) failed.
    #[error("{context}: {message}")]
    Bookkeeping {
        /// What was being done.
        context: String,
        /// PostgreSQL's message on one line.
        message: String,
        /// The driver's error.
        #[source]
        source: Option<tokio_postgres::Error>,
    },
    /// knex's lock row is set: knex itself is migrating, or a knex run died.
    #[error(
        "Migration table is already locked ({table}.is_locked = 1): knex is migrating this database, or a knex run was killed; if no migration is running, release it with `migrate unlock`"
    )]
    Locked {
        /// The lock table.
        table: String,
    },
    /// Another session held a lock longer than the run was willing to wait.
    #[error("gave up after waiting {seconds} s for {what} (--lock-wait): {}", holders_text(holders))]
    LockTimeout {
        /// How long the run waited.
        seconds: u64,
        /// Which lock.
        what: LockKind,
        /// The sessions found holding it.
        holders: Vec<Blocker>,
    },
    /// Migrations recorded as applied have no file (knex: "migration directory is corrupt").
    #[error(
        "the migration directory is corrupt, the following files are missing: {}; restore them, or delete their rows from knex_migrations if they were removed on purpose",
        names.join(", ")
    )]
    MissingFiles {
        /// The recorded names.
        names: Vec<String>,
    },
    /// An applied migration's source changed since it ran.
    #[error(
        "migration {} was edited after it was applied: revert the edit and add a new migration, or run `migrate accept {}` if the change is deliberate",
        names.join(", "), names.first().map(String::as_str).unwrap_or("")
    )]
    Edited {
        /// The edited migrations.
        names: Vec<String>,
    },
    /// A migration that runs outside a transaction stopped halfway in an earlier run.
    #[error(
        "migration {name} stopped halfway in an earlier run (it runs outside a transaction, so part of it may be applied): check the database, then run `migrate resolve {name} --applied` or `--rolled-back`"
    )]
    Incomplete {
        /// The migration.
        name: String,
    },
    /// A migration that runs outside a transaction, with only a transaction
    /// pooler to run it through.
    #[error(
        "migration {migration} runs outside a transaction (create index concurrently, or no_transaction()), which cannot run through a transaction pooler (KNEXRS_POOLER=transaction): give a direct connection to the server with MIGRATION_DATABASE_URL or --direct-url; nothing was changed"
    )]
    NeedsDirectConnection {
        /// The migration.
        migration: String,
    },
    /// `verify` or `lint` asked of a transaction pooler: they work on a
    /// throwaway database the pooler does not know, in sessions it would share.
    #[error(
        "{command} works on a throwaway database it creates, which a transaction pooler (KNEXRS_POOLER=transaction) cannot reach: give a direct connection to the server with MIGRATION_DATABASE_URL or --direct-url; nothing was changed"
    )]
    ScratchThroughPooler {
        /// `verify` or `lint`.
        command: &'static str,
    },
    /// `--transaction each|none` asked of a run through a transaction pooler,
    /// which can only be one transaction.
    #[error(
        "--transaction {mode} cannot hold through a transaction pooler (KNEXRS_POOLER=transaction): a run through it is one transaction; drop the option, or give a direct connection with MIGRATION_DATABASE_URL or --direct-url; nothing was changed"
    )]
    OneTransactionThroughPooler {
        /// The mode asked for (`each`, `none`).
        mode: &'static str,
    },
    /// An option was given a value it does not take.
    #[error("{option} does not take `{value}`: use {expected}")]
    InvalidOption {
        /// The option (`--transaction`).
        option: &'static str,
        /// The value given.
        value: String,
        /// The values it takes.
        expected: &'static str,
    },
    /// A command-line value that is not what its option takes (a duration, a PostgreSQL version).
    #[error("`{value}` is not {expected}")]
    InvalidValue {
        /// The value given.
        value: String,
        /// What it should be, and an example.
        expected: &'static str,
    },
    /// Two options that do not go together; nothing was done.
    #[error("{option} cannot be used with {with}: {why}")]
    OptionConflict {
        /// The option refused (`--connect-wait`).
        option: &'static str,
        /// The one it conflicts with (`--targets`).
        with: &'static str,
        /// Why, and what to do instead.
        why: &'static str,
    },
    /// A seed's statement failed; that seed was rolled back.
    #[error(
        "seed {seed} failed at statement {statement} of {of} `{sql}`: {message}; it was rolled back (the seeds before it stay)"
    )]
    SeedFailed {
        /// The seed.
        seed: String,
        /// Which statement (from 1).
        statement: usize,
        /// How many it has.
        of: usize,
        /// The statement, shortened to one line.
        sql: String,
        /// PostgreSQL's message on one line.
        message: String,
        /// The driver's error.
        #[source]
        source: tokio_postgres::Error,
    },
    /// No seed has this name.
    #[error("Seed \"{name}\" not found. `seed status` lists the seeds")]
    UnknownSeed {
        /// The name given.
        name: String,
    },
    /// A file in the seeds folder cannot be a seed.
    #[error("seed file {file} {problem}")]
    InvalidSeed {
        /// The file.
        file: String,
        /// What is wrong with it.
        problem: String,
    },
    /// Seeds were asked to run in production.
    #[error(
        "seeds are for development and test data: refusing to run them in production; pass --allow-production if you mean it"
    )]
    SeedsInProduction,
    /// No migration has this name.
    #[error("Migration \"{name}\" not found. `migrate status` lists the migrations")]
    UnknownMigration {
        /// The name given.
        name: String,
    },
    /// The named migration is not applied, and the command needs it applied
    /// (knex's wording, for `down <name>`).
    #[error("Migration \"{name}\" was not run. `migrate status` lists the applied migrations")]
    NotApplied {
        /// The name given.
        name: String,
    },
    /// `resolve` was given a migration that did not stop halfway.
    #[error("migration `{name}` is not marked as stopped halfway: there is nothing to resolve")]
    NotIncomplete {
        /// The name given.
        name: String,
    },
    /// `accept` was given a migration without a source to checksum.
    #[error("migration `{name}` has no source to checksum: only migrations embedded from files can be accepted")]
    NoSource {
        /// The name given.
        name: String,
    },
    /// `make` (of a migration or a seed) was given an unusable name.
    #[error("{what} name `{name}` {problem}: use letters, digits, `_` and `-`, such as `{}`", example_name(what))]
    InvalidName {
        /// What was being named: `migration` or `seed`.
        what: &'static str,
        /// The name given.
        name: String,
        /// What is wrong with it.
        problem: &'static str,
    },
    /// `make` was given a stub (knex `--stub`) that cannot be read; nothing was written.
    #[error("cannot read the stub {}: {source}: give a file's path, or the name of a file in {}", stub.display(), dir.display())]
    StubUnreadable {
        /// The stub looked for.
        stub: PathBuf,
        /// The folder written into, where a bare file name is looked for first.
        dir: PathBuf,
        /// Why it could not be read.
        #[source]
        source: std::io::Error,
    },
    /// A file could not be read or written (`make`), or the runtime could not start.
    #[error("{context}: {source}")]
    Io {
        /// What was being done, naming the file.
        context: String,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// A list of databases for a fleet run (`--targets`) cannot be used; nothing ran.
    #[error("{}", targets_text(origin, *line, problem))]
    InvalidTargets {
        /// Where the list came from (its file).
        origin: String,
        /// The line at fault (1-based); 0 for the list as a whole.
        line: usize,
        /// What is wrong with it.
        problem: String,
    },
    /// Some databases of a fleet run did not finish; the others did.
    #[error("{}", fleet_text(*total, failed, *not_started))]
    FleetFailed {
        /// How many databases the fleet had.
        total: usize,
        /// The databases whose run failed, in the list's order.
        failed: Vec<String>,
        /// How many were not started (cancelled, or stopped by `--fail-fast`).
        not_started: usize,
    },
    /// A hazard id `lint` does not know (in `--allow`, or a migration's `allow_hazards`).
    #[error("{}", unknown_hazard_text(id, migration.as_deref(), known))]
    UnknownHazard {
        /// The id given.
        id: String,
        /// The migration whose CONFIG names it, if one does.
        migration: Option<String>,
        /// The ids `lint` knows.
        known: String,
    },
    /// The run was cancelled (SIGINT/SIGTERM, or its [`Cancel`](crate::Cancel) handle).
    #[error("interrupted {when}; {kept}")]
    Interrupted {
        /// When: while waiting for the lock, during a migration, …
        when: String,
        /// What stays applied.
        kept: String,
    },
}

impl MigrateError {
    /// PostgreSQL's SQLSTATE, when the server reported the error.
    ///
    /// ```no_run
    /// use knexrs_migrate::{MigrateError, Migrator, RunOptions, Silent};
    /// use knexrs_connect::ConnectConfig;
    /// use tokio_postgres::error::SqlState;
    ///
    /// # fn migrations() -> Vec<knexrs_migrate::Migration> { vec![] }
    /// let config = ConnectConfig::from_url("postgres://app@localhost/app")?;
    /// match Migrator::new(migrations())?.latest(&config, &RunOptions::default(), &mut Silent) {
    ///     Err(e) if e.code() == Some(&SqlState::LOCK_NOT_AVAILABLE) => println!("the table is busy: try again later"),
    ///     other => { other?; }
    /// }
    /// # Ok::<(), MigrateError>(())
    /// ```
    pub fn code(&self) -> Option<&SqlState> {
        match self {
            MigrateError::Statement { source, .. } => source.code(),
            MigrateError::Step { source, .. } => step_code(source.as_ref()),
            MigrateError::Bookkeeping { source: Some(source), .. } => source.code(),
            MigrateError::Connect(e) => e.code(),
            _ => None,
        }
    }

    pub(crate) fn bookkeeping(context: impl Into<String>) -> impl FnOnce(tokio_postgres::Error) -> Self {
        let context = context.into();
        move |source| MigrateError::Bookkeeping {
            context,
            message: knexrs_connect::describe(&source),
            source: Some(source),
        }
    }

    /// A bookkeeping statement that could not even be rendered.
    pub(crate) fn bookkeeping_render(message: String) -> Self {
        MigrateError::Bookkeeping { context: "rendering a bookkeeping statement".into(), message, source: None }
    }

    /// An interruption, saying what stays applied.
    pub(crate) fn interrupted(when: impl Into<String>, kept: &[String]) -> Self {
        MigrateError::Interrupted { when: when.into(), kept: kept_text(kept) }
    }
}

/// A good name for what `make` names (`migration` or `seed`), for the error's advice.
fn example_name(what: &str) -> &'static str {
    if what == "seed" { "01_users" } else { "add_pod_index" }
}

/// "no migration of this run was applied", or the list of those kept.
pub(crate) fn kept_text(kept: &[String]) -> String {
    if kept.is_empty() {
        "no migration of this run was applied".to_owned()
    } else {
        format!("applied and kept: {}", kept.join(", "))
    }
}

/// PostgreSQL's code behind a step's error, if it came from the server.
fn step_code<'e>(error: &'e (dyn std::error::Error + 'static)) -> Option<&'e SqlState> {
    if let Some(query) = error.downcast_ref::<knexrs_query::QueryError>() {
        return query.code();
    }
    if let Some(pg) = error.downcast_ref::<tokio_postgres::Error>() {
        return pg.code();
    }
    error.source().and_then(step_code)
}

fn targets_text(origin: &str, line: usize, problem: &str) -> String {
    if line == 0 {
        format!("{origin} {problem}; nothing was run")
    } else {
        format!("{origin} line {line} {problem}; nothing was run")
    }
}

/// At most ten names: a fleet of thousands must still fit on one readable line.
fn unknown_hazard_text(id: &str, migration: Option<&str>, known: &str) -> String {
    let place = migration.map_or_else(String::new, |m| format!(" (in the CONFIG of migration {m})"));
    format!("`{id}` is not a hazard lint knows{place}: use one of {known}")
}

fn fleet_text(total: usize, failed: &[String], not_started: usize) -> String {
    const SHOWN: usize = 10;
    let mut names = failed.iter().take(SHOWN).cloned().collect::<Vec<_>>().join(", ");
    if failed.len() > SHOWN {
        names.push_str(&format!(" and {} more", failed.len() - SHOWN));
    }
    let advice = "the others finished; run the command again on the unfinished ones alone (`--targets` a list of them)";
    match (failed.len(), not_started) {
        (0, n) => format!("{n} of {total} databases were not started: {advice}"),
        (f, 0) => format!("{f} of {total} databases failed ({names}): fix them; {advice}"),
        (f, n) => format!("{f} of {total} databases failed ({names}) and {n} were not started: fix them; {advice}"),
    }
}
