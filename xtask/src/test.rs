//! `cargo xtask test`: every test of the workspace against the local test
//! cluster, then a sweep of databases the tests left behind.

use crate::local::{ClusterName, cluster};
use anyhow::Context as _;
use knexrs_query::ConnectConfig;
use std::process::{Command, ExitCode};

pub(crate) fn run(cargo_args: &[String]) -> anyhow::Result<ExitCode> {
    let cluster = cluster(ClusterName::Test)?;
    let port = cluster.start()?;
    let url = cluster.url(port, "postgres");
    eprintln!("test cluster: {url} (data in {})", cluster.data_dir().display());
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let picks_packages = cargo_args.iter().any(|a| a == "-p" || a.starts_with("--package"));
    let mut command = Command::new(cargo);
    command.arg("test");
    if !picks_packages {
        command.arg("--workspace");
    }
    let status = command
        .args(cargo_args)
        .env("KNEXRS_TEST_DATABASE_URL", &url)
        .env_remove("DATABASE_URL")
        .status()
        .context("running cargo test")?;
    let swept = knexrs_testing::sweep(&ConnectConfig::from_url(&url)?)?;
    if swept > 0 {
        eprintln!("dropped {swept} test database(s) left behind");
    }
    Ok(if status.success() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}
