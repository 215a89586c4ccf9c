//! A small, stable, non-cryptographic hash for names and keys.

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
