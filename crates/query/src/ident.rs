//! Names as knex takes them: `"id"`, `"users.id"`, `"u.*"`, `"users as u"`,
//! `"email as e"`; split without allocating when they are `&'static str`.

use sea_query::{Alias, ColumnName, ColumnRef, DynIden, IntoIden, SchemaName, TableName};
use std::borrow::Cow;

/// A piece of a name: borrowed when static, owned otherwise; always quoted
/// and escaped when rendered.
pub(crate) fn iden(name: Cow<'static, str>) -> DynIden {
    match name {
        Cow::Borrowed(s) => s.into_iden(),
        Cow::Owned(s) => Alias::new(s).into_iden(),
    }
}

/// `"x as y"` (any case of `as`) → (`x`, `Some(y)`).
pub(crate) fn split_alias(name: Cow<'static, str>) -> (Cow<'static, str>, Option<Cow<'static, str>>) {
    let position = {
        let bytes = name.as_bytes();
        (0..bytes.len().saturating_sub(3)).find(|&i| {
            bytes[i] == b' '
                && bytes[i + 1].eq_ignore_ascii_case(&b'a')
                && bytes[i + 2].eq_ignore_ascii_case(&b's')
                && bytes[i + 3] == b' '
        })
    };
    let Some(at) = position else { return (name, None) };
    match name {
        Cow::Borrowed(s) => (Cow::Borrowed(s[..at].trim()), Some(Cow::Borrowed(s[at + 4..].trim()))),
        Cow::Owned(s) => (Cow::Owned(s[..at].trim().to_owned()), Some(Cow::Owned(s[at + 4..].trim().to_owned()))),
    }
}

/// Splits `a.b.c` into its parts without allocating for static names.
fn split_dot(name: Cow<'static, str>) -> Vec<Cow<'static, str>> {
    match name {
        Cow::Borrowed(s) => s.split('.').map(Cow::Borrowed).collect(),
        Cow::Owned(s) => s.split('.').map(|p| Cow::Owned(p.to_owned())).collect(),
    }
}

#[allow(clippy::ptr_arg, reason = "a borrowed name keeps its 'static lifetime, which `&str` would lose")]
fn slice(name: &Cow<'static, str>, range: std::ops::Range<usize>) -> Cow<'static, str> {
    match name {
        Cow::Borrowed(s) => Cow::Borrowed(&s[range]),
        Cow::Owned(s) => Cow::Owned(s[range].to_owned()),
    }
}

/// `"users.id"` → `"users"."id"`; `"u.*"` → `"u".*`; `"*"` → `*`.
pub(crate) fn column_ref(name: Cow<'static, str>) -> ColumnRef {
    // The common cases (`col`, `table.col`) without collecting into a Vec.
    let (table, last) = match name.rfind('.') {
        None => (None, name),
        Some(dot) if !name[..dot].contains('.') => {
            let table = TableName(None, iden(slice(&name, 0..dot)));
            let last = slice(&name, dot + 1..name.len());
            (Some(table), last)
        }
        Some(dot) => {
            let last = slice(&name, dot + 1..name.len());
            let mut parts = split_dot(slice(&name, 0..dot));
            let table = parts.pop().map(iden);
            let schema = parts.pop().map(|s| SchemaName(None, iden(s)));
            (table.map(|t| TableName(schema, t)), last)
        }
    };
    if last == "*" { ColumnRef::Asterisk(table) } else { ColumnRef::Column(ColumnName(table, iden(last))) }
}

/// `"schema.table"` → (`Some(schema)`, `table`).
pub(crate) fn table_name(name: Cow<'static, str>, default_schema: Option<&DynIden>) -> TableName {
    let mut parts = split_dot(name);
    let table = iden(parts.pop().unwrap_or(Cow::Borrowed("")));
    let schema = parts.pop().map(iden).or_else(|| default_schema.cloned());
    TableName(schema.map(|s| SchemaName(None, s)), table)
}

/// A name: a `&'static str` is split without allocating.
pub trait IntoName {
    /// The name.
    fn into_name(self) -> Cow<'static, str>;
}

impl IntoName for &'static str {
    fn into_name(self) -> Cow<'static, str> {
        Cow::Borrowed(self)
    }
}

impl IntoName for String {
    fn into_name(self) -> Cow<'static, str> {
        Cow::Owned(self)
    }
}

impl IntoName for &String {
    fn into_name(self) -> Cow<'static, str> {
        Cow::Owned(self.clone())
    }
}

impl IntoName for Cow<'static, str> {
    fn into_name(self) -> Cow<'static, str> {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knex_names_split_into_parts() {
        assert_eq!(split_alias(Cow::Borrowed("foo as bar")), (Cow::Borrowed("foo"), Some(Cow::Borrowed("bar"))));
        assert_eq!(split_alias(Cow::Borrowed("foo AS bar")).1, Some(Cow::Borrowed("bar")));
        assert_eq!(split_alias(Cow::Borrowed("alias")).1, None);
        assert!(matches!(column_ref(Cow::Borrowed("u.*")), ColumnRef::Asterisk(Some(_))));
        assert!(matches!(column_ref(Cow::Borrowed("*")), ColumnRef::Asterisk(None)));
    }
}
