//! Raw SQL with bound values (knex `knex.raw`): `?` binds a value, `??` an
//! identifier (quoted), `\?` is a literal `?` (for jsonb's `?`, `?|`, `?&`);
//! named bindings write `:name` for a value and `:name:` for an identifier.

use crate::QueryError;
use crate::ident::split_alias;
use crate::operand::{IntoOperand, Operand, OperandKind};
use crate::render::Writer;
use sea_query::Value;

/// A raw SQL fragment with its bindings.
///
/// A binding is any operand: a value (bound as a parameter), another raw
/// fragment (written in place), a subquery (written in parentheses) or a list.
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
#[derive(Debug, Clone)]
pub struct Raw {
    sql: String,
    bindings: Bindings,
    wrap: Option<(String, String)>,
    /// Given up after this long (knex `.timeout(ms, { cancel: true })`).
    pub(crate) timeout: Option<std::time::Duration>,
}

#[derive(Debug, Clone)]
enum Bindings {
    Positional(Vec<Operand>),
    Named(Vec<(String, Operand)>),
}

impl Raw {
    /// SQL without bindings, written as given.
    ///
    /// ```
    /// # use knexrs_query::{Raw, Select, Wheres, PostgresQueryBuilder};
    /// let mut q = Select::from("sessions");
    /// q.where_raw(Raw::new("expires_at > now()"));
    /// assert_eq!(q.build(PostgresQueryBuilder)?.0, r#"select * from "sessions" where expires_at > now()"#);
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    pub fn new(sql: impl Into<String>) -> Self {
        Raw { sql: sql.into(), bindings: Bindings::Positional(Vec::new()), wrap: None, timeout: None }
    }

    /// SQL whose `?` and `??` take `bindings` in order.
    ///
    /// ```
    /// use knexrs_query::{raw, IntoOperand, Raw, Select, PostgresQueryBuilder};
    ///
    /// let point = Raw::with("ST_MakePoint(?, ?)", [-10, 10]);
    /// let mut q = Select::from("places");
    /// q.column_raw(Raw::with("ST_SetSRID(?, ?)", [point.into_operand(), 4326.into_operand()]));
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder).unwrap().0,
    ///     r#"select ST_SetSRID(ST_MakePoint($1, $2), $3) from "places""#
    /// );
    /// ```
    pub fn with<I>(sql: impl Into<String>, bindings: I) -> Self
    where
        I: IntoIterator,
        I::Item: IntoOperand,
    {
        let bindings = bindings.into_iter().map(IntoOperand::into_operand).collect();
        Raw { sql: sql.into(), bindings: Bindings::Positional(bindings), wrap: None, timeout: None }
    }

    /// SQL with named bindings: `:name` binds a value, `:name:` an identifier
    /// (knex `raw(sql, { name: … })`); `::` stays a cast and `\:` a colon.
    ///
    /// ```
    /// use knexrs_query::{IntoOperand, Raw, table, Wheres, PostgresQueryBuilder};
    ///
    /// let mut q = table("users");
    /// q.where_raw(Raw::named(
    ///     ":name: = :guy or :name: = :other",
    ///     [("name", "users.name".into_operand()), ("guy", "Bob".into_operand()), ("other", "Jay".into_operand())],
    /// ));
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder).unwrap().0,
    ///     r#"select * from "users" where "users"."name" = $1 or "users"."name" = $2"#
    /// );
    /// ```
    pub fn named<I, K>(sql: impl Into<String>, bindings: I) -> Self
    where
        I: IntoIterator<Item = (K, Operand)>,
        K: Into<String>,
    {
        let bindings = bindings.into_iter().map(|(k, v)| (k.into(), v)).collect();
        Raw { sql: sql.into(), bindings: Bindings::Named(bindings), wrap: None, timeout: None }
    }

    /// Writes `before` and `after` around the fragment (knex `raw(…).wrap('(', ') as x')`).
    ///
    /// ```
    /// use knexrs_query::{raw, Select, PostgresQueryBuilder};
    ///
    /// let mut q = Select::from("a");
    /// q.join(raw("select min(nid) as x from b").wrap("(", ") as b"), "a.x", "b.x");
    /// assert_eq!(
    ///     q.build(PostgresQueryBuilder).unwrap().0,
    ///     r#"select * from "a" inner join (select min(nid) as x from b) as b on "a"."x" = "b"."x""#
    /// );
    /// ```
    pub fn wrap(mut self, before: impl Into<String>, after: impl Into<String>) -> Self {
        self.wrap = Some((before.into(), after.into()));
        self
    }

    /// Writes the fragment, binding its values.
    pub(crate) fn write<'a>(&'a self, w: &mut Writer<'a>) -> Result<(), QueryError> {
        if let Some((before, _)) = &self.wrap {
            w.push_str(before);
        }
        match &self.bindings {
            Bindings::Positional(bindings) => self.write_positional(bindings, w)?,
            Bindings::Named(bindings) => self.write_named(bindings, w)?,
        }
        if let Some((_, after)) = &self.wrap {
            w.push_str(after);
        }
        Ok(())
    }

    fn write_positional<'a>(&'a self, bindings: &'a [Operand], w: &mut Writer<'a>) -> Result<(), QueryError> {
        let mut bindings = bindings.iter();
        let mut next = |what: &'static str| {
            bindings
                .next()
                .ok_or_else(|| QueryError::Build(crate::BuildError::MissingBinding { sql: self.sql.to_string(), what }))
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
                    self.write_identifier(next("`??`")?, w)?;
                    i += 2;
                    start = i;
                }
                b'?' => {
                    w.push_str(&self.sql[start..i]);
                    write_binding(next("`?`")?, w)?;
                    i += 1;
                    start = i;
                }
                _ => i += 1,
            }
        }
        w.push_str(&self.sql[start..]);
        if bindings.next().is_some() {
            return Err(crate::BuildError::ExtraBinding { sql: self.sql.to_string() }.into());
        }
        Ok(())
    }

    fn write_named<'a>(&'a self, bindings: &'a [(String, Operand)], w: &mut Writer<'a>) -> Result<(), QueryError> {
        let bytes = self.sql.as_bytes();
        let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
        let mut start = 0;
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\\' if bytes.get(i + 1) == Some(&b':') => {
                    w.push_str(&self.sql[start..i]);
                    w.push_str(":");
                    i += 2;
                    start = i;
                }
                // A cast (`::int`) is not a binding.
                b':' if bytes.get(i + 1) == Some(&b':') => i += 2,
                b':' if bytes.get(i + 1).is_some_and(|&b| word(b)) => {
                    let name_start = i + 1;
                    let mut end = name_start;
                    while end < bytes.len() && word(bytes[end]) {
                        end += 1;
                    }
                    let name = &self.sql[name_start..end];
                    let identifier = bytes.get(end) == Some(&b':') && bytes.get(end + 1) != Some(&b':');
                    let binding = bindings.iter().find(|(k, _)| k == name).map(|(_, v)| v).ok_or_else(|| {
                        QueryError::Build(crate::BuildError::UnknownBinding {
                            sql: self.sql.to_string(),
                            name: name.to_owned(),
                        })
                    })?;
                    w.push_str(&self.sql[start..i]);
                    if identifier {
                        self.write_identifier(binding, w)?;
                        i = end + 1;
                    } else {
                        write_binding(binding, w)?;
                        i = end;
                    }
                    start = i;
                }
                _ => i += 1,
            }
        }
        w.push_str(&self.sql[start..]);
        Ok(())
    }

    /// `??`: a name (`"users.id"`, `"id as n"`) quoted, or a nested fragment as is.
    fn write_identifier<'a>(&'a self, binding: &'a Operand, w: &mut Writer<'a>) -> Result<(), QueryError> {
        match &binding.0 {
            OperandKind::Value(Value::String(Some(name))) => {
                let (name, alias) = split_alias(name.clone().into());
                w.column(&name);
                if let Some(alias) = alias {
                    w.push_str(" as ");
                    w.name(&alias);
                }
                Ok(())
            }
            OperandKind::Column(column) => {
                w.column(column);
                Ok(())
            }
            OperandKind::Raw(raw) => raw.write(w),
            OperandKind::Invalid(error) => Err(error.clone().into()),
            other => {
                Err(crate::BuildError::NotAnIdentifier { sql: self.sql.to_string(), got: format!("{other:?}") }.into())
            }
        }
    }
}

/// `?`: a value is bound; raw SQL, subqueries and lists are written in place.
fn write_binding<'a>(binding: &'a Operand, w: &mut Writer<'a>) -> Result<(), QueryError> {
    binding.write(w)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{IntoOperand, Select, Wheres};
    use sea_query::PostgresQueryBuilder;

    #[test]
    fn subqueries_in_raw_bindings_are_parenthesized_and_keep_binding_order() {
        let mut inner = Select::new();
        inner.column_raw(raw("'user'")).where_eq("recipient_id", 1);
        let mut insert = crate::Insert::into("recipients");
        insert.select_raw(Raw::with("(recipient_id, email) ?", [inner.into_operand()]));
        let (sql, values) = insert.build(PostgresQueryBuilder).unwrap();
        assert_eq!(sql, r#"insert into "recipients" (recipient_id, email) (select 'user' where "recipient_id" = $1)"#);
        assert_eq!(values.0.len(), 1);
    }

    #[test]
    fn named_bindings_leave_casts_and_escaped_colons_alone() {
        let mut q = Select::new();
        q.column_raw(Raw::named(r":v::int, '\:x', :v", [("v", 5.into_operand())]));
        assert_eq!(q.to_string(PostgresQueryBuilder).unwrap(), "select 5::int, ':x', 5");
        let mut missing = Select::new();
        missing.column_raw(Raw::named(":nope", Vec::<(String, Operand)>::new()));
        let error = missing.build(PostgresQueryBuilder).unwrap_err().to_string();
        assert!(error.contains("`:nope`, which has no binding"), "{error}");
    }
}
