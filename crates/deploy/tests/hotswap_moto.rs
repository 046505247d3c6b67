//! `deploy --hotswap` against moto: a stack shaped like the real one (the code named only by the `CodeBucket` and
//! `CodeKey` parameters, the function's name as the output `FunctionName`; moto skips Cognito, so the template holds
//! just the function and its role, which the stack creates in moto's IAM) is created; then the upload, the check, `UpdateFunctionCode` from a zip in moto's S3 and the wait, timed; `GetFunction` shows the new code. moto
//! keeps the code without Docker. The fallbacks moto can show are checked on the same stack. The figures printed are
//! the hotswap's own steps on moto (`--nocapture` shows them).
#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use aws_sdk_cloudformation::types::{Capability, Parameter};
use deploy::cloudformation::Deployer;
use deploy::hotswap::{self, Check, Function, Timings};

struct Moto {
    cfn: aws_sdk_cloudformation::Client,
    s3: aws_sdk_s3::Client,
    lambda: aws_sdk_lambda::Client,
}

fn moto() -> Moto {
    let config = test_support::moto_config(&test_support::moto_endpoint(), test_support::REGION);
    Moto {
        cfn: aws_sdk_cloudformation::Client::new(&config),
        s3: aws_sdk_s3::Client::from_conf(aws_sdk_s3::config::Builder::from(&config).force_path_style(true).build()),
        lambda: aws_sdk_lambda::Client::new(&config),
    }
}

/// The function's part of the real template: the code from the two parameters, the name as an output.
fn template(memory: u32) -> String {
    format!(
        "AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  CodeBucket: {{ Type: String }}
  CodeKey: {{ Type: String }}
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement: [{{ Effect: Allow, Principal: {{ Service: lambda.amazonaws.com }}, Action: 'sts:AssumeRole' }}]
  Function:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: provided.al2023
      Handler: bootstrap
      Architectures: [arm64]
      MemorySize: {memory}
      Role: {{ 'Fn::GetAtt': [Role, Arn] }}
      Code: {{ S3Bucket: {{ Ref: CodeBucket }}, S3Key: {{ Ref: CodeKey }} }}
Outputs:
  FunctionName:
    Value: {{ Ref: Function }}
"
    )
}

/// A deterministic zip of a `bootstrap` holding `content`, its key in the asset bucket and Lambda's CodeSha256.
fn zip(content: &str) -> (Vec<u8>, String, String) {
    let zip = deploy::package::zip(content.as_bytes()).unwrap();
    let hex = deploy::package::sha256_hex(&zip);
    (zip, deploy::assets::zip_key(&hex), hotswap::code_sha256(&hex))
}

#[tokio::test]
async fn a_code_only_change_is_hotswapped_and_lambda_runs_the_new_zip() {
    let aws = moto();
    let stack = test_support::unique("hotswap-moto");
    let bucket = stack.to_lowercase();
    aws.s3.create_bucket().bucket(&bucket).send().await.unwrap();
    let (old, old_key, old_code) = zip("the last full deploy's bootstrap");
    let (new, new_key, new_code) = zip("the bootstrap after a change in a handler");
    aws.s3.put_object().bucket(&bucket).key(&old_key).body(old.into()).send().await.unwrap();

    // The last full deploy. moto fills in a stack's outputs only for stacks made with CreateStack (not through
    // change sets), so it is made that way.
    let mut create = aws.cfn.create_stack().stack_name(&stack).template_body(template(256));
    for (key, value) in [("CodeBucket", bucket.as_str()), ("CodeKey", old_key.as_str())] {
        create = create.parameters(Parameter::builder().parameter_key(key).parameter_value(value).build());
    }
    create.capabilities(Capability::CapabilityIam).send().await.unwrap();
    let mut deployer = Deployer::new(aws.cfn.clone(), &stack);
    deployer.poll = Duration::from_millis(100);
    assert_eq!(deployer.status().await.unwrap().as_deref(), Some("CREATE_COMPLETE"));

    // The hotswap, step by step, as `deploy --hotswap` runs it after the upload.
    let mut timings = Timings::default();
    let started = Instant::now();
    aws.s3.put_object().bucket(&bucket).key(&new_key).body(new.into()).send().await.unwrap();
    timings.since("upload", started);
    let parameters = [("CodeBucket", bucket.as_str()), ("CodeKey", new_key.as_str())];
    let started = Instant::now();
    let check = hotswap::check(&aws.cfn, &stack, &template(256), &parameters).await.unwrap();
    let Check::Code { function, stack_code_key } = check else { panic!("{check:?}") };
    assert_eq!(stack_code_key, old_key);
    let mut function = Function::new(aws.lambda.clone(), function);
    function.poll = Duration::from_millis(100);
    let before = function.wait_ready().await.unwrap();
    timings.since("check", started);
    assert_eq!(before.code_sha256, old_code, "the function runs the zip the stack names");
    let started = Instant::now();
    function.update_code(&bucket, &new_key).await.unwrap();
    timings.since("update", started);
    let started = Instant::now();
    let after = function.wait_ready().await.unwrap();
    timings.since("wait", started);
    println!("hotswap against moto: {timings}");
    assert_eq!((after.state.as_str(), after.last_update.as_deref()), ("Active", Some("Successful")));

    let got = aws.lambda.get_function().function_name(function.name()).send().await.unwrap();
    assert_eq!(got.configuration().unwrap().code_sha256(), Some(new_code.as_str()), "GetFunction shows the new code");
    // The drift a hotswap leaves: the stack still names the old zip, until the next full deploy.
    let check = hotswap::check(&aws.cfn, &stack, &template(256), &parameters).await.unwrap();
    assert_eq!(check, Check::Code { function: function.name().to_owned(), stack_code_key: old_key.clone() });

    // What moto can show of the fallbacks: a changed template, a changed parameter other than CodeKey.
    let check = hotswap::check(&aws.cfn, &stack, &template(512), &parameters).await.unwrap();
    assert_eq!(
        check,
        Check::ChangeSet("the resource Function differs from the deployed one at Properties.MemorySize".into())
    );
    let elsewhere = [("CodeBucket", "another-bucket"), ("CodeKey", new_key.as_str())];
    let check = hotswap::check(&aws.cfn, &stack, &template(256), &elsewhere).await.unwrap();
    assert_eq!(
        check,
        Check::ChangeSet(format!(
            "the parameter CodeBucket differs: the stack has `{bucket}`, this deploy `another-bucket`"
        ))
    );

    deployer.delete(&mut |_| {}).await.unwrap();
    let check = hotswap::check(&aws.cfn, &stack, &template(256), &parameters).await.unwrap();
    assert_eq!(check, Check::ChangeSet(format!("there is no stack {stack} yet: its first deploy creates it")));
}
