//! A throwaway database on the server a command was pointed at: `verify`,
//! `lint` and `drift` apply migrations there, never on the database itself.

use crate::session::Conn;
use crate::{Catalog, MigrateError, Migrator};
use knexrs_connect::ConnectConfig;

/// How old a throwaway database with no session must be before another check
/// drops it as left behind by a killed one.
const STALE_AFTER_SECS: u64 = 3600;

/// A database made for one check (`verify`, `lint`, `drift`), dropped when it is done.
pub(crate) struct Scratch {
    pub(crate) admin: ConnectConfig,
    name: String,
    pub(crate) config: ConnectConfig,
    /// Reads the catalog between steps.
    pub(crate) reader: Conn,
}

impl Scratch {
    /// Refuses a connection through a transaction pooler, before anything is
    /// read: the throwaway database is not one the pooler knows.
    pub(crate) fn reachable(admin: &ConnectConfig, purpose: &'static str) -> Result<(), MigrateError> {
        if admin.pooler() == knexrs_connect::Pooler::Transaction {
            return Err(MigrateError::ScratchThroughPooler { command: purpose });
        }
        Ok(())
    }

    /// What a check cancelled while `doing` returns (the database is dropped after).
    fn interrupted(doing: &str) -> MigrateError {
        MigrateError::Interrupted {
            when: format!("while {doing}"),
            kept: "nothing changed: the throwaway database is dropped".into(),
        }
    }

    /// Runs `work` on a new throwaway database until it ends or `cancel`
    /// fires (then the error says what it was `doing`), and drops the
    /// database either way: the one place `verify`, `lint` and `drift` make
    /// and remove theirs.
    pub(crate) async fn with<T>(
        admin: &ConnectConfig,
        purpose: &'static str,
        doing: &str,
        cancel: &crate::Cancel,
        work: impl AsyncFnOnce(&mut Scratch) -> Result<T, MigrateError>,
    ) -> Result<T, MigrateError> {
        let mut scratch = Scratch::create(admin, purpose).await?;
        // Cancelled, the work's connections are dropped mid-statement; dropping the database ends their sessions.
        // Biased: a cancel that came while the database was being made wins over work that would start anyway.
        let result = tokio::select! {
            biased;
            () = cancel.cancelled() => Err(Scratch::interrupted(doing)),
            result = work(&mut scratch) => result,
        };
        scratch.remove().await;
        // Work that saw the cancel itself (a migration run refusing to start) ends
        // with its own words, or records them in its report: the check says it was
        // interrupted, never that a migration failed.
        if cancel.is_cancelled() {
            return Err(Scratch::interrupted(doing));
        }
        result
    }

    /// Creates `knexrs_<purpose>_<pid>_<unix seconds>_<nanos>` on `admin`'s
    /// server, first dropping those a killed check left behind.
    pub(crate) async fn create(admin: &ConnectConfig, purpose: &'static str) -> Result<Self, MigrateError> {
        Scratch::reachable(admin, purpose)?;
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        let name = format!("knexrs_{purpose}_{}_{}_{}", std::process::id(), now.as_secs(), now.subsec_nanos());
        let conn = Conn::open(admin).await?;
        Scratch::sweep(&conn, now.as_secs()).await;
        conn.client().batch_execute(&format!("create database {}", knexrs_sql::quote_ident(&name))).await.map_err(
            MigrateError::bookkeeping(format!(
                "creating the throwaway database {name} ({purpose} needs the CREATEDB privilege)"
            )),
        )?;
        let config = admin.with_database(&name);
        let reader = match Conn::open(&config).await {
            Ok(reader) => reader,
            Err(error) => {
                Scratch::drop_database(admin, &name).await;
                return Err(error);
            }
        };
        Ok(Scratch { admin: admin.clone(), name, config, reader })
    }

    /// Drops the throwaway databases of checks that were killed (SIGKILL, a
    /// lost machine): made over an hour ago by their name, and with no
    /// session on them. Best effort: a database this role cannot drop stays.
    async fn sweep(conn: &Conn, now_secs: u64) {
        let stale = conn
            .client()
            .query(
                "select d.datname::text from pg_database d
                 where d.datname ~ '^knexrs_(verify|lint|drift)_[0-9]+_[0-9]+_[0-9]+$'
                   and not exists (select 1 from pg_stat_activity a where a.datname = d.datname)",
                &[],
            )
            .await;
        let Ok(rows) = stale else { return };
        for row in rows {
            let name: String = row.get(0);
            let made = name.rsplit('_').nth(1).and_then(|secs| secs.parse::<u64>().ok());
            if made.is_some_and(|made| now_secs.saturating_sub(made) > STALE_AFTER_SECS) {
                let _ = conn
                    .client()
                    .batch_execute(&format!("drop database if exists {}", knexrs_sql::quote_ident(&name)))
                    .await;
            }
        }
    }

    /// The schema of the throwaway database now, bookkeeping left out.
    pub(crate) async fn catalog(&self, ignore_prefix: &str) -> Result<Catalog, MigrateError> {
        Catalog::read(self.reader.client(), &[ignore_prefix])
            .await
            .map_err(MigrateError::bookkeeping("reading the throwaway database's catalog"))
    }

    pub(crate) async fn remove(self) {
        let Scratch { admin, name, reader, .. } = self;
        drop(reader);
        Scratch::drop_database(&admin, &name).await;
    }

    async fn drop_database(admin: &ConnectConfig, name: &str) {
        if let Ok(conn) = Conn::open(admin).await {
            let name = knexrs_sql::quote_ident(name);
            // `with (force)` (PostgreSQL 13+) ends sessions a failed step left behind.
            let _ = conn.client().batch_execute(&format!("drop database if exists {name} with (force)")).await;
        }
    }
}

impl Migrator {
    /// The migrations to check: those named (each must exist), or the pending ones.
    pub(crate) async fn pending_or_named(
        &self,
        connection: &ConnectConfig,
        names: &[String],
    ) -> Result<Vec<String>, MigrateError> {
        if names.is_empty() {
            let status = self.status_async(connection).await?;
            return Ok(status.migrations.iter().filter(|m| m.applied.is_none()).map(|m| m.name.clone()).collect());
        }
        for name in names {
            self.find(name).ok_or_else(|| MigrateError::UnknownMigration { name: name.clone() })?;
        }
        Ok(names.to_vec())
    }
}

#[cfg(test)]
mod tests {
    use crate::{DriftOptions, LintOptions, Migrator, VerifyOptions};
    use knexrs_connect::ConnectConfig;

    /// Checked by compiling: the checks can be spawned on a multi-threaded runtime.
    #[allow(dead_code, reason = "a compile-time check, never called")]
    fn checks_are_send(migrator: &Migrator, config: &ConnectConfig) {
        fn send<T: Send>(_: T) {}
        send(migrator.verify_with_async(config, &[], &VerifyOptions::default()));
        send(migrator.lint_async(config, &[], &LintOptions::default()));
        send(migrator.drift_async(config, &DriftOptions::default()));
    }
}
