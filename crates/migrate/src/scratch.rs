//! A throwaway database on the server a command was pointed at: `verify`
//! and `lint` apply migrations there, never on the database itself.

use crate::session::Conn;
use crate::{Catalog, MigrateError, Migrator};
use knexrs_connect::ConnectConfig;

/// A database made for one check (`verify`, `lint`), dropped when it is done.
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
    pub(crate) fn interrupted(doing: &str) -> MigrateError {
        MigrateError::Interrupted {
            when: format!("while {doing}"),
            kept: "nothing changed: the throwaway database is dropped".into(),
        }
    }

    /// Creates `knexrs_<purpose>_<pid>_<nanos>` on `admin`'s server.
    pub(crate) async fn create(admin: &ConnectConfig, purpose: &'static str) -> Result<Self, MigrateError> {
        Scratch::reachable(admin, purpose)?;
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
        let name = format!("knexrs_{purpose}_{}_{nanos}", std::process::id());
        let conn = Conn::open(admin).await?;
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
