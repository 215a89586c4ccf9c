//! Writing typed table definitions (see [`Table`](crate::Table)) from a
//! migrated database: one module per table with its row struct and typed
//! column constants (`cargo xtask schema generate`).

use crate::{BuildError, QueryError};
use postgres::GenericClient;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// What to generate definitions for.
///
/// ```no_run
/// use knexrs_query::codegen::{generate_tables, CodegenOptions};
///
/// let mut client = postgres::Client::connect("postgres://postgres@localhost/app", postgres::NoTls)?;
/// let mut options = CodegenOptions::default();
/// options.schema = "app".to_owned();
/// options.exclude.insert("schema_history".to_owned());
/// let source = generate_tables(&mut client, &options)?;
/// std::fs::write("src/tables.rs", source)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct CodegenOptions {
    /// The schema whose tables and views are described.
    pub schema: String,
    /// Tables left out (the migration bookkeeping, by default).
    pub exclude: BTreeSet<String>,
}

impl Default for CodegenOptions {
    fn default() -> Self {
        CodegenOptions {
            schema: "public".to_owned(),
            exclude: ["knex_migrations", "knex_migrations_lock", "knex_migrations_knexrs"]
                .into_iter()
                .map(str::to_owned)
                .collect(),
        }
    }
}

/// One column as the catalog describes it.
#[derive(Debug, Clone)]
struct CatalogColumn {
    table: String,
    name: String,
    type_name: String,
    not_null: bool,
    /// The native enum type the column holds (directly, through a domain, or
    /// as the element of an array).
    enum_type: Option<u32>,
    /// It holds an array of that enum type.
    enum_array: bool,
}

/// A native enum type some column holds, and its Rust name.
#[derive(Debug, Clone)]
struct CatalogEnum {
    name: String,
    labels: Vec<String>,
    rust_name: String,
}

/// The Rust type of a column of PostgreSQL type `type_name`, or `None` when
/// unsupported. An array type (`_text` for `text[]`) is a `Vec` of its
/// element's type, which the query builder binds as one array value.
fn rust_type(type_name: &str) -> Option<String> {
    match type_name.strip_prefix('_') {
        // bytea[] would be Vec<Vec<u8>>, which the builder does not bind.
        Some(element) if element != "bytea" => scalar_type(element).map(|rust| format!("Vec<{rust}>")),
        Some(_) => None,
        None => scalar_type(type_name).map(str::to_owned),
    }
}

fn scalar_type(type_name: &str) -> Option<&'static str> {
    Some(match type_name {
        "text" | "varchar" | "bpchar" | "name" | "citext" => "String",
        "int2" => "i16",
        "int4" => "i32",
        "int8" => "i64",
        "bool" => "bool",
        "float4" => "f32",
        "float8" => "f64",
        "numeric" => "knexrs_query::rust_decimal::Decimal",
        "timestamptz" => "knexrs_query::chrono::DateTime<knexrs_query::chrono::Utc>",
        "timestamp" => "knexrs_query::chrono::NaiveDateTime",
        "date" => "knexrs_query::chrono::NaiveDate",
        "time" => "knexrs_query::chrono::NaiveTime",
        "uuid" => "knexrs_query::uuid::Uuid",
        "json" | "jsonb" => "knexrs_query::serde_json::Value",
        "bytea" => "Vec<u8>",
        "inet" => "knexrs_query::cidr::IpInet",
        "cidr" => "knexrs_query::cidr::IpCidr",
        _ => return None,
    })
}

const KEYWORDS: [&str; 39] = [
    "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern", "false", "fn", "for", "if",
    "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "static", "struct", "trait",
    "true", "type", "unsafe", "use", "where", "while", "abstract", "become", "box", "gen", "try",
];

/// `createdAt` → `created_at`, `my col` → `my_col`, `1st` → `_1st`.
fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    let mut previous_lower = false;
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            if previous_lower {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
            previous_lower = false;
        } else if c.is_ascii_alphanumeric() {
            out.push(c);
            previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        } else {
            if !out.ends_with('_') {
                out.push('_');
            }
            previous_lower = false;
        }
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    out
}

/// A field name: snake case, a keyword as a raw identifier.
fn field_name(column: &str) -> String {
    let snake = snake_case(column);
    match snake.as_str() {
        "self" | "super" | "crate" | "_" => format!("{snake}_"),
        s if KEYWORDS.contains(&s) => format!("r#{snake}"),
        _ => snake,
    }
}

fn const_name(column: &str) -> String {
    let upper = snake_case(column).to_ascii_uppercase();
    if upper == "_" { "COLUMN_".to_owned() } else { upper }
}

/// `token_jti` → `TokenJti`.
fn pascal_case(name: &str) -> String {
    let snake = snake_case(name);
    let mut out = String::with_capacity(snake.len());
    let mut upper = true;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'T');
    }
    out
}

fn string_literal(text: &str) -> String {
    format!("{text:?}")
}

fn catalog(client: &mut impl GenericClient, options: &CodegenOptions) -> Result<Vec<CatalogColumn>, QueryError> {
    // Domains read as their base type; views' columns are all nullable.
    let sql = "select c.relname::text, a.attname::text, \
               coalesce(bt.typname, t.typname)::text, a.attnotnull and c.relkind in ('r', 'p'), \
               case when coalesce(bt.typtype, t.typtype) = 'e' then coalesce(bt.oid, t.oid) \
                    when et.typtype = 'e' then et.oid end, \
               coalesce(et.typtype = 'e', false) \
               from pg_class c \
               join pg_namespace n on n.oid = c.relnamespace \
               join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped \
               join pg_type t on t.oid = a.atttypid \
               left join pg_type bt on t.typtype = 'd' and bt.oid = t.typbasetype \
               left join pg_type et on t.typcategory = 'A' and et.oid = t.typelem \
               where n.nspname = $1 and c.relkind in ('r', 'p', 'v', 'm') \
               order by c.relname, a.attnum";
    let rows = client
        .query(sql, &[&options.schema])
        .map_err(|e| QueryError::database("reading the catalog for schema generate", e))?;
    Ok(rows
        .into_iter()
        .map(|row| CatalogColumn {
            table: row.get(0),
            name: row.get(1),
            type_name: row.get(2),
            not_null: row.get(3),
            enum_type: row.get(4),
            enum_array: row.get(5),
        })
        .filter(|c| !options.exclude.contains(&c.table))
        .collect())
}

/// The native enum types the columns hold, by oid, with their labels in order
/// and a Rust name each (distinct, and distinct from the table modules').
fn catalog_enums(
    client: &mut impl GenericClient,
    columns: &[CatalogColumn],
) -> Result<BTreeMap<u32, CatalogEnum>, QueryError> {
    let oids: Vec<u32> = columns.iter().filter_map(|c| c.enum_type).collect::<BTreeSet<_>>().into_iter().collect();
    if oids.is_empty() {
        return Ok(BTreeMap::new());
    }
    let sql = "select t.oid, t.typname::text, array_agg(e.enumlabel::text order by e.enumsortorder) \
               from pg_type t join pg_enum e on e.enumtypid = t.oid \
               where t.oid = any($1) group by t.oid, t.typname order by t.typname, t.oid";
    let rows = client
        .query(sql, &[&oids])
        .map_err(|e| QueryError::database("reading the enum types for schema generate", e))?;
    let mut enums = BTreeMap::new();
    let mut rust_names: BTreeMap<String, String> = BTreeMap::new();
    for row in rows {
        let name: String = row.get(1);
        let rust_name = pascal_case(&name);
        if let Some(first) = rust_names.insert(rust_name.clone(), name.clone()) {
            return Err(BuildError::EnumClash { first, second: name, rust_name }.into());
        }
        enums.insert(row.get(0), CatalogEnum { name, labels: row.get(2), rust_name });
    }
    Ok(enums)
}

/// Rust variant names for an enum's labels: Pascal case, distinct (a label
/// that would repeat an earlier one's name takes its position as a suffix, or
/// the next free number after it).
fn variant_names(labels: &[String]) -> Vec<String> {
    let mut taken = BTreeSet::new();
    labels
        .iter()
        .enumerate()
        .map(|(index, label)| {
            let mut name = pascal_case(label);
            if name == "Self" {
                name.push('_');
            }
            let mut candidate = name.clone();
            let mut suffix = index + 1;
            while !taken.insert(candidate.clone()) {
                candidate = format!("{name}{suffix}");
                suffix += 1;
            }
            candidate
        })
        .collect()
}

/// `pg_enum!` declarations for the enum types, at the top of the file.
fn write_enums(out: &mut String, enums: &BTreeMap<u32, CatalogEnum>) {
    let mut sorted: Vec<&CatalogEnum> = enums.values().collect();
    sorted.sort_by(|a, b| a.rust_name.cmp(&b.rust_name));
    for e in sorted {
        let _ = writeln!(out);
        let _ = writeln!(out, "knexrs_query::pg_enum! {{");
        let _ = writeln!(out, "    /// The `{}` type.", e.name);
        let _ = writeln!(out, "    pub enum {}: {} {{", e.rust_name, string_literal(&e.name));
        for (variant, label) in variant_names(&e.labels).iter().zip(&e.labels) {
            let _ = writeln!(out, "        {variant} = {},", string_literal(label));
        }
        let _ = writeln!(out, "    }}");
        let _ = writeln!(out, "}}");
    }
}

/// Rust source for every table and view of `options.schema`: a module per
/// table with a `Table` type, a row struct, and a typed constant per column.
///
/// Columns of types without a Rust mapping are listed in a comment and left out.
///
/// ```no_run
/// use knexrs_query::codegen::{generate_tables, CodegenOptions};
///
/// let mut client = postgres::Client::connect("postgres://postgres@127.0.0.1/app", postgres::NoTls)?;
/// let source = generate_tables(&mut client, &CodegenOptions::default())?;
/// std::fs::write("src/tables.rs", source)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn generate_tables(client: &mut impl GenericClient, options: &CodegenOptions) -> Result<String, QueryError> {
    let columns = catalog(client, options)?;
    let enums = catalog_enums(client, &columns)?;
    let mut out = String::new();
    out.push_str(
        "//! The database's tables as typed definitions, generated from the migrated\n\
         //! database by `cargo xtask schema generate`: do not edit by hand; run it\n\
         //! again after adding a migration (`cargo xtask schema generate --check` fails\n\
         //! while this file is stale).\n",
    );
    let mut tables: Vec<(&str, Vec<&CatalogColumn>)> = Vec::new();
    for column in &columns {
        match tables.last_mut() {
            Some((table, list)) if *table == column.table => list.push(column),
            _ => tables.push((&column.table, vec![column])),
        }
    }
    let mut modules: BTreeMap<String, &str> = BTreeMap::new();
    for (table, _) in &tables {
        let module = field_name(table);
        if let Some(first) = modules.get(&module) {
            return Err(BuildError::TableClash { first: first.to_string(), second: table.to_string(), module }.into());
        }
        modules.insert(module, table);
    }
    write_enums(&mut out, &enums);
    for (table, list) in tables {
        write_table(&mut out, table, &list, &options.schema, &enums)?;
    }
    Ok(out)
}

/// What the generated module imports: a table type may not take these names.
const IMPORTED: [&str; 5] = ["Column", "FromRow", "QueryError", "Row", "Table"];

/// A table's type name: Pascal case, with `Table` added where the name is
/// `Self` or one the module imports (a table named `row` is `RowTable`).
fn type_name(table: &str) -> String {
    let pascal = pascal_case(table);
    if pascal == "Self" || IMPORTED.contains(&pascal.as_str()) { format!("{pascal}Table") } else { pascal }
}

fn write_table(
    out: &mut String,
    table: &str,
    columns: &[&CatalogColumn],
    schema: &str,
    enums: &BTreeMap<u32, CatalogEnum>,
) -> Result<(), QueryError> {
    let type_name = type_name(table);
    let row_name = format!("{type_name}Row");
    let mut fields: BTreeSet<String> = BTreeSet::new();
    let mut supported = Vec::with_capacity(columns.len());
    let mut skipped = Vec::new();
    for column in columns {
        let enum_type = column.enum_type.and_then(|oid| enums.get(&oid));
        let enum_rust = enum_type.map(|e| match column.enum_array {
            true => format!("Vec<super::{}>", e.rust_name),
            false => format!("super::{}", e.rust_name),
        });
        match enum_rust.or_else(|| rust_type(&column.type_name)) {
            Some(rust) => {
                let field = field_name(&column.name);
                if !fields.insert(field.clone()) {
                    return Err(BuildError::FieldClash { table: table.to_string(), field }.into());
                }
                let rust = if column.not_null { rust } else { format!("Option<{rust}>") };
                supported.push((column, field, rust));
            }
            None => {
                let sql_type = match column.type_name.strip_prefix('_') {
                    Some(element) => format!("{element}[]"),
                    None => column.type_name.clone(),
                };
                skipped.push(format!("{} ({sql_type})", column.name));
            }
        }
    }
    let w = |out: &mut String, line: String| {
        out.push_str(&line);
        out.push('\n');
    };
    w(out, String::new());
    w(out, format!("/// The `{table}` table."));
    // A keyword stays a raw identifier (`pub mod r#type`): inline modules take them.
    w(out, format!("pub mod {} {{", field_name(table)));
    w(out, "    use knexrs_query::{Column, FromRow, QueryError, Row, Table, get};".to_owned());
    w(out, String::new());
    w(out, format!("    /// The `{table}` table, for typed queries: `{type_name}::select()`."));
    w(out, "    #[derive(Debug, Clone, Copy)]".to_owned());
    w(out, format!("    pub struct {type_name};"));
    w(out, String::new());
    w(out, format!("    impl Table for {type_name} {{"));
    w(out, format!("        const NAME: &'static str = {};", string_literal(table)));
    if schema != "public" {
        w(out, format!("        const SCHEMA: Option<&'static str> = Some({});", string_literal(schema)));
    }
    w(out, format!("        type Row = {row_name};"));
    w(out, "    }".to_owned());
    w(out, String::new());
    w(out, format!("    /// A row of `{table}`."));
    if !skipped.is_empty() {
        w(out, format!("    ///\n    /// Left out (no Rust type mapped): {}.", skipped.join(", ")));
    }
    w(out, "    #[derive(Debug, Clone, PartialEq)]".to_owned());
    w(out, format!("    pub struct {row_name} {{"));
    for (column, field, rust) in &supported {
        w(out, format!("        /// `{}`.", column.name));
        w(out, format!("        pub {field}: {rust},"));
    }
    w(out, "    }".to_owned());
    w(out, String::new());
    w(out, format!("    impl FromRow for {row_name} {{"));
    w(out, "        fn from_row(row: Row) -> Result<Self, QueryError> {".to_owned());
    w(out, "            Ok(Self {".to_owned());
    for (column, field, _) in &supported {
        let _ = writeln!(out, "                {field}: get(&row, {})?,", string_literal(&column.name));
    }
    w(out, "            })".to_owned());
    w(out, "        }".to_owned());
    w(out, "    }".to_owned());
    for (column, _, rust) in &supported {
        w(out, String::new());
        w(out, format!("    /// `{table}.{}`.", column.name));
        w(
            out,
            format!(
                "    pub const {}: Column<{type_name}, {rust}> = Column::new({});",
                const_name(&column.name),
                string_literal(&column.name)
            ),
        );
    }
    w(out, "}".to_owned());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_names_become_rust_names() {
        assert_eq!(snake_case("createdAt"), "created_at");
        assert_eq!(snake_case("my col"), "my_col");
        assert_eq!(field_name("type"), "r#type");
        assert_eq!(field_name("self"), "self_");
        assert_eq!(field_name("1st"), "_1st");
        assert_eq!(const_name("expires_at"), "EXPIRES_AT");
        assert_eq!(pascal_case("token_jti"), "TokenJti");
        assert_eq!(pascal_case("tblPerson"), "TblPerson");
        assert_eq!(type_name("sessions"), "Sessions");
        assert_eq!(type_name("row"), "RowTable", "the module imports knexrs_query::Row");
        assert_eq!(type_name("self"), "SelfTable");
    }

    #[test]
    fn postgres_types_map_to_rust_types() {
        assert_eq!(rust_type("int8").as_deref(), Some("i64"));
        assert_eq!(
            rust_type("timestamptz").as_deref(),
            Some("knexrs_query::chrono::DateTime<knexrs_query::chrono::Utc>")
        );
        assert_eq!(rust_type("tsvector"), None);
        assert_eq!(rust_type("_text").as_deref(), Some("Vec<String>"));
        assert_eq!(rust_type("_uuid").as_deref(), Some("Vec<knexrs_query::uuid::Uuid>"));
        assert_eq!(rust_type("_tsvector"), None);
        assert_eq!(rust_type("_bytea"), None);
    }

    #[test]
    fn enum_labels_become_distinct_variant_names() {
        let labels: Vec<String> =
            ["pending", "crash-loop", "CrashLoop", "2fa", "self", "Self", "", "CrashLoop8", "crash_loop"]
                .iter()
                .map(|l| l.to_string())
                .collect();
        assert_eq!(
            variant_names(&labels),
            ["Pending", "CrashLoop", "CrashLoop3", "T2fa", "Self_", "Self_6", "T", "CrashLoop8", "CrashLoop9"]
        );
    }
}
