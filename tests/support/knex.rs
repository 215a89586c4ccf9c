//! Real knex 3.3.0 beside knexrs: installed from `tests/fixtures/knex-node`'s
//! lockfile with `npm ci` (once, under a file lock, into the test target's
//! scratch folder), run through its own CLI on a test database, over `.js`
//! migrations written from the same Rust migrations knexrs runs.

use knexrs_migrate::Migration;
use knexrs_schema::PostgresQueryBuilder;
use knexrs_testing::TestDatabase;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// An installed knex 3.3.0.
#[derive(Debug, Clone)]
pub struct Knex {
    cli: PathBuf,
    knexfile: PathBuf,
}

/// What a knex (or knexrs) command did: exit code and output.
#[derive(Debug, Clone)]
pub struct Ran {
    /// The exit code.
    pub code: Option<i32>,
    /// Its standard output.
    pub stdout: String,
    /// Its standard error.
    pub stderr: String,
}

impl From<Output> for Ran {
    fn from(output: Output) -> Self {
        Ran {
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

impl Knex {
    /// Installs knex into `scratch` (an integration test's
    /// `env!("CARGO_TARGET_TMPDIR")`) unless it is there already.
    pub fn install(scratch: &str) -> Knex {
        let fixture = crate::fixtures().join("knex-node");
        let dir = Path::new(scratch).join("knex-3.3.0");
        std::fs::create_dir_all(&dir).expect("creating the knex folder");
        let lock_file = std::fs::File::create(dir.join(".install-lock")).expect("the install lock file");
        let _lock = nix::fcntl::Flock::lock(lock_file, nix::fcntl::FlockArg::LockExclusive)
            .map_err(|(_, e)| e)
            .expect("locking the knex install");
        let lockfile = std::fs::read(fixture.join("package-lock.json")).expect("the fixture's package-lock.json");
        let cli = dir.join("node_modules/knex/bin/cli.js");
        let current = std::fs::read(dir.join("package-lock.json")).is_ok_and(|installed| installed == lockfile);
        if !(current && cli.exists()) {
            std::fs::copy(fixture.join("package.json"), dir.join("package.json")).expect("copying package.json");
            std::fs::write(dir.join("package-lock.json"), &lockfile).expect("copying package-lock.json");
            let status = Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"])
                .current_dir(&dir)
                .status()
                .expect("Node.js with npm is needed for the knex comparisons: `cargo xtask test` installs it");
            assert!(status.success(), "npm ci of knex 3.3.0 failed in {}", dir.display());
        }
        // knex's CLI looks for knex beside the knexfile.
        let knexfile = dir.join("knexfile.js");
        std::fs::copy(fixture.join("knexfile.js"), &knexfile).expect("copying the knexfile");
        Knex { cli, knexfile }
    }

    /// `knex --knexfile … <args>` on `db` over the migration folders `dirs`.
    pub fn run(&self, db: &TestDatabase, dirs: &[&Path], args: &[&str]) -> Ran {
        self.command(db, dirs, args).output().expect("running knex").into()
    }

    /// Runs the JavaScript `body` (an async function's) with `knex` bound to
    /// a knex instance on `db`, destroyed after; what it prints is the result.
    pub fn script(&self, db: &TestDatabase, body: &str) -> Ran {
        let module = self.cli.parent().and_then(Path::parent).expect("knex's folder holds bin/cli.js");
        let program = format!(
            "const knex = require({module:?})({{ client: 'pg', connection: process.env.DATABASE_URL }});\n\
             (async () => {{ {body} }})().catch((e) => {{ console.error(e.message); process.exitCode = 1; }}).finally(() => knex.destroy());"
        );
        Command::new("node")
            .arg("-e")
            .arg(program)
            .env("DATABASE_URL", db.url())
            .stdin(Stdio::null())
            .output()
            .expect("running node")
            .into()
    }

    /// The command [`run`](Self::run) runs, to add settings to.
    pub fn command(&self, db: &TestDatabase, dirs: &[&Path], args: &[&str]) -> Command {
        let dirs: Vec<String> = dirs.iter().map(|d| d.display().to_string()).collect();
        let mut command = Command::new("node");
        // Run beside the knexfile, or knex prints that it changed directory.
        if let Some(dir) = self.knexfile.parent() {
            command.current_dir(dir);
        }
        command
            .arg(&self.cli)
            .arg("--knexfile")
            .arg(&self.knexfile)
            .args(args)
            .env("DATABASE_URL", db.url())
            .env("KNEX_MIGRATION_DIRS", dirs.join("\n"))
            .env("NO_COLOR", "1")
            .env_remove("NODE_ENV")
            .env_remove("KNEX_SORT_DIRS_SEPARATELY")
            .env_remove("KNEX_DISABLE_LIST_VALIDATION")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        command
    }
}

/// Writes each migration as the `.js` file knex runs: the same SQL
/// statements (rendered from the Rust migration), each through `knex.raw`,
/// and `config.transaction = false` where knexrs runs it outside a transaction.
pub fn write_js_migrations(dir: &Path, migrations: &[Migration]) {
    std::fs::create_dir_all(dir).expect("creating the .js migrations folder");
    for migration in migrations {
        let up = statements(&migration.up_schema());
        let down = statements(&migration.down_schema());
        let outside = migration.config().transaction == Some(false)
            || up.iter().chain(&down).any(|sql| knexrs_sql::refuses_transaction(sql));
        let mut js = String::from("// written by the knexrs tests from the Rust migration of the same name\n");
        js.push_str(&format!("const up = {};\nconst down = {};\n", json(&up), json(&down)));
        js.push_str("exports.up = async (knex) => { for (const sql of up) await knex.raw(sql); };\n");
        js.push_str("exports.down = async (knex) => { for (const sql of down) await knex.raw(sql); };\n");
        if outside {
            js.push_str("exports.config = { transaction: false };\n");
        }
        std::fs::write(dir.join(format!("{}.js", migration.name())), js).expect("writing a .js migration");
    }
}

fn statements(schema: &knexrs_schema::SchemaBuilder) -> Vec<String> {
    let mut out = Vec::new();
    for sql in schema.build(PostgresQueryBuilder).expect("rendering a fixture migration") {
        for part in knexrs_sql::split_statements(&sql).expect("splitting a fixture migration") {
            // `?` is knex.raw's placeholder; `\?` is a literal question mark.
            out.push(part.text.replace('?', "\\?"));
        }
    }
    out
}

fn json(statements: &[String]) -> String {
    serde_json::to_string(statements).expect("statements as JSON")
}

/// What both tools are compared on: `knex_migrations` rows as (name without
/// extension, batch) in id order, the lock rows, and the tables in `public`
/// other than the bookkeeping ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnexState {
    /// `(name, batch)` in id order, names without their extension.
    pub migrations: Vec<(String, i32)>,
    /// `is_locked` of each lock row.
    pub lock: Vec<i32>,
    /// The user tables.
    pub tables: Vec<String>,
}

/// The database's [`KnexState`].
pub fn knex_state(db: &TestDatabase) -> KnexState {
    let mut client = db.connect().expect("connecting to compare");
    let exists = |client: &mut postgres::Client, table: &str| -> bool {
        client.query_one("select to_regclass($1) is not null", &[&table]).expect("to_regclass").get(0)
    };
    let migrations = if exists(&mut client, "knex_migrations") {
        client
            .query("select name, batch from knex_migrations order by id", &[])
            .expect("reading knex_migrations")
            .iter()
            .map(|r| {
                let name: String = r.get(0);
                let stem = name.rsplit_once('.').map_or(name.as_str(), |(stem, _)| stem).to_owned();
                (stem, r.get(1))
            })
            .collect()
    } else {
        Vec::new()
    };
    let lock = if exists(&mut client, "knex_migrations_lock") {
        client
            .query("select is_locked from knex_migrations_lock order by index", &[])
            .expect("reading the lock table")
            .iter()
            .map(|r| r.get(0))
            .collect()
    } else {
        Vec::new()
    };
    let tables = client
        .query(
            "select tablename::text from pg_tables where schemaname = 'public'
               and tablename not in ('knex_migrations', 'knex_migrations_lock', 'knex_migrations_knexrs')
             order by 1",
            &[],
        )
        .expect("listing tables")
        .iter()
        .map(|r| r.get(0))
        .collect();
    KnexState { migrations, lock, tables }
}

/// The full names `knex_migrations` holds, in id order.
pub fn recorded_names(db: &TestDatabase) -> Vec<(String, i32)> {
    let mut client = db.connect().expect("connecting");
    client
        .query("select name, batch from knex_migrations order by id", &[])
        .expect("reading knex_migrations")
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
}
