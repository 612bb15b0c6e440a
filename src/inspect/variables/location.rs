//! Evaluating a DWARF location expression with a paused Wasm frame's values. gimli
//! decodes the operations (`DW_OP_WASM_location` 0xED among them) but cannot
//! evaluate the Wasm ones, so this is a small stack machine of its own: the usual
//! arithmetic, `DW_OP_fbreg` from the function's frame base, `DW_OP_addr`,
//! `DW_OP_deref` (reading the paused memory), Wasm locals, globals and operand-stack
//! slots, `DW_OP_stack_value`, implicit values and pieces. Anything else is an
//! answer that says which operation is not supported.

use gimli::Operation;

use super::{FrameState, ReadMemory, Reader, Slot};

/// Operations evaluated at most per expression (damaged DWARF could be long).
const MAX_OPERATIONS: usize = 256;

/// Where a variable's bytes are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Place {
    /// In linear memory at this guest address.
    Memory(u64),
    /// Not in memory (a Wasm local, an operand, a constant): these bytes.
    Bytes(Vec<u8>),
    /// Not available: why.
    Unavailable(String),
}

/// What evaluating needs besides the expression.
pub(super) struct Context<'a> {
    pub frame: &'a FrameState<'a>,
    pub memory: &'a dyn ReadMemory,
    pub encoding: gimli::Encoding,
    /// The function's frame base (`DW_AT_frame_base` evaluated), for `DW_OP_fbreg`.
    pub frame_base: Option<u64>,
}

/// Evaluates `expression`; a variable of `size` bytes is read from a Wasm location
/// or the stack value in that many bytes.
pub(super) fn evaluate(
    expression: gimli::Expression<Reader>,
    context: &Context<'_>,
    size: u64,
) -> Place {
    match run(expression, context, size) {
        Ok(place) => place,
        Err(why) => Place::Unavailable(why),
    }
}

/// A value on the stack: a number, or a Wasm slot named as a location (which the
/// end of the expression reads as "the variable is in this slot").
#[derive(Clone, Copy)]
enum Entry {
    Number(u64),
    Slot(Slot),
}

impl Entry {
    fn number(self) -> u64 {
        match self {
            Self::Number(n) => n,
            Self::Slot(slot) => slot.bits,
        }
    }
}

fn run(
    expression: gimli::Expression<Reader>,
    context: &Context<'_>,
    size: u64,
) -> Result<Place, String> {
    let mut operations = expression.operations(context.encoding);
    let mut stack: Vec<Entry> = Vec::new();
    let mut pieces: Vec<(Place, u64)> = Vec::new();
    // A `DW_OP_stack_value` or implicit value ends the piece with bytes, not a place.
    let mut value: Option<Vec<u8>> = None;
    let mut count = 0;
    let address_mask = if context.encoding.address_size == 8 {
        u64::MAX
    } else {
        u64::from(u32::MAX)
    };
    loop {
        let operation = operations
            .next()
            .map_err(|err| format!("its location cannot be read: {err}"))?;
        count += 1;
        if count > MAX_OPERATIONS {
            return Err("its location expression is too long".into());
        }
        let Some(operation) = operation else {
            break;
        };
        let pop = |stack: &mut Vec<Entry>| -> Result<u64, String> {
            stack
                .pop()
                .map(Entry::number)
                .ok_or_else(|| "its location expression pops an empty stack".to_owned())
        };
        match operation {
            Operation::Address { address } => stack.push(Entry::Number(address)),
            Operation::UnsignedConstant { value } => stack.push(Entry::Number(value)),
            Operation::SignedConstant { value } => stack.push(Entry::Number(value as u64)),
            Operation::FrameOffset { offset } => {
                let base = context
                    .frame_base
                    .ok_or("its function's frame base is unknown")?;
                stack.push(Entry::Number(
                    base.wrapping_add(offset as u64) & address_mask,
                ));
            }
            Operation::WasmLocal { index } => {
                stack.push(slot(context.frame.locals, index, "local")?)
            }
            Operation::WasmGlobal { index } => {
                stack.push(slot(context.frame.globals, index, "global")?);
            }
            Operation::WasmStack { index } => {
                // Index 0 is the top of the operand stack.
                let from_top = context.frame.stack.len().checked_sub(1 + index as usize);
                let found = from_top
                    .and_then(|i| context.frame.stack.get(i).copied().flatten())
                    .ok_or_else(|| format!("operand stack slot {index} is not there"))?;
                stack.push(Entry::Slot(found));
            }
            Operation::PlusConstant { value } => {
                let top = pop(&mut stack)?;
                stack.push(Entry::Number(top.wrapping_add(value)));
            }
            Operation::Deref { size: width, .. } => {
                let at = pop(&mut stack)? & address_mask;
                let bytes = context.memory.read(at, u64::from(width));
                if bytes.len() != usize::from(width) {
                    return Err(format!("it reads {width} bytes at {at:#x}, outside memory"));
                }
                stack.push(Entry::Number(little_endian(&bytes)));
            }
            Operation::Drop => {
                pop(&mut stack)?;
            }
            Operation::Pick { index } => {
                let at = stack
                    .len()
                    .checked_sub(1 + usize::from(index))
                    .ok_or("its location expression picks past the stack")?;
                stack.push(stack[at]);
            }
            Operation::Swap => {
                let a = pop(&mut stack)?;
                let b = pop(&mut stack)?;
                stack.push(Entry::Number(a));
                stack.push(Entry::Number(b));
            }
            Operation::Rot => {
                let a = pop(&mut stack)?;
                let b = pop(&mut stack)?;
                let c = pop(&mut stack)?;
                stack.extend([a, c, b].map(Entry::Number));
            }
            Operation::Plus
            | Operation::Minus
            | Operation::Mul
            | Operation::And
            | Operation::Or
            | Operation::Xor
            | Operation::Shl
            | Operation::Shr
            | Operation::Div
            | Operation::Mod => {
                let b = pop(&mut stack)?;
                let a = pop(&mut stack)?;
                stack.push(Entry::Number(binary(&operation, a, b)?));
            }
            Operation::Neg => {
                let a = pop(&mut stack)?;
                stack.push(Entry::Number(a.wrapping_neg()));
            }
            Operation::Not => {
                let a = pop(&mut stack)?;
                stack.push(Entry::Number(!a));
            }
            Operation::Nop => {}
            Operation::StackValue => {
                let top = stack.last().copied().ok_or("its stack value is missing")?;
                value = Some(entry_bytes(top, size));
            }
            Operation::ImplicitValue { data } => {
                use gimli::Reader as _;
                let bytes = data
                    .to_slice()
                    .map_err(|_| "its implicit value cannot be read")?;
                value = Some(bytes.into_owned());
            }
            Operation::Piece { size_in_bits, .. } => {
                let bytes = size_in_bits.div_ceil(8);
                let place = finish(stack.pop(), value.take(), bytes);
                pieces.push((place, bytes));
                stack.clear();
            }
            other => {
                return Err(format!(
                    "its location uses {}, which is not supported",
                    op_name(&other)
                ));
            }
        }
    }
    if pieces.is_empty() {
        return Ok(finish(stack.pop(), value, size));
    }
    if let Some(top) = stack.pop() {
        pieces.push((finish(Some(top), value, size), size));
    }
    Ok(join_pieces(pieces, context.memory))
}

/// The place an expression (or a piece of it) ends at.
fn finish(top: Option<Entry>, value: Option<Vec<u8>>, size: u64) -> Place {
    if let Some(bytes) = value {
        return Place::Bytes(bytes);
    }
    match top {
        None => Place::Unavailable("optimised out".into()),
        Some(Entry::Number(address)) => Place::Memory(address),
        Some(Entry::Slot(slot)) if size > u64::from(slot.bytes) && slot.bytes == 4 => {
            // LLVM names a Wasm local as the location of an aggregate passed by
            // reference: the local holds its address.
            Place::Memory(slot.bits)
        }
        Some(top @ Entry::Slot(_)) => Place::Bytes(entry_bytes(top, size)),
    }
}

/// Pieces read into one value (a piece optimised out reads as zeros).
fn join_pieces(pieces: Vec<(Place, u64)>, memory: &dyn ReadMemory) -> Place {
    let mut bytes = Vec::new();
    for (place, size) in pieces {
        let size = size.min(1 << 16);
        let mut part = match place {
            Place::Memory(at) => memory.read(at, size),
            Place::Bytes(b) => b,
            Place::Unavailable(_) => Vec::new(),
        };
        part.resize(size as usize, 0);
        bytes.extend(part);
    }
    Place::Bytes(bytes)
}

/// `size` little-endian bytes of a stack entry (a slot's own width at most, padded).
fn entry_bytes(entry: Entry, size: u64) -> Vec<u8> {
    let n = entry.number().to_le_bytes();
    let width = size.clamp(1, 8) as usize;
    n[..width].to_vec()
}

fn slot(slots: &[Option<Slot>], index: u32, what: &str) -> Result<Entry, String> {
    slots
        .get(index as usize)
        .copied()
        .flatten()
        .map(Entry::Slot)
        .ok_or_else(|| format!("Wasm {what} {index} is not there"))
}

fn binary(operation: &Operation<Reader>, a: u64, b: u64) -> Result<u64, String> {
    Ok(match operation {
        Operation::Plus => a.wrapping_add(b),
        Operation::Minus => a.wrapping_sub(b),
        Operation::Mul => a.wrapping_mul(b),
        Operation::And => a & b,
        Operation::Or => a | b,
        Operation::Xor => a ^ b,
        Operation::Shl => a.checked_shl(b as u32).unwrap_or(0),
        Operation::Shr => a.checked_shr(b as u32).unwrap_or(0),
        Operation::Div => (a as i64)
            .checked_div(b as i64)
            .ok_or("its location divides by zero")? as u64,
        _ => a.checked_rem(b).ok_or("its location divides by zero")?,
    })
}

/// A number from up to 8 little-endian bytes.
pub(super) fn little_endian(bytes: &[u8]) -> u64 {
    let mut n = [0u8; 8];
    let len = bytes.len().min(8);
    n[..len].copy_from_slice(&bytes[..len]);
    u64::from_le_bytes(n)
}

/// `the operation Call` for `Operation::Call { … }`: gimli's variant name, for the
/// reason an unsupported operation gives.
fn op_name(operation: &Operation<Reader>) -> String {
    let debug = format!("{operation:?}");
    let name = debug.split([' ', '{', '(']).next().unwrap_or("?");
    format!("the operation {name}")
}
