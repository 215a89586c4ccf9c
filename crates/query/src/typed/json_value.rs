//! `Json<T>`: a `json`/`jsonb` value as a Rust type of your own, through serde.

use super::Accepts;
use crate::operand::{Operand, OperandKind};
use crate::{BuildError, IntoOperand};
use sea_query::Value;
use serde::Serialize;

/// A `json` or `jsonb` value held as `T` (serde): bound as the JSON `T`
/// serializes to, and decoded from a row's column by deserializing it.
///
/// ```
/// use knexrs_query::{Insert, Json, PostgresQueryBuilder};
///
/// #[derive(serde::Serialize, serde::Deserialize)]
/// struct Limits { cpu: String, memory: String }
///
/// let mut insert = Insert::into("jobs");
/// insert.set("limits", Json(Limits { cpu: "500m".into(), memory: "1Gi".into() }));
/// assert_eq!(
///     insert.to_string(PostgresQueryBuilder)?,
///     r#"insert into "jobs" ("limits") values ('{"cpu":"500m","memory":"1Gi"}')"#
/// );
/// # Ok::<(), knexrs_query::QueryError>(())
/// ```
///
/// A value that does not serialize (a map with non-string keys) is an error
/// from `build()` (and so from every executor call), never a `null` stored
/// in its place.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Json<T>(pub T);

impl<T> std::ops::Deref for Json<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> std::ops::DerefMut for Json<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.0
    }
}

fn json_operand<T: Serialize>(value: Option<&T>) -> Operand {
    let Some(value) = value else {
        return Operand(OperandKind::Value(Value::Json(None)));
    };
    match serde_json::to_value(value) {
        Ok(json) => Operand(OperandKind::Value(Value::Json(Some(Box::new(json))))),
        Err(e) => Operand(OperandKind::Invalid(BuildError::JsonValue {
            type_name: std::any::type_name::<T>(),
            message: e.to_string(),
        })),
    }
}

impl<T: Serialize> IntoOperand for Json<T> {
    fn into_operand(self) -> Operand {
        json_operand(Some(&self.0))
    }
}

impl<T: Serialize> IntoOperand for Option<Json<T>> {
    fn into_operand(self) -> Operand {
        json_operand(self.as_ref().map(|j| &j.0))
    }
}

impl<T: Serialize> Accepts<Json<T>> for Json<T> {}
impl<T: Serialize> Accepts<Option<Json<T>>> for Json<T> {}
impl<T: Serialize> Accepts<Option<Json<T>>> for Option<Json<T>> {}
impl<T: Serialize> Accepts<serde_json::Value> for Json<T> {}
impl<T: Serialize> Accepts<Option<serde_json::Value>> for Json<T> {}

#[cfg(feature = "driver")]
mod driver {
    use super::Json;
    use postgres_types::{FromSql, IsNull, ToSql, Type, to_sql_checked};
    use serde::{Deserialize, Serialize};

    type BoxError = Box<dyn std::error::Error + Sync + Send>;

    impl<'a, T: Deserialize<'a>> FromSql<'a> for Json<T> {
        fn from_sql(ty: &Type, raw: &'a [u8]) -> Result<Self, BoxError> {
            postgres_types::Json::<T>::from_sql(ty, raw).map(|json| Json(json.0))
        }

        fn accepts(ty: &Type) -> bool {
            <postgres_types::Json<T> as FromSql>::accepts(ty)
        }
    }

    impl<T: Serialize + std::fmt::Debug> ToSql for Json<T> {
        fn to_sql(&self, ty: &Type, out: &mut bytes::BytesMut) -> Result<IsNull, BoxError> {
            postgres_types::Json(&self.0).to_sql(ty, out)
        }

        fn accepts(ty: &Type) -> bool {
            <postgres_types::Json<T> as ToSql>::accepts(ty)
        }

        to_sql_checked!();
    }
}

#[cfg(test)]
mod tests {
    use super::Json;
    use crate::{BuildError, Insert, PostgresQueryBuilder, QueryError, Update, Wheres};
    use std::collections::BTreeMap;

    #[test]
    fn a_value_that_does_not_serialize_is_a_build_error_not_a_null() {
        let bad: BTreeMap<(i32, i32), i32> = [((1, 2), 3)].into();
        let mut insert = Insert::into("grid");
        insert.set("cells", Json(bad.clone()));
        let error = insert.build(PostgresQueryBuilder).unwrap_err();
        assert!(
            matches!(&error, QueryError::Build(BuildError::JsonValue { type_name, .. }) if type_name.contains("BTreeMap")),
            "{error}"
        );
        assert!(error.to_string().contains("does not serialize to JSON"), "{error}");
        let mut update = Update::table("grid");
        update.set("cells", Some(Json(bad))).where_eq("id", 1);
        assert!(update.build(PostgresQueryBuilder).is_err());
    }

    #[test]
    fn none_binds_null_and_a_value_binds_its_json() {
        let mut update = Update::table("jobs");
        update.set("limits", None::<Json<Vec<i32>>>).set("tags", Json(vec!["a", "b"])).where_eq("id", 1);
        assert_eq!(
            update.to_string(PostgresQueryBuilder).unwrap(),
            r#"update "jobs" set "limits" = NULL, "tags" = '["a","b"]' where "id" = 1"#
        );
    }
}
