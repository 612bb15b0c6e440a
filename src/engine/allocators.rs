//! Allocator conventions, detected from export names and signatures: how each
//! toolchain's modules hand out guest memory, and how to call them for `size` bytes.

use std::fmt;

use anyhow::{Context, Result, bail};

use super::values::Value;
use crate::inspect::{FuncSignature, ModuleInfo, ValType};

/// The AssemblyScript runtime's class id of `ArrayBuffer`: raw bytes, which is what
/// the input is.
pub const ASSEMBLYSCRIPT_ARRAY_BUFFER_ID: i32 = 1;

/// How a toolchain's allocator is called.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Convention {
    /// `alloc(size) -> ptr` (and `dealloc`): the seed's guests, and any export with
    /// one size in and one pointer out.
    Alloc,
    /// `malloc(size) -> ptr` (and `free`): C through emscripten or wasi-libc.
    Malloc,
    /// `__wbindgen_malloc(size, align) -> ptr` (older wasm-bindgen: `(size)`).
    WasmBindgen,
    /// `cabi_realloc(0, 0, align, size) -> ptr`: the component model's canonical ABI.
    Cabi,
    /// `__new(size, id) -> ptr`, then `__pin(ptr)` so the GC keeps it: AssemblyScript.
    AssemblyScript,
}

impl Convention {
    /// Every convention, in order of preference.
    pub const ALL: [Self; 5] = [
        Self::Alloc,
        Self::Malloc,
        Self::WasmBindgen,
        Self::Cabi,
        Self::AssemblyScript,
    ];

    /// The name the CLI accepts: `alloc`, `malloc`, `wasm-bindgen`, `cabi`,
    /// `assemblyscript`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Alloc => "alloc",
            Self::Malloc => "malloc",
            Self::WasmBindgen => "wasm-bindgen",
            Self::Cabi => "cabi",
            Self::AssemblyScript => "assemblyscript",
        }
    }

    /// The convention called `name` (see [`Convention::name`]).
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.name() == name)
    }
}

/// One export that allocates, and how to call it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Allocator {
    /// The export to call.
    pub export: String,
    /// How to call it.
    pub convention: Convention,
    /// The alignment passed (wasm-bindgen with two parameters, cabi): 1, as for strings.
    pub align: Option<u32>,
    /// Whether the size is an i64 (memory64 guests).
    pub wide: bool,
    /// The export that pins the new object (AssemblyScript `__pin`).
    pub pin: Option<String>,
    /// Where the export's role was learned when not from its own name (e.g. "`_malloc`
    /// in sql-wasm.js").
    pub source: Option<String>,
}

impl Allocator {
    /// The allocator `name` is, judged from its name and signature: the conventions'
    /// names first, then any export taking one size and returning one pointer.
    /// `pin` is the AssemblyScript pin export, when the module has one.
    pub fn classify(name: &str, sig: &FuncSignature, pin: Option<&str>) -> Option<Self> {
        use ValType::{I32, I64};
        let int = |t: &ValType| matches!(t, I32 | I64);
        let make = |convention, align, wide| Self {
            export: name.to_owned(),
            convention,
            align,
            wide,
            pin: None,
            source: None,
        };
        let params = sig.params.as_slice();
        let allocator = match (params, sig.results.as_slice()) {
            ([I32, I32], [I32]) if name == "__new" => Self {
                pin: pin.map(str::to_owned),
                ..make(Convention::AssemblyScript, None, false)
            },
            ([I32, I32, I32, I32], [I32]) if name.starts_with("cabi_realloc") => {
                make(Convention::Cabi, Some(1), false)
            }
            ([I32, I32], [I32]) if is_wasm_bindgen_malloc(name) => {
                make(Convention::WasmBindgen, Some(1), false)
            }
            ([p], [r]) if int(p) && int(r) => {
                let convention = match name {
                    "__wbindgen_malloc" => Convention::WasmBindgen,
                    "malloc" | "_malloc" => Convention::Malloc,
                    _ => Convention::Alloc,
                };
                make(convention, None, *p == I64)
            }
            _ => return None,
        };
        Some(allocator)
    }

    /// The arguments that ask for some size, in order: where the size goes and what
    /// the constant arguments are. `args` fills it in; exported host programs write
    /// it out.
    pub fn arg_shape(&self) -> Vec<AllocArg> {
        let align = AllocArg::Const(Value::I32(self.align.unwrap_or(1) as i32));
        match self.convention {
            Convention::Alloc | Convention::Malloc if self.wide => vec![AllocArg::Size64],
            Convention::Alloc | Convention::Malloc => vec![AllocArg::Size32],
            Convention::WasmBindgen if self.align.is_some() => vec![AllocArg::Size32, align],
            Convention::WasmBindgen => vec![AllocArg::Size32],
            Convention::Cabi => vec![
                AllocArg::Const(Value::I32(0)),
                AllocArg::Const(Value::I32(0)),
                align,
                AllocArg::Size32,
            ],
            Convention::AssemblyScript => vec![
                AllocArg::Size32,
                AllocArg::Const(Value::I32(ASSEMBLYSCRIPT_ARRAY_BUFFER_ID)),
            ],
        }
    }

    /// The arguments that ask for `size` bytes.
    pub fn args(&self, size: u64) -> Result<Vec<Value>> {
        self.arg_shape()
            .into_iter()
            .map(|arg| match arg {
                AllocArg::Size64 => Ok(Value::I64(size as i64)),
                AllocArg::Size32 => u32::try_from(size)
                    .map(|size| Value::I32(size as i32))
                    .with_context(|| format!("{size} bytes do not fit an i32")),
                AllocArg::Const(value) => Ok(value),
            })
            .collect()
    }
}

/// One argument of an allocator call.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum AllocArg {
    /// The size, as an i32.
    Size32,
    /// The size, as an i64 (memory64 guests).
    Size64,
    /// A constant (an alignment, a class id, a null old pointer).
    Const(Value),
}

impl fmt::Display for Allocator {
    /// `__wbindgen_malloc (wasm-bindgen, align 1)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut details = vec![self.convention.name().to_owned()];
        if let Some(align) = self.align {
            details.push(format!("align {align}"));
        }
        if self.convention == Convention::AssemblyScript {
            details.push(format!("id {ASSEMBLYSCRIPT_ARRAY_BUFFER_ID} = ArrayBuffer"));
            if let Some(pin) = &self.pin {
                details.push(format!("pinned with {pin}"));
            }
        }
        if let Some(source) = &self.source {
            details.push(format!("found as {source}"));
        }
        write!(f, "{} ({})", self.export, details.join(", "))
    }
}

/// `__wbindgen_malloc`, or the name newer wasm-bindgen gives it (`__wbindgen_export_N`).
fn is_wasm_bindgen_malloc(name: &str) -> bool {
    name == "__wbindgen_malloc" || wasm_bindgen_export_number(name).is_some()
}

/// `N` of `__wbindgen_export_N`.
fn wasm_bindgen_export_number(name: &str) -> Option<u32> {
    name.strip_prefix("__wbindgen_export_")?.parse().ok()
}

/// Whether a one-size export's name says it allocates (`bad_alloc`, `allocate`), and
/// not that it frees, resizes, or works on the stack.
fn named_like_an_allocator(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name.contains("alloc")
        && !["dealloc", "realloc", "free", "stack"]
            .iter()
            .any(|word| name.contains(word))
}

/// The module's allocators, preferred first: `alloc`, `malloc`, wasm-bindgen, cabi,
/// AssemblyScript, then other one-size exports named like allocators. Newer
/// wasm-bindgen hides its malloc as `__wbindgen_export_N`: the lowest-numbered such
/// export shaped `(size, align) -> ptr` is taken when no `__wbindgen_malloc` exists.
pub fn detect(info: &ModuleInfo) -> Vec<Allocator> {
    let pin = info
        .export_func("__pin")
        .filter(|sig| sig.params == [ValType::I32] && sig.results == [ValType::I32])
        .map(|_| "__pin");
    let has_named_wasm_bindgen = info.export_func("__wbindgen_malloc").is_some();
    let hidden_wasm_bindgen = info
        .func_exports()
        .filter(|(name, sig)| {
            wasm_bindgen_export_number(name).is_some()
                && sig.params == [ValType::I32, ValType::I32]
                && sig.results == [ValType::I32]
        })
        .min_by_key(|(name, _)| wasm_bindgen_export_number(name))
        .map(|(name, _)| name.to_owned());
    let mut ranked: Vec<(u8, Allocator)> = info
        .func_exports()
        .filter_map(|(name, sig)| Allocator::classify(name, sig, pin))
        .filter_map(|allocator| {
            let name = allocator.export.as_str();
            let rank = match allocator.convention {
                Convention::Alloc if name == "alloc" => 0,
                Convention::Malloc => 1,
                Convention::WasmBindgen if name == "__wbindgen_malloc" => 2,
                Convention::WasmBindgen
                    if !has_named_wasm_bindgen && hidden_wasm_bindgen.as_deref() == Some(name) =>
                {
                    2
                }
                Convention::WasmBindgen => return None,
                Convention::Cabi => 3,
                Convention::AssemblyScript => 4,
                Convention::Alloc if named_like_an_allocator(name) => 5,
                Convention::Alloc => return None,
            };
            Some((rank, allocator))
        })
        .collect();
    ranked.sort_by_key(|(rank, _)| *rank);
    ranked.into_iter().map(|(_, allocator)| allocator).collect()
}

/// The allocator the user chose with `choice`: an export name, or a convention name
/// (`alloc`, `malloc`, `wasm-bindgen`, `cabi`, `assemblyscript`). `extra` holds
/// allocators found elsewhere (e.g. in a JavaScript glue file).
pub fn resolve(info: &ModuleInfo, choice: &str, extra: &[Allocator]) -> Result<Allocator> {
    let known: Vec<Allocator> = detect(info)
        .into_iter()
        .chain(extra.iter().cloned())
        .collect();
    if let Some(found) = known.iter().find(|a| a.export == choice) {
        return Ok(found.clone());
    }
    if let Some(convention) = Convention::from_name(choice)
        && let Some(found) = known.iter().find(|a| a.convention == convention)
    {
        return Ok(found.clone());
    }
    if let Some(sig) = info.export_func(choice) {
        return Allocator::classify(choice, sig, None).with_context(|| {
            format!(
                "`{choice}` is not an allocator: it is {sig}, but an allocator takes one size \
                 (i32 or i64) or follows a known convention (malloc, __wbindgen_malloc, \
                 cabi_realloc, __new)"
            )
        });
    }
    let names: Vec<String> = known.iter().map(ToString::to_string).collect();
    bail!(
        "no allocator `{choice}`: give an export name or one of the conventions {}; this \
         module's allocators: {}",
        Convention::ALL.map(Convention::name).join(", "),
        if names.is_empty() {
            "none found".to_owned()
        } else {
            names.join("; ")
        }
    )
}

#[cfg(test)]
#[path = "allocators_tests.rs"]
mod tests;
