//! The deployable binary a team ships, for the harness's generated
//! migrations: each manifest entry becomes a migration file built with the
//! schema DSL, compiled in by `knexrs-embed` exactly as `knexrs init`'s
//! migrations crate does, behind the `migrate` command line. `status
//! --exit-code` is timed on it: a readiness check runs the deployed binary,
//! which registers nothing at run time (peer-bench reads the manifest first).

use anyhow::{Context as _, bail};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Builds (release) the deployable binary for `manifest_dir`'s migrations; its path.
pub(crate) fn build(root: &Path, target: &Path, manifest_dir: &Path, size: usize) -> anyhow::Result<PathBuf> {
    let name = format!("deployed-{size}");
    let project = target.join("bench").join(&name);
    let migrations = project.join("migrations");
    if migrations.exists() {
        std::fs::remove_dir_all(&migrations)?;
    }
    std::fs::create_dir_all(&migrations)?;
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(manifest_dir.join("manifest.json"))?)?;
    let entries = manifest["migrations"].as_array().context("manifest.json has no migrations")?;
    for entry in entries {
        let (Some(file), Some(table)) = (entry["name"].as_str(), entry["table"].as_str()) else {
            bail!("a manifest entry without name or table: {entry}");
        };
        let stem = file.rsplit_once('.').map_or(file, |(stem, _)| stem);
        std::fs::write(migrations.join(format!("{stem}.rs")), migration_source(table))?;
    }
    let crates = root.join("crates").display().to_string();
    std::fs::write(project.join("Cargo.toml"), cargo_toml(&name, &crates))?;
    std::fs::write(project.join("build.rs"), BUILD_RS)?;
    std::fs::write(project.join("main.rs"), MAIN_RS)?;
    // The workspace's versions, so the shared target folder reuses its compiled dependencies.
    std::fs::copy(root.join("Cargo.lock"), project.join("Cargo.lock"))?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let status = Command::new(cargo)
        .args(["build", "--release", "--quiet", "--offline"])
        .current_dir(&project)
        .env("CARGO_TARGET_DIR", target)
        .status()?;
    if !status.success() {
        bail!("building the deployable binary for {size} migrations failed (in {})", project.display());
    }
    Ok(target.join("release").join(name))
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

fn cargo_toml(name: &str, crates: &str) -> String {
    format!(
        "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\nbuild = \"build.rs\"\n\n\
         [[bin]]\nname = \"{name}\"\npath = \"main.rs\"\n\n\
         [dependencies]\n\
         knexrs-migrate = {{ path = \"{crates}/migrate\", features = [\"cli\"] }}\n\
         knexrs-connect = {{ path = \"{crates}/connect\" }}\n\
         clap = {{ version = \"4\", features = [\"derive\"] }}\n\n\
         [build-dependencies]\nknexrs-embed = {{ path = \"{crates}/embed\" }}\n\n\
         [workspace]\n\n\
         # As the workspace's own release profile (the binaries we ship).\n\
         [profile.release]\ncodegen-units = 1\nlto = \"fat\"\n"
    )
}

const BUILD_RS: &str = "fn main() {\n    \
    knexrs_embed::embed_migrations(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/migrations\")).expect(\"the registry\");\n}\n";

const MAIN_RS: &str = r#"//! The deployable `migrate` binary of a project (as `knexrs init` writes it).

use clap::Parser;
use knexrs_connect::ConnectConfig;
use knexrs_migrate::MigrateError;
use knexrs_migrate::cli::{self, MigrateArgs};
use std::process::ExitCode;

mod registry {
    #![allow(missing_docs, unreachable_pub)]
    include!(concat!(env!("OUT_DIR"), "/migrations.rs"));
}

#[derive(Parser)]
#[command(name = "migrate")]
struct Cli {
    #[command(flatten)]
    migrate: MigrateArgs,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let migrator = registry::migrator();
    let connect =
        |environment| ConnectConfig::from_env(environment)?.ok_or_else(|| MigrateError::NotConfigured { environment });
    let context = cli::Context { migrator: &migrator, migrations_dir: None, connect: &connect };
    cli::main(&context, &cli.migrate)
}
"#;
