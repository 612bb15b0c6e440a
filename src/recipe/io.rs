//! Session files on disk. In memory a recipe's module path is one this process can
//! open (absolute, or relative to the working folder); in the file it is relative to
//! the file's own folder, so a folder with a session and its module can be moved or
//! shared whole. Saving writes a temporary file beside the target and renames it, so
//! a crash never leaves half a session.

use std::io::Write;
use std::path::{Component, Path, PathBuf};

use anyhow::{Context, Result};

use super::{Recipe, RecipeError, parse, print};

/// Writes `recipe` to `path` atomically.
pub fn save(path: &Path, recipe: &Recipe) -> Result<()> {
    let folder = folder_of(path);
    let mut stored = recipe.clone();
    stored.module.path = relative_path(&recipe.module.path, &folder);
    let text = print(&stored)?;
    write_atomically(path, text.as_bytes())
        .with_context(|| format!("cannot save the session to {}", path.display()))
}

/// Reads the session file at `path`; its module path comes back usable from here.
pub fn load(path: &Path) -> Result<Recipe> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the session file {}", path.display()))?;
    let mut recipe = parse(&text).map_err(|err| located(path, err))?;
    if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty())
        && recipe.module.path.is_relative()
    {
        recipe.module.path = folder.join(&recipe.module.path);
    }
    Ok(recipe)
}

/// `err` prefixed with the file's name: `s.toml line 4: …`.
fn located(path: &Path, err: RecipeError) -> anyhow::Error {
    anyhow::anyhow!("{} {err}", path.display())
}

/// The line of the module's `path` in the session file's text, for messages about
/// the module.
pub fn module_path_line(text: &str) -> Option<usize> {
    let section = text.lines().position(|l| l.trim() == "[module]")?;
    text.lines()
        .enumerate()
        .skip(section)
        .find(|(_, l)| l.trim_start().starts_with("path"))
        .map(|(i, _)| i + 1)
}

/// A file's name for display (`append.wasm`), or the whole path without one.
pub fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// The folder a file is in (`.` for a bare file name).
fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// `target` as seen from `folder`: relative when the two share more than the root
/// (`../assets/append.wasm`), else absolute (a path relative to the working folder
/// would mean nothing beside the file); as given only when it cannot be made absolute.
pub fn relative_path(target: &Path, folder: &Path) -> PathBuf {
    // Canonical where the path exists, so `..` and symlinks cannot mislead the walk.
    let resolved = |p: &Path| std::fs::canonicalize(p).or_else(|_| std::path::absolute(p));
    let (Ok(target_abs), Ok(folder_abs)) = (resolved(target), resolved(folder)) else {
        return target.to_path_buf();
    };
    let target_parts: Vec<Component> = target_abs.components().collect();
    let folder_parts: Vec<Component> = folder_abs.components().collect();
    let common = target_parts
        .iter()
        .zip(&folder_parts)
        .take_while(|(a, b)| a == b)
        .count();
    // Only the root in common: an absolute path says more than a chain of `..`.
    if common <= 1 {
        return target_abs;
    }
    let mut relative = PathBuf::new();
    for part in &folder_parts[common..] {
        if !matches!(part, Component::CurDir) {
            relative.push("..");
        }
    }
    for part in &target_parts[common..] {
        relative.push(part);
    }
    relative
}

/// Writes `bytes` to a temporary file beside `path`, flushes it, and renames it over
/// `path`.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let name = path
        .file_name()
        .with_context(|| format!("{} is not a file name", path.display()))?;
    let mut temp_name = std::ffi::OsString::from(".");
    temp_name.push(name);
    temp_name.push(format!(".{}.tmp", std::process::id()));
    let temp = folder_of(path).join(temp_name);
    let written = (|| -> std::io::Result<()> {
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    Ok(written?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_paths_are_stored_relative_to_the_session() {
        let rel = |t: &str, f: &str| relative_path(Path::new(t), Path::new(f));
        assert_eq!(rel("/a/b/m.wasm", "/a/b"), PathBuf::from("m.wasm"));
        assert_eq!(rel("/a/b/m.wasm", "/a/c"), PathBuf::from("../b/m.wasm"));
        assert_eq!(rel("/x/m.wasm", "/a/c"), PathBuf::from("/x/m.wasm"));
        // A path relative to the working folder, saved far from it, becomes absolute.
        let here = std::env::current_dir().unwrap();
        assert_eq!(
            rel("assets/m.wasm", "/nowhere/near"),
            here.join("assets/m.wasm")
        );
        assert_eq!(
            module_path_line("version = 1\n\n[module]\npath = \"m.wasm\"\n"),
            Some(4)
        );
    }

    #[test]
    fn saving_replaces_the_file_whole_and_leaves_no_temporary() {
        let dir = std::env::temp_dir().join(format!("wasmscope-io-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("s.toml");
        std::fs::write(&path, "old").unwrap();
        write_atomically(&path, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        let leftovers: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers.len(), 1, "{leftovers:?}");
        assert!(write_atomically(&dir.join("no/such/dir/s.toml"), b"x").is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
