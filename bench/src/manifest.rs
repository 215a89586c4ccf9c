//! The W1 migrations from the harness's `manifest.json`, built with the schema
//! DSL (not replayed from its SQL): each creates `t_<i>` as knex's builder does.

use crate::BenchError;
use knexrs_migrate::{Migration, Migrator};
use knexrs_schema::SchemaBuilder;
use std::path::Path;

/// One generated migration.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct ManifestMigration {
    /// Its file name, as knex records it (`00001_create_t_1.js`).
    pub name: String,
    /// The table it creates.
    pub table: String,
    /// The SQL knex renders for `up` (not read: the migrations are built with the DSL).
    pub up: serde::de::IgnoredAny,
    /// The SQL knex renders for `down` (not read).
    pub down: serde::de::IgnoredAny,
}

/// `manifest.json`.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Manifest {
    /// The migrations, in order.
    pub migrations: Vec<ManifestMigration>,
}

impl Manifest {
    /// Reads `dir/manifest.json`.
    pub fn read(dir: &Path) -> Result<Self, BenchError> {
        let path = dir.join("manifest.json");
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?)
    }

    /// The migrator over every migration, recording knex's file names.
    pub fn migrator(&self) -> Result<Migrator, BenchError> {
        let migrations = self.migrations.iter().map(|m| {
            let stem = m.name.rsplit_once('.').map_or(m.name.as_str(), |(stem, _)| stem).to_owned();
            let (up_table, down_table) = (m.table.clone(), m.table.clone());
            Migration::new(stem, move |s| up(s, &up_table), move |s| down(s, &down_table)).with_file_name(&m.name)
        });
        Ok(Migrator::new(migrations)?)
    }
}

/// `knex.schema.createTable(table, t => { t.increments('id');
/// t.string('name').notNullable(); t.timestamps_with(true, true); t.index('name'); })`
pub fn up(schema: &mut SchemaBuilder, table: &str) {
    schema.create_table(table, |t| {
        t.increments("id");
        t.string("name").not_nullable();
        t.timestamps_with(true, true);
        t.index("name");
    });
}

/// `knex.schema.dropTable(table)`
pub fn down(schema: &mut SchemaBuilder, table: &str) {
    schema.drop_table(table);
}
