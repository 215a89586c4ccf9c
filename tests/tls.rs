//! TLS against a real server that requires it: a local cluster with a
//! certificate from a throwaway CA, `ssl = on`, and `hostssl` only in
//! pg_hba. Each sslmode behaves as libpq's does; client certificates log in
//! where pg_hba says `cert`; passwords asked for per connection (a provider,
//! `DB_PASSWORD_COMMAND`) keep working when the role's password rotates.

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
    /// `certuser`'s certificate and key, from the server's CA.
    client: (PathBuf, PathBuf),
    /// A `certuser` certificate and key from another CA.
    stranger: (PathBuf, PathBuf),
}

/// A client certificate for `user` (its common name) signed by `ca`, written as `<name>.crt` / `<name>.key` in `dir`.
fn client_cert(
    dir: &std::path::Path,
    name: &str,
    user: &str,
    ca: &CertifiedIssuer<'static, KeyPair>,
) -> (PathBuf, PathBuf) {
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.distinguished_name.push(DnType::CommonName, user);
    let cert = params.signed_by(&key, ca).unwrap();
    let (cert_file, key_file) = (dir.join(format!("{name}.crt")), dir.join(format!("{name}.key")));
    std::fs::write(&cert_file, cert.pem()).unwrap();
    std::fs::write(&key_file, key.serialize_pem()).unwrap();
    (cert_file, key_file)
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
            // Client certificates are checked against it (`certuser` logs in with one).
            .setting("ssl_ca_file", "ca.crt")
            .setting("max_connections", "100")
            .hba(
                "# TLS or nothing; certuser by certificate alone\n\
                 hostssl all certuser 127.0.0.1/32 cert\n\
                 hostssl all postgres 127.0.0.1/32 trust\n\
                 hostssl all all 127.0.0.1/32 scram-sha-256\n",
            )
            .file("server.crt", cert.pem())
            .file("server.key", key.serialize_pem())
            .file("ca.crt", ca.pem());
        let cluster = LocalCluster::new(options).unwrap();
        // A certificate made by an earlier run is replaced: restart with this one.
        cluster.stop().unwrap();
        let port = cluster.start().unwrap();
        let dir = root.join("tls-client");
        std::fs::create_dir_all(&dir).unwrap();
        let ca_file = dir.join("ca.pem");
        std::fs::write(&ca_file, ca.pem()).unwrap();
        let other_ca = self::ca("another CA");
        let other_ca_file = dir.join("other-ca.pem");
        std::fs::write(&other_ca_file, other_ca.pem()).unwrap();
        let client = client_cert(&dir, "client", "certuser", &ca);
        let stranger = client_cert(&dir, "stranger", "certuser", &other_ca);
        let mut admin =
            ConnectConfig::from_url(&format!("postgres://postgres@127.0.0.1:{port}/postgres?sslmode=require"))
                .unwrap()
                .connect()
                .unwrap();
        admin
            .batch_execute("do $$ begin create role certuser login; exception when duplicate_object then null; end $$")
            .unwrap();
        TlsServer { cluster, port, ca_file, other_ca_file, client, stranger }
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

/// `certuser`, who logs in by client certificate alone, with `cert` as its certificate and key.
fn cert_config(cert: Option<&(PathBuf, PathBuf)>) -> ConnectConfig {
    let server = server();
    let mut config =
        ConnectConfig::from_url(&format!("postgres://certuser@localhost:{}/postgres", server.port)).unwrap();
    config.set_ssl_mode(SslMode::VerifyFull).set_ssl_root_cert(&server.ca_file);
    if let Some((cert, key)) = cert {
        config.set_ssl_client_cert(cert, key);
    }
    config
}

#[test]
fn a_client_certificate_logs_in_where_the_server_authenticates_by_certificate() {
    let server = server();
    assert_eq!(uses_tls(&cert_config(Some(&server.client))), Ok(true));
    assert_eq!(uses_tls_async(&cert_config(Some(&server.client))), Ok(true));
    // As libpq takes them: in the URL, or as DB_* variables.
    let url = format!(
        "postgres://certuser@localhost:{}/postgres?sslmode=verify-full&sslrootcert={}&sslcert={}&sslkey={}",
        server.port,
        server.ca_file.display(),
        server.client.0.display(),
        server.client.1.display()
    );
    assert_eq!(uses_tls(&ConnectConfig::from_url(&url).unwrap()), Ok(true));
    let (ca, cert, key) = (server.ca_file.display().to_string(), server.client.0.display(), server.client.1.display());
    let (cert, key, port) = (cert.to_string(), key.to_string(), server.port.to_string());
    let vars = |name: &str| match name {
        "DB_HOST" => Some("localhost".to_owned()),
        "DB_PORT" => Some(port.clone()),
        "DB_USER" => Some("certuser".to_owned()),
        "DB_NAME" => Some("postgres".to_owned()),
        "DB_SSLMODE" => Some("verify-full".to_owned()),
        "DB_SSLROOTCERT" => Some(ca.clone()),
        "DB_SSLCERT" => Some(cert.clone()),
        "DB_SSLKEY" => Some(key.clone()),
        _ => None,
    };
    let config = ConnectConfig::from_vars(vars, Environment::Production).unwrap().unwrap();
    assert_eq!(uses_tls(&config), Ok(true));

    // Without one, or with one from another CA, the server refuses.
    let without = uses_tls(&cert_config(None)).unwrap_err();
    assert!(without.contains("certificate"), "{without}");
    assert_eq!(without.lines().count(), 1, "{without}");
    assert!(uses_tls(&cert_config(Some(&server.stranger))).is_err());
    assert!(uses_tls_async(&cert_config(Some(&server.stranger))).is_err());
}

#[test]
fn a_client_certificate_half_given_or_unusable_is_one_line_naming_the_setting() {
    let server = server();
    let half = ConnectConfig::from_url(&format!(
        "postgres://certuser@localhost:{}/postgres?sslcert={}",
        server.port,
        server.client.0.display()
    ))
    .unwrap_err();
    assert!(matches!(
        half,
        knexrs_connect::ConnectError::InvalidSetting { setting: knexrs_connect::Setting::SslKey, .. }
    ));
    assert!(half.to_string().contains("sslcert is set without sslkey"), "{half}");

    let missing =
        uses_tls(&cert_config(Some(&(server.client.0.clone(), server.client.0.with_extension("nope"))))).unwrap_err();
    assert!(missing.contains("cannot read sslkey"), "{missing}");
    let not_a_key = uses_tls(&cert_config(Some(&(server.client.0.clone(), server.client.0.clone())))).unwrap_err();
    assert!(not_a_key.contains("holds no PEM private key"), "{not_a_key}");
    let not_a_cert = uses_tls(&cert_config(Some(&(server.client.1.clone(), server.client.1.clone())))).unwrap_err();
    assert!(not_a_cert.contains("holds no PEM certificate"), "{not_a_cert}");
    for error in [missing, not_a_key, not_a_cert] {
        assert_eq!(error.lines().count(), 1, "{error}");
    }
}

/// A role of its own that logs in with `password` (scram-sha-256), made or given that password now.
fn role_with_password(role: &str, password: &str) {
    let server = server();
    let mut admin =
        ConnectConfig::from_url(&format!("postgres://postgres@127.0.0.1:{}/postgres?sslmode=require", server.port))
            .unwrap()
            .connect()
            .unwrap();
    admin
        .batch_execute(&format!(
            "do $$ begin create role {role} login; exception when duplicate_object then null; end $$;
             alter role {role} password '{password}'"
        ))
        .unwrap();
}

fn select_one(db: &knexrs_query::Db) -> Result<i32, String> {
    db.fetch_one::<(i32,)>(&knexrs_query::raw("select 1")).map(|(one,)| one).map_err(|e| e.to_string())
}

#[test]
fn a_password_provider_is_asked_at_each_new_connection_so_a_rotated_password_keeps_working() {
    let server = server();
    role_with_password("rotor_provider", "one");
    let current = std::sync::Arc::new(std::sync::Mutex::new("one".to_owned()));
    let mut config = ConnectConfig::from_url(&format!(
        "postgres://rotor_provider@127.0.0.1:{}/postgres?sslmode=require",
        server.port
    ))
    .unwrap();
    let asked = std::sync::Arc::clone(&current);
    config.set_password_provider(move || Ok(asked.lock().unwrap().clone()));
    let db = knexrs_query::Db::connect(&config).unwrap();
    let held = db.get().unwrap(); // logged in with "one"

    role_with_password("rotor_provider", "two"); // the token rotates
    let mut old = ConnectConfig::from_url(&format!(
        "postgres://rotor_provider:one@127.0.0.1:{}/postgres?sslmode=require",
        server.port
    ))
    .unwrap();
    assert!(old.connect().is_err(), "the old password no longer logs in");
    *current.lock().unwrap() = "two".to_owned();
    assert_eq!(select_one(&db), Ok(1), "a new connection asks again");
    drop(held);
    assert_eq!(uses_tls_async(&config), Ok(true), "the async pool asks too");

    // A provider that fails: one line with its reason, no connection attempted.
    old.set_password_provider(|| Err("the token service is down".into()));
    let error = knexrs_query::Db::connect(&old).unwrap_err().to_string();
    assert_eq!(error, "the password provider failed: the token service is down");
    let error = uses_tls_async(&old).unwrap_err();
    assert_eq!(error, "the password provider failed: the token service is down");
}

#[test]
fn db_password_command_prints_each_new_connections_password_and_its_failure_is_one_line() {
    let server = server();
    role_with_password("rotor_command", "first");
    let dir = knexrs_testing::cluster_root().unwrap().join("tls-client");
    let secret = dir.join("rotor_command.password");
    std::fs::write(&secret, "first\n").unwrap();
    let port = server.port.to_string();
    let command = format!("cat {}", secret.display());
    let vars = |command: String| {
        let port = port.clone();
        move |name: &str| match name {
            "DB_HOST" => Some("127.0.0.1".to_owned()),
            "DB_PORT" => Some(port.clone()),
            "DB_USER" => Some("rotor_command".to_owned()),
            "DB_NAME" => Some("postgres".to_owned()),
            "DB_SSLMODE" => Some("require".to_owned()),
            "DB_PASSWORD_COMMAND" => Some(command.clone()),
            _ => None,
        }
    };
    let config = ConnectConfig::from_vars(vars(command), Environment::Development).unwrap().unwrap();
    assert!(config.asks_password());
    let db = knexrs_query::Db::connect(&config).unwrap();
    let held = db.get().unwrap();
    role_with_password("rotor_command", "second");
    std::fs::write(&secret, "second\n").unwrap();
    assert_eq!(select_one(&db), Ok(1), "a new connection runs the command again");
    drop(held);
    assert_eq!(uses_tls_async(&config), Ok(true));

    let failing =
        ConnectConfig::from_vars(vars("echo 'no credentials' >&2; exit 3".to_owned()), Environment::Development)
            .unwrap()
            .unwrap();
    let error = uses_tls(&failing).unwrap_err();
    assert_eq!(
        error,
        "DB_PASSWORD_COMMAND `echo 'no credentials' >&2; exit 3` failed (exit status: 3: no credentials): fix the command, or set DB_PASSWORD instead"
    );
    assert_eq!(uses_tls_async(&failing).unwrap_err(), error);
}

/// A home directory whose `.postgresql/` holds `root.crt` (the CA `ca` names)
/// and, with `client`, `postgresql.crt` and `postgresql.key`: what libpq reads
/// when nothing else says where the certificates are.
fn libpq_home(name: &str, ca: &PathBuf, client: Option<&(PathBuf, PathBuf)>) -> PathBuf {
    let home = knexrs_testing::cluster_root().unwrap().join("tls-client").join(name);
    let dir = home.join(".postgresql");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(ca, dir.join("root.crt")).unwrap();
    if let Some((cert, key)) = client {
        std::fs::copy(cert, dir.join("postgresql.crt")).unwrap();
        std::fs::copy(key, dir.join("postgresql.key")).unwrap();
    }
    home
}

/// The configuration `url` and the libpq variables in `extra` make, with `home` as `HOME`.
fn from_libpq_vars(url: &str, home: &std::path::Path, extra: &[(&str, &str)]) -> Result<ConnectConfig, String> {
    let (url, home) = (url.to_owned(), home.display().to_string());
    let extra: Vec<(String, String)> = extra.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let vars = move |name: &str| match name {
        "DATABASE_URL" => Some(url.clone()),
        "HOME" => Some(home.clone()),
        _ => extra.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()),
    };
    ConnectConfig::from_vars(vars, Environment::Development).map(Option::unwrap).map_err(|e| e.to_string())
}

#[test]
fn a_machine_set_up_for_libpq_connects_by_its_home_files_and_pgssl_variables_alone() {
    let server = server();
    // verify-full with the CA and the client certificate from ~/.postgresql: certuser logs in by certificate.
    let home = libpq_home("home-certuser", &server.ca_file, Some(&server.client));
    let url = format!("postgres://certuser@localhost:{}/postgres?sslmode=verify-full", server.port);
    let config = from_libpq_vars(&url, &home, &[]).unwrap();
    assert_eq!(uses_tls(&config), Ok(true));
    assert_eq!(uses_tls_async(&config), Ok(true));
    // The same with the mode from PGSSLMODE.
    let url = format!("postgres://certuser@localhost:{}/postgres", server.port);
    let config = from_libpq_vars(&url, &home, &[("PGSSLMODE", "verify-full")]).unwrap();
    assert_eq!(config.ssl_mode(), SslMode::VerifyFull);
    assert_eq!(uses_tls(&config), Ok(true));

    // root.crt from another CA: require checks the chain against it, as libpq's does.
    let stranger_home = libpq_home("home-other-ca", &server.other_ca_file, None);
    let url = format!("postgres://postgres@127.0.0.1:{}/postgres?sslmode=require", server.port);
    let error = uses_tls(&from_libpq_vars(&url, &stranger_home, &[]).unwrap()).unwrap_err();
    assert!(error.contains("certificate"), "{error}");
    // PGSSLROOTCERT wins over the home file.
    let ca = server.ca_file.display().to_string();
    let config = from_libpq_vars(&url, &stranger_home, &[("PGSSLROOTCERT", &ca)]).unwrap();
    assert_eq!(uses_tls(&config), Ok(true));
}

#[test]
fn sslrootcert_system_means_verify_full_against_the_systems_authorities() {
    let server = server();
    let url = format!("postgres://postgres@localhost:{}/postgres?sslrootcert=system", server.port);
    let config = ConnectConfig::from_url(&url).unwrap();
    assert_eq!(config.ssl_mode(), SslMode::VerifyFull);
    // The test CA is not one of the system's.
    let error = uses_tls(&config).unwrap_err();
    assert!(error.contains("certificate"), "{error}");
    // A weaker mode is refused before connecting, as libpq 16 refuses it.
    let weak = ConnectConfig::from_url(&format!("{url}&sslmode=require")).unwrap();
    let error = uses_tls(&weak).unwrap_err();
    assert!(error.contains("sslrootcert=system") && error.contains("set sslmode=verify-full"), "{error}");
    assert_eq!(error.lines().count(), 1, "{error}");
}
