//! WASI preview 1 for modules that import it (`wasi_snapshot_preview1`, or the older
//! `wasi_unstable`): args and environment as configured, stdout/stderr captured into
//! the session's notes, stdin empty, and no filesystem unless a folder is granted.
//! Components get the same context for WASI preview 2 ([`builder`]).

use std::path::PathBuf;

use anyhow::{Context, Result};
use wasmtime::{Linker, Module};
use wasmtime_wasi::p1::WasiP1Ctx;
use wasmtime_wasi::{FsPerms, WasiCtxBuilder};

use super::notes::Notes;
use super::wasi_sleep::GuestMonotonicClock;

/// The import module name of WASI preview 1.
pub const WASI_P1: &str = "wasi_snapshot_preview1";
/// The import module name of WASI preview 0, which some old toolchains emit.
pub const WASI_P0: &str = "wasi_unstable";

/// What a WASI guest sees of the outside world.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WasiConfig {
    /// The guest's `argv`, program name included. Empty means just the module's name
    /// (the worker and the CLI fill it in).
    pub args: Vec<String>,
    /// Environment variables (`KEY`, `VALUE`). Nothing is inherited from the host.
    pub env: Vec<(String, String)>,
    /// Host folders the guest may read and write, each visible in the guest under the
    /// same path as given. No folder means no filesystem at all.
    pub dirs: Vec<PathBuf>,
}

/// Whether the import module `module` is WASI (either version).
pub fn is_wasi(module: &str) -> bool {
    [WASI_P1, WASI_P0].contains(&module)
}

/// The WASI context for one store: configured args, env and folders; stdout and
/// stderr go to `notes`; the monotonic clock is `clock`.
pub fn context(
    config: &WasiConfig,
    notes: &Notes,
    clock: GuestMonotonicClock,
) -> Result<WasiP1Ctx> {
    let mut builder = builder(config, notes)?;
    builder.monotonic_clock(clock);
    Ok(builder.build_p1())
}

/// What a WASI guest of either preview sees: the configured args, environment and
/// folders (each under the path given), stdout and stderr into `notes`, stdin empty.
pub fn builder(config: &WasiConfig, notes: &Notes) -> Result<WasiCtxBuilder> {
    let mut builder = WasiCtxBuilder::new();
    builder
        .args(&config.args)
        .envs(&config.env)
        .stdout(notes.stdout_pipe())
        .stderr(notes.stderr_pipe());
    for dir in &config.dirs {
        let guest_path = dir.to_string_lossy().into_owned();
        builder
            .preopened_dir(dir, &guest_path, FsPerms::ReadWrite)
            .map_err(anyhow::Error::from)
            .with_context(|| format!("cannot grant the folder {} to the guest", dir.display()))?;
    }
    Ok(builder)
}

/// Which WASI versions `module` imports from: (preview 1, preview 0).
pub fn imported_versions(module: &Module) -> (bool, bool) {
    let mut p1 = false;
    let mut p0 = false;
    for import in module.imports() {
        p1 |= import.module() == WASI_P1;
        p0 |= import.module() == WASI_P0;
    }
    (p1, p0)
}

/// Adds the WASI functions `module` needs to `linker`; `wasi` finds the context in the
/// store's data.
pub fn add_to_linker<T: Send + 'static>(
    linker: &mut Linker<T>,
    module: &Module,
    wasi: fn(&mut T) -> &mut WasiP1Ctx,
) -> Result<()> {
    let (p1, p0) = imported_versions(module);
    if p1 {
        wasmtime_wasi::p1::add_to_linker_sync(linker, wasi)
            .map_err(anyhow::Error::from)
            .context("cannot set up WASI preview 1")?;
    }
    if p0 {
        wasmtime_wasi::p0::add_to_linker_sync(linker, wasi)
            .map_err(anyhow::Error::from)
            .context("cannot set up WASI preview 0 (wasi_unstable)")?;
    }
    Ok(())
}
