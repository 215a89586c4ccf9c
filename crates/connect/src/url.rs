//! Reading connection URLs: the TLS parameters we handle ourselves, and the
//! user-info part, which must be unambiguous before anything is parsed (a
//! wrong split would print part of a password as a host name).

use crate::{ConnectError, Setting};

/// Takes `sslmode` / `sslrootcert` out of a URL or key=value string: the driver
/// knows only disable/prefer/require, we handle the verify modes ourselves.
pub(crate) fn split_ssl_params(conn: &str) -> (String, Vec<(String, String)>) {
    let is_ssl = |key: &str| matches!(key, "sslmode" | "sslrootcert" | "sslcert" | "sslkey");
    let mut ssl = Vec::new();
    if conn.starts_with("postgres://") || conn.starts_with("postgresql://") {
        let Some((base, query)) = conn.split_once('?') else {
            return (conn.to_owned(), ssl);
        };
        let mut kept = Vec::new();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            if is_ssl(key) {
                ssl.push((key.to_owned(), percent_decode(value)));
            } else {
                kept.push(pair);
            }
        }
        let rest = if kept.is_empty() { base.to_owned() } else { format!("{base}?{}", kept.join("&")) };
        return (rest, ssl);
    }
    let mut kept = Vec::new();
    for token in conn.split_whitespace() {
        match token.split_once('=') {
            Some((key, value)) if is_ssl(key.trim()) => {
                ssl.push((key.trim().to_owned(), value.trim_matches('\'').to_owned()));
            }
            _ => kept.push(token),
        }
    }
    (kept.join(" "), ssl)
}

fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text).decode_utf8_lossy().into_owned()
}

/// Refuses a URL whose user name or password holds an unencoded `@`, `/`,
/// `?` or `#`: such a URL can be read in more than one way, and reading it
/// wrongly puts part of the password where errors print it. The message names
/// no part of the URL.
pub(crate) fn check_userinfo(url: &str) -> Result<(), ConnectError> {
    let Some((_, rest)) = url.split_once("://") else { return Ok(()) };
    let Some(at) = rest.find('@') else { return Ok(()) };
    let (userinfo, after) = (&rest[..at], &rest[at + 1..]);
    let host_end = after.find(['/', '?']).unwrap_or(after.len());
    let problem = if userinfo.contains(['/', '?', '#']) {
        "its user name or password holds `/`, `?` or `#`, or an `@` appears after the host"
    } else if after[..host_end].contains('@') {
        "it has more than one `@` before the host"
    } else {
        return Ok(());
    };
    Err(ConnectError::invalid(
        Setting::Url,
        format!(
            "the connection URL cannot be read unambiguously: {problem}; percent-encode those characters in the user name and password (`@` as %40, `/` as %2F, `?` as %3F, `#` as %23)"
        ),
    ))
}

/// Hides the user-info part of `url` (user and password, raw and decoded)
/// wherever it occurs in `text`.
pub(crate) fn redact_userinfo(text: &str, url: &str) -> String {
    let Some((_, rest)) = url.split_once("://") else { return text.to_owned() };
    let Some((userinfo, _)) = rest.split_once('@') else { return text.to_owned() };
    let mut out = text.to_owned();
    if let Some((_, password)) = userinfo.split_once(':') {
        for secret in [password.to_owned(), percent_decode(password)] {
            if !secret.is_empty() {
                out = out.replace(&secret, "***");
            }
        }
    }
    if !userinfo.is_empty() {
        out = out.replace(userinfo, "***");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ambiguous_user_info_is_refused_without_echoing_it() {
        for url in [
            "postgres://app:se@cret@host/db",
            "postgres://app:pa/ss@host/db",
            "postgres://app:p?w@host/db",
            "postgres://host/db?application_name=a@b",
        ] {
            let err = check_userinfo(url).unwrap_err().to_string();
            for secret in ["se@cret", "cret", "pa/ss", "p?w", "app:"] {
                assert!(!err.contains(secret), "{url}: {err}");
            }
            assert!(err.contains("percent-encode"), "{err}");
        }
        for url in [
            "postgres://app:se%40cret@host/db",
            "postgres://host/db",
            "host=h user=u",
            "postgres://u@h:1/d?sslmode=require",
        ] {
            assert!(check_userinfo(url).is_ok(), "{url}");
        }
    }

    #[test]
    fn user_info_is_hidden_raw_and_decoded() {
        let url = "postgres://app:p%40ss@host/db";
        assert_eq!(redact_userinfo("bad p@ss and p%40ss", url), "bad *** and ***");
    }
}
