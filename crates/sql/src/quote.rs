//! Quoting: the one place every knexrs crate quotes a name or a string literal.

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
    // Whole runs between quotes, not char by char: every statement quotes
    // several names, and this is on the path of every query a service runs.
    out.reserve(name.len() + 2);
    out.push('"');
    if name.as_bytes().contains(&b'"') {
        let mut runs = name.split('"');
        out.push_str(runs.next().unwrap_or_default());
        for run in runs {
            out.push_str("\"\"");
            out.push_str(run);
        }
    } else {
        out.push_str(name);
    }
    out.push('"');
}

/// `text` as a PostgreSQL string literal: in single quotes, with inner single
/// quotes doubled (with `standard_conforming_strings` on, as it is by default
/// since PostgreSQL 9.1, backslashes are ordinary characters).
///
/// ```
/// use knexrs_sql::quote_literal;
///
/// assert_eq!(quote_literal("tenant_a"), "'tenant_a'");
/// assert_eq!(quote_literal("it's"), "'it''s'");
/// ```
pub fn quote_literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

#[cfg(test)]
mod tests {
    use super::quote_ident;

    #[test]
    fn every_inner_quote_is_doubled_wherever_it_stands() {
        assert_eq!(quote_ident(""), r#""""#);
        assert_eq!(quote_ident(r#"""#), r#""""""#);
        assert_eq!(quote_ident(r#""a""b""#), r#""""a""""b""""#);
        assert_eq!(quote_ident("naïve\"é"), "\"naïve\"\"é\"");
    }
}
