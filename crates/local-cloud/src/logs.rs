//! The local environment's log lines, for `cargo xtask logs`: the function instances' log (`function.log`: the
//! function's own JSON lines, which carry no time, as in Lambda, where CloudWatch stamps them) and the gateway's
//! (`gateway.log`: timestamped text), both in `<project>/.admin-queries/<env>/`.
//!
//! A function's request line takes the time of the gateway's request line for the same request (the same method,
//! path and status, first come first served: the function writes its line before it answers, the gateway after),
//! which it then stands for; every other gateway line (a token the authorizer refused, a 502) is shown as it is. A
//! function line with no gateway line of its own takes the time it was read when following, else its neighbour's.

use std::collections::VecDeque;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::time::Duration;

use deploy::logs::{Line, LogsError, Options, Request, Sink, Source, now_ms, parse_time};

use crate::env::Place;
use crate::state::LocalState;

/// The longest a follow waits between two looks at the files (they are cheap to look at).
const MAX_POLL: Duration = Duration::from_millis(500);

/// The lines of the local environment `place` from `options.start_ms`, in time order; with `options.follow`, then
/// the new ones as they are written, until the sink stops (or Ctrl-C).
pub fn read(place: &Place, options: &Options, sink: &mut dyn Sink) -> Result<(), LogsError> {
    if LocalState::load(&place.state_dir).is_none() {
        return Err(LogsError::NotDeployed { env: place.env.clone() });
    }
    let mut files = Files::new(&place.state_dir, &place.env);
    let mut history = true;
    loop {
        let lines = files.poll(history, !options.follow)?;
        history = false;
        for line in lines.iter().filter(|l| l.time_ms >= options.start_ms) {
            if sink.line(line).is_break() {
                return Ok(());
            }
        }
        if !options.follow || sink.idle().is_break() {
            return Ok(());
        }
        std::thread::sleep(options.poll.min(MAX_POLL));
    }
}

/// A request as both logs name it: the method, the path without the stage, the status.
type Key = (String, String, u16);

/// The part of a file not read yet.
#[derive(Debug)]
struct Tail {
    path: PathBuf,
    offset: u64,
    partial: Vec<u8>,
}

impl Tail {
    fn new(path: PathBuf) -> Self {
        Self { path, offset: 0, partial: Vec::new() }
    }

    /// The lines written since the last call; a last line without its line break only when `last`.
    fn lines(&mut self, last: bool) -> Result<Vec<String>, LogsError> {
        let io = |source| LogsError::Io { path: self.path.clone(), source };
        let mut file = match std::fs::File::open(&self.path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(io(e)),
        };
        if file.metadata().map_err(io)?.len() < self.offset {
            // Cut short or made anew (a teardown and a deploy): from its start.
            (self.offset, self.partial) = (0, Vec::new());
        }
        file.seek(SeekFrom::Start(self.offset)).map_err(io)?;
        let read = file.read_to_end(&mut self.partial).map_err(io)?;
        self.offset += read as u64;
        let end =
            if last { self.partial.len() } else { self.partial.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1) };
        let complete: Vec<u8> = self.partial.drain(..end).collect();
        Ok(String::from_utf8_lossy(&complete).lines().filter(|l| !l.trim().is_empty()).map(str::to_owned).collect())
    }
}

/// A function line read, not yet delivered.
#[derive(Debug)]
struct Pending {
    text: String,
    key: Option<Key>,
    /// The time of the gateway's line for the same request.
    time_ms: Option<i64>,
    /// When it was read, while following (not for the lines already there).
    read_ms: Option<i64>,
    /// How many looks it has waited for its gateway line.
    waited: u32,
}

/// The two files and what is known of their lines.
#[derive(Debug)]
struct Files {
    stage: String,
    function: Tail,
    gateway: Tail,
    pending: VecDeque<Pending>,
    last_function_ms: Option<i64>,
    last_gateway_ms: Option<i64>,
}

impl Files {
    fn new(dir: &Path, stage: &str) -> Self {
        Self {
            stage: stage.to_owned(),
            function: Tail::new(dir.join("function.log")),
            gateway: Tail::new(dir.join("gateway.log")),
            pending: VecDeque::new(),
            last_function_ms: None,
            last_gateway_ms: None,
        }
    }

    /// The lines that can be delivered now, in time order. `history`: the lines already there at the start.
    /// `last`: nothing more will be read, so nothing waits.
    fn poll(&mut self, history: bool, last: bool) -> Result<Vec<Line>, LogsError> {
        let now = now_ms();
        // The gateway's first: the function lines its request lines stand for were written before them.
        let gateway = self.gateway.lines(last)?;
        for text in self.function.lines(last)? {
            let key = Request::parse(&text).map(|r| (r.method, self.without_stage(&r.path), r.status));
            self.pending.push_back(Pending { text, key, time_ms: None, read_ms: (!history).then_some(now), waited: 0 });
        }
        let mut out = Vec::new();
        for text in gateway {
            let (time, key) = self.gateway_line(&text);
            let time_ms = time.or(self.last_gateway_ms).unwrap_or(now);
            self.last_gateway_ms = Some(time_ms);
            let request = key
                .and_then(|key| self.pending.iter_mut().find(|p| p.time_ms.is_none() && p.key.as_ref() == Some(&key)));
            match request {
                Some(pending) => pending.time_ms = Some(time_ms),
                None => out.push(Line { time_ms, text, source: Source::Gateway }),
            }
        }
        // The function's lines in their order; a request line whose gateway line has not come yet waits one look.
        while let Some(front) = self.pending.front() {
            if front.key.is_some() && front.time_ms.is_none() && front.waited == 0 && !last {
                break;
            }
            let Some(pending) = self.pending.pop_front() else { break };
            let next_known = || self.pending.iter().find_map(|p| p.time_ms);
            let time_ms = pending
                .time_ms
                .or(pending.read_ms)
                .or(self.last_function_ms)
                .or_else(next_known)
                .or(self.last_gateway_ms)
                .unwrap_or(now);
            self.last_function_ms = Some(time_ms);
            out.push(Line { time_ms, text: pending.text, source: Source::Function });
        }
        for pending in &mut self.pending {
            pending.waited += 1;
        }
        out.sort_by_key(|l| l.time_ms);
        Ok(out)
    }

    fn without_stage(&self, path: &str) -> String {
        let stage = format!("/{}", self.stage);
        match path.strip_prefix(&stage) {
            Some(rest) if rest.starts_with('/') => rest.to_owned(),
            _ => path.to_owned(),
        }
    }

    /// A gateway line's time, and the request it logs when it is its request line:
    /// `2026-12-01T16:30:10.042655Z  INFO local_gateway::server: request request_id=… method=GET path=/local/x status=200 latency_ms=…`.
    fn gateway_line(&self, text: &str) -> (Option<i64>, Option<Key>) {
        let words: Vec<&str> = text.split_whitespace().collect();
        let time = words.first().and_then(|w| parse_time(w));
        if words.get(3) != Some(&"request") {
            return (time, None);
        }
        let field = |name: &str| words[4..].iter().find_map(|w| w.strip_prefix(name)?.strip_prefix('='));
        let key = match (field("method"), field("path"), field("status").and_then(|s| s.parse().ok())) {
            (Some(method), Some(path), Some(status)) => Some((method.to_owned(), self.without_stage(path), status)),
            _ => None,
        };
        (time, key)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use std::io::Write;

    use super::*;

    fn request(status: u16, path: &str, caller: &str) -> String {
        format!(
            r#"{{"level":"INFO","message":"request","request_id":"r","method":"GET","path":"{path}","action":"{}","caller_username":"{caller}","status":{status},"latency_ms":11.5}}"#,
            &path[1..]
        )
    }

    fn gateway(time: &str, path: &str, status: u16) -> String {
        format!(
            "{time}  INFO local_gateway::server: request request_id=g method=GET path={path} status={status} latency_ms=12.0"
        )
    }

    fn append(dir: &Path, file: &str, lines: &[String]) {
        let mut f = std::fs::File::options().create(true).append(true).open(dir.join(file)).unwrap();
        for line in lines {
            writeln!(f, "{line}").unwrap();
        }
    }

    fn place(dir: &Path) -> Place {
        Place { env: "local".into(), state_dir: dir.to_owned(), outputs_dir: dir.join("outputs") }
    }

    const T: &str = "2026-12-01T16:30:0";

    #[test]
    fn function_lines_take_their_gateway_lines_times_and_the_gateways_own_lines_stay() {
        let dir = test_support::temp_dir("local-logs");
        LocalState::default().save(&dir).unwrap();
        let (ok, refused) = (request(200, "/listUsers", "admin"), request(403, "/listUsers", "plain"));
        let warning = r#"{"level":"WARN","message":"slow Cognito"}"#.to_owned();
        append(&dir, "function.log", &[ok.clone(), warning.clone(), refused.clone()]);
        let listening = format!("{T}1.000000Z  INFO local_gateway::server: local gateway listening addr=127.0.0.1:1");
        let denied = format!(
            "{T}3.000000Z  INFO local_gateway::server: authorizer refused the token request_id=d reason=Missing"
        );
        let unauthorized = gateway(&format!("{T}3.000100Z"), "/local/listUsers", 401);
        append(
            &dir,
            "gateway.log",
            &[
                listening.clone(),
                gateway(&format!("{T}2.000000Z"), "/local/listUsers", 200),
                denied.clone(),
                unauthorized.clone(),
                gateway(&format!("{T}4.000000Z"), "/local/listUsers", 403),
            ],
        );

        let mut lines: Vec<Line> = Vec::new();
        let options = Options { start_ms: 0, follow: false, poll: Duration::from_millis(10), page_size: None };
        read(&place(&dir), &options, &mut lines).unwrap();
        let got: Vec<(String, &str, Source)> =
            lines.iter().map(|l| (deploy::logs::format_time(l.time_ms), l.text.as_str(), l.source)).collect();
        let at = |s: u8| format!("{T}{s}.000Z");
        assert_eq!(
            got,
            [
                (at(1), listening.as_str(), Source::Gateway),
                (at(2), ok.as_str(), Source::Function),
                (at(2), warning.as_str(), Source::Function),
                (at(3), denied.as_str(), Source::Gateway),
                (at(3), unauthorized.as_str(), Source::Gateway),
                (at(4), refused.as_str(), Source::Function),
            ],
            "the gateway's request lines that a function line stands for are not repeated"
        );

        let since = Options { start_ms: parse_time(&at(3)).unwrap(), ..options };
        let mut lines: Vec<Line> = Vec::new();
        read(&place(&dir), &since, &mut lines).unwrap();
        assert_eq!(lines.iter().map(|l| l.text.as_str()).collect::<Vec<_>>(), [&denied, &unauthorized, &refused]);
    }

    #[test]
    fn following_waits_a_look_for_the_gateways_line() {
        let dir = test_support::temp_dir("local-logs-follow");
        let mut files = Files::new(&dir, "local");
        assert_eq!(files.poll(true, false).unwrap(), [], "no files yet");
        append(&dir, "function.log", &[request(200, "/getUser", "admin")]);
        assert_eq!(files.poll(false, false).unwrap(), [], "its gateway line is not there yet");
        append(&dir, "gateway.log", &[gateway(&format!("{T}5.000000Z"), "/local/getUser", 200)]);
        let lines = files.poll(false, false).unwrap();
        assert_eq!(lines.len(), 1);
        assert_eq!(
            (lines[0].source, deploy::logs::format_time(lines[0].time_ms)),
            (Source::Function, format!("{T}5.000Z"))
        );
        // A request line whose gateway line never comes: the time it was read, after one look.
        let before = now_ms();
        append(&dir, "function.log", &[request(500, "/listGroups", "admin")]);
        assert_eq!(files.poll(false, false).unwrap(), []);
        let lines = files.poll(false, false).unwrap();
        assert_eq!(lines.len(), 1);
        assert!(lines[0].time_ms >= before, "{lines:?}");
        // A half-written line waits for its line break.
        std::fs::File::options()
            .append(true)
            .open(dir.join("gateway.log"))
            .unwrap()
            .write_all(b"2026-12-01T16:30")
            .unwrap();
        assert_eq!(files.poll(false, false).unwrap(), []);
        append(&dir, "gateway.log", &[":09.000000Z  WARN local_gateway::server: the function failed".to_owned()]);
        let lines = files.poll(false, false).unwrap();
        assert_eq!(lines[0].text, "2026-12-01T16:30:09.000000Z  WARN local_gateway::server: the function failed");
    }

    #[test]
    fn an_environment_never_deployed_has_no_logs() {
        let dir = test_support::temp_dir("local-logs-none");
        let options = Options { start_ms: 0, follow: false, poll: Duration::from_millis(10), page_size: None };
        let error = read(&place(&dir), &options, &mut Vec::new()).unwrap_err();
        assert!(matches!(error, LogsError::NotDeployed { .. }), "{error:?}");
    }
}
