//! Everything a table callback records besides columns, in call order, and how
//! each item renders once the table itself exists.

use super::{ForeignDef, IndexDef, PrimaryDef, UniqueDef};
use crate::SchemaError;
use crate::naming::{check_constraint_name, check_identifier, default_index_name, default_primary_key_name};
use crate::sql::{iden, qualified, quote, table_ref};
use sea_query::{ColumnDef, PostgresQueryBuilder, TableRef};

/// The table an item belongs to: its raw name (for derived names) and its
/// quoted, schema-qualified name (for SQL).
pub(crate) struct TableCtx<'a> {
    pub(crate) schema: Option<&'a str>,
    pub(crate) name: &'a str,
    pub(crate) quoted: String,
}

impl<'a> TableCtx<'a> {
    pub(crate) fn new(schema: Option<&'a str>, name: &'a str) -> Self {
        TableCtx { schema, name, quoted: qualified(schema, name) }
    }

    pub(crate) fn table_ref(&self) -> TableRef {
        table_ref(self.schema, self.name)
    }
}

/// A table-level check constraint (knex `table.check(sql, bindings, name)`).
///
/// ```
/// use knexrs_schema::{SchemaBuilder, PostgresQueryBuilder};
///
/// let mut schema = SchemaBuilder::new();
/// schema.alter_table("orders", |t| {
///     t.check("total >= 0").name("total_not_negative").not_valid();
/// });
/// assert_eq!(
///     schema.build(PostgresQueryBuilder).unwrap()[0],
///     r#"alter table "orders" add constraint "total_not_negative" check (total >= 0) not valid"#
/// );
/// ```
#[derive(Debug, Clone)]
pub struct CheckDef {
    pub(crate) sql: String,
    pub(crate) name: Option<String>,
    pub(crate) not_valid: bool,
}

impl CheckDef {
    /// Names the constraint (folded to lower case, as knex's unquoted names are).
    ///
    /// ```
    /// # use knexrs_schema::{AlterTable, PostgresQueryBuilder};
    /// let mut t = AlterTable::new("bookings");
    /// t.check("ends_on >= starts_on").name("Dates_Ordered");
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"alter table "bookings" add constraint "dates_ordered" check (ends_on >= starts_on)"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn name(&mut self, name: impl Into<String>) -> &mut Self {
        self.name = Some(name.into());
        self
    }

    /// Adds the constraint `NOT VALID` (on an existing table): existing rows are
    /// checked later by `validate_constraint`, without a long lock now.
    ///
    /// ```
    /// # use knexrs_schema::{AlterTable, PostgresQueryBuilder};
    /// let mut t = AlterTable::new("bookings");
    /// t.check("ends_on >= starts_on").name("dates_ordered").not_valid();
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"alter table "bookings" add constraint "dates_ordered" check (ends_on >= starts_on) not valid"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn not_valid(&mut self) -> &mut Self {
        self.not_valid = true;
        self
    }

    pub(crate) fn constraint_name(&self, table: &str, n: usize) -> Result<String, SchemaError> {
        match &self.name {
            Some(name) => {
                check_identifier("check constraint", name)?;
                Ok(check_constraint_name(name))
            }
            None => Ok(check_constraint_name(&format!("{table}_{n}"))),
        }
    }
}

/// What a `drop_*` call removes, and how (knex `dropUnique`, `dropForeign`, …).
///
/// ```
/// use knexrs_schema::{SchemaBuilder, PostgresQueryBuilder};
///
/// let mut schema = SchemaBuilder::new();
/// schema.alter_table("users", |t| {
///     t.drop_unique("email");
///     t.drop_foreign(["org_id"]).if_exists();
///     t.drop_index("name").name("users_name_idx").concurrently();
/// });
/// let sql = schema.build(PostgresQueryBuilder).unwrap();
/// assert_eq!(sql[0], r#"alter table "users" drop constraint "users_email_unique""#);
/// assert_eq!(sql[1], r#"alter table "users" drop constraint if exists "users_org_id_foreign""#);
/// assert_eq!(sql[2], r#"DROP INDEX CONCURRENTLY "users_name_idx""#);
/// ```
#[derive(Debug, Clone)]
pub struct DropDef {
    pub(crate) kind: DropKind,
    pub(crate) columns: Vec<String>,
    pub(crate) name: Option<String>,
    pub(crate) if_exists: bool,
    pub(crate) concurrently: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DropKind {
    Primary,
    Unique,
    Foreign,
    Index,
    Constraint,
}

impl DropDef {
    pub(crate) fn new(kind: DropKind, columns: Vec<String>) -> Self {
        DropDef { kind, columns, name: None, if_exists: false, concurrently: false }
    }

    /// The name to drop, instead of the one knex derives from the columns.
    ///
    /// ```
    /// # use knexrs_schema::{AlterTable, PostgresQueryBuilder};
    /// let mut t = AlterTable::new("users");
    /// t.drop_unique("email").name("users_email_key");
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"alter table "users" drop constraint "users_email_key""#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn name(&mut self, name: impl Into<String>) -> &mut Self {
        self.name = Some(name.into());
        self
    }

    /// No error when it does not exist.
    ///
    /// ```
    /// # use knexrs_schema::{AlterTable, PostgresQueryBuilder};
    /// let mut t = AlterTable::new("users");
    /// t.drop_index("email").if_exists();
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [r#"DROP INDEX IF EXISTS "users_email_index""#]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn if_exists(&mut self) -> &mut Self {
        self.if_exists = true;
        self
    }

    /// `drop index concurrently` (indexes only): the migration then runs outside a transaction.
    ///
    /// ```
    /// # use knexrs_schema::{AlterTable, PostgresQueryBuilder};
    /// let mut t = AlterTable::new("users");
    /// t.drop_index("email").concurrently().if_exists();
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"DROP INDEX CONCURRENTLY IF EXISTS "users_email_index""#,
    /// ]);
    /// assert!(t.needs_no_transaction());
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn concurrently(&mut self) -> &mut Self {
        self.concurrently = true;
        self
    }

    fn target_name(&self, ctx: &TableCtx<'_>) -> Result<String, SchemaError> {
        if let Some(name) = &self.name {
            check_identifier("constraint", name)?;
            return Ok(name.clone());
        }
        let suffix = match self.kind {
            DropKind::Primary => return Ok(default_primary_key_name(ctx.name)),
            DropKind::Unique => "unique",
            DropKind::Foreign => "foreign",
            DropKind::Index => "index",
            DropKind::Constraint => {
                return Err(SchemaError::Unsupported(format!(
                    "drop_constraint on `{}` needs a constraint name",
                    ctx.name
                )));
            }
        };
        if self.columns.is_empty() {
            return Err(SchemaError::Unsupported(format!(
                "drop on `{}` names neither columns nor a {suffix} name: give one",
                ctx.name
            )));
        }
        Ok(default_index_name(ctx.name, &self.columns, suffix))
    }

    fn render(&self, ctx: &TableCtx<'_>) -> Result<String, SchemaError> {
        let name = self.target_name(ctx)?;
        if self.kind == DropKind::Index {
            let mut stmt = sea_query::Index::drop();
            stmt.name(super::index::escaped_name(&name)).table(ctx.table_ref());
            if self.if_exists {
                stmt.if_exists();
            }
            if self.concurrently {
                stmt.concurrently();
            }
            return Ok(stmt.to_string(PostgresQueryBuilder));
        }
        // sea-query's DROP CONSTRAINT has no IF EXISTS.
        let if_exists = if self.if_exists { "if exists " } else { "" };
        Ok(format!("alter table {} drop constraint {if_exists}{}", ctx.quoted, quote(&name)))
    }
}

/// One call on a table builder besides a column, kept in call order (knex
/// renders them in the order they were made).
#[derive(Debug, Clone)]
pub(crate) enum TableItem {
    Index(IndexDef),
    Unique(UniqueDef),
    Primary(PrimaryDef),
    Foreign(ForeignDef),
    Check(CheckDef),
    DropColumns { columns: Vec<String>, if_exists: bool },
    RenameColumn { from: String, to: String },
    SetNullable { column: String, nullable: bool },
    Drop(DropDef),
    DropChecks(Vec<String>),
    ValidateConstraint(String),
}

impl TableItem {
    /// Whether PostgreSQL refuses to run this item inside a transaction.
    pub(crate) fn needs_no_transaction(&self) -> bool {
        match self {
            TableItem::Index(index) => index.is_concurrent(),
            TableItem::Drop(drop) => drop.concurrently,
            _ => false,
        }
    }

    /// Whether it asks for `nulls not distinct` (PostgreSQL 15).
    pub(crate) fn nulls_not_distinct(&self) -> bool {
        match self {
            TableItem::Index(index) => index.nulls_not_distinct,
            TableItem::Unique(unique) => unique.nulls_not_distinct,
            _ => false,
        }
    }

    /// Whether it builds an index concurrently.
    pub(crate) fn creates_index_concurrently(&self) -> bool {
        matches!(self, TableItem::Index(index) if index.is_concurrent())
    }

    /// The statement(s) for this item. `check_no` numbers unnamed table checks.
    pub(crate) fn render(&self, ctx: &TableCtx<'_>, check_no: usize) -> Result<Vec<String>, SchemaError> {
        let alter = || {
            let mut stmt = sea_query::Table::alter();
            stmt.table(ctx.table_ref());
            stmt
        };
        Ok(vec![match self {
            TableItem::Index(index) => index.render(ctx)?,
            TableItem::Unique(unique) => unique.render(ctx)?,
            TableItem::Primary(primary) => primary.render(ctx)?,
            TableItem::Foreign(foreign) => foreign.render(ctx)?,
            TableItem::Check(check) => format!(
                "alter table {} add constraint {} check ({}){}",
                ctx.quoted,
                quote(&check.constraint_name(ctx.name, check_no)?),
                check.sql,
                if check.not_valid { " not valid" } else { "" }
            ),
            TableItem::DropColumns { columns, if_exists } => {
                if columns.is_empty() {
                    return Ok(Vec::new());
                }
                let mut stmt = alter();
                for column in columns {
                    check_identifier("column", column)?;
                    if *if_exists {
                        stmt.drop_column_if_exists(iden(column));
                    } else {
                        stmt.drop_column(iden(column));
                    }
                }
                stmt.to_string(PostgresQueryBuilder)
            }
            TableItem::RenameColumn { from, to } => {
                check_identifier("column", from)?;
                check_identifier("column", to)?;
                alter().rename_column(iden(from), iden(to)).to_string(PostgresQueryBuilder)
            }
            TableItem::SetNullable { column, nullable } => {
                check_identifier("column", column)?;
                let mut def = ColumnDef::new(iden(column));
                if *nullable {
                    def.null();
                } else {
                    def.not_null();
                }
                alter().modify_column(def).to_string(PostgresQueryBuilder)
            }
            TableItem::Drop(drop) => drop.render(ctx)?,
            TableItem::DropChecks(names) => {
                if names.is_empty() {
                    return Ok(Vec::new());
                }
                let drops = names
                    .iter()
                    .map(|name| {
                        check_identifier("check constraint", name)?;
                        // knex writes these names unquoted: PostgreSQL folds them.
                        Ok(format!("drop constraint {}", quote(&check_constraint_name(name))))
                    })
                    .collect::<Result<Vec<_>, SchemaError>>()?;
                format!("alter table {} {}", ctx.quoted, drops.join(", "))
            }
            TableItem::ValidateConstraint(name) => {
                check_identifier("constraint", name)?;
                format!("alter table {} validate constraint {}", ctx.quoted, quote(name))
            }
        }])
    }
}
