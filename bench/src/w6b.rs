//! W6b: a whole test suite, `tests` tests on `threads` threads, each on its
//! own freshly migrated database from the test-support crate, inserting one
//! session and reading it back by key. Prints `{"passed": N}`.

use crate::BenchError;
use knexrs_connect::ConnectConfig;
use knexrs_testing::{Databases, DatabasesOptions};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Runs the suite; the harness's JSON line.
pub fn run(url: &str, tests: usize, threads: usize, migrations: &std::path::Path) -> Result<String, BenchError> {
    let admin = ConnectConfig::from_url(url)?;
    let migrator = cliscale_migrations::migrator()?;
    crate::w6::check_port(migrations, &migrator)?;
    let options = DatabasesOptions { prefix: "w6b_rs_".to_owned(), ..DatabasesOptions::default() };
    let databases = Databases::new(&admin, &migrator, options)?;
    let next = AtomicUsize::new(0);
    let passed = AtomicUsize::new(0);
    let failures = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..threads.max(1) {
            scope.spawn(|| {
                while next.fetch_add(1, Ordering::Relaxed) < tests {
                    match one_test(&databases) {
                        Ok(()) => {
                            passed.fetch_add(1, Ordering::Relaxed);
                        }
                        Err(e) => failures.lock().map(|mut f| f.push(e.to_string())).unwrap_or_default(),
                    }
                }
            });
        }
    });
    databases.shut_down_and_drop_template();
    let failures = failures.into_inner().unwrap_or_default();
    if let Some(first) = failures.first() {
        return Err(format!("{} of {tests} tests failed; the first: {first}", failures.len()).into());
    }
    Ok(serde_json::json!({ "passed": passed.load(Ordering::Relaxed), "tests": tests }).to_string())
}

/// One test: its own migrated database, one session inserted and read back.
fn one_test(databases: &Databases) -> Result<(), BenchError> {
    let db = databases.get()?;
    let mut client = db.connect()?;
    let job = format!("job-{}", db.name());
    let row = client.query_one(
        r#"insert into "sessions" ("expires_at", "job_name", "owner_user_id") values ($1, $2, $3) returning "session_id""#,
        &[&chrono::Utc::now(), &job, &"user-1"],
    )?;
    let id: String = row.get(0);
    let read = client.query_one(r#"select * from "sessions" where "session_id" = $1 limit $2"#, &[&id, &1_i64])?;
    let got: String = read.get("job_name");
    if got != job {
        return Err(format!("read back {got}, wrote {job}").into());
    }
    Ok(())
}
