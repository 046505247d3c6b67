//! The asset bucket: one per account and region, made once and hardened (default encryption, public access
//! blocked, TLS only), holding the function's zips under their sha256. A zip already there is not uploaded again.

use aws_sdk_s3::Client;
use aws_sdk_s3::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{
    BucketLocationConstraint, CreateBucketConfiguration, PublicAccessBlockConfiguration, ServerSideEncryption,
    ServerSideEncryptionByDefault, ServerSideEncryptionConfiguration, ServerSideEncryptionRule,
};

#[derive(Debug, thiserror::Error)]
#[error("S3 {operation} on {bucket} failed: {message}")]
pub struct AssetError {
    pub operation: &'static str,
    pub bucket: String,
    pub message: String,
}

fn failed<E: std::error::Error + Send + Sync + 'static, R: std::fmt::Debug>(
    operation: &'static str,
    bucket: &str,
) -> impl Fn(SdkError<E, R>) -> AssetError {
    let bucket = bucket.to_owned();
    move |e| AssetError { operation, bucket: bucket.clone(), message: DisplayErrorContext(&e).to_string() }
}

/// The bucket's name for an account and region.
pub fn bucket_name(account: &str, region: &str) -> String {
    format!("admin-queries-assets-{account}-{region}")
}

/// The object key of a zip.
pub fn zip_key(sha256: &str) -> String {
    format!("functions/{sha256}.zip")
}

/// The policy that refuses every request not made over TLS.
pub fn tls_only_policy(bucket: &str) -> String {
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": [format!("arn:aws:s3:::{bucket}"), format!("arn:aws:s3:::{bucket}/*")],
            "Condition": { "Bool": { "aws:SecureTransport": "false" } },
        }],
    })
    .to_string()
}

/// Makes the bucket unless it exists, and (re)applies its hardening. Returns whether it was created.
pub async fn ensure_bucket(s3: &Client, bucket: &str, region: &str) -> Result<bool, AssetError> {
    let created = match s3.head_bucket().bucket(bucket).send().await {
        Ok(_) => false,
        Err(e) if e.raw_response().is_some_and(|r| r.status().as_u16() == 404) || e.code() == Some("NotFound") => {
            let mut create = s3.create_bucket().bucket(bucket);
            if region != "us-east-1" {
                let constraint = BucketLocationConstraint::from(region);
                create = create.create_bucket_configuration(
                    CreateBucketConfiguration::builder().location_constraint(constraint).build(),
                );
            }
            create.send().await.map_err(failed("CreateBucket", bucket))?;
            true
        }
        Err(e) => return Err(failed("HeadBucket", bucket)(e)),
    };
    let encryption = ServerSideEncryptionConfiguration::builder()
        .rules(
            ServerSideEncryptionRule::builder()
                .apply_server_side_encryption_by_default(
                    ServerSideEncryptionByDefault::builder()
                        .sse_algorithm(ServerSideEncryption::Aes256)
                        .build()
                        .map_err(|e| AssetError {
                            operation: "PutBucketEncryption",
                            bucket: bucket.to_owned(),
                            message: e.to_string(),
                        })?,
                )
                .build(),
        )
        .build()
        .map_err(|e| AssetError {
            operation: "PutBucketEncryption",
            bucket: bucket.to_owned(),
            message: e.to_string(),
        })?;
    s3.put_bucket_encryption()
        .bucket(bucket)
        .server_side_encryption_configuration(encryption)
        .send()
        .await
        .map_err(failed("PutBucketEncryption", bucket))?;
    let block = PublicAccessBlockConfiguration::builder()
        .block_public_acls(true)
        .ignore_public_acls(true)
        .block_public_policy(true)
        .restrict_public_buckets(true)
        .build();
    s3.put_public_access_block()
        .bucket(bucket)
        .public_access_block_configuration(block)
        .send()
        .await
        .map_err(failed("PutPublicAccessBlock", bucket))?;
    s3.put_bucket_policy()
        .bucket(bucket)
        .policy(tls_only_policy(bucket))
        .send()
        .await
        .map_err(failed("PutBucketPolicy", bucket))?;
    Ok(created)
}

/// Uploads `bytes` under `key` unless the key is already there. Returns whether it uploaded.
pub async fn upload_once(s3: &Client, bucket: &str, key: &str, bytes: Vec<u8>) -> Result<bool, AssetError> {
    match s3.head_object().bucket(bucket).key(key).send().await {
        Ok(_) => return Ok(false),
        Err(e) if e.as_service_error().is_some_and(|s| s.is_not_found()) => {}
        Err(e) if e.raw_response().is_some_and(|r| r.status().as_u16() == 404) => {}
        Err(e) => return Err(failed("HeadObject", bucket)(e)),
    }
    s3.put_object()
        .bucket(bucket)
        .key(key)
        .body(ByteStream::from(bytes))
        .content_type("application/zip")
        .send()
        .await
        .map_err(failed("PutObject", bucket))?;
    Ok(true)
}
