//! What can stand on either side of a comparison: a value (always bound), a
//! column, a sea-query expression, raw SQL, a subquery, or a list of them.

use crate::{IntoName, Raw, Select};
use sea_query::{Expr, Value};
use std::borrow::Cow;

/// An operand of a condition, an insert or an update.
///
/// Values become bound parameters; use [`col`] for a column and [`Raw`] for SQL.
///
/// ```
/// use knexrs_query::{col, IntoOperand};
///
/// let value = 5.into_operand();
/// let column = col("users.id").into_operand();
/// # let _ = (value, column);
/// ```
#[derive(Debug, Clone)]
pub struct Operand(pub(crate) OperandKind);

#[derive(Debug, Clone)]
pub(crate) enum OperandKind {
    /// A column as named (`id`, `users.id`, `u.*`), split and quoted when written.
    Column(Cow<'static, str>),
    Value(Value),
    Expr(Box<Expr>),
    Raw(Box<Raw>),
    Select(Box<Select>),
    List(Vec<Operand>),
    /// knex's `undefined` in a multi-row insert: the column's default.
    Default,
    /// A value that could not be made (a `Json` that does not serialize):
    /// building the statement returns the error.
    Invalid(crate::BuildError),
}

/// Converts into an [`Operand`].
///
/// ```
/// # use knexrs_query::{col, raw, Select, Update, Wheres, PostgresQueryBuilder};
/// let mut newest = Select::from("pods");
/// newest.column("ip").where_column("pods.session_id", "=", "sessions.session_id").first();
/// let mut q = Update::table("sessions");
/// q.set("pod_ip", newest) // a subquery
///     .set("placed_at", raw("now()")) // raw SQL
///     .set("job_name", col("session_id")) // a column
///     .set("restarts", 0); // a value, bound
/// assert_eq!(
///     q.build(PostgresQueryBuilder)?.0,
///     r#"update "sessions" set "pod_ip" = (select "ip" from "pods" where "pods"."session_id" = "sessions"."session_id" limit $1), "placed_at" = now(), "job_name" = "session_id", "restarts" = $2"#
/// );
/// # Ok::<(), knexrs_query::QueryError>(())
/// ```
pub trait IntoOperand {
    /// The operand.
    ///
    /// ```
    /// use knexrs_query::{IntoOperand, Operand};
    ///
    /// let values: Vec<Operand> = vec![1.into_operand(), "two".into_operand(), None::<i64>.into_operand()];
    /// assert_eq!(values.len(), 3);
    /// ```
    fn into_operand(self) -> Operand;
}

impl IntoOperand for Operand {
    fn into_operand(self) -> Operand {
        self
    }
}

impl IntoOperand for Raw {
    fn into_operand(self) -> Operand {
        Operand(OperandKind::Raw(Box::new(self)))
    }
}

impl IntoOperand for Select {
    fn into_operand(self) -> Operand {
        Operand(OperandKind::Select(Box::new(self)))
    }
}

impl IntoOperand for &Select {
    fn into_operand(self) -> Operand {
        Operand(OperandKind::Select(Box::new(self.clone())))
    }
}

impl IntoOperand for Value {
    fn into_operand(self) -> Operand {
        Operand(OperandKind::Value(self))
    }
}

/// Operands of Rust value types, `Option` for NULL: bound as sea-query
/// converts them, or (`as text:`) as their text form, which the server parses
/// as the column's type (an `inet` keeps its netmask that way).
macro_rules! value_operands {
    ($($t:ty),* $(,)?) => {$(
        impl $crate::IntoOperand for $t {
            fn into_operand(self) -> $crate::Operand {
                $crate::Operand($crate::operand::OperandKind::Value(self.into()))
            }
        }
        impl $crate::IntoOperand for Option<$t> {
            fn into_operand(self) -> $crate::Operand {
                $crate::Operand($crate::operand::OperandKind::Value(self.into()))
            }
        }
    )*};
    (as text: $($t:ty),* $(,)?) => {$(
        impl $crate::IntoOperand for $t {
            fn into_operand(self) -> $crate::Operand {
                $crate::Operand($crate::operand::OperandKind::Value($crate::Value::String(Some(self.to_string()))))
            }
        }
        impl $crate::IntoOperand for Option<$t> {
            fn into_operand(self) -> $crate::Operand {
                $crate::Operand($crate::operand::OperandKind::Value($crate::Value::String(self.map(|v| v.to_string()))))
            }
        }
    )*};
}
pub(crate) use value_operands;

value_operands!(
    bool,
    i16,
    i32,
    i64,
    u32,
    f32,
    f64,
    &str,
    String,
    Vec<u8>,
    serde_json::Value,
    uuid::Uuid,
    chrono::NaiveDate,
    chrono::NaiveTime,
    chrono::NaiveDateTime,
    chrono::DateTime<chrono::Utc>,
    chrono::DateTime<chrono::FixedOffset>,
    rust_decimal::Decimal,
);

value_operands!(as text: std::net::IpAddr);

/// A column reference as an operand (knex `knex.ref`), for comparing two columns
/// or setting one from another.
///
/// ```
/// use knexrs_query::{col, table, Wheres, PostgresQueryBuilder};
///
/// let mut q = table("sometable");
/// q.where_eq("sometable.column", col("someothertable.someothercolumn"));
/// let (sql, values) = q.build(PostgresQueryBuilder).unwrap();
/// assert_eq!(
///     sql,
///     r#"select * from "sometable" where "sometable"."column" = "someothertable"."someothercolumn""#
/// );
/// assert!(values.0.is_empty());
/// ```
pub fn col(name: impl IntoName) -> Operand {
    let name = name.into_name();
    match array_subscript(&name) {
        // `"tags"[1]`: the subscript stays outside the quotes, as knex writes it.
        Some(at) => {
            let subscript = name[at..].to_owned();
            let column = Value::from(name[..at].to_owned());
            Operand(OperandKind::Raw(Box::new(Raw::with(format!("??{subscript}"), [column]))))
        }
        None => Operand(OperandKind::Column(name)),
    }
}

/// Where a trailing array subscript (`[1]`, `[2][3]`) starts in a column name.
fn array_subscript(name: &str) -> Option<usize> {
    if !name.ends_with(']') {
        return None;
    }
    let bytes = name.as_bytes();
    let mut end = bytes.len();
    let mut start = None;
    while end > 0 && bytes[end - 1] == b']' {
        let open = name[..end - 1].rfind('[')?;
        if open + 1 == end - 1 || !bytes[open + 1..end - 1].iter().all(u8::is_ascii_digit) {
            break;
        }
        start = Some(open);
        end = open;
    }
    start.filter(|&at| at > 0)
}

/// A parenthesized list of values, for `where_op(column, "in" | "between", list(…))`.
///
/// ```
/// use knexrs_query::{list, table, Wheres, PostgresQueryBuilder};
///
/// let mut q = table("users");
/// q.where_op("id", "between", list([1, 2]));
/// assert_eq!(
///     q.build(PostgresQueryBuilder).unwrap().0,
///     r#"select * from "users" where "id" between $1 and $2"#
/// );
/// ```
pub fn list<I>(values: I) -> Operand
where
    I: IntoIterator,
    I::Item: IntoOperand,
{
    Operand(OperandKind::List(values.into_iter().map(IntoOperand::into_operand).collect()))
}

/// A PostgreSQL array, bound as one value (for `&&`, `@>`, `= any(…)`).
///
/// ```
/// use knexrs_query::{array, table, Wheres, PostgresQueryBuilder};
///
/// let mut q = table("posts");
/// q.where_op("tags", "&&", array(["rust", "sql"]));
/// assert_eq!(
///     q.to_string(PostgresQueryBuilder).unwrap(),
///     r#"select * from "posts" where "tags" && '{"rust","sql"}'"#
/// );
/// ```
pub fn array<I>(items: I) -> Operand
where
    I: IntoIterator,
    I::Item: Into<Value>,
{
    let values: Vec<Value> = items.into_iter().map(Into::into).collect();
    // Sent in text form, so an empty array needs no element type of its own.
    let element = values.first().map_or(sea_query::ArrayType::String, Value::array_type);
    Operand(OperandKind::Value(Value::Array(element, Some(Box::new(values)))))
}

/// A sea-query expression as an operand (for functions, casts, `case`, …).
///
/// ```
/// use knexrs_query::{expr, table, Wheres, PostgresQueryBuilder};
/// use sea_query::{Expr, Func};
///
/// let mut q = table("users");
/// q.where_eq(expr(Func::lower(Expr::col("email"))), "a@b.c");
/// assert_eq!(
///     q.build(PostgresQueryBuilder).unwrap().0,
///     r#"select * from "users" where LOWER("email") = $1"#
/// );
/// ```
pub fn expr(expression: impl Into<Expr>) -> Operand {
    Operand(OperandKind::Expr(Box::new(expression.into())))
}

/// The column's default, where a multi-row insert leaves a column out (knex `undefined`).
///
/// ```
/// use knexrs_query::{default_value, Insert, IntoOperand, PostgresQueryBuilder};
///
/// let mut q = Insert::into("users");
/// q.row([("id", default_value()), ("name", "x".into_operand())]);
/// assert_eq!(
///     q.build(PostgresQueryBuilder).unwrap().0,
///     r#"insert into "users" ("id", "name") values (DEFAULT, $1)"#
/// );
/// ```
pub fn default_value() -> Operand {
    Operand(OperandKind::Default)
}
