//! The code added around one writing instruction, and the function that makes room in
//! the trace memory. Each writing instruction's operands go to scratch locals, a record
//! is reserved (making room when the trace memory is full) and filled in, the operands
//! come back and the original instruction (its own bytes) runs. A record is written
//! before its instruction runs, so a trap there leaves the record last; what an atomic
//! read-modify-write wrote is copied in after it ran.
//!
//! **The end pointer lives in a local.** A function that writes keeps the trace's end
//! (and record count) in a local, loaded at its entry and again after every call (the
//! callee may have recorded, or made room), and stores it to the global after each
//! record — a store nothing waits for, so the loop-carried chain of a writing loop is
//! one register add, not a global's store and load. The global is therefore always
//! exact (a trap keeps every record before it), and the host never writes it while a
//! call runs: a drain mid-call only moves the *drained* mark, and the function that
//! makes room moves the undrained tail to the start before it grows anything.

use std::collections::HashMap;

use anyhow::{Result, bail};
use wasm_encoder::{BlockType, InstructionSink, MemArg, ValType};
use wasmparser::Operator;

use super::RecordSite;
use super::layout::{ID_BYTES, WIDE_FIELDS};
use crate::inspect::WriteKind;

/// The indices of what `rewrite` appended.
#[derive(Clone, Copy, Debug)]
pub(super) struct Trace {
    /// The trace memory.
    pub memory: u32,
    /// The i64 global holding the end of the records (bytes, low half) and how many
    /// there are (high half).
    pub end: u32,
    /// The global holding the trace memory's size (bytes).
    pub limit: u32,
    /// The i64 global marking what the host has copied out (the same two halves).
    pub drained: u32,
    /// The function that makes room in the trace memory.
    pub grow: u32,
}

/// One more record in an end global's high half.
const ONE_RECORD: i64 = 1 << 32;

/// What a scratch local is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Role {
    /// The trace's end and count (the end global's copy).
    End,
    /// The record being written.
    Record,
    /// The instruction's operand number n.
    Operand(u8),
}

/// The scratch locals of one function, appended after its own as they are needed.
pub(super) struct Scratch {
    first: u32,
    types: Vec<ValType>,
    slots: HashMap<(Role, ValType), u32>,
}

impl Scratch {
    /// Scratch locals numbered from `first` (the function's own locals come first).
    pub fn new(first: u32) -> Self {
        Self {
            first,
            types: Vec::new(),
            slots: HashMap::new(),
        }
    }

    /// The types of the locals added, in order.
    pub fn added(&self) -> &[ValType] {
        &self.types
    }

    fn get(&mut self, role: Role, ty: ValType) -> u32 {
        let next = self.first + self.types.len() as u32;
        let index = *self.slots.entry((role, ty)).or_insert(next);
        if index == next {
            self.types.push(ty);
        }
        index
    }
}

/// The index type of a memory.
fn index_type(memory64: bool) -> ValType {
    if memory64 { ValType::I64 } else { ValType::I32 }
}

/// Widens an index on the stack to i64.
fn widen(sink: &mut InstructionSink<'_>, memory64: bool) {
    if !memory64 {
        sink.i64_extend_i32_u();
    }
}

/// How a store's value is written again into the record: the same store, on the
/// trace memory.
#[derive(Clone, Copy)]
enum Restore {
    I32,
    I64,
    F32,
    F64,
    I32x8,
    I32x16,
    I64x8,
    I64x16,
    I64x32,
    V128,
    Lane8(u8),
    Lane16(u8),
    Lane32(u8),
    Lane64(u8),
}

impl Restore {
    fn of(op: &Operator<'_>) -> Option<Self> {
        use Operator as O;
        Some(match *op {
            O::I32Store { .. } | O::I32AtomicStore { .. } => Self::I32,
            O::I64Store { .. } | O::I64AtomicStore { .. } => Self::I64,
            O::F32Store { .. } => Self::F32,
            O::F64Store { .. } => Self::F64,
            O::I32Store8 { .. } | O::I32AtomicStore8 { .. } => Self::I32x8,
            O::I32Store16 { .. } | O::I32AtomicStore16 { .. } => Self::I32x16,
            O::I64Store8 { .. } | O::I64AtomicStore8 { .. } => Self::I64x8,
            O::I64Store16 { .. } | O::I64AtomicStore16 { .. } => Self::I64x16,
            O::I64Store32 { .. } | O::I64AtomicStore32 { .. } => Self::I64x32,
            O::V128Store { .. } => Self::V128,
            O::V128Store8Lane { lane, .. } => Self::Lane8(lane),
            O::V128Store16Lane { lane, .. } => Self::Lane16(lane),
            O::V128Store32Lane { lane, .. } => Self::Lane32(lane),
            O::V128Store64Lane { lane, .. } => Self::Lane64(lane),
            _ => return None,
        })
    }

    fn value_type(self) -> ValType {
        match self {
            Self::I32 | Self::I32x8 | Self::I32x16 => ValType::I32,
            Self::I64 | Self::I64x8 | Self::I64x16 | Self::I64x32 => ValType::I64,
            Self::F32 => ValType::F32,
            Self::F64 => ValType::F64,
            _ => ValType::V128,
        }
    }

    fn store(self, sink: &mut InstructionSink<'_>, memarg: MemArg) {
        match self {
            Self::I32 => sink.i32_store(memarg),
            Self::I64 => sink.i64_store(memarg),
            Self::F32 => sink.f32_store(memarg),
            Self::F64 => sink.f64_store(memarg),
            Self::I32x8 => sink.i32_store8(memarg),
            Self::I32x16 => sink.i32_store16(memarg),
            Self::I64x8 => sink.i64_store8(memarg),
            Self::I64x16 => sink.i64_store16(memarg),
            Self::I64x32 => sink.i64_store32(memarg),
            Self::V128 => sink.v128_store(memarg),
            Self::Lane8(lane) => sink.v128_store8_lane(memarg, lane),
            Self::Lane16(lane) => sink.v128_store16_lane(memarg, lane),
            Self::Lane32(lane) => sink.v128_store32_lane(memarg, lane),
            Self::Lane64(lane) => sink.v128_store64_lane(memarg, lane),
        };
    }
}

/// Writes one writing instruction, instrumented, to `out`.
pub(super) struct Emitter<'a> {
    /// The appended items.
    pub trace: Trace,
    /// Whether each memory of the module is a memory64.
    pub memory64: &'a [bool],
}

impl Emitter<'_> {
    fn at(&self, offset: u32) -> MemArg {
        MemArg {
            offset: u64::from(offset),
            align: 0,
            memory_index: self.trace.memory,
        }
    }

    /// `op` (whose bytes are `original`), recorded as site `id`.
    pub fn write(
        &self,
        out: &mut Vec<u8>,
        scratch: &mut Scratch,
        op: &Operator<'_>,
        original: &[u8],
        id: u32,
        site: &RecordSite,
    ) -> Result<()> {
        let (mut pre, mut post) = (Vec::new(), Vec::new());
        let mut sink = InstructionSink::new(&mut pre);
        let mut after = InstructionSink::new(&mut post);
        let layout = site.layout();
        let m64 = site.memory64;
        match site.kind {
            WriteKind::Store { .. } => {
                let Some(restore) = Restore::of(op) else {
                    bail!(
                        "{} at {:#x} is not a store wasmscope knows",
                        site.op,
                        site.pc
                    );
                };
                let value = scratch.get(Role::Operand(1), restore.value_type());
                let address = scratch.get(Role::Operand(0), index_type(m64));
                sink.local_set(value).local_set(address);
                let record = self.reserve(&mut sink, scratch, layout.fixed_bytes());
                self.id_and_address(&mut sink, record, id, address, m64);
                sink.local_get(record).local_get(value);
                restore.store(&mut sink, self.at(layout.value_at()));
                sink.local_get(address).local_get(value);
            }
            WriteKind::Rmw { width, offset } => {
                let ty = if site.op.starts_with("i64") {
                    ValType::I64
                } else {
                    ValType::I32
                };
                let values: &[u8] = if site.op.contains("cmpxchg") {
                    &[2, 1]
                } else {
                    &[1]
                };
                let address = scratch.get(Role::Operand(0), index_type(m64));
                let locals: Vec<u32> = values
                    .iter()
                    .map(|&n| scratch.get(Role::Operand(n), ty))
                    .collect();
                for &local in &locals {
                    sink.local_set(local);
                }
                sink.local_set(address);
                let record = self.reserve(&mut sink, scratch, layout.fixed_bytes());
                self.id_and_address(&mut sink, record, id, address, m64);
                sink.local_get(address);
                for &local in locals.iter().rev() {
                    sink.local_get(local);
                }
                // The result stays on the stack under the copy's operands.
                after
                    .local_get(record)
                    .i32_const(layout.value_at() as i32)
                    .i32_add()
                    .local_get(address);
                if m64 {
                    after.i64_const(offset as i64).i64_add();
                } else {
                    after.i32_const(offset as i32).i32_add();
                }
                after
                    .i32_const(i32::from(width))
                    .memory_copy(self.trace.memory, site.memory);
            }
            WriteKind::Fill => {
                let len = scratch.get(Role::Operand(2), index_type(m64));
                let byte = scratch.get(Role::Operand(1), ValType::I32);
                let dst = scratch.get(Role::Operand(0), index_type(m64));
                sink.local_set(len).local_set(byte).local_set(dst);
                let record = self.reserve_with_id(&mut sink, scratch, id, layout.fixed_bytes());
                self.wide(&mut sink, record, [(dst, m64), (len, m64)]);
                sink.local_get(record).local_get(byte);
                sink.i32_store8(self.at(layout.fixed_bytes() - 1));
                sink.local_get(dst).local_get(byte).local_get(len);
            }
            WriteKind::Copy => {
                let Operator::MemoryCopy { src_mem, .. } = *op else {
                    bail!("{} at {:#x} is not a memory.copy", site.op, site.pc);
                };
                let src64 = self
                    .memory64
                    .get(src_mem as usize)
                    .copied()
                    .unwrap_or(false);
                let len64 = m64 && src64;
                let len = scratch.get(Role::Operand(2), index_type(len64));
                let src = scratch.get(Role::Operand(1), index_type(src64));
                let dst = scratch.get(Role::Operand(0), index_type(m64));
                sink.local_set(len).local_set(src).local_set(dst);
                let record = self.reserve_with_id(&mut sink, scratch, id, layout.fixed_bytes());
                self.wide(&mut sink, record, [(dst, m64), (src, src64), (len, len64)]);
                sink.local_get(dst).local_get(src).local_get(len);
            }
            WriteKind::Init { .. } => {
                let len = scratch.get(Role::Operand(2), ValType::I32);
                let offset = scratch.get(Role::Operand(1), ValType::I32);
                let dst = scratch.get(Role::Operand(0), index_type(m64));
                sink.local_set(len).local_set(offset).local_set(dst);
                let record = self.reserve_with_id(&mut sink, scratch, id, layout.fixed_bytes());
                self.wide(
                    &mut sink,
                    record,
                    [(dst, m64), (offset, false), (len, false)],
                );
                sink.local_get(dst).local_get(offset).local_get(len);
            }
            WriteKind::Grow => {
                let pages = scratch.get(Role::Operand(0), index_type(m64));
                sink.local_set(pages);
                let record = self.reserve_with_id(&mut sink, scratch, id, layout.fixed_bytes());
                self.wide(&mut sink, record, [(pages, m64)]);
                sink.local_get(record).memory_size(site.memory);
                widen(&mut sink, m64);
                sink.i64_store(self.at(WIDE_FIELDS[1]));
                sink.local_get(pages);
            }
        }
        out.extend(pre);
        out.extend_from_slice(original);
        out.extend(post);
        Ok(())
    }

    /// Loads the end global into the function's local: at its entry and after
    /// anything that may have moved it (a call).
    pub fn reload(&self, sink: &mut InstructionSink<'_>, scratch: &mut Scratch) {
        let end = self.end_local(scratch);
        sink.global_get(self.trace.end).local_set(end);
    }

    fn end_local(&self, scratch: &mut Scratch) -> u32 {
        scratch.get(Role::End, ValType::I64)
    }

    /// Reserves `bytes` of record (making room when they do not fit) and leaves the
    /// record's start in the returned local; the end global then counts the record.
    fn reserve(&self, sink: &mut InstructionSink<'_>, scratch: &mut Scratch, bytes: u32) -> u32 {
        let end = self.end_local(scratch);
        let record = scratch.get(Role::Record, ValType::I32);
        sink.local_get(end)
            .i32_wrap_i64()
            .local_tee(record)
            .i32_const(bytes as i32)
            .i32_add()
            .global_get(self.trace.limit)
            .i32_gt_u()
            .if_(BlockType::Empty)
            .local_get(record)
            .i32_const(bytes as i32)
            .i32_add()
            .i64_extend_i32_u()
            .call(self.trace.grow);
        self.reload(sink, scratch);
        sink.local_get(end)
            .i32_wrap_i64()
            .local_set(record)
            .end()
            .local_get(end)
            .i64_const(ONE_RECORD + i64::from(bytes))
            .i64_add()
            .local_tee(end)
            .global_set(self.trace.end);
        record
    }

    /// [`Emitter::reserve`]s a record and writes its id.
    fn reserve_with_id(
        &self,
        sink: &mut InstructionSink<'_>,
        scratch: &mut Scratch,
        id: u32,
        bytes: u32,
    ) -> u32 {
        let record = self.reserve(sink, scratch, bytes);
        self.id(sink, record, id);
        record
    }

    /// A record's id.
    fn id(&self, sink: &mut InstructionSink<'_>, record: u32, id: u32) {
        sink.local_get(record)
            .i32_const(id as i32)
            .i32_store(self.at(0));
    }

    /// A value record's id and address field: one i64 store on a 32-bit memory.
    fn id_and_address(
        &self,
        sink: &mut InstructionSink<'_>,
        record: u32,
        id: u32,
        address: u32,
        m64: bool,
    ) {
        if m64 {
            self.id(sink, record, id);
            sink.local_get(record)
                .local_get(address)
                .i64_store(self.at(ID_BYTES));
        } else {
            sink.local_get(record)
                .local_get(address)
                .i64_extend_i32_u()
                .i64_const(32)
                .i64_shl()
                .i64_const(i64::from(id))
                .i64_or()
                .i64_store(self.at(0));
        }
    }

    /// A wide record's u64 fields, from locals (widened when 32-bit).
    fn wide<const N: usize>(
        &self,
        sink: &mut InstructionSink<'_>,
        record: u32,
        fields: [(u32, bool); N],
    ) {
        for (&(local, is64), at) in fields.iter().zip(WIDE_FIELDS) {
            sink.local_get(record).local_get(local);
            widen(sink, is64);
            sink.i64_store(self.at(at));
        }
    }
}

/// The body of the function (param $end i64) that makes room in the trace memory for
/// records up to `$end`: first it moves the records the host has not copied yet (past
/// the drained mark) to the start, then, if they still do not fit, it grows the trace
/// memory by as many pages as it has (doubling), else by what is needed;
/// `unreachable` when even that fails (past 4 GiB of records between two drains).
pub(super) fn grow_body(trace: Trace) -> Vec<u8> {
    let (want, drained, need) = (0, 1, 2); // param $end; locals: i64 drained, i64 pages
    let low = |sink: &mut InstructionSink<'_>, local: u32| {
        sink.local_get(local).i64_const(0xffff_ffff).i64_and();
    };
    let mut body = Vec::new();
    // One local group: two i64s.
    body.extend([1, 2, 0x7e]);
    let mut sink = InstructionSink::new(&mut body);
    sink.global_get(trace.drained)
        .local_tee(drained)
        .i64_eqz()
        .i32_eqz()
        .if_(BlockType::Empty);
    // memory.copy(0, drained, end - drained) on the trace memory
    sink.i32_const(0).local_get(drained).i32_wrap_i64();
    sink.global_get(trace.end)
        .i32_wrap_i64()
        .local_get(drained)
        .i32_wrap_i64()
        .i32_sub()
        .memory_copy(trace.memory, trace.memory);
    sink.global_get(trace.end)
        .local_get(drained)
        .i64_sub()
        .global_set(trace.end)
        .i64_const(0)
        .global_set(trace.drained)
        .local_get(want);
    low(&mut sink, drained);
    sink.i64_sub().local_set(want).end();
    sink.local_get(want)
        .global_get(trace.limit)
        .i64_extend_i32_u()
        .i64_le_u()
        .if_(BlockType::Empty)
        .return_()
        .end();
    sink.local_get(want)
        .global_get(trace.limit)
        .i64_extend_i32_u()
        .i64_sub()
        .i64_const(0xffff)
        .i64_add()
        .i64_const(16)
        .i64_shr_u()
        .local_tee(need)
        .i64_const(65536)
        .i64_gt_u()
        .if_(BlockType::Empty)
        .unreachable()
        .end();
    // max(need, current pages)
    sink.local_get(need)
        .memory_size(trace.memory)
        .i64_extend_i32_u()
        .local_get(need)
        .memory_size(trace.memory)
        .i64_extend_i32_u()
        .i64_gt_u()
        .select()
        .i32_wrap_i64()
        .memory_grow(trace.memory)
        .i32_const(-1)
        .i32_eq()
        .if_(BlockType::Empty)
        .local_get(need)
        .i32_wrap_i64()
        .memory_grow(trace.memory)
        .i32_const(-1)
        .i32_eq()
        .if_(BlockType::Empty)
        .unreachable()
        .end()
        .end()
        .memory_size(trace.memory)
        .i32_const(16)
        .i32_shl()
        .global_set(trace.limit)
        .end();
    body
}
