//! `migrate lint`: what each migration would lock and rewrite on a database
//! in use, traced on a throwaway database.

mod hazard;
mod snapshot;
mod trace;

pub use hazard::{Finding, Hazard, LintOptions, LintReport, LockMode, MigrationLint, Severity, TracedStatement};
