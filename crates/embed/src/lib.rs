//! Compiling a folder of knexrs migrations into a crate, from its build script:
//! every `<name>.rs` (`YYYYMMDDHHMMSS_<name>.rs` as `migrate make` writes them,
//! or any name knex accepts, dashes included) becomes a module and an entry of
//! `migrations()`, so `migrate make` then `migrate latest` needs no
//! registration by hand.
//!
//! A crate of its own, with one small dependency (`knexrs-sql`, for the
//! checksum each migration gets at build time), because build-dependencies
//! are compiled a second time for the build script.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Files in the migrations folder that belong to the crate, not to the migrations.
const CRATE_FILES: [&str; 4] = ["lib.rs", "build.rs", "main.rs", "mod.rs"];

/// Writes `$OUT_DIR/migrations.rs` for the migrations in `dir`; include it with
/// `include!(concat!(env!("OUT_DIR"), "/migrations.rs"));` to get
/// `pub fn migrations() -> Vec<Migration>` and `pub fn migrator() ->
/// Result<Migrator, MigrateError>`. Problems (a misnamed file, a file without
/// `up`/`down`) do not fail the build: the migrator reports them at run time,
/// with the file's name.
///
/// A relative `dir` is the crate's folder's (cargo runs build scripts there).
/// Prefer it to `env!("CARGO_MANIFEST_DIR")`: cargo does not rebuild a build
/// script when the project is copied or moved with its target folder, and a
/// path compiled into it would keep naming the old folder.
///
/// ```no_run
/// // in build.rs's `main`:
/// knexrs_embed::embed_migrations(".").expect("writing the migration registry");
/// ```
pub fn embed_migrations(dir: impl AsRef<Path>) -> std::io::Result<()> {
    embed_migration_folders(&[dir.as_ref()], FolderOrder::ByFileName)
}

/// How the migrations of several folders are ordered (knex `sortDirsSeparately`).
///
/// ```
/// use knexrs_embed::FolderOrder;
///
/// assert_ne!(FolderOrder::ByFileName, FolderOrder::EachFolderInTurn);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FolderOrder {
    /// All files sorted together by file name (knex's default).
    ByFileName,
    /// Each folder sorted on its own, the folders in the order listed
    /// (knex `sortDirsSeparately: true`).
    EachFolderInTurn,
}

/// [`embed_migrations`] over several folders (knex `directory: [...]`): file
/// names must be unique across them, as knex records only the file name.
///
/// ```no_run
/// use knexrs_embed::{embed_migration_folders, FolderOrder};
///
/// // in build.rs's `main`:
/// embed_migration_folders(&["core", "tenants"], FolderOrder::EachFolderInTurn)
///     .expect("writing the migration registry");
/// ```
pub fn embed_migration_folders(dirs: &[impl AsRef<Path>], order: FolderOrder) -> std::io::Result<()> {
    let dirs = dirs.iter().map(|d| std::path::absolute(d.as_ref())).collect::<std::io::Result<Vec<_>>>()?;
    let out_dir = std::env::var_os("OUT_DIR")
        .map(PathBuf::from)
        .ok_or_else(|| std::io::Error::other("OUT_DIR is not set: call embed_migrations from a build script"))?;
    for dir in &dirs {
        println!("cargo:rerun-if-changed={}", dir.display());
    }
    std::fs::write(out_dir.join("migrations.rs"), folders_registry(&dirs, order)?)
}

/// The registry's source for the migrations in `dir`.
///
/// ```
/// let dir = std::env::temp_dir().join(format!("knexrs-embed-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// std::fs::write(dir.join("20250101000000_a.rs"), "pub fn up(s: &mut S) {}\npub fn down(s: &mut S) {}").unwrap();
/// std::fs::write(dir.join("notes.rs"), "").unwrap();
/// let source = knexrs_embed::registry(&dir).unwrap();
/// assert!(source.contains("mod m0_20250101000000_a;"));
/// assert!(source.contains("Migration::invalid(\"notes.rs\""));
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn registry(dir: &Path) -> std::io::Result<String> {
    folders_registry(&[dir.to_path_buf()], FolderOrder::ByFileName)
}

/// The registry's source for the migrations in `dirs`, ordered by `order`.
///
/// ```
/// use knexrs_embed::{folders_registry, FolderOrder};
///
/// let root = std::env::temp_dir().join(format!("knexrs-embed-folders-doc-{}", std::process::id()));
/// let (core, tenants) = (root.join("core"), root.join("tenants"));
/// for (dir, file) in [(&core, "20250102000000_core.rs"), (&tenants, "20250101000000_tenants.rs")] {
///     std::fs::create_dir_all(dir).unwrap();
///     std::fs::write(dir.join(file), "pub fn up(s: &mut S) {}\npub fn down(s: &mut S) {}").unwrap();
/// }
/// let source = folders_registry(&[core, tenants], FolderOrder::EachFolderInTurn).unwrap();
/// assert!(source.find("20250102000000_core").unwrap() < source.find("20250101000000_tenants").unwrap());
/// assert!(source.contains("Migrator::new_in_order"));
/// # std::fs::remove_dir_all(&root).unwrap();
/// ```
pub fn folders_registry(dirs: &[PathBuf], order: FolderOrder) -> std::io::Result<String> {
    let mut files: Vec<(String, PathBuf)> = Vec::new();
    for dir in dirs {
        files.extend(rust_files(dir)?);
    }
    if order == FolderOrder::ByFileName {
        files.sort();
    }
    let mut modules = String::new();
    let mut entries = String::new();
    for (index, (file, path)) in files.iter().enumerate() {
        println!("cargo:rerun-if-changed={}", path.display());
        let stem = &file[..file.len() - 3];
        if let Some(problem) = name_problem(stem) {
            writeln!(entries, "    migrations.push(::knexrs_migrate::Migration::invalid({file:?}, {problem:?}));").ok();
            continue;
        }
        let source = std::fs::read_to_string(path)?;
        if let Some(problem) = source_problem(&source) {
            writeln!(entries, "    migrations.push(::knexrs_migrate::Migration::invalid({file:?}, {problem:?}));").ok();
            continue;
        }
        // Unique whatever the name holds (dashes, dots): the index, then the name's identifier characters.
        let module = format!("m{index}_{}", stem.replace(|c: char| !c.is_ascii_alphanumeric() && c != '_', "_"));
        let path = path.display().to_string();
        writeln!(modules, "#[path = {path:?}]\nmod {module};").ok();
        let config = if has_config(&source) {
            format!("{module}::CONFIG")
        } else {
            "::knexrs_migrate::MigrationConfig::new()".to_owned()
        };
        // Checksummed here, from the same bytes: the binary hashes nothing when it starts.
        let checksum = knexrs_sql::checksum(&source);
        writeln!(
            entries,
            "    migrations.push(::knexrs_migrate::Migration::embedded({stem:?}, {file:?}, {module}::up, {module}::down, {checksum:?}, {config}));"
        )
        .ok();
    }
    let constructor = match order {
        FolderOrder::ByFileName => "new",
        FolderOrder::EachFolderInTurn => "new_in_order",
    };
    let from: Vec<String> = dirs.iter().map(|d| d.display().to_string()).collect();
    // Pushed one at a time: a `vec![…]` of them all is built on the stack
    // first and then copied, which for a thousand migrations is most of the
    // registry's start-up cost.
    let body = if entries.is_empty() {
        "    ::std::vec::Vec::new()\n".to_owned()
    } else {
        format!("    let mut migrations = ::std::vec::Vec::with_capacity({});\n{entries}    migrations\n", files.len())
    };
    Ok(format!(
        "// @generated by knexrs_embed from {}: edit the migration files, not this.\n\n{modules}\n\
         /// The migrations of the folder(s), in the order they apply.\n\
         #[allow(clippy::vec_init_then_push, reason = \"`vec![…]` would build them all on the stack first\")]\n\
         pub fn migrations() -> ::std::vec::Vec<::knexrs_migrate::Migration> {{\n{body}}}\n\n\
         /// The migrator over [`migrations`], checked (no duplicate names, no misnamed files).\n\
         pub fn migrator() -> ::core::result::Result<::knexrs_migrate::Migrator, ::knexrs_migrate::MigrateError> {{\n    \
         ::knexrs_migrate::Migrator::{constructor}(migrations())\n}}\n",
        from.join(", "),
    ))
}

/// Writes `$OUT_DIR/seeds.rs` for the seeds in `dir` (knex's `seeds/`
/// folder; missing is no seeds): include it with
/// `include!(concat!(env!("OUT_DIR"), "/seeds.rs"));` to get `pub fn
/// seeds() -> Vec<Seed>` and `pub fn seeder() -> Result<Seeder, MigrateError>`.
/// Every `<name>.rs` in it defines `pub fn seed(schema: &mut SchemaBuilder)`.
///
/// ```no_run
/// // in build.rs's `main`:
/// knexrs_embed::embed_seeds("../seeds").expect("writing the seed registry");
/// ```
pub fn embed_seeds(dir: impl AsRef<Path>) -> std::io::Result<()> {
    let dir = std::path::absolute(dir.as_ref())?;
    let out_dir = std::env::var_os("OUT_DIR")
        .map(PathBuf::from)
        .ok_or_else(|| std::io::Error::other("OUT_DIR is not set: call embed_seeds from a build script"))?;
    println!("cargo:rerun-if-changed={}", dir.display());
    if let Some(warning) = missing_seeds_warning(&dir) {
        println!("cargo:warning={warning}");
    }
    std::fs::write(out_dir.join("seeds.rs"), seeds_registry(&dir)?)
}

/// What the build says when the seeds folder is missing. Cargo then reruns
/// the build script, and rebuilds the migrations crate, at every build, so
/// that the first seed made is seen: there is no watching a folder into
/// existence (watching its parent instead, the workspace's root, would scan
/// `target/` too, which changes at every build).
///
/// ```
/// let dir = std::env::temp_dir().join("knexrs-embed-no-such-seeds");
/// assert!(knexrs_embed::missing_seeds_warning(&dir).unwrap().contains("mkdir"));
/// assert_eq!(knexrs_embed::missing_seeds_warning(&std::env::temp_dir()), None);
/// ```
pub fn missing_seeds_warning(dir: &Path) -> Option<String> {
    (!dir.exists()).then(|| {
        // `migrations/../seeds` shown as the folder it is.
        let shown = match (dir.parent().and_then(|p| p.canonicalize().ok()), dir.file_name()) {
            (Some(parent), Some(name)) => parent.join(name),
            _ => dir.to_path_buf(),
        };
        format!(
            "{} does not exist, so this build script reruns at every build: create it (`mkdir`, or `knexrs seed make <name>`), even empty",
            shown.display()
        )
    })
}

/// The seed registry's source for the seeds in `dir`.
///
/// ```
/// let dir = std::env::temp_dir().join(format!("knexrs-embed-seeds-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// std::fs::write(dir.join("01_users.rs"), "pub fn seed(s: &mut S) {}").unwrap();
/// std::fs::write(dir.join("notes.rs"), "").unwrap();
/// let source = knexrs_embed::seeds_registry(&dir).unwrap();
/// assert!(source.contains("Seed::from_source(\"01_users\""));
/// assert!(source.contains("Seed::invalid(\"notes.rs\""));
/// assert!(knexrs_embed::seeds_registry(&dir.join("none")).unwrap().contains("pub fn seeds()"));
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn seeds_registry(dir: &Path) -> std::io::Result<String> {
    let files = match rust_files(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        other => other?,
    };
    let mut modules = String::new();
    let mut entries = String::new();
    for (index, (file, path)) in files.iter().enumerate() {
        println!("cargo:rerun-if-changed={}", path.display());
        let stem = &file[..file.len() - 3];
        let source = std::fs::read_to_string(path)?;
        let problem = name_problem(stem).or_else(|| {
            (!source.contains("pub fn seed(")).then(|| {
                "has no `pub fn seed`: every seed defines `pub fn seed(schema: &mut SchemaBuilder)`".to_owned()
            })
        });
        if let Some(problem) = problem {
            writeln!(entries, "        ::knexrs_migrate::Seed::invalid({file:?}, {problem:?}),").ok();
            continue;
        }
        let module = format!("s{index}_{}", stem.replace(|c: char| !c.is_ascii_alphanumeric() && c != '_', "_"));
        let path = path.display().to_string();
        writeln!(modules, "#[path = {path:?}]\nmod {module};").ok();
        writeln!(
            entries,
            "        ::knexrs_migrate::Seed::from_source({stem:?}, {module}::seed, ::core::include_str!({path:?})),"
        )
        .ok();
    }
    Ok(format!(
        "// @generated by knexrs_embed from {}: edit the seed files, not this.\n\n{modules}\n\
         /// The seeds of the folder, in the order they run.\n\
         pub fn seeds() -> ::std::vec::Vec<::knexrs_migrate::Seed> {{\n    ::std::vec![\n{entries}    ]\n}}\n\n\
         /// The seeder over [`seeds`], checked.\n\
         pub fn seeder() -> ::core::result::Result<::knexrs_migrate::Seeder, ::knexrs_migrate::MigrateError> {{\n    \
         ::knexrs_migrate::Seeder::new(seeds())\n}}\n",
        dir.display()
    ))
}

/// The `.rs` files of `dir` that are not the crate's own, sorted by name.
fn rust_files(dir: &Path) -> std::io::Result<Vec<(String, PathBuf)>> {
    let mut files: Vec<(String, PathBuf)> = std::fs::read_dir(dir)?
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| Some((e.file_name().to_str()?.to_owned(), e.path())))
        .filter(|(name, _)| name.ends_with(".rs") && !CRATE_FILES.contains(&name.as_str()))
        .collect();
    files.sort();
    Ok(files)
}

/// Any name knex accepts as a migration file: not empty, printable, no quote
/// or backslash (they would have to be escaped in `knex_migrations` and here).
fn name_problem(stem: &str) -> Option<String> {
    let valid =
        !stem.is_empty() && !stem.starts_with('.') && stem.chars().all(|c| !c.is_control() && c != '"' && c != '\\');
    (!valid).then(|| {
        "is not a usable migration file name (empty, hidden, or holding quotes, backslashes or control characters): rename it, or create migrations with `migrate make <name>`".to_owned()
    })
}

fn source_problem(source: &str) -> Option<String> {
    let missing: Vec<&str> = ["up", "down"].into_iter().filter(|f| !source.contains(&format!("pub fn {f}("))).collect();
    (!missing.is_empty()).then(|| {
        format!(
            "has no {}: every migration defines `pub fn up(schema: &mut SchemaBuilder)` and `pub fn down(schema: &mut SchemaBuilder)`",
            missing.iter().map(|f| format!("`pub fn {f}`")).collect::<Vec<_>>().join(" and ")
        )
    })
}

fn has_config(source: &str) -> bool {
    source.lines().any(|line| line.trim_start().starts_with("pub const CONFIG"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_name_knex_accepts_is_a_migration() {
        for name in ["20250126000001_create_sessions_table", "001_create_users", "20250126000001_add-pod-index", "x.y"]
        {
            assert!(name_problem(name).is_none(), "{name}");
        }
        for name in ["", ".hidden", "a\"b", "a\\b"] {
            assert!(name_problem(name).is_some(), "{name}");
        }
    }

    #[test]
    fn dashed_names_get_module_names_rust_accepts() {
        let dir = std::env::temp_dir().join(format!("knexrs-embed-dash-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("20250101000000_add-pod-index.rs"),
            "pub fn up(s: &mut S) {}\npub fn down(s: &mut S) {}",
        )
        .unwrap();
        let source = registry(&dir).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(source.contains("mod m0_20250101000000_add_pod_index;"), "{source}");
        assert!(source.contains("embedded(\"20250101000000_add-pod-index\""), "{source}");
    }

    #[test]
    fn the_registry_is_pushed_into_a_vec_of_its_size_and_an_empty_one_is_a_plain_new() {
        let dir = std::env::temp_dir().join(format!("knexrs-embed-push-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        // No migration yet (a project `knexrs init` just made): nothing to push, no `mut` to warn about.
        let empty = registry(&dir).unwrap();
        assert!(
            empty.contains("-> ::std::vec::Vec<::knexrs_migrate::Migration> {\n    ::std::vec::Vec::new()\n}"),
            "{empty}"
        );
        for name in ["20250101000000_a", "20250102000000_b"] {
            std::fs::write(dir.join(format!("{name}.rs")), "pub fn up(s: &mut S) {}\npub fn down(s: &mut S) {}")
                .unwrap();
        }
        let two = registry(&dir).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(two.contains("let mut migrations = ::std::vec::Vec::with_capacity(2);\n    migrations.push("), "{two}");
        assert_eq!(two.matches("migrations.push(").count(), 2, "{two}");
        assert!(two.contains("    migrations\n}"), "{two}");
    }

    #[test]
    fn a_file_without_down_is_reported_not_compiled() {
        assert!(source_problem("pub fn up(s: &mut SchemaBuilder) {}").unwrap().contains("`pub fn down`"));
        assert!(source_problem("pub fn up(s: &mut X) {}\npub fn down(s: &mut X) {}").is_none());
    }
}
