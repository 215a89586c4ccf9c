//! Peak memory (max RSS) of a W1 `migrate latest` of the harness's 200
//! generated migrations: the knex CLI against `peer-bench migrate`, each on a
//! fresh database, measured by a process of our own that runs it as its only
//! child (`getrusage(RUSAGE_CHILDREN)`).

use anyhow::{Context as _, bail};
use knexrs_connect::ConnectConfig;
use serde_json::{Value, json};
use std::path::Path;
use std::process::{Command, ExitCode};

/// `cargo xtask measure-rss -- cmd…`: runs `cmd`, prints `{"max_rss_kb": …}`.
pub(crate) fn measure_child(command: &[String]) -> anyhow::Result<ExitCode> {
    let (program, args) = command.split_first().context("measure-rss needs a command")?;
    let status = Command::new(program).args(args).stdout(std::process::Stdio::null()).status()?;
    let usage = nix::sys::resource::getrusage(nix::sys::resource::UsageWho::RUSAGE_CHILDREN)?;
    println!("{}", json!({ "max_rss_kb": usage.max_rss(), "success": status.success() }));
    Ok(if status.success() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// Median, min and max of the samples (all zero when there are none).
pub(crate) fn spread(mut xs: Vec<f64>) -> (f64, f64, f64) {
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    let median = match n {
        0 => 0.0,
        n if n % 2 == 1 => xs[n / 2],
        n => (xs[n / 2 - 1] + xs[n / 2]) / 2.0,
    };
    (median, xs.first().copied().unwrap_or(0.0), xs.last().copied().unwrap_or(0.0))
}

/// A database of the harness's server that a measurement recreates empty
/// before each run and drops at the end.
pub(crate) struct ScratchDatabase {
    admin: ConnectConfig,
    name: &'static str,
    /// Its URL.
    pub(crate) url: String,
}

impl ScratchDatabase {
    /// `name` on the server `server_url` points at.
    pub(crate) fn new(server_url: &str, name: &'static str) -> anyhow::Result<Self> {
        let base = server_url.rsplit_once('/').map_or(server_url, |(base, _)| base);
        Ok(ScratchDatabase { admin: ConnectConfig::from_url(server_url)?, name, url: format!("{base}/{name}") })
    }

    /// Drops it if it is there and creates it empty.
    pub(crate) fn recreate(&self) -> anyhow::Result<()> {
        let mut client = self.admin.connect()?;
        client.batch_execute(&format!("drop database if exists {} with (force)", self.name))?;
        client.batch_execute(&format!("create database {}", self.name))?;
        Ok(())
    }

    /// Drops it.
    pub(crate) fn drop_database(&self) -> anyhow::Result<()> {
        self.admin.connect()?.batch_execute(&format!("drop database if exists {} with (force)", self.name))?;
        Ok(())
    }

    /// The server's admin connection settings.
    pub(crate) fn admin(&self) -> &ConnectConfig {
        &self.admin
    }
}

pub(crate) fn sh(harness: &Path, argv: &[&str]) -> anyhow::Result<String> {
    let output = Command::new(argv[0]).args(&argv[1..]).current_dir(harness).output()?;
    if !output.status.success() {
        bail!("{} failed: {}", argv.join(" "), String::from_utf8_lossy(&output.stderr).trim());
    }
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

/// Median peak RSS (KiB) of each peer over `runs` runs, interleaved.
pub(crate) fn measure(harness: &Path, peer_bench: &Path, runs: usize, size: usize) -> anyhow::Result<Value> {
    with_server(harness, |url| measure_on(harness, peer_bench, runs, url, size))
}

/// Runs `work` with the harness's server up (started for it, and stopped
/// after unless it was already running); `work` gets its URL.
pub(crate) fn with_server<T>(harness: &Path, work: impl FnOnce(&str) -> anyhow::Result<T>) -> anyhow::Result<T> {
    let was_running = Command::new("./pg.sh").arg("status").current_dir(harness).output()?.status.success();
    let url = sh(harness, &["./pg.sh", "start"])?;
    let result = work(&url);
    if !was_running {
        let _ = sh(harness, &["./pg.sh", "stop"]);
    }
    result
}

/// The harness's `size` generated migrations (`lib/gen-migrations.js`), in `out/`.
pub(crate) fn generated_migrations(harness: &Path, size: usize) -> anyhow::Result<std::path::PathBuf> {
    let dir = harness.join(format!("out/rss-migrations-{size}"));
    sh(harness, &["node", "lib/gen-migrations.js", &dir.display().to_string(), &size.to_string()])?;
    Ok(dir)
}

fn measure_on(harness: &Path, peer_bench: &Path, runs: usize, url: &str, size: usize) -> anyhow::Result<Value> {
    let dir = generated_migrations(harness, size)?;
    let dir_text = dir.display().to_string();
    let database = ScratchDatabase::new(url, "knexrs_rss")?;
    let db_url = &database.url;
    let knexfile = dir.join("knexfile.js").display().to_string();
    let me = std::env::current_exe()?;
    let peers: [(&str, Vec<String>); 2] = [
        (
            "knex_cli",
            ["node", "node_modules/knex/bin/cli.js", "--knexfile", &knexfile, "migrate:latest"]
                .map(str::to_owned)
                .to_vec(),
        ),
        (
            "knex_rs",
            [&peer_bench.display().to_string(), "migrate", "latest", "--url", db_url, "--dir", &dir_text]
                .map(|s| s.to_owned())
                .to_vec(),
        ),
    ];
    let mut samples: Vec<Vec<f64>> = vec![Vec::new(); peers.len()];
    for _ in 0..runs.max(1) {
        for (i, (name, command)) in peers.iter().enumerate() {
            database.recreate()?;
            let output = Command::new(&me)
                .arg("measure-rss")
                .arg("--")
                .args(command)
                .env("DATABASE_URL", db_url)
                .current_dir(harness)
                .output()?;
            let reading: Value = serde_json::from_slice(&output.stdout)
                .with_context(|| format!("{name}: {}", String::from_utf8_lossy(&output.stderr)))?;
            if reading["success"] != Value::Bool(true) {
                bail!("{name} failed its migrate latest: {}", String::from_utf8_lossy(&output.stderr));
            }
            samples[i].push(reading["max_rss_kb"].as_f64().unwrap_or(0.0));
        }
    }
    database.drop_database()?;
    let mut out = serde_json::Map::new();
    for ((name, _), values) in peers.iter().zip(samples) {
        let (median, min, max) = spread(values);
        out.insert((*name).to_owned(), json!({ "median_kb": median, "min_kb": min, "max_kb": max }));
    }
    out.insert("runs".into(), json!(runs));
    out.insert("migrations".into(), json!(size));
    Ok(Value::Object(out))
}
