//! `fixture-tests <n>`: a test process as `cargo test` runs one: `n` tests on
//! as many threads as cores, each asking for a migrated database of its own,
//! writing to it and checking it sees only its own rows. Exits 1 if any fails.
//!
//! `fixture-tests <n> --first-on-async`: first asks for a database with the
//! blocking API from async code, as a mistaken `#[tokio::test]` would; that
//! call must fail with its own error and leave the `n` tests unaffected.

use knexrs_testing::TestDatabase;
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};

fn one_test(i: usize) -> Result<(), String> {
    let migrator = knexrs_tests::cliscale::migrator();
    let db = TestDatabase::migrated(&migrator).map_err(|e| e.to_string())?;
    let mut client = db.connect().map_err(|e| e.to_string())?;
    let before: i64 = client.query_one("select count(*) from sessions", &[]).map_err(|e| e.to_string())?.get(0);
    if before != 0 {
        return Err(format!("test {i}: a fresh database holds {before} sessions"));
    }
    client
        .execute(
            "insert into sessions (owner_user_id, job_name, expires_at) values ($1, $2, now())",
            &[&format!("user-{i}"), &format!("job-{i}")],
        )
        .map_err(|e| e.to_string())?;
    let owners: Vec<String> = client
        .query("select owner_user_id from sessions", &[])
        .map_err(|e| e.to_string())?
        .iter()
        .map(|row| row.get(0))
        .collect();
    if owners != [format!("user-{i}")] {
        return Err(format!("test {i} sees {owners:?}"));
    }
    Ok(())
}

/// The blocking constructor on a tokio runtime's thread: its error message.
fn first_on_async() -> Result<String, String> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())?;
    let migrator = knexrs_tests::cliscale::migrator();
    match runtime.block_on(async { TestDatabase::migrated(&migrator) }) {
        Ok(_) => Err("the blocking TestDatabase::migrated succeeded on an async runtime's thread".into()),
        Err(e) => Ok(e.to_string()),
    }
}

fn main() -> ExitCode {
    let tests: usize = std::env::args().nth(1).and_then(|n| n.parse().ok()).unwrap_or(50);
    if std::env::args().any(|a| a == "--first-on-async") {
        match first_on_async() {
            Ok(message) => eprintln!("the blocking call from async code failed: {message}"),
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::FAILURE;
            }
        }
    }
    let threads = std::thread::available_parallelism().map_or(2, usize::from);
    let next = AtomicUsize::new(0);
    let failures: Vec<String> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut failures = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= tests {
                            break failures;
                        }
                        if let Err(e) = one_test(i) {
                            failures.push(e);
                        }
                    }
                })
            })
            .collect();
        workers.into_iter().flat_map(|w| w.join().unwrap_or_else(|_| vec!["a test thread panicked".into()])).collect()
    });
    if failures.is_empty() {
        println!("{tests} tests passed");
        ExitCode::SUCCESS
    } else {
        eprintln!("{} of {tests} tests failed:\n{}", failures.len(), failures.join("\n"));
        ExitCode::FAILURE
    }
}
