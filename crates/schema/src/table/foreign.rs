//! Foreign keys (knex `foreign(...).references(...).inTable(...)`), rendered by sea-query.

use super::index::{Deferrable, escaped_name};
use super::item::TableCtx;
use crate::SchemaError;
use crate::naming::{check_identifier, default_index_name};
use crate::sql::{iden, table_ref};
use sea_query::{ForeignKeyAction, PostgresQueryBuilder};

/// A foreign key from this table's columns to another table's.
///
/// `references("users.id")` names table and column at once, as in knex;
/// `references("id").in_table("users")` does the same in two steps.
///
/// ```
/// use knexrs_schema::{ForeignKeyAction, SchemaBuilder, PostgresQueryBuilder};
///
/// let mut schema = SchemaBuilder::new();
/// schema.create_table("posts", |t| {
///     t.increments("id");
///     t.integer("user_id").not_nullable().references("users.id").on_delete(ForeignKeyAction::Cascade);
///     t.foreign(["org", "slug"]).references(["org", "slug"]).in_table("sites");
///     t.integer("org");
///     t.text("slug");
/// });
/// let sql = schema.build(PostgresQueryBuilder).unwrap();
/// assert_eq!(
///     sql[1],
///     r#"ALTER TABLE "posts" ADD CONSTRAINT "posts_user_id_foreign" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE"#
/// );
/// assert!(sql[2].contains(r#""posts_org_slug_foreign" FOREIGN KEY ("org", "slug") REFERENCES "sites" ("org", "slug")"#));
/// ```
#[derive(Debug, Clone)]
pub struct ForeignDef {
    pub(crate) columns: Vec<String>,
    references: Vec<String>,
    in_table: Option<(Option<String>, String)>,
    name: Option<String>,
    on_delete: Option<ForeignKeyAction>,
    on_update: Option<ForeignKeyAction>,
    deferrable: Option<Deferrable>,
    not_valid: bool,
}

/// `schema.table` → (Some(schema), table); `table` → (None, table).
fn split_table(name: &str) -> (Option<String>, String) {
    match name.rsplit_once('.') {
        Some((schema, table)) => (Some(schema.to_owned()), table.to_owned()),
        None => (None, name.to_owned()),
    }
}

impl ForeignDef {
    pub(crate) fn new(columns: Vec<String>) -> Self {
        ForeignDef {
            columns,
            references: Vec::new(),
            in_table: None,
            name: None,
            on_delete: None,
            on_update: None,
            deferrable: None,
            not_valid: false,
        }
    }

    /// The referenced columns; a single `"table.column"` also names the table.
    ///
    /// ```
    /// # use knexrs_schema::{AlterTable, PostgresQueryBuilder};
    /// let mut t = AlterTable::new("token_jti");
    /// t.foreign("session_id").references("sessions.session_id");
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"ALTER TABLE "token_jti" ADD CONSTRAINT "token_jti_session_id_foreign" FOREIGN KEY ("session_id") REFERENCES "sessions" ("session_id")"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn references(&mut self, columns: impl super::IntoColumns) -> &mut Self {
        let mut columns = columns.into_columns();
        if let [single] = columns.as_mut_slice()
            && let Some((table, column)) = single.rsplit_once('.')
        {
            self.in_table = Some(split_table(table));
            *single = column.to_owned();
        }
        self.references = columns;
        self
    }

    /// The referenced table, optionally `schema.table` (knex `inTable` / `on`).
    ///
    /// ```
    /// # use knexrs_schema::{AlterTable, PostgresQueryBuilder};
    /// let mut t = AlterTable::new("token_jti");
    /// t.foreign("session_id").references("session_id").in_table("app.sessions");
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"ALTER TABLE "token_jti" ADD CONSTRAINT "token_jti_session_id_foreign" FOREIGN KEY ("session_id") REFERENCES "app"."sessions" ("session_id")"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn in_table(&mut self, table: impl Into<String>) -> &mut Self {
        self.in_table = Some(split_table(&table.into()));
        self
    }

    /// Names the constraint (knex `withKeyName`); the default is `<table>_<columns>_foreign`.
    ///
    /// ```
    /// # use knexrs_schema::{AlterTable, PostgresQueryBuilder};
    /// let mut t = AlterTable::new("token_jti");
    /// t.foreign("session_id").references("sessions.session_id").name("fk_jti_session");
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"ALTER TABLE "token_jti" ADD CONSTRAINT "fk_jti_session" FOREIGN KEY ("session_id") REFERENCES "sessions" ("session_id")"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn name(&mut self, name: impl Into<String>) -> &mut Self {
        self.name = Some(name.into());
        self
    }

    /// What happens to referencing rows when the referenced row is deleted.
    ///
    /// ```
    /// # use knexrs_schema::{AlterTable, ForeignKeyAction, PostgresQueryBuilder};
    /// let mut t = AlterTable::new("token_jti");
    /// t.foreign("session_id").references("sessions.session_id").on_delete(ForeignKeyAction::SetNull);
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"ALTER TABLE "token_jti" ADD CONSTRAINT "token_jti_session_id_foreign" FOREIGN KEY ("session_id") REFERENCES "sessions" ("session_id") ON DELETE SET NULL"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn on_delete(&mut self, action: ForeignKeyAction) -> &mut Self {
        self.on_delete = Some(action);
        self
    }

    /// What happens to referencing rows when the referenced key changes.
    ///
    /// ```
    /// # use knexrs_schema::{AlterTable, ForeignKeyAction, PostgresQueryBuilder};
    /// let mut t = AlterTable::new("token_jti");
    /// t.foreign("session_id").references("sessions.session_id").on_update(ForeignKeyAction::Cascade);
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"ALTER TABLE "token_jti" ADD CONSTRAINT "token_jti_session_id_foreign" FOREIGN KEY ("session_id") REFERENCES "sessions" ("session_id") ON UPDATE CASCADE"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn on_update(&mut self, action: ForeignKeyAction) -> &mut Self {
        self.on_update = Some(action);
        self
    }

    /// Makes the constraint deferrable.
    ///
    /// ```
    /// # use knexrs_schema::{AlterTable, Deferrable, PostgresQueryBuilder};
    /// let mut t = AlterTable::new("token_jti");
    /// t.foreign("session_id").references("sessions.session_id").deferrable(Deferrable::Immediate);
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"ALTER TABLE "token_jti" ADD CONSTRAINT "token_jti_session_id_foreign" FOREIGN KEY ("session_id") REFERENCES "sessions" ("session_id") deferrable initially immediate"#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn deferrable(&mut self, deferrable: Deferrable) -> &mut Self {
        self.deferrable = Some(deferrable);
        self
    }

    /// Adds the constraint `NOT VALID`: existing rows are checked later by
    /// `validate_constraint`, so adding it does not scan the table under lock.
    ///
    /// ```
    /// # use knexrs_schema::{AlterTable, PostgresQueryBuilder};
    /// let mut t = AlterTable::new("token_jti");
    /// t.foreign("session_id").references("sessions.session_id").not_valid();
    /// t.validate_constraint("token_jti_session_id_foreign");
    /// assert_eq!(t.build(PostgresQueryBuilder)?, [
    ///     r#"ALTER TABLE "token_jti" ADD CONSTRAINT "token_jti_session_id_foreign" FOREIGN KEY ("session_id") REFERENCES "sessions" ("session_id") not valid"#,
    ///     r#"alter table "token_jti" validate constraint "token_jti_session_id_foreign""#,
    /// ]);
    /// # Ok::<(), knexrs_schema::SchemaError>(())
    /// ```
    pub fn not_valid(&mut self) -> &mut Self {
        self.not_valid = true;
        self
    }

    pub(crate) fn render(&self, ctx: &TableCtx<'_>) -> Result<String, SchemaError> {
        let columns = self.columns.join(", ");
        let Some((ref_schema, ref_table)) = &self.in_table else {
            return Err(SchemaError::Unsupported(format!(
                "foreign key on `{}`.({columns}) names no table: use references(\"table.column\") or .in_table(\"table\")",
                ctx.name
            )));
        };
        if self.references.is_empty() || self.references.len() != self.columns.len() {
            return Err(SchemaError::Unsupported(format!(
                "foreign key on `{}`.({columns}) references {} column(s) for {} column(s): name one referenced column per column",
                ctx.name,
                self.references.len(),
                self.columns.len()
            )));
        }
        for column in self.columns.iter().chain(&self.references) {
            check_identifier("column", column)?;
        }
        check_identifier("table", ref_table)?;
        let name = match &self.name {
            Some(name) => {
                check_identifier("foreign key", name)?;
                name.clone()
            }
            None => default_index_name(ctx.name, &self.columns, "foreign"),
        };
        let mut stmt = sea_query::ForeignKey::create();
        stmt.name(escaped_name(&name)).from_tbl(ctx.table_ref()).to_tbl(table_ref(ref_schema.as_deref(), ref_table));
        for column in &self.columns {
            stmt.from_col(iden(column));
        }
        for column in &self.references {
            stmt.to_col(iden(column));
        }
        if let Some(action) = self.on_delete {
            stmt.on_delete(action);
        }
        if let Some(action) = self.on_update {
            stmt.on_update(action);
        }
        // sea-query has no DEFERRABLE / NOT VALID; both are trailing clauses.
        let mut sql = stmt.to_string(PostgresQueryBuilder);
        if let Some(deferrable) = self.deferrable {
            sql.push_str(deferrable.sql());
        }
        if self.not_valid {
            sql.push_str(" not valid");
        }
        Ok(sql)
    }
}
