//! A `tracing` subscriber that keeps every event as a line
//! (`LEVEL target: message field=value …`), for tests of what the executors log.

use std::fmt::Write as _;
use std::sync::{Arc, Mutex};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::Interest;
use tracing::{Event, Metadata, Subscriber};

/// The events seen, one line each.
#[derive(Clone, Default)]
pub struct Captured(Arc<Mutex<Vec<String>>>);

impl Captured {
    /// Makes this the current thread's subscriber until the guard drops.
    /// tracing caches whether a call site is wanted when another thread first
    /// hits it (other tests, with no subscriber: "never"); a cache built while
    /// this subscriber was being installed can miss it, and its first events
    /// with it. Rebuilding the cache after installing closes that window.
    pub fn install(&self) -> tracing::subscriber::DefaultGuard {
        // A global subscriber that answers "ask each time" makes every call
        // site registered from then on, on any thread, consult the thread's
        // own subscriber, whatever the registering thread had installed.
        static ASK_EACH_THREAD: std::sync::Once = std::sync::Once::new();
        ASK_EACH_THREAD.call_once(|| {
            let _ = tracing::subscriber::set_global_default(AskEachThread);
        });
        let guard = tracing::subscriber::set_default(self.clone());
        tracing::callsite::rebuild_interest_cache();
        guard
    }

    /// Every line so far.
    pub fn lines(&self) -> Vec<String> {
        self.0.lock().expect("the capture lock").clone()
    }
}

struct Line(String);

impl Visit for Line {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.0, " {value:?}");
        } else {
            let _ = write!(self.0, " {}={value:?}", field.name());
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        let _ = write!(self.0, " {}={value}", field.name());
    }
}

impl Subscriber for Captured {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }

    fn record(&self, _: &Id, _: &Record<'_>) {}

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let meta = event.metadata();
        let mut line = Line(format!("{} {}:", meta.level(), meta.target()));
        event.record(&mut line);
        self.0.lock().expect("the capture lock").push(line.0);
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

/// The process's global subscriber while tests capture: records nothing and
/// answers every call site "sometimes", so whether an event is wanted is asked
/// of the emitting thread's own subscriber (a capture) each time, never cached
/// as "never" by a thread that had none.
struct AskEachThread;

impl Subscriber for AskEachThread {
    fn register_callsite(&self, _: &'static Metadata<'static>) -> Interest {
        Interest::sometimes()
    }

    fn enabled(&self, _: &Metadata<'_>) -> bool {
        false
    }

    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }

    fn record(&self, _: &Id, _: &Record<'_>) {}

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, _: &Event<'_>) {}

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}
