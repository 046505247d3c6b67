//! Deploying an environment: build, upload, plan, execute or hotswap, wait for the function, the outputs files.

use std::path::PathBuf;
use std::time::Instant;

use crate::adopt;
use crate::assets;
use crate::cloudformation::{Deployer, Prepared, plan_table};
use crate::config::{Config, Environment};
use crate::hotswap::{self, Check, Function, FunctionState, Timings, seconds};
use crate::lambda::{self, Artifact, BuildOptions, Profile};
use crate::outputs::{MissingOutput, Outputs};
use crate::report::{Answer, Reporter};
use crate::template::synthesize;

use super::{Clients, Error, identity, io};

/// Whether the plan is executed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Execute {
    /// Show the plan and stop; the change set is deleted.
    PlanOnly,
    /// Execute without asking.
    Yes,
    /// Ask the reporter.
    Ask,
}

impl Execute {
    /// The answer to `question`: no for a plan, yes with `--yes`, else the reporter's.
    fn answer(self, report: &mut dyn Reporter, question: &str) -> Answer {
        match self {
            Self::PlanOnly => Answer::No,
            Self::Yes => Answer::Yes,
            Self::Ask => report.confirm(question),
        }
    }
}

/// One deployment.
#[derive(Debug, Clone)]
pub struct DeployOptions<'a> {
    pub config: &'a Config,
    pub env_name: &'a str,
    pub env: &'a Environment,
    /// How to build the function; its architecture is the config's.
    pub build: BuildOptions,
    /// Where the outputs files go.
    pub outputs_dir: PathBuf,
    pub execute: Execute,
    /// Let a change replace or remove the user pool, a group or the app client.
    pub allow_destroying_data: bool,
    /// Create the groups the config names that an adopted pool lacks (through the Cognito API).
    pub create_missing_groups: bool,
    /// Build with the hotswap profile, and when only the function's code changed since the last full deploy,
    /// update the code directly instead of through a change set (see [`crate::hotswap`]).
    pub hotswap: bool,
}

/// What a deployment did.
#[derive(Debug, Clone)]
pub enum Deployment {
    /// `Execute::PlanOnly`: the plan was shown and its change set deleted.
    Planned,
    /// The person said no: the change set was deleted.
    Declined,
    /// The stack is as the config says (changed, or already so), and the outputs files are written.
    Deployed(Box<Deployed>),
}

#[derive(Debug, Clone)]
pub struct Deployed {
    pub stack: String,
    pub region: String,
    pub outputs: Outputs,
    pub files: Vec<PathBuf>,
    /// The function's name (the stack's output `FunctionName`).
    pub function: String,
    /// The code went straight to the function (`--hotswap`), not through a change set.
    pub hotswapped: bool,
    /// How long each step took.
    pub timings: Timings,
}

/// Checks the credentials ([`identity`]), builds the function (with the hotswap profile for `hotswap`), then
/// [`deploy_artifact`]; reports how long each step took.
pub async fn deploy(
    options: &DeployOptions<'_>,
    aws: &Clients,
    report: &mut dyn Reporter,
) -> Result<Deployment, Error> {
    let who = identity(aws).await?;
    report.step(&format!("AWS account {} as {}", who.account, who.arn));
    let profile = if options.hotswap { Profile::Hotswap } else { options.build.profile };
    let build = BuildOptions { architecture: options.config.lambda.architecture, profile, ..options.build.clone() };
    let started = Instant::now();
    let artifact = lambda::build(&build, report)?;
    let built = started.elapsed();
    report.step(&format!("Built {} ({} bytes) in {}", artifact.zip.display(), artifact.zip_bytes, seconds(built)));
    let mut deployment = deploy_as(&who.account, options, &artifact, aws, report).await?;
    if let Deployment::Deployed(deployed) = &mut deployment {
        deployed.timings.0.insert(0, ("build", built));
        report.step(&format!("Took {}", deployed.timings));
    }
    Ok(deployment)
}

/// Checks the credentials ([`identity`]), then uploads `artifact` once, plans the change, executes it as
/// `options.execute` says, and writes the outputs files.
pub async fn deploy_artifact(
    options: &DeployOptions<'_>,
    artifact: &Artifact,
    aws: &Clients,
    report: &mut dyn Reporter,
) -> Result<Deployment, Error> {
    let account = identity(aws).await?.account;
    deploy_as(&account, options, artifact, aws, report).await
}

/// [`deploy_artifact`] in `account`, whose credentials were checked.
async fn deploy_as(
    account: &str,
    options: &DeployOptions<'_>,
    artifact: &Artifact,
    aws: &Clients,
    report: &mut dyn Reporter,
) -> Result<Deployment, Error> {
    let (config, env_name, env) = (options.config, options.env_name, options.env);
    let stack = config.names(env_name, env).stack;
    let region = env.region().to_owned();

    // An adopted pool: what the config needs of it, before anything changes.
    let adoption = adopt::inspect(&aws.cognito, config).await?;
    if let Some(adoption) = &adoption {
        adoption.check(options.create_missing_groups)?;
    }
    let groups_to_create = adoption.as_ref().filter(|a| options.create_missing_groups && !a.missing_groups.is_empty());
    let s3 = &aws.s3;
    let bucket = assets::bucket_name(account, &region);
    if assets::ensure_bucket(s3, &bucket, account, &region).await? {
        report.step(&format!("Created the asset bucket {bucket} (encrypted, public access blocked, TLS only)"));
    }
    let mut timings = Timings::default();
    let started = Instant::now();
    let key = assets::zip_key(&artifact.sha256);
    let zip = std::fs::read(&artifact.zip).map_err(io(&artifact.zip))?;
    if assets::upload_once(s3, &bucket, account, &key, zip).await? {
        let took = timings.since("upload", started);
        report.step(&format!(
            "Uploaded the function ({} bytes) to s3://{bucket}/{key} in {}",
            artifact.zip_bytes,
            seconds(took)
        ));
    } else {
        timings.since("upload", started);
        report.step("The function is unchanged; not uploaded again");
    }

    let template = synthesize(config, env_name, env).to_yaml()?;
    let deployer = Deployer::new(aws.cloudformation.clone(), &stack);
    let parameters = [("CodeBucket", bucket.as_str()), (hotswap::CODE_KEY, key.as_str())];

    // A code-only change goes straight to the function.
    if options.hotswap {
        let started = Instant::now();
        let check = hotswap::check(&aws.cloudformation, &stack, &template, &parameters).await?;
        match check {
            Check::Code { function, stack_code_key } if groups_to_create.is_none() => {
                let hotswap =
                    Hotswap { function: &function, stack_code_key: &stack_code_key, bucket: &bucket, key: &key };
                return hotswap_code(options, &hotswap, artifact, &deployer, aws, (timings, started), report).await;
            }
            Check::Code { .. } => {
                timings.since("check", started);
                report.step("No hotswap: the adopted pool lacks groups to create; deploying through a change set");
            }
            Check::ChangeSet(reason) => {
                let took = timings.since("check", started);
                report.step(&format!(
                    "No hotswap: {reason}; deploying this build through a change set (checked in {})",
                    seconds(took)
                ));
            }
        }
    }

    // The plan.
    let started = Instant::now();
    let retains = env.retain_user_pool;
    let prepared = deployer
        .prepare(&template, &parameters, retains, options.allow_destroying_data, &mut report.deployer())
        .await?;
    if let Some(adoption) = &adoption {
        report.block(
            &adoption.plan(options.create_missing_groups).iter().map(|l| format!("  {l}\n")).collect::<String>(),
        );
    }
    timings.since("plan", started);
    let started = Instant::now();
    match prepared {
        Prepared::NoChanges if groups_to_create.is_none() => {
            report.step(&format!("No changes to the stack {stack}"));
        }
        Prepared::NoChanges => {
            report.step(&format!("No changes to the stack {stack}"));
            let answer = options.execute.answer(report, "Create the missing groups?");
            match answer {
                Answer::Yes => {}
                Answer::CannotAsk => return Err(Error::NoConfirmation),
                Answer::No if options.execute == Execute::PlanOnly => return Ok(Deployment::Planned),
                Answer::No => return Ok(Deployment::Declined),
            }
            if let Some(adoption) = groups_to_create {
                for line in adoption.create_missing_groups(&aws.cognito, config).await? {
                    report.step(&line);
                }
            }
        }
        Prepared::Changes { change_set, changes } => {
            report.block(&format!("\nPlan for {stack} ({region}):\n{}\n", plan_table(&changes)));
            let answer = options.execute.answer(report, "Execute this plan?");
            if answer != Answer::Yes {
                deployer.delete_change_set(&change_set).await?;
                if answer == Answer::CannotAsk {
                    return Err(Error::NoConfirmation);
                }
                if options.execute == Execute::PlanOnly {
                    report.step("Plan only: the change set was deleted, nothing changed");
                    return Ok(Deployment::Planned);
                }
                report.step("Not executed: the change set was deleted");
                return Ok(Deployment::Declined);
            }
            if let Some(adoption) = groups_to_create {
                for line in adoption.create_missing_groups(&aws.cognito, config).await? {
                    report.step(&line);
                }
            }
            deployer.execute(&change_set, changes.len(), &mut report.deployer()).await?;
            report.block("");
            timings.since("execute", started);
        }
    }

    // The function ready, running the code the stack names, then the outputs files.
    let (outputs, function) = stack_outputs(&deployer, &stack, &region, config).await?;
    let function = Function::new(aws.lambda.clone(), function);
    let started = Instant::now();
    let mut ready = function.wait_ready().await?;
    if ready.code_sha256 != hotswap::code_sha256(&artifact.sha256) {
        // The stack names this zip, but the function runs another: left by a hotswap. The change set saw nothing to
        // change, so the code is put back directly.
        if options.execute == Execute::PlanOnly {
            report.step(&format!(
                "The function {} runs other code than the stack names (left by --hotswap); deploying without --plan \
                 puts s3://{bucket}/{key} back",
                function.name()
            ));
        } else {
            report.step(&format!(
                "The function {} runs other code than the stack names (left by --hotswap): updating it to \
                 s3://{bucket}/{key}",
                function.name()
            ));
            function.update_code(&bucket, &key).await?;
            ready = function.wait_ready().await?;
        }
    }
    let took = timings.since("wait", started);
    report_ready(report, &function, &ready, took);
    let files = outputs.write(&options.outputs_dir).map_err(io(&options.outputs_dir))?;
    let function = function.name().to_owned();
    Ok(Deployment::Deployed(Box::new(Deployed { stack, region, outputs, files, function, hotswapped: false, timings })))
}

/// The stack's outputs for the outputs files, and the function's name (its output `FunctionName`).
async fn stack_outputs(
    deployer: &Deployer,
    stack: &str,
    region: &str,
    config: &Config,
) -> Result<(Outputs, String), Error> {
    let stack_outputs = deployer.outputs().await?;
    let outputs = Outputs::from_stack(stack, &stack_outputs, region, config)?;
    let function = stack_outputs
        .into_iter()
        .find(|(k, v)| k == "FunctionName" && !v.is_empty())
        .map(|(_, v)| v)
        .ok_or_else(|| MissingOutput { stack: stack.to_owned(), name: "FunctionName" })?;
    Ok((outputs, function))
}

/// What a hotswap updates: the function, and the zip it gets.
struct Hotswap<'a> {
    function: &'a str,
    /// The zip the stack names (its last full deploy's).
    stack_code_key: &'a str,
    bucket: &'a str,
    key: &'a str,
}

/// The hotswap itself (the check's clock running since `check_started`): the function ready, its code updated from
/// the uploaded zip unless it runs it already (asking first as `options.execute` says), the update waited for, the
/// drift explained, the outputs files written.
async fn hotswap_code(
    options: &DeployOptions<'_>,
    hotswap: &Hotswap<'_>,
    artifact: &Artifact,
    deployer: &Deployer,
    aws: &Clients,
    (mut timings, check_started): (Timings, Instant),
    report: &mut dyn Reporter,
) -> Result<Deployment, Error> {
    let (config, env) = (options.config, options.env);
    let (stack, region) = (config.names(options.env_name, env).stack, env.region().to_owned());
    let (bucket, key) = (hotswap.bucket, hotswap.key);
    let (outputs, _) = stack_outputs(deployer, &stack, &region, config).await?;
    let function = Function::new(aws.lambda.clone(), hotswap.function);
    let current = function.wait_ready().await?;
    let took = timings.since("check", check_started);
    report.step(&format!(
        "Hotswap: only the function's code can differ from the last full deploy (the template and the other \
         parameters are as deployed; checked in {})",
        seconds(took)
    ));
    let mut hotswapped = false;
    if current.code_sha256 == hotswap::code_sha256(&artifact.sha256) {
        report.step(&format!("The function {} already runs this code; nothing to update", function.name()));
    } else {
        report.block(&format!(
            "\nHotswap for {stack} ({region}):\n  update the code of {} to s3://{bucket}/{key}\n  (the stack names {})\n",
            function.name(),
            hotswap.stack_code_key
        ));
        let answer = options.execute.answer(report, "Update the function's code?");
        match answer {
            Answer::Yes => {}
            Answer::CannotAsk => return Err(Error::NoConfirmation),
            Answer::No if options.execute == Execute::PlanOnly => {
                report.step("Plan only: nothing changed");
                return Ok(Deployment::Planned);
            }
            Answer::No => {
                report.step("Not updated");
                return Ok(Deployment::Declined);
            }
        }
        let started = Instant::now();
        function.update_code(bucket, key).await?;
        let took = timings.since("update", started);
        report.step(&format!("Updated the code of {} (UpdateFunctionCode in {})", function.name(), seconds(took)));
        hotswapped = true;
    }
    let started = Instant::now();
    let ready = function.wait_ready().await?;
    let took = timings.since("wait", started);
    report_ready(report, &function, &ready, took);
    if hotswapped {
        report.step(hotswap::DRIFT);
    }
    let files = outputs.write(&options.outputs_dir).map_err(io(&options.outputs_dir))?;
    let function = function.name().to_owned();
    Ok(Deployment::Deployed(Box::new(Deployed { stack, region, outputs, files, function, hotswapped, timings })))
}

/// Says that `function` is ready, and how long that was waited for.
fn report_ready(report: &mut dyn Reporter, function: &Function, ready: &FunctionState, took: std::time::Duration) {
    report.step(&format!(
        "The function {} is {} and up to date (waited {})",
        function.name(),
        ready.describe(),
        seconds(took)
    ));
}
