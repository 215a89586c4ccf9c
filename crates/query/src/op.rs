//! Comparison operators, as knex accepts them.

use crate::QueryError;

/// A comparison operator (knex's operator strings, checked).
///
/// ```
/// use knexrs_query::Op;
///
/// assert_eq!("not ilike".parse::<Op>().unwrap(), Op::NotILike);
/// assert_eq!("BeTween".parse::<Op>().unwrap(), Op::Between);
/// assert!("; drop table users".parse::<Op>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Op {
    /// `=`
    Eq,
    /// `<>`
    Ne,
    /// `!=`
    BangEq,
    /// `<`
    Lt,
    /// `<=`
    Lte,
    /// `>`
    Gt,
    /// `>=`
    Gte,
    /// `like`
    Like,
    /// `not like`
    NotLike,
    /// `ilike`
    ILike,
    /// `not ilike`
    NotILike,
    /// `similar to`
    SimilarTo,
    /// `not similar to`
    NotSimilarTo,
    /// `~` (regex match)
    Regex,
    /// `~*`
    IRegex,
    /// `!~`
    NotRegex,
    /// `!~*`
    NotIRegex,
    /// `@>` (contains)
    Contains,
    /// `<@` (is contained by)
    ContainedBy,
    /// `&&` (overlaps)
    Overlaps,
    /// `?` (jsonb: has key)
    HasKey,
    /// `?|` (jsonb: has any key)
    HasAnyKey,
    /// `?&` (jsonb: has all keys)
    HasAllKeys,
    /// `@@` (text search match)
    Matches,
    /// `in` (with a list or a subquery)
    In,
    /// `not in`
    NotIn,
    /// `between` (with two values)
    Between,
    /// `not between`
    NotBetween,
    /// `is`
    Is,
    /// `is not`
    IsNot,
    /// `||`
    Concat,
    /// `&` (bitwise and)
    BitAnd,
    /// `|` (bitwise or)
    BitOr,
    /// `#` (bitwise xor)
    BitXor,
    /// `^` (power)
    Power,
    /// `<<` (shift left; range/geometry: strictly left of)
    ShiftLeft,
    /// `>>` (shift right; range/geometry: strictly right of)
    ShiftRight,
    /// `~=` (geometry: same as)
    SameAs,
    /// `&<` (range/geometry: does not extend to the right of)
    NotExtendRight,
    /// `&>` (range/geometry: does not extend to the left of)
    NotExtendLeft,
    /// `-|-` (range: adjacent to)
    Adjacent,
}

/// Every operator, for parsing.
const ALL: [Op; 41] = [
    Op::Eq,
    Op::Ne,
    Op::BangEq,
    Op::Lt,
    Op::Lte,
    Op::Gt,
    Op::Gte,
    Op::Like,
    Op::NotLike,
    Op::ILike,
    Op::NotILike,
    Op::SimilarTo,
    Op::NotSimilarTo,
    Op::Regex,
    Op::IRegex,
    Op::NotRegex,
    Op::NotIRegex,
    Op::Contains,
    Op::ContainedBy,
    Op::Overlaps,
    Op::HasKey,
    Op::HasAnyKey,
    Op::HasAllKeys,
    Op::Matches,
    Op::In,
    Op::NotIn,
    Op::Between,
    Op::NotBetween,
    Op::Is,
    Op::IsNot,
    Op::Concat,
    Op::BitAnd,
    Op::BitOr,
    Op::BitXor,
    Op::Power,
    Op::ShiftLeft,
    Op::ShiftRight,
    Op::SameAs,
    Op::NotExtendRight,
    Op::NotExtendLeft,
    Op::Adjacent,
];

impl Op {
    /// The operator as it is written in SQL.
    ///
    /// ```
    /// use knexrs_query::Op;
    ///
    /// assert_eq!(Op::Contains.sql(), "@>");
    /// assert_eq!("NOT ILIKE".parse::<Op>().unwrap(), Op::NotILike);
    /// ```
    pub fn sql(self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::Ne => "<>",
            Op::BangEq => "!=",
            Op::Lt => "<",
            Op::Lte => "<=",
            Op::Gt => ">",
            Op::Gte => ">=",
            Op::Like => "like",
            Op::NotLike => "not like",
            Op::ILike => "ilike",
            Op::NotILike => "not ilike",
            Op::SimilarTo => "similar to",
            Op::NotSimilarTo => "not similar to",
            Op::Regex => "~",
            Op::IRegex => "~*",
            Op::NotRegex => "!~",
            Op::NotIRegex => "!~*",
            Op::Contains => "@>",
            Op::ContainedBy => "<@",
            Op::Overlaps => "&&",
            Op::HasKey => "?",
            Op::HasAnyKey => "?|",
            Op::HasAllKeys => "?&",
            Op::Matches => "@@",
            Op::In => "in",
            Op::NotIn => "not in",
            Op::Between => "between",
            Op::NotBetween => "not between",
            Op::Is => "is",
            Op::IsNot => "is not",
            Op::Concat => "||",
            Op::BitAnd => "&",
            Op::BitOr => "|",
            Op::BitXor => "#",
            Op::Power => "^",
            Op::ShiftLeft => "<<",
            Op::ShiftRight => ">>",
            Op::SameAs => "~=",
            Op::NotExtendRight => "&<",
            Op::NotExtendLeft => "&>",
            Op::Adjacent => "-|-",
        }
    }
}

impl std::str::FromStr for Op {
    type Err = QueryError;

    fn from_str(op: &str) -> Result<Self, Self::Err> {
        let lower = op.trim().to_ascii_lowercase();
        let parsed = ALL.into_iter().find(|candidate| candidate.sql() == lower);
        parsed.ok_or_else(|| QueryError::Build(crate::BuildError::UnknownOperator { operator: op.to_owned() }))
    }
}

/// An operator given as [`Op`] or as knex's string (checked when the query is built).
///
/// ```
/// # use knexrs_query::{Op, Select, Wheres, PostgresQueryBuilder};
/// let mut q = Select::from("users");
/// q.where_op("age", ">=", 18).where_op("settings", Op::Contains, serde_json::json!({ "beta": true }));
/// assert_eq!(
///     q.build(PostgresQueryBuilder)?.0,
///     r#"select * from "users" where "age" >= $1 and "settings" @> $2"#
/// );
///
/// let mut bad = Select::from("users");
/// bad.where_op("age", "=>", 18);
/// assert!(bad.build(PostgresQueryBuilder).unwrap_err().to_string().contains("`=>` is not an operator"));
/// # Ok::<(), knexrs_query::QueryError>(())
/// ```
pub trait IntoOp {
    /// The operator, or why the string is not one.
    ///
    /// ```
    /// use knexrs_query::{IntoOp, Op};
    ///
    /// assert_eq!("<>".into_op()?, Op::Ne);
    /// assert!("===".into_op().is_err());
    /// # Ok::<(), knexrs_query::QueryError>(())
    /// ```
    fn into_op(self) -> Result<Op, QueryError>;
}

impl IntoOp for Op {
    fn into_op(self) -> Result<Op, QueryError> {
        Ok(self)
    }
}

impl IntoOp for &str {
    fn into_op(self) -> Result<Op, QueryError> {
        self.parse()
    }
}
