//! The outer component's index spaces, walked section by section as far as `inspect`
//! needs them: which core function (and options) each exported function lifts, the
//! core modules and instances, and every import and export by kind.

use wasmparser::{
    CanonicalFunction, CanonicalOption, Chunk, ComponentAlias, ComponentExternalKind,
    ComponentInstance, ComponentTypeRef, ExternalKind, Instance, Parser, Payload,
};

use super::component::{ComponentInfo, CoreInstance, CoreModule, Lift, WitItem};
use super::errors::binary_error;
use super::parse::inspect;

/// A component function: lifted from a core function, imported, or from elsewhere.
#[derive(Clone, Debug)]
enum Func {
    Lifted(Lift),
    Imported(String),
    Other,
}

/// The outer component's index spaces, as far as lifts need them.
#[derive(Default)]
pub(super) struct Walker {
    core_funcs: Vec<String>,
    core_memories: Vec<String>,
    funcs: Vec<Func>,
    pub(super) instances: Vec<CoreInstance>,
    /// Component instances made of exports: `(name, function index)` each.
    component_instances: Vec<Vec<(String, Option<u32>)>>,
    pub(super) modules: Vec<CoreModule>,
    /// Nested components, walked the same way: wit-component wraps each exported
    /// interface in one that re-exports the functions it is instantiated with.
    components: Vec<Walker>,
    pub(super) nested_components: u32,
    /// Exported functions by name (`append`, `wasi:cli/run@0.2.0#run`).
    exported: Vec<(String, u32)>,
    /// Every import and export, `(name, kind)`, for a component without WIT.
    raw_imports: Vec<(String, &'static str)>,
    raw_exports: Vec<(String, &'static str)>,
}

impl Walker {
    pub(super) fn walk(&mut self, bytes: &[u8]) -> anyhow::Result<()> {
        let mut parser = Parser::new(0);
        let mut offset = 0;
        loop {
            let rest = bytes.get(offset..).unwrap_or_default();
            let Chunk::Parsed { consumed, payload } = parser.parse(rest, true)? else {
                // `eof` is true: the whole input is there.
                return Ok(());
            };
            offset += consumed;
            if let Payload::ModuleSection {
                unchecked_range, ..
            }
            | Payload::ComponentSection {
                unchecked_range, ..
            } = &payload
                && unchecked_range.end > bytes.len()
            {
                // wasmparser's validator lets a nested section that runs past the end
                // of the file through.
                anyhow::bail!(
                    "invalid component at byte offset 0x{:x}: a nested module or component \
                     runs past the end (the file may be truncated: it is {} bytes long)",
                    unchecked_range.start,
                    bytes.len()
                );
            }
            match payload {
                Payload::ModuleSection {
                    unchecked_range, ..
                } => {
                    // The parser has moved past the module; its bytes are skipped here.
                    self.module(bytes, unchecked_range.clone());
                    offset += unchecked_range.len();
                }
                Payload::ComponentSection {
                    unchecked_range, ..
                } => {
                    self.nested_components += 1;
                    let mut nested = Walker::default();
                    if let Some(inner) = bytes.get(unchecked_range.clone()) {
                        nested.walk(inner)?;
                    }
                    self.components.push(nested);
                    offset += unchecked_range.len();
                }
                Payload::End(_) => return Ok(()),
                other => self
                    .payload(other)
                    .map_err(|e| binary_error(&e, bytes.len()))?,
            }
        }
    }

    fn module(&mut self, bytes: &[u8], range: std::ops::Range<usize>) {
        let index = self.modules.len() as u32;
        let mut module = CoreModule {
            index,
            offset: range.start as u64,
            size_bytes: range.len() as u64,
            ..CoreModule::default()
        };
        if let Some(Ok(info)) = bytes.get(range).map(inspect) {
            module.functions = info.functions;
            module.memories = info.memories.iter().map(|m| m.min_pages).collect();
            module.imports = info
                .imports
                .iter()
                .map(|i| format!("{}.{}", i.module, i.name))
                .collect();
            module.exports = info.exports.iter().map(|e| e.name.clone()).collect();
        }
        self.modules.push(module);
    }

    fn payload(&mut self, payload: Payload<'_>) -> wasmparser::Result<()> {
        match payload {
            Payload::ComponentImportSection(reader) => {
                for import in reader {
                    let import = import?;
                    self.raw_imports
                        .push((import.name.name.to_owned(), type_ref_kind(&import.ty)));
                    match import.ty {
                        ComponentTypeRef::Func(_) => {
                            self.funcs.push(Func::Imported(import.name.name.to_owned()))
                        }
                        ComponentTypeRef::Instance(_) => self.component_instances.push(Vec::new()),
                        _ => {}
                    }
                }
            }
            Payload::InstanceSection(reader) => {
                for instance in reader {
                    let what = match instance? {
                        Instance::Instantiate { module_index, args } => {
                            let args: Vec<String> = args
                                .iter()
                                .map(|a| format!("{}: core instance {}", a.name, a.index))
                                .collect();
                            if args.is_empty() {
                                format!("instantiate module {module_index}")
                            } else {
                                format!(
                                    "instantiate module {module_index} with {}",
                                    args.join(", ")
                                )
                            }
                        }
                        Instance::FromExports(exports) => {
                            let names: Vec<String> = exports
                                .iter()
                                .map(|e| format!("{} ({})", e.name, kind_name(e.kind)))
                                .collect();
                            format!("exports: {}", names.join(", "))
                        }
                    };
                    let index = self.instances.len() as u32;
                    self.instances.push(CoreInstance { index, what });
                }
            }
            Payload::ComponentAliasSection(reader) => {
                for alias in reader {
                    match alias? {
                        ComponentAlias::CoreInstanceExport {
                            kind,
                            instance_index,
                            name,
                        } => {
                            let what = format!("core instance {instance_index} export `{name}`");
                            match kind {
                                ExternalKind::Func | ExternalKind::FuncExact => {
                                    self.core_funcs.push(what)
                                }
                                ExternalKind::Memory => self.core_memories.push(what),
                                _ => {}
                            }
                        }
                        ComponentAlias::InstanceExport { kind, .. } => match kind {
                            ComponentExternalKind::Func => self.funcs.push(Func::Other),
                            ComponentExternalKind::Instance => {
                                self.component_instances.push(Vec::new())
                            }
                            _ => {}
                        },
                        ComponentAlias::Outer { .. } => {}
                    }
                }
            }
            Payload::ComponentCanonicalSection(reader) => {
                for function in reader {
                    match function? {
                        CanonicalFunction::Lift {
                            core_func_index,
                            options,
                            ..
                        } => {
                            let lift = self.lift(core_func_index, &options);
                            self.funcs.push(Func::Lifted(lift));
                        }
                        other => {
                            let text = format!("{other:?}");
                            let name = text.split([' ', '{', '(']).next().unwrap_or("builtin");
                            self.core_funcs.push(format!("canon {name}"));
                        }
                    }
                }
            }
            Payload::ComponentInstanceSection(reader) => {
                for instance in reader {
                    let exports = match instance? {
                        ComponentInstance::FromExports(exports) => exports
                            .iter()
                            .map(|e| {
                                let func =
                                    (e.kind == ComponentExternalKind::Func).then_some(e.index);
                                (e.name.name.to_owned(), func)
                            })
                            .collect(),
                        ComponentInstance::Instantiate {
                            component_index,
                            args,
                        } => self.reexports(component_index, &args),
                    };
                    self.component_instances.push(exports);
                }
            }
            Payload::ComponentExportSection(reader) => {
                for export in reader {
                    let export = export?;
                    let name = export.name.name.to_owned();
                    self.raw_exports
                        .push((name.clone(), external_kind(export.kind)));
                    match export.kind {
                        ComponentExternalKind::Func => {
                            self.exported.push((name, export.index));
                            // An export is a new function of the same definition.
                            let same = self.funcs.get(export.index as usize).cloned();
                            self.funcs.push(same.unwrap_or(Func::Other));
                        }
                        ComponentExternalKind::Instance => {
                            let members = self
                                .component_instances
                                .get(export.index as usize)
                                .cloned()
                                .unwrap_or_default();
                            for (member, func) in &members {
                                if let Some(func) = func {
                                    self.exported.push((format!("{name}#{member}"), *func));
                                }
                            }
                            self.component_instances.push(members);
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// What an instance of nested component `component` exports: each function it
    /// re-exports from an import, mapped to the function it was instantiated with.
    fn reexports(
        &self,
        component: u32,
        args: &[wasmparser::ComponentInstantiationArg<'_>],
    ) -> Vec<(String, Option<u32>)> {
        let Some(nested) = self.components.get(component as usize) else {
            return Vec::new();
        };
        nested
            .exported
            .iter()
            .map(|(name, index)| {
                let given = match nested.funcs.get(*index as usize) {
                    Some(Func::Imported(import)) => args
                        .iter()
                        .find(|a| a.name == import && a.kind == ComponentExternalKind::Func)
                        .map(|a| a.index),
                    _ => None,
                };
                (name.clone(), given)
            })
            .collect()
    }

    fn lift(&self, core_func: u32, options: &[CanonicalOption]) -> Lift {
        let core_func_name = |i: u32| {
            self.core_funcs
                .get(i as usize)
                .cloned()
                .unwrap_or_else(|| format!("core function {i}"))
        };
        let mut lift = Lift {
            core_function: core_func_name(core_func),
            string_encoding: "utf8".to_owned(),
            ..Lift::default()
        };
        for option in options {
            match option {
                CanonicalOption::UTF8 => "utf8".clone_into(&mut lift.string_encoding),
                CanonicalOption::UTF16 => "utf16".clone_into(&mut lift.string_encoding),
                CanonicalOption::CompactUTF16 => {
                    "latin1+utf16".clone_into(&mut lift.string_encoding)
                }
                CanonicalOption::Memory(i) => {
                    lift.memory = Some(
                        self.core_memories
                            .get(*i as usize)
                            .cloned()
                            .unwrap_or_else(|| format!("core memory {i}")),
                    );
                }
                CanonicalOption::Realloc(i) => lift.realloc = Some(core_func_name(*i)),
                CanonicalOption::PostReturn(i) => lift.post_return = Some(core_func_name(*i)),
                CanonicalOption::Async => lift.is_async = true,
                _ => {}
            }
        }
        lift
    }

    /// The description of a component WIT cannot show: imports and exports by kind.
    pub(super) fn without_wit(self, size: usize, why: String) -> ComponentInfo {
        let items = |raw: &[(String, &'static str)]| -> Vec<WitItem> {
            raw.iter()
                .map(|(name, kind)| WitItem {
                    name: name.clone(),
                    kind: (*kind).to_owned(),
                    lift: (*kind == "func")
                        .then(|| self.lift_of(name, None))
                        .flatten(),
                    functions: Vec::new(),
                })
                .collect()
        };
        ComponentInfo {
            size_bytes: size as u64,
            wit: String::new(),
            wit_error: Some(why),
            imports: items(&self.raw_imports),
            exports: items(&self.raw_exports),
            core_modules: self.modules,
            core_instances: self.instances,
            nested_components: self.nested_components,
        }
    }

    /// The lift of the exported function `name` (of interface `interface`).
    pub(super) fn lift_of(&self, name: &str, function: Option<&str>) -> Option<Lift> {
        let full = match function {
            Some(function) => format!("{name}#{function}"),
            None => name.to_owned(),
        };
        let (_, index) = self.exported.iter().find(|(n, _)| *n == full)?;
        match self.funcs.get(*index as usize)? {
            Func::Lifted(lift) => Some(lift.clone()),
            Func::Imported(_) | Func::Other => None,
        }
    }
}

fn kind_name(kind: ExternalKind) -> &'static str {
    match kind {
        ExternalKind::Func | ExternalKind::FuncExact => "func",
        ExternalKind::Table => "table",
        ExternalKind::Memory => "memory",
        ExternalKind::Global => "global",
        ExternalKind::Tag => "tag",
    }
}

fn type_ref_kind(ty: &ComponentTypeRef) -> &'static str {
    match ty {
        ComponentTypeRef::Module(_) => "module",
        ComponentTypeRef::Func(_) => "func",
        ComponentTypeRef::Value(_) => "value",
        ComponentTypeRef::Type(_) => "type",
        ComponentTypeRef::Instance(_) => "instance",
        ComponentTypeRef::Component(_) => "component",
    }
}

fn external_kind(kind: ComponentExternalKind) -> &'static str {
    match kind {
        ComponentExternalKind::Module => "module",
        ComponentExternalKind::Func => "func",
        ComponentExternalKind::Value => "value",
        ComponentExternalKind::Type => "type",
        ComponentExternalKind::Instance => "instance",
        ComponentExternalKind::Component => "component",
    }
}
