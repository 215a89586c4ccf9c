//! Reading SQL text as PostgreSQL's own scanner does, far enough to know where
//! statements end: string constants (standard, `E'…'` escapes), quoted
//! identifiers, dollar quotes, `--` and nested `/* */` comments, parentheses,
//! and the `BEGIN ATOMIC … END` bodies of SQL-standard functions (psql's rule).

use std::fmt;

/// Why a text cannot be a complete SQL script.
///
/// ```
/// use knexrs_sql::{split_statements, LexError};
///
/// let err = split_statements("select 'unfinished").unwrap_err();
/// assert!(matches!(err, LexError::UnterminatedString { at: 7 }));
/// assert_eq!(err.to_string(), "a string constant opened at byte 7 is never closed");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LexError {
    /// A `'…'` string constant is never closed.
    UnterminatedString {
        /// Byte offset of its opening quote.
        at: usize,
    },
    /// A `"…"` quoted identifier is never closed.
    UnterminatedIdentifier {
        /// Byte offset of its opening quote.
        at: usize,
    },
    /// A `$tag$…$tag$` dollar-quoted string is never closed.
    UnterminatedDollarQuote {
        /// Byte offset of its opening tag.
        at: usize,
        /// The tag, with its dollars.
        tag: String,
    },
    /// A `/* … */` comment is never closed.
    UnterminatedComment {
        /// Byte offset of its opening `/*`.
        at: usize,
    },
}

impl fmt::Display for LexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LexError::UnterminatedString { at } => write!(f, "a string constant opened at byte {at} is never closed"),
            LexError::UnterminatedIdentifier { at } => {
                write!(f, "a quoted identifier opened at byte {at} is never closed")
            }
            LexError::UnterminatedDollarQuote { at, tag } => {
                write!(f, "a dollar-quoted string opened with {tag} at byte {at} is never closed")
            }
            LexError::UnterminatedComment { at } => write!(f, "a /* comment opened at byte {at} is never closed"),
        }
    }
}

impl std::error::Error for LexError {}

/// One statement of a script: its text (trimmed, without the `;` that ends
/// it) and where that text starts in the script.
///
/// ```
/// use knexrs_sql::split_statements;
///
/// let statements = split_statements("  select 1 ;\n select 2").unwrap();
/// assert_eq!(statements[1].text, "select 2");
/// assert_eq!(statements[1].start, 14);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Statement<'a> {
    /// The statement's text.
    pub text: &'a str,
    /// Its byte offset in the script.
    pub start: usize,
}

/// What the scanner found at one place of the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Token {
    /// A keyword or unquoted identifier.
    Word,
    /// A quoted identifier, string constant or dollar-quoted string.
    Quoted,
    /// A `--` comment (to the end of the line, or of the text).
    LineComment,
    /// A `/* */` comment.
    BlockComment,
    /// `;`
    Semicolon,
    /// `(`
    Open,
    /// `)`
    Close,
    /// Anything else: numbers, operators, parameters.
    Other,
}

/// Scans `text` token by token; whitespace is skipped.
pub(crate) struct Scanner<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Scanner<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        Scanner { text, pos: 0 }
    }

    fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    fn peek(&self, offset: usize) -> Option<u8> {
        self.bytes().get(self.pos + offset).copied()
    }

    /// The next token with its byte range, `None` at the end.
    pub(crate) fn next_token(&mut self) -> Result<Option<(Token, usize, usize)>, LexError> {
        while self.peek(0).is_some_and(|b| b.is_ascii_whitespace()) {
            self.pos += 1;
        }
        let start = self.pos;
        let Some(byte) = self.peek(0) else { return Ok(None) };
        let token = match byte {
            b'-' if self.peek(1) == Some(b'-') => {
                let rest = &self.bytes()[start..];
                self.pos += rest.iter().position(|b| *b == b'\n').unwrap_or(rest.len());
                Token::LineComment
            }
            b'/' if self.peek(1) == Some(b'*') => {
                self.block_comment(start)?;
                Token::BlockComment
            }
            b'\'' => {
                self.pos += 1;
                self.string(start, false)?;
                Token::Quoted
            }
            b'"' => {
                self.pos += 1;
                self.quoted_identifier(start)?;
                Token::Quoted
            }
            b'$' => {
                if let Some(tag_len) = self.dollar_tag() {
                    self.dollar_quoted(start, tag_len)?;
                    Token::Quoted
                } else {
                    // `$1` parameters and stray dollars.
                    self.pos += 1;
                    while self.peek(0).is_some_and(|b| b.is_ascii_digit()) {
                        self.pos += 1;
                    }
                    Token::Other
                }
            }
            b';' => {
                self.pos += 1;
                Token::Semicolon
            }
            b'(' => {
                self.pos += 1;
                Token::Open
            }
            b')' => {
                self.pos += 1;
                Token::Close
            }
            b if is_ident_start(b) => {
                self.pos += 1;
                while self.peek(0).is_some_and(is_ident_continue) {
                    self.pos += 1;
                }
                let word = &self.bytes()[start..self.pos];
                match (word, self.peek(0), self.peek(1)) {
                    // E'…': backslash escapes.
                    ([b'e' | b'E'], Some(b'\''), _) => {
                        self.pos += 1;
                        self.string(start, true)?;
                        Token::Quoted
                    }
                    // B'…', X'…', N'…': standard strings with a prefix.
                    ([b'b' | b'B' | b'x' | b'X' | b'n' | b'N'], Some(b'\''), _) => {
                        self.pos += 1;
                        self.string(start, false)?;
                        Token::Quoted
                    }
                    // U&'…' and U&"…".
                    ([b'u' | b'U'], Some(b'&'), Some(b'\'')) => {
                        self.pos += 2;
                        self.string(start, false)?;
                        Token::Quoted
                    }
                    ([b'u' | b'U'], Some(b'&'), Some(b'"')) => {
                        self.pos += 2;
                        self.quoted_identifier(start)?;
                        Token::Quoted
                    }
                    _ => Token::Word,
                }
            }
            _ => {
                // One character (whole, if it is not ASCII).
                self.pos += self.text[start..].chars().next().map_or(1, char::len_utf8);
                Token::Other
            }
        };
        Ok(Some((token, start, self.pos)))
    }

    fn block_comment(&mut self, start: usize) -> Result<(), LexError> {
        self.pos += 2;
        let mut depth = 1;
        while depth > 0 {
            match (self.peek(0), self.peek(1)) {
                (None, _) => return Err(LexError::UnterminatedComment { at: start }),
                (Some(b'/'), Some(b'*')) => {
                    depth += 1;
                    self.pos += 2;
                }
                (Some(b'*'), Some(b'/')) => {
                    depth -= 1;
                    self.pos += 2;
                }
                _ => self.pos += 1,
            }
        }
        Ok(())
    }

    /// After the opening quote: up to and including the closing one.
    fn string(&mut self, start: usize, backslash_escapes: bool) -> Result<(), LexError> {
        loop {
            match self.peek(0) {
                None => return Err(LexError::UnterminatedString { at: start }),
                Some(b'\\') if backslash_escapes => self.pos += 2,
                Some(b'\'') if self.peek(1) == Some(b'\'') => self.pos += 2,
                Some(b'\'') => {
                    self.pos += 1;
                    return Ok(());
                }
                Some(_) => self.pos += 1,
            }
        }
    }

    fn quoted_identifier(&mut self, start: usize) -> Result<(), LexError> {
        loop {
            match self.peek(0) {
                None => return Err(LexError::UnterminatedIdentifier { at: start }),
                Some(b'"') if self.peek(1) == Some(b'"') => self.pos += 2,
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(());
                }
                Some(_) => self.pos += 1,
            }
        }
    }

    /// The length of a `$tag$` opening at the current position, with both dollars.
    fn dollar_tag(&self) -> Option<usize> {
        let rest = &self.bytes()[self.pos + 1..];
        match rest.first() {
            Some(b'$') => Some(2),
            Some(b) if is_ident_start(*b) => {
                let len = rest.iter().position(|b| !is_ident_continue(*b) || *b == b'$')?;
                (rest.get(len) == Some(&b'$')).then_some(len + 2)
            }
            _ => None,
        }
    }

    fn dollar_quoted(&mut self, start: usize, tag_len: usize) -> Result<(), LexError> {
        let tag = &self.text[start..start + tag_len];
        self.pos += tag_len;
        match self.text[self.pos..].find(tag) {
            Some(offset) => {
                self.pos += offset + tag_len;
                Ok(())
            }
            None => Err(LexError::UnterminatedDollarQuote { at: start, tag: tag.to_owned() }),
        }
    }
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b >= 0x80
}

fn is_ident_continue(b: u8) -> bool {
    is_ident_start(b) || b.is_ascii_digit() || b == b'$'
}

/// Splits a script into its statements, as the server splits a simple query:
/// at each `;` outside strings, identifiers, comments, parentheses and
/// `BEGIN ATOMIC` bodies. Statements holding only comments are left out (the
/// server runs nothing for them). A string, identifier, dollar quote or
/// comment left open is an error.
///
/// ```
/// use knexrs_sql::split_statements;
///
/// let script = r#"
///     create function one() returns int language sql begin atomic select 1; end;
///     do $$ begin perform 1; end $$; -- a comment; not a statement
///     /* only a comment */;
///     insert into "t;x" values ('a;b')
/// "#;
/// let texts: Vec<&str> = split_statements(script).unwrap().iter().map(|s| s.text).collect();
/// assert_eq!(texts.len(), 3);
/// assert!(texts[0].ends_with("end"));
/// assert!(texts[1].starts_with("do $$"));
/// assert!(texts[2].starts_with("insert"));
/// ```
pub fn split_statements(script: &str) -> Result<Vec<Statement<'_>>, LexError> {
    let mut statements = Vec::new();
    let mut scanner = Scanner::new(script);
    let mut begin = BeginAtomic::default();
    let mut parens = 0usize;
    let mut start = 0;
    let mut has_content = false;
    while let Some((token, from, to)) = scanner.next_token()? {
        match token {
            Token::Semicolon if parens == 0 && begin.depth == 0 => {
                push_statement(script, start, from, has_content, &mut statements);
                start = to;
                has_content = false;
                begin = BeginAtomic::default();
                continue;
            }
            Token::Open => parens += 1,
            Token::Close => parens = parens.saturating_sub(1),
            Token::Word => begin.word(&script[from..to], parens),
            _ => {}
        }
        if !matches!(token, Token::LineComment | Token::BlockComment) {
            has_content = true;
        }
    }
    push_statement(script, start, script.len(), has_content, &mut statements);
    Ok(statements)
}

fn push_statement<'a>(script: &'a str, start: usize, end: usize, has_content: bool, out: &mut Vec<Statement<'a>>) {
    if has_content {
        let raw = &script[start..end];
        let text = raw.trim();
        out.push(Statement { text, start: start + (raw.len() - raw.trim_start().len()) });
    }
}

/// psql's heuristic for SQL-standard function bodies: in a statement that
/// starts `CREATE [OR REPLACE] FUNCTION|PROCEDURE`, `BEGIN` (and `CASE` inside
/// one) opens a block that `END` closes, and `;` inside a block does not end
/// the statement.
#[derive(Debug, Default)]
struct BeginAtomic {
    /// The first letters of the statement's first four words, where they are
    /// `create`, `or`, `replace`, `function` or `procedure` (0 elsewhere).
    leading: [u8; 4],
    words: usize,
    depth: usize,
}

impl BeginAtomic {
    fn word(&mut self, word: &str, parens: usize) {
        let lower = word.to_ascii_lowercase();
        if self.words < 4 && matches!(lower.as_str(), "create" | "or" | "replace" | "function" | "procedure") {
            self.leading[self.words] = lower.as_bytes()[0];
        }
        self.words += 1;
        let routine = matches!(self.leading, [b'c', b'f' | b'p', _, _] | [b'c', b'o', b'r', b'f' | b'p']);
        if !routine || parens > 0 {
            return;
        }
        match lower.as_str() {
            "begin" => self.depth += 1,
            "case" if self.depth >= 1 => self.depth += 1,
            "end" => self.depth = self.depth.saturating_sub(1),
            _ => {}
        }
    }
}

/// Whether appending `;` to `sql` would land inside a `--` comment that runs to
/// the end of the text.
///
/// ```
/// use knexrs_sql::ends_in_line_comment;
///
/// assert!(ends_in_line_comment("select 1 -- one"));
/// assert!(!ends_in_line_comment("select 1 -- one\n"));
/// assert!(!ends_in_line_comment("select '-- not a comment'"));
/// ```
pub fn ends_in_line_comment(sql: &str) -> bool {
    let mut scanner = Scanner::new(sql);
    let mut last = None;
    while let Ok(Some((token, _, end))) = scanner.next_token() {
        last = Some((token, end));
    }
    matches!(last, Some((Token::LineComment, end)) if end == sql.len())
}

/// `sql` with a statement terminator that stays outside any trailing `--`
/// comment (on a line of its own then), trailing `;` and blank space removed
/// first, so that joined statements stay the statements that were written.
///
/// ```
/// use knexrs_sql::terminate;
///
/// assert_eq!(terminate("select 1;  "), "select 1;");
/// assert_eq!(terminate("select 1 -- why"), "select 1 -- why\n;");
/// ```
pub fn terminate(sql: &str) -> String {
    let body = sql.trim_end().trim_end_matches(|c: char| c == ';' || c.is_whitespace());
    if ends_in_line_comment(body) { format!("{body}\n;") } else { format!("{body};") }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(script: &str) -> Vec<&str> {
        split_statements(script).unwrap().into_iter().map(|s| s.text).collect()
    }

    #[test]
    fn semicolons_inside_quotes_comments_and_parentheses_do_not_split() {
        assert_eq!(texts("select ';'; select \"a;b\""), ["select ';'", "select \"a;b\""]);
        assert_eq!(texts("select 'it''s; ok'; select 2"), ["select 'it''s; ok'", "select 2"]);
        assert_eq!(texts(r"select E'\'; still'; select 2"), [r"select E'\'; still'", "select 2"]);
        assert_eq!(
            texts("select /* a; /* nested; */ b; */ 1; select 2"),
            ["select /* a; /* nested; */ b; */ 1", "select 2"]
        );
        assert_eq!(texts("select $x$ a; $y$ b; $x$; select 2"), ["select $x$ a; $y$ b; $x$", "select 2"]);
        assert_eq!(texts("select $$;$$, $1; select 2"), ["select $$;$$, $1", "select 2"]);
        assert_eq!(
            texts("create rule r as on insert to t do (insert into u values (1); insert into u values (2))"),
            ["create rule r as on insert to t do (insert into u values (1); insert into u values (2))"]
        );
    }

    #[test]
    fn identifiers_with_dollars_are_not_dollar_quotes() {
        assert_eq!(texts("select a$b$c from t; select 2"), ["select a$b$c from t", "select 2"]);
    }

    #[test]
    fn begin_atomic_bodies_are_one_statement() {
        let script = "create or replace procedure p() language sql begin atomic insert into t values (1); \
                      select case when true then 1 else 2 end; end; select 3";
        let got = texts(script);
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(got[1], "select 3");
        // `begin` as transaction control is not a block.
        assert_eq!(texts("begin; select 1; commit"), ["begin", "select 1", "commit"]);
    }

    #[test]
    fn comment_only_statements_are_dropped_and_comments_stay_with_the_next_statement() {
        assert_eq!(texts("-- one\n;\n/* two */;select 1"), ["select 1"]);
        assert_eq!(texts("select 1; -- trailing"), ["select 1"]);
    }

    #[test]
    fn unterminated_constructs_are_errors() {
        assert!(matches!(split_statements("select 'a"), Err(LexError::UnterminatedString { at: 7 })));
        assert!(matches!(split_statements("select \"a"), Err(LexError::UnterminatedIdentifier { .. })));
        assert!(matches!(split_statements("select $q$ a"), Err(LexError::UnterminatedDollarQuote { .. })));
        assert!(matches!(split_statements("select /* a /* b */"), Err(LexError::UnterminatedComment { .. })));
    }

    #[test]
    fn terminators_never_land_in_a_comment() {
        assert_eq!(terminate("select 1 -- c"), "select 1 -- c\n;");
        assert_eq!(terminate("select 1 /* c */"), "select 1 /* c */;");
        assert_eq!(terminate("select '--'"), "select '--';");
        assert_eq!(terminate("select 1;\n\n"), "select 1;");
    }

    #[test]
    fn multibyte_text_is_scanned_whole() {
        assert_eq!(texts("select 'é;'; select ü from t"), ["select 'é;'", "select ü from t"]);
    }
}
