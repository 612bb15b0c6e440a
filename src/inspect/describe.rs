//! What `wasmscope inspect` prints for a file: a module's description and its DWARF,
//! or a component's; text or JSON.

use std::path::Path;

use super::component::{inspect_component, is_component};
use super::dwarf::Dwarf;
use super::module_info::ModuleInfo;
use super::parse::inspect;
use super::render::render_text;
use super::render_component::render_component_text;
use super::render_dwarf::{DwarfReport, render_dwarf};

/// What `wasmscope inspect` prints for `bytes`, a module or a component: text, or one
/// JSON object with `json`. A module's DWARF source files are looked for as recorded
/// and below `source_dir`.
pub fn describe(bytes: &[u8], json: bool, source_dir: Option<&Path>) -> anyhow::Result<String> {
    if is_component(bytes) {
        let info = inspect_component(bytes)?;
        return Ok(match json {
            true => serde_json::to_string_pretty(&info)? + "\n",
            false => render_component_text(&info),
        });
    }
    let info = inspect(bytes)?;
    let (report, error) = match Dwarf::parse(bytes) {
        Ok(dwarf) => (dwarf.map(|d| DwarfReport::new(&d, source_dir)), None),
        Err(err) => (None, Some(format!("{err:#}"))),
    };
    if json {
        /// A module's description with its DWARF.
        #[derive(serde::Serialize)]
        struct WithDwarf<'a> {
            #[serde(flatten)]
            info: &'a ModuleInfo,
            #[serde(skip_serializing_if = "Option::is_none")]
            dwarf: Option<DwarfReport>,
            #[serde(skip_serializing_if = "Option::is_none")]
            dwarf_error: Option<String>,
        }
        let described = WithDwarf {
            info: &info,
            dwarf: report,
            dwarf_error: error,
        };
        return Ok(serde_json::to_string_pretty(&described)? + "\n");
    }
    let mut text = render_text(&info);
    render_dwarf(&mut text, report.as_ref(), error.as_deref());
    Ok(text)
}
