//! The seed's flow as a little state machine: input → alloc → write → call → read.
//! Pure data; the panel draws it and the app turns its steps into commands.

use anyhow::{Context, Result, bail};

use crate::engine::{NumType, Step, Value};
use crate::inspect::{FuncSignature, ModuleInfo, ValType};

use super::state::LoadedModule;
use crate::memory::parse_hex;

/// Extra bytes allocated past the input by default, as in the seed (room for the
/// 25-byte suffix `append` adds, plus slack).
pub const DEFAULT_EXTRA_BYTES: u64 = 30;

/// The five stages, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Ask the allocator for memory.
    Alloc,
    /// Copy the input in.
    Write,
    /// Call the function with (ptr, len).
    Call,
    /// Read the result back.
    Read,
}

impl Stage {
    /// All stages after the input, in order.
    pub const ALL: [Stage; 4] = [Self::Alloc, Self::Write, Self::Call, Self::Read];

    /// The button's label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Alloc => "2 Alloc",
            Self::Write => "3 Write",
            Self::Call => "4 Call",
            Self::Read => "5 Read",
        }
    }
}

/// What the user typed and what the steps produced so far.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Walkthrough {
    /// The input as typed.
    pub input: String,
    /// Whether `input` is hex bytes rather than UTF-8 text.
    pub input_is_hex: bool,
    /// The allocator export.
    pub alloc_export: String,
    /// The allocation size as typed; empty means input length + 30.
    pub alloc_size: String,
    /// The function called with (ptr, len).
    pub call_export: String,
    /// Pointer returned by Alloc.
    pub ptr: Option<u64>,
    /// Bytes written by Write.
    pub written_len: Option<u64>,
    /// Length returned by Call.
    pub new_len: Option<u64>,
    /// Bytes returned by Read.
    pub result: Option<Vec<u8>>,
}

impl Walkthrough {
    /// A walkthrough of the seed's input with defaults picked from `info`.
    pub fn for_module(module: &LoadedModule, input: String) -> Self {
        let allocators = &module.allocators;
        let calls = pointer_len_exports(&module.info);
        let pick = |names: &[String], preferred: &str| {
            if names.iter().any(|n| n == preferred) {
                preferred.to_owned()
            } else {
                names.first().cloned().unwrap_or_default()
            }
        };
        Self {
            input,
            alloc_export: pick(allocators, "alloc"),
            call_export: pick(&calls, "append"),
            ..Self::default()
        }
    }

    /// The input's bytes, or why they cannot be parsed.
    pub fn input_bytes(&self) -> Result<Vec<u8>> {
        if self.input_is_hex {
            parse_hex(&self.input)
        } else {
            Ok(self.input.clone().into_bytes())
        }
    }

    /// The size Alloc will ask for.
    pub fn size(&self) -> Result<u64> {
        if self.alloc_size.trim().is_empty() {
            let len = self.input_bytes()?.len() as u64;
            return Ok(len + DEFAULT_EXTRA_BYTES);
        }
        match NumType::I64.parse(&self.alloc_size)? {
            Value::I64(size) if size >= 0 => Ok(size as u64),
            _ => bail!("the size must be a non-negative number"),
        }
    }

    /// Forgets every step's result (after the input or the module changed).
    pub fn reset_progress(&mut self) {
        self.ptr = None;
        self.written_len = None;
        self.new_len = None;
        self.result = None;
    }

    /// Whether `stage` may run now (each stage needs the one before it).
    pub fn is_enabled(&self, stage: Stage) -> bool {
        match stage {
            Stage::Alloc => !self.alloc_export.is_empty() && self.size().is_ok(),
            Stage::Write => self.ptr.is_some() && self.input_bytes().is_ok(),
            Stage::Call => self.written_len.is_some() && !self.call_export.is_empty(),
            Stage::Read => self.new_len.is_some(),
        }
    }

    /// The first stage not yet done, if any.
    pub fn next_stage(&self) -> Option<Stage> {
        if self.ptr.is_none() {
            Some(Stage::Alloc)
        } else if self.written_len.is_none() {
            Some(Stage::Write)
        } else if self.new_len.is_none() {
            Some(Stage::Call)
        } else if self.result.is_none() {
            Some(Stage::Read)
        } else {
            None
        }
    }

    /// The engine step for `stage`; `wide` means memory64 (i64 pointers).
    pub fn step(&self, stage: Stage, wide: bool) -> Result<Step> {
        let need = |v: Option<u64>, what: &str| v.with_context(|| format!("run {what} first"));
        Ok(match stage {
            Stage::Alloc => Step::Alloc {
                export: self.alloc_export.clone(),
                size: self.size()?,
            },
            Stage::Write => Step::Write {
                ptr: need(self.ptr, "Alloc")?,
                bytes: self.input_bytes()?,
            },
            Stage::Call => {
                let ptr = need(self.ptr, "Alloc")?;
                let len = need(self.written_len, "Write")?;
                Step::Call {
                    export: self.call_export.clone(),
                    args: vec![address_value(ptr, wide)?, address_value(len, wide)?],
                }
            }
            Stage::Read => Step::Read {
                ptr: need(self.ptr, "Alloc")?,
                len: need(self.new_len, "Call")?,
            },
        })
    }
}

/// A pointer or length as the guest's address type.
fn address_value(value: u64, wide: bool) -> Result<Value> {
    if wide {
        return Ok(Value::I64(value as i64));
    }
    let narrow = u32::try_from(value).with_context(|| format!("{value} does not fit an i32"))?;
    Ok(Value::I32(narrow as i32))
}

fn is_address(ty: &ValType) -> bool {
    matches!(ty, ValType::I32 | ValType::I64)
}

/// The module's allocators (see `engine::allocators::detect`), preferred first.
pub fn allocator_exports(info: &ModuleInfo) -> Vec<String> {
    crate::engine::allocators::detect(info)
        .into_iter()
        .map(|allocator| allocator.export)
        .collect()
}

/// Exports shaped like the seed's `append`: `(ptr, len) -> len`.
pub fn pointer_len_exports(info: &ModuleInfo) -> Vec<String> {
    exports_where(info, |sig| {
        matches!(sig.params.as_slice(), [p, l] if is_address(p) && is_address(l))
            && matches!(sig.results.as_slice(), [r] if is_address(r))
    })
}

fn exports_where(info: &ModuleInfo, fits: impl Fn(&FuncSignature) -> bool) -> Vec<String> {
    info.func_exports()
        .filter(|(_, sig)| fits(sig))
        .map(|(name, _)| name.to_owned())
        .collect()
}
