//! DWARF in a module's custom sections (`.debug_info`, `.debug_line`, …), as `cargo
//! build` in the debug profile, `clang -g` and emscripten's `-g` leave it: the compile
//! units, and for any instruction its source location (with the inlined frames around
//! it). A DWARF address is an offset from the start of the Code section's payload;
//! everything here takes and gives *module* offsets, as `write_sites` and the
//! debugger do.
//!
//! gimli reads the sections, addr2line the line tables and inlined frames. Damaged
//! DWARF is an error or a missing answer, never a panic.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use anyhow::{Context as _, Result};
use gimli::{EndianArcSlice, LittleEndian, Reader as _};
use serde::Serialize;

use super::variables::{FrameState, FrameVariables, Limits, Node, ReadMemory, TypeRef, Variables};

/// The reader over section bytes the DWARF owns.
type Reader = EndianArcSlice<LittleEndian>;

/// A module's DWARF, ready for lookups.
pub struct Dwarf {
    /// Behind a lock because addr2line fills its tables lazily (so a `Dwarf` can be
    /// shared with the window once read on the compile thread).
    lines: Mutex<addr2line::Context<Reader>>,
    /// Module offset of the Code section's payload: DWARF address 0.
    code_start: u64,
    summary: DwarfSummary,
    /// `line_entries` of the files asked for so far (each is a walk over every row).
    entries: Mutex<HashMap<String, Arc<LineEntries>>>,
    /// Variables and types (`.debug_info` read by a reader of its own).
    variables: Variables,
}

/// Where each line of a file that has code is entered (module offsets), by line.
pub type LineEntries = BTreeMap<u32, Vec<u64>>;

/// What `inspect` says about a module's DWARF.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DwarfSummary {
    /// The compile units, in order.
    pub units: Vec<CompileUnit>,
    /// Every source file the line tables name (full paths as recorded), sorted.
    pub files: Vec<String>,
}

/// One compile unit: a source file and what compiled it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CompileUnit {
    /// Its name (the main source file, as the compiler was given it).
    pub name: String,
    /// The folder it was compiled in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comp_dir: Option<String>,
    /// `clang LLVM (rustc version 1.95.0 …)`, `Debian clang version 14.0.6`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub producer: Option<String>,
    /// `Rust`, `C99`, `C11`, …
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
}

/// A place in the source.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SourceLocation {
    /// The file, as DWARF records it (its compile folder joined in).
    pub file: String,
    /// The line, from 1 (0: none recorded).
    pub line: u32,
    /// The column, from 1 (0: the whole line).
    pub column: u32,
}

impl std::fmt::Display for SourceLocation {
    /// `poly.c:17:14` (the file's name only; [`SourceLocation::file`] has the path).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = Path::new(&self.file)
            .file_name()
            .map_or_else(|| self.file.clone(), |n| n.to_string_lossy().into_owned());
        match (self.line, self.column) {
            (0, _) => write!(f, "{name}"),
            (line, 0) => write!(f, "{name}:{line}"),
            (line, column) => write!(f, "{name}:{line}:{column}"),
        }
    }
}

/// One frame at an instruction: the function (an inlined one, or the function the
/// code is in) and where in the source it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SourceFrame {
    /// The function, Rust names demangled without their hash (`dwarf_rust::summarize`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub function: Option<String>,
    /// Where.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<SourceLocation>,
}

impl std::fmt::Debug for Dwarf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dwarf")
            .field("code_start", &self.code_start)
            .field("units", &self.summary.units.len())
            .field("files", &self.summary.files.len())
            .finish_non_exhaustive()
    }
}

impl Dwarf {
    /// The DWARF of the module in `binary`, or `None` when it has none (no
    /// `.debug_info`). DWARF that cannot be read is an error that says so.
    pub fn parse(binary: &[u8]) -> Result<Option<Self>> {
        let sections = Sections::read(binary)?;
        if !sections.has_debug_info {
            return Ok(None);
        }
        let load = || gimli::Dwarf::load(|id| -> Result<Reader> { Ok(sections.get(id.name())) });
        let dwarf = load()?;
        let variables = Variables::new(load()?, sections.code_start);
        let summary = summarize(&dwarf).context("cannot read the DWARF compile units")?;
        let lines = addr2line::Context::from_dwarf(dwarf)
            .map_err(|err| anyhow::anyhow!("cannot read the DWARF line tables: {err}"))?;
        let mut found = Self {
            lines: Mutex::new(lines),
            code_start: sections.code_start,
            summary,
            entries: Mutex::new(HashMap::new()),
            variables,
        };
        found.summary.files = found.files();
        Ok(Some(found))
    }

    /// The compile units and source files.
    pub fn summary(&self) -> &DwarfSummary {
        &self.summary
    }

    /// The source location of the instruction at module offset `pc`, if the line
    /// tables cover it.
    pub fn location_at(&self, pc: u64) -> Option<SourceLocation> {
        let address = pc.checked_sub(self.code_start)?;
        let lines = self.lines();
        let location = lines.find_location(address).ok()??;
        convert(&location)
    }

    /// The source location to show for the instruction at `pc`: the innermost frame's
    /// (an inlined function's), unless that is the Rust standard library's (code of
    /// `ptr::add` or `copy_from_slice` inlined into yours), then the first frame out
    /// from it that is not — your line that called it.
    pub fn shown_location_at(&self, pc: u64) -> Option<SourceLocation> {
        let mut locations = self.locations_at(pc).into_iter();
        let innermost = locations.next()?;
        if !super::is_rust_std(&innermost.file) {
            return Some(innermost);
        }
        Some(
            locations
                .find(|l| !super::is_rust_std(&l.file))
                .unwrap_or(innermost),
        )
    }

    /// The line of the function the instruction at `pc` is in (its outermost frame:
    /// inlined code counts as the line that called it), as stepping by line sees it.
    pub fn function_line_at(&self, pc: u64) -> Option<SourceLocation> {
        self.locations_at(pc).pop()
    }

    /// `write`'s trace line (`TracedWrite::line`), ending with its source location when
    /// the line tables cover its instruction: `… <- 47 upper.c:12:14`.
    pub fn write_line(dwarf: Option<&Self>, write: &crate::memory::TracedWrite) -> String {
        match dwarf.and_then(|d| d.location_at(write.pc)) {
            Some(location) => format!("{} {location}", write.line()),
            None => write.line(),
        }
    }

    /// The frames at the instruction at module offset `pc`, innermost first: the
    /// inlined functions, then the function the code is in. Empty when DWARF does not
    /// cover it.
    pub fn frames_at(&self, pc: u64) -> Vec<SourceFrame> {
        self.walk_frames(pc, |frame| SourceFrame {
            // Demangled as write_sites names functions (`dwarf_rust::summarize`).
            function: frame
                .function
                .as_ref()
                .and_then(|f| f.raw_name().ok())
                .map(|name| format!("{:#}", rustc_demangle::demangle(&name))),
            location: frame.location.as_ref().and_then(convert),
        })
    }

    /// The frames' source locations at `pc`, innermost first, without their names
    /// (what a single step asks: no demangling per instruction).
    fn locations_at(&self, pc: u64) -> Vec<SourceLocation> {
        let locations = self.walk_frames(pc, |frame| frame.location.as_ref().and_then(convert));
        locations.into_iter().flatten().collect()
    }

    /// `each` of the frames at module offset `pc`, innermost first.
    fn walk_frames<T>(
        &self,
        pc: u64,
        mut each: impl FnMut(&addr2line::Frame<'_, Reader>) -> T,
    ) -> Vec<T> {
        let Some(address) = pc.checked_sub(self.code_start) else {
            return Vec::new();
        };
        let lines = self.lines();
        let Ok(mut frames) = lines.find_frames(address).skip_all_loads() else {
            return Vec::new();
        };
        let mut found = Vec::new();
        // A bound: damaged DWARF could describe an endless chain.
        while found.len() < 64 {
            let Ok(Some(frame)) = frames.next() else {
                break;
            };
            found.push(each(&frame));
        }
        found
    }

    /// The module offsets where the code of line `line` of `file` (a path, or its last
    /// components: `poly.c`, `src/lib.rs`) is entered: the first instruction of each
    /// run of that line's instructions, where a breakpoint on the line goes (once per
    /// arrival, whatever the columns). Empty when no code is at that line.
    pub fn pcs_of_line(&self, file: &str, line: u32) -> Vec<u64> {
        self.line_entries(file)
            .get(&line)
            .cloned()
            .unwrap_or_default()
    }

    /// [`Dwarf::pcs_of_line`] for every line of `file` that has code: one pass over
    /// the line tables the first time a file is asked for, remembered after.
    pub fn line_entries(&self, file: &str) -> Arc<LineEntries> {
        let mut entries = self
            .entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(found) = entries.get(file) {
            return found.clone();
        }
        let found = Arc::new(self.walk_line_entries(file));
        entries.insert(file.to_owned(), found.clone());
        found
    }

    fn walk_line_entries(&self, file: &str) -> LineEntries {
        let wanted = Path::new(file);
        let lines = self.lines();
        let Ok(rows) = lines.find_location_range(0, u64::MAX) else {
            return BTreeMap::new();
        };
        // Rows name their file from the unit's table: the same `&str` row after row, so
        // the last answer is kept (a path comparison per row would dominate).
        let mut last: Option<(&str, bool)> = None;
        let mut rows: Vec<(u64, u64, Option<u32>)> = rows
            .map(|(address, len, location)| {
                let file_matches = location.file.is_some_and(|f| match last {
                    Some((seen, matches)) if std::ptr::eq(seen, f) => matches,
                    _ => {
                        let matches = Path::new(f).ends_with(wanted);
                        last = Some((f, matches));
                        matches
                    }
                });
                (address, len, location.line.filter(|_| file_matches))
            })
            .collect();
        if !rows.is_sorted_by_key(|&(address, _, _)| address) {
            rows.sort_unstable_by_key(|&(address, _, _)| address);
        }
        let mut entries: BTreeMap<u32, Vec<u64>> = BTreeMap::new();
        let mut previous: Option<(u64, Option<u32>)> = None;
        for (address, len, line) in rows {
            // A row of the line right after another of it (same run) is no entry.
            let continues = previous.is_some_and(|(end, was)| was == line && end == address);
            if let Some(line) = line.filter(|&l| l > 0 && !continues) {
                entries
                    .entry(line)
                    .or_default()
                    .push(address + self.code_start);
            }
            previous = Some((address + len, line));
        }
        entries
    }

    /// The variables in scope at `frame`'s instruction (parameters, locals, the
    /// compile unit's statics) with their types and values in `memory`.
    pub fn frame_variables(
        &self,
        frame: &FrameState<'_>,
        memory: &dyn ReadMemory,
        limits: Limits,
    ) -> FrameVariables {
        self.variables.frame(frame, memory, limits)
    }

    /// The value at guest address `at` seen as type `ty` (a pointer followed).
    pub fn value_at(&self, ty: TypeRef, at: u64, name: &str, memory: &dyn ReadMemory) -> Node {
        self.variables
            .value_at(ty, at, name, memory, Limits::default())
    }

    /// The line tables (a lookup that panicked elsewhere left them as they were).
    fn lines(&self) -> MutexGuard<'_, addr2line::Context<Reader>> {
        self.lines
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Every file the line tables name, sorted.
    fn files(&self) -> Vec<String> {
        let mut files = BTreeSet::new();
        let lines = self.lines();
        if let Ok(rows) = lines.find_location_range(0, u64::MAX) {
            for (_, _, location) in rows {
                if let Some(file) = location.file {
                    files.insert(file.to_owned());
                }
            }
        }
        files.into_iter().collect()
    }
}

/// An addr2line location as ours (`None` without a file).
fn convert(location: &addr2line::Location<'_>) -> Option<SourceLocation> {
    Some(SourceLocation {
        file: location.file?.to_owned(),
        line: location.line.unwrap_or(0),
        column: location.column.unwrap_or(0),
    })
}

/// The compile units of `dwarf`.
fn summarize(dwarf: &gimli::Dwarf<Reader>) -> Result<DwarfSummary> {
    let mut units = Vec::new();
    let mut headers = dwarf.units();
    while let Some(header) = headers.next()? {
        let unit = dwarf.unit(header)?;
        let text = |value: Option<Reader>| -> Option<String> {
            value.and_then(|r| r.to_string_lossy().ok().map(|s| s.into_owned()))
        };
        let mut entries = unit.entries();
        let producer = match entries.next_dfs()? {
            Some(root) => root
                .attr_value(gimli::DW_AT_producer)
                .and_then(|v| dwarf.attr_string(&unit, v).ok()),
            None => None,
        };
        units.push(CompileUnit {
            name: text(unit.name.clone()).unwrap_or_default(),
            comp_dir: text(unit.comp_dir.clone()),
            producer: text(producer),
            language: language(&unit),
        });
    }
    Ok(DwarfSummary {
        units,
        files: Vec::new(),
    })
}

/// `Rust`, `C99` (DWARF's `DW_LANG_Rust`, without the prefix).
fn language(unit: &gimli::Unit<Reader>) -> Option<String> {
    let mut entries = unit.entries();
    let root = entries.next_dfs().ok()??;
    let gimli::AttributeValue::Language(lang) = root.attr_value(gimli::DW_AT_language)? else {
        return None;
    };
    let name = lang.static_string()?;
    Some(name.trim_start_matches("DW_LANG_").to_owned())
}

/// The custom sections DWARF lives in, and where the Code section's payload starts.
struct Sections {
    found: Vec<(String, Arc<[u8]>)>,
    code_start: u64,
    has_debug_info: bool,
}

impl Sections {
    fn read(binary: &[u8]) -> Result<Self> {
        let mut found = Vec::new();
        let mut code_start = 0;
        for payload in wasmparser::Parser::new(0).parse_all(binary) {
            match payload.context("the module cannot be read for its DWARF")? {
                wasmparser::Payload::CodeSectionStart { range, .. } => {
                    code_start = range.start as u64;
                }
                wasmparser::Payload::CustomSection(section)
                    if section.name().starts_with(".debug_") =>
                {
                    found.push((section.name().to_owned(), Arc::from(section.data())));
                }
                _ => {}
            }
        }
        let has_debug_info = found.iter().any(|(name, _)| name == ".debug_info");
        Ok(Self {
            found,
            code_start,
            has_debug_info,
        })
    }

    /// The section named `name`, empty when the module has none.
    fn get(&self, name: &str) -> Reader {
        let bytes = self
            .found
            .iter()
            .find(|(n, _)| n == name)
            .map_or_else(|| Arc::from(&[][..]), |(_, bytes)| bytes.clone());
        EndianArcSlice::new(bytes, LittleEndian)
    }
}

/// Where a DWARF path is on this machine: itself, or below `source_dir` (its path
/// with the part DWARF shares with the build folder dropped, then shorter and
/// shorter tails of it, the first that exists).
pub fn find_source(file: &str, source_dir: Option<&Path>) -> Option<PathBuf> {
    let path = Path::new(file);
    if path.is_file() {
        return Some(path.to_path_buf());
    }
    let dir = source_dir?;
    let parts: Vec<_> = path.components().collect();
    (0..parts.len()).find_map(|skip| {
        let tail: PathBuf = parts[skip..].iter().collect();
        let candidate = dir.join(tail.strip_prefix("/").unwrap_or(&tail));
        candidate.is_file().then_some(candidate)
    })
}
