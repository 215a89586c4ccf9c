//! Our side of the Knex.js peer benchmarks (the `../shared/peers` harness):
//! each contract implemented the way a user would use the crates.

pub mod manifest;
pub mod migrate;
pub mod w4;
pub mod w5;
pub mod w6;
pub mod w6b;
pub mod w7;
pub mod w8;

/// Any error, as one line.
pub type BenchError = Box<dyn std::error::Error + Send + Sync>;
