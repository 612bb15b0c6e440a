//! DWARF: the C and Rust guests built with debug info map their writing instructions
//! to their own source lines, `inspect` describes their compile units and finds their
//! sources with `--source-dir`, and damaged DWARF never panics.
#![allow(clippy::unwrap_used)] // Tests may panic on the unexpected.

mod cli_support;

use cli_support::{asset, source_line, stdout, wasmscope};
use wasmscope::inspect::{Dwarf, write_sites};

fn bytes(name: &str) -> Vec<u8> {
    std::fs::read(asset(name)).unwrap()
}

#[test]
fn the_c_guests_stores_are_its_assignments_in_poly_c() {
    let binary = bytes("dwarf_c.wasm");
    let dwarf = Dwarf::parse(&binary).unwrap().expect("dwarf_c has DWARF");
    let units = &dwarf.summary().units;
    assert_eq!(units.len(), 1, "{units:?}");
    assert_eq!(units[0].name, "poly.c");
    assert_eq!(units[0].comp_dir.as_deref(), Some("/guests/dwarf_c"));
    assert_eq!(units[0].language.as_deref(), Some("C99"));
    assert_eq!(dwarf.summary().files, ["/guests/dwarf_c/poly.c"]);

    let sites = write_sites(&binary).unwrap();
    let upper: Vec<_> = sites
        .sites
        .values()
        .filter(|s| sites.func_name(s.func) == "upper")
        .collect();
    assert!(upper.len() >= 4, "{upper:?}");
    let mut lines = Vec::new();
    for site in upper {
        let location = dwarf.location_at(site.pc).expect("every store has a line");
        assert_eq!(location.file, "/guests/dwarf_c/poly.c");
        let text = source_line("dwarf_c/poly.c", location.line);
        // At -O0 each store is an assignment (or a local's initialisation, or i++),
        // or the prologue keeping the parameters on the stack (the function's line).
        assert!(
            text.contains('=') || text.contains("++") || text.starts_with("int upper("),
            "{location}: {text}"
        );
        assert_eq!(
            dwarf.frames_at(site.pc)[0].function.as_deref(),
            Some("upper")
        );
        lines.push(text.trim().to_owned());
    }
    // The byte written back, and the struct array's fields.
    for expected in ["s[i] = c;", "pts[i].x = (short)i;", "pts[i].y = c;"] {
        assert!(lines.iter().any(|l| l == expected), "{expected}: {lines:?}");
    }
    // Outside the code, and before it, nothing.
    assert_eq!(dwarf.location_at(0), None);
    assert!(dwarf.frames_at(u64::MAX).is_empty());
    // Line 31's code: each pc maps back to it; the store of `s[i] = c;` is among them.
    let pcs = dwarf.pcs_of_line("poly.c", 31);
    assert!(!pcs.is_empty());
    for &pc in &pcs {
        assert_eq!(dwarf.location_at(pc).unwrap().line, 31, "{pc:#x}");
    }
    let store = sites
        .sites
        .values()
        .find(|s| dwarf.location_at(s.pc).is_some_and(|l| l.line == 31))
        .unwrap();
    assert!(
        pcs.iter().any(|&pc| pc <= store.pc),
        "{pcs:x?} {:#x}",
        store.pc
    );
    assert_eq!(
        dwarf.pcs_of_line("dwarf_c/poly.c", 31),
        pcs,
        "a longer tail"
    );
    assert!(dwarf.pcs_of_line("poly.c", 2).is_empty(), "a comment");
    assert!(dwarf.pcs_of_line("other.c", 31).is_empty());
}

#[test]
fn the_rust_guests_own_code_maps_to_lib_rs() {
    let binary = bytes("dwarf_rust.wasm");
    let dwarf = Dwarf::parse(&binary)
        .unwrap()
        .expect("dwarf_rust has DWARF");
    let summary = dwarf.summary();
    assert!(
        summary
            .units
            .iter()
            .all(|u| u.language.as_deref() == Some("Rust")),
        "{:?}",
        summary.units
    );
    assert!(
        summary
            .units
            .iter()
            .any(|u| u.comp_dir.as_deref() == Some("/guests")),
        "{:?}",
        summary.units
    );
    assert!(
        summary
            .files
            .iter()
            .any(|f| f == "/guests/dwarf_rust/src/lib.rs")
    );
    assert!(summary.files.iter().any(|f| f.starts_with("/rustc/")));
    // A write in `push_number` (the guest's own code) is on one of its lines.
    let sites = write_sites(&binary).unwrap();
    let ours: Vec<_> = sites
        .sites
        .values()
        .filter_map(|s| dwarf.location_at(s.pc).map(|l| (s, l)))
        .filter(|(_, l)| l.file == "/guests/dwarf_rust/src/lib.rs")
        .collect();
    assert!(!ours.is_empty());
    let functions: Vec<String> = ours
        .iter()
        .filter_map(|(s, _)| dwarf.frames_at(s.pc).last()?.function.clone())
        .collect();
    assert!(
        functions.iter().any(|f| f == "dwarf_rust::push_number"),
        "{functions:?}"
    );
}

#[test]
fn a_module_without_dwarf_has_none() {
    assert!(Dwarf::parse(&bytes("append.wasm")).unwrap().is_none());
    let out = stdout(&wasmscope(&["inspect", &asset("append.wasm")]));
    assert!(
        out.contains("\nDWARF: none (build with debug info"),
        "{out}"
    );
}

#[test]
fn inspect_describes_the_dwarf_and_finds_sources_with_source_dir() {
    let module = asset("dwarf_c.wasm");
    let out = stdout(&wasmscope(&["inspect", &module]));
    assert!(out.contains("\nDWARF: 1 compile unit (C99)\n"), "{out}");
    assert!(out.contains("  producer: Debian clang version"), "{out}");
    assert!(out.contains("  unit: poly.c in /guests/dwarf_c\n"), "{out}");
    assert!(
        out.contains("  source files: 1; 0 found on disk\n"),
        "{out}"
    );
    let guests = format!("{}/guests", env!("CARGO_MANIFEST_DIR"));
    let out = stdout(&wasmscope(&["inspect", &module, "--source-dir", &guests]));
    assert!(
        out.contains("  source files: 1; 1 found on disk\n"),
        "{out}"
    );
    let json = stdout(&wasmscope(&[
        "inspect",
        &module,
        "--json",
        "--source-dir",
        &guests,
    ]));
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["dwarf"]["units"][0]["language"], "C99");
    assert_eq!(value["dwarf"]["files_found"], 1);
    let rust = stdout(&wasmscope(&["inspect", &asset("dwarf_rust.wasm")]));
    assert!(
        rust.contains("of them the Rust standard library's"),
        "{rust}"
    );
}

#[test]
fn damaged_dwarf_never_panics() {
    let mut checked = 0;
    for name in ["dwarf_c.wasm", "dwarf_rust.wasm"] {
        let binary = bytes(name);
        let sites = write_sites(&binary).unwrap();
        assert!(!sites.sites.is_empty());
        // Past the code: the custom sections, where DWARF lives.
        let code_end = *sites.sites.keys().max().unwrap() as usize;
        let step = ((binary.len() - code_end) / 150).max(1);
        for at in (code_end..binary.len()).step_by(step) {
            let mut damaged = binary.clone();
            damaged[at] ^= 0x5a;
            if let Ok(Some(dwarf)) = Dwarf::parse(&damaged) {
                for site in sites.sites.values().step_by(7) {
                    let _ = dwarf.location_at(site.pc);
                    let _ = dwarf.frames_at(site.pc);
                }
            }
            let _ = Dwarf::parse(&damaged[..at]);
            checked += 1;
        }
    }
    assert!(checked > 200, "{checked}");
}
