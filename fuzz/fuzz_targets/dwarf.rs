//! Damaged DWARF never panics: the C guest's module with bytes of its `.debug_*`
//! sections (everything past the code) overwritten by the fuzzer's input, then every
//! lookup the window and `run --break` make, and the variables of a frame at every
//! few instructions (every local holding the fuzzer's bytes as a frame base, memory
//! made of them too). Errors are fine, panics are not.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wasmscope::inspect::{Dwarf, FrameState, Slot, VariableLimits};
use wasmscope::memory::Snapshot;

/// The committed C guest, built with `clang -g -O0`.
static MODULE: &[u8] = include_bytes!("../../assets/dwarf_c.wasm");

/// Where its code ends (its DWARF sections follow): the first custom section.
fn dwarf_start() -> usize {
    wasmparser::Parser::new(0)
        .parse_all(MODULE)
        .filter_map(Result::ok)
        .find_map(|payload| match payload {
            wasmparser::Payload::CustomSection(section) => Some(section.range().start),
            _ => None,
        })
        .unwrap_or(MODULE.len())
}

fuzz_target!(|data: &[u8]| {
    // The first four bytes say where the rest goes, past the code.
    let Some((at, bytes)) = data.split_first_chunk::<4>() else {
        return;
    };
    let start = dwarf_start();
    let span = MODULE.len() - start;
    let at = start + u32::from_le_bytes(*at) as usize % span.max(1);
    let mut damaged = MODULE.to_vec();
    let end = (at + bytes.len()).min(damaged.len());
    damaged[at..end].copy_from_slice(&bytes[..end - at]);
    let Ok(Some(dwarf)) = Dwarf::parse(&damaged) else {
        return;
    };
    let memory = Snapshot::capture(None, &bytes.repeat(64.min(1 + (1 << 16) / bytes.len().max(1))), 0);
    let base = bytes.first_chunk::<4>().map_or(0, |b| u32::from_le_bytes(*b));
    let locals = vec![Some(Slot { bits: u64::from(base), bytes: 4 }); 8];
    for pc in (0..start as u64).step_by(7) {
        let _ = dwarf.location_at(pc);
        let _ = dwarf.frames_at(pc);
        let frame = FrameState { pc, locals: &locals, stack: &locals, globals: &locals };
        let _ = dwarf.frame_variables(&frame, &memory, VariableLimits::default()).lines();
    }
    for file in dwarf.summary().files.clone() {
        let entries = dwarf.line_entries(&file);
        let _ = dwarf.pcs_of_line(&file, entries.keys().next().copied().unwrap_or(1));
    }
});
