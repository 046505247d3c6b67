//! Micro-benchmarks of the per-request hot paths (`cargo bench -p admin-api --bench hot_paths`):
//! - `claims`: the caller from the authorizer claims;
//! - `event_to_request`: the Runtime API's JSON to an `http::Request`, as `lambda_http` does it;
//! - `serialise_list_users_60`: a page of 60 users from the SDK's types to the JSON clients read;
//! - `invoke_refused`: a whole invocation of a request the group check refuses (JSON in, JSON out), which is the
//!   framework's own overhead: no Cognito call.
#![allow(clippy::unwrap_used, missing_docs)]

mod common;

use admin_api::caller::Caller;
use admin_api::shapes::{User, UserPage};
use aws_sdk_cognitoidentityprovider::types::{AttributeType, UserStatusType, UserType};
use aws_smithy_types::DateTime;
use criterion::{Criterion, criterion_group, criterion_main};
use lambda_http::request::LambdaRequest;
use std::hint::black_box;

fn claims(c: &mut Criterion) {
    let event = test_support::sample_event();
    let claims = event["requestContext"]["authorizer"]["claims"].as_object().unwrap().clone();
    c.bench_function("claims", |b| b.iter(|| Caller::from_claims(black_box(&claims))));
}

fn event_to_request(c: &mut Criterion) {
    let event = common::event("Admins");
    c.bench_function("event_to_request", |b| {
        b.iter(|| {
            let payload: LambdaRequest = serde_json::from_slice(black_box(&event)).unwrap();
            lambda_http::Request::from(payload)
        });
    });
}

fn serialise_list_users_60(c: &mut Criterion) {
    let users: Vec<UserType> = (0..60)
        .map(|i| {
            UserType::builder()
                .username(format!("user{i:02}"))
                .attributes(
                    AttributeType::builder()
                        .name("sub")
                        .value(format!("0a06d728-{i:04}-4c1f-9d1e-1f0b2c3d4e5f"))
                        .build()
                        .unwrap(),
                )
                .attributes(
                    AttributeType::builder().name("email").value(format!("user{i:02}@example.com")).build().unwrap(),
                )
                .attributes(AttributeType::builder().name("email_verified").value("true").build().unwrap())
                .user_create_date(DateTime::from_secs_and_nanos(1_700_000_000 + i, 123_000_000))
                .user_last_modified_date(DateTime::from_secs_and_nanos(1_700_000_500 + i, 456_000_000))
                .enabled(true)
                .user_status(UserStatusType::Confirmed)
                .build()
        })
        .collect();
    c.bench_function("serialise_list_users_60", |b| {
        b.iter(|| {
            let page = UserPage {
                users: black_box(&users).iter().map(User::from).collect(),
                next_token: Some("CAISlgIIARLvAQgDEuoBAEO".to_owned()),
            };
            serde_json::to_vec(&page).unwrap()
        });
    });
}

fn invoke_refused(c: &mut Criterion) {
    common::init_logging();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let app = common::app();
    let event = common::event("Editors");
    let answer = runtime.block_on(common::invoke(&app, &event));
    assert!(String::from_utf8_lossy(&answer).contains("\"statusCode\":403"), "{}", String::from_utf8_lossy(&answer));
    c.bench_function("invoke_refused", |b| b.to_async(&runtime).iter(|| common::invoke(&app, black_box(&event))));
}

criterion_group!(benches, claims, event_to_request, serialise_list_users_60, invoke_refused);
criterion_main!(benches);
