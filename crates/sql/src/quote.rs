//! Identifier quoting: the one place every knexrs crate quotes a name.

/// `name` as a PostgreSQL quoted identifier: in double quotes, with inner
/// double quotes doubled.
///
/// ```
/// use knexrs_sql::quote_ident;
///
/// assert_eq!(quote_ident("sessions"), r#""sessions""#);
/// assert_eq!(quote_ident(r#"a"b"#), r#""a""b""#);
/// ```
pub fn quote_ident(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 2);
    push_quoted_ident(&mut out, name);
    out
}

/// Appends `name` to `out` as a quoted identifier (no allocation of its own).
///
/// ```
/// use knexrs_sql::push_quoted_ident;
///
/// let mut sql = String::from("select * from ");
/// push_quoted_ident(&mut sql, "token_jti");
/// assert_eq!(sql, r#"select * from "token_jti""#);
/// ```
pub fn push_quoted_ident(out: &mut String, name: &str) {
    out.push('"');
    for c in name.chars() {
        if c == '"' {
            out.push('"');
        }
        out.push(c);
    }
    out.push('"');
}
