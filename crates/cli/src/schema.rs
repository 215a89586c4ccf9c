//! `cargo xtask schema generate [--check]`: typed table definitions from a
//! database migrated to the latest migration, formatted as `cargo fmt` would.

use crate::{ClusterName, Project, cluster};
use anyhow::{Context as _, bail};
use knexrs_connect::ConnectConfig;
use knexrs_query::codegen::{CodegenOptions, generate_tables};
use knexrs_testing::TestDatabase;
use std::io::Write as _;
use std::path::Path;
use std::process::{Command, ExitCode, Stdio};

/// Options of `schema generate`.
///
/// ```
/// use clap::Parser;
///
/// #[derive(Parser)]
/// struct Cli { #[command(flatten)] generate: knexrs_cli::GenerateArgs }
///
/// let cli = Cli::parse_from(["generate", "--check"]);
/// assert!(cli.generate.check);
/// ```
#[derive(Debug, Clone, clap::Args)]
pub struct GenerateArgs {
    /// Fail (exit 1) when the committed file differs from what would be generated, writing nothing
    #[arg(long)]
    pub check: bool,
    /// The schema to describe
    #[arg(long, default_value = "public")]
    pub schema: String,
    /// Generate on a local cluster of this PostgreSQL major version (13 to
    /// 18; installed into target/ as `test --pg` installs it), then stop it
    #[arg(long, value_name = "MAJOR")]
    pub pg: Option<u32>,
}

/// `schema generate [--check]`: typed table definitions from a scratch
/// database migrated to the latest migration, formatted as `cargo fmt` would.
///
/// ```no_run
/// # let project = knexrs_cli::Project::new(".", knexrs_migrate::Migrator::new(vec![]));
/// let args = knexrs_cli::GenerateArgs { check: true, schema: "public".into(), pg: None };
/// let code = knexrs_cli::generate(&project, &args)?; // exit code 1 when stale
/// # Ok::<(), anyhow::Error>(())
/// ```
pub fn generate(project: &Project, args: &GenerateArgs) -> anyhow::Result<ExitCode> {
    if let Some(major) = args.pg {
        let (cluster, _, _) = crate::server_versions::version_cluster(project, major)?;
        let port = cluster.start()?;
        eprintln!("PostgreSQL {major}: {}", cluster.url(port, "postgres"));
        let result = generate_on(project, args, &ConnectConfig::from_url(&cluster.url(port, "postgres"))?);
        let _ = cluster.stop();
        return result;
    }
    let admin = match std::env::var("KNEXRS_TEST_DATABASE_URL") {
        Ok(url) => ConnectConfig::from_url(&url)?,
        Err(_) => {
            let cluster = cluster(project, ClusterName::Test)?;
            let port = cluster.start()?;
            ConnectConfig::from_url(&cluster.url(port, "postgres"))?
        }
    };
    generate_on(project, args, &admin)
}

/// `generate` with the scratch database on the server `admin` reaches.
fn generate_on(project: &Project, args: &GenerateArgs, admin: &ConnectConfig) -> anyhow::Result<ExitCode> {
    let migrator = match project.migrator() {
        Ok(migrator) => migrator.clone(),
        Err(e) => bail!("{e}"),
    };
    let db = TestDatabase::migrated_on(admin, &migrator).context("migrating a scratch database")?;
    let options = CodegenOptions { schema: args.schema.clone(), ..CodegenOptions::default() };
    let source = generate_tables(&mut db.connect()?, &options)?;
    let formatted = rustfmt(project, &source)?;
    let path = project.tables_file().to_path_buf();
    let shown = path.strip_prefix(project.root()).unwrap_or(&path).display().to_string();
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
fn rustfmt(project: &Project, source: &str) -> anyhow::Result<String> {
    let mut child = Command::new("rustfmt")
        .args(["--edition", "2024", "--emit", "stdout"])
        .args(rustfmt_config(project))
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

/// The workspace's rustfmt configuration, when it has one.
fn rustfmt_config(project: &Project) -> Vec<std::ffi::OsString> {
    ["rustfmt.toml", ".rustfmt.toml"]
        .iter()
        .map(|name| project.root().join(name))
        .find(|path| path.exists())
        .map(|path| vec!["--config-path".into(), path.into_os_string()])
        .unwrap_or_default()
}
