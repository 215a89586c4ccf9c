//! `cargo xtask e2e`: what a user does, end to end, in a scratch folder:
//!
//! - `workspace`: copy this workspace, add a migration the README's way
//!   (`migrate make`, fill the stub, `migrate latest`, `schema generate`), and
//!   run the workspace's own tests there: they must keep passing whatever
//!   migrations a user adds.

use crate::workspace_root;
use anyhow::{Context as _, bail};
use knexrs_cli::{ClusterName, cluster};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

/// Which scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Scenario {
    /// This workspace with a migration a user added.
    Workspace,
}

#[derive(Debug, clap::Args)]
pub(crate) struct E2eArgs {
    /// The scenarios to run (all by default)
    #[arg(value_enum)]
    scenarios: Vec<Scenario>,
}

pub(crate) fn run(args: &E2eArgs) -> anyhow::Result<ExitCode> {
    let scenarios = if args.scenarios.is_empty() { vec![Scenario::Workspace] } else { args.scenarios.clone() };
    for scenario in scenarios {
        match scenario {
            Scenario::Workspace => workspace_with_a_user_migration()?,
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn expect(output: &str, text: &str) -> anyhow::Result<()> {
    if output.contains(text) { Ok(()) } else { bail!("expected `{text}` in:\n{output}") }
}

/// A scratch folder, removed when dropped.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn step(what: &str) {
    eprintln!("[e2e] {what}");
}

/// Runs `command`, failing with its output when it fails; returns its stdout.
fn ok(command: &mut Command, what: &str) -> anyhow::Result<String> {
    step(what);
    let out = command.output().with_context(|| format!("running {what}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    if !out.status.success() {
        bail!("{what} failed ({}):\n{stdout}{}", out.status, String::from_utf8_lossy(&out.stderr));
    }
    Ok(stdout)
}

fn workspace_with_a_user_migration() -> anyhow::Result<()> {
    let root = workspace_root();
    let scratch = Scratch(std::env::temp_dir().join(format!("knexrs-e2e-workspace-{}", std::process::id())));
    copy_sources(&root, &scratch.0)?;
    // The test cluster's scratch database for `migrate latest`: nothing of the user's dev database is touched.
    let test_cluster = cluster(&crate::project(), ClusterName::Test)?;
    let port = test_cluster.start()?;
    let database = format!("knexrs_e2e_{}", std::process::id());
    test_cluster.ensure_database(port, &database)?;
    let url = test_cluster.url(port, &database);
    let cargo_xtask = |args: &[&str]| {
        let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
        // A target folder of its own, kept between runs: cargo names a workspace's
        // artifacts the same wherever it lives, so sharing ours would mix the two.
        command.arg("xtask").args(args).current_dir(&scratch.0).env("CARGO_TARGET_DIR", root.join("target/e2e"));
        command.env("DATABASE_URL", &url).env_remove("KNEXRS_ENV").env_remove("NODE_ENV");
        command
    };
    let first = ok(&mut cargo_xtask(&["migrate", "latest"]), "cargo xtask migrate latest (the migrations as cloned)")?;
    expect(&first, "Batch 1 run: ")?;
    let made = ok(&mut cargo_xtask(&["migrate", "make", "add-pod-index"]), "cargo xtask migrate make add-pod-index")?;
    let path = made
        .lines()
        .find_map(|line| line.strip_prefix("Created Migration: "))
        .map(PathBuf::from)
        .context("`migrate make` printed no `Created Migration:` line")?;
    // The README's next step: fill the stub.
    std::fs::write(
        &path,
        "//! Index sessions by pod.\n\nuse knexrs_migrate::prelude::*;\n\n\
         pub fn up(schema: &mut SchemaBuilder) {\n    schema.alter_table(\"sessions\", |t| {\n        t.text(\"pod_zone\");\n        t.index(\"pod_name\").name(\"idx_sessions_pod\");\n    });\n}\n\n\
         pub fn down(schema: &mut SchemaBuilder) {\n    schema.alter_table(\"sessions\", |t| {\n        t.drop_index(\"pod_name\").name(\"idx_sessions_pod\");\n        t.drop_column(\"pod_zone\");\n    });\n}\n",
    )?;
    let latest = ok(&mut cargo_xtask(&["migrate", "latest"]), "cargo xtask migrate latest")?;
    expect(&latest, "Batch 2 run: 1 migrations")?;
    expect(&latest, "_add-pod-index (")?;
    let rollback = ok(&mut cargo_xtask(&["migrate", "rollback"]), "cargo xtask migrate rollback")?;
    expect(&rollback, "Batch 2 rolled back: 1 migrations")?;
    let status = ok(&mut cargo_xtask(&["migrate", "status"]), "cargo xtask migrate status")?;
    expect(&status, "Found 1 Pending Migration file/files.")?;
    ok(&mut cargo_xtask(&["migrate", "latest"]), "cargo xtask migrate latest (again)")?;
    ok(&mut cargo_xtask(&["schema", "generate"]), "cargo xtask schema generate")?;
    let mut test = cargo_xtask(&["test"]);
    test.env_remove("DATABASE_URL");
    ok(&mut test, "cargo xtask test (the copy's whole suite, with the user's migration)")?;
    let mut drop = knexrs_connect::ConnectConfig::from_url(&test_cluster.url(port, "postgres"))?.connect()?;
    drop.batch_execute(&format!("drop database if exists \"{database}\" with (force)"))?;
    step("the workspace's tests pass with a migration a user added");
    Ok(())
}

/// The workspace's sources (what a clone holds), without build output.
fn copy_sources(from: &Path, to: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)?.flatten() {
        let name = entry.file_name();
        if [".git", "target", "bench-out", "benchmarks", "node_modules"].iter().any(|skip| name == *skip) {
            continue;
        }
        let target = to.join(&name);
        if entry.file_type()?.is_dir() {
            copy_sources(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}
