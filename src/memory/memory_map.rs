//! The memory map: which part of linear memory is the stack, the static data, the heap
//! and each allocation, from plain numbers a module and a session provide.
//!
//! # Layout assumed
//!
//! `wasm-ld` (Rust, clang, Zig…) lays memory out in one of two ways, told apart here
//! by where the initial `__stack_pointer` lies relative to the data:
//!
//! - **stack first** (rustc always passes `--stack-first`; wasm-ld's default since
//!   LLVM 22): `[0, sp)` is the stack, growing down from `sp` toward 0; the data
//!   segments follow from `sp`, up to `__data_end`; the heap starts at `__heap_base`
//!   (`__data_end` rounded up to 16). The seed's Rust guest: stack `0..0x100000`,
//!   `.rodata` at `0x100000`, `__data_end` `0x100261`, `__heap_base` `0x100270`.
//! - **data first** (older clang's default, `--no-stack-first`): data from
//!   `--global-base` (1024) to `__data_end`, then the stack from `__data_end` (rounded
//!   up to 16) up to `sp`, then the heap from `__heap_base` (= `sp`).
//!
//! Both are covered by one rule: the stack is `[low, sp)` where `low` is the highest of
//! 0, `__data_end` and the ends of the data segments that are not above `sp`. `sp`
//! must be the value at instantiation (the stack's top); during a call the global
//! holds the current top of stack instead. The heap is `[__heap_base, end of memory)`.
//! Other toolchains (AssemblyScript, Go, emscripten with its own stack) may not follow
//! this; the map then shows what it is given, no more.

use std::ops::Range;

use super::plural_bytes;
use super::snapshot::CHUNK_BYTES;

/// What a map entry is. Markers are zero-length entries at one offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MapKind {
    /// The shadow stack (grows down from the initial `__stack_pointer`).
    Stack,
    /// Bytes an active data segment initialised.
    DataSegment,
    /// Marker: `__data_end`, the end of static data.
    DataEnd,
    /// Marker: `__heap_base`, where the allocator's heap begins.
    HeapBase,
    /// Marker: the initial `__stack_pointer`, the top of the stack.
    StackPointer,
    /// From `__heap_base` to the end of memory: the allocator's.
    Heap,
    /// A block the allocator handed out in this session.
    Allocation,
    /// Marker: the start of a 64 KiB WebAssembly page.
    PageBoundary,
}

impl MapKind {
    /// The legend's name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Stack => "stack",
            Self::DataSegment => "data segment",
            Self::DataEnd => "__data_end",
            Self::HeapBase => "__heap_base",
            Self::StackPointer => "__stack_pointer",
            Self::Heap => "heap",
            Self::Allocation => "allocation",
            Self::PageBoundary => "page boundary",
        }
    }

    /// Whether entries of this kind mark one offset rather than cover a range.
    pub fn is_marker(self) -> bool {
        matches!(
            self,
            Self::DataEnd | Self::HeapBase | Self::StackPointer | Self::PageBoundary
        )
    }
}

/// One region or marker of the map.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MapEntry {
    /// Guest offsets covered (`at..at` for a marker).
    pub range: Range<u64>,
    /// What it is.
    pub kind: MapKind,
    /// Shown beside it: `data 0 .rodata (140 bytes)`, `__heap_base = 0x100270`.
    pub label: String,
}

/// An active data segment, as the module declares it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SegmentInput {
    /// Index in the data section.
    pub index: u32,
    /// Name from the name section (`.rodata`), if any.
    pub name: Option<String>,
    /// Offset in memory where it is copied.
    pub offset: u64,
    /// Its size.
    pub len_bytes: u64,
}

/// Everything the map is built from; leave out what is not known.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MapInputs {
    /// Current size of the memory.
    pub len_bytes: u64,
    /// Active data segments of this memory (passive ones have no place).
    pub segments: Vec<SegmentInput>,
    /// Value of the `__data_end` global.
    pub data_end: Option<u64>,
    /// Value of the `__heap_base` global.
    pub heap_base: Option<u64>,
    /// Value of `__stack_pointer` at instantiation (the top of the stack).
    pub stack_pointer: Option<u64>,
    /// Blocks handed out by the session's `alloc` steps, with labels (`alloc(46)`).
    pub allocations: Vec<(Range<u64>, String)>,
}

/// Builds the map: regions and markers, sorted by start (markers before the regions
/// that start at them, outer regions before inner ones), clipped to the memory.
pub fn build_memory_map(inputs: &MapInputs) -> Vec<MapEntry> {
    let len = inputs.len_bytes;
    let mut entries = Vec::new();
    let mut push = |range: Range<u64>, kind: MapKind, label: String| {
        if range.start <= len {
            let end = range.end.min(len).max(range.start);
            entries.push(MapEntry {
                range: range.start..end,
                kind,
                label,
            });
        }
    };
    if let Some(sp) = inputs.stack_pointer {
        let low = stack_low(inputs, sp);
        if sp > low {
            push(
                low..sp,
                MapKind::Stack,
                format!(
                    "stack ({}, grows down from {sp:#x})",
                    plural_bytes(sp - low)
                ),
            );
        }
        push(
            sp..sp,
            MapKind::StackPointer,
            format!("__stack_pointer = {sp:#x}"),
        );
    }
    for seg in &inputs.segments {
        let name = seg
            .name
            .as_deref()
            .map(|n| format!(" {n}"))
            .unwrap_or_default();
        push(
            seg.offset..seg.offset.saturating_add(seg.len_bytes),
            MapKind::DataSegment,
            format!("data {}{name} ({})", seg.index, plural_bytes(seg.len_bytes)),
        );
    }
    if let Some(end) = inputs.data_end {
        push(end..end, MapKind::DataEnd, format!("__data_end = {end:#x}"));
    }
    if let Some(base) = inputs.heap_base {
        push(
            base..base,
            MapKind::HeapBase,
            format!("__heap_base = {base:#x}"),
        );
        push(
            base..len.max(base),
            MapKind::Heap,
            format!("heap ({})", plural_bytes(len.saturating_sub(base))),
        );
    }
    for (range, label) in &inputs.allocations {
        push(range.clone(), MapKind::Allocation, label.clone());
    }
    entries.sort_by(|a, b| {
        let is_region = |e: &MapEntry| !e.range.is_empty();
        (
            a.range.start,
            is_region(a),
            std::cmp::Reverse(a.range.end),
            a.kind,
        )
            .cmp(&(
                b.range.start,
                is_region(b),
                std::cmp::Reverse(b.range.end),
                b.kind,
            ))
    });
    entries
}

/// The stack's low end: the highest of 0, `__data_end` and the segment ends not above
/// `sp` (see the module docs).
fn stack_low(inputs: &MapInputs, sp: u64) -> u64 {
    let segment_ends = inputs
        .segments
        .iter()
        .map(|s| s.offset.saturating_add(s.len_bytes));
    segment_ends
        .chain(inputs.data_end)
        .filter(|&end| end <= sp)
        .max()
        .unwrap_or(0)
}

/// The innermost region containing `offset` (allocation inside heap, segment inside
/// data); markers are never returned.
pub fn map_entry_at(entries: &[MapEntry], offset: u64) -> Option<&MapEntry> {
    entries
        .iter()
        .filter(|e| e.range.contains(&offset))
        .min_by_key(|e| e.range.end - e.range.start)
}

/// Markers for the page boundaries inside `visible` (never offset 0), for a memory of
/// `len_bytes`, including its end when visible.
pub fn page_boundaries(visible: Range<u64>, len_bytes: u64) -> impl Iterator<Item = MapEntry> {
    let page = CHUNK_BYTES as u64;
    let first = visible.start.div_ceil(page).max(1);
    let end = visible.end.min(len_bytes.saturating_add(1));
    (first..)
        .map_while(move |index| {
            index
                .checked_mul(page)
                .filter(|&at| at < end)
                .map(|at| (index, at))
        })
        .map(|(index, at)| MapEntry {
            range: at..at,
            kind: MapKind::PageBoundary,
            label: format!("page {index} ({at:#x})"),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(entries: &[MapEntry]) -> Vec<(MapKind, Range<u64>)> {
        entries.iter().map(|e| (e.kind, e.range.clone())).collect()
    }

    #[test]
    fn rust_guest_is_stack_first() {
        // The seed's `append.wasm`: 17 pages, stack first, one `.rodata` segment.
        let inputs = MapInputs {
            len_bytes: 17 * 65536,
            segments: vec![SegmentInput {
                index: 0,
                name: Some(".rodata".to_owned()),
                offset: 0x10_0000,
                len_bytes: 140,
            }],
            data_end: Some(0x10_0261),
            heap_base: Some(0x10_0270),
            stack_pointer: Some(0x10_0000),
            allocations: vec![(0x10_0280..0x10_0295, "alloc(21)".to_owned())],
        };
        let map = build_memory_map(&inputs);
        assert_eq!(
            kinds(&map),
            vec![
                (MapKind::Stack, 0..0x10_0000),
                (MapKind::StackPointer, 0x10_0000..0x10_0000),
                (MapKind::DataSegment, 0x10_0000..0x10_008c),
                (MapKind::DataEnd, 0x10_0261..0x10_0261),
                (MapKind::HeapBase, 0x10_0270..0x10_0270),
                (MapKind::Heap, 0x10_0270..0x11_0000),
                (MapKind::Allocation, 0x10_0280..0x10_0295),
            ]
        );
        assert_eq!(
            map[0].label,
            "stack (1048576 bytes, grows down from 0x100000)"
        );
        assert_eq!(map[2].label, "data 0 .rodata (140 bytes)");
        assert_eq!(map[4].label, "__heap_base = 0x100270");
        assert_eq!(
            map_entry_at(&map, 0x10_0285).unwrap().kind,
            MapKind::Allocation
        );
        assert_eq!(map_entry_at(&map, 0x10_0300).unwrap().kind, MapKind::Heap);
        assert_eq!(map_entry_at(&map, 0x10).unwrap().kind, MapKind::Stack);
        assert_eq!(
            map_entry_at(&map, 0x10_0001).unwrap().kind,
            MapKind::DataSegment
        );
        assert!(map_entry_at(&map, 0x10_0200).is_none());
        assert!(map_entry_at(&map, 0x11_0000).is_none());
    }

    #[test]
    fn clang_data_first() {
        // Data at 1024, stack above it, heap from the stack's top.
        let inputs = MapInputs {
            len_bytes: 2 * 65536,
            segments: vec![
                SegmentInput {
                    index: 0,
                    name: None,
                    offset: 1024,
                    len_bytes: 100,
                },
                SegmentInput {
                    index: 1,
                    name: None,
                    offset: 1136,
                    len_bytes: 20,
                },
            ],
            data_end: None,
            heap_base: Some(66_688),
            stack_pointer: Some(66_688),
            allocations: Vec::new(),
        };
        let map = build_memory_map(&inputs);
        let stack = map.iter().find(|e| e.kind == MapKind::Stack).unwrap();
        assert_eq!(stack.range, 1156..66_688);
        assert_eq!(map[0].label, "data 0 (100 bytes)");
        // With __data_end known, it bounds the stack.
        let with_end = MapInputs {
            data_end: Some(1160),
            ..inputs
        };
        let map = build_memory_map(&with_end);
        let stack = map.iter().find(|e| e.kind == MapKind::Stack).unwrap();
        assert_eq!(stack.range, 1160..66_688);
    }

    #[test]
    fn partial_inputs_and_clipping() {
        assert!(build_memory_map(&MapInputs::default()).is_empty());
        let inputs = MapInputs {
            len_bytes: 100,
            segments: vec![SegmentInput {
                index: 3,
                name: None,
                offset: 90,
                len_bytes: 50,
            }],
            heap_base: Some(200),
            allocations: vec![(10..20, "a".to_owned())],
            ..MapInputs::default()
        };
        assert_eq!(
            kinds(&build_memory_map(&inputs)),
            vec![
                (MapKind::Allocation, 10..20),
                (MapKind::DataSegment, 90..100)
            ]
        );
    }

    #[test]
    fn page_markers() {
        let page = CHUNK_BYTES as u64;
        let marks: Vec<u64> = page_boundaries(0..3 * page, 4 * page)
            .map(|e| e.range.start)
            .collect();
        assert_eq!(marks, vec![page, 2 * page]);
        let marks: Vec<u64> = page_boundaries(page..u64::MAX, 2 * page)
            .map(|e| e.range.start)
            .collect();
        assert_eq!(marks, vec![page, 2 * page]);
        let first = page_boundaries(page + 1..5 * page, 8 * page)
            .next()
            .unwrap();
        assert_eq!(first.label, "page 2 (0x20000)");
        assert_eq!(first.kind, MapKind::PageBoundary);
        assert!(first.kind.is_marker());
        assert_eq!(page_boundaries(u64::MAX - 5..u64::MAX, u64::MAX).count(), 0);
    }
}
