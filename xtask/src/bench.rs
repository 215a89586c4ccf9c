//! `cargo xtask bench [w1 w4 w5 w6 w7 w8 w6b | all]`: the Knex.js peer harness
//! with our commands, in a scratch copy; writes BENCHMARKS.md and the raw JSON.

use crate::workspace_root;
use anyhow::{Context as _, bail};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

/// Options of `bench`.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct BenchArgs {
    /// Workloads to run: w1 (W1–W3), w4, w5 (with W5 through the async
    /// executor), w6, w7, w8, w6b; the harness's default set (w1 w4 w5 w6
    /// w7) when none is given, `all` adds the long w8 and w6b. `status` alone times only
    /// `status --exit-code` at each size and prints it (BENCHMARKS.md is left
    /// as it is)
    workloads: Vec<String>,
    /// The peer harness (default: ../shared/peers beside the workspace)
    #[arg(long, env = "KNEXRS_PEERS")]
    peers: Option<PathBuf>,
    /// Its fixtures (default: ../shared/fixtures beside the workspace)
    #[arg(long, env = "KNEXRS_PEER_FIXTURES")]
    fixtures: Option<PathBuf>,
    /// Runs per peer for the peak-memory measurement of W1
    #[arg(long, default_value_t = 3)]
    rss_runs: usize,
    /// The sizes W1–W3 (and W1's peak memory) run at: the first with every
    /// workload asked for, the others with W1–W3 only
    #[arg(long, value_delimiter = ',', default_values_t = [200, 1000])]
    migrations: Vec<usize>,
}

/// Every workload we plug into; the harness's own default set leaves out
/// the long opt-in W8 (about 10 minutes) and W6b (about 11, plus sqlx's first build).
const WORKLOADS: [&str; 7] = ["w1", "w4", "w5", "w6", "w7", "w8", "w6b"];
const DEFAULT_WORKLOADS: [&str; 5] = ["w1", "w4", "w5", "w6", "w7"];

/// What was measured at one history size.
pub(crate) struct SizeRun {
    /// The number of migrations.
    pub(crate) size: usize,
    /// The harness's W1–W3 results.
    pub(crate) w1_w3: serde_json::Value,
    /// W1's peak memory (`bench_rss`).
    pub(crate) rss: Option<serde_json::Value>,
    /// `status --exit-code` beside the floor (`bench_status`).
    pub(crate) status: Option<serde_json::Value>,
}

impl SizeRun {
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "migrations": self.size, "w1-w3": self.w1_w3, "rss": self.rss, "status": self.status })
    }
}

/// Interleaved runs of `status --exit-code` and its floor at each size (a run is ~5 ms;
/// more runs than W2's 20, as one process start's noise is the size of the gap measured).
const STATUS_RUNS: usize = 60;

pub(crate) fn run(args: &BenchArgs) -> anyhow::Result<ExitCode> {
    let root = workspace_root();
    let workloads: Vec<String> = match args.workloads.as_slice() {
        [] => DEFAULT_WORKLOADS.map(str::to_owned).to_vec(),
        [all] if all == "all" => WORKLOADS.map(str::to_owned).to_vec(),
        some => some.to_vec(),
    };
    let status_only = workloads == ["status"];
    if let Some(unknown) = workloads.iter().find(|w| !WORKLOADS.contains(&w.as_str()) && !status_only) {
        bail!("unknown workload `{unknown}`: choose from w1 (W1–W3), w4, w5, w6, w7, w8, w6b, all, or status alone");
    }
    let shared = root.parent().map(|p| p.join("shared")).unwrap_or_default();
    let peers = args.peers.clone().unwrap_or_else(|| shared.join("peers"));
    let fixtures = args.fixtures.clone().unwrap_or_else(|| shared.join("fixtures"));
    for (what, dir) in [("peer harness", &peers), ("fixtures", &fixtures)] {
        if !dir.is_dir() {
            bail!("the {what} folder {} is missing: pass --peers/--fixtures (or KNEXRS_PEERS)", dir.display());
        }
    }
    knexrs_cli::ensure_node()?;
    knexrs_cli::ensure_postgres_server()?;

    let scratch = target_dir().join("bench");
    eprintln!("bench: copying the harness to {}", scratch.display());
    copy_tree(&peers, &scratch.join("peers"))?;
    copy_tree(&fixtures, &scratch.join("fixtures"))?;
    let harness = scratch.join("peers");

    eprintln!("bench: building peer-bench (release)");
    let status = knexrs_cli::cargo()
        .args(["build", "--release", "--quiet", "-p", "knexrs-bench", "--bin", "peer-bench"])
        .current_dir(&root)
        .status()?;
    if !status.success() {
        bail!("building peer-bench failed");
    }
    let peer_bench = target_dir().join("release/peer-bench");
    let ours = crate::bench_status::Ours { root: root.clone(), target: target_dir(), peer_bench: peer_bench.clone() };
    let status = |size| crate::bench_status::measure(&harness, &ours, STATUS_RUNS, size);
    if status_only {
        // The floor is built by the harness's run-all.sh otherwise.
        let built = knexrs_cli::cargo()
            .args(["build", "--release", "--quiet", "--manifest-path", "raw-rust/Cargo.toml"])
            .current_dir(&harness)
            .status()?;
        if !built.success() {
            bail!("building the harness's raw-rust floor failed");
        }
        for &size in &args.migrations {
            println!("{}", serde_json::to_string_pretty(&status(size)?)?);
        }
        return Ok(ExitCode::SUCCESS);
    }
    let bench = peer_bench.display();

    let run_harness = |workloads: &[String], size: usize| -> anyhow::Result<(String, Value)> {
        eprintln!("bench: {} with W1_MIGRATIONS={size}", workloads.join(" "));
        let summary = Command::new("./run-all.sh")
            .args(workloads)
            .current_dir(&harness)
            .env("W1_MIGRATIONS", size.to_string())
            .env("KNEXRS_MIGRATE_CMD", format!("{bench} migrate {{action}} --url {{url}} --dir {{dir}}"))
            .env("KNEXRS_W4_CMD", format!("{bench} w4 {{iters}} {{rounds}}"))
            .env("KNEXRS_W5_CMD", format!("{bench} w5 {{url}} {{n}}"))
            .env("KNEXRS_W6_CMD", format!("{bench} w6 {{url}} {{runs}} {{migrations}}"))
            .env(
                "KNEXRS_W7_ASYNC_CMD",
                format!("{bench} w7-async {{url}} {{seconds}} {{concurrency}} {{pool}} {{rows}} {{warmup}}"),
            )
            .env(
                "KNEXRS_W7_SYNC_CMD",
                format!("{bench} w7-sync {{url}} {{seconds}} {{concurrency}} {{pool}} {{rows}} {{warmup}}"),
            )
            .env("KNEXRS_W8_CMD", format!("{bench} w8 {{targets}} {{parallel}} {{dir}} {{n}}"))
            .env("KNEXRS_W6B_CMD", format!("{bench} w6b {{url}} {{tests}} {{threads}} {{migrations}}"))
            .stderr(Stdio::inherit())
            .output()
            .context("running the harness (run-all.sh)")?;
        if !summary.status.success() {
            bail!("the harness failed (see above)");
        }
        let results = serde_json::from_str(&std::fs::read_to_string(harness.join("results.json"))?)?;
        Ok((String::from_utf8_lossy(&summary.stdout).into_owned(), results))
    };
    let Some((&first, more)) = args.migrations.split_first() else { bail!("--migrations needs at least one size") };
    let (summary, results) = run_harness(&workloads, first)?;
    let with_w1 = workloads.iter().any(|w| w == "w1");
    let w5_async = if workloads.iter().any(|w| w == "w5") {
        let ddl: Vec<String> = results["w5-execute"]["ddl"]
            .as_array()
            .map(|statements| statements.iter().filter_map(|s| s.as_str().map(str::to_owned)).collect())
            .unwrap_or_default();
        // The harness's own sizes (`W5_ROUNDS`, `W5_N`), so both tables measure the same thing.
        let size = |key: &str, default| results["w5-execute"][key].as_u64().map_or(default, |v| v as usize);
        eprintln!("bench: W5 through the async executor beside the blocking one and the floor");
        Some(crate::bench_w5_async::measure(&harness, &peer_bench, &ddl, size("rounds", 5), size("n", 10_000))?)
    } else {
        None
    };
    let rss =
        if with_w1 { Some(crate::bench_rss::measure(&harness, &peer_bench, args.rss_runs, first)?) } else { None };
    let first_status = if with_w1 { Some(status(first)?) } else { None };
    let mut sizes =
        vec![SizeRun { size: first, w1_w3: results["w1-w3"].clone(), rss: rss.clone(), status: first_status }];
    if with_w1 {
        for &size in more {
            let (_, results) = run_harness(&["w1".to_owned()], size)?;
            let rss = crate::bench_rss::measure(&harness, &peer_bench, args.rss_runs, size)?;
            let status = Some(status(size)?);
            sizes.push(SizeRun { size, w1_w3: results["w1-w3"].clone(), rss: Some(rss), status });
        }
    }

    // A subset of the default workloads leaves the full report as it is.
    let complete = DEFAULT_WORKLOADS.iter().all(|w| workloads.iter().any(|x| x == w));
    let out = if complete {
        root.join("benchmarks")
    } else {
        root.join("benchmarks").join(format!("only-{}", workloads.join("-")))
    };
    std::fs::create_dir_all(&out)?;
    std::fs::write(out.join("results.json"), serde_json::to_string_pretty(&results)?)?;
    if let Some(rss) = &rss {
        std::fs::write(out.join("rss.json"), serde_json::to_string_pretty(rss)?)?;
    }
    if let Some(w5_async) = &w5_async {
        std::fs::write(out.join("w5-async.json"), serde_json::to_string_pretty(w5_async)?)?;
    }
    let sizes_json: Vec<serde_json::Value> = sizes.iter().map(SizeRun::to_json).collect();
    std::fs::write(out.join("sizes.json"), serde_json::to_string_pretty(&sizes_json)?)?;
    let mut report = crate::bench_report::markdown(&summary, &results, rss.as_ref(), &workloads);
    if let Some(w5_async) = &w5_async {
        report.push_str(&crate::bench_report::w5_async_section(w5_async));
    }
    if with_w1 {
        report.push_str(&crate::bench_report::sizes_section(&sizes));
    }
    let report_path = if complete { root.join("BENCHMARKS.md") } else { out.join("BENCHMARKS.md") };
    std::fs::write(&report_path, &report)?;
    println!("{report}");
    eprintln!(
        "bench: wrote {} and {}",
        report_path.strip_prefix(&root).unwrap_or(&report_path).display(),
        out.join("results.json").strip_prefix(&root).unwrap_or(&out).display()
    );
    Ok(ExitCode::SUCCESS)
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| workspace_root().join("target"), PathBuf::from)
}

/// Copies `from` into `to`, leaving out run output (and keeping what an
/// earlier run installed or built there: node_modules, target folders).
fn copy_tree(from: &Path, to: &Path) -> anyhow::Result<()> {
    const SKIP: [&str; 7] = ["node_modules", "target", "pgdata", "pgrun", "out", "results.json", ".git"];
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let entry = entry?;
        let name = entry.file_name();
        if SKIP.iter().any(|s| name == *s) {
            continue;
        }
        let (source, target) = (entry.path(), to.join(&name));
        if entry.file_type()?.is_dir() {
            copy_tree(&source, &target)?;
        } else {
            std::fs::copy(&source, &target).with_context(|| format!("copying {}", source.display()))?;
        }
    }
    Ok(())
}
