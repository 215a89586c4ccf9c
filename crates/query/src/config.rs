//! Where to connect: `DATABASE_URL` or the `DB_*` variables, the environment
//! (development, staging, production, test), TLS, and a display form that
//! never shows the password.

use crate::QueryError;
use crate::tls::{self, SslMode};
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

/// The deployment environment, as in a knexfile (`--env`, `KNEXRS_ENV` or `NODE_ENV`).
///
/// Production requires TLS and defaults to `sslmode=verify-full`.
///
/// ```
/// use knexrs_query::Environment;
///
/// assert_eq!("production".parse::<Environment>().unwrap(), Environment::Production);
/// assert!("prod-eu".parse::<Environment>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Environment {
    /// Local development (the default).
    #[default]
    Development,
    /// A staging deployment.
    Staging,
    /// Production: TLS is required.
    Production,
    /// Test runs.
    Test,
}

impl Environment {
    /// `KNEXRS_ENV`, else `NODE_ENV` (what knex reads), else development.
    ///
    /// ```
    /// # use knexrs_query::Environment;
    /// // KNEXRS_ENV=production (or NODE_ENV, as knex reads) picks production.
    /// let environment = Environment::from_env()?;
    /// println!("migrating {environment}");
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn from_env() -> Result<Self, QueryError> {
        match std::env::var("KNEXRS_ENV").or_else(|_| std::env::var("NODE_ENV")) {
            Ok(name) if !name.is_empty() => name.parse(),
            _ => Ok(Environment::Development),
        }
    }

    /// The environment's name.
    ///
    /// ```
    /// # use knexrs_query::Environment;
    /// assert_eq!(Environment::Staging.name(), "staging");
    /// assert_eq!(Environment::default().name(), "development");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Environment::Development => "development",
            Environment::Staging => "staging",
            Environment::Production => "production",
            Environment::Test => "test",
        }
    }
}

impl FromStr for Environment {
    type Err = QueryError;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        match name.trim().to_ascii_lowercase().as_str() {
            "development" | "dev" => Ok(Environment::Development),
            "staging" => Ok(Environment::Staging),
            "production" | "prod" => Ok(Environment::Production),
            "test" => Ok(Environment::Test),
            other => Err(QueryError::Config(format!(
                "unknown environment `{other}`: use development, staging, production or test"
            ))),
        }
    }
}

impl std::fmt::Display for Environment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// How to reach one PostgreSQL database.
///
/// ```
/// use knexrs_query::ConnectConfig;
///
/// let config = ConnectConfig::from_url("postgres://app:s3cret@db.internal:5432/cliscale?sslmode=require").unwrap();
/// assert_eq!(config.redacted(), "postgres://app:***@db.internal:5432/cliscale?sslmode=require");
/// assert!(!format!("{config:?}").contains("s3cret"));
/// ```
#[derive(Clone)]
pub struct ConnectConfig {
    pg: postgres::Config,
    ssl_mode: Option<SslMode>,
    ssl_root_cert: Option<PathBuf>,
    environment: Environment,
    max_connections: u32,
}

impl std::fmt::Debug for ConnectConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectConfig")
            .field("target", &self.redacted())
            .field("environment", &self.environment)
            .field("max_connections", &self.max_connections)
            .finish()
    }
}

/// The pool size when `DB_MAX_CONNECTIONS` is not set.
///
/// ```
/// use knexrs_query::{ConnectConfig, DEFAULT_MAX_CONNECTIONS};
///
/// let config = ConnectConfig::from_url("postgres://app@localhost/cliscale")?;
/// assert_eq!(config.max_connections(), DEFAULT_MAX_CONNECTIONS);
/// # Ok::<(), knexrs_query::QueryError>(())
/// ```
pub const DEFAULT_MAX_CONNECTIONS: u32 = 10;
/// How long a connection attempt may take before it is an error.
///
/// ```
/// use knexrs_query::{ConnectConfig, DEFAULT_CONNECT_TIMEOUT};
///
/// let config = ConnectConfig::from_url("postgres://app@localhost/cliscale")?;
/// assert_eq!(config.postgres_config().get_connect_timeout(), Some(&DEFAULT_CONNECT_TIMEOUT));
/// # Ok::<(), knexrs_query::QueryError>(())
/// ```
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

const URL_HINT: &str = "postgres://user:password@host:5432/database";

impl ConnectConfig {
    /// Parses a `postgres://` URL or a `key=value` connection string, including
    /// `sslmode` (disable, prefer, require, verify-ca, verify-full) and `sslrootcert`.
    ///
    /// ```
    /// # use knexrs_query::{ConnectConfig, SslMode};
    /// let config = ConnectConfig::from_url("postgres://app@db.internal/cliscale?sslmode=verify-full&sslrootcert=/etc/ca.pem")?;
    /// assert_eq!(config.database(), Some("cliscale"));
    /// assert_eq!(config.ssl_mode(), SslMode::VerifyFull);
    ///
    /// let err = ConnectConfig::from_url("postgres//oops").unwrap_err();
    /// assert!(err.to_string().contains("postgres://user:password@host:5432/database"));
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn from_url(url: &str) -> Result<Self, QueryError> {
        let url = url.trim();
        if url.is_empty() {
            return Err(QueryError::Config(format!("the connection URL is empty: use {URL_HINT}")));
        }
        let (rest, ssl_params) = split_ssl_params(url);
        let mut ssl_mode = None;
        let mut ssl_root_cert = None;
        for (key, value) in ssl_params {
            match key.as_str() {
                "sslmode" => ssl_mode = Some(value.parse()?),
                _ => ssl_root_cert = Some(PathBuf::from(value)),
            }
        }
        let pg = postgres::Config::from_str(&rest).map_err(|e| {
            QueryError::Config(format!(
                "the connection URL is not valid ({}): use {URL_HINT}",
                redact_text(&e.to_string(), url)
            ))
        })?;
        let mut config = ConnectConfig {
            pg,
            ssl_mode,
            ssl_root_cert,
            environment: Environment::Development,
            max_connections: DEFAULT_MAX_CONNECTIONS,
        };
        config.apply_defaults()?;
        Ok(config)
    }

    /// The configuration the variables describe, or `None` when none is set:
    /// `DATABASE_URL`, else `DB_HOST`, `DB_PORT`, `DB_NAME`, `DB_USER`,
    /// `DB_PASSWORD` (and `DB_SSLMODE`, `DB_SSLROOTCERT`); `DB_MAX_CONNECTIONS`
    /// sizes the pool. `var` looks a variable up (`std::env::var` in [`from_env`](Self::from_env)).
    ///
    /// ```
    /// # use knexrs_query::{ConnectConfig, Environment};
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
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn from_vars(
        var: impl Fn(&str) -> Option<String>,
        environment: Environment,
    ) -> Result<Option<Self>, QueryError> {
        let var = |name: &str| var(name).filter(|v| !v.trim().is_empty());
        let mut config = if let Some(url) = var("DATABASE_URL") {
            Self::from_url(&url).map_err(|e| match e {
                QueryError::Config(message) => QueryError::Config(format!("DATABASE_URL: {message}")),
                other => other,
            })?
        } else if let Some(host) = var("DB_HOST") {
            let mut pg = postgres::Config::new();
            pg.host(&host);
            if let Some(port) = var("DB_PORT") {
                pg.port(port.trim().parse().map_err(|_| {
                    QueryError::Config(format!("DB_PORT `{port}` is not a port number: use a number such as 5432"))
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
                environment,
                max_connections: DEFAULT_MAX_CONNECTIONS,
            };
            config.apply_defaults()?;
            config
        } else {
            return Ok(None);
        };
        if let Some(max) = var("DB_MAX_CONNECTIONS") {
            config.max_connections = max.trim().parse().ok().filter(|n| *n > 0).ok_or_else(|| {
                QueryError::Config(format!(
                    "DB_MAX_CONNECTIONS `{max}` is not a positive number: use a number such as 20"
                ))
            })?;
        }
        config.set_environment(environment)?;
        Ok(Some(config))
    }

    /// [`from_vars`](Self::from_vars) on the process environment.
    ///
    /// ```
    /// # use knexrs_query::{ConnectConfig, Environment};
    /// match ConnectConfig::from_env(Environment::from_env()?)? {
    ///     Some(config) => println!("connecting to {}", config.redacted()),
    ///     None => println!("set DATABASE_URL"),
    /// }
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn from_env(environment: Environment) -> Result<Option<Self>, QueryError> {
        Self::from_vars(|name| std::env::var(name).ok(), environment)
    }

    fn apply_defaults(&mut self) -> Result<(), QueryError> {
        if self.pg.get_hosts().is_empty() {
            return Err(QueryError::Config(format!("the connection has no host: use {URL_HINT}")));
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
        Ok(())
    }

    /// Sets the environment, checking that production uses TLS.
    ///
    /// ```
    /// # use knexrs_query::{ConnectConfig, Environment, SslMode};
    /// let mut config = ConnectConfig::from_url("postgres://app@db.internal/cliscale?sslmode=prefer")?;
    /// // Production refuses a connection that may fall back to plain TCP.
    /// assert!(config.clone().set_environment(Environment::Production).is_err());
    /// config.set_ssl_mode(SslMode::VerifyFull).set_environment(Environment::Production)?;
    ///
    /// // Without an sslmode, production means verify-full.
    /// let mut config = ConnectConfig::from_url("postgres://app@db.internal/cliscale")?;
    /// config.set_environment(Environment::Production)?;
    /// assert_eq!(config.ssl_mode(), SslMode::VerifyFull);
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn set_environment(&mut self, environment: Environment) -> Result<&mut Self, QueryError> {
        self.environment = environment;
        if environment == Environment::Production && matches!(self.ssl_mode(), SslMode::Disable | SslMode::Prefer) {
            return Err(QueryError::Config(format!(
                "the production environment requires TLS, but sslmode is {}: use sslmode=verify-full (with sslrootcert=/path/to/ca.pem) or sslmode=require",
                self.ssl_mode()
            )));
        }
        Ok(self)
    }

    /// The environment this configuration is for.
    ///
    /// ```
    /// # use knexrs_query::{ConnectConfig, Environment};
    /// let config = ConnectConfig::from_url("postgres://app@localhost/cliscale")?;
    /// assert_eq!(config.environment(), Environment::Development);
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn environment(&self) -> Environment {
        self.environment
    }

    /// The TLS mode: as configured, else `verify-full` in production and `prefer` elsewhere.
    ///
    /// ```
    /// # use knexrs_query::{ConnectConfig, SslMode};
    /// let mut config = ConnectConfig::from_url("postgres://app@db.internal/cliscale")?;
    /// assert_eq!(config.ssl_mode(), SslMode::Prefer);
    /// config.set_ssl_mode(SslMode::Require);
    /// assert_eq!(config.ssl_mode(), SslMode::Require);
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn ssl_mode(&self) -> SslMode {
        self.ssl_mode.unwrap_or(match self.environment {
            Environment::Production => SslMode::VerifyFull,
            _ => SslMode::Prefer,
        })
    }

    /// Sets the TLS mode.
    ///
    /// ```
    /// # use knexrs_query::{ConnectConfig, SslMode};
    /// let mut config = ConnectConfig::from_url("postgres://app@db.internal/cliscale")?;
    /// config.set_ssl_mode(SslMode::VerifyCa).set_ssl_root_cert("/etc/ssl/db-ca.pem");
    /// assert_eq!(config.redacted(), "postgres://app@db.internal:5432/cliscale?sslmode=verify-ca");
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn set_ssl_mode(&mut self, mode: SslMode) -> &mut Self {
        self.ssl_mode = Some(mode);
        self
    }

    /// Trusts the certificate authorities in this PEM file (`sslrootcert`).
    ///
    /// ```
    /// # use knexrs_query::{ConnectConfig, Environment};
    /// let mut config = ConnectConfig::from_url("postgres://app@db.internal/cliscale?sslmode=verify-full")?;
    /// config.set_ssl_root_cert("/etc/ssl/db-ca.pem");
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn set_ssl_root_cert(&mut self, path: impl Into<PathBuf>) -> &mut Self {
        self.ssl_root_cert = Some(path.into());
        self
    }

    /// The pool size (`DB_MAX_CONNECTIONS`).
    ///
    /// ```
    /// # use knexrs_query::{ConnectConfig, Environment};
    /// let config = ConnectConfig::from_url("postgres://app@localhost/cliscale")?;
    /// assert_eq!(config.max_connections(), knexrs_query::DEFAULT_MAX_CONNECTIONS);
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn max_connections(&self) -> u32 {
        self.max_connections
    }

    /// Sets the pool size.
    ///
    /// ```
    /// # use knexrs_query::{ConnectConfig, Environment};
    /// let mut config = ConnectConfig::from_url("postgres://app@localhost/cliscale")?;
    /// config.set_max_connections(0);
    /// assert_eq!(config.max_connections(), 1);
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn set_max_connections(&mut self, max: u32) -> &mut Self {
        self.max_connections = max.max(1);
        self
    }

    /// The database name, if one is set.
    ///
    /// ```
    /// # use knexrs_query::{ConnectConfig, Environment};
    /// let config = ConnectConfig::from_url("postgres://app@localhost/cliscale")?;
    /// assert_eq!(config.database(), Some("cliscale"));
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn database(&self) -> Option<&str> {
        self.pg.get_dbname()
    }

    /// The same server and credentials, another database.
    ///
    /// ```
    /// # use knexrs_query::{ConnectConfig, Environment};
    /// let admin = ConnectConfig::from_url("postgres://app:pw@localhost/postgres")?;
    /// let scratch = admin.with_database("scratch_1");
    /// assert_eq!(scratch.redacted(), "postgres://app:***@localhost:5432/scratch_1");
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn with_database(&self, name: &str) -> Self {
        let mut config = self.clone();
        config.pg.dbname(name);
        config
    }

    /// The same server and database, another user and password.
    ///
    /// ```
    /// # use knexrs_query::{ConnectConfig, Environment};
    /// let config = ConnectConfig::from_url("postgres://app@localhost/cliscale")?;
    /// let owner = config.with_credentials("owner", Some("pw"));
    /// assert_eq!(owner.redacted(), "postgres://owner:***@localhost:5432/cliscale");
    /// # Ok::<(), knexrs_query::QueryError>(())
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
    /// # use knexrs_query::{ConnectConfig, Environment};
    /// let mut config = ConnectConfig::from_url("postgres://app@localhost/cliscale")?;
    /// config.set_application_name("cliscale-migrate");
    /// assert_eq!(config.postgres_config().get_application_name(), Some("cliscale-migrate"));
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn set_application_name(&mut self, name: &str) -> &mut Self {
        self.pg.application_name(name);
        self
    }

    /// Sets how long connecting may take.
    ///
    /// ```
    /// # use knexrs_query::ConnectConfig;
    /// use std::time::Duration;
    ///
    /// let mut config = ConnectConfig::from_url("postgres://app@localhost/cliscale")?;
    /// config.set_connect_timeout(Duration::from_secs(3));
    /// assert_eq!(config.postgres_config().get_connect_timeout(), Some(&Duration::from_secs(3)));
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn set_connect_timeout(&mut self, timeout: Duration) -> &mut Self {
        self.pg.connect_timeout(timeout);
        self
    }

    /// The underlying driver configuration.
    ///
    /// ```
    /// # use knexrs_query::{ConnectConfig, Environment};
    /// let config = ConnectConfig::from_url("postgres://app@localhost:6543/cliscale")?;
    /// assert_eq!(config.postgres_config().get_ports(), [6543]);
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn postgres_config(&self) -> &postgres::Config {
        &self.pg
    }

    /// Where this connects, as a URL with the password replaced by `***`.
    ///
    /// ```
    /// # use knexrs_query::{ConnectConfig, Environment};
    /// let config = ConnectConfig::from_url("postgres://app:hunter2@localhost/cliscale")?;
    /// assert_eq!(config.redacted(), "postgres://app:***@localhost:5432/cliscale");
    /// # Ok::<(), knexrs_query::QueryError>(())
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
                let host = match host {
                    postgres::config::Host::Tcp(name) => name.clone(),
                    #[cfg(unix)]
                    postgres::config::Host::Unix(path) => path.display().to_string(),
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
    /// # use knexrs_query::{ConnectConfig, Environment};
    /// let config = ConnectConfig::from_url("postgres://app:hunter2@localhost/cliscale")?;
    /// assert_eq!(config.redact("login failed for hunter2"), "login failed for ***");
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn redact(&self, text: &str) -> String {
        match self.pg.get_password().and_then(|p| std::str::from_utf8(p).ok()) {
            Some(password) if !password.is_empty() => text.replace(password, "***"),
            _ => text.to_owned(),
        }
    }

    /// Opens one connection.
    ///
    /// ```no_run
    /// # use knexrs_query::ConnectConfig;
    /// let config = ConnectConfig::from_url("postgres://app@localhost/cliscale")?;
    /// let mut client = config.connect()?;
    /// client.batch_execute("select 1")?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn connect(&self) -> Result<postgres::Client, QueryError> {
        let (pg, tls) = self.driver_config()?;
        pg.connect(tls).map_err(|source| QueryError::connect(self, source))
    }

    /// The driver configuration and TLS connector this connects with.
    ///
    /// ```no_run
    /// # use knexrs_query::ConnectConfig;
    /// let config = ConnectConfig::from_url("postgres://app@db.internal/cliscale?sslmode=require")?;
    /// let (driver, tls) = config.driver_config()?;
    /// let client = driver.connect(tls)?;
    /// # drop(client);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn driver_config(&self) -> Result<(postgres::Config, tls::MakeTls), QueryError> {
        let mut mode = self.ssl_mode();
        if mode == SslMode::Prefer && self.is_loopback() {
            // TLS to this same machine protects nothing and costs a round trip per connection.
            mode = SslMode::Disable;
        }
        let tls = tls::make_tls(mode, self.ssl_root_cert.as_deref())?;
        let mut pg = self.pg.clone();
        pg.ssl_mode(mode.driver_mode());
        Ok((pg, tls))
    }

    /// Whether every host is this machine (loopback addresses, `localhost`, Unix sockets).
    fn is_loopback(&self) -> bool {
        let hosts = self.pg.get_hosts();
        !hosts.is_empty()
            && hosts.iter().all(|host| match host {
                postgres::config::Host::Tcp(name) => {
                    name == "localhost" || name.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
                }
                #[cfg(unix)]
                postgres::config::Host::Unix(_) => true,
            })
    }
}

/// Takes `sslmode` / `sslrootcert` out of a URL or key=value string: the driver
/// knows only disable/prefer/require, we handle the verify modes ourselves.
fn split_ssl_params(conn: &str) -> (String, Vec<(String, String)>) {
    let is_ssl = |key: &str| key == "sslmode" || key == "sslrootcert";
    let mut ssl = Vec::new();
    if conn.starts_with("postgres://") || conn.starts_with("postgresql://") {
        let Some((base, query)) = conn.split_once('?') else {
            return (conn.to_owned(), ssl);
        };
        let mut kept = Vec::new();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            if is_ssl(key) {
                ssl.push((key.to_owned(), percent_decode(value)));
            } else {
                kept.push(pair);
            }
        }
        let rest = if kept.is_empty() { base.to_owned() } else { format!("{base}?{}", kept.join("&")) };
        return (rest, ssl);
    }
    let mut kept = Vec::new();
    for token in conn.split_whitespace() {
        match token.split_once('=') {
            Some((key, value)) if is_ssl(key.trim()) => {
                ssl.push((key.trim().to_owned(), value.trim_matches('\'').to_owned()));
            }
            _ => kept.push(token),
        }
    }
    (kept.join(" "), ssl)
}

fn percent_decode(text: &str) -> String {
    let hex = |b: u8| (b as char).to_digit(16);
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match (bytes[i], bytes.get(i + 1).and_then(|b| hex(*b)), bytes.get(i + 2).and_then(|b| hex(*b))) {
            (b'%', Some(high), Some(low)) => {
                out.push((high * 16 + low) as u8);
                i += 3;
            }
            (byte, _, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Hides the password of a URL (`user:password@`) inside `text`.
fn redact_text(text: &str, url: &str) -> String {
    let password = url
        .split_once("://")
        .and_then(|(_, rest)| rest.split_once('@'))
        .and_then(|(userinfo, _)| userinfo.split_once(':'))
        .map(|(_, password)| password);
    match password {
        Some(password) if !password.is_empty() => text.replace(password, "***"),
        _ => text.to_owned(),
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
    fn nothing_configured_is_none() {
        assert!(ConnectConfig::from_vars(vars(&[]), Environment::Development).unwrap().is_none());
    }

    #[test]
    fn bad_values_are_one_line_errors_without_the_password() {
        for (pairs, expect) in [
            (vec![("DATABASE_URL", "postgres://u:hunter2@h:notaport/d")], "not valid"),
            (vec![("DB_HOST", "h"), ("DB_PORT", "x")], "DB_PORT"),
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
    fn ssl_parameters_are_taken_out_of_key_value_strings_too() {
        let config = ConnectConfig::from_url("host=localhost user=u sslmode=verify-ca sslrootcert=/ca.pem").unwrap();
        assert_eq!(config.ssl_mode(), SslMode::VerifyCa);
        assert_eq!(config.ssl_root_cert.as_deref(), Some(std::path::Path::new("/ca.pem")));
    }
}
