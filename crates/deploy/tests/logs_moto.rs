//! The function's log group on moto's CloudWatch Logs, without the command line: every page from the start time,
//! in time order, request lines read; a follow that delivers each new event once, a late one included; a missing
//! group is "not deployed".
#![allow(clippy::unwrap_used)]

use std::ops::ControlFlow;
use std::time::{Duration, Instant};

use aws_sdk_cloudwatchlogs::Client;
use aws_sdk_cloudwatchlogs::types::InputLogEvent;
use deploy::failure::Failure;
use deploy::logs::{self, Line, LogsError, Options, Sink, Source};

fn client() -> Client {
    Client::new(&test_support::moto_config(&test_support::moto_endpoint(), test_support::REGION))
}

fn request(status: u16, action: &str, caller: &str, target: &str) -> String {
    format!(
        r#"{{"level":"INFO","message":"request","request_id":"r-{action}","method":"GET","path":"/{action}","action":"{action}","caller_sub":"s","caller_username":"{caller}","target_user":"{target}","status":{status},"latency_ms":12.5}}"#
    )
}

/// A log group with one stream; returns the group's name.
async fn group(client: &Client, name: &str) -> String {
    let group = format!("/aws/lambda/{}", test_support::unique(name));
    client.create_log_group().log_group_name(&group).send().await.unwrap();
    client.create_log_stream().log_group_name(&group).log_stream_name("2026/12/01/[$LATEST]abc").send().await.unwrap();
    group
}

async fn put(client: &Client, group: &str, events: &[(i64, &str)]) {
    let events = events.iter().map(|(t, m)| InputLogEvent::builder().timestamp(*t).message(*m).build().unwrap());
    client
        .put_log_events()
        .log_group_name(group)
        .log_stream_name("2026/12/01/[$LATEST]abc")
        .set_log_events(Some(events.collect()))
        .send()
        .await
        .unwrap();
}

fn options(start_ms: i64, follow: bool) -> Options {
    Options { start_ms, follow, poll: Duration::from_millis(200), page_size: Some(2) }
}

#[tokio::test]
async fn every_page_from_the_start_time_in_time_order() {
    let client = client();
    let group = group(&client, "logs-read").await;
    let now = logs::now_ms();
    let ok = request(200, "listUsers", "admin", "");
    let refused = request(403, "getUser", "plain", "alice");
    put(
        &client,
        &group,
        &[
            (now - 60_000, "too old"),
            (now - 5_000, "START RequestId: r1 Version: $LATEST\n"),
            (now - 4_000, &ok),
            (now - 3_000, &refused),
            (now - 2_000, "END RequestId: r1"),
            (now - 1_000, "REPORT RequestId: r1\tDuration: 14.61 ms"),
        ],
    )
    .await;

    let mut lines: Vec<Line> = Vec::new();
    logs::read_group(&client, "dev", &group, &options(now - 10_000, false), &mut lines).await.unwrap();
    let texts: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "START RequestId: r1 Version: $LATEST",
            &ok,
            &refused,
            "END RequestId: r1",
            "REPORT RequestId: r1\tDuration: 14.61 ms"
        ],
        "three pages of two, from the start time, the line break dropped"
    );
    assert!(lines.iter().all(|l| l.source == Source::Function));
    assert_eq!(lines[1].time_ms, now - 4_000);
    let requests: Vec<_> = lines.iter().filter_map(Line::request).map(|r| (r.status, r.action.unwrap())).collect();
    assert_eq!(requests, [(200, "listUsers".to_owned()), (403, "getUser".to_owned())]);
    let row = logs::table_row(&lines[2]);
    assert!(row.starts_with(&logs::format_time(now - 3_000)), "{row}");
    assert!(row.contains("  403     getUser                 plain                 alice  "), "{row}");
}

/// Stops once it has `want` lines and a few more polls brought nothing new, or at a deadline.
struct Until {
    lines: Vec<Line>,
    want: usize,
    idle_after: usize,
    deadline: Instant,
}

impl Sink for Until {
    fn line(&mut self, line: &Line) -> ControlFlow<()> {
        self.lines.push(line.clone());
        ControlFlow::Continue(())
    }

    fn idle(&mut self) -> ControlFlow<()> {
        if self.lines.len() >= self.want {
            self.idle_after += 1;
        }
        if self.idle_after >= 4 || Instant::now() > self.deadline {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    }
}

#[tokio::test]
async fn following_delivers_each_new_event_once_a_late_one_too() {
    let client = client();
    let group = group(&client, "logs-follow").await;
    let now = logs::now_ms();
    put(&client, &group, &[(now - 3_000, "first"), (now - 2_000, "second")]).await;
    let writer = {
        let (client, group) = (client.clone(), group.clone());
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(700)).await;
            put(&client, &group, &[(now - 1_000, "third"), (now, "fourth")]).await;
            tokio::time::sleep(Duration::from_millis(700)).await;
            // Searchable late, with a time before the newest already seen.
            put(&client, &group, &[(now - 500, "late")]).await;
        })
    };
    let mut sink =
        Until { lines: Vec::new(), want: 5, idle_after: 0, deadline: Instant::now() + Duration::from_secs(20) };
    logs::read_group(&client, "dev", &group, &options(now - 10_000, true), &mut sink).await.unwrap();
    writer.await.unwrap();
    let texts: Vec<&str> = sink.lines.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(texts, ["first", "second", "third", "fourth", "late"], "each event once, in the order they came");
}

#[tokio::test]
async fn a_missing_log_group_is_not_deployed() {
    let group = format!("/aws/lambda/{}", test_support::unique("logs-none"));
    let mut lines: Vec<Line> = Vec::new();
    let error = logs::read_group(&client(), "dev", &group, &options(0, false), &mut lines).await.unwrap_err();
    assert!(matches!(&error, LogsError::NoLogGroup { env, group: g, .. } if env == "dev" && g == &group), "{error:?}");
    assert_eq!(error.failure(), Failure::NotDeployed);
    assert_eq!(error.help(), "run `cargo xtask deploy --env dev` first");
    assert!(error.to_string().contains(&group), "{error}");
}
