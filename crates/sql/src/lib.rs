//! SQL text helpers shared by every knexrs crate: identifier quoting, a
//! stable hash, and a lexer that reads PostgreSQL scripts the way the server
//! does (strings, quoted identifiers, dollar quotes, nested comments,
//! `BEGIN ATOMIC` bodies), so that a script can be split into statements and
//! each statement classified without a parser.
//!
//! ```
//! use knexrs_sql::{quote_ident, split_statements, transaction_control};
//!
//! assert_eq!(quote_ident(r#"my "table""#), r#""my ""table""""#);
//! let script = "create table t (a text default ';'); commit -- done";
//! let statements = split_statements(script).unwrap();
//! assert_eq!(statements.len(), 2);
//! assert_eq!(transaction_control(statements[1].text), Some("COMMIT"));
//! ```

#![warn(missing_docs)]

mod classify;
mod hash;
mod inline;
mod lexer;
mod quote;
mod version;

pub use classify::{refuses_transaction, transaction_control, words};
pub use hash::{checksum, fnv1a64};
pub use inline::InlineSql;
pub use lexer::{LexError, Statement, ends_in_line_comment, split_statements, terminate};
pub use quote::{push_quoted_ident, quote_ident, quote_literal};
pub use version::ServerVersion;
