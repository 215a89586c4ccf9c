//! `knexrs init` in a workspace whose `xtask/` exists: it is extended, not
//! replaced. Its manifest gains the two dependencies, a module of its own
//! (`src/knexrs_commands.rs`) holds knexrs's commands, and `main` hands
//! `cargo xtask migrate|db|seed|schema …` to it before the xtask's own
//! commands, whatever the xtask parses its arguments with.

use super::Planned;
use super::templates::{self, Deps};
use anyhow::Context as _;
use std::path::{Path, PathBuf};

/// The module `knexrs init` adds to an existing xtask.
const MODULE: &str = "knexrs_commands";

/// The line `main` starts with, which runs knexrs's commands.
const CALL: &str = "knexrs_commands::run_if_asked();";

/// The changes to the xtask in `root/xtask`.
pub(super) fn plan(root: &Path, crate_name: &str, deps: &Deps) -> anyhow::Result<Vec<Planned>> {
    let by_hand = format!(
        "add `mod {MODULE};` to the xtask's main.rs and call `{CALL}` first in its `main`, \
         which hands `cargo xtask migrate|db|seed|schema` to knexrs"
    );
    let mut plan = vec![manifest(root, crate_name, deps)?];
    let module = PathBuf::from(format!("xtask/src/{MODULE}.rs"));
    if root.join(&module).exists() {
        plan.push(Planned::Skip { path: module, why: "exists; knexrs init never overwrites".into() });
    } else {
        plan.push(Planned::Create { path: module, contents: templates::xtask_commands_module(crate_name) });
    }
    let main = PathBuf::from("xtask/src/main.rs");
    let text = std::fs::read_to_string(root.join(&main)).unwrap_or_default();
    plan.push(if text.contains(CALL) {
        Planned::Skip { path: main, why: "it already runs knexrs's commands".into() }
    } else {
        match with_knexrs_commands(&text) {
            Some(contents) => Planned::Edit {
                path: main,
                what: format!("run knexrs's commands first (`mod {MODULE};`, `{CALL}`)"),
                contents,
            },
            None => Planned::Skip { path: main, why: format!("no single `fn main` found in it: {by_hand}") },
        }
    });
    Ok(plan)
}

/// `xtask/Cargo.toml` with `knexrs-cli` and the migrations crate among its dependencies.
fn manifest(root: &Path, crate_name: &str, deps: &Deps) -> anyhow::Result<Planned> {
    let path = PathBuf::from("xtask/Cargo.toml");
    let full = root.join(&path);
    let text = std::fs::read_to_string(&full)
        .with_context(|| format!("{} cannot be read: an xtask folder needs its Cargo.toml", full.display()))?;
    let mut doc: toml_edit::DocumentMut =
        text.parse().with_context(|| format!("{} is not valid TOML: fix it, then run init again", full.display()))?;
    let wanted = [
        ("knexrs-cli".to_owned(), deps.spec("knexrs-cli", &[])),
        (crate_name.to_owned(), "{ path = \"../migrations\" }".to_owned()),
    ];
    let dependencies = doc.entry("dependencies").or_insert_with(|| toml_edit::Item::Table(toml_edit::Table::new()));
    let Some(dependencies) = dependencies.as_table_like_mut() else {
        anyhow::bail!("{}'s `dependencies` is not a table: add knexrs-cli and {crate_name} by hand", full.display());
    };
    let mut added = Vec::new();
    for (name, spec) in wanted {
        if dependencies.contains_key(&name) {
            continue;
        }
        let parsed: toml_edit::DocumentMut = format!("dependency = {spec}\n").parse()?;
        let mut item = parsed.get("dependency").cloned().context("a dependency's specification")?;
        if let Some(value) = item.as_value_mut() {
            value.decor_mut().clear();
        }
        dependencies.insert(&name, item);
        added.push(name);
    }
    if added.is_empty() {
        return Ok(Planned::Skip { path, why: "it already depends on knexrs-cli and the migrations crate".into() });
    }
    Ok(Planned::Edit { path, what: format!("add {added:?} to its dependencies"), contents: doc.to_string() })
}

/// `main_rs` declaring the module and calling it first in `main`; `None`
/// when there is not exactly one `fn main` to put the call in.
fn with_knexrs_commands(main_rs: &str) -> Option<String> {
    let lines: Vec<&str> = main_rs.split_inclusive('\n').collect();
    let is_main = |line: &&str| {
        let mut rest = line.trim_start();
        for prefix in ["pub ", "async "] {
            rest = rest.strip_prefix(prefix).unwrap_or(rest);
        }
        rest.starts_with("fn main(") || rest.starts_with("fn main (")
    };
    let mut mains = lines.iter().enumerate().filter(|(_, line)| is_main(line));
    let (at, _) = mains.next()?;
    if mains.next().is_some() {
        return None;
    }
    // The module goes above main's attributes and doc comment.
    let mut above = at;
    while above > 0 && ["#[", "///"].iter().any(|p| lines[above - 1].trim_start().starts_with(p)) {
        above -= 1;
    }
    let before: String = lines[..above].concat();
    let from_main: String = lines[above..].concat();
    let main_offset = lines[above..at].iter().map(|l| l.len()).sum::<usize>();
    let brace = main_offset + from_main[main_offset..].find('{')?;
    Some(format!("{before}mod {MODULE};\n\n{}\n    {CALL}{}", &from_main[..=brace], &from_main[brace + 1..]))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "a test fails by panicking")]

    use super::*;

    #[test]
    fn main_gets_the_module_above_its_attributes_and_the_call_as_its_first_statement() {
        let main = "//! The team's tasks.\n\nuse std::env;\n\n/// Runs a task.\n#[tokio::main]\nasync fn main() -> anyhow::Result<()> {\n    let task = env::args().nth(1);\n    Ok(())\n}\n";
        assert_eq!(
            with_knexrs_commands(main).unwrap(),
            "//! The team's tasks.\n\nuse std::env;\n\nmod knexrs_commands;\n\n/// Runs a task.\n#[tokio::main]\nasync fn main() -> anyhow::Result<()> {\n    knexrs_commands::run_if_asked();\n    let task = env::args().nth(1);\n    Ok(())\n}\n"
        );
        assert_eq!(
            with_knexrs_commands("fn main() { hello() }\n").unwrap(),
            "mod knexrs_commands;\n\nfn main() {\n    knexrs_commands::run_if_asked(); hello() }\n"
        );
    }

    #[test]
    fn a_main_rs_without_exactly_one_main_is_left_to_the_user() {
        assert_eq!(with_knexrs_commands(""), None);
        assert_eq!(with_knexrs_commands("fn run() {}\n"), None);
        assert_eq!(with_knexrs_commands("fn main() {}\n#[cfg(x)]\nfn main() {}\n"), None);
    }
}
