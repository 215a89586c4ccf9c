//! One migrated template per distinct migration set, shared by every process:
//! named after a hash of what the migrations do, so a changed migration gets
//! a new template and never a stale one.

use crate::TestError;
use crate::registry::{Registry, drop_sql};
use knexrs_connect::ConnectConfig;
use knexrs_migrate::{Migrator, RunOptions, Silent};
use knexrs_schema::PostgresQueryBuilder;
use sha2::{Digest, Sha256};
use std::time::Duration;

/// A hash of everything that decides the migrated schema: the bookkeeping
/// tables, and per migration its name, configuration and the SQL of `up`.
pub(crate) fn template_key(migrator: &Migrator) -> Result<String, TestError> {
    let mut hasher = Sha256::new();
    let tables = migrator.tables();
    hasher.update(format!("{:?}|{}\n", tables.schema(), tables.migrations()));
    for migration in migrator.migrations() {
        hasher.update(format!("{}|{}|{:?}\n", migration.name(), migration.file_name(), migration.config()));
        let statements = migration
            .up_schema()
            .build(PostgresQueryBuilder)
            .map_err(|e| TestError::Setup(format!("migration {} does not render: {e}", migration.name())))?;
        for sql in statements {
            hasher.update(sql);
            hasher.update("\n");
        }
    }
    Ok(hasher.finalize().iter().take(8).map(|b| format!("{b:02x}")).collect())
}

/// The template's name for `prefix` and `key`.
pub(crate) fn template_name(prefix: &str, key: &str) -> String {
    format!("{prefix}tpl_{key}")
}

fn exists(client: &mut postgres::Client, name: &str) -> Result<bool, TestError> {
    Ok(client
        .query_opt("select 1 from pg_database where datname = $1", &[&name])
        .map_err(TestError::database("looking for the template"))?
        .is_some())
}

/// Makes the template `name` unless it exists: migrated under a name of this
/// process, then renamed, so no process ever clones a half-migrated template.
pub(crate) fn ensure_template(
    admin: &ConnectConfig,
    registry: &Registry,
    prefix: &str,
    name: &str,
    migrator: &Migrator,
) -> Result<(), TestError> {
    let mut client = admin.connect()?;
    if exists(&mut client, name)? {
        return Ok(());
    }
    // One builder at a time across processes; the others wait, then find it.
    let lock_key = i64::from_str_radix(&name[name.len() - 15..], 16).unwrap_or(0x6b6e_6578);
    client
        .execute("select pg_advisory_lock($1)", &[&lock_key])
        .map_err(TestError::database("waiting for the template lock"))?;
    let result = build(admin, &mut client, registry, prefix, name, migrator);
    let _ = client.execute("select pg_advisory_unlock($1)", &[&lock_key]);
    result
}

fn build(
    admin: &ConnectConfig,
    client: &mut postgres::Client,
    registry: &Registry,
    prefix: &str,
    name: &str,
    migrator: &Migrator,
) -> Result<(), TestError> {
    if exists(client, name)? {
        return Ok(());
    }
    let building = registry.database_name(prefix);
    client
        .batch_execute(&format!("create database {}", knexrs_sql::quote_ident(&building)))
        .map_err(TestError::database(format!("creating template {name}")))?;
    let migrated = migrator.latest(&admin.with_database(&building), &RunOptions::default(), &mut Silent);
    if let Err(e) = migrated {
        let _ = client.batch_execute(&drop_sql(&building));
        return Err(e.into());
    }
    // The migrator's connections may take a moment to leave the server.
    let rename =
        format!("alter database {} rename to {}", knexrs_sql::quote_ident(&building), knexrs_sql::quote_ident(name));
    let mut attempt = 0;
    loop {
        match client.batch_execute(&rename) {
            Ok(()) => break,
            Err(e) if attempt < 100 && e.code() == Some(&postgres::error::SqlState::OBJECT_IN_USE) => {
                attempt += 1;
                std::thread::sleep(Duration::from_millis(10));
            }
            Err(e) => {
                let _ = client.batch_execute(&drop_sql(&building));
                return Err(TestError::database(format!("naming template {name}"))(e));
            }
        }
    }
    // Nobody connects to a template by accident (a connection would block every clone).
    client
        .batch_execute(&format!(
            "alter database {} with is_template true allow_connections false",
            knexrs_sql::quote_ident(name)
        ))
        .map_err(TestError::database(format!("marking {name} a template")))?;
    Ok(())
}
