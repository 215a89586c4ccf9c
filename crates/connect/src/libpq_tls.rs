//! libpq's TLS defaults, for settings nothing else gave: the `PGSSLMODE`,
//! `PGSSLROOTCERT`, `PGSSLCERT` and `PGSSLKEY` variables, then the files
//! libpq looks for in `~/.postgresql/` (`root.crt`, `postgresql.crt` and
//! `postgresql.key`), so a machine set up for `psql` connects the same way.

use crate::{ConnectConfig, ConnectError, Setting, SslMode};
use std::path::{Path, PathBuf};

/// The name `sslrootcert` takes for the system's certificate authorities (libpq 16).
pub(crate) const SYSTEM_ROOTS: &str = "system";

/// What was found in `~/.postgresql/`: used only where nothing was configured.
#[derive(Debug, Clone, Default)]
pub(crate) struct HomeFiles {
    /// `root.crt`: the CA a verifying mode trusts (libpq's default `sslrootcert`).
    pub(crate) root_cert: Option<PathBuf>,
    /// `postgresql.crt` and `postgresql.key`: presented when the server asks for a client certificate.
    pub(crate) client_cert: Option<(PathBuf, PathBuf)>,
}

impl HomeFiles {
    /// The files of `dir` (`~/.postgresql`) that exist; a certificate without
    /// its key is an error, as libpq makes it.
    fn find(dir: &Path) -> Result<Self, ConnectError> {
        let root_cert = Some(dir.join("root.crt")).filter(|path| path.is_file());
        let (cert, key) = (dir.join("postgresql.crt"), dir.join("postgresql.key"));
        let client_cert = match (cert.is_file(), key.is_file()) {
            (true, true) => Some((cert, key)),
            (true, false) => {
                return Err(ConnectError::invalid(
                    Setting::SslKey,
                    format!(
                        "{} is there but not its key {}: add the key, or set sslcert and sslkey to another pair",
                        cert.display(),
                        key.display()
                    ),
                ));
            }
            _ => None,
        };
        Ok(HomeFiles { root_cert, client_cert })
    }
}

impl ConnectConfig {
    /// For the TLS settings the connection string did not give, takes
    /// libpq's: `PGSSLMODE`, `PGSSLROOTCERT`, `PGSSLCERT` and `PGSSLKEY`,
    /// then `~/.postgresql/root.crt` (trusted by `require`, `verify-ca` and
    /// `verify-full`, as libpq does) and `~/.postgresql/postgresql.crt` with
    /// `postgresql.key` (presented when the server asks for a client
    /// certificate). Without `root.crt` a verifying mode trusts the system's
    /// certificate authorities, as `sslrootcert=system` asks. [`from_vars`]
    /// and [`from_env`] do it already; `var` looks a variable up (`HOME` too).
    ///
    /// [`from_vars`]: Self::from_vars
    /// [`from_env`]: Self::from_env
    ///
    /// ```
    /// # use knexrs_connect::{ConnectConfig, SslMode};
    /// let mut config = ConnectConfig::from_url("postgres://app@db.internal/cliscale")?;
    /// config.fill_missing_tls(|name| (name == "PGSSLMODE").then(|| "verify-full".to_owned()))?;
    /// assert_eq!(config.ssl_mode(), SslMode::VerifyFull);
    ///
    /// // What the connection string says wins.
    /// let mut config = ConnectConfig::from_url("postgres://app@db.internal/cliscale?sslmode=require")?;
    /// config.fill_missing_tls(|name| (name == "PGSSLMODE").then(|| "disable".to_owned()))?;
    /// assert_eq!(config.ssl_mode(), SslMode::Require);
    /// # Ok::<(), knexrs_connect::ConnectError>(())
    /// ```
    pub fn fill_missing_tls(&mut self, var: impl Fn(&str) -> Option<String>) -> Result<&mut Self, ConnectError> {
        let var = |name: &str| var(name).filter(|v| !v.trim().is_empty());
        if self.ssl_mode.is_none()
            && let Some(mode) = var("PGSSLMODE")
        {
            self.ssl_mode = Some(mode.parse().map_err(|e: ConnectError| match e {
                ConnectError::InvalidSetting { setting, message } => {
                    ConnectError::InvalidSetting { setting, message: format!("PGSSLMODE: {message}") }
                }
                other => other,
            })?);
        }
        if self.ssl_root_cert.is_none() {
            self.ssl_root_cert = var("PGSSLROOTCERT").map(PathBuf::from);
        }
        if self.ssl_cert.is_none() && self.ssl_key.is_none() {
            self.ssl_cert = var("PGSSLCERT").map(PathBuf::from);
            self.ssl_key = var("PGSSLKEY").map(PathBuf::from);
        }
        self.home_tls = match var("HOME") {
            Some(home) => HomeFiles::find(&Path::new(&home).join(".postgresql"))?,
            None => HomeFiles::default(),
        };
        // A certificate named without its key takes libpq's default key file.
        if let (Some(_), None, Some((_, key))) = (&self.ssl_cert, &self.ssl_key, &self.home_tls.client_cert) {
            self.ssl_key = Some(key.clone());
        }
        self.client_cert()?;
        Ok(self)
    }

    /// What the connection string left out, taken as libpq takes it: the
    /// TLS settings ([`fill_missing_tls`](Self::fill_missing_tls)), then the
    /// password ([`fill_missing_password`](Self::fill_missing_password)).
    /// [`from_vars`](Self::from_vars) and [`from_env`](Self::from_env) do it
    /// already; call it on a configuration made from a URL alone.
    ///
    /// ```
    /// # use knexrs_connect::{ConnectConfig, SslMode};
    /// let mut config = ConnectConfig::from_url("postgres://app@db.internal/cliscale")?;
    /// config.fill_from_libpq(|name| match name {
    ///     "PGSSLMODE" => Some("require".to_owned()),
    ///     "PGPASSWORD" => Some("s3cret".to_owned()),
    ///     _ => None,
    /// })?;
    /// assert_eq!((config.ssl_mode(), config.driver().get_password()), (SslMode::Require, Some(&b"s3cret"[..])));
    /// # Ok::<(), knexrs_connect::ConnectError>(())
    /// ```
    pub fn fill_from_libpq(&mut self, var: impl Fn(&str) -> Option<String>) -> Result<&mut Self, ConnectError> {
        self.fill_missing_tls(&var)?;
        Ok(self.fill_missing_password(var))
    }

    /// The CA file a connection in `mode` trusts: the configured one, else
    /// `~/.postgresql/root.crt` where the mode checks certificates; `None`
    /// for the system's certificate authorities (or no check).
    pub(crate) fn effective_root_cert(&self, mode: SslMode) -> Option<&Path> {
        match self.ssl_root_cert.as_deref() {
            Some(path) if path == Path::new(SYSTEM_ROOTS) => None,
            Some(path) => Some(path),
            None if matches!(mode, SslMode::Require | SslMode::VerifyCa | SslMode::VerifyFull) => {
                self.home_tls.root_cert.as_deref()
            }
            None => None,
        }
    }

    /// The client certificate and key a connection presents: the configured
    /// pair, else `~/.postgresql/postgresql.crt` and `postgresql.key`.
    pub(crate) fn effective_client_cert(&self) -> Result<Option<(&Path, &Path)>, ConnectError> {
        Ok(self.client_cert()?.or(self.home_tls.client_cert.as_ref().map(|(c, k)| (c.as_path(), k.as_path()))))
    }

    /// `sslrootcert=system`: the system's CAs prove nothing without the host
    /// name, so libpq 16 allows it with `verify-full` only.
    pub(crate) fn uses_system_roots(&self) -> bool {
        self.ssl_root_cert.as_deref() == Some(Path::new(SYSTEM_ROOTS))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "a test fails by panicking")]

    use super::*;

    /// A home directory of its own, removed when the test ends.
    struct Home(PathBuf);

    impl Home {
        fn path(&self) -> &Path {
            &self.0
        }
    }

    impl Drop for Home {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    /// A home whose `.postgresql/` holds `files` (empty: only their presence counts here).
    fn home_with(files: &[&str]) -> Home {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let home = Home(std::env::temp_dir().join(format!("knexrs-home-{}-{n}", std::process::id())));
        let dir = home.path().join(".postgresql");
        std::fs::create_dir_all(&dir).unwrap();
        for file in files {
            std::fs::write(dir.join(file), "").unwrap();
        }
        home
    }

    fn filled(url: &str, vars: &[(&str, &str)], home: &Path) -> Result<ConnectConfig, ConnectError> {
        let mut config = ConnectConfig::from_url(url)?;
        let home = home.display().to_string();
        let vars: Vec<(String, String)> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        config.fill_missing_tls(|name| match name {
            "HOME" => Some(home.clone()),
            _ => vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()),
        })?;
        Ok(config)
    }

    #[test]
    fn pgssl_variables_fill_what_the_url_left_out_and_never_replace_it() {
        let home = home_with(&[]);
        let vars = [
            ("PGSSLMODE", "verify-ca"),
            ("PGSSLROOTCERT", "/env/ca.pem"),
            ("PGSSLCERT", "/env/c.crt"),
            ("PGSSLKEY", "/env/c.key"),
        ];
        let config = filled("postgres://app@db.internal/d", &vars, home.path()).unwrap();
        assert_eq!(config.ssl_mode(), SslMode::VerifyCa);
        assert_eq!(config.effective_root_cert(SslMode::VerifyCa), Some(Path::new("/env/ca.pem")));
        assert_eq!(config.effective_client_cert().unwrap(), Some((Path::new("/env/c.crt"), Path::new("/env/c.key"))));

        let url =
            "postgres://app@db.internal/d?sslmode=require&sslrootcert=/url/ca.pem&sslcert=/url/c.crt&sslkey=/url/c.key";
        let config = filled(url, &vars, home.path()).unwrap();
        assert_eq!(config.ssl_mode(), SslMode::Require);
        assert_eq!(config.effective_root_cert(SslMode::Require), Some(Path::new("/url/ca.pem")));
        assert_eq!(config.effective_client_cert().unwrap(), Some((Path::new("/url/c.crt"), Path::new("/url/c.key"))));
    }

    #[test]
    fn a_bad_pgsslmode_is_one_line_naming_the_variable() {
        let home = home_with(&[]);
        let error = filled("postgres://app@db.internal/d", &[("PGSSLMODE", "strict")], home.path()).unwrap_err();
        assert!(error.to_string().contains("PGSSLMODE: unknown sslmode `strict`"), "{error}");
    }

    #[test]
    fn home_root_crt_is_trusted_by_the_modes_that_check_certificates_only() {
        let home = home_with(&["root.crt"]);
        let config = filled("postgres://app@db.internal/d", &[], home.path()).unwrap();
        let root = home.path().join(".postgresql/root.crt");
        for mode in [SslMode::Require, SslMode::VerifyCa, SslMode::VerifyFull] {
            assert_eq!(config.effective_root_cert(mode), Some(root.as_path()), "{mode}");
        }
        assert_eq!(config.effective_root_cert(SslMode::Prefer), None);
        let given = filled("postgres://app@db.internal/d?sslrootcert=/etc/ca.pem", &[], home.path()).unwrap();
        assert_eq!(given.effective_root_cert(SslMode::VerifyFull), Some(Path::new("/etc/ca.pem")));
        let system = filled("postgres://app@db.internal/d?sslrootcert=system", &[], home.path()).unwrap();
        assert_eq!(system.effective_root_cert(SslMode::VerifyFull), None);
        assert_eq!(system.ssl_mode(), SslMode::VerifyFull);
    }

    #[test]
    fn home_client_certificate_is_presented_when_none_is_configured() {
        let home = home_with(&["postgresql.crt", "postgresql.key"]);
        let dir = home.path().join(".postgresql");
        let config = filled("postgres://app@db.internal/d", &[], home.path()).unwrap();
        let (cert, key) = (dir.join("postgresql.crt"), dir.join("postgresql.key"));
        assert_eq!(config.effective_client_cert().unwrap(), Some((cert.as_path(), key.as_path())));
        // A certificate given without its key takes the default key, as libpq does.
        let config = filled("postgres://app@db.internal/d", &[("PGSSLCERT", "/env/c.crt")], home.path()).unwrap();
        assert_eq!(config.effective_client_cert().unwrap(), Some((Path::new("/env/c.crt"), key.as_path())));
    }

    #[test]
    fn a_home_certificate_without_its_key_is_an_error_that_names_both_files() {
        let home = home_with(&["postgresql.crt"]);
        let error = filled("postgres://app@db.internal/d", &[], home.path()).unwrap_err();
        let message = error.to_string();
        assert!(message.contains("postgresql.crt is there but not its key"), "{message}");
        assert!(message.contains("postgresql.key"), "{message}");
        assert_eq!(message.lines().count(), 1);
    }

    #[test]
    fn without_a_home_nothing_is_added() {
        let mut config = ConnectConfig::from_url("postgres://app@db.internal/d").unwrap();
        config.fill_missing_tls(|_| None).unwrap();
        assert_eq!(config.effective_root_cert(SslMode::VerifyFull), None);
        assert_eq!(config.effective_client_cert().unwrap(), None);
    }
}
