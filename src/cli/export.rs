//! `wasmscope export SESSION --lang rust|js`: the session as a host program of your own.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};

use super::ExportArgs;
use crate::engine::glue_allocator;
use crate::hostgen::{component_program, host_program};
use crate::inspect::{inspect, is_component, load_module_bytes};
use crate::recipe;

/// Writes the program to `args.output`, or to `out`.
pub fn export(args: &ExportArgs, out: &mut impl Write) -> Result<()> {
    let mut recipe = recipe::load(&args.session)?;
    let module_path = args.module.clone().unwrap_or(recipe.module.path.clone());
    // The program looks for the module from its own folder (standard output: here).
    let folder = match args.output.as_deref().and_then(Path::parent) {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    recipe.module.path = recipe::relative_path(&module_path, folder);
    let bytes = load_module_bytes(&module_path)?;
    let session = recipe::file_name(&args.session);
    let program = if is_component(&bytes) {
        component_program(args.lang, &recipe, &bytes, &session)
    } else {
        let info =
            inspect(&bytes).with_context(|| format!("cannot load {}", module_path.display()))?;
        let allocators: Vec<_> = glue_allocator(&module_path, &info).into_iter().collect();
        host_program(args.lang, &recipe, &info, &allocators, &session)
    }
    .with_context(|| format!("cannot export {}", args.session.display()))?;
    match &args.output {
        Some(path) => recipe::write_atomically(path, program.as_bytes())?,
        None => out.write_all(program.as_bytes())?,
    }
    Ok(())
}
