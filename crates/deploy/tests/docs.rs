//! The lists a person reads agree with the table they describe: the README's actions and the default config's
//! comment name exactly the actions of `admin_api::actions::ACTIONS`, the extra ones as off by default.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::path::PathBuf;

use admin_api::actions::ACTIONS;

fn workspace_file(name: &str) -> String {
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap()).join("../..");
    std::fs::read_to_string(root.join(name)).unwrap()
}

/// The text of the section under `heading`, up to the next heading of the same level.
fn section<'a>(text: &'a str, heading: &str) -> &'a str {
    let start = text.find(heading).unwrap_or_else(|| panic!("no `{heading}` section"));
    let rest = &text[start + heading.len()..];
    rest.find("\n## ").map_or(rest, |end| &rest[..end])
}

/// The words in `text` that look like action names: lower camel case, as the table writes them.
fn action_like(text: &str) -> BTreeSet<String> {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| {
            w.len() > 4 && w.starts_with(|c: char| c.is_ascii_lowercase()) && w.chars().any(|c| c.is_ascii_uppercase())
        })
        .map(str::to_owned)
        .collect()
}

fn names(filter: impl Fn(&&admin_api::actions::Action) -> bool) -> BTreeSet<String> {
    ACTIONS.iter().filter(filter).map(|a| a.name.to_owned()).collect()
}

#[test]
fn the_readme_names_every_action_and_no_other() {
    let readme = workspace_file("README.md");
    let api = section(&readme, "## The API");
    let on_by_default: BTreeSet<String> = api
        .lines()
        .filter(|l| l.starts_with("| GET /") || l.starts_with("| POST /"))
        .map(|l| l.split('/').nth(1).unwrap().split_whitespace().next().unwrap().to_owned())
        .collect();
    assert_eq!(on_by_default, names(|a| a.default_enabled), "the README's route table lists the default actions");

    let rules = section(&readme, "## Actions and access rules");
    let prose = rules.split("```").next().unwrap();
    let extras: BTreeSet<String> = action_like(prose)
        .into_iter()
        .filter(|w| ACTIONS.iter().any(|a| a.name == w) && !on_by_default.contains(w))
        .collect();
    assert_eq!(extras, names(|a| !a.default_enabled), "the README lists every extra action");
    for word in action_like(prose) {
        let known = ACTIONS.iter().any(|a| a.name == word)
            || ["filterAttribute", "filterType", "filterValue", "temporaryPassword", "attributeNames"]
                .contains(&word.as_str());
        assert!(known, "the README's actions section names `{word}`, which is no action nor input");
    }
}

#[test]
fn the_default_configs_comment_names_every_extra_action() {
    let config = workspace_file("admin-queries.toml");
    let start = config.find("# actions = ").expect("the default config shows `actions`");
    let block: String =
        config[start..].lines().take_while(|l| l.trim_start().starts_with('#')).collect::<Vec<_>>().join("\n");
    let named: BTreeSet<String> = action_like(&block).into_iter().filter(|w| w != "updateUserAttributes").collect();
    let extras = names(|a| !a.default_enabled);
    for extra in &extras {
        assert!(named.contains(extra), "the default config's comment does not name `{extra}`:\n{block}");
    }
    for word in &named {
        assert!(
            ACTIONS.iter().any(|a| a.name == word),
            "the default config's comment names `{word}`, which is no action"
        );
    }
}
