//! `cargo xtask e2e`: what a user does, end to end, in a scratch folder:
//!
//! - `workspace`: copy this workspace, add a migration the README's way
//!   (`migrate make`, fill the stub, `migrate latest`, `schema generate`), and
//!   run the workspace's own tests there: they must keep passing whatever
//!   migrations a user adds.
//! - `template`: a fresh `cargo new` project, `knexrs init` (built from this
//!   tree, depending on it by path), `knexrs migrate make create_users`, the
//!   stub filled in, `cargo xtask migrate latest` on the project's own local
//!   cluster, `schema generate`, a test on `knexrs_testing`, and an async
//!   service given the dependencies the generated `migrations/README.md`
//!   lists, run against the local cluster: all green. Then a workspace with
//!   an xtask of its own, which `knexrs init` extends: its own task and
//!   knexrs's commands both run.

use crate::workspace_root;
use anyhow::{Context as _, bail};
use knexrs_cli::{ClusterName, cluster};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

/// Which scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Scenario {
    /// This workspace with a migration a user added (built in this target folder, whose workspace crates are cleaned afterwards).
    Workspace,
    /// A new project adopting knexrs with `knexrs init`.
    Template,
}

#[derive(Debug, clap::Args)]
pub(crate) struct E2eArgs {
    /// The scenarios to run (all by default)
    #[arg(value_enum)]
    scenarios: Vec<Scenario>,
    /// How many test binaries the copy's suite runs at once (`cargo xtask test --binaries-at-once`)
    #[arg(long, value_name = "N", default_value_t = 1)]
    binaries_at_once: usize,
}

pub(crate) fn run(args: &E2eArgs) -> anyhow::Result<ExitCode> {
    // The template first: it runs the `knexrs` binary of this tree, which the
    // workspace scenario's cleaning would make the next build compile again.
    let scenarios =
        if args.scenarios.is_empty() { vec![Scenario::Template, Scenario::Workspace] } else { args.scenarios.clone() };
    for scenario in scenarios {
        match scenario {
            Scenario::Workspace => workspace_with_a_user_migration(args.binaries_at_once)?,
            Scenario::Template => new_project_with_knexrs_init()?,
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The file `make` (`command`) said it created.
fn created_migration(made: &str, command: &str) -> anyhow::Result<PathBuf> {
    made.lines()
        .find_map(|line| line.strip_prefix("Created Migration: "))
        .map(PathBuf::from)
        .with_context(|| format!("{command} printed no `Created Migration:` line"))
}

fn expect(output: &str, text: &str) -> anyhow::Result<()> {
    if output.contains(text) { Ok(()) } else { bail!("expected `{text}` in:\n{output}") }
}

/// A scratch folder, removed when dropped.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Removes the workspace members' build artifacts when dropped (`cargo clean --workspace`).
struct CleanWorkspaceArtifacts {
    root: PathBuf,
    target: PathBuf,
}

impl Drop for CleanWorkspaceArtifacts {
    fn drop(&mut self) {
        let cleaned = knexrs_cli::cargo()
            .args(["clean", "--workspace", "--quiet"])
            .current_dir(&self.root)
            .env("CARGO_TARGET_DIR", &self.target)
            .status();
        if !matches!(cleaned, Ok(status) if status.success()) {
            eprintln!("warning: `cargo clean --workspace` failed: run it before the next build of this workspace");
        }
    }
}

/// Prints a step with the time since the scenarios began, so CI's log shows where the minutes go.
fn step(what: &str) {
    static STARTED: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    let seconds = STARTED.get_or_init(std::time::Instant::now).elapsed().as_secs();
    eprintln!("[e2e +{}:{:02}] {what}", seconds / 60, seconds % 60);
}

/// Runs `command`, failing with its output when it fails; returns its stdout.
fn ok(command: &mut Command, what: &str) -> anyhow::Result<String> {
    ok_with_stderr(command, what).map(|(stdout, _)| stdout)
}

/// [`ok`], with what the command wrote to stderr as well (cargo's lines).
fn ok_with_stderr(command: &mut Command, what: &str) -> anyhow::Result<(String, String)> {
    step(what);
    let out = command.output().with_context(|| format!("running {what}"))?;
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr));
    if !out.status.success() {
        bail!("{what} failed ({}):\n{stdout}{stderr}", out.status);
    }
    Ok((stdout, stderr.into_owned()))
}

fn workspace_with_a_user_migration(binaries_at_once: usize) -> anyhow::Result<()> {
    let root = workspace_root();
    let scratch = Scratch(std::env::temp_dir().join(format!("knexrs-e2e-workspace-{}", std::process::id())));
    copy_sources(&root, &scratch.0)?;
    // The test cluster's scratch database for `migrate latest`: nothing of the user's dev database is touched.
    let target = crate::project().target_dir();
    // Cargo names a workspace's own artifacts the same wherever the workspace
    // lives: the copy's newer sources rebuild them into our target folder, and
    // some then point at the copy (a test's `env!("CARGO_MANIFEST_DIR")`, the
    // migration registry's paths), which cargo does not notice. Cleaned when the
    // scenario ends, passed or not, so this tree's next build makes its own.
    let _ours_rebuilt_next = CleanWorkspaceArtifacts { root: root.clone(), target: target.clone() };
    let test_cluster = cluster(&crate::project(), ClusterName::Test)?;
    let port = test_cluster.start()?;
    let database = format!("knexrs_e2e_{}", std::process::id());
    test_cluster.ensure_database(port, &database)?;
    let url = test_cluster.url(port, &database);
    let cargo_xtask = |args: &[&str]| {
        let mut command = knexrs_cli::cargo();
        // Our target folder: every dependency is built already. The copy's
        // clusters are ours too: its test cluster is the one started below.
        command.arg("xtask").args(args).current_dir(&scratch.0).env("CARGO_TARGET_DIR", &target);
        command.env("DATABASE_URL", &url).env_remove("KNEXRS_ENV").env_remove("NODE_ENV");
        command
    };
    let first = ok(&mut cargo_xtask(&["migrate", "latest"]), "cargo xtask migrate latest (the migrations as cloned)")?;
    expect(&first, "Batch 1 run: ")?;
    let made = ok(&mut cargo_xtask(&["migrate", "make", "add-pod-index"]), "cargo xtask migrate make add-pod-index")?;
    let path = created_migration(&made, "`migrate make`")?;
    // The README's next step: fill the stub.
    std::fs::write(
        &path,
        "//! Index sessions by pod.\n\nuse knexrs_migrate::prelude::*;\n\n\
         pub fn up(schema: &mut SchemaBuilder) {\n    schema.alter_table(\"sessions\", |t| {\n        t.text(\"pod_zone\");\n        t.index(\"pod_name\").name(\"idx_sessions_pod\");\n    });\n}\n\n\
         pub fn down(schema: &mut SchemaBuilder) {\n    schema.alter_table(\"sessions\", |t| {\n        t.drop_index(\"pod_name\").name(\"idx_sessions_pod\");\n        t.drop_column(\"pod_zone\");\n    });\n}\n",
    )?;
    let latest = ok(&mut cargo_xtask(&["migrate", "latest"]), "cargo xtask migrate latest")?;
    expect(&latest, "Batch 2 run: 1 migrations")?;
    expect(&latest, "_add-pod-index (")?;
    let rollback = ok(&mut cargo_xtask(&["migrate", "rollback"]), "cargo xtask migrate rollback")?;
    expect(&rollback, "Batch 2 rolled back: 1 migrations")?;
    let status = ok(&mut cargo_xtask(&["migrate", "status"]), "cargo xtask migrate status")?;
    expect(&status, "Found 1 Pending Migration file/files.")?;
    ok(&mut cargo_xtask(&["migrate", "latest"]), "cargo xtask migrate latest (again)")?;
    ok(&mut cargo_xtask(&["schema", "generate"]), "cargo xtask schema generate")?;
    let mut drop = knexrs_connect::ConnectConfig::from_url(&test_cluster.url(port, "postgres"))?.connect()?;
    drop.batch_execute(&format!("drop database if exists \"{database}\" with (force)"))?;
    let mut test = cargo_xtask(&["test", "--binaries-at-once", &binaries_at_once.to_string()]);
    test.env_remove("DATABASE_URL");
    let tested = ok(&mut test, "cargo xtask test (the copy's whole suite, with the user's migration)");
    // The test cluster stops with the scenario, passed or not.
    let _ = cargo_xtask(&["db", "stop", "--cluster", "test"]).output();
    tested?;
    step("the workspace's tests pass with a migration a user added");
    Ok(())
}

/// The new projects' debug information, as this workspace's own builds have
/// it: `cargo new` leaves the dev profile's full debug information, and
/// compiling every dependency with it made the scenario's builds, most of its
/// time, a fifth slower. Nothing the scenario checks depends on it.
const LINE_TABLES_ONLY: [(&str, &str); 1] = [("CARGO_PROFILE_DEV_DEBUG", "line-tables-only")];

fn new_project_with_knexrs_init() -> anyhow::Result<()> {
    let root = workspace_root();
    ok(
        knexrs_cli::cargo().args(["build", "-p", "knexrs-cli", "--bin", "knexrs"]).current_dir(&root),
        "cargo build -p knexrs-cli (the knexrs binary, from this tree)",
    )?;
    let knexrs = crate::project().target_dir().join("debug/knexrs");
    let scratch = Scratch(std::env::temp_dir().join(format!("knexrs-e2e-template-{}", std::process::id())));
    std::fs::create_dir_all(&scratch.0)?;
    // A target folder of its own, kept between runs (the project's clusters live there too).
    let target = root.join("target/e2e-template");
    let app = scratch.0.join("app");
    let in_app = |mut command: Command| {
        command.current_dir(&app).env("CARGO_TARGET_DIR", &target).envs(LINE_TABLES_ONLY);
        for var in ["DATABASE_URL", "KNEXRS_TEST_DATABASE_URL", "KNEXRS_ENV", "NODE_ENV", "DB_HOST"] {
            command.env_remove(var);
        }
        command
    };
    ok(
        knexrs_cli::cargo().args(["new", "--bin", "--vcs", "none", "app"]).current_dir(&scratch.0),
        "cargo new --bin app",
    )?;
    let init = ok(
        in_app(Command::new(&knexrs)).args(["init", "--knexrs-path"]).arg(&root),
        "knexrs init --knexrs-path <this tree>",
    )?;
    expect(&init, "create migrations/lib.rs")?;
    expect(&init, "create seeds/README.md")?;
    let made = ok(
        in_app(Command::new(&knexrs)).args(["migrate", "make", "create_users"]),
        "knexrs migrate make create_users",
    )?;
    let path = created_migration(&made, "`knexrs migrate make`")?;
    std::fs::write(
        &path,
        "//! The application's users.\n\nuse knexrs_migrate::prelude::*;\n\n\
         pub fn up(schema: &mut SchemaBuilder) {\n    schema.create_table(\"users\", |t| {\n        t.increments(\"id\");\n        t.string(\"email\").not_nullable().unique();\n        t.timestamps_with(true, true);\n    });\n}\n\n\
         pub fn down(schema: &mut SchemaBuilder) {\n    schema.drop_table_if_exists(\"users\");\n}\n",
    )?;
    // The kept target folder also holds the clusters of earlier runs, whose
    // databases recorded a `create_users` of another timestamp: start from none.
    for cluster in ["dev", "test"] {
        ok(
            in_app(knexrs_cli::cargo()).args(["xtask", "db", "stop", "--cluster", cluster]),
            "cargo xtask db stop (an earlier run's)",
        )?;
    }
    match std::fs::remove_dir_all(target.join("knexrs-pg")) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e.into()),
        _ => {}
    }
    let latest = ok(
        in_app(knexrs_cli::cargo()).args(["xtask", "migrate", "latest"]),
        "cargo xtask migrate latest (the project's own local cluster)",
    )?;
    expect(&latest, "Batch 1 run: 1 migrations")?;
    expect(&latest, "_create_users (")?;
    // Nothing changed since: the migrations crate is not built again.
    let (_, built) = ok_with_stderr(
        in_app(knexrs_cli::cargo()).args(["xtask", "migrate", "status"]),
        "cargo xtask migrate status (builds nothing)",
    )?;
    if built.contains("Compiling") {
        bail!("cargo xtask migrate status built again with nothing changed:\n{built}");
    }
    let linted = ok(
        in_app(knexrs_cli::cargo()).args(["xtask", "migrate", "lint", "--all"]),
        "cargo xtask migrate lint --all (what each migration locks and rewrites)",
    )?;
    expect(&linted, "Linted 1 migration: 0 errors, 0 warnings")?;
    let drift = ok(
        in_app(knexrs_cli::cargo()).args(["xtask", "migrate", "drift"]),
        "cargo xtask migrate drift (the database against what its migrations build)",
    )?;
    expect(&drift, "The database's schema is what its 1 applied migrations build")?;
    // Seeds the knex way: `seed make` writes the file without a build, `seed run` runs it once.
    let made = ok(in_app(Command::new(&knexrs)).args(["seed", "make", "01_users"]), "knexrs seed make 01_users")?;
    expect(&made, "Created seed file: ")?;
    std::fs::write(
        app.join("seeds/01_users.rs"),
        "//! A user to log in with.\n\nuse knexrs_migrate::prelude::*;\n\n\
         pub fn seed(schema: &mut SchemaBuilder) {\n    let mut ada = Insert::into(\"users\");\n    \
         ada.set(\"email\", \"ada@example.com\");\n    schema.query(&ada);\n}\n",
    )?;
    let seeded = ok(in_app(Command::new(&knexrs)).args(["seed", "run"]), "knexrs seed run")?;
    expect(&seeded, "Ran 1 seed files")?;
    let again = ok(in_app(Command::new(&knexrs)).args(["seed", "run"]), "knexrs seed run (again)")?;
    expect(&again, "Skipped 01_users: already run with this source")?;
    ok(in_app(knexrs_cli::cargo()).args(["xtask", "schema", "generate"]), "cargo xtask schema generate")?;
    service_as_migrations_readme_says(&app, || in_app(knexrs_cli::cargo()))?;
    // A test of the application's own, on a database of its own.
    let manifest = app.join("Cargo.toml");
    let mut text = std::fs::read_to_string(&manifest)?;
    text.push_str(&format!(
        "\n[dev-dependencies]\nmigrations = {{ path = \"migrations\" }}\nknexrs-testing = {{ path = {:?} }}\nknexrs-query = {{ path = {:?}, features = [\"sync\"] }}\n",
        root.join("crates/testing").display().to_string(),
        root.join("crates/query").display().to_string()
    ));
    std::fs::write(&manifest, text)?;
    std::fs::create_dir_all(app.join("tests"))?;
    std::fs::write(
        app.join("tests/users.rs"),
        "use knexrs_query::{Executor, FromRow, Insert, Table};\nuse migrations::tables::users::{self, Users};\n\n\
         #[derive(FromRow)]\nstruct Email {\n    email: String,\n}\n\n\
         #[test]\nfn a_user_is_stored_and_found_by_email() {\n    \
         let db = knexrs_testing::TestDatabase::migrated(&migrations::migrator().unwrap()).unwrap();\n    \
         let mut conn = knexrs_query::Connection::new(db.connect().unwrap());\n    \
         let mut insert = Insert::into(\"users\");\n    insert.set(\"email\", \"ada@example.com\");\n    \
         conn.execute(&insert).unwrap();\n    \
         let mut query = Users::select();\n    query.filter(users::EMAIL.eq(\"ada@example.com\"));\n    \
         let found: Vec<users::UsersRow> = conn.fetch_all(&query).unwrap();\n    \
         assert_eq!(found.len(), 1);\n    \
         let emails: Vec<Email> = conn.fetch_all(&knexrs_query::table(\"users\")).unwrap();\n    \
         assert_eq!(emails[0].email, \"ada@example.com\");\n}\n",
    )?;
    let tested = ok(in_app(knexrs_cli::cargo()).args(["xtask", "test"]), "cargo xtask test (the project's tests)")?;
    expect(&tested, "test a_user_is_stored_and_found_by_email ... ok")?;
    // The tests knexrs init wrote: every migration applies, each down undoes its up, none blocks a table in use.
    expect(&tested, "test every_migration_applies_on_a_fresh_database ... ok")?;
    expect(&tested, "test every_migrations_down_undoes_its_up ... ok")?;
    expect(&tested, "test no_migration_blocks_a_table_in_use ... ok")?;
    a_copy_of_the_project_migrates_its_own_migrations(&app, &target, || in_app(knexrs_cli::cargo()))?;
    step(
        "a new project adopted knexrs with knexrs init: migrated, seeded, typed tables generated, its service runs, its test passes, a copy of it migrates its own",
    );
    let extended = an_xtask_of_its_own_extended_by_knexrs_init(&knexrs, &target, &scratch.0);
    let _ = in_app(knexrs_cli::cargo()).args(["xtask", "db", "stop"]).output();
    let _ = in_app(knexrs_cli::cargo()).args(["xtask", "db", "stop", "--cluster", "test"]).output();
    extended
}

/// The project copied with its build (`cp -a`, the target folder shared, as
/// a team starts a service from another): a migration added in the copy is
/// the copy's, on a database of its own. The migrations crate's build script
/// names its folder relative to the crate: a path compiled into it (cargo
/// does not rebuild a build script when its project moves) kept reading the
/// original's folder, and the copy's migration was never applied.
fn a_copy_of_the_project_migrates_its_own_migrations(
    app: &Path,
    target: &Path,
    cargo: impl Fn() -> Command,
) -> anyhow::Result<()> {
    let copy = app.with_file_name("app-copy");
    ok(Command::new("cp").arg("-a").arg(app).arg(&copy), "cp -a app app-copy (the project with its build)")?;
    let url = ok(cargo().args(["xtask", "db", "url"]), "cargo xtask db url")?;
    let (server, _) = url.trim().rsplit_once('/').context("`cargo xtask db url` printed no database")?;
    let mut admin = knexrs_connect::ConnectConfig::from_url(&format!("{server}/postgres"))?.connect()?;
    admin.batch_execute("drop database if exists app_copy with (force)")?;
    admin.batch_execute("create database app_copy")?;
    let in_copy = |args: &[&str]| {
        let mut command = cargo();
        command.current_dir(&copy).env("CARGO_TARGET_DIR", target).env("DATABASE_URL", format!("{server}/app_copy"));
        command.arg("xtask").args(args);
        command
    };
    let made = ok(
        &mut in_copy(&["migrate", "make", "add_user_name"]),
        "cargo xtask migrate make add_user_name (in the copy)",
    )?;
    let path = created_migration(&made, "`migrate make` in the copy")?;
    if !path.starts_with(&copy) {
        bail!("`migrate make` in the copy wrote {} outside it", path.display());
    }
    std::fs::write(
        &path,
        "//! The users' names.\n\nuse knexrs_migrate::prelude::*;\n\n\
         pub fn up(schema: &mut SchemaBuilder) {\n    schema.alter_table(\"users\", |t| {\n        t.text(\"name\");\n    });\n}\n\n\
         pub fn down(schema: &mut SchemaBuilder) {\n    schema.alter_table(\"users\", |t| {\n        t.drop_column(\"name\");\n    });\n}\n",
    )?;
    let latest =
        ok(&mut in_copy(&["migrate", "latest"]), "cargo xtask migrate latest (in the copy, on a database of its own)")?;
    expect(&latest, "Batch 1 run: 2 migrations")?;
    expect(&latest, "_add_user_name (")?;
    admin.batch_execute("drop database if exists app_copy with (force)")?;
    Ok(())
}

/// A workspace whose xtask is its own (a `hello` task, arguments read by
/// hand): `knexrs init` extends it, the xtask's task still runs, and
/// `cargo xtask migrate …` is knexrs's, exit codes included. Shares the
/// template's target folder (its dependencies are built) and dev cluster
/// (running: the template's service used it).
fn an_xtask_of_its_own_extended_by_knexrs_init(knexrs: &Path, target: &Path, scratch: &Path) -> anyhow::Result<()> {
    let team = scratch.join("team");
    let in_team = |mut command: Command| {
        command.current_dir(&team).env("CARGO_TARGET_DIR", target).envs(LINE_TABLES_ONLY);
        for var in ["DATABASE_URL", "KNEXRS_TEST_DATABASE_URL", "KNEXRS_ENV", "NODE_ENV", "DB_HOST"] {
            command.env_remove(var);
        }
        command
    };
    ok(
        knexrs_cli::cargo().args(["new", "--bin", "--vcs", "none", "team"]).current_dir(scratch),
        "cargo new --bin team",
    )?;
    std::fs::create_dir_all(team.join("xtask/src"))?;
    std::fs::create_dir_all(team.join(".cargo"))?;
    std::fs::write(
        team.join("xtask/Cargo.toml"),
        "[package]\nname = \"xtask\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\n",
    )?;
    std::fs::write(
        team.join("xtask/src/main.rs"),
        "//! The team's own tasks.\n\nuse std::process::ExitCode;\n\n\
         fn main() -> ExitCode {\n    match std::env::args().nth(1).as_deref() {\n        \
         Some(\"hello\") => {\n            println!(\"hello from the team's xtask\");\n            ExitCode::SUCCESS\n        }\n        \
         other => {\n            eprintln!(\"no task {other:?}\");\n            ExitCode::from(2)\n        }\n    }\n}\n",
    )?;
    std::fs::write(team.join(".cargo/config.toml"), "[alias]\nxtask = \"run --package xtask --\"\n")?;
    let manifest = team.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest)? + "\n[workspace]\nmembers = [\"xtask\"]\n";
    std::fs::write(&manifest, text)?;
    let root = workspace_root();
    let init = ok(
        in_team(Command::new(knexrs)).args(["init", "--knexrs-path"]).arg(&root),
        "knexrs init --knexrs-path <this tree> (a workspace with an xtask of its own)",
    )?;
    expect(&init, "edit xtask/Cargo.toml: add [\"knexrs-cli\", \"migrations\"] to its dependencies")?;
    expect(&init, "create xtask/src/knexrs_commands.rs")?;
    expect(&init, "edit xtask/src/main.rs: run knexrs's commands first")?;
    expect(&init, "skip .cargo/config.toml: it already has an `xtask` alias")?;
    let hello = ok(in_team(knexrs_cli::cargo()).args(["xtask", "hello"]), "cargo xtask hello (the team's own task)")?;
    expect(&hello, "hello from the team's xtask")?;
    let made = ok(
        in_team(Command::new(knexrs)).args(["migrate", "make", "create_tasks"]),
        "knexrs migrate make create_tasks",
    )?;
    let path = created_migration(&made, "`knexrs migrate make`")?;
    std::fs::write(
        &path,
        "//! The team's tasks.\n\nuse knexrs_migrate::prelude::*;\n\n\
         pub fn up(schema: &mut SchemaBuilder) {\n    schema.create_table(\"tasks\", |t| {\n        t.increments(\"id\");\n        t.string(\"title\").not_nullable();\n    });\n}\n\n\
         pub fn down(schema: &mut SchemaBuilder) {\n    schema.drop_table_if_exists(\"tasks\");\n}\n",
    )?;
    // A database of its own on the running dev cluster.
    let url = ok(
        in_team(knexrs_cli::cargo()).args(["xtask", "db", "url"]),
        "cargo xtask db url (knexrs's, through the team's xtask)",
    )?;
    let (server, _) = url.trim().rsplit_once('/').context("`db url` printed no URL")?;
    let mut admin = knexrs_connect::ConnectConfig::from_url(&format!("{server}/postgres"))?.connect()?;
    admin.batch_execute("drop database if exists knexrs_e2e_team with (force)")?;
    admin.batch_execute("create database knexrs_e2e_team")?;
    let database_url = format!("{server}/knexrs_e2e_team");
    let migrate = |args: &[&str]| {
        let mut command = in_team(knexrs_cli::cargo());
        command.args(["xtask", "migrate"]).args(args).env("DATABASE_URL", &database_url);
        command
    };
    let latest = ok(&mut migrate(&["latest"]), "cargo xtask migrate latest (through the team's xtask)")?;
    expect(&latest, "Batch 1 run: 1 migrations")?;
    ok(&mut migrate(&["status", "--exit-code"]), "cargo xtask migrate status --exit-code (up to date: exit 0)")?;
    // The exit code of knexrs's command is the process's: 2 for a usage error, as clap's.
    let usage = migrate(&["sideways"]).output()?;
    if usage.status.code() != Some(2) {
        bail!("`cargo xtask migrate sideways` exited with {} instead of 2", usage.status);
    }
    admin.batch_execute("drop database knexrs_e2e_team with (force)")?;
    step("an xtask of the team's own, extended by knexrs init: its task runs, and so do knexrs's commands");
    Ok(())
}

/// The project's own binary, an async service, given the dependencies
/// `migrations/README.md` (written by `knexrs init`) lists, run the way it
/// says against the local cluster: it migrates at start-up, then writes and
/// reads through the typed tables.
fn service_as_migrations_readme_says(app: &Path, cargo: impl Fn() -> Command) -> anyhow::Result<()> {
    let readme = std::fs::read_to_string(app.join("migrations/README.md"))?;
    let dependencies = readme
        .split_once("```toml\n[dependencies]\n")
        .and_then(|(_, rest)| rest.split_once("```"))
        .map(|(lines, _)| lines)
        .context("migrations/README.md has no ```toml [dependencies] block")?;
    let manifest = app.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest)?;
    let text = text.replacen(
        "[dependencies]\n",
        &format!("[dependencies]\n{dependencies}tokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }}\n"),
        1,
    );
    std::fs::write(&manifest, text)?;
    std::fs::write(
        app.join("src/main.rs"),
        "use knexrs::connect::{ConnectConfig, Environment};\nuse knexrs::query::{AsyncDb, Insert, Table};\n\
         use migrations::tables::users::{self, Users, UsersRow};\n\n\
         #[tokio::main]\nasync fn main() -> Result<(), Box<dyn std::error::Error>> {\n    \
         let config = ConnectConfig::from_env(Environment::from_env()?)?.ok_or(\"set DATABASE_URL\")?;\n    \
         migrations::migrator()?.latest_async(&config, &Default::default(), &mut knexrs::migrate::Silent).await?;\n    \
         let db = AsyncDb::connect(&config).await?;\n    \
         let mut insert = Insert::into(\"users\");\n    \
         insert.set(\"email\", \"grace@example.com\").on_conflict(\"email\").ignore().returning(\"id\");\n    \
         let inserted: Vec<(i32,)> = db.fetch_all(&insert).await?;\n    \
         let mut query = Users::select();\n    query.filter(users::EMAIL.eq(\"grace@example.com\"));\n    \
         let found: Vec<UsersRow> = db.fetch_all(&query).await?;\n    \
         println!(\"inserted {} found {}\", inserted.len(), found[0].email);\n    Ok(())\n}\n",
    )?;
    let url = ok(cargo().args(["xtask", "db", "url"]), "cargo xtask db url")?;
    let run = |what| ok(cargo().args(["run", "--quiet", "--bin", "app"]).env("DATABASE_URL", url.trim()), what);
    expect(&run("DATABASE_URL=$(cargo xtask db url) cargo run (the service)")?, "inserted 1 found grace@example.com")?;
    expect(&run("cargo run again (the insert conflicts and is ignored)")?, "inserted 0 found grace@example.com")?;
    Ok(())
}

/// The workspace's sources (what a clone holds), without build output.
fn copy_sources(from: &Path, to: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)?.flatten() {
        let name = entry.file_name();
        if [".git", "target", "bench-out", "benchmarks", "node_modules"].iter().any(|skip| name == *skip) {
            continue;
        }
        let target = to.join(&name);
        if entry.file_type()?.is_dir() {
            copy_sources(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}
