//! The Amplify Admin Queries function's own code, compared with the stock files the Amplify CLI copies into
//! `amplify/backend/function/AdminQueries<hash>/src/`: a route the app added, a stock route it removed, or other
//! edits, none of which an import can carry.
//!
//! What is stored of the stock files is their routes and the SHA-256 of every version the CLI has shipped (from
//! aws-amplify/amplify-cli, `packages/amplify-category-auth/resources/adminAuth/admin-auth-app.js` and
//! `admin-auth-cognitoActions.js`, and their earlier place under `provider-utils/awscloudformation/assets/`), of the
//! text with `\r\n` read as `\n`.

use std::path::Path;

use admin_api::actions::{ACTIONS, Action, Verb};
use sha2::{Digest, Sha256};

use super::{Note, NoteKind};

/// The routes of the stock `app.js` (since Amplify CLI 4.32, October 2020; earlier versions lack `/listGroups`).
pub const STOCK_ROUTES: &[(Verb, &str)] = &[
    (Verb::Post, "addUserToGroup"),
    (Verb::Post, "removeUserFromGroup"),
    (Verb::Post, "confirmUserSignUp"),
    (Verb::Post, "disableUser"),
    (Verb::Post, "enableUser"),
    (Verb::Get, "getUser"),
    (Verb::Get, "listUsers"),
    (Verb::Get, "listGroups"),
    (Verb::Get, "listGroupsForUser"),
    (Verb::Get, "listUsersInGroup"),
    (Verb::Post, "signUserOut"),
];

/// SHA-256 of each stock `app.js`.
const STOCK_APP_JS: &[&str] = &[
    "7545d73a36aedf250085c72fc02b5a06428e676fb23258a939f697a6f3b98e95",
    "261afa64242358f49822a44d875d9d9508e3493e535f32adb6bc99090e720c30",
    "24cb1c558d07923f7a3daaa4434949db5f9c4446934847f02e32e9f230a2cc4c",
    "9a215888ab86df8cd121b0ba86c0ee6ee167ebe6d30be0ff762154f2103631d5",
    "c64a73341301ce1bdd83ee1d3488f7410624a694d6f5a567307888bda308410c",
    "f9d91a92cf4e209fdea981370bcc4bcc30825b2ce082d9f6191c2dd7882eebb2",
    "59a1c69cb6ded6169ec7c23587e87092395780c4978e1ea22b02d9309232459f",
    "779174a75a34879b0e9edb70f9490ab5e5b1a5673f0bc2fcccaf76095e9e056f",
    "2f7f90719126b8fa88aba40b7ef92498c410b7df52bb4679e893832ca5691846",
    "135601900718f6b7c80f0e97e35c2fb4226b35a36487dff97f63decee4509e60",
];

/// SHA-256 of each stock `cognitoActions.js`.
const STOCK_COGNITO_ACTIONS_JS: &[&str] = &[
    "1487076bb9d5e311596e1056864fc395611466b7e877c0a686efb6374be38460",
    "7b0cb960d1461b1f930edb9f18d18f4288e58eed6f7d3ffb5b4db7755ae63195",
    "3bda5380e9455fcd67f4e8aa9877cdfde3f1c4d914a531c70afcb14980018400",
    "f86d1aa89d44933d6d15b0c6ab9c7b51312cd4ae73ee3763d3ce626b72b2ee54",
    "6bd839ef9dee17b2683412747c36e874813ef92761747ec54dcf2670d076f223",
    "417bc4241119be9e3a2a7edddb5425825d7d9aee27402b27af649495c8cb3239",
    "138b6ec21c0d6a835d81951daf5e24fa4438ad0d9930b52ca6e6620a9cc77e01",
    "711468b28e021ce11f8793d0f2b9cf281c2713c56b3c09cb719bc675e241ff50",
    "51fd0513f58d5de10a4987ddbcbb610ef38710f7f3a1425421e939da3a8ac8b3",
];

fn is_stock(text: &str, hashes: &[&str]) -> bool {
    let digest = Sha256::digest(text.replace("\r\n", "\n").as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    hashes.contains(&hex.as_str())
}

/// The routes an Express `app.js` declares: `app.get('/name'`, `app.post("/name"`, ... (`app.all('*'` and
/// middleware are not routes).
pub fn routes(text: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for (at, _) in text.match_indices("app.") {
        let rest = &text[at + 4..];
        let Some((verb, rest)) = rest.split_once('(') else { continue };
        if !["get", "post", "put", "patch", "delete", "all"].contains(&verb) {
            continue;
        }
        let rest = rest.trim_start();
        let Some(quote) = rest.chars().next().filter(|c| ['\'', '"', '`'].contains(c)) else { continue };
        let Some(path) = rest[1..].split(quote).next() else { continue };
        if let Some(name) = path.strip_prefix('/') {
            found.push((verb.to_owned(), name.to_owned()));
        }
    }
    found
}

fn verb_name(verb: Verb) -> &'static str {
    match verb {
        Verb::Get => "get",
        Verb::Post => "post",
    }
}

/// What the function's `src/app.js` and `src/cognitoActions.js` under `dir` (relative to `root`) hold that the
/// stock files do not.
pub(super) fn notes(root: &Path, dir: &str) -> Vec<Note> {
    let mut notes = Vec::new();
    let app_rel = format!("{dir}/src/app.js");
    if let Ok(app) = std::fs::read_to_string(root.join(&app_rel))
        && !is_stock(&app, STOCK_APP_JS)
    {
        notes.extend(route_notes(&app_rel, &app));
    }
    let actions_rel = format!("{dir}/src/cognitoActions.js");
    if let Ok(actions) = std::fs::read_to_string(root.join(&actions_rel))
        && !is_stock(&actions, STOCK_COGNITO_ACTIONS_JS)
    {
        notes.push(Note::new(
            NoteKind::EditedFunction,
            format!(
                "{actions_rel} differs from every version the Amplify CLI wrote: its calls to Cognito were changed"
            ),
            "the routes here call Cognito as the stock file does (the README's `Differences from Amplify`); \
             carry what your changes do into your app or a function of your own",
        ));
    }
    notes
}

fn route_notes(rel: &str, app: &str) -> Vec<Note> {
    let found = routes(app);
    let mut notes = Vec::new();
    for (verb, name) in &found {
        if STOCK_ROUTES.iter().any(|(v, n)| verb_name(*v) == verb && n == name) {
            continue;
        }
        let method = verb.to_uppercase();
        let action = ACTIONS.iter().find(|a| a.name == name && verb_name(a.verb) == verb);
        let instead = match action {
            Some(Action { default_enabled: true, .. }) => {
                format!("the API here serves {method} /{name} already; check that it answers as your route did")
            }
            Some(_) => format!(
                "the API here has this action, off by default: turn it on with \
                 `cargo xtask update-auth --enable-action {name}`, and check that it answers as your route did"
            ),
            None => format!(
                "the API here has no such action: serve it from a function and API of your own, and point the \
                 app's call of /{name} there"
            ),
        };
        notes.push(Note::new(NoteKind::CustomRoute, format!("{rel} adds the route {method} /{name}"), instead));
    }
    let removed: Vec<&str> = STOCK_ROUTES
        .iter()
        .filter(|(v, n)| !found.iter().any(|(verb, name)| verb == verb_name(*v) && name == n))
        .map(|(_, n)| *n)
        .collect();
    if !removed.is_empty() {
        let flags: Vec<String> = removed.iter().map(|n| format!("--disable-action {n}")).collect();
        notes.push(Note::new(
            NoteKind::RemovedRoute,
            format!("{rel} no longer serves /{}", removed.join(", /")),
            format!(
                "the API here serves them by default; to keep them off: cargo xtask update-auth {}",
                flags.join(" ")
            ),
        ));
    }
    if notes.is_empty() {
        notes.push(Note::new(
            NoteKind::EditedFunction,
            format!("{rel} differs from every version the Amplify CLI wrote, with the same routes"),
            "the routes here behave as the stock ones (the README's `Differences from Amplify`); carry what \
             the changes do into the app or a function of your own",
        ));
    }
    notes
}
