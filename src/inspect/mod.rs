//! The pure `inspect` layer: WebAssembly bytes in, a [`ModuleInfo`] out.
//!
//! No engine here: wasmparser reads and validates the binary, wasmprinter shows a
//! function as text, `wat` turns text modules into binaries. Everything is plain data
//! (`serde::Serialize`) so the CLI can print JSON and the UI can draw it.
//!
//! ```
//! let bytes = wat::parse_str(r#"(module (func (export "add") (param i32 i32) (result i32)
//!     local.get 0 local.get 1 i32.add) (memory (export "memory") 1))"#)?;
//! let info = wasmscope::inspect::inspect(&bytes)?;
//! assert_eq!(info.export_func("add").map(ToString::to_string).as_deref(), Some("(i32, i32) -> i32"));
//! # Ok::<(), anyhow::Error>(())
//! ```

mod component;
mod component_funcs;
mod component_walk;
mod const_expr;
mod describe;
mod dwarf;
mod errors;
mod load;
mod model;
mod module_info;
mod names;
mod naming;
mod parse;
mod render;
mod render_component;
mod render_dwarf;
mod resolve;
mod toolchain;
mod types;
mod variables;
mod wat_text;
mod write_ops;
mod write_sites;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_errors;
#[cfg(test)]
mod tests_text;

pub use component::{
    ComponentInfo, CoreInstance, CoreModule, Lift, WitFunction, WitItem, inspect_component,
    is_component,
};
pub use component_funcs::{ComponentFunc, component_funcs, resolve_function};
pub use describe::describe;
pub use dwarf::{CompileUnit, Dwarf, DwarfSummary, SourceFrame, SourceLocation, find_source};
pub use load::{load_module_bytes, to_binary};
pub use model::{
    CustomSectionInfo, DataSegmentInfo, EntityType, ExportInfo, ExportKind, GlobalInfo, ImportInfo,
    ImportKind, MemoryInfo, ProducerField, ProducerValue, TableInfo,
};
pub use module_info::ModuleInfo;
pub use parse::{inspect, list, validate};
pub use render::render_text;
pub use render_component::render_component_text;
pub use render_dwarf::{DwarfReport, is_rust_std};
pub use toolchain::{ToolchainImport, classify_import};
pub use types::{ConstValue, FuncSignature, GlobalType, MemoryType, TableType, ValType};
pub use variables::{
    FrameState, FrameVariables, Label as OverlayLabel, Limits as VariableLimits, Node as ValueNode,
    Overlay, ReadMemory, Root as OverlayRoot, Slot, Span, TypeRef, Variable, VariableKind,
};
pub use wat_text::{CodeLine, MAX_WAT_BYTES, function_code, function_wat};
pub use write_ops::{WriteKind, WriteOp, write_op};
pub use write_sites::{WriteSite, WriteSites, write_sites};
