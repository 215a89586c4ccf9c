//! The chainable column interface (knex's `ColumnBuilder`).

use super::{AlterMode, Check, ColumnSpec, ColumnType, DefaultValue, EnumType, Identity};
use crate::table::{Alter, ForeignDef, IndexDef, PrimaryDef, TableBuilder, TableItem, TableKind, UniqueDef};
use sea_query::ForeignKeyAction;

/// The column just added to a table, with knex's modifiers.
///
/// Index-like modifiers (`primary`, `unique`, `index`, `references`) record a
/// table-level item at the moment they are called, so statements come out in
/// the order knex would emit them.
///
/// ```
/// use knexrs_schema::{raw, now, SchemaBuilder, PostgresQueryBuilder};
///
/// let mut schema = SchemaBuilder::new();
/// schema.create_table("sessions", |t| {
///     t.text("session_id").primary().default_to(raw("uuid_generate_v4()"));
///     t.text("job_name").not_nullable().unique();
///     t.timestamp("created_at").default_to(now());
///     t.text("owner_user_id").not_nullable().index_with(|i| { i.name("idx_sessions_owner"); });
/// });
/// let sql = schema.build(PostgresQueryBuilder).unwrap();
/// assert_eq!(sql[1], r#"alter table "sessions" add constraint "sessions_job_name_unique" unique ("job_name")"#);
/// assert_eq!(sql[2], r#"CREATE INDEX "idx_sessions_owner" ON "sessions" ("owner_user_id")"#);
/// ```
pub struct ColumnBuilder<'a, K: TableKind> {
    table: &'a mut TableBuilder<K>,
    column: usize,
    foreign: Option<usize>,
}

impl<'a, K: TableKind> ColumnBuilder<'a, K> {
    pub(crate) fn new(table: &'a mut TableBuilder<K>, column: usize) -> Self {
        ColumnBuilder { table, column, foreign: None }
    }

    fn spec(&mut self) -> &mut ColumnSpec {
        &mut self.table.columns[self.column]
    }

    fn name(&self) -> String {
        self.table.columns[self.column].name.clone()
    }

    fn misuse(&mut self, problem: impl Into<String>) -> &mut Self {
        self.table.record_misuse(self.column, problem);
        self
    }

    /// Allows nulls (`null`).
    pub fn nullable(&mut self) -> &mut Self {
        self.spec().nullable = Some(true);
        self
    }

    /// Forbids nulls (`not null`).
    pub fn not_nullable(&mut self) -> &mut Self {
        self.spec().nullable = Some(false);
        self
    }

    /// The same as [`not_nullable`](Self::not_nullable) (knex `notNull`).
    pub fn not_null(&mut self) -> &mut Self {
        self.not_nullable()
    }

    /// The column's default (knex `defaultTo`); see [`DefaultValue`].
    pub fn default_to(&mut self, value: impl Into<DefaultValue>) -> &mut Self {
        self.spec().default = Some(value.into());
        self
    }

    /// The column's comment (knex `comment`).
    pub fn comment(&mut self, text: impl Into<String>) -> &mut Self {
        self.spec().comment = Some(Some(text.into()));
        self
    }

    /// Clears the column's comment (`comment on column … is NULL`, knex `comment()`).
    pub fn comment_null(&mut self) -> &mut Self {
        self.spec().comment = Some(None);
        self
    }

    /// The column's collation, such as `"C"` or `"und-x-icu"` (knex `collate`).
    pub fn collate(&mut self, collation: impl Into<String>) -> &mut Self {
        self.spec().collate = Some(collation.into());
        self
    }

    /// A check constraint on this column (knex `check`, `checkPositive`, `checkIn`, …).
    pub fn check(&mut self, check: Check) -> &mut Self {
        self.spec().checks.push(check);
        self
    }

    /// Accepted for knex parity; PostgreSQL has no unsigned integers.
    pub fn unsigned(&mut self) -> &mut Self {
        self
    }

    /// Makes this column the table's primary key (`<table>_pkey`).
    pub fn primary(&mut self) -> &mut Self {
        self.primary_with(|_| {})
    }

    /// Makes this column the primary key, configured by `configure` (name, deferrable).
    pub fn primary_with(&mut self, configure: impl FnOnce(&mut PrimaryDef)) -> &mut Self {
        // knex ignores primary/unique/index on serial columns: they are keys already.
        if !self.table.columns[self.column].ty.is_increments() {
            let name = self.name();
            configure(self.table.primary(name));
        }
        self
    }

    /// A unique constraint on this column (`<table>_<column>_unique`).
    pub fn unique(&mut self) -> &mut Self {
        self.unique_with(|_| {})
    }

    /// A unique constraint on this column, configured by `configure`.
    pub fn unique_with(&mut self, configure: impl FnOnce(&mut UniqueDef)) -> &mut Self {
        if !self.table.columns[self.column].ty.is_increments() {
            let name = self.name();
            configure(self.table.unique(name));
        }
        self
    }

    /// An index on this column (`<table>_<column>_index`).
    pub fn index(&mut self) -> &mut Self {
        self.index_with(|_| {})
    }

    /// An index on this column, configured by `configure` (name, method, predicate, …).
    pub fn index_with(&mut self, configure: impl FnOnce(&mut IndexDef)) -> &mut Self {
        if !self.table.columns[self.column].ty.is_increments() {
            let name = self.name();
            configure(self.table.index(name));
        }
        self
    }

    /// A foreign key from this column: `"table.column"`, or a column followed by
    /// [`in_table`](Self::in_table) (knex `references`).
    pub fn references(&mut self, target: impl Into<String>) -> &mut Self {
        let mut foreign = ForeignDef::new(vec![self.name()]);
        foreign.references(target.into());
        self.foreign = Some(self.table.push_item(TableItem::Foreign(foreign)));
        self
    }

    fn with_foreign(&mut self, what: &str, update: impl FnOnce(&mut ForeignDef)) -> &mut Self {
        match self.foreign.and_then(|i| self.table.items.get_mut(i)) {
            Some(TableItem::Foreign(foreign)) => {
                update(foreign);
                self
            }
            _ => self.misuse(format!("{what} needs a foreign key: call .references(\"table.column\") first")),
        }
    }

    /// The referenced table (knex `inTable` / `on`).
    pub fn in_table(&mut self, table: impl Into<String>) -> &mut Self {
        let table = table.into();
        self.with_foreign("in_table", |f| {
            f.in_table(table);
        })
    }

    /// What happens when the referenced row is deleted (knex `onDelete`).
    pub fn on_delete(&mut self, action: ForeignKeyAction) -> &mut Self {
        self.with_foreign("on_delete", |f| {
            f.on_delete(action);
        })
    }

    /// What happens when the referenced key changes (knex `onUpdate`).
    pub fn on_update(&mut self, action: ForeignKeyAction) -> &mut Self {
        self.with_foreign("on_update", |f| {
            f.on_update(action);
        })
    }

    /// Makes the foreign key deferrable (knex `deferrable`).
    pub fn deferrable(&mut self, deferrable: crate::Deferrable) -> &mut Self {
        self.with_foreign("deferrable", |f| {
            f.deferrable(deferrable);
        })
    }

    /// Names the foreign key constraint (knex `withKeyName`).
    pub fn foreign_key_name(&mut self, name: impl Into<String>) -> &mut Self {
        let name = name.into();
        self.with_foreign("foreign_key_name", |f| {
            f.name(name);
        })
    }

    /// Adds the foreign key `NOT VALID`, to validate later without a long lock.
    pub fn foreign_key_not_valid(&mut self) -> &mut Self {
        self.with_foreign("foreign_key_not_valid", |f| {
            f.not_valid();
        })
    }

    /// `timestamp` / `time` without time zone (knex `useTz: false`).
    pub fn without_time_zone(&mut self) -> &mut Self {
        match &mut self.spec().ty {
            ColumnType::Timestamp { tz, .. } | ColumnType::Time { tz, .. } => {
                *tz = false;
                self
            }
            _ => self.misuse("without_time_zone applies to timestamp and time columns only"),
        }
    }

    /// Fractional-second digits of a `timestamp` / `time` column (knex `precision`).
    pub fn precision(&mut self, digits: u32) -> &mut Self {
        match &mut self.spec().ty {
            ColumnType::Timestamp { precision, .. } | ColumnType::Time { precision, .. } => {
                *precision = Some(digits);
                self
            }
            _ => self.misuse("precision applies to timestamp and time columns only; decimal takes it as an argument"),
        }
    }

    /// A serial column that is not the primary key (knex `primaryKey: false`).
    pub fn without_primary_key(&mut self) -> &mut Self {
        if self.table.columns[self.column].ty.is_increments() {
            self.spec().primary_key = false;
            self
        } else {
            self.misuse("without_primary_key applies to increments and big_increments only")
        }
    }

    /// `generated always|by default as identity`: the SQL-standard successor of `serial`.
    pub fn identity(&mut self, identity: Identity) -> &mut Self {
        self.spec().identity = Some(identity);
        self
    }

    /// `generated always as (expr) stored`: a column computed from the others.
    pub fn generated_stored(&mut self, expression: impl Into<String>) -> &mut Self {
        self.spec().generated = Some(expression.into());
        self
    }

    /// The schema of this column's native enum type (knex `schemaName`).
    pub fn type_schema(&mut self, schema: impl Into<String>) -> &mut Self {
        match &mut self.spec().ty {
            ColumnType::Enum(EnumType::Native { schema: type_schema, .. }) => {
                *type_schema = Some(schema.into());
                self
            }
            _ => self.misuse("type_schema applies to native_enum and existing_enum columns only"),
        }
    }
}

impl ColumnBuilder<'_, Alter> {
    /// Changes an existing column to this definition instead of adding it
    /// (knex `alter()`): drops its default and not-null, changes the type with a
    /// `using` cast, then sets the new default and not-null.
    pub fn alter(&mut self) -> &mut Self {
        self.spec().alter = Some(AlterMode { nullable: true, ty: true });
        self
    }

    /// Whether `alter` touches nullability (knex `alterNullable`, default true).
    pub fn alter_nullable(&mut self, alter: bool) -> &mut Self {
        let mode = self.spec().alter.get_or_insert(AlterMode { nullable: true, ty: true });
        mode.nullable = alter;
        self
    }

    /// Whether `alter` changes the type (knex `alterType`, default true).
    pub fn alter_type(&mut self, alter: bool) -> &mut Self {
        let mode = self.spec().alter.get_or_insert(AlterMode { nullable: true, ty: true });
        mode.ty = alter;
        self
    }
}
