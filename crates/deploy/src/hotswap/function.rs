//! The function itself: its state polled until it is ready, and its code updated from the uploaded zip.

use std::time::{Duration, Instant};

use aws_sdk_lambda::types::{LastUpdateStatus, State};
use base64::Engine as _;

use super::HotswapError;

fn lambda_error<E, R>(
    operation: &'static str,
    function: &str,
) -> impl Fn(aws_sdk_lambda::error::SdkError<E, R>) -> HotswapError
where
    E: std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug,
{
    let function = function.to_owned();
    move |e| HotswapError::Lambda {
        operation,
        function: function.clone(),
        message: aws_sdk_lambda::error::DisplayErrorContext(&e).to_string(),
    }
}

/// Lambda's `CodeSha256` (the base64 of the zip's SHA-256) for the zip whose SHA-256 is `hex`.
pub fn code_sha256(hex: &str) -> String {
    let bytes: Vec<u8> =
        (0..hex.len() / 2).filter_map(|i| u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()).collect();
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// What Lambda says of a function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionState {
    /// `Pending`, `Active`, `Inactive`, `Failed`.
    pub state: String,
    /// `InProgress`, `Successful`, `Failed`; absent for a function never updated.
    pub last_update: Option<String>,
    /// Lambda's `CodeSha256`: the base64 of the zip's SHA-256.
    pub code_sha256: String,
}

impl FunctionState {
    /// `Active`, or `Inactive`: no change of Lambda's own is under way.
    pub fn is_settled(&self) -> bool {
        self.state == State::Active.as_str() || self.state == State::Inactive.as_str()
    }

    /// How the function is, for a person: `active`, or `inactive (...)`.
    pub fn describe(&self) -> &'static str {
        if self.state == State::Inactive.as_str() {
            "inactive (idle: Lambda activates it on its next invocation)"
        } else {
            "active"
        }
    }
}

/// One function, by name, and how patiently to wait for it.
#[derive(Debug, Clone)]
pub struct Function {
    lambda: aws_sdk_lambda::Client,
    name: String,
    /// The first pause between two polls; it doubles, up to four times this.
    pub poll: Duration,
    /// How long an update may take before it is an error.
    pub max_wait: Duration,
}

impl Function {
    pub fn new(lambda: aws_sdk_lambda::Client, name: impl Into<String>) -> Self {
        Self { lambda, name: name.into(), poll: Duration::from_millis(500), max_wait: Duration::from_secs(300) }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The function's state now.
    pub async fn state(&self) -> Result<FunctionState, HotswapError> {
        let out = self
            .lambda
            .get_function_configuration()
            .function_name(&self.name)
            .send()
            .await
            .map_err(lambda_error("GetFunctionConfiguration", &self.name))?;
        if out.state() == Some(&State::Failed) {
            return Err(HotswapError::FunctionFailed {
                function: self.name.clone(),
                reason: reason(out.state_reason(), out.state_reason_code().map(|c| c.as_str())),
            });
        }
        if out.last_update_status() == Some(&LastUpdateStatus::Failed) {
            return Err(HotswapError::UpdateFailed {
                function: self.name.clone(),
                reason: reason(
                    out.last_update_status_reason(),
                    out.last_update_status_reason_code().map(|c| c.as_str()),
                ),
            });
        }
        Ok(FunctionState {
            state: out.state().map(|s| s.as_str().to_owned()).unwrap_or_else(|| "unknown".into()),
            last_update: out.last_update_status().map(|s| s.as_str().to_owned()),
            code_sha256: out.code_sha256().unwrap_or_default().to_owned(),
        })
    }

    /// Waits until the function is `Active` and its last update (if any) `Successful`; a `Failed` state or update is
    /// an error with Lambda's reason, and so is still waiting after `max_wait`. An `Inactive` function (idle for
    /// weeks) is settled too: nothing but an invocation or an update activates it, and an update does.
    pub async fn wait_ready(&self) -> Result<FunctionState, HotswapError> {
        let started = Instant::now();
        let mut pause = self.poll;
        loop {
            let state = self.state().await?;
            let updated = state.last_update.as_deref().is_none_or(|s| s == LastUpdateStatus::Successful.as_str());
            if updated && state.is_settled() {
                return Ok(state);
            }
            if started.elapsed() + pause > self.max_wait {
                return Err(HotswapError::NotReady {
                    function: self.name.clone(),
                    state: state.state,
                    last_update: state.last_update.unwrap_or_else(|| "none".into()),
                    waited: started.elapsed(),
                });
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(self.poll * 4);
        }
    }

    /// Points the function at the zip `s3://bucket/key` (`UpdateFunctionCode`); Lambda applies it asynchronously:
    /// [`Function::wait_ready`] waits for it.
    pub async fn update_code(&self, bucket: &str, key: &str) -> Result<(), HotswapError> {
        self.lambda
            .update_function_code()
            .function_name(&self.name)
            .s3_bucket(bucket)
            .s3_key(key)
            .send()
            .await
            .map_err(lambda_error("UpdateFunctionCode", &self.name))?;
        Ok(())
    }
}

fn reason(reason: Option<&str>, code: Option<&str>) -> String {
    match (reason, code) {
        (Some(reason), Some(code)) => format!("{reason} ({code})"),
        (Some(reason), None) => reason.to_owned(),
        (None, Some(code)) => code.to_owned(),
        (None, None) => "Lambda gave no reason".to_owned(),
    }
}
