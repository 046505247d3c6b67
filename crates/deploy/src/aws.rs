//! Deploying an environment to AWS, and tearing it down: the function built for Lambda and uploaded once, the
//! template synthesized, a change set planned and shown, the guard for the user pool, execution with progress, and
//! the outputs files. Teardown deletes the stack and, only when asked, a retained pool.
//!
//! With `hotswap`, a change of the function's code alone skips the change set: see [`crate::hotswap`]. Every deploy
//! ends when the function is `Active` and its last update `Successful`, before the outputs files are written.
//!
//! The command line calls [`deploy`] and [`teardown`] with typed options and a [`Reporter`]; it prints the result.

use std::path::{Path, PathBuf};
use std::time::Instant;

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_cognitoidentityprovider::types::DeletionProtectionType;

use crate::adopt::{self, AdoptError};
use crate::assets::{self, AssetError};
use crate::cloudformation::{Deleted, DeployError, Deployer, Prepared, plan_table};
use crate::config::{Config, Environment};
use crate::failure::Failure;
use crate::hotswap::{self, Check, Function, HotswapError, Timings, seconds};
use crate::lambda::{self, Artifact, BuildError, BuildOptions, Profile};
use crate::outputs::{MissingOutput, Outputs};
use crate::report::{Answer, Reporter};
use crate::template::{TemplateError, synthesize};

const CREDENTIALS_HELP: &str =
    "configure them the standard way (AWS_PROFILE, `aws configure`, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)";
const CONFIRMATION_HELP: &str = "review the plan, then run again with --yes";
const DESTROYS_DATA_HELP: &str =
    "if losing them is really intended, deploy again with --replace-user-pool-and-lose-its-users";

/// Why a deployment or a teardown stopped.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Build(#[from] BuildError),
    #[error("no usable AWS credentials for {region} ({tried}): {reason}\nhelp: {CREDENTIALS_HELP}")]
    Credentials { region: String, tried: String, reason: String },
    #[error(transparent)]
    Assets(#[from] AssetError),
    #[error(transparent)]
    Template(#[from] TemplateError),
    /// Refused: the change set would replace or remove the user pool, a group or the app client, and with them the
    /// users (or their memberships, or the clients' settings). The change set was deleted; nothing changed.
    #[error(
        "refusing to deploy: this change would {what}, and with it every user of the pool\n{details}\nThe change set was deleted; nothing was changed.\nhelp: {DESTROYS_DATA_HELP}"
    )]
    DestroysData { what: String, details: String },
    #[error(transparent)]
    Deployer(DeployError),
    #[error("not executing without confirmation: stdin is not a terminal\nhelp: {CONFIRMATION_HELP}")]
    NoConfirmation,
    #[error(transparent)]
    MissingOutput(#[from] MissingOutput),
    /// Reading the stack for a hotswap, updating the function's code, or waiting for the function to be ready.
    #[error(transparent)]
    Hotswap(#[from] HotswapError),
    /// The adopted pool lacks what the config needs, or could not be read.
    #[error(transparent)]
    Adopt(#[from] AdoptError),
    #[error("{action}: {message}")]
    Cognito { action: &'static str, message: String },
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
}

impl From<DeployError> for Error {
    /// The guard's refusal is its own kind: nothing failed, the deployment would destroy data.
    fn from(error: DeployError) -> Self {
        match error {
            DeployError::Destructive { what, details } => Self::DestroysData { what, details },
            other => Self::Deployer(other),
        }
    }
}

impl Error {
    /// What to do about it, in one line.
    pub fn failure(&self) -> Failure {
        match self {
            Self::Build(e) => e.failure(),
            Self::Adopt(e) => e.failure(),
            Self::Template(_) => Failure::Failed,
            Self::NoConfirmation => Failure::Refused,
            Self::Io { .. } => Failure::Io,
            Self::DestroysData { .. } => Failure::DestroysData,
            Self::Credentials { .. }
            | Self::Assets(_)
            | Self::Deployer(_)
            | Self::MissingOutput(_)
            | Self::Hotswap(_)
            | Self::Cognito { .. } => Failure::Remote,
        }
    }

    pub fn help(&self) -> String {
        let help = match self {
            Self::Build(e) => e.help(),
            Self::Credentials { .. } => CREDENTIALS_HELP,
            Self::Assets(_) => "check that the credentials may use S3 in this account and region, then run this again",
            Self::Template(e) => e.help(),
            Self::DestroysData { .. } => DESTROYS_DATA_HELP,
            Self::Deployer(e) => return e.help(),
            Self::Adopt(e) => return e.help(),
            Self::NoConfirmation => CONFIRMATION_HELP,
            Self::MissingOutput(_) => {
                "the stack was not made by this tool's template, or its last change failed: run `cargo xtask deploy` again"
            }
            Self::Hotswap(e) => e.help(),
            Self::Cognito { .. } => "check that the credentials may use Cognito in this account and region",
            Self::Io { .. } => "check that the path exists and can be written",
        };
        help.to_owned()
    }
}

fn failed<E: std::error::Error + Send + Sync + 'static, R: std::fmt::Debug>(
    action: &'static str,
) -> impl Fn(aws_sdk_cognitoidentityprovider::error::SdkError<E, R>) -> Error {
    move |e| Error::Cognito {
        action,
        message: aws_sdk_cognitoidentityprovider::error::DisplayErrorContext(&e).to_string(),
    }
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io { path: path.to_owned(), source }
}

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

/// The AWS clients a deployment uses.
#[derive(Debug, Clone)]
pub struct Clients {
    pub sts: aws_sdk_sts::Client,
    pub s3: aws_sdk_s3::Client,
    pub cloudformation: aws_sdk_cloudformation::Client,
    pub cognito: aws_sdk_cognitoidentityprovider::Client,
    pub lambda: aws_sdk_lambda::Client,
}

impl Clients {
    pub fn new(sdk: &SdkConfig) -> Self {
        Self {
            sts: aws_sdk_sts::Client::new(sdk),
            s3: aws_sdk_s3::Client::new(sdk),
            cloudformation: aws_sdk_cloudformation::Client::new(sdk),
            cognito: aws_sdk_cognitoidentityprovider::Client::new(sdk),
            lambda: aws_sdk_lambda::Client::new(sdk),
        }
    }

    /// The clients for `region`, with credentials found the standard way.
    pub async fn for_region(region: &str) -> Self {
        Self::new(&aws_config::defaults(BehaviorVersion::latest()).region(Region::new(region.to_owned())).load().await)
    }
}

/// Whom the credentials belong to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub account: String,
    pub arn: String,
}

/// Which credentials the standard chain tries, for a person: the profile AWS_PROFILE names, the access key in the
/// environment, or the default chain.
fn credentials_tried() -> String {
    match (std::env::var("AWS_PROFILE"), std::env::var("AWS_ACCESS_KEY_ID")) {
        (Ok(profile), _) if !profile.is_empty() => format!("profile `{profile}` from AWS_PROFILE"),
        (_, Ok(_)) => "the access key in AWS_ACCESS_KEY_ID".to_owned(),
        _ => "the default profile and the standard chain".to_owned(),
    }
}

/// What went wrong, in one line: the service's code and message, or the innermost cause (no credentials found, an
/// endpoint that cannot be reached), never the SDK's nested debug rendering.
fn one_line<E, R>(error: &aws_sdk_sts::error::SdkError<E, R>) -> String
where
    E: aws_sdk_sts::error::ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    if let Some(service) = error.as_service_error() {
        return format!("{}: {}", service.code().unwrap_or("error"), service.message().unwrap_or("no message"));
    }
    let mut cause: &dyn std::error::Error = error;
    while let Some(source) = cause.source() {
        cause = source;
    }
    cause.to_string().lines().next().unwrap_or_default().to_owned()
}

/// Checks the credentials and the region with one STS `GetCallerIdentity` call, before anything is built or
/// changed; every AWS command starts with it.
pub async fn identity(aws: &Clients) -> Result<Identity, Error> {
    let region = aws.sts.config().region().map(ToString::to_string).unwrap_or_else(|| "no region".into());
    let fail = |reason: String| Error::Credentials { region: region.clone(), tried: credentials_tried(), reason };
    let identity = aws.sts.get_caller_identity().send().await.map_err(|e| fail(one_line(&e)))?;
    Ok(Identity {
        account: identity.account().ok_or_else(|| fail("the caller identity names no account".into()))?.to_owned(),
        arn: identity.arn().unwrap_or_default().to_owned(),
    })
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
    let mut deployment = deploy_artifact(options, &artifact, aws, report).await?;
    if let Deployment::Deployed(deployed) = &mut deployment {
        deployed.timings.0.insert(0, ("build", built));
        report.step(&format!("Took {}", deployed.timings));
    }
    Ok(deployment)
}

/// Uploads `artifact` once, plans the change, executes it as `options.execute` says, and writes the outputs files.
pub async fn deploy_artifact(
    options: &DeployOptions<'_>,
    artifact: &Artifact,
    aws: &Clients,
    report: &mut dyn Reporter,
) -> Result<Deployment, Error> {
    let (config, env_name, env) = (options.config, options.env_name, options.env);
    let stack = config.names(env_name, env).stack;
    let region = env.region().to_owned();

    let account = identity(aws).await?.account;
    // An adopted pool: what the config needs of it, before anything changes.
    let adoption = adopt::inspect(&aws.cognito, config).await?;
    if let Some(adoption) = &adoption {
        adoption.check(options.create_missing_groups)?;
    }
    let groups_to_create = adoption.as_ref().filter(|a| options.create_missing_groups && !a.missing_groups.is_empty());
    let s3 = &aws.s3;
    let bucket = assets::bucket_name(&account, &region);
    if assets::ensure_bucket(s3, &bucket, &account, &region).await? {
        report.step(&format!("Created the asset bucket {bucket} (encrypted, public access blocked, TLS only)"));
    }
    let mut timings = Timings::default();
    let started = Instant::now();
    let key = assets::zip_key(&artifact.sha256);
    let zip = std::fs::read(&artifact.zip).map_err(io(&artifact.zip))?;
    if assets::upload_once(s3, &bucket, &account, &key, zip).await? {
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
            let answer = match options.execute {
                Execute::PlanOnly => Answer::No,
                Execute::Yes => Answer::Yes,
                Execute::Ask => report.confirm("Create the missing groups?"),
            };
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
            let answer = match options.execute {
                Execute::PlanOnly => Answer::No,
                Execute::Yes => Answer::Yes,
                Execute::Ask => report.confirm("Execute this plan?"),
            };
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
    report.step(&format!(
        "The function {} is {} and up to date (waited {})",
        function.name(),
        ready.describe(),
        seconds(took)
    ));
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
        let answer = match options.execute {
            Execute::PlanOnly => Answer::No,
            Execute::Yes => Answer::Yes,
            Execute::Ask => report.confirm("Update the function's code?"),
        };
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
    report.step(&format!(
        "The function {} is {} and up to date (waited {})",
        function.name(),
        ready.describe(),
        seconds(took)
    ));
    if hotswapped {
        report.step(hotswap::DRIFT);
    }
    let files = outputs.write(&options.outputs_dir).map_err(io(&options.outputs_dir))?;
    let function = function.name().to_owned();
    Ok(Deployment::Deployed(Box::new(Deployed { stack, region, outputs, files, function, hotswapped, timings })))
}

/// One teardown.
#[derive(Debug, Clone)]
pub struct TeardownOptions<'a> {
    pub config: &'a Config,
    pub env_name: &'a str,
    pub env: &'a Environment,
    /// The outputs files' folder, removed.
    pub outputs_dir: PathBuf,
    /// Delete a pool the environment retains, with its users.
    pub delete_user_pool: bool,
}

/// What a teardown did.
#[derive(Debug, Clone)]
pub struct TornDown {
    pub stack: String,
    /// What happened, for a person, in order.
    pub notes: Vec<String>,
}

/// A deployed stack: its name, its status and its outputs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StackState {
    pub stack: String,
    /// CloudFormation's status, e.g. `UPDATE_COMPLETE`.
    pub status: String,
    pub outputs: Vec<(String, String)>,
}

/// The environment's stack as CloudFormation has it; `None` when there is no stack.
pub async fn status(
    config: &Config,
    env_name: &str,
    env: &Environment,
    aws: &Clients,
) -> Result<Option<StackState>, Error> {
    identity(aws).await?;
    let stack = config.names(env_name, env).stack;
    let deployer = Deployer::new(aws.cloudformation.clone(), &stack);
    let Some(status) = deployer.status().await? else { return Ok(None) };
    let outputs = deployer.outputs().await?;
    Ok(Some(StackState { stack, status, outputs }))
}

/// Deletes the stack (retaining what cannot be deleted), and a retained pool only when asked; removes the outputs
/// files.
pub async fn teardown(
    options: &TeardownOptions<'_>,
    aws: &Clients,
    report: &mut dyn Reporter,
) -> Result<TornDown, Error> {
    let (config, env) = (options.config, options.env);
    identity(aws).await?;
    let stack = config.names(options.env_name, env).stack;
    let deployer = Deployer::new(aws.cloudformation.clone(), &stack);
    // No outputs (no stack, or a stack without them): no pool to speak of.
    let pool_id =
        deployer.outputs().await.ok().and_then(|o| o.into_iter().find(|(k, _)| k == "UserPoolId").map(|(_, v)| v));
    let deleted = deployer.delete(&mut report.deployer()).await?;
    let mut notes = Vec::new();
    match &deleted {
        Deleted::NothingToDelete => notes.push(format!("Nothing to tear down: there is no stack {stack}")),
        Deleted::Deleted { retained } => {
            notes.push(format!("Deleted the stack {stack}"));
            if !retained.is_empty() {
                notes.push(format!("These resources could not be deleted and were retained: {}", retained.join(", ")));
            }
        }
    }
    // An adopted pool is never deleted, whatever the environment retains.
    let adopted = config.user_pool.existing.is_some();
    if let (Some(pool), true, false) = (pool_id.as_deref(), env.retain_user_pool, adopted) {
        if options.delete_user_pool {
            let cognito = &aws.cognito;
            cognito
                .update_user_pool()
                .user_pool_id(pool)
                .deletion_protection(DeletionProtectionType::Inactive)
                .send()
                .await
                .map_err(failed("turning deletion protection off"))?;
            cognito.delete_user_pool().user_pool_id(pool).send().await.map_err(failed("deleting the user pool"))?;
            notes.push(format!("Deleted the retained user pool {pool} (--delete-user-pool)"));
        } else {
            notes.push(format!("The user pool {pool} remains (this environment retains it), with its users; --delete-user-pool deletes it"));
        }
    }
    if options.outputs_dir.exists() {
        std::fs::remove_dir_all(&options.outputs_dir).map_err(io(&options.outputs_dir))?;
    }
    Ok(TornDown { stack, notes })
}
