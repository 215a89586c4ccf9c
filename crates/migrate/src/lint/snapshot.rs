//! The catalog facts `lint` compares around each statement (relations and
//! their storage, columns, constraints, the locks this session holds), and
//! the comparison itself, which is pure and unit-tested.

use super::hazard::{Hazard, LockMode};
use rustc_hash::{FxHashMap, FxHashSet};
use tokio_postgres::Client;

/// Objects of the system are not the migrations' doing.
const USER_RELATIONS: &str = "n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast') \
     and n.nspname not like 'pg_temp%' and n.nspname not like 'pg_toast_temp%'";

/// A relation: a table, view, materialized view or index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Relation {
    pub(crate) name: String,
    pub(crate) kind: char,
    /// Its storage: a new one means it was rewritten (or truncated).
    pub(crate) filenode: Option<u32>,
    /// For an index, its table.
    pub(crate) table: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Column {
    pub(crate) name: String,
    pub(crate) not_null: bool,
    /// A default, identity or generation fills it for existing rows.
    pub(crate) filled: bool,
    pub(crate) dropped: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Constraint {
    pub(crate) table: u32,
    pub(crate) name: String,
    pub(crate) kind: char,
    pub(crate) validated: bool,
    pub(crate) definition: String,
}

/// The lock modes a session holds on one relation (PostgreSQL records each
/// mode taken, so a `ROW EXCLUSIVE` shows beside an `ACCESS EXCLUSIVE`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct LockModes(u8);

impl LockModes {
    pub(crate) fn with(self, mode: LockMode) -> Self {
        LockModes(self.0 | 1 << mode as u8)
    }

    pub(crate) fn contains(self, mode: LockMode) -> bool {
        self.0 & 1 << mode as u8 != 0
    }

    /// The modes of `self` that `other` lacks.
    pub(crate) fn without(self, other: LockModes) -> Self {
        LockModes(self.0 & !other.0)
    }

    pub(crate) fn strongest(self) -> Option<LockMode> {
        LockMode::ALL.into_iter().rev().find(|mode| self.contains(*mode))
    }
}

impl From<LockMode> for LockModes {
    fn from(mode: LockMode) -> Self {
        LockModes::default().with(mode)
    }
}

/// The catalog as one session sees it at one moment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Snapshot {
    pub(crate) relations: FxHashMap<u32, Relation>,
    pub(crate) columns: FxHashMap<(u32, i16), Column>,
    pub(crate) constraints: FxHashMap<u32, Constraint>,
    /// The lock modes this session holds on each relation.
    pub(crate) locks: FxHashMap<u32, LockModes>,
    /// Whether `lock_timeout` is set in this session.
    pub(crate) lock_timeout: bool,
}

impl Snapshot {
    /// Reads it on `client` (inside the transaction being traced, so its locks show).
    pub(crate) async fn read(client: &Client) -> Result<Self, tokio_postgres::Error> {
        let mut snapshot = Snapshot::default();
        let relations = format!(
            "select c.oid, n.nspname || '.' || c.relname, c.relkind::text, pg_relation_filenode(c.oid), i.indrelid
             from pg_class c join pg_namespace n on n.oid = c.relnamespace left join pg_index i on i.indexrelid = c.oid
             where {USER_RELATIONS} and c.relkind in ('r', 'p', 'm', 'v', 'f', 'i', 'I')"
        );
        for row in client.query(&relations, &[]).await? {
            let kind: String = row.try_get(2)?;
            snapshot.relations.insert(
                row.try_get(0)?,
                Relation {
                    name: row.try_get(1)?,
                    kind: kind.chars().next().unwrap_or('r'),
                    filenode: row.try_get(3)?,
                    table: row.try_get(4)?,
                },
            );
        }
        let columns = format!(
            "select a.attrelid, a.attnum, a.attname::text, a.attnotnull,
                 a.atthasdef or a.attidentity::text <> '' or a.attgenerated::text <> '', a.attisdropped
             from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
             where {USER_RELATIONS} and c.relkind in ('r', 'p', 'm', 'f') and a.attnum > 0"
        );
        for row in client.query(&columns, &[]).await? {
            snapshot.columns.insert(
                (row.try_get(0)?, row.try_get(1)?),
                Column {
                    name: row.try_get(2)?,
                    not_null: row.try_get(3)?,
                    filled: row.try_get(4)?,
                    dropped: row.try_get(5)?,
                },
            );
        }
        // NOT NULL rows of pg_constraint (PostgreSQL 18) are the columns' `not_null` already.
        let constraints = format!(
            "select con.oid, con.conrelid, con.conname::text, con.contype::text, con.convalidated, pg_get_constraintdef(con.oid)
             from pg_constraint con join pg_class c on c.oid = con.conrelid join pg_namespace n on n.oid = c.relnamespace
             where {USER_RELATIONS} and con.contype <> 'n'"
        );
        for row in client.query(&constraints, &[]).await? {
            let kind: String = row.try_get(3)?;
            snapshot.constraints.insert(
                row.try_get(0)?,
                Constraint {
                    table: row.try_get(1)?,
                    name: row.try_get(2)?,
                    kind: kind.chars().next().unwrap_or('c'),
                    validated: row.try_get(4)?,
                    definition: row.try_get(5)?,
                },
            );
        }
        let locks = "select l.relation, l.mode from pg_locks l
             where l.pid = pg_backend_pid() and l.locktype = 'relation' and l.granted
               and l.database = (select oid from pg_database where datname = current_database())";
        for row in client.query(locks, &[]).await? {
            let mode: String = row.try_get(1)?;
            if let Some(mode) = LockMode::from_pg(&mode) {
                let held = snapshot.locks.entry(row.try_get(0)?).or_default();
                *held = held.with(mode);
            }
        }
        let timeout = client.query_one("select current_setting('lock_timeout') <> '0'", &[]).await?;
        snapshot.lock_timeout = timeout.try_get(0)?;
        Ok(snapshot)
    }

    /// Tables (and views) in it, by oid: what existed before a migration.
    pub(crate) fn tables(&self, ignore_prefix: &str) -> FxHashSet<u32> {
        let ignored = |name: &str| name.split_once('.').is_some_and(|(_, table)| table.starts_with(ignore_prefix));
        self.relations
            .iter()
            .filter(|(_, r)| matches!(r.kind, 'r' | 'p' | 'm' | 'v' | 'f') && !ignored(&r.name))
            .map(|(oid, _)| *oid)
            .collect()
    }
}

/// How a statement ran, and what kind of statement it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Ran {
    /// It ran outside a transaction block (`create index concurrently`): its locks were not seen.
    pub(crate) concurrently: bool,
    /// It ran inside the migration's transaction (so its locks last until commit).
    pub(crate) in_migration_transaction: bool,
    /// Its first keyword, lowercase (`truncate`, `update`); empty for a step.
    pub(crate) verb: &'static str,
}

impl Ran {
    /// The first keyword of `sql`, among those the comparison tells apart.
    pub(crate) fn verb_of(sql: &str) -> &'static str {
        let first = knexrs_sql::words(sql).next().unwrap_or("").to_ascii_lowercase();
        ["truncate", "update", "delete", "insert", "refresh"].into_iter().find(|v| *v == first).unwrap_or("")
    }
}

/// One hazard of one statement, before it is numbered and checked against what is allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Change {
    pub(crate) hazard: Hazard,
    pub(crate) table: u32,
    pub(crate) detail: String,
}

/// What happened between `before` and `after` (one statement) to the
/// relations in `existing`: the locks it took and the hazards it brings.
pub(crate) fn compare(
    before: &Snapshot,
    after: &Snapshot,
    existing: &FxHashSet<u32>,
    ran: Ran,
) -> (Vec<(u32, LockMode)>, Vec<Change>) {
    let name = |oid: u32| {
        after
            .relations
            .get(&oid)
            .or_else(|| before.relations.get(&oid))
            .map_or_else(|| oid.to_string(), |r| r.name.clone())
    };
    let lock_on = |oid: u32| after.locks.get(&oid).and_then(|modes| modes.strongest());
    let held =
        |oid: u32| lock_on(oid).map_or_else(String::new, |mode| format!(" while {mode} is held ({})", mode.blocks()));
    // The modes this statement took that the transaction did not hold yet.
    let taken: FxHashMap<u32, LockModes> = after
        .locks
        .iter()
        .filter(|(oid, _)| existing.contains(oid))
        .map(|(oid, modes)| (*oid, modes.without(before.locks.get(oid).copied().unwrap_or_default())))
        .filter(|(_, modes)| *modes != LockModes::default())
        .collect();
    let mut locks: Vec<(u32, LockMode)> =
        taken.iter().filter_map(|(oid, modes)| modes.strongest().map(|mode| (*oid, mode))).collect();
    locks.sort_by_key(|(oid, _)| name(*oid));
    let mut changes = Vec::new();
    let mut change = |hazard, table, detail: String| changes.push(Change { hazard, table, detail });
    let mut tables: Vec<u32> = existing.iter().copied().collect();
    tables.sort_by_key(|oid| name(*oid));
    for &oid in &tables {
        let Some(was) = before.relations.get(&oid) else { continue };
        let Some(now) = after.relations.get(&oid) else {
            change(Hazard::DropsTable, oid, format!("drops {} {}", kind_word(was.kind), was.name));
            continue;
        };
        if now.name != was.name {
            change(Hazard::RenamesTable, oid, format!("renames {} {} to {}", kind_word(was.kind), was.name, now.name));
        }
        // TRUNCATE gives a table new, empty storage: that removes rows, it copies none.
        if was.filenode.is_some() && now.filenode != was.filenode && ran.verb != "truncate" {
            let instead = if now.kind == 'm' {
                " (`refresh materialized view concurrently` keeps it readable; it needs a unique index)"
            } else {
                ""
            };
            change(
                Hazard::TableRewrite,
                oid,
                format!(
                    "rewrites {} {}: every row and index is copied{}{instead}",
                    kind_word(now.kind),
                    now.name,
                    held(oid)
                ),
            );
        }
    }
    // Rows of existing tables changed inside the migration's transaction stay locked until it commits.
    if ran.in_migration_transaction && matches!(ran.verb, "update" | "delete") {
        let mut written: Vec<u32> =
            taken.iter().filter(|(_, modes)| modes.contains(LockMode::RowExclusive)).map(|(oid, _)| *oid).collect();
        written.sort_by_key(|oid| name(*oid));
        for oid in &written {
            let verb = if ran.verb == "update" { "updates" } else { "deletes" };
            change(
                Hazard::UpdateInTransaction,
                *oid,
                format!(
                    "{verb} rows of {} inside the migration's transaction: each stays locked until it commits{}",
                    name(*oid),
                    held(*oid)
                ),
            );
        }
    }
    // Indexes built on existing tables. An index PostgreSQL re-creates for a
    // column type change that needs no rewrite keeps its storage: not built.
    let kept_storage: FxHashSet<u32> = before
        .relations
        .iter()
        .filter(|(oid, r)| matches!(r.kind, 'i' | 'I') && !after.relations.contains_key(oid))
        .filter_map(|(_, r)| r.filenode)
        .collect();
    let mut built: Vec<(&u32, &Relation)> = after
        .relations
        .iter()
        .filter(|(oid, r)| {
            matches!(r.kind, 'i' | 'I')
                && !before.relations.contains_key(oid)
                && r.table.is_some_and(|t| existing.contains(&t))
                && !r.filenode.is_some_and(|f| kept_storage.contains(&f))
        })
        .collect();
    built.sort_by(|a, b| a.1.name.cmp(&b.1.name));
    for (_, index) in built {
        let Some(table) = index.table else { continue };
        if !ran.concurrently {
            change(
                Hazard::IndexNotConcurrent,
                table,
                format!("builds index {} on {}{}", index.name, name(table), held(table)),
            );
        }
    }
    // Constraints added valid on existing tables: every row is read. One
    // PostgreSQL re-creates under the same name (for a column type change) was enforced already.
    let recreated = |c: &Constraint| {
        before.constraints.values().any(|was| was.table == c.table && was.name == c.name && was.validated)
    };
    let mut added: Vec<&Constraint> = after
        .constraints
        .iter()
        .filter(|(oid, c)| {
            !before.constraints.contains_key(oid)
                && !recreated(c)
                && existing.contains(&c.table)
                && c.validated
                && matches!(c.kind, 'c' | 'f')
        })
        .map(|(_, c)| c)
        .collect();
    added.sort_by(|a, b| a.name.cmp(&b.name));
    for constraint in added {
        let kind = if constraint.kind == 'f' { "foreign key" } else { "check" };
        change(
            Hazard::ValidatedConstraint,
            constraint.table,
            format!(
                "adds {kind} constraint {} on {} valid: every row is read{}",
                constraint.name,
                name(constraint.table),
                held(constraint.table)
            ),
        );
    }
    // Columns of existing tables.
    let mut columns: Vec<(&(u32, i16), &Column)> =
        after.columns.iter().filter(|((table, _), _)| existing.contains(table)).collect();
    columns.sort_by_key(|((table, num), _)| (name(*table), *num));
    for (key, now) in columns {
        let table = key.0;
        match before.columns.get(key) {
            None if now.not_null && !now.filled => change(
                Hazard::RequiredColumn,
                table,
                format!(
                    "adds {}.{} NOT NULL without a default: it fails on a table that has rows",
                    name(table),
                    now.name
                ),
            ),
            None => {}
            Some(was) if was.dropped => {}
            Some(was) if now.dropped => {
                change(Hazard::DropsColumn, table, format!("drops column {}.{}", name(table), was.name))
            }
            Some(was) => {
                if now.name != was.name {
                    change(
                        Hazard::RenamesColumn,
                        table,
                        format!("renames column {}.{} to {}", name(table), was.name, now.name),
                    );
                }
                if now.not_null && !was.not_null && !proven_not_null(before, table, &now.name) {
                    change(
                        Hazard::SetNotNull,
                        table,
                        format!("makes {}.{} NOT NULL: every row is read{}", name(table), now.name, held(table)),
                    );
                }
            }
        }
    }
    (locks, changes)
}

/// Whether a valid check constraint already says `column is not null` (then
/// PostgreSQL 12+ sets NOT NULL without reading the rows).
fn proven_not_null(snapshot: &Snapshot, table: u32, column: &str) -> bool {
    let wanted = [
        format!("CHECK (({column} IS NOT NULL))"),
        format!("CHECK (({} IS NOT NULL))", knexrs_sql::quote_ident(column)),
    ];
    snapshot
        .constraints
        .values()
        .any(|c| c.table == table && c.kind == 'c' && c.validated && wanted.contains(&c.definition))
}

fn kind_word(kind: char) -> &'static str {
    match kind {
        'v' => "view",
        'm' => "materialized view",
        'f' => "foreign table",
        _ => "table",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: u32 = 100;

    fn table() -> Snapshot {
        let mut s = Snapshot::default();
        s.relations.insert(T, Relation { name: "public.t".into(), kind: 'r', filenode: Some(100), table: None });
        s.columns.insert((T, 1), Column { name: "id".into(), not_null: true, filled: true, dropped: false });
        s.columns.insert((T, 2), Column { name: "name".into(), not_null: false, filled: false, dropped: false });
        s
    }

    /// A valid check constraint on `t`.
    fn valid_check(name: &str, definition: &str) -> Constraint {
        Constraint { table: T, name: name.into(), kind: 'c', validated: true, definition: definition.into() }
    }

    fn existing() -> FxHashSet<u32> {
        [T].into_iter().collect()
    }

    fn hazards(after: &Snapshot, ran: Ran) -> Vec<Hazard> {
        compare(&table(), after, &existing(), ran).1.into_iter().map(|c| c.hazard).collect()
    }

    const IN_TRANSACTION: Ran = Ran { concurrently: false, in_migration_transaction: true, verb: "" };

    #[test]
    fn a_new_filenode_is_a_rewrite_and_names_the_lock_held() {
        let mut after = table();
        after.relations.get_mut(&T).unwrap().filenode = Some(200);
        after.locks.insert(T, LockMode::AccessExclusive.into());
        let (locks, changes) = compare(&table(), &after, &existing(), IN_TRANSACTION);
        assert_eq!(locks, [(T, LockMode::AccessExclusive)]);
        assert_eq!(changes.len(), 1);
        assert_eq!(
            changes[0].detail,
            "rewrites table public.t: every row and index is copied while ACCESS EXCLUSIVE is held (blocks reads and writes)"
        );
    }

    #[test]
    fn truncate_is_not_a_rewrite_and_an_update_in_the_transaction_is_reported() {
        let mut after = table();
        after.relations.get_mut(&T).unwrap().filenode = Some(200);
        assert_eq!(hazards(&after, Ran { verb: Ran::verb_of("TRUNCATE t"), ..IN_TRANSACTION }), []);
        let mut after = table();
        after.locks.insert(T, LockMode::RowExclusive.into());
        assert_eq!(
            hazards(&after, Ran { verb: Ran::verb_of("update t set name = 'x'"), ..IN_TRANSACTION }),
            [Hazard::UpdateInTransaction]
        );
        let outside = Ran { verb: "update", in_migration_transaction: false, concurrently: false };
        assert_eq!(hazards(&after, outside), []);
    }

    #[test]
    fn an_update_under_a_stronger_lock_already_held_still_shows_its_row_exclusive() {
        let mut before = table();
        before.locks.insert(T, LockMode::AccessExclusive.into());
        let mut after = before.clone();
        after.locks.insert(T, LockModes::from(LockMode::AccessExclusive).with(LockMode::RowExclusive));
        let (locks, changes) = compare(&before, &after, &existing(), Ran { verb: "update", ..IN_TRANSACTION });
        assert_eq!(locks, [(T, LockMode::RowExclusive)]);
        assert_eq!(
            changes[0].detail,
            "updates rows of public.t inside the migration's transaction: each stays locked until it commits while ACCESS EXCLUSIVE is held (blocks reads and writes)"
        );
    }

    #[test]
    fn an_index_built_in_a_transaction_is_reported_and_a_concurrent_one_is_not() {
        let mut after = table();
        after.relations.insert(
            300,
            Relation { name: "public.t_name_index".into(), kind: 'i', filenode: Some(300), table: Some(T) },
        );
        after.locks.insert(T, LockMode::Share.into());
        assert_eq!(hazards(&after, IN_TRANSACTION), [Hazard::IndexNotConcurrent]);
        assert_eq!(hazards(&after, Ran { concurrently: true, ..IN_TRANSACTION }), []);
    }

    #[test]
    fn an_index_recreated_on_its_old_storage_is_not_a_build() {
        let mut before = table();
        before.relations.insert(
            300,
            Relation { name: "public.t_name_index".into(), kind: 'i', filenode: Some(300), table: Some(T) },
        );
        let mut after = table();
        after.relations.insert(
            301,
            Relation { name: "public.t_name_index".into(), kind: 'i', filenode: Some(300), table: Some(T) },
        );
        assert_eq!(compare(&before, &after, &existing(), IN_TRANSACTION).1, []);
    }

    #[test]
    fn a_constraint_recreated_under_its_name_is_not_a_new_validation() {
        let check = valid_check("t_name_check", "CHECK ((length(name) > 0))");
        let mut before = table();
        before.constraints.insert(1, check.clone());
        let mut after = table();
        after.constraints.insert(2, check);
        assert_eq!(compare(&before, &after, &existing(), IN_TRANSACTION).1, []);
    }

    #[test]
    fn constraints_added_valid_are_reported_and_not_valid_ones_are_not() {
        let mut after = table();
        let check = valid_check("t_name_check", "CHECK ((length(name) > 0))");
        after.constraints.insert(1, check.clone());
        assert_eq!(hazards(&after, IN_TRANSACTION), [Hazard::ValidatedConstraint]);
        after.constraints.insert(1, Constraint { validated: false, ..check });
        assert_eq!(hazards(&after, IN_TRANSACTION), []);
    }

    #[test]
    fn set_not_null_is_reported_unless_a_valid_check_proves_it() {
        let mut after = table();
        after.columns.get_mut(&(T, 2)).unwrap().not_null = true;
        assert_eq!(hazards(&after, IN_TRANSACTION), [Hazard::SetNotNull]);
        let mut before = table();
        let proof = valid_check("t_name_not_null", "CHECK ((name IS NOT NULL))");
        before.constraints.insert(1, proof.clone());
        after.constraints.insert(1, proof);
        assert_eq!(compare(&before, &after, &existing(), IN_TRANSACTION).1, []);
    }

    #[test]
    fn a_required_column_without_default_is_reported_and_one_with_a_default_is_not() {
        let mut after = table();
        after.columns.insert((T, 3), Column { name: "team".into(), not_null: true, filled: false, dropped: false });
        assert_eq!(hazards(&after, IN_TRANSACTION), [Hazard::RequiredColumn]);
        after.columns.insert((T, 3), Column { name: "team".into(), not_null: true, filled: true, dropped: false });
        assert_eq!(hazards(&after, IN_TRANSACTION), []);
    }

    #[test]
    fn drops_and_renames_of_existing_objects_are_reported() {
        let mut after = table();
        after.columns.get_mut(&(T, 2)).unwrap().dropped = true;
        assert_eq!(hazards(&after, IN_TRANSACTION), [Hazard::DropsColumn]);
        let mut after = table();
        after.columns.get_mut(&(T, 2)).unwrap().name = "label".into();
        after.relations.get_mut(&T).unwrap().name = "public.u".into();
        assert_eq!(hazards(&after, IN_TRANSACTION), [Hazard::RenamesTable, Hazard::RenamesColumn]);
        assert_eq!(hazards(&Snapshot::default(), IN_TRANSACTION), [Hazard::DropsTable]);
    }

    #[test]
    fn tables_created_by_the_migration_itself_are_not_its_hazards() {
        let mut after = table();
        after
            .relations
            .insert(400, Relation { name: "public.new".into(), kind: 'r', filenode: Some(400), table: None });
        after.relations.insert(
            401,
            Relation { name: "public.new_x_index".into(), kind: 'i', filenode: Some(401), table: Some(400) },
        );
        after.columns.insert((400, 1), Column { name: "x".into(), not_null: true, filled: false, dropped: false });
        after.locks.insert(400, LockMode::AccessExclusive.into());
        let (locks, changes) = compare(&table(), &after, &existing(), IN_TRANSACTION);
        assert_eq!((locks, changes), (vec![], vec![]));
    }

    #[test]
    fn a_lock_already_held_is_not_taken_again() {
        let mut before = table();
        before.locks.insert(T, LockMode::AccessExclusive.into());
        let mut after = before.clone();
        after.locks.insert(T, LockMode::AccessExclusive.into());
        assert_eq!(compare(&before, &after, &existing(), IN_TRANSACTION).0, []);
    }
}
