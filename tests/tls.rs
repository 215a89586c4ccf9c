//! TLS against a real server that requires it: a local cluster with a
//! certificate from a throwaway CA, `ssl = on`, and `hostssl` only in
//! pg_hba. Each sslmode behaves as libpq's does.

#![allow(clippy::unwrap_used, reason = "a test fails by panicking")]

use knexrs_cluster::{ClusterOptions, LocalCluster};
use knexrs_connect::{ConnectConfig, Environment, SslMode};
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};
use std::path::PathBuf;
use std::sync::OnceLock;

struct TlsServer {
    cluster: LocalCluster,
    port: u16,
    ca_file: PathBuf,
    other_ca_file: PathBuf,
}

fn ca(name: &str) -> CertifiedIssuer<'static, KeyPair> {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(DnType::CommonName, name);
    CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap()
}

/// The server, made once per run of this test binary (its certificate names `localhost` only).
fn server() -> &'static TlsServer {
    static SERVER: OnceLock<TlsServer> = OnceLock::new();
    SERVER.get_or_init(|| {
        let ca = ca("knexrs test CA");
        let key = KeyPair::generate().unwrap();
        let mut params = CertificateParams::new(vec!["localhost".to_owned()]).unwrap();
        params.distinguished_name.push(DnType::CommonName, "localhost");
        let cert = params.signed_by(&key, &ca).unwrap();
        let root = knexrs_testing::cluster_root().unwrap();
        let options = ClusterOptions::new("tls", &root, 54359)
            .setting("ssl", "on")
            .setting("ssl_cert_file", "server.crt")
            .setting("ssl_key_file", "server.key")
            .setting("max_connections", "20")
            .hba(
                "# TLS or nothing\n\
                 hostssl all postgres 127.0.0.1/32 trust\n\
                 hostssl all all 127.0.0.1/32 scram-sha-256\n",
            )
            .file("server.crt", cert.pem())
            .file("server.key", key.serialize_pem());
        let cluster = LocalCluster::new(options).unwrap();
        // A certificate made by an earlier run is replaced: restart with this one.
        cluster.stop().unwrap();
        let port = cluster.start().unwrap();
        let dir = root.join("tls-client");
        std::fs::create_dir_all(&dir).unwrap();
        let ca_file = dir.join("ca.pem");
        std::fs::write(&ca_file, ca.pem()).unwrap();
        let other_ca_file = dir.join("other-ca.pem");
        std::fs::write(&other_ca_file, self::ca("another CA").pem()).unwrap();
        TlsServer { cluster, port, ca_file, other_ca_file }
    })
}

fn config(host: &str, mode: SslMode, ca: Option<&PathBuf>) -> ConnectConfig {
    let server = server();
    let mut config = ConnectConfig::from_url(&format!("postgres://postgres@{host}:{}/postgres", server.port)).unwrap();
    config.set_ssl_mode(mode);
    if let Some(ca) = ca {
        config.set_ssl_root_cert(ca);
    }
    config
}

fn uses_tls(config: &ConnectConfig) -> Result<bool, String> {
    let mut client = config.connect().map_err(|e| e.to_string())?;
    client
        .query_one("select ssl from pg_stat_ssl where pid = pg_backend_pid()", &[])
        .map(|row| row.get(0))
        .map_err(|e| e.to_string())
}

#[test]
fn verify_full_connects_with_the_ca_and_refuses_without_it_or_under_another_name() {
    let server = server();
    assert_eq!(uses_tls(&config("localhost", SslMode::VerifyFull, Some(&server.ca_file))), Ok(true));
    let unknown = uses_tls(&config("localhost", SslMode::VerifyFull, Some(&server.other_ca_file))).unwrap_err();
    assert!(unknown.contains("certificate"), "{unknown}");
    let system_roots = uses_tls(&config("localhost", SslMode::VerifyFull, None)).unwrap_err();
    assert!(system_roots.contains("certificate"), "{system_roots}");
    let wrong_name = uses_tls(&config("127.0.0.1", SslMode::VerifyFull, Some(&server.ca_file))).unwrap_err();
    assert!(
        wrong_name.to_lowercase().contains("not valid for name") || wrong_name.contains("certificate"),
        "{wrong_name}"
    );
}

#[test]
fn verify_ca_checks_the_chain_but_not_the_host_name() {
    let server = server();
    assert_eq!(uses_tls(&config("127.0.0.1", SslMode::VerifyCa, Some(&server.ca_file))), Ok(true));
    assert!(uses_tls(&config("127.0.0.1", SslMode::VerifyCa, Some(&server.other_ca_file))).is_err());
}

#[test]
fn require_encrypts_without_verifying() {
    assert_eq!(uses_tls(&config("127.0.0.1", SslMode::Require, None)), Ok(true));
}

#[test]
fn disable_is_refused_by_a_server_that_requires_tls() {
    let error = uses_tls(&config("127.0.0.1", SslMode::Disable, None)).unwrap_err();
    assert!(error.contains("pg_hba.conf") || error.contains("no encryption"), "{error}");
}

#[test]
fn production_defaults_to_verify_full() {
    let server = server();
    let url =
        format!("postgres://postgres@localhost:{}/postgres?sslrootcert={}", server.port, server.ca_file.display());
    let vars = |name: &str| (name == "DATABASE_URL").then(|| url.clone());
    let config = ConnectConfig::from_vars(vars, Environment::Production).unwrap().unwrap();
    assert_eq!(config.ssl_mode(), SslMode::VerifyFull);
    assert_eq!(uses_tls(&config), Ok(true));
    assert!(server.cluster.data_dir().join("server.key").exists());
}

/// The same check through the async executor's pool.
fn uses_tls_async(config: &ConnectConfig) -> Result<bool, String> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let db = knexrs_query::AsyncDb::connect(config).await.map_err(|e| e.to_string())?;
        let (ssl,): (bool,) = db
            .fetch_one(&knexrs_query::raw("select ssl from pg_stat_ssl where pid = pg_backend_pid()"))
            .await
            .map_err(|e| e.to_string())?;
        Ok(ssl)
    })
}

#[test]
fn the_async_executor_honours_every_sslmode_as_the_blocking_one_does() {
    let server = server();
    assert_eq!(uses_tls_async(&config("localhost", SslMode::VerifyFull, Some(&server.ca_file))), Ok(true));
    assert!(uses_tls_async(&config("localhost", SslMode::VerifyFull, Some(&server.other_ca_file))).is_err());
    assert_eq!(uses_tls_async(&config("127.0.0.1", SslMode::VerifyCa, Some(&server.ca_file))), Ok(true));
    assert_eq!(uses_tls_async(&config("127.0.0.1", SslMode::Require, None)), Ok(true));
    assert!(uses_tls_async(&config("127.0.0.1", SslMode::Disable, None)).is_err());
}

#[test]
fn production_against_a_server_without_tls_names_the_mode_it_defaulted_to_and_what_to_do() {
    let plain = knexrs_testing::server().unwrap();
    let port = plain.driver().get_ports().first().copied().unwrap();
    let url = format!("postgres://postgres@127.0.0.1:{port}/postgres");
    let vars = |name: &str| (name == "DATABASE_URL").then(|| url.clone());
    let config = ConnectConfig::from_vars(vars, Environment::Production).unwrap().unwrap();
    let error = uses_tls(&config).unwrap_err();
    assert!(
        error.contains(
            "the server offers no TLS and sslmode=verify-full needs it: enable TLS on the server, or set sslmode"
        ),
        "{error}"
    );
    assert_eq!(error.lines().count(), 1, "{error}");
}
