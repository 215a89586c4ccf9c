//! What `#[derive(FromRow)]` and [`pg_enum!`](crate::pg_enum) expand to
//! (reached as `knexrs_query::__private`), so the crate using them needs no
//! dependency on `postgres-types` of its own. Not part of the API.

use crate::{PgEnum, QueryError};
pub use bytes::BytesMut;
pub use postgres_types::{FromSql, IsNull, Kind, ToSql, Type, to_sql_checked};
pub use tokio_postgres::Row;

pub use super::from_row::{FromRow, get, get_at as get_index};

/// The driver's boxed error.
pub type BoxError = Box<dyn std::error::Error + Sync + Send>;

/// The enum type itself (by name), or a text column (knex's default `enu`
/// is `text` with a check constraint).
pub fn enum_accepts<E: PgEnum>(ty: &Type) -> bool {
    match ty.kind() {
        Kind::Enum(_) => ty.name() == E::TYPE_NAME,
        _ => [Type::TEXT, Type::VARCHAR, Type::BPCHAR].contains(ty),
    }
}

/// An enum value's binary form is its label.
pub fn enum_from_sql<E: PgEnum>(raw: &[u8]) -> Result<E, BoxError> {
    let label = std::str::from_utf8(raw)?;
    E::from_label(label).ok_or_else(|| {
        format!("`{label}` is not a label of {}: add it to the Rust enum (run schema generate again)", E::TYPE_NAME)
            .into()
    })
}

/// The column `name`, or `T::default()` when the row has no such column
/// (`#[knexrs(default)]`: a select that leaves the column out).
pub fn get_or_default<T: for<'a> FromSql<'a> + Default>(row: &Row, name: &str) -> Result<T, QueryError> {
    if row.columns().iter().any(|c| c.name() == name) { get(row, name) } else { Ok(T::default()) }
}

/// The column `name` read as `S` and converted (`#[knexrs(try_from = "S")]`);
/// a value that does not convert is a decoding error naming the column.
pub fn get_try_from<S, T>(row: &Row, name: &str) -> Result<T, QueryError>
where
    S: for<'a> FromSql<'a>,
    T: TryFrom<S>,
    T::Error: std::fmt::Display,
{
    let value: S = get(row, name)?;
    T::try_from(value).map_err(|e| QueryError::Decode {
        column: name.to_owned(),
        message: format!("{e} (converting to {})", std::any::type_name::<T>()),
    })
}
