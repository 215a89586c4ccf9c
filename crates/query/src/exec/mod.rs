//! The blocking executor (feature `sync`): connections with a
//! prepared-statement cache, the r2d2 pool, transactions.

mod connection;
mod executor;
mod pool;
mod timeout;
mod transaction;

pub use connection::Connection;
pub use executor::Executor;
pub use pool::{Db, PooledConnection};
pub use transaction::Transaction;
