//! The plan: a change set with an explicit type, described row by row; the guard that refuses to replace or remove
//! the user pool, its groups or the app client.

use aws_sdk_cloudformation::types::{Capability, ChangeAction, ChangeSetStatus, Parameter, RequiresRecreation};
use aws_smithy_types::DateTime;

use super::{DeployError, Deployer, Prepared, Report, aws, message_of};
use crate::template::{APP_CLIENT, GROUP_PREFIX, USER_POOL};

/// One row of the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub action: String,
    pub logical_id: String,
    pub resource_type: String,
    /// `True`, `False` or `Conditional` for a modification; empty otherwise.
    pub replacement: String,
    /// The properties whose change forces (or may force) a replacement.
    pub recreating: Vec<String>,
}

impl Change {
    fn guards_users(&self) -> bool {
        self.resource_type.starts_with("AWS::Cognito::")
            && (self.logical_id == USER_POOL
                || self.logical_id == APP_CLIENT
                || self.logical_id.starts_with(GROUP_PREFIX))
    }

    /// Whether this change would lose the users of the pool (or a group's memberships, or the clients' config).
    pub fn is_destructive(&self) -> bool {
        self.guards_users()
            && (self.action == "Remove"
                || (self.action == "Modify" && matches!(self.replacement.as_str(), "True" | "Conditional")))
    }
}

/// The plan, as a table for a person.
pub fn plan_table(changes: &[Change]) -> String {
    let headers = ["Action", "Logical id", "Type", "Replacement"];
    let rows: Vec<[String; 4]> = changes
        .iter()
        .map(|c| {
            [
                c.action.clone(),
                c.logical_id.clone(),
                c.resource_type.clone(),
                if c.replacement.is_empty() { "-".into() } else { c.replacement.clone() },
            ]
        })
        .collect();
    let widths: Vec<usize> =
        (0..4).map(|i| rows.iter().map(|r| r[i].len()).chain([headers[i].len()]).max().unwrap_or(0)).collect();
    let line = |cells: [&str; 4]| {
        let text: Vec<String> = cells.iter().zip(&widths).map(|(c, w)| format!("{c:<w$}")).collect();
        text.join("  ").trim_end().to_owned()
    };
    let mut out = vec![line(headers), line(["------", "----------", "----", "-----------"])];
    out.extend(rows.iter().map(|r| line([&r[0], &r[1], &r[2], &r[3]])));
    out.join("\n")
}

impl Deployer {
    /// Creates and describes a change set for `template`, refusing destructive changes unless `allow_destructive`.
    /// `retains_pool`: the environment keeps its pool, so a failed first create is not deleted automatically.
    pub async fn prepare(
        &self,
        template: &str,
        parameters: &[(&str, &str)],
        retains_pool: bool,
        allow_destructive: bool,
        report: &mut dyn FnMut(Report),
    ) -> Result<Prepared, DeployError> {
        let kind = self.change_set_type(retains_pool, report).await?;
        let name = format!("admin-queries-{}", DateTime::from(std::time::SystemTime::now()).secs());
        let mut create = self
            .cfn
            .create_change_set()
            .stack_name(&self.stack)
            .change_set_name(&name)
            .change_set_type(kind.clone())
            .template_body(template)
            .capabilities(Capability::CapabilityIam)
            .description("cargo xtask deploy");
        for (key, value) in parameters {
            create = create.parameters(Parameter::builder().parameter_key(*key).parameter_value(*value).build());
        }
        match create.send().await {
            Ok(_) => {}
            // The answer UpdateStack gives, which some endpoints give for an unchanged change set too.
            Err(e) if message_of(&e).is_some_and(|m| m.contains("No updates are to be performed")) => {
                return Ok(Prepared::NoChanges);
            }
            Err(e) => return Err(aws("CreateChangeSet")(e)),
        }
        report(Report::Line(format!("Created change set {name} ({})", kind.as_str())));

        // Wait for it to be described.
        let described = loop {
            let out = self
                .cfn
                .describe_change_set()
                .stack_name(&self.stack)
                .change_set_name(&name)
                .send()
                .await
                .map_err(aws("DescribeChangeSet"))?;
            match out.status() {
                Some(ChangeSetStatus::CreateComplete) => break out,
                Some(ChangeSetStatus::Failed) => {
                    let reason = out.status_reason().unwrap_or("CloudFormation gave no reason").to_owned();
                    self.delete_change_set(&name).await?;
                    if reason.contains("didn't contain changes") || reason.contains("No updates are to be performed") {
                        return Ok(Prepared::NoChanges);
                    }
                    return Err(DeployError::ChangeSetFailed(reason));
                }
                _ => tokio::time::sleep(self.poll).await,
            }
        };
        let mut changes = Vec::new();
        let mut page = Some(described);
        while let Some(out) = page.take() {
            for change in out.changes() {
                let Some(rc) = change.resource_change() else {
                    continue;
                };
                changes.push(Change {
                    action: rc.action().map(|a| a.as_str().to_owned()).unwrap_or_default(),
                    logical_id: rc.logical_resource_id().unwrap_or_default().to_owned(),
                    resource_type: rc.resource_type().unwrap_or_default().to_owned(),
                    replacement: if rc.action() == Some(&ChangeAction::Modify) {
                        rc.replacement().map(|r| r.as_str().to_owned()).unwrap_or_default()
                    } else {
                        String::new()
                    },
                    recreating: rc
                        .details()
                        .iter()
                        .filter_map(|d| d.target())
                        .filter(|t| {
                            matches!(
                                t.requires_recreation(),
                                Some(RequiresRecreation::Always | RequiresRecreation::Conditionally)
                            )
                        })
                        .filter_map(|t| t.name().map(str::to_owned))
                        .collect(),
                });
            }
            if let Some(token) = out.next_token() {
                let next = self
                    .cfn
                    .describe_change_set()
                    .stack_name(&self.stack)
                    .change_set_name(&name)
                    .next_token(token)
                    .send()
                    .await
                    .map_err(aws("DescribeChangeSet"))?;
                page = Some(next);
            }
        }
        if changes.is_empty() {
            self.delete_change_set(&name).await?;
            return Ok(Prepared::NoChanges);
        }
        let destructive: Vec<&Change> = changes.iter().filter(|c| c.is_destructive()).collect();
        if !destructive.is_empty() && !allow_destructive {
            self.delete_change_set(&name).await?;
            let what = if destructive.iter().any(|c| c.action == "Remove") { "remove" } else { "replace" };
            let details = destructive
                .iter()
                .map(|c| {
                    let cause = if c.recreating.is_empty() {
                        String::new()
                    } else {
                        format!(" (a change to {} forces it)", c.recreating.join(", "))
                    };
                    format!(
                        "  {} {} ({}), replacement: {}{cause}",
                        c.action,
                        c.logical_id,
                        c.resource_type,
                        if c.replacement.is_empty() { "-" } else { &c.replacement }
                    )
                })
                .collect::<Vec<_>>()
                .join("\n");
            let noun = destructive.iter().map(|c| c.logical_id.as_str()).collect::<Vec<_>>().join(", ");
            return Err(DeployError::Destructive { what: format!("{what} {noun}"), details });
        }
        Ok(Prepared::Changes { change_set: name, changes })
    }
}
