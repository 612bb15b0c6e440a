//! Which operators write linear memory, and what each writes: the one list that the
//! write sites (the debugger's breakpoints) and the write recorder (`crate::record`)
//! both use.

use wasmparser::Operator;

/// What an instruction does to memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WriteKind {
    /// A store of `width` bytes at `address + offset` (operands: address, value);
    /// atomic stores too.
    Store {
        /// Bytes written.
        width: u8,
        /// The memarg's offset.
        offset: u64,
    },
    /// An atomic read-modify-write of `width` bytes at `address + offset` (operands:
    /// address and one value, or two for a compare-exchange). What it writes is known
    /// only once it has run.
    Rmw {
        /// Bytes written.
        width: u8,
        /// The memarg's offset.
        offset: u64,
    },
    /// `memory.fill` (operands: destination, byte, length).
    Fill,
    /// `memory.copy` (operands: destination, source, length).
    Copy,
    /// `memory.init` (operands: destination, offset in the segment, length).
    Init {
        /// The passive data segment.
        segment: u32,
    },
    /// `memory.grow` (operand: pages).
    Grow,
}

/// A writing instruction's WAT name, what it writes, and the memory it writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WriteOp {
    /// As WAT spells it (`i32.store8`).
    pub name: &'static str,
    /// What it writes.
    pub kind: WriteKind,
    /// The memory written.
    pub memory: u32,
}

/// The plain store instructions: name, width, memarg.
fn store(op: &Operator<'_>) -> Option<(&'static str, u8, wasmparser::MemArg)> {
    use Operator as O;
    let (name, width, memarg) = match op {
        O::I32Store { memarg } => ("i32.store", 4, memarg),
        O::I64Store { memarg } => ("i64.store", 8, memarg),
        O::F32Store { memarg } => ("f32.store", 4, memarg),
        O::F64Store { memarg } => ("f64.store", 8, memarg),
        O::I32Store8 { memarg } => ("i32.store8", 1, memarg),
        O::I32Store16 { memarg } => ("i32.store16", 2, memarg),
        O::I64Store8 { memarg } => ("i64.store8", 1, memarg),
        O::I64Store16 { memarg } => ("i64.store16", 2, memarg),
        O::I64Store32 { memarg } => ("i64.store32", 4, memarg),
        O::V128Store { memarg } => ("v128.store", 16, memarg),
        O::V128Store8Lane { memarg, .. } => ("v128.store8_lane", 1, memarg),
        O::V128Store16Lane { memarg, .. } => ("v128.store16_lane", 2, memarg),
        O::V128Store32Lane { memarg, .. } => ("v128.store32_lane", 4, memarg),
        O::V128Store64Lane { memarg, .. } => ("v128.store64_lane", 8, memarg),
        O::I32AtomicStore { memarg } => ("i32.atomic.store", 4, memarg),
        O::I64AtomicStore { memarg } => ("i64.atomic.store", 8, memarg),
        O::I32AtomicStore8 { memarg } => ("i32.atomic.store8", 1, memarg),
        O::I32AtomicStore16 { memarg } => ("i32.atomic.store16", 2, memarg),
        O::I64AtomicStore8 { memarg } => ("i64.atomic.store8", 1, memarg),
        O::I64AtomicStore16 { memarg } => ("i64.atomic.store16", 2, memarg),
        O::I64AtomicStore32 { memarg } => ("i64.atomic.store32", 4, memarg),
        _ => return None,
    };
    Some((name, width, *memarg))
}

/// The atomic read-modify-write instructions: name, width, memarg.
fn rmw(op: &Operator<'_>) -> Option<(&'static str, u8, wasmparser::MemArg)> {
    use Operator as O;
    let (name, width, memarg) = match op {
        O::I32AtomicRmwAdd { memarg } => ("i32.atomic.rmw.add", 4, memarg),
        O::I32AtomicRmw8AddU { memarg } => ("i32.atomic.rmw8.add_u", 1, memarg),
        O::I32AtomicRmw16AddU { memarg } => ("i32.atomic.rmw16.add_u", 2, memarg),
        O::I64AtomicRmwAdd { memarg } => ("i64.atomic.rmw.add", 8, memarg),
        O::I64AtomicRmw8AddU { memarg } => ("i64.atomic.rmw8.add_u", 1, memarg),
        O::I64AtomicRmw16AddU { memarg } => ("i64.atomic.rmw16.add_u", 2, memarg),
        O::I64AtomicRmw32AddU { memarg } => ("i64.atomic.rmw32.add_u", 4, memarg),
        O::I32AtomicRmwSub { memarg } => ("i32.atomic.rmw.sub", 4, memarg),
        O::I32AtomicRmw8SubU { memarg } => ("i32.atomic.rmw8.sub_u", 1, memarg),
        O::I32AtomicRmw16SubU { memarg } => ("i32.atomic.rmw16.sub_u", 2, memarg),
        O::I64AtomicRmwSub { memarg } => ("i64.atomic.rmw.sub", 8, memarg),
        O::I64AtomicRmw8SubU { memarg } => ("i64.atomic.rmw8.sub_u", 1, memarg),
        O::I64AtomicRmw16SubU { memarg } => ("i64.atomic.rmw16.sub_u", 2, memarg),
        O::I64AtomicRmw32SubU { memarg } => ("i64.atomic.rmw32.sub_u", 4, memarg),
        O::I32AtomicRmwAnd { memarg } => ("i32.atomic.rmw.and", 4, memarg),
        O::I32AtomicRmw8AndU { memarg } => ("i32.atomic.rmw8.and_u", 1, memarg),
        O::I32AtomicRmw16AndU { memarg } => ("i32.atomic.rmw16.and_u", 2, memarg),
        O::I64AtomicRmwAnd { memarg } => ("i64.atomic.rmw.and", 8, memarg),
        O::I64AtomicRmw8AndU { memarg } => ("i64.atomic.rmw8.and_u", 1, memarg),
        O::I64AtomicRmw16AndU { memarg } => ("i64.atomic.rmw16.and_u", 2, memarg),
        O::I64AtomicRmw32AndU { memarg } => ("i64.atomic.rmw32.and_u", 4, memarg),
        O::I32AtomicRmwOr { memarg } => ("i32.atomic.rmw.or", 4, memarg),
        O::I32AtomicRmw8OrU { memarg } => ("i32.atomic.rmw8.or_u", 1, memarg),
        O::I32AtomicRmw16OrU { memarg } => ("i32.atomic.rmw16.or_u", 2, memarg),
        O::I64AtomicRmwOr { memarg } => ("i64.atomic.rmw.or", 8, memarg),
        O::I64AtomicRmw8OrU { memarg } => ("i64.atomic.rmw8.or_u", 1, memarg),
        O::I64AtomicRmw16OrU { memarg } => ("i64.atomic.rmw16.or_u", 2, memarg),
        O::I64AtomicRmw32OrU { memarg } => ("i64.atomic.rmw32.or_u", 4, memarg),
        O::I32AtomicRmwXor { memarg } => ("i32.atomic.rmw.xor", 4, memarg),
        O::I32AtomicRmw8XorU { memarg } => ("i32.atomic.rmw8.xor_u", 1, memarg),
        O::I32AtomicRmw16XorU { memarg } => ("i32.atomic.rmw16.xor_u", 2, memarg),
        O::I64AtomicRmwXor { memarg } => ("i64.atomic.rmw.xor", 8, memarg),
        O::I64AtomicRmw8XorU { memarg } => ("i64.atomic.rmw8.xor_u", 1, memarg),
        O::I64AtomicRmw16XorU { memarg } => ("i64.atomic.rmw16.xor_u", 2, memarg),
        O::I64AtomicRmw32XorU { memarg } => ("i64.atomic.rmw32.xor_u", 4, memarg),
        O::I32AtomicRmwXchg { memarg } => ("i32.atomic.rmw.xchg", 4, memarg),
        O::I32AtomicRmw8XchgU { memarg } => ("i32.atomic.rmw8.xchg_u", 1, memarg),
        O::I32AtomicRmw16XchgU { memarg } => ("i32.atomic.rmw16.xchg_u", 2, memarg),
        O::I64AtomicRmwXchg { memarg } => ("i64.atomic.rmw.xchg", 8, memarg),
        O::I64AtomicRmw8XchgU { memarg } => ("i64.atomic.rmw8.xchg_u", 1, memarg),
        O::I64AtomicRmw16XchgU { memarg } => ("i64.atomic.rmw16.xchg_u", 2, memarg),
        O::I64AtomicRmw32XchgU { memarg } => ("i64.atomic.rmw32.xchg_u", 4, memarg),
        O::I32AtomicRmwCmpxchg { memarg } => ("i32.atomic.rmw.cmpxchg", 4, memarg),
        O::I32AtomicRmw8CmpxchgU { memarg } => ("i32.atomic.rmw8.cmpxchg_u", 1, memarg),
        O::I32AtomicRmw16CmpxchgU { memarg } => ("i32.atomic.rmw16.cmpxchg_u", 2, memarg),
        O::I64AtomicRmwCmpxchg { memarg } => ("i64.atomic.rmw.cmpxchg", 8, memarg),
        O::I64AtomicRmw8CmpxchgU { memarg } => ("i64.atomic.rmw8.cmpxchg_u", 1, memarg),
        O::I64AtomicRmw16CmpxchgU { memarg } => ("i64.atomic.rmw16.cmpxchg_u", 2, memarg),
        O::I64AtomicRmw32CmpxchgU { memarg } => ("i64.atomic.rmw32.cmpxchg_u", 4, memarg),
        _ => return None,
    };
    Some((name, width, *memarg))
}

/// What `op` writes, if it writes memory.
pub fn write_op(op: &Operator<'_>) -> Option<WriteOp> {
    let made = |name, kind, memory| Some(WriteOp { name, kind, memory });
    if let Some((name, width, memarg)) = store(op) {
        let kind = WriteKind::Store {
            width,
            offset: memarg.offset,
        };
        return made(name, kind, memarg.memory);
    }
    if let Some((name, width, memarg)) = rmw(op) {
        let kind = WriteKind::Rmw {
            width,
            offset: memarg.offset,
        };
        return made(name, kind, memarg.memory);
    }
    match *op {
        Operator::MemoryFill { mem } => made("memory.fill", WriteKind::Fill, mem),
        Operator::MemoryCopy { dst_mem, .. } => made("memory.copy", WriteKind::Copy, dst_mem),
        Operator::MemoryInit { mem, data_index } => made(
            "memory.init",
            WriteKind::Init {
                segment: data_index,
            },
            mem,
        ),
        Operator::MemoryGrow { mem } => made("memory.grow", WriteKind::Grow, mem),
        _ => None,
    }
}
