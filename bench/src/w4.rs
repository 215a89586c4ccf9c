//! W4: build + render only, no database: the four queries of the harness
//! built with the query builder and rendered to `$n` SQL and values.

use crate::BenchError;
use knexrs_query::{Insert, Order, PostgresQueryBuilder, Update, Values, Wheres, table};
use std::hint::black_box;
use std::time::Instant;

type Built = (String, Values);

/// `db('sessions').where({session_id: 'abc-123'}).first()`
pub fn first() -> Built {
    let mut q = table("sessions");
    q.where_eq("session_id", "abc-123").first();
    q.build(PostgresQueryBuilder).unwrap_or_else(|_| (String::new(), Values(Vec::new())))
}

/// `db('sessions').insert({session_id, owner_user_id, job_name, expires_at: Date})`
pub fn insert() -> Built {
    let expires_at = chrono::DateTime::from_timestamp(1_893_456_000, 0).unwrap_or_default();
    let mut q = Insert::into("sessions");
    q.set("session_id", "abc-123")
        .set("owner_user_id", "user-1")
        .set("job_name", "job-1")
        .set("expires_at", expires_at);
    q.build(PostgresQueryBuilder).unwrap_or_else(|_| (String::new(), Values(Vec::new())))
}

/// `db('sessions').where({session_id: 'abc-123'}).update({pod_ip: '10.0.0.1'})`
pub fn update() -> Built {
    let mut q = Update::table("sessions");
    q.where_eq("session_id", "abc-123").set("pod_ip", "10.0.0.1");
    q.build(PostgresQueryBuilder).unwrap_or_else(|_| (String::new(), Values(Vec::new())))
}

/// The three-join select of the harness.
pub fn join3() -> Built {
    let mut q = table("sessions as s");
    q.join("users as u", "u.id", "s.owner_user_id")
        .join("jobs as j", "j.name", "s.job_name")
        .left_join("token_jti as t", "t.session_id", "s.session_id")
        .columns(["s.session_id", "u.email", "j.status", "t.jti"])
        .where_in("s.owner_user_id", ["user-1", "user-2", "user-3"])
        .order_by("s.created_at", Order::Desc)
        .limit(50);
    q.build(PostgresQueryBuilder).unwrap_or_else(|_| (String::new(), Values(Vec::new())))
}

/// A W4 query: its name and how to build it.
pub type NamedQuery = (&'static str, fn() -> Built);

/// The queries by name.
pub const QUERIES: [NamedQuery; 4] = [("first", first), ("insert", insert), ("update", update), ("join3", join3)];

/// `iters` builds per round, `rounds` rounds per query after a warm-up; the
/// harness's JSON line.
pub fn run(iters: usize, rounds: usize, only: Option<&str>) -> Result<String, BenchError> {
    let mut ns = serde_json::Map::new();
    let mut sql = serde_json::Map::new();
    for (name, build) in QUERIES.into_iter().filter(|(name, _)| only.is_none_or(|only| only == *name)) {
        if build().0.is_empty() {
            return Err(format!("query {name} did not build").into());
        }
        for _ in 0..iters.min(20_000) {
            black_box(build());
        }
        let per_round: Vec<f64> = (0..rounds)
            .map(|_| {
                let start = Instant::now();
                for _ in 0..iters {
                    black_box(build());
                }
                (start.elapsed().as_nanos() as f64 / iters.max(1) as f64 * 10.0).round() / 10.0
            })
            .collect();
        ns.insert(name.to_owned(), serde_json::json!(per_round));
        sql.insert(name.to_owned(), serde_json::json!(build().0));
    }
    Ok(serde_json::json!({ "ns_per_build": ns, "sql": sql }).to_string())
}
