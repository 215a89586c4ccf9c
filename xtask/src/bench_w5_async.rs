//! W5 through the async executor, beside the blocking one and the harness's
//! floor: the harness takes one `KNEXRS_W5_CMD`, so this runs `raw-rust w5`,
//! `peer-bench w5` and `peer-bench w5-async` itself, interleaved, each on a
//! fresh database with the harness's own `sessions` DDL (the statements knex
//! rendered in the same run), and reads the contract's JSON line of each.

use crate::bench_rss::{ScratchDatabase, spread, with_server};
use anyhow::{Context as _, bail};
use knexrs_connect::ConnectConfig;
use serde_json::{Value, json};
use std::path::Path;
use std::process::Command;

/// The three phases of the W5 contract, as their JSON keys.
const PHASES: [(&str, &str); 3] = [("insert", "insert_ops_s"), ("select", "select_ops_s"), ("update", "update_ops_s")];

/// Ops/s per peer and phase, median (min–max) over `rounds` interleaved rounds of `n` operations.
pub(crate) fn measure(
    harness: &Path,
    peer_bench: &Path,
    ddl: &[String],
    rounds: usize,
    n: usize,
) -> anyhow::Result<Value> {
    if ddl.is_empty() {
        bail!("the harness's W5 results hold no `sessions` DDL: run w5 with the harness first");
    }
    with_server(harness, |url| {
        let ours = peer_bench.display().to_string();
        let floor = harness.join("raw-rust/target/release/raw-rust").display().to_string();
        let database = ScratchDatabase::new(url, "knexrs_w5")?;
        let db_url = database.url.clone();
        let n_text = n.to_string();
        let peers: [(&str, [&str; 4]); 3] = [
            ("rust_floor", [&floor, "w5", &db_url, &n_text]),
            ("knex_rs", [&ours, "w5", &db_url, &n_text]),
            ("knex_rs_async", [&ours, "w5-async", &db_url, &n_text]),
        ];
        let mut samples = vec![[Vec::new(), Vec::new(), Vec::new()]; peers.len()];
        for _ in 0..rounds.max(1) {
            for (i, (name, command)) in peers.iter().enumerate() {
                database.recreate()?;
                ConnectConfig::from_url(&db_url)?.connect()?.batch_execute(&ddl.join(";\n"))?;
                let output = Command::new(command[0]).args(&command[1..]).output()?;
                if !output.status.success() {
                    bail!("{name} failed W5: {}", String::from_utf8_lossy(&output.stderr).trim());
                }
                let line: Value = serde_json::from_slice(&output.stdout)
                    .with_context(|| format!("{name} printed no W5 JSON line"))?;
                for (phase, (_, key)) in PHASES.iter().enumerate() {
                    let ops = line[key].as_f64().with_context(|| format!("{name}: no `{key}` in its W5 line"))?;
                    samples[i][phase].push(ops);
                }
            }
        }
        database.drop_database()?;
        let mut out = serde_json::Map::new();
        for ((name, _), per_phase) in peers.iter().zip(samples) {
            let mut phases = serde_json::Map::new();
            for ((phase, _), values) in PHASES.iter().zip(per_phase) {
                let (median, min, max) = spread(values);
                phases.insert(
                    (*phase).to_owned(),
                    json!({ "median": median.round(), "min": min.round(), "max": max.round() }),
                );
            }
            out.insert((*name).to_owned(), Value::Object(phases));
        }
        out.insert("rounds".into(), json!(rounds));
        out.insert("n".into(), json!(n));
        Ok(Value::Object(out))
    })
}
