//! Helpers shared by the integration tests: fixture migration sets, catalog
//! dumps, and the paths of the fixtures.

mod catalog;
pub mod cliscale;
pub mod data_steps;
pub mod knex;
mod query_case;
mod sql_text;
pub mod trace_capture;

pub use catalog::snapshot;
pub use query_case::{Query, binding_json};
pub use sql_text::normalize_sql;

use knexrs_migrate::{Migration, MigrationConfig};
use knexrs_query::Wheres as _;
use knexrs_schema::{SchemaBuilder, now};
use knexrs_testing::TestDatabase;
use std::ffi::OsStr;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// The major version of the server `db` lives on.
pub fn server_major(db: &TestDatabase) -> u32 {
    let mut client = db.connect().expect("connecting");
    let num: String = client.query_one("show server_version_num", &[]).expect("server_version_num").get(0);
    num.parse::<u32>().expect("a number") / 10_000
}

/// Ends every other session on `db`'s database, as a server restart, a
/// failover or an operator's `pg_terminate_backend` does (through a direct
/// connection: behind PgBouncer, its server connections); returns how many
/// once the server has seen them go.
pub fn end_other_sessions(db: &TestDatabase) -> i64 {
    let mut admin = db.connect().expect("connecting directly");
    let ended: i64 = admin
        .query_one(
            "select count(*) filter (where pg_terminate_backend(pid)) from pg_stat_activity
              where datname = current_database() and pid <> pg_backend_pid() and backend_type = 'client backend'",
            &[],
        )
        .expect("ending the sessions")
        .get(0);
    // Until the server has seen them go.
    while admin
        .query_one(
            "select count(*) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()
                and backend_type = 'client backend'",
            &[],
        )
        .expect("counting the sessions")
        .get::<_, i64>(0)
        > 0
    {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    ended
}

/// Drops `db`'s database under its open connections (`with (force)`), as
/// an operator or a failed-over server without it would leave a pool.
pub fn drop_database_under_its_connections(db: &TestDatabase) {
    let mut admin = knexrs_testing::server().expect("the test server").connect().expect("connecting");
    admin.batch_execute(&format!("drop database \"{}\" with (force)", db.name())).expect("dropping the database");
}

/// Whether this run reaches the test databases through PgBouncer
/// (`cargo xtask test --pooler transaction`).
pub fn through_pooler() -> bool {
    std::env::var("KNEXRS_TEST_POOLER").is_ok_and(|v| v.trim().eq_ignore_ascii_case("transaction"))
}

/// `tests/fixtures`.
pub fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// A fixture migration set by name:
///
/// - `cliscale`: the cliscale migrations (the tests' own copy, see [`cliscale`]);
/// - `tables:<n>`: `n` migrations, each creating `t_<i>`;
/// - `slow:<n>:<ms>`: the same, each also sleeping `ms` milliseconds;
/// - `failing:<k>:<n>`: `n` migrations whose `k`-th (1-based) fails at its second statement;
/// - `concurrent`: a transactional migration, one creating an index concurrently, another transactional one;
/// - `steps:<ok|fails|swallows|sleeps|panics>`, `has-column`, `batched:<rows>:<batch>:<pause ms>`: run-time
///   steps and a batched backfill (see [`data_steps`]);
/// - `duplicate`: two migrations with the same name;
/// - `shared-timestamp`: two migrations with the same timestamp and different names (knex runs both);
/// - `checksum:<tag>`: `tables:2` whose sources read `<tag>` (a new tag is an edit);
/// - `commit`, `down-fails`, `comment`, `sequence`, `syntax`, `panicking`, `alter`:
///   the hostile cases of `tests/adversarial.rs`, described where they are built;
/// - `row-security`: `tables:1`, then row-level security and a policy whose down forgets half;
/// - `partitioned`: a table partitioned by range, with one partition;
/// - `halfway`: a migration outside a transaction stopped halfway, after one that completed;
/// - `mixed-fails`, `down-fails-middle`, `numbered`, `dashed`: the knex comparisons of
///   `tests/knex_both_ways.rs`, described where they are built.
pub fn migration_set(spec: &str) -> Result<Vec<Migration>, String> {
    let parts: Vec<&str> = spec.split(':').collect();
    let number = |i: usize| -> Result<u64, String> {
        parts.get(i).and_then(|p| p.parse().ok()).ok_or_else(|| format!("bad fixture set `{spec}`"))
    };
    match parts[0] {
        "cliscale" => Ok(cliscale::migrations()),
        "tables" => Ok((1..=number(1)?).map(|i| table_migration(i, 0)).collect()),
        "slow" => {
            let ms = number(2)?;
            Ok((1..=number(1)?).map(|i| table_migration(i, ms)).collect())
        }
        "failing" => {
            let k = number(1)?;
            Ok((1..=number(2)?).map(|i| if i == k { failing_migration(i) } else { table_migration(i, 0) }).collect())
        }
        "concurrent" => Ok(vec![
            table_migration(1, 0),
            Migration::new(
                "20240101000002_index_t_1_concurrently",
                |s| {
                    s.alter_table("t_1", |t| {
                        t.index("name").concurrently();
                    });
                },
                |s| {
                    s.alter_table("t_1", |t| {
                        t.drop_index("name").concurrently();
                    });
                },
            ),
            table_migration(3, 0),
        ]),
        // For `migrate verify`: downs that forget an index, drop the wrong column, fail.
        "irreversible" => Ok(vec![
            table_migration(1, 0),
            Migration::new(
                name(2, "index_forgotten"),
                |s| {
                    s.alter_table("t_1", |t| {
                        t.index("name");
                    });
                },
                |_| {},
            ),
            Migration::new(
                name(3, "wrong_column"),
                |s| {
                    s.alter_table("t_1", |t| {
                        t.text("note");
                    });
                },
                |s| {
                    s.alter_table("t_1", |t| {
                        t.drop_column("name");
                    });
                },
            ),
            Migration::new(
                name(4, "down_fails"),
                |s| {
                    s.create_table("t_4", |t| {
                        t.increments("id");
                    });
                },
                |s| {
                    s.drop_table("no_such_table");
                },
            ),
            table_migration(5, 0),
        ]),
        // For `migrate verify`: row-level security and a policy, whose down drops the
        // policy and forgets to turn row-level security off.
        "row-security" => Ok(vec![
            table_migration(1, 0),
            Migration::new(
                name(2, "own_rows_only"),
                |s| {
                    s.raw("alter table t_1 enable row level security");
                    s.raw("create policy own_rows on t_1 for select using (name = current_user)");
                },
                |s| {
                    s.raw("drop policy own_rows on t_1");
                },
            ),
        ]),
        // A table partitioned by range, with one partition.
        "partitioned" => Ok(vec![Migration::new(
            name(1, "create_events"),
            |s| {
                s.raw("create table events (at date not null, kind text) partition by range (at)");
                s.raw("create table events_2024 partition of events for values from ('2024-01-01') to ('2025-01-01')");
            },
            |s| {
                s.raw("drop table events");
            },
        )]),
        // `migrate lint`: one table in use, then one hazard (or none) per migration.
        "hazards" => Ok(hazard_migrations()),
        // A data migration: add a column, backfill it with the query builder, make it required.
        // `backfill:bad` fails at its backfill (statement 2 of 4).
        "backfill" => Ok(vec![table_migration(1, 0), backfill_migration(parts.get(1) == Some(&"bad"))]),
        // Run-time steps: `steps:<ok|fails|swallows>` derives rows by Rust code;
        // `has-column` then adds a column only when it is missing.
        "steps" => {
            let end = match parts.get(1).copied() {
                Some("fails") => data_steps::StepEnd::Fails,
                Some("swallows") => data_steps::StepEnd::Swallows,
                Some("sleeps") => data_steps::StepEnd::Sleeps,
                Some("panics") => data_steps::StepEnd::Panics,
                _ => data_steps::StepEnd::Ok,
            };
            Ok(vec![table_migration(1, 0), data_steps::derived_rows_migration(end)])
        }
        "has-column" => Ok(vec![
            table_migration(1, 0),
            data_steps::derived_rows_migration(data_steps::StepEnd::Ok),
            data_steps::label_if_missing_migration(),
        ]),
        // `batched:<rows>:<batch>:<pause ms>`: a table of `rows` rows, then a batched backfill of it.
        "batched" => Ok(vec![
            data_steps::big_table_migration(number(1)?, number(3)?),
            data_steps::big_backfill_migration(number(2)?),
        ]),
        "duplicate" => Ok(vec![table_migration(1, 0), table_migration(1, 0)]),
        "shared-timestamp" => Ok(vec![Migration::new(name(1, "zeta"), |_| {}, |_| {}), table_migration(1, 0)]),
        "checksum" => {
            let tag = parts.get(1).copied().unwrap_or("v1");
            Ok((1..=2).map(|i| table_migration(i, 0).with_source(&format!("source {tag} of {i}"))).collect())
        }
        // A transactional migration that commits by itself in the middle.
        "commit" => Ok(vec![
            table_migration(1, 0),
            raw_migration(
                2,
                "commits",
                &["create table t_2 (id int)", "commit", "create table t_3 (id int)"],
                &["select 1"],
            ),
            table_migration(4, 0),
        ]),
        // A migration whose `down` fails at its second statement.
        "down-fails" => Ok(vec![
            table_migration(1, 0),
            raw_migration(
                2,
                "archive",
                &["create table t_2 (id int)"],
                &["create table t_2_archive (id int)", "select * from no_such_table"],
            ),
        ]),
        // Raw SQL ending in a `--` comment, inside a batch.
        "comment" => Ok(vec![
            raw_migration(
                1,
                "commented",
                &["create table t_1 (id int) -- the first table"],
                &["drop table t_1 -- gone"],
            ),
            table_migration(2, 0),
        ]),
        // A non-transactional side effect (a sequence), then a failing statement.
        "sequence" => Ok(vec![
            raw_migration(
                1,
                "sequence",
                &["create sequence knexrs_seq", "create table t_1 (id int)"],
                &["drop table t_1"],
            ),
            raw_migration(
                2,
                "fails_late",
                &[
                    "select nextval('knexrs_seq')",
                    "select pg_sleep(0.2)",
                    "alter table t_1 add column x int references no_such_table (id)",
                ],
                &["select 1"],
            ),
        ]),
        // A syntax error in the second statement of the first migration.
        "syntax" => Ok(vec![
            raw_migration(
                1,
                "typo",
                &["create table t_1 (id int)", "selec 1", "create table t_9 (id int)"],
                &["select 1"],
            ),
            table_migration(2, 0),
        ]),
        // A migration whose code panics while recording its statements.
        "panicking" => Ok(vec![
            table_migration(1, 0),
            Migration::new(name(2, "panics"), |_| panic!("the migration's own bug"), |_| {}),
        ]),
        // A migration altering `t_1`, which a test can keep locked.
        "alter" => Ok(vec![
            table_migration(1, 0),
            raw_migration(2, "alter_t_1", &["alter table t_1 add column y int"], &["alter table t_1 drop column y"]),
        ]),
        // A name as knex's own `migrate:make add-pod-index` writes it.
        "dashed" => Ok(vec![raw_migration(1, "add-pod-index", &["create table t_1 (id int)"], &["drop table t_1"])]),
        // A transactional migration, one outside a transaction, then one that fails:
        // knex commits the first two (no batch transaction when one migration opts out).
        "mixed-fails" => Ok(vec![
            table_migration(1, 0),
            raw_migration(2, "outside", &["create table t_2 (id int)"], &["drop table t_2"])
                .with_config(MigrationConfig::new().no_transaction()),
            failing_migration(3),
        ]),
        // A migration outside a transaction that fails at its second statement, after one that completes.
        "halfway" => Ok(vec![
            table_migration(1, 0),
            raw_migration(
                2,
                "halfway",
                &["create table t_2 (id int)", "select * from no_such_table"],
                &["drop table t_2"],
            )
            .with_config(MigrationConfig::new().no_transaction()),
        ]),
        // Three migrations whose middle `down` fails: a rollback undoes the newest, then stops.
        "down-fails-middle" => Ok(vec![
            table_migration(1, 0),
            raw_migration(2, "archive", &["create table t_2 (id int)"], &["select * from no_such_table"]),
            table_migration(3, 0),
        ]),
        // knex accepts any file name: numbered files with no timestamp.
        "numbered" => Ok(["001_create_t_1", "002_create_t_2", "010_create_t_10"]
            .into_iter()
            .map(|n| {
                let table = n.split_once("create_").map_or("t", |(_, t)| t).to_owned();
                let up = format!("create table {table} (id int)");
                let down = format!("drop table {table}");
                Migration::new(
                    n,
                    move |s: &mut SchemaBuilder| {
                        s.raw(up.clone());
                    },
                    move |s: &mut SchemaBuilder| {
                        s.raw(down.clone());
                    },
                )
            })
            .collect()),
        other => Err(format!("unknown fixture set `{other}`")),
    }
}

fn name(i: u64, what: &str) -> String {
    format!("2024010100{:04}_{what}", i)
}

/// `migrate lint`'s fixture: `accounts` is created, then each migration
/// does one thing to it (or to `entries`, created on the way); all but the
/// second set a lock timeout.
fn hazard_migrations() -> Vec<Migration> {
    let timed = MigrationConfig::new().lock_timeout_ms(2_000);
    let raw = |i, what, up: &[&str]| raw_migration(i, what, up, &["select 1"]).with_config(timed);
    vec![
        raw(
            1,
            "create_accounts",
            &[
                "create table accounts (id serial primary key, name varchar(50), balance integer not null default 0, note text)",
            ],
        ),
        raw_migration(2, "index_name", &["create index accounts_name_index on accounts (name)"], &["select 1"]),
        raw(
            3,
            "widen_name_bigint_balance",
            &[
                "alter table accounts alter column name type varchar(100)",
                "alter table accounts alter column balance type bigint",
            ],
        ),
        raw(
            4,
            "create_entries",
            &["create table entries (id serial primary key, account_id integer not null references accounts (id))"],
        ),
        raw(
            5,
            "checks",
            &[
                "alter table accounts add constraint accounts_balance_check check (balance >= 0)",
                "alter table accounts add constraint accounts_name_check check (name <> '') not valid",
            ],
        ),
        raw(6, "note_required", &["alter table accounts alter column note set not null"]),
        raw(7, "add_team", &["alter table accounts add column team text not null"]),
        raw(
            8,
            "rename_and_drop",
            &["alter table accounts rename column name to label", "alter table accounts drop column note"],
        ),
        raw_migration(
            9,
            "index_label_concurrently",
            &["create index concurrently accounts_label_index on accounts (label)"],
            &["select 1"],
        ),
        raw(10, "numeric_balance", &["alter table accounts alter column balance type numeric"])
            .with_config(timed.allow_hazards(&["table-rewrite"])),
        raw(
            11,
            "flag_then_index",
            &[
                "alter table accounts add column flag boolean",
                "create index entries_account_id_index on entries (account_id)",
            ],
        ),
        raw(
            12,
            "defaults",
            &[
                "alter table accounts add column opened_at timestamptz default now()",
                "alter table accounts add column token uuid default gen_random_uuid()",
            ],
        ),
        raw(
            13,
            "tier_in_transaction",
            &["alter table accounts add column tier text", "update accounts set tier = 'basic'"],
        ),
        raw(14, "truncate_entries", &["truncate entries"]),
    ]
}

/// A migrator over the fixture set `spec` (see [`migration_set`]).
pub fn fixture_migrator(spec: &str) -> knexrs_migrate::Migrator {
    knexrs_migrate::Migrator::new(migration_set(spec).expect("a known fixture set")).expect("a valid fixture set")
}

/// The throwaway databases (`knexrs_<purpose>_<pid>_…`, made by `verify` or
/// `lint`) process `pid` still has on `db`'s server.
pub fn throwaway_databases(db: &TestDatabase, purpose: &str, pid: u32) -> i64 {
    let pattern = format!("knexrs\\_{purpose}\\_{pid}\\_%");
    db.connect()
        .expect("connecting to the test database")
        .query_one("select count(*) from pg_database where datname like $1", &[&pattern])
        .expect("counting databases")
        .get(0)
}

/// Runs `program` (`fixture-migrate`) `<set> <command>` on `db`, sends it
/// SIGINT once its throwaway database exists, and checks that it stopped at
/// once with exit 1, said it was interrupted while `doing`, and dropped that database.
pub fn assert_sigint_stops_check(program: &str, db: &TestDatabase, set: &str, command: &str, doing: &str) {
    let child = fixture_migrate_command(program, db, set, &[command]).spawn().expect("starting fixture-migrate");
    let pid = child.id();
    let started = std::time::Instant::now();
    while throwaway_databases(db, command, pid) == 0 {
        assert!(started.elapsed() < std::time::Duration::from_secs(30), "no throwaway database appeared");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    std::thread::sleep(std::time::Duration::from_millis(300));
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid as i32), nix::sys::signal::Signal::SIGINT).expect("SIGINT");
    let out = child.wait_with_output().expect("waiting for fixture-migrate");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let said = format!("error: interrupted while {doing}; nothing changed: the throwaway database is dropped");
    assert!(stderr.contains(&said), "{stderr}");
    assert!(started.elapsed() < std::time::Duration::from_secs(30), "{:?}", started.elapsed());
    assert_eq!(throwaway_databases(db, command, pid), 0);
}

/// A migration `<i>_<what>` whose `up` and `down` are these raw statements.
pub fn raw_migration(i: u64, what: &str, up: &[&str], down: &[&str]) -> Migration {
    let up: Vec<String> = up.iter().map(|s| (*s).to_owned()).collect();
    let down: Vec<String> = down.iter().map(|s| (*s).to_owned()).collect();
    Migration::new(
        name(i, what),
        move |s: &mut SchemaBuilder| {
            for sql in &up {
                s.raw(sql.clone());
            }
        },
        move |s: &mut SchemaBuilder| {
            for sql in &down {
                s.raw(sql.clone());
            }
        },
    )
}

/// Creates `t_<i>` (and sleeps `sleep_ms` inside the migration).
pub fn table_migration(i: u64, sleep_ms: u64) -> Migration {
    let table = format!("t_{i}");
    let down_table = table.clone();
    Migration::new(
        name(i, &format!("create_{table}")),
        move |s: &mut SchemaBuilder| {
            s.create_table(&table, |t| {
                t.increments("id");
                t.string("name").not_nullable();
                t.timestamp("created_at").default_to(now());
            });
            if sleep_ms > 0 {
                s.raw(format!("select pg_sleep({})", sleep_ms as f64 / 1000.0));
            }
        },
        move |s: &mut SchemaBuilder| {
            s.drop_table(&down_table);
        },
    )
}

/// A fixture seed that (re)inserts `name` into `people`.
pub fn person_seed(seed: &str, name: &'static str, source: &str) -> knexrs_migrate::Seed {
    let fill = move |s: &mut SchemaBuilder| {
        let mut clear = knexrs_query::Delete::from("people");
        clear.where_eq("name", name);
        s.query(&clear);
        let mut row = knexrs_query::Insert::into("people");
        row.set("name", name);
        s.query(&row);
    };
    let mut seed = knexrs_migrate::Seed::new(seed, fill);
    if !source.is_empty() {
        seed = seed.with_source(source);
    }
    seed
}

/// Fixture seed sets: `people` (01_alice, 02_bob), `people:failing` (02
/// inserts bob, then fails), each on a `people (name text)` table.
pub fn seed_set(spec: &str) -> Result<Vec<knexrs_migrate::Seed>, String> {
    match spec {
        "people" => Ok(vec![person_seed("01_alice", "alice", ""), person_seed("02_bob", "bob", "")]),
        "people:failing" => Ok(vec![
            person_seed("01_alice", "alice", ""),
            knexrs_migrate::Seed::new("02_bad", |s: &mut SchemaBuilder| {
                let mut row = knexrs_query::Insert::into("people");
                row.set("name", "bob");
                s.query(&row);
                s.raw("insert into no_such_table values (1)");
            }),
            person_seed("03_carol", "carol", ""),
        ]),
        other => Err(format!("unknown seed set `{other}`")),
    }
}

/// `t_1.label`: added, backfilled from `name` (an `update` built with the
/// query builder), made not null, and a row inserted with a quote in its
/// value; with `bad`, the backfill reads a column that does not exist.
pub fn backfill_migration(bad: bool) -> Migration {
    let source = if bad { "no_such_column" } else { "upper(name)" };
    Migration::new(
        name(2, "backfill_t_1_label"),
        move |s: &mut SchemaBuilder| {
            s.alter_table("t_1", |t| {
                t.text("label");
            });
            let mut backfill = knexrs_query::Update::table("t_1");
            backfill.set("label", knexrs_query::raw(source)).where_null("label");
            s.query(&backfill);
            let mut seed = knexrs_query::Insert::into("t_1");
            seed.set("name", "O'Brien").set("label", "O'BRIEN");
            s.query(&seed);
            s.alter_table("t_1", |t| {
                t.drop_nullable("label");
            });
        },
        |s: &mut SchemaBuilder| {
            let mut unseed = knexrs_query::Delete::from("t_1");
            unseed.where_eq("name", "O'Brien");
            s.query(&unseed);
            s.alter_table("t_1", |t| {
                t.drop_column("label");
            });
        },
    )
}

/// Creates `t_<i>`, then fails (a foreign key to a table that does not exist).
pub fn failing_migration(i: u64) -> Migration {
    let table = format!("t_{i}");
    Migration::new(
        name(i, &format!("create_{table}_badly")),
        move |s: &mut SchemaBuilder| {
            s.create_table(&table, |t| {
                t.increments("id");
            });
            s.raw(format!("alter table \"{table}\" add column owner integer references no_such_table (id)"));
            s.raw(format!("comment on table \"{table}\" is 'never reached'"));
        },
        |s: &mut SchemaBuilder| {
            s.raw("select 1");
        },
    )
    .with_config(MigrationConfig::new())
}

/// The `fixture-migrate` binary at `program` running `args` on fixture set
/// `set` against `db`, with its output captured and no environment of ours
/// leaking in.
pub fn fixture_migrate_command(program: impl AsRef<OsStr>, db: &TestDatabase, set: &str, args: &[&str]) -> Command {
    let mut command = Command::new(program);
    command
        .arg(set)
        .args(args)
        .env("DATABASE_URL", db.url())
        .env_remove("KNEXRS_ENV")
        .env_remove("NODE_ENV")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

/// SIGKILLs a runner process, then waits until the server has ended its
/// sessions (and so rolled back their transactions and freed their locks).
pub fn kill_runner(child: &mut std::process::Child, db: &TestDatabase) {
    let pid = nix::unistd::Pid::from_raw(i32::try_from(child.id()).expect("a pid"));
    nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGKILL).expect("killing the runner");
    child.wait().expect("reaping the runner");
    let sessions = "select count(*) from pg_stat_activity where application_name = 'knexrs' and datname = current_database() and pid <> pg_backend_pid()";
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let mut client = db.connect().expect("connecting");
    while client.query_one(sessions, &[]).expect("pg_stat_activity").get::<_, i64>(0) > 0 {
        assert!(std::time::Instant::now() < deadline, "the killed runner's sessions did not end");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// Prints how many of `total` cases pass, then fails with every failure.
pub fn assert_every_case_passes(what: &str, total: usize, failures: &[String]) {
    println!("{what}: {}/{total} cases pass", total - failures.len());
    assert!(failures.is_empty(), "{} case(s) fail:\n{}", failures.len(), failures.join("\n\n"));
}

/// How many statements of other sessions run `pg_sleep` on `client`'s database.
pub fn sleeping_elsewhere(client: &mut postgres::Client) -> i64 {
    let sql = "select count(*) from pg_stat_activity where datname = current_database()
                 and state = 'active' and query like '%pg_sleep(%' and pid <> pg_backend_pid()";
    client.query_one(sql, &[]).expect("pg_stat_activity").get(0)
}

/// Looks at `holds` every 20 ms until it is true, for at most 20 s; whether it became true.
pub fn within_20s(mut holds: impl FnMut() -> bool) -> bool {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !holds() {
        if std::time::Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    true
}

/// A caller gives up on a statement after 200 ms (a request handler's
/// timeout drops its future mid-statement); the pool's next caller is
/// answered within 20 s, not held up behind the old statement.
pub async fn give_up_a_slow_statement_then_ask_again(pool: &knexrs_query::AsyncDb) {
    use std::time::Duration;
    let slow = knexrs_query::raw("select pg_sleep(60)::text");
    let given_up = tokio::time::timeout(Duration::from_millis(200), pool.fetch_all::<(String,)>(&slow)).await;
    assert!(given_up.is_err(), "the slow statement finished");
    let select_1 = knexrs_query::raw("select 1");
    let answered = tokio::time::timeout(Duration::from_secs(20), pool.fetch_one::<(i32,)>(&select_1)).await;
    assert_eq!(answered.expect("the next caller waited for the given-up statement").expect("select 1"), (1,));
}
