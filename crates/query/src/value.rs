//! sea-query values: what counts as null.

use sea_query::Value;

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
        _ => false,
    }
}
