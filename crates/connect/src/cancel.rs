//! Cancel requests, sent as libpq's `PQcancel` sends them: on a connection
//! of their own to the server the statement runs on, then waiting until the
//! server closes it. tokio-postgres's `cancel_query` closes its side as soon
//! as the request is written; the wait means the server has passed the
//! request on when the call returns (so a statement sent afterwards on the
//! cancelled connection cannot be the one stopped), and keeps PgBouncer
//! before 1.20 from crashing on a cancel connection closed under it
//! (pgbouncer#801: `disconnect_client(): bad client state: 0`). Over TLS the
//! close-notify goes out before the wait, which PgBouncer before 1.21 also
//! mishandles (pgbouncer#904); with plain connections nothing is sent after
//! the request.

use crate::tls::MakeTls;
use crate::{ConnectConfig, ConnectError};
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio_postgres::CancelToken;
use tokio_postgres::config::Host;
use tokio_postgres::tls::MakeTlsConnect;

/// Where to send cancel requests for connections opened with one
/// configuration, and with which TLS settings.
///
/// ```no_run
/// # use knexrs_connect::ConnectConfig;
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// let config = ConnectConfig::from_url("postgres://app@localhost/cliscale")?;
/// let target = config.cancel_target()?;
/// let (client, _) = config.connect_async().await?;
/// let token = client.cancel_token();
/// // … from elsewhere, while `client` runs a long statement:
/// target.cancel(&token).await?;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct CancelTarget {
    driver: tokio_postgres::Config,
    tls: MakeTls,
    target: String,
}

impl std::fmt::Debug for CancelTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CancelTarget").field("target", &self.target).finish_non_exhaustive()
    }
}

impl ConnectConfig {
    /// Where cancel requests for this configuration's connections go.
    ///
    /// ```
    /// # use knexrs_connect::ConnectConfig;
    /// let target = ConnectConfig::from_url("postgres://app@localhost/cliscale")?.cancel_target()?;
    /// # let _ = target;
    /// # Ok::<(), knexrs_connect::ConnectError>(())
    /// ```
    pub fn cancel_target(&self) -> Result<CancelTarget, ConnectError> {
        let (driver, tls) = self.driver_config()?;
        Ok(CancelTarget { driver, tls, target: self.redacted() })
    }

    /// [`cancel_target`](Self::cancel_target) with the TLS connector a
    /// connection was opened with (no second TLS setup, which reads the
    /// system's CA certificates in the verifying modes).
    ///
    /// ```no_run
    /// # use knexrs_connect::ConnectConfig;
    /// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
    /// let config = ConnectConfig::from_url("postgres://app@localhost/cliscale")?;
    /// let connection = config.open_async().await?;
    /// let target = config.cancel_target_with(connection.tls.clone());
    /// target.cancel(&connection.client.cancel_token()).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn cancel_target_with(&self, tls: MakeTls) -> CancelTarget {
        // Only the hosts and ports are read: the TLS mode travels in the cancel token.
        CancelTarget { driver: self.driver().clone(), tls, target: self.redacted() }
    }
}

impl CancelTarget {
    /// Asks the server to stop what `token`'s connection is running, and
    /// returns once the server has taken the request (closed its connection).
    /// A connection that runs nothing is left as it is. With several hosts
    /// configured, each is asked: only the one running the connection knows
    /// its key.
    ///
    /// ```no_run
    /// # use knexrs_connect::ConnectConfig;
    /// # async fn demo(config: &ConnectConfig, client: &tokio_postgres::Client) -> Result<(), knexrs_connect::ConnectError> {
    /// config.cancel_target()?.cancel(&client.cancel_token()).await
    /// # }
    /// ```
    pub async fn cancel(&self, token: &CancelToken) -> Result<(), ConnectError> {
        let ports = self.driver.get_ports();
        let addresses = self.driver.get_hostaddrs();
        let mut outcome = Ok(());
        for (i, host) in self.driver.get_hosts().iter().enumerate() {
            let port = ports.get(i).or(ports.first()).copied().unwrap_or(5432);
            let sent = match host {
                Host::Tcp(name) => {
                    let stream = match addresses.get(i) {
                        Some(ip) => tokio::net::TcpStream::connect((*ip, port)).await,
                        None => tokio::net::TcpStream::connect((name.as_str(), port)).await,
                    };
                    match stream {
                        Ok(stream) => self.send(token, name, stream).await,
                        Err(e) => Err(e),
                    }
                }
                #[cfg(unix)]
                Host::Unix(dir) => match tokio::net::UnixStream::connect(dir.join(format!(".s.PGSQL.{port}"))).await {
                    Ok(stream) => self.send(token, "", stream).await,
                    Err(e) => Err(e),
                },
                #[cfg(not(unix))]
                Host::Unix(_) => Err(io::Error::new(io::ErrorKind::Unsupported, "Unix sockets")),
            };
            if let Err(source) = sent {
                outcome = Err(ConnectError::Cancel { target: self.target.clone(), source });
            }
        }
        outcome
    }

    async fn send<S>(&self, token: &CancelToken, host: &str, stream: S) -> io::Result<()>
    where
        S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        let mut tls = self.tls.clone();
        let connector = match <MakeTls as MakeTlsConnect<WaitForClose<S>>>::make_tls_connect(&mut tls, host) {
            Ok(connector) => connector,
            Err(never) => match never {},
        };
        token.cancel_query_raw(WaitForClose { inner: stream, closed: false }, connector).await.map_err(io::Error::other)
    }
}

/// A stream whose shutdown first waits for the server to close its side.
struct WaitForClose<S> {
    inner: S,
    closed: bool,
}

impl<S: AsyncRead + Unpin> AsyncRead for WaitForClose<S> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncWrite for WaitForClose<S> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        // The server answers a cancel request only by closing the connection.
        while !self.closed {
            let mut byte = [0u8; 64];
            let mut buf = ReadBuf::new(&mut byte);
            match ready!(Pin::new(&mut self.inner).poll_read(cx, &mut buf)) {
                Ok(()) if !buf.filled().is_empty() => {}
                // Closed, or reset: either way the server is done with it.
                _ => self.closed = true,
            }
        }
        // Our side may already be gone with the server's; nothing is lost then.
        let _ = ready!(Pin::new(&mut self.inner).poll_shutdown(cx));
        Poll::Ready(Ok(()))
    }
}
