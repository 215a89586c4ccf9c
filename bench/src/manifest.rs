//! The W1 migrations from the harness's `manifest.json`, built with the schema
//! DSL (not replayed from its SQL): each creates `t_<i>` as knex's builder does.
//!
//! Only `name` and `table` are read. The harness writes the file with
//! `JSON.stringify(…, null, 1)`, one member per line, and nine tenths of it
//! is knex's rendered SQL; so it is read through a small buffer and searched
//! for those two members ([`Manifest::scan`]) rather than loaded whole and
//! parsed: at 1,000 migrations that took 0.5 ms, a tenth of the no-op
//! `latest` the file is read for. Any other layout is parsed as JSON.

use crate::BenchError;
use knexrs_migrate::{Migration, Migrator};
use knexrs_schema::SchemaBuilder;
use memchr::memmem;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;

/// One generated migration.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct ManifestMigration {
    /// Its file name, as knex records it (`00001_create_t_1.js`).
    pub name: String,
    /// What it is (W8's manifest): `create_t`, W1's migration (also when
    /// absent, as in W1's), or `cliscale`, one of the fixture's migrations,
    /// which this workspace ports in `migrations/`.
    #[serde(default)]
    pub kind: Option<String>,
    /// The table it creates.
    pub table: String,
}

/// `manifest.json`: the migrations (its other members are not read).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct Manifest {
    /// The migrations, in order.
    pub migrations: Vec<ManifestMigration>,
}

impl Manifest {
    /// Reads `dir/manifest.json`.
    pub fn read(dir: &Path) -> Result<Self, BenchError> {
        let path = dir.join("manifest.json");
        let in_file = |e: &dyn std::fmt::Display| format!("{}: {e}", path.display());
        let file = std::fs::File::open(&path).map_err(|e| in_file(&e))?;
        if let Some(manifest) = Self::scan(file).map_err(|e| in_file(&e))? {
            return Ok(manifest);
        }
        let text = std::fs::read_to_string(&path).map_err(|e| in_file(&e))?;
        Ok(Self::parse(&text).map_err(|e| in_file(&e))?)
    }

    /// Parses a manifest as JSON, whatever its layout.
    pub fn parse(text: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// The migrations of a manifest laid out as the harness writes it,
    /// read through a small buffer; `None` when it is laid out otherwise (or
    /// its `n` disagrees), for [`parse`](Self::parse).
    ///
    /// Only the members with a string value are visited, found by their
    /// `": "`: inside a string every quote is escaped, so those four bytes
    /// only ever follow a member's key (or end a string, which no key
    /// precedes on its line). The rest, knex's SQL, is only searched.
    pub fn scan(mut reader: impl Read) -> std::io::Result<Option<Self>> {
        let finder = memmem::Finder::new(b"\": \"");
        let mut buffer = vec![0; 1 << 16];
        let (mut filled, mut scan) = (0, Scan::default());
        loop {
            if filled == buffer.len() {
                buffer.resize(buffer.len() * 2, 0);
            }
            let read = match reader.read(&mut buffer[filled..]) {
                Ok(read) => read,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            filled += read;
            // Whole lines only, so that every member found is whole.
            let lines = match (read, memchr::memrchr(b'\n', &buffer[..filled])) {
                (0, _) => filled,
                (_, Some(newline)) => newline + 1,
                (_, None) => continue,
            };
            if !scan.lines(&buffer[..lines], &finder) {
                return Ok(None);
            }
            if read == 0 {
                return Ok(scan.finish());
            }
            buffer.copy_within(lines..filled, 0);
            filled -= lines;
        }
    }

    /// The migrator over every migration, recording knex's file names.
    /// `cliscale` entries are this workspace's port of the fixture's
    /// migrations (`migrations/`), found by name.
    pub fn migrator(self) -> Result<Migrator, BenchError> {
        let mut ported: Option<Vec<Migration>> = None;
        let mut migrations = Vec::with_capacity(self.migrations.len());
        for m in self.migrations {
            let stem = m.name.rsplit_once('.').map_or(m.name.as_str(), |(stem, _)| stem).to_owned();
            let migration = match m.kind.as_deref() {
                None | Some("create_t") => {
                    // One copy of the table name for both steps.
                    let table: Arc<str> = m.table.into();
                    let down_table = table.clone();
                    Migration::new(stem, move |s| up(s, &table), move |s| down(s, &down_table))
                }
                Some("cliscale") => {
                    let ported = ported.get_or_insert_with(cliscale_migrations::migrations);
                    let at = ported.iter().position(|p| p.name() == stem).ok_or_else(|| {
                        format!("the manifest's cliscale migration {} is not in this workspace's migrations/", m.name)
                    })?;
                    ported.swap_remove(at)
                }
                Some(other) => return Err(format!("{}: unknown kind `{other}` (create_t or cliscale)", m.name).into()),
            };
            migrations.push(migration.with_file_name(m.name));
        }
        Ok(Migrator::new(migrations)?)
    }
}

/// [`Manifest::scan`]'s state between reads.
#[derive(Default)]
struct Scan {
    /// The manifest's `n`.
    count: Option<usize>,
    /// The entry's `name`, until its `table`.
    name: Option<String>,
    /// The entry's `kind`, between its `name` and its `table`.
    kind: Option<String>,
    migrations: Vec<ManifestMigration>,
}

impl Scan {
    /// Takes in whole lines; `false` when the layout is not the harness's.
    fn lines(&mut self, lines: &[u8], finder: &memmem::Finder<'_>) -> bool {
        if self.count.is_none() && self.migrations.is_empty() {
            self.count = count(lines);
            self.migrations.reserve(self.count.unwrap_or(0));
        }
        for at in finder.find_iter(lines) {
            let start = memchr::memrchr(b'\n', &lines[..at]).map_or(0, |newline| newline + 1);
            let end = memchr::memchr(b'\n', &lines[at..]).map_or(lines.len(), |newline| at + newline);
            let key = lines[start..=at].trim_ascii_start();
            let value = lines[at + 3..end].trim_ascii_end();
            let value = value.strip_suffix(b",").unwrap_or(value);
            match key {
                b"\"name\"" => {
                    let Some(name) = string(value) else { return false };
                    if self.name.replace(name).is_some() {
                        return false;
                    }
                }
                b"\"kind\"" => {
                    let (true, Some(kind)) = (self.name.is_some(), string(value)) else { return false };
                    if self.kind.replace(kind).is_some() {
                        return false;
                    }
                }
                b"\"table\"" => {
                    let (Some(name), Some(table)) = (self.name.take(), string(value)) else { return false };
                    self.migrations.push(ManifestMigration { name, kind: self.kind.take(), table });
                }
                _ => {}
            }
        }
        true
    }

    /// The manifest, once every line is in.
    fn finish(self) -> Option<Manifest> {
        let complete = !self.migrations.is_empty()
            && self.name.is_none()
            && self.kind.is_none()
            && self.count.is_none_or(|n| n == self.migrations.len());
        complete.then_some(Manifest { migrations: self.migrations })
    }
}

/// The manifest's `n`, from its own line (` "n": 1000,`) among `lines`.
fn count(lines: &[u8]) -> Option<usize> {
    let at = memmem::find(lines, b"\"n\": ")?;
    let start = memchr::memrchr(b'\n', &lines[..at]).map_or(0, |newline| newline + 1);
    if !lines[start..at].iter().all(|&b| b == b' ') {
        return None;
    }
    let digits = &lines[at + 5..];
    let digits = &digits[..digits.iter().position(|b| !b.is_ascii_digit()).unwrap_or(digits.len())];
    std::str::from_utf8(digits).ok()?.parse().ok()
}

/// A JSON string literal's text (copied as it is when nothing in it is escaped).
fn string(literal: &[u8]) -> Option<String> {
    let plain = literal.strip_prefix(b"\"").and_then(|l| l.strip_suffix(b"\""));
    match plain {
        Some(text) if !text.iter().any(|&b| b == b'\\' || b == b'"' || b < 0x20) => {
            std::str::from_utf8(text).ok().map(str::to_owned)
        }
        _ => serde_json::from_slice(literal).ok(),
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "a test fails by panicking")]

    use super::{Manifest, ManifestMigration};

    const PRETTY: &str = r#"{
 "n": 2,
 "builder": "knex.schema.createTable(table, t => { … })",
 "bookkeeping": [
  "create table \"knex_migrations\" (\"id\" serial primary key)"
 ],
 "migrations": [
  {
   "name": "00001_create_t_1.js",
   "table": "t_1",
   "up": [
    "create table \"t_1\" (\"name\": \"x\")"
   ],
   "down": [
    "drop table \"t_1\": "
   ]
  },
  {
   "name": "00002_create_\"t\"\\2.js",
   "table": "t_\u0032",
   "up": [],
   "down": []
  }
 ]
}"#;

    fn expected() -> Manifest {
        let entry = |name: &str, table: &str| ManifestMigration { name: name.into(), kind: None, table: table.into() };
        Manifest { migrations: vec![entry("00001_create_t_1.js", "t_1"), entry("00002_create_\"t\"\\2.js", "t_2")] }
    }

    #[test]
    fn the_harness_layout_is_read_a_line_at_a_time_with_escapes_decoded() {
        assert_eq!(Manifest::scan(PRETTY.as_bytes()).unwrap(), Some(expected()));
        assert_eq!(Manifest::parse(PRETTY).unwrap(), expected(), "the JSON parse agrees");
    }

    /// A reader that hands out a few bytes at a time, as a pipe might.
    struct Trickle<'a>(&'a [u8]);

    impl std::io::Read for Trickle<'_> {
        fn read(&mut self, into: &mut [u8]) -> std::io::Result<usize> {
            let n = self.0.len().min(into.len()).min(7);
            into[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn members_split_across_reads_are_read_whole() {
        assert_eq!(Manifest::scan(Trickle(PRETTY.as_bytes())).unwrap(), Some(expected()));
        let long_line = PRETTY.replace("(\\\"name\\\": \\\"x\\\")", &"x".repeat(200_000));
        assert_ne!(long_line, PRETTY);
        assert_eq!(Manifest::scan(long_line.as_bytes()).unwrap(), Some(expected()), "a line longer than the buffer");
    }

    /// W8's manifest: entries with a `kind`, the fixture's with its source text.
    const FLEET: &str = r#"{
 "n": 2,
 "migrations": [
  {
   "name": "20250126000001_create_sessions_table.js",
   "kind": "cliscale",
   "table": "sessions",
   "fixture": "/x/20250126000001_create_sessions_table.js",
   "source": "exports.up = async (knex) => { await knex.raw('CREATE EXTENSION IF NOT EXISTS \"uuid-ossp\"'); };\n",
   "up": [
    "create table \"sessions\" (\"id\": \"x\")"
   ],
   "down": []
  },
  {
   "name": "20250126000003_create_t_1.js",
   "kind": "create_t",
   "table": "t_1",
   "up": [],
   "down": []
  }
 ]
}"#;

    #[test]
    fn the_fleet_layout_is_read_with_each_entry_s_kind() {
        let kinds = |m: Manifest| m.migrations.into_iter().map(|m| (m.name, m.kind, m.table)).collect::<Vec<_>>();
        let expected = vec![
            ("20250126000001_create_sessions_table.js".to_owned(), Some("cliscale".to_owned()), "sessions".to_owned()),
            ("20250126000003_create_t_1.js".to_owned(), Some("create_t".to_owned()), "t_1".to_owned()),
        ];
        assert_eq!(kinds(Manifest::scan(FLEET.as_bytes()).unwrap().unwrap()), expected);
        assert_eq!(kinds(Manifest::parse(FLEET).unwrap()), expected, "the JSON parse agrees");
        let migrator = Manifest::parse(FLEET).unwrap().migrator().unwrap();
        let names: Vec<&str> = migrator.migrations().iter().map(|m| m.name()).collect();
        assert_eq!(names, ["20250126000001_create_sessions_table", "20250126000003_create_t_1"]);
        let unknown = FLEET.replace("\"create_t\"", "\"drop_t\"");
        let err = Manifest::parse(&unknown).unwrap().migrator().unwrap_err();
        assert!(err.to_string().contains("unknown kind `drop_t`"), "{err}");
    }

    #[test]
    fn any_other_layout_is_left_to_the_json_parse() {
        let compact = serde_json::to_string(&serde_json::from_str::<serde_json::Value>(PRETTY).unwrap()).unwrap();
        assert_eq!(Manifest::scan(compact.as_bytes()).unwrap(), None, "one line");
        assert_eq!(Manifest::parse(&compact).unwrap(), expected());
        let wrong_count = PRETTY.replace("\"n\": 2", "\"n\": 3");
        assert_eq!(Manifest::scan(wrong_count.as_bytes()).unwrap(), None, "n disagrees");
        let table_first = PRETTY.replacen(
            "   \"name\": \"00001_create_t_1.js\",\n   \"table\": \"t_1\",",
            "   \"table\": \"t_1\",\n   \"name\": \"00001_create_t_1.js\",",
            1,
        );
        assert_eq!(Manifest::scan(table_first.as_bytes()).unwrap(), None, "members in another order");
        assert_eq!(Manifest::parse(&table_first).unwrap(), expected());
    }
}
