//! `cargo xtask test`: every test of the workspace against the local test
//! cluster, then a sweep of databases the tests left behind. The suite's whole
//! output is checked for the password tests use: errors must never echo one.

use crate::{ClusterName, Project, cluster};
use anyhow::Context as _;
use knexrs_connect::ConnectConfig;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

/// `test [cargo test args]`: `cargo test` (the whole workspace unless a
/// package is named) on the local test cluster, then a sweep of the databases
/// the tests left behind. Fails when the tests' password appears anywhere in
/// their output: an error echoes a password.
///
/// ```no_run
/// # let project = knexrs_cli::Project::new(".", knexrs_migrate::Migrator::new(vec![]));
/// let code = knexrs_cli::run_tests(&project, &["--no-fail-fast".to_owned()])?;
/// # Ok::<(), anyhow::Error>(())
/// ```
pub fn run_tests(project: &Project, cargo_args: &[String]) -> anyhow::Result<ExitCode> {
    let cluster = cluster(project, ClusterName::Test)?;
    let port = cluster.start()?;
    let url = cluster.url(port, "postgres");
    eprintln!("test cluster: {url} (data in {})", cluster.data_dir().display());
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let picks_packages = cargo_args.iter().any(|a| a == "-p" || a.starts_with("--package"));
    let mut command = Command::new(cargo);
    command.arg("test");
    if !picks_packages {
        command.arg("--workspace");
    }
    let mut child = command
        .args(cargo_args)
        .env("KNEXRS_TEST_DATABASE_URL", &url)
        .env_remove("DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .current_dir(project.root())
        .spawn()
        .context("running cargo test")?;
    let leaks = AtomicUsize::new(0);
    let (stdout, stderr) = (child.stdout.take(), child.stderr.take());
    std::thread::scope(|scope| {
        if let Some(out) = stdout {
            scope.spawn(|| relay(out, std::io::stdout(), &leaks));
        }
        if let Some(err) = stderr {
            scope.spawn(|| relay(err, std::io::stderr(), &leaks));
        }
    });
    let status = child.wait()?;
    let swept = knexrs_testing::sweep(&ConnectConfig::from_url(&url)?)?;
    if swept > 0 {
        eprintln!("dropped {swept} test database(s) left behind");
    }
    let leaks = leaks.load(Ordering::Relaxed);
    if leaks > 0 {
        eprintln!("error: the tests' password appeared in {leaks} line(s) of their output: an error echoes a password");
        return Ok(ExitCode::FAILURE);
    }
    Ok(if status.success() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// Copies `from` to `to` line by line, counting lines that hold the test password.
fn relay(from: impl Read, mut to: impl Write, leaks: &AtomicUsize) {
    let mut reader = BufReader::new(from);
    let mut line = Vec::new();
    while reader.read_until(b'\n', &mut line).is_ok_and(|n| n > 0) {
        if line.windows(knexrs_testing::TEST_PASSWORD.len()).any(|w| w == knexrs_testing::TEST_PASSWORD.as_bytes()) {
            leaks.fetch_add(1, Ordering::Relaxed);
        }
        let _ = to.write_all(&line);
        line.clear();
    }
    let _ = to.flush();
}
