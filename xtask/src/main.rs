//! `cargo xtask`: the project's command line. Each subcommand is one module; this file parses and dispatches.

mod auth;
mod bench;
mod cli;
mod console;
mod deploy_aws;
mod deploy_local;
mod error;
mod import;
mod lambda;
mod logs;
mod outputs;
mod project;
mod reporter;
mod smoke;
mod status;
mod synth;
mod test;
mod user;

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use deploy::config::LOCAL;

use crate::cli::{Common, runtime};
use crate::error::Error;

/// Admin Queries for Cognito, without the Amplify CLI.
///
/// Start with `cargo xtask deploy`: it runs the admin API on this machine (moto stands in for Cognito, a local API
/// Gateway verifies every token) and prints how to call it.
#[derive(Debug, Parser)]
#[command(name = "cargo xtask", bin_name = "cargo xtask", version, about, after_long_help = error::exit_codes_help())]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Deploy an environment: the user pool, groups and app client, the admin API and its function; write the
    /// outputs files Amplify clients read.
    ///
    /// For `local` (the default) it installs and starts moto, applies the pool to it, builds `bootstrap` for this
    /// machine, and starts the local gateway in the background. Running it again changes only what changed.
    ///
    /// For an AWS environment it builds `bootstrap` for Lambda, uploads it once, shows the CloudFormation plan, and
    /// asks before executing (--yes in CI; --plan stops after the plan). A change that would replace or remove the
    /// user pool, a group or the app client is refused.
    Deploy(DeployArgs),
    /// Write admin-queries.toml for a new project: the default configuration, or a walkthrough (sign-in, groups,
    /// the group restriction, the token kind, CORS). Every question has a flag; --yes takes the defaults.
    AddAuth(auth::AddArgs),
    /// Change the auth settings: the group restriction, groups and their order, the token kind, CORS origins.
    ///
    /// Asks "What do you want to do?" on a terminal; takes flags (and --yes) or a JSON request on stdin
    /// (--headless) in scripts. Shows the change as a diff, keeps your comments, refuses what Cognito cannot change
    /// on an existing pool, and offers to deploy.
    ///
    /// Examples: cargo xtask update-auth --restrict-to Ops --add-group Ops:1
    ///           cargo xtask update-auth --no-restriction --self-sign-up off
    UpdateAuth(auth::UpdateArgs),
    /// Write admin-queries.toml from an Amplify project: Gen 1 (the folder that holds `amplify/`) or a Gen 2 app's
    /// amplify_outputs.json. Each environment adopts its Amplify pool and web app client; the groups, the group
    /// restriction and the token kind come along, each value with a comment naming the Amplify file it came from.
    ///
    /// Pools the files do not hold (environments not pushed last) are read from CloudFormation with --aws, or left
    /// as a commented placeholder. Reports what it cannot carry (custom routes, other REST APIs, auth triggers),
    /// each with what to do instead. An existing admin-queries.toml is replaced only with --force.
    ///
    /// Example: cargo xtask import-amplify ../my-amplify-app --aws
    ImportAmplify(import::Args),
    /// Stop and remove a deployment. For `local`: stops the gateway and moto, removes the local state and outputs.
    /// For AWS: deletes the stack; a retained user pool stays unless --delete-user-pool.
    Teardown(TeardownArgs),
    /// Show what runs for an environment and where.
    Status(Common),
    /// Print the function's log lines: each request as a row (time, status, action, caller, target, latency), other
    /// lines as they are; --json prints the function's lines unchanged.
    ///
    /// From the function's log group in CloudWatch Logs for an AWS environment; from the local gateway's and the
    /// function's log files for `local`.
    ///
    /// Example: cargo xtask logs --env dev --since 1h --follow
    Logs(logs::Args),
    /// Write the outputs files (outputs/<env>/) again from the deployed environment, deploying nothing: from the
    /// stack's outputs on AWS, from the local state for `local`. For a fresh clone, or a teammate's machine.
    Outputs(Common),
    /// Print the CloudFormation template of an environment (YAML; --json for JSON), or with --openapi the API's
    /// OpenAPI 3.1 description. No AWS call is made.
    ///
    /// Example: cargo xtask synth --env prod > prod.yaml
    Synth(synth::Args),
    /// Manage users of an environment's pool.
    #[command(subcommand)]
    User(UserCommand),
    /// Sign a user in and print their access token (or ID token with --id), for the `Authorization` header.
    ///
    /// Example: curl -H "Authorization: $(cargo xtask token alice)" http://127.0.0.1:PORT/local/listUsers
    Token(user::TokenArgs),
    /// Check a deployed environment end to end: a temporary admin calls every route through the real endpoint.
    ///
    /// The temporary users are removed whatever happens; the exit code is 1 on any mismatch. For CI.
    Smoke(Common),
    /// Run every test: installs and starts moto (the local AWS emulator) unless MOTO_ENDPOINT points at one, and
    /// installs the Node packages of clients/ (npm ci) for the aws-amplify and browser tests.
    ///
    /// Arguments after `--` go to `cargo test`, e.g. `cargo xtask test -- -p admin-api listUsers`.
    Test(test::Args),
    /// Build the Lambda's `bootstrap` for Lambda (arm64 unless --arch x86_64), check it and zip it; report its sizes.
    ///
    /// The first build installs the rustup target, zig and cargo-zigbuild, and says so.
    BuildLambda(lambda::Args),
    /// Measure the function's performance (cold start, warm invocations, memory, zip, synth) and print a table.
    ///
    /// Figures go to target/bench/bench.json too. Budgets are reported, not asserted.
    Bench(bench::Args),
    /// Serve the reference admin console (clients/console) for an environment on this machine.
    ///
    /// Builds it with Vite (installing its Node packages on first use; needs Node.js 20.19+ and npm), then serves it
    /// with the environment's amplifyconfiguration.json beside index.html. To host it elsewhere, copy
    /// clients/console/dist and that file (outputs/<env>/amplifyconfiguration.json) to any static host.
    ///
    /// Example: cargo xtask console            # then open http://127.0.0.1:5173/
    Console(console::Args),
}

#[derive(Debug, clap::Args)]
struct DeployArgs {
    #[command(flatten)]
    aws: deploy_aws::AwsDeployArgs,
    /// How many function instances the local gateway may run at once.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u16).range(1..=64))]
    instances: u16,
    /// Build the local `bootstrap` with the release profile, exactly as it ships to Lambda, instead of the quick
    /// `local` profile. Its first build takes minutes; for measuring performance on this machine.
    #[arg(long)]
    release: bool,
    #[command(flatten)]
    common: Common,
}

#[derive(Debug, clap::Args)]
struct TeardownArgs {
    /// Also delete a retained user pool, with all its users (turns its deletion protection off). For CI's
    /// ephemeral environments.
    #[arg(long)]
    delete_user_pool: bool,
    #[command(flatten)]
    common: Common,
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Create a user with a permanent password, optionally in groups.
    ///
    /// Example: cargo xtask user create alice --group Admins
    Create(user::CreateArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Test(args) => test::run(&args),
        Command::BuildLambda(args) => lambda::run(&args),
        Command::Bench(args) => bench::run(&args),
        Command::Console(args) => console::run(&args),
        Command::Deploy(args) => runtime().and_then(|rt| rt.block_on(deploy(&args))),
        Command::Teardown(args) => runtime().and_then(|rt| rt.block_on(teardown(&args))),
        Command::Status(common) => status::run(&common),
        Command::Logs(args) => logs::run(&args),
        Command::Outputs(common) => outputs::run(&common),
        Command::Synth(args) => synth::run(&args),
        Command::AddAuth(args) => runtime().and_then(|rt| rt.block_on(auth::add(&args, deploy_env))),
        Command::ImportAmplify(args) => runtime().and_then(|rt| rt.block_on(import::run(&args))),
        Command::UpdateAuth(args) => runtime().and_then(|rt| rt.block_on(auth::update(&args, deploy_env))),
        Command::Smoke(common) => runtime().and_then(|rt| rt.block_on(smoke::run(&common))),
        Command::User(UserCommand::Create(args)) => runtime().and_then(|rt| rt.block_on(user::create(&args))),
        Command::Token(args) => runtime().and_then(|rt| rt.block_on(user::token(&args))),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // Every error says what to do, on a line of its own.
            eprintln!("error: {}\nhelp: {}", error.message(), error.help());
            ExitCode::from(error.exit_code())
        }
    }
}

/// Deploys `common.env` as `deploy` would, after an auth change; asks before executing an AWS plan when `asking`.
async fn deploy_env(common: &Common, asking: bool) -> Result<(), Error> {
    let args = DeployArgs {
        aws: deploy_aws::AwsDeployArgs {
            plan: false,
            yes: !asking,
            replace_user_pool: false,
            create_missing_groups: false,
            hotswap: false,
        },
        instances: 2,
        release: false,
        common: common.clone(),
    };
    deploy(&args).await
}

async fn deploy(args: &DeployArgs) -> Result<(), Error> {
    let env = &args.common.env;
    let (config, environment) = project::load(env)?;
    if env != LOCAL {
        return deploy_aws::deploy(env, &config, &environment, &args.aws, args.common.json).await;
    }
    deploy_local::deploy(
        &args.common,
        &config,
        usize::from(args.instances),
        args.release,
        args.aws.create_missing_groups,
    )
    .await
}

async fn teardown(args: &TeardownArgs) -> Result<(), Error> {
    let common = &args.common;
    if common.env != LOCAL {
        let (config, environment) = project::load(&common.env)?;
        return deploy_aws::teardown(&common.env, &config, &environment, args.delete_user_pool, common.json).await;
    }
    deploy_local::teardown(common)
}
