//! The checksum of a migration's source: SHA-256 over its whitespace-separated
//! words, so re-indenting, trailing spaces and CRLF endings are not edits.

use sha2::{Digest, Sha256};

/// The checksum of `source`, in hex.
///
/// ```
/// use knexrs_migrate::checksum;
///
/// assert_eq!(checksum("fn up() {}\n"), checksum("fn  up()\r\n{}"));
/// assert_ne!(checksum("fn up() {}"), checksum("fn down() {}"));
/// ```
pub fn checksum(source: &str) -> String {
    let mut hasher = Sha256::new();
    for (i, word) in source.split_whitespace().enumerate() {
        if i > 0 {
            hasher.update(b" ");
        }
        hasher.update(word.as_bytes());
    }
    hasher.finalize().iter().map(|b| format!("{b:02x}")).collect()
}
