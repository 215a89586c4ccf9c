//! W7: concurrent throughput through our pools, as the harness's reference
//! floors measure it (`raw-async w7`, `raw-rust w7`): every operation takes a
//! connection from the pool, builds its statement with the query builder
//! (knex's `.where({session_id}).first()` / `.update({pod_ip})`), runs it,
//! checks the result, and gives the connection back.

use crate::BenchError;
use crate::w5::Session;
use knexrs_connect::ConnectConfig;
use knexrs_query::{AsyncDb, Db, Update, Wheres, table};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The contract's arguments.
#[derive(Debug, Clone, Copy)]
pub struct Args {
    /// Measured seconds per phase.
    pub seconds: f64,
    /// Concurrent clients (tasks or threads).
    pub concurrency: usize,
    /// Pool size.
    pub pool: u32,
    /// Keys `sess-0` … `sess-{rows-1}`.
    pub rows: u64,
    /// Warm-up seconds per phase.
    pub warmup: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Select,
    Update,
}

/// xorshift64*: cheap, per client, good enough to pick keys.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64);
        Rng((seed.wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ nanos) | 1)
    }

    fn below(&mut self, n: u64) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D) % n
    }
}

fn select_query(id: &str) -> knexrs_query::Select {
    let mut q = table("sessions");
    q.where_eq("session_id", id.to_owned()).first();
    q
}

fn update_query(id: &str, n: u64) -> Update {
    let mut q = Update::table("sessions");
    q.set("pod_ip", format!("10.1.{}.{}", (n >> 8) & 255, n & 255)).where_eq("session_id", id.to_owned());
    q
}

/// Nearest-rank percentile of sorted nanoseconds, in µs.
fn pct_us(sorted: &[u64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1] as f64 / 1000.0
}

fn phase_json(mut latencies: Vec<u64>, seconds: f64) -> serde_json::Value {
    latencies.sort_unstable();
    serde_json::json!({
        "ops": latencies.len(),
        "p50_us": (pct_us(&latencies, 0.50) * 10.0).round() / 10.0,
        "p99_us": (pct_us(&latencies, 0.99) * 10.0).round() / 10.0,
        "seconds": seconds,
    })
}

fn report(select: Vec<u64>, update: Vec<u64>, args: &Args) -> String {
    serde_json::json!({
        "select": phase_json(select, args.seconds),
        "update": phase_json(update, args.seconds),
        "concurrency": args.concurrency,
        "pool": args.pool,
        "rows": args.rows,
    })
    .to_string()
}

/// The async executor: `concurrency` tasks on tokio's default multi-thread runtime.
pub fn run_async(url: &str, args: Args) -> Result<String, BenchError> {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async move {
        let mut config = ConnectConfig::from_url(url)?;
        config.set_max_connections(args.pool);
        let db = AsyncDb::connect(&config).await?;
        // Open every connection and prepare both statements on it before the warm-up.
        let mut held = Vec::new();
        for _ in 0..args.pool {
            let conn = db.get().await?;
            let _: Option<Session> = conn.fetch_optional(&select_query("sess-0")).await?;
            conn.execute(&update_query("sess-0", 0)).await?;
            held.push(conn);
        }
        drop(held);
        let select = phase_async(&db, Op::Select, &args).await?;
        let update = phase_async(&db, Op::Update, &args).await?;
        Ok(report(select, update, &args))
    })
}

async fn one_async(db: &AsyncDb, op: Op, key: u64, n: u64) -> Result<(), BenchError> {
    let id = format!("sess-{key}");
    match op {
        Op::Select => {
            let session: Session = db.fetch_optional(&select_query(&id)).await?.ok_or("select: row missing")?;
            if session.session_id != id {
                return Err("select: wrong row".into());
            }
        }
        Op::Update => {
            if db.execute(&update_query(&id, n)).await? != 1 {
                return Err("update: row missing".into());
            }
        }
    }
    Ok(())
}

async fn phase_async(db: &AsyncDb, op: Op, args: &Args) -> Result<Vec<u64>, BenchError> {
    let start = Instant::now();
    let from = start + Duration::from_secs_f64(args.warmup);
    let end = from + Duration::from_secs_f64(args.seconds);
    let tasks: Vec<_> = (0..args.concurrency)
        .map(|t| {
            let (db, rows) = (db.clone(), args.rows);
            tokio::spawn(async move {
                let mut rng = Rng::new(t as u64 * 2 + u64::from(op == Op::Update));
                let mut latencies = Vec::with_capacity(1 << 14);
                let mut n = 0u64;
                loop {
                    let t0 = Instant::now();
                    if t0 >= end {
                        return Ok::<_, BenchError>(latencies);
                    }
                    one_async(&db, op, rng.below(rows), n).await?;
                    n += 1;
                    let t1 = Instant::now();
                    if t1 >= from && t1 < end {
                        latencies.push((t1 - t0).as_nanos() as u64);
                    }
                }
            })
        })
        .collect();
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await??);
    }
    Ok(all)
}

/// The blocking executor: `concurrency` OS threads on the r2d2 pool.
pub fn run_sync(url: &str, args: Args) -> Result<String, BenchError> {
    let mut config = ConnectConfig::from_url(url)?;
    config.set_max_connections(args.pool);
    let db = Db::connect(&config)?;
    let mut held = Vec::new();
    for _ in 0..args.pool {
        let mut conn = db.get()?;
        let _: Option<Session> = knexrs_query::Executor::fetch_optional(&mut conn, &select_query("sess-0"))?;
        knexrs_query::Executor::execute(&mut conn, &update_query("sess-0", 0))?;
        held.push(conn);
    }
    drop(held);
    let select = phase_sync(&db, Op::Select, &args)?;
    let update = phase_sync(&db, Op::Update, &args)?;
    Ok(report(select, update, &args))
}

fn phase_sync(db: &Db, op: Op, args: &Args) -> Result<Vec<u64>, BenchError> {
    let start = Instant::now();
    let from = start + Duration::from_secs_f64(args.warmup);
    let end = from + Duration::from_secs_f64(args.seconds);
    std::thread::scope(|scope| {
        let threads: Vec<_> = (0..args.concurrency)
            .map(|t| {
                scope.spawn(move || {
                    let mut rng = Rng::new(t as u64 * 2 + u64::from(op == Op::Update));
                    let mut latencies = Vec::with_capacity(1 << 14);
                    let mut n = 0u64;
                    loop {
                        let t0 = Instant::now();
                        if t0 >= end {
                            return Ok::<_, BenchError>(latencies);
                        }
                        let id = format!("sess-{}", rng.below(args.rows));
                        match op {
                            Op::Select => {
                                let session: Session =
                                    db.fetch_optional(&select_query(&id))?.ok_or("select: row missing")?;
                                if session.session_id != id {
                                    return Err("select: wrong row".into());
                                }
                            }
                            Op::Update => {
                                if db.execute(&update_query(&id, n))? != 1 {
                                    return Err("update: row missing".into());
                                }
                            }
                        }
                        n += 1;
                        let t1 = Instant::now();
                        if t1 >= from && t1 < end {
                            latencies.push((t1 - t0).as_nanos() as u64);
                        }
                    }
                })
            })
            .collect();
        let mut all = Vec::new();
        for thread in threads {
            all.extend(thread.join().map_err(|_| "a client thread panicked")??);
        }
        Ok(all)
    })
}
