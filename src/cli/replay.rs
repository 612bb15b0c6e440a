//! `wasmscope replay FILE`: a saved session, run again on a fresh instance. It prints
//! what `run` prints. A session file may come from anyone, so the WASI folders and
//! environment it asks for are granted only with `--allow-host-settings`.

use std::io::Write;

use anyhow::{Result, bail};

use super::ReplayArgs;
use super::play::{PlayOptions, play};
use crate::engine::AfterFailure;
use crate::inspect::load_module_bytes;
use crate::recipe::{self, module_path_line};

/// Some steps failed; each was reported as it happened.
#[derive(Debug)]
pub struct StepsFailed;

impl std::fmt::Display for StepsFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("some steps failed")
    }
}

impl std::error::Error for StepsFailed {}

/// Replays the session in `args`, printing to `out`; notes about the module and the
/// host settings go to stderr.
pub fn replay(args: &ReplayArgs, out: &mut impl Write) -> Result<()> {
    let mut recipe = recipe::load(&args.session)?;
    let module_path = args.module.clone().unwrap_or(recipe.module.path.clone());
    let bytes = load_module_bytes(&module_path).map_err(|err| {
        let line = std::fs::read_to_string(&args.session)
            .ok()
            .and_then(|text| module_path_line(&text));
        match (&args.module, line) {
            (None, Some(line)) => err.context(format!(
                "{} line {line}: `module.path`",
                args.session.display()
            )),
            _ => err,
        }
    })?;
    if let Some(expected) = &recipe.module.sha256 {
        let actual = recipe::sha256_hex(&bytes);
        if &actual != expected {
            let what = format!(
                "{} is not the module this session was saved with (its SHA-256 is {actual}, \
                 the session's `module.sha256` is {expected})",
                module_path.display()
            );
            if args.strict {
                bail!("{what}; --strict refuses it");
            }
            eprintln!("warning: {what}; replaying anyway");
        }
    }
    let grants = recipe.host.grants();
    if !grants.is_empty() && !args.allow_host_settings {
        eprintln!(
            "note: this session asks to {}; it runs without them \
             (pass --allow-host-settings to grant them)",
            grants.join(", ")
        );
        recipe.host = recipe.host.without_grants();
    }
    let options = PlayOptions {
        module_path: &module_path,
        no_cache: args.no_cache,
        compiler: args.compiler,
        after_failure: AfterFailure::Continue,
        allocators: Vec::new(),
        trace_writes: args.trace_writes,
        max_traced_writes: args.max_traced_writes,
        breaks: Vec::new(),
        break_json: false,
        notes: args.notes,
    };
    let played = play(&recipe, &bytes, options, out)?;
    if played.first_error.is_some() {
        return Err(StepsFailed.into());
    }
    if !played.unknown_placeholders.is_empty() {
        bail!(
            "notes name values no step defines: {}",
            played.unknown_placeholders.join(", ")
        );
    }
    Ok(())
}
