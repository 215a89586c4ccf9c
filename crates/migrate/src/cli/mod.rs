//! The `migrate` command line, shared by `cargo xtask migrate` and deployable
//! binaries (feature `cli`).

mod args;
mod fleet;
mod output;
mod run;
mod seed;

pub use args::{ConnectionArgs, MakeArgs, MigrateArgs, MigrateCommand, RunArgs, StatusArgs};
pub use run::{Context, Outcome, main, run};
pub use seed::{SeedArgs, SeedCommand, SeedContext, run_seed, seed_main};
