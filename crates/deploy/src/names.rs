//! The names of an environment's resources, from one place: the template, the AWS deployer and the local
//! environment all call `Config::names`, which is [`Names::new`] of the config's project and the environment's stack. The config's checks refuse an environment whose names AWS would refuse
//! ([`Names::limited`]), so a name is never cut short here.

/// The names of one environment's resources. What can exist once per account and region (the function, the log
/// groups) is named after the stack, so two stacks of one environment (say, one per pull request) never collide.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Names {
    /// The CloudFormation stack: the environment's `stack`, else `<project>-<env>`.
    pub stack: String,
    /// The user pool: `<project>-<env>`. Not the stack's: renaming a pool replaces it, and its users with it.
    pub user_pool: String,
    /// The app client: `<project>-<env>-app`.
    pub app_client: String,
    /// The function: `<stack>-admin-queries`.
    pub function: String,
    /// The function's log group: `/aws/lambda/<function>`.
    pub function_log_group: String,
    /// The REST API: `<stack>-AdminQueries`.
    pub api: String,
    /// The local gateway's API id: `<project>-<env>`.
    pub local_api_id: String,
    /// The stage's access log group: `/aws/apigateway/<function>/access`.
    pub access_log_group: String,
    /// The external id of the pool's SMS role: `<project>-<env>-cognito-sms`.
    pub sms_external_id: String,
}

/// What a derived name is made from, and so what to shorten when it is too long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The stack's name: the environment's `stack`, else `<project>-<env>`.
    Stack,
    /// `<project>-<env>`, whatever the stack.
    ProjectAndEnvironment,
}

/// One name sent to AWS, with the most characters AWS allows for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limited<'a> {
    /// What it names, for a person: "the Lambda function name".
    pub what: &'static str,
    /// The name.
    pub name: &'a str,
    /// The most characters AWS allows.
    pub limit: usize,
    /// What it is made from.
    pub source: Source,
}

impl Names {
    /// Every name AWS limits, with its limit. (The function's role is not named: CloudFormation names it, within
    /// IAM's 64 characters.)
    pub fn limited(&self) -> [Limited<'_>; 8] {
        fn limited<'a>(what: &'static str, name: &'a str, limit: usize, source: Source) -> Limited<'a> {
            Limited { what, name, limit, source }
        }
        [
            limited("the CloudFormation stack name", &self.stack, 128, Source::Stack),
            limited("the Lambda function name", &self.function, 64, Source::Stack),
            limited("the function's log group", &self.function_log_group, 512, Source::Stack),
            limited("the REST API name", &self.api, 1024, Source::Stack),
            limited("the access log group", &self.access_log_group, 512, Source::Stack),
            limited("the user pool name", &self.user_pool, 128, Source::ProjectAndEnvironment),
            limited("the app client name", &self.app_client, 128, Source::ProjectAndEnvironment),
            limited("the SMS role's external id", &self.sms_external_id, 1224, Source::ProjectAndEnvironment),
        ]
    }
}

impl Names {
    /// The names of environment `env_name` of `project`, in the stack `stack` (`None`: `<project>-<env>`).
    pub fn new(project: &str, env_name: &str, stack: Option<&str>) -> Self {
        let base = format!("{project}-{env_name}");
        let stack = stack.map_or_else(|| base.clone(), str::to_owned);
        let function = format!("{stack}-admin-queries");
        Self {
            user_pool: base.clone(),
            app_client: format!("{base}-app"),
            function_log_group: format!("/aws/lambda/{function}"),
            api: format!("{stack}-AdminQueries"),
            local_api_id: base.clone(),
            access_log_group: format!("/aws/apigateway/{function}/access"),
            sms_external_id: format!("{base}-cognito-sms"),
            function,
            stack,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Names;

    #[test]
    fn every_name_follows_the_project_and_the_environment() {
        let names = Names::new("myapp", "local", None);
        assert_eq!(names.stack, "myapp-local");
        assert_eq!(names.function, "myapp-local-admin-queries");
        assert_eq!(names.function_log_group, "/aws/lambda/myapp-local-admin-queries");
        assert_eq!(names.api, "myapp-local-AdminQueries");
        assert_eq!(names.app_client, "myapp-local-app");
    }

    #[test]
    fn two_stacks_of_one_environment_have_their_own_function_and_log_groups() {
        let (main, pr) =
            (Names::new("myapp", "dev", Some("myapp-dev")), Names::new("myapp", "dev", Some("myapp-pr-42")));
        assert_eq!(main, Names::new("myapp", "dev", None), "the default stack is <project>-<env>");
        assert_eq!(pr.function, "myapp-pr-42-admin-queries");
        assert_eq!(pr.function_log_group, "/aws/lambda/myapp-pr-42-admin-queries");
        assert_eq!(pr.access_log_group, "/aws/apigateway/myapp-pr-42-admin-queries/access");
        for (a, b) in [
            (&main.function, &pr.function),
            (&main.function_log_group, &pr.function_log_group),
            (&main.access_log_group, &pr.access_log_group),
        ] {
            assert_ne!(a, b);
        }
        assert_eq!(main.user_pool, pr.user_pool, "the pool keeps its name: renaming it would replace it");
    }
}
