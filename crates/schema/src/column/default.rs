//! Column defaults, rendered the way knex renders `defaultTo`.

use sea_query::{Expr, PostgresQueryBuilder, QueryBuilder};

/// A column default (knex `defaultTo`).
///
/// Values become quoted literals exactly as knex writes them (`default '1'`,
/// booleans as `'1'`/`'0'`, JSON as its text); [`raw`] and [`now`] are written
/// as SQL.
///
/// ```
/// use knexrs_schema::{DefaultValue, raw, now};
///
/// assert_eq!(DefaultValue::from(1), DefaultValue::Literal("1".into()));
/// assert_eq!(raw("gen_random_uuid()"), DefaultValue::Raw("gen_random_uuid()".into()));
/// assert_eq!(now(), DefaultValue::Now);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum DefaultValue {
    /// `default null`.
    Null,
    /// A value, written as a string literal (knex quotes numbers too).
    Literal(String),
    /// A boolean: `'1'`/`'0'` on boolean columns, as knex writes them.
    Bool(bool),
    /// A JSON document, written as its compact text.
    Json(serde_json::Value),
    /// SQL written as given, such as `uuid_generate_v4()`.
    Raw(String),
    /// `CURRENT_TIMESTAMP` (knex `knex.fn.now()`).
    Now,
}

/// A default written as raw SQL (knex `defaultTo(knex.raw(...))`).
///
/// ```
/// use knexrs_schema::{raw, SchemaBuilder, PostgresQueryBuilder};
///
/// let mut schema = SchemaBuilder::new();
/// schema.create_table("items", |t| {
///     t.uuid("id").primary().default_to(raw("gen_random_uuid()"));
/// });
/// assert!(schema.build(PostgresQueryBuilder).unwrap()[0].contains("DEFAULT (gen_random_uuid())"));
/// ```
pub fn raw(sql: impl Into<String>) -> DefaultValue {
    DefaultValue::Raw(sql.into())
}

/// The current time, `CURRENT_TIMESTAMP` (knex `knex.fn.now()`).
///
/// ```
/// use knexrs_schema::{now, SchemaBuilder, PostgresQueryBuilder};
///
/// let mut schema = SchemaBuilder::new();
/// schema.create_table("events", |t| {
///     t.timestamp("created_at").not_nullable().default_to(now());
/// });
/// assert!(schema.build(PostgresQueryBuilder).unwrap()[0].contains("NOT NULL DEFAULT CURRENT_TIMESTAMP"));
/// ```
pub fn now() -> DefaultValue {
    DefaultValue::Now
}

/// The current time with `precision` fractional digits, `CURRENT_TIMESTAMP(p)`
/// (knex `knex.fn.now(p)`).
///
/// ```
/// assert_eq!(knexrs_schema::now_with_precision(6), knexrs_schema::raw("CURRENT_TIMESTAMP(6)"));
/// ```
pub fn now_with_precision(precision: u32) -> DefaultValue {
    DefaultValue::Raw(format!("CURRENT_TIMESTAMP({precision})"))
}

impl DefaultValue {
    /// The default as a sea-query expression, for a column that is boolean or not.
    pub(crate) fn to_expr(&self, boolean_column: bool) -> Expr {
        match self {
            DefaultValue::Null => Expr::val(Option::<String>::None),
            DefaultValue::Literal(text) => Expr::val(text.as_str()),
            DefaultValue::Bool(b) if boolean_column => Expr::val(if *b { "1" } else { "0" }),
            DefaultValue::Bool(b) => Expr::val(if *b { "true" } else { "false" }),
            DefaultValue::Json(serde_json::Value::String(text)) => Expr::val(text.as_str()),
            DefaultValue::Json(json) => Expr::val(json.to_string()),
            DefaultValue::Raw(sql) => Expr::cust(sql.clone()),
            DefaultValue::Now => Expr::current_timestamp(),
        }
    }

    /// The default as SQL text, for `alter column ... set default`.
    pub(crate) fn to_sql(&self, boolean_column: bool) -> String {
        let mut out = String::new();
        match self {
            // A raw default is the user's SQL; sea-query would wrap it in parentheses.
            DefaultValue::Raw(sql) => out.push_str(sql),
            _ => PostgresQueryBuilder.prepare_expr(&self.to_expr(boolean_column), &mut out),
        }
        out
    }
}

macro_rules! literal_from {
    ($($t:ty),*) => {$(
        impl From<$t> for DefaultValue {
            fn from(value: $t) -> Self {
                DefaultValue::Literal(value.to_string())
            }
        }
    )*};
}
literal_from!(&str, String, i16, i32, i64, u16, u32, u64, f32, f64);

impl From<bool> for DefaultValue {
    fn from(value: bool) -> Self {
        DefaultValue::Bool(value)
    }
}

impl From<serde_json::Value> for DefaultValue {
    fn from(value: serde_json::Value) -> Self {
        DefaultValue::Json(value)
    }
}

impl<T: Into<DefaultValue>> From<Option<T>> for DefaultValue {
    fn from(value: Option<T>) -> Self {
        value.map_or(DefaultValue::Null, Into::into)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_render_as_knex_writes_them() {
        assert_eq!(DefaultValue::from(1).to_sql(false), "'1'");
        assert_eq!(DefaultValue::from(false).to_sql(true), "'0'");
        assert_eq!(DefaultValue::from(serde_json::json!({"a": 10})).to_sql(false), r#"'{"a":10}'"#);
        assert_eq!(DefaultValue::from(None::<i32>).to_sql(false), "NULL");
        assert_eq!(now().to_sql(false), "CURRENT_TIMESTAMP");
        assert_eq!(raw("'{}'::jsonb").to_sql(false), "'{}'::jsonb");
    }
}
