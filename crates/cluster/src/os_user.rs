//! PostgreSQL refuses to run as root: when we are root, the server runs as an
//! unprivileged user, made if missing.

use crate::ClusterError;
use nix::unistd::{Gid, Uid, User};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::Command;

/// The name used unless `KNEXRS_PG_OS_USER` says otherwise.
const DEFAULT_USER: &str = "postgres";

#[derive(Debug, Clone)]
pub(crate) struct OsUser {
    name: String,
    uid: Uid,
    gid: Gid,
}

impl OsUser {
    /// `None` when we are not root: the server then runs as us.
    pub(crate) fn for_server() -> Result<Option<Self>, ClusterError> {
        if !Uid::effective().is_root() {
            return Ok(None);
        }
        let name = std::env::var("KNEXRS_PG_OS_USER").unwrap_or_else(|_| DEFAULT_USER.to_owned());
        let lookup = |name: &str| {
            User::from_name(name).map_err(|e| ClusterError::OsUser { user: name.to_owned(), message: e.to_string() })
        };
        let user = match lookup(&name)? {
            Some(user) => user,
            None => {
                let out = Command::new("useradd")
                    .args(["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "--user-group"])
                    .arg(&name)
                    .output()
                    .map_err(|e| ClusterError::OsUser {
                        user: name.clone(),
                        message: format!("running useradd: {e}"),
                    })?;
                // A parallel process may have made it first; look again either way.
                lookup(&name)?.ok_or_else(|| ClusterError::OsUser {
                    user: name.clone(),
                    message: format!(
                        "useradd failed ({}): create the user or set KNEXRS_PG_OS_USER to an existing one",
                        String::from_utf8_lossy(&out.stderr).trim()
                    ),
                })?
            }
        };
        Ok(Some(OsUser { name, uid: user.uid, gid: user.gid }))
    }

    pub(crate) fn run_as(&self, command: &mut Command) {
        command.uid(self.uid.as_raw()).gid(self.gid.as_raw());
    }

    pub(crate) fn chown(&self, path: &Path) -> Result<(), ClusterError> {
        nix::unistd::chown(path, Some(self.uid), Some(self.gid)).map_err(|errno| ClusterError::Io {
            context: format!("giving {} to {}", path.display(), self.name),
            source: errno.into(),
        })
    }

    /// Whether every existing ancestor of `path` lets others through (`o+x`).
    pub(crate) fn can_traverse(&self, path: &Path) -> bool {
        use std::os::unix::fs::PermissionsExt;
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        absolute
            .ancestors()
            .filter_map(|dir| std::fs::metadata(dir).ok())
            .all(|meta| meta.permissions().mode() & 0o001 != 0)
    }
}
