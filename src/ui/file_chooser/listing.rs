//! One folder's entries for wasmscope's own file chooser: read once when the folder
//! is entered, then filtered by the request's extensions each frame.

use std::cmp::Ordering;
use std::ffi::OsString;
use std::path::{Component, Path, PathBuf};

use anyhow::{Context, Result};

/// One entry of a folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The name as the file system has it (joined to the folder when chosen).
    pub name: OsString,
    /// The name as shown (lossy for names that are not UTF-8).
    pub label: String,
    /// A folder (or a link to one).
    pub is_dir: bool,
    /// The file's size in bytes (0 for folders).
    pub size: u64,
}

impl Entry {
    /// Whether the name starts with a dot (hidden on Unix desktops).
    pub fn is_hidden(&self) -> bool {
        self.label.starts_with('.')
    }

    /// Whether the file's extension is one of `extensions` (any case).
    fn has_extension(&self, extensions: &[&str]) -> bool {
        Path::new(&self.name)
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| extensions.iter().any(|x| x.eq_ignore_ascii_case(e)))
    }
}

/// Reads `folder`'s entries: folders first, then files, each by name (ignoring case).
/// An entry that cannot be read is left out; a folder that cannot be read is an error.
pub fn list_folder(folder: &Path) -> Result<Vec<Entry>> {
    let read = std::fs::read_dir(folder)
        .with_context(|| format!("cannot read the folder {}", folder.display()))?;
    let mut entries: Vec<Entry> = read
        .filter_map(|entry| {
            let entry = entry.ok()?;
            // `metadata` follows links, so a link to a folder opens like a folder.
            let metadata = std::fs::metadata(entry.path()).ok()?;
            let name = entry.file_name();
            Some(Entry {
                label: name.to_string_lossy().into_owned(),
                name,
                is_dir: metadata.is_dir(),
                size: if metadata.is_dir() { 0 } else { metadata.len() },
            })
        })
        .collect();
    entries.sort_by(order);
    Ok(entries)
}

/// Folders before files, then by name ignoring case (then exactly, for a stable order).
fn order(a: &Entry, b: &Entry) -> Ordering {
    b.is_dir
        .cmp(&a.is_dir)
        .then_with(|| a.label.to_lowercase().cmp(&b.label.to_lowercase()))
        .then_with(|| a.label.cmp(&b.label))
}

/// The entries to show: every folder, and the files with one of `extensions` (all
/// when `extensions` is empty or `any_file`); hidden ones only with `any_file`.
pub fn visible<'a>(
    entries: &'a [Entry],
    extensions: &'a [&'a str],
    any_file: bool,
) -> impl Iterator<Item = &'a Entry> + 'a {
    entries.iter().filter(move |entry| {
        if any_file {
            return true;
        }
        !entry.is_hidden()
            && (entry.is_dir || extensions.is_empty() || entry.has_extension(extensions))
    })
}

/// `text` (typed in the chooser) as a path: `~` is the home folder, a relative path is
/// inside `folder` (an absolute one), and `..` goes up.
pub fn typed_path(folder: &Path, text: &str) -> PathBuf {
    let text = text.trim();
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let expanded = match (text.strip_prefix('~'), home) {
        (Some(rest), Some(home)) if rest.is_empty() || rest.starts_with('/') => {
            home.join(rest.trim_start_matches('/'))
        }
        _ => PathBuf::from(text),
    };
    normalize(&folder.join(expanded))
}

/// `path` without `.` and `..`, worked out on the text (`/a/b/..` is `/a`; `/..` is `/`).
pub fn normalize(path: &Path) -> PathBuf {
    let mut normal = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                normal.pop();
            }
            other => normal.push(other),
        }
    }
    normal
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_folder(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("wasmscope-listing-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn labels<'a>(entries: impl Iterator<Item = &'a Entry>) -> Vec<&'a str> {
        entries.map(|e| e.label.as_str()).collect()
    }

    #[test]
    fn folders_come_first_and_files_are_filtered_by_extension() {
        let dir = temp_folder("filter");
        for folder in ["zeta", "Alpha", ".cache"] {
            std::fs::create_dir(dir.join(folder)).unwrap();
        }
        for file in ["b.wasm", "A.WAT", "notes.txt", ".hidden.wasm", "c.wasm"] {
            std::fs::write(dir.join(file), b"1234").unwrap();
        }
        let entries = list_folder(&dir).unwrap();
        assert_eq!(
            labels(entries.iter()),
            [
                ".cache",
                "Alpha",
                "zeta",
                ".hidden.wasm",
                "A.WAT",
                "b.wasm",
                "c.wasm",
                "notes.txt"
            ]
        );
        assert!(entries[..3].iter().all(|e| e.is_dir && e.size == 0));
        assert!(entries[3..].iter().all(|e| !e.is_dir && e.size == 4));

        let modules = ["wasm", "wat", "wast"];
        assert_eq!(
            labels(visible(&entries, &modules, false)),
            ["Alpha", "zeta", "A.WAT", "b.wasm", "c.wasm"]
        );
        assert_eq!(labels(visible(&entries, &modules, true)).len(), 8);
        // No extensions asked for (Export as): every file that is not hidden.
        assert_eq!(
            labels(visible(&entries, &[], false)),
            ["Alpha", "zeta", "A.WAT", "b.wasm", "c.wasm", "notes.txt"]
        );
    }

    #[test]
    fn a_link_to_a_folder_is_a_folder() {
        let dir = temp_folder("link");
        std::fs::create_dir(dir.join("real")).unwrap();
        std::os::unix::fs::symlink(dir.join("real"), dir.join("link")).unwrap();
        // A dangling link cannot be opened: it is left out.
        std::os::unix::fs::symlink(dir.join("gone"), dir.join("dangling")).unwrap();
        let entries = list_folder(&dir).unwrap();
        assert_eq!(labels(entries.iter()), ["link", "real"]);
        assert!(entries.iter().all(|e| e.is_dir));
    }

    #[test]
    fn an_unreadable_folder_is_one_line_naming_it() {
        let err = list_folder(Path::new("/no/such/folder")).unwrap_err();
        let text = format!("{err:#}");
        assert!(
            text.starts_with("cannot read the folder /no/such/folder: "),
            "{text}"
        );
        assert!(!text.contains('\n'));
    }

    #[test]
    fn typed_paths_are_inside_the_folder_unless_absolute() {
        let folder = Path::new("/data/mods");
        assert_eq!(typed_path(folder, "a.wasm"), Path::new("/data/mods/a.wasm"));
        assert_eq!(typed_path(folder, " ../x "), Path::new("/data/x"));
        assert_eq!(typed_path(folder, "./a/../b"), Path::new("/data/mods/b"));
        assert_eq!(typed_path(folder, "/../.."), Path::new("/"));
        assert_eq!(typed_path(folder, "/tmp"), Path::new("/tmp"));
        if let Some(home) = std::env::var_os("HOME") {
            let home = PathBuf::from(home);
            assert_eq!(typed_path(folder, "~"), home);
            assert_eq!(typed_path(folder, "~/x.wasm"), home.join("x.wasm"));
        }
        assert_eq!(typed_path(folder, "~x"), Path::new("/data/mods/~x"));
    }
}
