//! Which compiler turns a module into machine code. Winch, wasmtime's baseline
//! compiler, compiles about five times faster than Cranelift and makes slower code;
//! an inspector mostly runs a handful of small calls, so loads use Winch first (as
//! browsers start with a baseline tier) and fall back to Cranelift for what Winch
//! cannot compile. Cranelift stays one click away for long calls, and the debug
//! engine (stepping, traced writes) always uses it.

use std::fmt;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use wasmtime::{Engine, Module, Strategy};

use super::cache::CompileCache;

/// What the user asked for (Settings, `--compiler`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum CompilerChoice {
    /// Winch, else Cranelift when Winch cannot compile the module.
    #[default]
    Auto,
    /// Winch only: fast to compile, slower code.
    Winch,
    /// Cranelift only: slower to compile, optimised code.
    Cranelift,
}

impl CompilerChoice {
    /// Every choice, for menus.
    pub const ALL: [Self; 3] = [Self::Auto, Self::Winch, Self::Cranelift];

    /// As menus show it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Auto => "Auto (Winch, else Cranelift)",
            Self::Winch => "Winch (fast compile)",
            Self::Cranelift => "Cranelift (fast code)",
        }
    }
}

/// The compiler that compiled a module.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compiler {
    /// wasmtime's baseline compiler.
    Winch,
    /// wasmtime's optimising compiler.
    Cranelift,
}

impl fmt::Display for Compiler {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Winch => "Winch",
            Self::Cranelift => "Cranelift",
        })
    }
}

/// How a module was compiled, for the log and the module panel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompileInfo {
    /// Which compiler.
    pub compiler: Compiler,
    /// How long it took (or loading the code from the cache).
    pub took: Duration,
    /// Whether the code came from the compile cache.
    pub cached: bool,
    /// Why Winch could not compile it, when Cranelift stepped in.
    pub winch_refused: Option<String>,
    /// Whether it was compiled for the debugger (stepping, traced writes).
    pub debug: bool,
}

impl CompileInfo {
    /// "Compiled by Winch", "Compiled code (Cranelift) loaded from the cache".
    pub fn what(&self) -> String {
        let compiler = match self.debug {
            true => format!("{} for stepping", self.compiler),
            false => self.compiler.to_string(),
        };
        match self.cached {
            true => format!("Compiled code ({compiler}) loaded from the cache"),
            false => format!("Compiled by {compiler}"),
        }
    }

    /// Why Winch stepped aside, as a line for the log.
    pub fn refusal(&self) -> Option<String> {
        self.winch_refused.as_ref().map(|why| {
            format!("Winch cannot compile this module ({why}); compiled it with Cranelift instead")
        })
    }
}

/// One engine per compiler, both with epoch interruption (Stop, time limits) and the
/// same compile cache; the cache keys them apart (the compiler is part of its key).
#[derive(Clone)]
pub struct Engines {
    winch: Engine,
    cranelift: Engine,
    cache: Option<CompileCache>,
}

impl Engines {
    /// Both engines, keeping compiled code in `cache` when given.
    pub fn new(cache: Option<&CompileCache>) -> Result<Self> {
        Ok(Self {
            winch: new_engine(cache, |c| c.strategy(Strategy::Winch))?,
            cranelift: new_engine(cache, |c| c.strategy(Strategy::Cranelift))?,
            cache: cache.cloned(),
        })
    }

    /// The engine of `compiler`.
    pub fn get(&self, compiler: Compiler) -> &Engine {
        match compiler {
            Compiler::Winch => &self.winch,
            Compiler::Cranelift => &self.cranelift,
        }
    }

    /// Compiles `bytes` (a binary `inspect` accepted) as `choice` says. This is the
    /// slow part of a load, so the worker runs it on a thread of its own.
    pub fn compile(&self, choice: CompilerChoice, bytes: &[u8]) -> Result<(Module, CompileInfo)> {
        let cache = self.cache.as_ref();
        let first = match choice {
            CompilerChoice::Cranelift => Compiler::Cranelift,
            CompilerChoice::Auto | CompilerChoice::Winch => Compiler::Winch,
        };
        match compile_timed(self.get(first), first, bytes, cache) {
            Err(err) if choice == CompilerChoice::Auto => {
                let (module, mut info) =
                    compile_timed(&self.cranelift, Compiler::Cranelift, bytes, cache)?;
                // The reason, without the contexts saying that compiling failed
                // (and without the backtrace wasmtime adds under RUST_BACKTRACE).
                let why: Vec<String> = err
                    .chain()
                    .skip(2)
                    .filter_map(|e| e.to_string().lines().next().map(str::to_owned))
                    .collect();
                info.winch_refused = Some(why.join(": "));
                Ok((module, info))
            }
            compiled => compiled,
        }
    }
}

/// Compiles `bytes` (a binary `inspect` accepted) on `engine`.
pub fn compile(engine: &Engine, bytes: &[u8]) -> Result<Module> {
    Module::new(engine, bytes)
        .map_err(anyhow::Error::from)
        .context("wasmtime cannot compile this module")
}

/// An engine for wasmscope's calls — epoch interruption on (Stop, time limits),
/// compiled code kept in `cache` — with what `tune` sets.
pub(super) fn new_engine(
    cache: Option<&CompileCache>,
    tune: impl FnOnce(&mut wasmtime::Config) -> &mut wasmtime::Config,
) -> Result<Engine> {
    let mut config = wasmtime::Config::new();
    config.epoch_interruption(true);
    config.cache(cache.map(CompileCache::wasmtime));
    tune(&mut config);
    Engine::new(&config)
        .map_err(anyhow::Error::from)
        .context("cannot set up the wasmtime engine")
}

/// Compiles `bytes` on `engine` (which uses `compiler`) and says how it went.
pub(crate) fn compile_timed(
    engine: &Engine,
    compiler: Compiler,
    bytes: &[u8],
    cache: Option<&CompileCache>,
) -> Result<(Module, CompileInfo)> {
    let hits = cache.map(CompileCache::hits);
    let started = Instant::now();
    let module = compile(engine, bytes).with_context(|| format!("{compiler} failed"))?;
    Ok((
        module,
        CompileInfo {
            compiler,
            took: started.elapsed(),
            cached: cache.map(CompileCache::hits) > hits,
            winch_refused: None,
            debug: false,
        },
    ))
}
