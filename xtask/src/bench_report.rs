//! BENCHMARKS.md from the harness's results: our targets as ratios of the
//! run's own figures, peak memory, and the harness's tables.

use serde_json::Value;
use std::fmt::Write as _;

fn median(value: &Value) -> Option<f64> {
    value.get("median").and_then(Value::as_f64)
}

fn figure(value: &Value) -> String {
    match (median(value), value.get("min").and_then(Value::as_f64), value.get("max").and_then(Value::as_f64)) {
        (Some(m), Some(lo), Some(hi)) => format!("{} ({}–{})", number(m), number(lo), number(hi)),
        _ => "—".into(),
    }
}

fn number(x: f64) -> String {
    if x >= 100.0 {
        format!("{x:.0}")
    } else if x >= 10.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.2}")
    }
}

struct Target<'a> {
    what: String,
    ours: &'a Value,
    reference: &'a Value,
    reference_name: &'a str,
    /// `ours / reference` must be at most this (or at least, when `at_least`).
    bound: f64,
    at_least: bool,
    extra_ok: bool,
}

fn target_row(out: &mut String, t: &Target<'_>) {
    let (Some(ours), Some(reference)) = (median(t.ours), median(t.reference)) else {
        let _ = writeln!(out, "| {} | not run | | | | |", t.what);
        return;
    };
    let ratio = ours / reference;
    let met = t.extra_ok && if t.at_least { ratio >= t.bound } else { ratio <= t.bound };
    let bound = format!("{} {:.2}×", if t.at_least { "≥" } else { "≤" }, t.bound);
    let _ = writeln!(
        out,
        "| {} | {} | {} {} | {:.2}× | {bound} | {} |",
        t.what,
        figure(t.ours),
        t.reference_name,
        figure(t.reference),
        ratio,
        if met { "met" } else { "**missed**" }
    );
}

/// The whole report.
pub(crate) fn markdown(summary: &str, results: &Value, rss: Option<&Value>, workloads: &[String]) -> String {
    let meta = &results["meta"];
    let versions = &meta["versions"];
    let mut out = String::new();
    out.push_str("# Benchmarks\n\n");
    out.push_str(
        "knexrs beside Knex.js, raw baselines and plain sea-query, on the same workloads in one run of the\n\
         `../shared/peers` harness on one machine (`cargo xtask bench`; its README describes each workload and\n\
         how it is timed). Every figure is median (min–max). Compare within this run only.\n\n",
    );
    let _ = writeln!(
        out,
        "Run: {} · {} × {} · {} GiB · PostgreSQL {} (fsync={}, synchronous_commit={}) · {} · node {} · knex {} · workloads: {}\n",
        meta["date"].as_str().unwrap_or("?"),
        versions["cpus"],
        versions["cpu_model"].as_str().unwrap_or("?"),
        versions["mem_gib"],
        meta["postgres"]["server_version"].as_str().unwrap_or("?"),
        meta["postgres"]["fsync"].as_str().unwrap_or("?"),
        meta["postgres"]["synchronous_commit"].as_str().unwrap_or("?"),
        versions["rustc"].as_str().unwrap_or("?"),
        versions["node"].as_str().unwrap_or("?"),
        versions["knex"].as_str().unwrap_or("?"),
        workloads.join(" "),
    );

    out.push_str(
        "## Targets\n\n| target | knexrs | reference in the same run | ratio | goal | |\n|---|---|---|---|---|---|\n",
    );
    let w = &results["w1-w3"];
    for (key, what, reference, bound) in [
        ("w1", "W1 `migrate latest`, 200 migrations (ms)", "psql_1tx_bookkeeping", 1.0),
        ("w2", "W2 no-op `latest` (ms)", "rust_floor", 1.2),
        ("w3", "W3 `rollback` (ms)", "psql_per_migration", 1.0),
    ] {
        target_row(
            &mut out,
            &Target {
                what: what.into(),
                ours: &w[key]["knex_rs"],
                reference: &w[key][reference],
                reference_name: reference,
                bound,
                at_least: false,
                extra_ok: true,
            },
        );
    }
    let w4 = &results["w4-build"];
    for query in ["first", "insert", "update", "join3"] {
        let ours = &w4["knex_rs"][query];
        let matches = ours["sql_matches_knex"].as_bool().unwrap_or(false) || ours.is_null();
        target_row(
            &mut out,
            &Target {
                what: format!(
                    "W4 build + render `{query}` (ns){}",
                    if matches { ", SQL = knex's" } else { ", **SQL differs from knex's**" }
                ),
                ours,
                reference: &w4["sea_query"][query],
                reference_name: "sea_query",
                bound: 1.0,
                at_least: false,
                extra_ok: matches,
            },
        );
    }
    let w5 = &results["w5-execute"];
    for phase in ["insert", "select", "update"] {
        target_row(
            &mut out,
            &Target {
                what: format!("W5 {phase} (ops/s)"),
                ours: &w5["knex_rs"][phase],
                reference: &w5["rust_floor"][phase],
                reference_name: "rust_floor",
                bound: 0.95,
                at_least: true,
                extra_ok: true,
            },
        );
    }
    let w7 = &results["w7-concurrent"];
    if !w7.is_null() {
        for phase in ["select", "update"] {
            for (ours, reference, what, bound) in [
                ("knex_rs_async", "raw_async", "async, 64 tasks", 0.95),
                ("knex_rs_async", "knex", "async, 64 tasks", 2.0),
                ("knex_rs_sync", "raw_sync", "blocking, 16 threads", 0.95),
            ] {
                target_row(
                    &mut out,
                    &Target {
                        what: format!("W7 `{phase}` {what}, pool 16 (ops/s)"),
                        ours: &w7[ours][phase]["ops_s"],
                        reference: &w7[reference][phase]["ops_s"],
                        reference_name: reference,
                        bound,
                        at_least: true,
                        extra_ok: true,
                    },
                );
            }
        }
    }
    let w6b = &results["w6b-suite"];
    if !w6b.is_null() {
        let leftover = w6b["knex_rs"]["leftover_dbs"].as_u64().unwrap_or(0);
        target_row(
            &mut out,
            &Target {
                what: format!(
                    "W6b whole suite, {} tests on {} threads (ms){}",
                    w6b["tests"],
                    w6b["threads"],
                    if leftover == 0 {
                        ", no database left".to_owned()
                    } else {
                        format!(", **{leftover} databases left**")
                    }
                ),
                ours: &w6b["knex_rs"]["wall_ms"],
                reference: &w6b["sqlx"]["wall_ms"],
                reference_name: "sqlx",
                bound: 0.5,
                at_least: false,
                extra_ok: leftover == 0,
            },
        );
    }
    let fifteen = serde_json::json!({ "median": 15.0, "min": 15.0, "max": 15.0 });
    target_row(
        &mut out,
        &Target {
            what: "W6 fresh migrated database (ms)".into(),
            ours: &results["w6-testdb"]["knex_rs"],
            reference: &fifteen,
            reference_name: "15 ms",
            bound: 1.0,
            at_least: false,
            extra_ok: true,
        },
    );
    if let Some(rss) = rss {
        let as_figure = |v: &Value| serde_json::json!({ "median": v["median_kb"].as_f64().map(|k| k / 1024.0), "min": v["min_kb"].as_f64().map(|k| k / 1024.0), "max": v["max_kb"].as_f64().map(|k| k / 1024.0) });
        let (ours, knex) = (as_figure(&rss["knex_rs"]), as_figure(&rss["knex_cli"]));
        target_row(
            &mut out,
            &Target {
                what: "W1 peak memory, max RSS (MiB)".into(),
                ours: &ours,
                reference: &knex,
                reference_name: "knex_cli",
                bound: 0.25,
                at_least: false,
                extra_ok: true,
            },
        );
        let _ = writeln!(
            out,
            "\nPeak memory: `migrate latest` of the 200 generated migrations on a fresh database, {} runs each, the process's max RSS (`getrusage`).",
            rss["runs"]
        );
    }
    out.push_str("\n## The harness's tables\n\n`knex-rs` rows are ours (`peer-bench`, built from this workspace).\n\n");
    out.push_str(summary.trim());
    out.push('\n');
    out
}

/// W5 through the async executor (`bench_w5_async`), beside the blocking
/// executor and the harness's floor, measured interleaved in the same run.
pub(crate) fn w5_async_section(w5: &Value) -> String {
    let mut out = format!(
        "\n## W5 through the async executor\n\nThe harness's W5 contract ({} sequential operations per phase, one connection over loopback TCP, a builder per call) run by `cargo xtask bench` itself, {} interleaved rounds on fresh databases with the harness's `sessions` DDL: `peer-bench w5-async` (tokio-postgres, one connection, each call awaited in turn) beside `peer-bench w5` (the blocking executor) and `raw-rust w5` (the floor: the `postgres` crate, prepared statements, no builder). Ops/s, median (min–max); the ratio is to the floor.\n\n| peer | insert | first() by pk | update pod_ip |\n|---|---|---|---|\n",
        w5["n"], w5["rounds"]
    );
    let floor = &w5["rust_floor"];
    for (key, name) in [
        ("rust_floor", "raw-rust: postgres crate, prepared"),
        ("knex_rs", "knex-rs, blocking executor"),
        ("knex_rs_async", "knex-rs, async executor"),
    ] {
        let cells: Vec<String> = ["insert", "select", "update"]
            .iter()
            .map(|phase| {
                let ours = &w5[key][*phase];
                match (median(ours), median(&floor[*phase])) {
                    (Some(m), Some(f)) if key != "rust_floor" => format!("{} · {:.2}×", figure(ours), m / f),
                    _ => figure(ours),
                }
            })
            .collect();
        let _ = writeln!(out, "| {name} | {} |", cells.join(" | "));
    }
    out
}

/// W1–W3 and W1's peak memory at each size run (issue: long histories), our
/// figures beside the floors of the same run.
pub(crate) fn sizes_section(sizes: &[crate::bench::SizeRun]) -> String {
    let mut out = String::from(
        "\n## W1–W3 by history size\n\nThe same workloads at each number of migrations (`cargo xtask bench --migrations 200,1000`); each size is its own harness run, so compare within a size. `status --exit-code` is timed by `cargo xtask bench` itself (the harness's W2 times a no-op `latest` only), interleaved with the harness's `raw-rust` floor on the same migrated database: on the deployable binary (the manifest's migrations as Rust files compiled in by knexrs-embed, as a project ships them), and on `peer-bench`, which first registers them from `manifest.json` at run time; the deployable binary's no-op `latest` beside them (the harness's W2 above times peer-bench's, whose manifest parse is about 0.5 ms of it at N = 1000).\n\n| target | knexrs | reference in the same run | ratio | goal | |\n|---|---|---|---|---|---|\n",
    );
    let as_mib = |v: &Value| serde_json::json!({ "median": v["median_kb"].as_f64().map(|k| k / 1024.0), "min": v["min_kb"].as_f64().map(|k| k / 1024.0), "max": v["max_kb"].as_f64().map(|k| k / 1024.0) });
    let first_rss = sizes.first().and_then(|run| run.rss.as_ref()).map(|rss| as_mib(&rss["knex_rs"]));
    for crate::bench::SizeRun { size, w1_w3: w, rss, status } in sizes {
        for (key, what, reference, bound) in [
            ("w1", "W1 `migrate latest`", "psql_1tx_bookkeeping", 1.0),
            ("w2", "W2 no-op `latest`", "rust_floor", 1.0),
            ("w3", "W3 `rollback`", "psql_per_migration", 1.0),
        ] {
            target_row(
                &mut out,
                &Target {
                    what: format!("{what}, N = {size} (ms)"),
                    ours: &w[key]["knex_rs"],
                    reference: &w[key][reference],
                    reference_name: reference,
                    bound,
                    at_least: false,
                    extra_ok: true,
                },
            );
        }
        if let Some(status) = status {
            for (key, what, bound) in [
                ("knex_rs", "`status --exit-code`, N = {size}, the deployable binary", 1.2),
                ("knex_rs_peer_bench", "`status --exit-code`, N = {size}, peer-bench", 1.2),
                ("knex_rs_noop_latest", "no-op `latest` (W2's command), N = {size}, the deployable binary", 1.0),
            ] {
                target_row(
                    &mut out,
                    &Target {
                        what: format!(
                            "{} (ms; {} interleaved runs beside the floor)",
                            what.replace("{size}", &size.to_string()),
                            status["runs"]
                        ),
                        ours: &status[key],
                        reference: &status["rust_floor"],
                        reference_name: "rust_floor",
                        bound,
                        at_least: false,
                        extra_ok: true,
                    },
                );
            }
        }
        if let (Some(rss), Some(first)) = (rss, &first_rss) {
            target_row(
                &mut out,
                &Target {
                    what: format!("W1 peak memory, N = {size} (MiB)"),
                    ours: &as_mib(&rss["knex_rs"]),
                    reference: first,
                    reference_name: "knexrs at the first size",
                    bound: 2.0,
                    at_least: false,
                    extra_ok: true,
                },
            );
        }
    }
    out
}
