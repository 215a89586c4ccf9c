//! One local cluster: a data folder, a server started as an unprivileged user
//! on a loopback port, and a lock so parallel processes start it only once.

use crate::os_user::OsUser;
use crate::{ClusterError, ServerBinaries};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// What to run: where the cluster lives, which port it prefers, its settings.
///
/// ```
/// use knexrs_cluster::ClusterOptions;
///
/// let options = ClusterOptions::new("dev", "target/knexrs-pg", 54329)
///     .setting("max_connections", "100");
/// assert_eq!(options.name, "dev");
/// ```
#[derive(Debug, Clone)]
pub struct ClusterOptions {
    /// The cluster's name (`dev`, `test`); its folder under `root`.
    pub name: String,
    /// The folder that holds the clusters.
    pub root: PathBuf,
    /// The port tried first; the next free one is used when it is taken.
    pub preferred_port: u16,
    /// `postgresql.conf` settings, rewritten at every start.
    pub settings: Vec<(String, String)>,
    /// `pg_hba.conf` instead of knexrs's (loopback, superuser trusted), written at every start.
    pub hba: Option<String>,
    /// Files written into the data folder at every start, readable by the server only
    /// (TLS certificates and keys, say).
    pub files: Vec<(String, Vec<u8>)>,
    /// The folder of the server programs to run, instead of the machine's
    /// own (a PostgreSQL major version `cargo xtask test --pg` installed).
    pub bin_dir: Option<PathBuf>,
}

impl ClusterOptions {
    /// A cluster `name` under `root`, preferring `port`.
    ///
    /// ```
    /// use knexrs_cluster::ClusterOptions;
    ///
    /// let options = ClusterOptions::new("test", "target/knexrs-pg", 54339);
    /// assert_eq!(options.preferred_port, 54339);
    /// assert!(options.settings.is_empty() && options.hba.is_none());
    /// ```
    pub fn new(name: impl Into<String>, root: impl Into<PathBuf>, port: u16) -> Self {
        ClusterOptions {
            name: name.into(),
            root: root.into(),
            preferred_port: port,
            settings: Vec::new(),
            hba: None,
            files: Vec::new(),
            bin_dir: None,
        }
    }

    /// Runs the server programs in `dir` rather than the machine's own.
    ///
    /// ```
    /// use knexrs_cluster::ClusterOptions;
    ///
    /// let options = ClusterOptions::new("test-pg13", "target/knexrs-pg", 54339).binaries("/opt/pg13/bin");
    /// assert_eq!(options.bin_dir.as_deref(), Some(std::path::Path::new("/opt/pg13/bin")));
    /// ```
    pub fn binaries(mut self, dir: impl Into<PathBuf>) -> Self {
        self.bin_dir = Some(dir.into());
        self
    }

    /// Uses `hba` as `pg_hba.conf` (to require TLS, say).
    ///
    /// ```
    /// use knexrs_cluster::ClusterOptions;
    ///
    /// // TLS only, password logins: a server like production's.
    /// let options = ClusterOptions::new("tls", "target/knexrs-pg", 54359)
    ///     .hba("local all all trust\nhostssl all all 127.0.0.1/32 scram-sha-256\n");
    /// assert!(options.hba.unwrap().contains("hostssl"));
    /// ```
    pub fn hba(mut self, hba: impl Into<String>) -> Self {
        self.hba = Some(hba.into());
        self
    }

    /// Writes `contents` to `name` in the data folder, readable by the server only.
    ///
    /// ```
    /// use knexrs_cluster::ClusterOptions;
    ///
    /// let options = ClusterOptions::new("tls", "target/knexrs-pg", 54359)
    ///     .file("server.crt", "-----BEGIN CERTIFICATE-----\n…")
    ///     .setting("ssl", "on")
    ///     .setting("ssl_cert_file", "server.crt");
    /// assert_eq!(options.files[0].0, "server.crt");
    /// ```
    pub fn file(mut self, name: impl Into<String>, contents: impl Into<Vec<u8>>) -> Self {
        self.files.push((name.into(), contents.into()));
        self
    }

    /// Adds a server setting.
    ///
    /// ```
    /// use knexrs_cluster::ClusterOptions;
    ///
    /// let options = ClusterOptions::new("test", "target/knexrs-pg", 54339).setting("fsync", "off");
    /// assert_eq!(options.settings, [("fsync".to_owned(), "off".to_owned())]);
    /// ```
    pub fn setting(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.settings.push((name.into(), value.into()));
        self
    }
}

/// Whether the cluster exists and runs.
///
/// ```no_run
/// use knexrs_cluster::{ClusterOptions, ClusterState, LocalCluster};
///
/// let cluster = LocalCluster::new(ClusterOptions::new("dev", "target/knexrs-pg", 54329))?;
/// match cluster.state()? {
///     ClusterState::Running { port } => println!("running: {}", cluster.url(port, "postgres")),
///     ClusterState::Stopped => println!("stopped: `cargo xtask db start`"),
///     ClusterState::Uninitialized => println!("not made yet"),
/// }
/// # Ok::<(), knexrs_cluster::ClusterError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClusterState {
    /// No data folder yet.
    Uninitialized,
    /// Initialized, not running.
    Stopped,
    /// Running, listening on this loopback port.
    Running {
        /// The TCP port on 127.0.0.1.
        port: u16,
    },
}

/// A PostgreSQL cluster in a local folder, managed through `initdb` / `pg_ctl`.
///
/// ```no_run
/// use knexrs_cluster::{ClusterOptions, LocalCluster};
///
/// let cluster = LocalCluster::new(ClusterOptions::new("dev", "target/knexrs-pg", 54329))?;
/// let port = cluster.start()?;
/// println!("{}", cluster.url(port, "postgres"));
/// # Ok::<(), knexrs_cluster::ClusterError>(())
/// ```
#[derive(Debug)]
pub struct LocalCluster {
    options: ClusterOptions,
    dir: PathBuf,
    bin: ServerBinaries,
    os_user: Option<OsUser>,
}

/// The superuser the clusters are made with; loopback logins as it are trusted.
///
/// ```
/// use knexrs_cluster::{ClusterOptions, LocalCluster, SUPERUSER};
///
/// let cluster = LocalCluster::new(ClusterOptions::new("dev", std::env::temp_dir().join("knexrs-doc"), 54329))?;
/// assert!(cluster.url(54329, "app").starts_with(&format!("postgres://{SUPERUSER}@")));
/// # Ok::<(), knexrs_cluster::ClusterError>(())
/// ```
pub const SUPERUSER: &str = "postgres";

impl LocalCluster {
    /// Finds the server binaries and, when running as root, the unprivileged
    /// user the server will run as (made if missing). Changes nothing on disk.
    ///
    /// ```
    /// use knexrs_cluster::{ClusterOptions, ClusterState, LocalCluster};
    ///
    /// let root = std::env::temp_dir().join("knexrs-doc-new");
    /// let cluster = LocalCluster::new(ClusterOptions::new("scratch", &root, 54379))?;
    /// assert_eq!(cluster.state()?, ClusterState::Uninitialized); // nothing made yet
    /// # Ok::<(), knexrs_cluster::ClusterError>(())
    /// ```
    pub fn new(options: ClusterOptions) -> Result<Self, ClusterError> {
        let bin = match &options.bin_dir {
            Some(dir) => ServerBinaries::at(dir)?,
            None => ServerBinaries::find()?,
        };
        let os_user = OsUser::for_server()?;
        let root = match &os_user {
            // The server user must reach the data folder; under a private home
            // it cannot, so the clusters move to the temp folder.
            Some(user) if !user.can_traverse(&options.root) => std::env::temp_dir()
                .join(format!("knexrs-pg-{:016x}", knexrs_sql::fnv1a64(options.root.to_string_lossy().as_bytes()))),
            _ => options.root.clone(),
        };
        let dir = root.join(&options.name);
        Ok(LocalCluster { options, dir, bin, os_user })
    }

    /// The cluster's name.
    ///
    /// ```
    /// use knexrs_cluster::{ClusterOptions, LocalCluster};
    ///
    /// let cluster = LocalCluster::new(ClusterOptions::new("dev", "target/knexrs-pg", 54329))?;
    /// assert_eq!(cluster.name(), "dev");
    /// # Ok::<(), knexrs_cluster::ClusterError>(())
    /// ```
    pub fn name(&self) -> &str {
        &self.options.name
    }

    /// The data folder.
    ///
    /// ```
    /// use knexrs_cluster::{ClusterOptions, LocalCluster};
    ///
    /// let cluster = LocalCluster::new(ClusterOptions::new("dev", "target/knexrs-pg", 54329))?;
    /// assert!(cluster.data_dir().ends_with("dev/data"));
    /// # Ok::<(), knexrs_cluster::ClusterError>(())
    /// ```
    pub fn data_dir(&self) -> PathBuf {
        self.dir.join("data")
    }

    /// The server log.
    ///
    /// ```
    /// use knexrs_cluster::{ClusterOptions, LocalCluster};
    ///
    /// let cluster = LocalCluster::new(ClusterOptions::new("dev", "target/knexrs-pg", 54329))?;
    /// assert!(cluster.log_file().ends_with("dev/server.log")); // where a failed start is explained
    /// # Ok::<(), knexrs_cluster::ClusterError>(())
    /// ```
    pub fn log_file(&self) -> PathBuf {
        self.dir.join("server.log")
    }

    /// The server binaries in use.
    ///
    /// ```
    /// use knexrs_cluster::{ClusterOptions, LocalCluster};
    ///
    /// let cluster = LocalCluster::new(ClusterOptions::new("dev", "target/knexrs-pg", 54329))?;
    /// let pg_dump = cluster.binaries().program("pg_dump");
    /// # Ok::<(), knexrs_cluster::ClusterError>(())
    /// ```
    pub fn binaries(&self) -> &ServerBinaries {
        &self.bin
    }

    /// A URL for `database` as the trusted superuser.
    ///
    /// ```
    /// use knexrs_cluster::{ClusterOptions, LocalCluster};
    ///
    /// let cluster = LocalCluster::new(ClusterOptions::new("dev", "target/knexrs-pg", 54329))?;
    /// assert_eq!(cluster.url(54329, "development"), "postgres://postgres@127.0.0.1:54329/development");
    /// # Ok::<(), knexrs_cluster::ClusterError>(())
    /// ```
    pub fn url(&self, port: u16, database: &str) -> String {
        format!("postgres://{SUPERUSER}@127.0.0.1:{port}/{database}")
    }

    /// Whether the cluster exists and runs.
    ///
    /// ```
    /// use knexrs_cluster::{ClusterOptions, ClusterState, LocalCluster};
    ///
    /// let cluster = LocalCluster::new(ClusterOptions::new("never", std::env::temp_dir().join("knexrs-doc-state"), 54379))?;
    /// assert_eq!(cluster.state()?, ClusterState::Uninitialized);
    /// # Ok::<(), knexrs_cluster::ClusterError>(())
    /// ```
    pub fn state(&self) -> Result<ClusterState, ClusterError> {
        if !self.data_dir().join("PG_VERSION").exists() {
            return Ok(ClusterState::Uninitialized);
        }
        let running = self
            .command("pg_ctl")
            .arg("status")
            .arg("-D")
            .arg(self.data_dir())
            .output()
            .map_err(ClusterError::io("running pg_ctl status"))?
            .status
            .success();
        if !running {
            return Ok(ClusterState::Stopped);
        }
        match self.running_port() {
            Some(port) => Ok(ClusterState::Running { port }),
            None => Ok(ClusterState::Stopped),
        }
    }

    /// Makes the cluster if needed and starts it if it is not running; returns
    /// its port. A running cluster whose settings differ from the options is
    /// restarted with them. Safe to call from several processes at once.
    ///
    /// ```no_run
    /// use knexrs_cluster::{ClusterOptions, LocalCluster};
    ///
    /// let cluster = LocalCluster::new(ClusterOptions::new("dev", "target/knexrs-pg", 54329))?;
    /// let port = cluster.start()?; // initdb on first use; 54329 unless it is taken
    /// let again = cluster.start()?; // already running: returns at once
    /// assert_eq!(port, again);
    /// # Ok::<(), knexrs_cluster::ClusterError>(())
    /// ```
    pub fn start(&self) -> Result<u16, ClusterError> {
        let _lock = self.lock()?;
        self.init_if_needed()?;
        if let ClusterState::Running { port } = self.state()? {
            if self.settings_text() == fs::read_to_string(self.settings_file()).unwrap_or_default() {
                return Ok(port);
            }
            // Settings changed since it started (a new version of knexrs): restart with them.
            self.run("pg_ctl", |c| {
                c.arg("stop").arg("-D").arg(self.data_dir()).args(["-m", "fast", "-w", "-t", "60"]);
            })?;
            self.write_settings()?;
            self.pg_ctl_start(port)?;
            return Ok(port);
        }
        self.write_settings()?;
        crate::port::start_on_free_port(self.options.preferred_port, "pg_ctl start", |port| self.pg_ctl_start(port))
    }

    /// Stops the cluster (fast shutdown); returns whether it was running.
    ///
    /// ```no_run
    /// use knexrs_cluster::{ClusterOptions, LocalCluster};
    ///
    /// let cluster = LocalCluster::new(ClusterOptions::new("dev", "target/knexrs-pg", 54329))?;
    /// if !cluster.stop()? {
    ///     println!("the cluster was not running");
    /// }
    /// # Ok::<(), knexrs_cluster::ClusterError>(())
    /// ```
    pub fn stop(&self) -> Result<bool, ClusterError> {
        let _lock = self.lock()?;
        if !matches!(self.state()?, ClusterState::Running { .. }) {
            return Ok(false);
        }
        self.run("pg_ctl", |c| {
            c.arg("stop").arg("-D").arg(self.data_dir()).args(["-m", "fast", "-w", "-t", "60"]);
        })?;
        Ok(true)
    }

    /// Stops the server at once, as a crash would (`-m immediate`), then starts
    /// it again on the same port; for tests of what survives a restart.
    ///
    /// ```no_run
    /// use knexrs_cluster::{ClusterOptions, LocalCluster};
    ///
    /// let cluster = LocalCluster::new(ClusterOptions::new("crash", "target/knexrs-pg", 54369))?;
    /// let port = cluster.start()?;
    /// // … a migration runs on another thread …
    /// assert_eq!(cluster.restart_immediate()?, port);
    /// # Ok::<(), knexrs_cluster::ClusterError>(())
    /// ```
    pub fn restart_immediate(&self) -> Result<u16, ClusterError> {
        let port = match self.state()? {
            ClusterState::Running { port } => port,
            _ => return Err(ClusterError::NotRunning { name: self.options.name.clone() }),
        };
        let _lock = self.lock()?;
        self.run("pg_ctl", |c| {
            c.arg("stop").arg("-D").arg(self.data_dir()).args(["-m", "immediate", "-w", "-t", "60"]);
        })?;
        self.pg_ctl_start(port)?;
        Ok(port)
    }

    /// Creates `database` unless it exists.
    ///
    /// ```no_run
    /// use knexrs_cluster::{ClusterOptions, LocalCluster};
    ///
    /// let cluster = LocalCluster::new(ClusterOptions::new("dev", "target/knexrs-pg", 54329))?;
    /// let port = cluster.start()?;
    /// cluster.ensure_database(port, "development")?; // a second call changes nothing
    /// # Ok::<(), knexrs_cluster::ClusterError>(())
    /// ```
    pub fn ensure_database(&self, port: u16, database: &str) -> Result<(), ClusterError> {
        let mut client = postgres::Client::connect(&self.url(port, "postgres"), postgres::NoTls)
            .map_err(|source| ClusterError::Database { context: "connecting to the local cluster".into(), source })?;
        let exists = client
            .query_opt("select 1 from pg_database where datname = $1", &[&database])
            .map_err(|source| ClusterError::Database { context: "listing databases".into(), source })?
            .is_some();
        if !exists {
            let sql = format!("create database {}", knexrs_sql::quote_ident(database));
            if let Err(source) = client.batch_execute(&sql) {
                // Another process may have created it meanwhile.
                if source.code() != Some(&postgres::error::SqlState::DUPLICATE_DATABASE) {
                    return Err(ClusterError::Database { context: format!("creating database {database}"), source });
                }
            }
        }
        Ok(())
    }

    fn lock(&self) -> Result<nix::fcntl::Flock<fs::File>, ClusterError> {
        let root = self.dir.parent().unwrap_or(&self.dir);
        fs::create_dir_all(root).map_err(ClusterError::io(format!("creating {}", root.display())))?;
        let path = root.join(format!("{}.lock", self.options.name));
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

    fn init_if_needed(&self) -> Result<(), ClusterError> {
        let data = self.data_dir();
        if let Ok(made_by) = fs::read_to_string(data.join("PG_VERSION")) {
            let made_by = made_by.trim().to_owned();
            return match self.bin.major_version() {
                Some(major) if major.to_string() != made_by => {
                    Err(ClusterError::VersionMismatch { data: data.clone(), made_by, server: major })
                }
                _ => Ok(()),
            };
        }
        if data.exists() {
            // A half-made folder from an interrupted initdb.
            fs::remove_dir_all(&data).map_err(ClusterError::io(format!("clearing {}", data.display())))?;
        }
        fs::create_dir_all(&data).map_err(ClusterError::io(format!("creating {}", data.display())))?;
        self.give_to_server_user(&self.dir)?;
        self.give_to_server_user(&data)?;
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&data, fs::Permissions::from_mode(0o700))
            .map_err(ClusterError::io(format!("restricting {}", data.display())))?;
        self.run("initdb", |c| {
            c.arg("-D").arg(&data).args(["-U", SUPERUSER, "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"]);
        })?;
        let hba = "# written by knexrs: loopback only; the superuser is trusted, other roles need a password\n\
                   host all postgres 127.0.0.1/32 trust\n\
                   host all postgres ::1/128 trust\n\
                   host all all 127.0.0.1/32 scram-sha-256\n\
                   host all all ::1/128 scram-sha-256\n";
        self.write_owned(&data.join("pg_hba.conf"), hba)?;
        let mut conf = fs::OpenOptions::new()
            .append(true)
            .open(data.join("postgresql.conf"))
            .map_err(ClusterError::io("opening postgresql.conf"))?;
        writeln!(conf, "\ninclude_if_exists = 'knexrs.conf'").map_err(ClusterError::io("writing postgresql.conf"))?;
        Ok(())
    }

    fn settings_file(&self) -> PathBuf {
        self.data_dir().join("knexrs.conf")
    }

    fn settings_text(&self) -> String {
        let mut text = String::from(
            // scram everywhere: PostgreSQL 13 still hashes new passwords with md5 by default,
            // which the scram-sha-256 lines of pg_hba.conf cannot check.
            "# rewritten by knexrs at every start\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = ''\npassword_encryption = 'scram-sha-256'\n",
        );
        for (name, value) in &self.options.settings {
            text.push_str(&format!("{name} = '{}'\n", value.replace('\'', "''")));
        }
        text
    }

    fn write_settings(&self) -> Result<(), ClusterError> {
        use std::os::unix::fs::PermissionsExt;
        let data = self.data_dir();
        if let Some(hba) = &self.options.hba {
            self.write_owned(&data.join("pg_hba.conf"), hba)?;
        }
        for (name, contents) in &self.options.files {
            let path = data.join(name);
            fs::write(&path, contents).map_err(ClusterError::io(format!("writing {}", path.display())))?;
            fs::set_permissions(&path, fs::Permissions::from_mode(0o600))
                .map_err(ClusterError::io(format!("restricting {}", path.display())))?;
            self.give_to_server_user(&path)?;
        }
        self.write_owned(&self.settings_file(), &self.settings_text())
    }

    fn write_owned(&self, path: &Path, text: &str) -> Result<(), ClusterError> {
        fs::write(path, text).map_err(ClusterError::io(format!("writing {}", path.display())))?;
        self.give_to_server_user(path)
    }

    fn give_to_server_user(&self, path: &Path) -> Result<(), ClusterError> {
        match &self.os_user {
            Some(user) => user.chown(path),
            None => Ok(()),
        }
    }

    fn pg_ctl_start(&self, port: u16) -> Result<(), ClusterError> {
        let log = self.log_file();
        if !log.exists() {
            self.write_owned(&log, "")?;
        }
        self.run("pg_ctl", |c| {
            c.arg("start")
                .arg("-D")
                .arg(self.data_dir())
                .arg("-l")
                .arg(&log)
                .args(["-w", "-t", "60", "-o"])
                .arg(format!("-p {port}"));
        })
        .map_err(|e| match e {
            ClusterError::Command { program, message } => {
                ClusterError::Command { program, message: format!("{message}; server log: {}", tail(&log, 3)) }
            }
            other => other,
        })
    }

    fn running_port(&self) -> Option<u16> {
        let pid_file = fs::read_to_string(self.data_dir().join("postmaster.pid")).ok()?;
        pid_file.lines().nth(3)?.trim().parse().ok()
    }

    fn command(&self, program: &str) -> Command {
        let mut command = Command::new(self.bin.program(program));
        command.env("LC_ALL", "C").env_remove("PGDATA").env_remove("PGPORT");
        if let Some(user) = &self.os_user {
            user.run_as(&mut command);
            // The server user may not be allowed into the caller's folder.
            command.current_dir("/");
        }
        command
    }

    fn run(&self, program: &str, args: impl FnOnce(&mut Command)) -> Result<(), ClusterError> {
        let mut command = self.command(program);
        args(&mut command);
        let out = command.output().map_err(ClusterError::io(format!("running {program}")))?;
        if out.status.success() {
            return Ok(());
        }
        let text = format!("{}{}", String::from_utf8_lossy(&out.stderr), String::from_utf8_lossy(&out.stdout));
        let last: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
        let message = last[last.len().saturating_sub(3)..].join(" / ");
        Err(ClusterError::Command { program: program.into(), message })
    }
}

/// The last `n` non-empty lines of a file, joined on one line.
fn tail(path: &Path, n: usize) -> String {
    let text = fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    lines[lines.len().saturating_sub(n)..].join(" / ")
}
