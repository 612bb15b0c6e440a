//! Every instruction of a module that writes linear memory, by its byte offset in the
//! module (the `pc` wasmtime's debugger reports): stores of every width, `memory.fill`,
//! `memory.copy`, `memory.init`, `memory.grow` and atomics (`write_ops` lists them),
//! with the function it is in. The debugger puts a breakpoint on each, and the write
//! recorder (`crate::record`) instruments each.

use std::collections::BTreeMap;

use anyhow::{Context, Result};
use wasmparser::{Parser, Payload};

use super::names::{Names, read_custom};
use super::write_ops::{WriteKind, write_op};

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
                    if let Some(write) = write_op(&op) {
                        let pc = offset as u64;
                        found.sites.insert(
                            pc,
                            WriteSite {
                                pc,
                                func,
                                func_offset: pc - start,
                                op: write.name,
                                kind: write.kind,
                                memory: write.memory,
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
