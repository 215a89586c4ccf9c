//! The service on a real PostgreSQL, through a socket: 1,000 requests at once
//! (creates, reads, placements), every one answered correctly.

#![allow(clippy::unwrap_used, reason = "a test fails by panicking")]

use knexrs_testing::TestDatabase;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// One HTTP/1.1 request on a connection of its own; the status and body.
async fn request(addr: std::net::SocketAddr, method: &str, path: &str, body: Option<String>) -> (u16, String) {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let body = body.unwrap_or_default();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(body.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    let status = response.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = response.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default();
    (status, body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_requests_are_all_answered_correctly() {
    let db = TestDatabase::empty_async().await.unwrap();
    let app = knexrs_example_sessions::start(db.config()).await.unwrap();
    // A listen backlog that takes 1,000 connections arriving at once (tokio's default is 1,024, shared with the kernel's).
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(4096).unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    // 300 sessions to read and place; then 1,000 requests at once: 400 creates,
    // 300 reads and 300 placements.
    let conn = db.connect_async().await.unwrap();
    let seeded: Vec<(String,)> = conn
        .fetch_all(&knexrs_query::raw(
            "insert into sessions (owner_user_id, job_name, expires_at) \
             select 'seed', 'seed-' || i, now() + interval '1 hour' from generate_series(1, 300) i returning session_id",
        ))
        .await
        .unwrap();
    let ids: Vec<String> = seeded.into_iter().map(|(id,)| id).collect();
    let creates = (0..400).map(|i| {
        tokio::spawn(async move {
            let body = format!(r#"{{"owner_user_id":"user-{}","job_name":"job-{i}","ttl_seconds":3600}}"#, i % 7);
            let (status, body) = request(addr, "POST", "/sessions", Some(body)).await;
            (status, body, None)
        })
    });
    let reads = ids.iter().cloned().map(|id| {
        tokio::spawn(async move {
            let (status, body) = request(addr, "GET", &format!("/sessions/{id}"), None).await;
            (status, body, Some(id))
        })
    });
    let places = ids.iter().cloned().enumerate().map(|(i, id)| {
        tokio::spawn(async move {
            let body = format!(r#"{{"pod_ip":"10.0.{}.{}"}}"#, i / 256, i % 256);
            let (status, body) = request(addr, "PUT", &format!("/sessions/{id}/pod_ip"), Some(body)).await;
            (status, body, Some(id))
        })
    });
    let all: Vec<_> = futures_join(creates.chain(reads).chain(places)).await;
    assert_eq!(all.len(), 1000);
    for (status, body, id) in &all {
        match (status, id) {
            (201, None) => assert!(serde_json::from_str::<serde_json::Value>(body).unwrap()["session_id"].is_string()),
            (200, Some(id)) => {
                let value: serde_json::Value = serde_json::from_str(body).unwrap();
                assert_eq!(value["session_id"], id.as_str());
            }
            (204, Some(_)) => {}
            _ => panic!("{status} for {id:?}: {body}"),
        }
    }
    let (missing, _) = request(addr, "GET", "/sessions/nope", None).await;
    assert_eq!(missing, 404);
    let (placed,): (i64,) =
        conn.fetch_one(&knexrs_query::raw("select count(*) from sessions where pod_ip is not null")).await.unwrap();
    assert_eq!(placed, 300);
    let (created,): (i64,) = conn
        .fetch_one(&knexrs_query::raw("select count(*) from sessions where owner_user_id <> 'seed'"))
        .await
        .unwrap();
    assert_eq!(created, 400);

    // The owner's sessions, streamed as JSON lines, in job order.
    let (status, body) = request(addr, "GET", "/owners/user-3/sessions", None).await;
    assert_eq!(status, 200, "{body}");
    let lines: Vec<serde_json::Value> = dechunk(&body).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let jobs: Vec<&str> = lines.iter().map(|l| l["job_name"].as_str().unwrap()).collect();
    let mut expected: Vec<String> = (0..400).filter(|i| i % 7 == 3).map(|i| format!("job-{i}")).collect();
    expected.sort();
    assert_eq!(jobs, expected);
    assert!(lines.iter().all(|l| l["owner_user_id"] == "user-3" && l["expires_at"].is_string()));

    let (status, body) = request(addr, "GET", "/healthz", None).await;
    assert_eq!(status, 200, "{body}");
    let health: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(health["database"], "ok");
    assert!(health["pool"]["open"].as_u64().unwrap() >= 1, "{body}");
}

/// An HTTP/1.1 chunked body, its chunks joined.
fn dechunk(body: &str) -> String {
    let mut out = String::new();
    let mut rest = body;
    while let Some((size, after)) = rest.split_once("\r\n") {
        let size = usize::from_str_radix(size.trim(), 16).unwrap();
        if size == 0 {
            break;
        }
        out.push_str(&after[..size]);
        rest = &after[size + 2..];
    }
    out
}

/// Awaits spawned tasks, in order.
async fn futures_join<T: Send + 'static>(tasks: impl Iterator<Item = tokio::task::JoinHandle<T>>) -> Vec<T> {
    let mut out = Vec::new();
    for task in tasks.collect::<Vec<_>>() {
        out.push(task.await.unwrap());
    }
    out
}
