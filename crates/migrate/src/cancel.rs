//! Stopping a run from outside: a handle per run, so two runs in one process
//! are cancelled independently and an interrupted run leaves nothing behind
//! that stops the next one.

use tokio_util::sync::CancellationToken;

/// Cancels the run it was given to (through [`RunOptions`](crate::RunOptions)):
/// the run stops waiting for locks, asks the server to cancel the statement
/// it is running, rolls back what is open, releases its locks and returns
/// [`MigrateError::Interrupted`](crate::MigrateError::Interrupted).
///
/// Clones share the cancellation; a new handle (`Cancel::new()`, or
/// `RunOptions::default()`) is a new one. The CLI wires SIGINT and SIGTERM to
/// the handle of the run it starts; a library user calls [`cancel`](Self::cancel)
/// from any thread (or async task).
///
/// ```
/// use knexrs_migrate::{Cancel, RunOptions};
///
/// let mut options = RunOptions::default();
/// let handle = options.cancel.clone(); // give this to a signal handler, a shutdown hook, …
/// assert!(!options.cancel.is_cancelled());
/// handle.cancel();
/// assert!(options.cancel.is_cancelled());
/// options.cancel = knexrs_migrate::Cancel::new(); // the next run starts uncancelled
/// assert!(!options.cancel.is_cancelled());
/// ```
#[derive(Debug, Clone, Default)]
pub struct Cancel(CancellationToken);

impl Cancel {
    /// A handle nobody has cancelled.
    ///
    /// ```
    /// assert!(!knexrs_migrate::Cancel::new().is_cancelled());
    /// ```
    pub fn new() -> Self {
        Cancel(CancellationToken::new())
    }

    /// Asks the run to stop (from any thread; calling it again does nothing).
    ///
    /// ```
    /// let cancel = knexrs_migrate::Cancel::new();
    /// let for_the_signal_thread = cancel.clone();
    /// std::thread::spawn(move || for_the_signal_thread.cancel()).join().unwrap();
    /// assert!(cancel.is_cancelled());
    /// ```
    pub fn cancel(&self) {
        self.0.cancel();
    }

    /// Whether [`cancel`](Self::cancel) was called.
    ///
    /// ```
    /// let cancel = knexrs_migrate::Cancel::new();
    /// assert!(!cancel.is_cancelled());
    /// ```
    pub fn is_cancelled(&self) -> bool {
        self.0.is_cancelled()
    }

    /// Completes once the run is cancelled.
    pub(crate) async fn cancelled(&self) {
        self.0.cancelled().await;
    }
}
