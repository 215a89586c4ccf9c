//! Which databases belong to which process, and dropping them when the
//! process is done: at exit (an `atexit` handler), and for processes that
//! died without exiting, by a sweep from any later one.
//!
//! Every database a process makes is named `<prefix><token>_<n>`; the process
//! keeps one connection open whose `application_name` carries its token, so a
//! token with no such connection belongs to a process that is gone.

use crate::TestError;
use knexrs_connect::ConnectConfig;
use std::sync::{Mutex, OnceLock};

const REGISTRY_APP: &str = "knexrs-testing";

/// This process's presence on the server.
pub(crate) struct Registry {
    pub(crate) token: String,
    admin: ConnectConfig,
    /// Name prefixes this process made databases under, for the exit cleanup.
    prefixes: Mutex<Vec<String>>,
    next: std::sync::atomic::AtomicU64,
    _connection: Mutex<postgres::Client>,
}

static REGISTRY: OnceLock<Registry> = OnceLock::new();
/// Held while the registry is made, so one thread makes it.
static MAKING: Mutex<()> = Mutex::new(());

/// The registry, made on first use (and the databases of dead processes swept then).
///
/// Only a success is kept: a failure is that caller's alone (the blocking API
/// called on an async runtime's thread, a server still starting, too many
/// connections) and the next caller tries again, instead of every later test
/// of the process failing with the first one's message.
pub(crate) fn registry(admin: &ConnectConfig) -> Result<&'static Registry, TestError> {
    if let Some(registry) = REGISTRY.get() {
        return Ok(registry);
    }
    let _making = MAKING.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(registry) = REGISTRY.get() {
        return Ok(registry);
    }
    let token = process_token();
    let mut config = admin.clone();
    config.set_application_name(&format!("{REGISTRY_APP} {token}"));
    let connection = config.connect()?;
    // Databases left by runs that died.
    let _ = sweep(admin);
    register_exit_cleanup();
    Ok(REGISTRY.get_or_init(|| Registry {
        token,
        admin: admin.clone(),
        prefixes: Mutex::new(Vec::new()),
        next: Default::default(),
        _connection: Mutex::new(connection),
    }))
}

impl Registry {
    /// The name of a new database under `prefix`, remembered for the exit cleanup.
    pub(crate) fn database_name(&self, prefix: &str) -> String {
        let n = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if let Ok(mut prefixes) = self.prefixes.lock()
            && !prefixes.iter().any(|p| p == prefix)
        {
            prefixes.push(prefix.to_owned());
        }
        format!("{prefix}{}_{n}", self.token)
    }

    /// Drops every database this process made that still exists.
    pub(crate) fn drop_own(&self) -> usize {
        let prefixes = match self.prefixes.try_lock() {
            Ok(prefixes) => prefixes.clone(),
            Err(_) => return 0,
        };
        let Ok(mut client) = self.admin.connect() else { return 0 };
        let mut dropped = 0;
        for prefix in prefixes {
            let pattern = format!("{prefix}{}_", self.token);
            dropped += drop_matching(&mut client, |name| name.starts_with(&pattern));
        }
        dropped
    }
}

fn drop_matching(client: &mut postgres::Client, pick: impl Fn(&str) -> bool) -> usize {
    let names: Vec<String> = match client.query("select datname::text from pg_database", &[]) {
        Ok(rows) => rows.iter().map(|row| row.get(0)).filter(|n: &String| pick(n)).collect(),
        Err(_) => return 0,
    };
    names.iter().filter(|name| client.batch_execute(&drop_sql(name)).is_ok()).count()
}

pub(crate) fn drop_sql(name: &str) -> String {
    format!("drop database if exists {} with (force)", knexrs_sql::quote_ident(name))
}

/// At exit, drop what this process still holds (databases made ahead of
/// demand, or released and not yet dropped).
fn register_exit_cleanup() {
    extern "C" fn at_exit() {
        // On a thread of its own: the exiting thread's thread-locals (the
        // driver's runtime among them) are already gone. Unwinding out of an
        // `extern "C"` function aborts: contain any panic.
        let cleanup = std::thread::Builder::new().name("knexrs-testing-exit".into()).spawn(|| {
            crate::pool::shut_down_all();
            if let Some(registry) = REGISTRY.get() {
                registry.drop_own();
            }
        });
        if let Ok(cleanup) = cleanup {
            let _ = cleanup.join();
        }
    }
    #[allow(unsafe_code, reason = "std has no at-exit hook; the test harness ends with exit(), which runs these")]
    // SAFETY: `at_exit` is a plain `extern "C" fn()` that never unwinds (panics are caught)
    // and reaches only statics that stay valid for the life of the process.
    let registered = unsafe { libc::atexit(at_exit) };
    if registered != 0 {
        eprintln!("knexrs-testing: could not register the exit cleanup; `knexrs_testing::sweep` drops what is left");
    }
}

/// A token unique to this process, short enough for database names.
fn process_token() -> String {
    use std::time::{SystemTime, UNIX_EPOCH};
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    let seed = nanos ^ (u128::from(std::process::id()) << 64);
    let hash = knexrs_sql::fnv1a64(&seed.to_le_bytes());
    format!("{:012x}", hash & 0xffff_ffff_ffff)
}

/// Whether `name` is `<prefix><12 hex digits>_<n>`; returns the token.
fn token_of<'a>(name: &'a str, prefix: &str) -> Option<&'a str> {
    let rest = name.strip_prefix(prefix)?;
    let (token, n) = rest.split_once('_')?;
    let is_token = token.len() == 12 && token.bytes().all(|b| b.is_ascii_hexdigit());
    (is_token && !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())).then_some(token)
}

/// Drops every test database whose process is gone (any prefix this crate
/// uses: [`DATABASE_PREFIX`](crate::DATABASE_PREFIX) and the prefixes of
/// [`Databases`](crate::Databases) pools); returns how many.
///
/// ```no_run
/// let dropped = knexrs_testing::sweep(&knexrs_testing::server()?)?;
/// println!("dropped {dropped} databases left by earlier runs");
/// # Ok::<(), knexrs_testing::TestError>(())
/// ```
pub fn sweep(admin: &ConnectConfig) -> Result<usize, TestError> {
    let mut client = admin.connect()?;
    let live: Vec<String> = client
        .query(
            "select application_name from pg_stat_activity where application_name like $1",
            &[&format!("{REGISTRY_APP} %")],
        )
        .map_err(TestError::database("listing live test processes"))?
        .iter()
        .filter_map(|row| row.get::<_, String>(0).split(' ').nth(1).map(str::to_owned))
        .collect();
    let prefixes: Vec<String> = client
        .query("select datname::text from pg_database where datname like '%tpl\\_%'", &[])
        .map_err(TestError::database("listing test templates"))?
        .iter()
        .filter_map(|row| row.get::<_, String>(0).split_once("tpl_").map(|(prefix, _)| prefix.to_owned()))
        .chain([crate::DATABASE_PREFIX.to_owned()])
        .collect();
    Ok(drop_matching(&mut client, |name| {
        prefixes.iter().any(|prefix| token_of(name, prefix).is_some_and(|token| !live.iter().any(|t| t == token)))
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_names_of_the_token_pattern_are_test_databases() {
        assert_eq!(token_of("knexrs_t_0123456789ab_7", "knexrs_t_"), Some("0123456789ab"));
        assert_eq!(token_of("knexrs_t_tpl_0123", "knexrs_t_"), None);
        assert_eq!(token_of("knexrs_t_0123456789ab_", "knexrs_t_"), None);
        assert_eq!(token_of("app_production", "knexrs_t_"), None);
    }
}
