//! The asset bucket against moto's S3: made once, hardened, and a zip uploaded only once.
#![allow(clippy::unwrap_used)]

use aws_sdk_s3::Client;
use deploy::assets::{bucket_name, ensure_bucket, upload_once, zip_key};

/// moto's account (its STS GetCallerIdentity answers this one).
const ACCOUNT: &str = "123456789012";

fn s3() -> Client {
    let moto = test_support::moto_config(&test_support::moto_endpoint(), "eu-west-1");
    Client::from_conf(aws_sdk_s3::config::Builder::from(&moto).force_path_style(true).build())
}

#[tokio::test]
async fn the_bucket_is_made_once_hardened_and_zips_are_uploaded_once() {
    let s3 = s3();
    let bucket = bucket_name(&format!("{}", std::process::id()), "eu-west-1");
    assert!(ensure_bucket(&s3, &bucket, ACCOUNT, "eu-west-1").await.unwrap(), "created the first time");
    assert!(!ensure_bucket(&s3, &bucket, ACCOUNT, "eu-west-1").await.unwrap(), "found the second time");

    let encryption = s3.get_bucket_encryption().bucket(&bucket).send().await.unwrap();
    let rule = &encryption.server_side_encryption_configuration().unwrap().rules()[0];
    assert_eq!(rule.apply_server_side_encryption_by_default().unwrap().sse_algorithm().as_str(), "AES256");
    let block = s3.get_public_access_block().bucket(&bucket).send().await.unwrap();
    let block = block.public_access_block_configuration().unwrap();
    assert_eq!(
        (
            block.block_public_acls(),
            block.ignore_public_acls(),
            block.block_public_policy(),
            block.restrict_public_buckets()
        ),
        (Some(true), Some(true), Some(true), Some(true))
    );
    let policy = s3.get_bucket_policy().bucket(&bucket).send().await.unwrap();
    let policy = policy.policy().unwrap();
    assert!(policy.contains("aws:SecureTransport"), "TLS only");
    assert!(policy.contains(&format!("\"arn:aws:s3:::{bucket}/*\"")), "the partition's ARN: {policy}");

    // The policy works: moto evaluates it, and this client speaks plain HTTP to it.
    let refused = upload_once(&s3, &bucket, ACCOUNT, &zip_key("abc"), b"zip".to_vec()).await.unwrap_err();
    assert_eq!(refused.operation, "PutObject", "HeadObject's 403 means \"not known\"; the upload is what is refused");
    assert!(refused.message.contains("403"), "a request without TLS is refused: {refused}");
}

#[tokio::test]
async fn a_zip_is_uploaded_once() {
    // A bucket without the TLS-only policy, since moto is reached over plain HTTP here.
    let s3 = s3();
    let bucket = test_support::unique("upload-once");
    let location = aws_sdk_s3::types::BucketLocationConstraint::from("eu-west-1");
    let configuration = aws_sdk_s3::types::CreateBucketConfiguration::builder().location_constraint(location).build();
    s3.create_bucket().bucket(&bucket).create_bucket_configuration(configuration).send().await.unwrap();
    let key = zip_key("abc123");
    assert!(upload_once(&s3, &bucket, ACCOUNT, &key, b"zip bytes".to_vec()).await.unwrap());
    assert!(
        !upload_once(&s3, &bucket, ACCOUNT, &key, b"zip bytes".to_vec()).await.unwrap(),
        "an existing key is not uploaded again"
    );
    let object = s3.get_object().bucket(&bucket).key(&key).send().await.unwrap();
    assert_eq!(object.body.collect().await.unwrap().into_bytes().as_ref(), b"zip bytes");
}
