//! The deployment environment, as in a knexfile.

use crate::{ConnectError, Setting};
use std::str::FromStr;

/// The deployment environment, as in a knexfile (`--env`, `KNEXRS_ENV` or `NODE_ENV`).
///
/// Production requires TLS and defaults to `sslmode=verify-full`.
///
/// ```
/// use knexrs_connect::Environment;
///
/// assert_eq!("production".parse::<Environment>().unwrap(), Environment::Production);
/// assert!("prod-eu".parse::<Environment>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Environment {
    /// Local development (the default).
    #[default]
    Development,
    /// A staging deployment.
    Staging,
    /// Production: TLS is required.
    Production,
    /// Test runs.
    Test,
}

impl Environment {
    /// `KNEXRS_ENV`, else `NODE_ENV` (what knex reads), else development.
    ///
    /// ```
    /// # use knexrs_connect::Environment;
    /// // KNEXRS_ENV=production (or NODE_ENV, as knex reads) picks production.
    /// let environment = Environment::from_env()?;
    /// println!("migrating {environment}");
    /// # Ok::<(), knexrs_connect::ConnectError>(())
    /// ```
    pub fn from_env() -> Result<Self, ConnectError> {
        match std::env::var("KNEXRS_ENV").or_else(|_| std::env::var("NODE_ENV")) {
            Ok(name) if !name.is_empty() => name.parse(),
            _ => Ok(Environment::Development),
        }
    }

    /// The environment's name.
    ///
    /// ```
    /// # use knexrs_connect::Environment;
    /// assert_eq!(Environment::Staging.name(), "staging");
    /// assert_eq!(Environment::default().name(), "development");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Environment::Development => "development",
            Environment::Staging => "staging",
            Environment::Production => "production",
            Environment::Test => "test",
        }
    }
}

impl FromStr for Environment {
    type Err = ConnectError;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        match name.trim().to_ascii_lowercase().as_str() {
            "development" | "dev" => Ok(Environment::Development),
            "staging" => Ok(Environment::Staging),
            "production" | "prod" => Ok(Environment::Production),
            "test" => Ok(Environment::Test),
            other => Err(ConnectError::invalid(
                Setting::Environment,
                format!("unknown environment `{other}`: use development, staging, production or test"),
            )),
        }
    }
}

impl std::fmt::Display for Environment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
