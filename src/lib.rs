//! knexrs: a Knex-style PostgreSQL toolkit for Rust.
//!
//! One crate that re-exports the libraries: [`schema`] (the schema DSL),
//! [`query`] (the query builder, with the blocking executor under the default
//! `sync` feature and the async one under `async`), [`migrate`] (the migration
//! runner) and [`connect`] (connection settings).
//!
//! ```
//! use knexrs::schema::{SchemaBuilder, PostgresQueryBuilder};
//!
//! let mut schema = SchemaBuilder::new();
//! schema.create_table("users", |t| {
//!     t.increments("id");
//! });
//! assert_eq!(schema.build(PostgresQueryBuilder).unwrap().len(), 1);
//! ```

pub use knexrs_connect as connect;
pub use knexrs_migrate as migrate;
pub use knexrs_query as query;
pub use knexrs_schema as schema;

/// The README's examples, compiled (and run where they need no server) as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
