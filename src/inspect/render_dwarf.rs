//! What `inspect` prints about a module's DWARF: whether it has any, its compile
//! units (languages, producers, where each was compiled) and how many of the source
//! files its line tables name are on this disk.

use std::path::Path;

use serde::Serialize;

use super::dwarf::{Dwarf, DwarfSummary, find_source};

/// A module's DWARF as `inspect --json` shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DwarfReport {
    /// The compile units and source files.
    #[serde(flatten)]
    pub summary: DwarfSummary,
    /// How many of the source files were found on disk.
    pub files_found: usize,
}

impl DwarfReport {
    /// The report for `dwarf`, its files looked for as they are recorded and below
    /// `source_dir`.
    pub fn new(dwarf: &Dwarf, source_dir: Option<&Path>) -> Self {
        let summary = dwarf.summary().clone();
        let files_found = summary
            .files
            .iter()
            .filter(|f| find_source(f, source_dir).is_some())
            .count();
        Self {
            summary,
            files_found,
        }
    }
}

/// The Rust standard library's files: `/rustc/<commit>/library/…`.
pub fn is_rust_std(path: &str) -> bool {
    path.starts_with("/rustc/")
}

/// The DWARF lines of `inspect`'s text: `report` for a module with DWARF, `error` for
/// one whose DWARF cannot be read, a hint for one without.
pub fn render_dwarf(out: &mut String, report: Option<&DwarfReport>, error: Option<&str>) {
    out.push('\n');
    let Some(report) = report else {
        let text = match error {
            Some(error) => format!("DWARF: cannot be read: {error}\n"),
            None => "DWARF: none (build with debug info, e.g. `cargo build` in the debug \
                     profile or `clang -g`, for source lines)\n"
                .to_owned(),
        };
        out.push_str(&text);
        return;
    };
    let units = &report.summary.units;
    let std_units = units
        .iter()
        .filter(|u| u.comp_dir.as_deref().is_some_and(is_rust_std))
        .count();
    let mut languages: Vec<&str> = units.iter().filter_map(|u| u.language.as_deref()).collect();
    languages.sort_unstable();
    languages.dedup();
    let std_note = match std_units {
        0 => String::new(),
        n => format!(", {n} of them the Rust standard library's"),
    };
    out.push_str(&format!(
        "DWARF: {} ({}){std_note}\n",
        crate::text::count(units.len() as u64, "compile unit"),
        languages.join(", ")
    ));
    let mut producers: Vec<&str> = units.iter().filter_map(|u| u.producer.as_deref()).collect();
    producers.sort_unstable();
    producers.dedup();
    for producer in producers {
        out.push_str(&format!("  producer: {producer}\n"));
    }
    for unit in units
        .iter()
        .filter(|u| !u.comp_dir.as_deref().is_some_and(is_rust_std))
    {
        let folder = unit
            .comp_dir
            .as_deref()
            .map(|d| format!(" in {d}"))
            .unwrap_or_default();
        out.push_str(&format!("  unit: {}{folder}\n", unit.name));
    }
    let files = &report.summary.files;
    let std_files = files.iter().filter(|f| is_rust_std(f)).count();
    let std_files = match std_files {
        0 => String::new(),
        n => format!(", {n} of them the Rust standard library's"),
    };
    out.push_str(&format!(
        "  source files: {}{std_files}; {} found on disk\n",
        files.len(),
        report.files_found
    ));
}
