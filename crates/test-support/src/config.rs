//! A project's `admin-queries.toml`, written as a user would: the groups, who may call the API, and what it offers.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::Value;

/// A project's config. [`ProjectConfig::new`] is the common start: an `Admins` group (precedence 1) and the API
/// restricted to it; the other settings are left to the defaults unless set.
#[derive(Debug, Clone)]
pub struct ProjectConfig {
    project: String,
    username_attributes: Vec<String>,
    groups: Vec<(String, u32)>,
    restrict_to_group: Option<String>,
    token: Option<String>,
    cors_origins: Option<Vec<String>>,
    actions: Option<Vec<String>>,
}

impl ProjectConfig {
    pub fn new(project: &str) -> Self {
        Self {
            project: project.to_owned(),
            username_attributes: Vec::new(),
            groups: vec![("Admins".to_owned(), 1)],
            restrict_to_group: Some("Admins".to_owned()),
            token: None,
            cors_origins: None,
            actions: None,
        }
    }

    /// One more group.
    pub fn group(mut self, name: &str, precedence: u32) -> Self {
        self.groups.push((name.to_owned(), precedence));
        self
    }

    /// Users sign in with their email (`username_attributes = ["email"]`).
    pub fn sign_in_by_email(mut self) -> Self {
        self.username_attributes = vec!["email".to_owned()];
        self
    }

    /// `token = "access"` or `"id"`.
    pub fn token(mut self, kind: &str) -> Self {
        self.token = Some(kind.to_owned());
        self
    }

    /// `cors_origins = ["*"]`.
    pub fn any_origin(mut self) -> Self {
        self.cors_origins = Some(vec!["*".to_owned()]);
        self
    }

    /// The enabled actions, by name.
    pub fn actions<S: AsRef<str>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
        self.actions = Some(names.into_iter().map(|n| n.as_ref().to_owned()).collect());
        self
    }

    /// The file's text.
    pub fn to_toml(&self) -> String {
        let mut text = format!("project = {}\n\n[user_pool]\n", quoted(&self.project));
        if !self.username_attributes.is_empty() {
            writeln!(text, "username_attributes = {}", list(&self.username_attributes)).unwrap();
        }
        let groups: Vec<String> =
            self.groups.iter().map(|(name, p)| format!("{{ name = {}, precedence = {p} }}", quoted(name))).collect();
        writeln!(text, "groups = [{}]\n\n[admin_api]", groups.join(", ")).unwrap();
        if let Some(group) = &self.restrict_to_group {
            writeln!(text, "restrict_to_group = {}", quoted(group)).unwrap();
        }
        if let Some(token) = &self.token {
            writeln!(text, "token = {}", quoted(token)).unwrap();
        }
        if let Some(origins) = &self.cors_origins {
            writeln!(text, "cors_origins = {}", list(origins)).unwrap();
        }
        if let Some(actions) = &self.actions {
            writeln!(text, "actions = {}", list(actions)).unwrap();
        }
        text
    }

    /// Writes `admin-queries.toml` into `dir`.
    pub fn write_to(&self, dir: &Path) {
        std::fs::write(dir.join("admin-queries.toml"), self.to_toml()).unwrap();
    }

    /// A project directory of its own (see [`crate::temp_dir`]) holding this config.
    pub fn project_dir(&self, prefix: &str) -> PathBuf {
        let dir = crate::temp_dir(prefix);
        self.write_to(&dir);
        dir
    }
}

/// A TOML basic string (a JSON string is one).
fn quoted(value: &str) -> String {
    Value::from(value).to_string()
}

fn list(values: &[String]) -> String {
    let quoted: Vec<String> = values.iter().map(|v| quoted(v)).collect();
    format!("[{}]", quoted.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_common_config_and_every_setting() {
        assert_eq!(
            ProjectConfig::new("p").to_toml(),
            "project = \"p\"\n\n[user_pool]\ngroups = [{ name = \"Admins\", precedence = 1 }]\n\n[admin_api]\n\
             restrict_to_group = \"Admins\"\n"
        );
        let all = ProjectConfig::new("p")
            .group("Editors", 2)
            .sign_in_by_email()
            .token("access")
            .any_origin()
            .actions(["listUsers", "getUser"]);
        assert_eq!(
            all.to_toml(),
            "project = \"p\"\n\n[user_pool]\nusername_attributes = [\"email\"]\ngroups = [{ name = \"Admins\", \
             precedence = 1 }, { name = \"Editors\", precedence = 2 }]\n\n[admin_api]\nrestrict_to_group = \
             \"Admins\"\ntoken = \"access\"\ncors_origins = [\"*\"]\nactions = [\"listUsers\", \"getUser\"]\n"
        );
    }
}
