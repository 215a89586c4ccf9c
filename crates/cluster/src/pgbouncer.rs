//! A local PgBouncer in front of a local cluster, for running the runner and
//! the executors through a transaction pooler the way production fleets do.
//! Like the clusters it runs as an unprivileged user (PgBouncer refuses root),
//! listens on loopback only, and is shared by every process that starts it.

use crate::ClusterError;
use crate::os_user::OsUser;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// How a local PgBouncer runs.
///
/// ```
/// use knexrs_cluster::PgBouncerOptions;
///
/// let options = PgBouncerOptions::new("target/knexrs-pg", 54339);
/// assert_eq!(options.pool_mode, "transaction");
/// assert_eq!(options.default_pool_size, 2);
/// ```
#[derive(Debug, Clone)]
pub struct PgBouncerOptions {
    /// The folder that holds the clusters; PgBouncer's files go in `<root>/pgbouncer`.
    pub root: PathBuf,
    /// The port of the server it pools for, on 127.0.0.1.
    pub server_port: u16,
    /// The port tried first; the next free one is used when it is taken.
    pub preferred_port: u16,
    /// `pool_mode` (`transaction`, `session`).
    pub pool_mode: String,
    /// Server connections per database and user.
    pub default_pool_size: u32,
    /// Client connections at most.
    pub max_client_conn: u32,
}

impl PgBouncerOptions {
    /// Transaction pooling, two server connections per database, in front of
    /// the server on `server_port`.
    ///
    /// ```
    /// let options = knexrs_cluster::PgBouncerOptions::new("target/knexrs-pg", 54339);
    /// assert_eq!(options.server_port, 54339);
    /// ```
    pub fn new(root: impl Into<PathBuf>, server_port: u16) -> Self {
        PgBouncerOptions {
            root: root.into(),
            server_port,
            preferred_port: 56432,
            pool_mode: "transaction".to_owned(),
            default_pool_size: 2,
            max_client_conn: 1000,
        }
    }
}

/// A PgBouncer process serving every database of a local cluster as the
/// cluster's trusted superuser (the cluster only trusts loopback).
///
/// ```no_run
/// use knexrs_cluster::{LocalPgBouncer, PgBouncerOptions};
///
/// let bouncer = LocalPgBouncer::new(PgBouncerOptions::new("target/knexrs-pg", 54339))?;
/// let port = bouncer.start()?;
/// println!("{}", bouncer.url(port, "app"));
/// # Ok::<(), knexrs_cluster::ClusterError>(())
/// ```
#[derive(Debug, Clone)]
pub struct LocalPgBouncer {
    options: PgBouncerOptions,
    dir: PathBuf,
    program: PathBuf,
    os_user: Option<OsUser>,
}

impl LocalPgBouncer {
    /// Finds the `pgbouncer` program (`PATH`, `/usr/sbin`) and the user it
    /// runs as. Changes nothing on disk.
    ///
    /// ```no_run
    /// let bouncer = knexrs_cluster::LocalPgBouncer::new(knexrs_cluster::PgBouncerOptions::new("target/knexrs-pg", 54339));
    /// # let _ = bouncer;
    /// ```
    pub fn new(options: PgBouncerOptions) -> Result<Self, ClusterError> {
        let program = find_program().ok_or(ClusterError::NoPgBouncer)?;
        let os_user = OsUser::for_server()?;
        let dir = options.root.join("pgbouncer");
        Ok(LocalPgBouncer { options, dir, program, os_user })
    }

    /// A URL for `database` through PgBouncer.
    ///
    /// ```no_run
    /// let bouncer = knexrs_cluster::LocalPgBouncer::new(knexrs_cluster::PgBouncerOptions::new("target/knexrs-pg", 54339))?;
    /// assert_eq!(bouncer.url(56432, "app"), "postgres://postgres@127.0.0.1:56432/app");
    /// # Ok::<(), knexrs_cluster::ClusterError>(())
    /// ```
    pub fn url(&self, port: u16, database: &str) -> String {
        format!("postgres://{}@127.0.0.1:{port}/{database}", crate::SUPERUSER)
    }

    /// Starts PgBouncer unless it runs (for this server port); returns its
    /// port. Safe to call from several processes at once.
    ///
    /// ```no_run
    /// let bouncer = knexrs_cluster::LocalPgBouncer::new(knexrs_cluster::PgBouncerOptions::new("target/knexrs-pg", 54339))?;
    /// let port = bouncer.start()?;
    /// assert_eq!(bouncer.start()?, port);
    /// # Ok::<(), knexrs_cluster::ClusterError>(())
    /// ```
    pub fn start(&self) -> Result<u16, ClusterError> {
        fs::create_dir_all(&self.dir).map_err(ClusterError::io(format!("creating {}", self.dir.display())))?;
        self.give(&self.dir)?;
        let _lock = self.lock()?;
        if let Some(port) = self.running_port() {
            return Ok(port);
        }
        crate::port::start_on_free_port(self.options.preferred_port, "pgbouncer", |port| self.start_on(port))
    }

    /// Stops it; returns whether it was running.
    ///
    /// ```no_run
    /// let bouncer = knexrs_cluster::LocalPgBouncer::new(knexrs_cluster::PgBouncerOptions::new("target/knexrs-pg", 54339))?;
    /// bouncer.stop()?;
    /// # Ok::<(), knexrs_cluster::ClusterError>(())
    /// ```
    pub fn stop(&self) -> Result<bool, ClusterError> {
        let Some(pid) = self.pid() else { return Ok(false) };
        let pid = nix::unistd::Pid::from_raw(pid);
        if nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM).is_err() {
            return Ok(false);
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        while nix::sys::signal::kill(pid, None).is_ok() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = fs::remove_file(self.dir.join("pgbouncer.pid"));
        Ok(true)
    }

    fn start_on(&self, port: u16) -> Result<(), ClusterError> {
        let ini = self.dir.join("pgbouncer.ini");
        let log = self.dir.join("pgbouncer.log");
        let pid = self.dir.join("pgbouncer.pid");
        let o = &self.options;
        let text = format!(
            "; written by knexrs at every start\n\
             [databases]\n\
             * = host=127.0.0.1 port={server} user={user}\n\
             [pgbouncer]\n\
             listen_addr = 127.0.0.1\n\
             listen_port = {port}\n\
             unix_socket_dir =\n\
             auth_type = any\n\
             pool_mode = {mode}\n\
             default_pool_size = {size}\n\
             max_client_conn = {max}\n\
             ignore_startup_parameters = extra_float_digits,options\n\
             server_reset_query = DISCARD ALL\n\
             logfile = {log}\n\
             pidfile = {pid}\n",
            server = o.server_port,
            user = crate::SUPERUSER,
            mode = o.pool_mode,
            size = o.default_pool_size,
            max = o.max_client_conn,
            log = log.display(),
            pid = pid.display(),
        );
        fs::write(&ini, text).map_err(ClusterError::io(format!("writing {}", ini.display())))?;
        self.give(&ini)?;
        if !log.exists() {
            fs::write(&log, "").map_err(ClusterError::io(format!("writing {}", log.display())))?;
        }
        self.give(&log)?;
        let mut command = Command::new(&self.program);
        command.arg("-d").arg(&ini);
        if let Some(user) = &self.os_user {
            user.run_as(&mut command);
            command.current_dir("/");
        }
        let out = command.output().map_err(ClusterError::io("running pgbouncer"))?;
        if !out.status.success() {
            let text = fs::read_to_string(&log).unwrap_or_default();
            let last: Vec<&str> = text.lines().rev().take(2).collect();
            return Err(ClusterError::Command {
                program: "pgbouncer".into(),
                message: format!("{} {}", String::from_utf8_lossy(&out.stderr).trim(), last.join(" / ")),
            });
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                fs::write(self.dir.join("port"), port.to_string())
                    .map_err(ClusterError::io("writing the port file"))?;
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Err(ClusterError::Command {
            program: "pgbouncer".into(),
            message: format!("not listening on {port} after 10 s"),
        })
    }

    fn pid(&self) -> Option<i32> {
        let pid: i32 = fs::read_to_string(self.dir.join("pgbouncer.pid")).ok()?.trim().parse().ok()?;
        nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), None).is_ok().then_some(pid)
    }

    fn running_port(&self) -> Option<u16> {
        self.pid()?;
        let port: u16 = fs::read_to_string(self.dir.join("port")).ok()?.trim().parse().ok()?;
        // Running in front of another server (the cluster moved ports): start again.
        let ini = fs::read_to_string(self.dir.join("pgbouncer.ini")).ok()?;
        if !ini.contains(&format!("port={} ", self.options.server_port)) {
            let _ = self.stop();
            return None;
        }
        std::net::TcpStream::connect(("127.0.0.1", port)).is_ok().then_some(port)
    }

    fn give(&self, path: &Path) -> Result<(), ClusterError> {
        match &self.os_user {
            Some(user) => user.chown(path),
            None => Ok(()),
        }
    }

    fn lock(&self) -> Result<nix::fcntl::Flock<fs::File>, ClusterError> {
        let path = self.dir.join("start.lock");
        let file = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(ClusterError::io(format!("opening {}", path.display())))?;
        nix::fcntl::Flock::lock(file, nix::fcntl::FlockArg::LockExclusive).map_err(|(_, errno)| ClusterError::Io {
            context: format!("locking {}", path.display()),
            source: errno.into(),
        })
    }
}

fn find_program() -> Option<PathBuf> {
    let mut candidates: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).map(|dir| dir.join("pgbouncer")).collect())
        .unwrap_or_default();
    candidates.extend(["/usr/sbin/pgbouncer", "/usr/bin/pgbouncer", "/usr/local/bin/pgbouncer"].map(PathBuf::from));
    candidates.into_iter().find(|p| p.is_file())
}
