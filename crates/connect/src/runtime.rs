//! Telling async code from blocking code, so that blocking calls made on a
//! runtime's async thread become an error instead of a panic.

/// Whether the current thread is running async code on a tokio runtime (a
/// task, or a runtime's `block_on`), where a blocking call would stall the
/// runtime and the blocking `postgres` client panics with "Cannot start a
/// runtime from within a runtime". False on plain threads and inside
/// `tokio::task::spawn_blocking`, where blocking is fine.
///
/// Tokio has no public call for this. Its cooperative budget tells: async
/// code runs with a budget (128 polls), blocking code without one. The probe
/// takes budget without making progress and gives every unit back, so it
/// leaves the task as it found it.
///
/// Two cases slip past the probe, because tokio leaves the budget unlimited
/// while the runtime stays entered: a future wrapped in
/// `tokio::task::unconstrained`, and the rest of a multi-thread runtime's
/// `block_on` poll after `tokio::task::block_in_place` returned (tokio 1.x
/// gives the budget back only on worker threads). Code that must never panic,
/// such as a `Drop`, asks [`in_runtime_context`] instead (or hands its work to
/// [`run_off_runtime`]).
///
/// ```
/// assert!(!knexrs_connect::in_async_context()); // a plain thread
/// ```
pub fn in_async_context() -> bool {
    use std::task::{Context, Poll, Waker};
    if tokio::runtime::Handle::try_current().is_err() {
        return false;
    }
    let mut cx = Context::from_waker(Waker::noop());
    // More than a whole budget: an unlimited one never runs out.
    let mut taken = Vec::with_capacity(130);
    let mut limited = false;
    for _ in 0..130 {
        match tokio::task::coop::poll_proceed(&mut cx) {
            Poll::Ready(restore) => taken.push(restore),
            Poll::Pending => {
                limited = true;
                break;
            }
        }
    }
    // Each guard restores the budget it saw, newest first: the first one's is the original.
    while let Some(restore) = taken.pop() {
        drop(restore);
    }
    limited
}

/// Whether a tokio runtime is current on this thread at all: async code, a
/// `spawn_blocking` thread, or a thread under `Handle::enter`. Wider than
/// [`in_async_context`] and never wrong in the direction that panics: a
/// `Drop` that must close a blocking client moves that work to a thread of its
/// own whenever this is true.
///
/// ```
/// assert!(!knexrs_connect::in_runtime_context()); // a plain thread
/// ```
pub fn in_runtime_context() -> bool {
    tokio::runtime::Handle::try_current().is_ok()
}

/// Runs blocking `work` (closing a blocking client, say) on this thread, or,
/// where a tokio runtime is current ([`in_runtime_context`]), on a thread of
/// its own named `thread`, not waited for: a `Drop` must neither panic there
/// nor stall the runtime.
///
/// ```
/// let (done, seen) = std::sync::mpsc::channel();
/// knexrs_connect::run_off_runtime("example", move || done.send(()).unwrap());
/// seen.recv().unwrap(); // a plain thread: it ran here, before returning
/// ```
pub fn run_off_runtime(thread: &str, work: impl FnOnce() + Send + 'static) {
    if in_runtime_context() {
        let _ = std::thread::Builder::new().name(thread.to_owned()).spawn(work);
    } else {
        work();
    }
}

#[cfg(test)]
mod tests {
    use super::{in_async_context, in_runtime_context};

    #[tokio::test]
    async fn a_current_thread_task_is_async() {
        assert!(in_async_context());
        assert!(in_async_context(), "the probe gives the budget back");
        assert!(!tokio::task::spawn_blocking(in_async_context).await.unwrap());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn multi_thread_tasks_are_async_and_blocking_threads_are_not() {
        assert!(tokio::spawn(async { in_async_context() }).await.unwrap());
        assert!(!tokio::task::spawn_blocking(in_async_context).await.unwrap());
    }

    #[test]
    fn plain_threads_and_entered_handles_outside_tasks_are_not_async() {
        assert!(!in_async_context());
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let _guard = runtime.enter();
        assert!(!in_async_context(), "entering a handle is not running async code");
        assert!(runtime.block_on(async { in_async_context() }));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn after_block_in_place_on_the_block_on_thread_only_the_wider_check_still_sees_the_runtime() {
        tokio::task::block_in_place(|| ());
        // tokio restores the budget on worker threads only: the probe is fooled here.
        assert!(!in_async_context(), "tokio now restores the budget: in_async_context's doc can drop this case");
        assert!(in_runtime_context());
        assert!(tokio::spawn(async { in_runtime_context() }).await.unwrap());
        assert!(!std::thread::spawn(in_runtime_context).join().unwrap());
    }
}
