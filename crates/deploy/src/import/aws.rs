//! The pool of a Gen 1 environment whose ids are not on disk, from its Amplify root stack: the nested auth stack
//! (`AWS::CloudFormation::Stack` with the logical id `auth<resource>`) and its outputs `UserPoolId` and
//! `AppClientIDWeb`, exactly as the Amplify CLI fills `amplify-meta.json`.

use aws_sdk_cloudformation::Client;
use aws_sdk_cloudformation::error::{DisplayErrorContext, SdkError};

use super::json::Sourced;
use super::{AdoptedPool, ImportError};

const NESTED_STACK: &str = "AWS::CloudFormation::Stack";

fn failed<E: std::error::Error + Send + Sync + 'static, R: std::fmt::Debug>(
    env: &str,
    stack: &str,
    operation: &'static str,
) -> impl FnOnce(SdkError<E, R>) -> ImportError {
    let (env, stack) = (env.to_owned(), stack.to_owned());
    move |e| ImportError::Aws { env, stack, operation, message: DisplayErrorContext(&e).to_string() }
}

/// The pool and web app client of the Amplify environment `env`, from its root stack `root_stack`, whose auth
/// resource is `auth` (the folder under `amplify/backend/auth/`).
pub async fn pool_from_stack(
    client: &Client,
    env: &str,
    root_stack: &str,
    auth: &str,
) -> Result<AdoptedPool, ImportError> {
    let logical_id = format!("auth{auth}");
    let mut next = None;
    let nested = loop {
        let page = client
            .list_stack_resources()
            .stack_name(root_stack)
            .set_next_token(next.take())
            .send()
            .await
            .map_err(failed(env, root_stack, "ListStackResources"))?;
        let found = page
            .stack_resource_summaries()
            .iter()
            .find(|r| r.resource_type() == Some(NESTED_STACK) && r.logical_resource_id() == Some(logical_id.as_str()))
            .and_then(|r| r.physical_resource_id().map(str::to_owned));
        next = page.next_token().map(str::to_owned);
        if found.is_some() || next.is_none() {
            break found;
        }
    };
    let no_stack = || ImportError::NoAuthStack {
        env: env.to_owned(),
        stack: root_stack.to_owned(),
        logical_id: logical_id.clone(),
    };
    let nested = nested.ok_or_else(no_stack)?;
    let described =
        client.describe_stacks().stack_name(&nested).send().await.map_err(failed(env, &nested, "DescribeStacks"))?;
    let outputs = described.stacks().first().map(|s| s.outputs()).unwrap_or_default();
    let output = |key: &'static str| {
        outputs
            .iter()
            .find(|o| o.output_key() == Some(key))
            .and_then(|o| o.output_value())
            .filter(|v| !v.is_empty())
            .map(|v| Sourced::new(v.to_owned(), format!("CloudFormation: {root_stack} › {logical_id}, output {key}")))
            .ok_or_else(|| ImportError::MissingOutput { env: env.to_owned(), stack: nested.clone(), output: key })
    };
    Ok(AdoptedPool { id: output("UserPoolId")?, client_id: output("AppClientIDWeb")? })
}
