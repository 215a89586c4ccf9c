//! knexrs's workspace commands inside an xtask a team already has (what
//! `knexrs init` adds to one): the xtask hands the process over when its
//! first argument is one of knexrs's commands, and keeps its own otherwise,
//! whatever it parses its arguments with.

use crate::{Project, WorkspaceCommand, run_workspace};
use std::ffi::OsString;
use std::process::ExitCode;

/// The workspace commands as a whole command line (`cargo xtask migrate …`).
#[derive(Debug, clap::Parser)]
#[command(name = "cargo xtask")]
struct WorkspaceCli {
    #[command(subcommand)]
    command: WorkspaceCommand,
}

/// When the process's first argument is one of `commands` (from `migrate`,
/// `seed`, `db`, `schema` and `test`), runs that knexrs command for the
/// project `project` makes and exits with its exit code (`--help` and usage
/// errors too, as clap does); otherwise returns at once, building nothing,
/// and the xtask goes on with its own commands.
///
/// ```no_run
/// # fn migrator() -> Result<knexrs_migrate::Migrator, knexrs_migrate::MigrateError> { knexrs_migrate::Migrator::new(vec![]) }
/// fn main() {
///     knexrs_cli::exit_if_workspace_command(&["migrate", "db", "seed", "schema"], || {
///         let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
///         knexrs_cli::Project::new(root, migrator())
///     });
///     // The xtask's own commands from here on.
/// }
/// ```
pub fn exit_if_workspace_command(commands: &[&str], project: impl FnOnce() -> Project) {
    let Some(parsed) = workspace_command_in(std::env::args_os(), commands) else { return };
    let command = parsed.unwrap_or_else(|error| error.exit());
    let code = if knexrs_connect::in_runtime_context() {
        // Called under a runtime (`#[tokio::main]`): the blocking
        // commands run on a thread of their own, outside its runtime.
        let project = project();
        std::thread::scope(|scope| scope.spawn(|| run_workspace(&project, command)).join()).unwrap_or(ExitCode::FAILURE)
    } else {
        run_workspace(&project(), command)
    };
    std::process::exit(exit_status(code))
}

/// The workspace command `args` (the program first) name, when their first
/// argument is one of `commands`; `None` for any other.
fn workspace_command_in(
    args: impl IntoIterator<Item = OsString>,
    commands: &[&str],
) -> Option<Result<WorkspaceCommand, clap::Error>> {
    let args: Vec<OsString> = args.into_iter().collect();
    let first = args.get(1)?.to_str()?;
    if !commands.contains(&first) {
        return None;
    }
    Some(<WorkspaceCli as clap::Parser>::try_parse_from(args).map(|cli| cli.command))
}

/// The number `code` stands for: `ExitCode` shows it only by comparison.
fn exit_status(code: ExitCode) -> i32 {
    (0..=u8::MAX).find(|n| ExitCode::from(*n) == code).map_or(1, i32::from)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "a test fails by panicking")]

    use super::*;

    fn args(line: &str) -> Vec<OsString> {
        std::iter::once("xtask").chain(line.split_whitespace()).map(OsString::from).collect()
    }

    const KNEXRS: &[&str] = &["migrate", "db", "seed", "schema"];

    #[test]
    fn the_xtasks_own_commands_and_no_command_are_left_to_it() {
        assert!(workspace_command_in(args("deploy --now"), KNEXRS).is_none());
        assert!(workspace_command_in(args(""), KNEXRS).is_none());
        // `test` goes to knexrs only when the xtask lists it.
        assert!(workspace_command_in(args("test"), KNEXRS).is_none());
        assert!(matches!(
            workspace_command_in(args("test -- --nocapture"), &["test"]),
            Some(Ok(WorkspaceCommand::Test { .. }))
        ));
    }

    #[test]
    fn knexrs_commands_are_parsed_as_the_workspace_commands_and_bad_ones_are_clap_errors() {
        assert!(matches!(workspace_command_in(args("migrate latest"), KNEXRS), Some(Ok(WorkspaceCommand::Migrate(_)))));
        assert!(matches!(workspace_command_in(args("db start"), KNEXRS), Some(Ok(WorkspaceCommand::Db { .. }))));
        let error = workspace_command_in(args("migrate sideways"), KNEXRS).unwrap().unwrap_err();
        assert_eq!(error.kind(), clap::error::ErrorKind::InvalidSubcommand);
        let help = workspace_command_in(args("migrate --help"), KNEXRS).unwrap().unwrap_err();
        assert_eq!(help.kind(), clap::error::ErrorKind::DisplayHelp);
    }

    #[test]
    fn the_exit_status_is_the_number_the_command_exited_with() {
        assert_eq!(exit_status(ExitCode::SUCCESS), 0);
        assert_eq!(exit_status(ExitCode::FAILURE), 1);
        assert_eq!(exit_status(ExitCode::from(3)), 3);
        assert_eq!(exit_status(ExitCode::from(255)), 255);
    }
}
