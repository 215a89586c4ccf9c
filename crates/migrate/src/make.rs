//! `migrate make <name>` and `seed make <name>`: new files with a stub (a migration named after the UTC time).

use crate::MigrateError;
use chrono::{DateTime, Duration, Utc};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes `dir/YYYYMMDDHHMMSS_<name>.rs` with an `up`/`down` stub and returns
/// its path. `name` may hold letters, digits, `_` and `-` (as knex's); the timestamp moves
/// forward a second at a time until it is unused. Needs no database.
///
/// ```
/// let dir = std::env::temp_dir().join(format!("knexrs-make-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// let now = chrono::Utc::now();
/// let path = knexrs_migrate::make(&dir, "add_pod_index", now).unwrap();
/// assert!(path.file_name().unwrap().to_str().unwrap().ends_with("_add_pod_index.rs"));
/// assert!(knexrs_migrate::make(&dir, "../escape", now).is_err());
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn make(dir: &Path, name: &str, now: DateTime<Utc>) -> Result<PathBuf, MigrateError> {
    check_name(name, "migration")?;
    if !dir.is_dir() {
        return Err(MigrateError::Io {
            context: format!(
                "the migrations folder {} does not exist: create it or run from the workspace root",
                dir.display()
            ),
            source: std::io::ErrorKind::NotFound.into(),
        });
    }
    let used: Vec<String> = std::fs::read_dir(dir)
        .map_err(|source| MigrateError::Io { context: format!("cannot read {}", dir.display()), source })?
        .flatten()
        .filter_map(|entry| entry.file_name().to_str().and_then(|n| n.get(..14)).map(str::to_owned))
        .collect();
    let mut time = now;
    let stamp = loop {
        let stamp = time.format("%Y%m%d%H%M%S").to_string();
        if !used.contains(&stamp) {
            break stamp;
        }
        time += Duration::seconds(1);
    };
    let path = dir.join(format!("{stamp}_{name}.rs"));
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(|source| MigrateError::Io { context: format!("cannot create {}", path.display()), source })?;
    file.write_all(stub(name).as_bytes())
        .map_err(|source| MigrateError::Io { context: format!("cannot write {}", path.display()), source })?;
    Ok(path)
}

/// Writes `dir/<name>.rs` (creating `dir`), a seed stub, and returns its
/// path; never overwrites. `name` may hold letters, digits, `_` and `-`.
/// Needs no database.
///
/// ```
/// let dir = std::env::temp_dir().join(format!("knexrs-make-seed-doc-{}", std::process::id()));
/// let path = knexrs_migrate::make_seed(&dir, "01_users").unwrap();
/// assert!(path.ends_with("01_users.rs"));
/// assert!(knexrs_migrate::make_seed(&dir, "01_users").is_err(), "never overwrites");
/// assert!(knexrs_migrate::make_seed(&dir, "../escape").is_err());
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn make_seed(dir: &Path, name: &str) -> Result<PathBuf, MigrateError> {
    check_name(name, "seed")?;
    std::fs::create_dir_all(dir)
        .map_err(|source| MigrateError::Io { context: format!("cannot create {}", dir.display()), source })?;
    let path = dir.join(format!("{name}.rs"));
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).open(&path).map_err(|source| {
        MigrateError::Io { context: format!("cannot create {} (a seed of that name exists?)", path.display()), source }
    })?;
    let stub = format!(
        "//! Seed {name}: development and test data. `seed run` runs the seeds in\n\
         //! name order, each in its own transaction, and skips one already run\n\
         //! with the same source (an edited seed runs again).\n\n\
         use knexrs_migrate::prelude::*;\n\n\
         pub fn seed(schema: &mut SchemaBuilder) {{\n    \
         // knex: await knex('users').del(); await knex('users').insert([{{ name: 'alice' }}]);\n    \
         // schema.query(&Delete::from(\"users\"));\n    \
         // let mut alice = Insert::into(\"users\");\n    \
         // alice.set(\"name\", \"alice\");\n    \
         // schema.query(&alice);\n    \
         let _ = schema;\n\
         }}\n"
    );
    file.write_all(stub.as_bytes())
        .map_err(|source| MigrateError::Io { context: format!("cannot write {}", path.display()), source })?;
    Ok(path)
}

/// Checks the name given to `make`; `what` (`migration` or `seed`) names it in the error.
pub(crate) fn check_name(name: &str, what: &'static str) -> Result<(), MigrateError> {
    let bad = |problem: &'static str| Err(MigrateError::InvalidName { what, name: name.to_owned(), problem });
    if name.is_empty() {
        return bad("is empty");
    }
    if name.contains(['/', '\\']) || name.contains("..") {
        return bad("is a path");
    }
    // knex's own `migrate:make add-pod-index` writes dashes: take them too.
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        return bad("has characters other than letters, digits, `_` and `-`");
    }
    if name.len() > 200 {
        return bad("is longer than 200 characters");
    }
    Ok(())
}

fn stub(name: &str) -> String {
    let table = name.strip_prefix("create_").and_then(|n| n.strip_suffix("_table"));
    let (up, down) = match table {
        Some(table) => (
            format!(
                "    schema.create_table(\"{table}\", |t| {{\n        t.increments(\"id\");\n        t.timestamps_with(true, true);\n    }});\n"
            ),
            format!("    schema.drop_table_if_exists(\"{table}\");\n"),
        ),
        None => (
            "    // For example:\n    // schema.alter_table(\"sessions\", |t| {\n    //     t.index(\"pod_name\");\n    // });\n    let _ = schema;\n"
                .to_owned(),
            "    // Undo what `up` does, for example:\n    // schema.alter_table(\"sessions\", |t| {\n    //     t.drop_index(\"pod_name\");\n    // });\n    let _ = schema;\n"
                .to_owned(),
        ),
    };
    format!(
        "//! Migration `{name}`.\n\nuse knexrs_migrate::prelude::*;\n\npub fn up(schema: &mut SchemaBuilder) {{\n{up}}}\n\npub fn down(schema: &mut SchemaBuilder) {{\n{down}}}\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knex_style_dashed_names_are_accepted_and_paths_are_not() {
        assert!(check_name("add-pod-index", "migration").is_ok(), "knex's own `migrate:make add-pod-index`");
        assert!(check_name("add_pod_index", "migration").is_ok());
        for bad in ["", "../x", "a/b", "a b", "drop;table"] {
            assert!(matches!(check_name(bad, "migration"), Err(MigrateError::InvalidName { .. })), "{bad}");
        }
    }

    #[test]
    fn a_bad_name_is_reported_as_what_it_names_with_an_example_of_its_kind() {
        let migration = check_name("", "migration").unwrap_err().to_string();
        assert_eq!(migration, "migration name `` is empty: use letters, digits, `_` and `-`, such as `add_pod_index`");
        let seed = check_name("a b", "seed").unwrap_err().to_string();
        assert!(seed.starts_with("seed name `a b` has characters other than"), "{seed}");
        assert!(seed.ends_with("such as `01_users`"), "{seed}");
    }
}
