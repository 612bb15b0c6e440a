//! What the guest did besides returning values: calls to stubbed imports and what it
//! printed on stdout/stderr through WASI. Collected in the store while a step runs and
//! drained as lines after it (`Session::take_notes`).

use wasmtime_wasi::p2::pipe::MemoryOutputPipe;

/// Most stub calls recorded as lines per step; further calls are only counted, so a
/// guest calling a stub in a hot loop cannot fill memory with notes.
pub const STUB_LINES_PER_STEP: usize = 200;

/// Most lines of guest output reported per stream and step; the rest are counted.
pub const OUTPUT_LINES_PER_STEP: usize = 500;

/// Bytes a guest may write to stdout (and again to stderr) over a session. Past it,
/// writes fail in the guest (`write beyond capacity`).
pub const OUTPUT_CAPACITY_BYTES: usize = 16 << 20;

/// One captured output stream (stdout or stderr) and how much of it was reported.
struct Stream {
    label: &'static str,
    pipe: MemoryOutputPipe,
    reported_bytes: usize,
}

impl Stream {
    fn new(label: &'static str) -> Self {
        Self {
            label,
            pipe: MemoryOutputPipe::new(OUTPUT_CAPACITY_BYTES),
            reported_bytes: 0,
        }
    }

    /// Lines written since the last call, each prefixed with the stream's name. A
    /// last line without a newline is reported too: the step is over.
    fn take_lines(&mut self, out: &mut Vec<String>) {
        let contents = self.pipe.contents();
        let Some(new) = contents.get(self.reported_bytes..) else {
            return;
        };
        self.reported_bytes = contents.len();
        if new.is_empty() {
            return;
        }
        let text = String::from_utf8_lossy(new);
        let text = text.strip_suffix('\n').unwrap_or(&text);
        let lines: Vec<&str> = text.split('\n').collect();
        for line in lines.iter().take(OUTPUT_LINES_PER_STEP) {
            out.push(format!("{}: {}", self.label, line.trim_end_matches('\r')));
        }
        if lines.len() > OUTPUT_LINES_PER_STEP {
            out.push(format!(
                "... and {} more lines on {} (not shown)",
                lines.len() - OUTPUT_LINES_PER_STEP,
                self.label
            ));
        }
    }
}

/// Notes gathered in the store while the guest runs.
pub struct Notes {
    infos: Vec<String>,
    stub_lines: Vec<String>,
    stub_calls_unlisted: u64,
    stdout: Stream,
    stderr: Stream,
}

impl Default for Notes {
    fn default() -> Self {
        Self {
            infos: Vec::new(),
            stub_lines: Vec::new(),
            stub_calls_unlisted: 0,
            stdout: Stream::new("stdout"),
            stderr: Stream::new("stderr"),
        }
    }
}

impl Notes {
    /// The pipe WASI writes the guest's stdout to.
    pub fn stdout_pipe(&self) -> MemoryOutputPipe {
        self.stdout.pipe.clone()
    }

    /// The pipe WASI writes the guest's stderr to.
    pub fn stderr_pipe(&self) -> MemoryOutputPipe {
        self.stderr.pipe.clone()
    }

    /// Records what the host did for the guest (e.g. which imports it provided).
    pub fn info(&mut self, line: String) {
        self.infos.push(line);
    }

    /// Records one call to a stub; `line` is only built while under the limit.
    pub fn stub_call(&mut self, line: impl FnOnce() -> String) {
        if self.stub_lines.len() < STUB_LINES_PER_STEP {
            self.stub_lines.push(line());
        } else {
            self.stub_calls_unlisted += 1;
        }
    }

    /// Everything noted since the last call: the host's notes, guest output, then
    /// stub calls.
    pub fn take(&mut self) -> Vec<String> {
        let mut out = std::mem::take(&mut self.infos);
        self.stdout.take_lines(&mut out);
        self.stderr.take_lines(&mut out);
        out.append(&mut self.stub_lines);
        if self.stub_calls_unlisted > 0 {
            out.push(format!(
                "... and {} more stub calls (not shown)",
                self.stub_calls_unlisted
            ));
            self.stub_calls_unlisted = 0;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stub_calls_are_capped_and_counted() {
        let mut notes = Notes::default();
        for i in 0..STUB_LINES_PER_STEP + 5 {
            notes.stub_call(|| format!("call {i}"));
        }
        let lines = notes.take();
        assert_eq!(lines.len(), STUB_LINES_PER_STEP + 1);
        assert_eq!(lines[0], "call 0");
        assert_eq!(
            lines.last().map(String::as_str),
            Some("... and 5 more stub calls (not shown)")
        );
        assert!(notes.take().is_empty());
    }
}
