//! A component's exported functions with their WIT types, as WAVE types: what a host
//! program needs to check a session's WAVE arguments and to write its values in
//! another language. Pure: wit-component decodes the types, wasm-wave models them.

use anyhow::{Result, bail};
use wasm_wave::value::{FuncType, resolve_wit_func_type};
use wit_component::DecodedWasm;
use wit_parser::{WorldItem, WorldKey};

/// One exported function.
#[derive(Clone)]
pub struct ComponentFunc {
    /// `append`, or `interface#function` (`wasi:cli/run@0.2.0#run`).
    pub name: String,
    /// Its parameters and results, or why WAVE cannot show them (a resource).
    pub ty: Result<FuncType, String>,
}

impl std::fmt::Debug for ComponentFunc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ComponentFunc")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

/// The functions the component in `bytes` exports, top-level first in the world's
/// order, then those of exported interfaces.
pub fn component_funcs(bytes: &[u8]) -> Result<Vec<ComponentFunc>> {
    let (resolve, world) = match wit_component::decode(bytes) {
        Ok(DecodedWasm::Component(resolve, world)) => (resolve, world),
        Ok(DecodedWasm::WitPackage(..)) => {
            bail!("this is a WIT package (interface definitions), not a component")
        }
        Err(err) => bail!("cannot read the component's WIT types: {err:#}"),
    };
    let func = |name: String, function: &wit_parser::Function| ComponentFunc {
        name,
        ty: resolve_wit_func_type(&resolve, function).map_err(|err| err.to_string()),
    };
    let exports = &resolve.worlds[world].exports;
    let mut found: Vec<ComponentFunc> = exports
        .iter()
        .filter_map(|(key, item)| match item {
            WorldItem::Function(function) => Some(func(world_key(&resolve, key), function)),
            _ => None,
        })
        .collect();
    for (key, item) in exports {
        if let WorldItem::Interface { id, .. } = item {
            let interface = world_key(&resolve, key);
            for (name, function) in &resolve.interfaces[*id].functions {
                found.push(func(format!("{interface}#{name}"), function));
            }
        }
    }
    Ok(found)
}

fn world_key(resolve: &wit_parser::Resolve, key: &WorldKey) -> String {
    resolve.name_world_key(key)
}

/// The function `call` names among `names`: itself, or an interface's function by its
/// short name when no other has it (`run` for `wasi:cli/run@0.2.0#run`).
pub fn resolve_function<'a>(
    names: impl IntoIterator<Item = &'a str>,
    call: &str,
) -> Result<String> {
    let names: Vec<&str> = names.into_iter().collect();
    let suffix = format!("#{call}");
    let matching: Vec<&str> = names
        .iter()
        .copied()
        .filter(|name| *name == call || name.ends_with(&suffix))
        .collect();
    match matching.as_slice() {
        [one] => Ok((*one).to_owned()),
        [] => bail!(
            "the component exports no function `{call}`; its functions: {}",
            names.join(", ")
        ),
        many => bail!(
            "`{call}` could be {}; give the whole name",
            many.join(" or ")
        ),
    }
}
