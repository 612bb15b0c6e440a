//! Reading records back: the bytes of the trace memory up to its end pointer become
//! `TracedWrite`s, the same ones the debugger's tracer makes.

use anyhow::{Context, Result, bail};

use super::RecordSite;
use super::layout::{ID_BYTES, Layout, WIDE_FIELDS};
use crate::inspect::WriteKind;
use crate::memory::{CHUNK_BYTES, TracedWrite, Written};

/// What one drain of the trace memory read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Decoded {
    /// The writes, in order (at most the number asked for).
    pub writes: Vec<TracedWrite>,
    /// Records after those, counted only.
    pub more: u64,
    /// The site of the last record, if any (a trap there means it wrote nothing).
    pub last: Option<u32>,
}

fn field<const N: usize>(record: &[u8], at: u32) -> Result<[u8; N]> {
    let at = at as usize;
    record
        .get(at..at + N)
        .and_then(|b| b.try_into().ok())
        .context("a record is cut short")
}

fn u32_at(record: &[u8], at: u32) -> Result<u32> {
    field::<4>(record, at).map(u32::from_le_bytes)
}

fn u64_at(record: &[u8], at: u32) -> Result<u64> {
    field::<8>(record, at).map(u64::from_le_bytes)
}

/// Reads the records in `trace` (the trace memory up to its end pointer), keeping the
/// first `keep` as writes and counting the rest.
pub fn decode(trace: &[u8], sites: &[RecordSite], keep: usize) -> Result<Decoded> {
    let mut decoded = Decoded::default();
    // Reserved once: a million writes would otherwise be copied over and over as the
    // list doubles. The smallest record is a byte store's.
    let smallest = ID_BYTES as usize + 4 + 1;
    decoded.writes.reserve(keep.min(trace.len() / smallest + 1));
    let mut at = 0usize;
    while at < trace.len() {
        let record = &trace[at..];
        let id = u32_at(record, 0)?;
        let Some(site) = sites.get(id as usize) else {
            bail!("a record at {at:#x} names no writing instruction ({id})");
        };
        let layout = site.layout();
        let mut size = layout.fixed_bytes() as usize;
        if let Layout::Wide { copied: true, .. } = layout {
            let len = u64_at(record, WIDE_FIELDS[2])?;
            size = size.saturating_add(usize::try_from(len).unwrap_or(usize::MAX));
        }
        if record.len() < size {
            bail!("a record at {at:#x} is cut short");
        }
        if decoded.writes.len() < keep {
            decoded
                .writes
                .push(write_of(&record[..size], site, layout)?);
        } else {
            decoded.more += 1;
        }
        decoded.last = Some(id);
        at += size;
    }
    Ok(decoded)
}

/// One record (of `site`) as a write.
fn write_of(record: &[u8], site: &RecordSite, layout: Layout) -> Result<TracedWrite> {
    let wide = |n: usize| u64_at(record, WIDE_FIELDS[n]);
    let (range, written) = match (site.kind, layout) {
        (
            WriteKind::Store { offset, .. } | WriteKind::Rmw { offset, .. },
            Layout::Value {
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
            let bytes = record
                .get(from..from + width as usize)
                .context("a record is cut short")?;
            (
                address..address.saturating_add(u64::from(width)),
                Written::bytes(bytes),
            )
        }
        (WriteKind::Fill, _) => {
            let (dst, len) = (wide(0)?, wide(1)?);
            let byte = *record.last().context("a record is cut short")?;
            (dst..dst.saturating_add(len), Written::Fill(byte))
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
        _ => bail!("a record does not match its instruction ({})", site.op),
    };
    Ok(TracedWrite {
        range,
        place: site.place.clone(),
        pc: site.pc,
        op: site.op,
        written,
        trapped: false,
    })
}
