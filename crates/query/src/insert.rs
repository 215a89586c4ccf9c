//! `insert`: rows of column/value pairs (columns sorted as knex sorts them),
//! `insert … select`, `on conflict` (knex `onConflict().ignore()/merge()`), `returning`.

use crate::conditions::{Conditions, IntoColumn, compare};
use crate::cte::{Ctes, With};
use crate::ident::{TableName, table_name};
use crate::operand::{IntoOperand, Operand, OperandKind};
use crate::render::Writer;
use crate::{IntoName, IntoOp, QueryError, Raw, Select};
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
    pub fn ignore(&mut self) -> &mut Self {
        self.conflict().action = ConflictAction::Nothing;
        self
    }

    /// `do update set` every inserted column to the excluded row's value (knex `merge()`).
    pub fn merge(&mut self) -> &mut Self {
        self.conflict().action = ConflictAction::MergeAll;
        self
    }

    /// `do update set` these columns only (knex `merge([columns])`).
    pub fn merge_columns<I, S>(&mut self, columns: I) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: IntoName,
    {
        let columns = columns.into_iter().map(|c| last_part(c.into_name())).collect();
        self.conflict().action = ConflictAction::MergeColumns(columns);
        self
    }

    /// `do update set column = value` (knex `merge({ … })`); call once per column.
    pub fn merge_set(&mut self, column: impl IntoName, value: impl IntoOperand) -> &mut Self {
        let pair = (column.into_name(), value.into_operand());
        match &mut self.conflict().action {
            ConflictAction::MergeValues(values) => values.push(pair),
            action => *action = ConflictAction::MergeValues(vec![pair]),
        }
        self
    }

    /// Only update where `column <op> value` holds (knex `merge().where(…)`).
    pub fn where_op(&mut self, column: impl IntoColumn, op: impl IntoOp, value: impl IntoOperand) -> &mut Self {
        let clause = compare(column.into_column(), op.into_op(), value.into_operand());
        self.conflict().wheres.push(false, false, clause);
        self
    }

    /// Only update where `column = value` holds.
    pub fn where_eq(&mut self, column: impl IntoColumn, value: impl IntoOperand) -> &mut Self {
        self.where_op(column, crate::Op::Eq, value)
    }

    /// `returning columns…` of the insert.
    pub fn returning<I, S>(&mut self, columns: I) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: IntoName,
    {
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
    pub fn into(table: impl IntoName) -> Self {
        Insert { into: Some(Target::Table(table_name(table.into_name(), None))), ..Self::default() }
    }

    /// `insert into <raw SQL>`, such as `recipients (recipient_id, email)`.
    pub fn into_raw(target: Raw) -> Self {
        Insert { into: Some(Target::Raw(target)), ..Self::default() }
    }

    /// Sets `column` in the current row (the first row until [`new_row`](Self::new_row)).
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
    pub fn new_row(&mut self) -> &mut Self {
        self.rows.push(Vec::with_capacity(4));
        self
    }

    /// Adds a row of `(column, value)` pairs (knex `insert({ … })`).
    pub fn row<I, S>(&mut self, pairs: I) -> &mut Self
    where
        I: IntoIterator<Item = (S, Operand)>,
        S: IntoName,
    {
        self.rows.push(pairs.into_iter().map(|(c, v)| (c.into_name(), v)).collect());
        self
    }

    /// `insert into table select …` (knex `insert(subquery)`).
    pub fn select(&mut self, query: Select) -> &mut Self {
        self.source = Some(Box::new(query.into_operand()));
        self
    }

    /// `insert into table <raw SQL>` (knex `insert(knex.raw(…))`).
    pub fn select_raw(&mut self, sql: Raw) -> &mut Self {
        self.source = Some(Box::new(sql.into_operand()));
        self
    }

    /// `insert into table default values`: one row of defaults (knex `insert({})`).
    pub fn default_values(&mut self) -> &mut Self {
        self.default_values = true;
        self
    }

    /// `on conflict (columns…)`, then `.ignore()` or `.merge()` (knex `onConflict`).
    pub fn on_conflict<I, S>(&mut self, columns: I) -> OnConflictBuilder<'_>
    where
        I: IntoIterator<Item = S>,
        S: IntoName,
    {
        let columns: Vec<Name> = columns.into_iter().map(IntoName::into_name).collect();
        let target = if columns.is_empty() { ConflictTarget::None } else { ConflictTarget::Columns(columns) };
        self.on_conflict = Some(OnConflict { target, action: ConflictAction::Nothing, wheres: Conditions::default() });
        OnConflictBuilder { insert: self }
    }

    /// `on conflict on constraint name`, then `.ignore()` or `.merge()`.
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

    /// `returning columns…` (`"*"` for every column).
    pub fn returning<I, S>(&mut self, columns: I) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: IntoName,
    {
        self.returning.extend(columns.into_iter().map(crate::col));
        self
    }

    /// Whether there is nothing to insert: no row, no query (knex renders such an insert as no statement).
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
            None => return Err(QueryError::Build("insert names no table: use Insert::into(\"table\")".into())),
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
                return Err(QueryError::Build(format!(
                    "insert of {} rows sets no column: PostgreSQL inserts one row of defaults at a time",
                    self.rows.len()
                )));
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
                    return Err(QueryError::Build(
                        "merge() takes the inserted columns, but this insert has none: use merge_columns or merge_set"
                            .into(),
                    ));
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
