//! Binding values: every sea-query `Value` becomes a parameter of the type the
//! server inferred, binary when the Rust value has that type, text otherwise.
//!
//! The text fallback gives knex's leniency (node-postgres sends every parameter
//! as text): a string compared with a `timestamptz` column, an `i32` stored in
//! a `bigint`, a UUID given as a string all work, and the server parses them.

use crate::QueryError;
use bytes::BytesMut;
use postgres_types::{Format, IsNull, ToSql, Type};
use sea_query::Value;
use std::error::Error;

type BoxError = Box<dyn Error + Sync + Send>;

/// One bound parameter.
#[derive(Debug)]
pub(crate) struct Param<'a>(pub(crate) &'a Value);

impl Param<'_> {
    /// Whether the value's own binary encoding is the one `ty` expects.
    fn binary(&self, ty: &Type) -> bool {
        match self.0 {
            Value::Bool(_) => *ty == Type::BOOL,
            Value::TinyInt(_) | Value::SmallInt(_) => *ty == Type::INT2,
            Value::Int(_) => *ty == Type::INT4,
            Value::BigInt(_) | Value::BigUnsigned(_) => *ty == Type::INT8,
            Value::Float(_) => *ty == Type::FLOAT4,
            Value::Double(_) => *ty == Type::FLOAT8,
            Value::String(_) => [Type::TEXT, Type::VARCHAR, Type::BPCHAR, Type::NAME, Type::UNKNOWN].contains(ty),
            Value::Bytes(_) => *ty == Type::BYTEA,
            Value::Json(_) => *ty == Type::JSON || *ty == Type::JSONB,
            Value::ChronoDate(_) => *ty == Type::DATE,
            Value::ChronoTime(_) => *ty == Type::TIME,
            Value::ChronoDateTime(_) => *ty == Type::TIMESTAMP,
            Value::ChronoDateTimeUtc(_) | Value::ChronoDateTimeLocal(_) | Value::ChronoDateTimeWithTimeZone(_) => {
                *ty == Type::TIMESTAMPTZ
            }
            Value::Uuid(_) => *ty == Type::UUID,
            _ => false,
        }
    }

    /// The value as PostgreSQL's text input form, or `None` for NULL.
    fn text(&self) -> Option<String> {
        crate::value::text_form(self.0)
    }
}

impl Param<'_> {
    /// The binary encoding, straight from the borrowed value (no copy of it).
    fn binary_to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        match self.0 {
            Value::Bool(v) => v.to_sql(ty, out),
            Value::TinyInt(v) => v.map(i16::from).to_sql(ty, out),
            Value::SmallInt(v) => v.to_sql(ty, out),
            Value::Int(v) => v.to_sql(ty, out),
            Value::BigInt(v) => v.to_sql(ty, out),
            Value::BigUnsigned(v) => v.map(i64::try_from).transpose()?.to_sql(ty, out),
            Value::Float(v) => v.to_sql(ty, out),
            Value::Double(v) => v.to_sql(ty, out),
            Value::String(v) => v.as_deref().to_sql(ty, out),
            Value::Bytes(v) => v.as_deref().to_sql(ty, out),
            Value::Json(v) => v.as_deref().to_sql(ty, out),
            Value::ChronoDate(v) => v.to_sql(ty, out),
            Value::ChronoTime(v) => v.to_sql(ty, out),
            Value::ChronoDateTime(v) => v.to_sql(ty, out),
            Value::ChronoDateTimeUtc(v) => v.to_sql(ty, out),
            Value::ChronoDateTimeLocal(v) => v.to_sql(ty, out),
            Value::ChronoDateTimeWithTimeZone(v) => v.to_sql(ty, out),
            Value::Uuid(v) => v.to_sql(ty, out),
            other => sea_query_postgres::PostgresValue(other.clone()).to_sql(ty, out),
        }
    }
}

impl ToSql for Param<'_> {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        if self.binary(ty) {
            return self.binary_to_sql(ty, out);
        }
        match self.text() {
            Some(text) => {
                if text.contains('\0') {
                    return Err("a text parameter cannot hold a NUL character".into());
                }
                out.extend_from_slice(text.as_bytes());
                Ok(IsNull::No)
            }
            None => Ok(IsNull::Yes),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    fn to_sql_checked(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        self.to_sql(ty, out)
    }

    fn encode_format(&self, ty: &Type) -> Format {
        if self.binary(ty) { Format::Binary } else { Format::Text }
    }
}

/// The type an unnamed statement's parameters are given: none (oid 0), so the
/// server infers each one as it does for a prepared statement; the values
/// then travel as text and the server parses them.
pub(crate) fn inferred_type() -> Type {
    static INFERRED: std::sync::LazyLock<Type> = std::sync::LazyLock::new(|| {
        Type::new("unspecified".to_owned(), 0, postgres_types::Kind::Pseudo, "pg_catalog".to_owned())
    });
    INFERRED.clone()
}

/// The values as `(parameter, type)` pairs for an unnamed statement (parse,
/// bind and execute in one round trip: no named statement to outlive a
/// transaction pooler's assignment).
pub(crate) fn inferred_params<'a>(params: &'a [Param<'a>]) -> Vec<(&'a (dyn ToSql + Sync), Type)> {
    params.iter().map(|p| (p as &(dyn ToSql + Sync), inferred_type())).collect()
}

/// The values as the driver's parameter slice. One call into the driver per
/// statement: each call is a round of its event loop.
#[cfg(feature = "sync")]
pub(crate) fn with_params<T>(
    values: &[std::borrow::Cow<'_, Value>],
    call: impl FnOnce(&[&(dyn ToSql + Sync)]) -> T,
) -> T {
    // Most statements bind a handful of values: no allocation for those, and
    // no more slots filled than a small statement needs.
    match values.len() {
        0..=4 => on_stack::<4, T>(values, call),
        5..=16 => on_stack::<16, T>(values, call),
        _ => {
            let params: Vec<Param<'_>> = values.iter().map(|v| Param(v.as_ref())).collect();
            let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| p as &(dyn ToSql + Sync)).collect();
            call(&refs)
        }
    }
}

/// [`with_params`] for at most `N` values, on the stack.
#[cfg(feature = "sync")]
fn on_stack<const N: usize, T>(
    values: &[std::borrow::Cow<'_, Value>],
    call: impl FnOnce(&[&(dyn ToSql + Sync)]) -> T,
) -> T {
    static NULL: Value = Value::Bool(None);
    let params: [Param<'_>; N] = std::array::from_fn(|i| Param(values.get(i).map_or(&NULL, AsRef::as_ref)));
    let refs: [&(dyn ToSql + Sync); N] = std::array::from_fn(|i| &params[i] as &(dyn ToSql + Sync));
    call(&refs[..values.len().min(N)])
}

/// Refuses a statement with more values than the protocol's 16-bit
/// parameter count carries, before anything is sent.
pub(crate) fn check_count(sql: &str, count: usize) -> Result<(), QueryError> {
    if count > u16::MAX as usize {
        return Err(QueryError::TooManyParameters { statement: super::context(sql), count });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_of_the_inferred_type_go_binary_others_as_text() {
        let int = Value::Int(Some(5));
        assert!(matches!(Param(&int).encode_format(&Type::INT4), Format::Binary));
        assert!(matches!(Param(&int).encode_format(&Type::INT8), Format::Text));
        assert_eq!(Param(&int).text().as_deref(), Some("5"));
        let text = Value::String(Some("2030-01-01T00:00:00Z".into()));
        assert!(matches!(Param(&text).encode_format(&Type::TIMESTAMPTZ), Format::Text));
        let null = Value::String(None);
        assert_eq!(Param(&null).text(), None);
        let bytes = Value::Bytes(Some(vec![0xde, 0xad]));
        assert_eq!(Param(&bytes).text().as_deref(), Some("\\xdead"));
    }
}
