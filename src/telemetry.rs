//! Structured logs with tracing: pretty for people, JSON for collectors.
//! Logs go to stderr so that commands keep stdout for their JSON answer.

use crate::config::LogFormat;
use std::io::IsTerminal;
use tracing_subscriber::EnvFilter;

/// Installs the global subscriber once; later calls are ignored (tests).
///
/// `default_level` applies when `RUST_LOG` is not set: the service logs at
/// `info`; one-shot commands at `warn`, so that a failing command prints
/// exactly its one-line error on stderr (formats.md).
pub fn init(format: LogFormat, default_level: &str) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new(format!("{default_level},actix_server=warn")));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal());
    let _ = match format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Pretty => builder.try_init(),
    };
}
