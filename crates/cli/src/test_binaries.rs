//! The workspace's test binaries, run side by side. `cargo test` runs them one
//! after another, and a binary of this workspace spends much of its time
//! waiting on the server (each test in a database of its own): on a two-core
//! machine a third of the suite's wall time was idle. Each binary's output is
//! held and printed whole when it ends, under cargo's own `Running` line, so
//! the log reads as cargo's would.

use anyhow::{Context as _, bail};
use std::collections::VecDeque;
use std::ffi::OsString;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;

/// One test executable cargo built, and where cargo would have run it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TestBinary {
    /// As cargo prints it: `unittests src/lib.rs`, `tests/runner.rs`.
    pub(crate) label: String,
    /// The executable.
    pub(crate) executable: PathBuf,
    /// The package's folder: cargo runs a test binary there.
    pub(crate) package_root: PathBuf,
    /// The `cargo test` arguments that run it alone: `-p knexrs-tests --test runner`.
    pub(crate) rerun: String,
}

/// How `cargo test`'s arguments split: what cargo takes, what the test
/// binaries take (after `--`), and whether the run can go through
/// [`run_side_by_side`] at all.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct TestArgs<'a> {
    /// Before `--`.
    pub(crate) cargo: &'a [String],
    /// After `--`.
    pub(crate) binaries: &'a [String],
}

impl<'a> TestArgs<'a> {
    /// Splits at the first `--`.
    pub(crate) fn split(args: &'a [String]) -> Self {
        match args.iter().position(|a| a == "--") {
            Some(at) => TestArgs { cargo: &args[..at], binaries: &args[at + 1..] },
            None => TestArgs { cargo: args, binaries: &[] },
        }
    }

    /// Whether cargo would run only what it builds here: `--no-run` and
    /// `--doc` are left to cargo itself.
    pub(crate) fn runs_binaries(&self) -> bool {
        !self.cargo.iter().any(|a| a == "--no-run" || a == "--doc")
    }

    /// Whether `cargo test` would also run the documentation's examples:
    /// only when no target is picked, as cargo decides.
    pub(crate) fn runs_doc_tests(&self) -> bool {
        const PICKS_TARGETS: [&str; 10] = [
            "--lib",
            "--bin",
            "--bins",
            "--test",
            "--tests",
            "--bench",
            "--benches",
            "--example",
            "--examples",
            "--all-targets",
        ];
        !self.cargo.iter().any(|a| PICKS_TARGETS.iter().any(|p| a == p || a.starts_with(&format!("{p}="))))
    }
}

/// The test binaries in `cargo test --no-run --message-format json`'s
/// output, in cargo's order.
pub(crate) fn test_binaries(messages: &str) -> Vec<TestBinary> {
    messages
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|m| m["reason"] == "compiler-artifact" && m["profile"]["test"] == true)
        .filter_map(|m| {
            let executable = PathBuf::from(m["executable"].as_str()?);
            let package_root = Path::new(m["manifest_path"].as_str()?).parent()?.to_owned();
            let source = Path::new(m["target"]["src_path"].as_str()?);
            let shown = source.strip_prefix(&package_root).unwrap_or(source).display().to_string();
            let is_test_file = m["target"]["kind"].as_array().is_some_and(|kinds| kinds.iter().any(|k| k == "test"));
            let label = if is_test_file { shown } else { format!("unittests {shown}") };
            let rerun = format!("-p {} {}", package_name(m["package_id"].as_str()?), target_flag(&m["target"])?);
            Some(TestBinary { label, executable, package_root, rerun })
        })
        .collect()
}

/// The package's name in a package id: `path+file:///w/crates/embed#knexrs-embed@0.1.0`,
/// or `path+file:///w/crates/embed#0.1.0` when it is the folder's name.
fn package_name(id: &str) -> &str {
    let (url, fragment) = id.rsplit_once('#').unwrap_or((id, ""));
    match fragment.split_once('@') {
        Some((name, _)) => name,
        None => url.rsplit('/').next().unwrap_or(url),
    }
}

/// How `cargo test` picks this target alone.
fn target_flag(target: &serde_json::Value) -> Option<String> {
    let name = target["name"].as_str()?;
    let kinds = target["kind"].as_array()?;
    let is = |kind: &str| kinds.iter().any(|k| k == kind);
    Some(if is("test") {
        format!("--test {name}")
    } else if is("bin") {
        format!("--bin {name}")
    } else if is("bench") {
        format!("--bench {name}")
    } else if is("example") {
        format!("--example {name}")
    } else {
        "--lib".to_owned()
    })
}

/// Builds the test binaries with `build` (a `cargo test --no-run
/// --message-format json-render-diagnostics …` command; its progress and
/// compiler messages go to stderr as usual) and returns them.
pub(crate) fn build(mut build: Command) -> anyhow::Result<Vec<TestBinary>> {
    let out = build.stdout(Stdio::piped()).stderr(Stdio::inherit()).output().context("running cargo test --no-run")?;
    if !out.status.success() {
        bail!("the tests did not build ({}): see cargo's messages above", out.status);
    }
    Ok(test_binaries(&String::from_utf8_lossy(&out.stdout)))
}

/// What one job of [`run_side_by_side`] did.
pub(crate) struct Finished {
    /// Its `Running …` line, or the command it was.
    pub(crate) title: String,
    /// What runs it again alone.
    pub(crate) rerun: String,
    /// Its stdout and stderr, interleaved as written.
    pub(crate) output: Vec<u8>,
    /// Whether it exited 0.
    pub(crate) passed: bool,
}

/// A job: a command to run and the line that introduces its output.
pub(crate) struct Job {
    /// Printed before the output, as cargo does (`     Running tests/runner.rs (…)`).
    pub(crate) title: String,
    /// What runs it again alone, for the failure's message (`cargo xtask test -p knexrs-tests --test runner`).
    pub(crate) rerun: String,
    /// The process.
    pub(crate) command: Command,
}

impl Job {
    /// A test binary, run as `cargo test` runs it: in its package's folder,
    /// with `args` and `env`.
    pub(crate) fn binary(binary: &TestBinary, shown_from: &Path, args: &[String], env: &[(&str, OsString)]) -> Self {
        let shown = binary.executable.strip_prefix(shown_from).unwrap_or(&binary.executable);
        let mut command = Command::new(&binary.executable);
        command.args(args).current_dir(&binary.package_root).env("CARGO_MANIFEST_DIR", &binary.package_root);
        command.envs(env.iter().map(|(name, value)| (name, value)));
        let rerun = format!("cargo xtask test {}", binary.rerun);
        Job { title: format!("     Running {} ({})", binary.label, shown.display()), rerun, command }
    }
}

/// Runs `jobs` at most `parallel` at a time, handing each to `done` as it
/// ends (one at a time, in the order they end).
pub(crate) fn run_side_by_side(jobs: Vec<Job>, parallel: usize, done: impl FnMut(Finished) + Send) {
    let queue = Mutex::new(VecDeque::from(jobs));
    let done = Mutex::new(done);
    std::thread::scope(|scope| {
        for _ in 0..parallel.max(1) {
            scope.spawn(|| {
                loop {
                    // Its own statement: the queue's lock is released before the job runs.
                    let next = queue.lock().unwrap_or_else(std::sync::PoisonError::into_inner).pop_front();
                    let Some(job) = next else { break };
                    let finished = run(job);
                    (done.lock().unwrap_or_else(std::sync::PoisonError::into_inner))(finished);
                }
            });
        }
    });
}

/// Runs one job, its stdout and stderr into one pipe so the output keeps
/// the order it was written in.
fn run(job: Job) -> Finished {
    let Job { title, rerun, command } = job;
    match output_of(command) {
        Ok((output, passed)) => Finished { title, rerun, output, passed },
        Err(e) => Finished { title, rerun, output: format!("error: {e:#}\n").into_bytes(), passed: false },
    }
}

fn output_of(mut command: Command) -> anyhow::Result<(Vec<u8>, bool)> {
    let (mut reader, writer) = std::io::pipe().context("creating a pipe")?;
    command.stdin(Stdio::null()).stdout(writer.try_clone()?).stderr(writer);
    let spawned = command.spawn();
    // The command holds the pipe's write ends: closed here, so the read
    // below ends when the process (and anything it left running) closes its own.
    drop(command);
    let mut child = spawned.context("starting it")?;
    let mut output = Vec::new();
    reader.read_to_end(&mut output).context("reading its output")?;
    Ok((output, child.wait().context("waiting for it")?.success()))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a test fails by panicking")]
mod tests {
    use super::*;

    fn args(words: &str) -> Vec<String> {
        words.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn arguments_after_the_double_dash_go_to_the_binaries() {
        let all = args("-p knexrs-tests --test runner -- --nocapture --test-threads 1");
        let split = TestArgs::split(&all);
        assert_eq!(split.cargo, args("-p knexrs-tests --test runner"));
        assert_eq!(split.binaries, args("--nocapture --test-threads 1"));
        assert!(!split.runs_doc_tests(), "a picked target leaves the documentation out, as cargo does");
        assert!(split.runs_binaries());
    }

    #[test]
    fn doc_tests_run_when_no_target_is_picked_and_no_run_is_left_to_cargo() {
        let none: Vec<String> = Vec::new();
        assert!(TestArgs::split(&none).runs_doc_tests());
        assert!(TestArgs::split(&args("--no-fail-fast -p knexrs-query")).runs_doc_tests());
        assert!(!TestArgs::split(&args("--test=runner")).runs_doc_tests());
        assert!(!TestArgs::split(&args("--no-run")).runs_binaries());
        assert!(!TestArgs::split(&args("--doc")).runs_binaries());
    }

    #[test]
    fn test_executables_are_read_from_cargos_messages_with_cargos_labels() {
        let messages = [
            r#"{"reason":"compiler-artifact","package_id":"path+file:///w/tests#knexrs-tests@0.1.0","manifest_path":"/w/tests/Cargo.toml","target":{"name":"runner","kind":["test"],"src_path":"/w/tests/runner.rs"},"profile":{"test":true},"executable":"/w/target/debug/deps/runner-1"}"#,
            r#"{"reason":"compiler-artifact","package_id":"path+file:///w/crates/knexrs-query#0.1.0","manifest_path":"/w/crates/query/Cargo.toml","target":{"name":"knexrs_query","kind":["lib"],"src_path":"/w/crates/query/src/lib.rs"},"profile":{"test":true},"executable":"/w/target/debug/deps/knexrs_query-2"}"#,
            r#"{"reason":"compiler-artifact","manifest_path":"/w/crates/query/Cargo.toml","target":{"kind":["lib"],"src_path":"/w/crates/query/src/lib.rs"},"profile":{"test":false},"executable":null}"#,
            r#"{"reason":"build-finished","success":true}"#,
            "not json",
        ]
        .join("\n");
        let found = test_binaries(&messages);
        assert_eq!(
            found,
            [
                TestBinary {
                    label: "runner.rs".into(),
                    executable: "/w/target/debug/deps/runner-1".into(),
                    package_root: "/w/tests".into(),
                    rerun: "-p knexrs-tests --test runner".into(),
                },
                TestBinary {
                    label: "unittests src/lib.rs".into(),
                    executable: "/w/target/debug/deps/knexrs_query-2".into(),
                    package_root: "/w/crates/query".into(),
                    rerun: "-p knexrs-query --lib".into(),
                },
            ]
        );
    }

    #[test]
    fn jobs_run_side_by_side_and_each_output_arrives_whole_with_its_status() {
        let job = |title: &str, script: &str| {
            let mut command = Command::new("sh");
            command.args(["-c", script]);
            Job { title: title.to_owned(), rerun: String::new(), command }
        };
        let jobs = vec![
            job("slow", "echo one; sleep 0.3; echo two >&2"),
            job("fails", "echo bad; exit 3"),
            job("fast", "echo quick"),
        ];
        let finished = Mutex::new(Vec::new());
        run_side_by_side(jobs, 2, |f| {
            finished.lock().unwrap().push((f.title, String::from_utf8(f.output).unwrap(), f.passed))
        });
        let mut finished = finished.into_inner().unwrap();
        assert_eq!(finished.last().unwrap().0, "slow", "the slow job ends last: the others did not wait for it");
        finished.sort();
        assert_eq!(
            finished,
            [
                ("fails".to_owned(), "bad\n".to_owned(), false),
                ("fast".to_owned(), "quick\n".to_owned(), true),
                ("slow".to_owned(), "one\ntwo\n".to_owned(), true),
            ]
        );
    }

    #[test]
    fn a_job_that_cannot_start_is_a_failure_that_says_why() {
        let jobs = vec![Job {
            title: "missing".into(),
            rerun: String::new(),
            command: Command::new("/nonexistent/test-binary"),
        }];
        let finished = Mutex::new(Vec::new());
        run_side_by_side(jobs, 1, |f| finished.lock().unwrap().push(f));
        let finished = finished.into_inner().unwrap();
        assert!(!finished[0].passed);
        assert!(String::from_utf8_lossy(&finished[0].output).contains("error: starting it"));
    }
}
