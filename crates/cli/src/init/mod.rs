//! `knexrs init`: adds knexrs to an existing Cargo workspace (or a package
//! that becomes one): a migrations crate with its build script and deployable
//! `migrate` binary, an xtask with the workspace commands (or those commands
//! added to the xtask it has), the `cargo xtask` alias, a Dockerfile and a Kubernetes Job. It plans first, refuses to
//! overwrite anything, and with `--dry-run` only says what it would do.

mod existing_xtask;
mod templates;

use anyhow::{Context as _, bail};
use std::path::{Path, PathBuf};

/// What `knexrs init` is asked to do.
///
/// ```
/// let options = knexrs_cli::InitOptions::new("/src/app");
/// assert_eq!(options.migrations_crate, "migrations");
/// assert!(options.knexrs_path.is_none()); // published crates, not a checkout
/// ```
#[derive(Debug, Clone)]
pub struct InitOptions {
    /// The workspace root (the folder of the root `Cargo.toml`).
    pub root: PathBuf,
    /// Depend on a local knexrs checkout by path instead of published versions.
    pub knexrs_path: Option<PathBuf>,
    /// The migrations crate's package name (its folder is `migrations/`).
    pub migrations_crate: String,
}

impl InitOptions {
    /// The defaults for the workspace at `root`.
    ///
    /// ```
    /// let mut options = knexrs_cli::InitOptions::new("/src/app");
    /// options.knexrs_path = Some("/src/knexrs".into());
    /// ```
    pub fn new(root: impl Into<PathBuf>) -> Self {
        InitOptions { root: root.into(), knexrs_path: None, migrations_crate: "migrations".to_owned() }
    }
}

/// One change `init` makes.
///
/// ```
/// let planned = knexrs_cli::Planned::Create { path: "migrations/build.rs".into(), contents: String::new() };
/// assert_eq!(planned.to_string(), "create migrations/build.rs");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Planned {
    /// A new file.
    Create {
        /// Relative to the root.
        path: PathBuf,
        /// What it will hold.
        contents: String,
    },
    /// An existing file, changed.
    Edit {
        /// Relative to the root.
        path: PathBuf,
        /// What changes, in words.
        what: String,
        /// The whole new text.
        contents: String,
    },
    /// Left alone, with what to do by hand.
    Skip {
        /// Relative to the root.
        path: PathBuf,
        /// Why, and what to add yourself.
        why: String,
    },
}

impl std::fmt::Display for Planned {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Planned::Create { path, .. } => write!(f, "create {}", path.display()),
            Planned::Edit { path, what, .. } => write!(f, "edit {}: {what}", path.display()),
            Planned::Skip { path, why } => write!(f, "skip {}: {why}", path.display()),
        }
    }
}

/// What `init` would do in `options.root`, changing nothing. Refuses (an
/// error that names them) when files it must create already exist.
///
/// ```no_run
/// let plan = knexrs_cli::plan_init(&knexrs_cli::InitOptions::new("."))?;
/// for change in &plan {
///     println!("{change}");
/// }
/// # Ok::<(), anyhow::Error>(())
/// ```
pub fn plan_init(options: &InitOptions) -> anyhow::Result<Vec<Planned>> {
    let root = &options.root;
    let manifest_path = root.join("Cargo.toml");
    let manifest = std::fs::read_to_string(&manifest_path).with_context(|| {
        format!(
            "{} has no Cargo.toml: run `knexrs init` at the root of a Cargo workspace (or `cargo new` one first)",
            root.display()
        )
    })?;
    let crate_name = &options.migrations_crate;
    if crate_name.is_empty() || !crate_name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        bail!("`{crate_name}` is not a package name: use letters, digits, `-` and `_`");
    }
    let deps = templates::Deps::new(options.knexrs_path.as_deref())?;
    let mut plan = Vec::new();
    let created = |path: &str, contents: String| Planned::Create { path: path.into(), contents };
    let migrations = [
        ("migrations/Cargo.toml", templates::migrations_manifest(crate_name, &deps)),
        ("migrations/build.rs", templates::MIGRATIONS_BUILD.to_owned()),
        ("migrations/lib.rs", templates::migrations_lib(crate_name)),
        ("migrations/bin/migrate.rs", templates::migrations_bin(crate_name)),
        ("migrations/tests/migrations.rs", templates::migrations_tests(crate_name)),
        ("migrations/schema/tables.rs", templates::EMPTY_TABLES.to_owned()),
        ("migrations/README.md", templates::migrations_readme(crate_name, &deps)),
    ];
    let existing: Vec<&str> = migrations.iter().map(|(p, _)| *p).filter(|p| root.join(p).exists()).collect();
    if root.join("migrations").exists() {
        bail!(
            "{} already exists{}: knexrs init creates it and never overwrites; move it away or run init in another workspace",
            root.join("migrations").display(),
            if existing.is_empty() { String::new() } else { format!(" (with {})", existing.join(", ")) }
        );
    }
    plan.extend(migrations.into_iter().map(|(p, c)| created(p, c)));
    if root.join("xtask").exists() {
        plan.extend(existing_xtask::plan(root, crate_name, &deps)?);
    } else {
        plan.push(created("xtask/Cargo.toml", templates::xtask_manifest(crate_name, &deps)));
        plan.push(created("xtask/src/main.rs", templates::xtask_main(crate_name)));
    }
    plan.push(cargo_alias(root)?);
    plan.push(workspace_members(&manifest, root.join("xtask").exists())?);
    for (path, contents) in [
        ("deploy/Dockerfile", templates::dockerfile(crate_name)),
        ("deploy/k8s/migrate-job.yaml", templates::MIGRATE_JOB.to_owned()),
        // The folder the migrations crate's build script compiles seeds in from: it
        // exists from the start, so that builds do not rerun the script to look for it.
        ("seeds/README.md", templates::SEEDS_README.to_owned()),
    ] {
        if root.join(path).exists() {
            plan.push(Planned::Skip { path: path.into(), why: "exists; knexrs init never overwrites".into() });
        } else {
            plan.push(created(path, contents));
        }
    }
    Ok(plan)
}

/// Makes the changes [`plan_init`] plans; returns them.
///
/// ```no_run
/// let mut options = knexrs_cli::InitOptions::new(".");
/// options.knexrs_path = Some("../knexrs".into());
/// for change in knexrs_cli::init(&options)? {
///     println!("{change}");
/// }
/// # Ok::<(), anyhow::Error>(())
/// ```
pub fn init(options: &InitOptions) -> anyhow::Result<Vec<Planned>> {
    let plan = plan_init(options)?;
    for change in &plan {
        let (path, contents) = match change {
            Planned::Create { path, contents } | Planned::Edit { path, contents, .. } => (path, contents),
            Planned::Skip { .. } => continue,
        };
        let path = options.root.join(path);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        if matches!(change, Planned::Create { .. }) && path.exists() {
            bail!("{} appeared while init ran: nothing after it was written", path.display());
        }
        std::fs::write(&path, contents).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(plan)
}

/// `.cargo/config.toml` with the `cargo xtask` alias.
fn cargo_alias(root: &Path) -> anyhow::Result<Planned> {
    let path = PathBuf::from(".cargo/config.toml");
    let full = root.join(&path);
    let Ok(text) = std::fs::read_to_string(&full) else {
        return Ok(Planned::Create { path, contents: templates::CARGO_CONFIG.to_owned() });
    };
    let mut doc: toml_edit::DocumentMut =
        text.parse().with_context(|| format!("{} is not valid TOML: fix it, then run init again", full.display()))?;
    if doc.get("alias").and_then(|a| a.get("xtask")).is_some() {
        return Ok(Planned::Skip { path, why: "it already has an `xtask` alias".into() });
    }
    let alias = doc.entry("alias").or_insert_with(|| toml_edit::Item::Table(toml_edit::Table::new()));
    let Some(alias) = alias.as_table_like_mut() else {
        bail!("{}'s `alias` is not a table: add `xtask = \"run --package xtask --\"` to it by hand", full.display());
    };
    alias.insert("xtask", toml_edit::value("run --package xtask --"));
    Ok(Planned::Edit { path, what: "add the `cargo xtask` alias".into(), contents: doc.to_string() })
}

/// The root manifest with the new crates as workspace members.
fn workspace_members(manifest: &str, xtask_existed: bool) -> anyhow::Result<Planned> {
    let path = PathBuf::from("Cargo.toml");
    let mut doc: toml_edit::DocumentMut =
        manifest.parse().context("the root Cargo.toml is not valid TOML: fix it, then run init again")?;
    let wanted: Vec<&str> = if xtask_existed { vec!["migrations"] } else { vec!["migrations", "xtask"] };
    let is_new = doc.get("workspace").is_none();
    let workspace = doc.entry("workspace").or_insert_with(|| toml_edit::Item::Table(toml_edit::Table::new()));
    let Some(workspace) = workspace.as_table_like_mut() else {
        bail!("the root Cargo.toml's `workspace` is not a table: add the members by hand");
    };
    let members = workspace.entry("members").or_insert(toml_edit::value(toml_edit::Array::new()));
    let Some(members) = members.as_array_mut() else {
        bail!("the root Cargo.toml's `workspace.members` is not an array: add {wanted:?} by hand");
    };
    let present: Vec<String> = members.iter().filter_map(|m| m.as_str().map(str::to_owned)).collect();
    let added: Vec<&str> = wanted.into_iter().filter(|w| !present.iter().any(|p| p == w)).collect();
    for member in &added {
        members.push(*member);
    }
    let what = if is_new {
        format!("make it a workspace with members {added:?}")
    } else if added.is_empty() {
        return Ok(Planned::Skip { path, why: "the workspace already lists the crates".into() });
    } else {
        format!("add {added:?} to the workspace members")
    };
    Ok(Planned::Edit { path, what, contents: doc.to_string() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("knexrs-init-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn a_plain_package_becomes_a_workspace_with_the_migrations_and_xtask_crates() {
        let root = scratch("plain");
        std::fs::write(root.join("Cargo.toml"), "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2024\"\n")
            .unwrap();
        let plan = plan_init(&InitOptions::new(&root)).unwrap();
        let shown: Vec<String> = plan.iter().map(ToString::to_string).collect();
        assert!(shown.contains(&"create migrations/build.rs".to_owned()), "{shown:?}");
        assert!(shown.contains(&"create migrations/tests/migrations.rs".to_owned()), "{shown:?}");
        assert!(shown.contains(&"create xtask/src/main.rs".to_owned()), "{shown:?}");
        assert!(shown.contains(&"create .cargo/config.toml".to_owned()), "{shown:?}");
        // The seeds folder exists from the start: the build script watches it, not the workspace's root.
        assert!(shown.contains(&"create seeds/README.md".to_owned()), "{shown:?}");
        let manifest = plan.iter().find_map(|p| match p {
            Planned::Edit { path, contents, .. } if path == Path::new("Cargo.toml") => Some(contents.clone()),
            _ => None,
        });
        let manifest = manifest.unwrap();
        assert!(
            manifest.contains("[workspace]") && manifest.contains("\"migrations\"") && manifest.contains("\"xtask\"")
        );
        assert!(manifest.starts_with("[package]\nname = \"app\""), "the rest is kept as written: {manifest}");
        assert!(!root.join("migrations").exists(), "planning writes nothing");
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn an_existing_xtask_is_extended_keeping_what_it_has() {
        let root = scratch("existing");
        std::fs::write(root.join("Cargo.toml"), "[workspace]\nmembers = [\"app\", \"xtask\"]\n").unwrap();
        std::fs::create_dir_all(root.join("xtask/src")).unwrap();
        std::fs::write(
            root.join("xtask/Cargo.toml"),
            "[package]\nname = \"xtask\"\nversion = \"0.1.0\"\n\n[dependencies]\nanyhow = \"1\" # errors\n",
        )
        .unwrap();
        std::fs::write(root.join("xtask/src/main.rs"), "fn main() {\n    println!(\"deploying\");\n}\n").unwrap();
        let plan = plan_init(&InitOptions::new(&root)).unwrap();
        let shown: Vec<String> = plan.iter().map(ToString::to_string).collect();
        assert!(shown.contains(&"create xtask/src/knexrs_commands.rs".to_owned()), "{shown:?}");
        let edited = |wanted: &str| {
            plan.iter()
                .find_map(|p| match p {
                    Planned::Edit { path, contents, .. } if path == Path::new(wanted) => Some(contents.clone()),
                    _ => None,
                })
                .unwrap()
        };
        let manifest = edited("xtask/Cargo.toml");
        assert!(manifest.contains("anyhow = \"1\" # errors\n"), "kept as written: {manifest}");
        assert!(
            manifest.contains("knexrs-cli = { version = ")
                && manifest.contains("migrations = { path = \"../migrations\" }")
        );
        let main = edited("xtask/src/main.rs");
        assert!(
            main.starts_with("mod knexrs_commands;\n\nfn main() {\n    knexrs_commands::run_if_asked();\n    println!")
        );
        // Only the migrations crate joins the workspace: the xtask is a member already.
        assert!(edited("Cargo.toml").contains("members = [\"app\", \"xtask\", \"migrations\"]"));

        // Run again once applied: nothing left to add to the xtask.
        init(&InitOptions::new(&root)).unwrap();
        std::fs::rename(root.join("migrations"), root.join("moved")).unwrap();
        let again: Vec<String> = plan_init(&InitOptions::new(&root)).unwrap().iter().map(ToString::to_string).collect();
        assert!(again.iter().any(|p| p.starts_with("skip xtask/Cargo.toml: it already depends")), "{again:?}");
        assert!(again.iter().any(|p| p.starts_with("skip xtask/src/knexrs_commands.rs: exists")), "{again:?}");
        assert!(again.iter().any(|p| p.starts_with("skip xtask/src/main.rs: it already runs")), "{again:?}");
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn an_existing_migrations_folder_is_refused() {
        let root = scratch("refused");
        std::fs::write(root.join("Cargo.toml"), "[workspace]\nmembers = [\"app\"]\n").unwrap();
        std::fs::create_dir_all(root.join("migrations")).unwrap();
        let err = plan_init(&InitOptions::new(&root)).unwrap_err().to_string();
        assert!(err.contains("never overwrites"), "{err}");
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn an_alias_file_without_xtask_gets_it_added() {
        let root = scratch("alias");
        std::fs::create_dir_all(root.join(".cargo")).unwrap();
        std::fs::write(root.join(".cargo/config.toml"), "[alias]\nb = \"build\"\n").unwrap();
        match cargo_alias(&root).unwrap() {
            Planned::Edit { contents, .. } => assert!(contents.contains("b = \"build\"") && contents.contains("xtask")),
            other => panic!("{other}"),
        }
        std::fs::remove_dir_all(&root).unwrap();
    }
}
