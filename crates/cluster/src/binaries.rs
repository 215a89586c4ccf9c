//! Finding the PostgreSQL server programs on this machine.

use crate::ClusterError;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The folder holding `initdb`, `pg_ctl` and `postgres`.
///
/// ```no_run
/// let bin = knexrs_cluster::ServerBinaries::find()?;
/// println!("using {}", bin.dir().display());
/// # Ok::<(), knexrs_cluster::ClusterError>(())
/// ```
#[derive(Debug, Clone)]
pub struct ServerBinaries {
    dir: PathBuf,
}

const PROGRAMS: [&str; 3] = ["initdb", "pg_ctl", "postgres"];

impl ServerBinaries {
    /// Looks in `PGBIN`, `pg_config --bindir`, `PATH`, then the usual install
    /// folders (Debian's `/usr/lib/postgresql/<version>/bin` first, newest version).
    ///
    /// ```
    /// use knexrs_cluster::{ClusterError, ServerBinaries};
    ///
    /// match ServerBinaries::find() {
    ///     Ok(bin) => assert!(bin.program("initdb").exists()),
    ///     // The message lists the folders searched and how to install a server.
    ///     Err(e @ ClusterError::NoServerBinaries { .. }) => eprintln!("{e}"),
    ///     Err(e) => return Err(e),
    /// }
    /// # Ok::<(), ClusterError>(())
    /// ```
    pub fn find() -> Result<Self, ClusterError> {
        let mut searched = Vec::new();
        let mut candidates: Vec<PathBuf> = Vec::new();
        if let Some(dir) = std::env::var_os("PGBIN") {
            candidates.push(dir.into());
        }
        if let Ok(out) = Command::new("pg_config").arg("--bindir").output()
            && out.status.success()
        {
            candidates.push(PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()));
        }
        if let Some(path) = std::env::var_os("PATH") {
            for dir in std::env::split_paths(&path) {
                let pg_ctl = dir.join("pg_ctl");
                if let Ok(real) = std::fs::canonicalize(&pg_ctl)
                    && let Some(parent) = real.parent()
                {
                    candidates.push(parent.to_path_buf());
                }
            }
        }
        candidates.extend(versioned_dirs("/usr/lib/postgresql", "", "bin"));
        candidates.extend(versioned_dirs("/usr", "pgsql-", "bin"));
        candidates.push("/usr/local/pgsql/bin".into());
        candidates.extend(versioned_dirs("/opt/homebrew/opt", "postgresql@", "bin"));
        candidates.extend(versioned_dirs("/usr/local/opt", "postgresql@", "bin"));
        for dir in candidates {
            if PROGRAMS.iter().all(|p| is_executable(&dir.join(p))) {
                return Ok(ServerBinaries { dir });
            }
            searched.push(dir);
        }
        Err(ClusterError::NoServerBinaries { searched })
    }

    /// The server programs in `dir`, which must hold `initdb`, `pg_ctl` and `postgres`.
    ///
    /// ```
    /// use knexrs_cluster::{ClusterError, ServerBinaries};
    ///
    /// let missing = ServerBinaries::at("/nowhere");
    /// assert!(matches!(missing, Err(ClusterError::NoServerBinaries { .. })));
    /// ```
    pub fn at(dir: impl Into<PathBuf>) -> Result<Self, ClusterError> {
        let dir = dir.into();
        if PROGRAMS.iter().all(|p| is_executable(&dir.join(p))) {
            Ok(ServerBinaries { dir })
        } else {
            Err(ClusterError::NoServerBinaries { searched: vec![dir] })
        }
    }

    /// The folder.
    ///
    /// ```
    /// let bin = knexrs_cluster::ServerBinaries::find()?;
    /// assert!(bin.dir().join("pg_ctl").exists());
    /// # Ok::<(), knexrs_cluster::ClusterError>(())
    /// ```
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The path of one program in the folder (`psql`, `pg_dump`, …).
    ///
    /// ```
    /// let bin = knexrs_cluster::ServerBinaries::find()?;
    /// let pg_dump = bin.program("pg_dump");
    /// assert_eq!(pg_dump.parent(), Some(bin.dir()));
    /// # Ok::<(), knexrs_cluster::ClusterError>(())
    /// ```
    pub fn program(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// The server's major version, from `postgres --version`.
    ///
    /// ```
    /// let bin = knexrs_cluster::ServerBinaries::find()?;
    /// let version = bin.major_version().expect("postgres --version answers");
    /// assert!(version >= 10);
    /// # Ok::<(), knexrs_cluster::ClusterError>(())
    /// ```
    pub fn major_version(&self) -> Option<u32> {
        let out = Command::new(self.program("postgres")).arg("--version").output().ok()?;
        let text = String::from_utf8_lossy(&out.stdout);
        let version = text.split_whitespace().find(|w| w.chars().next().is_some_and(|c| c.is_ascii_digit()))?;
        version.split('.').next()?.parse().ok()
    }
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// `<root>/<prefix><version>/<sub>` for every version found, newest first.
fn versioned_dirs(root: &str, prefix: &str, sub: &str) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(root) else {
        return Vec::new();
    };
    let mut found: Vec<(Vec<u32>, PathBuf)> = entries
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            let version = name.strip_prefix(prefix)?;
            let key: Vec<u32> = version.split('.').map(|p| p.parse().ok()).collect::<Option<_>>()?;
            Some((key, entry.path().join(sub)))
        })
        .collect();
    found.sort_by(|a, b| b.0.cmp(&a.0));
    found.into_iter().map(|(_, dir)| dir).collect()
}
