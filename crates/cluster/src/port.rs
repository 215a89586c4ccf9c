//! Starting a local server on the first loopback port that is free.

use crate::ClusterError;
use std::net::TcpListener;

/// Tries `start` on up to five free ports from `from` (another process may
/// take one between the check and the start); returns the port it started on.
pub(crate) fn start_on_free_port(
    from: u16,
    program: &str,
    mut start: impl FnMut(u16) -> Result<(), ClusterError>,
) -> Result<u16, ClusterError> {
    let free = (0..100u16)
        .filter_map(|offset| from.checked_add(offset))
        .filter(|port| TcpListener::bind(("127.0.0.1", *port)).is_ok())
        .take(5);
    let mut last_error = None;
    for port in free {
        match start(port) {
            Ok(()) => return Ok(port),
            Err(e) => last_error = Some(e),
        }
    }
    Err(last_error.unwrap_or_else(|| ClusterError::Command {
        program: program.into(),
        message: format!("no free port from {from}"),
    }))
}
