//! `#[derive(FromRow)]` for [knexrs-query](https://docs.rs/knexrs-query): a
//! struct made from a row's columns, by name (named fields) or by position
//! (tuple structs). Use it through `knexrs_query::FromRow` (or
//! `knexrs::query::FromRow`), which re-exports it beside the trait.
//!
//! ```
//! use knexrs_query::FromRow;
//!
//! #[derive(FromRow)]
//! #[knexrs(rename_all = "camelCase")]
//! struct Session {
//!     session_id: String,            // the column "sessionId"
//!     #[knexrs(rename = "pod_ip")]
//!     ip: Option<String>,
//!     #[knexrs(default)]
//!     restarts: i32,                 // 0 when the select leaves the column out
//!     #[knexrs(try_from = "i64")]
//!     bytes_sent: u64,               // read as bigint and converted
//! }
//!
//! fn decoded_from_rows<R: FromRow>() {}
//! decoded_from_rows::<Session>();
//! ```
//!
//! Attributes: on the struct, `rename_all = "…"` (`snake_case`, `camelCase`,
//! `PascalCase`, `lowercase`, `UPPERCASE`, `SCREAMING_SNAKE_CASE`,
//! `kebab-case`) and `crate = "path"` (where knexrs-query is, when the
//! deriving crate renamed it); on a field, `rename = "column"`, `default`
//! and `try_from = "Type"`.

mod attributes;
mod case;
mod expand;

use proc_macro::TokenStream;

/// Implements `FromRow` for a struct: each named field from the column of
/// its name (see the crate documentation for the attributes), each field of a
/// tuple struct from the column at its position. A column missing from the
/// row or of another type is a `QueryError::Decode` naming it.
#[proc_macro_derive(FromRow, attributes(knexrs))]
pub fn derive_from_row(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    expand::from_row(&input).unwrap_or_else(syn::Error::into_compile_error).into()
}
