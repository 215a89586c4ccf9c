//! `cargo xtask schema generate [--check]`: typed table definitions from a
//! database migrated to the latest migration, formatted as `cargo fmt` would.

use crate::local::{ClusterName, cluster, workspace_root};
use anyhow::{Context as _, bail};
use knexrs_connect::ConnectConfig;
use knexrs_query::codegen::{CodegenOptions, generate_tables};
use knexrs_testing::TestDatabase;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

/// Where the definitions live (a module of the migrations crate).
pub(crate) fn tables_file() -> PathBuf {
    workspace_root().join("migrations/schema/tables.rs")
}

/// Options of `schema generate`.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct GenerateArgs {
    /// Fail (exit 1) when the committed file differs from what would be generated, writing nothing
    #[arg(long)]
    check: bool,
    /// The schema to describe
    #[arg(long, default_value = "public")]
    schema: String,
}

pub(crate) fn generate(args: &GenerateArgs) -> anyhow::Result<ExitCode> {
    let admin = match std::env::var("KNEXRS_TEST_DATABASE_URL") {
        Ok(url) => ConnectConfig::from_url(&url)?,
        Err(_) => {
            let cluster = cluster(ClusterName::Test)?;
            let port = cluster.start()?;
            ConnectConfig::from_url(&cluster.url(port, "postgres"))?
        }
    };
    let migrator = cliscale_migrations::migrator()?;
    let db = TestDatabase::migrated_on(&admin, &migrator).context("migrating a scratch database")?;
    let options = CodegenOptions { schema: args.schema.clone(), ..CodegenOptions::default() };
    let source = generate_tables(&mut db.connect()?, &options)?;
    let formatted = rustfmt(&source)?;
    let path = tables_file();
    let shown = path.strip_prefix(workspace_root()).unwrap_or(&path).display().to_string();
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    if args.check {
        if current != formatted {
            eprintln!(
                "{shown} is stale: the migrations changed since it was generated (a migration added or edited changes the tables); run `cargo xtask schema generate` and commit the file with the migration"
            );
            return Ok(ExitCode::FAILURE);
        }
        println!("{shown} is up to date");
    } else if current == formatted {
        println!("{shown} is up to date");
    } else {
        write(&path, &formatted)?;
        println!("wrote {shown}");
    }
    Ok(ExitCode::SUCCESS)
}

fn write(path: &Path, text: &str) -> anyhow::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
}

/// The source as `cargo fmt` leaves it, with the workspace's rustfmt.toml.
fn rustfmt(source: &str) -> anyhow::Result<String> {
    let mut child = Command::new("rustfmt")
        .args(["--edition", "2024", "--emit", "stdout", "--config-path"])
        .arg(workspace_root().join("rustfmt.toml"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("running rustfmt: install it with `rustup component add rustfmt`")?;
    child.stdin.take().context("rustfmt's stdin")?.write_all(source.as_bytes())?;
    let output = child.wait_with_output()?;
    if !output.status.success() {
        bail!("rustfmt refused the generated source: {}", String::from_utf8_lossy(&output.stderr).trim());
    }
    Ok(String::from_utf8(output.stdout)?)
}
