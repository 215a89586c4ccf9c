//! A database's catalog as comparable text: what a schema statement leaves
//! behind, names included, independent of how the SQL was spelled.

use postgres::GenericClient;

const USER_SCHEMAS: &str = "n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast') and n.nspname not like 'pg_temp%' and n.nspname not like 'pg_toast_temp%'";

/// Every user-visible object: schemas, extensions, enum types, relations,
/// columns (type, nullability, default, identity, generation, collation),
/// constraints, indexes, comments, views and sequences, one line each, sorted.
pub fn snapshot(client: &mut impl GenericClient) -> Vec<String> {
    let queries = [
        "select 'schema ' || nspname from pg_namespace n where ".to_owned() + USER_SCHEMAS,
        "select 'extension ' || extname from pg_extension".to_owned(),
        format!(
            "select 'enum ' || n.nspname || '.' || t.typname || ' (' || string_agg(e.enumlabel, ', ' order by e.enumsortorder) || ')'
             from pg_type t join pg_namespace n on n.oid = t.typnamespace join pg_enum e on e.enumtypid = t.oid
             where {USER_SCHEMAS} group by n.nspname, t.typname"
        ),
        format!(
            "select 'relation ' || n.nspname || '.' || c.relname || ' kind ' || c.relkind::text
             from pg_class c join pg_namespace n on n.oid = c.relnamespace
             where {USER_SCHEMAS} and c.relkind in ('r', 'p', 'v', 'm', 'S', 'i', 'f')"
        ),
        format!(
            "select 'column ' || n.nspname || '.' || c.relname || ' #' || row_number() over (partition by c.oid order by a.attnum)
                || ' ' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
                || case when a.attnotnull then ' not null' else '' end
                || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '')
                || case when a.attidentity::text <> '' then ' identity ' || a.attidentity::text else '' end
                || case when a.attgenerated::text <> '' then ' generated ' || a.attgenerated::text else '' end
                || case when a.attcollation <> 0 and a.attcollation <> t.typcollation then ' collate ' || co.collname else '' end
             from pg_attribute a
             join pg_class c on c.oid = a.attrelid
             join pg_namespace n on n.oid = c.relnamespace
             join pg_type t on t.oid = a.atttypid
             left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
             left join pg_collation co on co.oid = a.attcollation
             where {USER_SCHEMAS} and c.relkind in ('r', 'p', 'v', 'm', 'f') and a.attnum > 0 and not a.attisdropped"
        ),
        format!(
            "select 'constraint ' || n.nspname || '.' || c.relname || ' ' || con.conname || ' ' || pg_get_constraintdef(con.oid)
                || case when con.convalidated then '' else ' (not validated)' end
             from pg_constraint con join pg_class c on c.oid = con.conrelid join pg_namespace n on n.oid = c.relnamespace
             where {USER_SCHEMAS}"
        ),
        "select 'index ' || indexdef from pg_indexes n where schemaname not in ('pg_catalog', 'information_schema')"
            .to_owned()
            .replace("n where", "where"),
        format!(
            "select 'comment ' || n.nspname || '.' || c.relname || coalesce('.' || a.attname, '') || ' is ' || d.description
             from pg_description d
             join pg_class c on c.oid = d.objoid and d.classoid = 'pg_class'::regclass
             join pg_namespace n on n.oid = c.relnamespace
             left join pg_attribute a on a.attrelid = c.oid and a.attnum = d.objsubid and d.objsubid > 0
             where {USER_SCHEMAS}"
        ),
        "select 'view ' || schemaname || '.' || viewname || ' ' || definition from pg_views where schemaname not in ('pg_catalog', 'information_schema')".to_owned(),
        "select 'matview ' || schemaname || '.' || matviewname || ' ' || definition from pg_matviews".to_owned(),
        "select 'sequence ' || schemaname || '.' || sequencename || ' ' || data_type || ' start ' || start_value || ' by ' || increment_by from pg_sequences".to_owned(),
        format!(
            "select 'index-valid ' || n.nspname || '.' || c.relname || ' ' || i.indisvalid
             from pg_index i join pg_class c on c.oid = i.indexrelid join pg_namespace n on n.oid = c.relnamespace where {USER_SCHEMAS}"
        ),
    ];
    let mut lines = Vec::new();
    for sql in queries {
        for row in client
            .query(sql.as_str(), &[])
            .unwrap_or_else(|e| panic!("catalog query failed: {}\n{sql}", knexrs_connect::describe(&e)))
        {
            lines.push(row.get::<_, String>(0));
        }
    }
    lines.sort();
    lines
}
