//! What the workspace needs from the machine, installed with its package
//! manager when missing, so the README's commands work on a fresh machine:
//! the PostgreSQL server for the local clusters, Node.js for the peer harness.

use anyhow::bail;
use std::path::Path;
use std::process::{Command, Stdio};

/// The PostgreSQL server programs (`initdb`, `pg_ctl`, `postgres`) that the
/// local clusters run from: found (`PGBIN`, the usual folders), else
/// installed with the system's package manager.
///
/// ```no_run
/// knexrs_cli::ensure_postgres_server()?;
/// # Ok::<(), anyhow::Error>(())
/// ```
pub fn ensure_postgres_server() -> anyhow::Result<()> {
    if knexrs_cluster::ServerBinaries::find().is_ok() {
        return Ok(());
    }
    eprintln!("installing the PostgreSQL server: no initdb, pg_ctl and postgres on this machine");
    let installed = match package_manager() {
        // The package would start a cluster of its own on port 5432.
        Some(PackageManager::Apt) => without_service_start(|| apt_install(&["postgresql", "postgresql-contrib"])),
        Some(PackageManager::Dnf) => dnf_install(&["postgresql-server", "postgresql-contrib"]),
        None => false,
    };
    if !installed || knexrs_cluster::ServerBinaries::find().is_err() {
        bail!(
            "the PostgreSQL server could not be installed: install it (apt-get install postgresql), set PGBIN to its bin folder, or set DATABASE_URL"
        );
    }
    Ok(())
}

/// PgBouncer (for the tests through a transaction pooler), installed with
/// the system's package manager when missing; its own service stays stopped.
///
/// ```no_run
/// knexrs_cli::ensure_pgbouncer()?;
/// # Ok::<(), anyhow::Error>(())
/// ```
pub fn ensure_pgbouncer() -> anyhow::Result<()> {
    let found = || {
        ["/usr/sbin/pgbouncer", "/usr/bin/pgbouncer", "/usr/local/bin/pgbouncer"].iter().any(|p| Path::new(p).exists())
            || Command::new("pgbouncer").arg("--version").output().is_ok_and(|o| o.status.success())
    };
    if found() {
        return Ok(());
    }
    eprintln!("installing PgBouncer for the tests through a transaction pooler");
    let installed = match package_manager() {
        Some(PackageManager::Apt) => without_service_start(|| apt_install(&["pgbouncer"])),
        Some(PackageManager::Dnf) => dnf_install(&["pgbouncer"]),
        None => false,
    };
    if !installed || !found() {
        bail!("PgBouncer could not be installed: install it (apt-get install pgbouncer), then rerun");
    }
    Ok(())
}

/// Runs `install` with Debian's service start-up blocked: a package's own
/// server would take ports the workspace's clusters use.
fn without_service_start(install: impl FnOnce() -> bool) -> bool {
    let policy = Path::new("/usr/sbin/policy-rc.d");
    let had_policy = policy.exists();
    if !had_policy {
        let _ = std::fs::write(policy, "#!/bin/sh\nexit 101\n");
        let _ = run_quiet(&["chmod", "+x", "/usr/sbin/policy-rc.d"]);
    }
    let ok = install();
    if !had_policy {
        let _ = std::fs::remove_file(policy);
    }
    ok
}

/// Node.js with npm (for the knex comparisons), installed when missing.
///
/// ```no_run
/// knexrs_cli::ensure_node()?;
/// # Ok::<(), anyhow::Error>(())
/// ```
pub fn ensure_node() -> anyhow::Result<()> {
    let works = |program: &str| Command::new(program).arg("--version").output().is_ok_and(|o| o.status.success());
    if works("node") && works("npm") {
        return Ok(());
    }
    eprintln!("installing Node.js and npm for the peer harness");
    let installed = match package_manager() {
        Some(PackageManager::Apt) => apt_install(&["nodejs", "npm"]),
        Some(PackageManager::Dnf) => dnf_install(&["nodejs", "npm"]),
        None => false,
    };
    if !installed || !works("node") {
        bail!("Node.js 18+ with npm is needed for the peer harness and could not be installed: install it, then rerun");
    }
    Ok(())
}

enum PackageManager {
    Apt,
    Dnf,
}

fn package_manager() -> Option<PackageManager> {
    if Path::new("/usr/bin/apt-get").exists() {
        Some(PackageManager::Apt)
    } else if Path::new("/usr/bin/dnf").exists() {
        Some(PackageManager::Dnf)
    } else {
        None
    }
}

fn apt_install(packages: &[&str]) -> bool {
    let apt = ["env", "DEBIAN_FRONTEND=noninteractive", "apt-get"];
    as_root(&[&apt[..], &["update", "-qq"]].concat())
        && as_root(&[&apt[..], &["install", "-y", "-qq"], packages].concat())
}

fn dnf_install(packages: &[&str]) -> bool {
    as_root(&[&["dnf", "install", "-y", "-q"], packages].concat())
}

/// Runs `argv` as root: directly when this process is root, else through sudo.
fn as_root(argv: &[&str]) -> bool {
    let root = Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    if root { run_quiet(argv) } else { run_quiet(&[&["sudo"], argv].concat()) }
}

fn run_quiet(argv: &[&str]) -> bool {
    let Some((program, args)) = argv.split_first() else { return false };
    Command::new(program).args(args).stdout(Stdio::null()).status().is_ok_and(|s| s.success())
}
