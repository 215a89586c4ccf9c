//! An async HTTP service over the cliscale `sessions` table: what a team's
//! request handlers look like on knexrs's async executor and typed tables.
//!
//! - `POST /sessions` `{"owner_user_id": …, "job_name": …, "ttl_seconds": …}` → 201 `{"session_id": …}`
//! - `GET /sessions/{id}` → 200 the session, or 404
//! - `PUT /sessions/{id}/pod_ip` `{"pod_ip": …}` → 204, or 404
//! - `GET /owners/{owner}/sessions` → 200, the owner's sessions as JSON lines, streamed from the query
//! - `GET /healthz` → 200 with the pool's connections, or 503 when the database does not answer in time
//!
//! Every statement carries a time limit (a request must not wait on a lock
//! for ever): past it, the statement is cancelled on the server and the
//! request answered 504.
//!
//! ```no_run
//! # async fn demo() -> anyhow::Result<()> {
//! let config = knexrs_connect::ConnectConfig::from_url("postgres://postgres@localhost/cliscale")?;
//! let app = knexrs_example_sessions::start(&config).await?; // migrates, then builds the routes
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! axum::serve(listener, app).await?;
//! # Ok(())
//! # }
//! ```

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use cliscale_migrations::tables::sessions::{self, Sessions, SessionsRow};
use futures_util::TryStreamExt as _;
use knexrs_connect::ConnectConfig;
use knexrs_migrate::{RunOptions, Silent};
use knexrs_query::{AsyncDb, FromRow, QueryError, Table};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// The most a request's statement may take.
const STATEMENT_TIMEOUT: Duration = Duration::from_secs(5);

/// Migrates the database (at start-up, from async code), opens the pool,
/// and returns the service's routes.
pub async fn start(config: &ConnectConfig) -> anyhow::Result<Router> {
    Ok(routes(open(config).await?))
}

/// Migrates the database (at start-up, from async code) and opens the pool.
pub async fn open(config: &ConnectConfig) -> anyhow::Result<AsyncDb> {
    cliscale_migrations::migrator()?.latest_async(config, &RunOptions::default(), &mut Silent).await?;
    Ok(AsyncDb::connect(config).await?)
}

/// The routes over a pool.
pub fn routes(db: AsyncDb) -> Router {
    Router::new()
        .route("/sessions", post(create))
        .route("/sessions/{id}", get(show))
        .route("/sessions/{id}/pod_ip", put(place))
        .route("/owners/{owner}/sessions", get(by_owner))
        .route("/healthz", get(health))
        .with_state(db)
}

/// `POST /sessions`'s body.
#[derive(Debug, Deserialize)]
pub struct NewSession {
    /// Who owns it.
    pub owner_user_id: String,
    /// Its job (unique).
    pub job_name: String,
    /// How long it lives.
    pub ttl_seconds: i64,
}

/// A session, as the API shows it (and as a listing reads it from a row).
#[derive(Debug, Serialize, FromRow)]
pub struct SessionView {
    /// Its id.
    pub session_id: String,
    /// Who owns it.
    pub owner_user_id: String,
    /// Its job.
    pub job_name: String,
    /// Where it runs, once placed.
    pub pod_ip: Option<String>,
    /// When it ends.
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

impl From<SessionsRow> for SessionView {
    fn from(row: SessionsRow) -> Self {
        SessionView {
            session_id: row.session_id,
            owner_user_id: row.owner_user_id,
            job_name: row.job_name,
            pod_ip: row.pod_ip,
            expires_at: row.expires_at,
        }
    }
}

/// `PUT /sessions/{id}/pod_ip`'s body.
#[derive(Debug, Deserialize)]
pub struct Placement {
    /// The pod's address.
    pub pod_ip: String,
}

/// A failure, as the API answers it.
pub struct ApiError(QueryError);

impl From<QueryError> for ApiError {
    fn from(error: QueryError) -> Self {
        ApiError(error)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = match self.0.code() {
            _ if matches!(self.0, QueryError::Timeout { .. }) => StatusCode::GATEWAY_TIMEOUT,
            Some(code) if *code == tokio_postgres_state::UNIQUE_VIOLATION => StatusCode::CONFLICT,
            _ if matches!(self.0, QueryError::PoolTimeout { .. }) => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        (status, self.0.to_string()).into_response()
    }
}

use knexrs_connect::tokio_postgres::error::SqlState as tokio_postgres_state;

async fn create(State(db): State<AsyncDb>, Json(new): Json<NewSession>) -> Result<Response, ApiError> {
    let mut insert = Sessions::insert();
    insert
        .set(sessions::OWNER_USER_ID, new.owner_user_id)
        .set(sessions::JOB_NAME, new.job_name)
        .set(sessions::EXPIRES_AT, chrono::Utc::now() + chrono::Duration::seconds(new.ttl_seconds))
        .returning_all()
        .timeout(STATEMENT_TIMEOUT);
    let row: SessionsRow = db.fetch_one(&insert).await?;
    Ok((StatusCode::CREATED, Json(serde_json::json!({ "session_id": row.session_id }))).into_response())
}

async fn show(State(db): State<AsyncDb>, Path(id): Path<String>) -> Result<Response, ApiError> {
    let mut query = Sessions::select();
    query.filter(sessions::SESSION_ID.eq(id)).timeout(STATEMENT_TIMEOUT);
    let row: Option<SessionsRow> = db.fetch_optional(&query).await?;
    Ok(match row {
        Some(row) => Json(SessionView::from(row)).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    })
}

async fn place(
    State(db): State<AsyncDb>,
    Path(id): Path<String>,
    Json(placement): Json<Placement>,
) -> Result<StatusCode, ApiError> {
    let mut update = Sessions::update();
    update.set(sessions::POD_IP, Some(placement.pod_ip)).filter(sessions::SESSION_ID.eq(id)).timeout(STATEMENT_TIMEOUT);
    Ok(if db.execute(&update).await? == 0 { StatusCode::NOT_FOUND } else { StatusCode::NO_CONTENT })
}

/// Streams the owner's sessions as JSON lines: the rows go out as they are
/// read, however many there are, on one pooled connection held until the
/// last one is sent.
async fn by_owner(State(db): State<AsyncDb>, Path(owner): Path<String>) -> Response {
    let mut query = Sessions::select();
    query
        .column(sessions::SESSION_ID)
        .column(sessions::OWNER_USER_ID)
        .column(sessions::JOB_NAME)
        .column(sessions::POD_IP)
        .column(sessions::EXPIRES_AT)
        .filter(sessions::OWNER_USER_ID.eq(owner))
        .order_by(sessions::JOB_NAME.asc())
        .timeout(STATEMENT_TIMEOUT);
    // A failure mid-way ends the body early: the client sees a cut-off response.
    let lines =
        db.fetch_stream::<SessionView, _>(&query).map_err(std::io::Error::other).and_then(|session| async move {
            let mut line = serde_json::to_vec(&session)?;
            line.push(b'\n');
            Ok(line)
        });
    ([("content-type", "application/x-ndjson")], axum::body::Body::from_stream(lines)).into_response()
}

/// The pool's connections, once the database has answered within a second.
async fn health(State(db): State<AsyncDb>) -> Response {
    let mut ping = knexrs_query::raw("select 1");
    ping.timeout(Duration::from_secs(1));
    let answered = db.fetch_one::<(i32,)>(&ping).await;
    let status = db.status();
    let pool = serde_json::json!({ "open": status.open, "idle": status.idle, "max": status.max_size, "waiting": status.waiting });
    match answered {
        Ok(_) => Json(serde_json::json!({ "database": "ok", "pool": pool })).into_response(),
        Err(error) => {
            (StatusCode::SERVICE_UNAVAILABLE, Json(serde_json::json!({ "database": error.to_string(), "pool": pool })))
                .into_response()
        }
    }
}
