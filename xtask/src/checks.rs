//! `cargo xtask check`: what must hold for the workspace to build where it
//! says it builds: every locked dependency accepts the declared minimum Rust,
//! and the deploy image's Dockerfile builds with that Rust, from fully
//! qualified images, with the lockfile as it is.

use crate::workspace_root;
use anyhow::{Context as _, bail};
use std::process::ExitCode;

pub(crate) fn run() -> anyhow::Result<ExitCode> {
    let metadata = metadata()?;
    let msrv = workspace_rust_version(&metadata)?;
    let mut problems = lockfile_problems(&metadata, &msrv);
    let dockerfile =
        std::fs::read_to_string(workspace_root().join("deploy/Dockerfile")).context("reading deploy/Dockerfile")?;
    problems.extend(dockerfile_problems(&dockerfile, &msrv));
    if problems.is_empty() {
        println!(
            "rust-version {msrv}: every locked package accepts it; deploy/Dockerfile builds with it, --locked, from fully qualified images"
        );
        return Ok(ExitCode::SUCCESS);
    }
    for problem in &problems {
        eprintln!("error: {problem}");
    }
    Ok(ExitCode::FAILURE)
}

fn metadata() -> anyhow::Result<serde_json::Value> {
    let out = knexrs_cli::cargo()
        .args(["metadata", "--format-version", "1", "--locked"])
        .current_dir(workspace_root())
        .output()
        .context("running cargo metadata")?;
    if !out.status.success() {
        bail!(
            "cargo metadata --locked failed (is Cargo.lock out of date? run `cargo update -w`): {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(serde_json::from_slice(&out.stdout)?)
}

/// The `rust-version` the workspace's own packages declare.
fn workspace_rust_version(metadata: &serde_json::Value) -> anyhow::Result<Version> {
    let members: Vec<&str> =
        metadata["workspace_members"].as_array().into_iter().flatten().filter_map(|m| m.as_str()).collect();
    let declared: Vec<Version> = packages(metadata)
        .filter(|p| p["id"].as_str().is_some_and(|id| members.contains(&id)))
        .filter_map(|p| p["rust_version"].as_str().and_then(Version::parse))
        .collect();
    match declared.iter().max() {
        Some(max) if declared.iter().all(|v| v == max) => Ok(*max),
        Some(_) => {
            bail!("the workspace's packages declare different rust-versions: inherit `rust-version.workspace = true`")
        }
        None => bail!("no workspace package declares a rust-version"),
    }
}

/// The workspace's crates that are published (no `publish = false`), by name.
pub(crate) fn publishable_crates() -> anyhow::Result<Vec<String>> {
    let metadata = metadata()?;
    let members: Vec<&str> =
        metadata["workspace_members"].as_array().into_iter().flatten().filter_map(|m| m.as_str()).collect();
    Ok(packages(&metadata)
        .filter(|p| p["id"].as_str().is_some_and(|id| members.contains(&id)))
        // `publish` is null (anywhere) or the registries allowed; `[]` is `publish = false`.
        .filter(|p| p["publish"].as_array().is_none_or(|registries| !registries.is_empty()))
        .filter_map(|p| p["name"].as_str().map(str::to_owned))
        .collect())
}

fn packages(metadata: &serde_json::Value) -> impl Iterator<Item = &serde_json::Value> {
    metadata["packages"].as_array().into_iter().flatten()
}

/// Locked packages that need a newer Rust than `msrv`.
fn lockfile_problems(metadata: &serde_json::Value, msrv: &Version) -> Vec<String> {
    packages(metadata)
        .filter_map(|p| {
            let needs = Version::parse(p["rust_version"].as_str()?)?;
            let (name, version) = (p["name"].as_str()?, p["version"].as_str()?);
            (needs > *msrv).then(|| {
                format!(
                    "Cargo.lock pins {name} {version}, which needs Rust {needs}, newer than the declared rust-version {msrv}: pin an older one (`cargo update -p {name} --precise <version>`, or the package that pulls it in)"
                )
            })
        })
        .collect()
}

/// What the Dockerfile must say for its build to be the one CI checks.
fn dockerfile_problems(dockerfile: &str, msrv: &Version) -> Vec<String> {
    let mut problems = Vec::new();
    let froms: Vec<&str> = dockerfile
        .lines()
        .filter_map(|line| line.trim().strip_prefix("FROM ").or_else(|| line.trim().strip_prefix("from ")))
        .filter_map(|rest| rest.split_whitespace().next())
        .collect();
    if froms.is_empty() {
        problems.push("deploy/Dockerfile has no FROM line".to_owned());
    }
    for image in &froms {
        // `registry.host/...`: podman and buildah refuse short names without a search list.
        let registry = image.split('/').next().unwrap_or("");
        if !image.contains('/') || !(registry.contains('.') || registry.contains(':')) {
            problems.push(format!(
                "deploy/Dockerfile uses the short image name `{image}`: write it fully qualified (docker.io/library/…) so podman and buildah build it too"
            ));
        }
    }
    let rust = froms.iter().find_map(|image| image.split_once("/rust:").map(|(_, tag)| tag));
    match rust {
        Some(tag) if tag.split('-').next().and_then(Version::parse) == Some(*msrv) => {}
        Some(tag) => problems.push(format!(
            "deploy/Dockerfile builds with rust:{tag}, but the declared rust-version is {msrv}: build with the declared minimum"
        )),
        None => problems.push("deploy/Dockerfile has no rust build stage".to_owned()),
    }
    if !dockerfile.contains("--locked") {
        problems.push("deploy/Dockerfile's cargo build lacks --locked: build what Cargo.lock pins".to_owned());
    }
    problems
}

/// `major.minor[.patch]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Version(u32, u32, u32);

impl Version {
    fn parse(text: &str) -> Option<Self> {
        let mut parts = text.trim().split('.').map(|p| p.parse::<u32>());
        let major = parts.next()?.ok()?;
        let minor = parts.next().unwrap_or(Ok(0)).ok()?;
        let patch = parts.next().unwrap_or(Ok(0)).ok()?;
        Some(Version(major, minor, patch))
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.2 == 0 { write!(f, "{}.{}", self.0, self.1) } else { write!(f, "{}.{}.{}", self.0, self.1, self.2) }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a test fails by panicking")]
mod tests {
    use super::*;

    fn package(name: &str, rust_version: Option<&str>) -> serde_json::Value {
        serde_json::json!({ "name": name, "version": "1.0.0", "id": name, "rust_version": rust_version })
    }

    #[test]
    fn a_locked_package_that_needs_a_newer_rust_is_named_with_the_fix() {
        let metadata = serde_json::json!({
            "packages": [package("parking_lot", Some("1.95")), package("old", Some("1.70")), package("any", None)],
        });
        let problems = lockfile_problems(&metadata, &Version(1, 88, 0));
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("parking_lot 1.0.0, which needs Rust 1.95") && problems[0].contains("--precise"));
    }

    #[test]
    fn short_image_names_and_a_rust_other_than_the_minimum_are_refused() {
        let msrv = Version(1, 88, 0);
        let bad = "FROM rust:1.95-bookworm AS build\nRUN cargo build --release\nFROM debian:bookworm-slim\n";
        let problems = dockerfile_problems(bad, &msrv);
        assert_eq!(problems.len(), 4, "{problems:?}");
        let good = "FROM docker.io/library/rust:1.88-bookworm AS build\nRUN cargo build --release --locked\nFROM docker.io/library/debian:bookworm-slim\n";
        assert!(dockerfile_problems(good, &msrv).is_empty());
    }

    #[test]
    fn this_workspace_passes_its_own_check() {
        let metadata = metadata().unwrap();
        let msrv = workspace_rust_version(&metadata).unwrap();
        assert!(lockfile_problems(&metadata, &msrv).is_empty(), "{:?}", lockfile_problems(&metadata, &msrv));
        let dockerfile = std::fs::read_to_string(workspace_root().join("deploy/Dockerfile")).unwrap();
        assert!(dockerfile_problems(&dockerfile, &msrv).is_empty(), "{:?}", dockerfile_problems(&dockerfile, &msrv));
    }
}
