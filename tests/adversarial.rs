//! The defects found under adversarial use (silent rollbacks, unbounded
//! waits, false reports, …), each as the behaviour that must hold, on a real
//! server, through the runner's command line where a user would meet it.

#![allow(clippy::unwrap_used, reason = "a test fails by panicking")]

use knexrs_migrate::Tables;
use knexrs_query::{Executor, Insert, QueryError, Select, Wheres, raw};
use knexrs_testing::TestDatabase;
use knexrs_tests::fixture_migrate_command;
use postgres::error::SqlState;
use std::process::{Child, Command, Output};
use std::time::{Duration, Instant};

fn runner(db: &TestDatabase, set: &str, args: &[&str]) -> Command {
    fixture_migrate_command(env!("CARGO_BIN_EXE_fixture-migrate"), db, set, args)
}

fn migrate(db: &TestDatabase, set: &str, args: &[&str]) -> Output {
    runner(db, set, args).output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn count(db: &TestDatabase, sql: &str) -> i64 {
    db.connect().unwrap().query_one(sql, &[]).unwrap().get(0)
}

fn rows(db: &TestDatabase) -> Vec<String> {
    let mut client = db.connect().unwrap();
    match client.query("select name || ':' || batch from knex_migrations order by id", &[]) {
        Ok(rows) => rows.iter().map(|r| r.get(0)).collect(),
        Err(_) => Vec::new(),
    }
}

fn tables(db: &TestDatabase) -> Vec<String> {
    let sql = "select tablename::text from pg_tables where schemaname = 'public' and tablename like 't\\_%' order by 1";
    db.connect().unwrap().query(sql, &[]).unwrap().iter().map(|r| r.get(0)).collect()
}

/// Exit code `code`, and exactly one line on stderr holding `expect`.
fn one_line_error(out: &Output, code: i32, expect: &str) -> String {
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "stdout: {}\nstderr: {stderr}", text(&out.stdout));
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(stderr.contains(expect), "expected `{expect}` in: {stderr}");
    stderr
}

/// Waits (at most 20 s) until `sql` counts at least one row.
fn wait_for(db: &TestDatabase, sql: &str, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while count(db, sql) == 0 {
        assert!(Instant::now() < deadline, "{what} never happened");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Waits for `child`, killing it (and failing) after `limit`.
fn finish_within(mut child: Child, limit: Duration) -> Output {
    let deadline = Instant::now() + limit;
    loop {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!("still running after {limit:?}: {}{}", text(&out.stdout), text(&out.stderr));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn signal(child: &Child, signal: nix::sys::signal::Signal) {
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(child.id() as i32), signal).unwrap();
}

/// A session of its own on `db`, named `application` in `pg_stat_activity`.
fn session(db: &TestDatabase, application: &str) -> postgres::Client {
    let mut client = db.connect().unwrap();
    client.batch_execute(&format!("set application_name = '{application}'")).unwrap();
    client
}

// 1. A transaction whose body handles a failed statement and returns `Ok`.

#[test]
fn a_transaction_whose_body_swallows_a_failed_statement_is_reported_rolled_back_not_committed() {
    let db = TestDatabase::empty().unwrap();
    let pool = db.pool().unwrap();
    pool.execute(&raw("create table accounts (id int primary key)")).unwrap();
    let insert = |id: i32| {
        let mut q = Insert::into("accounts");
        q.set("id", id);
        q
    };
    let result = pool.transaction(|tx| {
        tx.execute(&insert(1))?;
        let duplicate = tx.execute(&insert(1));
        assert_eq!(duplicate.unwrap_err().code(), Some(&SqlState::UNIQUE_VIOLATION));
        Ok::<_, QueryError>(()) // the README's pattern: the error is handled
    });
    let err = result.unwrap_err();
    assert!(matches!(err, QueryError::RolledBack { .. }), "{err}");
    assert!(err.to_string().contains("rolled back") && err.to_string().contains("duplicate key"), "{err}");
    assert_eq!(err.code(), Some(&SqlState::UNIQUE_VIOLATION));
    let (n,): (i64,) = pool.fetch_one(Select::from("accounts").count_as("*", "n")).unwrap();
    assert_eq!(n, 0, "nothing was committed, and the caller knows it");
}

#[test]
fn a_savepoint_whose_body_swallows_a_failure_reports_its_own_rollback_and_the_outer_work_commits() {
    let db = TestDatabase::empty().unwrap();
    let pool = db.pool().unwrap();
    pool.execute(&raw("create table accounts (id int primary key)")).unwrap();
    pool.transaction(|tx| {
        tx.execute(&raw("insert into accounts values (1)"))?;
        let inner = tx.transaction(|inner| {
            inner.execute(&raw("insert into accounts values (2)"))?;
            let _ = inner.execute(&raw("insert into accounts values (1)")); // handled
            Ok::<_, QueryError>(())
        });
        assert!(matches!(inner, Err(QueryError::RolledBack { .. })), "{inner:?}");
        Ok::<_, QueryError>(())
    })
    .unwrap();
    let ids: Vec<i32> =
        pool.pluck(Select::from("accounts").pluck("id").order_by("id", knexrs_query::Order::Asc)).unwrap();
    assert_eq!(ids, [1], "the savepoint's rows are gone, the outer row stays");
}

#[test]
fn a_failure_that_bypassed_the_executor_still_turns_the_commit_into_a_reported_rollback() {
    let db = TestDatabase::empty().unwrap();
    let pool = db.pool().unwrap();
    pool.execute(&raw("create table accounts (id int primary key)")).unwrap();
    let result = pool.transaction(|tx| {
        tx.execute(&raw("insert into accounts values (1)"))?;
        let _ = tx.connection().client().batch_execute("select * from no_such_table"); // handled
        Ok::<_, QueryError>(())
    });
    assert!(matches!(result, Err(QueryError::RolledBack { .. })), "{result:?}");
    let (n,): (i64,) = pool.fetch_one(Select::from("accounts").count_as("*", "n")).unwrap();
    assert_eq!(n, 0);
}

// 3. Waits that honour --lock-wait and signals.

#[test]
fn a_runner_waiting_for_the_migration_lock_gives_up_at_lock_wait_and_names_the_holder() {
    let db = TestDatabase::empty().unwrap();
    let mut holder = session(&db, "holder-app");
    holder.batch_execute(&format!("select pg_advisory_lock({})", Tables::default().advisory_key_sql())).unwrap();
    let started = Instant::now();
    let out = finish_within(
        runner(&db, "tables:1", &["latest", "--lock-wait", "2s"]).spawn().unwrap(),
        Duration::from_secs(20),
    );
    let stderr = one_line_error(&out, 1, "gave up after waiting 2 s for the migration lock");
    assert!(stderr.contains("holder-app"), "{stderr}");
    assert!(started.elapsed() < Duration::from_secs(15));
    assert!(rows(&db).is_empty());
}

#[test]
fn a_runner_blocked_on_knex_lock_row_gives_up_at_lock_wait_and_names_the_holder() {
    let db = TestDatabase::empty().unwrap();
    assert!(migrate(&db, "tables:1", &["latest"]).status.success());
    let mut holder = session(&db, "row-holder");
    holder.batch_execute("begin; select * from knex_migrations_lock for update").unwrap();
    let out = finish_within(
        runner(&db, "tables:2", &["latest", "--lock-wait", "2s"]).spawn().unwrap(),
        Duration::from_secs(20),
    );
    let stderr = one_line_error(&out, 1, "gave up after waiting 2 s for knex's lock row");
    assert!(stderr.contains("row-holder"), "{stderr}");
    holder.batch_execute("rollback").unwrap();
    assert_eq!(rows(&db), ["20240101000001_create_t_1.rs:1"]);
}

#[test]
fn sigterm_while_waiting_for_the_lock_exits_1_at_once_and_changes_nothing() {
    let db = TestDatabase::empty().unwrap();
    let mut holder = session(&db, "holder-app");
    holder.batch_execute(&format!("select pg_advisory_lock({})", Tables::default().advisory_key_sql())).unwrap();
    let child = runner(&db, "tables:2", &["latest"]).spawn().unwrap();
    wait_for(
        &db,
        // `active`: the holder's own (idle) `select pg_advisory_lock($1)` must not count;
        // through a pooler the runner waits in `pg_advisory_xact_lock`.
        "select count(*) from pg_stat_activity where query like '%pg_advisory_%lock(%' and state = 'active' and datname = current_database() and pid <> pg_backend_pid()",
        "the runner's wait for the lock",
    );
    let signalled = Instant::now();
    signal(&child, nix::sys::signal::Signal::SIGTERM);
    let out = finish_within(child, Duration::from_secs(10));
    assert!(signalled.elapsed() < Duration::from_secs(5), "took {:?}", signalled.elapsed());
    one_line_error(&out, 1, "interrupted while waiting for the migration lock");
    assert!(!text(&out.stdout).contains("Already up to date"));
    holder.execute("select pg_advisory_unlock_all()", &[]).unwrap();
    assert!(rows(&db).is_empty());
}

// 4. A killed runner's statement, and waits on other sessions' locks.

#[test]
fn a_killed_runners_statement_stops_on_the_server_within_seconds_and_frees_its_locks() {
    let db = TestDatabase::empty().unwrap();
    // PostgreSQL 14+ notices the dead client (client_connection_check_interval);
    // 13 cannot, and the statement runs to its end: there it sleeps 3 s, not 60.
    let notices = knexrs_tests::server_major(&db) >= 14;
    let set = if notices { "slow:1:60000" } else { "slow:1:3000" };
    let child = runner(&db, set, &["latest"]).spawn().unwrap();
    let sleeping = "select count(*) from pg_stat_activity where query like '%pg_sleep(%' and state = 'active' and datname = current_database() and pid <> pg_backend_pid()";
    wait_for(&db, sleeping, "the runner's sleeping statement");
    signal(&child, nix::sys::signal::Signal::SIGKILL);
    finish_within(child, Duration::from_secs(5));
    let deadline = Instant::now() + Duration::from_secs(10);
    while count(&db, sleeping) > 0 {
        assert!(Instant::now() < deadline, "the dead runner's statement still runs on the server");
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = migrate(&db, "tables:1", &["latest", "--lock-wait", "5s"]);
    assert!(out.status.success(), "the next run is not blocked: {}", text(&out.stderr));
}

#[test]
fn a_migration_waiting_on_another_sessions_lock_names_that_session() {
    let db = TestDatabase::empty().unwrap();
    assert!(migrate(&db, "alter", &["up"]).status.success());
    let mut holder = session(&db, "blocker-app");
    holder.batch_execute("begin; lock table t_1 in access share mode").unwrap();
    let out = finish_within(
        runner(&db, "alter", &["latest", "--lock-timeout", "3s"]).spawn().unwrap(),
        Duration::from_secs(30),
    );
    let stderr = one_line_error(&out, 1, "20240101000002_alter_t_1");
    assert!(stderr.contains("lock timeout") && stderr.contains("blocker-app"), "{stderr}");
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("Waiting") && stdout.contains("blocker-app"),
        "the wait was reported as it happened: {stdout}"
    );
    holder.batch_execute("rollback").unwrap();
}

// 5. Reports that are true, and advice that leads somewhere.

#[test]
fn a_transactional_migration_holding_commit_is_refused_before_anything_runs() {
    let db = TestDatabase::empty().unwrap();
    let out = migrate(&db, "commit", &["latest"]);
    let stderr = one_line_error(&out, 1, "20240101000002_commits holds `COMMIT` (statement 2 of 3)");
    assert!(stderr.contains("no_transaction"), "{stderr}");
    assert!(tables(&db).is_empty(), "nothing ran: {:?}", tables(&db));
    assert!(rows(&db).is_empty());
}

#[test]
fn a_down_that_stopped_halfway_outside_a_transaction_resolves_as_the_error_advises() {
    let db = TestDatabase::empty().unwrap();
    assert!(migrate(&db, "down-fails", &["latest"]).status.success());
    let out = migrate(&db, "down-fails", &["rollback", "--transaction", "none"]);
    let stderr = one_line_error(&out, 1, "migrate resolve 20240101000002_archive --applied` or `--rolled-back`");
    assert!(stderr.contains("first 1 statement(s) of 2 stay applied"), "{stderr}");
    let blocked = migrate(&db, "down-fails", &["latest"]);
    one_line_error(&blocked, 1, "20240101000002_archive stopped halfway");
    // The human finishes the down by hand, then says so.
    db.connect().unwrap().batch_execute("drop table t_2").unwrap();
    let resolved = migrate(&db, "down-fails", &["resolve", "20240101000002_archive", "--rolled-back"]);
    assert!(resolved.status.success(), "{}", text(&resolved.stderr));
    assert_eq!(rows(&db), ["20240101000001_create_t_1.rs:1"]);
    let again = migrate(&db, "down-fails", &["latest"]);
    assert!(again.status.success(), "{}", text(&again.stderr));
}

#[test]
fn a_half_applied_migration_blocks_latest_and_up_while_status_rollback_and_down_work_with_a_warning() {
    let db = TestDatabase::empty().unwrap();
    let failed = migrate(&db, "halfway", &["latest"]);
    one_line_error(&failed, 1, "20240101000002_halfway");
    assert_eq!(rows(&db), ["20240101000001_create_t_1.rs:1"], "knex's default: t_1 committed on its own");
    for args in [&["latest"][..], &["up"]] {
        one_line_error(&migrate(&db, "halfway", args), 1, "20240101000002_halfway stopped halfway");
    }
    let warning = "Warning: migration 20240101000002_halfway stopped halfway in an earlier run";
    let status = migrate(&db, "halfway", &["status"]);
    assert!(status.status.success(), "{}", text(&status.stderr));
    assert!(
        text(&status.stdout).contains(warning) || text(&status.stderr).contains(warning),
        "{}",
        text(&status.stdout)
    );
    let rollback = migrate(&db, "halfway", &["rollback"]);
    assert!(rollback.status.success(), "{}", text(&rollback.stderr));
    let printed = format!("{}{}", text(&rollback.stdout), text(&rollback.stderr));
    assert!(printed.contains(warning) && printed.contains("Batch 1 rolled back: 1 migrations"), "{printed}");
    assert!(rows(&db).is_empty());
    assert_eq!(tables(&db), ["t_2"], "t_1 rolled back; the half-applied t_2 waits for a human");
    let down = migrate(&db, "halfway", &["down"]);
    assert!(
        down.status.success() && text(&down.stdout).contains("Already at the base migration"),
        "{}",
        text(&down.stdout)
    );
}

#[test]
fn the_batch_line_is_printed_after_the_batch_ran_and_never_for_a_batch_that_failed() {
    let db = TestDatabase::empty().unwrap();
    let failed = migrate(&db, "failing:3:5", &["latest"]);
    assert_eq!(failed.status.code(), Some(1));
    assert!(!text(&failed.stdout).contains("Batch"), "{}", text(&failed.stdout));
    let ran = migrate(&db, "tables:2", &["latest"]);
    let stdout = text(&ran.stdout);
    assert!(stdout.contains("Batch 1 run: 2 migrations\n  20240101000001_create_t_1 ("), "{stdout}");
}

// 6. Statements joined so that what the user wrote stays valid.

#[test]
fn raw_sql_ending_in_a_line_comment_runs_in_a_batch_and_in_the_dry_run_script() {
    let db = TestDatabase::empty().unwrap();
    let dry = migrate(&db, "comment", &["latest", "--dry-run"]);
    assert!(dry.status.success(), "{}", text(&dry.stderr));
    let script = TestDatabase::empty().unwrap();
    script.connect().unwrap().batch_execute(&text(&dry.stdout)).unwrap();
    assert_eq!(tables(&script), ["t_1", "t_2"], "the dry run's script is valid SQL");
    let out = migrate(&db, "comment", &["latest"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(tables(&db), ["t_1", "t_2"]);
}

// 7. A failure found without running anything twice.

#[test]
fn a_failure_is_traced_to_its_statement_without_running_the_migration_again() {
    let db = TestDatabase::empty().unwrap();
    let out = migrate(&db, "sequence", &["latest", "--transaction", "each"]);
    one_line_error(&out, 1, "20240101000002_fails_late failed at statement 3 of 3");
    // nextval is not transactional: had the migration run again, it would say 2.
    assert_eq!(count(&db, "select last_value from knexrs_seq"), 1);
}

#[test]
fn an_error_the_server_raises_for_the_whole_message_still_names_the_statement() {
    let db = TestDatabase::empty().unwrap();
    let out = migrate(&db, "syntax", &["latest"]);
    one_line_error(&out, 1, "20240101000001_typo failed at statement 2 of 3 `selec 1`");
    assert!(tables(&db).is_empty());
}

// 9. Credentials never printed.

#[test]
fn a_url_with_an_unencoded_at_in_its_password_is_refused_without_printing_any_part_of_it() {
    let out = Command::new(env!("CARGO_BIN_EXE_fixture-migrate"))
        .args(["tables:1", "latest"])
        .env("DATABASE_URL", "postgres://app:se@cret@127.0.0.1:1/db")
        .env_remove("KNEXRS_ENV")
        .env_remove("NODE_ENV")
        .output()
        .unwrap();
    let stderr = one_line_error(&out, 1, "percent-encode");
    for part in ["se@cret", "cret", "se@", ":se"] {
        assert!(!stderr.contains(part), "`{part}` of the password printed: {stderr}");
    }
}

// 10. Bind parameters past the protocol's limit.

#[test]
fn more_than_65535_values_are_a_clear_error_before_sending_and_where_any_binds_them_as_one() {
    let db = TestDatabase::empty().unwrap();
    let pool = db.pool().unwrap();
    pool.execute(&raw("create table items (id int primary key)")).unwrap();
    pool.execute(&raw("insert into items select generate_series(1, 100)")).unwrap();
    let ids: Vec<i32> = (1..=70_000).collect();
    let mut too_many = Select::from("items");
    too_many.where_in("id", ids.clone());
    let err = pool.fetch_all::<(i32,)>(&too_many).unwrap_err();
    assert!(err.to_string().contains("70000 values, more than PostgreSQL's limit of 65535"), "{err}");
    assert!(err.to_string().contains("where_any"), "says what to do: {err}");
    let mut any = Select::from("items");
    any.count_as("*", "n").where_any("id", ids);
    let (n,): (i64,) = pool.fetch_one(&any).unwrap();
    assert_eq!(n, 100);
}

// 12. What a new user meets first.

#[test]
fn a_panicking_migration_is_a_one_line_error_naming_it_with_exit_1() {
    let db = TestDatabase::empty().unwrap();
    let out = migrate(&db, "panicking", &["latest"]);
    let stderr = one_line_error(&out, 1, "migration 20240101000002_panics panicked in its up: the migration's own bug");
    assert!(!stderr.contains("thread '"), "{stderr}");
    assert!(rows(&db).is_empty());
}

#[test]
fn a_dry_run_prints_only_sql_on_stdout() {
    let db = TestDatabase::empty().unwrap();
    let out = migrate(&db, "tables:2", &["latest", "--dry-run"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(!stdout.contains("Using environment"), "{stdout}");
    assert!(text(&out.stderr).contains("Using environment"));
    db.connect().unwrap().batch_execute(&stdout).unwrap();
    assert_eq!(tables(&db), ["t_1", "t_2"], "stdout is a script psql can run");
}

// 11. Manifests a restricted cluster accepts.

#[test]
fn the_kubernetes_manifests_pass_pod_security_restricted_pin_the_image_and_let_the_next_release_run() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../deploy/k8s");
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap();
    for name in ["migrate-job.yaml", "controller-with-migrate-init.yaml"] {
        let yaml = read(name);
        assert!(yaml.contains("seccompProfile:") && yaml.contains("type: RuntimeDefault"), "{name}: seccompProfile");
        assert!(yaml.contains("runAsNonRoot: true") && yaml.contains("allowPrivilegeEscalation: false"), "{name}");
        assert!(yaml.contains("drop: [\"ALL\"]") || yaml.contains("- ALL"), "{name}: capabilities dropped");
        for image in yaml.lines().filter_map(|line| line.trim().strip_prefix("image:")) {
            assert!(image.contains("@sha256:") && !image.contains(":latest"), "{name}: `{image}` is not by digest");
        }
    }
    let job = read("migrate-job.yaml");
    assert!(job.contains("ttlSecondsAfterFinished:"), "the finished Job goes, so the next release can apply it");
    assert!(job.contains("resources:"), "the Job's container has resources");
    let init = read("controller-with-migrate-init.yaml");
    let init_section = init.split("initContainers:").nth(1).unwrap().split("containers:").next().unwrap();
    assert!(init_section.contains("resources:"), "the init container has resources");
}

// Tenants as schemas of one database (`search_path` set in the URL): each
// tenant's bookkeeping is its own, and so is its lock.

#[test]
fn a_tenant_schema_does_not_wait_for_the_lock_another_tenant_of_the_same_database_holds() {
    let db = TestDatabase::empty().unwrap();
    db.connect().unwrap().batch_execute("create schema tenant_a; create schema tenant_b").unwrap();
    // Straight to the server: a pooler does not pass `options` on.
    let tenant_url = |schema: &str| format!("{}?options=-c%20search_path%3D{schema}", db.direct_url());
    let mut holder = postgres::Client::connect(&tenant_url("tenant_a"), postgres::NoTls).unwrap();
    holder.batch_execute("set application_name = 'tenant-a-runner'").unwrap();
    holder.batch_execute(&format!("select pg_advisory_lock({})", Tables::default().advisory_key_sql())).unwrap();

    let run = |schema: &str| {
        let mut command = runner(&db, "tables:1", &["latest", "--lock-wait", "2s"]);
        command.env("DATABASE_URL", tenant_url(schema));
        finish_within(command.spawn().unwrap(), Duration::from_secs(20))
    };
    let out = run("tenant_b");
    assert!(out.status.success(), "tenant_b waited for tenant_a's lock: {}", text(&out.stderr));
    let in_b = "select count(*) from tenant_b.knex_migrations";
    assert_eq!(count(&db, in_b), 1, "tenant_b's bookkeeping is in its own schema");

    let out = run("tenant_a");
    one_line_error(&out, 1, "gave up after waiting 2 s for the migration lock");
    let in_a = "select count(*) from pg_tables where schemaname = 'tenant_a'";
    assert_eq!(count(&db, in_a), 0, "tenant_a's runner changed nothing");
    holder.execute("select pg_advisory_unlock_all()", &[]).unwrap();
}
