//! A PostgreSQL server's version: what the DSL checks a schema against and
//! what a connection reports.

/// A server's major and minor version.
///
/// ```
/// use knexrs_sql::ServerVersion;
///
/// let version = ServerVersion::parse("15.18 (Debian 15.18-0+deb12u1)").unwrap();
/// assert_eq!((version.major, version.minor), (15, 18));
/// assert_eq!(version.num(), 150018);
/// assert_eq!(ServerVersion::parse("18beta1").unwrap().major, 18);
/// assert_eq!(ServerVersion::from_num(140003), ServerVersion { major: 14, minor: 3 });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ServerVersion {
    /// The major version (13, 14, … 18).
    pub major: u32,
    /// The minor version; `u32::MAX` when only the major is known (see [`ServerVersion::major`]).
    pub minor: u32,
}

impl ServerVersion {
    /// Reads `server_version` (`15.18`, `16.4 (Ubuntu …)`, `18beta1`).
    ///
    /// ```
    /// # use knexrs_sql::ServerVersion;
    /// assert_eq!(ServerVersion::parse("13.2").unwrap().num(), 130002);
    /// assert!(ServerVersion::parse("pgbouncer").is_none());
    /// ```
    pub fn parse(text: &str) -> Option<Self> {
        let digits = |s: &str| -> Option<u32> {
            let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
            s[..end].parse().ok()
        };
        let major = digits(text.trim())?;
        let minor = text.trim().split_once('.').and_then(|(_, rest)| digits(rest)).unwrap_or(0);
        Some(ServerVersion { major, minor })
    }

    /// From `server_version_num` (`180004` is 18.4).
    ///
    /// ```
    /// # use knexrs_sql::ServerVersion;
    /// assert_eq!(ServerVersion::from_num(180004).minor, 4);
    /// ```
    pub fn from_num(num: u32) -> Self {
        ServerVersion { major: num / 10_000, minor: num % 10_000 }
    }

    /// A major version whose minor is not known, taken as its newest (a dry
    /// run's `--pg-version 15`).
    ///
    /// ```
    /// # use knexrs_sql::ServerVersion;
    /// assert_eq!(ServerVersion::major(15).to_string(), "15");
    /// ```
    pub fn major(major: u32) -> Self {
        ServerVersion { major, minor: u32::MAX }
    }

    /// `server_version_num`'s form: `major * 10000 + minor`.
    ///
    /// ```
    /// # use knexrs_sql::ServerVersion;
    /// assert_eq!(ServerVersion { major: 17, minor: 2 }.num(), 170002);
    /// ```
    pub fn num(self) -> u32 {
        self.major * 10_000 + self.minor.min(9_999)
    }
}

impl std::fmt::Display for ServerVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.minor == u32::MAX { write!(f, "{}", self.major) } else { write!(f, "{}.{}", self.major, self.minor) }
    }
}
