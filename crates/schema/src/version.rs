//! What a schema needs of the server's version: features older servers lack,
//! refused with the version they need before anything is sent.

use crate::SchemaError;
use crate::statement::SchemaStatement;
use crate::table::TableItem;
pub use knexrs_sql::ServerVersion;

/// A PostgreSQL feature the DSL can emit that not every supported server has.
///
/// ```
/// use knexrs_schema::Feature;
///
/// assert_eq!(Feature::NullsNotDistinct.since(), 15);
/// assert_eq!(Feature::VirtualGeneratedColumn.since(), 18);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Feature {
    /// `unique … nulls not distinct` (PostgreSQL 15).
    NullsNotDistinct,
    /// `generated always as (…) virtual` (PostgreSQL 18).
    VirtualGeneratedColumn,
}

impl Feature {
    /// The first major version that has it.
    ///
    /// ```
    /// assert_eq!(knexrs_schema::Feature::NullsNotDistinct.since(), 15);
    /// ```
    pub fn since(self) -> u32 {
        match self {
            Feature::NullsNotDistinct => 15,
            Feature::VirtualGeneratedColumn => 18,
        }
    }

    /// What to do on an older server.
    ///
    /// ```
    /// assert!(knexrs_schema::Feature::NullsNotDistinct.advice().contains("upgrade"));
    /// ```
    pub fn advice(self) -> &'static str {
        match self {
            Feature::NullsNotDistinct => {
                "leave nulls distinct (a partial unique index on the non-null rows), or upgrade the server"
            }
            Feature::VirtualGeneratedColumn => "use generated_stored, or upgrade the server",
        }
    }

    /// How the DSL spells it.
    ///
    /// ```
    /// assert_eq!(knexrs_schema::Feature::VirtualGeneratedColumn.name(), "generated_virtual");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Feature::NullsNotDistinct => "nulls_not_distinct",
            Feature::VirtualGeneratedColumn => "generated_virtual",
        }
    }
}

/// The features `statement` uses.
pub(crate) fn features_of(statement: &SchemaStatement, out: &mut Vec<Feature>) {
    let table = match statement {
        SchemaStatement::CreateTable(t) => (&t.columns, &t.items),
        SchemaStatement::AlterTable(t) => (&t.columns, &t.items),
        _ => return,
    };
    for column in table.0 {
        if column.generated.as_ref().is_some_and(|g| !g.stored) {
            out.push(Feature::VirtualGeneratedColumn);
        }
    }
    for item in table.1 {
        if item.nulls_not_distinct() {
            out.push(Feature::NullsNotDistinct);
        }
    }
}

/// Whether `statement` builds an index concurrently (`create index
/// concurrently`, `reindex … concurrently`), which corrupts indexes on
/// PostgreSQL 14.0 to 14.3.
pub(crate) fn builds_index_concurrently(statement: &SchemaStatement) -> bool {
    match statement {
        SchemaStatement::CreateTable(t) => t.items.iter().any(TableItem::creates_index_concurrently),
        SchemaStatement::AlterTable(t) => t.items.iter().any(TableItem::creates_index_concurrently),
        SchemaStatement::Raw(raw) => {
            let sql = raw.sql().to_ascii_lowercase();
            sql.contains("concurrently") && (sql.contains("create") && sql.contains("index") || sql.contains("reindex"))
        }
        _ => false,
    }
}

/// Refuses what `server` lacks: the first feature newer than it, or a
/// concurrent index build on 14.0 to 14.3.
pub(crate) fn check(statements: &[SchemaStatement], server: ServerVersion) -> Result<(), SchemaError> {
    let mut features = Vec::new();
    for statement in statements {
        features_of(statement, &mut features);
        if server.major == 14 && server.minor < 4 && builds_index_concurrently(statement) {
            return Err(SchemaError::UnsafeOnVersion {
                what: "building an index concurrently",
                server: server.to_string(),
                reason: "PostgreSQL 14.0 to 14.3 can corrupt indexes built concurrently: upgrade to 14.4 or later, or build the index without `concurrently`",
            });
        }
    }
    match features.into_iter().find(|f| f.since() > server.major) {
        Some(feature) => Err(SchemaError::NeedsVersion {
            feature: feature.name(),
            needs: feature.since(),
            server: server.to_string(),
            advice: feature.advice(),
        }),
        None => Ok(()),
    }
}
