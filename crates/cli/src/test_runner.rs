//! `cargo xtask test`: every test of the workspace against the local test
//! cluster, then a sweep of databases the tests left behind. The suite's whole
//! output is checked for the password tests use: errors must never echo one.

use crate::test_binaries::{self, Job, TestArgs};
use crate::{ClusterName, PgVersions, Project, cluster};
use anyhow::Context as _;
use knexrs_cluster::{ClusterOptions, LocalCluster};
use knexrs_connect::ConnectConfig;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{ExitCode, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// How `test` runs: on the machine's own server (the default), or on
/// PostgreSQL major versions installed for the run (`--pg 13`, `--pg 13,18`,
/// `--pg all`), one after the other.
///
/// ```
/// let options = knexrs_cli::TestOptions {
///     pg: Some("13,18".parse().unwrap()),
///     pooler: None,
///     binaries_at_once: 1,
///     cargo_args: vec!["--no-fail-fast".into()],
/// };
/// assert_eq!(options.pg.unwrap().majors(), [13, 18]);
/// ```
#[derive(Debug, Clone, Default)]
pub struct TestOptions {
    /// The major versions to run on; `None` runs on the machine's server.
    pub pg: Option<PgVersions>,
    /// `Transaction`: every test database is reached through a local
    /// PgBouncer in transaction mode (pool size 2), as production fleets are.
    pub pooler: Option<knexrs_connect::Pooler>,
    /// How many test binaries run at once. 0 or 1: one after another
    /// through `cargo test` itself. More: built first, then run side by
    /// side, each one's output printed whole as it ends (`--no-run` and
    /// `--doc` are still `cargo test`'s own).
    pub binaries_at_once: usize,
    /// Passed on to `cargo test`.
    pub cargo_args: Vec<String>,
}

/// `test [--pg …] [cargo test args]`: `cargo test` (the whole workspace
/// unless a package is named) on a local test cluster, then a sweep of the
/// databases the tests left behind. Fails when the tests' password appears
/// anywhere in their output: an error echoes a password. With `--pg`, each
/// version runs in turn on a cluster of its own (stopped afterwards), and a
/// summary gives each version's counts.
///
/// ```no_run
/// # let project = knexrs_cli::Project::new(".", knexrs_migrate::Migrator::new(vec![]));
/// let options = knexrs_cli::TestOptions { pg: None, pooler: None, binaries_at_once: 2, cargo_args: vec![] };
/// let code = knexrs_cli::run_tests(&project, &options)?;
/// # Ok::<(), anyhow::Error>(())
/// ```
pub fn run_tests(project: &Project, options: &TestOptions) -> anyhow::Result<ExitCode> {
    let mut pooled: Vec<(&str, std::ffi::OsString)> = Vec::new();
    if options.pooler == Some(knexrs_connect::Pooler::Transaction) {
        crate::ensure_pgbouncer()?;
        pooled.push(("KNEXRS_TEST_POOLER", "transaction".into()));
        pooled.push(("KNEXRS_POOLER", "transaction".into()));
    }
    let Some(versions) = &options.pg else {
        let cluster = cluster(project, ClusterName::Test)?;
        let run = run_on(project, &cluster, &pooled, options);
        stop_pgbouncer_under(&project.target_dir().join("knexrs-pg"));
        return Ok(run?.exit_code());
    };
    let mut summary = Vec::new();
    let mut all_passed = true;
    for &major in versions.majors() {
        let (cluster, bin, root) = crate::server_versions::version_cluster(project, major)?;
        eprintln!("== PostgreSQL {major} ({})", bin.display());
        let mut env = vec![("PGBIN", bin.as_os_str().to_owned()), ("KNEXRS_CLUSTER_ROOT", root.as_os_str().to_owned())];
        env.extend(pooled.iter().cloned());
        let run = run_on(project, &cluster, &env, options);
        stop_clusters_under(&root, &bin);
        let run = run?;
        all_passed &= run.passed();
        summary.push(format!("PostgreSQL {major}: {}", run.counts));
    }
    eprintln!("== summary");
    for line in &summary {
        eprintln!("{line}");
    }
    Ok(if all_passed { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// What one `cargo test` run did.
struct Run {
    success: bool,
    leaks: usize,
    counts: Counts,
}

impl Run {
    fn passed(&self) -> bool {
        self.success && self.leaks == 0
    }

    fn exit_code(&self) -> ExitCode {
        if self.passed() { ExitCode::SUCCESS } else { ExitCode::FAILURE }
    }
}

/// The totals of cargo's `test result:` lines.
#[derive(Debug, Default)]
struct Counts {
    passed: AtomicUsize,
    failed: AtomicUsize,
    ignored: AtomicUsize,
    binaries: AtomicUsize,
}

impl Counts {
    /// Adds a `test result: ok. 12 passed; 0 failed; 1 ignored; …` line.
    fn add(&self, line: &str) {
        let Some(rest) = line.trim().strip_prefix("test result: ") else { return };
        self.binaries.fetch_add(1, Ordering::Relaxed);
        for part in rest.split(['.', ';']) {
            let mut words = part.split_whitespace();
            let (Some(n), Some(what)) = (words.next(), words.next()) else { continue };
            let Ok(n) = n.parse::<usize>() else { continue };
            let counter = match what {
                "passed" => &self.passed,
                "failed" => &self.failed,
                "ignored" => &self.ignored,
                _ => continue,
            };
            counter.fetch_add(n, Ordering::Relaxed);
        }
    }
}

impl std::fmt::Display for Counts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} passed, {} failed, {} ignored ({} test binaries)",
            self.passed.load(Ordering::Relaxed),
            self.failed.load(Ordering::Relaxed),
            self.ignored.load(Ordering::Relaxed),
            self.binaries.load(Ordering::Relaxed)
        )
    }
}

fn run_on(
    project: &Project,
    cluster: &LocalCluster,
    env: &[(&str, std::ffi::OsString)],
    options: &TestOptions,
) -> anyhow::Result<Run> {
    let cargo_args = &options.cargo_args;
    let port = cluster.start()?;
    let url = cluster.url(port, "postgres");
    eprintln!("test cluster: {url} (data in {})", cluster.data_dir().display());
    let leaks = AtomicUsize::new(0);
    let counts = Counts::default();
    let mut env: Vec<(&str, std::ffi::OsString)> = env.to_vec();
    env.push(("KNEXRS_TEST_DATABASE_URL", url.clone().into()));
    let args = TestArgs::split(cargo_args);
    let success = if options.binaries_at_once > 1 && args.runs_binaries() {
        side_by_side(project, &args, &env, options.binaries_at_once, &leaks, &counts)?
    } else {
        one_cargo_test(project, cargo_args, &env, &leaks, &counts)?
    };
    let swept = knexrs_testing::sweep(&ConnectConfig::from_url(&url)?)?;
    if swept > 0 {
        eprintln!("dropped {swept} test database(s) left behind");
    }
    let leaks = leaks.load(Ordering::Relaxed);
    if leaks > 0 {
        eprintln!("error: the tests' password appeared in {leaks} line(s) of their output: an error echoes a password");
    }
    eprintln!("test summary: {counts}");
    Ok(Run { success, leaks, counts })
}

/// `cargo test <cargo_args>`, with the workspace unless they pick a package.
fn cargo_test(project: &Project, cargo_args: &[String], env: &[(&str, std::ffi::OsString)]) -> std::process::Command {
    let picks_packages = cargo_args.iter().any(|a| a == "-p" || a.starts_with("--package"));
    let mut command = crate::cargo();
    command.arg("test").current_dir(project.root()).env_remove("DATABASE_URL");
    command.envs(env.iter().map(|(name, value)| (name, value)));
    if !picks_packages {
        command.arg("--workspace");
    }
    command.args(cargo_args);
    command
}

/// Builds the test binaries, then runs them (and the documentation's
/// examples, when cargo would) side by side, `parallel` at a time.
fn side_by_side(
    project: &Project,
    args: &TestArgs<'_>,
    env: &[(&str, std::ffi::OsString)],
    parallel: usize,
    leaks: &AtomicUsize,
    counts: &Counts,
) -> anyhow::Result<bool> {
    let mut build = cargo_test(project, args.cargo, env);
    build.args(["--no-run", "--message-format", "json-render-diagnostics"]);
    let binaries = test_binaries::build(build)?;
    let mut jobs = Vec::with_capacity(binaries.len() + 1);
    if args.runs_doc_tests() {
        // The longest job (rustdoc compiles every example): first, so it does not end the run alone.
        let mut doc = cargo_test(project, args.cargo, env);
        doc.arg("--doc").arg("--").args(args.binaries);
        let rerun = "cargo xtask test --doc".to_owned();
        jobs.push(Job { title: "   Doc-tests (cargo test --doc)".to_owned(), rerun, command: doc });
    }
    jobs.extend(binaries.iter().map(|binary| {
        let mut job = Job::binary(binary, project.root(), args.binaries, env);
        job.command.env_remove("DATABASE_URL");
        job
    }));
    let failed = Mutex::new(Vec::new());
    test_binaries::run_side_by_side(jobs, parallel, |finished| {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{}", finished.title);
        relay(&finished.output[..], &mut out, leaks, counts);
        if !finished.passed {
            failed.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(finished.rerun);
        }
    });
    let failed = failed.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    for rerun in &failed {
        eprintln!("error: test failed, to run it alone: {rerun}");
    }
    Ok(failed.is_empty())
}

/// The whole run as one `cargo test` (`--no-run`, `--doc`: cargo's own).
fn one_cargo_test(
    project: &Project,
    cargo_args: &[String],
    env: &[(&str, std::ffi::OsString)],
    leaks: &AtomicUsize,
    counts: &Counts,
) -> anyhow::Result<bool> {
    let mut child = cargo_test(project, cargo_args, env)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("running cargo test")?;
    let (stdout, stderr) = (child.stdout.take(), child.stderr.take());
    std::thread::scope(|scope| {
        if let Some(out) = stdout {
            scope.spawn(|| relay(out, std::io::stdout(), leaks, counts));
        }
        if let Some(err) = stderr {
            scope.spawn(|| relay(err, std::io::stderr(), leaks, counts));
        }
    });
    Ok(child.wait()?.success())
}

/// Stops the PgBouncer the pooler tests started under `root`, if any.
fn stop_pgbouncer_under(root: &std::path::Path) {
    if let Ok(bouncer) = knexrs_cluster::LocalPgBouncer::new(knexrs_cluster::PgBouncerOptions::new(root, 0)) {
        let _ = bouncer.stop();
    }
}

/// Stops every cluster under `root` (the test cluster, and any a test
/// started), and the PgBouncer in front of them.
fn stop_clusters_under(root: &std::path::Path, bin: &std::path::Path) {
    stop_pgbouncer_under(root);
    let Ok(entries) = std::fs::read_dir(root) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.path().join("data").join("postmaster.pid").exists()
            && let Ok(cluster) = LocalCluster::new(ClusterOptions::new(name, root, 0).binaries(bin))
        {
            let _ = cluster.stop();
        }
    }
}

/// Copies `from` to `to` line by line, counting lines that hold the test
/// password, and adding up cargo's `test result:` lines.
fn relay(from: impl Read, mut to: impl Write, leaks: &AtomicUsize, counts: &Counts) {
    let mut reader = BufReader::new(from);
    let mut line = Vec::new();
    while reader.read_until(b'\n', &mut line).is_ok_and(|n| n > 0) {
        if line.windows(knexrs_testing::TEST_PASSWORD.len()).any(|w| w == knexrs_testing::TEST_PASSWORD.as_bytes()) {
            leaks.fetch_add(1, Ordering::Relaxed);
        }
        counts.add(&String::from_utf8_lossy(&line));
        let _ = to.write_all(&line);
        line.clear();
    }
    let _ = to.flush();
}
