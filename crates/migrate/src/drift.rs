//! `migrate drift`: whether a database's schema is the one its applied
//! migrations build. They are applied on a throwaway database of the same
//! server, and the two schemas are compared object by object (see
//! [`Catalog`]): an index made by hand in production, a column altered
//! outside the migrations, a table a migration created and someone dropped.

use crate::catalog::{Difference, quoted, shown};
use crate::scratch::Scratch;
use crate::{Catalog, CatalogKey, MigrateError, Migrator, RunOptions, Silent, Target};
use knexrs_connect::ConnectConfig;
use std::fmt;

/// How `drift` runs.
///
/// ```
/// let options = knexrs_migrate::DriftOptions::default();
/// assert!(!options.cancel.is_cancelled());
/// ```
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct DriftOptions {
    /// Stops the check (the throwaway database is still dropped); the CLI wires SIGINT/SIGTERM to it.
    pub cancel: crate::Cancel,
    /// Schemas not compared (a platform's own, such as Supabase's `auth` and
    /// `storage`), with the extensions installed in them.
    pub ignore_schemas: Vec<String>,
    /// Extensions not compared, by name (one a platform installs, such as
    /// `pg_stat_statements`, wherever it is installed).
    pub ignore_extensions: Vec<String>,
    /// Tables (and views) not compared, with what is on them: `schema.table`,
    /// or `table` in any schema; `*` matches any run of characters (another
    /// tool's tables, such as `public.pgboss_*` or `session`).
    pub ignore_tables: Vec<String>,
}

/// What `drift` found.
///
/// ```
/// let report = knexrs_migrate::DriftReport::default();
/// assert!(!report.drifted());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DriftReport {
    /// The applied migrations the expected schema was built from.
    pub applied: usize,
    /// Each object that is not as the migrations left it.
    pub differences: Vec<Difference>,
    /// Applied migrations whose source changed since they ran: the expected
    /// schema is built from the current source.
    pub edited: Vec<String>,
}

impl DriftReport {
    /// Whether the database differs from what its migrations build.
    ///
    /// ```
    /// assert!(!knexrs_migrate::DriftReport::default().drifted());
    /// ```
    pub fn drifted(&self) -> bool {
        !self.differences.is_empty()
    }
}

/// One difference as `drift` prints it.
///
/// ```
/// use knexrs_migrate::{CatalogKey, Difference, DriftLine};
///
/// let key = CatalogKey { kind: "index".into(), relation: "public.t".into(), name: "public.t_x_index".into() };
/// let extra = Difference::Extra { key, definition: String::new() };
/// assert_eq!(DriftLine(&extra).to_string(), "index public.t_x_index on public.t is in the database, not in its migrations");
/// ```
#[derive(Debug, Clone, Copy)]
pub struct DriftLine<'a>(pub &'a Difference);

impl fmt::Display for DriftLine<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Difference::Missing { key, definition } => {
                write!(f, "{key} is missing from the database; its migrations make it{}", quoted(definition))
            }
            Difference::Changed { key, expected, actual } => write!(
                f,
                "{key} differs in the database: `{}` where its migrations make `{}`",
                shown(actual),
                shown(expected)
            ),
            Difference::Extra { key, definition } => {
                write!(f, "{key} is in the database, not in its migrations{}", quoted(definition))
            }
        }
    }
}

impl Migrator {
    /// Compares the schema of `connection`'s database with the one its
    /// applied migrations build, on a throwaway database created on the same
    /// server (and dropped after). The database is only read. Bookkeeping
    /// tables (knex's, the side table, seeds') are left out; data is not
    /// compared.
    ///
    /// ```no_run
    /// # async fn demo(migrator: knexrs_migrate::Migrator, config: knexrs_connect::ConnectConfig) -> Result<(), knexrs_migrate::MigrateError> {
    /// let report = migrator.drift_async(&config, &knexrs_migrate::DriftOptions::default()).await?;
    /// for difference in &report.differences {
    ///     println!("{}", knexrs_migrate::DriftLine(difference));
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn drift_async(
        &self,
        connection: &ConnectConfig,
        options: &DriftOptions,
    ) -> Result<DriftReport, MigrateError> {
        Scratch::reachable(connection, "drift")?;
        let status = self.status_async(connection).await?;
        if !status.missing.is_empty() {
            return Err(MigrateError::MissingFiles {
                names: status.missing.iter().map(|row| row.recorded_name.clone()).collect(),
            });
        }
        let applied: Vec<String> = status.applied().map(|m| m.name.clone()).collect();
        let edited = status.applied().filter(|m| m.edited).map(|m| m.name.clone()).collect();
        let ignore = [self.tables().migrations(), crate::seed::SEED_TABLE];
        let actual = {
            let reader = crate::session::Conn::open(connection).await?;
            Catalog::read(reader.client(), &ignore)
                .await
                .map_err(MigrateError::bookkeeping("reading the database's catalog"))?
        };
        let expected = Scratch::with(connection, "drift", "checking for drift", &options.cancel, async |scratch| {
            self.build_applied(scratch, &applied, options).await?;
            Catalog::read(scratch.reader.client(), &ignore)
                .await
                .map_err(MigrateError::bookkeeping("reading the throwaway database's catalog"))
        })
        .await?;
        Ok(DriftReport { applied: applied.len(), differences: whole_objects(expected.diff(&actual), options), edited })
    }

    /// [`drift_async`](Self::drift_async), blocking.
    ///
    /// ```no_run
    /// # fn demo(migrator: knexrs_migrate::Migrator, config: knexrs_connect::ConnectConfig) -> Result<(), knexrs_migrate::MigrateError> {
    /// let report = migrator.drift(&config, &knexrs_migrate::DriftOptions::default())?;
    /// assert!(!report.drifted(), "the schema was changed outside the migrations");
    /// # Ok(()) }
    /// ```
    pub fn drift(&self, connection: &ConnectConfig, options: &DriftOptions) -> Result<DriftReport, MigrateError> {
        crate::runtime::block_on("Migrator::drift", "Migrator::drift_async", self.drift_async(connection, options))
    }

    /// Applies exactly `applied` on the scratch database: in one run when
    /// they are every migration up to the last of them, else one by one
    /// (a migration pending below an applied one is left out, as it is on
    /// the database).
    async fn build_applied(
        &self,
        scratch: &Scratch,
        applied: &[String],
        options: &DriftOptions,
    ) -> Result<(), MigrateError> {
        let Some(last) = applied.last() else { return Ok(()) };
        let run = RunOptions { cancel: options.cancel.clone(), ..RunOptions::default() };
        let prefix = self.migrations().iter().position(|m| m.name() == last).map_or(0, |i| i + 1);
        let targets: Vec<Target> = if prefix == applied.len() {
            vec![Target::To(last.clone())]
        } else {
            applied.iter().map(|name| Target::Up(Some(name.clone()))).collect()
        };
        for target in &targets {
            self.run_async(&scratch.config, target, &run, &mut Silent).await?;
        }
        Ok(())
    }
}

/// A table (or view) missing from one side is one difference: its columns,
/// constraints, indexes, triggers and comments are left out of the list. A
/// schema missing from one side is one difference too (a platform's own
/// schemas, say). What `options` ignores is left out altogether.
fn whole_objects(differences: Vec<Difference>, options: &DriftOptions) -> Vec<Difference> {
    // What is on one side only and holds other objects: a table, a schema.
    let whole: Vec<String> = differences
        .iter()
        .filter(|d| !matches!(d, Difference::Changed { .. }) && d.key().relation.is_empty())
        .map(|d| d.key().name.clone())
        .collect();
    differences
        .into_iter()
        .filter(|d| {
            let key = d.key();
            !options.ignores(key)
                && !whole.contains(&key.relation)
                && !in_one_of(&whole, &key.relation)
                && !in_one_of(&whole, &key.name)
        })
        .collect()
}

/// Whether `name` (`schema.object`) is in one of `schemas`.
fn in_one_of(schemas: &[String], name: &str) -> bool {
    name.split_once('.').is_some_and(|(schema, _)| schemas.iter().any(|s| s == schema))
}

impl DriftOptions {
    /// Whether `key` is in an ignored schema (or is one), is an ignored
    /// extension, or is an ignored table or on one.
    fn ignores(&self, key: &CatalogKey) -> bool {
        let ignored_schema = (key.kind == "schema" && self.ignore_schemas.contains(&key.name))
            || in_one_of(&self.ignore_schemas, &key.relation)
            || in_one_of(&self.ignore_schemas, &key.name);
        // An extension's name is `schema.extension` (see the catalog).
        let ignored_extension = key.kind == "extension"
            && key.name.split_once('.').is_some_and(|(_, name)| self.ignore_extensions.iter().any(|e| e == name));
        let relation =
            if key.relation.is_empty() && RELATIONS.contains(&key.kind.as_str()) { &key.name } else { &key.relation };
        let ignored_table = self.ignore_tables.iter().any(|pattern| table_matches(pattern, relation));
        ignored_schema || ignored_extension || ignored_table
    }
}

/// The catalog's kinds of relation (what `--ignore-table` names).
const RELATIONS: [&str; 4] = ["table", "view", "materialized view", "foreign table"];

/// Whether `pattern` (`schema.table` or `table`, `*` for any run of
/// characters) names `relation` (`schema.table`).
fn table_matches(pattern: &str, relation: &str) -> bool {
    let Some((schema, table)) = relation.split_once('.') else { return false };
    match pattern.split_once('.') {
        Some((schema_pattern, table_pattern)) => glob(schema_pattern, schema) && glob(table_pattern, table),
        None => glob(pattern, table),
    }
}

/// `*` matches any run of characters; everything else matches itself.
fn glob(pattern: &str, text: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = text.strip_prefix(first) else { return false };
    let mut parts: Vec<&str> = parts.collect();
    let Some(last) = parts.pop() else { return rest.is_empty() };
    for part in parts {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.ends_with(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(kind: &str, relation: &str, name: &str) -> CatalogKey {
        CatalogKey { kind: kind.into(), relation: relation.into(), name: name.into() }
    }

    #[test]
    fn a_schema_only_on_one_side_is_one_difference_and_an_ignored_one_none() {
        let extra = |k| Difference::Extra { key: k, definition: String::new() };
        let differences = vec![
            extra(key("schema", "", "auth")),
            extra(key("table", "", "auth.users")),
            extra(key("column", "auth.users", "id")),
            extra(key("index", "public.t", "public.t_x_index")),
        ];
        let kept = |ignored: &[&str]| -> Vec<String> {
            whole_objects(differences.clone(), &ignoring(ignored, &[])).iter().map(|d| d.key().to_string()).collect()
        };
        assert_eq!(kept(&[]), ["schema auth", "index public.t_x_index on public.t"]);
        assert_eq!(kept(&["auth"]), ["index public.t_x_index on public.t"]);
    }

    fn ignoring(schemas: &[&str], extensions: &[&str]) -> DriftOptions {
        DriftOptions {
            ignore_schemas: schemas.iter().map(|s| (*s).to_owned()).collect(),
            ignore_extensions: extensions.iter().map(|e| (*e).to_owned()).collect(),
            ..DriftOptions::default()
        }
    }

    #[test]
    fn a_table_pattern_matches_with_or_without_its_schema_and_star_matches_any_run() {
        assert!(table_matches("session", "public.session"));
        assert!(table_matches("session", "app.session"));
        assert!(!table_matches("session", "public.sessions"));
        assert!(table_matches("public.pgboss_*", "public.pgboss_job"));
        assert!(!table_matches("public.pgboss_*", "app.pgboss_job"));
        assert!(table_matches("*.audit_*_log", "app.audit_login_log"));
        assert!(!table_matches("*.audit_*_log", "app.audit_login"));
        assert!(table_matches("*", "public.anything"));
        assert!(glob("a*a", "aa") && !glob("a*a", "a") && glob("**", "") && !glob("x", "xy"));
    }

    #[test]
    fn an_ignored_table_takes_what_is_on_it_along() {
        let extra = |k| Difference::Extra { key: k, definition: String::new() };
        let changed = |k| Difference::Changed { key: k, expected: "a".into(), actual: "b".into() };
        let differences = vec![
            extra(key("table", "", "public.session")),
            extra(key("sequence", "public.session", "public.session_id_seq")),
            changed(key("column", "public.jobs", "state")),
            extra(key("index", "public.jobs", "public.jobs_state_index")),
            changed(key("column", "public.t", "name")),
        ];
        let options = DriftOptions {
            ignore_tables: vec!["session".to_owned(), "public.job*".to_owned()],
            ..DriftOptions::default()
        };
        let kept: Vec<String> = whole_objects(differences, &options).iter().map(|d| d.key().to_string()).collect();
        assert_eq!(kept, ["column name on public.t"]);
    }

    #[test]
    fn an_extension_is_ignored_by_name_or_by_the_ignored_schema_it_is_installed_in() {
        let extra = |k| Difference::Extra { key: k, definition: "1.0".into() };
        let differences = vec![
            extra(key("extension", "", "public.pg_stat_statements")),
            extra(key("extension", "", "extensions.pg_graphql")),
            extra(key("extension", "", "public.pgcrypto")),
        ];
        let kept = |options: DriftOptions| -> Vec<String> {
            whole_objects(differences.clone(), &options).iter().map(|d| d.key().to_string()).collect()
        };
        assert_eq!(kept(ignoring(&[], &[])).len(), 3);
        assert_eq!(
            kept(ignoring(&["extensions"], &["pg_stat_statements"])),
            ["extension public.pgcrypto"],
            "the schema ignores what is installed in it; the name, wherever it is"
        );
    }

    #[test]
    fn a_missing_table_is_one_difference_and_a_changed_column_of_a_present_one_stays() {
        let missing = |k| Difference::Missing { key: k, definition: String::new() };
        let differences = vec![
            missing(key("table", "", "public.t_2")),
            missing(key("column", "public.t_2", "id")),
            missing(key("index", "public.t_2", "public.t_2_pkey")),
            missing(key("column", "public.t_1", "name")),
        ];
        let kept: Vec<String> =
            whole_objects(differences, &DriftOptions::default()).iter().map(|d| d.key().to_string()).collect();
        assert_eq!(kept, ["table public.t_2", "column name on public.t_1"]);
    }
}
