use crate::DefaultValue;
use crate::SchemaError;
use crate::naming::check_identifier;
use crate::sql::{qualified, quote, quote_list};
use sea_query::{PostgresQueryBuilder, SelectStatement};

/// `create [or replace] [materialized] view` (knex `createView`,
/// `createViewOrReplace`, `createMaterializedView`). sea-query has no view
/// statements; the query itself is rendered by sea-query with values inlined.
///
/// ```
/// use knexrs_schema::{CreateView, PostgresQueryBuilder};
///
/// let mut view = CreateView::new("adults");
/// view.columns(["first_name"]).as_raw("select first_name from users where age > 18").or_replace();
/// assert_eq!(
///     view.build(PostgresQueryBuilder).unwrap(),
///     [r#"create or replace view "adults" ("first_name") as select first_name from users where age > 18"#]
/// );
/// ```
#[derive(Debug, Clone)]
pub struct CreateView {
    schema: Option<String>,
    name: String,
    columns: Vec<String>,
    query: Option<String>,
    or_replace: bool,
    materialized: bool,
    check_option: Option<&'static str>,
}

impl CreateView {
    /// A view named `name`; give it a query with [`as_select`](Self::as_select) or [`as_raw`](Self::as_raw).
    pub fn new(name: impl Into<String>) -> Self {
        CreateView {
            schema: None,
            name: name.into(),
            columns: Vec::new(),
            query: None,
            or_replace: false,
            materialized: false,
            check_option: None,
        }
    }

    /// The view's schema.
    pub fn with_schema(&mut self, schema: impl Into<String>) -> &mut Self {
        self.schema = Some(schema.into());
        self
    }

    /// Names the view's columns (knex `view.columns`).
    pub fn columns(&mut self, columns: impl crate::IntoColumns) -> &mut Self {
        self.columns = columns.into_columns();
        self
    }

    /// The view's query, from sea-query (values are written inline, as views need).
    pub fn as_select(&mut self, select: &SelectStatement) -> &mut Self {
        self.query = Some(select.to_string(PostgresQueryBuilder));
        self
    }

    /// The view's query as SQL.
    pub fn as_raw(&mut self, sql: impl Into<String>) -> &mut Self {
        self.query = Some(sql.into());
        self
    }

    /// `create or replace view` (knex `createViewOrReplace`).
    pub fn or_replace(&mut self) -> &mut Self {
        self.or_replace = true;
        self
    }

    /// A materialized view: the query's rows are stored, and refreshed on demand.
    pub fn materialized(&mut self) -> &mut Self {
        self.materialized = true;
        self
    }

    /// `with local check option` (knex `localCheckOption`).
    pub fn local_check_option(&mut self) -> &mut Self {
        self.check_option = Some("local");
        self
    }

    /// `with cascaded check option` (knex `cascadedCheckOption`).
    pub fn cascaded_check_option(&mut self) -> &mut Self {
        self.check_option = Some("cascaded");
        self
    }

    /// The SQL statement.
    pub fn build(&self, _: PostgresQueryBuilder) -> Result<Vec<String>, SchemaError> {
        check_identifier("view", &self.name)?;
        let Some(query) = &self.query else {
            return Err(SchemaError::Unsupported(format!(
                "view `{}` has no query: call as_select(...) or as_raw(...)",
                self.name
            )));
        };
        if self.materialized && (self.or_replace || self.check_option.is_some()) {
            return Err(SchemaError::Unsupported(format!(
                "materialized view `{}` cannot be `or replace` or have a check option: PostgreSQL does not support it",
                self.name
            )));
        }
        for column in &self.columns {
            check_identifier("column", column)?;
        }
        let columns = if self.columns.is_empty() { String::new() } else { format!(" ({})", quote_list(&self.columns)) };
        let check = self.check_option.map(|o| format!(" with {o} check option")).unwrap_or_default();
        Ok(vec![format!(
            "create {}{}view {}{columns} as {query}{check}",
            if self.or_replace { "or replace " } else { "" },
            if self.materialized { "materialized " } else { "" },
            qualified(self.schema.as_deref(), &self.name),
        )])
    }
}

/// `drop [materialized] view [if exists] … [cascade]` (knex `dropView`,
/// `dropViewIfExists`, `dropMaterializedView`).
///
/// ```
/// use knexrs_schema::{DropView, PostgresQueryBuilder};
///
/// let mut drop = DropView::new("adults");
/// drop.if_exists().materialized();
/// assert_eq!(drop.build(PostgresQueryBuilder).unwrap(), [r#"drop materialized view if exists "adults""#]);
/// ```
#[derive(Debug, Clone)]
pub struct DropView {
    schema: Option<String>,
    name: String,
    if_exists: bool,
    materialized: bool,
    cascade: bool,
}

impl DropView {
    /// Drops the view `name`.
    pub fn new(name: impl Into<String>) -> Self {
        DropView { schema: None, name: name.into(), if_exists: false, materialized: false, cascade: false }
    }

    /// The view's schema.
    pub fn with_schema(&mut self, schema: impl Into<String>) -> &mut Self {
        self.schema = Some(schema.into());
        self
    }

    /// No error when the view does not exist.
    pub fn if_exists(&mut self) -> &mut Self {
        self.if_exists = true;
        self
    }

    /// Drops a materialized view.
    pub fn materialized(&mut self) -> &mut Self {
        self.materialized = true;
        self
    }

    /// Also drops what depends on the view.
    pub fn cascade(&mut self) -> &mut Self {
        self.cascade = true;
        self
    }

    /// The SQL statement.
    pub fn build(&self, _: PostgresQueryBuilder) -> Result<Vec<String>, SchemaError> {
        check_identifier("view", &self.name)?;
        Ok(vec![format!(
            "drop {}view {}{}{}",
            if self.materialized { "materialized " } else { "" },
            if self.if_exists { "if exists " } else { "" },
            qualified(self.schema.as_deref(), &self.name),
            if self.cascade { " cascade" } else { "" }
        )])
    }
}

/// `alter view … rename to …` (knex `renameView`).
///
/// ```
/// use knexrs_schema::{RenameView, PostgresQueryBuilder};
///
/// assert_eq!(
///     RenameView::new("adults", "grown_ups").build(PostgresQueryBuilder).unwrap(),
///     [r#"alter view "adults" rename to "grown_ups""#]
/// );
/// ```
#[derive(Debug, Clone)]
pub struct RenameView {
    schema: Option<String>,
    from: String,
    to: String,
}

impl RenameView {
    /// Renames the view `from` to `to`.
    pub fn new(from: impl Into<String>, to: impl Into<String>) -> Self {
        RenameView { schema: None, from: from.into(), to: to.into() }
    }

    /// The view's schema.
    pub fn with_schema(&mut self, schema: impl Into<String>) -> &mut Self {
        self.schema = Some(schema.into());
        self
    }

    /// The SQL statement.
    pub fn build(&self, _: PostgresQueryBuilder) -> Result<Vec<String>, SchemaError> {
        check_identifier("view", &self.from)?;
        check_identifier("view", &self.to)?;
        Ok(vec![format!("alter view {} rename to {}", qualified(self.schema.as_deref(), &self.from), quote(&self.to))])
    }
}

/// `refresh materialized view [concurrently]` (knex `refreshMaterializedView`).
///
/// ```
/// use knexrs_schema::{RefreshMaterializedView, PostgresQueryBuilder};
///
/// let mut refresh = RefreshMaterializedView::new("totals");
/// refresh.concurrently();
/// assert_eq!(
///     refresh.build(PostgresQueryBuilder).unwrap(),
///     [r#"refresh materialized view concurrently "totals""#]
/// );
/// ```
#[derive(Debug, Clone)]
pub struct RefreshMaterializedView {
    schema: Option<String>,
    name: String,
    concurrently: bool,
}

impl RefreshMaterializedView {
    /// Refreshes the materialized view `name`.
    pub fn new(name: impl Into<String>) -> Self {
        RefreshMaterializedView { schema: None, name: name.into(), concurrently: false }
    }

    /// The view's schema.
    pub fn with_schema(&mut self, schema: impl Into<String>) -> &mut Self {
        self.schema = Some(schema.into());
        self
    }

    /// Refreshes without blocking readers (needs a unique index; runs outside a transaction).
    pub fn concurrently(&mut self) -> &mut Self {
        self.concurrently = true;
        self
    }

    pub(crate) fn is_concurrent(&self) -> bool {
        self.concurrently
    }

    /// The SQL statement.
    pub fn build(&self, _: PostgresQueryBuilder) -> Result<Vec<String>, SchemaError> {
        check_identifier("view", &self.name)?;
        Ok(vec![format!(
            "refresh materialized view {}{}",
            if self.concurrently { "concurrently " } else { "" },
            qualified(self.schema.as_deref(), &self.name)
        )])
    }
}

/// `alter view`: rename a column, set or drop a column's default (knex
/// `schema.view(name, v => v.column(c).rename(…).defaultTo(…))`).
///
/// ```
/// use knexrs_schema::{AlterView, PostgresQueryBuilder};
///
/// let mut alter = AlterView::new("users");
/// alter.rename_column("oldName", "newName").set_default("newName", 10);
/// assert_eq!(alter.build(PostgresQueryBuilder).unwrap(), [
///     r#"alter view "users" rename column "oldName" to "newName""#,
///     r#"alter view "users" alter column "newName" set default '10'"#,
/// ]);
/// ```
#[derive(Debug, Clone)]
pub struct AlterView {
    schema: Option<String>,
    name: String,
    actions: Vec<ViewAction>,
}

#[derive(Debug, Clone)]
enum ViewAction {
    Rename(String, String),
    SetDefault(String, DefaultValue),
    DropDefault(String),
}

impl AlterView {
    /// Alters the view `name`.
    pub fn new(name: impl Into<String>) -> Self {
        AlterView { schema: None, name: name.into(), actions: Vec::new() }
    }

    /// The view's schema.
    pub fn with_schema(&mut self, schema: impl Into<String>) -> &mut Self {
        self.schema = Some(schema.into());
        self
    }

    /// Renames a column of the view.
    pub fn rename_column(&mut self, from: impl Into<String>, to: impl Into<String>) -> &mut Self {
        self.actions.push(ViewAction::Rename(from.into(), to.into()));
        self
    }

    /// Gives a column of the view a default (used by inserts through the view).
    pub fn set_default(&mut self, column: impl Into<String>, value: impl Into<DefaultValue>) -> &mut Self {
        self.actions.push(ViewAction::SetDefault(column.into(), value.into()));
        self
    }

    /// Drops a column's default.
    pub fn drop_default(&mut self, column: impl Into<String>) -> &mut Self {
        self.actions.push(ViewAction::DropDefault(column.into()));
        self
    }

    /// The SQL statements, one per change.
    pub fn build(&self, _: PostgresQueryBuilder) -> Result<Vec<String>, SchemaError> {
        check_identifier("view", &self.name)?;
        let view = qualified(self.schema.as_deref(), &self.name);
        self.actions
            .iter()
            .map(|action| {
                Ok(match action {
                    ViewAction::Rename(from, to) => {
                        check_identifier("column", from)?;
                        check_identifier("column", to)?;
                        format!("alter view {view} rename column {} to {}", quote(from), quote(to))
                    }
                    ViewAction::SetDefault(column, value) => {
                        check_identifier("column", column)?;
                        format!("alter view {view} alter column {} set default {}", quote(column), value.to_sql(false))
                    }
                    ViewAction::DropDefault(column) => {
                        check_identifier("column", column)?;
                        format!("alter view {view} alter column {} drop default", quote(column))
                    }
                })
            })
            .collect()
    }
}
