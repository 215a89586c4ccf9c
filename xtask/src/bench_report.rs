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

impl<'a> Target<'a> {
    /// `ours` must be at most `bound` times `reference`.
    fn at_most(
        what: impl Into<String>,
        ours: &'a Value,
        (reference_name, reference): (&'a str, &'a Value),
        bound: f64,
    ) -> Self {
        Target { what: what.into(), ours, reference, reference_name, bound, at_least: false, extra_ok: true }
    }

    /// `ours` must be at least `bound` times `reference` (throughput).
    fn at_least(
        what: impl Into<String>,
        ours: &'a Value,
        (reference_name, reference): (&'a str, &'a Value),
        bound: f64,
    ) -> Self {
        Target { at_least: true, ..Target::at_most(what, ours, (reference_name, reference), bound) }
    }

    /// Met only if `ok` holds as well (the SQL matches, nothing was left behind).
    fn provided(self, ok: bool) -> Self {
        Target { extra_ok: ok, ..self }
    }
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

/// A peak-memory reading (`bench_rss`, KiB) as a figure in MiB.
fn mib(reading: &Value) -> Value {
    let to_mib = |key: &str| reading[key].as_f64().map(|kib| kib / 1024.0);
    serde_json::json!({ "median": to_mib("median_kb"), "min": to_mib("min_kb"), "max": to_mib("max_kb") })
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
        target_row(&mut out, &Target::at_most(what, &w[key]["knex_rs"], (reference, &w[key][reference]), bound));
    }
    let w4 = &results["w4-build"];
    for query in ["first", "insert", "update", "join3"] {
        let ours = &w4["knex_rs"][query];
        let matches = ours["sql_matches_knex"].as_bool().unwrap_or(false) || ours.is_null();
        let what = format!(
            "W4 build + render `{query}` (ns){}",
            if matches { ", SQL = knex's" } else { ", **SQL differs from knex's**" }
        );
        let row = Target::at_most(what, ours, ("sea_query", &w4["sea_query"][query]), 1.0).provided(matches);
        target_row(&mut out, &row);
    }
    let w5 = &results["w5-execute"];
    for phase in ["insert", "select", "update"] {
        let row = Target::at_least(
            format!("W5 {phase} (ops/s)"),
            &w5["knex_rs"][phase],
            ("rust_floor", &w5["rust_floor"][phase]),
            0.95,
        );
        target_row(&mut out, &row);
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
                    &Target::at_least(
                        format!("W7 `{phase}` {what}, pool 16 (ops/s)"),
                        &w7[ours][phase]["ops_s"],
                        (reference, &w7[reference][phase]["ops_s"]),
                        bound,
                    ),
                );
            }
        }
    }
    let w6b = &results["w6b-suite"];
    if !w6b.is_null() {
        let leftover = w6b["knex_rs"]["leftover_dbs"].as_u64().unwrap_or(0);
        target_row(
            &mut out,
            &Target::at_most(
                format!(
                    "W6b whole suite, {} tests on {} threads (ms){}",
                    w6b["tests"],
                    w6b["threads"],
                    if leftover == 0 {
                        ", no database left".to_owned()
                    } else {
                        format!(", **{leftover} databases left**")
                    }
                ),
                &w6b["knex_rs"]["wall_ms"],
                ("sqlx", &w6b["sqlx"]["wall_ms"]),
                0.5,
            )
            .provided(leftover == 0),
        );
    }
    let w8 = &results["w8-fleet"];
    // W8_SCHEMAS=1 adds the schema-per-tenant variant: the same peers on
    // schemas of one database, each reached through its `search_path`.
    for (w8, variant) in [(w8, ""), (&w8["schemas"], ", schema per tenant")] {
        if w8.is_null() {
            continue;
        }
        for (ours, reference, what) in [
            ("knex_rs_fleet", "rust_floor_fleet", "one process"),
            ("knex_rs_fleet", "knex_api_fleet", "one process"),
            ("knex_rs_loop", "knex_cli_loop", "a process per database"),
        ] {
            let exact = w8[ours]["schema_matches_knex"].as_bool().unwrap_or(false);
            // Our bookkeeping's side table (checksums, unfinished runs) is the one
            // difference by design; the harness shows one database's diff.
            let side_table_only = differs_only_in_side_table(&w8[ours]);
            let matches = exact || side_table_only;
            let what = format!(
                "W8 fleet{variant}, {what} (ms){}",
                if exact {
                    ", schema = knex's"
                } else if side_table_only {
                    ", schema = knex's + our side table `knex_migrations_knexrs`"
                } else {
                    ", **schema differs from knex's**"
                }
            );
            let row = Target::at_most(what, &w8[ours]["wall_ms"], (reference, &w8[reference]["wall_ms"]), 1.0);
            target_row(&mut out, &row.provided(matches));
        }
    }
    let fifteen = serde_json::json!({ "median": 15.0, "min": 15.0, "max": 15.0 });
    target_row(
        &mut out,
        &Target::at_most("W6 fresh migrated database (ms)", &results["w6-testdb"]["knex_rs"], ("15 ms", &fifteen), 1.0),
    );
    if let Some(rss) = rss {
        let (ours, knex) = (mib(&rss["knex_rs"]), mib(&rss["knex_cli"]));
        target_row(&mut out, &Target::at_most("W1 peak memory, max RSS (MiB)", &ours, ("knex_cli", &knex), 0.25));
        let _ = writeln!(
            out,
            "\nPeak memory: `migrate latest` of the 200 generated migrations on a fresh database, {} runs each, the process's max RSS (`getrusage`).",
            rss["runs"]
        );
    }
    out.push_str("\n## The harness's tables\n\n`knex-rs` rows are ours (`peer-bench`, built from this workspace).\n\n");
    out.push_str(summary.trim());
    out.push('\n');
    out.push_str(&w8_side_table_note(&results["w8-fleet"]));
    out
}

/// The lines of the harness's example schema diff for one W8 run.
fn diff_lines(run: &Value) -> Vec<&str> {
    run["schema_diff_example"]["diff"]
        .as_array()
        .map(|lines| lines.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// Whether the harness's example diff for a W8 run lists our side table and nothing else.
fn differs_only_in_side_table(run: &Value) -> bool {
    let diff = diff_lines(run);
    !diff.is_empty() && diff.iter().all(|l| l.contains("knex_migrations_knexrs"))
}

/// The harness marks a W8 row "schema differs" for any extra table: when the
/// only difference in our rows is our side table, say so under its table.
fn w8_side_table_note(w8: &Value) -> String {
    let marked = ["knex_rs_fleet", "knex_rs_loop"]
        .iter()
        .flat_map(|peer| [&w8[peer], &w8["schemas"][peer]])
        .filter(|run| run["schema_matches_knex"].as_bool() == Some(false))
        .collect::<Vec<_>>();
    let Some(example) = marked.first() else { return String::new() };
    if !marked.iter().all(|run| differs_only_in_side_table(run)) {
        return String::new();
    }
    let mut note = String::from(
        "\nW8's \"schema differs from knex's\" marks on the knex-rs rows: the harness compares every table of \
         the target schema with what knex built, and the difference it reports for our rows is our bookkeeping's side table \
         `knex_migrations_knexrs` (migration checksums, and non-transactional runs that stopped halfway); the \
         tables the migrations build are knex's. In every marked row the harness's example diff lists that table \
         alone; one of them:\n\n```\n",
    );
    for line in diff_lines(example) {
        note.push_str(line);
        note.push('\n');
    }
    note.push_str("```\n");
    note
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
        "\n## W1–W3 by history size\n\nThe same workloads at each number of migrations (`cargo xtask bench --migrations 200,1000`); each size is its own harness run, so compare within a size. `status --exit-code` is timed by `cargo xtask bench` itself (the harness's W2 times a no-op `latest` only), interleaved with the harness's `raw-rust` floor on the same migrated database: on the deployable binary (the manifest's migrations as Rust files compiled in by knexrs-embed, as a project ships them), and on `peer-bench`, which first registers them from `manifest.json` at run time; the deployable binary's no-op `latest` beside them (the harness's W2 above times peer-bench's, which reads `manifest.json` and registers the migrations first: about 0.3 ms of it at N = 1000, timed in-process).\n\n| target | knexrs | reference in the same run | ratio | goal | |\n|---|---|---|---|---|---|\n",
    );
    let first_rss = sizes.first().and_then(|run| run.rss.as_ref()).map(|rss| mib(&rss["knex_rs"]));
    for crate::bench::SizeRun { size, w1_w3: w, rss, status } in sizes {
        for (key, what, reference, bound) in [
            ("w1", "W1 `migrate latest`", "psql_1tx_bookkeeping", 1.0),
            ("w2", "W2 no-op `latest`", "rust_floor", 1.0),
            ("w3", "W3 `rollback`", "psql_per_migration", 1.0),
        ] {
            target_row(
                &mut out,
                &Target::at_most(
                    format!("{what}, N = {size} (ms)"),
                    &w[key]["knex_rs"],
                    (reference, &w[key][reference]),
                    bound,
                ),
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
                    &Target::at_most(
                        format!(
                            "{} (ms; {} interleaved runs beside the floor)",
                            what.replace("{size}", &size.to_string()),
                            status["runs"]
                        ),
                        &status[key],
                        ("rust_floor", &status["rust_floor"]),
                        bound,
                    ),
                );
            }
        }
        if let (Some(rss), Some(first)) = (rss, &first_rss) {
            target_row(
                &mut out,
                &Target::at_most(
                    format!("W1 peak memory, N = {size} (MiB)"),
                    &mib(&rss["knex_rs"]),
                    ("knexrs at the first size", first),
                    2.0,
                ),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{differs_only_in_side_table, w8_side_table_note};
    use serde_json::json;

    fn run(diff: &[&str]) -> serde_json::Value {
        json!({ "schema_matches_knex": false, "schema_diff_example": { "target": "w8_0001", "diff": diff } })
    }

    #[test]
    fn w8_rows_marked_only_for_the_side_table_get_a_note_quoting_the_diff() {
        let side = run(&["+ column knex_migrations_knexrs.state #3 text NO default=-"]);
        let w8 = json!({ "knex_rs_fleet": side, "knex_rs_loop": side, "schemas": { "knex_rs_fleet": side } });
        let note = w8_side_table_note(&w8);
        assert!(note.contains("`knex_migrations_knexrs`"), "{note}");
        assert!(note.contains("+ column knex_migrations_knexrs.state #3 text NO default=-\n"), "{note}");
    }

    #[test]
    fn w8_rows_that_differ_in_a_migrated_table_get_no_note() {
        let w8 = json!({
            "knex_rs_fleet": run(&["+ column knex_migrations_knexrs.state #3 text NO default=-"]),
            "knex_rs_loop": run(&["- column sessions.pod_ip #4 text YES default=-"]),
        });
        assert_eq!(w8_side_table_note(&w8), "");
    }

    #[test]
    fn w8_rows_that_match_knex_get_no_note() {
        let w8 = json!({ "knex_rs_fleet": { "schema_matches_knex": true }, "knex_rs_loop": { "schema_matches_knex": true } });
        assert_eq!(w8_side_table_note(&w8), "");
    }

    #[test]
    fn a_schema_mismatch_without_a_diff_is_not_taken_for_the_side_table() {
        assert!(!differs_only_in_side_table(&run(&[])));
        assert!(differs_only_in_side_table(&run(&["+ column knex_migrations_knexrs.name #1 text NO default=-"])));
    }
}
