//! The checksum of a migration's source lives in `knexrs-sql` (one home:
//! `knexrs-embed` computes the same one at build time); re-exported here.

pub use knexrs_sql::checksum;
