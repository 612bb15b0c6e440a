//! The walkthrough's choices and progress. The flow itself (which steps, what they
//! name, how each uses the one before) is `recipe::seed_step`, shared with
//! `wasmscope run`; this turns the panel's choices into its steps.

pub(super) mod panel;

use anyhow::{Result, bail};

use crate::engine::{NumType, StepOutput, StepReport, Value, format_values};
use crate::inspect::ModuleInfo;
use crate::recipe::{self, Expr, Input, Op, Returns, SeedChoice, SeedStage, seed_step};

use crate::memory::parse_hex;
use crate::ui::state::{AppState, LoadedModule, SEED_INPUT};

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

    /// The stage of the shared flow.
    fn seed(self) -> SeedStage {
        match self {
            Self::Alloc => SeedStage::Alloc,
            Self::Write => SeedStage::Write,
            Self::Call => SeedStage::Call,
            Self::Read => SeedStage::Read,
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
    /// What it returns: a new length to read (`Len`, the seed's `append`), a pointer
    /// to a new buffer whose length `len_from` returns (`Ptr`, the ownership guest's
    /// `upper`), or a value with nothing to read (`Value`).
    pub returns: Returns,
    /// With `Returns::Ptr`: the export `() -> len` that says how long the buffer is.
    pub len_from: String,
    /// Pointer returned by Alloc.
    pub ptr: Option<u64>,
    /// Bytes written by Write.
    pub written_len: Option<u64>,
    /// Length returned by Call.
    pub new_len: Option<u64>,
    /// Pointer returned by Call (`Returns::Ptr`).
    pub new_ptr: Option<u64>,
    /// What Call returned, for a function whose result is not a length.
    pub returned: Option<String>,
    /// Bytes returned by Read.
    pub result: Option<Vec<u8>>,
}

impl Walkthrough {
    /// A walkthrough of `input` (the seed's when `None`) with defaults picked from the
    /// module.
    pub fn for_module(module: &LoadedModule, input: Option<&Input>) -> Self {
        let allocators = &module.allocators;
        let pick = |names: &[String], preferred: &str| {
            if names.iter().any(|n| n == preferred) {
                preferred.to_owned()
            } else {
                names.first().cloned().unwrap_or_default()
            }
        };
        let (input, input_is_hex) = match input {
            Some(Input::Text(text)) => (text.clone(), false),
            Some(Input::Bytes(bytes)) => (crate::memory::format_hex(bytes), true),
            None => (SEED_INPUT.to_owned(), false),
        };
        let call_export = module
            .info
            .likely_string_function()
            .map(str::to_owned)
            .unwrap_or_default();
        Self {
            input,
            input_is_hex,
            alloc_export: pick(allocators, "alloc"),
            returns: returns_of(&module.info, &call_export),
            len_from: pick(&length_exports(&module.info), "last_len"),
            call_export,
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
        self.forget_call();
    }

    /// Forgets what Call and Read produced.
    fn forget_call(&mut self) {
        self.new_len = None;
        self.new_ptr = None;
        self.returned = None;
        self.result = None;
    }

    /// Chooses what the function returns (`Ptr` needs `len_from`); its call and read
    /// are to do again.
    pub fn choose_returns(&mut self, returns: Returns) {
        self.returns = returns;
        self.forget_call();
    }

    /// Chooses the function to call (and what it returns, from its signature); its
    /// call and read are to do again.
    pub fn choose_call(&mut self, info: &ModuleInfo, export: &str) {
        self.call_export = export.to_owned();
        self.returns = returns_of(info, export);
        self.forget_call();
    }

    /// What Call returned, when Read has something to read.
    fn call_done(&self) -> bool {
        match self.returns {
            Returns::Len => self.new_len.is_some(),
            Returns::Ptr => self.new_ptr.is_some() && !self.len_from.is_empty(),
            Returns::Value => false,
        }
    }

    /// Whether `stage` may run now (each stage needs the one before it).
    pub fn is_enabled(&self, stage: Stage) -> bool {
        match stage {
            Stage::Alloc => !self.alloc_export.is_empty() && self.size().is_ok(),
            Stage::Write => self.ptr.is_some() && self.input_bytes().is_ok(),
            Stage::Call => self.written_len.is_some() && !self.call_export.is_empty(),
            Stage::Read => self.call_done(),
        }
    }

    /// The first stage not yet done, if any.
    pub fn next_stage(&self) -> Option<Stage> {
        if self.ptr.is_none() {
            Some(Stage::Alloc)
        } else if self.written_len.is_none() {
            Some(Stage::Write)
        } else if self.new_len.is_none() && self.new_ptr.is_none() && self.returned.is_none() {
            Some(Stage::Call)
        } else if self.returns != Returns::Value && self.result.is_none() {
            Some(Stage::Read)
        } else {
            None
        }
    }

    /// The flow's choices as the panel holds them.
    fn choice(&self) -> Result<SeedChoice> {
        let size = if self.alloc_size.trim().is_empty() {
            Expr::new(format!("len(input) + {DEFAULT_EXTRA_BYTES}"))
        } else {
            Expr::literal(self.size()?)
        };
        Ok(SeedChoice {
            allocator: self.alloc_export.clone(),
            size,
            call: Some(self.call_export.clone()),
            returns: self.returns,
            len_from: self.len_from.clone(),
        })
    }

    /// The session steps for `stage`. The first stage of a round names the input
    /// first when it differs from the bytes the session calls `input`.
    pub fn steps(&self, stage: Stage, session_input: Option<&Input>) -> Result<Vec<recipe::Step>> {
        let mut steps = Vec::new();
        if stage == Stage::Alloc {
            let input = if self.input_is_hex {
                Input::Bytes(self.input_bytes()?)
            } else {
                Input::Text(self.input.clone())
            };
            if session_input.map(Input::bytes) != Some(input.bytes()) {
                steps.push(recipe::Step::new(Op::Input(input)));
            }
        }
        steps.extend(seed_step(stage.seed(), &self.choice()?));
        Ok(steps)
    }

    /// Records what the step that completed `stage` produced; the stages after it
    /// are to do again.
    pub fn completed(&mut self, stage: Stage, report: &StepReport) {
        match (stage, &report.outcome) {
            (Stage::Alloc, Ok(StepOutput::Pointer(ptr))) => {
                self.reset_progress();
                self.ptr = Some(*ptr);
            }
            (Stage::Write, Ok(_)) => {
                self.written_len = self.input_bytes().ok().map(|b| b.len() as u64);
                self.forget_call();
            }
            (Stage::Call, Ok(StepOutput::Values(values))) => {
                self.forget_call();
                let first = values.first().and_then(Value::as_u64);
                match self.returns {
                    Returns::Len => self.new_len = first,
                    Returns::Ptr => self.new_ptr = first,
                    Returns::Value => self.returned = Some(format_values(values)),
                }
            }
            (Stage::Read, Ok(StepOutput::Bytes(bytes))) => self.result = Some(bytes.clone()),
            _ => {}
        }
    }
}

/// The module's allocators (see `engine::allocators::detect`), preferred first.
pub fn allocator_exports(info: &ModuleInfo) -> Vec<String> {
    crate::engine::allocators::detect(info)
        .into_iter()
        .map(|allocator| allocator.export)
        .collect()
}

/// Exports taking `(ptr, len)`, whatever they return (the walkthrough's 4 Call).
pub fn pointer_len_callables(info: &ModuleInfo) -> Vec<String> {
    owned(info.ptr_len_functions())
}

/// Exports `() -> len`: where a function returning a new buffer's pointer keeps its
/// length (the ownership guest's `last_len`).
pub fn length_exports(info: &ModuleInfo) -> Vec<String> {
    owned(info.length_functions())
}

/// Whether `export` returns one integer (a length or a pointer can be read by it).
pub fn returns_an_integer(info: &ModuleInfo, export: &str) -> bool {
    info.export_func(export)
        .is_some_and(|sig| sig.returns_one_integer())
}

fn owned(names: Vec<&str>) -> Vec<String> {
    names.into_iter().map(str::to_owned).collect()
}

/// What `export` returns, for the walkthrough: one integer is a new length to read
/// (as the seed's `append`); anything else is just a value.
fn returns_of(info: &ModuleInfo, export: &str) -> Returns {
    if returns_an_integer(info, export) {
        Returns::Len
    } else {
        Returns::Value
    }
}

impl AppState {
    /// Takes the walkthrough's choices as the panel edited them. A new input (or
    /// allocation) after the first steps starts the steps over: their highlights go.
    pub(in crate::ui) fn edit_walkthrough(&mut self, edited: Walkthrough) {
        let before = &self.doc.walk;
        let input_changed = before.input != edited.input
            || before.input_is_hex != edited.input_is_hex
            || before.alloc_export != edited.alloc_export
            || before.alloc_size != edited.alloc_size;
        self.doc.walk = edited;
        if input_changed && self.doc.walk.ptr.is_some() {
            self.doc.walk.reset_progress();
            self.doc.instance.regions.clear();
        }
    }
}
