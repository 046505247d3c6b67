//! The function's log lines, for `cargo xtask logs`: the request line the function writes for each request (JSON,
//! see `admin-api`'s router) read into a [`Request`] and shown as a table row; every other line as it is.
//!
//! An AWS environment's lines come from its function's log group in CloudWatch Logs ([`aws`], [`read_group`]); the
//! local environment's from its log files (`local_cloud::logs`). Both hand [`Line`]s to a [`Sink`], in time order,
//! and follow new ones when asked until the sink says stop (or Ctrl-C).

use std::ops::ControlFlow;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_smithy_types::DateTime;
use aws_smithy_types::date_time::Format;
use serde_json::Value;

use crate::failure::Failure;

mod cloudwatch;

pub use cloudwatch::{aws, read_group};

/// How long `--since` reaches back when it is not given, as `aws logs tail` does.
pub const DEFAULT_SINCE: &str = "10m";

/// Where a line comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The function: its log group on AWS, its instances' log locally.
    Function,
    /// The local gateway's own log (the local environment only).
    Gateway,
}

/// One log line, with its time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// Milliseconds since the Unix epoch: CloudWatch's timestamp, the gateway's, or for a local function line the
    /// time of the gateway's line for the same request (the function's lines carry no time of their own).
    pub time_ms: i64,
    /// The line, without its line break.
    pub text: String,
    pub source: Source,
}

impl Line {
    /// The request it logs, when it is the function's request line.
    pub fn request(&self) -> Option<Request> {
        if self.source == Source::Function { Request::parse(&self.text) } else { None }
    }
}

/// The function's request line: one JSON object per request, `"message": "request"`, named fields only.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub status: u16,
    pub method: String,
    /// The path without the stage, e.g. `/listUsers`.
    pub path: String,
    /// The action's name; absent for a path that is no action (a 404).
    pub action: Option<String>,
    /// The caller's user name, else their `sub`.
    pub caller: Option<String>,
    pub target_user: Option<String>,
    pub target_group: Option<String>,
    pub latency_ms: Option<f64>,
    pub request_id: Option<String>,
}

impl Request {
    /// The request `line` logs; `None` for any other line.
    pub fn parse(line: &str) -> Option<Self> {
        let value: Value = serde_json::from_str(line.trim()).ok()?;
        if value.get("message")?.as_str()? != "request" {
            return None;
        }
        let text = |key: &str| value.get(key).and_then(Value::as_str).map(str::to_owned);
        Some(Self {
            status: u16::try_from(value.get("status")?.as_u64()?).ok()?,
            method: text("method").unwrap_or_default(),
            path: text("path").unwrap_or_default(),
            action: text("action"),
            caller: text("caller_username").or_else(|| text("caller_sub")),
            target_user: text("target_user"),
            target_group: text("target_group"),
            latency_ms: value.get("latency_ms").and_then(Value::as_f64),
            request_id: text("request_id"),
        })
    }

    /// The user and the group acted on: `alice`, `group Admins`, `alice, group Admins`, or `-`.
    pub fn target(&self) -> String {
        match (&self.target_user, &self.target_group) {
            (Some(user), Some(group)) => format!("{user}, group {group}"),
            (Some(user), None) => user.clone(),
            (None, Some(group)) => format!("group {group}"),
            (None, None) => "-".to_owned(),
        }
    }
}

/// The table's header, for the rows [`table_row`] writes.
pub fn table_header() -> String {
    format!("{:<24}  {:<6}  {:<22}  {:<20}  {:<26}  {}", "TIME", "STATUS", "ACTION", "CALLER", "TARGET", "LATENCY")
}

/// A request line as a row of the table (time, status, action, caller, target, latency); any other line as it is.
pub fn table_row(line: &Line) -> String {
    let Some(request) = line.request() else { return line.text.clone() };
    let action = request.action.clone().unwrap_or_else(|| format!("{} {}", request.method, request.path));
    let latency = request.latency_ms.map_or_else(|| "-".to_owned(), |ms| format!("{ms:.1} ms"));
    format!(
        "{:<24}  {:<6}  {:<22}  {:<20}  {:<26}  {latency}",
        format_time(line.time_ms),
        request.status,
        action,
        request.caller.as_deref().unwrap_or("-"),
        request.target(),
    )
}

/// Receives the lines, in time order. Either method may stop the reading.
pub trait Sink {
    fn line(&mut self, line: &Line) -> ControlFlow<()>;
    /// Called after each look for new lines while following: a chance to stop.
    fn idle(&mut self) -> ControlFlow<()> {
        ControlFlow::Continue(())
    }
}

/// Collects every line (for tests, and for reading without following).
impl Sink for Vec<Line> {
    fn line(&mut self, line: &Line) -> ControlFlow<()> {
        self.push(line.clone());
        ControlFlow::Continue(())
    }
}

/// What to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// The earliest line's time, in milliseconds since the Unix epoch.
    pub start_ms: i64,
    /// Keep reading new lines until the sink stops (or Ctrl-C).
    pub follow: bool,
    /// How often to look for new lines while following.
    pub poll: Duration,
    /// Events per FilterLogEvents page; CloudWatch's own (up to 10,000) when `None`.
    pub page_size: Option<i32>,
}

impl Options {
    /// The lines of the last `since`, followed or not, polling every 2 s.
    pub fn since(since: Duration, follow: bool) -> Self {
        let since = i64::try_from(since.as_millis()).unwrap_or(i64::MAX);
        Self { start_ms: now_ms().saturating_sub(since), follow, poll: Duration::from_secs(2), page_size: None }
    }
}

/// Why the lines could not be read.
#[derive(Debug, thiserror::Error)]
pub enum LogsError {
    /// The credentials were refused (or could not be found) before any CloudWatch call.
    #[error(transparent)]
    Credentials(Box<crate::aws::Error>),
    /// The function's log group does not exist: the stack that makes it is not there.
    #[error("the `{env}` environment is not deployed: its function's log group {group} does not exist in {region}")]
    NoLogGroup { env: String, group: String, region: String },
    /// The local environment has no state.
    #[error("the `{env}` environment is not deployed")]
    NotDeployed { env: String },
    #[error("CloudWatch Logs {action} on {group}: {message}")]
    CloudWatch { action: &'static str, group: String, message: String },
    #[error("{}: {source}", path.display())]
    Io { path: std::path::PathBuf, source: std::io::Error },
}

impl LogsError {
    pub fn failure(&self) -> Failure {
        match self {
            Self::Credentials(e) => e.failure(),
            Self::NoLogGroup { .. } | Self::NotDeployed { .. } => Failure::NotDeployed,
            Self::CloudWatch { .. } => Failure::Remote,
            Self::Io { .. } => Failure::Io,
        }
    }

    /// What to do about it, in one line.
    pub fn help(&self) -> String {
        match self {
            Self::Credentials(e) => e.help(),
            Self::NoLogGroup { env, .. } | Self::NotDeployed { env } => {
                format!("run `cargo xtask deploy --env {env}` first")
            }
            Self::CloudWatch { .. } => {
                "check that the credentials may call logs:FilterLogEvents on the function's log group".into()
            }
            Self::Io { .. } => "check that the environment's folder (.admin-queries/<env>/) can be read".into(),
        }
    }
}

/// A duration such as `10m`, `90s`, `2h`, `1d` or `1h30m` (units `s`, `m`, `h`, `d`).
pub fn parse_since(text: &str) -> Result<Duration, String> {
    let bad = || format!("`{text}` is not a duration: write a number and a unit (s, m, h, d), e.g. 10m, 2h, 1h30m");
    let mut total = 0u64;
    let mut number = String::new();
    for c in text.trim().chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            _ => return Err(bad()),
        };
        let n: u64 = number.parse().map_err(|_| bad())?;
        total = n.checked_mul(unit).and_then(|s| total.checked_add(s)).ok_or_else(bad)?;
        number.clear();
    }
    if !number.is_empty() || total == 0 {
        return Err(bad());
    }
    Ok(Duration::from_secs(total))
}

/// Now, in milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// An RFC 3339 time (`2026-12-01T16:30:07.818967Z`) in milliseconds since the Unix epoch.
pub fn parse_time(text: &str) -> Option<i64> {
    DateTime::from_str(text, Format::DateTime).ok()?.to_millis().ok()
}

/// Milliseconds since the Unix epoch as RFC 3339 in UTC with milliseconds: `2026-12-01T16:30:07.818Z`.
pub fn format_time(ms: i64) -> String {
    let (secs, millis) = (ms.div_euclid(1000), ms.rem_euclid(1000));
    // Whole seconds (`...:07Z`: smithy writes no fraction for them), then the milliseconds, always three digits.
    let seconds = DateTime::from_secs(secs).fmt(Format::DateTime).unwrap_or_default();
    format!("{}.{millis:03}Z", seconds.trim_end_matches('Z'))
}

#[cfg(test)]
mod tests {
    use super::*;

    const REQUEST: &str = r#"{"level":"INFO","message":"request","request_id":"018c59b6-0855-4000-8000-000000000001","method":"POST","path":"/addUserToGroup","action":"addUserToGroup","caller_sub":"c0169bd4","caller_username":"admin","target_user":"plain","target_group":"Editors","status":200,"latency_ms":14.628218}"#;

    fn line(text: &str) -> Line {
        Line { time_ms: 1_796_142_607_818, text: text.to_owned(), source: Source::Function }
    }

    #[test]
    fn a_request_line_is_read_with_its_named_fields() {
        let request = Request::parse(REQUEST).unwrap();
        assert_eq!((request.status, request.action.as_deref()), (200, Some("addUserToGroup")));
        assert_eq!((request.method.as_str(), request.path.as_str()), ("POST", "/addUserToGroup"));
        assert_eq!(request.caller.as_deref(), Some("admin"));
        assert_eq!(request.target(), "plain, group Editors");
        assert_eq!(request.latency_ms, Some(14.628218));
        let by_sub = r#"{"message":"request","status":403,"caller_sub":"c0169bd4","method":"GET","path":"/x"}"#;
        let request = Request::parse(by_sub).unwrap();
        assert_eq!((request.caller.as_deref(), request.target(), request.action), (Some("c0169bd4"), "-".into(), None));
        for other in ["START RequestId: 1 Version: $LATEST", r#"{"message":"started"}"#, r#"{"message":"request"}"#, ""]
        {
            assert_eq!(Request::parse(other), None, "{other}");
        }
    }

    #[test]
    fn request_lines_are_rows_and_other_lines_stay_as_they_are() {
        let row = table_row(&line(REQUEST));
        assert_eq!(
            row,
            "2026-12-01T16:30:07.818Z  200     addUserToGroup          admin                 plain, group Editors        14.6 ms"
        );
        assert!(table_header().starts_with("TIME                      STATUS  ACTION"));
        let header_columns: Vec<usize> = ["STATUS", "ACTION", "CALLER", "TARGET", "LATENCY"]
            .iter()
            .map(|c| table_header().find(c).unwrap())
            .collect();
        let row_columns: Vec<usize> =
            ["200", "addUserToGroup", "admin", "plain", "14.6"].iter().map(|c| row.find(c).unwrap()).collect();
        assert_eq!(header_columns, row_columns, "the rows line up under the header");
        let report = "REPORT RequestId: 1 Duration: 2.1 ms";
        assert_eq!(table_row(&line(report)), report);
        let gateway = Line { source: Source::Gateway, ..line(REQUEST) };
        assert_eq!(table_row(&gateway), REQUEST, "only the function's lines are requests");
        let unknown = r#"{"message":"request","status":404,"method":"GET","path":"/nope","latency_ms":0.5}"#;
        assert!(table_row(&line(unknown)).contains("  404     GET /nope  "), "{}", table_row(&line(unknown)));
    }

    #[test]
    fn times_are_utc_with_milliseconds_both_ways() {
        for (ms, text) in [
            (0, "1970-01-01T00:00:00.000Z"),
            (951_782_400_001, "2000-02-29T00:00:00.001Z"),
            (1_796_142_607_818, "2026-12-01T16:30:07.818Z"),
            (-1, "1969-12-31T23:59:59.999Z"),
        ] {
            assert_eq!(format_time(ms), text);
            assert_eq!(parse_time(text), Some(ms));
        }
        assert_eq!(parse_time("2026-12-01T16:30:07.818967Z"), Some(1_796_142_607_818));
        assert_eq!(parse_time("16:30:07"), None);
    }

    #[test]
    fn since_takes_units_and_refuses_the_rest() {
        for (text, secs) in [("10m", 600), ("90s", 90), ("2h", 7200), ("1d", 86_400), ("1h30m", 5400)] {
            assert_eq!(parse_since(text), Ok(Duration::from_secs(secs)), "{text}");
        }
        for bad in ["", "10", "m", "10x", "-5m", "0m", "99999999999999999999d"] {
            assert!(parse_since(bad).unwrap_err().contains("e.g. 10m"), "{bad}");
        }
        let options = Options::since(Duration::from_secs(600), false);
        assert!((now_ms() - options.start_ms - 600_000).abs() < 5_000);
    }
}
