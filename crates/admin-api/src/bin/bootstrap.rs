//! The Lambda entry point. Reads the configuration and builds the Cognito client once, at init, then serves the
//! router through the Lambda Runtime API.

use admin_api::{AppState, Config, logging, router};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tracing::subscriber::set_global_default(logging::subscriber(std::io::stdout))?;
    let config =
        Config::from_env().inspect_err(|e| tracing::error!(error = %e, "the function's configuration is invalid"))?;
    // Credentials, region and `AWS_ENDPOINT_URL` come from the function's environment, as for any SDK client.
    let sdk = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let state = AppState::new(config, aws_sdk_cognitoidentityprovider::Client::new(&sdk));
    lambda_http::run(router(state)).await
}
