//! Names as knex takes them: `"id"`, `"users.id"`, `"u.*"`, `"users as u"`,
//! `"email as e"`; split without allocating when they are `&'static str`.

use std::borrow::Cow;

/// A name as given: borrowed when static, owned otherwise; always quoted and
/// escaped when written.
pub(crate) type Name = Cow<'static, str>;

/// A table, schema-qualified or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TableName {
    pub(crate) schema: Option<Name>,
    pub(crate) table: Name,
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

#[allow(clippy::ptr_arg, reason = "a borrowed name keeps its 'static lifetime, which `&str` would lose")]
fn slice(name: &Cow<'static, str>, range: std::ops::Range<usize>) -> Cow<'static, str> {
    match name {
        Cow::Borrowed(s) => Cow::Borrowed(&s[range]),
        Cow::Owned(s) => Cow::Owned(s[range].to_owned()),
    }
}

/// `"schema.table"` → (`Some(schema)`, `table`).
pub(crate) fn table_name(name: Name, default_schema: Option<&Name>) -> TableName {
    let Some(dot) = name.rfind('.') else {
        return TableName { schema: default_schema.cloned(), table: name };
    };
    let table = slice(&name, dot + 1..name.len());
    let schema_start = name[..dot].rfind('.').map_or(0, |d| d + 1);
    TableName { schema: Some(slice(&name, schema_start..dot)), table }
}

/// A name: a `&'static str` is split without allocating.
///
/// ```
/// # use knexrs_query::{Select, PostgresQueryBuilder};
/// let table = format!("sessions_{}", 2026); // an owned name works too
/// let mut q = Select::from(table);
/// q.column("session_id as id"); // a static name is not copied
/// assert_eq!(q.build(PostgresQueryBuilder)?.0, r#"select "session_id" as "id" from "sessions_2026""#);
/// # Ok::<(), knexrs_query::QueryError>(())
/// ```
pub trait IntoName {
    /// The name.
    ///
    /// ```
    /// use knexrs_query::IntoName;
    /// use std::borrow::Cow;
    ///
    /// assert!(matches!("users".into_name(), Cow::Borrowed("users")));
    /// assert!(matches!(String::from("users").into_name(), Cow::Owned(_)));
    /// ```
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

/// One name or a list of them, as knex takes `'id'` or `['id', 'email']`
/// (`returning`, `onConflict`, `merge`, `forUpdate`, a join's `using`).
///
/// ```
/// # use knexrs_query::{Insert, PostgresQueryBuilder};
/// let mut q = Insert::into("users");
/// q.set("email", "a@example.com").on_conflict("email").ignore().returning("id"); // knex: .onConflict('email').ignore().returning('id')
/// let mut many = Insert::into("users");
/// many.set("email", "a@example.com").returning(["id", "created_at"]);
/// assert_eq!(
///     q.build(PostgresQueryBuilder)?.0,
///     r#"insert into "users" ("email") values ($1) on conflict ("email") do nothing returning "id""#
/// );
/// # Ok::<(), knexrs_query::QueryError>(())
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a name or a list of names",
    label = "give one name (\"id\") or a list ([\"id\", \"email\"], a `Vec`, a slice: collect an iterator into a `Vec`)"
)]
pub trait IntoNames {
    /// The names, in order.
    ///
    /// ```
    /// use knexrs_query::IntoNames;
    ///
    /// assert_eq!("id".into_names().count(), 1);
    /// assert_eq!(["id", "email"].into_names().count(), 2);
    /// ```
    fn into_names(self) -> impl Iterator<Item = Cow<'static, str>>;
}

/// Implements a "one or a list" trait (`IntoNames`, `IntoColumns`) for the
/// single forms given, and for an array, a `Vec` and borrowed slices of
/// anything one item converts from.
macro_rules! one_or_list {
    ($list:ident :: $into_list:ident, $one:ident :: $into_one:ident -> $item:ty; $($single:ty),*) => {
        $(
            impl $list for $single {
                fn $into_list(self) -> impl Iterator<Item = $item> {
                    std::iter::once($one::$into_one(self))
                }
            }
        )*

        impl<S: $one, const N: usize> $list for [S; N] {
            fn $into_list(self) -> impl Iterator<Item = $item> {
                self.into_iter().map($one::$into_one)
            }
        }

        impl<S: $one> $list for Vec<S> {
            fn $into_list(self) -> impl Iterator<Item = $item> {
                self.into_iter().map($one::$into_one)
            }
        }

        impl<S: $one + Clone> $list for &[S] {
            fn $into_list(self) -> impl Iterator<Item = $item> {
                self.iter().cloned().map($one::$into_one)
            }
        }

        impl<S: $one + Clone, const N: usize> $list for &[S; N] {
            fn $into_list(self) -> impl Iterator<Item = $item> {
                self.as_slice().$into_list()
            }
        }

        impl<S: $one + Clone> $list for &Vec<S> {
            fn $into_list(self) -> impl Iterator<Item = $item> {
                self.as_slice().$into_list()
            }
        }
    };
}
pub(crate) use one_or_list;

one_or_list!(IntoNames::into_names, IntoName::into_name -> Cow<'static, str>; &'static str, String, &String, Cow<'static, str>);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knex_names_split_into_parts() {
        assert_eq!(split_alias(Cow::Borrowed("foo as bar")), (Cow::Borrowed("foo"), Some(Cow::Borrowed("bar"))));
        assert_eq!(split_alias(Cow::Borrowed("foo AS bar")).1, Some(Cow::Borrowed("bar")));
        assert_eq!(split_alias(Cow::Borrowed("alias")).1, None);
    }
}
