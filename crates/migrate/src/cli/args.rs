//! The arguments, as clap derives.

use crate::{MigrateError, TransactionMode};
use knexrs_connect::Environment;
use std::time::Duration;

/// `migrate <command>` with its connection options.
///
/// ```
/// use clap::Parser;
/// use knexrs_migrate::cli::{MigrateArgs, MigrateCommand};
///
/// #[derive(Parser)]
/// struct Cli {
///     #[command(flatten)]
///     migrate: MigrateArgs,
/// }
/// let cli = Cli::parse_from(["migrate", "rollback", "--all", "--dry-run"]);
/// assert!(matches!(cli.migrate.command, MigrateCommand::Rollback { all: true, .. }));
/// ```
#[derive(Debug, Clone, clap::Args)]
pub struct MigrateArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: MigrateCommand,
    /// Where the bookkeeping lives and which environment to use.
    #[command(flatten)]
    pub connection: ConnectionArgs,
}

/// Connection options, shared by every command.
///
/// ```
/// use clap::Parser;
/// use knexrs_migrate::cli::MigrateArgs;
///
/// #[derive(Parser)]
/// struct Cli { #[command(flatten)] migrate: MigrateArgs }
///
/// let cli = Cli::parse_from(["migrate", "status", "--table", "migrations", "--schema", "ops"]);
/// assert_eq!(cli.migrate.connection.table, "migrations");
/// assert_eq!(cli.migrate.connection.schema.as_deref(), Some("ops"));
/// ```
#[derive(Debug, Clone, clap::Args)]
pub struct ConnectionArgs {
    /// Environment: development, staging, production (TLS required) or test
    /// [default: $KNEXRS_ENV, $NODE_ENV, development]
    #[arg(long, global = true, value_name = "ENV")]
    pub env: Option<Environment>,
    /// The bookkeeping table (knex `tableName`); `<table>_lock` holds knex's lock row
    #[arg(long, global = true, value_name = "TABLE", default_value = "knex_migrations")]
    pub table: String,
    /// The schema of the bookkeeping tables (knex `schemaName`)
    #[arg(long, global = true, value_name = "SCHEMA")]
    pub schema: Option<String>,
    /// `transaction` when the connection goes through a transaction pooler (PgBouncer pool_mode = transaction) [default: $KNEXRS_POOLER]
    #[arg(long, global = true, value_name = "MODE")]
    pub pooler: Option<knexrs_connect::Pooler>,
    /// A direct connection to the server, used instead of a transaction pooler (needed for migrations outside a transaction) [default: $MIGRATION_DATABASE_URL]
    #[arg(long, global = true, value_name = "URL")]
    pub direct_url: Option<String>,
    /// Wait up to this long (e.g. 60s) for the database to accept connections while it starts, restarts or fails over; other errors stop at once [default: no wait]
    #[arg(long, global = true, value_name = "DURATION", value_parser = parse_duration)]
    pub connect_wait: Option<Duration>,
}

/// The commands.
///
/// ```
/// use clap::Parser;
/// use knexrs_migrate::cli::{MigrateArgs, MigrateCommand};
///
/// #[derive(Parser)]
/// struct Cli { #[command(flatten)] migrate: MigrateArgs }
///
/// let cli = Cli::parse_from(["migrate", "resolve", "20250301000000_index_pod_ip", "--applied"]);
/// assert!(matches!(cli.migrate.command, MigrateCommand::Resolve { applied: true, .. }));
/// assert!(Cli::try_parse_from(["migrate", "resolve", "x"]).is_err()); // --applied or --rolled-back
/// ```
#[derive(Debug, Clone, clap::Subcommand)]
// Only the subcommand given is built: building all of them was a sixth of a
// no-op `latest`'s instructions (BENCHMARKS.md, "Start-up of the deployable
// binary"). A built subcommand then takes the `///` doc of an `Args` struct it
// flattens as its help, over its own: those structs' docs are in files.
#[command(defer = true)]
pub enum MigrateCommand {
    /// Run every pending migration as a new batch (knex migrate:latest)
    Latest(RunArgs),
    /// Undo the last batch, or everything with --all (knex migrate:rollback)
    Rollback {
        /// Undo every applied migration
        #[arg(long)]
        all: bool,
        /// Run options.
        #[command(flatten)]
        run: RunArgs,
    },
    /// Run the next pending migration, or the one named (knex migrate:up)
    Up {
        /// The migration, e.g. 20250126000001_create_sessions_table
        name: Option<String>,
        /// Run options.
        #[command(flatten)]
        run: RunArgs,
    },
    /// Undo the last applied migration, or the one named (knex migrate:down)
    Down {
        /// The migration, e.g. 20250126000001_create_sessions_table
        name: Option<String>,
        /// Run options.
        #[command(flatten)]
        run: RunArgs,
    },
    /// Run every pending migration up to and including the one named, as one batch (knex migrate:to)
    To {
        /// The migration, e.g. 20250126000002_create_token_jti_table
        name: String,
        /// Run options.
        #[command(flatten)]
        run: RunArgs,
    },
    /// Run every pending migration before the one named, as one batch (knex migrate:before)
    Before {
        /// The migration, e.g. 20250126000002_create_token_jti_table
        name: String,
        /// Run options.
        #[command(flatten)]
        run: RunArgs,
    },
    /// List applied and pending migrations (knex migrate:list; also `list`)
    #[command(visible_alias = "list")]
    Status(StatusArgs),
    /// Create migrations/YYYYMMDDHHMMSS_NAME.rs (knex migrate:make)
    Make(MakeArgs),
    /// Release knex's lock row after a killed knex run (knex migrate:unlock)
    Unlock,
    /// Print the latest applied version (knex migrate:currentVersion)
    CurrentVersion,
    /// Check that each pending migration (or each one named) is undone by its down: up, down and up again on a throwaway database, schemas compared (exit 1 when one is not)
    Verify {
        /// Migrations to check [default: every pending one]
        #[arg(conflicts_with = "all")]
        names: Vec<String>,
        /// Check every migration, applied or not
        #[arg(long)]
        all: bool,
    },
    /// Trace what each pending migration (or each one named) locks and rewrites, on a throwaway database, and report its hazards to a database in use (exit 1 on an error)
    Lint {
        /// Migrations to lint [default: every pending one]
        #[arg(conflicts_with = "all")]
        names: Vec<String>,
        /// Lint every migration, applied or not
        #[arg(long)]
        all: bool,
        /// A hazard to accept in every migration (`table-rewrite`, …); repeat for more
        #[arg(long, value_name = "HAZARD")]
        allow: Vec<crate::Hazard>,
        /// The `--lock-timeout` the real run has (then no migration lacks one)
        #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
        lock_timeout: Option<Duration>,
        /// Also print each statement with the locks it takes
        #[arg(long)]
        verbose: bool,
        /// Print the report as JSON (statements, locks, findings)
        #[arg(long, conflicts_with = "verbose")]
        json: bool,
    },
    /// Compare the database's schema with the one its applied migrations build (on a throwaway database): objects made, changed or dropped outside the migrations (exit 1 when any)
    Drift {
        /// Print the report as JSON (each difference with its kind, table, name and definitions)
        #[arg(long)]
        json: bool,
        /// Every database of FILE (`name url` or a URL per line), each against its own applied migrations
        #[arg(long, value_name = "FILE", conflicts_with = "direct_url")]
        targets: Option<std::path::PathBuf>,
        /// With --targets: how many databases to check at a time [default: 8]
        #[arg(long, value_name = "N", requires = "targets")]
        parallel: Option<usize>,
        /// A schema not to compare (a platform's own, such as `auth`); repeat for more
        #[arg(long, value_name = "SCHEMA")]
        ignore_schema: Vec<String>,
        /// An extension not to compare (one the platform installs, such as `pg_stat_statements`); repeat for more
        #[arg(long, value_name = "EXTENSION")]
        ignore_extension: Vec<String>,
        /// A table not to compare, with what is on it (another tool's): `schema.table` or `table`, `*` for any run of characters; repeat for more
        #[arg(long, value_name = "TABLE")]
        ignore_table: Vec<String>,
    },
    /// Accept the edited source of an applied migration as its new checksum
    Accept {
        /// The edited migration
        name: String,
    },
    /// Settle a migration that stopped halfway outside a transaction (in its up or its down)
    Resolve {
        /// The migration
        name: String,
        /// It was completed by hand (or its down was undone by hand): record it as applied
        #[arg(long, conflicts_with = "rolled_back", required_unless_present = "rolled_back")]
        applied: bool,
        /// It was undone by hand (or its down was finished by hand): record it as not applied
        #[arg(long)]
        rolled_back: bool,
        /// Wait this long for another run's lock before giving up
        #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "10m")]
        lock_wait: Duration,
    },
}

// Its doc is read from a file, which clap does not see (see `MigrateCommand`).
#[doc = include_str!("run_args.md")]
#[derive(Debug, Clone, Default, clap::Args)]
pub struct RunArgs {
    /// Print the SQL that would run, with its transaction boundaries, and change nothing
    #[arg(long)]
    pub dry_run: bool,
    /// knex (default): as knex does; all: one transaction for the batch; each: one per migration; none
    #[arg(long, value_name = "MODE")]
    pub transaction: Option<TransactionMode>,
    /// The extension new knex_migrations rows record (js keeps the table readable by knex) [default: the table's own]
    #[arg(long, value_name = "EXT")]
    pub record_extension: Option<String>,
    /// Run even when a recorded migration has no file (knex's disableMigrationsListValidation)
    #[arg(long)]
    pub disable_migrations_list_validation: bool,
    /// Check the migrations against this PostgreSQL version (15, 14.3) instead of the server's (for dry runs)
    #[arg(long, value_name = "VERSION", value_parser = parse_pg_version)]
    pub pg_version: Option<knexrs_sql::ServerVersion>,
    /// Accepted as knex accepts it (the migrations are always listed)
    #[arg(long)]
    pub verbose: bool,
    /// Give up waiting for a table lock after this long (e.g. 5s, 500ms)
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub lock_timeout: Option<Duration>,
    /// Cancel any statement running longer than this (e.g. 10m)
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub statement_timeout: Option<Duration>,
    /// Wait this long for a lock another session holds (another run's, or knex's lock row) before giving up
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "10m")]
    pub lock_wait: Duration,
    /// Run on every database listed in FILE (`name url` or a URL per line), each as its own run
    #[arg(long, value_name = "FILE", conflicts_with_all = ["dry_run", "direct_url"])]
    pub targets: Option<std::path::PathBuf>,
    /// With --targets: how many databases at a time [default: 8]
    #[arg(long, value_name = "N", requires = "targets")]
    pub parallel: Option<usize>,
    /// With --targets: after a database fails, start no other
    #[arg(long, requires = "targets")]
    pub fail_fast: bool,
}

// Its doc is read from a file, which clap does not see (see `MigrateCommand`).
#[doc = include_str!("make_args.md")]
#[derive(Debug, Clone, clap::Args)]
pub struct MakeArgs {
    /// Letters, digits, `_` and `-`, e.g. add_pod_index
    pub name: String,
    /// The folder to write it into, when the migrations span several [default: the project's migrations folder]
    #[arg(long, value_name = "DIR")]
    pub migrations_directory: Option<std::path::PathBuf>,
    /// Start from this file (knex --stub): a path, or the name of a file in the migrations folder; `{{name}}` in it becomes the migration's name [default: migration.stub in the migrations folder when there is one]
    #[arg(long, value_name = "FILE")]
    pub stub: Option<std::path::PathBuf>,
}

impl MakeArgs {
    /// The options `make` takes from these arguments.
    ///
    /// ```
    /// use clap::Parser;
    /// use knexrs_migrate::{cli::MakeArgs, MakeOptions};
    ///
    /// #[derive(Parser)]
    /// struct Cli { #[command(flatten)] make: MakeArgs }
    ///
    /// let mut expected = MakeOptions::new();
    /// expected.stub("team.stub");
    /// assert_eq!(Cli::parse_from(["make", "x", "--stub", "team.stub"]).make.options(), expected);
    /// ```
    pub fn options(&self) -> crate::MakeOptions {
        let mut options = crate::MakeOptions::new();
        if let Some(stub) = &self.stub {
            options.stub(stub);
        }
        options
    }
}

// Its doc is read from a file, which clap does not see (see `MigrateCommand`).
#[doc = include_str!("status_args.md")]
#[derive(Debug, Clone, Default, clap::Args)]
pub struct StatusArgs {
    /// Print JSON, for machines
    #[arg(long)]
    pub json: bool,
    /// Exit with 3 while a migration is pending, edited or unfinished (for CI and readiness probes)
    #[arg(long)]
    pub exit_code: bool,
    /// Each migration with its batch, time and recorded name (knex's plain list otherwise)
    #[arg(long)]
    pub verbose: bool,
    /// One line per database of FILE (`name url` or a URL per line): which are behind
    #[arg(long, value_name = "FILE", conflicts_with = "direct_url")]
    pub targets: Option<std::path::PathBuf>,
    /// With --targets: how many databases to read at a time [default: 8]
    #[arg(long, value_name = "N", requires = "targets")]
    pub parallel: Option<usize>,
}

/// `15` (any minor) or `14.3`.
fn parse_pg_version(text: &str) -> Result<knexrs_sql::ServerVersion, MigrateError> {
    let bad = || MigrateError::InvalidValue {
        value: text.to_owned(),
        expected: "a PostgreSQL version: give a major version (15) or major.minor (14.3)",
    };
    match text.split_once('.') {
        None => text.parse().map(knexrs_sql::ServerVersion::major).map_err(|_| bad()),
        Some(_) => knexrs_sql::ServerVersion::parse(text).filter(|v| v.major >= 10).ok_or_else(bad),
    }
}

/// `500ms`, `5s`, `10m`, `1h`, or a bare number of seconds.
pub(super) fn parse_duration(text: &str) -> Result<Duration, MigrateError> {
    let text = text.trim();
    let bad =
        || MigrateError::InvalidValue { value: text.to_owned(), expected: "a duration: use 500ms, 5s, 10m or 1h" };
    let split = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let n: u64 = number.parse().map_err(|_| bad())?;
    match unit {
        "ms" => Ok(Duration::from_millis(n)),
        "" | "s" => Ok(Duration::from_secs(n)),
        "m" | "min" => Ok(Duration::from_secs(n * 60)),
        "h" => Ok(Duration::from_secs(n * 3600)),
        _ => Err(bad()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_take_the_usual_units() {
        assert_eq!(parse_duration("500ms").ok(), Some(Duration::from_millis(500)));
        assert_eq!(parse_duration("5s").ok(), Some(Duration::from_secs(5)));
        assert_eq!(parse_duration("10m").ok(), Some(Duration::from_secs(600)));
        assert_eq!(parse_duration("7").ok(), Some(Duration::from_secs(7)));
        for bad in ["5 parsecs", "5y", "soon"] {
            assert!(matches!(parse_duration(bad), Err(MigrateError::InvalidValue { .. })), "{bad}");
        }
        assert_eq!(
            parse_duration("5y").map_err(|e| e.to_string()),
            Err("`5y` is not a duration: use 500ms, 5s, 10m or 1h".to_owned())
        );
    }

    #[test]
    fn each_subcommand_built_on_use_keeps_its_own_help_line() {
        use clap::{CommandFactory, Parser};
        #[derive(Parser)]
        struct Cli {
            #[command(flatten)]
            migrate: MigrateArgs,
        }
        let mut cli = Cli::command();
        cli.build();
        for (name, about) in [
            ("latest", "Run every pending migration as a new batch (knex migrate:latest)"),
            ("rollback", "Undo the last batch, or everything with --all (knex migrate:rollback)"),
            ("status", "List applied and pending migrations (knex migrate:list; also `list`)"),
            ("make", "Create migrations/YYYYMMDDHHMMSS_NAME.rs (knex migrate:make)"),
        ] {
            let subcommand = cli.find_subcommand_mut(name).unwrap();
            subcommand.build();
            assert_eq!(subcommand.get_about().map(ToString::to_string).as_deref(), Some(about), "{name}");
            assert_eq!(subcommand.get_long_about(), None, "{name}: a one-line help, not a struct's doc");
            assert!(subcommand.get_arguments().any(|arg| arg.get_id() != "help"), "{name}: its arguments are built");
        }
    }
}
