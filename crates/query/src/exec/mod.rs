//! Running statements: connections with a prepared-statement cache, the
//! pool, transactions, and decoding rows.

mod connection;
mod executor;
mod from_row;
mod pool;
mod transaction;

pub use connection::Connection;
pub use executor::Executor;
pub use from_row::{FromRow, get};
pub use pool::{Db, PooledConnection};
pub use transaction::Transaction;
