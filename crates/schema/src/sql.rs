//! Small rendering helpers shared by the statements sea-query has no builder for.
//! Quoting and literals go through sea-query's PostgreSQL backend, so every
//! statement escapes identifiers and strings the same way.

use sea_query::{Alias, DynIden, IntoIden, PostgresQueryBuilder, QueryBuilder, Value};

/// An identifier that sea-query will always quote and escape.
pub(crate) fn iden(name: &str) -> DynIden {
    Alias::new(name).into_iden()
}

/// `"name"`, with embedded quotes doubled.
pub(crate) fn quote(name: &str) -> String {
    knexrs_sql::quote_ident(name)
}

/// `drop <kind> [if exists] <name> [cascade]`, for the objects sea-query has no
/// drop statement for, written as knex writes them (lowercase).
pub(crate) fn drop_sql(kind: &str, if_exists: bool, name: &str, cascade: bool) -> String {
    let if_exists = if if_exists { "if exists " } else { "" };
    let cascade = if cascade { " cascade" } else { "" };
    format!("drop {kind} {if_exists}{name}{cascade}")
}

/// `"schema"."name"` or `"name"`.
pub(crate) fn qualified(schema: Option<&str>, name: &str) -> String {
    match schema {
        Some(schema) => format!("{}.{}", quote(schema), quote(name)),
        None => quote(name),
    }
}

/// `"a", "b"`.
pub(crate) fn quote_list<S: AsRef<str>>(names: &[S]) -> String {
    names.iter().map(|n| quote(n.as_ref())).collect::<Vec<_>>().join(", ")
}

/// A value written inline as a PostgreSQL literal (`'it''s'`, `E'a\\b'`, `42`).
pub(crate) fn literal(value: &Value) -> String {
    PostgresQueryBuilder.value_to_string(value)
}

/// A string written inline as a PostgreSQL string literal.
pub(crate) fn string_literal(text: &str) -> String {
    literal(&Value::String(Some(text.to_owned())))
}

/// A type reference sea-query understands, schema-qualified when given.
pub(crate) fn type_ref(schema: Option<&str>, name: &str) -> sea_query::TypeRef {
    sea_query::TypeRef(schema.map(|s| sea_query::SchemaName(None, iden(s))), iden(name))
}

/// A comment as knex writes it: a lone `'` is doubled, but `''` is taken as
/// an already-escaped quote (knex's "pre-escaped quotes"), so text written for
/// knex stores the same comment here.
pub(crate) fn comment_literal(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 2);
    out.push('\'');
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '\'' {
            out.push_str("''");
            // A pair stays a pair; a lone quote becomes one.
            i += if chars.get(i + 1) == Some(&'\'') { 2 } else { 1 };
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    out.push('\'');
    out
}

/// A table reference sea-query understands, schema-qualified when given.
pub(crate) fn table_ref(schema: Option<&str>, table: &str) -> sea_query::TableRef {
    use sea_query::IntoTableRef;
    match schema {
        Some(schema) => (iden(schema), iden(table)).into_table_ref(),
        None => iden(table).into_table_ref(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_quoted_and_escaped() {
        assert_eq!(quote("users"), r#""users""#);
        assert_eq!(quote(r#"we"ird"#), r#""we""ird""#);
        assert_eq!(qualified(Some("app"), "users"), r#""app"."users""#);
    }

    #[test]
    fn comments_escape_lone_quotes_and_keep_pre_escaped_ones() {
        assert_eq!(comment_literal("it's"), "'it''s'");
        assert_eq!(comment_literal("it''s"), "'it''s'");
        assert_eq!(comment_literal("'"), "''''");
        assert_eq!(comment_literal("a\\b"), "'a\\b'");
    }

    #[test]
    fn strings_become_safe_literals() {
        assert_eq!(string_literal("plain"), "'plain'");
        let quoted = string_literal("it's");
        assert!(quoted == "'it''s'" || quoted == r"E'it\'s'", "{quoted}");
    }
}
