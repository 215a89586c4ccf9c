//! A database's schema as comparable entries (what `migrate verify` compares
//! before `up`, after `up`, after `down`, and after `up` again): every
//! user-visible object with the definition PostgreSQL itself prints for it.

use std::collections::BTreeMap;
use std::fmt;
use tokio_postgres::{Client, SimpleQueryMessage};

/// Objects of the system and of extensions are not the migrations' doing.
const USER_SCHEMAS: &str = "n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast') \
     and n.nspname not like 'pg_temp%' and n.nspname not like 'pg_toast_temp%'";
const NOT_FROM_EXTENSION: &str = "not exists (select 1 from pg_depend e where e.objid = o.oid and e.deptype = 'e')";

/// Each query yields (kind, relation or '', name, definition).
fn queries() -> Vec<String> {
    vec![
        format!("select 'schema', '', n.nspname, '' from pg_namespace n where {USER_SCHEMAS}"),
        // By the schema it is installed in, so that ignoring a platform's schema
        // (Supabase's `extensions`) ignores the extensions the platform put there.
        "select 'extension', '', n.nspname || '.' || e.extname, e.extversion
         from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname <> 'plpgsql'"
            .to_owned(),
        format!(
            "select case o.typtype when 'd' then 'domain' else 'type' end, '', n.nspname || '.' || o.typname,
                 case o.typtype when 'e' then (select string_agg(quote_literal(e.enumlabel), ', ' order by e.enumsortorder) from pg_enum e where e.enumtypid = o.oid)
                 when 'c' then '(' || (select string_agg(quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod), ', ' order by a.attnum)
                     from pg_attribute a where a.attrelid = o.typrelid and a.attnum > 0 and not a.attisdropped) || ')'
                 else format_type(o.typbasetype, o.typtypmod) end
             from pg_type o join pg_namespace n on n.oid = o.typnamespace
             where {USER_SCHEMAS} and {NOT_FROM_EXTENSION}
             and (o.typtype in ('e', 'd')
                 or o.typtype = 'c' and (select c.relkind from pg_class c where c.oid = o.typrelid) = 'c')"
        ),
        format!(
            "select case o.relkind when 'v' then 'view' when 'm' then 'materialized view' when 'f' then 'foreign table' else 'table' end,
                 '', n.nspname || '.' || o.relname,
                 case when o.relkind in ('v', 'm') then pg_get_viewdef(o.oid) else '' end
             from pg_class o join pg_namespace n on n.oid = o.relnamespace
             where {USER_SCHEMAS} and o.relkind in ('r', 'p', 'v', 'm', 'f') and {NOT_FROM_EXTENSION}"
        ),
        format!(
            "select 'column', n.nspname || '.' || c.relname, a.attname,
                 format_type(a.atttypid, a.atttypmod)
                 || coalesce((select ' collate ' || quote_ident(co.collname) from pg_collation co join pg_type t
                     on t.oid = a.atttypid where co.oid = a.attcollation and a.attcollation <> t.typcollation), '')
                 || case when a.attnotnull then ' not null' else '' end
                 || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '')
                 || case when a.attidentity::text <> '' then ' identity ' || a.attidentity::text else '' end
                 || case when a.attgenerated::text <> '' then ' generated ' || a.attgenerated::text else '' end
                 || ' position ' || row_number() over (partition by c.oid order by a.attnum)
             from pg_attribute a
             join pg_class c on c.oid = a.attrelid
             join pg_namespace n on n.oid = c.relnamespace
             left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
             where {USER_SCHEMAS} and c.relkind in ('r', 'p', 'v', 'm', 'f') and a.attnum > 0 and not a.attisdropped"
        ),
        // NOT NULL rows of pg_constraint (PostgreSQL 18) are the columns' `not null` already.
        format!(
            "select 'constraint', n.nspname || '.' || c.relname, con.conname,
                 pg_get_constraintdef(con.oid) || case when con.convalidated then '' else ' not valid' end
             from pg_constraint con join pg_class c on c.oid = con.conrelid join pg_namespace n on n.oid = c.relnamespace
             where {USER_SCHEMAS} and con.contype <> 'n'"
        ),
        format!(
            "select 'index', n.nspname || '.' || c.relname, n.nspname || '.' || o.relname,
                 pg_get_indexdef(o.oid) || case when i.indisvalid then '' else ' (invalid)' end
             from pg_index i join pg_class o on o.oid = i.indexrelid join pg_class c on c.oid = i.indrelid
             join pg_namespace n on n.oid = o.relnamespace where {USER_SCHEMAS}"
        ),
        format!(
            // On the table that owns it (a serial or identity column's), so that it
            // goes and comes with that table.
            "select 'sequence',
                 coalesce((select tn.nspname || '.' || t.relname from pg_depend d
                     join pg_class t on t.oid = d.refobjid join pg_namespace tn on tn.oid = t.relnamespace
                     where d.classid = 'pg_class'::regclass and d.objid = o.oid
                     and d.refclassid = 'pg_class'::regclass and d.deptype in ('a', 'i') limit 1), ''),
                 n.nspname || '.' || o.relname,
                 format_type(s.seqtypid, null) || ' start ' || s.seqstart || ' increment ' || s.seqincrement
             from pg_sequence s join pg_class o on o.oid = s.seqrelid join pg_namespace n on n.oid = o.relnamespace
             where {USER_SCHEMAS} and {NOT_FROM_EXTENSION}"
        ),
        format!(
            "select case o.prokind when 'p' then 'procedure' else 'function' end, '',
                 n.nspname || '.' || o.proname || '(' || pg_get_function_identity_arguments(o.oid) || ')',
                 md5(pg_get_functiondef(o.oid))
             from pg_proc o join pg_namespace n on n.oid = o.pronamespace
             where {USER_SCHEMAS} and o.prokind in ('f', 'p') and {NOT_FROM_EXTENSION}"
        ),
        format!(
            "select 'trigger', n.nspname || '.' || c.relname, o.tgname, pg_get_triggerdef(o.oid)
             from pg_trigger o join pg_class c on c.oid = o.tgrelid join pg_namespace n on n.oid = c.relnamespace
             where {USER_SCHEMAS} and not o.tgisinternal"
        ),
        // How a table is stored: unlogged (emptied after a crash), partitioned, a partition.
        format!(
            "select 'option', n.nspname || '.' || o.relname, 'unlogged', ''
             from pg_class o join pg_namespace n on n.oid = o.relnamespace
             where {USER_SCHEMAS} and o.relkind in ('r', 'p') and o.relpersistence = 'u' and {NOT_FROM_EXTENSION}"
        ),
        format!(
            "select 'partitioning', n.nspname || '.' || o.relname, '', pg_get_partkeydef(o.oid)
             from pg_class o join pg_namespace n on n.oid = o.relnamespace
             where {USER_SCHEMAS} and o.relkind = 'p' and {NOT_FROM_EXTENSION}"
        ),
        format!(
            "select 'partition bound', n.nspname || '.' || o.relname, '',
                 'of ' || pn.nspname || '.' || p.relname || ' ' || pg_get_expr(o.relpartbound, o.oid)
             from pg_class o join pg_namespace n on n.oid = o.relnamespace
             join pg_inherits i on i.inhrelid = o.oid
             join pg_class p on p.oid = i.inhparent join pg_namespace pn on pn.oid = p.relnamespace
             where {USER_SCHEMAS} and o.relispartition and {NOT_FROM_EXTENSION}"
        ),
        // Row-level security and its policies: who may read or change which rows.
        format!(
            "select 'row level security', n.nspname || '.' || c.relname, '',
                 case when c.relforcerowsecurity then 'enabled, forced' else 'enabled' end
             from pg_class c join pg_namespace n on n.oid = c.relnamespace
             where {USER_SCHEMAS} and c.relrowsecurity"
        ),
        format!(
            "select 'policy', n.nspname || '.' || c.relname, p.polname,
                 'for ' || case p.polcmd when 'r' then 'select' when 'a' then 'insert' when 'w' then 'update'
                     when 'd' then 'delete' else 'all' end
                 || case when p.polpermissive then '' else ' as restrictive' end
                 || ' to ' || (select string_agg(role, ', ' order by role) from (
                     select case r when 0 then 'public' else pg_get_userbyid(r)::text end as role
                     from unnest(p.polroles) r) roles)
                 || coalesce(' using (' || pg_get_expr(p.polqual, p.polrelid) || ')', '')
                 || coalesce(' with check (' || pg_get_expr(p.polwithcheck, p.polrelid) || ')', '')
             from pg_policy p join pg_class c on c.oid = p.polrelid join pg_namespace n on n.oid = c.relnamespace
             where {USER_SCHEMAS}"
        ),
        format!(
            "select 'comment', n.nspname || '.' || c.relname, coalesce(a.attname, ''), d.description
             from pg_description d
             join pg_class c on c.oid = d.objoid and d.classoid = 'pg_class'::regclass
             join pg_namespace n on n.oid = c.relnamespace
             left join pg_attribute a on a.attrelid = c.oid and a.attnum = d.objsubid and d.objsubid > 0
             where {USER_SCHEMAS}"
        ),
    ]
}

/// One object of the schema: what it is, where it is, its name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct CatalogKey {
    /// `table`, `column`, `index`, `constraint`, `sequence`, `type`, `function`, `policy`,
    /// `row level security`, `option` (`unlogged`), `partitioning`, `partition bound`, …
    pub kind: String,
    /// The table it belongs to (`public.users`), or empty.
    pub relation: String,
    /// Its name.
    pub name: String,
}

impl fmt::Display for CatalogKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.relation.is_empty(), self.name.is_empty()) {
            (true, _) => write!(f, "{} {}", self.kind, self.name),
            (false, true) => write!(f, "{} on {}", self.kind, self.relation),
            (false, false) => write!(f, "{} {} on {}", self.kind, self.name, self.relation),
        }
    }
}

/// A database's schema: each object and its definition.
///
/// ```
/// use knexrs_migrate::{Catalog, CatalogKey};
///
/// let key = CatalogKey { kind: "index".into(), relation: "public.t".into(), name: "public.t_name_index".into() };
/// let mut before = Catalog::default();
/// let after = Catalog::default();
/// before.insert(key, "CREATE INDEX t_name_index ON public.t USING btree (name)".into());
/// assert_eq!(before.differences(&after, "after down"), ["index public.t_name_index on public.t is gone after down"]);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Catalog {
    entries: BTreeMap<CatalogKey, String>,
}

impl Catalog {
    /// Reads the schema of the database `client` is connected to, leaving
    /// out tables whose name starts with one of `ignore_prefixes` (the bookkeeping).
    pub(crate) async fn read(client: &Client, ignore_prefixes: &[&str]) -> Result<Self, tokio_postgres::Error> {
        let mut catalog = Catalog::default();
        let ignored = |name: &str| {
            let bare = name.rsplit('.').next().unwrap_or(name);
            ignore_prefixes.iter().any(|prefix| bare.starts_with(prefix))
        };
        for sql in queries() {
            for message in client.simple_query(&sql).await? {
                let SimpleQueryMessage::Row(row) = message else { continue };
                let text = |i: usize| row.get(i).unwrap_or("").to_owned();
                let key = CatalogKey { kind: text(0), relation: text(1), name: text(2) };
                if ignored(&key.relation) || (key.relation.is_empty() && ignored(&key.name)) {
                    continue;
                }
                catalog.entries.insert(key, text(3));
            }
        }
        Ok(catalog)
    }

    /// Adds an entry (for building one by hand, as in tests).
    ///
    /// ```
    /// let mut catalog = knexrs_migrate::Catalog::default();
    /// catalog.insert(knexrs_migrate::CatalogKey { kind: "table".into(), relation: String::new(), name: "public.t".into() }, String::new());
    /// assert_eq!(catalog.len(), 1);
    /// ```
    pub fn insert(&mut self, key: CatalogKey, definition: String) -> &mut Self {
        self.entries.insert(key, definition);
        self
    }

    /// How many objects it holds.
    ///
    /// ```
    /// assert_eq!(knexrs_migrate::Catalog::default().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether it holds nothing.
    ///
    /// ```
    /// assert!(knexrs_migrate::Catalog::default().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// What differs from `self` in `other`, one line per object, `when`
    /// naming the moment `other` was read (`after down`).
    ///
    /// ```
    /// let catalog = knexrs_migrate::Catalog::default();
    /// assert!(catalog.differences(&catalog.clone(), "after down").is_empty());
    /// ```
    pub fn differences(&self, other: &Catalog, when: &str) -> Vec<String> {
        self.diff(other)
            .into_iter()
            .map(|difference| match difference {
                Difference::Missing { key, .. } => format!("{key} is gone {when}"),
                Difference::Changed { key, expected, actual } => {
                    format!("{key} differs {when}: `{}` instead of `{}`", shown(&actual), shown(&expected))
                }
                Difference::Extra { key, definition } => format!("{key} is left {when}{}", quoted(&definition)),
            })
            .collect()
    }

    /// What differs from `self` (expected) in `other` (actual), object by
    /// object: missing from `other`, changed, or only in `other`.
    ///
    /// ```
    /// use knexrs_migrate::{Catalog, CatalogKey, Difference};
    ///
    /// let key = CatalogKey { kind: "table".into(), relation: String::new(), name: "public.t".into() };
    /// let mut actual = Catalog::default();
    /// actual.insert(key.clone(), String::new());
    /// assert_eq!(Catalog::default().diff(&actual), [Difference::Extra { key, definition: String::new() }]);
    /// ```
    pub fn diff(&self, other: &Catalog) -> Vec<Difference> {
        let mut out = Vec::new();
        for (key, definition) in &self.entries {
            match other.entries.get(key) {
                None => out.push(Difference::Missing { key: key.clone(), definition: definition.clone() }),
                Some(now) if now != definition => out.push(Difference::Changed {
                    key: key.clone(),
                    expected: definition.clone(),
                    actual: now.clone(),
                }),
                Some(_) => {}
            }
        }
        for (key, definition) in &other.entries {
            if !self.entries.contains_key(key) {
                out.push(Difference::Extra { key: key.clone(), definition: definition.clone() });
            }
        }
        out
    }
}

/// One object that differs between two catalogs ([`Catalog::diff`]).
///
/// ```
/// use knexrs_migrate::{CatalogKey, Difference};
///
/// let key = CatalogKey { kind: "index".into(), relation: "public.t".into(), name: "public.t_x_index".into() };
/// let extra = Difference::Extra { key, definition: "CREATE INDEX t_x_index ON public.t USING btree (x)".into() };
/// assert_eq!(extra.key().kind, "index");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Difference {
    /// In the expected catalog only.
    Missing {
        /// The object.
        key: CatalogKey,
        /// Its definition there.
        definition: String,
    },
    /// In both, defined differently.
    Changed {
        /// The object.
        key: CatalogKey,
        /// Its definition in the expected catalog.
        expected: String,
        /// Its definition in the other.
        actual: String,
    },
    /// In the other catalog only.
    Extra {
        /// The object.
        key: CatalogKey,
        /// Its definition there.
        definition: String,
    },
}

impl Difference {
    /// The object that differs.
    pub fn key(&self) -> &CatalogKey {
        match self {
            Difference::Missing { key, .. } | Difference::Changed { key, .. } | Difference::Extra { key, .. } => key,
        }
    }
}

/// ` (`definition`)`, or nothing for an empty one.
pub(crate) fn quoted(definition: &str) -> String {
    if definition.is_empty() { String::new() } else { format!(" (`{}`)", shown(definition)) }
}

/// A definition on one line, cut to a readable length.
pub(crate) fn shown(definition: &str) -> String {
    let line = definition.split_whitespace().collect::<Vec<_>>().join(" ");
    match line.char_indices().nth(160) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line,
    }
}
