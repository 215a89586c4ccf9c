//! Hashes with one home: FNV-1a for names and keys, and the SHA-256
//! checksum of a migration's source (computed by `knexrs-embed` at build
//! time and by `knexrs-migrate` at run time: the two must agree).

/// 64-bit FNV-1a of `bytes`: stable across processes, platforms and Rust
/// versions (unlike `std`'s hashers), for advisory-lock keys and derived names.
///
/// ```
/// use knexrs_sql::fnv1a64;
///
/// assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
/// assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
/// ```
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |hash, b| (hash ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
}

/// The checksum of a migration's `source`, in lowercase hex: SHA-256 over its
/// whitespace-separated words joined by one space, so re-indenting, trailing
/// spaces and CRLF endings are not edits.
///
/// ```
/// use knexrs_sql::checksum;
///
/// assert_eq!(checksum("fn up() {}\n"), checksum("fn  up()\r\n{}"));
/// assert_ne!(checksum("fn up() {}"), checksum("fn down() {}"));
/// assert_eq!(checksum(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
/// ```
pub fn checksum(source: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    for (i, word) in source.split_whitespace().enumerate() {
        if i > 0 {
            hasher.update(b" ");
        }
        hasher.update(word.as_bytes());
    }
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(64);
    for byte in hasher.finalize() {
        out.push(char::from(HEX[usize::from(byte >> 4)]));
        out.push(char::from(HEX[usize::from(byte & 0x0f)]));
    }
    out
}
