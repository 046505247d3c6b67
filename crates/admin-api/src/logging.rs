//! The log format: one JSON object per line, for CloudWatch Logs Insights. The level comes from `RUST_LOG`, or
//! Lambda's `AWS_LAMBDA_LOG_LEVEL`, and is `info` by default. Nothing logged carries a token: the router logs
//! named fields only, never headers or bodies.

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

/// A subscriber that writes JSON lines to `writer`.
pub fn subscriber<W>(writer: W) -> impl tracing::Subscriber + Send + Sync
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    let filter = std::env::var("RUST_LOG")
        .or_else(|_| std::env::var("AWS_LAMBDA_LOG_LEVEL"))
        .map(|level| EnvFilter::new(level.to_lowercase()))
        .unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .json()
        .flatten_event(true)
        .with_current_span(false)
        .with_span_list(false)
        .with_target(false)
        .without_time()
        .with_ansi(false)
        .with_env_filter(filter)
        .with_writer(writer)
        .finish()
}
