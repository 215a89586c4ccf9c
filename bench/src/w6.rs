//! W6: a fresh, fully migrated database per test, from the test-support crate
//! (clones of a template migrated once, made ahead of demand), timed from the
//! request to the first usable connection.

use crate::BenchError;
use knexrs_connect::ConnectConfig;
use knexrs_testing::{Databases, DatabasesOptions};
use std::path::Path;
use std::time::Instant;

/// The knex migrations the harness names must be the ones our port has.
pub(crate) fn check_port(migrations: &Path, migrator: &knexrs_migrate::Migrator) -> Result<(), BenchError> {
    let mut knex: Vec<String> = std::fs::read_dir(migrations)
        .map_err(|e| format!("{}: {e}", migrations.display()))?
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter_map(|name| name.rsplit_once('.').map(|(stem, _)| stem.to_owned()))
        .collect();
    knex.sort();
    let ours: Vec<String> = migrator.migrations().iter().map(|m| m.name().to_owned()).collect();
    if knex != ours {
        return Err(format!("the harness's migrations {knex:?} are not the ones ported to Rust {ours:?}").into());
    }
    Ok(())
}

/// `runs + 1` iterations, the first a warm-up; the harness's JSON line.
pub fn run(url: &str, runs: usize, migrations: &Path) -> Result<String, BenchError> {
    let admin = ConnectConfig::from_url(url)?;
    let migrator = cliscale_migrations::migrator()?;
    check_port(migrations, &migrator)?;
    let options = DatabasesOptions { prefix: "w6_rs_".to_owned(), ..DatabasesOptions::default() };
    let mut databases: Option<Databases> = None;
    let mut ready_ms = Vec::with_capacity(runs);
    let mut outcome = Ok(());
    for i in 0..=runs {
        let start = Instant::now();
        let pool = match &databases {
            Some(pool) => pool.clone(),
            None => databases.insert(Databases::new(&admin, &migrator, options.clone())?).clone(),
        };
        let db = pool.get()?;
        let mut client = db.connect()?;
        let elapsed = start.elapsed().as_secs_f64() * 1000.0;
        if i > 0 {
            ready_ms.push((elapsed * 1000.0).round() / 1000.0);
        }
        // What the harness checks: fully migrated, no rows.
        let migrated: i64 = client.query_one("select count(*) from knex_migrations", &[])?.get(0);
        let rows: i64 =
            client.query_one("select (select count(*) from sessions) + (select count(*) from token_jti)", &[])?.get(0);
        if migrated != 2 || rows != 0 {
            outcome = Err(format!("database {} holds {migrated} migrations and {rows} rows", db.name()));
            break;
        }
    }
    if let Some(pool) = databases {
        pool.shut_down_and_drop_template();
    }
    outcome?;
    Ok(serde_json::json!({ "ready_ms": ready_ms }).to_string())
}
