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
    ///
    /// ```
    /// # use knexrs_schema::{CreateView, PostgresQueryBuilder};
    /// let mut view = CreateView::new("adults");
    /// view.as_raw("select * from users where age >= 18");
    /// assert_eq!(view.build(PostgresQueryBuilder)?, [
    ///     r#"create view "adults" as select * from users where age >= 18"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
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
    ///
    /// ```
    /// # use knexrs_schema::{CreateView, PostgresQueryBuilder};
    /// let mut view = CreateView::new("adults");
    /// view.with_schema("reports").as_raw("select * from users where age >= 18");
    /// assert_eq!(view.build(PostgresQueryBuilder)?, [
    ///     r#"create view "reports"."adults" as select * from users where age >= 18"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn with_schema(&mut self, schema: impl Into<String>) -> &mut Self {
        self.schema = Some(schema.into());
        self
    }

    /// Names the view's columns (knex `view.columns`).
    ///
    /// ```
    /// # use knexrs_schema::{CreateView, PostgresQueryBuilder};
    /// let mut view = CreateView::new("names");
    /// view.columns(["first", "last"]).as_raw("select first_name, last_name from users");
    /// assert_eq!(view.build(PostgresQueryBuilder)?, [
    ///     r#"create view "names" ("first", "last") as select first_name, last_name from users"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn columns(&mut self, columns: impl crate::IntoColumns) -> &mut Self {
        self.columns = columns.into_columns();
        self
    }

    /// The view's query, from sea-query (values are written inline, as views need).
    ///
    /// ```
    /// # use knexrs_schema::{CreateView, PostgresQueryBuilder};
    /// use sea_query::{Expr, ExprTrait, Query};
    ///
    /// let select = Query::select()
    ///     .column("session_id")
    ///     .from("sessions")
    ///     .and_where(Expr::col("pod_ip").is_not_null())
    ///     .to_owned();
    /// let mut view = CreateView::new("placed_sessions");
    /// view.as_select(&select);
    /// assert_eq!(view.build(PostgresQueryBuilder)?, [
    ///     r#"create view "placed_sessions" as SELECT "session_id" FROM "sessions" WHERE "pod_ip" IS NOT NULL"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn as_select(&mut self, select: &SelectStatement) -> &mut Self {
        self.query = Some(select.to_string(PostgresQueryBuilder));
        self
    }

    /// The view's query as SQL.
    ///
    /// ```
    /// # use knexrs_schema::{CreateView, PostgresQueryBuilder};
    /// let mut view = CreateView::new("one");
    /// view.as_raw("select 1 as n");
    /// assert_eq!(view.build(PostgresQueryBuilder)?, [r#"create view "one" as select 1 as n"#]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn as_raw(&mut self, sql: impl Into<String>) -> &mut Self {
        self.query = Some(sql.into());
        self
    }

    /// `create or replace view` (knex `createViewOrReplace`).
    ///
    /// ```
    /// # use knexrs_schema::{CreateView, PostgresQueryBuilder};
    /// let mut view = CreateView::new("one");
    /// view.or_replace().as_raw("select 1 as n");
    /// assert_eq!(view.build(PostgresQueryBuilder)?, [r#"create or replace view "one" as select 1 as n"#]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn or_replace(&mut self) -> &mut Self {
        self.or_replace = true;
        self
    }

    /// A materialized view: the query's rows are stored, and refreshed on demand.
    ///
    /// ```
    /// # use knexrs_schema::{CreateView, PostgresQueryBuilder};
    /// let mut view = CreateView::new("totals");
    /// view.materialized().as_raw("select count(*) from sessions");
    /// assert_eq!(view.build(PostgresQueryBuilder)?, [
    ///     r#"create materialized view "totals" as select count(*) from sessions"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn materialized(&mut self) -> &mut Self {
        self.materialized = true;
        self
    }

    /// `with local check option` (knex `localCheckOption`).
    ///
    /// ```
    /// # use knexrs_schema::{CreateView, PostgresQueryBuilder};
    /// let mut view = CreateView::new("adults");
    /// view.as_raw("select * from users where age >= 18").local_check_option();
    /// assert_eq!(view.build(PostgresQueryBuilder)?, [
    ///     r#"create view "adults" as select * from users where age >= 18 with local check option"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn local_check_option(&mut self) -> &mut Self {
        self.check_option = Some("local");
        self
    }

    /// `with cascaded check option` (knex `cascadedCheckOption`).
    ///
    /// ```
    /// # use knexrs_schema::{CreateView, PostgresQueryBuilder};
    /// let mut view = CreateView::new("adults");
    /// view.as_raw("select * from users where age >= 18").cascaded_check_option();
    /// assert_eq!(view.build(PostgresQueryBuilder)?, [
    ///     r#"create view "adults" as select * from users where age >= 18 with cascaded check option"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn cascaded_check_option(&mut self) -> &mut Self {
        self.check_option = Some("cascaded");
        self
    }

    /// The SQL statement.
    ///
    /// ```
    /// # use knexrs_schema::{CreateView, PostgresQueryBuilder};
    /// // A view needs a query.
    /// assert!(CreateView::new("nothing").build(PostgresQueryBuilder).is_err());
    /// ```
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
    ///
    /// ```
    /// # use knexrs_schema::{DropView, PostgresQueryBuilder};
    /// assert_eq!(DropView::new("adults").build(PostgresQueryBuilder)?, [r#"drop view "adults""#]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn new(name: impl Into<String>) -> Self {
        DropView { schema: None, name: name.into(), if_exists: false, materialized: false, cascade: false }
    }

    /// The view's schema.
    ///
    /// ```
    /// # use knexrs_schema::{DropView, PostgresQueryBuilder};
    /// let mut drop = DropView::new("adults");
    /// drop.with_schema("reports");
    /// assert_eq!(drop.build(PostgresQueryBuilder)?, [r#"drop view "reports"."adults""#]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn with_schema(&mut self, schema: impl Into<String>) -> &mut Self {
        self.schema = Some(schema.into());
        self
    }

    /// No error when the view does not exist.
    ///
    /// ```
    /// # use knexrs_schema::{DropView, PostgresQueryBuilder};
    /// let mut drop = DropView::new("adults");
    /// drop.if_exists();
    /// assert_eq!(drop.build(PostgresQueryBuilder)?, [r#"drop view if exists "adults""#]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn if_exists(&mut self) -> &mut Self {
        self.if_exists = true;
        self
    }

    /// Drops a materialized view.
    ///
    /// ```
    /// # use knexrs_schema::{DropView, PostgresQueryBuilder};
    /// let mut drop = DropView::new("totals");
    /// drop.materialized();
    /// assert_eq!(drop.build(PostgresQueryBuilder)?, [r#"drop materialized view "totals""#]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn materialized(&mut self) -> &mut Self {
        self.materialized = true;
        self
    }

    /// Also drops what depends on the view.
    ///
    /// ```
    /// # use knexrs_schema::{DropView, PostgresQueryBuilder};
    /// let mut drop = DropView::new("adults");
    /// drop.if_exists().cascade();
    /// assert_eq!(drop.build(PostgresQueryBuilder)?, [r#"drop view if exists "adults" cascade"#]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn cascade(&mut self) -> &mut Self {
        self.cascade = true;
        self
    }

    /// The SQL statement.
    ///
    /// ```
    /// # use knexrs_schema::{DropView, PostgresQueryBuilder};
    /// assert!(DropView::new("").build(PostgresQueryBuilder).is_err());
    /// ```
    pub fn build(&self, _: PostgresQueryBuilder) -> Result<Vec<String>, SchemaError> {
        check_identifier("view", &self.name)?;
        let kind = if self.materialized { "materialized view" } else { "view" };
        Ok(vec![crate::sql::drop_sql(
            kind,
            self.if_exists,
            &qualified(self.schema.as_deref(), &self.name),
            self.cascade,
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
    ///
    /// ```
    /// # use knexrs_schema::{RenameView, PostgresQueryBuilder};
    /// assert_eq!(RenameView::new("adults", "grown_ups").build(PostgresQueryBuilder)?, [
    ///     r#"alter view "adults" rename to "grown_ups""#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn new(from: impl Into<String>, to: impl Into<String>) -> Self {
        RenameView { schema: None, from: from.into(), to: to.into() }
    }

    /// The view's schema.
    ///
    /// ```
    /// # use knexrs_schema::{RenameView, PostgresQueryBuilder};
    /// let mut rename = RenameView::new("adults", "grown_ups");
    /// rename.with_schema("reports");
    /// assert_eq!(rename.build(PostgresQueryBuilder)?, [
    ///     r#"alter view "reports"."adults" rename to "grown_ups""#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn with_schema(&mut self, schema: impl Into<String>) -> &mut Self {
        self.schema = Some(schema.into());
        self
    }

    /// The SQL statement.
    ///
    /// ```
    /// # use knexrs_schema::{RenameView, PostgresQueryBuilder};
    /// assert!(RenameView::new("adults", "").build(PostgresQueryBuilder).is_err());
    /// ```
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
    ///
    /// ```
    /// # use knexrs_schema::{RefreshMaterializedView, PostgresQueryBuilder};
    /// assert_eq!(RefreshMaterializedView::new("totals").build(PostgresQueryBuilder)?, [
    ///     r#"refresh materialized view "totals""#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn new(name: impl Into<String>) -> Self {
        RefreshMaterializedView { schema: None, name: name.into(), concurrently: false }
    }

    /// The view's schema.
    ///
    /// ```
    /// # use knexrs_schema::{RefreshMaterializedView, PostgresQueryBuilder};
    /// let mut refresh = RefreshMaterializedView::new("totals");
    /// refresh.with_schema("reports");
    /// assert_eq!(refresh.build(PostgresQueryBuilder)?, [r#"refresh materialized view "reports"."totals""#]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn with_schema(&mut self, schema: impl Into<String>) -> &mut Self {
        self.schema = Some(schema.into());
        self
    }

    /// Refreshes without blocking readers (needs a unique index; runs outside a transaction).
    ///
    /// ```
    /// # use knexrs_schema::{RefreshMaterializedView, SchemaStatement, PostgresQueryBuilder};
    /// let mut refresh = RefreshMaterializedView::new("totals");
    /// refresh.concurrently();
    /// assert_eq!(refresh.build(PostgresQueryBuilder)?, [
    ///     r#"refresh materialized view concurrently "totals""#,
    /// ]);
    /// assert!(SchemaStatement::from(refresh).needs_no_transaction());
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn concurrently(&mut self) -> &mut Self {
        self.concurrently = true;
        self
    }

    pub(crate) fn is_concurrent(&self) -> bool {
        self.concurrently
    }

    /// The SQL statement.
    ///
    /// ```
    /// # use knexrs_schema::{RefreshMaterializedView, PostgresQueryBuilder};
    /// assert!(RefreshMaterializedView::new("").build(PostgresQueryBuilder).is_err());
    /// ```
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
    ///
    /// ```
    /// # use knexrs_schema::{AlterView, PostgresQueryBuilder};
    /// let mut alter = AlterView::new("adults");
    /// alter.rename_column("age", "years");
    /// assert_eq!(alter.build(PostgresQueryBuilder)?, [
    ///     r#"alter view "adults" rename column "age" to "years""#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn new(name: impl Into<String>) -> Self {
        AlterView { schema: None, name: name.into(), actions: Vec::new() }
    }

    /// The view's schema.
    ///
    /// ```
    /// # use knexrs_schema::{AlterView, PostgresQueryBuilder};
    /// let mut alter = AlterView::new("adults");
    /// alter.with_schema("reports").drop_default("age");
    /// assert_eq!(alter.build(PostgresQueryBuilder)?, [
    ///     r#"alter view "reports"."adults" alter column "age" drop default"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn with_schema(&mut self, schema: impl Into<String>) -> &mut Self {
        self.schema = Some(schema.into());
        self
    }

    /// Renames a column of the view.
    ///
    /// ```
    /// # use knexrs_schema::{AlterView, PostgresQueryBuilder};
    /// let mut alter = AlterView::new("adults");
    /// alter.rename_column("age", "years");
    /// assert_eq!(alter.build(PostgresQueryBuilder)?, [
    ///     r#"alter view "adults" rename column "age" to "years""#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn rename_column(&mut self, from: impl Into<String>, to: impl Into<String>) -> &mut Self {
        self.actions.push(ViewAction::Rename(from.into(), to.into()));
        self
    }

    /// Gives a column of the view a default (used by inserts through the view).
    ///
    /// ```
    /// # use knexrs_schema::{AlterView, PostgresQueryBuilder};
    /// let mut alter = AlterView::new("adults");
    /// alter.set_default("country", "NZ");
    /// assert_eq!(alter.build(PostgresQueryBuilder)?, [
    ///     r#"alter view "adults" alter column "country" set default 'NZ'"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn set_default(&mut self, column: impl Into<String>, value: impl Into<DefaultValue>) -> &mut Self {
        self.actions.push(ViewAction::SetDefault(column.into(), value.into()));
        self
    }

    /// Drops a column's default.
    ///
    /// ```
    /// # use knexrs_schema::{AlterView, PostgresQueryBuilder};
    /// let mut alter = AlterView::new("adults");
    /// alter.drop_default("country");
    /// assert_eq!(alter.build(PostgresQueryBuilder)?, [
    ///     r#"alter view "adults" alter column "country" drop default"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn drop_default(&mut self, column: impl Into<String>) -> &mut Self {
        self.actions.push(ViewAction::DropDefault(column.into()));
        self
    }

    /// The SQL statements, one per change.
    ///
    /// ```
    /// # use knexrs_schema::{AlterView, PostgresQueryBuilder};
    /// let mut alter = AlterView::new("adults");
    /// alter.rename_column("age", "");
    /// assert!(alter.build(PostgresQueryBuilder).is_err());
    /// ```
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
