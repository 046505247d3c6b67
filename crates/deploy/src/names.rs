//! The names of an environment's resources, from one place: the template, the AWS deployer and the local
//! environment all call [`Config::names`].

use crate::config::{Config, Environment};

/// The names of one environment's resources.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Names {
    /// The CloudFormation stack: the environment's `stack`, else `<project>-<env>`.
    pub stack: String,
    /// The user pool: `<project>-<env>`.
    pub user_pool: String,
    /// The app client: `<project>-<env>-app`.
    pub app_client: String,
    /// The function: `<project>-<env>-admin-queries`.
    pub function: String,
    /// The function's log group: `/aws/lambda/<function>`.
    pub function_log_group: String,
    /// The REST API: `<project>-<env>-AdminQueries`.
    pub api: String,
    /// The local gateway's API id: `<project>-<env>`.
    pub local_api_id: String,
    /// The stage's access log group: `/aws/apigateway/<project>-<env>-admin-queries/access`.
    pub access_log_group: String,
    /// The external id of the pool's SMS role: `<project>-<env>-cognito-sms`.
    pub sms_external_id: String,
}

impl Config {
    /// The names of the resources of the environment `env_name` (`env` as [`Config::environment`] gives it).
    pub fn names(&self, env_name: &str, env: &Environment) -> Names {
        let base = format!("{}-{env_name}", self.project);
        let function = format!("{base}-admin-queries");
        Names {
            stack: env.stack.clone().unwrap_or_else(|| base.clone()),
            user_pool: base.clone(),
            app_client: format!("{base}-app"),
            function_log_group: format!("/aws/lambda/{function}"),
            api: format!("{base}-AdminQueries"),
            local_api_id: base.clone(),
            access_log_group: format!("/aws/apigateway/{function}/access"),
            sms_external_id: format!("{base}-cognito-sms"),
            function,
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::config::{Config, DEFAULT_CONFIG, LOCAL};

    #[test]
    fn every_name_follows_the_project_and_the_environment() {
        let config = Config::parse(DEFAULT_CONFIG, "admin-queries.toml").unwrap();
        let env = config.environment(LOCAL, "admin-queries.toml").unwrap();
        let names = config.names(LOCAL, &env);
        assert_eq!(names.stack, format!("{}-local", config.project));
        assert_eq!(names.function, format!("{}-local-admin-queries", config.project));
        assert_eq!(names.function_log_group, format!("/aws/lambda/{}-local-admin-queries", config.project));
        assert_eq!(names.api, format!("{}-local-AdminQueries", config.project));
        assert_eq!(names.app_client, format!("{}-local-app", config.project));
    }
}
