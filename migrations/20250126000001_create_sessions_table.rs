//! The sessions of the cliscale controller (port of the knex migration of the same name).

use knexrs_migrate::prelude::*;

pub fn up(schema: &mut SchemaBuilder) {
    schema.raw(r#"CREATE EXTENSION IF NOT EXISTS "uuid-ossp""#);
    schema.create_table("sessions", |t| {
        t.text("session_id").primary().default_to(raw("uuid_generate_v4()"));
        t.text("owner_user_id").not_nullable();
        t.text("job_name").not_nullable().unique();
        t.text("pod_name");
        t.text("pod_ip");
        t.timestamp("created_at").default_to(now());
        t.timestamp("expires_at").not_nullable();
        t.index("owner_user_id").name("idx_sessions_owner");
        t.index("expires_at").name("idx_sessions_expires");
    });
}

pub fn down(schema: &mut SchemaBuilder) {
    schema.drop_table_if_exists("sessions");
    schema.raw(r#"DROP EXTENSION IF EXISTS "uuid-ossp""#);
}
