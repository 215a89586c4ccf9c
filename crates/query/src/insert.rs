//! `insert`: rows of column/value pairs (columns sorted as knex sorts them),
//! `insert … select`, `on conflict` (knex `onConflict().ignore()/merge()`), `returning`.

use crate::conditions::{Conditions, IntoColumn, compare};
use crate::cte::{Ctes, With};
use crate::ident::{TableName, table_name};
use crate::operand::{IntoOperand, Operand, OperandKind};
use crate::render::Writer;
use crate::{IntoName, IntoNames, IntoOp, QueryError, Raw, Select};
use std::borrow::Cow;

/// A column name as given (quoted when written).
type Name = Cow<'static, str>;

/// An `insert`.
///
/// Columns come out sorted by name, as knex sorts them; a column missing from
/// a row gets its default.
///
/// ```
/// use knexrs_query::{Insert, PostgresQueryBuilder};
///
/// let mut q = Insert::into("users");
/// q.set("name", "taylor").set("email", "foo").new_row().set("email", "bar");
/// q.on_conflict(["email"]).merge().returning(["id"]);
/// let (sql, values) = q.build(PostgresQueryBuilder).unwrap();
/// assert_eq!(
///     sql,
///     r#"insert into "users" ("email", "name") values ($1, $2), ($3, DEFAULT) on conflict ("email") do update set "email" = excluded."email", "name" = excluded."name" returning "id""#
/// );
/// assert_eq!(values.0.len(), 3);
/// ```
#[derive(Debug, Clone, Default)]
pub struct Insert {
    with: With,
    into: Option<Target>,
    rows: Vec<Vec<(Name, Operand)>>,
    source: Option<Box<Operand>>,
    default_values: bool,
    on_conflict: Option<OnConflict>,
    returning: Vec<Operand>,
    /// Given up after this long (knex `.timeout(ms, { cancel: true })`).
    pub(crate) timeout: Option<std::time::Duration>,
}

#[derive(Debug, Clone)]
enum Target {
    Table(TableName),
    Raw(Raw),
}

#[derive(Debug, Clone)]
struct OnConflict {
    target: ConflictTarget,
    action: ConflictAction,
    wheres: Conditions,
}

#[derive(Debug, Clone)]
enum ConflictTarget {
    None,
    Columns(Vec<Name>),
    Constraint(Name),
    Raw(Raw),
}

#[derive(Debug, Clone)]
enum ConflictAction {
    Nothing,
    MergeAll,
    MergeColumns(Vec<Name>),
    MergeValues(Vec<(Name, Operand)>),
}

/// The `on conflict` clause being configured.
///
/// ```
/// # use knexrs_query::{Insert, PostgresQueryBuilder};
/// let mut q = Insert::into("sessions");
/// q.set("session_id", "s-1").set("pod_ip", "10.0.0.7");
/// q.on_conflict(["session_id"]) // the builder
///     .merge_columns(["pod_ip"])
///     .where_eq("sessions.locked", false)
///     .returning(["session_id"]);
/// assert_eq!(
///     q.build(PostgresQueryBuilder)?.0,
///     r#"insert into "sessions" ("pod_ip", "session_id") values ($1, $2) on conflict ("session_id") do update set "pod_ip" = excluded."pod_ip" where "sessions"."locked" = $3 returning "session_id""#
/// );
/// # Ok::<(), knexrs_query::QueryError>(())
/// ```
pub struct OnConflictBuilder<'a> {
    insert: &'a mut Insert,
}

impl OnConflictBuilder<'_> {
    fn conflict(&mut self) -> &mut OnConflict {
        self.insert.on_conflict.get_or_insert(OnConflict {
            target: ConflictTarget::None,
            action: ConflictAction::Nothing,
            wheres: Conditions::default(),
        })
    }

    /// `do nothing` (knex `ignore`).
    ///
    /// ```
    /// # use knexrs_query::{Insert, PostgresQueryBuilder};
    /// let mut q = Insert::into("token_jti");
    /// q.set("jti", "j-1").set("session_id", "s-1");
    /// q.on_conflict(["jti"]).ignore();
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"insert into "token_jti" ("jti", "session_id") values ($1, $2) on conflict ("jti") do nothing"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn ignore(&mut self) -> &mut Self {
        self.conflict().action = ConflictAction::Nothing;
        self
    }

    /// `do update set` every inserted column to the excluded row's value (knex `merge()`).
    ///
    /// ```
    /// # use knexrs_query::{Insert, PostgresQueryBuilder};
    /// let mut q = Insert::into("sessions");
    /// q.set("session_id", "s-1").set("pod_ip", "10.0.0.7");
    /// q.on_conflict(["session_id"]).merge();
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"insert into "sessions" ("pod_ip", "session_id") values ($1, $2) on conflict ("session_id") do update set "pod_ip" = excluded."pod_ip", "session_id" = excluded."session_id""#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn merge(&mut self) -> &mut Self {
        self.conflict().action = ConflictAction::MergeAll;
        self
    }

    /// `do update set` these columns only (knex `merge([columns])`): one column or a list.
    ///
    /// ```
    /// # use knexrs_query::{raw, Insert, PostgresQueryBuilder};
    /// let mut q = Insert::into("sessions");
    /// q.set("session_id", "s-1").set("pod_ip", "10.0.0.7").set("created_at", raw("now()"));
    /// q.on_conflict(["session_id"]).merge_columns(["pod_ip"]);
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"insert into "sessions" ("created_at", "pod_ip", "session_id") values (now(), $1, $2) on conflict ("session_id") do update set "pod_ip" = excluded."pod_ip""#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn merge_columns(&mut self, columns: impl IntoNames) -> &mut Self {
        let columns = columns.into_names().map(last_part).collect();
        self.conflict().action = ConflictAction::MergeColumns(columns);
        self
    }

    /// `do update set column = value` (knex `merge({ … })`); call once per column.
    ///
    /// ```
    /// # use knexrs_query::{raw, Insert, PostgresQueryBuilder};
    /// let mut q = Insert::into("counters");
    /// q.set("name", "visits").set("n", 1);
    /// q.on_conflict(["name"]).merge_set("n", raw("counters.n + 1"));
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"insert into "counters" ("n", "name") values ($1, $2) on conflict ("name") do update set "n" = counters.n + 1"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn merge_set(&mut self, column: impl IntoName, value: impl IntoOperand) -> &mut Self {
        let pair = (column.into_name(), value.into_operand());
        match &mut self.conflict().action {
            ConflictAction::MergeValues(values) => values.push(pair),
            action => *action = ConflictAction::MergeValues(vec![pair]),
        }
        self
    }

    /// Only update where `column <op> value` holds (knex `merge().where(…)`).
    ///
    /// ```
    /// # use knexrs_query::{Insert, PostgresQueryBuilder};
    /// let mut q = Insert::into("sessions");
    /// q.set("session_id", "s-1").set("version", 3);
    /// q.on_conflict(["session_id"]).merge().where_op("sessions.version", "<", 3);
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"insert into "sessions" ("session_id", "version") values ($1, $2) on conflict ("session_id") do update set "session_id" = excluded."session_id", "version" = excluded."version" where "sessions"."version" < $3"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn where_op(&mut self, column: impl IntoColumn, op: impl IntoOp, value: impl IntoOperand) -> &mut Self {
        let clause = compare(column.into_column(), op.into_op(), value.into_operand());
        self.conflict().wheres.push(false, false, clause);
        self
    }

    /// Only update where `column = value` holds.
    ///
    /// ```
    /// # use knexrs_query::{Insert, PostgresQueryBuilder};
    /// let mut q = Insert::into("sessions");
    /// q.set("session_id", "s-1").set("pod_ip", "10.0.0.7");
    /// q.on_conflict(["session_id"]).merge().where_eq("sessions.locked", false);
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"insert into "sessions" ("pod_ip", "session_id") values ($1, $2) on conflict ("session_id") do update set "pod_ip" = excluded."pod_ip", "session_id" = excluded."session_id" where "sessions"."locked" = $3"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn where_eq(&mut self, column: impl IntoColumn, value: impl IntoOperand) -> &mut Self {
        self.where_op(column, crate::Op::Eq, value)
    }

    /// `returning columns…` of the insert: one column (`"id"`) or a list (`["id", "email"]`).
    ///
    /// ```
    /// # use knexrs_query::{Insert, PostgresQueryBuilder};
    /// let mut q = Insert::into("sessions");
    /// q.set("session_id", "s-1");
    /// q.on_conflict(["session_id"]).ignore().returning(["session_id"]);
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"insert into "sessions" ("session_id") values ($1) on conflict ("session_id") do nothing returning "session_id""#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn returning(&mut self, columns: impl IntoNames) -> &mut Self {
        self.insert.returning(columns);
        self
    }
}

fn last_part(name: std::borrow::Cow<'static, str>) -> std::borrow::Cow<'static, str> {
    match name.rfind('.') {
        None => name,
        Some(dot) => match name {
            std::borrow::Cow::Borrowed(s) => std::borrow::Cow::Borrowed(&s[dot + 1..]),
            std::borrow::Cow::Owned(s) => std::borrow::Cow::Owned(s[dot + 1..].to_owned()),
        },
    }
}

impl Insert {
    /// `insert into table` (knex `knex(table).insert(…)` / `into`).
    ///
    /// ```
    /// # use knexrs_query::{Insert, PostgresQueryBuilder};
    /// let mut q = Insert::into("app.sessions");
    /// q.set("session_id", "s-1");
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"insert into "app"."sessions" ("session_id") values ($1)"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn into(table: impl IntoName) -> Self {
        Insert { into: Some(Target::Table(table_name(table.into_name(), None))), ..Self::default() }
    }

    /// `insert into <raw SQL>`, such as `recipients (recipient_id, email)`.
    ///
    /// ```
    /// # use knexrs_query::{raw, Insert, PostgresQueryBuilder};
    /// let mut q = Insert::into_raw(raw("recipients (recipient_id, email)"));
    /// q.select_raw(raw("select id, email from users"));
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     "insert into recipients (recipient_id, email) select id, email from users"
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn into_raw(target: Raw) -> Self {
        Insert { into: Some(Target::Raw(target)), ..Self::default() }
    }

    /// Sets `column` in the current row (the first row until [`new_row`](Self::new_row)).
    ///
    /// ```
    /// # use knexrs_query::{Insert, PostgresQueryBuilder};
    /// let mut q = Insert::into("sessions");
    /// q.set("session_id", "s-1").set("job_name", "job-1").set("pod_ip", None::<String>);
    /// let (sql, values) = q.build(PostgresQueryBuilder)?;
    /// assert_eq!(sql, r#"insert into "sessions" ("job_name", "pod_ip", "session_id") values ($1, $2, $3)"#);
    /// assert_eq!(values.0.len(), 3);
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn set(&mut self, column: impl IntoName, value: impl IntoOperand) -> &mut Self {
        if self.rows.is_empty() {
            self.rows.push(Vec::with_capacity(4));
        }
        let column = column.into_name();
        let value = value.into_operand();
        if let Some(row) = self.rows.last_mut() {
            match row.iter_mut().find(|(c, _)| same_name(c, &column)) {
                Some(slot) => slot.1 = value,
                None => row.push((column, value)),
            }
        }
        self
    }

    /// Starts another row (a multi-row insert).
    ///
    /// ```
    /// # use knexrs_query::{Insert, PostgresQueryBuilder};
    /// let mut q = Insert::into("token_jti");
    /// q.set("jti", "j-1").set("session_id", "s-1");
    /// q.new_row().set("jti", "j-2").set("session_id", "s-1");
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"insert into "token_jti" ("jti", "session_id") values ($1, $2), ($3, $4)"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn new_row(&mut self) -> &mut Self {
        self.rows.push(Vec::with_capacity(4));
        self
    }

    /// Adds a row of `(column, value)` pairs (knex `insert({ … })`; rows
    /// added one after the other are knex's `insert([{ … }, { … }])`).
    /// Values of different types in one row are each made an operand.
    ///
    /// ```
    /// # use knexrs_query::{Insert, IntoOperand, PostgresQueryBuilder};
    /// let mut q = Insert::into("token_jti");
    /// q.row([("jti", "j-1"), ("session_id", "s-1")]).row([("jti", "j-2"), ("session_id", "s-1")]);
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"insert into "token_jti" ("jti", "session_id") values ($1, $2), ($3, $4)"#
    /// );
    /// let mut mixed = Insert::into("counters");
    /// mixed.row([("name", "logins".into_operand()), ("value", 1.into_operand())]);
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn row<I, S, V>(&mut self, pairs: I) -> &mut Self
    where
        I: IntoIterator<Item = (S, V)>,
        S: IntoName,
        V: IntoOperand,
    {
        self.rows.push(pairs.into_iter().map(|(c, v)| (c.into_name(), v.into_operand())).collect());
        self
    }

    /// `insert into table select …` (knex `insert(subquery)`).
    ///
    /// ```
    /// # use knexrs_query::{raw, Insert, Select, Wheres, PostgresQueryBuilder};
    /// let mut expired = Select::from("sessions");
    /// expired.columns(["session_id", "expires_at"]).where_op("expires_at", "<", raw("now()"));
    /// let mut q = Insert::into("sessions_archive");
    /// q.select(expired);
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"insert into "sessions_archive" select "session_id", "expires_at" from "sessions" where "expires_at" < now()"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn select(&mut self, query: Select) -> &mut Self {
        self.source = Some(Box::new(query.into_operand()));
        self
    }

    /// `insert into table <raw SQL>` (knex `insert(knex.raw(…))`).
    ///
    /// ```
    /// # use knexrs_query::{raw, Insert, PostgresQueryBuilder};
    /// let mut q = Insert::into("sessions_archive");
    /// q.select_raw(raw("select * from sessions where expires_at < now()"));
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"insert into "sessions_archive" select * from sessions where expires_at < now()"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn select_raw(&mut self, sql: Raw) -> &mut Self {
        self.source = Some(Box::new(sql.into_operand()));
        self
    }

    /// `insert into table default values`: one row of defaults (knex `insert({})`).
    ///
    /// ```
    /// # use knexrs_query::{Insert, PostgresQueryBuilder};
    /// let mut q = Insert::into("events");
    /// q.default_values().returning(["id"]);
    /// assert_eq!(q.build(PostgresQueryBuilder)?.0, r#"insert into "events" default values returning "id""#);
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn default_values(&mut self) -> &mut Self {
        self.default_values = true;
        self
    }

    /// `on conflict (columns…)`, then `.ignore()` or `.merge()` (knex `onConflict`): one column (`"email"`) or a list.
    ///
    /// ```
    /// # use knexrs_query::{Insert, PostgresQueryBuilder};
    /// let mut q = Insert::into("sessions");
    /// q.set("session_id", "s-1").set("pod_ip", "10.0.0.7");
    /// q.on_conflict(["session_id"]).merge_columns(["pod_ip"]);
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"insert into "sessions" ("pod_ip", "session_id") values ($1, $2) on conflict ("session_id") do update set "pod_ip" = excluded."pod_ip""#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn on_conflict(&mut self, columns: impl IntoNames) -> OnConflictBuilder<'_> {
        let columns: Vec<Name> = columns.into_names().collect();
        let target = if columns.is_empty() { ConflictTarget::None } else { ConflictTarget::Columns(columns) };
        self.on_conflict = Some(OnConflict { target, action: ConflictAction::Nothing, wheres: Conditions::default() });
        OnConflictBuilder { insert: self }
    }

    /// `on conflict on constraint name`, then `.ignore()` or `.merge()`.
    ///
    /// ```
    /// # use knexrs_query::{Insert, PostgresQueryBuilder};
    /// let mut q = Insert::into("sessions");
    /// q.set("session_id", "s-1").set("job_name", "job-1");
    /// q.on_conflict_constraint("sessions_job_name_unique").ignore();
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"insert into "sessions" ("job_name", "session_id") values ($1, $2) on conflict on constraint "sessions_job_name_unique" do nothing"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn on_conflict_constraint(&mut self, constraint: impl IntoName) -> OnConflictBuilder<'_> {
        let target = ConflictTarget::Constraint(constraint.into_name());
        self.on_conflict = Some(OnConflict { target, action: ConflictAction::Nothing, wheres: Conditions::default() });
        OnConflictBuilder { insert: self }
    }

    /// `on conflict <raw SQL>`, for a target with a predicate
    /// (`(email) where deleted_at is null`), then `.ignore()` or `.merge()`.
    ///
    /// ```
    /// use knexrs_query::{raw, Insert, PostgresQueryBuilder};
    ///
    /// let mut q = Insert::into("users");
    /// q.set("email", "a@b.c");
    /// q.on_conflict_raw(raw("(email) where deleted_at is null")).ignore();
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder).unwrap().0,
    ///     r#"insert into "users" ("email") values ($1) on conflict (email) where deleted_at is null do nothing"#
    /// );
    /// ```
    pub fn on_conflict_raw(&mut self, target: Raw) -> OnConflictBuilder<'_> {
        let target = ConflictTarget::Raw(target);
        self.on_conflict = Some(OnConflict { target, action: ConflictAction::Nothing, wheres: Conditions::default() });
        OnConflictBuilder { insert: self }
    }

    /// `returning columns…`: one column (`"id"`, `"*"` for every column) or a list (`["id", "email"]`).
    ///
    /// ```
    /// # use knexrs_query::{Insert, PostgresQueryBuilder};
    /// let mut q = Insert::into("sessions");
    /// q.set("session_id", "s-1").returning(["session_id", "created_at"]);
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"insert into "sessions" ("session_id") values ($1) returning "session_id", "created_at""#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn returning(&mut self, columns: impl IntoNames) -> &mut Self {
        self.returning.extend(columns.into_names().map(crate::col));
        self
    }

    /// Whether there is nothing to insert: no row, no query (knex renders such an insert as no statement).
    ///
    /// ```
    /// # use knexrs_query::{Insert, PostgresQueryBuilder};
    /// let mut q = Insert::into("sessions");
    /// assert!(q.is_empty());
    /// q.set("session_id", "s-1");
    /// assert!(!q.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty() && self.source.is_none() && !self.default_values
    }

    /// The columns of every row, sorted, as knex lists them.
    fn columns(&self) -> Vec<&str> {
        let mut columns: Vec<&str> = Vec::with_capacity(self.rows.first().map_or(0, Vec::len));
        for row in &self.rows {
            for (column, _) in row {
                if let Err(at) = columns.binary_search(&column.as_ref()) {
                    columns.insert(at, column);
                }
            }
        }
        columns
    }

    pub(crate) fn write_to<'a>(&'a self, w: &mut Writer<'a>) -> Result<(), QueryError> {
        if self.is_empty() {
            return Ok(());
        }
        self.with.write(w)?;
        w.push_str("insert into ");
        match &self.into {
            Some(Target::Table(table)) => w.table(table),
            Some(Target::Raw(raw)) => raw.write(w)?,
            None => return Err(crate::BuildError::InsertWithoutTable.into()),
        }
        let columns = self.columns();
        if let Some(source) = &self.source {
            w.push_str(" ");
            match &source.0 {
                OperandKind::Select(query) => query.write_to(w)?,
                _ => source.write(w)?,
            }
        } else if columns.is_empty() {
            // Rows without columns (knex `insert({})`): one row of defaults.
            if self.rows.len() > 1 {
                return Err(crate::BuildError::DefaultRows { rows: self.rows.len() }.into());
            }
            w.push_str(" default values");
        } else {
            w.push_str(" (");
            for (i, column) in columns.iter().enumerate() {
                if i > 0 {
                    w.push_str(", ");
                }
                w.name(column);
            }
            w.push_str(") values ");
            for (r, row) in self.rows.iter().enumerate() {
                w.push_str(if r == 0 { "(" } else { ", (" });
                for (i, column) in columns.iter().enumerate() {
                    if i > 0 {
                        w.push_str(", ");
                    }
                    match row.iter().find(|(c, _)| same_name(c, column)) {
                        Some((_, value)) => value.write(w)?,
                        None => w.push_str("DEFAULT"),
                    }
                }
                w.push_str(")");
            }
        }
        if let Some(conflict) = &self.on_conflict {
            self.write_on_conflict(conflict, &columns, w)?;
        }
        write_returning(&self.returning, w)
    }

    fn write_on_conflict<'a>(
        &'a self,
        conflict: &'a OnConflict,
        columns: &[&str],
        w: &mut Writer<'a>,
    ) -> Result<(), QueryError> {
        w.push_str(" on conflict");
        match &conflict.target {
            ConflictTarget::None => {}
            ConflictTarget::Columns(targets) => {
                w.push_str(" (");
                for (i, column) in targets.iter().enumerate() {
                    if i > 0 {
                        w.push_str(", ");
                    }
                    w.name(column);
                }
                w.push_str(")");
            }
            ConflictTarget::Constraint(name) => {
                w.push_str(" on constraint ");
                w.name(name);
            }
            ConflictTarget::Raw(raw) => {
                w.push_str(" ");
                raw.write(w)?;
            }
        }
        let excluded = |w: &mut Writer<'_>, list: &mut dyn Iterator<Item = &str>| {
            for (i, column) in list.enumerate() {
                if i > 0 {
                    w.push_str(", ");
                }
                w.name(column);
                w.push_str(" = excluded.");
                w.name(column);
            }
        };
        match &conflict.action {
            ConflictAction::Nothing => w.push_str(" do nothing"),
            ConflictAction::MergeAll => {
                if columns.is_empty() {
                    return Err(crate::BuildError::MergeWithoutColumns.into());
                }
                w.push_str(" do update set ");
                excluded(w, &mut columns.iter().copied());
            }
            ConflictAction::MergeColumns(list) => {
                w.push_str(" do update set ");
                excluded(w, &mut list.iter().map(AsRef::as_ref));
            }
            ConflictAction::MergeValues(values) => {
                w.push_str(" do update set ");
                for (i, (column, value)) in values.iter().enumerate() {
                    if i > 0 {
                        w.push_str(", ");
                    }
                    w.name(column);
                    w.push_str(" = ");
                    value.write(w)?;
                }
            }
        }
        if !matches!(conflict.action, ConflictAction::Nothing) {
            conflict.wheres.write_clause(w, " where ")?;
        }
        Ok(())
    }
}

/// Whether two column names are the same; the same `&'static str` is found without comparing bytes.
fn same_name(a: &str, b: &str) -> bool {
    std::ptr::eq(a, b) || a == b
}

pub(crate) fn write_returning<'a>(returning: &'a [Operand], w: &mut Writer<'a>) -> Result<(), QueryError> {
    for (i, column) in returning.iter().enumerate() {
        w.push_str(if i == 0 { " returning " } else { ", " });
        column.write(w)?;
    }
    Ok(())
}

impl Ctes for Insert {
    fn with_clause_mut(&mut self) -> &mut With {
        &mut self.with
    }
}
