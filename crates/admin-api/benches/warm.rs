//! The warm invocation's distribution (`cargo bench -p admin-api --bench warm`): one process, a request the group
//! check refuses (no Cognito call), each invocation timed on its own: JSON event in, proxy response JSON out,
//! through `lambda_http`'s adapter and the router, with the request log written. Prints one JSON line with the
//! p50, p99 and max in microseconds; `cargo xtask bench` reads it. Under `cargo test` it runs a few iterations so
//! that it cannot rot.
#![allow(clippy::unwrap_used, missing_docs)]

mod common;

use std::time::{Duration, Instant};

fn main() {
    let benchmarking = std::env::args().any(|a| a == "--bench");
    let (warmup, iterations) = if benchmarking { (10_000, 100_000) } else { (10, 100) };
    common::init_logging();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let app = common::app();
    let event = common::event("Editors");
    let mut samples = Vec::with_capacity(iterations);
    runtime.block_on(async {
        for _ in 0..warmup {
            std::hint::black_box(common::invoke(&app, &event).await);
        }
        for _ in 0..iterations {
            let started = Instant::now();
            let answer = common::invoke(&app, &event).await;
            samples.push(started.elapsed());
            assert!(answer.len() > 100);
        }
    });
    samples.sort();
    let at = |p: f64| samples[((samples.len() - 1) as f64 * p).round() as usize];
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    println!(
        "{}",
        serde_json::json!({
            "bench": "warm_refused",
            "iterations": iterations,
            "p50_us": us(at(0.50)),
            "p99_us": us(at(0.99)),
            "max_us": us(at(1.0)),
        })
    );
}
