//! `rename_all`'s conventions, applied to a field's snake_case name.

/// A `rename_all` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Case {
    Snake,
    Camel,
    Pascal,
    Lower,
    Upper,
    ScreamingSnake,
    Kebab,
}

impl Case {
    /// The names `rename_all` takes (serde's spellings).
    pub(crate) const NAMES: [(&'static str, Case); 7] = [
        ("snake_case", Case::Snake),
        ("camelCase", Case::Camel),
        ("PascalCase", Case::Pascal),
        ("lowercase", Case::Lower),
        ("UPPERCASE", Case::Upper),
        ("SCREAMING_SNAKE_CASE", Case::ScreamingSnake),
        ("kebab-case", Case::Kebab),
    ];

    pub(crate) fn parse(name: &str) -> Option<Case> {
        Case::NAMES.iter().find(|(n, _)| *n == name).map(|(_, case)| *case)
    }

    /// `field` (a Rust field name, snake_case) in this convention.
    pub(crate) fn apply(self, field: &str) -> String {
        let words = field.split('_').filter(|w| !w.is_empty());
        match self {
            Case::Snake => field.to_owned(),
            Case::Lower => field.replace('_', ""),
            Case::Upper => field.replace('_', "").to_ascii_uppercase(),
            Case::ScreamingSnake => field.to_ascii_uppercase(),
            Case::Kebab => field.replace('_', "-"),
            Case::Pascal => words.map(capitalized).collect(),
            Case::Camel => words.enumerate().map(|(i, w)| if i == 0 { w.to_owned() } else { capitalized(w) }).collect(),
        }
    }
}

fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|first| first.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::Case;

    #[test]
    fn each_convention_renames_a_snake_case_field_as_serde_does() {
        let field = "owner_user_id";
        let renamed: Vec<String> = Case::NAMES.iter().map(|(_, case)| case.apply(field)).collect();
        assert_eq!(
            renamed,
            [
                "owner_user_id",
                "ownerUserId",
                "OwnerUserId",
                "owneruserid",
                "OWNERUSERID",
                "OWNER_USER_ID",
                "owner-user-id"
            ]
        );
        assert_eq!(Case::parse("camelCase"), Some(Case::Camel));
        assert_eq!(Case::parse("camelcase"), None);
    }
}
