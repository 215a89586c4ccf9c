//! W5: `n` inserts, `n` first() by primary key (every row decoded), `n`
//! updates, each built per call with the query builder, on one connection.

use crate::BenchError;
use knexrs_connect::ConnectConfig;
use knexrs_query::{Connection, Executor, FromRow, Insert, QueryError, Row, Update, Wheres, get, table};
use std::time::Instant;

/// A row of the W5 `sessions` table. Timestamps decode to `SystemTime`, as
/// the harness's raw floors decode them, so both sides do the same decoding
/// work and the ratio measures the toolkit alone (a service would as well
/// decode them to `chrono::DateTime<Utc>`, which costs the same on either side).
#[derive(Debug)]
pub struct Session {
    /// `session_id`
    pub session_id: String,
    /// `owner_user_id`
    pub owner_user_id: String,
    /// `job_name`
    pub job_name: String,
    /// `pod_ip`
    pub pod_ip: Option<String>,
    /// `expires_at`
    pub expires_at: std::time::SystemTime,
    /// `created_at`
    pub created_at: std::time::SystemTime,
    /// `updated_at`
    pub updated_at: std::time::SystemTime,
}

impl FromRow for Session {
    fn from_row(row: Row) -> Result<Self, QueryError> {
        Ok(Session {
            session_id: get(&row, "session_id")?,
            owner_user_id: get(&row, "owner_user_id")?,
            job_name: get(&row, "job_name")?,
            pod_ip: get(&row, "pod_ip")?,
            expires_at: get(&row, "expires_at")?,
            created_at: get(&row, "created_at")?,
            updated_at: get(&row, "updated_at")?,
        })
    }
}

fn ops_per_s(n: usize, start: Instant) -> f64 {
    (n as f64 / start.elapsed().as_secs_f64() * 10.0).round() / 10.0
}

/// The three phases; the harness's JSON line.
pub fn run(url: &str, n: usize) -> Result<String, BenchError> {
    let mut conn = Connection::new(ConnectConfig::from_url(url)?.connect()?);
    let expires_at = chrono::Utc::now() + chrono::Duration::hours(1);

    let start = Instant::now();
    for i in 0..n {
        let mut insert = Insert::into("sessions");
        insert
            .set("session_id", format!("sess-{i}"))
            .set("owner_user_id", format!("user-{}", i % 100))
            .set("job_name", format!("job-{i}"))
            .set("expires_at", expires_at);
        conn.execute(&insert)?;
    }
    let insert = ops_per_s(n, start);

    let start = Instant::now();
    for i in 0..n {
        let id = format!("sess-{i}");
        let mut q = table("sessions");
        q.where_eq("session_id", id.as_str()).first();
        let session: Session = conn.fetch_optional(&q)?.ok_or("select: row missing")?;
        if session.session_id != id {
            return Err("select: wrong row".into());
        }
    }
    let select = ops_per_s(n, start);

    let start = Instant::now();
    for i in 0..n {
        let mut update = Update::table("sessions");
        update
            .set("pod_ip", format!("10.0.{}.{}", (i >> 8) & 255, i & 255))
            .where_eq("session_id", format!("sess-{i}"));
        if conn.execute(&update)? != 1 {
            return Err("update: row missing".into());
        }
    }
    let update = ops_per_s(n, start);
    Ok(serde_json::json!({ "n": n, "insert_ops_s": insert, "select_ops_s": select, "update_ops_s": update })
        .to_string())
}

/// The same three phases through the async executor, on one connection.
pub fn run_async(url: &str, n: usize) -> Result<String, BenchError> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(async move {
        let conn = knexrs_query::AsyncConn::connect(&ConnectConfig::from_url(url)?).await?;
        let expires_at = chrono::Utc::now() + chrono::Duration::hours(1);
        let start = Instant::now();
        for i in 0..n {
            let mut insert = Insert::into("sessions");
            insert
                .set("session_id", format!("sess-{i}"))
                .set("owner_user_id", format!("user-{}", i % 100))
                .set("job_name", format!("job-{i}"))
                .set("expires_at", expires_at);
            conn.execute(&insert).await?;
        }
        let insert = ops_per_s(n, start);
        let start = Instant::now();
        for i in 0..n {
            let id = format!("sess-{i}");
            let mut q = table("sessions");
            q.where_eq("session_id", id.as_str()).first();
            let session: Session = conn.fetch_optional(&q).await?.ok_or("select: row missing")?;
            if session.session_id != id {
                return Err("select: wrong row".into());
            }
        }
        let select = ops_per_s(n, start);
        let start = Instant::now();
        for i in 0..n {
            let mut update = Update::table("sessions");
            update
                .set("pod_ip", format!("10.0.{}.{}", (i >> 8) & 255, i & 255))
                .where_eq("session_id", format!("sess-{i}"));
            if conn.execute(&update).await? != 1 {
                return Err("update: row missing".into());
            }
        }
        let update = ops_per_s(n, start);
        Ok(serde_json::json!({ "n": n, "insert_ops_s": insert, "select_ops_s": select, "update_ops_s": update })
            .to_string())
    })
}
