//! The binary format of `COPY … TO STDOUT (format binary)`, split into
//! borrowed fields. `status` reads `knex_migrations` this way: like the text
//! format, `COPY` of a table is not planned (see `copy_text`), and in binary
//! the ids and times arrive as the numbers the usual `SELECT` reads, with no
//! date style to parse.

/// What every binary `COPY` starts with.
const SIGNATURE: &[u8] = b"PGCOPY\n\xff\r\n\0";

/// The header flag saying each row carries an OID first (never asked for here).
const HAS_OIDS: u32 = 1 << 16;

/// Splits `raw` into its rows' fields, `columns` per row, in order (`None`
/// for NULL); `None` when it is not that (another width, a cut-off row, bytes
/// after the trailer), which a caller treats as "read it another way".
pub(crate) fn decode(raw: &[u8], columns: usize) -> Option<Vec<Option<&[u8]>>> {
    let mut rest = raw.strip_prefix(SIGNATURE)?;
    let flags = u32::from_be_bytes(take(&mut rest)?);
    if flags & HAS_OIDS != 0 {
        return None;
    }
    let extension = usize::try_from(u32::from_be_bytes(take(&mut rest)?)).ok()?;
    rest = rest.get(extension..)?;
    let mut fields = Vec::new();
    loop {
        match i16::from_be_bytes(take(&mut rest)?) {
            // The trailer ends the data.
            -1 => return rest.is_empty().then_some(fields),
            count if usize::try_from(count).ok() == Some(columns) => {}
            _ => return None,
        }
        for _ in 0..columns {
            let length = i32::from_be_bytes(take(&mut rest)?);
            if length == -1 {
                fields.push(None);
                continue;
            }
            let (field, after) = rest.split_at_checked(usize::try_from(length).ok()?)?;
            fields.push(Some(field));
            rest = after;
        }
    }
}

/// The next `N` bytes of `rest`, taken off it.
fn take<const N: usize>(rest: &mut &[u8]) -> Option<[u8; N]> {
    let (head, tail) = rest.split_first_chunk::<N>()?;
    *rest = tail;
    Some(*head)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a test fails by panicking")]
mod tests {
    use super::*;

    /// A binary COPY of `rows`, as the server writes it.
    fn copy(rows: &[&[Option<&[u8]>]]) -> Vec<u8> {
        let mut raw = SIGNATURE.to_vec();
        raw.extend_from_slice(&0u32.to_be_bytes());
        raw.extend_from_slice(&0u32.to_be_bytes());
        for row in rows {
            raw.extend_from_slice(&i16::try_from(row.len()).unwrap().to_be_bytes());
            for field in *row {
                match field {
                    Some(bytes) => {
                        raw.extend_from_slice(&i32::try_from(bytes.len()).unwrap().to_be_bytes());
                        raw.extend_from_slice(bytes);
                    }
                    None => raw.extend_from_slice(&(-1i32).to_be_bytes()),
                }
            }
        }
        raw.extend_from_slice(&(-1i16).to_be_bytes());
        raw
    }

    #[test]
    fn rows_come_back_as_their_fields_in_order_with_null_as_none() {
        let one = 1i32.to_be_bytes();
        let raw = copy(&[&[Some(&one), Some(b"20250101000000_a.js"), None], &[Some(&one), Some(b""), Some(b"x")]]);
        assert_eq!(
            decode(&raw, 3).unwrap(),
            [Some(&one[..]), Some(&b"20250101000000_a.js"[..]), None, Some(&one[..]), Some(&b""[..]), Some(&b"x"[..])]
        );
        assert!(decode(&copy(&[]), 4).unwrap().is_empty(), "an empty table is no rows");
    }

    #[test]
    fn a_header_extension_is_skipped() {
        let mut raw = SIGNATURE.to_vec();
        raw.extend_from_slice(&0u32.to_be_bytes());
        raw.extend_from_slice(&3u32.to_be_bytes());
        raw.extend_from_slice(b"ext");
        raw.extend_from_slice(&copy(&[&[Some(b"a")]])[SIGNATURE.len() + 8..]);
        assert_eq!(decode(&raw, 1).unwrap(), [Some(&b"a"[..])]);
    }

    #[test]
    fn anything_else_is_refused_so_the_caller_reads_another_way() {
        let raw = copy(&[&[Some(b"a"), Some(b"b")]]);
        assert!(decode(&raw, 3).is_none(), "a row of another width");
        assert!(decode(&raw[..raw.len() - 2], 2).is_none(), "no trailer");
        assert!(decode(&raw[..raw.len() - 5], 2).is_none(), "a field cut off");
        assert!(decode(&[raw.as_slice(), b"x"].concat(), 2).is_none(), "bytes after the trailer");
        assert!(decode(b"a\tb\n", 2).is_none(), "the text format");
        let mut oids = raw.clone();
        oids[SIGNATURE.len()..SIGNATURE.len() + 4].copy_from_slice(&HAS_OIDS.to_be_bytes());
        assert!(decode(&oids, 2).is_none(), "rows carrying OIDs");
    }
}
