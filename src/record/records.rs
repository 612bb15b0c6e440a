//! The records read back, kept as the instrumented code wrote them: one copy of the
//! trace memory per drain (about nine bytes per byte store), decoded into
//! `TracedWrite`s — the same ones the debugger's tracer makes — only when someone
//! iterates over them. A million writes are then one `memcpy`, not a million structs.

use std::sync::Arc;

use anyhow::{Result, bail};

use super::RecordSite;
use super::layout::{ID_BYTES, Layout, WIDE_FIELDS};
use crate::inspect::WriteKind;
use crate::memory::{CHUNK_BYTES, TracedWrite, Written};

/// Records of one step, in order, with the sites they name.
#[derive(Clone, Debug, Default)]
pub struct Records {
    bytes: Vec<u8>,
    count: usize,
    sites: Arc<[RecordSite]>,
    /// Whether the last record's instruction trapped (it wrote nothing).
    last_trapped: bool,
}

impl Records {
    /// No records yet, of a module with `sites`.
    pub fn new(sites: Arc<[RecordSite]>) -> Self {
        Self {
            sites,
            ..Self::default()
        }
    }

    /// How many records there are.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Bytes held.
    pub fn bytes(&self) -> usize {
        self.bytes.len()
    }

    /// Appends the `count` records of `trace` (the trace memory up to its end pointer),
    /// keeping the first `keep`; returns how many it did not keep. Only when some are
    /// left out are the records walked (to find where the kept ones end).
    pub fn append(&mut self, trace: &[u8], count: usize, keep: usize) -> Result<u64> {
        let (kept, end) = if count <= keep {
            (count, trace.len())
        } else {
            (keep, walk(trace, &self.sites, keep)?)
        };
        self.bytes.extend_from_slice(&trace[..end]);
        self.count += kept;
        if kept > 0 {
            self.last_trapped = false;
        }
        Ok((count - kept) as u64)
    }

    /// Marks the last record as not done when its instruction is site `site` (which
    /// trapped). Walks the records once: traps are rare.
    pub fn trapped_at(&mut self, site: u32) {
        let Ok(last) = walk(&self.bytes, &self.sites, self.count.saturating_sub(1)) else {
            return;
        };
        if self.bytes.get(last..last + 4) == Some(&site.to_le_bytes()[..]) {
            self.last_trapped = true;
        }
    }

    /// The records as writes, in order. A record that does not read (which the
    /// instrumented code never writes) ends the list: [`Records::check`] says why.
    pub fn iter(&self) -> RecordsIter<'_> {
        self.iter_at(RecordPos::default())
    }

    /// The records from `pos` (which an iterator over them gave) on.
    pub fn iter_at(&self, pos: RecordPos) -> RecordsIter<'_> {
        RecordsIter { records: self, pos }
    }

    /// Whether every record reads as a write, and if not why.
    pub fn check(&self) -> Result<()> {
        let end = walk(&self.bytes, &self.sites, self.count)?;
        if end != self.bytes.len() {
            bail!("{} bytes follow the last record", self.bytes.len() - end);
        }
        Ok(())
    }
}

/// Where in [`Records`] an iteration is: the next record's index and first byte.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RecordPos {
    index: usize,
    at: usize,
}

impl RecordPos {
    /// The next record's index.
    pub fn index(self) -> usize {
        self.index
    }

    /// Index `index` of a list (whose position is only an index).
    pub fn at_index(index: usize) -> Self {
        Self { index, at: 0 }
    }
}

/// The writes of [`Records`], decoded one by one.
#[derive(Clone, Debug)]
pub struct RecordsIter<'a> {
    records: &'a Records,
    pos: RecordPos,
}

impl RecordsIter<'_> {
    /// Where the next record is.
    pub fn pos(&self) -> RecordPos {
        self.pos
    }
}

impl Iterator for RecordsIter<'_> {
    type Item = TracedWrite;

    fn next(&mut self) -> Option<TracedWrite> {
        let (records, pos) = (self.records, &mut self.pos);
        if pos.index >= records.count {
            return None;
        }
        let rest = records.bytes.get(pos.at..)?;
        let (site, size) = record_at(rest, &records.sites).ok()?;
        let mut write = write_of(&rest[..size], site)?;
        pos.at += size;
        pos.index += 1;
        write.trapped = records.last_trapped && pos.index == records.count;
        Some(write)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, Some(self.records.count.saturating_sub(self.pos.index)))
    }
}

fn field<const N: usize>(record: &[u8], at: u32) -> Option<[u8; N]> {
    let at = at as usize;
    record.get(at..at + N).and_then(|b| b.try_into().ok())
}

fn u32_at(record: &[u8], at: u32) -> Option<u32> {
    field::<4>(record, at).map(u32::from_le_bytes)
}

fn u64_at(record: &[u8], at: u32) -> Option<u64> {
    field::<8>(record, at).map(u64::from_le_bytes)
}

/// The site and size of the record that `trace` starts with.
fn record_at<'s>(trace: &[u8], sites: &'s [RecordSite]) -> Result<(&'s RecordSite, usize)> {
    let Some(id) = u32_at(trace, 0) else {
        bail!("a record is cut short");
    };
    let Some(site) = sites.get(id as usize) else {
        bail!("a record names no writing instruction ({id})");
    };
    let size = site.layout().fixed_bytes() as usize;
    if trace.len() < size {
        bail!("a record is cut short");
    }
    Ok((site, size))
}

/// Where record number `n` of `trace` starts (its end when `n` is the count).
fn walk(trace: &[u8], sites: &[RecordSite], n: usize) -> Result<usize> {
    let mut at = 0;
    for _ in 0..n {
        let Some(rest) = trace.get(at..) else {
            bail!("fewer records than counted");
        };
        let (_, size) = record_at(rest, sites).map_err(|err| err.context(format!("at {at:#x}")))?;
        at += size;
    }
    Ok(at)
}

/// One record (of `site`, `record_at` checked its size) as a write.
fn write_of(record: &[u8], site: &RecordSite) -> Option<TracedWrite> {
    let wide = |n: usize| u64_at(record, WIDE_FIELDS[n]);
    let (range, written) = match (site.kind, site.layout()) {
        (
            WriteKind::Store { offset, .. } | WriteKind::Rmw { offset, .. },
            layout @ Layout::Value {
                address_bytes,
                width,
            },
        ) => {
            let address = match address_bytes {
                8 => u64_at(record, ID_BYTES)?,
                _ => u64::from(u32_at(record, ID_BYTES)?),
            }
            .saturating_add(offset);
            let from = layout.value_at() as usize;
            let bytes = record.get(from..from + width as usize)?;
            (
                address..address.saturating_add(u64::from(width)),
                Written::bytes(bytes),
            )
        }
        (WriteKind::Fill, _) => {
            let (dst, len) = (wide(0)?, wide(1)?);
            (dst..dst.saturating_add(len), Written::Fill(*record.last()?))
        }
        (WriteKind::Copy, _) => {
            let (dst, src, len) = (wide(0)?, wide(1)?, wide(2)?);
            let from = src..src.saturating_add(len);
            (dst..dst.saturating_add(len), Written::Copy { from })
        }
        (WriteKind::Init { segment }, _) => {
            let (dst, offset, len) = (wide(0)?, wide(1)?, wide(2)?);
            (
                dst..dst.saturating_add(len),
                Written::Segment {
                    index: segment,
                    offset,
                },
            )
        }
        (WriteKind::Grow, _) => {
            let (pages, before) = (wide(0)?, wide(1)?);
            let page = CHUNK_BYTES as u64;
            let size = before.saturating_mul(page);
            (
                size..size.saturating_add(pages.saturating_mul(page)),
                Written::Grown { pages },
            )
        }
        _ => return None,
    };
    Some(TracedWrite {
        range,
        place: site.place.clone(),
        pc: site.pc,
        op: site.op,
        memory: site.memory,
        written,
        trapped: false,
    })
}
