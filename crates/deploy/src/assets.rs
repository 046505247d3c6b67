//! The asset bucket: one per account and region, made once and hardened (default encryption, public access
//! blocked, TLS only), holding the function's zips under their sha256. A zip already there is not uploaded again.
//! Every call after the creation names the account that must own the bucket (`ExpectedBucketOwner`): a bucket of
//! the same name in another account (S3 names are global) is never written to or trusted.

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

/// The AWS partition of a region: `aws-cn` for China, `aws-us-gov` for GovCloud, the isolated ones, else `aws`.
pub fn partition(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else if region.starts_with("us-isob-") {
        "aws-iso-b"
    } else if region.starts_with("us-iso-") {
        "aws-iso"
    } else if region.starts_with("eu-isoe-") {
        "aws-iso-e"
    } else {
        "aws"
    }
}

/// The policy that refuses every request not made over TLS, with the bucket's ARNs in the region's partition.
pub fn tls_only_policy(bucket: &str, region: &str) -> String {
    let arn = format!("arn:{}:s3:::{bucket}", partition(region));
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": [arn.clone(), format!("{arn}/*")],
            "Condition": { "Bool": { "aws:SecureTransport": "false" } },
        }],
    })
    .to_string()
}

/// Makes the bucket unless it exists, and (re)applies its hardening. `account` (from STS GetCallerIdentity) must
/// own it. Returns whether it was created.
pub async fn ensure_bucket(s3: &Client, bucket: &str, account: &str, region: &str) -> Result<bool, AssetError> {
    let created = match s3.head_bucket().bucket(bucket).expected_bucket_owner(account).send().await {
        Ok(_) => false,
        Err(e) if e.raw_response().is_some_and(|r| r.status().as_u16() == 404) || e.code() == Some("NotFound") => {
            let mut create = s3.create_bucket().bucket(bucket);
            if region != "us-east-1" {
                let constraint = BucketLocationConstraint::from(region);
                create = create.create_bucket_configuration(
                    CreateBucketConfiguration::builder().location_constraint(constraint).build(),
                );
            }
            // CreateBucket takes no expected owner: the name is new, and it is ours once this succeeds.
            create.send().await.map_err(failed("CreateBucket", bucket))?;
            true
        }
        Err(e) if e.raw_response().is_some_and(|r| r.status().as_u16() == 403) => {
            return Err(AssetError {
                operation: "HeadBucket",
                bucket: bucket.to_owned(),
                message: format!(
                    "403 Forbidden: the bucket belongs to another account than {account}, or these credentials may not read it\nhelp: S3 bucket names are global; if another account took this name, delete that bucket or deploy from the account that owns it; otherwise grant s3:ListBucket on it"
                ),
            });
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
        .expected_bucket_owner(account)
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
        .expected_bucket_owner(account)
        .public_access_block_configuration(block)
        .send()
        .await
        .map_err(failed("PutPublicAccessBlock", bucket))?;
    s3.put_bucket_policy()
        .bucket(bucket)
        .expected_bucket_owner(account)
        .policy(tls_only_policy(bucket, region))
        .send()
        .await
        .map_err(failed("PutBucketPolicy", bucket))?;
    Ok(created)
}

/// Uploads `bytes` under `key` unless the key is already there, in the bucket `account` owns. Returns whether it
/// uploaded.
pub async fn upload_once(
    s3: &Client,
    bucket: &str,
    account: &str,
    key: &str,
    bytes: Vec<u8>,
) -> Result<bool, AssetError> {
    match s3.head_object().bucket(bucket).expected_bucket_owner(account).key(key).send().await {
        Ok(_) => return Ok(false),
        Err(e) if e.as_service_error().is_some_and(|s| s.is_not_found()) => {}
        // Without s3:ListBucket, S3 answers 403 for a key that is not there (it will not say whether it exists):
        // upload it. A real refusal shows on the PutObject.
        Err(e) if e.raw_response().is_some_and(|r| matches!(r.status().as_u16(), 403 | 404)) => {}
        Err(e) => return Err(failed("HeadObject", bucket)(e)),
    }
    s3.put_object()
        .bucket(bucket)
        .expected_bucket_owner(account)
        .key(key)
        .body(ByteStream::from(bytes))
        .content_type("application/zip")
        .send()
        .await
        .map_err(failed("PutObject", bucket))?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_names_the_bucket_in_its_regions_partition() {
        for (region, partition) in
            [("eu-west-1", "aws"), ("cn-north-1", "aws-cn"), ("us-gov-west-1", "aws-us-gov"), ("us-east-1", "aws")]
        {
            let policy: serde_json::Value = serde_json::from_str(&tls_only_policy("b", region)).unwrap_or_default();
            let resources = &policy["Statement"][0]["Resource"];
            assert_eq!(
                resources,
                &serde_json::json!([format!("arn:{partition}:s3:::b"), format!("arn:{partition}:s3:::b/*")]),
                "{region}"
            );
        }
    }
}
