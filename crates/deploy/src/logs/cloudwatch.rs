//! An AWS environment's function log group in CloudWatch Logs: FilterLogEvents from the start time, every page.
//! Following polls again from a little before the newest event seen (CloudWatch can take seconds to make an event
//! searchable, and its timestamp is the function's, not the arrival's), and drops the events already seen by id.

use std::collections::HashMap;

use aws_config::{BehaviorVersion, Region};
use aws_sdk_cloudwatchlogs::Client;
use aws_sdk_cloudwatchlogs::error::DisplayErrorContext;

use super::{Line, LogsError, Options, Sink, Source};
use crate::config::{Config, Environment};

/// How far before the newest event seen a follow looks again, for events that became searchable late.
const LOOKBACK_MS: i64 = 15_000;

/// The lines of the function of the AWS environment `env_name`, from its log group: the credentials are checked
/// first (one STS call), then [`read_group`].
pub async fn aws(
    config: &Config,
    env_name: &str,
    env: &Environment,
    options: &Options,
    sink: &mut dyn Sink,
) -> Result<(), LogsError> {
    let region = env.region();
    let clients = crate::aws::Clients::for_region(region).await;
    crate::aws::identity(&clients).await.map_err(|e| LogsError::Credentials(Box::new(e)))?;
    let sdk = aws_config::defaults(BehaviorVersion::latest()).region(Region::new(region.to_owned())).load().await;
    let group = config.names(env_name, env).function_log_group;
    read_group(&Client::new(&sdk), env_name, &group, options, sink).await
}

/// One event: its time, its id, its message.
struct Event {
    time_ms: i64,
    id: String,
    message: String,
}

/// The lines of the log group `group` (of the environment `env_name`) from `options.start_ms`, in time order; with
/// `options.follow`, then the new ones every `options.poll`, until the sink stops.
pub async fn read_group(
    client: &Client,
    env_name: &str,
    group: &str,
    options: &Options,
    sink: &mut dyn Sink,
) -> Result<(), LogsError> {
    // The ids of the events delivered whose time is at or after `start`, with that time.
    let mut seen: HashMap<String, i64> = HashMap::new();
    let mut start = options.start_ms;
    loop {
        let mut events = filter(client, env_name, group, start, options.page_size).await?;
        events.sort_by_key(|e| e.time_ms);
        for event in events {
            if seen.insert(event.id, event.time_ms).is_some() {
                continue;
            }
            let line = Line { time_ms: event.time_ms, text: event.message, source: Source::Function };
            if sink.line(&line).is_break() {
                return Ok(());
            }
        }
        if !options.follow || sink.idle().is_break() {
            return Ok(());
        }
        let newest = seen.values().copied().max().unwrap_or(start);
        start = start.max(newest - LOOKBACK_MS);
        seen.retain(|_, time| *time >= start);
        tokio::time::sleep(options.poll).await;
    }
}

/// Every event of `group` from `start_ms`, all pages.
async fn filter(
    client: &Client,
    env_name: &str,
    group: &str,
    start_ms: i64,
    page_size: Option<i32>,
) -> Result<Vec<Event>, LogsError> {
    let mut events = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let request = client
            .filter_log_events()
            .log_group_name(group)
            .start_time(start_ms)
            .set_limit(page_size)
            .set_next_token(token.take());
        let page = request.send().await.map_err(|e| {
            if e.as_service_error().is_some_and(|s| s.is_resource_not_found_exception()) {
                let region = client.config().region().map(ToString::to_string).unwrap_or_default();
                return LogsError::NoLogGroup { env: env_name.to_owned(), group: group.to_owned(), region };
            }
            LogsError::CloudWatch {
                action: "FilterLogEvents",
                group: group.to_owned(),
                message: DisplayErrorContext(&e).to_string(),
            }
        })?;
        for event in page.events() {
            let message = event.message().unwrap_or_default().trim_end_matches(['\n', '\r']).to_owned();
            let time_ms = event.timestamp().unwrap_or_default();
            let id = event.event_id().map_or_else(
                || format!("{}/{time_ms}/{message}", event.log_stream_name().unwrap_or_default()),
                str::to_owned,
            );
            events.push(Event { time_ms, id, message });
        }
        match page.next_token() {
            Some(next) if !next.is_empty() => token = Some(next.to_owned()),
            _ => return Ok(events),
        }
    }
}
