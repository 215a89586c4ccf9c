//! What a query reads from: a table, a subquery or raw SQL.

use super::Select;
use crate::ident::{Name, TableName, split_alias, table_name};
use crate::{IntoName, Raw};
use std::borrow::Cow;

/// A `from` or a join target: a table (`"public.users as u"`), a subquery,
/// or raw SQL; made by [`IntoSource`] or [`aliased`].
#[derive(Debug, Clone)]
pub struct Source(pub(crate) SourceKind);

#[derive(Debug, Clone)]
pub(crate) enum SourceKind {
    /// A table, optionally schema-qualified and aliased.
    Table(TableName, Option<Name>),
    /// A subquery, optionally aliased.
    Subquery(Box<Select>, Option<Name>),
    /// Raw SQL.
    Raw(Raw),
}

/// Converts into a [`Source`]: `"users"`, `"public.users as u"`, a subquery or raw SQL.
///
/// ```
/// # use knexrs_query::{aliased, raw, Select, PostgresQueryBuilder};
/// let mut q = Select::from("app.sessions as s"); // a table, schema and alias
/// q.join(aliased(Select::from("pods"), "p"), "p.session_id", "s.session_id") // a subquery
///     .cross_join(raw("generate_series(1, 3) as n")); // raw SQL
/// assert_eq!(
///     q.build(PostgresQueryBuilder)?.0,
///     r#"select * from "app"."sessions" as "s" inner join (select * from "pods") as "p" on "p"."session_id" = "s"."session_id" cross join generate_series(1, 3) as n"#
/// );
/// # Ok::<(), knexrs_query::QueryError>(())
/// ```
pub trait IntoSource {
    /// The source.
    ///
    /// ```
    /// use knexrs_query::{IntoSource, Source};
    ///
    /// let source: Source = "sessions as s".into_source();
    /// # let _ = source;
    /// ```
    fn into_source(self) -> Source;
}

fn parse_table(name: Cow<'static, str>) -> Source {
    let (table, alias) = split_alias(name);
    Source(SourceKind::Table(table_name(table, None), alias))
}

impl IntoSource for &'static str {
    fn into_source(self) -> Source {
        parse_table(self.into_name())
    }
}

impl IntoSource for String {
    fn into_source(self) -> Source {
        parse_table(self.into_name())
    }
}

impl IntoSource for Cow<'static, str> {
    fn into_source(self) -> Source {
        parse_table(self)
    }
}

impl IntoSource for Raw {
    fn into_source(self) -> Source {
        Source(SourceKind::Raw(self))
    }
}

impl IntoSource for Source {
    fn into_source(self) -> Source {
        self
    }
}

impl IntoSource for Select {
    fn into_source(self) -> Source {
        Source(SourceKind::Subquery(Box::new(self), None))
    }
}

/// A subquery with an alias, as a source or a column (knex `subquery.as('alias')`).
///
/// ```
/// use knexrs_query::{aliased, Select, PostgresQueryBuilder};
///
/// let inner = Select::from("foo");
/// let q = Select::from(aliased(inner, "bar"));
/// assert_eq!(q.build(PostgresQueryBuilder).unwrap().0, r#"select * from (select * from "foo") as "bar""#);
/// ```
pub fn aliased(query: Select, alias: impl IntoName) -> Source {
    Source(SourceKind::Subquery(Box::new(query), Some(alias.into_name())))
}
