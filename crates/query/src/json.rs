//! jsonb: knex's JSON functions (`jsonExtract`, `jsonSet`, `jsonInsert`,
//! `jsonRemove`) as operands, and its JSON `where` family.

use crate::conditions::{Clause, IntoColumn, Wheres};
use crate::operand::{IntoOperand, Operand, OperandKind};
use crate::value::{is_float, is_integer};
use crate::{IntoOp, Raw};
use sea_query::Value;

/// A JSON path as PostgreSQL's `text[]` path: `$.street.numbers[2]` → `{street,numbers,2}`;
/// a path already in that form is kept.
fn pg_path(path: &str) -> String {
    if path.starts_with('{') && path.ends_with('}') {
        return path.to_owned();
    }
    let body = path.strip_prefix("$.").or_else(|| path.strip_prefix('$')).unwrap_or(path);
    let mut out = String::with_capacity(body.len() + 2);
    out.push('{');
    for c in body.chars() {
        match c {
            '.' | '[' => out.push(','),
            ']' => {}
            c => out.push(c),
        }
    }
    out.push('}');
    out.replace("{,", "{")
}

fn function(sql: &'static str, bindings: impl IntoIterator<Item = Operand>) -> Operand {
    Raw::with(sql, bindings).into_operand()
}

/// `jsonb_path_query(column, path)`: the values at a JSON path (knex `jsonExtract`).
///
/// ```
/// use knexrs_query::{json_extract, Select, PostgresQueryBuilder};
///
/// let mut q = Select::from("users");
/// q.column_as(json_extract("profile", "$.name"), Some("name"));
/// assert_eq!(
///     q.build(PostgresQueryBuilder).unwrap().0,
///     r#"select jsonb_path_query("profile", $1) as "name" from "users""#
/// );
/// ```
pub fn json_extract(column: impl IntoColumn, path: &str) -> Operand {
    function("jsonb_path_query(?, ?)", [column.into_column(), path.into_operand()])
}

/// `jsonb_set(column, path, value)`: the document with one value replaced (knex `jsonSet`).
///
/// ```
/// use knexrs_query::{json_set, Select, PostgresQueryBuilder};
///
/// let mut q = Select::from("users");
/// q.column_as(json_set("address", "$.street.numbers[2]", "5"), None);
/// let (sql, values) = q.build(PostgresQueryBuilder).unwrap();
/// assert_eq!(sql, r#"select jsonb_set("address", $1, $2) from "users""#);
/// assert_eq!(values.0[0], sea_query::Value::from("{street,numbers,2}"));
/// ```
pub fn json_set(column: impl IntoColumn, path: &str, value: impl IntoOperand) -> Operand {
    function("jsonb_set(?, ?, ?)", [column.into_column(), pg_path(path).into_operand(), value.into_operand()])
}

/// `jsonb_insert(column, path, value)`: the document with a value inserted (knex `jsonInsert`).
///
/// ```
/// # use knexrs_query::{json_insert, Select, PostgresQueryBuilder};
/// let mut q = Select::from("users");
/// q.column_as(json_insert("profile", "$.tags[0]", "new"), Some("profile"));
/// assert_eq!(
///     q.build(PostgresQueryBuilder)?.0,
///     r#"select jsonb_insert("profile", $1, $2) as "profile" from "users""#
/// );
/// # Ok::<(), knexrs_query::QueryError>(())
/// ```
pub fn json_insert(column: impl IntoColumn, path: &str, value: impl IntoOperand) -> Operand {
    function("jsonb_insert(?, ?, ?)", [column.into_column(), pg_path(path).into_operand(), value.into_operand()])
}

/// `column #- path`: the document without the value at a path (knex `jsonRemove`).
///
/// ```
/// # use knexrs_query::{json_remove, Select, PostgresQueryBuilder};
/// let mut q = Select::from("users");
/// q.column_as(json_remove("profile", "$.address.zip"), Some("profile"));
/// assert_eq!(q.build(PostgresQueryBuilder)?.0, r#"select "profile" #- $1 as "profile" from "users""#);
/// # Ok::<(), knexrs_query::QueryError>(())
/// ```
pub fn json_remove(column: impl IntoColumn, path: &str) -> Operand {
    function("? #- ?", [column.into_column(), pg_path(path).into_operand()])
}

/// How knex casts `jsonb_path_query_first(…)` to compare it with a value.
fn path_cast(value: &Operand) -> &'static str {
    let numeric = |s: &str| s.trim().parse::<f64>().ok().map(|f| f.fract() == 0.0);
    match &value.0 {
        OperandKind::Value(value) if is_integer(value) => "::int",
        OperandKind::Value(value) if is_float(value) => "::float",
        OperandKind::Value(Value::String(Some(s))) => match numeric(s) {
            Some(true) => "::int",
            Some(false) => "::float",
            None => " #>> '{}'",
        },
        _ => " #>> '{}'",
    }
}

fn json_path_clause(
    column: Operand,
    path: &str,
    op: Result<crate::Op, crate::QueryError>,
    value: Operand,
) -> Result<Clause, crate::BuildError> {
    let left = Raw::with(format!("jsonb_path_query_first(?, ?){}", path_cast(&value)), [column, path.into_operand()]);
    crate::conditions::compare(left.into_operand(), op, value)
}

macro_rules! json_wheres {
    ($($(#[$doc:meta])* $name:ident, $or:literal, $not:literal, $op:literal;)*) => {$(
        $(#[$doc])*
        fn $name(&mut self, column: impl IntoColumn, value: impl IntoOperand) -> &mut Self {
            let clause = crate::conditions::compare(column.into_column(), $op.into_op(), value.into_operand());
            self.conditions_mut().push($or, $not, clause);
            self
        }
    )*};
}

/// knex's JSON `where` family (`whereJsonObject`, `whereJsonPath`,
/// `whereJsonSupersetOf`, …), for every builder with a `where` clause.
///
/// Pass documents as `serde_json::Value`: they are bound as `jsonb`.
///
/// ```
/// use knexrs_query::{table, JsonWheres, PostgresQueryBuilder};
/// use serde_json::json;
///
/// let mut q = table("users");
/// q.where_json_superset_of("address", json!({ "city": "Oslo" })).or_where_json_path("address", "$.floor", ">", 3);
/// assert_eq!(
///     q.build(PostgresQueryBuilder).unwrap().0,
///     r#"select * from "users" where "address" @> $1 or jsonb_path_query_first("address", $2)::int > $3"#
/// );
/// ```
pub trait JsonWheres: Wheres {
    json_wheres! {
        /// `column = document` (knex `whereJsonObject`).
        ///
        /// ```
        /// # use knexrs_query::{JsonWheres, Select, Wheres, PostgresQueryBuilder};
        /// use serde_json::json;
        ///
        /// let mut q = Select::from("users");
        /// q.where_json_object("settings", json!({ "theme": "dark" }));
        /// assert_eq!(q.build(PostgresQueryBuilder)?.0, r#"select * from "users" where "settings" = $1"#);
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        where_json_object, false, false, "=";
        /// `or column = document` (knex `orWhereJsonObject`).
        ///
        /// ```
        /// # use knexrs_query::{JsonWheres, Select, Wheres, PostgresQueryBuilder};
        /// use serde_json::json;
        ///
        /// let mut q = Select::from("users");
        /// q.where_null("settings").or_where_json_object("settings", json!({}));
        /// assert_eq!(
        ///     q.build(PostgresQueryBuilder)?.0,
        ///     r#"select * from "users" where "settings" is null or "settings" = $1"#
        /// );
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        or_where_json_object, true, false, "=";
        /// `column != document` (knex `whereNotJsonObject`).
        ///
        /// ```
        /// # use knexrs_query::{JsonWheres, Select, Wheres, PostgresQueryBuilder};
        /// use serde_json::json;
        ///
        /// let mut q = Select::from("users");
        /// q.where_not_json_object("settings", json!({}));
        /// assert_eq!(q.build(PostgresQueryBuilder)?.0, r#"select * from "users" where "settings" != $1"#);
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        where_not_json_object, false, false, "!=";
        /// `or column != document` (knex `orWhereNotJsonObject`).
        ///
        /// ```
        /// # use knexrs_query::{JsonWheres, Select, Wheres, PostgresQueryBuilder};
        /// use serde_json::json;
        ///
        /// let mut q = Select::from("users");
        /// q.where_null("settings").or_where_not_json_object("settings", json!({}));
        /// assert_eq!(
        ///     q.build(PostgresQueryBuilder)?.0,
        ///     r#"select * from "users" where "settings" is null or "settings" != $1"#
        /// );
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        or_where_not_json_object, true, false, "!=";
        /// `column @> document`: the column contains the document (knex `whereJsonSupersetOf`).
        ///
        /// ```
        /// # use knexrs_query::{JsonWheres, Select, Wheres, PostgresQueryBuilder};
        /// use serde_json::json;
        ///
        /// let mut q = Select::from("users");
        /// q.where_json_superset_of("settings", json!({ "beta": true }));
        /// assert_eq!(q.build(PostgresQueryBuilder)?.0, r#"select * from "users" where "settings" @> $1"#);
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        where_json_superset_of, false, false, "@>";
        /// `or column @> document` (knex `orWhereJsonSupersetOf`).
        ///
        /// ```
        /// # use knexrs_query::{JsonWheres, Select, Wheres, PostgresQueryBuilder};
        /// use serde_json::json;
        ///
        /// let mut q = Select::from("users");
        /// q.where_null("settings").or_where_json_superset_of("settings", json!({ "beta": true }));
        /// assert_eq!(
        ///     q.build(PostgresQueryBuilder)?.0,
        ///     r#"select * from "users" where "settings" is null or "settings" @> $1"#
        /// );
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        or_where_json_superset_of, true, false, "@>";
        /// `not column @> document` (knex `whereJsonNotSupersetOf`).
        ///
        /// ```
        /// # use knexrs_query::{JsonWheres, Select, Wheres, PostgresQueryBuilder};
        /// use serde_json::json;
        ///
        /// let mut q = Select::from("users");
        /// q.where_json_not_superset_of("settings", json!({ "beta": true }));
        /// assert_eq!(
        ///     q.build(PostgresQueryBuilder)?.0,
        ///     r#"select * from "users" where not "settings" @> $1"#
        /// );
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        where_json_not_superset_of, false, true, "@>";
        /// `or not column @> document` (knex `orWhereJsonNotSupersetOf`).
        ///
        /// ```
        /// # use knexrs_query::{JsonWheres, Select, Wheres, PostgresQueryBuilder};
        /// use serde_json::json;
        ///
        /// let mut q = Select::from("users");
        /// q.where_null("settings").or_where_json_not_superset_of("settings", json!({ "beta": true }));
        /// assert_eq!(
        ///     q.build(PostgresQueryBuilder)?.0,
        ///     r#"select * from "users" where "settings" is null or not "settings" @> $1"#
        /// );
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        or_where_json_not_superset_of, true, true, "@>";
        /// `column <@ document`: the document contains the column (knex `whereJsonSubsetOf`).
        ///
        /// ```
        /// # use knexrs_query::{JsonWheres, Select, Wheres, PostgresQueryBuilder};
        /// use serde_json::json;
        ///
        /// let mut q = Select::from("users");
        /// q.where_json_subset_of("settings", json!({ "theme": "dark", "beta": true }));
        /// assert_eq!(q.build(PostgresQueryBuilder)?.0, r#"select * from "users" where "settings" <@ $1"#);
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        where_json_subset_of, false, false, "<@";
        /// `or column <@ document` (knex `orWhereJsonSubsetOf`).
        ///
        /// ```
        /// # use knexrs_query::{JsonWheres, Select, Wheres, PostgresQueryBuilder};
        /// use serde_json::json;
        ///
        /// let mut q = Select::from("users");
        /// q.where_null("settings").or_where_json_subset_of("settings", json!({ "theme": "dark" }));
        /// assert_eq!(
        ///     q.build(PostgresQueryBuilder)?.0,
        ///     r#"select * from "users" where "settings" is null or "settings" <@ $1"#
        /// );
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        or_where_json_subset_of, true, false, "<@";
        /// `not column <@ document` (knex `whereJsonNotSubsetOf`).
        ///
        /// ```
        /// # use knexrs_query::{JsonWheres, Select, Wheres, PostgresQueryBuilder};
        /// use serde_json::json;
        ///
        /// let mut q = Select::from("users");
        /// q.where_json_not_subset_of("settings", json!({ "theme": "dark" }));
        /// assert_eq!(
        ///     q.build(PostgresQueryBuilder)?.0,
        ///     r#"select * from "users" where not "settings" <@ $1"#
        /// );
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        where_json_not_subset_of, false, true, "<@";
        /// `or not column <@ document` (knex `orWhereJsonNotSubsetOf`).
        ///
        /// ```
        /// # use knexrs_query::{JsonWheres, Select, Wheres, PostgresQueryBuilder};
        /// use serde_json::json;
        ///
        /// let mut q = Select::from("users");
        /// q.where_null("settings").or_where_json_not_subset_of("settings", json!({ "theme": "dark" }));
        /// assert_eq!(
        ///     q.build(PostgresQueryBuilder)?.0,
        ///     r#"select * from "users" where "settings" is null or not "settings" <@ $1"#
        /// );
        /// # Ok::<(), knexrs_query::QueryError>(())
        /// ```
        or_where_json_not_subset_of, true, true, "<@";
    }

    /// `jsonb_path_query_first(column, path) <op> value`, cast as the value
    /// needs (`::int`, `::float`, or as text) (knex `whereJsonPath`).
    ///
    /// ```
    /// # use knexrs_query::{JsonWheres, Select, PostgresQueryBuilder};
    /// let mut q = Select::from("users");
    /// q.where_json_path("profile", "$.age", ">=", 18);
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select * from "users" where jsonb_path_query_first("profile", $1)::int >= $2"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    fn where_json_path(
        &mut self,
        column: impl IntoColumn,
        path: &str,
        op: impl IntoOp,
        value: impl IntoOperand,
    ) -> &mut Self {
        let clause = json_path_clause(column.into_column(), path, op.into_op(), value.into_operand());
        self.conditions_mut().push(false, false, clause);
        self
    }

    /// [`where_json_path`](Self::where_json_path), joined with `or` (knex `orWhereJsonPath`).
    ///
    /// ```
    /// # use knexrs_query::{JsonWheres, Select, PostgresQueryBuilder};
    /// let mut q = Select::from("users");
    /// q.where_json_path("profile", "$.age", ">=", 18).or_where_json_path("profile", "$.role", "=", "admin");
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder)?.0,
    ///     r#"select * from "users" where jsonb_path_query_first("profile", $1)::int >= $2 or jsonb_path_query_first("profile", $3) #>> '{}' = $4"#
    /// );
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    fn or_where_json_path(
        &mut self,
        column: impl IntoColumn,
        path: &str,
        op: impl IntoOp,
        value: impl IntoOperand,
    ) -> &mut Self {
        let clause = json_path_clause(column.into_column(), path, op.into_op(), value.into_operand());
        self.conditions_mut().push(true, false, clause);
        self
    }
}

impl<T: Wheres> JsonWheres for T {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_paths_become_postgres_text_array_paths() {
        assert_eq!(pg_path("$.street.numbers[2]"), "{street,numbers,2}");
        assert_eq!(pg_path("$.mainStreet"), "{mainStreet}");
        assert_eq!(pg_path("$.a.b.c"), "{a,b,c}");
        assert_eq!(pg_path("$[1].x"), "{1,x}");
        assert_eq!(pg_path("{street,numbers,2}"), "{street,numbers,2}");
    }
}
