//! `knexrs`: `init`, `migrate …`, `make <name>` (see `knexrs --help`).

fn main() -> std::process::ExitCode {
    knexrs_cli::app_main()
}
