//! `stress`: the runner under concurrency and faults, on a cluster of its own
//! (one scenario restarts it), each scenario repeated and counted:
//!
//! 1. 16 runners at once on an empty database, 20 rounds;
//! 2. a runner killed (SIGKILL) at a random moment of a 20-migration `latest`, 50 rounds;
//! 3. a migration failing at position k of n, in each transaction mode;
//! 4. the server restarted in the middle of a run.
//!
//! Prints one line per scenario; exits 1 if any round failed.

use knexrs_cluster::{ClusterOptions, LocalCluster};
use knexrs_connect::ConnectConfig;
use knexrs_testing::TestDatabase;
use knexrs_tests::fixture_migrate_command;
use std::path::PathBuf;
use std::process::{Child, Command, ExitCode, Output};
use std::time::{Duration, Instant, SystemTime};

type Check = Result<(), String>;

fn fixture_migrate() -> PathBuf {
    let exe = std::env::current_exe().unwrap_or_default();
    exe.with_file_name("fixture-migrate")
}

fn runner(db: &TestDatabase, set: &str, args: &[&str]) -> Command {
    fixture_migrate_command(fixture_migrate(), db, set, args)
}

fn count(db: &TestDatabase, sql: &str) -> Result<i64, String> {
    let mut client = db.connect().map_err(|e| e.to_string())?;
    client.query_one(sql, &[]).map(|row| row.get(0)).map_err(|e| knexrs_connect::describe(&e))
}

/// `sql` on a bookkeeping table, or 0 when the run died before making the table.
fn count_in(db: &TestDatabase, table: &str, sql: &str) -> Result<i64, String> {
    if count(db, &format!("select count(*) from pg_tables where tablename = '{table}'"))? == 0 {
        return Ok(0);
    }
    count(db, sql)
}

fn ensure(condition: bool, what: impl FnOnce() -> String) -> Check {
    if condition { Ok(()) } else { Err(what()) }
}

fn output_text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)).trim().to_owned()
}

/// A small pseudo-random number from the clock (no dependency for a delay).
fn random_below(limit: u64) -> u64 {
    let nanos = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
    u64::from(nanos.wrapping_mul(2_654_435_761)) % limit.max(1)
}

fn concurrent_round(admin: &ConnectConfig) -> Check {
    let db = TestDatabase::empty_on(admin).map_err(|e| e.to_string())?;
    let children: Vec<Child> = (0..16)
        .map(|_| runner(&db, "tables:10", &["latest"]).spawn())
        .collect::<Result<_, _>>()
        .map_err(|e| e.to_string())?;
    for child in children {
        let out = child.wait_with_output().map_err(|e| e.to_string())?;
        ensure(out.status.success(), || format!("a runner failed: {}", output_text(&out)))?;
    }
    ensure(count(&db, "select count(*) from knex_migrations")? == 10, || "not 10 rows".into())?;
    ensure(count(&db, "select count(distinct name) from knex_migrations")? == 10, || "a migration ran twice".into())?;
    ensure(count(&db, "select count(distinct batch) from knex_migrations")? == 1, || "more than one batch".into())?;
    ensure(count(&db, "select count(*) from knex_migrations_lock where is_locked = 1")? == 0, || "lock left".into())
}

/// Waits until the killed runner's sessions are gone (the server rolls back their work).
fn wait_for_sessions_to_end(db: &TestDatabase) -> Check {
    let deadline = Instant::now() + Duration::from_secs(30);
    let sessions = "select count(*) from pg_stat_activity where application_name = 'knexrs' \
                    and datname = current_database() and pid <> pg_backend_pid()";
    while count(db, sessions)? > 0 {
        ensure(Instant::now() < deadline, || "the killed runner's sessions did not end".into())?;
        std::thread::sleep(Duration::from_millis(10));
    }
    Ok(())
}

fn killed_round(admin: &ConnectConfig, round: usize) -> Check {
    let db = TestDatabase::empty_on(admin).map_err(|e| e.to_string())?;
    // Half the rounds one transaction for the batch (knex's default), half one per migration.
    let mode = if round.is_multiple_of(2) { "all" } else { "each" };
    let mut child = runner(&db, "slow:20:15", &["latest", "--transaction", mode]).spawn().map_err(|e| e.to_string())?;
    std::thread::sleep(Duration::from_millis(random_below(500)));
    let pid = nix::unistd::Pid::from_raw(i32::try_from(child.id()).unwrap_or(0));
    let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGKILL);
    let _ = child.wait();
    wait_for_sessions_to_end(&db)?;
    let applied = count_in(&db, "knex_migrations", "select count(*) from knex_migrations")?;
    let tables = count(&db, "select count(*) from pg_tables where tablename like 't\\_%'")?;
    ensure(applied == tables, || format!("{applied} recorded but {tables} tables: half a migration ({mode})"))?;
    if mode == "all" {
        ensure(applied == 0 || applied == 20, || format!("{applied} of one all-or-nothing batch applied"))?;
    }
    let locked =
        count_in(&db, "knex_migrations_lock", "select count(*) from knex_migrations_lock where is_locked = 1")?;
    ensure(locked == 0, || "lock left".into())?;
    let out = runner(&db, "slow:20:0", &["latest"]).output().map_err(|e| e.to_string())?;
    ensure(out.status.success(), || format!("the next latest failed: {}", output_text(&out)))?;
    ensure(count(&db, "select count(*) from knex_migrations")? == 20, || "the next latest did not finish".into())
}

fn failing_case(admin: &ConnectConfig, k: u64, n: u64, mode: &str) -> Check {
    let db = TestDatabase::empty_on(admin).map_err(|e| e.to_string())?;
    let set = format!("failing:{k}:{n}");
    let out = runner(&db, &set, &["latest", "--transaction", mode]).output().map_err(|e| e.to_string())?;
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    ensure(out.status.code() == Some(1), || format!("exit {:?}: {stderr}", out.status.code()))?;
    let name = format!("2024010100{k:04}_create_t_{k}_badly");
    ensure(stderr.contains(&name) && stderr.contains("at statement 2 of 3"), || {
        format!("error does not name it: {stderr}")
    })?;
    let applied = count(&db, "select count(*) from knex_migrations")?;
    let has = |table: u64| count(&db, &format!("select count(*) from pg_tables where tablename = 't_{table}'"));
    let expected_applied = if mode == "all" { 0 } else { k - 1 };
    ensure(applied == i64::try_from(expected_applied).unwrap_or(-1), || {
        format!("{applied} applied, expected {expected_applied}")
    })?;
    for i in 1..k {
        ensure(has(i)? == i64::from(mode != "all"), || format!("t_{i} in mode {mode}"))?;
    }
    // The failing migration's first statement stays applied only outside a transaction.
    ensure(has(k)? == i64::from(mode == "none"), || format!("t_{k} in mode {mode}"))?;
    if mode == "none" {
        ensure(stderr.contains("migrate resolve"), || format!("no way out offered: {stderr}"))?;
    }
    Ok(())
}

/// The round's error line, to show.
fn restart_round(admin: &ConnectConfig, cluster: &LocalCluster) -> Result<String, String> {
    let db = TestDatabase::empty_on(admin).map_err(|e| e.to_string())?;
    let child = runner(&db, "slow:10:200", &["latest"]).spawn().map_err(|e| e.to_string())?;
    std::thread::sleep(Duration::from_millis(600));
    cluster.restart_immediate().map_err(|e| e.to_string())?;
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    ensure(out.status.code() == Some(1), || format!("exit {:?} after a restart: {stderr}", out.status.code()))?;
    ensure(stderr.trim_end().lines().count() == 1 && stderr.starts_with("error:"), || {
        format!("not one clear line: {stderr}")
    })?;
    let applied = count(&db, "select count(*) from knex_migrations")?;
    let tables = count(&db, "select count(*) from pg_tables where tablename like 't\\_%'")?;
    ensure(applied == 0 && tables == 0, || format!("{applied} rows and {tables} tables after the crash of one batch"))?;
    let out = runner(&db, "slow:10:0", &["latest"]).output().map_err(|e| e.to_string())?;
    ensure(out.status.success(), || format!("the next latest failed: {}", output_text(&out)))?;
    ensure(count(&db, "select count(*) from knex_migrations")? == 10, || "the next latest did not finish".into())?;
    Ok(stderr.trim().to_owned())
}

fn report(name: &str, results: &[Check]) -> bool {
    let passed = results.iter().filter(|r| r.is_ok()).count();
    println!("{name}: {passed}/{} rounds passed", results.len());
    for (i, result) in results.iter().enumerate() {
        if let Err(e) = result {
            println!("  round {}: {e}", i + 1);
        }
    }
    passed == results.len()
}

fn main() -> ExitCode {
    let root = match knexrs_testing::cluster_root() {
        Ok(root) => root,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let options = knexrs_testing::test_cluster_options(root);
    let options = ClusterOptions { name: "stress".into(), preferred_port: 54369, ..options };
    let started = LocalCluster::new(options).and_then(|cluster| cluster.start().map(|port| (cluster, port)));
    let (cluster, port) = match started {
        Ok(started) => started,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let admin = match ConnectConfig::from_url(&cluster.url(port, "postgres")) {
        Ok(admin) => admin,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let start = Instant::now();
    let mut ok = true;
    ok &= report(
        "16 runners at once on an empty database",
        &(0..20).map(|_| concurrent_round(&admin)).collect::<Vec<_>>(),
    );
    ok &= report(
        "runner killed (SIGKILL) at a random moment of a 20-migration latest",
        &(0..50).map(|round| killed_round(&admin, round)).collect::<Vec<_>>(),
    );
    let failing: Vec<Check> = ["all", "each", "none"]
        .iter()
        .flat_map(|mode| (1..=5).map(move |k| (mode, k)))
        .map(|(mode, k)| failing_case(&admin, k, 5, mode).map_err(|e| format!("k={k} {mode}: {e}")))
        .collect();
    ok &= report("migration failing at k of 5 (k = 1..5) in modes all, each, none", &failing);
    let restarts: Vec<Result<String, String>> = (0..3).map(|_| restart_round(&admin, &cluster)).collect();
    ok &= report(
        "server restarted mid-run",
        &restarts.iter().map(|r| r.as_ref().map(|_| ()).map_err(Clone::clone)).collect::<Vec<_>>(),
    );
    if let Some(Ok(line)) = restarts.first() {
        println!("  what the runner said: {line}");
    }
    let _ = cluster.stop();
    println!("stress: {} in {:.0?}", if ok { "all passed" } else { "FAILED" }, start.elapsed());
    if ok { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}
