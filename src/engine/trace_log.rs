//! The writes of the step in progress, as either tracer lists them: the debugger's
//! (`trace`) or the recorder's (`recorder`).

use crate::memory::TracedWrite;
use crate::record::Decoded;

/// Most writes listed per step unless set otherwise (`TraceLog::cap`); later ones are
/// only counted, so a guest writing in a hot loop cannot fill the host's memory with
/// its trace.
pub const TRACED_WRITES_PER_STEP: usize = 1_000_000;

/// The writes of the step in progress.
#[derive(Debug)]
pub struct TraceLog {
    /// Recorded writes, in order.
    pub writes: Vec<TracedWrite>,
    /// Writes past the cap, counted only.
    pub unlisted: u64,
    /// Most writes listed per step.
    pub cap: usize,
    /// Where the newest listed write's instruction is: its pc (debugger) or its
    /// record id (recorder). A trap there undoes it.
    last: Option<Last>,
}

/// Where the newest listed write's instruction is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Last {
    /// Its pc in the module (the debugger's tracer).
    Pc(u64),
    /// Its record id (the recorder).
    Site(u32),
}

impl Default for TraceLog {
    fn default() -> Self {
        Self {
            writes: Vec::new(),
            unlisted: 0,
            cap: TRACED_WRITES_PER_STEP,
            last: None,
        }
    }
}

impl TraceLog {
    /// The recorded writes from index `from` on that have happened, and the index to
    /// look from next time. A call paused at a writing instruction (`paused_at`, its
    /// pc) has recorded that write already, but not made it yet.
    pub fn landed_since(&self, from: usize, paused_at: Option<u64>) -> (&[TracedWrite], usize) {
        let pending = paused_at.is_some_and(|pc| self.last == Some(Last::Pc(pc)));
        let end = self.writes.len() - usize::from(pending && !self.writes.is_empty());
        (&self.writes[from.min(end)..end], end)
    }

    /// Lists `write`, made by the instruction at `pc` (or counts it, past the cap).
    pub fn push_at(&mut self, pc: u64, write: TracedWrite) {
        self.last = Some(Last::Pc(pc));
        if self.writes.len() < self.cap {
            self.writes.push(write);
        } else {
            self.unlisted += 1;
            self.last = None;
        }
    }

    /// A trap at the instruction at `pc`: if it made the newest listed write, it wrote
    /// nothing.
    pub fn trapped_at(&mut self, pc: u64) {
        self.undo(Last::Pc(pc));
    }

    /// A trap at the instruction with record id `site`, like [`TraceLog::trapped_at`].
    pub fn trapped_at_site(&mut self, site: u32) {
        self.undo(Last::Site(site));
    }

    fn undo(&mut self, at: Last) {
        if self.last == Some(at)
            && let Some(last) = self.writes.last_mut()
        {
            last.trapped = true;
        }
    }

    /// How many more writes may be listed this step.
    pub fn room(&self) -> usize {
        self.cap.saturating_sub(self.writes.len())
    }

    /// Lists (up to the cap) the writes of one drain of the trace memory.
    pub fn recorded(&mut self, decoded: Decoded) {
        let listed_last = decoded.more == 0 && !decoded.writes.is_empty();
        if self.writes.is_empty() {
            self.writes = decoded.writes;
        } else {
            self.writes.extend(decoded.writes);
        }
        self.unlisted += decoded.more;
        match decoded.last {
            Some(site) if listed_last => self.last = Some(Last::Site(site)),
            Some(_) => self.last = None,
            None => {}
        }
    }

    /// The writes since the last call, and how many more were not recorded.
    pub fn take(&mut self) -> (Vec<TracedWrite>, u64) {
        self.last = None;
        (
            std::mem::take(&mut self.writes),
            std::mem::take(&mut self.unlisted),
        )
    }
}
