//! The password file libpq and node-postgres (so knex) read when a connection
//! gives no password: `PGPASSFILE`, else `~/.pgpass`, lines of
//! `hostname:port:database:username:password` where `*` matches anything and
//! `\:` / `\\` stand for `:` / `\`; the first line that matches wins. As libpq
//! does, a file that its group or others can read is not used (the caller
//! says so when the server then asks for a password).

use std::path::{Path, PathBuf};

/// What looking a password up found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Lookup {
    /// The first matching line's password.
    Found(String),
    /// No file, or no line for this connection.
    NotFound,
    /// A file that its group or others can read, not used.
    TooOpen(PathBuf),
}

/// The connection a password is looked up for. `host` is `localhost` for a
/// Unix-domain socket (as libpq matches it); `database` is the user's name
/// when the connection names none.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Wanted<'a> {
    pub(crate) host: &'a str,
    pub(crate) port: u16,
    pub(crate) database: &'a str,
    pub(crate) user: &'a str,
}

/// Where the password file is: `PGPASSFILE`, else `.pgpass` in `HOME`.
pub(crate) fn path(var: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    var("PGPASSFILE").map(PathBuf::from).or_else(|| var("HOME").map(|home| Path::new(&home).join(".pgpass")))
}

/// The password for `wanted` in the file at `path`.
pub(crate) fn lookup(path: &Path, wanted: Wanted<'_>) -> Lookup {
    let Ok(metadata) = std::fs::metadata(path) else { return Lookup::NotFound };
    if !metadata.is_file() {
        return Lookup::NotFound;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if metadata.permissions().mode() & 0o077 != 0 {
            return Lookup::TooOpen(path.to_path_buf());
        }
    }
    match std::fs::read_to_string(path) {
        Ok(text) => find(&text, wanted).map_or(Lookup::NotFound, Lookup::Found),
        Err(_) => Lookup::NotFound,
    }
}

/// The first line of `text` matching `wanted`.
fn find(text: &str, wanted: Wanted<'_>) -> Option<String> {
    let port = wanted.port.to_string();
    text.lines().filter(|line| !line.trim().is_empty() && !line.starts_with('#')).find_map(|line| {
        // As libpq: fields after the password are ignored.
        let fields = split(line);
        let [host, line_port, database, user, password, ..] = fields.as_slice() else { return None };
        let matches = |field: &str, value: &str| field == "*" || field == value;
        (matches(host, wanted.host)
            && matches(line_port, &port)
            && matches(database, wanted.database)
            && matches(user, wanted.user))
        .then(|| password.clone())
    })
}

/// A line's fields: split at unescaped colons, escapes undone.
fn split(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => field.extend(chars.next()),
            ':' => fields.push(std::mem::take(&mut field)),
            c => field.push(c),
        }
    }
    fields.push(field);
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    const WANTED: Wanted<'static> = Wanted { host: "db.internal", port: 5432, database: "cliscale", user: "app" };

    #[test]
    fn the_first_matching_line_wins_and_stars_match_anything() {
        let text = "# comment\n\nother:5432:cliscale:app:no\ndb.internal:*:cliscale:app:first\n*:*:*:*:fallback\n";
        assert_eq!(find(text, WANTED).as_deref(), Some("first"));
        let elsewhere = Wanted { host: "db2", ..WANTED };
        assert_eq!(find(text, elsewhere).as_deref(), Some("fallback"));
        assert_eq!(find("db.internal:5433:cliscale:app:x\n", WANTED), None);
    }

    #[test]
    fn escaped_colons_and_backslashes_are_part_of_the_fields() {
        let text = r"db.internal:5432:cliscale:app:pa\:ss\\word";
        assert_eq!(find(text, WANTED).as_deref(), Some(r"pa:ss\word"));
        let socket = Wanted { host: "localhost", ..WANTED };
        assert_eq!(
            find(r"localhost:5432:*:app:a:b", socket).as_deref(),
            Some("a"),
            "as libpq: an unescaped colon ends it"
        );
        assert_eq!(find("db.internal:5432:cliscale:app\n", WANTED), None, "a line without a password is skipped");
    }

    #[test]
    #[cfg(unix)]
    fn a_file_others_can_read_is_not_used_and_a_missing_one_finds_nothing() {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("knexrs-pgpass-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("pgpass");
        std::fs::write(&file, "*:*:*:*:secret\n").unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(lookup(&file, WANTED), Lookup::Found("secret".to_owned()));
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert_eq!(lookup(&file, WANTED), Lookup::TooOpen(file.clone()));
        assert_eq!(lookup(&dir.join("missing"), WANTED), Lookup::NotFound);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn pgpassfile_wins_over_the_home_directory() {
        let vars = |name: &str| match name {
            "PGPASSFILE" => Some("/etc/app/pgpass".to_owned()),
            "HOME" => Some("/home/app".to_owned()),
            _ => None,
        };
        assert_eq!(path(&vars), Some(PathBuf::from("/etc/app/pgpass")));
        let home = |name: &str| (name == "HOME").then(|| "/home/app".to_owned());
        assert_eq!(path(&home), Some(PathBuf::from("/home/app/.pgpass")));
        assert_eq!(path(&|_| None), None);
    }
}
