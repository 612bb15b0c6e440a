//! Every instruction of a module that writes linear memory, by its byte offset in the
//! module (the `pc` wasmtime's debugger reports): stores of every width, `memory.fill`,
//! `memory.copy`, `memory.init` and `memory.grow`, with the function it is in. The
//! engine puts a breakpoint on each to attribute every write to its instruction.

use std::collections::BTreeMap;

use anyhow::{Context, Result};
use wasmparser::{Operator, Parser, Payload};

use super::names::{Names, read_custom};

/// What an instruction does to memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WriteKind {
    /// A store of `width` bytes at `address + offset` (operands: address, value).
    Store {
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

/// One writing instruction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WriteSite {
    /// Byte offset of the opcode in the module.
    pub pc: u64,
    /// The function's index among the module's functions (imports counted).
    pub func: u32,
    /// Offset of the opcode from the start of the function's body.
    pub func_offset: u64,
    /// The instruction, as WAT spells it (`i32.store8`).
    pub op: &'static str,
    /// What it writes.
    pub kind: WriteKind,
    /// The memory it writes.
    pub memory: u32,
}

/// A module's writing instructions and its function names.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WriteSites {
    /// The sites, by `pc`.
    pub sites: BTreeMap<u64, WriteSite>,
    /// Function names by function index (name section, else export, else `func[N]`).
    pub func_names: BTreeMap<u32, String>,
    /// Where each defined function's body starts in the module, by function index.
    pub func_starts: BTreeMap<u32, u64>,
    /// How many functions the module imports (they come first in the index space).
    pub imported_funcs: u32,
}

impl WriteSites {
    /// The function's name (`func[7]` without one).
    pub fn func_name(&self, func: u32) -> String {
        self.func_names
            .get(&func)
            .cloned()
            .unwrap_or_else(|| format!("func[{func}]"))
    }

    /// `append+0x004c`: where a site is, for people.
    pub fn place(&self, site: &WriteSite) -> String {
        format!("{}+{:#06x}", self.func_name(site.func), site.func_offset)
    }

    /// `append+0x0011`: the instruction at module offset `pc` in function `func`.
    pub fn place_of(&self, func: u32, pc: u64) -> String {
        let start = self.func_starts.get(&func).copied().unwrap_or(pc);
        format!("{}+{:#06x}", self.func_name(func), pc.saturating_sub(start))
    }
}

/// The store instructions: name, width.
fn store(op: &Operator<'_>) -> Option<(&'static str, u8, u64, u32)> {
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
        _ => return None,
    };
    Some((name, width, memarg.offset, memarg.memory))
}

/// What `op` writes, if it writes memory.
fn write_of(op: &Operator<'_>) -> Option<(&'static str, WriteKind, u32)> {
    if let Some((name, width, offset, memory)) = store(op) {
        return Some((name, WriteKind::Store { width, offset }, memory));
    }
    Some(match *op {
        Operator::MemoryFill { mem } => ("memory.fill", WriteKind::Fill, mem),
        Operator::MemoryCopy { dst_mem, .. } => ("memory.copy", WriteKind::Copy, dst_mem),
        Operator::MemoryInit { mem, data_index } => (
            "memory.init",
            WriteKind::Init {
                segment: data_index,
            },
            mem,
        ),
        Operator::MemoryGrow { mem } => ("memory.grow", WriteKind::Grow, mem),
        _ => return None,
    })
}

/// Finds every writing instruction in the binary module `bytes` (already validated).
pub fn write_sites(bytes: &[u8]) -> Result<WriteSites> {
    let mut found = WriteSites::default();
    let mut names = Names::default();
    let mut producers = Vec::new();
    let mut exported: BTreeMap<u32, String> = BTreeMap::new();
    let mut imported_funcs = 0u32;
    let mut defined = 0u32;
    for payload in Parser::new(0).parse_all(bytes) {
        match payload.context("cannot read the module's code")? {
            Payload::ImportSection(reader) => {
                for import in reader.into_imports() {
                    if matches!(import?.ty, wasmparser::TypeRef::Func(_)) {
                        imported_funcs += 1;
                    }
                }
            }
            Payload::ExportSection(reader) => {
                for export in reader {
                    let export = export?;
                    if export.kind == wasmparser::ExternalKind::Func {
                        exported
                            .entry(export.index)
                            .or_insert(export.name.to_owned());
                    }
                }
            }
            Payload::CodeSectionEntry(body) => {
                let func = imported_funcs + defined;
                defined += 1;
                let start = body.range().start as u64;
                found.func_starts.insert(func, start);
                let mut reader = body.get_operators_reader()?;
                while !reader.eof() {
                    let (op, offset) = reader.read_with_offset()?;
                    if let Some((name, kind, memory)) = write_of(&op) {
                        let pc = offset as u64;
                        found.sites.insert(
                            pc,
                            WriteSite {
                                pc,
                                func,
                                func_offset: pc - start,
                                op: name,
                                kind,
                                memory,
                            },
                        );
                    }
                }
            }
            Payload::CustomSection(section) => read_custom(&section, &mut names, &mut producers),
            _ => {}
        }
    }
    found.imported_funcs = imported_funcs;
    found.func_names = exported;
    found.func_names.extend(names.functions);
    for name in found.func_names.values_mut() {
        // Rust's symbols (`_ZN…`, `_RNv…`) read better demangled, without the hash.
        *name = format!("{:#}", rustc_demangle::demangle(name));
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_writing_instruction_is_found_with_its_function() {
        let bytes = wat::parse_str(
            r#"(module
                (memory 1) (data $d "hi")
                (func $copy (param i32)
                  (i32.store8 offset=3 (local.get 0) (i32.const 1))
                  (i64.store (local.get 0) (i64.const 2))
                  (memory.fill (local.get 0) (i32.const 0) (i32.const 4))
                  (memory.copy (local.get 0) (i32.const 8) (i32.const 4))
                  (memory.init $d (local.get 0) (i32.const 0) (i32.const 2))
                  (drop (memory.grow (i32.const 1)))
                  (drop (i32.load (local.get 0))))
                (func (export "second") (f64.store (i32.const 0) (f64.const 1))))"#,
        )
        .unwrap();
        let found = write_sites(&bytes).unwrap();
        let ops: Vec<&str> = found.sites.values().map(|s| s.op).collect();
        assert_eq!(
            ops,
            [
                "i32.store8",
                "i64.store",
                "memory.fill",
                "memory.copy",
                "memory.init",
                "memory.grow",
                "f64.store"
            ]
        );
        let first = found.sites.values().next().unwrap();
        assert_eq!(
            first.kind,
            WriteKind::Store {
                width: 1,
                offset: 3
            }
        );
        assert_eq!(
            found.place(first),
            format!("copy+{:#06x}", first.func_offset)
        );
        let last = found.sites.values().last().unwrap();
        assert_eq!(found.func_name(last.func), "second");
        assert_eq!(found.func_name(9), "func[9]");
        // The pc is the opcode's byte in the module.
        assert_eq!(bytes[first.pc as usize], 0x3a, "i32.store8");
        // The code view's lines carry the same pcs.
        let code = crate::inspect::function_code(&bytes, first.func).unwrap();
        let line = code.iter().find(|l| l.pc == Some(first.pc)).unwrap();
        assert!(
            line.text.trim_start().starts_with("i32.store8 offset=3"),
            "{code:?}"
        );
        let fill = found
            .sites
            .values()
            .find(|s| s.op == "memory.fill")
            .unwrap();
        let line = code.iter().find(|l| l.pc == Some(fill.pc)).unwrap();
        assert_eq!(line.text.trim(), "memory.fill");
        assert!(code[0].text.starts_with("(func $copy"), "{code:?}");
    }
}
