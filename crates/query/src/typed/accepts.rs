//! Which Rust values a column of a given Rust type takes.

use crate::IntoOperand;
use crate::operand::value_operands;

/// A value a column of type `V` accepts: `V` itself, the inner type for an
/// `Option` column, `&str` for text. Anything else does not compile:
///
/// ```compile_fail,E0277
/// use knexrs_query::{Column, Table, FromRow, QueryError};
///
/// #[derive(Clone, Copy)]
/// struct Sessions;
/// impl Table for Sessions { const NAME: &'static str = "sessions"; type Row = postgres::Row; }
/// const EXPIRES_AT: Column<Sessions, chrono::DateTime<chrono::Utc>> = Column::new("expires_at");
///
/// // A string is not a timestamp.
/// let _ = EXPIRES_AT.eq("x");
/// ```
pub trait Accepts<V>: IntoOperand {}

macro_rules! accepts {
    ($($t:ty),* $(,)?) => {$(
        impl Accepts<$t> for $t {}
        impl Accepts<Option<$t>> for $t {}
        impl Accepts<Option<$t>> for Option<$t> {}
    )*};
}

/// The scalar types columns are mapped to, and their PostgreSQL arrays
/// (`text[]`, `int4[]`, …): a `Vec` of an element type is one array value,
/// as node-postgres binds a JavaScript array, and the column of that array
/// type takes it.
macro_rules! scalars_and_arrays {
    ($($t:ty),* $(,)?) => {$(
        accepts!($t, Vec<$t>);
        value_operands!(Vec<$t>);
    )*};
}

scalars_and_arrays!(
    bool,
    i16,
    i32,
    i64,
    f32,
    f64,
    String,
    serde_json::Value,
    uuid::Uuid,
    chrono::NaiveDate,
    chrono::NaiveTime,
    chrono::NaiveDateTime,
    chrono::DateTime<chrono::Utc>,
    rust_decimal::Decimal,
);

// bytea: `Vec<u8>` is the value itself, not an array.
accepts!(Vec<u8>);

impl Accepts<String> for &str {}
impl Accepts<Option<String>> for &str {}
impl Accepts<Option<String>> for Option<&str> {}
impl Accepts<i64> for i32 {}
impl Accepts<Option<i64>> for i32 {}
impl Accepts<i32> for i16 {}
impl Accepts<f64> for f32 {}

#[cfg(feature = "driver")]
value_operands!(as text: cidr::IpInet, cidr::IpCidr);

#[cfg(feature = "driver")]
accepts!(cidr::IpInet, cidr::IpCidr);

// A host address is an `inet` of one address (`/32`, `/128`).
#[cfg(feature = "driver")]
impl Accepts<cidr::IpInet> for std::net::IpAddr {}
#[cfg(feature = "driver")]
impl Accepts<Option<cidr::IpInet>> for std::net::IpAddr {}
#[cfg(feature = "driver")]
impl Accepts<Option<cidr::IpInet>> for Option<std::net::IpAddr> {}
