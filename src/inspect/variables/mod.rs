//! Source-level variables of a paused frame, from DWARF: the function's parameters
//! and locals in scope at the frame's instruction (and its compile unit's statics),
//! each with its type, value and — when it lives in linear memory — its address,
//! as a tree of [`Node`]s (fields, elements, a `Vec`'s items, a pointer's target).
//!
//! Everything is bounded (depth, items, bytes read, nodes) and a location or type
//! that cannot be evaluated is a node that says why, never an error or a panic.

mod index;
mod location;
mod overlay;
mod rust;
mod text;
mod types;
mod value;

#[cfg(test)]
mod tests;

use std::sync::Mutex;

use serde::Serialize;

pub use overlay::{Label, Overlay, Root};
pub use value::Limits;

use index::{Scope, Units, VarLocation};
use location::{Context, Place};
use value::Builder;

/// The reader over section bytes the DWARF owns.
type Reader = gimli::EndianArcSlice<gimli::LittleEndian>;

/// A type, by where its DIE is (to evaluate memory as that type later: a pointer
/// followed).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TypeRef {
    unit: usize,
    offset: usize,
}

/// A Wasm value of a paused frame (a local, global or operand), as raw bits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Slot {
    /// The value's bits (an f32's `to_bits`, an i32 zero-extended).
    pub bits: u64,
    /// Its width in bytes (4 or 8).
    pub bytes: u8,
}

/// What a frame holds, for evaluating its variables' locations.
#[derive(Clone, Copy, Debug)]
pub struct FrameState<'a> {
    /// The module offset whose scope is asked about (a caller's: its call).
    pub pc: u64,
    pub locals: &'a [Option<Slot>],
    /// The operand stack, bottom first.
    pub stack: &'a [Option<Slot>],
    /// The instance's globals, by index.
    pub globals: &'a [Option<Slot>],
}

/// Linear memory as the frame sees it.
pub trait ReadMemory {
    /// Up to `len` bytes at `at` (fewer, or none, past the end of memory).
    fn read(&self, at: u64, len: u64) -> Vec<u8>;
}

impl ReadMemory for crate::memory::Snapshot {
    fn read(&self, at: u64, len: u64) -> Vec<u8> {
        crate::memory::Snapshot::read(self, at, len)
    }
}

/// One value: a variable, a field, an element, a pointer's target.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Node {
    /// `pts`, `[2]`, `y`, `*at`.
    pub name: String,
    /// Its full name from the variable: `pts[2].y`.
    pub path: String,
    /// `short`, `struct point *`, `alloc::string::String`.
    #[serde(rename = "type")]
    pub type_name: String,
    /// Where it is in linear memory (`None`: in a Wasm local, a constant, or nowhere).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<u64>,
    /// Its size in bytes.
    pub size: u64,
    /// As a programmer reads it: `116`, `"The input string"`, `[3 items]`, `Some(…)`.
    pub value: String,
    /// Why there is no value (optimised out, outside memory, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unavailable: Option<String>,
    /// Fields, elements, items.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<Node>,
    /// The bytes it owns elsewhere in memory: a `String`'s text, a `Vec`'s items.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub heap: Option<Span>,
    /// For a pointer that can be followed: where it points and the type there.
    #[serde(skip)]
    pub target: Option<(u64, TypeRef)>,
}

/// A range of linear memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Span {
    pub address: u64,
    pub size: u64,
}

/// A variable of a frame.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Variable {
    /// `param`, `local` or `static`.
    pub kind: VariableKind,
    #[serde(flatten)]
    pub node: Node,
}

/// Where a variable comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum VariableKind {
    Param,
    Local,
    Static,
}

/// The variables of one frame.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct FrameVariables {
    /// The function, as DWARF names it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub function: Option<String>,
    /// Parameters, then locals (outer scopes first), then the unit's statics.
    pub variables: Vec<Variable>,
    /// Why there are none, when DWARF has no function at the frame's instruction.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The variables part of a module's DWARF (its own reader of `.debug_info`).
pub(super) struct Variables {
    units: Units,
    types: Mutex<types::Types>,
    code_start: u64,
}

impl Variables {
    pub fn new(dwarf: gimli::Dwarf<Reader>, code_start: u64) -> Self {
        Self {
            units: Units::new(dwarf),
            types: Mutex::new(types::Types::default()),
            code_start,
        }
    }

    /// The variables in scope at `frame`'s instruction, evaluated over `memory`.
    pub fn frame(
        &self,
        frame: &FrameState<'_>,
        memory: &dyn ReadMemory,
        limits: Limits,
    ) -> FrameVariables {
        let Some(scope) = frame
            .pc
            .checked_sub(self.code_start)
            .and_then(|address| self.units.scope_at(address))
        else {
            return FrameVariables {
                note: Some("DWARF describes no function at this instruction".into()),
                ..FrameVariables::default()
            };
        };
        let mut types = self
            .types
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let encoding = self.units.encoding(scope.unit);
        let Some(encoding) = encoding else {
            return FrameVariables::default();
        };
        let frame_base = frame_base(&scope, frame, memory, encoding);
        let context = Context {
            frame,
            memory,
            encoding,
            frame_base,
        };
        let mut builder = Builder::new(&self.units, &mut types, memory, scope.unit, limits);
        let mut variables = Vec::new();
        let statics = self.units.statics(scope.unit);
        for (die, kind) in scope
            .variables
            .iter()
            .map(|d| {
                (
                    d,
                    if d.param {
                        VariableKind::Param
                    } else {
                        VariableKind::Local
                    },
                )
            })
            .chain(statics.iter().map(|d| (d, VariableKind::Static)))
        {
            let size = die.ty.and_then(|t| builder.size(t)).unwrap_or(4);
            let place = match &die.location {
                VarLocation::Expr(expression) => {
                    location::evaluate(expression.clone(), &context, size)
                }
                VarLocation::Const(bytes) => Place::Bytes(bytes.clone()),
                VarLocation::Unavailable(why) => Place::Unavailable((*why).to_owned()),
            };
            let node = builder.node(&die.name, &die.name, die.ty, place);
            variables.push(Variable { kind, node });
        }
        FrameVariables {
            function: scope.function.clone(),
            variables,
            note: None,
        }
    }

    /// The value at guest address `at` as type `ty` (a pointer followed), named `name`.
    pub fn value_at(
        &self,
        ty: TypeRef,
        at: u64,
        name: &str,
        memory: &dyn ReadMemory,
        limits: Limits,
    ) -> Node {
        let mut types = self
            .types
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut builder = Builder::new(&self.units, &mut types, memory, ty.unit, limits);
        builder.node(name, name, Some(ty), Place::Memory(at))
    }
}

/// The frame base of `scope`'s function (`DW_AT_frame_base` evaluated).
fn frame_base(
    scope: &Scope,
    frame: &FrameState<'_>,
    memory: &dyn ReadMemory,
    encoding: gimli::Encoding,
) -> Option<u64> {
    let expression = scope.frame_base.clone()?;
    let context = Context {
        frame,
        memory,
        encoding,
        frame_base: None,
    };
    match location::evaluate(expression, &context, u64::from(encoding.address_size)) {
        Place::Bytes(bytes) => Some(location::little_endian(&bytes)),
        // A frame base named as a location holds the address: its value is it.
        Place::Memory(at) => Some(at),
        Place::Unavailable(_) => None,
    }
}
