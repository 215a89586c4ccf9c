//! The deployable binary a team ships, for the harness's generated
//! migrations: a new project set up by `knexrs init` (depending on this
//! checkout), each manifest entry written as a migration file built with the
//! schema DSL, and the project's `migrate` binary built in release, as its
//! Dockerfile builds it. `status --exit-code` is timed on it: a readiness
//! check runs the deployed binary, which registers nothing at run time
//! (peer-bench reads the manifest first).

use anyhow::{Context as _, bail};
use knexrs_cli::InitOptions;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Builds the deployable binary for `manifest_dir`'s migrations; its path.
pub(crate) fn build(root: &Path, target: &Path, manifest_dir: &Path, size: usize) -> anyhow::Result<PathBuf> {
    let project = target.join("bench").join(format!("deployed-{size}"));
    if project.exists() {
        std::fs::remove_dir_all(&project)?;
    }
    std::fs::create_dir_all(project.join("src"))?;
    // What `cargo new --bin app` leaves, then `knexrs init --knexrs-path <this checkout>`.
    std::fs::write(project.join("Cargo.toml"), "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2024\"\n")?;
    std::fs::write(project.join("src/main.rs"), "fn main() {}\n")?;
    knexrs_cli::init(&InitOptions { knexrs_path: Some(root.to_path_buf()), ..InitOptions::new(&project) })?;
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(manifest_dir.join("manifest.json"))?)?;
    let entries = manifest["migrations"].as_array().context("manifest.json has no migrations")?;
    for entry in entries {
        let (Some(file), Some(table)) = (entry["name"].as_str(), entry["table"].as_str()) else {
            bail!("a manifest entry without name or table: {entry}");
        };
        let stem = file.rsplit_once('.').map_or(file, |(stem, _)| stem);
        std::fs::write(project.join("migrations").join(format!("{stem}.rs")), migration_source(table))?;
    }
    // The workspace's versions (resolved without the network).
    std::fs::copy(root.join("Cargo.lock"), project.join("Cargo.lock"))?;
    // One target folder for every size: the dependencies compile once.
    let shared = target.join("bench/deployed-target");
    let status = knexrs_cli::cargo()
        .args(["build", "--release", "--quiet", "--offline", "-p", "migrations", "--bin", "migrate"])
        .current_dir(&project)
        .env("CARGO_TARGET_DIR", &shared)
        .status()?;
    if !status.success() {
        bail!("building the deployable binary for {size} migrations failed (in {})", project.display());
    }
    let binary = project.join("migrate");
    std::fs::copy(shared.join("release/migrate"), &binary)?;
    Ok(binary)
}

/// The manifest's builder calls (`lib/gen-migrations.js`'s `builder` field) in the DSL.
fn migration_source(table: &str) -> String {
    let mut source = String::from("use knexrs_migrate::prelude::*;\n\n");
    let _ = write!(
        source,
        "pub fn up(schema: &mut SchemaBuilder) {{\n    schema.create_table({table:?}, |t| {{\n        \
         t.increments(\"id\");\n        t.string(\"name\").not_nullable();\n        \
         t.timestamps_with(true, true);\n        t.index(\"name\");\n    }});\n}}\n\n\
         pub fn down(schema: &mut SchemaBuilder) {{\n    schema.drop_table({table:?});\n}}\n"
    );
    source
}
