//! A ported knex case as one of our statements, and bindings as knex reports them.

use knexrs_query::{
    Delete, Executor, Insert, PostgresQueryBuilder, QueryError, Select, Truncate, Update, Value, Values,
};
use serde_json::json;

/// A ported case: one of our statements.
#[allow(clippy::large_enum_variant, reason = "a test case, built once")]
pub enum Query {
    /// A select.
    Select(Select),
    /// An insert.
    Insert(Insert),
    /// An update.
    Update(Update),
    /// A delete.
    Delete(Delete),
    /// A truncate.
    Truncate(Truncate),
}

macro_rules! query_from {
    ($($ty:ident),*) => {$(
        impl From<&mut $ty> for Query {
            fn from(statement: &mut $ty) -> Self {
                Query::$ty(statement.clone())
            }
        }
        impl From<$ty> for Query {
            fn from(statement: $ty) -> Self {
                Query::$ty(statement)
            }
        }
    )*};
}
query_from!(Select, Insert, Update, Delete, Truncate);

impl Query {
    /// SQL with `$n` placeholders, and the values.
    pub fn build(&self) -> Result<(String, Values), QueryError> {
        match self {
            Query::Select(q) => q.build(PostgresQueryBuilder),
            Query::Insert(q) => q.build(PostgresQueryBuilder),
            Query::Update(q) => q.build(PostgresQueryBuilder),
            Query::Delete(q) => q.build(PostgresQueryBuilder),
            Query::Truncate(q) => q.build(PostgresQueryBuilder),
        }
    }

    /// SQL with the values inlined.
    pub fn inline(&self) -> Result<String, QueryError> {
        match self {
            Query::Select(q) => q.to_string(PostgresQueryBuilder),
            Query::Insert(q) => q.to_string(PostgresQueryBuilder),
            Query::Update(q) => q.to_string(PostgresQueryBuilder),
            Query::Delete(q) => q.to_string(PostgresQueryBuilder),
            Query::Truncate(q) => q.to_string(PostgresQueryBuilder),
        }
    }

    /// Runs the statement.
    pub fn execute(&self, conn: &mut impl Executor) -> Result<u64, QueryError> {
        match self {
            Query::Select(q) => conn.execute(q),
            Query::Insert(q) => conn.execute(q),
            Query::Update(q) => conn.execute(q),
            Query::Delete(q) => conn.execute(q),
            Query::Truncate(q) => conn.execute(q),
        }
    }
}

/// A binding as knex reports it (objects are bound as their JSON text).
pub fn binding_json(value: &Value) -> serde_json::Value {
    match value {
        Value::Bool(b) => json!(b),
        Value::TinyInt(n) => json!(n),
        Value::SmallInt(n) => json!(n),
        Value::Int(n) => json!(n),
        Value::BigInt(n) => json!(n),
        Value::TinyUnsigned(n) => json!(n),
        Value::SmallUnsigned(n) => json!(n),
        Value::Unsigned(n) => json!(n),
        Value::BigUnsigned(n) => json!(n),
        Value::Float(n) => json!(n),
        Value::Double(n) => json!(n),
        Value::String(s) => json!(s),
        Value::Json(j) => j.as_ref().map_or(serde_json::Value::Null, |j| json!(j.to_string())),
        Value::Array(_, Some(items)) => serde_json::Value::Array(items.iter().map(binding_json).collect()),
        other => json!(format!("{other:?}")),
    }
}
