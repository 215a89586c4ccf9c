//! A password that changes over time (an IAM token for RDS, Cloud SQL or
//! Azure, a rotated secret), asked for each time a connection is opened, as
//! knex asks its `connection` function.

use crate::ConnectError;
use std::sync::Arc;

/// What a password provider may fail with.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Where each new connection's password comes from.
#[derive(Clone)]
pub(crate) enum PasswordSource {
    /// `DB_PASSWORD_COMMAND`: a shell command that prints the password.
    Command(String),
    /// [`ConnectConfig::set_password_provider`](crate::ConnectConfig::set_password_provider).
    Provider(Arc<dyn Fn() -> Result<String, BoxError> + Send + Sync>),
}

impl std::fmt::Debug for PasswordSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PasswordSource::Command(command) => f.debug_tuple("Command").field(command).finish(),
            PasswordSource::Provider(_) => f.write_str("Provider"),
        }
    }
}

impl PasswordSource {
    /// The password now; blocks while a command runs.
    pub(crate) fn password(&self) -> Result<String, ConnectError> {
        match self {
            PasswordSource::Command(command) => run(command),
            PasswordSource::Provider(provider) => {
                provider().map_err(|source| ConnectError::PasswordProvider { source })
            }
        }
    }
}

/// Runs `command` with `sh -c`; its output, less the line break a shell
/// command ends with, is the password.
fn run(command: &str) -> Result<String, ConnectError> {
    let failed = |problem: String| ConnectError::PasswordCommand { command: command.to_owned(), problem };
    let output = std::process::Command::new("sh")
        .args(["-c", command])
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| failed(format!("could not be run ({e})")))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let said = stderr.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("no message");
        return Err(failed(format!("failed ({}: {said})", output.status)));
    }
    let password =
        String::from_utf8(output.stdout).map_err(|_| failed("printed bytes that are not UTF-8".to_owned()))?;
    let password = password.trim_end_matches(['\n', '\r']);
    if password.is_empty() {
        return Err(failed("printed no password".to_owned()));
    }
    Ok(password.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_command_prints_the_password_and_a_failing_one_is_one_line_that_says_why() {
        let ok = PasswordSource::Command("printf 'tok:en/1\\n'".to_owned());
        assert_eq!(ok.password().unwrap(), "tok:en/1");
        let failing = PasswordSource::Command("echo 'token expired' >&2; echo; exit 3".to_owned());
        let error = failing.password().unwrap_err().to_string();
        assert!(
            error.starts_with(
                "DB_PASSWORD_COMMAND `echo 'token expired' >&2; echo; exit 3` failed (exit status: 3: token expired)"
            ),
            "{error}"
        );
        assert_eq!(error.lines().count(), 1, "{error}");
        let silent = PasswordSource::Command("true".to_owned()).password().unwrap_err().to_string();
        assert!(silent.contains("printed no password"), "{silent}");
        let provider = PasswordSource::Provider(Arc::new(|| Err("the token service is down".into())));
        let error = provider.password().unwrap_err();
        assert!(matches!(error, ConnectError::PasswordProvider { .. }));
        assert!(error.to_string().contains("the token service is down"), "{error}");
    }
}
