//! The text format of `COPY … TO STDOUT`, decoded once into one buffer whose
//! fields are borrowed. A no-op `latest` reads the bookkeeping with `COPY`
//! rather than `SELECT`: `COPY` of a table is not planned, so a fresh server
//! process does not load the table's indexes into its caches, which cost it
//! more than the rows themselves (BENCHMARKS.md, "No-op `latest` read with `COPY`").

use std::ops::Range;

/// Rows of `COPY … TO STDOUT` (text format), every field unescaped into one
/// buffer.
#[derive(Debug)]
pub(crate) struct CopyText {
    text: String,
    /// `columns` entries per row: a field's place in `text`, `None` for NULL.
    fields: Vec<Option<Range<usize>>>,
    columns: usize,
}

impl CopyText {
    /// Decodes `raw`, rows of `columns` tab-separated fields; `None` when it
    /// is not that (a row with another number of fields, a stray escape, not
    /// UTF-8), which a caller treats as "read it another way".
    pub(crate) fn decode(raw: &[u8], columns: usize) -> Option<Self> {
        let mut text = Vec::with_capacity(raw.len());
        let mut fields = Vec::with_capacity(columns * memchr::memchr_iter(b'\n', raw).count());
        let (mut start, mut in_row) = (0, 0);
        // One pass over the bytes, from one tab or newline to the next.
        for end in memchr::memchr2_iter(b'\t', b'\n', raw) {
            push_field(&raw[start..end], &mut text, &mut fields)?;
            in_row += 1;
            if raw[end] == b'\n' {
                if in_row != columns {
                    return None;
                }
                in_row = 0;
            }
            start = end + 1;
        }
        // COPY ends every row with a newline: anything after the last one is a cut-off row.
        if start != raw.len() || in_row != 0 {
            return None;
        }
        Some(CopyText { text: String::from_utf8(text).ok()?, fields, columns })
    }

    /// The rows, each `columns` fields.
    pub(crate) fn rows(&self) -> impl Iterator<Item = Row<'_>> {
        self.fields.chunks(self.columns.max(1)).map(|fields| Row { text: &self.text, fields })
    }
}

/// One row of a [`CopyText`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Row<'a> {
    text: &'a str,
    fields: &'a [Option<Range<usize>>],
}

impl<'a> Row<'a> {
    /// Field `i`, `None` for NULL (or past the row's end).
    pub(crate) fn get(&self, i: usize) -> Option<&'a str> {
        // Ranges come from `decode`, at character boundaries: each ends where an unescaped field ends.
        self.fields.get(i)?.clone().and_then(|range| self.text.get(range))
    }
}

/// Appends `field` to `text` (escapes undone) and its place to `fields`
/// (`None` for COPY's NULL, `\N`).
fn push_field(field: &[u8], text: &mut Vec<u8>, fields: &mut Vec<Option<Range<usize>>>) -> Option<()> {
    if field == b"\\N" {
        fields.push(None);
        return Some(());
    }
    let start = text.len();
    // Names and checksums hold no escape: copied whole, not byte by byte.
    if memchr::memchr(b'\\', field).is_some() {
        unescape(field, text)?;
    } else {
        text.extend_from_slice(field);
    }
    fields.push(Some(start..text.len()));
    Some(())
}

/// Appends `field` to `out` with COPY's backslash escapes undone; `None` for
/// an escape COPY does not write (a trailing backslash, an octal or hex
/// escape without digits).
fn unescape(field: &[u8], out: &mut Vec<u8>) -> Option<()> {
    let mut bytes = field.iter().copied().peekable();
    while let Some(b) = bytes.next() {
        if b != b'\\' {
            out.push(b);
            continue;
        }
        let escaped = bytes.next()?;
        out.push(match escaped {
            b'b' => 0x08,
            b'f' => 0x0c,
            b'n' => b'\n',
            b'r' => b'\r',
            b't' => b'\t',
            b'v' => 0x0b,
            b'0'..=b'7' => {
                let mut value = u32::from(escaped - b'0');
                for _ in 0..2 {
                    match bytes.peek() {
                        Some(&d @ b'0'..=b'7') => {
                            value = value * 8 + u32::from(d - b'0');
                            bytes.next();
                        }
                        _ => break,
                    }
                }
                u8::try_from(value & 0xff).ok()?
            }
            b'x' => {
                let mut value = 0u32;
                let mut digits = 0;
                while digits < 2 {
                    match bytes.peek().and_then(|&d| char::from(d).to_digit(16)) {
                        Some(d) => {
                            value = value * 16 + d;
                            bytes.next();
                            digits += 1;
                        }
                        None => break,
                    }
                }
                if digits == 0 {
                    return None;
                }
                u8::try_from(value).ok()?
            }
            // Any other escaped character stands for itself (`\\` is a backslash).
            other => other,
        });
    }
    Some(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a test fails by panicking")]
mod tests {
    use super::*;

    fn rows(raw: &[u8], columns: usize) -> Vec<Vec<Option<String>>> {
        let copy = CopyText::decode(raw, columns).unwrap();
        copy.rows().map(|row| (0..columns).map(|i| row.get(i).map(str::to_owned)).collect()).collect()
    }

    #[test]
    fn rows_split_at_newlines_and_fields_at_tabs_with_null_as_backslash_n() {
        assert_eq!(
            rows(b"20250101000000_a.js\t1\n20250101000001_b\t\\N\n", 2),
            [
                vec![Some("20250101000000_a.js".to_owned()), Some("1".to_owned())],
                vec![Some("20250101000001_b".to_owned()), None],
            ]
        );
        assert_eq!(
            rows(b"plain\tesc\\tape\tplain again\n", 3),
            [vec![Some("plain".to_owned()), Some("esc\tape".to_owned()), Some("plain again".to_owned())]],
            "fields with and without escapes side by side"
        );
        assert!(rows(b"", 3).is_empty(), "an empty table is no rows");
        assert_eq!(rows(b"\n", 1), [vec![Some(String::new())]], "an empty line is a row of one empty string");
        assert_eq!(rows(b"\t\n", 2), [vec![Some(String::new()), Some(String::new())]], "empty strings are not NULL");
    }

    #[test]
    fn every_escape_copy_writes_is_undone() {
        let raw = b"tab\\there\\nnew\\\\slash\\r\\b\\f\\v\\101\\x42\\N\\q\n";
        assert_eq!(rows(raw, 1), [vec![Some("tab\there\nnew\\slash\r\u{8}\u{c}\u{b}ABNq".to_owned())]]);
        assert_eq!(rows("ünï\\303\\251\n".as_bytes(), 1), [vec![Some("ünïé".to_owned())]], "octal bytes make UTF-8");
    }

    #[test]
    fn anything_else_is_refused_so_the_caller_reads_another_way() {
        assert!(CopyText::decode(b"one\ttwo\n", 1).is_none(), "a row of another width");
        assert!(CopyText::decode(b"one\ttwo", 2).is_none(), "a row cut off before its newline");
        assert!(CopyText::decode(b"trailing\\\n", 1).is_none(), "a backslash ending a field");
        assert!(CopyText::decode(b"\\xZZ\n", 1).is_none(), "a hex escape without digits");
        assert!(CopyText::decode(b"\\377\n", 1).is_none(), "bytes that are not UTF-8");
    }
}
