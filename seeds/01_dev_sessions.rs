//! Seed 01_dev_sessions: a session and its token for local development.
//! `cargo xtask seed run` runs the seeds in name order, each in its own
//! transaction, and skips one already run with the same source.

use knexrs_migrate::prelude::*;

pub fn seed(schema: &mut SchemaBuilder) {
    // knex: await knex('sessions').where({ owner_user_id: 'dev' }).del(); await knex('sessions').insert({...});
    let mut clear = Delete::from("sessions");
    clear.where_eq("owner_user_id", "dev");
    schema.query(&clear);
    let mut session = Insert::into("sessions");
    session
        .set("session_id", "dev-session")
        .set("owner_user_id", "dev")
        .set("job_name", "dev-job")
        .set("expires_at", query::raw("now() + interval '1 day'"));
    schema.query(&session);
}
