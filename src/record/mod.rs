//! Recording every write by instrumenting the module: `instrument` rewrites a module
//! so that each writing instruction (`inspect::write_op`) first appends a record — its
//! site, the address, and what it writes — to a **trace memory** appended after the
//! module's own memories, at an end pointer (with a record count beside it) kept in a
//! global appended after the module's globals and, while a writing function runs, in
//! one of its locals (scratch locals come after each function's own; one small
//! function that makes room in the trace memory comes after the module's functions).
//! Appending shifts no existing index, so function indices, names and `write_sites`
//! offsets stay valid. The host copies the records out as they are (`Records`: while a
//! long call runs it moves a *drained* mark; after each call it empties the trace), and
//! decodes a record into a `TracedWrite` only when someone looks at it.
//!
//! Pure: wasmparser reads, wasm-encoder writes, `inspect` says which instructions
//! write; no wasmtime. `engine::recorder` runs the result.

mod component;
mod emit;
mod layout;
mod records;
mod rewrite;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::sync::Arc;

pub use component::{ComponentRecording, instrument_component};
pub use layout::Layout;
pub use records::{RecordPos, Records, RecordsIter};
pub use rewrite::instrument;

use crate::inspect::WriteKind;

/// Pages the trace memory starts with (1 MiB).
pub const TRACE_INITIAL_PAGES: u64 = 16;

/// One writing instruction of the original module, by its record id (its index in
/// [`Recording::sites`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordSite {
    /// Byte offset of the opcode in the original module.
    pub pc: u64,
    /// Where it is, for people: `append+0x004c` (shared by its writes).
    pub place: Arc<str>,
    /// The instruction, as WAT spells it.
    pub op: &'static str,
    /// What it writes.
    pub kind: WriteKind,
    /// The memory it writes (its index in the module).
    pub memory: u32,
    /// Whether that memory is a memory64 (addresses are i64).
    pub memory64: bool,
}

impl RecordSite {
    /// How its records are laid out in the trace memory.
    pub fn layout(&self) -> Layout {
        Layout::of(self.kind, self.memory64)
    }
}

/// An instrumented module and what the host needs to read its records.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recording {
    /// The instrumented module.
    pub bytes: Vec<u8>,
    /// The writing instructions, by record id (shared with the records read).
    pub sites: Arc<[RecordSite]>,
    /// The indices of the trace memory and globals.
    pub items: TraceItems,
    /// The export name of the trace memory.
    pub trace_memory: String,
    /// The export name of the end pointer: an i64 global, bytes of records so far in
    /// its low half, how many records in its high half.
    pub trace_end: String,
    /// The export name of the drained mark: an i64 global, what the host has copied
    /// out of that (the same halves).
    pub trace_drained: String,
    /// The trace memory's maximum in pages: a size no memory of the module declares,
    /// so the host's memory limiter can tell the trace memory apart.
    pub trace_max_pages: u64,
    /// Where each original writing instruction sits in the instrumented module (what
    /// a trap's backtrace reports), to its record id.
    pub instrumented_pcs: BTreeMap<u64, u32>,
}

/// Where the recorder's items are in the instrumented module's index spaces (a host
/// that cannot reach them by export name, as a component's, uses these).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TraceItems {
    /// The trace memory.
    pub memory: u32,
    /// The end global (i64: bytes of records in its low half, records in its high).
    pub end: u32,
    /// The drained mark (i64, the same halves).
    pub drained: u32,
}

impl Recording {
    /// The record id of the writing instruction at `pc` in the instrumented module.
    pub fn site_at(&self, instrumented_pc: u64) -> Option<u32> {
        self.instrumented_pcs.get(&instrumented_pc).copied()
    }
}
