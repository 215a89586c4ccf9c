//! `cargo xtask package`: `cargo package` for every publishable crate, in
//! dependency order, each verified by building it from its packaged files
//! against the other crates' packages: what `cargo publish` would upload.

use anyhow::Context as _;
use std::path::Path;
use std::process::ExitCode;

pub(crate) fn run() -> anyhow::Result<ExitCode> {
    let root = crate::workspace_root();
    let crates = crate::checks::publishable_crates()?;
    eprintln!("package: {} crates: {}", crates.len(), crates.join(", "));
    // Cargo takes a registry package of a given version to be immutable: a
    // verify build in a target directory used before would reuse what it
    // compiled from an earlier packaging of the same version, and the
    // packages' sources it unpacked for a target directory of the same path.
    // A directory of this run's own, removed after, avoids both.
    let target = crate::project().target_dir().join(format!("package-verify-{}", std::process::id()));
    let mut command = knexrs_cli::cargo();
    command.args(["package", "--allow-dirty"]).current_dir(&root).env("CARGO_TARGET_DIR", &target);
    for name in &crates {
        command.args(["--package", name]);
    }
    let status = command.status().context("running cargo package");
    let _ = std::fs::remove_dir_all(&target);
    remove_unpacked_packages(&crates);
    Ok(if status?.success() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// The packages cargo unpacked from this run's temporary registry (under
/// `$CARGO_HOME/registry/src/-<hash>`): nothing else will read them.
fn remove_unpacked_packages(crates: &[String]) {
    let home = std::env::var_os("CARGO_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")));
    let Some(sources) = home.map(|h| h.join("registry/src")) else { return };
    let Ok(entries) = std::fs::read_dir(&sources) else { return };
    for entry in entries.flatten() {
        let local = entry.file_name().to_string_lossy().starts_with('-');
        let ours =
            crates.iter().any(|name| entry.path().join(format!("{name}-{}", env!("CARGO_PKG_VERSION"))).is_dir());
        if local && ours {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}
