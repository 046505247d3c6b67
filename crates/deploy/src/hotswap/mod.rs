//! `deploy --hotswap`: when only the function's code changed since the last full deploy, its new zip goes straight to
//! Lambda (`UpdateFunctionCode` from the asset bucket) instead of through a change set; anything else falls back to
//! the change set, and says which change made that necessary. Also the wait every deploy ends with: the function
//! `Active` and its last update `Successful`, polled with `GetFunctionConfiguration`.
//!
//! The template's only reference to the code is the `CodeKey` parameter, so a code-only change leaves the template
//! text identical: [`check`] compares the synthesized template with the deployed one (`GetTemplate`), the other
//! parameters with the stack's, and requires a stack in a completed state.
//!
//! A hotswap leaves drift behind on purpose ([`DRIFT`]): the stack's `CodeKey` still names the zip of the last full
//! deploy, and CloudFormation's drift detection does not look at code, so it shows nothing. The next full deploy
//! reconciles it, by a change set when the key differs, or by updating the code directly when the stack already names
//! the zip but the function runs another (see `aws::deploy_artifact`).

use std::time::{Duration, Instant};

use aws_sdk_cloudformation::types::TemplateStage;
use serde_json::Value;

mod function;

pub use function::{Function, FunctionState, code_sha256};

/// What a hotswap leaves behind, said once after one.
pub const DRIFT: &str = "Drift, on purpose: the stack's CodeKey parameter still names the previous zip, and \
     CloudFormation's drift detection does not look at a function's code, so it shows nothing; the next full deploy \
     (without --hotswap) reconciles the stack with the code";

/// The stack statuses a hotswap may start from: a finished operation that left the stack's resources in place.
/// `ROLLBACK_COMPLETE` is a failed creation (nothing to update), `DELETE_COMPLETE` a stack that is gone.
const SETTLED: [&str; 5] =
    ["CREATE_COMPLETE", "UPDATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE", "IMPORT_COMPLETE", "IMPORT_ROLLBACK_COMPLETE"];

/// The parameter that carries the code; the only one a hotswap may change.
pub const CODE_KEY: &str = "CodeKey";

#[derive(Debug, thiserror::Error)]
pub enum HotswapError {
    #[error("CloudFormation {operation} on {stack} failed: {message}")]
    Stack { operation: &'static str, stack: String, message: String },
    #[error("Lambda {operation} on the function {function} failed: {message}")]
    Lambda { operation: &'static str, function: String, message: String },
    /// The code update was refused by Lambda after it started (`LastUpdateStatus: Failed`).
    #[error("the update of the function {function} failed: {reason}")]
    UpdateFailed { function: String, reason: String },
    /// The function itself cannot run (`State: Failed`).
    #[error("the function {function} is in the state Failed: {reason}")]
    FunctionFailed { function: String, reason: String },
    #[error(
        "the function {function} is still not ready after {}s (state {state}, last update {last_update})",
        waited.as_secs()
    )]
    NotReady { function: String, state: String, last_update: String, waited: Duration },
}

impl HotswapError {
    /// What to do about it, in one line.
    pub fn help(&self) -> &'static str {
        match self {
            Self::Stack { .. } => {
                "check that the credentials may use CloudFormation in this region; the message is AWS's"
            }
            Self::Lambda { .. } => {
                "check that the credentials may call lambda:GetFunctionConfiguration and lambda:UpdateFunctionCode on \
                 the function, and read the asset bucket"
            }
            Self::UpdateFailed { .. } | Self::FunctionFailed { .. } => {
                "the reason is Lambda's: fix what it names (a bad zip, a missing permission), then deploy again \
                 without --hotswap"
            }
            Self::NotReady { .. } => {
                "Lambda is still applying the change: look at the function in the Lambda console, wait, then run \
                 this again"
            }
        }
    }
}

fn stack_error<E, R>(
    operation: &'static str,
    stack: &str,
) -> impl Fn(aws_sdk_cloudformation::error::SdkError<E, R>) -> HotswapError
where
    E: std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug,
{
    let stack = stack.to_owned();
    move |e| HotswapError::Stack {
        operation,
        stack: stack.clone(),
        message: aws_sdk_cloudformation::error::DisplayErrorContext(&e).to_string(),
    }
}

/// Whether a deploy can update the code alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Check {
    /// Only the code can have changed: update the function `function` directly. `stack_code_key` is the zip the
    /// stack names (the last full deploy's).
    Code { function: String, stack_code_key: String },
    /// A change set is needed; the reason, for a person.
    ChangeSet(String),
}

/// Decides whether the stack `stack` differs from what `template` and `parameters` would deploy in anything but the
/// `CodeKey` parameter: the stack exists and is settled, every other parameter is the same, the synthesized
/// template is the deployed one (compared as data, so formatting never matters), and it names its function.
pub async fn check(
    cfn: &aws_sdk_cloudformation::Client,
    stack: &str,
    template: &str,
    parameters: &[(&str, &str)],
) -> Result<Check, HotswapError> {
    let fallback = |reason: String| Ok(Check::ChangeSet(reason));
    let described = match cfn.describe_stacks().stack_name(stack).send().await {
        Ok(out) => out,
        Err(e)
            if e.as_service_error().and_then(|s| s.meta().message()).is_some_and(|m| m.contains("does not exist")) =>
        {
            return fallback(format!("there is no stack {stack} yet: its first deploy creates it"));
        }
        Err(e) => return Err(stack_error("DescribeStacks", stack)(e)),
    };
    let status = described.stacks().first().and_then(|s| s.stack_status()).map(|s| s.as_str());
    let (Some(deployed), false) = (described.stacks().first(), status == Some("DELETE_COMPLETE")) else {
        return fallback(format!("there is no stack {stack} yet: its first deploy creates it"));
    };
    let status = status.unwrap_or("in an unknown state");
    if !SETTLED.contains(&status) {
        return fallback(format!(
            "the stack {stack} is {status}, not in a completed state that a code update can start from"
        ));
    }

    // The parameters, CodeKey aside.
    let deployed_parameters: Vec<(&str, &str)> = deployed
        .parameters()
        .iter()
        .filter_map(|p| Some((p.parameter_key()?, p.parameter_value().unwrap_or_default())))
        .collect();
    let deployed_value = |name: &str| deployed_parameters.iter().find(|(k, _)| *k == name).map(|(_, v)| *v);
    for (name, value) in parameters.iter().filter(|(name, _)| *name != CODE_KEY) {
        match deployed_value(name) {
            Some(old) if old == *value => {}
            Some(old) => {
                return fallback(format!("the parameter {name} differs: the stack has `{old}`, this deploy `{value}`"));
            }
            None => return fallback(format!("the parameter {name} is new: the stack has no such parameter")),
        }
    }
    if let Some((name, _)) = deployed_parameters.iter().find(|(k, _)| !parameters.iter().any(|(p, _)| p == k)) {
        return fallback(format!("the stack has a parameter {name} that this template no longer has"));
    }
    let Some(stack_code_key) = deployed_value(CODE_KEY) else {
        return fallback(format!("the stack has no {CODE_KEY} parameter"));
    };

    // The template, as data.
    let body = cfn
        .get_template()
        .stack_name(stack)
        .template_stage(TemplateStage::Original)
        .send()
        .await
        .map_err(stack_error("GetTemplate", stack))?;
    let body = body.template_body().unwrap_or_default();
    let deployed_template: Value = match serde_yaml_ng::from_str(body) {
        Ok(value) => value,
        Err(e) => return fallback(format!("the deployed template could not be read ({e})")),
    };
    let synthesized: Value = match serde_yaml_ng::from_str(template) {
        Ok(value) => value,
        Err(e) => return fallback(format!("the synthesized template could not be read ({e})")),
    };
    if let Some(difference) = first_difference(&synthesized, &deployed_template) {
        return fallback(difference);
    }

    let function = deployed
        .outputs()
        .iter()
        .find(|o| o.output_key() == Some("FunctionName"))
        .and_then(|o| o.output_value())
        .filter(|v| !v.is_empty());
    let Some(function) = function else {
        return fallback(format!("the stack {stack} has no output FunctionName to name its function"));
    };
    Ok(Check::Code { function: function.to_owned(), stack_code_key: stack_code_key.to_owned() })
}

/// The first place where the synthesized template `new` differs from the deployed `old`, for a person: a resource
/// added, removed or changed (and the property path inside it), or another section's key. `None` when they are the
/// same data.
pub fn first_difference(new: &Value, old: &Value) -> Option<String> {
    let (Value::Object(new), Value::Object(old)) = (new, old) else {
        return (new != old).then(|| "the template differs from the deployed one".to_owned());
    };
    for (section, new_value) in new {
        let Some(old_value) = old.get(section) else {
            return Some(format!("the template adds the section {section}"));
        };
        if section == "Resources"
            && let (Value::Object(new_resources), Value::Object(old_resources)) = (new_value, old_value)
        {
            for (id, resource) in new_resources {
                match old_resources.get(id) {
                    None => return Some(format!("the template adds the resource {id}")),
                    Some(deployed) => {
                        if let Some(path) = path_of_difference(resource, deployed) {
                            return Some(format!("the resource {id} differs from the deployed one at {path}"));
                        }
                    }
                }
            }
            if let Some(id) = old_resources.keys().find(|id| !new_resources.contains_key(*id)) {
                return Some(format!("the template removes the resource {id}"));
            }
            continue;
        }
        if let Some(path) = path_of_difference(new_value, old_value) {
            let at = if path.is_empty() { section.clone() } else { format!("{section}.{path}") };
            return Some(format!("the template differs from the deployed one at {at}"));
        }
    }
    old.keys()
        .find(|section| !new.contains_key(*section))
        .map(|section| format!("the template removes the section {section}"))
}

/// The dotted path (`Properties.Environment.Variables.GROUP`, `Properties.Layers[0]`) of the first difference
/// between `new` and `old`; `Some("")` when they differ as a whole, `None` when they are equal.
fn path_of_difference(new: &Value, old: &Value) -> Option<String> {
    if new == old {
        return None;
    }
    let join = |head: String, tail: String| match (head.is_empty(), tail.is_empty(), tail.starts_with('[')) {
        (_, true, _) => head,
        (true, false, _) => tail,
        (false, false, true) => format!("{head}{tail}"),
        (false, false, false) => format!("{head}.{tail}"),
    };
    match (new, old) {
        (Value::Object(a), Value::Object(b)) => {
            for key in a.keys().chain(b.keys().filter(|k| !a.contains_key(*k))) {
                match (a.get(key), b.get(key)) {
                    (Some(x), Some(y)) => {
                        if let Some(tail) = path_of_difference(x, y) {
                            return Some(join(key.clone(), tail));
                        }
                    }
                    _ => return Some(key.clone()),
                }
            }
            Some(String::new())
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            let index = a.iter().zip(b).position(|(x, y)| x != y)?;
            let tail = path_of_difference(&a[index], &b[index]).unwrap_or_default();
            Some(join(format!("[{index}]"), tail))
        }
        _ => Some(String::new()),
    }
}

/// How long each step took, in order, for a person: `build 8.1 s, upload 0.4 s, ...`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Timings(pub Vec<(&'static str, Duration)>);

impl Timings {
    pub fn push(&mut self, step: &'static str, took: Duration) {
        self.0.push((step, took));
    }

    /// The time since `since`, recorded as `step`; returns it.
    pub fn since(&mut self, step: &'static str, since: Instant) -> Duration {
        let took = since.elapsed();
        self.push(step, took);
        took
    }

    pub fn total(&self) -> Duration {
        self.0.iter().map(|(_, d)| *d).sum()
    }
}

impl std::fmt::Display for Timings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, (step, took)) in self.0.iter().enumerate() {
            write!(f, "{}{step} {}", if i == 0 { "" } else { ", " }, seconds(*took))?;
        }
        write!(f, " (total {})", seconds(self.total()))
    }
}

/// `1.23 s`, or `12 ms` under a second.
pub fn seconds(took: Duration) -> String {
    if took < Duration::from_secs(1) {
        format!("{} ms", took.as_millis())
    } else {
        format!("{:.2} s", took.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;
    use serde_json::json;

    #[test]
    fn the_first_difference_names_the_resource_and_the_path() {
        let old = json!({
            "Parameters": { "CodeKey": { "Type": "String" } },
            "Resources": {
                "Role": { "Type": "AWS::IAM::Role" },
                "Function": { "Type": "AWS::Lambda::Function", "Properties": { "MemorySize": 256, "Layers": ["a"], "Environment": { "Variables": { "GROUP": "Admins" } } } }
            },
            "Outputs": { "FunctionName": { "Value": { "Ref": "Function" } } }
        });
        assert_eq!(first_difference(&old, &old), None);
        let mut new = old.clone();
        new["Resources"]["Function"]["Properties"]["Environment"]["Variables"]["GROUP"] = json!("Staff");
        assert_eq!(
            first_difference(&new, &old).unwrap(),
            "the resource Function differs from the deployed one at Properties.Environment.Variables.GROUP"
        );
        let mut new = old.clone();
        new["Resources"]["Function"]["Properties"]["Layers"][0] = json!("b");
        assert_eq!(
            first_difference(&new, &old).unwrap(),
            "the resource Function differs from the deployed one at Properties.Layers[0]"
        );
        let mut new = old.clone();
        new["Resources"]["Function"]["Properties"]["Timeout"] = json!(3);
        assert_eq!(
            first_difference(&new, &old).unwrap(),
            "the resource Function differs from the deployed one at Properties.Timeout"
        );
        let mut new = old.clone();
        new["Resources"]["Queue"] = json!({ "Type": "AWS::SQS::Queue" });
        assert_eq!(first_difference(&new, &old).unwrap(), "the template adds the resource Queue");
        let mut new = old.clone();
        new["Resources"].as_object_mut().unwrap().remove("Role");
        assert_eq!(first_difference(&new, &old).unwrap(), "the template removes the resource Role");
        let mut new = old.clone();
        new["Outputs"]["FunctionName"]["Value"] = json!("x");
        assert_eq!(
            first_difference(&new, &old).unwrap(),
            "the template differs from the deployed one at Outputs.FunctionName.Value"
        );
        let mut new = old.clone();
        new.as_object_mut().unwrap().remove("Outputs");
        assert_eq!(first_difference(&new, &old).unwrap(), "the template removes the section Outputs");
    }

    #[test]
    fn lambda_names_code_by_the_base64_of_its_sha256() {
        // The SHA-256 of "zip", as hex and as Lambda's CodeSha256.
        let hex = crate::package::sha256_hex(b"zip");
        assert_eq!(code_sha256(&hex), base64::engine::general_purpose::STANDARD.encode(sha2_bytes(b"zip")));
    }

    fn sha2_bytes(data: &[u8]) -> Vec<u8> {
        use sha2::Digest as _;
        sha2::Sha256::digest(data).to_vec()
    }

    #[test]
    fn timings_read_as_one_line() {
        let mut timings = Timings::default();
        timings.push("build", Duration::from_millis(8100));
        timings.push("upload", Duration::from_millis(400));
        assert_eq!(timings.to_string(), "build 8.10 s, upload 400 ms (total 8.50 s)");
    }
}
