//! The writes of the step in progress, as either tracer lists them: the debugger's
//! (`trace`) one by one, or the recorder's (`recorder`) as the records it drained.

use std::sync::Arc;

use anyhow::Result;

use crate::memory::TracedWrite;
use crate::record::{RecordPos, RecordSite, Records, RecordsIter};

/// Most writes listed per step unless set otherwise (`TraceLog::cap`); later ones are
/// only counted, so a guest writing in a hot loop cannot fill the host's memory with
/// its trace.
pub const TRACED_WRITES_PER_STEP: usize = 1_000_000;

/// The writes of one step, in order, from whichever tracer watched it.
#[derive(Clone, Debug)]
pub enum Writes {
    /// Listed one by one (the debugger's tracer, a component call's lowering).
    Listed(Vec<TracedWrite>),
    /// As the recorder read them, decoded when iterated.
    Recorded(Records),
}

impl Default for Writes {
    fn default() -> Self {
        Self::Listed(Vec::new())
    }
}

impl From<Vec<TracedWrite>> for Writes {
    fn from(writes: Vec<TracedWrite>) -> Self {
        Self::Listed(writes)
    }
}

impl Writes {
    /// How many writes there are.
    pub fn len(&self) -> usize {
        match self {
            Self::Listed(writes) => writes.len(),
            Self::Recorded(records) => records.len(),
        }
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The writes, in order.
    pub fn iter(&self) -> WritesIter<'_> {
        self.iter_at(WritePos::default())
    }

    /// The writes from `pos` (which an iterator over these writes gave) on.
    pub fn iter_at(&self, pos: WritePos) -> WritesIter<'_> {
        match self {
            Self::Listed(writes) => WritesIter::Listed {
                writes,
                index: pos.index(),
            },
            Self::Recorded(records) => WritesIter::Recorded(records.iter_at(pos.0)),
        }
    }

    /// Bytes held (about nine per recorded byte store).
    pub fn held_bytes(&self) -> usize {
        match self {
            Self::Listed(writes) => writes.len() * std::mem::size_of::<TracedWrite>(),
            Self::Recorded(records) => records.bytes(),
        }
    }

    /// The writes as a list.
    pub fn to_vec(&self) -> Vec<TracedWrite> {
        self.iter().collect()
    }
}

/// Where in [`Writes`] an iteration is (for a list, only the index counts).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WritePos(RecordPos);

impl WritePos {
    /// The next write's index.
    pub fn index(self) -> usize {
        self.0.index()
    }
}

/// The writes of [`Writes`], in order.
#[derive(Clone, Debug)]
pub enum WritesIter<'a> {
    /// Of a list.
    Listed {
        /// The list.
        writes: &'a [TracedWrite],
        /// The next one's index.
        index: usize,
    },
    /// Decoded from records.
    Recorded(RecordsIter<'a>),
}

impl WritesIter<'_> {
    /// Where the next write is.
    pub fn pos(&self) -> WritePos {
        match self {
            Self::Listed { index, .. } => WritePos(RecordPos::at_index(*index)),
            Self::Recorded(records) => WritePos(records.pos()),
        }
    }
}

impl Iterator for WritesIter<'_> {
    type Item = TracedWrite;

    fn next(&mut self) -> Option<TracedWrite> {
        match self {
            Self::Listed { writes, index } => {
                let write = writes.get(*index)?.clone();
                *index += 1;
                Some(write)
            }
            Self::Recorded(records) => records.next(),
        }
    }
}

impl<'a> IntoIterator for &'a Writes {
    type Item = TracedWrite;
    type IntoIter = WritesIter<'a>;

    fn into_iter(self) -> WritesIter<'a> {
        self.iter()
    }
}

/// The writes of the step in progress.
#[derive(Debug)]
pub struct TraceLog {
    /// The debugger's writes, in order.
    listed: Vec<TracedWrite>,
    /// The recorder's.
    records: Records,
    /// Writes past the cap, counted only.
    pub unlisted: u64,
    /// Most writes listed per step.
    pub cap: usize,
    /// The pc of the newest listed write's instruction (the debugger's tracer): a trap
    /// there undoes it.
    last_pc: Option<u64>,
}

impl Default for TraceLog {
    fn default() -> Self {
        Self {
            listed: Vec::new(),
            records: Records::default(),
            unlisted: 0,
            cap: TRACED_WRITES_PER_STEP,
            last_pc: None,
        }
    }
}

impl TraceLog {
    /// The debugger's writes from index `from` on that have happened, and the index to
    /// look from next time. A call paused at a writing instruction (`paused_at`, its
    /// pc) has recorded that write already, but not made it yet.
    pub fn landed_since(&self, from: usize, paused_at: Option<u64>) -> (&[TracedWrite], usize) {
        let pending = paused_at.is_some_and(|pc| self.last_pc == Some(pc));
        let end = self.listed.len() - usize::from(pending && !self.listed.is_empty());
        (&self.listed[from.min(end)..end], end)
    }

    /// The debugger's newest write.
    pub fn last_listed(&self) -> Option<&TracedWrite> {
        self.listed.last()
    }

    /// Lists `write`, made by the instruction at `pc` (or counts it, past the cap).
    pub fn push_at(&mut self, pc: u64, write: TracedWrite) {
        self.last_pc = Some(pc);
        if self.room() > 0 {
            self.listed.push(write);
        } else {
            self.unlisted += 1;
            self.last_pc = None;
        }
    }

    /// A trap at the instruction at `pc`: if it made the newest listed write, it wrote
    /// nothing.
    pub fn trapped_at(&mut self, pc: u64) {
        if self.last_pc == Some(pc)
            && let Some(last) = self.listed.last_mut()
        {
            last.trapped = true;
        }
    }

    /// A trap at the instruction with record id `site`, like [`TraceLog::trapped_at`]
    /// (when the newest record was kept).
    pub fn trapped_at_site(&mut self, site: u32) {
        if self.unlisted == 0 {
            self.records.trapped_at(site);
        }
    }

    /// How many more writes may be listed this step.
    pub fn room(&self) -> usize {
        self.cap
            .saturating_sub(self.listed.len() + self.records.len())
    }

    /// Keeps (up to the cap) the `count` records of one drain of the trace memory,
    /// `trace`, whose ids name `sites`.
    pub fn recorded(
        &mut self,
        trace: &[u8],
        count: usize,
        sites: &Arc<[RecordSite]>,
    ) -> Result<()> {
        let keep = self.room();
        if self.records.is_empty() {
            self.records = Records::new(sites.clone());
        }
        self.unlisted += self.records.append(trace, count, keep)?;
        Ok(())
    }

    /// The writes since the last call, and how many more were not recorded.
    pub fn take(&mut self) -> (Writes, u64) {
        self.last_pc = None;
        let writes = if self.records.is_empty() {
            Writes::Listed(std::mem::take(&mut self.listed))
        } else {
            Writes::Recorded(std::mem::take(&mut self.records))
        };
        (writes, std::mem::take(&mut self.unlisted))
    }
}
