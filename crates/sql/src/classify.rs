//! What a statement is, from its leading keywords.

use crate::lexer::{Scanner, Token};

/// The unquoted words of `statement` (keywords and plain identifiers), in
/// order, skipping strings, quoted identifiers and comments.
///
/// ```
/// use knexrs_sql::words;
///
/// let found: Vec<&str> = words("/* x */ CREATE INDEX \"concurrently\" on t ('a')").collect();
/// assert_eq!(found, ["CREATE", "INDEX", "on", "t"]);
/// ```
pub fn words(statement: &str) -> impl Iterator<Item = &str> {
    let mut scanner = Scanner::new(statement);
    std::iter::from_fn(move || {
        loop {
            match scanner.next_token() {
                Ok(Some((Token::Word, from, to))) => return Some(&statement[from..to]),
                Ok(Some(_)) => continue,
                Ok(None) | Err(_) => return None,
            }
        }
    })
}

fn starts_with(statement: &str, prefix: &[&str]) -> bool {
    let mut found = words(statement);
    prefix.iter().all(|p| found.next().is_some_and(|w| w.eq_ignore_ascii_case(p)))
}

/// The transaction-control command `statement` is (`BEGIN`, `COMMIT`,
/// `ROLLBACK`, `SAVEPOINT`, …), or `None`. Such a statement inside a migration
/// would end or split the transaction the runner manages.
///
/// ```
/// use knexrs_sql::transaction_control;
///
/// assert_eq!(transaction_control("commit"), Some("COMMIT"));
/// assert_eq!(transaction_control("ROLLBACK TO SAVEPOINT a"), Some("ROLLBACK"));
/// assert_eq!(transaction_control("start transaction isolation level serializable"), Some("START TRANSACTION"));
/// assert_eq!(transaction_control("select 'commit'"), None);
/// assert_eq!(transaction_control("create table commit_log (id int)"), None);
/// ```
pub fn transaction_control(statement: &str) -> Option<&'static str> {
    let first = words(statement).next()?.to_ascii_lowercase();
    Some(match first.as_str() {
        "begin" => "BEGIN",
        "start" if starts_with(statement, &["start", "transaction"]) => "START TRANSACTION",
        "commit" => "COMMIT",
        "end" => "END",
        "rollback" => "ROLLBACK",
        "abort" => "ABORT",
        "savepoint" => "SAVEPOINT",
        "release" => "RELEASE SAVEPOINT",
        "prepare" if starts_with(statement, &["prepare", "transaction"]) => "PREPARE TRANSACTION",
        _ => return None,
    })
}

/// Whether PostgreSQL refuses to run `statement` inside a transaction block
/// (`create index concurrently`, `vacuum`, `create database`, …).
///
/// ```
/// use knexrs_sql::refuses_transaction;
///
/// assert!(refuses_transaction("CREATE UNIQUE INDEX CONCURRENTLY i ON t (c)"));
/// assert!(refuses_transaction("vacuum analyze t"));
/// assert!(!refuses_transaction("create index i on t (c)"));
/// assert!(!refuses_transaction("select 'concurrently'"));
/// ```
pub fn refuses_transaction(statement: &str) -> bool {
    let starts = |prefix: &[&str]| starts_with(statement, prefix);
    let concurrently = words(statement).any(|w| w.eq_ignore_ascii_case("concurrently"));
    (concurrently
        && (starts(&["create", "index"])
            || starts(&["create", "unique", "index"])
            || starts(&["drop", "index"])
            || starts(&["reindex"])
            || starts(&["refresh", "materialized", "view"])
            || starts(&["alter", "table"]) && words(statement).any(|w| w.eq_ignore_ascii_case("detach"))))
        || starts(&["vacuum"])
        || starts(&["create", "database"])
        || starts(&["drop", "database"])
        || starts(&["alter", "system"])
        || starts(&["create", "tablespace"])
        || starts(&["drop", "tablespace"])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transaction_control_is_recognised_after_comments_and_in_any_case() {
        for sql in [
            "-- c\nCOMMIT",
            "/* x */ end work",
            "Abort",
            "release a",
            "savepoint s",
            "begin isolation level serializable",
        ] {
            assert!(transaction_control(sql).is_some(), "{sql}");
        }
        for sql in ["do $$ begin commit; end $$", "select begin from t", "prepare q as select 1", "start_ts"] {
            assert_eq!(transaction_control(sql), None, "{sql}");
        }
    }

    #[test]
    fn statements_that_refuse_a_transaction_are_recognised() {
        for sql in [
            "create unique index concurrently i on t (c)",
            "DROP INDEX CONCURRENTLY IF EXISTS i",
            "reindex index concurrently i",
            "VACUUM ANALYZE t",
            "refresh materialized view concurrently v",
            "alter table t detach partition p concurrently",
            "/* leading comment */ vacuum",
        ] {
            assert!(refuses_transaction(sql), "{sql}");
        }
        for sql in [
            "create index i on t (c)",
            "select 'concurrently'",
            "update t set a = 1",
            "create index \"concurrently\" on t (c)",
        ] {
            assert!(!refuses_transaction(sql), "{sql}");
        }
    }
}
