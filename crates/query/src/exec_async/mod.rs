//! The async executor (feature `async`): `tokio-postgres` connections with a
//! prepared-statement cache and transaction state, in a deadpool pool. The
//! same builders and `FromRow` as the blocking executor.

mod connection;
mod pool;
mod transaction;

pub use connection::{AsyncConn, AsyncExecutor};
pub use pool::{AsyncDb, AsyncPooled};
pub use transaction::AsyncTransaction;
