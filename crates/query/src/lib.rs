//! A typed, composable PostgreSQL query builder on sea-query, executed over an
//! r2d2 pool of `postgres` connections; and the connection settings
//! (`DATABASE_URL`, `DB_*`, environments, TLS) every knexrs crate uses.
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

pub mod codegen;
mod conditions;
mod config;
mod cte;
mod delete;
mod error;
mod exec;
mod ident;
mod insert;
mod join;
mod json;
mod op;
mod operand;
mod param;
mod raw;
mod render;
mod select;
mod statement;
mod tls;
mod typed;
mod update;
mod value;

pub use conditions::{Conditions, IntoColumn, IntoList, WhereGroup, Wheres};
pub use config::{ConnectConfig, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_CONNECTIONS, Environment};
pub use cte::{CteBody, Ctes, With};
pub use delete::{Delete, Truncate};
pub use error::{QueryError, describe};
pub use exec::get;
pub use exec::{Connection, Db, Executor, FromRow, PooledConnection, Transaction};
pub use ident::IntoName;
pub use insert::{Insert, OnConflictBuilder};
pub use join::{JoinKind, JoinOn};
pub use json::{JsonWheres, json_extract, json_insert, json_remove, json_set};
pub use op::{IntoOp, Op};
pub use operand::{IntoOperand, Operand, array, col, default_value, expr, list};
pub use raw::{Raw, raw};
pub use select::{
    IntoAggregated, IntoSource, Nulls, Order, Select, Source, Window, aliased, except, intersect, table, union,
    union_all,
};
pub use statement::Statement;
pub use tls::{MakeTls, SslMode};
pub use typed::{Accepts, Column, Cond, OrderBy, Table, TypedDelete, TypedInsert, TypedSelect, TypedUpdate};
pub use update::Update;

pub use sea_query::{PostgresQueryBuilder, Value, Values};

/// A row as the driver returns it.
pub use postgres::Row;
// The crates of the types generated table definitions use.
pub use {chrono, rust_decimal, serde_json, uuid};
