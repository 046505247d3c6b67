//! The Amplify files, read as JSON with their place: every value taken from one knows the file and the key it came
//! from, for the config's comments and for the errors.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::ImportError;

/// A value and where it came from (`amplify/backend/...json: key`), which the config's comment names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sourced<T> {
    pub value: T,
    pub from: String,
}

impl<T> Sourced<T> {
    pub fn new(value: T, from: impl Into<String>) -> Self {
        Self { value, from: from.into() }
    }
}

/// One JSON file of the project: its path relative to the project's root (as the comments name it), its full path
/// (as the errors name it), and its content.
#[derive(Debug, Clone)]
pub(super) struct JsonFile {
    pub rel: String,
    pub path: PathBuf,
    pub value: Value,
}

impl JsonFile {
    /// The file `rel` under `root`, if it exists.
    pub fn read(root: &Path, rel: &str) -> Result<Option<Self>, ImportError> {
        let path = root.join(rel);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(ImportError::Unreadable { path, source }),
        };
        let value = serde_json::from_str(&text).map_err(|e| ImportError::Malformed {
            path: path.clone(),
            line: e.line(),
            column: e.column(),
            message: e.to_string().split(" at line ").next().unwrap_or_default().to_owned(),
        })?;
        Ok(Some(Self { rel: rel.to_owned(), path, value }))
    }

    /// The file `rel` under `root`, which the import needs.
    pub fn require(root: &Path, rel: &str) -> Result<Self, ImportError> {
        Self::read(root, rel)?.ok_or_else(|| ImportError::MissingFile { path: root.join(rel) })
    }

    /// The value at the dotted `key` (`""`: the whole file).
    pub fn get(&self, key: &str) -> Option<&Value> {
        if key.is_empty() {
            return Some(&self.value);
        }
        key.split('.').try_fold(&self.value, |v, part| v.get(part))
    }

    /// `file: key`, as a comment names a value's origin.
    pub fn from(&self, key: &str) -> String {
        format!("{}: {key}", self.rel)
    }

    pub fn missing(&self, key: &str, expected: &str) -> ImportError {
        ImportError::MissingKey { path: self.path.clone(), key: key.to_owned(), expected: expected.to_owned() }
    }

    pub fn bad(&self, key: &str, problem: impl Into<String>) -> ImportError {
        ImportError::BadValue { path: self.path.clone(), key: key.to_owned(), problem: problem.into() }
    }

    /// The string at `key`; absent is `None`, another type an error.
    pub fn opt_str(&self, key: &str) -> Result<Option<Sourced<String>>, ImportError> {
        match self.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(Sourced::new(s.clone(), self.from(key)))),
            Some(other) => Err(self.bad(key, format!("is {other}, not a string"))),
        }
    }

    /// The string at `key`, which must be there (`expected` says what it is).
    pub fn str(&self, key: &str, expected: &str) -> Result<Sourced<String>, ImportError> {
        self.opt_str(key)?.filter(|s| !s.value.is_empty()).ok_or_else(|| self.missing(key, expected))
    }

    /// The object at `key`; absent is `None`, another type an error.
    pub fn opt_object(&self, key: &str) -> Result<Option<&Map<String, Value>>, ImportError> {
        match self.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Object(map)) => Ok(Some(map)),
            Some(other) => Err(self.bad(key, format!("is {other}, not an object"))),
        }
    }

    /// The strings of the array at `key`; absent is `None`.
    pub fn opt_strings(&self, key: &str) -> Result<Option<Vec<String>>, ImportError> {
        match self.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| {
                    item.as_str().map(str::to_owned).ok_or_else(|| self.bad(key, format!("has {item}, not a string")))
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Some),
            Some(other) => Err(self.bad(key, format!("is {other}, not a list of strings"))),
        }
    }

    /// The boolean at `key` (also `"true"`, as some CLI versions write it); absent is `false`.
    pub fn flag(&self, key: &str) -> Result<bool, ImportError> {
        match self.get(key) {
            None | Some(Value::Null) => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(Value::String(s)) if s == "true" || s == "false" => Ok(s == "true"),
            Some(other) => Err(self.bad(key, format!("is {other}, not true or false"))),
        }
    }
}
