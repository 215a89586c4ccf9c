//! The `knexrs` command (also `cargo knexrs`): `init` adds knexrs to a
//! workspace; `migrate …` and `seed …` run the workspace's own migrations and
//! seeds (through its `cargo xtask`, so they stay compiled in); `make`,
//! `migrate make` and `seed make` need no build at all.

use crate::{InitOptions, Planned};
use anyhow::{Context as _, bail};
use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

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
    Make {
        /// Letters, digits, `_` and `-`, e.g. add_pod_index
        name: String,
    },
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
            if !dry_run && !plan.iter().any(|p| matches!(p, Planned::Skip { path, .. } if path == Path::new("xtask"))) {
                println!("next: knexrs migrate make create_users, fill it in, then cargo xtask migrate latest");
                println!("your own crates: see migrations/README.md for their dependencies and DATABASE_URL");
            }
            Ok(ExitCode::SUCCESS)
        }
        AppCommand::Make { name } => make(&root, &name),
        AppCommand::Migrate { args } => match make_name(&args, "migrate")? {
            Some(name) => make(&root, name),
            None => xtask(&root, "migrate", &args),
        },
        AppCommand::Seed { args } => match make_name(&args, "seed")? {
            Some(name) => {
                let path = knexrs_migrate::make_seed(&root.join("seeds"), name)?;
                println!("Created seed file: {}", path.display());
                Ok(ExitCode::SUCCESS)
            }
            None => xtask(&root, "seed", &args),
        },
    }
}

/// The name of `<command> make <name>` (which needs no build), `None` for
/// any other arguments (passed through to the xtask).
fn make_name<'a>(args: &'a [String], command: &str) -> anyhow::Result<Option<&'a str>> {
    match args {
        [make, name] if make == "make" => Ok(Some(name)),
        [make, ..] if make == "make" => bail!("usage: knexrs {command} make <name>"),
        _ => Ok(None),
    }
}

/// Runs `cargo xtask <command> <args…>` in the workspace and exits as it does.
fn xtask(root: &Path, command: &str, args: &[String]) -> anyhow::Result<ExitCode> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let status =
        Command::new(cargo).args(["xtask", command]).args(args).current_dir(root).status().with_context(|| {
            format!(
                "running `cargo xtask {command}` (is the `xtask` alias in .cargo/config.toml? `knexrs init` adds it)"
            )
        })?;
    Ok(status.code().map_or(ExitCode::FAILURE, |c| ExitCode::from(c.clamp(0, 255) as u8)))
}

fn make(root: &Path, name: &str) -> anyhow::Result<ExitCode> {
    let dir = root.join("migrations");
    if !dir.is_dir() {
        bail!("{} has no migrations folder: run `knexrs init` first", root.display());
    }
    let path = knexrs_migrate::make(&dir, name, chrono::Utc::now())?;
    println!("Created Migration: {}", path.display());
    Ok(ExitCode::SUCCESS)
}

/// The folder of the workspace's root `Cargo.toml`, as cargo finds it from here.
fn workspace_root() -> anyhow::Result<PathBuf> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let out = Command::new(cargo)
        .args(["locate-project", "--workspace", "--message-format", "plain"])
        .output()
        .context("running cargo locate-project")?;
    if !out.status.success() {
        bail!("not inside a Cargo project: run knexrs in a workspace (`cargo new app` makes one)");
    }
    let manifest = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    Ok(manifest.parent().map(Path::to_path_buf).unwrap_or(manifest))
}
