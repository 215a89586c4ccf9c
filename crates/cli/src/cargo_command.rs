//! The one way this crate (and the xtask) starts cargo.

use std::process::Command;

/// Variables `cargo run` and `cargo test` set for the program they start,
/// describing that program's own package (besides every `CARGO_PKG_*`).
const PACKAGE_VARIABLES: [&str; 7] = [
    "CARGO_MANIFEST_DIR",
    "CARGO_MANIFEST_PATH",
    "CARGO_CRATE_NAME",
    "CARGO_BIN_NAME",
    "CARGO_PRIMARY_PACKAGE",
    "CARGO_TARGET_TMPDIR",
    "OUT_DIR",
];

/// A `cargo` command (`$CARGO`, the cargo that started this program, else
/// the one on `PATH`) without the package variables `cargo run` gave this
/// program. A build script that tracks one (ring's tracks
/// `CARGO_MANIFEST_DIR`) would otherwise see a value the same build started
/// from a shell does not, and every switch between `cargo xtask …` and plain
/// `cargo` would compile it, and all that depends on it, again.
///
/// ```
/// let mut command = knexrs_cli::cargo();
/// command.arg("--version");
/// assert!(command.get_envs().any(|(name, value)| name == "CARGO_MANIFEST_DIR" && value.is_none()));
/// ```
pub fn cargo() -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    for name in PACKAGE_VARIABLES {
        command.env_remove(name);
    }
    for (name, _) in std::env::vars_os() {
        if name.to_str().is_some_and(|name| name.starts_with("CARGO_PKG_")) {
            command.env_remove(name);
        }
    }
    command
}
