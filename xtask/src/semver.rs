//! `cargo xtask semver`: the publishable crates' public API against the
//! previous release with cargo-semver-checks (installed from crates.io into
//! `target/tools` on first use), run before each release is published.

use anyhow::{Context as _, bail};
use std::path::Path;
use std::process::{Command, ExitCode};

/// `cargo xtask semver` options.
#[derive(Debug, clap::Args)]
pub(crate) struct SemverArgs {
    /// The release to compare with (a git revision); the newest `v*` tag when not given
    #[arg(long)]
    baseline_rev: Option<String>,
}

pub(crate) fn run(args: &SemverArgs) -> anyhow::Result<ExitCode> {
    let root = crate::workspace_root();
    let baseline = match &args.baseline_rev {
        Some(rev) => rev.clone(),
        None => newest_release_tag(&root)?.context(
            "no release tag (v*) to compare with: pass --baseline-rev <the previous release's git revision>",
        )?,
    };
    let tools = crate::project().target_dir().join("tools");
    let path = ensure_semver_checks(&tools)?;
    let crates = crate::checks::publishable_crates()?;
    eprintln!("semver: {} crates against {baseline}", crates.len());
    let mut command = knexrs_cli::cargo();
    command.args(["semver-checks", "check-release", "--baseline-rev", &baseline]).current_dir(&root).env("PATH", path);
    for name in &crates {
        command.args(["--package", name]);
    }
    let status = command.status().context("running cargo semver-checks")?;
    Ok(if status.success() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

fn newest_release_tag(root: &Path) -> anyhow::Result<Option<String>> {
    let out = Command::new("git")
        .args(["tag", "--list", "v*", "--sort=-v:refname"])
        .current_dir(root)
        .output()
        .context("running git tag")?;
    Ok(String::from_utf8_lossy(&out.stdout).lines().next().map(str::to_owned))
}

/// `PATH` with cargo-semver-checks on it: the one on `PATH` already, or the
/// one installed into `tools` (installed now when missing; cargo shows its progress).
fn ensure_semver_checks(tools: &Path) -> anyhow::Result<std::ffi::OsString> {
    let bin = tools.join("bin");
    let path = std::env::join_paths(
        std::iter::once(bin.clone()).chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())),
    )?;
    let found = Command::new("cargo-semver-checks").arg("--version").env("PATH", &path).output();
    if found.is_ok_and(|out| out.status.success()) {
        return Ok(path);
    }
    eprintln!("semver: installing cargo-semver-checks from crates.io into {} (once)", tools.display());
    let status = knexrs_cli::cargo()
        .args(["install", "cargo-semver-checks", "--locked", "--root"])
        .arg(tools)
        .status()
        .context("running cargo install")?;
    if !status.success() {
        bail!("installing cargo-semver-checks failed (see above): crates.io must be reachable");
    }
    Ok(path)
}
