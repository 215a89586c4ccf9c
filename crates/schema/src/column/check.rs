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
    pub fn positive() -> Self {
        Self::new(CheckKind::Positive)
    }

    /// `"col" < 0` (knex `checkNegative`).
    pub fn negative() -> Self {
        Self::new(CheckKind::Negative)
    }

    /// `"col" in (…)` (knex `checkIn`).
    pub fn in_values<I, V>(values: I) -> Self
    where
        I: IntoIterator<Item = V>,
        V: Into<Value>,
    {
        Self::new(CheckKind::In(values.into_iter().map(Into::into).collect(), false))
    }

    /// `"col" not in (…)` (knex `checkNotIn`).
    pub fn not_in<I, V>(values: I) -> Self
    where
        I: IntoIterator<Item = V>,
        V: Into<Value>,
    {
        Self::new(CheckKind::In(values.into_iter().map(Into::into).collect(), true))
    }

    /// `"col" between low and high` (knex `checkBetween([low, high])`).
    pub fn between(low: impl Into<Value>, high: impl Into<Value>) -> Self {
        Self::new(CheckKind::Between(vec![(low.into(), high.into())]))
    }

    /// Several ranges joined with `or` (knex `checkBetween([[a, b], [c, d]])`).
    pub fn between_any<I, V>(ranges: I) -> Self
    where
        I: IntoIterator<Item = (V, V)>,
        V: Into<Value>,
    {
        Self::new(CheckKind::Between(ranges.into_iter().map(|(l, h)| (l.into(), h.into())).collect()))
    }

    /// `length("col") <op> n` (knex `checkLength`); `op` is one of `= <> != < <= > >=`.
    pub fn length(op: &str, n: u32) -> Self {
        Self::new(CheckKind::Length(op.to_owned(), n))
    }

    /// `"col" ~ 'regex'` (knex `checkRegex`).
    pub fn regex(pattern: impl Into<String>) -> Self {
        Self::new(CheckKind::Regex(pattern.into()))
    }

    /// Any SQL predicate, written as given (knex `check`).
    pub fn raw(sql: impl Into<String>) -> Self {
        Self::new(CheckKind::Raw(sql.into()))
    }

    /// Names the constraint (folded to lower case, as knex's unquoted names are).
    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Adds the constraint `NOT VALID`: existing rows are not checked until
    /// `validate_constraint` (only where the constraint is added to an existing table).
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
