//! knex's PostgreSQL schema-builder cases (`fixtures/knex-conformance/schema-pg.json`),
//! each ported to the DSL. The oracle is the database: knex's SQL runs in an
//! empty database, ours in the same state (after the same setup, such as the
//! table an `alter` changes; each in a transaction rolled back after the
//! catalog is read), and their catalogs must be identical, names included.
//! Cases that create nothing compare SQL up to keyword case and whitespace.

#![allow(clippy::unwrap_used, reason = "a test fails by panicking")]

use knexrs_schema::{
    AlterEnumType, Check, CreateView, Deferrable, ForeignKeyAction, HasTable, Identity, PostgresQueryBuilder,
    RenameTable, SchemaBuilder, SchemaError, now, raw,
};
use knexrs_testing::TestDatabase;
use knexrs_tests::{assert_every_case_passes, fixtures, normalize_sql, snapshot};
use postgres::GenericClient;
use postgres::error::SqlState;
use sea_query::{Expr, ExprTrait, Values};
use serde_json::json;

/// How a case is checked.
enum Port {
    /// Schema statements, checked by what they leave in the database after `setup`.
    Schema { setup: &'static str, build: fn(&mut SchemaBuilder) },
    /// A query, checked as SQL text and bindings.
    Query(fn() -> (String, Values)),
}

use Port::{Query, Schema};

const NO_SETUP: &str = "";

/// The Rust port of every case, by id.
fn port(id: &str) -> Option<Port> {
    Some(match id {
        "si-has-a-dropschema-dropschemaifexists-method" => Schema {
            setup: r#"create schema "schema""#,
            build: |s| {
                s.drop_schema("schema", false);
            },
        },
        "si-has-a-dropschema-dropschemaifexists-method-2" => Schema {
            setup: r#"create schema "schema_2""#,
            build: |s| {
                s.drop_schema_if_exists("schema_2", false);
            },
        },
        "si-has-a-droptableifexists-method" => Schema {
            setup: "create table test_foreign_table_two (id integer)",
            build: |s| {
                s.drop_table_if_exists("test_foreign_table_two");
            },
        },
        "si-uses-native-type-with-schema" => Schema {
            setup: "create schema test",
            build: |s| {
                s.with_schema("test").create_table("native_enum_test", |t| {
                    t.native_enum("foo_column", "foo_type", ["a", "b", "c"]).not_nullable();
                    t.uuid("id").not_nullable();
                });
            },
        },
        "si-uses-native-type-when-usenative-is-specified" => Schema {
            setup: NO_SETUP,
            build: |s| {
                s.create_table("native_enum_test", |t| {
                    t.native_enum("foo_column", "foo_type", ["a", "b", "c"]).not_nullable();
                    t.uuid("id").not_nullable();
                });
            },
        },
        "si-uses-an-existing-native-type-when-usenative-and-existingtype-are" => Schema {
            setup: "create type foo_type as enum ('a', 'b', 'c')",
            build: |s| {
                s.create_table("native_enum_test", |t| {
                    t.existing_enum("foo_column", "foo_type").not_nullable();
                    t.uuid("id").not_nullable();
                });
            },
        },
        "si-accepts-the-table-name-and-a-container-function" => Schema {
            setup: NO_SETUP,
            build: |s| {
                s.create_table("test_table_one", |t| {
                    t.comment("A table comment.");
                    t.big_increments("id");
                    t.string("first_name").index();
                    t.string("last_name");
                    t.string("email").unique().nullable();
                    t.integer("logins").default_to(1).index().comment_null();
                    t.float("balance").default_to(0);
                    t.text("about").comment("A comment.");
                    // knex's timestamps(): nullable timestamptz, no default.
                    t.timestamps();
                });
            },
        },
        "si-create-table-with-timestamps-options" => Schema {
            setup: NO_SETUP,
            build: |s| {
                s.create_table("test_table_timestamp", |t| {
                    t.big_increments("id");
                    t.timestamps_camel_case(true, true);
                });
            },
        },
        "si-sets-default-values-with-defaultto" => Schema {
            setup: NO_SETUP,
            build: |s| {
                s.create_table("test_table_three", |t| {
                    t.integer("main").not_nullable().primary();
                    t.text("paragraph").default_to("Lorem ipsum Qui quis qui in.");
                    t.json("metadata").default_to(json!({ "a": 10 }));
                    t.jsonb("details").default_to(json!({ "b": { "d": 20 } }));
                });
            },
        },
        "si-handles-numeric-length-correctly" => Schema {
            setup: NO_SETUP,
            build: |s| {
                s.create_table("test_table_numerics", |t| {
                    t.integer("integer_column");
                    t.tiny_integer("tinyint_column");
                    t.small_integer("smallint_column");
                    t.medium_integer("mediumint_column");
                    t.big_integer("bigint_column");
                });
            },
        },
        "si-supports-the-enum-and-uuid-columns" => Schema {
            setup: NO_SETUP,
            build: |s| {
                s.create_table("datatype_test", |t| {
                    t.enu("enum_value", ["a", "b", "c"]);
                    t.uuid("uuid").not_nullable();
                });
            },
        },
        "si-allows-for-setting-foreign-keys-on-schema-creation" => Schema {
            setup: "create table test_table_two (id integer primary key)",
            build: |s| {
                s.create_table("test_foreign_table_two", |t| {
                    t.increments("id");
                    t.integer("fkey_two").unsigned().references("id").in_table("test_table_two");
                    t.integer("fkey_three")
                        .unsigned()
                        .references("id")
                        .in_table("test_table_two")
                        .foreign_key_name("fk_fkey_three");
                    t.integer("fkey_four").unsigned();
                    t.foreign("fkey_four").name("fk_fkey_four").references("test_table_two.id");
                });
            },
        },
        "si-allows-for-composite-keys" => Schema {
            setup: NO_SETUP,
            build: |s| {
                s.create_table("composite_key_test", |t| {
                    t.integer("column_a");
                    t.integer("column_b");
                    t.text("details");
                    t.tiny_integer("status");
                    t.unique(["column_a", "column_b"]);
                });
            },
        },
        "si-accepts-table-names-starting-with-numeric-values" => Schema {
            setup: NO_SETUP,
            build: |s| {
                s.create_table("10_test_table", |t| {
                    t.big_increments("id");
                    t.string("first_name").index();
                    t.string("last_name");
                    t.string("email").unique().nullable();
                    t.integer("logins").default_to(1).index().comment_null();
                });
            },
        },
        "su-should-create-a-table-with-inline-uuid-primary-key-creation" => Schema {
            setup: NO_SETUP,
            build: |s| {
                s.create_table("uuids", |t| {
                    t.uuid("id").primary();
                });
            },
        },
        "su-basic-alter-table" => Schema {
            setup: "create table users (placeholder integer)",
            build: |s| {
                s.alter_table("users", |t| {
                    t.increments("id");
                    t.string("email");
                });
            },
        },
        "su-should-alter-columns-with-the-alter-flag" => Schema {
            setup: "create table users (foo text default 'x', bar text not null default '1')",
            build: |s| {
                s.alter_table("users", |t| {
                    t.string("foo").not_nullable().default_to("foo").alter();
                    t.integer("bar").alter();
                });
            },
        },
        "su-should-not-alter-nullable-when-alternullable-is-false" => Schema {
            setup: "create table users (foo text not null default 'x')",
            build: |s| {
                s.alter_table("users", |t| {
                    t.string("foo").default_to("foo").alter().alter_nullable(false);
                });
            },
        },
        "su-should-alter-nullable-when-alternullable-is-true" => Schema {
            setup: "create table users (foo text not null default 'x')",
            build: |s| {
                s.alter_table("users", |t| {
                    t.string("foo").default_to("foo").alter().alter_nullable(true);
                });
            },
        },
        "su-should-not-alter-type-when-altertype-is-false" => Schema {
            setup: "create table users (foo text not null default 'x')",
            build: |s| {
                s.alter_table("users", |t| {
                    t.string("foo").default_to("foo").alter().alter_type(false);
                });
            },
        },
        "su-drop-table" => Schema {
            setup: "create table users (id integer)",
            build: |s| {
                s.drop_table("users");
            },
        },
        "su-drop-table-with-schema" => Schema {
            setup: "create schema myschema; create table myschema.users (id integer)",
            build: |s| {
                s.with_schema("myschema").drop_table("users");
            },
        },
        "su-drop-table-if-exists" => Schema {
            setup: "create table users (id integer)",
            build: |s| {
                s.drop_table_if_exists("users");
            },
        },
        "su-drop-table-if-exists-with-schema" => Schema {
            setup: "create schema myschema; create table myschema.users (id integer)",
            build: |s| {
                s.with_schema("myschema").drop_table_if_exists("users");
            },
        },
        "su-drop-column" => Schema {
            setup: "create table users (id integer, foo text)",
            build: |s| {
                s.alter_table("users", |t| {
                    t.drop_column("foo");
                });
            },
        },
        "su-drop-multiple-columns" => Schema {
            setup: "create table users (id integer, foo text, bar text)",
            build: |s| {
                s.alter_table("users", |t| {
                    t.drop_columns(["foo", "bar"]);
                });
            },
        },
        "su-drop-primary" => Schema {
            setup: "create table users (id integer constraint users_pkey primary key)",
            build: |s| {
                s.alter_table("users", |t| {
                    t.drop_primary();
                });
            },
        },
        "su-drop-primary-takes-constraint-name" => Schema {
            setup: "create table users (id integer constraint testconstraintname primary key)",
            build: |s| {
                s.alter_table("users", |t| {
                    t.drop_primary().name("testconstraintname");
                });
            },
        },
        "su-drop-primary-if-exists" => Schema {
            setup: "create table users (id integer constraint users_pkey primary key)",
            build: |s| {
                s.alter_table("users", |t| {
                    t.drop_primary().if_exists();
                });
            },
        },
        "su-drop-primary-if-exists-takes-constraint-name" => Schema {
            setup: "create table users (id integer constraint testconstraintname primary key)",
            build: |s| {
                s.alter_table("users", |t| {
                    t.drop_primary().name("testconstraintname").if_exists();
                });
            },
        },
        "su-drop-unique-if-exists" => Schema {
            setup: "create table users (foo integer constraint users_foo_unique unique)",
            build: |s| {
                s.alter_table("users", |t| {
                    t.drop_unique("foo").if_exists();
                });
            },
        },
        "su-drop-unique-if-exists-custom" => Schema {
            setup: "create table users (bar integer constraint foo unique)",
            build: |s| {
                s.alter_table("users", |t| {
                    t.drop_constraint("foo").if_exists();
                });
            },
        },
        "su-drop-foreign" => Schema {
            setup: "create table orders (id integer primary key); create table users (foo integer constraint users_foo_foreign references orders (id))",
            build: |s| {
                s.alter_table("users", |t| {
                    t.drop_foreign("foo");
                });
            },
        },
        "su-drop-foreign-2" => Schema {
            setup: "create table orders (id integer primary key); create table users (bar integer constraint foo references orders (id))",
            build: |s| {
                s.alter_table("users", |t| {
                    t.drop_constraint("foo");
                });
            },
        },
        "su-drop-foreign-if-exists-custom" => Schema {
            setup: "create table orders (id integer primary key); create table users (bar integer constraint foo references orders (id))",
            build: |s| {
                s.alter_table("users", |t| {
                    t.drop_constraint("foo").if_exists();
                });
            },
        },
        "su-adds-foreign-key-with-deferrable-initially-immediate" => Schema {
            setup: "create table users (id integer primary key)",
            build: |s| {
                s.create_table("person", |t| {
                    t.integer("user_id").not_null().references("users.id").deferrable(Deferrable::Immediate);
                });
            },
        },
        "su-adds-unique-constraint-with-deferrable-initially-immediate" => Schema {
            setup: NO_SETUP,
            build: |s| {
                s.create_table("person", |t| {
                    t.integer("user_id").unique_with(|u| {
                        u.name("user_id_index").deferrable(Deferrable::Immediate);
                    });
                });
            },
        },
        "su-adds-primary-constraint-with-deferrable-initially-immediate" => Schema {
            setup: NO_SETUP,
            build: |s| {
                s.create_table("person", |t| {
                    t.integer("user_id").primary_with(|p| {
                        p.name("user_id_primary").deferrable(Deferrable::Immediate);
                    });
                });
            },
        },
        "su-rename-table" => Schema {
            setup: "create table users (id integer)",
            build: |s| {
                s.push(RenameTable::new("users", "foo"));
            },
        },
        "su-rename-column" => Schema {
            setup: "create table users (foo integer)",
            build: |s| {
                s.alter_table("users", |t| {
                    t.rename_column("foo", "bar");
                });
            },
        },
        "su-adding-primary-key-fluently" => Schema {
            setup: NO_SETUP,
            build: |s| {
                s.create_table("users", |t| {
                    t.string("name").primary();
                });
            },
        },
        "su-adding-foreign-key-2" => Schema {
            setup: "create table orders (id integer primary key); create table users (placeholder integer)",
            build: |s| {
                s.alter_table("users", |t| {
                    t.integer("foo_id").references("id").in_table("orders");
                });
            },
        },
        "su-adding-foreign-key-with-specific-identifier-2" => Schema {
            setup: "create table orders (id integer primary key); create table users (placeholder integer)",
            build: |s| {
                s.alter_table("users", |t| {
                    t.integer("foo_id").references("id").in_table("orders").foreign_key_name("fk_foo");
                });
            },
        },
        "su-adding-unique-key" => Schema {
            setup: "create table users (foo integer)",
            build: |s| {
                s.alter_table("users", |t| {
                    t.unique("foo").name("bar");
                });
            },
        },
        "su-adding-index" => Schema {
            setup: "create table users (foo integer, bar integer)",
            build: |s| {
                s.alter_table("users", |t| {
                    t.index(["foo", "bar"]).name("baz");
                });
            },
        },
        "su-adding-index-fluently" => Schema {
            setup: "create table users (placeholder integer)",
            build: |s| {
                s.alter_table("users", |t| {
                    t.string("name").index();
                });
            },
        },
        "su-adding-index-with-a-storage-engine-index-type" => Schema {
            setup: "create table users (foo tsvector, bar tsvector)",
            build: |s| {
                s.alter_table("users", |t| {
                    t.index(["foo", "bar"]).name("baz").using("gist");
                });
            },
        },
        "su-adding-index-with-a-storage-engine-index-type-fluently" => Schema {
            // gist on varchar needs btree_gist.
            setup: "create extension btree_gist; create table users (placeholder integer)",
            build: |s| {
                s.alter_table("users", |t| {
                    t.string("name").index_with(|i| {
                        i.name("baz").using("gist");
                    });
                });
            },
        },
        "su-adding-unique-index-using-index-method" => Schema {
            setup: "create table users (foo integer, bar integer)",
            build: |s| {
                s.alter_table("users", |t| {
                    t.index(["foo", "bar"]).name("baz").unique();
                });
            },
        },
        "su-adding-index-with-a-where-not-null-predicate" => Schema {
            setup: "create table users (foo integer, bar integer, email text)",
            build: |s| {
                s.alter_table("users", |t| {
                    t.index(["foo", "bar"]).name("baz").predicate(Expr::col("email").is_not_null());
                });
            },
        },
        "su-adding-unique-index-with-a-predicate" => Schema {
            // knex's predicate compares two columns: "foo@bar" is an identifier.
            setup: r#"create table users (foo integer, bar integer, email text, "foo@bar" text)"#,
            build: |s| {
                s.alter_table("users", |t| {
                    t.unique(["foo", "bar"]).name("baz").predicate_raw(r#"email = "foo@bar""#);
                });
            },
        },
        "su-adding-incrementing-id" => Schema {
            setup: "create table users (placeholder integer)",
            build: |s| {
                s.alter_table("users", |t| {
                    t.increments("id");
                });
            },
        },
        "su-adding-incrementing-id-without-primary-key" => Schema {
            setup: "create table users (placeholder integer)",
            build: |s| {
                s.alter_table("users", |t| {
                    t.increments("id").without_primary_key();
                });
            },
        },
        "su-adding-big-incrementing-id" => Schema {
            setup: "create table users (placeholder integer)",
            build: |s| {
                s.alter_table("users", |t| {
                    t.big_increments("id");
                });
            },
        },
        "su-adding-big-incrementing-id-without-primary-key" => Schema {
            setup: "create table users (placeholder integer)",
            build: |s| {
                s.alter_table("users", |t| {
                    t.big_increments("id").without_primary_key();
                });
            },
        },
        "su-adding-string" => add_column(|s| {
            s.alter_table("users", |t| {
                t.string("foo");
            });
        }),
        "su-adding-varchar-with-length" => add_column(|s| {
            s.alter_table("users", |t| {
                t.string_len("foo", 100);
            });
        }),
        "su-adding-big-integer" => add_column(|s| {
            s.alter_table("users", |t| {
                t.big_integer("foo");
            });
        }),
        "su-adding-autoincrement-integer" => add_column(|s| {
            s.alter_table("users", |t| {
                t.increments("foo");
            });
        }),
        "su-adding-medium-integer" => add_column(|s| {
            s.alter_table("users", |t| {
                t.medium_integer("foo");
            });
        }),
        "su-adding-tiny-integer" => add_column(|s| {
            s.alter_table("users", |t| {
                t.tiny_integer("foo");
            });
        }),
        "su-adding-small-integer" => add_column(|s| {
            s.alter_table("users", |t| {
                t.small_integer("foo");
            });
        }),
        "su-adding-float" => add_column(|s| {
            s.alter_table("users", |t| {
                t.float("foo");
            });
        }),
        "su-adding-double" => add_column(|s| {
            s.alter_table("users", |t| {
                t.double("foo");
            });
        }),
        "su-adding-decimal" => add_column(|s| {
            s.alter_table("users", |t| {
                t.decimal_with("foo", 5, 2);
            });
        }),
        "su-adding-boolean" => add_column(|s| {
            s.alter_table("users", |t| {
                t.boolean("foo").default_to(false);
            });
        }),
        "su-adding-enum" => add_column(|s| {
            s.alter_table("users", |t| {
                t.enu("foo", ["bar", "baz"]);
            });
        }),
        "su-adding-enum-with-usenative" => add_column(|s| {
            s.alter_table("users", |t| {
                t.native_enum("foo", "foo_type", ["bar", "baz"]).not_nullable();
            });
        }),
        "su-adding-enum-with-usenative-and-existingtype" => add_column(|s| {
            s.raw(r#"create type "foo_type" as enum ('bar', 'baz')"#);
            s.alter_table("users", |t| {
                t.existing_enum("foo", "foo_type").not_nullable();
            });
        }),
        "su-adding-enum-with-usenative-and-existingtype-from-manually-define" => Schema {
            setup: "create schema table_schema; create schema type_schema; \
                    create type type_schema.type_name as enum ('a', 'b'); \
                    create table table_schema.table_name (placeholder integer)",
            build: |s| {
                s.with_schema("table_schema").alter_table("table_name", |t| {
                    t.existing_enum("column_name", "type_name").type_schema("type_schema");
                });
            },
        },
        "su-adding-enum-with-usenative-and-alter" => Schema {
            setup: "create table users (foo text default 'bar')",
            build: |s| {
                s.alter_table("users", |t| {
                    t.native_enum("foo", "foo_type", ["bar", "baz"]).not_nullable().alter();
                });
            },
        },
        "su-adding-date" => add_column(|s| {
            s.alter_table("users", |t| {
                t.date("foo");
            });
        }),
        "su-adding-time" => add_column(|s| {
            s.alter_table("users", |t| {
                t.time("foo");
            });
        }),
        "su-adding-timestamp-with-timezone" => add_column(|s| {
            s.alter_table("users", |t| {
                t.timestamp("foo");
            });
        }),
        "su-adding-timestamp-without-timezone" => add_column(|s| {
            s.alter_table("users", |t| {
                t.timestamp("foo").without_time_zone();
            });
        }),
        "su-adding-datetime-with-precision" => add_column(|s| {
            s.alter_table("users", |t| {
                t.datetime("foo").precision(3);
            });
        }),
        "su-adding-timestamp-with-options-object-but-precision-0-4784" => add_column(|s| {
            s.alter_table("users", |t| {
                t.timestamp("foo").without_time_zone().precision(0);
            });
        }),
        // knex's timestamps(false, true): both flavours are timestamptz on PostgreSQL.
        "su-adding-timestamps-with-defaults" => add_column(|s| {
            s.alter_table("users", |t| {
                t.timestamps_with(false, true);
            });
        }),
        "su-adding-timestamps-with-options-object" => add_column(|s| {
            s.alter_table("users", |t| {
                t.timestamps_camel_case(true, true);
            });
        }),
        "su-adding-binary" => add_column(|s| {
            s.alter_table("users", |t| {
                t.binary("foo");
            });
        }),
        "su-adding-jsonb" => Schema {
            setup: r#"create table "user" (placeholder integer)"#,
            build: |s| {
                s.alter_table("user", |t| {
                    t.jsonb("preferences");
                });
            },
        },
        "su-adding-uuid" => add_column(|s| {
            s.alter_table("users", |t| {
                t.uuid("foo");
            });
        }),
        "su-set-comment" => Schema {
            setup: r#"create table "user" (placeholder integer)"#,
            build: |s| {
                s.alter_table("user", |t| {
                    t.comment("Custom comment");
                });
            },
        },
        "su-set-empty-comment" => Schema {
            setup: r#"create table "user" (placeholder integer); comment on table "user" is 'before'"#,
            build: |s| {
                s.alter_table("user", |t| {
                    t.comment("");
                });
            },
        },
        "su-test-column-comment-with-quotes" => Schema {
            setup: NO_SETUP,
            build: |s| {
                s.create_table("test", |t| {
                    t.text("column1").comment("The table's first column and it's escaped");
                });
            },
        },
        "su-allows-adding-default-json-objects-when-the-column-is-json" => Schema {
            setup: r#"create table "user" (placeholder integer)"#,
            build: |s| {
                s.alter_table("user", |t| {
                    t.json("preferences").default_to(json!({})).not_nullable();
                });
            },
        },
        "su-allows-adding-default-jsonb-objects-when-the-column-is-json" => Schema {
            setup: r#"create table "user" (placeholder integer)"#,
            build: |s| {
                s.alter_table("user", |t| {
                    t.jsonb("preferences").default_to(json!({})).not_nullable();
                });
            },
        },
        "su-1430-primary-dropprimary-takes-columns-and-constraintname" => Schema {
            setup: NO_SETUP,
            build: |s| {
                s.create_table("users", |t| {
                    t.string("test1");
                    t.string("test2");
                    t.primary(["test1", "test2"]).name("testconstraintname");
                });
            },
        },
        "su-1430-primary-dropprimary-takes-columns-and-constraintname-2" => Schema {
            setup: NO_SETUP,
            build: |s| {
                s.create_table("users", |t| {
                    t.string("test").primary_with(|p| {
                        p.name("testconstraintname");
                    });
                });
            },
        },
        "gen-s-has-table" => Query(|| HasTable::new("users").build(PostgresQueryBuilder)),
        "gen-s-has-table-with-schema" => {
            Query(|| HasTable::new("users").with_schema("public").build(PostgresQueryBuilder))
        }
        "gen-s-create-table-with-schema" => Schema {
            setup: "create schema app",
            build: |s| {
                s.with_schema("app").create_table("users", |t| {
                    t.increments("id");
                    t.string("email").not_nullable().unique();
                    t.timestamps_with(false, true);
                });
            },
        },
        "gen-s-default-fn-now" => Schema {
            setup: NO_SETUP,
            build: |s| {
                s.create_table("events", |t| {
                    t.timestamp("created_at").not_nullable().default_to(now());
                });
            },
        },
        "gen-s-default-raw" => Schema {
            setup: NO_SETUP,
            build: |s| {
                s.create_table("items", |t| {
                    t.uuid("id").primary().default_to(raw("gen_random_uuid()"));
                });
            },
        },
        "gen-s-create-table-mixed-types" => Schema {
            setup: NO_SETUP,
            build: |s| {
                s.create_table("users", |t| {
                    t.increments("id");
                    t.boolean("active").not_nullable().default_to(true);
                    t.jsonb("meta").default_to(raw("'{}'::jsonb"));
                    t.date("born");
                    t.timestamp("seen_at").without_time_zone();
                });
            },
        },
        "gen-s-set-nullable" => Schema {
            setup: "create table users (email text not null)",
            build: |s| {
                s.alter_table("users", |t| {
                    t.set_nullable("email");
                });
            },
        },
        "gen-s-references-on-delete-on-update" => Schema {
            setup: "create table users (id integer primary key)",
            build: |s| {
                s.create_table("posts", |t| {
                    t.increments("id");
                    t.integer("user_id")
                        .unsigned()
                        .not_nullable()
                        .references("id")
                        .in_table("users")
                        .on_delete(ForeignKeyAction::Cascade)
                        .on_update(ForeignKeyAction::Cascade);
                });
            },
        },
        "gen-s-alter-add-drop-rename" => Schema {
            setup: "create table users (legacy text, fullname text)",
            build: |s| {
                s.alter_table("users", |t| {
                    t.string("nickname");
                    t.drop_column("legacy");
                    t.rename_column("fullname", "name");
                });
            },
        },
        _ => return None,
    })
}

/// The usual setup of an "adding a column" case: a table to add it to.
fn add_column(build: fn(&mut SchemaBuilder)) -> Port {
    Schema { setup: "create table users (placeholder integer)", build }
}

#[derive(serde::Deserialize)]
struct Case {
    id: String,
    sql: Vec<String>,
    #[serde(default)]
    bindings: Option<Vec<Vec<serde_json::Value>>>,
}

fn cases() -> Vec<Case> {
    let text = std::fs::read_to_string(fixtures().join("knex-conformance/schema-pg.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Runs `setup` and `statements` in one transaction on `client`, reads the
/// catalog, and rolls back: the database is as empty for the next case as a
/// fresh one, without the cost of creating one (DDL is transactional in
/// PostgreSQL). A statement that cannot run in a transaction block gets a
/// fresh database of its own.
fn apply(client: &mut postgres::Client, setup: &str, statements: &[String]) -> Result<Vec<String>, String> {
    let mut transaction = client.transaction().map_err(|e| e.to_string())?;
    match apply_on(&mut transaction, setup, statements) {
        Err((code, _)) if code == Some(SqlState::ACTIVE_SQL_TRANSACTION) => {
            drop(transaction);
            let db = TestDatabase::empty().map_err(|e| e.to_string())?;
            let mut own = db.connect().map_err(|e| e.to_string())?;
            apply_on(&mut own, setup, statements).map_err(|(_, message)| message)
        }
        applied => applied.map_err(|(_, message)| message),
    }
}

fn apply_on(
    client: &mut impl GenericClient,
    setup: &str,
    statements: &[String],
) -> Result<Vec<String>, (Option<SqlState>, String)> {
    let failed =
        |what: String, e: &postgres::Error| (e.code().cloned(), format!("{what}: {}", knexrs_connect::describe(e)));
    if !setup.is_empty() {
        client.batch_execute(setup).map_err(|e| failed("setup failed".to_owned(), &e))?;
    }
    for sql in statements {
        client.batch_execute(sql).map_err(|e| failed(format!("`{sql}` failed"), &e))?;
    }
    Ok(snapshot(client))
}

/// Checks a case; schema cases are applied on `client` (see [`apply`]).
fn check(client: &mut postgres::Client, case: &Case) -> Result<(), String> {
    match port(&case.id).ok_or("not ported")? {
        Schema { setup, build } => {
            let mut schema = SchemaBuilder::new();
            build(&mut schema);
            let ours = schema.build(PostgresQueryBuilder).map_err(|e| format!("our DSL refused: {e}"))?;
            let theirs = apply(client, setup, &case.sql).map_err(|e| format!("knex: {e}"))?;
            let mine = apply(client, setup, &ours).map_err(|e| format!("ours: {e}"))?;
            if theirs != mine {
                let only_knex: Vec<_> = theirs.iter().filter(|l| !mine.contains(l)).collect();
                let only_ours: Vec<_> = mine.iter().filter(|l| !theirs.contains(l)).collect();
                return Err(format!(
                    "catalogs differ\n  knex only: {only_knex:#?}\n  ours only: {only_ours:#?}\n  our SQL: {ours:#?}"
                ));
            }
            Ok(())
        }
        Query(build) => {
            let (sql, values) = build();
            let [knex_sql] = case.sql.as_slice() else { return Err("a query case has one statement".into()) };
            if normalize_sql(knex_sql, true) != normalize_sql(&sql, false) {
                return Err(format!("SQL differs\n  knex: {knex_sql}\n  ours: {sql}"));
            }
            if let Some(bindings) = &case.bindings {
                let ours: Vec<String> = values.0.iter().map(|v| format!("{v:?}")).collect();
                if bindings[0].len() != ours.len() {
                    return Err(format!("bindings differ: knex {bindings:?}, ours {ours:?}"));
                }
            }
            Ok(())
        }
    }
}

#[test]
fn every_knex_schema_case_is_ported_and_leaves_the_same_catalog() {
    let cases = cases();
    assert_eq!(cases.len(), 98);
    let results: Vec<(String, Result<(), String>)> = std::thread::scope(|scope| {
        let chunks: Vec<&[Case]> = cases.chunks(cases.len().div_ceil(6)).collect();
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                scope.spawn(move || {
                    // One database per thread: each case's statements are rolled back after it.
                    let db = TestDatabase::empty().unwrap();
                    let mut client = db.connect().unwrap();
                    chunk.iter().map(|c| (c.id.clone(), check(&mut client, c))).collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    let failures: Vec<String> =
        results.iter().filter_map(|(id, result)| result.as_ref().err().map(|e| format!("{id}: {e}"))).collect();
    assert_every_case_passes("knex schema conformance", results.len(), &failures);
}

#[test]
fn beyond_knex_identity_generated_and_not_valid_constraints_work_on_a_real_database() {
    let db = TestDatabase::empty().unwrap();
    // `nulls not distinct` is PostgreSQL 15's (older servers: see the next test).
    let modern = knexrs_tests::server_major(&db) >= 15;
    let mut schema = SchemaBuilder::new();
    schema.create_table("orders", |t| {
        t.big_integer("id").identity(Identity::Always).primary();
        t.integer("quantity").not_nullable();
        t.decimal_with("unit_price", 10, 2).not_nullable();
        t.decimal_with("total", 12, 2).generated_stored("quantity * unit_price");
        t.text("code").collate("C");
    });
    schema.alter_table("orders", |t| {
        t.check("quantity > 0").name("quantity_positive").not_valid();
        let index = t.index("code");
        index.include(["total"]).unique();
        if modern {
            index.nulls_not_distinct();
        }
    });
    schema.alter_table("orders", |t| {
        t.validate_constraint("quantity_positive");
    });
    schema.execute(&mut db.connect().unwrap()).unwrap();
    let mut client = db.connect().unwrap();
    client.batch_execute("insert into orders (quantity, unit_price, code) values (3, 2.50, 'a')").unwrap();
    let row = client.query_one("select id, total::text from orders", &[]).unwrap();
    assert_eq!(row.get::<_, i64>(0), 1);
    assert_eq!(row.get::<_, String>(1), "7.50");
    let err = client.batch_execute("insert into orders (id, quantity, unit_price) values (5, 1, 1)").unwrap_err();
    assert!(
        err.to_string().contains("cannot insert a non-DEFAULT value into column \"id\"")
            || format!("{err:?}").contains("428C9")
    );
    let err = client.batch_execute("insert into orders (quantity, unit_price, code) values (0, 1, 'b')").unwrap_err();
    assert_eq!(err.code(), Some(&postgres::error::SqlState::CHECK_VIOLATION));
    // nulls not distinct: a second null code is a duplicate (before 15, nulls stay distinct).
    client.batch_execute("insert into orders (quantity, unit_price) values (1, 1)").unwrap();
    let second = client.batch_execute("insert into orders (quantity, unit_price) values (1, 1)");
    if modern {
        assert_eq!(second.unwrap_err().code(), Some(&postgres::error::SqlState::UNIQUE_VIOLATION));
    } else {
        second.unwrap();
    }
    let validated: bool = client
        .query_one("select convalidated from pg_constraint where conname = 'quantity_positive'", &[])
        .unwrap()
        .get(0);
    assert!(validated);
    let indexdef: String =
        client.query_one("select indexdef from pg_indexes where indexname = 'orders_code_index'", &[]).unwrap().get(0);
    assert!(indexdef.contains("INCLUDE (total)") && indexdef.contains("NULLS NOT DISTINCT") == modern, "{indexdef}");
}

#[test]
fn beyond_knex_enum_values_are_added_in_place() {
    let db = TestDatabase::empty().unwrap();
    let mut schema = SchemaBuilder::new();
    schema.create_table("moods", |t| {
        t.native_enum("mood", "mood", ["sad", "happy"]);
    });
    let mut add = AlterEnumType::add_value("mood", "ok");
    add.after("sad");
    schema.push(add);
    schema.execute(&mut db.connect().unwrap()).unwrap();
    let labels: String = db
        .connect()
        .unwrap()
        .query_one(
            "select string_agg(enumlabel, ',' order by enumsortorder) from pg_enum where enumtypid = 'mood'::regtype",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(labels, "sad,ok,happy");
}

#[test]
fn views_are_created_refreshed_renamed_and_dropped() {
    let db = TestDatabase::empty().unwrap();
    let mut schema = SchemaBuilder::new();
    schema.create_table("users", |t| {
        t.increments("id");
        t.integer("age");
    });
    let adults = sea_query::Query::select().column("id").from("users").and_where(Expr::col("age").gt(18)).to_owned();
    schema.create_view("adults", |v| {
        v.columns(["id"]).as_select(&adults).local_check_option();
    });
    schema.create_materialized_view("ages", |v| {
        v.as_raw("select age, count(*) as n from users group by age");
    });
    schema.raw("create unique index ages_age on ages (age)");
    schema.refresh_materialized_view("ages", true);
    schema.rename_view("adults", "grown_ups");
    schema.execute(&mut db.connect().unwrap()).unwrap();
    let mut client = db.connect().unwrap();
    let views: i64 =
        client.query_one("select count(*) from pg_views where viewname = 'grown_ups'", &[]).unwrap().get(0);
    assert_eq!(views, 1);
    let mut drop = SchemaBuilder::new();
    drop.drop_view("grown_ups").drop_materialized_view("ages");
    drop.push(CreateView::new("kept").as_raw("select 1 as one").to_owned());
    drop.execute(&mut client).unwrap();
    let left: i64 =
        client.query_one("select count(*) from pg_class where relname in ('grown_ups', 'ages')", &[]).unwrap().get(0);
    assert_eq!(left, 0);
}

#[test]
fn rendering_errors_are_errors_not_panics_or_truncation() {
    let build = |define: fn(&mut SchemaBuilder)| {
        let mut schema = SchemaBuilder::new();
        define(&mut schema);
        schema.build(PostgresQueryBuilder).map(|_| ()).unwrap_err().to_string()
    };
    assert!(
        build(|s| {
            s.create_table("empty", |_| {});
        })
        .contains("has no columns")
    );
    assert!(
        build(|s| {
            s.create_table("t", |t| {
                t.decimal_with("d", 2, 5);
            });
        })
        .contains("scale 5 greater than precision 2")
    );
    assert!(
        build(|s| {
            s.create_table("x".repeat(64), |t| {
                t.text("a");
            });
        })
        .contains("64 bytes")
    );
    assert!(
        build(|s| {
            s.create_table("t", |t| {
                t.text("a").precision(3);
            });
        })
        .contains("precision applies to timestamp and time columns only")
    );
    assert!(
        build(|s| {
            s.alter_table("t", |t| {
                t.integer("a").on_delete(ForeignKeyAction::Cascade);
            });
        })
        .contains("call .references")
    );
    assert!(
        build(|s| {
            s.alter_table("t", |t| {
                t.index("a").using("gist; drop table t");
            });
        })
        .contains("not a plain name")
    );
    assert!(
        build(|s| {
            s.alter_table("t", |t| {
                t.text("a").check(Check::length("=>", 3));
            });
        })
        .contains("not a comparison operator")
    );
}

#[test]
fn long_derived_names_are_cut_as_postgresql_cuts_knex_names() {
    let db = TestDatabase::empty().unwrap();
    let table = "a_table_with_a_rather_long_name_for_testing";
    let column = "and_a_column_with_a_long_name_too";
    let knex = format!(
        r#"create table "{table}" ("{column}" integer); create index "{table}_{column}_index" on "{table}" ("{column}")"#
    );
    let mut ours = SchemaBuilder::new();
    ours.create_table(table, |t| {
        t.integer(column).index();
    });
    let theirs = {
        let db = TestDatabase::empty().unwrap();
        let mut client = db.connect().unwrap();
        client.batch_execute(&knex).unwrap();
        snapshot(&mut client)
    };
    ours.execute(&mut db.connect().unwrap()).unwrap();
    assert_eq!(snapshot(&mut db.connect().unwrap()), theirs);
}

/// More of knex's own PostgreSQL schema unit tests (test/unit/schema-builder/postgres.js,
/// knex 3.3.0) than the conformance file holds, with the SQL knex's tests expect.
/// A knex unit case: its title, the table, the statements knex renders, our port.
type KnexUnitCase = (&'static str, &'static str, Vec<&'static str>, fn(&mut SchemaBuilder));

fn knex_unit_cases() -> Vec<KnexUnitCase> {
    vec![
        (
            "test column comment with pre-escaped quotes",
            NO_SETUP,
            vec![
                r#"create table "test" ("column1" text)"#,
                r#"comment on column "test"."column1" is 'The table''s first column and it''s escaped'"#,
            ],
            |s| {
                s.create_table("test", |t| {
                    t.text("column1").comment("The table''s first column and it''s escaped");
                });
            },
        ),
        (
            "create table like another with additionnal columns",
            "create table users (id integer primary key, name text default 'x')",
            vec![r#"create table "users_like" (like "users" including all, "add_col" text, "numeric_col" integer)"#],
            |s| {
                s.create_table_like("users_like", "users", |t| {
                    t.text("add_col");
                    t.integer("numeric_col");
                });
            },
        ),
        (
            "table inherits another table",
            r#"create table "inheritedTable" (id integer)"#,
            vec![r#"create table "inheriteeTable" ("username" varchar(255)) inherits ("inheritedTable")"#],
            |s| {
                s.create_table("inheriteeTable", |t| {
                    t.string("username");
                    t.inherits("inheritedTable");
                });
            },
        ),
        (
            "alter table with checks",
            "create table users (id integer)",
            vec![r#"alter table "users" add column "price" integer check ("price" > 0)"#],
            |s| {
                s.alter_table("users", |t| {
                    t.integer("price").check(Check::positive());
                });
            },
        ),
        (
            "allows adding checks in / not in / between / length / regex",
            r#"create table "user" (id integer)"#,
            vec![
                r#"alter table "user" add column "animal" varchar(255) check ("animal" in ('cat','dog'))"#,
                r#"alter table "user" add column "other" varchar(255) check ("other" not in ('cat','dog'))"#,
                r#"alter table "user" add column "price" integer check ("price" between 10 and 15 or "price" between 20 and 25)"#,
                r#"alter table "user" add column "phone" varchar(255) check (length("phone") = 8)"#,
                r#"alter table "user" add column "code" varchar(255) check ("code" ~ '[0-9]{8}')"#,
            ],
            |s| {
                s.alter_table("user", |t| {
                    t.string("animal").check(Check::in_values(["cat", "dog"]));
                    t.string("other").check(Check::not_in(["cat", "dog"]));
                    t.integer("price").check(Check::between_any([(10, 15), (20, 25)]));
                    t.string("phone").check(Check::length("=", 8));
                    t.string("code").check(Check::regex("[0-9]{8}"));
                });
            },
        ),
        (
            "drop checks",
            r#"create table "user" (a integer constraint check_constraint1 check (a > 0), b integer constraint check_constraint2 check (b > 0))"#,
            vec![r#"alter table "user" drop constraint check_constraint1, drop constraint check_constraint2"#],
            |s| {
                s.alter_table("user", |t| {
                    t.drop_checks(["check_constraint1", "check_constraint2"]);
                });
            },
        ),
        (
            "drop index, with schema",
            r#"create schema "mySchema"; create table "mySchema".users (foo integer); create index users_foo_index on "mySchema".users (foo)"#,
            vec![r#"drop index "mySchema"."users_foo_index""#],
            |s| {
                s.with_schema("mySchema").alter_table("users", |t| {
                    t.drop_index("foo");
                });
            },
        ),
        (
            "adding unique index",
            "create table users (foo integer, bar integer)",
            vec![r#"create unique index "baz" on "users" ("foo", "bar")"#],
            |s| {
                s.alter_table("users", |t| {
                    t.unique(["foo", "bar"]).name("baz").as_index();
                });
            },
        ),
        (
            "adding decimal, variable precision",
            "create table users (id integer)",
            vec![r#"alter table "users" add column "foo" decimal"#],
            |s| {
                s.alter_table("users", |t| {
                    t.decimal_unconstrained("foo");
                });
            },
        ),
        (
            "adding multiple useNative enums with some alters",
            "create table users (foo text, baz text)",
            vec![
                r#"create type "baz_type" as enum ('foo', 'bar')"#,
                r#"create type "foo_type" as enum ('bar', 'baz')"#,
                r#"create type "bar_type" as enum ('foo', 'baz')"#,
                r#"alter table "users" add column "bar" "bar_type""#,
                r#"alter table "users" alter column "foo" drop default"#,
                r#"alter table "users" alter column "foo" drop not null"#,
                r#"alter table "users" alter column "foo" type "foo_type" using ("foo"::text::"foo_type")"#,
                r#"alter table "users" alter column "foo" set not null"#,
                r#"alter table "users" alter column "baz" drop default"#,
                r#"alter table "users" alter column "baz" drop not null"#,
                r#"alter table "users" alter column "baz" type "baz_type" using ("baz"::text::"baz_type")"#,
                r#"alter table "users" alter column "baz" set default 'foo'"#,
            ],
            |s| {
                s.alter_table("users", |t| {
                    t.native_enum("foo", "foo_type", ["bar", "baz"]).not_nullable().alter();
                    t.native_enum("bar", "bar_type", ["foo", "baz"]);
                    t.native_enum("baz", "baz_type", ["foo", "bar"]).default_to("foo").alter();
                });
            },
        ),
        (
            "create view with check options",
            "create table users (name text, age integer)",
            vec![
                r#"create view "adults" ("name") as select "name" from "users" where "age" > '18' with local check option"#,
            ],
            |s| {
                let query = sea_query::Query::select()
                    .column("name")
                    .from("users")
                    .and_where(Expr::col("age").gt("18"))
                    .to_owned();
                s.create_view("adults", |v| {
                    v.columns(["name"]).as_select(&query).local_check_option();
                });
            },
        ),
        (
            "create materialized view and refresh it concurrently",
            "create table users (name text, age integer)",
            vec![
                r#"create materialized view "adults" ("name") as select "name" from "users" where "age" > '18'"#,
                r#"create unique index on "adults" ("name")"#,
                r#"refresh materialized view concurrently "adults""#,
            ],
            |s| {
                let query = sea_query::Query::select()
                    .column("name")
                    .from("users")
                    .and_where(Expr::col("age").gt("18"))
                    .to_owned();
                s.create_materialized_view("adults", |v| {
                    v.columns(["name"]).as_select(&query);
                });
                s.raw(r#"create unique index on "adults" ("name")"#);
                s.refresh_materialized_view("adults", true);
            },
        ),
        (
            "rename a column of a view and set its default",
            "create table users (\"oldName\" integer); create view users_view as select * from users",
            vec![
                r#"alter view "users_view" rename "oldName" to "newName""#,
                r#"alter view "users_view" alter "newName" set default 10"#,
            ],
            |s| {
                s.alter_view("users_view", |v| {
                    v.rename_column("oldName", "newName").set_default("newName", 10);
                });
            },
        ),
        (
            "spatial and bit columns",
            "create table users (id integer)",
            vec![r#"alter table "users" add column "p" point, add column "flags" bit(8)"#],
            |s| {
                s.alter_table("users", |t| {
                    t.point("p");
                    t.bit("flags", 8);
                });
            },
        ),
        (
            "default to now with precision",
            NO_SETUP,
            vec![r#"create table "events" ("at" timestamptz(6) default CURRENT_TIMESTAMP(6))"#],
            |s| {
                s.create_table("events", |t| {
                    t.timestamp("at").precision(6).default_to(knexrs_schema::now_with_precision(6));
                });
            },
        ),
    ]
}

#[test]
fn more_of_knex_unit_tests_leave_the_same_catalog() {
    let mut failures = Vec::new();
    let db = TestDatabase::empty().unwrap();
    let mut client = db.connect().unwrap();
    for (name, setup, knex_sql, build) in knex_unit_cases() {
        let mut schema = SchemaBuilder::new();
        build(&mut schema);
        let ours = schema.build(PostgresQueryBuilder).unwrap();
        let knex_sql: Vec<String> = knex_sql.into_iter().map(str::to_owned).collect();
        let theirs = apply(&mut client, setup, &knex_sql).unwrap_or_else(|e| panic!("{name}: knex: {e}"));
        let mine = apply(&mut client, setup, &ours).unwrap_or_else(|e| panic!("{name}: ours: {e}"));
        if theirs != mine {
            failures.push(format!("{name}:\n knex {theirs:#?}\n ours {mine:#?}\n our SQL {ours:#?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn features_newer_than_the_server_are_refused_with_the_version_they_need_and_work_where_it_has_them() {
    let db = TestDatabase::empty().unwrap();
    let major = knexrs_tests::server_major(&db);
    let mut nulls = SchemaBuilder::new();
    nulls.create_table("accounts", |t| {
        t.text("external_id");
        t.unique("external_id").nulls_not_distinct();
    });
    let mut virtual_column = SchemaBuilder::new();
    virtual_column.create_table("people", |t| {
        t.text("email");
        t.text("email_lower").generated_virtual("lower(email)");
    });
    for (schema, needs, table) in [(&nulls, 15, "accounts"), (&virtual_column, 18, "people")] {
        let result = schema.execute(&mut db.connect().unwrap());
        if major >= needs {
            result.unwrap();
        } else {
            let err = result.unwrap_err();
            assert!(matches!(err, SchemaError::NeedsVersion { needs: n, .. } if n == needs), "{err}");
            assert!(
                err.to_string()
                    .contains(&format!("needs PostgreSQL {needs} or later, and the server is PostgreSQL {major}.")),
                "{err}"
            );
        }
        let exists: bool =
            db.connect().unwrap().query_one("select to_regclass($1) is not null", &[&table]).unwrap().get(0);
        assert_eq!(exists, major >= needs, "{table}: refused means nothing was sent");
    }
    if major >= 18 {
        let mut client = db.connect().unwrap();
        let kind: i8 = client
            .query_one(
                "select attgenerated from pg_attribute where attrelid = 'people'::regclass and attname = 'email_lower'",
                &[],
            )
            .unwrap()
            .get(0);
        assert_eq!(kind as u8, b'v', "a virtual column");
        client.batch_execute("insert into people (email) values ('A@B.C')").unwrap();
        let lower: String = client.query_one("select email_lower from people", &[]).unwrap().get(0);
        assert_eq!(lower, "a@b.c");
    }
}
