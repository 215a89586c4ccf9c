//! The blocking API over the async one: each call runs on a runtime of its
//! own, on the calling thread.

use crate::MigrateError;
use knexrs_connect::ConnectError;
use std::future::Future;

/// Runs `work` to completion on a new single-threaded runtime. From async
/// code on a tokio runtime this is an error that names the async method to
/// call instead (blocking there would stall the runtime).
pub(crate) fn block_on<T>(
    what: &'static str,
    instead: &'static str,
    work: impl Future<Output = Result<T, MigrateError>>,
) -> Result<T, MigrateError> {
    if knexrs_connect::in_async_context() {
        return Err(ConnectError::BlockingInAsync { what, instead }.into());
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|source| MigrateError::Io { context: "starting the runner's I/O runtime".into(), source })?;
    // On the heap: a command's future is about 29 KB (a no-op `latest`'s
    // included), and each move down the runtime's calls took that much more
    // fresh stack, about 40 of the process's 290 page faults.
    runtime.block_on(Box::pin(work))
}
