//! The async executor (feature `async`): `tokio-postgres` connections with a
//! prepared-statement cache and transaction state, in a deadpool pool. The
//! same builders and `FromRow` as the blocking executor. Feature `async-conn`
//! alone gives the connection without the pool.

mod connection;
#[cfg(feature = "async")]
mod pool;
mod stream;
mod transaction;

pub use connection::{AsyncConn, AsyncExecutor};
#[cfg(feature = "async")]
pub use pool::{AsyncDb, AsyncPooled};
pub use transaction::{AsyncTransaction, TransactionFuture};
