//! The source a paused frame is at, when its module has DWARF line info: the file
//! (found from DWARF's path, else below the Source folder setting, else below the
//! module's folder and its parents), its lines, and the current one. A file that is
//! not found says which path was looked for; a Rust standard library path is named,
//! greyed, unless a folder holds it.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::inspect::{Dwarf, SourceLocation, find_source, is_rust_std};
use crate::ui::state::AppState;

/// Largest source file shown (a bigger one is named, not read).
const SOURCE_MAX_BYTES: u64 = 4 << 20;

/// Folders above the module's own searched for its sources.
const PARENT_FOLDERS: usize = 3;

/// The source line a frame is at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceView {
    /// Where, as DWARF says.
    pub location: SourceLocation,
    /// The file's lines, or why they are not shown.
    pub lines: Result<Arc<[String]>, String>,
}

/// A line of a source file, as DWARF names the file (a breakpoint, Run to line).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceLine {
    /// The file, as DWARF records it.
    pub file: String,
    /// From 1.
    pub line: u32,
}

impl AppState {
    /// Where the code of `at` is entered (none: no code is at that line). Walks the
    /// line tables once, when the line is clicked.
    pub(in crate::ui) fn pcs_of(&self, at: &SourceLine) -> Vec<u64> {
        let dwarf = self.doc.module().and_then(|m| m.dwarf.as_deref());
        dwarf
            .map(|d| d.pcs_of_line(&at.file, at.line))
            .unwrap_or_default()
    }

    /// The source at module offset `pc`, when DWARF's line tables cover it; the lines
    /// of `previous` are reused when it is the same file.
    pub(in crate::ui) fn source_at(
        &self,
        pc: u64,
        previous: Option<&SourceView>,
    ) -> Option<SourceView> {
        let module = self.doc.module()?;
        let dwarf: &Dwarf = module.dwarf.as_deref()?;
        let location = dwarf.shown_location_at(pc)?;
        if location.line == 0 {
            return None;
        }
        // The same file as at the pause before, read then.
        if let Some(previous) =
            previous.filter(|p| p.location.file == location.file && p.lines.is_ok())
        {
            return Some(SourceView {
                location,
                lines: previous.lines.clone(),
            });
        }
        let mut folders: Vec<PathBuf> = self.source_dir.iter().cloned().collect();
        if let Some(dir) = self.doc.path.as_deref().and_then(Path::parent) {
            folders.extend(
                dir.ancestors()
                    .take(PARENT_FOLDERS + 1)
                    .map(Path::to_path_buf),
            );
        }
        let lines = read_source(&location.file, &folders);
        Some(SourceView { location, lines })
    }
}

/// The lines of DWARF's `file`, found as it is or below one of `folders`.
fn read_source(file: &str, folders: &[PathBuf]) -> Result<Arc<[String]>, String> {
    let found = std::iter::once(None)
        .chain(folders.iter().map(|f| Some(f.as_path())))
        .find_map(|folder| find_source(file, folder));
    let Some(path) = found else {
        return Err(if is_rust_std(file) {
            format!(
                "{file} (the Rust standard library: Settings > Source folder can point at a toolchain's rust-src)"
            )
        } else {
            format!("source not found: looked for {file} (Settings > Source folder)")
        });
    };
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    if size > SOURCE_MAX_BYTES {
        return Err(format!(
            "{} is too large to show ({size} bytes)",
            path.display()
        ));
    }
    let text = std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Ok(String::from_utf8_lossy(&text)
        .lines()
        .map(str::to_owned)
        .collect())
}
