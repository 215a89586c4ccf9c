//! Where to connect: `DATABASE_URL` or the `DB_*` variables, the environment
//! (development, staging, production, test), TLS, and a display form that
//! never shows the password.

use crate::libpq_tls::HomeFiles;
use crate::password_file;
use crate::password_source::PasswordSource;
use crate::url::{check_userinfo, redact_userinfo, split_ssl_params};
use crate::{ConnectError, Environment, Pooler, Setting, SslMode};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

/// What a socket directory's path keeps unencoded in a URL's host: RFC 3986's unreserved characters.
#[cfg(unix)]
const SOCKET_PATH: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// How to reach one PostgreSQL database.
///
/// ```
/// use knexrs_connect::ConnectConfig;
///
/// let config = ConnectConfig::from_url("postgres://app:s3cret@db.internal:5432/cliscale?sslmode=require").unwrap();
/// assert_eq!(config.redacted(), "postgres://app:***@db.internal:5432/cliscale?sslmode=require");
/// assert!(!format!("{config:?}").contains("s3cret"));
/// ```
#[derive(Clone)]
pub struct ConnectConfig {
    pub(crate) pg: tokio_postgres::Config,
    pub(crate) ssl_mode: Option<SslMode>,
    pub(crate) ssl_root_cert: Option<PathBuf>,
    /// The client certificate and its key (`sslcert`, `sslkey`), for servers that authenticate clients by certificate.
    pub(crate) ssl_cert: Option<PathBuf>,
    pub(crate) ssl_key: Option<PathBuf>,
    /// libpq's files in `~/.postgresql/`, used where nothing above is set.
    pub(crate) home_tls: HomeFiles,
    /// Where each new connection's password comes from, when it changes over time.
    password_source: Option<PasswordSource>,
    environment: Environment,
    max_connections: u32,
    pool_timeout: Duration,
    pooler: Pooler,
    /// `None`: the pooler decides (named statements unless a transaction pooler).
    prepared_statements: Option<bool>,
    /// A password file not read because others can read it (said when the server asks for a password).
    pub(crate) password_file_too_open: Option<PathBuf>,
}

impl std::fmt::Debug for ConnectConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectConfig")
            .field("target", &self.redacted())
            .field("environment", &self.environment)
            .field("max_connections", &self.max_connections)
            .field("pool_timeout", &self.pool_timeout)
            .field("pooler", &self.pooler)
            .field("prepared_statements", &self.prepared_statements())
            .finish()
    }
}

/// The pool size when `DB_MAX_CONNECTIONS` is not set.
///
/// ```
/// use knexrs_connect::{ConnectConfig, DEFAULT_MAX_CONNECTIONS};
///
/// let config = ConnectConfig::from_url("postgres://app@localhost/cliscale")?;
/// assert_eq!(config.max_connections(), DEFAULT_MAX_CONNECTIONS);
/// # Ok::<(), knexrs_connect::ConnectError>(())
/// ```
pub const DEFAULT_MAX_CONNECTIONS: u32 = 10;
/// How long a connection attempt may take before it is an error.
///
/// ```
/// use knexrs_connect::{ConnectConfig, DEFAULT_CONNECT_TIMEOUT};
///
/// let config = ConnectConfig::from_url("postgres://app@localhost/cliscale")?;
/// assert_eq!(config.driver().get_connect_timeout(), Some(&DEFAULT_CONNECT_TIMEOUT));
/// # Ok::<(), knexrs_connect::ConnectError>(())
/// ```
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a pool's caller waits for a free connection before it is an error
/// (`DB_POOL_TIMEOUT_MS` overrides it).
///
/// ```
/// use knexrs_connect::{ConnectConfig, DEFAULT_POOL_TIMEOUT};
///
/// let config = ConnectConfig::from_url("postgres://app@localhost/cliscale")?;
/// assert_eq!(config.pool_timeout(), DEFAULT_POOL_TIMEOUT);
/// # Ok::<(), knexrs_connect::ConnectError>(())
/// ```
pub const DEFAULT_POOL_TIMEOUT: Duration = Duration::from_secs(30);

const URL_HINT: &str = "postgres://user:password@host:5432/database";

/// The pool and pooler variables (`DB_MAX_CONNECTIONS`, `DB_POOL_TIMEOUT_MS`,
/// `KNEXRS_POOLER`, `DB_PREPARED_STATEMENTS`), each checked as it is read.
#[derive(Debug, Default)]
struct PoolVars {
    max_connections: Option<u32>,
    pool_timeout: Option<Duration>,
    pooler: Option<Pooler>,
    prepared_statements: Option<bool>,
}

impl PoolVars {
    fn read(var: &impl Fn(&str) -> Option<String>) -> Result<Self, ConnectError> {
        let mut vars = PoolVars::default();
        if let Some(max) = var("DB_MAX_CONNECTIONS") {
            vars.max_connections = Some(max.trim().parse().ok().filter(|n| *n > 0).ok_or_else(|| {
                ConnectError::invalid(
                    Setting::MaxConnections,
                    format!("DB_MAX_CONNECTIONS `{max}` is not a positive number: use a number such as 20"),
                )
            })?);
        }
        if let Some(ms) = var("DB_POOL_TIMEOUT_MS") {
            vars.pool_timeout = Some(ms.trim().parse().map(Duration::from_millis).map_err(|_| {
                ConnectError::invalid(
                    Setting::PoolTimeout,
                    format!("DB_POOL_TIMEOUT_MS `{ms}` is not a number of milliseconds: use a number such as 30000"),
                )
            })?);
        }
        if let Some(pooler) = var("KNEXRS_POOLER") {
            vars.pooler = Some(pooler.parse()?);
        }
        if let Some(prepared) = var("DB_PREPARED_STATEMENTS") {
            vars.prepared_statements = Some(crate::pooler::parse_prepared(&prepared)?);
        }
        Ok(vars)
    }

    fn apply(self, config: &mut ConnectConfig) {
        if let Some(max) = self.max_connections {
            config.max_connections = max;
        }
        if let Some(timeout) = self.pool_timeout {
            config.pool_timeout = timeout;
        }
        if let Some(pooler) = self.pooler {
            config.pooler = pooler;
        }
        if self.prepared_statements.is_some() {
            config.prepared_statements = self.prepared_statements;
        }
    }
}

impl ConnectConfig {
    /// Parses a `postgres://` URL or a `key=value` connection string, including
    /// `sslmode` (disable, prefer, require, verify-ca, verify-full), `sslrootcert`,
    /// and `sslcert` with `sslkey` (a client certificate, for servers that
    /// authenticate clients by certificate).
    ///
    /// ```
    /// # use knexrs_connect::{ConnectConfig, SslMode};
    /// let config = ConnectConfig::from_url("postgres://app@db.internal/cliscale?sslmode=verify-full&sslrootcert=/etc/ca.pem")?;
    /// assert_eq!(config.database(), Some("cliscale"));
    /// assert_eq!(config.ssl_mode(), SslMode::VerifyFull);
    ///
    /// let err = ConnectConfig::from_url("postgres//oops").unwrap_err();
    /// assert!(err.to_string().contains("postgres://user:password@host:5432/database"));
    /// # Ok::<(), knexrs_connect::ConnectError>(())
    /// ```
    pub fn from_url(url: &str) -> Result<Self, ConnectError> {
        let url = url.trim();
        if url.is_empty() {
            return Err(ConnectError::invalid(Setting::Url, format!("the connection URL is empty: use {URL_HINT}")));
        }
        check_userinfo(url)?;
        let (rest, ssl_params) = split_ssl_params(url);
        let (mut ssl_mode, mut ssl_root_cert, mut ssl_cert, mut ssl_key) = (None, None, None, None);
        for (key, value) in ssl_params {
            match key.as_str() {
                "sslmode" => ssl_mode = Some(value.parse()?),
                "sslcert" => ssl_cert = Some(PathBuf::from(value)),
                "sslkey" => ssl_key = Some(PathBuf::from(value)),
                _ => ssl_root_cert = Some(PathBuf::from(value)),
            }
        }
        let pg = tokio_postgres::Config::from_str(&rest).map_err(|e| {
            ConnectError::invalid(
                Setting::Url,
                format!(
                    "the connection URL is not valid ({}): use {URL_HINT}",
                    redact_userinfo(&crate::describe(&e), url)
                ),
            )
        })?;
        let mut config = ConnectConfig {
            pg,
            ssl_mode,
            ssl_root_cert,
            ssl_cert,
            ssl_key,
            home_tls: HomeFiles::default(),
            password_source: None,
            environment: Environment::Development,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            pool_timeout: DEFAULT_POOL_TIMEOUT,
            pooler: Pooler::None,
            prepared_statements: None,
            password_file_too_open: None,
        };
        config.apply_defaults()?;
        Ok(config)
    }

    /// The configuration the variables describe, or `None` when none is set:
    /// `DATABASE_URL`, else `DB_HOST` (default `localhost`), `DB_PORT`,
    /// `DB_NAME`, `DB_USER`, `DB_PASSWORD` (and `DB_SSLMODE`, `DB_SSLROOTCERT`,
    /// `DB_SSLCERT`, `DB_SSLKEY`; `DB_PASSWORD_COMMAND`, a shell command run
    /// for each new connection that prints its password, such as an IAM token),
    /// any one of which configures the connection; `DB_MAX_CONNECTIONS` sizes
    /// the pool. The pool and pooler variables are checked even when no
    /// connection is configured: a typo is an error, never ignored. `var`
    /// looks a variable up (`std::env::var` in [`from_env`](Self::from_env)).
    ///
    /// ```
    /// # use knexrs_connect::{ConnectConfig, Environment};
    /// let vars = |name: &str| match name {
    ///     "DB_HOST" => Some("db.internal".to_owned()),
    ///     "DB_NAME" => Some("cliscale".to_owned()),
    ///     "DB_MAX_CONNECTIONS" => Some("20".to_owned()),
    ///     _ => None,
    /// };
    /// let config = ConnectConfig::from_vars(vars, Environment::Development)?.expect("DB_HOST is set");
    /// assert_eq!(config.redacted(), "postgres://postgres@db.internal/cliscale");
    /// assert_eq!(config.max_connections(), 20);
    /// assert!(ConnectConfig::from_vars(|_| None, Environment::Development)?.is_none());
    ///
    /// // DB_NAME alone is a connection to it on localhost, as node-postgres makes it.
    /// let name_only = |name: &str| (name == "DB_NAME").then(|| "cliscale".to_owned());
    /// let config = ConnectConfig::from_vars(name_only, Environment::Development)?.expect("DB_NAME is set");
    /// assert_eq!(config.redacted(), "postgres://postgres@localhost/cliscale");
    /// # Ok::<(), knexrs_connect::ConnectError>(())
    /// ```
    pub fn from_vars(
        var: impl Fn(&str) -> Option<String>,
        environment: Environment,
    ) -> Result<Option<Self>, ConnectError> {
        let var = |name: &str| var(name).filter(|v| !v.trim().is_empty());
        // Read whether or not a connection is configured: a typo is reported, never ignored.
        let pool = PoolVars::read(&var)?;
        let pieces = ["DB_HOST", "DB_PORT", "DB_NAME", "DB_USER", "DB_PASSWORD"];
        let mut config = if let Some(url) = var("DATABASE_URL") {
            Self::from_url(&url).map_err(|e| match e {
                ConnectError::InvalidSetting { setting, message } => {
                    ConnectError::InvalidSetting { setting, message: format!("DATABASE_URL: {message}") }
                }
                other => other,
            })?
        } else if pieces.iter().any(|name| var(name).is_some()) {
            let mut pg = tokio_postgres::Config::new();
            pg.host(var("DB_HOST").as_deref().unwrap_or("localhost"));
            if let Some(port) = var("DB_PORT") {
                pg.port(port.trim().parse().map_err(|_| {
                    ConnectError::invalid(
                        Setting::Port,
                        format!("DB_PORT `{port}` is not a port number: use a number such as 5432"),
                    )
                })?);
            }
            if let Some(name) = var("DB_NAME") {
                pg.dbname(&name);
            }
            if let Some(user) = var("DB_USER") {
                pg.user(&user);
            }
            if let Some(password) = var("DB_PASSWORD") {
                pg.password(password);
            }
            let ssl_mode = var("DB_SSLMODE").map(|m| m.parse()).transpose()?;
            let mut config = ConnectConfig {
                pg,
                ssl_mode,
                ssl_root_cert: var("DB_SSLROOTCERT").map(PathBuf::from),
                ssl_cert: var("DB_SSLCERT").map(PathBuf::from),
                ssl_key: var("DB_SSLKEY").map(PathBuf::from),
                home_tls: HomeFiles::default(),
                password_source: None,
                environment,
                max_connections: DEFAULT_MAX_CONNECTIONS,
                pool_timeout: DEFAULT_POOL_TIMEOUT,
                pooler: Pooler::None,
                prepared_statements: None,
                password_file_too_open: None,
            };
            config.apply_defaults()?;
            config
        } else {
            // Nothing to connect with: the caller picks (the xtask, a local cluster).
            return Ok(None);
        };
        if let Some(command) = var("DB_PASSWORD_COMMAND") {
            config.password_source = Some(PasswordSource::Command(command));
        }
        config.fill_from_libpq(var)?;
        pool.apply(&mut config);
        config.set_environment(environment)?;
        Ok(Some(config))
    }

    /// [`from_vars`](Self::from_vars) on the process environment.
    ///
    /// ```
    /// # use knexrs_connect::{ConnectConfig, Environment};
    /// match ConnectConfig::from_env(Environment::from_env()?)? {
    ///     Some(config) => println!("connecting to {}", config.redacted()),
    ///     None => println!("set DATABASE_URL"),
    /// }
    /// # Ok::<(), knexrs_connect::ConnectError>(())
    /// ```
    pub fn from_env(environment: Environment) -> Result<Option<Self>, ConnectError> {
        Self::from_vars(|name| std::env::var(name).ok(), environment)
    }

    /// Without a password configured, takes `PGPASSWORD`, else this
    /// connection's line of the password file (`PGPASSFILE`, else
    /// `~/.pgpass`), as libpq and node-postgres (so knex) do.
    /// [`from_vars`](Self::from_vars) and [`from_env`](Self::from_env) do it
    /// already; `var` looks a variable up.
    ///
    /// ```
    /// # use knexrs_connect::ConnectConfig;
    /// let mut config = ConnectConfig::from_url("postgres://app@db.internal/cliscale")?;
    /// config.fill_missing_password(|name| (name == "PGPASSWORD").then(|| "s3cret".to_owned()));
    /// assert_eq!(config.driver().get_password(), Some(&b"s3cret"[..]));
    /// # Ok::<(), knexrs_connect::ConnectError>(())
    /// ```
    pub fn fill_missing_password(&mut self, var: impl Fn(&str) -> Option<String>) -> &mut Self {
        let var = |name: &str| var(name).filter(|v| !v.is_empty());
        if self.pg.get_password().is_some() || self.password_source.is_some() {
            return self;
        }
        if let Some(password) = var("PGPASSWORD") {
            self.pg.password(password);
            return self;
        }
        let Some(path) = password_file::path(&var) else { return self };
        let host = match self.pg.get_hosts().first() {
            Some(tokio_postgres::config::Host::Tcp(name)) => name.clone(),
            // libpq matches a socket connection to `localhost` lines.
            _ => "localhost".to_owned(),
        };
        let user = self.pg.get_user().unwrap_or("postgres").to_owned();
        let wanted = password_file::Wanted {
            host: &host,
            port: self.pg.get_ports().first().copied().unwrap_or(5432),
            database: self.pg.get_dbname().unwrap_or(&user),
            user: &user,
        };
        match password_file::lookup(&path, wanted) {
            password_file::Lookup::Found(password) => {
                self.pg.password(password);
            }
            password_file::Lookup::TooOpen(path) => self.password_file_too_open = Some(path),
            password_file::Lookup::NotFound => {}
        }
        self
    }

    fn apply_defaults(&mut self) -> Result<(), ConnectError> {
        if self.pg.get_hosts().is_empty() {
            return Err(ConnectError::invalid(Setting::Url, format!("the connection has no host: use {URL_HINT}")));
        }
        if self.pg.get_user().is_none() {
            self.pg.user("postgres");
        }
        if self.pg.get_connect_timeout().is_none() {
            self.pg.connect_timeout(DEFAULT_CONNECT_TIMEOUT);
        }
        if self.pg.get_application_name().is_none() {
            self.pg.application_name("knexrs");
        }
        // A peer that vanishes (pod killed, network cut) is noticed in seconds, not hours.
        self.pg.keepalives(true).keepalives_idle(Duration::from_secs(15));
        self.client_cert()?;
        Ok(())
    }

    /// The client certificate and key files, when both are set; one without
    /// the other is an error that says which is missing.
    pub(crate) fn client_cert(&self) -> Result<Option<(&Path, &Path)>, ConnectError> {
        match (&self.ssl_cert, &self.ssl_key) {
            (Some(cert), Some(key)) => Ok(Some((cert, key))),
            (None, None) => Ok(None),
            (Some(_), None) => Err(ConnectError::invalid(
                Setting::SslKey,
                "sslcert is set without sslkey: give the client certificate's private key too (sslkey / DB_SSLKEY)",
            )),
            (None, Some(_)) => Err(ConnectError::invalid(
                Setting::SslCert,
                "sslkey is set without sslcert: give the client certificate too (sslcert / DB_SSLCERT)",
            )),
        }
    }

    /// Sets the environment, checking that production uses TLS.
    ///
    /// ```
    /// # use knexrs_connect::{ConnectConfig, Environment, SslMode};
    /// let mut config = ConnectConfig::from_url("postgres://app@db.internal/cliscale?sslmode=prefer")?;
    /// // Production refuses a connection that may fall back to plain TCP.
    /// assert!(config.clone().set_environment(Environment::Production).is_err());
    /// config.set_ssl_mode(SslMode::VerifyFull).set_environment(Environment::Production)?;
    ///
    /// // Without an sslmode, production means verify-full.
    /// let mut config = ConnectConfig::from_url("postgres://app@db.internal/cliscale")?;
    /// config.set_environment(Environment::Production)?;
    /// assert_eq!(config.ssl_mode(), SslMode::VerifyFull);
    ///
    /// // A Unix-domain socket has no TLS (libpq ignores sslmode there too).
    /// let mut config = ConnectConfig::from_url("postgres://app@%2Fcloudsql%2Fproj%3Aeu%3Adb/cliscale?sslmode=disable")?;
    /// config.set_environment(Environment::Production)?;
    /// # Ok::<(), knexrs_connect::ConnectError>(())
    /// ```
    pub fn set_environment(&mut self, environment: Environment) -> Result<&mut Self, ConnectError> {
        self.environment = environment;
        // A Unix-domain socket carries no TLS and never leaves the machine: nothing to require.
        if environment == Environment::Production
            && matches!(self.ssl_mode(), SslMode::Disable | SslMode::Prefer)
            && !self.only_unix_sockets()
        {
            return Err(ConnectError::invalid(
                Setting::SslMode,
                format!(
                    "the production environment requires TLS, but sslmode is {}: use sslmode=verify-full (with sslrootcert=/path/to/ca.pem) or sslmode=require",
                    self.ssl_mode()
                ),
            ));
        }
        Ok(self)
    }

    /// The environment this configuration is for.
    ///
    /// ```
    /// # use knexrs_connect::{ConnectConfig, Environment};
    /// let config = ConnectConfig::from_url("postgres://app@localhost/cliscale")?;
    /// assert_eq!(config.environment(), Environment::Development);
    /// # Ok::<(), knexrs_connect::ConnectError>(())
    /// ```
    pub fn environment(&self) -> Environment {
        self.environment
    }

    /// The TLS mode: as configured, else `verify-full` in production or with
    /// `sslrootcert=system` (as libpq 16), and `prefer` elsewhere.
    ///
    /// ```
    /// # use knexrs_connect::{ConnectConfig, SslMode};
    /// let mut config = ConnectConfig::from_url("postgres://app@db.internal/cliscale")?;
    /// assert_eq!(config.ssl_mode(), SslMode::Prefer);
    /// config.set_ssl_mode(SslMode::Require);
    /// assert_eq!(config.ssl_mode(), SslMode::Require);
    /// # Ok::<(), knexrs_connect::ConnectError>(())
    /// ```
    pub fn ssl_mode(&self) -> SslMode {
        self.ssl_mode.unwrap_or(match self.environment {
            Environment::Production => SslMode::VerifyFull,
            _ if self.uses_system_roots() => SslMode::VerifyFull,
            _ => SslMode::Prefer,
        })
    }

    /// Sets the TLS mode.
    ///
    /// ```
    /// # use knexrs_connect::{ConnectConfig, SslMode};
    /// let mut config = ConnectConfig::from_url("postgres://app@db.internal/cliscale")?;
    /// config.set_ssl_mode(SslMode::VerifyCa).set_ssl_root_cert("/etc/ssl/db-ca.pem");
    /// assert_eq!(config.redacted(), "postgres://app@db.internal:5432/cliscale?sslmode=verify-ca");
    /// # Ok::<(), knexrs_connect::ConnectError>(())
    /// ```
    pub fn set_ssl_mode(&mut self, mode: SslMode) -> &mut Self {
        self.ssl_mode = Some(mode);
        self
    }

    /// Trusts the certificate authorities in this PEM file (`sslrootcert`);
    /// `system` trusts the system's, as libpq 16 (and then needs `verify-full`).
    /// Without one, a verifying mode trusts `~/.postgresql/root.crt` when
    /// [`fill_missing_tls`](Self::fill_missing_tls) found it, else the system's.
    ///
    /// ```
    /// # use knexrs_connect::{ConnectConfig, Environment};
    /// let mut config = ConnectConfig::from_url("postgres://app@db.internal/cliscale?sslmode=verify-full")?;
    /// config.set_ssl_root_cert("/etc/ssl/db-ca.pem");
    /// # Ok::<(), knexrs_connect::ConnectError>(())
    /// ```
    pub fn set_ssl_root_cert(&mut self, path: impl Into<PathBuf>) -> &mut Self {
        self.ssl_root_cert = Some(path.into());
        self
    }

    /// Authenticates with this client certificate and its private key, PEM
    /// files (`sslcert`, `sslkey`), where the server asks for one (`cert`
    /// authentication or `clientcert=verify-full` in `pg_hba.conf`).
    ///
    /// ```
    /// # use knexrs_connect::ConnectConfig;
    /// let mut config = ConnectConfig::from_url("postgres://app@db.internal/cliscale?sslmode=verify-full")?;
    /// config.set_ssl_client_cert("/var/run/secrets/db/tls.crt", "/var/run/secrets/db/tls.key");
    /// # Ok::<(), knexrs_connect::ConnectError>(())
    /// ```
    pub fn set_ssl_client_cert(&mut self, cert: impl Into<PathBuf>, key: impl Into<PathBuf>) -> &mut Self {
        self.ssl_cert = Some(cert.into());
        self.ssl_key = Some(key.into());
        self
    }

    /// Asks `provider` for the password each time a connection is opened (a
    /// pool's too), as knex asks a `connection` function: for a password that
    /// changes, such as an AWS RDS, Cloud SQL or Azure IAM token, or a
    /// rotated secret. It wins over a password in the URL; its error is
    /// [`ConnectError::PasswordProvider`]. It should answer fast (cache a token
    /// until shortly before it expires): a connection waits for it.
    ///
    /// ```
    /// # use knexrs_connect::ConnectConfig;
    /// let mut config = ConnectConfig::from_url("postgres://app@db.internal/cliscale?sslmode=verify-full")?;
    /// config.set_password_provider(|| Ok(std::fs::read_to_string("/var/run/secrets/db/token")?.trim().to_owned()));
    /// # Ok::<(), knexrs_connect::ConnectError>(())
    /// ```
    pub fn set_password_provider(
        &mut self,
        provider: impl Fn() -> Result<String, crate::BoxError> + Send + Sync + 'static,
    ) -> &mut Self {
        self.password_source = Some(PasswordSource::Provider(std::sync::Arc::new(provider)));
        self
    }

    /// Runs `command` (with `sh -c`) each time a connection is opened; what it
    /// prints is the password (`DB_PASSWORD_COMMAND`, for example
    /// `aws rds generate-db-auth-token --hostname … --port 5432 --username app`).
    /// Its failure is [`ConnectError::PasswordCommand`], with its first line of
    /// error output.
    ///
    /// ```
    /// # use knexrs_connect::ConnectConfig;
    /// let mut config = ConnectConfig::from_url("postgres://app@db.internal/cliscale")?;
    /// config.set_password_command("cat /var/run/secrets/db/password");
    /// # Ok::<(), knexrs_connect::ConnectError>(())
    /// ```
    pub fn set_password_command(&mut self, command: impl Into<String>) -> &mut Self {
        self.password_source = Some(PasswordSource::Command(command.into()));
        self
    }

    /// The password a connection opened now logs in with, when a provider or
    /// a command gives it (`None` otherwise: the URL's or the variables' is
    /// used). Pools ask it for each connection they open.
    ///
    /// ```
    /// # use knexrs_connect::ConnectConfig;
    /// let mut config = ConnectConfig::from_url("postgres://app@db.internal/cliscale")?;
    /// assert_eq!(config.password_now()?, None);
    /// config.set_password_provider(|| Ok("token-1".to_owned()));
    /// assert_eq!(config.password_now()?.as_deref(), Some("token-1"));
    /// # Ok::<(), knexrs_connect::ConnectError>(())
    /// ```
    pub fn password_now(&self) -> Result<Option<String>, ConnectError> {
        self.password_source.as_ref().map(PasswordSource::password).transpose()
    }

    /// Whether each connection asks a provider or a command for its password
    /// ([`set_password_provider`](Self::set_password_provider),
    /// [`set_password_command`](Self::set_password_command), `DB_PASSWORD_COMMAND`).
    ///
    /// ```
    /// # use knexrs_connect::ConnectConfig;
    /// let mut config = ConnectConfig::from_url("postgres://app:static@db.internal/cliscale")?;
    /// assert!(!config.asks_password());
    /// config.set_password_command("vault read -field=password database/creds/app");
    /// assert!(config.asks_password());
    /// # Ok::<(), knexrs_connect::ConnectError>(())
    /// ```
    pub fn asks_password(&self) -> bool {
        self.password_source.is_some()
    }

    /// [`password_now`](Self::password_now) for async code: a command runs on
    /// tokio's blocking threads.
    ///
    /// ```no_run
    /// # use knexrs_connect::ConnectConfig;
    /// # async fn demo(config: &ConnectConfig) -> Result<(), knexrs_connect::ConnectError> {
    /// let password = config.password_now_async().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn password_now_async(&self) -> Result<Option<String>, ConnectError> {
        match &self.password_source {
            None => Ok(None),
            Some(source @ PasswordSource::Provider(_)) => source.password().map(Some),
            Some(source @ PasswordSource::Command(_)) => {
                let source = source.clone();
                match tokio::task::spawn_blocking(move || source.password()).await {
                    Ok(result) => result.map(Some),
                    // Only a panic or a runtime shutting down gets here: ask on this thread.
                    Err(_) => self.password_now(),
                }
            }
        }
    }

    /// The pool size (`DB_MAX_CONNECTIONS`).
    ///
    /// ```
    /// # use knexrs_connect::{ConnectConfig, Environment};
    /// let config = ConnectConfig::from_url("postgres://app@localhost/cliscale")?;
    /// assert_eq!(config.max_connections(), knexrs_connect::DEFAULT_MAX_CONNECTIONS);
    /// # Ok::<(), knexrs_connect::ConnectError>(())
    /// ```
    pub fn max_connections(&self) -> u32 {
        self.max_connections
    }

    /// How long a pool's caller waits for a free connection (`DB_POOL_TIMEOUT_MS`).
    ///
    /// ```
    /// # use knexrs_connect::ConnectConfig;
    /// use std::time::Duration;
    ///
    /// let mut config = ConnectConfig::from_url("postgres://app@localhost/cliscale")?;
    /// config.set_pool_timeout(Duration::from_millis(500));
    /// assert_eq!(config.pool_timeout(), Duration::from_millis(500));
    /// # Ok::<(), knexrs_connect::ConnectError>(())
    /// ```
    pub fn pool_timeout(&self) -> Duration {
        self.pool_timeout
    }

    /// Sets how long a pool's caller waits for a free connection.
    ///
    /// ```
    /// # use knexrs_connect::ConnectConfig;
    /// let mut config = ConnectConfig::from_url("postgres://app@localhost/cliscale")?;
    /// config.set_pool_timeout(std::time::Duration::from_secs(2));
    /// # Ok::<(), knexrs_connect::ConnectError>(())
    /// ```
    pub fn set_pool_timeout(&mut self, timeout: Duration) -> &mut Self {
        self.pool_timeout = timeout;
        self
    }

    /// Sets the pool size.
    ///
    /// ```
    /// # use knexrs_connect::{ConnectConfig, Environment};
    /// let mut config = ConnectConfig::from_url("postgres://app@localhost/cliscale")?;
    /// config.set_max_connections(0);
    /// assert_eq!(config.max_connections(), 1);
    /// # Ok::<(), knexrs_connect::ConnectError>(())
    /// ```
    pub fn set_max_connections(&mut self, max: u32) -> &mut Self {
        self.max_connections = max.max(1);
        self
    }

    /// The pooler between us and the server (`KNEXRS_POOLER`): behind a
    /// transaction pooler the runner keeps no session state between
    /// transactions, and the executors use no named prepared statements.
    ///
    /// ```
    /// # use knexrs_connect::{ConnectConfig, Environment, Pooler};
    /// let vars = |name: &str| match name {
    ///     "DATABASE_URL" => Some("postgres://app@pgbouncer:6432/cliscale".to_owned()),
    ///     "KNEXRS_POOLER" => Some("transaction".to_owned()),
    ///     _ => None,
    /// };
    /// let config = ConnectConfig::from_vars(vars, Environment::Development)?.unwrap();
    /// assert_eq!(config.pooler(), Pooler::Transaction);
    /// assert!(!config.prepared_statements());
    /// # Ok::<(), knexrs_connect::ConnectError>(())
    /// ```
    pub fn pooler(&self) -> Pooler {
        self.pooler
    }

    /// Sets the pooler (`--pooler transaction`).
    ///
    /// ```
    /// # use knexrs_connect::{ConnectConfig, Pooler};
    /// let mut config = ConnectConfig::from_url("postgres://app@localhost:6432/cliscale")?;
    /// config.set_pooler(Pooler::Transaction);
    /// assert_eq!(config.pooler(), Pooler::Transaction);
    /// # Ok::<(), knexrs_connect::ConnectError>(())
    /// ```
    pub fn set_pooler(&mut self, pooler: Pooler) -> &mut Self {
        self.pooler = pooler;
        self
    }

    /// Whether the executors prepare named statements (and cache them per
    /// connection): yes, unless behind a transaction pooler, or
    /// `DB_PREPARED_STATEMENTS=false`. Without them each statement is parsed,
    /// bound and run in one round trip as an unnamed statement.
    /// `DB_PREPARED_STATEMENTS=true` keeps them behind a pooler that supports
    /// protocol-level prepared statements (PgBouncer 1.21+ with
    /// `max_prepared_statements`).
    ///
    /// ```
    /// # use knexrs_connect::{ConnectConfig, Pooler};
    /// let mut config = ConnectConfig::from_url("postgres://app@localhost/cliscale")?;
    /// assert!(config.prepared_statements());
    /// config.set_prepared_statements(false);
    /// assert!(!config.prepared_statements());
    /// # Ok::<(), knexrs_connect::ConnectError>(())
    /// ```
    pub fn prepared_statements(&self) -> bool {
        self.prepared_statements.unwrap_or(self.pooler != Pooler::Transaction)
    }

    /// Turns named prepared statements on or off.
    ///
    /// ```
    /// # use knexrs_connect::ConnectConfig;
    /// let mut config = ConnectConfig::from_url("postgres://app@localhost/cliscale")?;
    /// config.set_prepared_statements(false);
    /// # Ok::<(), knexrs_connect::ConnectError>(())
    /// ```
    pub fn set_prepared_statements(&mut self, on: bool) -> &mut Self {
        self.prepared_statements = Some(on);
        self
    }

    /// The database name, if one is set.
    ///
    /// ```
    /// # use knexrs_connect::{ConnectConfig, Environment};
    /// let config = ConnectConfig::from_url("postgres://app@localhost/cliscale")?;
    /// assert_eq!(config.database(), Some("cliscale"));
    /// # Ok::<(), knexrs_connect::ConnectError>(())
    /// ```
    pub fn database(&self) -> Option<&str> {
        self.pg.get_dbname()
    }

    /// The same server and credentials, another database.
    ///
    /// ```
    /// # use knexrs_connect::{ConnectConfig, Environment};
    /// let admin = ConnectConfig::from_url("postgres://app:pw@localhost/postgres")?;
    /// let scratch = admin.with_database("scratch_1");
    /// assert_eq!(scratch.redacted(), "postgres://app:***@localhost:5432/scratch_1");
    /// # Ok::<(), knexrs_connect::ConnectError>(())
    /// ```
    pub fn with_database(&self, name: &str) -> Self {
        let mut config = self.clone();
        config.pg.dbname(name);
        config
    }

    /// The same server and database, another user and password.
    ///
    /// ```
    /// # use knexrs_connect::{ConnectConfig, Environment};
    /// let config = ConnectConfig::from_url("postgres://app@localhost/cliscale")?;
    /// let owner = config.with_credentials("owner", Some("pw"));
    /// assert_eq!(owner.redacted(), "postgres://owner:***@localhost:5432/cliscale");
    /// # Ok::<(), knexrs_connect::ConnectError>(())
    /// ```
    pub fn with_credentials(&self, user: &str, password: Option<&str>) -> Self {
        let mut config = self.clone();
        config.pg.user(user);
        if let Some(password) = password {
            config.pg.password(password);
        }
        config
    }

    /// Sets the `application_name` the server shows in `pg_stat_activity`.
    ///
    /// ```
    /// # use knexrs_connect::{ConnectConfig, Environment};
    /// let mut config = ConnectConfig::from_url("postgres://app@localhost/cliscale")?;
    /// config.set_application_name("cliscale-migrate");
    /// assert_eq!(config.driver().get_application_name(), Some("cliscale-migrate"));
    /// # Ok::<(), knexrs_connect::ConnectError>(())
    /// ```
    pub fn set_application_name(&mut self, name: &str) -> &mut Self {
        self.pg.application_name(name);
        self
    }

    /// Sets how long connecting may take.
    ///
    /// ```
    /// # use knexrs_connect::ConnectConfig;
    /// use std::time::Duration;
    ///
    /// let mut config = ConnectConfig::from_url("postgres://app@localhost/cliscale")?;
    /// config.set_connect_timeout(Duration::from_secs(3));
    /// assert_eq!(config.driver().get_connect_timeout(), Some(&Duration::from_secs(3)));
    /// # Ok::<(), knexrs_connect::ConnectError>(())
    /// ```
    pub fn set_connect_timeout(&mut self, timeout: Duration) -> &mut Self {
        self.pg.connect_timeout(timeout);
        self
    }

    /// The underlying driver configuration (without TLS, which
    /// [`driver_config`](Self::driver_config) adds).
    ///
    /// ```
    /// # use knexrs_connect::{ConnectConfig, Environment};
    /// let config = ConnectConfig::from_url("postgres://app@localhost:6543/cliscale")?;
    /// assert_eq!(config.driver().get_ports(), [6543]);
    /// # Ok::<(), knexrs_connect::ConnectError>(())
    /// ```
    pub fn driver(&self) -> &tokio_postgres::Config {
        &self.pg
    }

    /// Where this connects, as a URL with the password replaced by `***`.
    ///
    /// ```
    /// # use knexrs_connect::{ConnectConfig, Environment};
    /// let config = ConnectConfig::from_url("postgres://app:hunter2@localhost/cliscale")?;
    /// assert_eq!(config.redacted(), "postgres://app:***@localhost:5432/cliscale");
    /// # Ok::<(), knexrs_connect::ConnectError>(())
    /// ```
    pub fn redacted(&self) -> String {
        let user = self.pg.get_user().unwrap_or("postgres");
        let password = if self.pg.get_password().is_some() { ":***" } else { "" };
        let ports = self.pg.get_ports();
        let hosts: Vec<String> = self
            .pg
            .get_hosts()
            .iter()
            .enumerate()
            .map(|(i, host)| {
                // Written as a URL would: an IPv6 address in brackets, a
                // socket directory percent-encoded (its slashes, and the
                // colons of a Cloud SQL socket such as /cloudsql/proj:eu:db).
                let host = match host {
                    tokio_postgres::config::Host::Tcp(name) if name.contains(':') => format!("[{name}]"),
                    tokio_postgres::config::Host::Tcp(name) => name.clone(),
                    #[cfg(unix)]
                    tokio_postgres::config::Host::Unix(path) => {
                        percent_encoding::utf8_percent_encode(&path.display().to_string(), SOCKET_PATH).to_string()
                    }
                };
                match ports.get(i).or(ports.first()) {
                    Some(port) => format!("{host}:{port}"),
                    None => host,
                }
            })
            .collect();
        let mut url = format!("postgres://{user}{password}@{}/{}", hosts.join(","), self.database().unwrap_or(""));
        if let Some(mode) = self.ssl_mode {
            url.push_str(&format!("?sslmode={mode}"));
        }
        url
    }

    /// Replaces the password wherever it occurs in `text` (error messages, logs).
    ///
    /// ```
    /// # use knexrs_connect::{ConnectConfig, Environment};
    /// let config = ConnectConfig::from_url("postgres://app:hunter2@localhost/cliscale")?;
    /// assert_eq!(config.redact("login failed for hunter2"), "login failed for ***");
    /// # Ok::<(), knexrs_connect::ConnectError>(())
    /// ```
    pub fn redact(&self, text: &str) -> String {
        match self.pg.get_password().and_then(|p| std::str::from_utf8(p).ok()) {
            Some(password) if !password.is_empty() => text.replace(password, "***"),
            _ => text.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let pairs: Vec<(String, String)> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        move |name| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }

    #[test]
    fn database_url_wins_over_db_variables() {
        let config = ConnectConfig::from_vars(
            vars(&[("DATABASE_URL", "postgres://u:p@h1:1/d1"), ("DB_HOST", "h2")]),
            Environment::Development,
        )
        .unwrap()
        .unwrap();
        assert_eq!(config.redacted(), "postgres://u:***@h1:1/d1");
    }

    #[test]
    fn db_variables_build_a_config_and_size_the_pool() {
        let config = ConnectConfig::from_vars(
            vars(&[
                ("DB_HOST", "localhost"),
                ("DB_PORT", "5433"),
                ("DB_NAME", "cliscale"),
                ("DB_USER", "app"),
                ("DB_PASSWORD", "pw"),
                ("DB_MAX_CONNECTIONS", "20"),
            ]),
            Environment::Development,
        )
        .unwrap()
        .unwrap();
        assert_eq!(config.redacted(), "postgres://app:***@localhost:5433/cliscale");
        assert_eq!(config.max_connections(), 20);
    }

    #[test]
    fn the_shown_target_is_a_url_that_parses_back_to_the_same_hosts() {
        for url in [
            "postgres://app@[::1]:5433/cliscale",
            "postgres://app@[fe80::1]:5432,db2:5433/cliscale",
            "postgres://app@%2Fvar%2Frun%2Fpostgresql:5432/cliscale",
            "postgres://app@%2Fcloudsql%2Fproj%3Aeurope-west1%3Adb:5432/cliscale",
        ] {
            let config = ConnectConfig::from_url(url).unwrap();
            assert_eq!(config.redacted(), url);
            let again = ConnectConfig::from_url(&config.redacted()).unwrap();
            assert_eq!(again.driver().get_hosts(), config.driver().get_hosts(), "{url}");
        }
    }

    #[test]
    fn a_bad_url_option_is_named_in_the_error() {
        let err = ConnectConfig::from_url("postgres://app:pw@localhost/cliscale?connect_timeout=soon").unwrap_err();
        assert!(err.to_string().contains("connect_timeout"), "{err}");
        assert!(!err.to_string().contains("pw@"), "{err}");
    }

    #[test]
    fn nothing_configured_is_none() {
        assert!(ConnectConfig::from_vars(vars(&[]), Environment::Development).unwrap().is_none());
        let pool_only = vars(&[("DB_MAX_CONNECTIONS", "4"), ("KNEXRS_POOLER", "none")]);
        assert!(ConnectConfig::from_vars(pool_only, Environment::Development).unwrap().is_none());
    }

    #[test]
    fn any_db_variable_configures_the_connection_on_localhost_unless_db_host_says_otherwise() {
        for (pairs, expect) in [
            (vec![("DB_NAME", "cliscale")], "postgres://postgres@localhost/cliscale"),
            (vec![("DB_PORT", "5433"), ("DB_USER", "app")], "postgres://app@localhost:5433/"),
            (vec![("DB_PASSWORD", "pw")], "postgres://postgres:***@localhost/"),
        ] {
            let config = ConnectConfig::from_vars(vars(&pairs), Environment::Development).unwrap();
            assert_eq!(config.map(|c| c.redacted()).as_deref(), Some(expect), "{pairs:?}");
        }
    }

    #[test]
    fn a_bad_pool_setting_is_an_error_even_with_no_connection_configured() {
        for (name, value) in [
            ("DB_MAX_CONNECTIONS", "abc"),
            ("DB_POOL_TIMEOUT_MS", "soon"),
            ("KNEXRS_POOLER", "pgcat"),
            ("DB_PREPARED_STATEMENTS", "maybe"),
        ] {
            let err = ConnectConfig::from_vars(vars(&[(name, value)]), Environment::Development).unwrap_err();
            assert!(err.to_string().contains(name), "{err}");
        }
    }

    #[test]
    fn bad_values_are_one_line_errors_without_the_password() {
        for (pairs, expect) in [
            (vec![("DATABASE_URL", "postgres://u:hunter2@h:notaport/d")], "not valid"),
            (vec![("DB_HOST", "h"), ("DB_PORT", "x")], "DB_PORT"),
            (vec![("DB_PORT", "x")], "DB_PORT"),
            (vec![("DB_HOST", "h"), ("DB_MAX_CONNECTIONS", "0")], "DB_MAX_CONNECTIONS"),
            (vec![("DATABASE_URL", "postgres://u:hunter2@h/d?sslmode=sometimes")], "sslmode"),
        ] {
            let err = ConnectConfig::from_vars(vars(&pairs), Environment::Development).unwrap_err().to_string();
            assert!(err.contains(expect), "{err}");
            assert!(!err.contains("hunter2"), "{err}");
            assert!(!err.contains('\n'), "{err}");
        }
    }

    #[test]
    fn production_requires_tls_and_defaults_to_verify_full() {
        let url = [("DATABASE_URL", "postgres://u@h/d")];
        let config = ConnectConfig::from_vars(vars(&url), Environment::Production).unwrap().unwrap();
        assert_eq!(config.ssl_mode(), SslMode::VerifyFull);
        let plain = [("DATABASE_URL", "postgres://u@h/d?sslmode=disable")];
        let err = ConnectConfig::from_vars(vars(&plain), Environment::Production).unwrap_err();
        assert!(err.to_string().contains("requires TLS"));
    }

    #[test]
    #[cfg(unix)]
    fn a_unix_socket_takes_no_tls_whatever_the_sslmode_as_with_libpq() {
        use tokio_postgres::config::SslMode as Driver;
        let socket = "postgres://u@%2Fcloudsql%2Fproj%3Aeu%3Adb/d";
        let config = ConnectConfig::from_vars(vars(&[("DATABASE_URL", socket)]), Environment::Production).unwrap();
        let config = config.unwrap();
        assert_eq!(config.driver_config().unwrap().0.get_ssl_mode(), Driver::Disable);
        let plain = format!("{socket}?sslmode=disable");
        assert!(ConnectConfig::from_vars(vars(&[("DATABASE_URL", &plain)]), Environment::Production).is_ok());
        // A TCP host beside the socket still needs what production asks for.
        let mixed = "host=/run/postgresql,db.internal user=u dbname=d sslmode=disable";
        let err = ConnectConfig::from_vars(vars(&[("DATABASE_URL", mixed)]), Environment::Production).unwrap_err();
        assert!(err.to_string().contains("requires TLS"), "{err}");
        let tcp = ConnectConfig::from_url("postgres://u@db.internal/d?sslmode=verify-full").unwrap();
        assert_eq!(tcp.driver_config().unwrap().0.get_ssl_mode(), Driver::Require);
    }

    #[test]
    fn pgpassword_fills_only_a_password_the_configuration_leaves_out() {
        let given = [("DATABASE_URL", "postgres://u:mine@h/d"), ("PGPASSWORD", "env")];
        let config = ConnectConfig::from_vars(vars(&given), Environment::Development).unwrap().unwrap();
        assert_eq!(config.driver().get_password(), Some(&b"mine"[..]));
        for missing in
            [[("DATABASE_URL", "postgres://u@h/d"), ("PGPASSWORD", "env")], [("DB_HOST", "h"), ("PGPASSWORD", "env")]]
        {
            let config = ConnectConfig::from_vars(vars(&missing), Environment::Development).unwrap().unwrap();
            assert_eq!(config.driver().get_password(), Some(&b"env"[..]));
            assert!(!format!("{config:?}").contains("env\""), "{config:?}");
        }
        // Alone, libpq's variables configure no connection: the local clusters stay the default.
        assert!(ConnectConfig::from_vars(vars(&[("PGPASSWORD", "env")]), Environment::Development).unwrap().is_none());
    }

    #[test]
    fn ssl_parameters_are_taken_out_of_key_value_strings_too() {
        let config = ConnectConfig::from_url("host=localhost user=u sslmode=verify-ca sslrootcert=/ca.pem").unwrap();
        assert_eq!(config.ssl_mode(), SslMode::VerifyCa);
        assert_eq!(config.ssl_root_cert.as_deref(), Some(std::path::Path::new("/ca.pem")));
    }
}
