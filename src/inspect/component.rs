//! `inspect` for components: the WIT world (decoded by wit-component), the core
//! modules and instances inside, and which core function each export lifts with which
//! canonical options (memory, realloc, post-return, string encoding).
//!
//! Only the outer component's index spaces are followed; nested components are
//! counted. Each core module is described by the module `inspect`.

use anyhow::Result;
use serde::Serialize;
use wasmparser::{Validator, WasmFeatures};
use wit_component::{DecodedWasm, WitPrinter};
use wit_parser::{Resolve, WorldItem, WorldKey};

use super::component_walk::Walker;
use super::errors::binary_error;

/// Everything `inspect` tells about a component.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ComponentInfo {
    /// Size of the binary in bytes.
    pub size_bytes: u64,
    /// The component's world as WIT text (with the interfaces it uses).
    pub wit: String,
    /// Why there is no WIT: the component exports something WIT cannot show (a core
    /// module, a value, a type). Its imports and exports are then listed by kind.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wit_error: Option<String>,
    /// What the world imports.
    pub imports: Vec<WitItem>,
    /// What the world exports, each function with the core function it lifts.
    pub exports: Vec<WitItem>,
    /// The core modules inside, in order.
    pub core_modules: Vec<CoreModule>,
    /// The core instances, in order.
    pub core_instances: Vec<CoreInstance>,
    /// Components nested inside (not described further).
    pub nested_components: u32,
}

impl ComponentInfo {
    /// The lift of the exported function `name` (`append`, `interface#function`).
    pub fn lift_of(&self, name: &str) -> Option<&Lift> {
        self.exports.iter().find_map(|export| {
            if export.name == name {
                return export.lift.as_ref();
            }
            export
                .functions
                .iter()
                .find(|f| format!("{}#{}", export.name, f.name) == name)
                .and_then(|f| f.lift.as_ref())
        })
    }
}

/// One import or export of the world: a function, or an interface of functions.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct WitItem {
    /// `append`, or `wasi:cli/run@0.2.0`.
    pub name: String,
    /// `func(s: string) -> string`, `interface`, `type`.
    pub kind: String,
    /// An interface's functions.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub functions: Vec<WitFunction>,
    /// An exported function's lifting.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lift: Option<Lift>,
}

/// A function of an interface.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct WitFunction {
    /// Its name in the interface.
    pub name: String,
    /// `func(…) -> …`.
    pub signature: String,
    /// Its lifting, for an exported interface.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lift: Option<Lift>,
}

/// How a component function is made from a core function (`canon lift`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Lift {
    /// The core function: `core instance 1 export "append"`.
    pub core_function: String,
    /// The memory strings and lists go through.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory: Option<String>,
    /// The allocator arguments are written into (`cabi_realloc`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub realloc: Option<String>,
    /// Called after the result is read, to free it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub post_return: Option<String>,
    /// `utf8`, `utf16` or `latin1+utf16`.
    pub string_encoding: String,
    /// Lifted with the async ABI.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub is_async: bool,
}

/// A core module inside the component.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct CoreModule {
    /// Its index among the core modules.
    pub index: u32,
    /// Byte offset of its binary in the component.
    pub offset: u64,
    /// Its size in bytes.
    pub size_bytes: u64,
    /// Defined and imported functions.
    pub functions: u32,
    /// Memories, with their initial size in pages.
    pub memories: Vec<u64>,
    /// Its imports, `module.name`.
    pub imports: Vec<String>,
    /// Its exports.
    pub exports: Vec<String>,
}

/// A core instance: a module instantiated with arguments, or a bag of exports.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CoreInstance {
    /// Its index among the core instances.
    pub index: u32,
    /// `instantiate module 0 with env: core instance 1`, or `exports: …`.
    pub what: String,
}

/// Whether `bytes` is a component (layer 1) rather than a core module.
pub fn is_component(bytes: &[u8]) -> bool {
    bytes.starts_with(b"\0asm") && bytes.get(6..8) == Some(&[1, 0])
}

/// Validates a component and describes it.
pub fn inspect_component(bytes: &[u8]) -> Result<ComponentInfo> {
    let err = |e: wasmparser::BinaryReaderError| {
        anyhow::anyhow!(
            "{}",
            binary_error(&e, bytes.len())
                .to_string()
                .replace("invalid module", "invalid component")
        )
    };
    Validator::new_with_features(WasmFeatures::all())
        .validate_all(bytes)
        .map_err(err)?;
    let mut walker = Walker::default();
    walker.walk(bytes)?;
    let decoded = match wit_component::decode(bytes) {
        Ok(DecodedWasm::Component(resolve, world)) => Ok((resolve, world)),
        Ok(DecodedWasm::WitPackage(..)) => {
            anyhow::bail!("this is a WIT package (interface definitions), not a component")
        }
        Err(err) => Err(err),
    };
    let (resolve, world) = match decoded {
        Ok(decoded) => decoded,
        Err(err) => return Ok(walker.without_wit(bytes.len(), format!("{err:#}"))),
    };
    let world_def = &resolve.worlds[world];
    let imports = world_def
        .imports
        .iter()
        .map(|(key, item)| wit_item(&resolve, key, item, &walker))
        .collect::<Result<_>>()?;
    let exports = world_def
        .exports
        .iter()
        .map(|(key, item)| wit_item(&resolve, key, item, &walker))
        .collect::<Result<_>>()?;
    let mut printer = WitPrinter::default();
    if let Some(package) = world_def.package {
        let nested: Vec<_> = resolve
            .packages
            .iter()
            .map(|(id, _)| id)
            .filter(|id| *id != package)
            .collect();
        printer.print(&resolve, package, &nested)?;
    }
    Ok(ComponentInfo {
        size_bytes: bytes.len() as u64,
        wit: printer.output.to_string(),
        wit_error: None,
        imports,
        exports,
        core_modules: walker.modules,
        core_instances: walker.instances,
        nested_components: walker.nested_components,
    })
}

fn wit_item(
    resolve: &Resolve,
    key: &WorldKey,
    item: &WorldItem,
    walker: &Walker,
) -> Result<WitItem> {
    let name = resolve.name_world_key(key);
    Ok(match item {
        WorldItem::Function(func) => WitItem {
            lift: walker.lift_of(&name, None),
            kind: signature(resolve, func)?,
            name,
            functions: Vec::new(),
        },
        WorldItem::Interface { id, .. } => WitItem {
            kind: "interface".to_owned(),
            functions: resolve.interfaces[*id]
                .functions
                .values()
                .map(|func| {
                    Ok(WitFunction {
                        lift: walker.lift_of(&name, Some(&func.name)),
                        name: func.name.clone(),
                        signature: signature(resolve, func)?,
                    })
                })
                .collect::<Result<_>>()?,
            name,
            lift: None,
        },
        WorldItem::Type { .. } => WitItem {
            name,
            kind: "type".to_owned(),
            ..WitItem::default()
        },
    })
}

/// `func(s: string) -> string`.
fn signature(resolve: &Resolve, func: &wit_parser::Function) -> Result<String> {
    let type_name = |ty: &wit_parser::Type| -> Result<String> {
        let mut printer = WitPrinter::default();
        printer.print_type_name(resolve, ty)?;
        Ok(printer.output.to_string())
    };
    let params = func
        .params
        .iter()
        .map(|p| Ok(format!("{}: {}", p.name, type_name(&p.ty)?)))
        .collect::<Result<Vec<_>>>()?;
    let result = match &func.result {
        Some(ty) => format!(" -> {}", type_name(ty)?),
        None => String::new(),
    };
    Ok(format!("func({}){result}", params.join(", ")))
}
