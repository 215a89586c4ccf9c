//! `status --exit-code` at a history size, beside the raw floor: the
//! harness's W2 measures a no-op `latest` only, so this runs ours and the
//! floor (`raw-rust migrate latest` on the same migrated database: connect,
//! read the names, compare) interleaved, whole process, wall clock. Ours
//! twice: the deployable binary with the migrations compiled in (what a
//! readiness check runs: `migrate status --exit-code`), and `peer-bench
//! migrate status`, which first registers them from the harness's
//! `manifest.json` at run time. The deployed binary's no-op `latest` is
//! timed beside them too (the harness's W2 runs peer-bench's).

use crate::bench_rss::{ScratchDatabase, generated_migrations, spread, with_server};
use anyhow::{Context as _, bail};
use knexrs_connect::ConnectConfig;
use serde_json::{Value, json};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

/// Median (min–max) milliseconds of each peer over `runs` interleaved runs, after one warm-up each.
pub(crate) fn measure(harness: &Path, ours: &Ours, runs: usize, size: usize) -> anyhow::Result<Value> {
    let dir = generated_migrations(harness, size)?;
    let deployed = crate::bench_deployed::build(&ours.root, &ours.target, &dir, size)?;
    with_server(harness, |url| measure_on(harness, &ours.peer_bench, &deployed, runs, url, (&dir, size)))
}

/// Where our binaries come from.
pub(crate) struct Ours {
    /// The workspace (its crates, its lockfile).
    pub(crate) root: std::path::PathBuf,
    /// The target folder (the deployable binaries are built there).
    pub(crate) target: std::path::PathBuf,
    /// `peer-bench`, built.
    pub(crate) peer_bench: std::path::PathBuf,
}

fn measure_on(
    harness: &Path,
    peer_bench: &Path,
    deployed: &Path,
    runs: usize,
    url: &str,
    (dir, size): (&Path, usize),
) -> anyhow::Result<Value> {
    let dir = dir.display().to_string();
    let database = ScratchDatabase::new(url, "knexrs_status")?;
    database.recreate()?;
    let db_url = database.url.clone();
    let ours = peer_bench.display().to_string();
    let floor = harness.join("raw-rust/target/release/raw-rust").display().to_string();
    let migrate = |action: &str| {
        vec![ours.clone(), "migrate".into(), action.into(), "--url".into(), db_url.clone(), "--dir".into(), dir.clone()]
    };
    let peers: [(&str, Vec<String>); 4] = [
        ("knex_rs", vec![deployed.display().to_string(), "status".into(), "--exit-code".into()]),
        // The deployed binary's no-op `latest` (W2's command, with the migrations compiled in).
        ("knex_rs_noop_latest", vec![deployed.display().to_string(), "latest".into()]),
        ("knex_rs_peer_bench", migrate("status")),
        ("rust_floor", vec![floor, "migrate".into(), "latest".into(), db_url.clone(), dir.clone()]),
    ];
    run(&migrate("latest"), &db_url).context("migrating the status database")?;
    // Let the server settle after the harness's runs and this migration (autovacuum of a
    // thousand new tables, a pending checkpoint) before anything is timed.
    ConnectConfig::from_url(&db_url)?.connect()?.batch_execute("vacuum analyze")?;
    database.admin().connect()?.batch_execute("checkpoint")?;
    let mut samples: Vec<Vec<f64>> = vec![Vec::new(); peers.len()];
    for round in 0..=runs {
        for (i, (_, command)) in peers.iter().enumerate() {
            let micros = run(command, &db_url)?;
            if round > 0 {
                samples[i].push(micros as f64 / 1000.0);
            }
        }
    }
    database.drop_database()?;
    let mut out = serde_json::Map::new();
    for ((name, _), values) in peers.iter().zip(samples) {
        let (median, min, max) = spread(values);
        out.insert((*name).to_owned(), json!({ "median": median, "min": min, "max": max }));
    }
    out.insert("runs".into(), json!(runs));
    out.insert("migrations".into(), json!(size));
    Ok(Value::Object(out))
}

/// Runs `command` to completion with `DATABASE_URL` set (the deployed binary's
/// connection; the others take theirs as arguments); its wall-clock time in microseconds.
fn run(command: &[String], database_url: &str) -> anyhow::Result<i64> {
    let (program, args) = command.split_first().context("an empty command")?;
    let started = Instant::now();
    let output = Command::new(program)
        .args(args)
        .env("DATABASE_URL", database_url)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()?;
    let micros = i64::try_from(started.elapsed().as_micros()).unwrap_or(i64::MAX);
    if !output.status.success() {
        bail!("{} failed: {}", command.join(" "), String::from_utf8_lossy(&output.stderr).trim());
    }
    Ok(micros)
}
