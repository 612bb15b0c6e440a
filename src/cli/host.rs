//! `run`'s choices about the host: how imports are provided (WASI, stubs) and which
//! allocator to call.

use std::path::Path;

use anyhow::{Context, Result, bail};

use super::RunArgs;
use crate::engine::allocators::{detect, resolve};
use crate::engine::{Allocator, Convention, glue_allocator};
use crate::inspect::ModuleInfo;
use crate::recipe::{HostSettings, StubPolicy};

/// The host settings `args` ask for.
pub fn host_settings(args: &RunArgs) -> Result<HostSettings> {
    let mut host = HostSettings::default();
    for stub in &args.stub {
        match stub.split_once('=') {
            Some((import, policy)) => {
                host.stubs.insert(import.to_owned(), parse_policy(policy)?);
            }
            None => host.default_stub = parse_policy(stub)?,
        }
    }
    for pair in &args.env {
        let (key, value) = pair
            .split_once('=')
            .with_context(|| format!("--env {pair}: expected KEY=VALUE"))?;
        host.wasi_env.push((key.to_owned(), value.to_owned()));
    }
    for dir in &args.dir {
        if !dir.is_dir() {
            bail!("--dir {}: not a folder", dir.display());
        }
    }
    host.wasi_args = args.wasi_arg.clone();
    host.wasi_dirs = args.dir.clone();
    Ok(host)
}

fn parse_policy(text: &str) -> Result<StubPolicy> {
    match text {
        "zeros" => Ok(StubPolicy::Zeros),
        "trap" => Ok(StubPolicy::Trap),
        other => bail!("--stub {other}: expected zeros, trap, or MODULE.NAME=zeros|trap"),
    }
}

/// The allocator to call: `--alloc` (an export or a convention name), else the one
/// detected. Minified emscripten modules name `malloc` only in their JavaScript glue,
/// so a `.js` file next to the module is read for it.
pub fn pick_allocator(module: &Path, info: &ModuleInfo, choice: Option<&str>) -> Result<Allocator> {
    let glue = glue_allocator(module, info);
    if let Some(choice) = choice {
        return resolve(info, choice, glue.as_slice());
    }
    if let Some(found) = detect(info).into_iter().next().or(glue) {
        return Ok(found);
    }
    bail!(
        "found no allocator: the module exports none of alloc, malloc, __wbindgen_malloc, \
         cabi_realloc or __new (conventions {}), and no emscripten glue names one; pass \
         --alloc NAME for an export that takes a size and returns a pointer",
        Convention::ALL.map(Convention::name).join(", ")
    )
}
