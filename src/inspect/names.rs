//! The `name` and `producers` custom sections. Both are optional debug information, so a
//! malformed one is skipped rather than failing the whole inspection.

use super::model::{ProducerField, ProducerValue};
use std::collections::{BTreeMap, HashMap};
use wasmparser::{KnownCustom, Name, NameMap};

/// Names collected from the `name` section.
#[derive(Debug, Default)]
pub(crate) struct Names {
    /// The module's own name.
    pub module: Option<String>,
    /// Function names by function index.
    pub functions: BTreeMap<u32, String>,
    /// Memory names by memory index.
    pub memories: HashMap<u32, String>,
    /// Table names by table index.
    pub tables: HashMap<u32, String>,
    /// Global names by global index.
    pub globals: HashMap<u32, String>,
    /// Data segment names by segment index.
    pub data: HashMap<u32, String>,
}

/// Reads the custom sections this layer understands into `names` / `producers`.
pub(crate) fn read_custom(
    section: &wasmparser::CustomSectionReader<'_>,
    names: &mut Names,
    producers: &mut Vec<ProducerField>,
) {
    match section.as_known() {
        KnownCustom::Name(reader) => {
            for subsection in reader {
                let Ok(subsection) = subsection else { break };
                read_name_subsection(subsection, names);
            }
        }
        KnownCustom::Producers(reader) => {
            if let Ok(fields) = read_producers(reader) {
                *producers = fields;
            }
        }
        _ => {}
    }
}

/// Stores one subsection of the name section.
fn read_name_subsection(subsection: Name<'_>, names: &mut Names) {
    match subsection {
        Name::Module { name, .. } => names.module = Some(name.to_owned()),
        Name::Function(map) => {
            // Collected first: a map built from a (sorted) list is built in bulk, much
            // faster than one insert at a time on modules with 100,000s of functions.
            // A later name for the same function wins, as with inserts.
            let mut listed: Vec<(u32, String)> =
                std::mem::take(&mut names.functions).into_iter().collect();
            listed.extend(naming(map));
            names.functions = listed.into_iter().collect();
        }
        Name::Memory(map) => names.memories.extend(naming(map)),
        Name::Table(map) => names.tables.extend(naming(map)),
        Name::Global(map) => names.globals.extend(naming(map)),
        Name::Data(map) => names.data.extend(naming(map)),
        _ => {}
    }
}

/// The `(index, name)` pairs of a name map, stopping at the first malformed entry.
fn naming(map: NameMap<'_>) -> impl Iterator<Item = (u32, String)> + '_ {
    map.into_iter()
        .map_while(Result::ok)
        .map(|n| (n.index, n.name.to_owned()))
}

/// Reads the producers section.
fn read_producers(
    reader: wasmparser::ProducersSectionReader<'_>,
) -> wasmparser::Result<Vec<ProducerField>> {
    let mut fields = Vec::new();
    for field in reader {
        let field = field?;
        let mut values = Vec::new();
        for value in field.values {
            let value = value?;
            values.push(ProducerValue {
                name: value.name.to_owned(),
                version: value.version.to_owned(),
            });
        }
        fields.push(ProducerField {
            field: field.name.to_owned(),
            values,
        });
    }
    Ok(fields)
}
