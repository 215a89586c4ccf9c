//! The files `knexrs init` writes.

use anyhow::bail;
use std::path::{Path, PathBuf};

/// The version of the knexrs crates a new project depends on.
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// How the generated crates depend on knexrs: published versions, or a local
/// checkout by path.
pub(crate) struct Deps {
    checkout: Option<PathBuf>,
}

impl Deps {
    pub(crate) fn new(checkout: Option<&Path>) -> anyhow::Result<Self> {
        let checkout = match checkout {
            None => None,
            Some(dir) => {
                let dir = std::path::absolute(dir)?;
                if !dir.join("crates/migrate/Cargo.toml").exists() {
                    bail!(
                        "{} is not a knexrs checkout (no crates/migrate/Cargo.toml): point --knexrs-path at the repository's root",
                        dir.display()
                    );
                }
                Some(dir)
            }
        };
        Ok(Deps { checkout })
    }

    /// The dependency's inline table, e.g. `{ version = "0.1.0", features = ["cli"] }`.
    pub(crate) fn spec(&self, name: &str, features: &[&str]) -> String {
        let source = match &self.checkout {
            // The facade is the checkout's root package; the others are under crates/.
            Some(dir) if name == "knexrs" => format!("path = {:?}", dir.display().to_string()),
            Some(dir) => {
                let folder = name.strip_prefix("knexrs-").unwrap_or(name);
                format!("path = {:?}", dir.join("crates").join(folder).display().to_string())
            }
            None => format!("version = \"{VERSION}\""),
        };
        if features.is_empty() {
            format!("{{ {source} }}")
        } else {
            let list: Vec<String> = features.iter().map(|f| format!("{f:?}")).collect();
            format!("{{ {source}, features = [{}] }}", list.join(", "))
        }
    }
}

fn ident(crate_name: &str) -> String {
    crate_name.replace('-', "_")
}

pub(crate) fn migrations_manifest(crate_name: &str, deps: &Deps) -> String {
    format!(
        r#"[package]
name = "{crate_name}"
description = "The database's migrations, compiled in, and the deployable `migrate` binary"
version = "0.1.0"
edition = "2024"
publish = false
build = "build.rs"

[lib]
path = "lib.rs"

[[bin]]
name = "migrate"
path = "bin/migrate.rs"

[dependencies]
knexrs-migrate = {migrate}
knexrs-connect = {connect}
# The typed tables (schema/tables.rs) decode rows with either executor.
knexrs-query = {query}
clap = {{ version = "4", features = ["derive"] }}

[build-dependencies]
knexrs-embed = {embed}

[dev-dependencies]
# tests/migrations.rs: each test on a fresh database of its own (`cargo xtask test`).
knexrs-testing = {testing}
"#,
        migrate = deps.spec("knexrs-migrate", &["cli"]),
        connect = deps.spec("knexrs-connect", &[]),
        query = deps.spec("knexrs-query", &["sync", "async"]),
        embed = deps.spec("knexrs-embed", &[]),
        testing = deps.spec("knexrs-testing", &[]),
    )
}

pub(crate) const MIGRATIONS_BUILD: &str = r#"//! Compiles every migration file of this folder into the crate, so that
//! `cargo xtask migrate make <name>` then `cargo xtask migrate latest` needs no
//! registration by hand. Several folders (knex `directory: [...]`):
//! `knexrs_embed::embed_migration_folders(&[...], FolderOrder::ByFileName)`.
//!
//! Folders are named relative to this crate's folder, where cargo runs the
//! build script: a path compiled in (`env!("CARGO_MANIFEST_DIR")`) would keep
//! naming the old folder after the workspace is copied with its target folder.

fn main() {
    if let Err(error) = knexrs_embed::embed_migrations(".") {
        panic!("writing the migration registry into OUT_DIR: {error}");
    }
    // The workspace's seeds/ folder (knex's), for `cargo xtask seed run`.
    if let Err(error) = knexrs_embed::embed_seeds("../seeds") {
        panic!("writing the seed registry into OUT_DIR: {error}");
    }
}
"#;

pub(crate) fn migrations_lib(crate_name: &str) -> String {
    let ident = ident(crate_name);
    format!(
        r#"//! The database's migrations. Every `<name>.rs` in this folder (as
//! `cargo xtask migrate make <name>` writes them) is a migration with a
//! `pub fn up` and a `pub fn down`; the build script compiles them in.
//!
//! `tables` holds typed definitions of the migrated tables, written by
//! `cargo xtask schema generate`.
//!
//! ```
//! let migrator = {ident}::migrator().unwrap();
//! println!("{{}} migrations", migrator.migrations().len());
//! ```

use knexrs_migrate::{{MigrateError, Migrator}};

mod registry {{
    #![allow(missing_docs, unreachable_pub)]
    include!(concat!(env!("OUT_DIR"), "/migrations.rs"));
}}

pub use registry::migrations;

#[path = "schema/tables.rs"]
pub mod tables;

/// The migrator over every migration of this folder, checked.
pub fn migrator() -> Result<Migrator, MigrateError> {{
    registry::migrator()
}}

mod seed_registry {{
    #![allow(missing_docs, unreachable_pub)]
    include!(concat!(env!("OUT_DIR"), "/seeds.rs"));
}}

/// The seeds of the workspace's `seeds/` folder (`cargo xtask seed run`), checked.
pub fn seeder() -> Result<knexrs_migrate::Seeder, MigrateError> {{
    seed_registry::seeder()
}}
"#
    )
}

/// `migrations/tests/migrations.rs`: the migrations themselves, tested on a
/// real database from the first `cargo xtask test`.
pub(crate) fn migrations_tests(crate_name: &str) -> String {
    let ident = ident(crate_name);
    format!(
        r#"//! The migrations themselves, each test on a fresh database of its own
//! (`cargo xtask test` starts a local test cluster; `KNEXRS_TEST_DATABASE_URL`
//! points the tests at another server). Tests of your own code get a migrated
//! database the same way: `knexrs_testing::TestDatabase::migrated(&migrator)`.

use knexrs_testing::TestDatabase;

#[test]
fn every_migration_applies_on_a_fresh_database() {{
    let migrator = {ident}::migrator().expect("the migrations folder is valid");
    let db = TestDatabase::migrated(&migrator).expect("every migration applies");
    let status = migrator.status(db.config()).expect("reading the bookkeeping");
    assert!(status.is_up_to_date(), "{{:?}}", status.pending().map(|m| &m.name).collect::<Vec<_>>());
}}

#[test]
fn every_migrations_down_undoes_its_up() {{
    // Each migration's up, down and up again on a throwaway database, the
    // schema compared after each step (`cargo xtask migrate verify` does the same).
    let migrator = {ident}::migrator().expect("the migrations folder is valid");
    let db = TestDatabase::empty().expect("a fresh database");
    let report = migrator.verify(db.config(), &[]).expect("verifying the migrations");
    for (name, verdict) in &report.migrations {{
        assert!(verdict.is_reversible(), "{{name}}: {{verdict}}");
    }}
}}

#[test]
fn no_migration_blocks_a_table_in_use() {{
    // Each migration run statement by statement on a throwaway database, its
    // locks and rewrites read after each (`cargo xtask migrate lint --all` prints them).
    let migrator = {ident}::migrator().expect("the migrations folder is valid");
    let db = TestDatabase::empty().expect("a fresh database");
    let report = migrator.lint(db.config(), &[], &knexrs_migrate::LintOptions::default()).expect("linting the migrations");
    let errors: Vec<String> = report
        .migrations
        .iter()
        .flat_map(|m| m.findings.iter().filter(|f| !f.allowed && f.hazard.severity() == knexrs_migrate::Severity::Error).map(move |f| format!("{{}}: {{f}}", m.name)))
        .collect();
    assert!(report.passes(), "{{errors:#?}}");
}}
"#
    )
}

pub(crate) fn migrations_bin(crate_name: &str) -> String {
    let ident = ident(crate_name);
    format!(
        r#"//! `migrate`: the migrations with the migrate command line, for deployment
//! (a Kubernetes Job or init container runs `migrate latest`). Connects through
//! `DATABASE_URL` or the `DB_*` variables.

use clap::Parser;
use knexrs_connect::ConnectConfig;
use knexrs_migrate::MigrateError;
use knexrs_migrate::cli::{{self, MigrateArgs}};
use std::process::ExitCode;

/// Runs the database migrations.
#[derive(Parser)]
#[command(name = "migrate", version, about)]
struct Cli {{
    #[command(flatten)]
    migrate: MigrateArgs,
}}

fn main() -> ExitCode {{
    let cli = Cli::parse();
    let migrator = {ident}::migrator();
    let connect = |environment| {{
        ConnectConfig::from_env(environment)?.ok_or_else(|| {{
            MigrateError::NotConfigured {{ environment }}
        }})
    }};
    let context = cli::Context {{ migrator: &migrator, migrations_dir: None, connect: &connect }};
    cli::main(&context, &cli.migrate)
}}
"#
    )
}

pub(crate) const EMPTY_TABLES: &str = r#"//! The database's tables as typed definitions, generated from the migrated
//! database by `cargo xtask schema generate`: do not edit by hand; run it
//! again after adding a migration (`cargo xtask schema generate --check` fails
//! while this file is stale). No table yet.
"#;

pub(crate) const SEEDS_README: &str = r#"# Seeds

Development and test data, as knex's `seeds/` folder holds it:
`knexrs seed make <name>` writes `seeds/<name>.rs` with a
`pub fn seed(schema: &mut SchemaBuilder)`, and `cargo xtask seed run` runs the
seeds in name order, each in a transaction of its own. Unlike knex, runs are
recorded: a seed already run with the same source is skipped (`--force` runs it
again), a changed one runs again, and `cargo xtask seed status` lists them.
Seeds refuse to run in `production` unless `--allow-production`. A
`seed.stub` here is the template new seeds start from (`{{name}}` in it
becomes the seed's name).

Keep this folder, even empty: the migrations crate's build script compiles the
seeds in from here.
"#;

pub(crate) fn migrations_readme(crate_name: &str, deps: &Deps) -> String {
    let knexrs = deps.spec("knexrs", &["async"]);
    let ident = ident(crate_name);
    format!(
        r#"# Migrations

Knex-style migrations in Rust, run by [knexrs](https://github.com/knexrs/knexrs).

```sh
cargo xtask migrate make create_users     # writes migrations/YYYYMMDDHHMMSS_create_users.rs
cargo xtask migrate latest                # applies what is pending (a local PostgreSQL starts when DATABASE_URL is unset)
cargo xtask migrate rollback              # undoes the last batch
cargo xtask migrate status                # lists applied and pending migrations
cargo xtask migrate lint                  # what each pending migration would lock or rewrite on a database in use
cargo xtask migrate drift                 # whether the database's schema is what its applied migrations build
cargo xtask schema generate               # typed tables in migrations/schema/tables.rs
cargo xtask test                          # the workspace's tests on a local test cluster
```

A migration is a file with `pub fn up` and `pub fn down`; the build script
compiles every one in. A `migration.stub` here is the team's template for new
ones (`{{{{name}}}}` in it becomes the migration's name; `make --stub <file>` picks
another, as knex's `--stub` does). `knexrs migrate …` does the same as `cargo xtask migrate …`
from anywhere in the workspace. Deploy with `deploy/Dockerfile` (the `migrate`
binary) and `deploy/k8s/migrate-job.yaml`.

## From your own code

The crate that queries the database (a service, a job) depends on the query
builder and on this crate, for its typed tables (`{ident}::tables`) and
`{ident}::migrator()`:

```toml
[dependencies]
knexrs = {knexrs}   # "sync" for the blocking executor
{crate_name} = {{ path = "migrations" }}   # the path from that crate to this folder
```

```sh
DATABASE_URL=$(cargo xtask db url) cargo run   # against the local cluster `cargo xtask migrate latest` started
```
"#
    )
}

pub(crate) fn xtask_manifest(crate_name: &str, deps: &Deps) -> String {
    format!(
        r#"[package]
name = "xtask"
description = "cargo xtask: migrations, the local PostgreSQL clusters, typed tables and tests"
version = "0.1.0"
edition = "2024"
publish = false

[dependencies]
knexrs-cli = {cli}
{crate_name} = {{ path = "../migrations" }}
clap = {{ version = "4", features = ["derive"] }}
"#,
        cli = deps.spec("knexrs-cli", &[]),
    )
}

pub(crate) fn xtask_main(crate_name: &str) -> String {
    let ident = ident(crate_name);
    format!(
        r#"//! `cargo xtask`: this workspace's commands (migrations, the local
//! PostgreSQL clusters, typed tables, tests), over knexrs-cli.

use clap::Parser;
use std::path::Path;

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Migrations, the local PostgreSQL clusters, typed tables and tests")]
struct Cli {{
    #[command(subcommand)]
    command: knexrs_cli::WorkspaceCommand,
}}

fn main() -> std::process::ExitCode {{
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = manifest.parent().unwrap_or(manifest);
    let mut project = knexrs_cli::Project::new(root, {ident}::migrator());
    project.set_seeder({ident}::seeder());
    knexrs_cli::run_workspace(&project, Cli::parse().command)
}}
"#
    )
}

/// `xtask/src/knexrs_commands.rs`, for an xtask the workspace already has.
pub(crate) fn xtask_commands_module(crate_name: &str) -> String {
    let ident = ident(crate_name);
    format!(
        r#"//! knexrs's commands in this xtask (added by `knexrs init`): `cargo xtask
//! migrate|db|seed|schema …` are knexrs's, with this workspace's migrations
//! compiled in from the `{crate_name}` crate; every other command stays this xtask's.

/// The commands knexrs answers. Add "test" to run the workspace's tests on
/// knexrs's local test cluster, unless this xtask has a `test` of its own.
const COMMANDS: &[&str] = &["migrate", "db", "seed", "schema"];

/// When the first argument is one of [`COMMANDS`], runs that knexrs command
/// and exits with its exit code; returns otherwise.
pub fn run_if_asked() {{
    knexrs_cli::exit_if_workspace_command(COMMANDS, || {{
        let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut project = knexrs_cli::Project::new(manifest.parent().unwrap_or(manifest), {ident}::migrator());
        project.set_seeder({ident}::seeder());
        project
    }});
}}
"#
    )
}

pub(crate) const CARGO_CONFIG: &str = r#"[alias]
xtask = "run --package xtask --"
"#;

pub(crate) fn dockerfile(crate_name: &str) -> String {
    format!(
        r#"# The `migrate` binary, with every migration compiled in.
#
#   podman build -f deploy/Dockerfile -t migrate .      # or docker build, from the workspace root
#   podman run --rm -e DATABASE_URL=postgres://… migrate latest
#
# Build with the Rust your workspace needs (knexrs needs 1.88 or newer).

FROM docker.io/library/rust:1.88-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked -p {crate_name} --bin migrate \
    && strip target/release/migrate

FROM docker.io/library/debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin migrate
COPY --from=build /src/target/release/migrate /usr/local/bin/migrate
USER 10001:10001
# TLS required and verified unless DATABASE_URL says otherwise (sslmode=…).
ENV KNEXRS_ENV=production
ENTRYPOINT ["/usr/local/bin/migrate"]
CMD ["latest"]
"#
    )
}

pub(crate) const MIGRATE_JOB: &str = r#"# Runs `migrate latest` once per release, before the new version rolls out.
# Name each release's Job after the release (a Job's template cannot change);
# the finished one is deleted after ttlSecondsAfterFinished. Reference the
# image by the digest your build pushed, never `:latest`. Pod Security
# "restricted" accepts it.
apiVersion: batch/v1
kind: Job
metadata:
  name: migrate-release-1
spec:
  backoffLimit: 3
  activeDeadlineSeconds: 900
  ttlSecondsAfterFinished: 600
  template:
    spec:
      restartPolicy: OnFailure
      terminationGracePeriodSeconds: 60
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        runAsGroup: 10001
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: migrate
          image: registry.example.com/migrate@sha256:0000000000000000000000000000000000000000000000000000000000000000
          args: ["latest", "--lock-timeout", "5s", "--connect-wait", "2m"]
          env:
            - name: DATABASE_URL
              valueFrom:
                secretKeyRef:
                  name: database-secret
                  key: url
            - name: KNEXRS_ENV
              value: production
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities:
              drop: ["ALL"]
          resources:
            requests:
              cpu: 50m
              memory: 32Mi
            limits:
              memory: 64Mi
"#;
