//! The writer statements render into: SQL text plus bound values, or SQL with
//! values inlined (knex `toQuery`). Values and expressions are written by
//! sea-query's PostgreSQL backend, identifiers quoted as PostgreSQL quotes
//! them; statements lay them out in knex's clause order.

use crate::QueryError;
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
    /// What an empty name was written for (`table`, `column`): the statement
    /// is refused by [`check`](Self::check) rather than sent as `""`.
    empty_name: Option<&'static str>,
}

impl<'a> Writer<'a> {
    /// Values become `$1`, `$2`, … (or literals when `inline`).
    pub(crate) fn new(inline: bool) -> Self {
        Writer { sql: String::with_capacity(192), values: Vec::with_capacity(4), inline, empty_name: None }
    }

    /// The statement's error found while writing it (an empty table or column name).
    pub(crate) fn check(&self) -> Result<(), QueryError> {
        match self.empty_name {
            Some(what) => Err(crate::BuildError::EmptyName { what }.into()),
            None => Ok(()),
        }
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
        if name.is_empty() {
            self.empty_name.get_or_insert("column");
        }
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
        if table.table.is_empty() || table.schema.as_deref() == Some("") {
            self.empty_name.get_or_insert("table");
        }
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

#[cfg(test)]
mod tests {
    use crate::{BuildError, Insert, PostgresQueryBuilder, QueryError, Update, Wheres, table};

    fn empty_name(result: Result<impl std::fmt::Debug, QueryError>) -> &'static str {
        match result {
            Err(QueryError::Build(BuildError::EmptyName { what })) => what,
            other => panic!("expected an empty-name error, got {other:?}"),
        }
    }

    #[test]
    fn an_empty_table_or_column_name_is_a_build_error_never_sql_with_a_zero_length_identifier() {
        assert_eq!(empty_name(table("").build(PostgresQueryBuilder)), "table");
        let mut q = table("sessions");
        q.where_eq("", 1);
        assert_eq!(empty_name(q.build(PostgresQueryBuilder)), "column");
        let mut q = Insert::into("sessions");
        q.set("", "x");
        assert_eq!(empty_name(q.to_string(PostgresQueryBuilder)), "column");
        let mut q = Update::table("");
        q.set("pod_ip", "10.0.0.1");
        assert_eq!(empty_name(q.build(PostgresQueryBuilder)), "table");
        let error = table("").build(PostgresQueryBuilder).unwrap_err().to_string();
        assert_eq!(error, "an empty table name: give every table a name");
    }
}
