//! A migration: a name, an `up` and a `down` that record schema statements,
//! its source (for edit detection) and its configuration.

use crate::checksum::checksum;
use knexrs_schema::SchemaBuilder;
use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

/// An `up` or a `down`: a plain function for an embedded migration (nothing
/// to allocate or free, however long the history), a closure otherwise.
#[derive(Clone)]
enum Step {
    Function(fn(&mut SchemaBuilder)),
    Closure(Arc<dyn Fn(&mut SchemaBuilder) + Send + Sync>),
}

impl Step {
    fn record(&self, schema: &mut SchemaBuilder) {
        match self {
            Step::Function(step) => step(schema),
            Step::Closure(step) => step(schema),
        }
    }
}

/// Per-migration settings (knex `exports.config`), declared in a migration file
/// as `pub const CONFIG: MigrationConfig = MigrationConfig::new()…;`.
///
/// ```
/// use knexrs_migrate::MigrationConfig;
///
/// const CONFIG: MigrationConfig = MigrationConfig::new().no_transaction().lock_timeout_ms(2_000);
/// assert_eq!(CONFIG.transaction, Some(false));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MigrationConfig {
    /// `Some(false)` runs the migration outside a transaction; `None` decides
    /// from its statements (`create index concurrently` needs none).
    pub transaction: Option<bool>,
    /// `lock_timeout` while this migration runs, in milliseconds.
    pub lock_timeout_ms: Option<u64>,
    /// `statement_timeout` while this migration runs, in milliseconds.
    pub statement_timeout_ms: Option<u64>,
    /// Hazard ids `migrate lint` accepts in this migration (`table-rewrite`, …).
    pub allowed_hazards: &'static [&'static str],
}

impl MigrationConfig {
    /// The defaults: a transaction unless a statement forbids one.
    ///
    /// ```
    /// use knexrs_migrate::MigrationConfig;
    ///
    /// assert_eq!(MigrationConfig::new(), MigrationConfig::default());
    /// assert_eq!(MigrationConfig::new().transaction, None);
    /// ```
    pub const fn new() -> Self {
        MigrationConfig { transaction: None, lock_timeout_ms: None, statement_timeout_ms: None, allowed_hazards: &[] }
    }

    /// Runs outside a transaction (knex `config.transaction = false`).
    ///
    /// ```
    /// use knexrs_migrate::MigrationConfig;
    ///
    /// // A migration holding `create index concurrently` declares:
    /// pub const CONFIG: MigrationConfig = MigrationConfig::new().no_transaction();
    /// assert_eq!(CONFIG.transaction, Some(false));
    /// ```
    pub const fn no_transaction(mut self) -> Self {
        self.transaction = Some(false);
        self
    }

    /// Gives up waiting for a table lock after `ms` milliseconds, so the migration
    /// fails instead of queueing the live application behind it.
    ///
    /// ```
    /// use knexrs_migrate::MigrationConfig;
    ///
    /// pub const CONFIG: MigrationConfig = MigrationConfig::new().lock_timeout_ms(2_000);
    /// assert_eq!(CONFIG.lock_timeout_ms, Some(2_000));
    /// ```
    pub const fn lock_timeout_ms(mut self, ms: u64) -> Self {
        self.lock_timeout_ms = Some(ms);
        self
    }

    /// Cancels any statement of this migration running longer than `ms` milliseconds.
    ///
    /// ```
    /// use knexrs_migrate::MigrationConfig;
    ///
    /// pub const CONFIG: MigrationConfig = MigrationConfig::new().statement_timeout_ms(600_000);
    /// assert_eq!(CONFIG.statement_timeout_ms, Some(600_000));
    /// ```
    pub const fn statement_timeout_ms(mut self, ms: u64) -> Self {
        self.statement_timeout_ms = Some(ms);
        self
    }

    /// Hazards `migrate lint` accepts in this migration (a rewrite of a table
    /// known to stay small, say): reported as allowed, not counted.
    ///
    /// ```
    /// use knexrs_migrate::MigrationConfig;
    ///
    /// pub const CONFIG: MigrationConfig = MigrationConfig::new().allow_hazards(&["table-rewrite"]);
    /// assert_eq!(CONFIG.allowed_hazards, ["table-rewrite"]);
    /// ```
    pub const fn allow_hazards(mut self, ids: &'static [&'static str]) -> Self {
        self.allowed_hazards = ids;
        self
    }
}

/// One migration.
///
/// Embedded migrations come from `migrations/*.rs` through `knexrs-embed`;
/// others can be made at run time:
///
/// ```
/// use knexrs_migrate::Migration;
///
/// let migration = Migration::new(
///     "20250101000000_create_users",
///     |s| { s.create_table("users", |t| { t.increments("id"); }); },
///     |s| { s.drop_table("users"); },
/// );
/// assert_eq!(migration.name(), "20250101000000_create_users");
/// assert_eq!(migration.file_name(), "20250101000000_create_users.rs");
/// ```
#[derive(Clone)]
pub struct Migration {
    // Borrowed from the binary when embedded: a registry of thousands of
    // migrations is built and dropped without a string allocation.
    name: Cow<'static, str>,
    file_name: Cow<'static, str>,
    up: Step,
    down: Step,
    checksum: Option<Cow<'static, str>>,
    config: MigrationConfig,
    problem: Option<String>,
}

impl fmt::Debug for Migration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Migration").field("name", &self.name).field("config", &self.config).finish()
    }
}

impl Migration {
    /// A migration named `name` (the file stem, `YYYYMMDDHHMMSS_what`), recorded
    /// in `knex_migrations` as `name.rs`.
    ///
    /// ```
    /// use knexrs_migrate::Migration;
    ///
    /// let migration = Migration::new(
    ///     "20250126000002_create_token_jti_table",
    ///     |s| { s.create_table("token_jti", |t| { t.text("jti").primary(); }); },
    ///     |s| { s.drop_table_if_exists("token_jti"); },
    /// );
    /// assert_eq!(migration.file_name(), "20250126000002_create_token_jti_table.rs");
    /// ```
    pub fn new(
        name: impl Into<String>,
        up: impl Fn(&mut SchemaBuilder) + Send + Sync + 'static,
        down: impl Fn(&mut SchemaBuilder) + Send + Sync + 'static,
    ) -> Self {
        let name = name.into();
        let mut file_name = String::with_capacity(name.len() + 3);
        file_name.push_str(&name);
        file_name.push_str(".rs");
        Migration {
            file_name: Cow::Owned(file_name),
            name: Cow::Owned(name),
            up: Step::Closure(Arc::new(up)),
            down: Step::Closure(Arc::new(down)),
            checksum: None,
            config: MigrationConfig::new(),
            problem: None,
        }
    }

    /// A migration embedded from a source file; `source` is checksummed so that
    /// editing it after it ran is noticed.
    ///
    /// ```
    /// use knexrs_migrate::{Migration, MigrationConfig};
    /// use knexrs_schema::SchemaBuilder;
    ///
    /// fn up(s: &mut SchemaBuilder) { s.create_table("users", |t| { t.increments("id"); }); }
    /// fn down(s: &mut SchemaBuilder) { s.drop_table("users"); }
    ///
    /// let source = "pub fn up(s: &mut SchemaBuilder) { /* … */ }";
    /// let migration = Migration::from_source(
    ///     "20250101000000_create_users",
    ///     "20250101000000_create_users.rs",
    ///     up,
    ///     down,
    ///     source,
    ///     MigrationConfig::new(),
    /// );
    /// assert_eq!(migration.checksum(), Some(knexrs_migrate::checksum(source).as_str()));
    /// ```
    pub fn from_source(
        name: &str,
        file_name: &str,
        up: fn(&mut SchemaBuilder),
        down: fn(&mut SchemaBuilder),
        source: &str,
        config: MigrationConfig,
    ) -> Self {
        let (name, file_name) = (Cow::Owned(name.to_owned()), Cow::Owned(file_name.to_owned()));
        Migration::of_functions(name, file_name, up, down, Cow::Owned(checksum(source)), config)
    }

    /// A migration embedded by `knexrs-embed`, whose `checksum`
    /// ([`checksum`](crate::checksum) of its source) was computed at build
    /// time, so a binary with a long history hashes nothing when it starts;
    /// its strings are the binary's own, never copied.
    ///
    /// ```
    /// use knexrs_migrate::{Migration, MigrationConfig};
    /// use knexrs_schema::SchemaBuilder;
    ///
    /// fn up(s: &mut SchemaBuilder) { s.create_table("users", |t| { t.increments("id"); }); }
    /// fn down(s: &mut SchemaBuilder) { s.drop_table("users"); }
    ///
    /// let source = "pub fn up(s: &mut SchemaBuilder) { /* … */ }";
    /// // What knexrs-embed's build script computed from `source`:
    /// const CHECKSUM: &str = "c8b78b8d84d36e0e67979f7dcde7283b517e1511bb959b434a0c8bbb9890a1a7";
    /// let embedded = Migration::embedded(
    ///     "20250101000000_create_users",
    ///     "20250101000000_create_users.rs",
    ///     up,
    ///     down,
    ///     CHECKSUM,
    ///     MigrationConfig::new(),
    /// );
    /// let at_run_time = Migration::from_source(
    ///     "20250101000000_create_users", "20250101000000_create_users.rs", up, down, source, MigrationConfig::new(),
    /// );
    /// assert_eq!(embedded.checksum(), at_run_time.checksum());
    /// ```
    pub fn embedded(
        name: &'static str,
        file_name: &'static str,
        up: fn(&mut SchemaBuilder),
        down: fn(&mut SchemaBuilder),
        checksum: &'static str,
        config: MigrationConfig,
    ) -> Self {
        Migration::of_functions(name.into(), file_name.into(), up, down, checksum.into(), config)
    }

    /// A migration of plain `up` / `down` functions with a known checksum.
    fn of_functions(
        name: Cow<'static, str>,
        file_name: Cow<'static, str>,
        up: fn(&mut SchemaBuilder),
        down: fn(&mut SchemaBuilder),
        checksum: Cow<'static, str>,
        config: MigrationConfig,
    ) -> Self {
        Migration {
            name,
            file_name,
            up: Step::Function(up),
            down: Step::Function(down),
            checksum: Some(checksum),
            config,
            problem: None,
        }
    }

    /// A file in the migrations folder that cannot be a migration; the
    /// migrator refuses to run while it is there.
    ///
    /// ```
    /// use knexrs_migrate::{Migration, Migrator};
    ///
    /// let stray = Migration::invalid("create_users.rs", "the name must start with a 14-digit timestamp");
    /// let err = Migrator::new(vec![stray]).unwrap_err();
    /// assert_eq!(err.to_string(), "create_users.rs: the name must start with a 14-digit timestamp");
    /// ```
    pub fn invalid(file_name: &str, problem: &str) -> Self {
        let mut migration = Migration::new(file_name, |_| {}, |_| {});
        migration.file_name = Cow::Owned(file_name.to_owned());
        migration.problem = Some(problem.to_owned());
        migration
    }

    /// Records `file_name` in `knex_migrations` instead of `<name>.rs` (knex
    /// records its `.js` files this way).
    ///
    /// ```
    /// use knexrs_migrate::Migration;
    ///
    /// let migration = Migration::new("20250126000001_create_sessions_table", |_| {}, |_| {})
    ///     .with_file_name("20250126000001_create_sessions_table.js");
    /// assert_eq!(migration.name(), "20250126000001_create_sessions_table");
    /// assert_eq!(migration.file_name(), "20250126000001_create_sessions_table.js");
    /// ```
    pub fn with_file_name(mut self, file_name: impl Into<String>) -> Self {
        self.file_name = Cow::Owned(file_name.into());
        self
    }

    /// Sets the migration's configuration.
    ///
    /// ```
    /// use knexrs_migrate::{Migration, MigrationConfig};
    ///
    /// let migration = Migration::new("20250101000000_add_index", |_| {}, |_| {})
    ///     .with_config(MigrationConfig::new().no_transaction());
    /// assert_eq!(migration.config().transaction, Some(false));
    /// ```
    pub fn with_config(mut self, config: MigrationConfig) -> Self {
        self.config = config;
        self
    }

    /// Sets the checksum of the migration's source.
    ///
    /// ```
    /// use knexrs_migrate::Migration;
    ///
    /// let before = Migration::new("20250101000000_a", |_| {}, |_| {}).with_source("up\r\ndown\r\n");
    /// let after = Migration::new("20250101000000_a", |_| {}, |_| {}).with_source("up\ndown\n");
    /// assert_eq!(before.checksum(), after.checksum()); // line endings are not edits
    /// ```
    pub fn with_source(mut self, source: &str) -> Self {
        self.checksum = Some(Cow::Owned(checksum(source)));
        self
    }

    /// The name: the file stem, which identifies the migration whatever the
    /// recorded file extension (`.js`, `.ts`, `.rs`).
    ///
    /// ```
    /// use knexrs_migrate::Migration;
    ///
    /// let migration = Migration::new("20250101000000_create_users", |_| {}, |_| {});
    /// assert_eq!(migration.name(), "20250101000000_create_users");
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The name recorded in `knex_migrations`.
    ///
    /// ```
    /// use knexrs_migrate::Migration;
    ///
    /// let migration = Migration::new("20250101000000_create_users", |_| {}, |_| {});
    /// assert_eq!(migration.file_name(), "20250101000000_create_users.rs");
    /// ```
    pub fn file_name(&self) -> &str {
        &self.file_name
    }

    /// The version: the name up to its first `_` (the timestamp, for names
    /// `migrate make` writes; knex's `currentVersion` reads it the same way).
    ///
    /// ```
    /// use knexrs_migrate::Migration;
    ///
    /// let migration = Migration::new("20250101000000_create_users", |_| {}, |_| {});
    /// assert_eq!(migration.version(), "20250101000000");
    /// ```
    pub fn version(&self) -> &str {
        version_of(&self.name)
    }

    /// The configuration.
    ///
    /// ```
    /// use knexrs_migrate::{Migration, MigrationConfig};
    ///
    /// let migration = Migration::new("20250101000000_a", |_| {}, |_| {});
    /// assert_eq!(migration.config(), MigrationConfig::new());
    /// ```
    pub fn config(&self) -> MigrationConfig {
        self.config
    }

    /// The checksum of the source, when known.
    ///
    /// ```
    /// use knexrs_migrate::Migration;
    ///
    /// let built = Migration::new("20250101000000_a", |_| {}, |_| {});
    /// assert_eq!(built.checksum(), None); // no source: edits cannot be detected
    /// assert!(built.with_source("fn up() {}").checksum().is_some());
    /// ```
    pub fn checksum(&self) -> Option<&str> {
        self.checksum.as_deref()
    }

    pub(crate) fn problem(&self) -> Option<&str> {
        self.problem.as_deref()
    }

    /// The statements `up` records.
    ///
    /// ```
    /// use knexrs_migrate::Migration;
    /// use knexrs_schema::PostgresQueryBuilder;
    ///
    /// let migration = Migration::new(
    ///     "20250101000000_create_users",
    ///     |s| { s.create_table("users", |t| { t.increments("id"); }); },
    ///     |s| { s.drop_table("users"); },
    /// );
    /// assert_eq!(
    ///     migration.up_schema().build(PostgresQueryBuilder)?,
    ///     [r#"CREATE TABLE "users" ( "id" serial PRIMARY KEY )"#]
    /// );
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn up_schema(&self) -> SchemaBuilder {
        let mut schema = SchemaBuilder::new();
        self.up.record(&mut schema);
        schema
    }

    /// What `up` (or `down`) records, with a panic in the migration's code
    /// turned into an error that names it.
    /// Whether its `up`, stopped halfway, is finished by running it again:
    /// it holds only resumable steps (batched backfills).
    pub(crate) fn resumes(&self) -> bool {
        let Ok(schema) = self.record(true) else { return false };
        crate::step::resumes(schema.statements().iter().map(|statement| match statement {
            knexrs_schema::SchemaStatement::Step(step) => crate::step::body_of(step),
            _ => None,
        }))
    }

    pub(crate) fn record(&self, up: bool) -> Result<SchemaBuilder, crate::MigrateError> {
        let step = if up { &self.up } else { &self.down };
        let mut schema = SchemaBuilder::new();
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| step.record(&mut schema))).map_err(|payload| {
            crate::MigrateError::Panicked {
                migration: self.name.clone().into_owned(),
                step: if up { "up" } else { "down" },
                message: panic_message(payload.as_ref()),
            }
        })?;
        Ok(schema)
    }

    /// The statements `down` records.
    ///
    /// ```
    /// use knexrs_migrate::Migration;
    /// use knexrs_schema::PostgresQueryBuilder;
    ///
    /// let migration = Migration::new(
    ///     "20250101000000_create_users",
    ///     |s| { s.create_table("users", |t| { t.increments("id"); }); },
    ///     |s| { s.drop_table("users"); },
    /// );
    /// assert_eq!(migration.down_schema().build(PostgresQueryBuilder)?, [r#"DROP TABLE "users""#]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn down_schema(&self) -> SchemaBuilder {
        let mut schema = SchemaBuilder::new();
        self.down.record(&mut schema);
        schema
    }
}

/// A name up to its first `_` (knex's notion of a migration's version).
pub(crate) fn version_of(name: &str) -> &str {
    name.split('_').next().unwrap_or(name)
}

/// The stem of a recorded name: `x.js`, `x.ts`, `x.rs` → `x`.
pub(crate) fn stem_of(recorded: &str) -> &str {
    // An extension is at most six characters: only the last seven bytes can hold its dot
    // (a status of a long history takes the stem of every row, several times).
    let bytes = recorded.as_bytes();
    let tail = bytes.len().saturating_sub(7);
    match bytes[tail..].iter().rposition(|&b| b == b'.') {
        Some(at) if tail + at + 1 < bytes.len() && bytes[tail + at + 1..].iter().all(u8::is_ascii_alphanumeric) => {
            &recorded[..tail + at]
        }
        _ => recorded,
    }
}

/// The message a panic carried (`panic!("…")`'s text), for one-line errors.
pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recorded_names_of_any_extension_share_the_stem() {
        assert_eq!(stem_of("20250126000001_create_sessions_table.js"), "20250126000001_create_sessions_table");
        assert_eq!(stem_of("20250126000001_create_sessions_table.rs"), "20250126000001_create_sessions_table");
        assert_eq!(stem_of("20250126000001_create_sessions_table"), "20250126000001_create_sessions_table");
        assert_eq!(version_of("20250126000001_create_sessions_table"), "20250126000001");
        assert_eq!(stem_of("2025_a.v1.cjs"), "2025_a.v1", "only the last extension");
        assert_eq!(stem_of("2025_a.backup1"), "2025_a.backup1", "seven characters are not an extension");
        assert_eq!(stem_of("2025_a.back_1"), "2025_a.back_1", "nor is anything but letters and digits");
        assert_eq!(stem_of("2025_a.jś"), "2025_a.jś");
        assert_eq!(stem_of("2025_a."), "2025_a.", "nor nothing");
        assert_eq!(stem_of(".js"), "");
    }
}
