//! sea-query values: what counts as null, what is a number.

use sea_query::Value;
use std::fmt::Write as _;

/// Whether a value is SQL `NULL` (every variant of `Value` is an `Option`).
pub(crate) fn is_null(value: &Value) -> bool {
    match value {
        Value::Bool(v) => v.is_none(),
        Value::TinyInt(v) => v.is_none(),
        Value::SmallInt(v) => v.is_none(),
        Value::Int(v) => v.is_none(),
        Value::BigInt(v) => v.is_none(),
        Value::TinyUnsigned(v) => v.is_none(),
        Value::SmallUnsigned(v) => v.is_none(),
        Value::Unsigned(v) => v.is_none(),
        Value::BigUnsigned(v) => v.is_none(),
        Value::Float(v) => v.is_none(),
        Value::Double(v) => v.is_none(),
        Value::String(v) => v.is_none(),
        Value::Char(v) => v.is_none(),
        Value::Bytes(v) => v.is_none(),
        Value::Json(v) => v.is_none(),
        Value::ChronoDate(v) => v.is_none(),
        Value::ChronoTime(v) => v.is_none(),
        Value::ChronoDateTime(v) => v.is_none(),
        Value::ChronoDateTimeUtc(v) => v.is_none(),
        Value::ChronoDateTimeLocal(v) => v.is_none(),
        Value::ChronoDateTimeWithTimeZone(v) => v.is_none(),
        Value::Uuid(v) => v.is_none(),
        Value::Array(_, v) => v.is_none(),
        _ => false,
    }
}

/// Whether a value is of an integer type.
pub(crate) fn is_integer(value: &Value) -> bool {
    matches!(
        value,
        Value::TinyInt(_)
            | Value::SmallInt(_)
            | Value::Int(_)
            | Value::BigInt(_)
            | Value::TinyUnsigned(_)
            | Value::SmallUnsigned(_)
            | Value::Unsigned(_)
            | Value::BigUnsigned(_)
    )
}

/// Whether a value is of a floating-point type.
pub(crate) fn is_float(value: &Value) -> bool {
    matches!(value, Value::Float(_) | Value::Double(_))
}

/// An array in PostgreSQL's text form: `{1,2}`, `{"a","b \\"c\\""}`, `{NULL}`; nested arrays nest.
pub(crate) fn array_text(items: &[Value]) -> String {
    let mut out = String::from("{");
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        match item {
            Value::Array(_, Some(inner)) => out.push_str(&array_text(inner)),
            item if is_null(item) => out.push_str("NULL"),
            Value::Bool(Some(b)) => out.push_str(if *b { "t" } else { "f" }),
            item => {
                let text = text_form(item).unwrap_or_default();
                if is_integer(item) || is_float(item) {
                    out.push_str(&text);
                } else {
                    out.push('"');
                    for c in text.chars() {
                        if c == '"' || c == '\\' {
                            out.push('\\');
                        }
                        out.push(c);
                    }
                    out.push('"');
                }
            }
        }
    }
    out.push('}');
    out
}

/// A value in PostgreSQL's text input form, or `None` for NULL.
pub(crate) fn text_form(value: &Value) -> Option<String> {
    let mut out = String::new();
    match value {
        Value::Bool(v) => out.push_str(if (*v)? { "true" } else { "false" }),
        Value::TinyInt(v) => write!(out, "{}", (*v)?).ok()?,
        Value::SmallInt(v) => write!(out, "{}", (*v)?).ok()?,
        Value::Int(v) => write!(out, "{}", (*v)?).ok()?,
        Value::BigInt(v) => write!(out, "{}", (*v)?).ok()?,
        Value::TinyUnsigned(v) => write!(out, "{}", (*v)?).ok()?,
        Value::SmallUnsigned(v) => write!(out, "{}", (*v)?).ok()?,
        Value::Unsigned(v) => write!(out, "{}", (*v)?).ok()?,
        Value::BigUnsigned(v) => write!(out, "{}", (*v)?).ok()?,
        Value::Float(v) => write!(out, "{}", (*v)?).ok()?,
        Value::Double(v) => write!(out, "{}", (*v)?).ok()?,
        Value::String(v) => out.push_str(v.as_deref()?),
        Value::Char(v) => out.push((*v)?),
        Value::Bytes(v) => {
            out.push_str("\\x");
            for byte in v.as_deref()? {
                write!(out, "{byte:02x}").ok()?;
            }
        }
        Value::Json(v) => out.push_str(&v.as_deref()?.to_string()),
        Value::ChronoDate(v) => write!(out, "{}", (*v)?.format("%Y-%m-%d")).ok()?,
        Value::ChronoTime(v) => write!(out, "{}", (*v)?.format("%H:%M:%S%.f")).ok()?,
        Value::ChronoDateTime(v) => write!(out, "{}", (*v)?.format("%Y-%m-%d %H:%M:%S%.f")).ok()?,
        Value::ChronoDateTimeUtc(v) => out.push_str(&(*v)?.to_rfc3339()),
        Value::ChronoDateTimeLocal(v) => out.push_str(&(*v)?.to_rfc3339()),
        Value::ChronoDateTimeWithTimeZone(v) => out.push_str(&(*v)?.to_rfc3339()),
        Value::Uuid(v) => write!(out, "{}", (*v)?.hyphenated()).ok()?,
        Value::Array(_, v) => out.push_str(&array_text(v.as_deref()?)),
        other => {
            // Values without a text form of ours: sea-query's literal, unquoted.
            let literal = sea_query::QueryBuilder::value_to_string(&sea_query::PostgresQueryBuilder, other);
            if literal == "NULL" {
                return None;
            }
            out.push_str(literal.trim_matches('\''));
        }
    }
    Some(out)
}
