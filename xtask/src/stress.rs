//! `cargo xtask stress`: the runner under concurrency and faults (the `stress`
//! program of the tests package, on a cluster of its own).

use crate::workspace_root;
use anyhow::{Context as _, bail};
use std::process::{Command, ExitCode};

pub(crate) fn run() -> anyhow::Result<ExitCode> {
    knexrs_cli::ensure_postgres_server()?;
    // Built as `cargo xtask test` builds it (the workspace's features, with
    // the tests' dev-dependencies, unified; the package's programs come with
    // any of its test files): after the suite, nothing is compiled again.
    // `cargo build -p knexrs-tests` resolved other features and rebuilt the
    // crates under it for half a minute of CI.
    let status = knexrs_cli::cargo()
        .args(["test", "--quiet", "--workspace", "--no-run", "--test", "processes"])
        .current_dir(workspace_root())
        .status()
        .context("building the stress program")?;
    if !status.success() {
        bail!("building the stress program failed");
    }
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| workspace_root().join("target"), Into::into);
    let status = Command::new(target.join("debug/stress")).status().context("running the stress program")?;
    Ok(if status.success() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}
