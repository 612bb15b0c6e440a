//! Files written on the worker thread (no I/O on the UI thread): sessions, and the
//! bytes the window saves.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::protocol::Event;
use crate::recipe::{self, Recipe};

/// Saves `session` to `path`; a module without a file of its own (`module`) is saved
/// beside it first. Returns where the module went, if it was written.
pub fn save_session(
    path: &Path,
    mut session: Recipe,
    module: Option<&[u8]>,
) -> Result<Option<PathBuf>> {
    let mut written = None;
    if let Some(bytes) = module {
        let stem = session
            .module
            .path
            .to_string_lossy()
            .split_whitespace()
            .next()
            .unwrap_or("module")
            .trim_end_matches(".wasm")
            .trim_end_matches(".wat")
            .to_owned();
        let folder = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), PathBuf::from);
        let mut target = folder.join(format!("{stem}.wasm"));
        let existing = std::fs::read(&target).ok();
        let same = existing.as_deref() == Some(bytes);
        if existing.is_some() && !same {
            // Another file of that name stays as it is.
            let hash = recipe::sha256_hex(bytes);
            target = folder.join(format!("{stem}-{}.wasm", &hash[..8]));
        }
        if std::fs::read(&target).ok().as_deref() != Some(bytes) {
            recipe::write_atomically(&target, bytes)
                .with_context(|| format!("cannot save the module to {}", target.display()))?;
        }
        session.module.path = target.clone();
        written = Some(target);
    }
    recipe::save(path, &session)?;
    Ok(written)
}

/// Writes `bytes` to `path` atomically; the event says it was written or why not.
pub fn write_file(path: PathBuf, bytes: &[u8], what: String) -> Event {
    let error = recipe::write_atomically(&path, bytes)
        .with_context(|| format!("cannot write {}", path.display()))
        .err()
        .map(|err| format!("{err:#}"));
    Event::FileWritten { path, what, error }
}
