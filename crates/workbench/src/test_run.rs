//! The test run: every test of the workspace (or those `cargo test` arguments choose), with moto running, and
//! Node.js and the Node packages of `clients/` installed.

use deploy::report::Reporter;
use local_cloud::moto::{MotoInstall, answers};

use crate::{Error, node, workspace};

/// Runs `cargo test` with `cargo_args`, with moto (`MOTO_ENDPOINT`'s, or one of its own) and Node.js.
pub fn run(cargo_args: &[String], report: &mut dyn Reporter) -> Result<(), Error> {
    // The client tests (aws-amplify in Node, the console in Chromium) need Node.js and the Node packages of
    // clients/: the system's Node.js when it is new enough, else a pinned one installed into the tools directory.
    // When neither can be had, the other tests still run and the client test fails saying what is missing.
    let node = match node::ensure(report).and_then(|node| node::ensure_node_packages(&node, report).map(|()| node)) {
        Ok(node) => Some(node),
        Err(Error::Tooling { message: why }) => {
            report.line(&format!("warning: {why}"));
            None
        }
        Err(e) => return Err(e),
    };
    // Use a moto someone else started (CI does), or start our own for the duration of the tests.
    let external = std::env::var("MOTO_ENDPOINT").ok().filter(|url| {
        let port = url.rsplit(':').next().and_then(|p| p.trim_end_matches('/').parse::<u16>().ok());
        port.is_some_and(answers)
    });
    let mut own = None;
    let endpoint = match external {
        Some(url) => {
            report.step(&format!("Using moto at {url}"));
            url
        }
        None => {
            let install = MotoInstall::new(&workspace::tools_dir());
            std::fs::create_dir_all(workspace::tools_dir())?;
            install.ensure(&mut |line| report.line(line))?;
            let moto = install.start(&workspace::tools_dir().join("moto-test.log"))?;
            report.step(&format!("Started moto at {} (pid {}) for the tests", moto.endpoint(), moto.pid));
            let endpoint = moto.endpoint();
            own = Some(moto);
            endpoint
        }
    };
    let mut cargo = workspace::cargo();
    cargo.arg("test").args(default_selection(cargo_args)).args(cargo_args).env("MOTO_ENDPOINT", &endpoint);
    // The client tests run `npm` and `cargo xtask console`: they find the same Node.js first on PATH.
    if let Some(path) = node.as_ref().and_then(node::Node::path_var) {
        cargo.env("PATH", path);
    }
    let status = cargo.status();
    if let Some(mut moto) = own {
        moto.stop();
        report.step("Stopped moto");
    }
    if status?.success() { Ok(()) } else { Err(Error::TestsFailed) }
}

/// `--workspace` unless `cargo_args` name packages, `--all-targets` unless they name targets: so that
/// `cargo xtask test -- -p e2e --test clients` runs that one test, and `cargo xtask test` every one.
fn default_selection(cargo_args: &[String]) -> Vec<&'static str> {
    let ours = cargo_args.iter().take_while(|arg| *arg != "--").map(String::as_str);
    let flag = |arg: &str, names: &[&str]| {
        names.iter().any(|name| arg == *name || arg.strip_prefix(name).is_some_and(|rest| rest.starts_with('=')))
    };
    let (mut packages, mut targets) = (false, false);
    for arg in ours {
        packages |= flag(arg, &["-p", "--package", "--workspace", "--all"]) || (arg.starts_with("-p") && arg.len() > 2);
        targets |= flag(
            arg,
            &[
                "--lib",
                "--bin",
                "--bins",
                "--example",
                "--examples",
                "--test",
                "--tests",
                "--bench",
                "--benches",
                "--all-targets",
                "--doc",
            ],
        );
    }
    let mut selection = Vec::new();
    if !packages {
        selection.push("--workspace");
    }
    if !targets {
        selection.push("--all-targets");
    }
    selection
}

#[cfg(test)]
mod tests {
    use super::default_selection;

    fn args(text: &str) -> Vec<String> {
        text.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn every_target_of_the_workspace_unless_the_arguments_choose() {
        assert_eq!(default_selection(&[]), ["--workspace", "--all-targets"]);
        assert_eq!(default_selection(&args("-p e2e --test clients")), Vec::<&str>::new());
        assert_eq!(default_selection(&args("--package=xtask")), ["--all-targets"]);
        assert_eq!(default_selection(&args("-pxtask")), ["--all-targets"]);
        assert_eq!(default_selection(&args("--lib")), ["--workspace"]);
        // A test name filter, and what follows `--` (the test binaries' own flags), choose nothing.
        assert_eq!(default_selection(&args("listUsers -- --test-threads 1 --lib")), ["--workspace", "--all-targets"]);
    }
}
