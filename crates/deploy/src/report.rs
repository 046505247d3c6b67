//! How the library's long operations talk to a person: the command line implements [`Reporter`] (progress on
//! stderr, a question on a terminal); tests record what they are told.

/// The answer to a question the library asks before it changes something.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Yes,
    No,
    /// Nobody can be asked (stdin is not a terminal, and no `--yes`).
    CannotAsk,
}

/// What a long operation reports while it works.
pub trait Reporter {
    /// A step of the pipeline, for a person ("Uploaded the function ...").
    fn step(&mut self, message: &str);
    /// A line of detail (a stack event, a created change set).
    fn line(&mut self, line: &str);
    /// A block of text shown as it is (the plan table).
    fn block(&mut self, text: &str);
    /// Progress of a running change: resources finished, of the total.
    fn progress(&mut self, done: usize, total: usize);
    /// Asks before something changes.
    fn confirm(&mut self, question: &str) -> Answer;
}

/// A reporter that keeps everything it is told, and answers every question the same way; for tests.
#[derive(Debug, Clone)]
pub struct Recorder {
    pub answer: Answer,
    pub said: Vec<String>,
}

impl Recorder {
    pub fn new(answer: Answer) -> Self {
        Self { answer, said: Vec::new() }
    }
}

impl Reporter for Recorder {
    fn step(&mut self, message: &str) {
        self.said.push(format!("step: {message}"));
    }
    fn line(&mut self, line: &str) {
        self.said.push(format!("line: {line}"));
    }
    fn block(&mut self, text: &str) {
        self.said.push(format!("block: {text}"));
    }
    fn progress(&mut self, done: usize, total: usize) {
        self.said.push(format!("progress: {done}/{total}"));
    }
    fn confirm(&mut self, question: &str) -> Answer {
        self.said.push(format!("confirm: {question}"));
        self.answer
    }
}

impl dyn Reporter + '_ {
    /// The deployer's reports, passed on.
    pub fn deployer(&mut self) -> impl FnMut(crate::cloudformation::Report) + '_ {
        move |report| match report {
            crate::cloudformation::Report::Line(line) => self.line(&line),
            crate::cloudformation::Report::Progress { done, total } => self.progress(done, total),
        }
    }
}
