//! The writer statements render into: SQL text plus bound values, or SQL with
//! values inlined (knex `toQuery`). Values and expressions are written by
//! sea-query's PostgreSQL backend, identifiers quoted as PostgreSQL quotes
//! them; statements lay them out in knex's clause order.

use crate::ident::TableName;
use sea_query::{Expr, PostgresQueryBuilder, QueryBuilder, SqlWriter, Value, Values};
use std::borrow::Cow;
use std::fmt::Write;

/// SQL being written, with its bound values.
pub(crate) struct Writer<'a> {
    sql: String,
    /// Borrowed from the statement where they live there: running a statement copies no value.
    values: Vec<Cow<'a, Value>>,
    inline: bool,
}

impl<'a> Writer<'a> {
    /// Values become `$1`, `$2`, … (or literals when `inline`).
    pub(crate) fn new(inline: bool) -> Self {
        Writer { sql: String::with_capacity(192), values: Vec::with_capacity(4), inline }
    }

    pub(crate) fn push_str(&mut self, s: &str) {
        self.sql.push_str(s);
    }

    pub(crate) fn value(&mut self, value: Cow<'a, Value>) {
        if self.inline {
            if let Value::String(Some(text)) = value.as_ref() {
                write_string_literal(&mut self.sql, text);
                return;
            }
            if let Value::Array(_, Some(items)) = value.as_ref() {
                // knex writes arrays as their text form in a string literal.
                self.sql.push('\'');
                self.sql.push_str(&crate::value::array_text(items).replace('\'', "''"));
                self.sql.push('\'');
                return;
            }
            // sea-query writes the value as an escaped literal.
            let _ = PostgresQueryBuilder.write_value(&mut self.sql, value.as_ref());
        } else {
            self.values.push(value);
            self.sql.push('$');
            self.sql.push_str(itoa::Buffer::new().format(self.values.len()));
        }
    }

    /// An identifier, quoted as PostgreSQL quotes one (`"a""b"` for `a"b`).
    pub(crate) fn name(&mut self, name: &str) {
        knexrs_sql::push_quoted_ident(&mut self.sql, name);
    }

    /// A column as knex names it: `id`, `users.id`, `public.users.id`, `u.*`, `*`.
    pub(crate) fn column(&mut self, name: &str) {
        if !name.as_bytes().contains(&b'.') {
            if name == "*" {
                self.sql.push('*');
            } else {
                self.name(name);
            }
            return;
        }
        let mut parts = name.split('.').peekable();
        while let Some(part) = parts.next() {
            if part == "*" && parts.peek().is_none() {
                self.sql.push('*');
            } else {
                self.name(part);
            }
            if parts.peek().is_some() {
                self.sql.push('.');
            }
        }
    }

    pub(crate) fn table(&mut self, table: &TableName) {
        if let Some(schema) = &table.schema {
            self.name(schema);
            self.sql.push('.');
        }
        self.name(&table.table);
    }

    pub(crate) fn expr(&mut self, expr: &Expr) {
        PostgresQueryBuilder.prepare_expr(expr, self);
    }

    pub(crate) fn into_parts(self) -> (String, Values) {
        (self.sql, Values(self.values.into_iter().map(Cow::into_owned).collect()))
    }

    /// The SQL and the values, borrowed from the statement where possible.
    pub(crate) fn into_borrowed_parts(self) -> (String, Vec<Cow<'a, Value>>) {
        (self.sql, self.values)
    }

    pub(crate) fn into_sql(self) -> String {
        self.sql
    }
}

/// A string literal as knex (and PostgreSQL's own `quote_literal`) writes it:
/// quotes doubled, and `E'…'` with doubled backslashes only when there is a backslash.
fn write_string_literal(sql: &mut String, text: &str) {
    let backslash = text.contains('\\');
    if backslash {
        sql.push('E');
    }
    sql.push('\'');
    for c in text.chars() {
        if c == '\'' || c == '\\' {
            sql.push(c);
        }
        sql.push(c);
    }
    sql.push('\'');
}

impl Write for Writer<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.sql.push_str(s);
        Ok(())
    }

    fn write_char(&mut self, c: char) -> std::fmt::Result {
        self.sql.push(c);
        Ok(())
    }
}

impl std::fmt::Display for Writer<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.sql)
    }
}

impl SqlWriter for Writer<'_> {
    fn push_param<T: QueryBuilder>(&mut self, value: Value, _: &T) {
        self.value(Cow::Owned(value));
    }

    fn as_writer(&mut self) -> &mut dyn Write {
        self
    }
}
