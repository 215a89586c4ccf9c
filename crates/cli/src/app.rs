//! The `knexrs` command (also `cargo knexrs`): `init` adds knexrs to a
//! workspace; `migrate …` and `seed …` run the workspace's own migrations and
//! seeds (through its `cargo xtask`, so they stay compiled in); `make`,
//! `migrate make` and `seed make` need no build at all.

use crate::InitOptions;
use anyhow::{Context as _, bail};
use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// `knexrs`'s arguments.
///
/// ```
/// use clap::Parser;
///
/// let app = knexrs_cli::App::parse_from(["knexrs", "init", "--dry-run"]);
/// let app = knexrs_cli::App::parse_from(["knexrs", "migrate", "latest", "--transaction", "each"]);
/// let app = knexrs_cli::App::parse_from(["knexrs", "seed", "run", "--specific", "01_users"]);
/// ```
#[derive(Debug, Parser)]
#[command(name = "knexrs", version, about = "Knex-style PostgreSQL migrations for Rust workspaces")]
pub struct App {
    #[command(subcommand)]
    command: AppCommand,
}

#[derive(Debug, Subcommand)]
enum AppCommand {
    /// Add knexrs to this Cargo workspace: a migrations crate, an xtask, the `cargo xtask` alias, deploy files
    Init {
        /// Depend on a local knexrs checkout (its root folder) instead of published versions
        #[arg(long, value_name = "DIR")]
        knexrs_path: Option<PathBuf>,
        /// The migrations crate's package name
        #[arg(long, value_name = "NAME", default_value = "migrations")]
        migrations_crate: String,
        /// Print what would change, and change nothing
        #[arg(long)]
        dry_run: bool,
    },
    /// Migrations: `cargo xtask migrate …` in this workspace (`migrate make` needs no build)
    Migrate {
        /// The migrate command and its options (latest, rollback, status, make <name>, …)
        #[arg(trailing_var_arg = true, allow_hyphen_values = true, required = true)]
        args: Vec<String>,
    },
    /// Seeds: `cargo xtask seed …` in this workspace (`seed make` needs no build)
    Seed {
        /// The seed command and its options (make <name>, run, status, …)
        #[arg(trailing_var_arg = true, allow_hyphen_values = true, required = true)]
        args: Vec<String>,
    },
    /// Write migrations/YYYYMMDDHHMMSS_<name>.rs (needs no build)
    Make(knexrs_migrate::cli::MakeArgs),
}

/// `knexrs migrate …` read as the workspace's `migrate` command reads it, to
/// run `make` here (it needs no build).
#[derive(Debug, Parser)]
#[command(name = "knexrs migrate")]
struct MigrateLine {
    #[command(flatten)]
    migrate: knexrs_migrate::cli::MigrateArgs,
}

/// `knexrs seed …`, read as the workspace's `seed` command reads it.
#[derive(Debug, Parser)]
#[command(name = "knexrs seed")]
struct SeedLine {
    #[command(flatten)]
    seed: knexrs_migrate::cli::SeedArgs,
}

/// Runs `knexrs` with the process's arguments; `cargo knexrs …` passes
/// `knexrs` as the first argument, which is skipped.
///
/// ```no_run
/// fn main() -> std::process::ExitCode {
///     knexrs_cli::app_main()
/// }
/// ```
pub fn app_main() -> ExitCode {
    let mut args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if args.get(1).is_some_and(|a| a == "knexrs") {
        args.remove(1);
    }
    let app = App::parse_from(args);
    run_app(app).unwrap_or_else(crate::failure)
}

fn run_app(app: App) -> anyhow::Result<ExitCode> {
    let root = workspace_root()?;
    match app.command {
        AppCommand::Init { knexrs_path, migrations_crate, dry_run } => {
            let options = InitOptions { root: root.clone(), knexrs_path, migrations_crate };
            let plan = if dry_run { crate::plan_init(&options)? } else { crate::init(&options)? };
            let verb = if dry_run { "would" } else { "did" };
            println!("knexrs init {verb}, in {}:", root.display());
            for change in &plan {
                println!("  {change}");
            }
            if !dry_run {
                println!("next: knexrs migrate make create_users, fill it in, then cargo xtask migrate latest");
                println!("your own crates: see migrations/README.md for their dependencies and DATABASE_URL");
            }
            Ok(ExitCode::SUCCESS)
        }
        AppCommand::Make(make) => make_migration(&root, &make),
        AppCommand::Migrate { args } if args.first().is_some_and(|a| a == "make") => {
            let line =
                MigrateLine::try_parse_from(std::iter::once("knexrs migrate").chain(args.iter().map(String::as_str)))
                    .unwrap_or_else(|error| error.exit());
            match &line.migrate.command {
                knexrs_migrate::cli::MigrateCommand::Make(make) => make_migration(&root, make),
                _ => xtask(&root, "migrate", &args),
            }
        }
        AppCommand::Migrate { args } => xtask(&root, "migrate", &args),
        AppCommand::Seed { args } if args.first().is_some_and(|a| a == "make") => {
            let line = SeedLine::try_parse_from(std::iter::once("knexrs seed").chain(args.iter().map(String::as_str)))
                .unwrap_or_else(|error| error.exit());
            let seeder = knexrs_migrate::Seeder::new(vec![]);
            let seeds_dir = root.join("seeds");
            let context = knexrs_migrate::cli::SeedContext {
                seeder: &seeder,
                seeds_dir: Some(&seeds_dir),
                connect: &no_connection,
            };
            Ok(knexrs_migrate::cli::seed_main(&context, &line.seed))
        }
        AppCommand::Seed { args } => xtask(&root, "seed", &args),
    }
}

/// `make` needs no database: what a context asks for one.
fn no_connection(
    environment: knexrs_connect::Environment,
) -> Result<knexrs_connect::ConnectConfig, knexrs_migrate::MigrateError> {
    Err(knexrs_migrate::MigrateError::NotConfigured { environment })
}

/// Runs `cargo xtask <command> <args…>` in the workspace and exits as it does.
fn xtask(root: &Path, command: &str, args: &[String]) -> anyhow::Result<ExitCode> {
    let status = crate::cargo().args(["xtask", command]).args(args).current_dir(root).status().with_context(|| {
        format!("running `cargo xtask {command}` (is the `xtask` alias in .cargo/config.toml? `knexrs init` adds it)")
    })?;
    Ok(status.code().map_or(ExitCode::FAILURE, |c| ExitCode::from(c.clamp(0, 255) as u8)))
}

/// `migrate make` (or `knexrs make`), as the workspace's own command runs it.
fn make_migration(root: &Path, make: &knexrs_migrate::cli::MakeArgs) -> anyhow::Result<ExitCode> {
    let dir = match &make.migrations_directory {
        Some(dir) => dir.clone(),
        None if root.join("migrations").is_dir() => root.join("migrations"),
        None => bail!("{} has no migrations folder: run `knexrs init` first", root.display()),
    };
    let path = knexrs_migrate::make_with(&dir, &make.name, chrono::Utc::now(), &make.options())?;
    println!("Created Migration: {}", path.display());
    Ok(ExitCode::SUCCESS)
}

/// The folder of the workspace's root `Cargo.toml`, as cargo finds it from here.
fn workspace_root() -> anyhow::Result<PathBuf> {
    let out = crate::cargo()
        .args(["locate-project", "--workspace", "--message-format", "plain"])
        .output()
        .context("running cargo locate-project")?;
    if !out.status.success() {
        bail!("not inside a Cargo project: run knexrs in a workspace (`cargo new app` makes one)");
    }
    let manifest = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    Ok(manifest.parent().map(Path::to_path_buf).unwrap_or(manifest))
}
