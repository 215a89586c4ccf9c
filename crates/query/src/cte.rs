//! Common table expressions (`with`), shared by every statement.

use crate::ident::Name;
use crate::render::Writer;
use crate::{Delete, Insert, IntoName, IntoNames, QueryError, Raw, Select, Update};

/// The `with` clause of a statement.
///
/// ```
/// # use knexrs_query::{Ctes, Select, With, PostgresQueryBuilder};
/// let mut q = Select::from("recent");
/// q.with("recent", Select::from("sessions"));
/// let with: &mut With = q.with_clause_mut();
/// *with = With::default(); // no common table expressions any more
/// assert_eq!(q.build(PostgresQueryBuilder)?.0, r#"select * from "recent""#);
/// # Ok::<(), knexrs_query::QueryError>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct With {
    recursive: bool,
    items: Vec<Cte>,
}

#[derive(Debug, Clone)]
struct Cte {
    name: Name,
    columns: Vec<Name>,
    materialized: Option<bool>,
    body: CteBody,
}

/// What a common table expression names: a query, a data-modifying statement, or raw SQL.
///
/// ```
/// # use knexrs_query::{Ctes, CteBody, Delete, Select, Wheres, PostgresQueryBuilder};
/// let mut expired = Delete::from("sessions");
/// expired.where_op("expires_at", "<", knexrs_query::raw("now()")).returning(["session_id"]);
/// let body: CteBody = expired.into(); // a data-modifying statement
/// let mut q = Select::from("gone");
/// q.with("gone", body).count("*");
/// assert_eq!(
///     q.build(PostgresQueryBuilder)?.0,
///     r#"with "gone" as (delete from "sessions" where "expires_at" < now() returning "session_id") select count(*) from "gone""#
/// );
/// # Ok::<(), knexrs_query::QueryError>(())
/// ```
#[derive(Debug, Clone)]
pub enum CteBody {
    /// A select.
    Select(Box<Select>),
    /// An insert (with `returning`).
    Insert(Box<Insert>),
    /// An update (with `returning`).
    Update(Box<Update>),
    /// A delete (with `returning`).
    Delete(Box<Delete>),
    /// Raw SQL.
    Raw(Raw),
}

macro_rules! into_cte {
    ($($ty:ident),*) => {$(
        impl From<$ty> for CteBody {
            fn from(statement: $ty) -> Self {
                CteBody::$ty(Box::new(statement))
            }
        }
        impl From<&$ty> for CteBody {
            fn from(statement: &$ty) -> Self {
                CteBody::$ty(Box::new(statement.clone()))
            }
        }
    )*};
}
into_cte!(Select, Insert, Update, Delete);

impl From<Raw> for CteBody {
    fn from(raw: Raw) -> Self {
        CteBody::Raw(raw)
    }
}

impl With {
    pub(crate) fn write<'a>(&'a self, w: &mut Writer<'a>) -> Result<(), QueryError> {
        if self.items.is_empty() {
            return Ok(());
        }
        w.push_str(if self.recursive { "with recursive " } else { "with " });
        for (i, cte) in self.items.iter().enumerate() {
            if i > 0 {
                w.push_str(", ");
            }
            w.name(&cte.name);
            if !cte.columns.is_empty() {
                w.push_str("(");
                for (j, column) in cte.columns.iter().enumerate() {
                    if j > 0 {
                        w.push_str(", ");
                    }
                    w.name(column);
                }
                w.push_str(")");
            }
            w.push_str(match cte.materialized {
                Some(true) => " as materialized (",
                Some(false) => " as not materialized (",
                None => " as (",
            });
            match &cte.body {
                CteBody::Select(q) => q.write_to(w)?,
                CteBody::Insert(q) => q.write_to(w)?,
                CteBody::Update(q) => q.write_to(w)?,
                CteBody::Delete(q) => q.write_to(w)?,
                CteBody::Raw(q) => q.write(w)?,
            }
            w.push_str(")");
        }
        w.push_str(" ");
        Ok(())
    }
}

/// `with` for every statement (knex `with`, `withRecursive`, `withMaterialized`).
///
/// ```
/// use knexrs_query::{Ctes, Select, PostgresQueryBuilder};
///
/// let mut recent = Select::from("sessions");
/// recent.column("owner_user_id").where_op("expires_at", ">", knexrs_query::raw("now()"));
/// let mut q = Select::from("recent");
/// q.with("recent", recent).count("*");
/// assert_eq!(
///     q.build(PostgresQueryBuilder).unwrap().0,
///     r#"with "recent" as (select "owner_user_id" from "sessions" where "expires_at" > now()) select count(*) from "recent""#
/// );
/// # use knexrs_query::Wheres;
/// ```
pub trait Ctes: Sized {
    /// The statement's `with` clause.
    ///
    /// ```
    /// # use knexrs_query::{Ctes, Select, PostgresQueryBuilder};
    /// let mut q = Select::from("recent");
    /// q.with("recent", Select::from("sessions"));
    /// // Drop every common table expression, whatever the statement.
    /// *q.with_clause_mut() = Default::default();
    /// assert_eq!(q.build(PostgresQueryBuilder)?.0, r#"select * from "recent""#);
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    fn with_clause_mut(&mut self) -> &mut With;

    /// `with name as (body)`.
    ///
    /// ```
    /// # use knexrs_query::{raw, Ctes, Select, Wheres, PostgresQueryBuilder};
    /// let mut recent = Select::from("sessions");
    /// recent.where_op("created_at", ">", raw("now() - interval '1 day'"));
    /// let mut q = Select::from("recent");
    /// q.with("recent", recent).count("*");
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"with "recent" as (select * from "sessions" where "created_at" > now() - interval '1 day') select count(*) from "recent""#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    fn with(&mut self, name: impl IntoName, body: impl Into<CteBody>) -> &mut Self {
        self.push_cte(name, Vec::new(), None, body.into())
    }

    /// `with name(columns…) as (body)`: one column or a list.
    ///
    /// ```
    /// # use knexrs_query::{raw, Ctes, Select, PostgresQueryBuilder};
    /// let mut q = Select::from("pairs");
    /// q.with_columns("pairs", ["a", "b"], raw("values (1, 2), (3, 4)"));
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"with "pairs"("a", "b") as (values (1, 2), (3, 4)) select * from "pairs""#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    fn with_columns(&mut self, name: impl IntoName, columns: impl IntoNames, body: impl Into<CteBody>) -> &mut Self {
        let columns = columns.into_names().collect();
        self.push_cte(name, columns, None, body.into())
    }

    /// `with recursive name as (body)` (knex `withRecursive`); the body usually
    /// unions a start query with one that refers to `name`.
    ///
    /// ```
    /// # use knexrs_query::{Ctes, Select, Wheres, PostgresQueryBuilder};
    /// let mut start = Select::from("categories");
    /// start.where_eq("id", 1);
    /// let mut step = Select::from("categories as c");
    /// step.column("c.*").join("tree as t", "t.id", "c.parent_id");
    /// start.union_all(step);
    /// let mut q = Select::from("tree");
    /// q.with_recursive("tree", start);
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"with recursive "tree" as (select * from "categories" where "id" = $1 union all select "c".* from "categories" as "c" inner join "tree" as "t" on "t"."id" = "c"."parent_id") select * from "tree""#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    fn with_recursive(&mut self, name: impl IntoName, body: impl Into<CteBody>) -> &mut Self {
        self.with_clause_mut().recursive = true;
        self.push_cte(name, Vec::new(), None, body.into())
    }

    /// `with name as materialized (body)` (knex `withMaterialized`).
    ///
    /// ```
    /// # use knexrs_query::{raw, Ctes, Select, PostgresQueryBuilder};
    /// let mut q = Select::from("totals");
    /// q.with_materialized("totals", raw("select owner_user_id, count(*) from sessions group by 1"));
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"with "totals" as materialized (select owner_user_id, count(*) from sessions group by 1) select * from "totals""#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    fn with_materialized(&mut self, name: impl IntoName, body: impl Into<CteBody>) -> &mut Self {
        self.push_cte(name, Vec::new(), Some(true), body.into())
    }

    /// `with name as not materialized (body)` (knex `withNotMaterialized`).
    ///
    /// ```
    /// # use knexrs_query::{raw, Ctes, Select, PostgresQueryBuilder};
    /// let mut q = Select::from("live");
    /// q.with_not_materialized("live", raw("select * from sessions where pod_ip is not null"));
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"with "live" as not materialized (select * from sessions where pod_ip is not null) select * from "live""#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    fn with_not_materialized(&mut self, name: impl IntoName, body: impl Into<CteBody>) -> &mut Self {
        self.push_cte(name, Vec::new(), Some(false), body.into())
    }

    #[doc(hidden)]
    fn push_cte(
        &mut self,
        name: impl IntoName,
        columns: Vec<Name>,
        materialized: Option<bool>,
        body: CteBody,
    ) -> &mut Self {
        let cte = Cte { name: name.into_name(), columns, materialized, body };
        self.with_clause_mut().items.push(cte);
        self
    }
}
