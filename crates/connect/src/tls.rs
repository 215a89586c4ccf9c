//! TLS for PostgreSQL connections, on rustls: libpq's `sslmode` values, with
//! `verify-ca` / `verify-full` checking the server against a CA file, and a
//! client certificate (`sslcert`, `sslkey`) for servers that ask for one.

use crate::{ConnectError, Setting};
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use std::path::Path;
use std::sync::Arc;

/// The TLS connector every connection uses.
///
/// ```no_run
/// use knexrs_connect::{ConnectConfig, MakeTls};
///
/// let config = ConnectConfig::from_url("postgres://app@db.internal/cliscale?sslmode=verify-full&sslrootcert=/etc/ca.pem")?;
/// let (driver, tls): (tokio_postgres::Config, MakeTls) = config.driver_config()?;
/// let client = postgres::Config::from(driver).connect(tls)?;
/// # drop(client);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub type MakeTls = tokio_postgres_rustls::MakeRustlsConnect;

/// libpq's `sslmode`.
///
/// ```
/// use knexrs_connect::SslMode;
///
/// assert_eq!("verify-full".parse::<SslMode>().unwrap(), SslMode::VerifyFull);
/// assert_eq!(SslMode::Require.to_string(), "require");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SslMode {
    /// No TLS.
    Disable,
    /// TLS when the server offers it, not verified; plain otherwise, and
    /// plain to a loopback address (TLS to the same machine protects nothing).
    Prefer,
    /// TLS, not verified (verified against `sslrootcert` when one is given, as libpq does).
    Require,
    /// TLS; the server's certificate must chain to the trusted CA.
    VerifyCa,
    /// TLS; the certificate must chain to the CA and name the host.
    VerifyFull,
}

impl std::str::FromStr for SslMode {
    type Err = ConnectError;

    fn from_str(mode: &str) -> Result<Self, Self::Err> {
        match mode.trim() {
            "disable" => Ok(SslMode::Disable),
            "prefer" | "allow" => Ok(SslMode::Prefer),
            "require" => Ok(SslMode::Require),
            "verify-ca" => Ok(SslMode::VerifyCa),
            "verify-full" => Ok(SslMode::VerifyFull),
            other => Err(ConnectError::invalid(
                Setting::SslMode,
                format!("unknown sslmode `{other}`: use disable, prefer, require, verify-ca or verify-full"),
            )),
        }
    }
}

impl std::fmt::Display for SslMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SslMode::Disable => "disable",
            SslMode::Prefer => "prefer",
            SslMode::Require => "require",
            SslMode::VerifyCa => "verify-ca",
            SslMode::VerifyFull => "verify-full",
        })
    }
}

impl SslMode {
    /// The mode the driver negotiates with; verification is the connector's job.
    pub(crate) fn driver_mode(self) -> tokio_postgres::config::SslMode {
        match self {
            SslMode::Disable => tokio_postgres::config::SslMode::Disable,
            SslMode::Prefer => tokio_postgres::config::SslMode::Prefer,
            _ => tokio_postgres::config::SslMode::Require,
        }
    }
}

/// rustls's *ring* provider. rustls 0.23.48 deprecates it ("no support for
/// post-quantum algorithms": those are aws-lc-rs's, which needs cmake and a C
/// toolchain to build); it stays the provider here, chosen per connector rather
/// than installed process-wide, so a newer rustls must not warn in every build.
#[allow(deprecated, reason = "ring is the provider that builds anywhere; see above")]
fn ring_provider() -> rustls::crypto::CryptoProvider {
    rustls::crypto::ring::default_provider()
}

/// The connector for `mode`, trusting the CAs in `root_cert` (or the system's
/// when none is given and the mode verifies), presenting `client_cert`
/// (certificate and key files) to a server that asks for one.
pub(crate) fn make_tls(
    mode: SslMode,
    root_cert: Option<&Path>,
    client_cert: Option<(&Path, &Path)>,
) -> Result<MakeTls, ConnectError> {
    let identity = match client_cert {
        Some((cert, key)) if mode != SslMode::Disable => Some(load_identity(cert, key)?),
        _ => None,
    };
    let client_auth = |builder: rustls::ConfigBuilder<ClientConfig, rustls::client::WantsClientCert>| match &identity {
        None => Ok(builder.with_no_client_auth()),
        Some((chain, key)) => builder.with_client_auth_cert(chain.clone(), key.clone_key()).map_err(|e| {
            ConnectError::invalid(
                Setting::SslKey,
                format!("sslkey does not go with sslcert ({e}): give the key of that certificate"),
            )
        }),
    };
    let provider = Arc::new(ring_provider());
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| ConnectError::Tls { message: format!("TLS setup failed: {e}") })?;
    let verifies = matches!(mode, SslMode::VerifyCa | SslMode::VerifyFull) || root_cert.is_some();
    let config = if mode == SslMode::Disable || !verifies {
        client_auth(builder.dangerous().with_custom_certificate_verifier(Arc::new(AcceptAnyCertificate(provider))))?
    } else {
        let roots = Arc::new(load_roots(root_cert)?);
        let webpki = WebPkiServerVerifier::builder_with_provider(roots, provider)
            .build()
            .map_err(|e| ConnectError::Tls { message: format!("TLS setup failed: {e}") })?;
        if mode == SslMode::VerifyFull {
            client_auth(builder.with_webpki_verifier(webpki))?
        } else {
            client_auth(builder.dangerous().with_custom_certificate_verifier(Arc::new(IgnoreHostName(webpki))))?
        }
    };
    Ok(MakeTls::new(config))
}

/// The client certificate chain (`sslcert`) and its private key (`sslkey`), PEM files.
fn load_identity(
    cert: &Path,
    key: &Path,
) -> Result<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>), ConnectError> {
    let read = |path: &Path, setting: Setting, what: &str| {
        std::fs::read(path).map_err(|e| {
            ConnectError::invalid(
                setting,
                format!("cannot read {setting} {}: {e}; point it at the {what}", path.display()),
            )
        })
    };
    let pem = read(cert, Setting::SslCert, "client certificate's PEM file")?;
    let chain: Vec<CertificateDer<'static>> =
        CertificateDer::pem_slice_iter(&pem).collect::<Result<_, _>>().unwrap_or_default();
    if chain.is_empty() {
        return Err(ConnectError::invalid(
            Setting::SslCert,
            format!("sslcert {} holds no PEM certificate: give the client certificate's PEM file", cert.display()),
        ));
    }
    let pem = read(key, Setting::SslKey, "client certificate's private key (PEM)")?;
    let key = PrivateKeyDer::from_pem_slice(&pem).map_err(|_| {
        ConnectError::invalid(
            Setting::SslKey,
            format!(
                "sslkey {} holds no PEM private key (PKCS#8, PKCS#1 or SEC1; an encrypted key must be decrypted first)",
                key.display()
            ),
        )
    })?;
    Ok((chain, key))
}

fn load_roots(root_cert: Option<&Path>) -> Result<RootCertStore, ConnectError> {
    let mut roots = RootCertStore::empty();
    match root_cert {
        Some(path) => {
            let pem = std::fs::read(path).map_err(|e| {
                ConnectError::invalid(
                    Setting::SslRootCert,
                    format!("cannot read sslrootcert {}: {e}; point it at a PEM file", path.display()),
                )
            })?;
            let certs: Vec<CertificateDer<'static>> =
                rustls::pki_types::pem::PemObject::pem_slice_iter(&pem).collect::<Result<_, _>>().map_err(|e| {
                    ConnectError::invalid(
                        Setting::SslRootCert,
                        format!("sslrootcert {} is not PEM: {e}", path.display()),
                    )
                })?;
            let (added, _) = roots.add_parsable_certificates(certs);
            if added == 0 {
                return Err(ConnectError::invalid(
                    Setting::SslRootCert,
                    format!("sslrootcert {} holds no usable certificate: give the CA's PEM file", path.display()),
                ));
            }
        }
        None => {
            let found = rustls_native_certs::load_native_certs();
            roots.add_parsable_certificates(found.certs);
            if roots.is_empty() {
                return Err(ConnectError::invalid(
                    Setting::SslRootCert,
                    "no trusted certificate authorities: set sslrootcert=/path/to/ca.pem",
                ));
            }
        }
    }
    Ok(roots)
}

/// `prefer` / `require`: encrypt, do not authenticate the server (libpq's meaning).
#[derive(Debug)]
struct AcceptAnyCertificate(Arc<rustls::crypto::CryptoProvider>);

impl ServerCertVerifier for AcceptAnyCertificate {
    fn verify_server_cert(
        &self,
        _: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// `verify-ca`: the chain must verify; the host name need not match.
#[derive(Debug)]
struct IgnoreHostName(Arc<WebPkiServerVerifier>);

impl ServerCertVerifier for IgnoreHostName {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match self.0.verify_server_cert(end_entity, intermediates, server_name, ocsp, now) {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}
