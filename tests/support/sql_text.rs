//! Comparing SQL "up to keyword case and whitespace": tokens outside quoted
//! identifiers and string literals are compared case-insensitively, whitespace
//! is only a separator, and knex's `?` placeholders read as `$1..$n`.

/// Normalizes `sql` for comparison. With `knex_placeholders`, each unescaped `?`
/// becomes `$1`, `$2`, … and `\?` (knex's escape for jsonb operators) becomes `?`.
pub fn normalize_sql(sql: &str, knex_placeholders: bool) -> String {
    if knex_placeholders {
        return normalize_sql(&knex_to_native(sql), false);
    }
    let chars: Vec<char> = sql.chars().collect();
    let mut tokens: Vec<String> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        // Quoted identifiers and string literals (E'..' included) stay as they are.
        if c == '"' || c == '\'' || ((c == 'E' || c == 'e') && chars.get(i + 1) == Some(&'\'')) {
            let start = i;
            let quote = if c == '"' { '"' } else { '\'' };
            let escapes = c == 'E' || c == 'e';
            i += if escapes { 2 } else { 1 };
            while i < chars.len() {
                if escapes && chars[i] == '\\' {
                    i += 2;
                    continue;
                }
                if chars[i] == quote {
                    if chars.get(i + 1) == Some(&quote) {
                        i += 2;
                        continue;
                    }
                    i += 1;
                    break;
                }
                i += 1;
            }
            tokens.push(chars[start..i.min(chars.len())].iter().collect());
            continue;
        }
        if c.is_alphanumeric() || c == '_' || c == '$' {
            let start = i;
            while i < chars.len()
                && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '$' || chars[i] == '.')
            {
                i += 1;
            }
            tokens.push(chars[start..i].iter().collect::<String>().to_lowercase());
            continue;
        }
        // Punctuation and operators: one token per run of operator characters.
        let start = i;
        if "(),;".contains(c) {
            i += 1;
        } else {
            while i < chars.len()
                && !chars[i].is_whitespace()
                && !chars[i].is_alphanumeric()
                && !"\"'(),;_$".contains(chars[i])
            {
                i += 1;
            }
            if i == start {
                i += 1;
            }
        }
        tokens.push(chars[start..i].iter().collect());
    }
    tokens.join(" ")
}

/// knex's `?` placeholders as `$1..$n`, and its `\?` escapes as `?`; quoted text is left alone.
fn knex_to_native(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut placeholder = 0;
    let mut quote: Option<char> = None;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => {
                quote = None;
                out.push(c);
            }
            (Some(_), c) => out.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                out.push(c);
            }
            (None, '\\') if chars.peek() == Some(&'?') => {
                chars.next();
                out.push('?');
            }
            (None, '?') => {
                placeholder += 1;
                out.push_str(&format!("${placeholder}"));
            }
            (None, c) => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyword_case_and_spacing_do_not_matter_but_quoted_text_does() {
        assert_eq!(
            normalize_sql(r#"CREATE TABLE "t" ( "Id" serial PRIMARY KEY )"#, false),
            normalize_sql(r#"create table "t" ("Id" serial primary key)"#, false)
        );
        assert_ne!(normalize_sql(r#"select "A""#, false), normalize_sql(r#"select "a""#, false));
        assert_ne!(normalize_sql("select 'A'", false), normalize_sql("select 'a'", false));
    }

    #[test]
    fn knex_placeholders_become_numbered() {
        assert_eq!(
            normalize_sql(r#"select * from "users" where "id" = ? and "x" \? ?"#, true),
            normalize_sql(r#"SELECT * FROM "users" WHERE "id" = $1 AND "x" ? $2"#, false)
        );
        assert_eq!(normalize_sql(r#"where "id" \?| ?"#, true), normalize_sql(r#"where "id" ?| $1"#, false));
    }
}
