//! wasmtime's cache of compiled modules on disk: opening a big module a second time
//! loads its machine code instead of compiling it again (seconds to minutes for
//! 20–30 MB modules). The window and `run` use it; tests and benchmarks do not.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use wasmtime::{Cache, CacheConfig};

/// A compile cache in one folder.
#[derive(Clone, Debug)]
pub struct CompileCache {
    cache: Cache,
}

impl CompileCache {
    /// Uses (and creates) `dir`, which must be absolute.
    pub fn open(dir: &Path) -> Result<Self> {
        let mut config = CacheConfig::new();
        config.with_directory(dir);
        let cache = Cache::new(config)
            .map_err(anyhow::Error::from)
            .with_context(|| format!("cannot use {} as the compile cache", dir.display()))?;
        Ok(Self { cache })
    }

    /// Modules found in the cache so far (instead of compiled).
    pub fn hits(&self) -> usize {
        self.cache.cache_hits()
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        self.cache.directory()
    }

    /// The wasmtime cache, for an engine's configuration.
    pub(super) fn wasmtime(&self) -> Cache {
        self.cache.clone()
    }
}

/// Where the window and `run` cache compiled modules: `$WASMSCOPE_CACHE_DIR`, else
/// `$XDG_CACHE_HOME/wasmscope`, else `$HOME/.cache/wasmscope`.
pub fn default_cache_dir() -> Option<PathBuf> {
    let var = |name| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    var("WASMSCOPE_CACHE_DIR")
        .or_else(|| var("XDG_CACHE_HOME").map(|d| d.join("wasmscope")))
        .or_else(|| var("HOME").map(|d| d.join(".cache").join("wasmscope")))
        .filter(|dir| dir.is_absolute())
}
