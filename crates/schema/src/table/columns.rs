//! Column lists: one name or several, as knex accepts them.

/// One column name or several (`"email"`, `["org", "email"]`, a `Vec<String>`).
///
/// ```
/// use knexrs_schema::IntoColumns;
///
/// assert_eq!("email".into_columns(), vec!["email".to_string()]);
/// assert_eq!(["a", "b"].into_columns(), vec!["a".to_string(), "b".to_string()]);
/// ```
pub trait IntoColumns {
    /// The column names, in order.
    fn into_columns(self) -> Vec<String>;
}

impl IntoColumns for &str {
    fn into_columns(self) -> Vec<String> {
        vec![self.to_owned()]
    }
}

impl IntoColumns for String {
    fn into_columns(self) -> Vec<String> {
        vec![self]
    }
}

impl IntoColumns for &String {
    fn into_columns(self) -> Vec<String> {
        vec![self.clone()]
    }
}

impl<S: Into<String>, const N: usize> IntoColumns for [S; N] {
    fn into_columns(self) -> Vec<String> {
        self.into_iter().map(Into::into).collect()
    }
}

impl<S: Into<String>> IntoColumns for Vec<S> {
    fn into_columns(self) -> Vec<String> {
        self.into_iter().map(Into::into).collect()
    }
}

impl<S: Into<String> + Clone> IntoColumns for &[S] {
    fn into_columns(self) -> Vec<String> {
        self.iter().cloned().map(Into::into).collect()
    }
}
