//! `inspect`: `list` walks the sections (skipping function bodies) into a `ModuleInfo`;
//! `validate` checks everything, function bodies included.

use super::const_expr;
use super::errors::{binary_error, check_header, components_unsupported};
use super::model::{
    CustomSectionInfo, DataSegmentInfo, EntityType, ExportInfo, ExportKind, GlobalInfo, ImportInfo,
    MemoryInfo, TableInfo,
};
use super::module_info::ModuleInfo;
use super::names::{self, Names};
use super::resolve;
use super::types::{ConstValue, FuncSignature, GlobalType, MemoryType};
use wasmparser::{
    Chunk, CompositeInnerType, DataKind, FuncValidatorAllocations, Parser, Payload, TypeRef,
    ValidPayload, Validator, WasmFeatures,
};

/// Parses and validates a core WebAssembly module and describes it: [`validate`],
/// then [`list`].
///
/// Errors are one line: an empty input, bad magic (not wasm), a component, or
/// `invalid module at byte offset 0x…: <what wasmparser expected>`.
pub fn inspect(bytes: &[u8]) -> anyhow::Result<ModuleInfo> {
    validate(bytes)?;
    list(bytes)
}

/// Describes a core module from its sections, without validating function bodies
/// (the code section is skipped): fast on a large module, so a window can show the
/// exports while [`validate`] runs. An invalid module may be listed.
pub fn list(bytes: &[u8]) -> anyhow::Result<ModuleInfo> {
    check_header(bytes)?;
    let mut parser = Parser::new(0);
    parser.set_features(WasmFeatures::default());
    let mut collector = Collector::new(bytes.len());
    let err = |e: wasmparser::BinaryReaderError| binary_error(&e, bytes.len());
    let mut offset = 0;
    loop {
        let rest = bytes.get(offset..).unwrap_or_default();
        let (consumed, payload) = match parser.parse(rest, true).map_err(err)? {
            Chunk::Parsed { consumed, payload } => (consumed, payload),
            // Not with `eof`: the whole input is there.
            Chunk::NeedMoreData(_) => return Ok(collector.finish()),
        };
        offset += consumed;
        match payload {
            Payload::CodeSectionStart { size, .. } => {
                parser.skip_section();
                offset += size as usize;
            }
            Payload::ModuleSection { .. } | Payload::ComponentSection { .. } => {
                return Err(components_unsupported());
            }
            Payload::End(_) => return Ok(collector.finish()),
            payload => collector.payload(payload).map_err(err)?,
        }
    }
}

/// Validates a core module, function bodies included.
pub fn validate(bytes: &[u8]) -> anyhow::Result<()> {
    check_header(bytes)?;
    let features = WasmFeatures::default();
    let mut validator = Validator::new_with_features(features);
    let mut parser = Parser::new(0);
    parser.set_features(features);
    let mut allocs = FuncValidatorAllocations::default();
    let err = |e: wasmparser::BinaryReaderError| binary_error(&e, bytes.len());
    for payload in parser.parse_all(bytes) {
        let payload = payload.map_err(err)?;
        match validator.payload(&payload).map_err(err)? {
            ValidPayload::Func(func, body) => {
                let mut func = func.into_validator(std::mem::take(&mut allocs));
                func.validate(&body).map_err(err)?;
                allocs = func.into_allocations();
            }
            ValidPayload::Parser(_) => return Err(components_unsupported()),
            ValidPayload::Ok | ValidPayload::End(_) => {}
        }
    }
    Ok(())
}

/// State accumulated while walking the payloads.
struct Collector {
    /// The result under construction.
    info: ModuleInfo,
    /// Known initial value of each global, for `global.get` in later constant expressions.
    global_inits: Vec<Option<ConstValue>>,
    /// Type index of each tag.
    tag_types: Vec<u32>,
    /// Exports as `(name, kind, index)`; types are resolved in `finish`.
    raw_exports: Vec<(String, ExportKind, u32)>,
    /// The name section.
    names: Names,
}

impl Collector {
    /// An empty collector for a binary of `size` bytes.
    fn new(size: usize) -> Self {
        Self {
            info: ModuleInfo {
                size_bytes: size as u64,
                ..ModuleInfo::default()
            },
            global_inits: Vec::new(),
            tag_types: Vec::new(),
            raw_exports: Vec::new(),
            names: Names::default(),
        }
    }

    /// Records what one payload tells about the module.
    fn payload(&mut self, payload: Payload<'_>) -> wasmparser::Result<()> {
        match payload {
            Payload::TypeSection(reader) => {
                for group in reader {
                    for sub in group?.into_types() {
                        self.info.types.push(match &sub.composite_type.inner {
                            CompositeInnerType::Func(f) => Some(FuncSignature::from(f)),
                            _ => None,
                        });
                    }
                }
            }
            Payload::ImportSection(reader) => {
                for import in reader.into_imports() {
                    let import = import?;
                    let (kind, index) = self.add_import(import.ty, import.module, import.name);
                    self.info.imports.push(ImportInfo {
                        module: import.module.to_owned(),
                        name: import.name.to_owned(),
                        kind,
                        index,
                        ty: EntityType::default(),
                    });
                }
            }
            Payload::FunctionSection(reader) => {
                for ty in reader {
                    self.info.func_type_indices.push(ty?);
                    self.info.functions += 1;
                }
            }
            Payload::TableSection(reader) => {
                for table in reader {
                    self.push_table(table?.ty, false);
                }
            }
            Payload::MemorySection(reader) => {
                for memory in reader {
                    self.push_memory(memory?, false);
                }
            }
            Payload::TagSection(reader) => {
                for tag in reader {
                    self.tag_types.push(tag?.func_type_idx);
                }
            }
            Payload::GlobalSection(reader) => {
                for global in reader {
                    let global = global?;
                    let init = const_expr::eval(&global.init_expr, &self.global_inits);
                    self.push_global(global.ty, false, init, None);
                }
            }
            Payload::ExportSection(reader) => {
                for export in reader {
                    let export = export?;
                    let kind = resolve::export_kind(export.kind);
                    self.raw_exports
                        .push((export.name.to_owned(), kind, export.index));
                }
            }
            Payload::StartSection { func, .. } => self.info.start_function = Some(func),
            Payload::DataSection(reader) => {
                for data in reader {
                    self.push_data(data?);
                }
            }
            Payload::CustomSection(section) => {
                self.info.custom_sections.push(CustomSectionInfo {
                    name: section.name().to_owned(),
                    len_bytes: section.data().len() as u64,
                });
                names::read_custom(&section, &mut self.names, &mut self.info.producers);
            }
            _ => {}
        }
        Ok(())
    }

    /// Adds an import to its index space; returns its kind and index there.
    fn add_import(&mut self, ty: TypeRef, module: &str, name: &str) -> (ExportKind, u32) {
        match ty {
            TypeRef::Func(t) | TypeRef::FuncExact(t) => {
                let index = self.info.functions;
                self.info.func_type_indices.push(t);
                self.info.functions += 1;
                self.info.imported_functions += 1;
                (ExportKind::Func, index)
            }
            TypeRef::Table(t) => (ExportKind::Table, self.push_table(t, true)),
            TypeRef::Memory(m) => (ExportKind::Memory, self.push_memory(m, true)),
            TypeRef::Global(g) => {
                let label = format!("{module}.{name}");
                (
                    ExportKind::Global,
                    self.push_global(g, true, None, Some(label)),
                )
            }
            TypeRef::Tag(t) => {
                self.tag_types.push(t.func_type_idx);
                (ExportKind::Tag, (self.tag_types.len() - 1) as u32)
            }
        }
    }

    /// Appends a table; returns its index.
    fn push_table(&mut self, ty: wasmparser::TableType, imported: bool) -> u32 {
        let index = self.info.tables.len() as u32;
        self.info.tables.push(TableInfo {
            index,
            name: None,
            imported,
            ty: ty.into(),
        });
        index
    }

    /// Appends a memory; returns its index.
    fn push_memory(&mut self, ty: wasmparser::MemoryType, imported: bool) -> u32 {
        let index = self.info.memories.len() as u32;
        let ty = MemoryType::from(ty);
        self.info.memories.push(MemoryInfo {
            index,
            name: None,
            imported,
            min_pages: ty.min_pages,
            max_pages: ty.max_pages,
            memory64: ty.memory64,
            shared: ty.shared,
            page_size_bytes: ty.page_size_bytes,
        });
        index
    }

    /// Appends a global (remembering its value for later `global.get`); returns its index.
    fn push_global(
        &mut self,
        ty: wasmparser::GlobalType,
        imported: bool,
        init: Option<ConstValue>,
        name: Option<String>,
    ) -> u32 {
        let index = self.info.globals.len() as u32;
        // Only immutable globals may be read by later constant expressions.
        self.global_inits.push(init.filter(|_| !ty.mutable));
        let ty = GlobalType::from(ty);
        self.info.globals.push(GlobalInfo {
            index,
            name,
            val_type: ty.val_type,
            mutable: ty.mutable,
            imported,
            init,
        });
        index
    }

    /// Appends a data segment, evaluating its offset.
    fn push_data(&mut self, data: wasmparser::Data<'_>) {
        let index = self.info.data_segments.len() as u32;
        let (memory, offset) = match &data.kind {
            DataKind::Passive => (None, None),
            DataKind::Active {
                memory_index,
                offset_expr,
            } => {
                let value = const_expr::eval(offset_expr, &self.global_inits);
                (Some(*memory_index), value.and_then(|v| v.as_u64()))
            }
        };
        let len = data.data.len();
        self.info.data_segments.push(DataSegmentInfo {
            index,
            memory,
            offset,
            passive: memory.is_none(),
            len_bytes: len as u64,
            file_offset: data.range.end.saturating_sub(len) as u64,
            name: None,
        });
    }

    /// Resolves export types and names once every section has been seen.
    fn finish(mut self) -> ModuleInfo {
        let exports = std::mem::take(&mut self.raw_exports);
        self.info.exports = exports
            .into_iter()
            .map(|(name, kind, index)| {
                let ty = resolve::entity_type(&self.info, &self.tag_types, kind, index);
                ExportInfo {
                    name,
                    kind,
                    index,
                    ty,
                }
            })
            .collect();
        let mut imports = std::mem::take(&mut self.info.imports);
        for import in &mut imports {
            import.ty =
                resolve::entity_type(&self.info, &self.tag_types, import.kind, import.index);
        }
        self.info.imports = imports;
        super::naming::apply(&mut self.info, self.names);
        self.info
    }
}
