//! Identifier rules: PostgreSQL's 63-byte limit and the default names knex derives.
//!
//! knex names indexes and constraints `<table>_<columns>_<suffix>` in lower case and
//! leaves long names to PostgreSQL, which silently cuts every identifier to 63 bytes
//! (at a character boundary). Names we derive are cut the same way, so a database
//! built by this crate carries exactly the names a knex-built one carries. Names a
//! user writes are checked instead: a long one is an error, never a silent cut.

use crate::SchemaError;

/// PostgreSQL's `NAMEDATALEN - 1`.
///
/// ```
/// use knexrs_schema::{CreateTable, MAX_IDENTIFIER_BYTES, PostgresQueryBuilder, SchemaError};
///
/// let mut t = CreateTable::new("x".repeat(MAX_IDENTIFIER_BYTES + 1));
/// t.text("c");
/// assert!(matches!(t.build(PostgresQueryBuilder), Err(SchemaError::IdentifierTooLong { len: 64, .. })));
/// ```
pub const MAX_IDENTIFIER_BYTES: usize = 63;

/// Checks a user-written identifier: not empty, at most 63 bytes.
pub(crate) fn check_identifier(what: &'static str, name: &str) -> Result<(), SchemaError> {
    if name.is_empty() {
        return Err(SchemaError::EmptyIdentifier { what });
    }
    if name.len() > MAX_IDENTIFIER_BYTES {
        return Err(SchemaError::IdentifierTooLong { what, name: name.to_owned(), len: name.len() });
    }
    Ok(())
}

/// Cuts a derived name the way PostgreSQL does: to at most 63 bytes, never
/// inside a multi-byte character.
///
/// ```
/// use knexrs_schema::truncate_identifier;
///
/// let long = format!("{}_index", "a".repeat(60));
/// assert_eq!(truncate_identifier(&long).len(), 63);
/// assert_eq!(truncate_identifier("users_email_unique"), "users_email_unique");
/// ```
pub fn truncate_identifier(name: &str) -> &str {
    if name.len() <= MAX_IDENTIFIER_BYTES {
        return name;
    }
    let mut end = MAX_IDENTIFIER_BYTES;
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    &name[..end]
}

/// The name knex gives an index or constraint it was not given a name for:
/// `<table>_<col1>_<col2>_<suffix>`, lower-cased, with `.` and `-` in the table
/// name turned into `_`, then cut to 63 bytes as PostgreSQL would.
///
/// ```
/// use knexrs_schema::default_index_name;
///
/// assert_eq!(default_index_name("users", &["email"], "unique"), "users_email_unique");
/// assert_eq!(default_index_name("Users", &["createdAt"], "index"), "users_createdat_index");
/// ```
pub fn default_index_name<S: AsRef<str>>(table: &str, columns: &[S], suffix: &str) -> String {
    let mut name = table.replace(['.', '-'], "_");
    name.push('_');
    for (i, column) in columns.iter().enumerate() {
        if i > 0 {
            name.push('_');
        }
        name.push_str(column.as_ref());
    }
    name.push('_');
    name.push_str(suffix);
    truncate_identifier(&name.to_lowercase()).to_owned()
}

/// knex's primary key name, `<table>_pkey` (not lower-cased, unlike the others).
///
/// ```
/// use knexrs_schema::default_primary_key_name;
///
/// assert_eq!(default_primary_key_name("Users"), "Users_pkey");
/// ```
pub fn default_primary_key_name(table: &str) -> String {
    truncate_identifier(&format!("{table}_pkey")).to_owned()
}

/// knex writes check constraint names unquoted, so PostgreSQL folds them to
/// lower case; we quote them, and fold them ourselves to keep the same names.
pub(crate) fn check_constraint_name(name: &str) -> String {
    truncate_identifier(&name.to_ascii_lowercase()).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_names_follow_knex() {
        assert_eq!(default_index_name("users", &["foo", "bar"], "index"), "users_foo_bar_index");
        assert_eq!(default_index_name("my.table-x", &["a"], "foreign"), "my_table_x_a_foreign");
        assert_eq!(default_primary_key_name("Users"), "Users_pkey");
    }

    #[test]
    fn long_derived_names_are_cut_like_postgres() {
        let table = "a".repeat(40);
        let name = default_index_name(&table, &["b".repeat(30)], "unique");
        assert_eq!(name.len(), 63);
        assert!(name.starts_with(&table));
    }

    #[test]
    fn truncation_never_splits_a_character() {
        let name = format!("{}é", "x".repeat(62));
        assert_eq!(truncate_identifier(&name), "x".repeat(62));
    }

    #[test]
    fn user_identifiers_over_63_bytes_are_rejected() {
        assert!(check_identifier("table", &"t".repeat(63)).is_ok());
        let err = check_identifier("table", &"t".repeat(64)).unwrap_err();
        assert!(err.to_string().contains("64 bytes"));
        assert!(matches!(check_identifier("column", ""), Err(SchemaError::EmptyIdentifier { .. })));
    }
}
