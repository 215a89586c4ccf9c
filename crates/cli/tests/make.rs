//! `knexrs migrate make`, `knexrs make` and `knexrs seed make` as a user runs
//! them: the `knexrs` binary in a project folder, no build and no database.

#![allow(clippy::unwrap_used, reason = "a test fails by panicking")]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A Cargo project with a `migrations/` folder, in a folder of its own.
struct Project(PathBuf);

impl Project {
    fn new(label: &str) -> Project {
        let root = std::env::temp_dir().join(format!("knexrs-cli-make-{label}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("src")).unwrap();
        std::fs::create_dir_all(root.join("migrations")).unwrap();
        std::fs::write(root.join("Cargo.toml"), "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2024\"\n")
            .unwrap();
        std::fs::write(root.join("src/main.rs"), "fn main() {}\n").unwrap();
        Project(root)
    }

    fn knexrs(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_knexrs")).args(args).current_dir(&self.0).output().unwrap()
    }

    /// The file a `Created …: <path>` line names, read.
    fn created(&self, out: &Output, line: &str) -> String {
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
        let path =
            stdout.lines().find_map(|l| l.strip_prefix(line)).unwrap_or_else(|| panic!("no `{line}` in {stdout}"));
        std::fs::read_to_string(path).unwrap()
    }

    fn migrations(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.0.join("migrations"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".rs"))
            .collect();
        names.sort();
        names
    }
}

impl Drop for Project {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const TEAM_STUB: &str = "//! Migration `{{name}}` (team template).\n\nuse knexrs_migrate::prelude::*;\n\n\
                         pub fn up(schema: &mut SchemaBuilder) {\n    let _ = schema;\n}\n\n\
                         pub fn down(schema: &mut SchemaBuilder) {\n    let _ = schema;\n}\n";

#[test]
fn migrate_make_starts_from_the_migrations_folders_stub_when_there_is_one() {
    let project = Project::new("folder");
    let plain = project.knexrs(&["migrate", "make", "create_users_table"]);
    assert!(project.created(&plain, "Created Migration: ").contains("schema.create_table(\"users\""));
    std::fs::write(project.0.join("migrations/migration.stub"), TEAM_STUB).unwrap();
    let out = project.knexrs(&["migrate", "make", "add_pod_index"]);
    assert_eq!(project.created(&out, "Created Migration: "), TEAM_STUB.replace("{{name}}", "add_pod_index"));
    let out = project.knexrs(&["make", "add-owner-index"]);
    assert!(
        project.created(&out, "Created Migration: ").starts_with("//! Migration `add-owner-index` (team template).")
    );
}

#[test]
fn stub_takes_a_file_of_the_migrations_folder_by_name_or_any_file_by_path() {
    let project = Project::new("option");
    std::fs::write(project.0.join("migrations/create_table.stub"), "// create {{name}}\n").unwrap();
    std::fs::write(project.0.join("alter.stub"), "// alter {{name}}\n").unwrap();
    let by_name = project.knexrs(&["migrate", "make", "create_jobs", "--stub", "create_table.stub"]);
    assert_eq!(project.created(&by_name, "Created Migration: "), "// create create_jobs\n");
    let by_path = project.knexrs(&["make", "alter_jobs", "--stub", "alter.stub"]);
    assert_eq!(project.created(&by_path, "Created Migration: "), "// alter alter_jobs\n");
}

#[test]
fn a_stub_that_cannot_be_read_is_one_line_exit_1_and_nothing_written() {
    let project = Project::new("missing");
    let out = project.knexrs(&["migrate", "make", "add_pod_index", "--stub", "team.stub"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("cannot read the stub team.stub: "), "{stderr}");
    assert!(stderr.contains("give a file's path, or the name of a file in "), "{stderr}");
    assert!(project.migrations().is_empty(), "{:?}", project.migrations());
}

#[test]
fn seed_make_starts_from_the_seeds_folders_stub_or_the_one_given() {
    let project = Project::new("seeds");
    std::fs::create_dir_all(project.0.join("seeds")).unwrap();
    std::fs::write(project.0.join("seeds/seed.stub"), "// seed {{name}}\npub fn seed(schema: &mut SchemaBuilder) {}\n")
        .unwrap();
    let out = project.knexrs(&["seed", "make", "01_users"]);
    assert!(project.created(&out, "Created seed file: ").starts_with("// seed 01_users\n"));
    std::fs::write(project.0.join("fixtures.stub"), "// fixtures {{name}}\n").unwrap();
    let out = project.knexrs(&["seed", "make", "02_jobs", "--stub", "fixtures.stub"]);
    assert_eq!(project.created(&out, "Created seed file: "), "// fixtures 02_jobs\n");
}

#[test]
fn make_without_a_name_prints_its_usage_and_writes_nothing() {
    let project = Project::new("usage");
    for args in [&["migrate", "make"][..], &["make"], &["seed", "make"]] {
        let out = project.knexrs(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains("<NAME>"), "{args:?}: {stderr}");
    }
    assert!(project.migrations().is_empty());
    assert!(!Path::new(&project.0.join("seeds")).exists());
}
