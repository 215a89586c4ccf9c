//! The database's tables as typed definitions, generated from the migrated
//! database by `cargo xtask schema generate`: do not edit by hand; run it
//! again after adding a migration (`cargo xtask schema generate --check` fails
//! while this file is stale).

/// The `sessions` table.
pub mod sessions {
    use knexrs_query::{Column, FromRow, QueryError, Row, Table, get};

    /// The `sessions` table, for typed queries: `Sessions::select()`.
    #[derive(Debug, Clone, Copy)]
    pub struct Sessions;

    impl Table for Sessions {
        const NAME: &'static str = "sessions";
        type Row = SessionsRow;
    }

    /// A row of `sessions`.
    #[derive(Debug, Clone, PartialEq)]
    pub struct SessionsRow {
        /// `session_id`.
        pub session_id: String,
        /// `owner_user_id`.
        pub owner_user_id: String,
        /// `job_name`.
        pub job_name: String,
        /// `pod_name`.
        pub pod_name: Option<String>,
        /// `pod_ip`.
        pub pod_ip: Option<String>,
        /// `created_at`.
        pub created_at: Option<knexrs_query::chrono::DateTime<knexrs_query::chrono::Utc>>,
        /// `expires_at`.
        pub expires_at: knexrs_query::chrono::DateTime<knexrs_query::chrono::Utc>,
    }

    impl FromRow for SessionsRow {
        fn from_row(row: Row) -> Result<Self, QueryError> {
            Ok(Self {
                session_id: get(&row, "session_id")?,
                owner_user_id: get(&row, "owner_user_id")?,
                job_name: get(&row, "job_name")?,
                pod_name: get(&row, "pod_name")?,
                pod_ip: get(&row, "pod_ip")?,
                created_at: get(&row, "created_at")?,
                expires_at: get(&row, "expires_at")?,
            })
        }
    }

    /// `sessions.session_id`.
    pub const SESSION_ID: Column<Sessions, String> = Column::new("session_id");

    /// `sessions.owner_user_id`.
    pub const OWNER_USER_ID: Column<Sessions, String> = Column::new("owner_user_id");

    /// `sessions.job_name`.
    pub const JOB_NAME: Column<Sessions, String> = Column::new("job_name");

    /// `sessions.pod_name`.
    pub const POD_NAME: Column<Sessions, Option<String>> = Column::new("pod_name");

    /// `sessions.pod_ip`.
    pub const POD_IP: Column<Sessions, Option<String>> = Column::new("pod_ip");

    /// `sessions.created_at`.
    pub const CREATED_AT: Column<Sessions, Option<knexrs_query::chrono::DateTime<knexrs_query::chrono::Utc>>> =
        Column::new("created_at");

    /// `sessions.expires_at`.
    pub const EXPIRES_AT: Column<Sessions, knexrs_query::chrono::DateTime<knexrs_query::chrono::Utc>> =
        Column::new("expires_at");
}

/// The `token_jti` table.
pub mod token_jti {
    use knexrs_query::{Column, FromRow, QueryError, Row, Table, get};

    /// The `token_jti` table, for typed queries: `TokenJti::select()`.
    #[derive(Debug, Clone, Copy)]
    pub struct TokenJti;

    impl Table for TokenJti {
        const NAME: &'static str = "token_jti";
        type Row = TokenJtiRow;
    }

    /// A row of `token_jti`.
    #[derive(Debug, Clone, PartialEq)]
    pub struct TokenJtiRow {
        /// `jti`.
        pub jti: String,
        /// `session_id`.
        pub session_id: String,
        /// `expires_at`.
        pub expires_at: knexrs_query::chrono::DateTime<knexrs_query::chrono::Utc>,
    }

    impl FromRow for TokenJtiRow {
        fn from_row(row: Row) -> Result<Self, QueryError> {
            Ok(Self {
                jti: get(&row, "jti")?,
                session_id: get(&row, "session_id")?,
                expires_at: get(&row, "expires_at")?,
            })
        }
    }

    /// `token_jti.jti`.
    pub const JTI: Column<TokenJti, String> = Column::new("jti");

    /// `token_jti.session_id`.
    pub const SESSION_ID: Column<TokenJti, String> = Column::new("session_id");

    /// `token_jti.expires_at`.
    pub const EXPIRES_AT: Column<TokenJti, knexrs_query::chrono::DateTime<knexrs_query::chrono::Utc>> =
        Column::new("expires_at");
}
