//! `migrate make <name>` and `seed make <name>`: new files with a stub (a migration named after the UTC time),
//! knexrs's own or a team's (knex `--stub`).

use crate::MigrateError;
use chrono::{DateTime, Duration, Utc};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The file in the migrations folder a new migration starts from when there is one.
pub const MIGRATION_STUB: &str = "migration.stub";

/// The file in the seeds folder a new seed starts from when there is one.
pub const SEED_STUB: &str = "seed.stub";

/// What a new migration or seed starts from (knex `migrate:make --stub`).
///
/// By default, the folder's own stub when it has one (`migration.stub` in
/// the migrations folder, `seed.stub` in the seeds folder: a team's template,
/// kept with the code and ignored as a migration, since it is not a `.rs`
/// file), knexrs's otherwise. `{{name}}` in a stub becomes the new file's name.
///
/// ```
/// use knexrs_migrate::{make_with, MakeOptions};
///
/// let dir = std::env::temp_dir().join(format!("knexrs-make-options-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// std::fs::write(dir.join("team.stub"), "//! {{name}}\npub fn up(s: &mut S) {}\npub fn down(s: &mut S) {}\n").unwrap();
/// let mut options = MakeOptions::new();
/// options.stub("team.stub"); // a file in the folder, or a path
/// let path = make_with(&dir, "add_pod_index", chrono::Utc::now(), &options).unwrap();
/// assert!(std::fs::read_to_string(path).unwrap().starts_with("//! add_pod_index\n"));
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MakeOptions {
    stub: Option<PathBuf>,
}

impl MakeOptions {
    /// The folder's stub, or knexrs's.
    ///
    /// ```
    /// assert_eq!(knexrs_migrate::MakeOptions::new(), knexrs_migrate::MakeOptions::default());
    /// ```
    pub fn new() -> Self {
        MakeOptions::default()
    }

    /// Starts the new file from `stub`: the name of a file in the folder
    /// written into, or a path (relative to the working directory), as
    /// knex's `--stub` takes either.
    ///
    /// ```
    /// let mut options = knexrs_migrate::MakeOptions::new();
    /// options.stub("stubs/create_table.stub");
    /// ```
    pub fn stub(&mut self, stub: impl Into<PathBuf>) -> &mut Self {
        self.stub = Some(stub.into());
        self
    }

    /// The stub's text with `{{name}}` filled in, `None` for knexrs's own.
    fn text(&self, dir: &Path, folder_stub: &str, name: &str) -> Result<Option<String>, MigrateError> {
        let path = match &self.stub {
            // A bare file name is looked for in the folder first, as knex does.
            Some(stub) if stub.components().count() == 1 && dir.join(stub).is_file() => dir.join(stub),
            Some(stub) => stub.clone(),
            None if dir.join(folder_stub).is_file() => dir.join(folder_stub),
            None => return Ok(None),
        };
        let text = std::fs::read_to_string(&path).map_err(|source| MigrateError::StubUnreadable {
            stub: path.clone(),
            dir: dir.to_path_buf(),
            source,
        })?;
        Ok(Some(text.replace("{{name}}", name)))
    }
}

/// Writes `dir/YYYYMMDDHHMMSS_<name>.rs` with an `up`/`down` stub (the
/// folder's `migration.stub` when it has one: see [`MakeOptions`]) and returns
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
    make_with(dir, name, now, &MakeOptions::new())
}

/// [`make`], starting from the stub `options` name (knex `migrate:make --stub`).
///
/// ```
/// use knexrs_migrate::{make_with, MakeOptions, MigrateError};
///
/// let dir = std::env::temp_dir().join(format!("knexrs-make-with-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// let mut options = MakeOptions::new();
/// options.stub("missing.stub");
/// let error = make_with(&dir, "add_pod_index", chrono::Utc::now(), &options).unwrap_err();
/// assert!(matches!(error, MigrateError::StubUnreadable { .. }));
/// assert!(std::fs::read_dir(&dir).unwrap().next().is_none(), "nothing written");
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn make_with(dir: &Path, name: &str, now: DateTime<Utc>, options: &MakeOptions) -> Result<PathBuf, MigrateError> {
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
    let text = match options.text(dir, MIGRATION_STUB, name)? {
        Some(text) => text,
        None => stub(name),
    };
    let path = dir.join(format!("{stamp}_{name}.rs"));
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(|source| MigrateError::Io { context: format!("cannot create {}", path.display()), source })?;
    file.write_all(text.as_bytes())
        .map_err(|source| MigrateError::Io { context: format!("cannot write {}", path.display()), source })?;
    Ok(path)
}

/// Writes `dir/<name>.rs` (creating `dir`), a seed stub (the folder's
/// `seed.stub` when it has one: see [`MakeOptions`]), and returns its path;
/// never overwrites. `name` may hold letters, digits, `_` and `-`.
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
    make_seed_with(dir, name, &MakeOptions::new())
}

/// [`make_seed`], starting from the stub `options` name (knex `seed:make --stub`).
///
/// ```
/// use knexrs_migrate::{make_seed_with, MakeOptions};
///
/// let dir = std::env::temp_dir().join(format!("knexrs-make-seed-with-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// std::fs::write(dir.join("seed.stub"), "// seed {{name}}\npub fn seed(s: &mut S) {}\n").unwrap();
/// let path = make_seed_with(&dir, "01_users", &MakeOptions::new()).unwrap();
/// assert!(std::fs::read_to_string(path).unwrap().starts_with("// seed 01_users\n"), "the folder's seed.stub");
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn make_seed_with(dir: &Path, name: &str, options: &MakeOptions) -> Result<PathBuf, MigrateError> {
    check_name(name, "seed")?;
    // Read before anything is created: a stub that cannot be read changes nothing.
    let text = options.text(dir, SEED_STUB, name)?;
    std::fs::create_dir_all(dir)
        .map_err(|source| MigrateError::Io { context: format!("cannot create {}", dir.display()), source })?;
    let path = dir.join(format!("{name}.rs"));
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).open(&path).map_err(|source| {
        MigrateError::Io { context: format!("cannot create {} (a seed of that name exists?)", path.display()), source }
    })?;
    let stub = text.unwrap_or_else(|| seed_stub(name));
    file.write_all(stub.as_bytes())
        .map_err(|source| MigrateError::Io { context: format!("cannot write {}", path.display()), source })?;
    Ok(path)
}

fn seed_stub(name: &str) -> String {
    format!(
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
    )
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

    fn scratch(label: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("knexrs-make-{label}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn files(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> =
            std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        names.sort();
        names
    }

    #[test]
    fn the_folders_migration_stub_is_what_a_new_migration_starts_from_with_its_name_filled_in() {
        let dir = scratch("folder-stub");
        std::fs::write(dir.join(MIGRATION_STUB), "//! {{name}}: ours\npub fn up() {}\npub fn down() {}\n").unwrap();
        let path = make(&dir, "add_pod_index", Utc::now()).unwrap();
        assert_eq!(
            std::fs::read_to_string(path).unwrap(),
            "//! add_pod_index: ours\npub fn up() {}\npub fn down() {}\n"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_stub_is_found_by_name_in_the_folder_first_and_by_path_otherwise() {
        let dir = scratch("named-stub");
        let elsewhere = scratch("named-stub-elsewhere");
        std::fs::write(dir.join(MIGRATION_STUB), "folder's default").unwrap();
        std::fs::write(dir.join("create.stub"), "in the folder: {{name}}").unwrap();
        std::fs::write(elsewhere.join("alter.stub"), "by path: {{name}} {{other}}").unwrap();
        let mut options = MakeOptions::new();
        options.stub("create.stub");
        let by_name = make_with(&dir, "create_users", Utc::now(), &options).unwrap();
        assert_eq!(std::fs::read_to_string(by_name).unwrap(), "in the folder: create_users");
        options.stub(elsewhere.join("alter.stub"));
        let by_path = make_with(&dir, "alter_users", Utc::now(), &options).unwrap();
        assert_eq!(
            std::fs::read_to_string(by_path).unwrap(),
            "by path: alter_users {{other}}",
            "only {{name}} is filled in"
        );
        std::fs::remove_dir_all(&dir).unwrap();
        std::fs::remove_dir_all(&elsewhere).unwrap();
    }

    #[test]
    fn a_stub_that_cannot_be_read_is_one_error_naming_it_and_nothing_is_written() {
        let dir = scratch("missing-stub");
        let mut options = MakeOptions::new();
        options.stub("team.stub");
        let error = make_with(&dir, "add_pod_index", Utc::now(), &options).unwrap_err();
        let message = error.to_string();
        assert!(
            matches!(&error, MigrateError::StubUnreadable { stub, .. } if stub == Path::new("team.stub")),
            "{error:?}"
        );
        assert!(message.starts_with("cannot read the stub team.stub: "), "{message}");
        assert!(
            message.ends_with(&format!("give a file's path, or the name of a file in {}", dir.display())),
            "{message}"
        );
        assert!(!message.contains('\n'), "{message}");
        assert!(files(&dir).is_empty(), "nothing written: {:?}", files(&dir));
        let seeds = dir.join("seeds");
        assert!(matches!(make_seed_with(&seeds, "01_users", &options), Err(MigrateError::StubUnreadable { .. })));
        assert!(!seeds.exists(), "not even the seeds folder is created");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn without_a_stub_of_its_own_a_folder_gets_knexrs_stubs() {
        let dir = scratch("no-stub");
        let path = make(&dir, "create_users_table", Utc::now()).unwrap();
        let text = std::fs::read_to_string(path).unwrap();
        assert!(text.contains("schema.create_table(\"users\""), "{text}");
        let seed = make_seed(&dir.join("seeds"), "01_users").unwrap();
        assert!(std::fs::read_to_string(seed).unwrap().contains("pub fn seed(schema: &mut SchemaBuilder)"));
        std::fs::remove_dir_all(&dir).unwrap();
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
