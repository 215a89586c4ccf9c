//! Column types and the SQL type names knex gives them on PostgreSQL.

use crate::sql::{qualified, quote};
use sea_query::{ColumnType as SeaType, StringLen};

/// The type of a column, named after the knex column method that makes it.
///
/// ```
/// use knexrs_schema::ColumnType;
///
/// assert_eq!(ColumnType::String(255).sql_name(None), "varchar(255)");
/// assert_eq!(ColumnType::Timestamp { tz: true, precision: None }.sql_name(None), "timestamptz");
/// assert_eq!(ColumnType::Increments.sql_name(None), "serial");
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ColumnType {
    /// `serial`, the primary key unless told otherwise (knex `increments`).
    Increments,
    /// `bigserial` (knex `bigIncrements`).
    BigIncrements,
    /// `integer`.
    Integer,
    /// `bigint`.
    BigInteger,
    /// `smallint` (knex `smallint` and `tinyint`).
    SmallInteger,
    /// `varchar(n)` (knex `string`).
    String(u32),
    /// `text`.
    Text,
    /// `boolean`.
    Boolean,
    /// `decimal(precision, scale)`, or unconstrained `decimal`.
    Decimal(Option<(u32, u32)>),
    /// `real` (knex `float`).
    Float,
    /// `double precision`.
    Double,
    /// `date`.
    Date,
    /// `time`, `timetz`, with an optional precision.
    Time {
        /// `timetz` when true.
        tz: bool,
        /// Fractional digits of the seconds.
        precision: Option<u32>,
    },
    /// `timestamptz` or `timestamp`, with an optional precision.
    Timestamp {
        /// `timestamptz` when true (knex's default).
        tz: bool,
        /// Fractional digits of the seconds.
        precision: Option<u32>,
    },
    /// `bytea` (knex `binary`).
    Binary,
    /// `json`.
    Json,
    /// `jsonb`.
    Jsonb,
    /// `uuid`.
    Uuid,
    /// An enum: a `text` column with a check, or a native PostgreSQL enum type.
    Enum(EnumType),
    /// Any SQL type, written as given (knex `specificType`).
    Specific(String),
}

/// How an enum column is stored.
///
/// ```
/// use knexrs_schema::EnumType;
///
/// let native = EnumType::Native { name: "mood".into(), schema: None, values: vec!["ok".into()], existing: false };
/// assert!(native.creates_type());
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum EnumType {
    /// `text check ("col" in ('a', 'b'))`, knex's default.
    Check {
        /// The allowed values.
        values: Vec<String>,
    },
    /// A native type made by `create type … as enum`, or one that exists already.
    Native {
        /// The type's name.
        name: String,
        /// The type's schema; the table's schema when `None`.
        schema: Option<String>,
        /// The allowed values (unused when `existing`).
        values: Vec<String>,
        /// The type exists already: do not create it.
        existing: bool,
    },
}

impl EnumType {
    /// Whether building the column also creates the enum type.
    ///
    /// ```
    /// use knexrs_schema::EnumType;
    ///
    /// let native = EnumType::Native { name: "mood".into(), schema: None, values: vec!["ok".into()], existing: false };
    /// assert!(native.creates_type());
    /// assert!(!EnumType::Check { values: vec!["ok".into()] }.creates_type());
    /// ```
    pub fn creates_type(&self) -> bool {
        matches!(self, EnumType::Native { existing: false, .. })
    }
}

impl ColumnType {
    /// The SQL type as knex spells it on PostgreSQL. `table_schema` qualifies a
    /// native enum type that has no schema of its own, as knex does.
    ///
    /// ```
    /// use knexrs_schema::ColumnType;
    ///
    /// assert_eq!(ColumnType::Timestamp { tz: true, precision: Some(3) }.sql_name(None), "timestamptz(3)");
    /// assert_eq!(ColumnType::Decimal(Some((8, 2))).sql_name(None), "decimal(8, 2)");
    /// ```
    pub fn sql_name(&self, table_schema: Option<&str>) -> String {
        let with_precision = |base: &str, precision: &Option<u32>| match precision {
            Some(p) => format!("{base}({p})"),
            None => base.to_owned(),
        };
        match self {
            ColumnType::Increments => "serial".into(),
            ColumnType::BigIncrements => "bigserial".into(),
            ColumnType::Integer => "integer".into(),
            ColumnType::BigInteger => "bigint".into(),
            ColumnType::SmallInteger => "smallint".into(),
            ColumnType::String(len) => format!("varchar({len})"),
            ColumnType::Text => "text".into(),
            ColumnType::Boolean => "boolean".into(),
            ColumnType::Decimal(Some((p, s))) => format!("decimal({p}, {s})"),
            ColumnType::Decimal(None) => "decimal".into(),
            ColumnType::Float => "real".into(),
            ColumnType::Double => "double precision".into(),
            ColumnType::Date => "date".into(),
            ColumnType::Time { tz, precision } => with_precision(if *tz { "timetz" } else { "time" }, precision),
            ColumnType::Timestamp { tz, precision } => {
                with_precision(if *tz { "timestamptz" } else { "timestamp" }, precision)
            }
            ColumnType::Binary => "bytea".into(),
            ColumnType::Json => "json".into(),
            ColumnType::Jsonb => "jsonb".into(),
            ColumnType::Uuid => "uuid".into(),
            ColumnType::Enum(EnumType::Check { .. }) => "text".into(),
            ColumnType::Enum(EnumType::Native { name, schema, .. }) => {
                qualified(schema.as_deref().or(table_schema), name)
            }
            ColumnType::Specific(sql) => sql.clone(),
        }
    }

    /// The sea-query type that renders to [`sql_name`](Self::sql_name). sea-query's
    /// own spelling is used where it matches knex's; elsewhere the knex name is
    /// passed through as a custom type.
    pub(crate) fn to_sea(&self, table_schema: Option<&str>) -> SeaType {
        match self {
            ColumnType::Integer => SeaType::Integer,
            ColumnType::BigInteger => SeaType::BigInteger,
            ColumnType::SmallInteger => SeaType::SmallInteger,
            ColumnType::String(len) => SeaType::String(StringLen::N(*len)),
            ColumnType::Text | ColumnType::Enum(EnumType::Check { .. }) => SeaType::Text,
            ColumnType::Decimal(precision) => SeaType::Decimal(*precision),
            ColumnType::Float => SeaType::Float,
            ColumnType::Double => SeaType::Double,
            ColumnType::Date => SeaType::Date,
            ColumnType::Json => SeaType::Json,
            ColumnType::Jsonb => SeaType::JsonBinary,
            ColumnType::Uuid => SeaType::Uuid,
            other => SeaType::custom(other.sql_name(table_schema)),
        }
    }

    /// Serial types: knex never gives them `null`, `default` or checks.
    pub(crate) fn is_increments(&self) -> bool {
        matches!(self, ColumnType::Increments | ColumnType::BigIncrements)
    }

    /// Whether `text check (...)` is this column's type (the enum check form).
    pub(crate) fn enum_check(&self, column: &str) -> Option<String> {
        match self {
            ColumnType::Enum(EnumType::Check { values }) => {
                let list = values.iter().map(|v| crate::sql::string_literal(v)).collect::<Vec<_>>().join(", ");
                Some(format!("{} in ({list})", quote(column)))
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_query::{PostgresQueryBuilder, TableBuilder};

    fn sea_rendered(ty: &ColumnType) -> String {
        let mut out = String::new();
        PostgresQueryBuilder.prepare_column_type(&ty.to_sea(None), &mut out);
        out
    }

    #[test]
    fn sea_query_renders_every_type_as_knex_names_it() {
        let all = [
            ColumnType::Increments,
            ColumnType::BigIncrements,
            ColumnType::Integer,
            ColumnType::BigInteger,
            ColumnType::SmallInteger,
            ColumnType::String(100),
            ColumnType::Text,
            ColumnType::Boolean,
            ColumnType::Decimal(Some((5, 2))),
            ColumnType::Decimal(None),
            ColumnType::Float,
            ColumnType::Double,
            ColumnType::Date,
            ColumnType::Time { tz: false, precision: None },
            ColumnType::Timestamp { tz: false, precision: Some(0) },
            ColumnType::Binary,
            ColumnType::Json,
            ColumnType::Jsonb,
            ColumnType::Uuid,
            ColumnType::Specific("citext".into()),
        ];
        for ty in all {
            assert_eq!(sea_rendered(&ty), ty.sql_name(None), "{ty:?}");
        }
    }

    #[test]
    fn native_enums_take_the_table_schema_unless_they_have_their_own() {
        let ty = ColumnType::Enum(EnumType::Native { name: "t".into(), schema: None, values: vec![], existing: true });
        assert_eq!(ty.sql_name(Some("app")), r#""app"."t""#);
        assert_eq!(ty.sql_name(None), r#""t""#);
    }
}
