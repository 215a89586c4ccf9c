//! Raw SQL with bound values (knex `knex.raw`): `?` binds a value, `??` an
//! identifier (quoted), `\?` is a literal `?` (for jsonb's `?`, `?|`, `?&`).

use crate::QueryError;
use crate::render::Writer;
use sea_query::Value;

/// A raw SQL fragment with its bindings.
///
/// ```
/// use knexrs_query::{Raw, table, Wheres, PostgresQueryBuilder};
/// use sea_query::Value;
///
/// let mut q = table("users");
/// q.where_in(Raw::with("COALESCE(??, ?)", [Value::from("id"), Value::from(9)]), [1, 2, 3]);
/// let (sql, values) = q.build(PostgresQueryBuilder).unwrap();
/// assert_eq!(sql, r#"select * from "users" where COALESCE("id", $1) in ($2, $3, $4)"#);
/// assert_eq!(values.0.len(), 4);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Raw {
    sql: String,
    bindings: Vec<Value>,
}

impl Raw {
    /// SQL without bindings, written as given.
    pub fn new(sql: impl Into<String>) -> Self {
        Raw { sql: sql.into(), bindings: Vec::new() }
    }

    /// SQL whose `?` and `??` take `bindings` in order.
    pub fn with(sql: impl Into<String>, bindings: impl IntoIterator<Item = Value>) -> Self {
        Raw { sql: sql.into(), bindings: bindings.into_iter().collect() }
    }

    /// Writes the fragment, binding its values.
    pub(crate) fn write(&self, w: &mut Writer) -> Result<(), QueryError> {
        let mut bindings = self.bindings.iter();
        let mut next = |what: &str| {
            bindings.next().ok_or_else(|| {
                QueryError::Build(format!(
                    "raw SQL `{}` has more {what} placeholders than bindings: give one binding per `?` and `??`",
                    self.sql
                ))
            })
        };
        let bytes = self.sql.as_bytes();
        let mut start = 0;
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\\' if bytes.get(i + 1) == Some(&b'?') => {
                    w.push_str(&self.sql[start..i]);
                    w.push_str("?");
                    i += 2;
                    start = i;
                }
                b'?' if bytes.get(i + 1) == Some(&b'?') => {
                    w.push_str(&self.sql[start..i]);
                    match next("`??`")? {
                        Value::String(Some(name)) => w.column(&crate::ident::column_ref(name.clone().into())),
                        other => {
                            return Err(QueryError::Build(format!(
                                "raw SQL `{}`: `??` takes an identifier, got {other:?}",
                                self.sql
                            )));
                        }
                    }
                    i += 2;
                    start = i;
                }
                b'?' => {
                    w.push_str(&self.sql[start..i]);
                    w.value(next("`?`")?.clone());
                    i += 1;
                    start = i;
                }
                _ => i += 1,
            }
        }
        w.push_str(&self.sql[start..]);
        if bindings.next().is_some() {
            return Err(QueryError::Build(format!(
                "raw SQL `{}` has more bindings than placeholders: give one binding per `?` and `??`",
                self.sql
            )));
        }
        Ok(())
    }
}

/// A raw fragment without bindings (knex `knex.raw(sql)`).
///
/// ```
/// use knexrs_query::{raw, table, Wheres, PostgresQueryBuilder};
///
/// let mut q = table("users");
/// q.where_raw(raw("deleted_at is null"));
/// assert_eq!(q.build(PostgresQueryBuilder).unwrap().0, r#"select * from "users" where deleted_at is null"#);
/// ```
pub fn raw(sql: impl Into<String>) -> Raw {
    Raw::new(sql)
}
