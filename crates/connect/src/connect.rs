//! Opening connections: blocking (`postgres::Client`) or async
//! (`tokio_postgres::Client`), with TLS as the configuration says.

use crate::error::connect_hint;
use crate::tls::{self, MakeTls};
use crate::{ConnectConfig, ConnectError, Setting, SslMode, describe};
use knexrs_sql::ServerVersion;
use tokio_postgres::config::Host;

/// An open async connection, with what it was opened with.
///
/// ```no_run
/// # use knexrs_connect::ConnectConfig;
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// let connection = ConnectConfig::from_url("postgres://app@localhost/cliscale")?.open_async().await?;
/// if connection.server_version.is_some_and(|v| v.major >= 15) {
///     connection.client.batch_execute("select 1").await?;
/// }
/// # Ok(())
/// # }
/// ```
pub struct AsyncConnection {
    /// The client (its connection task runs on the runtime it was opened on).
    pub client: tokio_postgres::Client,
    /// The server's version, as reported at login.
    pub server_version: Option<ServerVersion>,
    /// The TLS connector it used.
    pub tls: MakeTls,
}

impl std::fmt::Debug for AsyncConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AsyncConnection").field("server_version", &self.server_version).finish_non_exhaustive()
    }
}

impl ConnectConfig {
    /// Opens one blocking connection. On a tokio runtime's async thread it
    /// returns [`ConnectError::BlockingInAsync`] instead of blocking the runtime
    /// (use [`connect_async`](Self::connect_async) there, or `spawn_blocking`).
    ///
    /// ```no_run
    /// # use knexrs_connect::ConnectConfig;
    /// let config = ConnectConfig::from_url("postgres://app@localhost/cliscale")?;
    /// let mut client = config.connect()?;
    /// client.batch_execute("select 1")?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn connect(&self) -> Result<postgres::Client, ConnectError> {
        if crate::in_async_context() {
            return Err(ConnectError::BlockingInAsync {
                what: "ConnectConfig::connect",
                instead: "ConnectConfig::connect_async",
            });
        }
        let (mut pg, tls) = self.driver_config()?;
        if let Some(password) = self.password_now()? {
            pg.password(password);
        }
        postgres::Config::from(pg).connect(tls).map_err(|source| self.connect_error(source))
    }

    /// Waits until the server accepts a connection, trying again while the
    /// failure is [transient](ConnectError::is_transient) (the server starts,
    /// restarts or fails over; a Kubernetes Job that starts before its
    /// database), for at most `within`. Any other failure is returned at
    /// once, and the last one when the time is up. `retrying` hears each
    /// transient failure before the next try; it returns `false` to give up
    /// (a run cancelled), and then this returns `Ok(false)`.
    ///
    /// ```no_run
    /// # use knexrs_connect::ConnectConfig;
    /// # use std::time::Duration;
    /// let config = ConnectConfig::from_url("postgres://app@db.internal/cliscale")?;
    /// config.wait_until_accepting(Duration::from_secs(60), |error| {
    ///     eprintln!("not yet: {error}");
    ///     true
    /// })?;
    /// # Ok::<(), knexrs_connect::ConnectError>(())
    /// ```
    pub fn wait_until_accepting(
        &self,
        within: std::time::Duration,
        mut retrying: impl FnMut(&ConnectError) -> bool,
    ) -> Result<bool, ConnectError> {
        let deadline = std::time::Instant::now() + within;
        let mut pause = std::time::Duration::from_millis(100);
        loop {
            let error = match self.connect() {
                Ok(client) => {
                    drop(client);
                    return Ok(true);
                }
                Err(error) if error.is_transient() && std::time::Instant::now() + pause < deadline => error,
                Err(error) => return Err(error),
            };
            if !retrying(&error) {
                return Ok(false);
            }
            std::thread::sleep(pause);
            pause = (pause * 2).min(std::time::Duration::from_secs(1));
        }
    }

    /// Opens one async connection; its connection task is spawned on the
    /// current tokio runtime and ends when the client is dropped. Also returns
    /// the server's version, as reported at login.
    ///
    /// ```no_run
    /// # use knexrs_connect::ConnectConfig;
    /// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
    /// let config = ConnectConfig::from_url("postgres://app@localhost/cliscale")?;
    /// let (client, version) = config.connect_async().await?;
    /// println!("PostgreSQL {}", version.map(|v| v.to_string()).unwrap_or_default());
    /// client.batch_execute("select 1").await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn connect_async(&self) -> Result<(tokio_postgres::Client, Option<ServerVersion>), ConnectError> {
        let connection = self.open_async().await?;
        Ok((connection.client, connection.server_version))
    }

    /// [`connect_async`](Self::connect_async), also returning the TLS
    /// connector it used (a cancel request for the connection's running
    /// statement needs it).
    ///
    /// ```no_run
    /// # use knexrs_connect::ConnectConfig;
    /// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
    /// let config = ConnectConfig::from_url("postgres://app@localhost/cliscale")?;
    /// let connection = config.open_async().await?;
    /// let cancel = connection.client.cancel_token();
    /// // … later, from elsewhere: stop what it runs.
    /// cancel.cancel_query(connection.tls.clone()).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn open_async(&self) -> Result<AsyncConnection, ConnectError> {
        let (mut pg, tls) = self.driver_config()?;
        if let Some(password) = self.password_now_async().await? {
            pg.password(password);
        }
        let (client, connection) = pg.connect(tls.clone()).await.map_err(|source| self.connect_error(source))?;
        let server_version = connection.parameter("server_version").and_then(ServerVersion::parse);
        tokio::spawn(async move {
            // Its errors reach the client as a closed connection.
            let _ = connection.await;
        });
        Ok(AsyncConnection { client, server_version, tls })
    }

    /// The driver configuration and TLS connector this connects with.
    ///
    /// ```no_run
    /// # use knexrs_connect::ConnectConfig;
    /// let config = ConnectConfig::from_url("postgres://app@db.internal/cliscale?sslmode=require")?;
    /// let (driver, tls) = config.driver_config()?;
    /// let client = postgres::Config::from(driver).connect(tls)?;
    /// # drop(client);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn driver_config(&self) -> Result<(tokio_postgres::Config, MakeTls), ConnectError> {
        let mut mode = self.ssl_mode();
        if self.uses_system_roots() && mode != SslMode::VerifyFull {
            return Err(ConnectError::invalid(
                Setting::SslRootCert,
                format!(
                    "sslrootcert=system trusts any certificate a public CA signed, so it needs sslmode=verify-full (not {mode}) to check the host name: set sslmode=verify-full"
                ),
            ));
        }
        if self.only_unix_sockets() {
            // As libpq: sslmode does not apply to a Unix-domain socket (the
            // server offers no TLS on one, and the bytes never leave the
            // machine), so production's verify-full still reaches a socket
            // such as the Cloud SQL Auth Proxy's or a PgBouncer sidecar's.
            mode = SslMode::Disable;
        } else if mode == SslMode::Prefer && self.is_loopback() && self.ssl_cert.is_none() {
            // TLS to this same machine protects nothing and costs a round trip
            // per connection (unless a client certificate is how it logs in).
            mode = SslMode::Disable;
        }
        let tls = tls::make_tls(mode, self.effective_root_cert(mode), self.effective_client_cert()?)?;
        let mut pg = self.pg.clone();
        pg.ssl_mode(mode.driver_mode());
        Ok((pg, tls))
    }

    /// The error for a failed connection attempt: what happened and what to
    /// check, without the password.
    ///
    /// ```no_run
    /// # use knexrs_connect::ConnectConfig;
    /// let config = ConnectConfig::from_url("postgres://app:pw@localhost/cliscale")?;
    /// let (driver, tls) = config.driver_config()?;
    /// let client = postgres::Config::from(driver).connect(tls).map_err(|e| config.connect_error(e))?;
    /// # drop(client);
    /// # Ok::<(), knexrs_connect::ConnectError>(())
    /// ```
    pub fn connect_error(&self, source: tokio_postgres::Error) -> ConnectError {
        let what = describe(&source);
        let mut hint = connect_hint(&source, &what, self.ssl_mode());
        let asks_for_password = what.contains("password missing")
            || source.code() == Some(&tokio_postgres::error::SqlState::INVALID_PASSWORD);
        if let (true, Some(path)) = (asks_for_password, &self.password_file_too_open) {
            hint = format!("{hint} ({} was not read: others can read it; chmod 600 it)", path.display()).into();
        }
        let message = self.redact(&if hint.is_empty() { what } else { format!("{what}; {hint}") });
        ConnectError::Connect { target: self.redacted(), message, source }
    }

    /// Whether every host is a Unix-domain socket (`host=/run/postgresql`).
    pub(crate) fn only_unix_sockets(&self) -> bool {
        #[cfg(unix)]
        return self.every_host(|host| matches!(host, Host::Unix(_)));
        #[cfg(not(unix))]
        false
    }

    /// Whether every host is this machine (loopback addresses, `localhost`, Unix sockets).
    fn is_loopback(&self) -> bool {
        self.every_host(|host| match host {
            Host::Tcp(name) => name == "localhost" || name.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback()),
            #[cfg(unix)]
            Host::Unix(_) => true,
        })
    }

    /// Whether at least one host is configured and each passes `test`.
    fn every_host(&self, test: impl Fn(&Host) -> bool) -> bool {
        let hosts = self.pg.get_hosts();
        !hosts.is_empty() && hosts.iter().all(test)
    }
}
