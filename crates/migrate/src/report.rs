//! What a run tells its caller while it works, and what it returns.

use std::time::Duration;

/// Progress of a run, as it happens.
///
/// ```
/// use knexrs_migrate::{Direction, Event};
///
/// let event = Event::Planned { direction: Direction::Up, batch: 3, migrations: 2 };
/// let line = match event {
///     Event::Planned { batch, migrations, .. } => format!("Batch {batch} run: {migrations} migrations"),
///     _ => String::new(),
/// };
/// assert_eq!(line, "Batch 3 run: 2 migrations");
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum Event<'a> {
    /// Another run holds the lock; this one waits.
    WaitingForLock,
    /// A statement of the run has been waiting for locks other sessions hold.
    Blocked {
        /// What waits: `migration <name>`, `the migration lock`, `knex's lock row`.
        what: &'a str,
        /// The sessions holding the locks.
        by: &'a [crate::Blocker],
        /// How long it has waited so far.
        waited: Duration,
    },
    /// The plan is made and about to run.
    Planned {
        /// Up or down.
        direction: Direction,
        /// The batch applied or rolled back.
        batch: i32,
        /// How many migrations will run.
        migrations: usize,
    },
    /// A migration stopped halfway outside a transaction in an earlier run;
    /// this run goes on because it does not touch it.
    StoppedHalfway {
        /// Its name.
        name: &'a str,
    },
    /// A migration starts.
    Started {
        /// Its name.
        name: &'a str,
    },
    /// A batched backfill's progress: before its first batch, about once a
    /// second, and when it is done.
    Progress {
        /// The migration.
        migration: &'a str,
        /// The step.
        step: &'a str,
        /// Rows updated so far by this run.
        done: u64,
        /// Rows that needed it when the step started.
        total: u64,
        /// Batches committed so far.
        batches: u64,
    },
    /// A migration's statements ran (they commit with their transaction).
    Finished {
        /// Its name.
        name: &'a str,
        /// How long its statements took.
        elapsed: Duration,
    },
}

/// Receives [`Event`]s; the CLI prints them, libraries may ignore them.
/// `Send`, so that a run's future can move between a runtime's threads.
///
/// ```
/// use knexrs_migrate::{Event, Reporter};
///
/// struct Count(usize);
/// impl Reporter for Count {
///     fn report(&mut self, event: Event<'_>) {
///         if let Event::Finished { .. } = event { self.0 += 1; }
///     }
/// }
/// let mut count = Count(0);
/// count.report(Event::Finished { name: "x", elapsed: std::time::Duration::ZERO });
/// assert_eq!(count.0, 1);
/// ```
pub trait Reporter: Send {
    /// Called for each event.
    ///
    /// ```
    /// use knexrs_migrate::{Event, Reporter};
    ///
    /// struct Print;
    /// impl Reporter for Print {
    ///     fn report(&mut self, event: Event<'_>) {
    ///         if let Event::Started { name } = event { println!("running {name}"); }
    ///     }
    /// }
    /// Print.report(Event::Started { name: "20250101000000_create_users" });
    /// ```
    fn report(&mut self, event: Event<'_>);
}

/// A reporter that ignores everything.
///
/// ```
/// use knexrs_migrate::{Event, Reporter, Silent};
///
/// Silent.report(Event::WaitingForLock); // prints nothing
/// ```
#[derive(Debug, Default, Clone, Copy)]
pub struct Silent;

impl Reporter for Silent {
    fn report(&mut self, _: Event<'_>) {}
}

/// Up or down.
///
/// ```
/// use knexrs_migrate::{Direction, RunReport};
///
/// let report = RunReport { direction: Direction::Down, batch: 2, migrations: vec![] };
/// assert_eq!(report.direction, Direction::Down);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Applying migrations.
    Up,
    /// Reverting migrations.
    Down,
}

/// One migration a run applied or reverted.
///
/// ```
/// use knexrs_migrate::Ran;
///
/// let ran = Ran { name: "20250101000000_a".into(), recorded_name: "20250101000000_a.js".into(), elapsed: Default::default() };
/// assert!(ran.recorded_name.ends_with(".js"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ran {
    /// The migration's name (its file stem).
    pub name: String,
    /// The name its `knex_migrations` row has (or had).
    pub recorded_name: String,
    /// How long its statements took.
    pub elapsed: Duration,
}

/// What a run did.
///
/// ```
/// use knexrs_migrate::{Direction, RunReport};
///
/// let report = RunReport { direction: Direction::Up, batch: 1, migrations: vec![] };
/// assert!(report.is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunReport {
    /// Up or down.
    pub direction: Direction,
    /// The batch applied, or the batch rolled back.
    pub batch: i32,
    /// Each migration run, in order.
    pub migrations: Vec<Ran>,
}

impl RunReport {
    /// Whether nothing ran.
    ///
    /// ```
    /// use std::time::Duration;
    /// use knexrs_migrate::{Direction, RunReport};
    ///
    /// let report = RunReport {
    ///     direction: Direction::Up,
    ///     batch: 1,
    ///     migrations: vec![knexrs_migrate::Ran {
    ///         name: "20250101000000_create_users".into(),
    ///         recorded_name: "20250101000000_create_users.rs".into(),
    ///         elapsed: Duration::from_millis(4),
    ///     }],
    /// };
    /// assert!(!report.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.migrations.is_empty()
    }
}
