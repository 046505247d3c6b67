//! The config's text, made with `toml_edit`: each value with a comment naming the file and key it came from, an
//! environment whose pool is unknown with its region and a commented placeholder (so the file still parses), and
//! the whole checked as `cargo xtask deploy` will check it.

use toml_edit::{Array, DocumentMut, InlineTable, Item, Table, Value};

use super::json::Sourced;
use super::{AmplifyEnvironment, Generation, ImportError, Imported, Pending, Plan, Restriction};
use crate::config::{Config, FILE_NAME, TokenKind};

/// `value` with `# from` after it (on one line, whatever names the project's files hold).
fn commented(value: impl Into<Value>, from: &str) -> Item {
    let mut value = value.into();
    value.decor_mut().set_suffix(format!("   # {}", one_line(from)));
    Item::Value(value)
}

/// `text` without line breaks or other control characters, for a comment.
fn one_line(text: &str) -> String {
    text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

fn sourced(value: &Sourced<String>) -> Item {
    commented(value.value.as_str(), &value.from)
}

/// Builds the tables in order, each after a blank line; `pending` lines go before the next table (or at the end).
struct Builder {
    doc: DocumentMut,
    position: isize,
    pending: String,
}

impl Builder {
    fn table(&mut self, mut table: Table) -> Table {
        self.position += 1;
        table.set_position(Some(self.position));
        table.decor_mut().set_prefix(format!("\n{}", std::mem::take(&mut self.pending)));
        table
    }
}

pub(super) fn render(plan: &Plan) -> Result<Imported, ImportError> {
    let generation = match plan.generation {
        Generation::Gen1 => "an Amplify Gen 1 project",
        Generation::Gen2 => "an Amplify Gen 2 app (amplify_outputs.json)",
    };
    let mut b = Builder { doc: DocumentMut::new(), position: 0, pending: String::new() };
    b.doc.insert("project", sourced(&plan.project));
    if let Some(mut key) = b.doc.key_mut("project") {
        key.leaf_decor_mut().set_prefix(format!(
            "# Admin Queries for Cognito, imported from {generation} by `cargo xtask import-amplify`.\n\
             # Each value names the Amplify file (and key) it came from. Each environment adopts its Amplify\n\
             # pool, which a deploy never modifies. Every other key has its default: the README's config section\n\
             # lists them all.\n"
        ));
    }

    let mut pool = Table::new();
    let attributes: Array = plan.username_attributes.value.iter().map(|a| a.cognito_name()).collect();
    pool.insert("username_attributes", commented(attributes, &plan.username_attributes.from));
    let groups: Array = plan
        .groups
        .value
        .iter()
        .map(|g| {
            let mut t = InlineTable::new();
            t.insert("name", g.name.as_str().into());
            if let Some(p) = g.precedence {
                t.insert("precedence", i64::from(p).into());
            }
            t
        })
        .collect();
    pool.insert("groups", commented(groups, &plan.groups.from));
    let pool = b.table(pool);
    b.doc.insert("user_pool", Item::Table(pool));

    let mut api = Table::new();
    match &plan.restriction.value {
        Restriction::Group(group) => api.insert("restrict_to_group", commented(group.as_str(), &plan.restriction.from)),
        Restriction::AnySignedInUser => api.insert("allow_any_signed_in_user", commented(true, &plan.restriction.from)),
    };
    let token = match plan.token.value {
        TokenKind::Access => "access",
        TokenKind::Id => "id",
    };
    api.insert("token", commented(token, &plan.token.from));
    let api = b.table(api);
    b.doc.insert("admin_api", Item::Table(api));

    let mut environments = Table::new();
    environments.set_implicit(true);
    let mut pending = Vec::new();
    for env in &plan.environments {
        environments.insert(&env.name, Item::Table(environment(&mut b, env)));
        if env.pool.is_none() {
            pending.push(Pending {
                env: env.name.clone(),
                region: env.region.value.clone(),
                stack: env.root_stack.clone(),
            });
        }
    }
    b.doc.insert("environments", Item::Table(environments));
    let trailing = std::mem::take(&mut b.pending);
    b.doc.set_trailing(trailing);

    let text = b.doc.to_string();
    let config = Config::parse(&text, FILE_NAME).map_err(|source| ImportError::Invalid { source })?;
    for env in &plan.environments {
        config.environment(&env.name, FILE_NAME).map_err(|source| ImportError::Invalid { source })?;
    }
    Ok(Imported {
        generation: plan.generation,
        text,
        environments: plan.environments.iter().map(|e| e.name.clone()).collect(),
        pending,
        notes: plan.notes.clone(),
    })
}

/// `[environments.<name>]` with its region and, when known, `[environments.<name>.user_pool]` with the adopted pool
/// and web app client; else the placeholder, left for the next table.
fn environment(b: &mut Builder, env: &AmplifyEnvironment) -> Table {
    let mut table = Table::new();
    table.insert("region", sourced(&env.region));
    let mut table = b.table(table);
    match &env.pool {
        Some(pool) => {
            let mut adopted = Table::new();
            adopted.insert("existing", sourced(&pool.id));
            adopted.insert("client_id", sourced(&pool.client_id));
            table.insert("user_pool", Item::Table(b.table(adopted)));
        }
        None => {
            let name = &env.name;
            let stack = one_line(env.root_stack.as_deref().unwrap_or("its root stack"));
            b.pending = format!(
                "# The pool of `{name}` is not in the Amplify files, which hold the ids of the environment\n\
                 # pushed last only. Until it is written here, deploying `{name}` would create a new, empty pool.\n\
                 # Read it from the Amplify stack {stack} with `cargo xtask import-amplify --aws`,\n\
                 # or write its ids here (the Cognito console shows them):\n\
                 # [environments.{name}.user_pool]\n\
                 # existing = \"{}_...\"   # the pool's id\n\
                 # client_id = \"...\"   # its web app client (the one without a secret)\n",
                env.region.value
            );
        }
    }
    table
}
