//! Used token ids, so a token cannot be replayed (port of the knex migration of the same name).

use knexrs_migrate::prelude::*;

pub fn up(schema: &mut SchemaBuilder) {
    schema.create_table("token_jti", |t| {
        t.text("jti").primary();
        t.text("session_id").not_nullable();
        t.timestamp("expires_at").not_nullable();
        t.index("expires_at").name("idx_jti_expires");
    });
}

pub fn down(schema: &mut SchemaBuilder) {
    schema.drop_table_if_exists("token_jti");
}
