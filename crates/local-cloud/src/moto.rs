//! moto, managed for the user: a pinned `moto[server]` in a virtualenv under the project's state directory,
//! started on 127.0.0.1 on a free port.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The moto release we test against. Newer releases change what they emulate; pinning keeps runs repeatable.
pub const MOTO_VERSION: &str = "5.2.5";

#[derive(Debug, thiserror::Error)]
pub enum MotoError {
    #[error(
        "python3 was not found: moto (the local AWS emulator) runs on Python 3.9 or newer\n\
         help: install it, e.g. `apt-get install python3 python3-venv`, then run this again"
    )]
    NoPython,
    #[error(
        "could not create a virtualenv with `python3 -m venv` ({0})\n\
         help: install the venv module, e.g. `apt-get install python3-venv`, then run this again"
    )]
    NoVenv(String),
    #[error(
        "installing moto[server]=={MOTO_VERSION} with pip failed:\n{0}\nhelp: check that PyPI is reachable, then run this again"
    )]
    PipFailed(String),
    #[error("could not start moto ({0})")]
    Spawn(std::io::Error),
    #[error("moto did not answer on {0} within {1:?}; its log is {2}")]
    NotReady(String, Duration, PathBuf),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// The moto installation in `<state>/moto`.
#[derive(Debug, Clone)]
pub struct MotoInstall {
    venv: PathBuf,
}

impl MotoInstall {
    pub fn new(state_dir: &Path) -> Self {
        Self { venv: state_dir.join("moto") }
    }

    pub fn server_binary(&self) -> PathBuf {
        self.venv.join("bin").join("moto_server")
    }

    /// Whether the pinned version is installed.
    pub fn is_installed(&self) -> bool {
        std::fs::read_to_string(self.venv.join("installed-version")).is_ok_and(|v| v.trim() == MOTO_VERSION)
            && self.server_binary().exists()
    }

    /// Installs the pinned moto unless it is already there. `progress` is told what is happening and why.
    pub fn ensure(&self, progress: &mut dyn FnMut(&str)) -> Result<(), MotoError> {
        if self.is_installed() {
            return Ok(());
        }
        progress(&format!(
            "Installing moto {MOTO_VERSION} (the local AWS emulator that stands in for Cognito) into {} ...",
            self.venv.display()
        ));
        let python = which_python().ok_or(MotoError::NoPython)?;
        if !self.venv.join("bin").join("pip").exists() {
            let out = Command::new(&python).args(["-m", "venv"]).arg(&self.venv).output()?;
            if !out.status.success() {
                return Err(MotoError::NoVenv(String::from_utf8_lossy(&out.stderr).trim().to_owned()));
            }
        }
        let out = Command::new(self.venv.join("bin").join("pip"))
            .args(["install", "--quiet", "--disable-pip-version-check"])
            .arg(format!("moto[server]=={MOTO_VERSION}"))
            .output()?;
        if !out.status.success() {
            return Err(MotoError::PipFailed(String::from_utf8_lossy(&out.stderr).trim().to_owned()));
        }
        std::fs::write(self.venv.join("installed-version"), MOTO_VERSION)?;
        progress(&format!("Installed moto {MOTO_VERSION}"));
        Ok(())
    }

    fn command(&self, port: u16) -> Command {
        let mut command = Command::new(self.server_binary());
        command.args(["-H", "127.0.0.1", "-p", &port.to_string()]);
        command
    }

    /// Starts moto in the background, in its own process group, to outlive this process; waits until it answers.
    /// Returns its pid and port.
    pub fn start_detached(&self, log: &Path) -> Result<(u32, u16), MotoError> {
        let port = free_port()?;
        let pid = crate::processes::spawn_detached(&mut self.command(port), log).map_err(MotoError::Spawn)?;
        let timeout = Duration::from_secs(30);
        if !wait_until_answers(port, timeout) {
            crate::processes::terminate_group(pid, Duration::from_secs(2));
            return Err(MotoError::NotReady(format!("http://127.0.0.1:{port}"), timeout, log.to_owned()));
        }
        Ok((pid, port))
    }

    /// Starts moto on 127.0.0.1 on a free port and waits until it answers. Its output goes to `log`; it stops when
    /// the returned handle is stopped.
    pub fn start(&self, log: &Path) -> Result<RunningMoto, MotoError> {
        let port = free_port()?;
        let log_file = std::fs::File::create(log)?;
        let child = self
            .command(port)
            .stdin(Stdio::null())
            .stdout(log_file.try_clone()?)
            .stderr(log_file)
            .spawn()
            .map_err(MotoError::Spawn)?;
        let mut moto = RunningMoto { pid: child.id(), port, child: Some(child) };
        let timeout = Duration::from_secs(30);
        if !wait_until_answers(port, timeout) {
            moto.stop();
            return Err(MotoError::NotReady(moto.endpoint(), timeout, log.to_owned()));
        }
        Ok(moto)
    }
}

/// A moto server this process started (or one found by its pid and port).
#[derive(Debug)]
pub struct RunningMoto {
    pub pid: u32,
    pub port: u16,
    child: Option<Child>,
}

impl RunningMoto {
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Stops moto and reaps it.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A moto this process started stops with it, on every path out (an early error included).
impl Drop for RunningMoto {
    fn drop(&mut self) {
        self.stop();
    }
}

fn which_python() -> Option<PathBuf> {
    ["python3", "python"].iter().find_map(|name| {
        let ok = Command::new(name).arg("--version").stdout(Stdio::null()).stderr(Stdio::null()).status().ok()?;
        ok.success().then(|| PathBuf::from(name))
    })
}

/// A port that was free a moment ago on 127.0.0.1.
pub fn free_port() -> std::io::Result<u16> {
    Ok(TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?.local_addr()?.port())
}

/// Whether moto answers HTTP on `port` within `timeout`.
pub fn wait_until_answers(port: u16, timeout: Duration) -> bool {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if answers(port) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    false
}

/// Whether something on `port` answers an HTTP request like moto does.
pub fn answers(port: u16) -> bool {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let Ok(mut stream) = TcpStream::connect_timeout(&addr, Duration::from_millis(500)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let request = "GET /moto-api/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).is_ok() && head.starts_with(b"HTTP/1.")
}
