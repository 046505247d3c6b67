//! The asset bucket where moto cannot say no: a HeadObject refused with 403 (credentials without s3:ListBucket,
//! for which S3 will not tell whether a key exists), with the SDK's own mocking utilities (aws-smithy-mocks).
#![allow(clippy::unwrap_used)]

use aws_sdk_s3::Client;
use aws_sdk_s3::config::http::HttpResponse;
use aws_sdk_s3::operation::put_object::PutObjectOutput;
use aws_smithy_mocks::{RuleMode, mock, mock_client};
use aws_smithy_types::body::SdkBody;
use deploy::assets::{upload_once, zip_key};

const ACCOUNT: &str = "111122223333";

#[tokio::test]
async fn a_head_object_refused_with_403_is_not_there_and_the_zip_is_uploaded() {
    let head = mock!(Client::head_object)
        .match_requests(|r| r.expected_bucket_owner() == Some(ACCOUNT))
        .then_http_response(|| HttpResponse::new(403.try_into().unwrap(), SdkBody::empty()));
    let put = mock!(Client::put_object)
        .match_requests(|r| r.expected_bucket_owner() == Some(ACCOUNT) && r.key() == Some("functions/abc.zip"))
        .then_output(|| PutObjectOutput::builder().build());
    let s3 = mock_client!(aws_sdk_s3, RuleMode::MatchAny, [&head, &put]);

    let uploaded = upload_once(&s3, "bucket", ACCOUNT, &zip_key("abc"), b"zip".to_vec()).await.unwrap();
    assert!(uploaded, "a 403 on HeadObject is taken as \"not there\"");
    assert_eq!((head.num_calls(), put.num_calls()), (1, 1), "both calls name the expected owner");
}

#[tokio::test]
async fn a_head_object_that_fails_otherwise_is_an_error_and_nothing_is_uploaded() {
    let head = mock!(Client::head_object).then_http_response(|| {
        // A 400 (a malformed request): not retried, and not "not there".
        HttpResponse::new(400.try_into().unwrap(), SdkBody::empty())
    });
    let put = mock!(Client::put_object).then_output(|| PutObjectOutput::builder().build());
    let s3 = mock_client!(aws_sdk_s3, RuleMode::MatchAny, [&head, &put]);
    let err = upload_once(&s3, "bucket", ACCOUNT, &zip_key("abc"), b"zip".to_vec()).await.unwrap_err();
    assert_eq!(err.operation, "HeadObject", "{err}");
    assert_eq!(put.num_calls(), 0);
}
