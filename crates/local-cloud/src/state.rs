//! What a local deployment left running, in `<project>/.admin-queries/<env>/state.json`.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LocalState {
    pub moto: Option<Process>,
    pub gateway: Option<Gateway>,
    pub user_pool_id: Option<String>,
    pub client_id: Option<String>,
    pub region: String,
}

/// A background process we started.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Process {
    pub pid: u32,
    pub port: u16,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Gateway {
    pub pid: u32,
    pub port: u16,
    pub stage: String,
    /// What it was started with: the gateway's config and the binary's size and modification time. A deploy
    /// restarts the gateway only when this changes.
    pub fingerprint: String,
}

impl Process {
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Gateway {
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/{}", self.port, self.stage)
    }
}

fn path(dir: &Path) -> PathBuf {
    dir.join("state.json")
}

impl LocalState {
    /// The state kept in the environment's directory `dir`, or `None` when it was never deployed (or was torn down).
    pub fn load(dir: &Path) -> Option<Self> {
        let text = std::fs::read_to_string(path(dir)).ok()?;
        serde_json::from_str(&text).ok()
    }

    pub fn save(&self, dir: &Path) -> std::io::Result<()> {
        std::fs::create_dir_all(dir)?;
        let text = serde_json::to_string_pretty(self).map_err(std::io::Error::other)?;
        std::fs::write(path(dir), text)
    }
}
