//! Rust enums for PostgreSQL's native enum types (`create type mood as enum
//! (…)`, knex `enu(…, { useNative: true })`): values bound as their labels,
//! rows decoded from them.

use super::Accepts;
use crate::IntoOperand;
use crate::operand::{Operand, OperandKind};
use sea_query::Value;

/// A Rust enum standing for a PostgreSQL enum type, one variant per label.
///
/// Declare it with [`pg_enum!`](crate::pg_enum), which `cargo xtask schema
/// generate` writes for every enum type a table uses. Its values then work as
/// operands (bound as their labels, which the server parses as the enum) and
/// as typed column values, and a row's column decodes into it. It also fits
/// knex's default `enu` column (`text` with a check constraint).
///
/// ```
/// use knexrs_query::{PgEnum, PostgresQueryBuilder, Wheres, table};
///
/// knexrs_query::pg_enum! {
///     /// The `session_state` type.
///     pub enum SessionState: "session_state" {
///         Pending = "pending",
///         Running = "running",
///     }
/// }
///
/// assert_eq!(SessionState::Running.label(), "running");
/// assert_eq!(SessionState::from_label("pending"), Some(SessionState::Pending));
/// let mut q = table("sessions");
/// q.where_eq("state", SessionState::Running);
/// assert_eq!(q.to_string(PostgresQueryBuilder)?, r#"select * from "sessions" where "state" = 'running'"#);
/// # Ok::<(), knexrs_query::QueryError>(())
/// ```
pub trait PgEnum: Sized + Copy + 'static {
    /// The PostgreSQL type's name.
    const TYPE_NAME: &'static str;
    /// Every label, in the type's order.
    const LABELS: &'static [&'static str];

    /// This value's label.
    ///
    /// ```
    /// # use knexrs_query::PgEnum;
    /// knexrs_query::pg_enum! { enum Mood: "mood" { Ok = "ok", Sad = "sad" } }
    /// assert_eq!(Mood::Sad.label(), "sad");
    /// ```
    fn label(self) -> &'static str;

    /// The value with this label, if one has it.
    ///
    /// ```
    /// # use knexrs_query::PgEnum;
    /// knexrs_query::pg_enum! { enum Mood: "mood" { Ok = "ok", Sad = "sad" } }
    /// assert_eq!(Mood::from_label("ok"), Some(Mood::Ok));
    /// assert_eq!(Mood::from_label("happy"), None);
    /// ```
    fn from_label(label: &str) -> Option<Self>;
}

impl<E: PgEnum> IntoOperand for E {
    fn into_operand(self) -> Operand {
        Operand(OperandKind::Value(Value::String(Some(self.label().to_owned()))))
    }
}

impl<E: PgEnum> IntoOperand for Option<E> {
    fn into_operand(self) -> Operand {
        Operand(OperandKind::Value(Value::String(self.map(|e| e.label().to_owned()))))
    }
}

fn labels<E: PgEnum>(values: Vec<E>) -> Vec<Value> {
    values.into_iter().map(|e| Value::String(Some(e.label().to_owned()))).collect()
}

/// An array of the enum (`pod_phase[]`): one array value, as the other arrays are.
impl<E: PgEnum> IntoOperand for Vec<E> {
    fn into_operand(self) -> Operand {
        Operand(OperandKind::Value(Value::Array(sea_query::ArrayType::String, Some(Box::new(labels(self))))))
    }
}

impl<E: PgEnum> IntoOperand for Option<Vec<E>> {
    fn into_operand(self) -> Operand {
        Operand(OperandKind::Value(Value::Array(sea_query::ArrayType::String, self.map(|v| Box::new(labels(v))))))
    }
}

impl<E: PgEnum> Accepts<Vec<E>> for Vec<E> {}
impl<E: PgEnum> Accepts<Option<Vec<E>>> for Vec<E> {}
impl<E: PgEnum> Accepts<Option<Vec<E>>> for Option<Vec<E>> {}

impl<E: PgEnum> Accepts<E> for E {}
impl<E: PgEnum> Accepts<Option<E>> for E {}
impl<E: PgEnum> Accepts<Option<E>> for Option<E> {}

/// Declares a Rust enum for a PostgreSQL enum type and implements
/// [`PgEnum`] for it (and, with an executor feature, decoding from and
/// binding to the driver). Each variant names its label; the enum derives
/// `Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord` (ordered as the
/// type's labels are, as PostgreSQL orders them).
///
/// ```
/// use knexrs_query::PgEnum;
///
/// knexrs_query::pg_enum! {
///     /// A pod's phase.
///     pub enum Phase: "pod_phase" {
///         /// Not scheduled yet.
///         Pending = "Pending",
///         Running = "Running",
///         CrashLoop = "crash-loop",
///     }
/// }
/// assert_eq!(Phase::LABELS, ["Pending", "Running", "crash-loop"]);
/// assert_eq!(Phase::CrashLoop.to_string(), "crash-loop");
/// ```
#[macro_export]
macro_rules! pg_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident : $type_name:literal {
            $($(#[$variant_meta:meta])* $variant:ident = $label:literal),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        $vis enum $name {
            $($(#[$variant_meta])* $variant,)+
        }

        impl $crate::PgEnum for $name {
            const TYPE_NAME: &'static str = $type_name;
            const LABELS: &'static [&'static str] = &[$($label),+];

            fn label(self) -> &'static str {
                match self {
                    $($name::$variant => $label,)+
                }
            }

            fn from_label(label: &str) -> ::core::option::Option<Self> {
                match label {
                    $($label => ::core::option::Option::Some($name::$variant),)+
                    _ => ::core::option::Option::None,
                }
            }
        }

        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str($crate::PgEnum::label(*self))
            }
        }

        $crate::__pg_enum_driver!($name);
    };
}

/// The driver half of [`pg_enum!`]: decoding and binding through
/// `postgres-types`, present when an executor feature is.
#[cfg(feature = "driver")]
#[doc(hidden)]
#[macro_export]
macro_rules! __pg_enum_driver {
    ($name:ident) => {
        impl<'a> $crate::__private::FromSql<'a> for $name {
            fn from_sql(
                _: &$crate::__private::Type,
                raw: &'a [u8],
            ) -> ::core::result::Result<Self, $crate::__private::BoxError> {
                $crate::__private::enum_from_sql(raw)
            }

            fn accepts(ty: &$crate::__private::Type) -> bool {
                $crate::__private::enum_accepts::<Self>(ty)
            }
        }

        impl $crate::__private::ToSql for $name {
            fn to_sql(
                &self,
                _: &$crate::__private::Type,
                out: &mut $crate::__private::BytesMut,
            ) -> ::core::result::Result<$crate::__private::IsNull, $crate::__private::BoxError> {
                out.extend_from_slice($crate::PgEnum::label(*self).as_bytes());
                ::core::result::Result::Ok($crate::__private::IsNull::No)
            }

            fn accepts(ty: &$crate::__private::Type) -> bool {
                $crate::__private::enum_accepts::<Self>(ty)
            }

            $crate::__private::to_sql_checked!();
        }
    };
}

/// Without an executor there is nothing to decode from or bind to.
#[cfg(not(feature = "driver"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __pg_enum_driver {
    ($name:ident) => {};
}
