//! A typed, composable PostgreSQL query builder on sea-query, with two
//! executors behind features: `sync` (blocking `postgres` connections in an
//! r2d2 pool) and `async` (`tokio-postgres` connections in a deadpool pool).
//! Without features the crate only builds and renders SQL, with no I/O
//! dependency at all.
//!
//! Statements are laid out in knex's clause order and render to the SQL knex
//! renders for the same calls; values and expressions are written by
//! sea-query's PostgreSQL backend. Values are always bound, identifiers
//! always quoted.
//!
//! ```
//! use knexrs_query::{table, Wheres, PostgresQueryBuilder};
//!
//! let mut q = table("sessions");
//! q.where_eq("session_id", "abc-123").first();
//! let (sql, values) = q.build(PostgresQueryBuilder).unwrap();
//! assert_eq!(sql, r#"select * from "sessions" where "session_id" = $1 limit $2"#);
//! assert_eq!(values.0.len(), 2);
//! ```
//!
//! With an executor, rows decode into tuples, generated typed-table rows, or
//! structs of your own with `#[derive(FromRow)]`; `json`/`jsonb` columns hold
//! serde types through [`Json`], native enum types Rust enums declared with
//! [`pg_enum!`]; rows can arrive one by one (`fetch_each`, `fetch_stream`),
//! and any statement can carry a time limit (`timeout`):
//!
//! ```no_run
//! # #[cfg(feature = "async")]
//! # async fn demo() -> Result<(), knexrs_query::QueryError> {
//! use knexrs_query::{AsyncDb, ConnectConfig, FromRow, Wheres, table};
//!
//! #[derive(Debug, FromRow)]
//! struct Session {
//!     session_id: String,
//!     pod_ip: Option<String>,
//! }
//!
//! let db = AsyncDb::connect(&ConnectConfig::from_url("postgres://postgres@localhost/app")?).await?;
//! let mut q = table("sessions");
//! q.columns(["session_id", "pod_ip"]).where_eq("owner_user_id", "u-1");
//! q.timeout(std::time::Duration::from_secs(2));
//! let sessions: Vec<Session> = db.fetch_all(&q).await?;
//! # Ok(())
//! # }
//! ```

#[cfg(feature = "sync")]
pub mod codegen;
mod column_info;
mod conditions;
mod cte;
mod delete;
#[cfg(any(feature = "sync", feature = "async-conn"))]
mod driver;
mod error;
#[cfg(feature = "sync")]
mod exec;
#[cfg(feature = "async-conn")]
mod exec_async;
mod ident;
mod insert;
mod join;
mod json;
mod op;
mod operand;
mod raw;
mod render;
mod select;
mod statement;
mod typed;
mod update;
mod value;

pub use column_info::{ColumnInfo, column_info};
pub use conditions::{Conditions, IntoColumn, IntoColumns, IntoList, WhereGroup, Wheres};
pub use cte::{CteBody, Ctes, With};
pub use delete::{Delete, Truncate};
pub use error::{BuildError, QueryError};
pub use ident::{IntoName, IntoNames};
pub use insert::{Insert, OnConflictBuilder};
pub use join::{JoinKind, JoinOn};
pub use json::{JsonWheres, json_extract, json_insert, json_remove, json_set};
pub use op::{IntoOp, Op};
pub use operand::{IntoOperand, Operand, array, col, default_value, expr, list};
pub use raw::{Raw, raw};
pub use select::{
    IntoAggregated, IntoSelected, IntoSource, Nulls, Order, Select, Source, Window, aliased, except, intersect, table,
    union, union_all,
};
pub use statement::Statement;
pub use typed::{
    Accepts, Column, Cond, Json, OrderBy, PgEnum, Table, TypedDelete, TypedInsert, TypedSelect, TypedUpdate,
};
pub use update::Update;

pub use sea_query::{PostgresQueryBuilder, Value, Values};

#[cfg(any(feature = "sync", feature = "async-conn"))]
pub use driver::{FromRow, IsolationLevel, PoolStatus, TransactionOptions, get};
#[cfg(any(feature = "sync", feature = "async-conn"))]
pub use knexrs_connect::{
    ConnectConfig, ConnectError, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_CONNECTIONS, Environment, MakeTls, SslMode,
    describe, in_async_context,
};
/// `#[derive(FromRow)]`: a struct from a row's columns (see the trait).
#[cfg(any(feature = "sync", feature = "async-conn"))]
pub use knexrs_derive::FromRow;
/// A row as the driver returns it.
#[cfg(any(feature = "sync", feature = "async-conn"))]
pub use tokio_postgres::Row;

#[cfg(feature = "sync")]
pub use exec::{Connection, Db, Executor, PooledConnection, Transaction};
#[cfg(feature = "async-conn")]
pub use exec_async::{AsyncConn, AsyncExecutor, AsyncTransaction, TransactionFuture};
#[cfg(feature = "async")]
pub use exec_async::{AsyncDb, AsyncPooled};

/// What `#[derive(FromRow)]` and `pg_enum!` expand to.
#[cfg(feature = "driver")]
#[doc(hidden)]
pub use driver::generated as __private;

// The crates of the types generated table definitions use.
#[cfg(feature = "driver")]
pub use cidr;
pub use {chrono, rust_decimal, serde_json, uuid};
