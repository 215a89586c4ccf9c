//! knex's `columnInfo()`: a table's columns as the server describes them, read
//! from `information_schema.columns` with either executor.

use crate::{Order, Select, Wheres, raw};

/// One column of a table, as knex's `columnInfo()` describes it.
///
/// ```no_run
/// use knexrs_query::{column_info, ColumnInfo, Db};
///
/// # fn demo(db: &Db) -> Result<(), knexrs_query::QueryError> {
/// let columns: Vec<ColumnInfo> = db.fetch_all(&column_info("sessions"))?;
/// let pod_ip = columns.iter().find(|c| c.name == "pod_ip").expect("sessions has pod_ip");
/// assert!(pod_ip.nullable);
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ColumnInfo {
    /// The column's name.
    pub name: String,
    /// knex's `type`: the SQL standard's name for it (`text`, `character varying`,
    /// `timestamp with time zone`, `USER-DEFINED` for an enum).
    pub data_type: String,
    /// knex's `maxLength`: the length of a `varchar(n)` / `char(n)`, `None` otherwise.
    pub max_length: Option<i32>,
    /// knex's `nullable`.
    pub nullable: bool,
    /// knex's `defaultValue`: the default's SQL (`CURRENT_TIMESTAMP`,
    /// `'pending'::text`, `nextval(…)`), `None` without one.
    pub default_value: Option<String>,
}

/// The columns of `table` (knex `knex('sessions').columnInfo()`), in their
/// order in the table; `schema.table` names one of another schema, a bare
/// name one of the current schema, as knex reads it. A table that does not
/// exist has none. Run it with any executor as `Vec<ColumnInfo>`.
///
/// ```
/// use knexrs_query::{column_info, PostgresQueryBuilder};
///
/// let (sql, values) = column_info("ops.jobs").build(PostgresQueryBuilder)?;
/// assert_eq!(
///     sql,
///     r#"select "column_name"::text as "name", "data_type"::text as "data_type", "character_maximum_length"::int as "max_length", "is_nullable" = 'YES' as "nullable", "column_default"::text as "default_value" from "information_schema"."columns" where "table_name" = $1 and table_catalog = current_database() and "table_schema" = $2 order by "ordinal_position" asc"#
/// );
/// assert_eq!(values.0.len(), 2);
/// # Ok::<(), knexrs_query::QueryError>(())
/// ```
pub fn column_info(table: &str) -> Select {
    let (schema, name) = match table.split_once('.') {
        Some((schema, name)) => (Some(schema), name),
        None => (None, table),
    };
    let mut q = Select::from("information_schema.columns");
    // The catalog's domains (`sql_identifier`, `cardinal_number`, …) cast to
    // the types they hold, which decode as Rust's.
    q.column_raw(raw(r#""column_name"::text as "name""#))
        .column_raw(raw(r#""data_type"::text as "data_type""#))
        .column_raw(raw(r#""character_maximum_length"::int as "max_length""#))
        .column_raw(raw(r#""is_nullable" = 'YES' as "nullable""#))
        .column_raw(raw(r#""column_default"::text as "default_value""#))
        .where_eq("table_name", name.to_owned())
        .where_raw(raw("table_catalog = current_database()"));
    match schema {
        Some(schema) => q.where_eq("table_schema", schema.to_owned()),
        None => q.where_raw(raw("table_schema = current_schema()")),
    };
    q.order_by("ordinal_position", Order::Asc);
    q
}

#[cfg(feature = "driver")]
impl crate::FromRow for ColumnInfo {
    fn from_row(row: tokio_postgres::Row) -> Result<Self, crate::QueryError> {
        Ok(ColumnInfo {
            name: crate::get(&row, "name")?,
            data_type: crate::get(&row, "data_type")?,
            max_length: crate::get(&row, "max_length")?,
            nullable: crate::get(&row, "nullable")?,
            default_value: crate::get(&row, "default_value")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::PostgresQueryBuilder;

    #[test]
    fn a_bare_table_name_reads_the_current_schema_as_knex_does() {
        let (sql, values) = column_info("sessions").build(PostgresQueryBuilder).unwrap();
        assert!(sql.ends_with(r#"where "table_name" = $1 and table_catalog = current_database() and table_schema = current_schema() order by "ordinal_position" asc"#), "{sql}");
        assert_eq!(values.0, [sea_query::Value::String(Some("sessions".into()))]);
    }
}
