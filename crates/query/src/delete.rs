//! `delete` (knex `del`): `using` tables, knex's joins rewritten as `using`
//! plus `where`, `returning`.

use crate::conditions::{Conditions, IntoColumn};
use crate::cte::{Ctes, With};
use crate::ident::{TableName, table_name};
use crate::insert::write_returning;
use crate::join::{JoinKind, JoinOn};
use crate::operand::Operand;
use crate::render::Writer;
use crate::select::{IntoSource, Source};
use crate::{IntoName, IntoNames, Op, QueryError, Raw, Select, Wheres};

/// A `delete`.
///
/// ```
/// use knexrs_query::{Delete, Wheres, PostgresQueryBuilder};
///
/// let mut q = Delete::from("sessions");
/// q.where_op("expires_at", "<", knexrs_query::raw("now()")).returning(["session_id"]);
/// assert_eq!(
///     q.build(PostgresQueryBuilder).unwrap().0,
///     r#"delete from "sessions" where "expires_at" < now() returning "session_id""#
/// );
/// ```
#[derive(Debug, Clone)]
pub struct Delete {
    with: With,
    table: Target,
    only: bool,
    using: Vec<Source>,
    join_conditions: Vec<Conditions>,
    wheres: Conditions,
    returning: Vec<Operand>,
    /// Given up after this long (knex `.timeout(ms, { cancel: true })`).
    pub(crate) timeout: Option<std::time::Duration>,
}

#[derive(Debug, Clone)]
enum Target {
    Table(TableName),
    Raw(Raw),
}

impl Delete {
    /// `delete from table` (knex `knex(table).del()`).
    ///
    /// ```
    /// # use knexrs_query::{Delete, Wheres, PostgresQueryBuilder};
    /// let mut q = Delete::from("token_jti");
    /// q.where_eq("session_id", "s-1");
    /// assert_eq!(q.build(PostgresQueryBuilder)?.0, r#"delete from "token_jti" where "session_id" = $1"#);
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn from(table: impl IntoName) -> Self {
        Self::new(Target::Table(table_name(table.into_name(), None)))
    }

    /// `delete from <raw SQL>` (knex `del().from(raw(…))`).
    ///
    /// ```
    /// # use knexrs_query::{raw, Delete, PostgresQueryBuilder};
    /// let q = Delete::from_raw(raw("sessions_2024"));
    /// assert_eq!(q.build(PostgresQueryBuilder)?.0, "delete from sessions_2024");
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn from_raw(table: Raw) -> Self {
        Self::new(Target::Raw(table))
    }

    fn new(table: Target) -> Self {
        Delete {
            with: With::default(),
            table,
            only: false,
            using: Vec::new(),
            join_conditions: Vec::new(),
            wheres: Conditions::default(),
            returning: Vec::new(),
            timeout: None,
        }
    }

    /// `delete from only table`.
    ///
    /// ```
    /// # use knexrs_query::{raw, Delete, Wheres, PostgresQueryBuilder};
    /// let mut q = Delete::from("events");
    /// q.only().where_op("at", "<", raw("now() - interval '30 days'"));
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"delete from only "events" where "at" < now() - interval '30 days'"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn only(&mut self) -> &mut Self {
        self.only = true;
        self
    }

    /// `using source`: other tables the `where` may refer to.
    ///
    /// ```
    /// # use knexrs_query::{Delete, Wheres, PostgresQueryBuilder};
    /// let mut q = Delete::from("token_jti");
    /// q.using("sessions").where_column("sessions.session_id", "=", "token_jti.session_id").where_null("sessions.pod_ip");
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"delete from "token_jti" using "sessions" where "sessions"."session_id" = "token_jti"."session_id" and "sessions"."pod_ip" is null"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn using(&mut self, source: impl IntoSource) -> &mut Self {
        self.using.push(source.into_source());
        self
    }

    /// knex's `join` on a delete: `using table`, and `left = right` added to the `where`.
    ///
    /// ```
    /// # use knexrs_query::{Delete, Wheres, PostgresQueryBuilder};
    /// let mut q = Delete::from("token_jti");
    /// q.join("sessions", "sessions.session_id", "token_jti.session_id").where_null("sessions.pod_ip");
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"delete from "token_jti" using "sessions" where "sessions"."pod_ip" is null and "sessions"."session_id" = "token_jti"."session_id""#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn join(&mut self, table: impl IntoSource, left: impl IntoColumn, right: impl IntoColumn) -> &mut Self {
        self.join_on(JoinKind::Inner, table, |on| {
            on.on(left, Op::Eq, right);
        })
    }

    /// knex's `join(table, function () { … })` on a delete: `using table`, and
    /// the `on` conditions added to the `where` after the delete's own.
    ///
    /// PostgreSQL's `using` is an inner join, so `kind` must be [`JoinKind::Inner`];
    /// other kinds make the statement refuse to build.
    ///
    /// ```
    /// use knexrs_query::{Delete, JoinKind, Wheres, PostgresQueryBuilder};
    ///
    /// let mut q = Delete::from("users");
    /// q.where_eq("activated", false).join_on(JoinKind::Inner, "accounts", |j| {
    ///     j.on("accounts.id", "=", "users.account_id").and_on("accounts.user_id", "=", "users.id");
    /// });
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder).unwrap().0,
    ///     r#"delete from "users" using "accounts" where "activated" = $1 and "accounts"."id" = "users"."account_id" and "accounts"."user_id" = "users"."id""#
    /// );
    /// ```
    pub fn join_on(&mut self, kind: JoinKind, table: impl IntoSource, build: impl FnOnce(&mut JoinOn)) -> &mut Self {
        let mut on = JoinOn::default();
        build(&mut on);
        if kind != JoinKind::Inner {
            on.conditions.push(false, false, Err(crate::BuildError::DeleteJoin { kind: format!("{kind:?}") }));
        }
        self.using.push(table.into_source());
        self.join_conditions.push(on.conditions);
        self
    }

    /// `returning columns…`: one column (`"id"`) or a list (`["id", "email"]`).
    ///
    /// ```
    /// # use knexrs_query::{Delete, Wheres, PostgresQueryBuilder};
    /// let mut q = Delete::from("sessions");
    /// q.where_eq("owner_user_id", "u-1").returning(["session_id"]);
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"delete from "sessions" where "owner_user_id" = $1 returning "session_id""#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn returning(&mut self, columns: impl IntoNames) -> &mut Self {
        self.returning.extend(columns.into_names().map(crate::col));
        self
    }

    pub(crate) fn write_to<'a>(&'a self, w: &mut Writer<'a>) -> Result<(), QueryError> {
        self.wheres.check()?;
        for conditions in &self.join_conditions {
            conditions.check()?;
        }
        self.with.write(w)?;
        w.push_str(if self.only { "delete from only " } else { "delete from " });
        match &self.table {
            Target::Table(table) => w.table(table),
            Target::Raw(raw) => raw.write(w)?,
        }
        for (i, source) in self.using.iter().enumerate() {
            // knex joins these with a bare comma.
            w.push_str(if i == 0 { " using " } else { "," });
            Select::write_source_alone(source, w)?;
        }
        let chains: Vec<&Conditions> = std::iter::once(&self.wheres).chain(&self.join_conditions).collect();
        if chains.iter().any(|c| !c.is_empty()) {
            w.push_str(" where ");
            Conditions::write_chain(&chains, w)?;
        }
        write_returning(&self.returning, w)
    }
}

impl Wheres for Delete {
    fn conditions_mut(&mut self) -> &mut Conditions {
        &mut self.wheres
    }
}

impl Ctes for Delete {
    fn with_clause_mut(&mut self) -> &mut With {
        &mut self.with
    }
}

/// `truncate table restart identity` (knex `truncate`): every row gone, sequences reset.
///
/// ```
/// use knexrs_query::{Truncate, PostgresQueryBuilder};
///
/// assert_eq!(
///     Truncate::table("users").build(PostgresQueryBuilder).unwrap().0,
///     r#"truncate "users" restart identity"#
/// );
/// ```
#[derive(Debug, Clone)]
pub struct Truncate {
    table: TableName,
    cascade: bool,
    /// Given up after this long (knex `.timeout(ms, { cancel: true })`).
    pub(crate) timeout: Option<std::time::Duration>,
}

impl Truncate {
    /// Empties `table`.
    ///
    /// ```
    /// # use knexrs_query::{Truncate, PostgresQueryBuilder};
    /// let q = Truncate::table("sessions");
    /// assert_eq!(q.build(PostgresQueryBuilder)?.0, r#"truncate "sessions" restart identity"#);
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn table(table: impl IntoName) -> Self {
        Truncate { table: table_name(table.into_name(), None), cascade: false, timeout: None }
    }

    /// Also empties tables with foreign keys to it.
    ///
    /// ```
    /// # use knexrs_query::{Truncate, PostgresQueryBuilder};
    /// let mut q = Truncate::table("sessions");
    /// q.cascade();
    /// assert_eq!(q.build(PostgresQueryBuilder)?.0, r#"truncate "sessions" restart identity cascade"#);
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn cascade(&mut self) -> &mut Self {
        self.cascade = true;
        self
    }

    pub(crate) fn write_to<'a>(&'a self, w: &mut Writer<'a>) -> Result<(), QueryError> {
        w.push_str("truncate ");
        w.table(&self.table);
        w.push_str(" restart identity");
        if self.cascade {
            w.push_str(" cascade");
        }
        Ok(())
    }
}
