//! knexrs: a Knex-style PostgreSQL toolkit for Rust.
//!
//! One crate that re-exports the three libraries:
//! [`schema`] (the schema DSL), [`query`] (the query builder) and
//! [`migrate`] (the migration runner).
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

pub use knexrs_migrate as migrate;
pub use knexrs_query as query;
pub use knexrs_schema as schema;
