//! Fixture migrations with run-time steps: code that reads rows and writes
//! derived ones, `has_column` branching, and a batched backfill.

use knexrs_migrate::Migration;
use knexrs_migrate::prelude::*;
use knexrs_query::{Order, raw};

/// How the derived-rows step ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepEnd {
    /// It returns `Ok`.
    Ok,
    /// It returns an error after writing its rows.
    Fails,
    /// A statement of it fails, it ignores the error and returns `Ok`.
    Swallows,
    /// It sleeps 30 s on the server after writing its rows (to be cancelled).
    Sleeps,
    /// It panics after writing its rows.
    Panics,
}

/// Creates `name_facts` and fills it by Rust code from `t_1` (one row per
/// name: its initial and its letter count), then indexes it.
pub fn derived_rows_migration(end: StepEnd) -> Migration {
    Migration::new(
        super::name(2, "derive_name_facts"),
        move |s: &mut SchemaBuilder| {
            s.create_table("name_facts", |t| {
                t.integer("name_id").not_nullable();
                t.string("initial").not_nullable();
                t.integer("letters").not_nullable();
            });
            s.step("derive name facts", move |db| {
                Box::pin(async move {
                    let mut names = Select::from("t_1");
                    names.columns(["id", "name"]).order_by("id", Order::Asc);
                    let rows: Vec<(i32, String)> = db.fetch_all(&names).await?;
                    for (id, name) in rows {
                        let initial: String = name.chars().take(1).collect();
                        let mut fact = Insert::into("name_facts");
                        fact.set("name_id", id).set("initial", initial).set("letters", name.chars().count() as i32);
                        db.execute(&fact).await?;
                    }
                    match end {
                        StepEnd::Ok => Ok(()),
                        StepEnd::Fails => Err("the facts do not add up".into()),
                        StepEnd::Swallows => {
                            let _ignored = db.execute(&raw("insert into no_such_table values (1)")).await;
                            Ok(())
                        }
                        StepEnd::Panics => panic!("a bug in the step"),
                        StepEnd::Sleeps => {
                            db.execute(&raw("select pg_sleep(30)")).await?;
                            Ok(())
                        }
                    }
                })
            });
            s.alter_table("name_facts", |t| {
                t.index("name_id");
            });
        },
        |s: &mut SchemaBuilder| {
            s.drop_table("name_facts");
        },
    )
}

/// Adds `t_1.label` only when it is missing (knex: `if (!(await
/// knex.schema.hasColumn(…)))`), and counts rows into `label_checks` when
/// `name_facts` exists.
pub fn label_if_missing_migration() -> Migration {
    Migration::new(
        super::name(3, "label_if_missing"),
        |s: &mut SchemaBuilder| {
            s.step("add label if missing", |db| {
                Box::pin(async move {
                    if !db.has_column("t_1", "label").await? {
                        db.schema(|s| {
                            s.alter_table("t_1", |t| {
                                t.text("label").default_to("new");
                            });
                        })
                        .await?;
                    }
                    if db.has_table("name_facts").await? {
                        db.execute(&raw("update name_facts set letters = letters * 10")).await?;
                    }
                    Ok(())
                })
            });
        },
        |s: &mut SchemaBuilder| {
            s.raw("alter table t_1 drop column if exists label");
        },
    )
}

/// `big`: `rows` rows of `name`, with `kind` to fill and `touches` counting
/// updates; with `pause_ms`, every update statement on it sleeps that long
/// (so a backfill's batches take time).
pub fn big_table_migration(rows: u64, pause_ms: u64) -> Migration {
    Migration::new(
        super::name(1, "create_big"),
        move |s: &mut SchemaBuilder| {
            s.create_table("big", |t| {
                t.increments("id");
                t.text("name").not_nullable();
                t.text("kind");
                t.integer("touches").not_nullable().default_to(0);
            });
            s.raw(format!("insert into big (name) select 'name-' || i from generate_series(1, {rows}) as i"));
            if pause_ms > 0 {
                s.raw(format!(
                    "create function big_pause() returns trigger language plpgsql as $$ begin perform pg_sleep({}); return null; end $$",
                    pause_ms as f64 / 1000.0
                ));
                s.raw("create trigger big_pause before update on big for each statement execute function big_pause()");
            }
        },
        |s: &mut SchemaBuilder| {
            s.drop_table("big");
            s.raw("drop function if exists big_pause()");
        },
    )
}

/// Fills `big.kind` from `name` in batches of `batch` rows, counting each
/// row's updates in `touches`.
pub fn big_backfill_migration(batch: u64) -> Migration {
    Migration::new(
        super::name(2, "backfill_big_kind"),
        move |s: &mut SchemaBuilder| {
            let mut fill = Backfill::new("big", "id");
            fill.set("kind", raw("upper(name)"))
                .set("touches", raw("touches + 1"))
                .where_null("kind")
                .batch_size(batch)
                .named("fill big.kind");
            s.backfill(&fill);
        },
        |s: &mut SchemaBuilder| {
            let mut clear = Update::table("big");
            clear.set("kind", None::<String>);
            s.query(&clear);
        },
    )
}
