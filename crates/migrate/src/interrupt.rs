//! Stopping a run from a signal: a flag the runner checks between migrations
//! and statements, and a cancel request for the statement the server is
//! running now, so a long `create index` stops too. Either way the open
//! transaction is rolled back and the locks are released.

use knexrs_query::MakeTls;
use postgres::{CancelToken, Client};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

/// The flag [`interrupt`] sets: a run stops at the next migration or
/// statement boundary, after rolling back what is open.
///
/// ```
/// use std::sync::atomic::Ordering;
///
/// let flag = knexrs_migrate::interrupt_flag();
/// assert!(!flag.load(Ordering::SeqCst)); // nobody asked the run to stop
/// ```
pub fn interrupt_flag() -> Arc<AtomicBool> {
    static FLAG: OnceLock<Arc<AtomicBool>> = OnceLock::new();
    FLAG.get_or_init(|| Arc::new(AtomicBool::new(false))).clone()
}

pub(crate) fn interrupted() -> bool {
    interrupt_flag().load(Ordering::SeqCst)
}

/// The running statement's cancel request, while a run is executing.
fn current() -> &'static Mutex<Option<(CancelToken, MakeTls)>> {
    static CURRENT: OnceLock<Mutex<Option<(CancelToken, MakeTls)>>> = OnceLock::new();
    CURRENT.get_or_init(|| Mutex::new(None))
}

/// Asks the run in progress to stop: sets the flag and cancels the statement
/// the server is running for it. For signal handlers (from a thread of their
/// own: the cancel request opens a connection).
///
/// ```
/// knexrs_migrate::interrupt(); // nothing runs: only the flag is set
/// assert!(knexrs_migrate::interrupt_flag().load(std::sync::atomic::Ordering::SeqCst));
/// # knexrs_migrate::interrupt_flag().store(false, std::sync::atomic::Ordering::SeqCst);
/// ```
pub fn interrupt() {
    interrupt_flag().store(true, Ordering::SeqCst);
    let running = current().lock().ok().and_then(|mut current| current.take());
    if let Some((token, tls)) = running {
        // The statement fails with "canceling statement due to user request";
        // the runner rolls back. A failure here leaves the flag to stop it.
        let _ = token.cancel_query(tls);
    }
}

/// Makes `client`'s statements cancellable by [`interrupt`] until dropped.
pub(crate) struct Watch;

pub(crate) fn watch(client: &Client, tls: MakeTls) -> Watch {
    if let Ok(mut current) = current().lock() {
        *current = Some((client.cancel_token(), tls));
    }
    Watch
}

impl Drop for Watch {
    fn drop(&mut self) {
        if let Ok(mut current) = current().lock() {
            *current = None;
        }
    }
}
