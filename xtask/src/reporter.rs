//! The command line's [`Reporter`]: steps and lines on stderr, progress on one rewritten line on a terminal, and
//! questions asked on a terminal only.

use std::io::{IsTerminal, Write};

use deploy::report::{Answer, Reporter};

use crate::project::progress;

/// Reports on stderr.
#[derive(Debug)]
pub struct Terminal {
    tty: bool,
}

impl Terminal {
    pub fn new() -> Self {
        Self { tty: std::io::stderr().is_terminal() }
    }
}

impl Default for Terminal {
    fn default() -> Self {
        Self::new()
    }
}

impl Reporter for Terminal {
    fn step(&mut self, message: &str) {
        progress(message);
    }

    fn line(&mut self, line: &str) {
        if self.tty {
            eprint!("\r\x1b[2K");
        }
        eprintln!("  {line}");
    }

    fn block(&mut self, text: &str) {
        eprintln!("{text}");
    }

    fn progress(&mut self, done: usize, total: usize) {
        if self.tty {
            eprint!("\r[{done}/{total}] resources done");
            let _ = std::io::stderr().flush();
        }
    }

    fn confirm(&mut self, question: &str) -> Answer {
        if !std::io::stdin().is_terminal() {
            return Answer::CannotAsk;
        }
        eprint!("{question} [y/N] ");
        let _ = std::io::stderr().flush();
        let mut answer = String::new();
        if std::io::stdin().read_line(&mut answer).is_err() {
            return Answer::No;
        }
        if matches!(answer.trim(), "y" | "Y" | "yes") { Answer::Yes } else { Answer::No }
    }
}
