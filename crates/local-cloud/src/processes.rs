//! Background processes that outlive the command that started them: each leads its own process group, so that a
//! Ctrl-C in the terminal does not reach it and stopping it also stops the processes it started.

use std::fs::File;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill, killpg};
use nix::unistd::Pid;

/// Starts `command` in a new process group, its output appended to `log`, and returns its pid.
pub fn spawn_detached(command: &mut Command, log: &Path) -> std::io::Result<u32> {
    use std::os::unix::process::CommandExt;
    let file = File::options().create(true).append(true).open(log)?;
    let child = command.stdin(Stdio::null()).stdout(file.try_clone()?).stderr(file).process_group(0).spawn()?;
    Ok(child.id())
}

fn pid(pid: u32) -> Option<Pid> {
    i32::try_from(pid).ok().filter(|p| *p > 1).map(Pid::from_raw)
}

/// Whether `pid` is a live process (not a zombie).
pub fn is_alive(id: u32) -> bool {
    let Some(p) = pid(id) else { return false };
    if kill(p, None).is_err() {
        return false;
    }
    // A zombie still "exists" for kill(2); /proc says what it is.
    match std::fs::read_to_string(format!("/proc/{id}/stat")) {
        Ok(stat) => stat.rsplit(')').next().and_then(|rest| rest.split_whitespace().next()) != Some("Z"),
        Err(_) => true,
    }
}

/// Stops the process group led by `id`: SIGTERM, then SIGKILL after `grace`. Returns whether it is gone.
pub fn terminate_group(id: u32, grace: Duration) -> bool {
    let Some(p) = pid(id) else { return true };
    if killpg(p, Signal::SIGTERM).is_err() && kill(p, Signal::SIGTERM).is_err() {
        return !is_alive(id);
    }
    let deadline = Instant::now() + grace;
    while Instant::now() < deadline {
        if !is_alive(id) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = killpg(p, Signal::SIGKILL);
    let _ = kill(p, Signal::SIGKILL);
    std::thread::sleep(Duration::from_millis(100));
    !is_alive(id)
}

/// The pids of the process group led by `id` (the leader included), from /proc.
pub fn group_members(id: u32) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|p| {
            let Ok(stat) = std::fs::read_to_string(format!("/proc/{p}/stat")) else {
                return false;
            };
            // Fields after the command: state, ppid, pgrp, ...
            let fields: Vec<&str> = stat.rsplit(')').next().unwrap_or("").split_whitespace().collect();
            fields.get(2).and_then(|g| g.parse::<u32>().ok()) == Some(id) && fields.first() != Some(&"Z")
        })
        .collect()
}
