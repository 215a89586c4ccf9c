use crate::SchemaError;
use sea_query::PostgresQueryBuilder;
use std::any::Any;
use std::fmt;
use std::sync::Arc;

/// Rust code a migration runs at its place among the statements (a data
/// step that reads before it writes, a batched backfill). This crate does
/// not run it: it records it in order, and only a migration runner, which
/// knows what the body is, runs it (`knexrs-migrate`'s `MigrationSteps`
/// records them). [`SchemaBuilder::build`](crate::SchemaBuilder::build)
/// refuses a builder that holds one.
///
/// ```
/// use knexrs_schema::{PostgresQueryBuilder, RuntimeStep, SchemaBuilder, SchemaError};
///
/// let mut schema = SchemaBuilder::new();
/// schema.push(RuntimeStep::new("split job names", std::sync::Arc::new(())));
/// let err = schema.build(PostgresQueryBuilder).unwrap_err();
/// assert!(matches!(err, SchemaError::RuntimeStep { .. }));
/// ```
#[derive(Clone)]
pub struct RuntimeStep {
    name: String,
    outside_transaction: bool,
    body: Arc<dyn Any + Send + Sync>,
}

impl fmt::Debug for RuntimeStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RuntimeStep")
            .field("name", &self.name)
            .field("outside_transaction", &self.outside_transaction)
            .finish_non_exhaustive()
    }
}

impl RuntimeStep {
    /// A step named `name` (shown by dry runs and in errors) whose `body`
    /// the runner recognises.
    ///
    /// ```
    /// let step = knexrs_schema::RuntimeStep::new("fill display names", std::sync::Arc::new(42_u8));
    /// assert_eq!(step.name(), "fill display names");
    /// assert_eq!(step.body().downcast_ref::<u8>(), Some(&42));
    /// ```
    pub fn new(name: impl Into<String>, body: Arc<dyn Any + Send + Sync>) -> Self {
        RuntimeStep { name: name.into(), outside_transaction: false, body }
    }

    /// The step commits as it goes (a batched backfill), so its migration
    /// runs outside a transaction.
    ///
    /// ```
    /// let mut step = knexrs_schema::RuntimeStep::new("backfill", std::sync::Arc::new(()));
    /// step.outside_transaction();
    /// assert!(step.is_outside_transaction());
    /// ```
    pub fn outside_transaction(&mut self) -> &mut Self {
        self.outside_transaction = true;
        self
    }

    /// The step's name.
    ///
    /// ```
    /// assert_eq!(knexrs_schema::RuntimeStep::new("s", std::sync::Arc::new(())).name(), "s");
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether its migration must run outside a transaction.
    ///
    /// ```
    /// assert!(!knexrs_schema::RuntimeStep::new("s", std::sync::Arc::new(())).is_outside_transaction());
    /// ```
    pub fn is_outside_transaction(&self) -> bool {
        self.outside_transaction
    }

    /// What the runner runs.
    ///
    /// ```
    /// let step = knexrs_schema::RuntimeStep::new("s", std::sync::Arc::new("body"));
    /// assert_eq!(step.body().downcast_ref::<&str>(), Some(&"body"));
    /// ```
    pub fn body(&self) -> &(dyn Any + Send + Sync) {
        self.body.as_ref()
    }

    /// Always an error: a step is not SQL, only a migration runner runs it.
    ///
    /// ```
    /// # use knexrs_schema::{PostgresQueryBuilder, RuntimeStep};
    /// assert!(RuntimeStep::new("s", std::sync::Arc::new(())).build(PostgresQueryBuilder).is_err());
    /// ```
    pub fn build(&self, _: PostgresQueryBuilder) -> Result<Vec<String>, SchemaError> {
        Err(SchemaError::RuntimeStep { name: self.name.clone() })
    }
}
