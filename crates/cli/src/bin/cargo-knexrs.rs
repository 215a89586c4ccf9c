//! `cargo knexrs …`: the same as `knexrs …`.

fn main() -> std::process::ExitCode {
    knexrs_cli::app_main()
}
