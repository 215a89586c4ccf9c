//! Column check constraints: raw SQL and knex's helpers (`checkPositive`, `checkIn`, …).

use crate::SchemaError;
use crate::sql::{literal, quote, string_literal};
use sea_query::Value;

/// A check constraint on one column (knex `check*` column modifiers).
///
/// The predicate is written for the column it is attached to; give it a name
/// with [`named`](Check::named), or PostgreSQL names it `<table>_<column>_check`.
///
/// ```
/// use knexrs_schema::{Check, SchemaBuilder, PostgresQueryBuilder};
///
/// let mut schema = SchemaBuilder::new();
/// schema.create_table("products", |t| {
///     t.integer("stock").check(Check::positive());
///     t.text("size").check(Check::in_values(["s", "m", "l"]).named("size_known"));
/// });
/// let sql = schema.build(PostgresQueryBuilder).unwrap();
/// assert!(sql[0].contains(r#"CHECK ("stock" > 0)"#));
/// assert!(sql[0].contains(r#"CONSTRAINT "size_known" CHECK ("size" in ('s', 'm', 'l'))"#));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    kind: CheckKind,
    name: Option<String>,
    not_valid: bool,
}

#[derive(Debug, Clone, PartialEq)]
enum CheckKind {
    Positive,
    Negative,
    In(Vec<Value>, bool),
    Between(Vec<(Value, Value)>),
    Length(String, u32),
    Regex(String),
    Raw(String),
}

const OPERATORS: [&str; 7] = ["=", "<>", "!=", "<", "<=", ">", ">="];

impl Check {
    fn new(kind: CheckKind) -> Self {
        Check { kind, name: None, not_valid: false }
    }

    /// `"col" > 0` (knex `checkPositive`).
    ///
    /// ```
    /// # use knexrs_schema::{Check, CreateTable, PostgresQueryBuilder};
    /// let mut t = CreateTable::new("products");
    /// t.integer("price").check(Check::positive());
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"CREATE TABLE "products" ( "price" integer CHECK ("price" > 0) )"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn positive() -> Self {
        Self::new(CheckKind::Positive)
    }

    /// `"col" < 0` (knex `checkNegative`).
    ///
    /// ```
    /// # use knexrs_schema::{Check, CreateTable, PostgresQueryBuilder};
    /// let mut t = CreateTable::new("ledger");
    /// t.integer("debit").check(Check::negative());
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"CREATE TABLE "ledger" ( "debit" integer CHECK ("debit" < 0) )"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn negative() -> Self {
        Self::new(CheckKind::Negative)
    }

    /// `"col" in (…)` (knex `checkIn`).
    ///
    /// ```
    /// # use knexrs_schema::{Check, CreateTable, PostgresQueryBuilder};
    /// let mut t = CreateTable::new("shirts");
    /// t.text("size").check(Check::in_values(["s", "m", "l"]));
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"CREATE TABLE "shirts" ( "size" text CHECK ("size" in ('s', 'm', 'l')) )"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn in_values<I, V>(values: I) -> Self
    where
        I: IntoIterator<Item = V>,
        V: Into<Value>,
    {
        Self::new(CheckKind::In(values.into_iter().map(Into::into).collect(), false))
    }

    /// `"col" not in (…)` (knex `checkNotIn`).
    ///
    /// ```
    /// # use knexrs_schema::{Check, CreateTable, PostgresQueryBuilder};
    /// let mut t = CreateTable::new("users");
    /// t.text("name").check(Check::not_in(["admin", "root"]));
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"CREATE TABLE "users" ( "name" text CHECK ("name" not in ('admin', 'root')) )"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn not_in<I, V>(values: I) -> Self
    where
        I: IntoIterator<Item = V>,
        V: Into<Value>,
    {
        Self::new(CheckKind::In(values.into_iter().map(Into::into).collect(), true))
    }

    /// `"col" between low and high` (knex `checkBetween([low, high])`).
    ///
    /// ```
    /// # use knexrs_schema::{Check, CreateTable, PostgresQueryBuilder};
    /// let mut t = CreateTable::new("reviews");
    /// t.integer("stars").check(Check::between(1, 5));
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"CREATE TABLE "reviews" ( "stars" integer CHECK ("stars" between 1 and 5) )"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn between(low: impl Into<Value>, high: impl Into<Value>) -> Self {
        Self::new(CheckKind::Between(vec![(low.into(), high.into())]))
    }

    /// Several ranges joined with `or` (knex `checkBetween([[a, b], [c, d]])`).
    ///
    /// ```
    /// # use knexrs_schema::{Check, CreateTable, PostgresQueryBuilder};
    /// let mut t = CreateTable::new("ports");
    /// t.integer("port").check(Check::between_any([(80, 80), (8000, 8999)]));
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"CREATE TABLE "ports" ( "port" integer CHECK ("port" between 80 and 80 or "port" between 8000 and 8999) )"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn between_any<I, V>(ranges: I) -> Self
    where
        I: IntoIterator<Item = (V, V)>,
        V: Into<Value>,
    {
        Self::new(CheckKind::Between(ranges.into_iter().map(|(l, h)| (l.into(), h.into())).collect()))
    }

    /// `length("col") <op> n` (knex `checkLength`); `op` is one of `= <> != < <= > >=`.
    ///
    /// ```
    /// # use knexrs_schema::{Check, CreateTable, PostgresQueryBuilder};
    /// let mut t = CreateTable::new("users");
    /// t.text("handle").check(Check::length("<=", 32));
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"CREATE TABLE "users" ( "handle" text CHECK (length("handle") <= 32) )"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn length(op: &str, n: u32) -> Self {
        Self::new(CheckKind::Length(op.to_owned(), n))
    }

    /// `"col" ~ 'regex'` (knex `checkRegex`).
    ///
    /// ```
    /// # use knexrs_schema::{Check, CreateTable, PostgresQueryBuilder};
    /// let mut t = CreateTable::new("users");
    /// t.text("handle").check(Check::regex("^[a-z0-9_]+$"));
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"CREATE TABLE "users" ( "handle" text CHECK ("handle" ~ '^[a-z0-9_]+$') )"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn regex(pattern: impl Into<String>) -> Self {
        Self::new(CheckKind::Regex(pattern.into()))
    }

    /// Any SQL predicate, written as given (knex `check`).
    ///
    /// ```
    /// # use knexrs_schema::{Check, CreateTable, PostgresQueryBuilder};
    /// let mut t = CreateTable::new("users");
    /// t.text("email").check(Check::raw("position('@' in email) > 1"));
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"CREATE TABLE "users" ( "email" text CHECK (position('@' in email) > 1) )"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn raw(sql: impl Into<String>) -> Self {
        Self::new(CheckKind::Raw(sql.into()))
    }

    /// Names the constraint (folded to lower case, as knex's unquoted names are).
    ///
    /// ```
    /// # use knexrs_schema::{Check, CreateTable, PostgresQueryBuilder};
    /// let mut t = CreateTable::new("products");
    /// t.integer("price").check(Check::positive().named("price_positive"));
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"CREATE TABLE "products" ( "price" integer CONSTRAINT "price_positive" CHECK ("price" > 0) )"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Adds the constraint `NOT VALID`: existing rows are not checked until
    /// `validate_constraint` (only where the constraint is added to an existing table).
    ///
    /// ```
    /// # use knexrs_schema::{AlterTable, Check, PostgresQueryBuilder};
    /// let mut t = AlterTable::new("products");
    /// t.integer("price").check(Check::positive().named("price_positive").not_valid());
    /// t.validate_constraint("price_positive");
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"ALTER TABLE "products" ADD COLUMN "price" integer"#,
    ///     r#"alter table "products" add constraint "price_positive" check ("price" > 0) not valid"#,
    ///     r#"alter table "products" validate constraint "price_positive""#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn not_valid(mut self) -> Self {
        self.not_valid = true;
        self
    }

    pub(crate) fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    pub(crate) fn is_not_valid(&self) -> bool {
        self.not_valid
    }

    /// The predicate for `column`.
    pub(crate) fn predicate(&self, column: &str) -> Result<String, SchemaError> {
        let col = quote(column);
        Ok(match &self.kind {
            CheckKind::Positive => format!("{col} > 0"),
            CheckKind::Negative => format!("{col} < 0"),
            CheckKind::In(values, negated) => {
                if values.is_empty() {
                    return Err(SchemaError::InvalidColumn {
                        column: column.to_owned(),
                        problem: "an `in` check needs at least one value".into(),
                    });
                }
                let list = values.iter().map(literal).collect::<Vec<_>>().join(", ");
                format!("{col} {}in ({list})", if *negated { "not " } else { "" })
            }
            CheckKind::Between(ranges) => {
                if ranges.is_empty() {
                    return Err(SchemaError::InvalidColumn {
                        column: column.to_owned(),
                        problem: "a `between` check needs at least one range".into(),
                    });
                }
                ranges
                    .iter()
                    .map(|(low, high)| format!("{col} between {} and {}", literal(low), literal(high)))
                    .collect::<Vec<_>>()
                    .join(" or ")
            }
            CheckKind::Length(op, n) => {
                if !OPERATORS.contains(&op.as_str()) {
                    return Err(SchemaError::InvalidColumn {
                        column: column.to_owned(),
                        problem: format!("`{op}` is not a comparison operator; use one of {}", OPERATORS.join(" ")),
                    });
                }
                format!("length({col}) {op} {n}")
            }
            CheckKind::Regex(pattern) => format!("{col} ~ {}", string_literal(pattern)),
            CheckKind::Raw(sql) => sql.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers_render_knex_predicates() {
        assert_eq!(Check::negative().predicate("n").unwrap(), r#""n" < 0"#);
        assert_eq!(Check::not_in([1, 2]).predicate("n").unwrap(), r#""n" not in (1, 2)"#);
        assert_eq!(
            Check::between_any([(1, 5), (10, 15)]).predicate("n").unwrap(),
            r#""n" between 1 and 5 or "n" between 10 and 15"#
        );
        assert_eq!(Check::length(">=", 3).predicate("s").unwrap(), r#"length("s") >= 3"#);
        assert_eq!(Check::regex("^[a-z]+$").predicate("s").unwrap(), r#""s" ~ '^[a-z]+$'"#);
    }

    #[test]
    fn bad_checks_are_errors_not_sql() {
        assert!(Check::length("; drop", 3).predicate("s").is_err());
        assert!(Check::in_values(Vec::<i32>::new()).predicate("s").is_err());
    }
}
