//! Connections over a Unix-domain socket, as libpq takes them
//! (`postgres://user@/db?host=/run/postgresql`, a `%2F`-encoded host, or
//! `host=/dir` in a key=value string): a local cluster that also listens on a
//! socket in its data directory, with a `local` line in pg_hba. This is how
//! the Cloud SQL Auth Proxy and PgBouncer sidecars are reached.

#![allow(clippy::unwrap_used, reason = "a test fails by panicking")]

use knexrs_cluster::{ClusterOptions, LocalCluster};
use knexrs_connect::{ConnectConfig, Environment, SslMode};
use knexrs_migrate::{MigrateError, Migrator, RunOptions, Silent};
use knexrs_query::{AsyncDb, Db, raw};
use knexrs_tests::{give_up_a_slow_statement_then_ask_again, migration_set, sleeping_elsewhere, within_20s};
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The socket's directory (a short alias of the data directory when that
/// path is too long for a socket address) and the port in its name.
struct SocketServer {
    dir: PathBuf,
    port: u16,
}

/// The server, started once per run of this test binary.
fn server() -> &'static SocketServer {
    static SERVER: OnceLock<SocketServer> = OnceLock::new();
    SERVER.get_or_init(|| {
        let root = knexrs_testing::cluster_root().unwrap();
        let options = ClusterOptions::new("socket", &root, 54349)
            // Relative to the data directory, where the server runs.
            .setting("unix_socket_directories", ".")
            .setting("max_connections", "100")
            .hba(
                "# a Unix socket for the tests, loopback TCP for the cluster's own checks\n\
                 local all postgres trust\n\
                 host all postgres 127.0.0.1/32 trust\n",
            );
        let cluster = LocalCluster::new(options).unwrap();
        let port = cluster.start().unwrap();
        let mut dir = cluster.data_dir();
        // A socket address holds at most 107 bytes: a deep checkout gets a short alias.
        if dir.join(format!(".s.PGSQL.{port}")).as_os_str().len() > 100 {
            let alias = std::env::temp_dir().join(format!("knexrs-socket-{port}"));
            let _ = std::fs::remove_file(&alias);
            std::os::unix::fs::symlink(&dir, &alias).unwrap();
            dir = alias;
        }
        assert!(dir.join(format!(".s.PGSQL.{port}")).exists(), "the server made no socket in {}", dir.display());
        SocketServer { dir, port }
    })
}

/// The URL of `database` on the server, through its socket.
fn url(database: &str) -> String {
    let server = server();
    format!("postgres://postgres@/{database}?host={}&port={}", server.dir.display(), server.port)
}

/// A fresh database of its own for one test; its configuration in `environment`.
fn database(name: &str, environment: Environment) -> ConnectConfig {
    let mut admin = ConnectConfig::from_url(&url("postgres")).unwrap().connect().unwrap();
    admin.batch_execute(&format!("drop database if exists {name} with (force)")).unwrap();
    admin.batch_execute(&format!("create database {name}")).unwrap();
    let url = url(name);
    let vars = |key: &str| (key == "DATABASE_URL").then(|| url.clone());
    ConnectConfig::from_vars(vars, environment).unwrap().unwrap()
}

/// Whether the statement's connection came over a socket (no client address).
const OVER_A_SOCKET: &str = "select inet_client_addr() is null";

/// Whether, within 20 s, no `pg_sleep` runs on `config`'s database.
fn no_sleep_left_running(config: &ConnectConfig) -> bool {
    let mut client = config.connect().unwrap();
    within_20s(|| sleeping_elsewhere(&mut client) == 0)
}

#[test]
fn production_settings_reach_a_unix_socket_with_every_executor_and_the_runner() {
    // Production means verify-full; as with libpq, a socket takes no TLS instead of failing.
    let config = database("unix_production", Environment::Production);
    assert_eq!(config.ssl_mode(), SslMode::VerifyFull);
    let again = ConnectConfig::from_url(&config.redacted()).unwrap();
    assert_eq!(again.driver().get_hosts(), config.driver().get_hosts(), "{}", config.redacted());

    let migrator = Migrator::new(migration_set("tables:2").unwrap()).unwrap();
    let run = migrator.latest(&config, &RunOptions::default(), &mut Silent).unwrap();
    assert_eq!(run.migrations.len(), 2);

    let db = Db::connect(&config).unwrap();
    assert_eq!(db.fetch_one::<(bool,)>(&raw(OVER_A_SOCKET)).unwrap(), (true,));
    let (tables,): (i64,) = db
        .fetch_one(&raw("select count(*) from information_schema.tables where table_name in ('t_1', 't_2')"))
        .unwrap();
    assert_eq!(tables, 2);

    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let over_socket = runtime.block_on(async {
        let db = AsyncDb::connect(&config).await.unwrap();
        db.fetch_one::<(bool,)>(&raw(OVER_A_SOCKET)).await.unwrap()
    });
    assert_eq!(over_socket, (true,));
}

#[test]
fn a_statement_given_up_over_a_unix_socket_is_cancelled_on_the_server() {
    let mut config = database("unix_given_up", Environment::Development);
    config.set_max_connections(1);
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    // The cancel request goes through the socket: the only connection answers at once.
    runtime.block_on(async {
        let pool = AsyncDb::connect(&config).await.unwrap();
        give_up_a_slow_statement_then_ask_again(&pool).await;
    });
    assert!(no_sleep_left_running(&config), "the given-up statement still runs on the server");
}

#[test]
fn a_cancelled_run_over_a_unix_socket_stops_its_statement_on_the_server() {
    let config = database("unix_cancelled_run", Environment::Development);
    let slow = Migrator::new(migration_set("slow:1:30000").unwrap()).unwrap();
    let options = RunOptions::default();
    let handle = options.cancel.clone();
    std::thread::scope(|scope| {
        let run = scope.spawn(|| slow.latest(&config, &options, &mut Silent));
        let mut watcher = config.connect().unwrap();
        assert!(within_20s(|| sleeping_elsewhere(&mut watcher) > 0), "the run never reached its statement");
        let cancelled_at = Instant::now();
        handle.cancel();
        let error = run.join().unwrap().unwrap_err();
        assert!(matches!(error, MigrateError::Interrupted { .. }), "{error}");
        assert!(cancelled_at.elapsed() < Duration::from_secs(5), "{:?}", cancelled_at.elapsed());
    });
    assert!(no_sleep_left_running(&config), "the cancelled statement still runs on the server");
    let kept: i64 = config
        .connect()
        .unwrap()
        .query_one("select count(*) from information_schema.tables where table_name = 't_1'", &[])
        .unwrap()
        .get(0);
    assert_eq!(kept, 0, "the cancelled run kept nothing");
}
