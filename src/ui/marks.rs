//! What the session has done to memory, beyond one step: every allocation, every
//! `memory.grow`, writes that overran their allocation, and the memory map built
//! from the module and the instance.

use std::ops::Range;

use crate::engine::GlobalValue;
use crate::inspect::ModuleInfo;
use crate::memory::{CHUNK_BYTES, MapEntry, MapInputs, SegmentInput, build_memory_map};

/// Marks accumulated over a session with one module.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MemoryMarks {
    /// Every block an Alloc step handed out, with the step's label.
    pub allocations: Vec<(Range<u64>, String)>,
    /// Each growth: (bytes before, bytes after, the step during which it happened).
    pub grows: Vec<(u64, u64, String)>,
    /// Bytes written past the allocation they were meant for (sorted).
    pub overruns: Vec<Range<u64>>,
    /// The memory map (sorted by start).
    pub map: Vec<MapEntry>,
}

impl MemoryMarks {
    /// Notes a growth from `before` to `after` bytes; returns the log line.
    pub fn grew(&mut self, before: u64, after: u64, during: &str) -> String {
        self.grows.push((before, after, during.to_owned()));
        let page = CHUNK_BYTES as u64;
        format!(
            "memory grew from {} to {} pages during {during}",
            before / page,
            after / page
        )
    }

    /// Rebuilds the map of memory `memory_index` (now `len_bytes` long). The linker's
    /// symbols (`__data_end`, `__heap_base`, `__stack_pointer`) describe memory 0 only.
    pub fn rebuild_map(
        &mut self,
        info: &ModuleInfo,
        globals: &[GlobalValue],
        memory_index: u32,
        len_bytes: u64,
    ) {
        let value_of = |name: &str| {
            let live = globals
                .iter()
                .find(|g| g.name == name)
                .and_then(|g| g.value)
                .and_then(|v| v.as_u64());
            let value = live.or_else(|| info.global_by_name(name)?.init.as_ref()?.as_u64());
            value.filter(|_| memory_index == 0)
        };
        let initial = |name: &str| {
            let value = info.global_by_name(name)?.init.as_ref()?.as_u64();
            value.filter(|_| memory_index == 0)
        };
        let segments = info
            .data_segments
            .iter()
            .filter(|d| !d.passive && d.memory.unwrap_or(0) == memory_index)
            .filter_map(|d| {
                Some(SegmentInput {
                    index: d.index,
                    name: d.name.clone(),
                    offset: d.offset?,
                    len_bytes: d.len_bytes,
                })
            })
            .collect();
        self.map = build_memory_map(&MapInputs {
            len_bytes,
            segments,
            data_end: value_of("__data_end"),
            heap_base: value_of("__heap_base"),
            stack_pointer: initial("__stack_pointer"),
            allocations: self.allocations.clone(),
        });
    }
}
