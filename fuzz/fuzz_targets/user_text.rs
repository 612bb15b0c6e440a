//! Every parser of text a user types: hex input, typed argument fields, goto
//! expressions, search needles. Errors are fine, panics are not.
#![no_main]

use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;
use wasmscope::engine::NumType;
use wasmscope::memory::{Endian, Needle, NumKind, parse_address, parse_hex};

fuzz_target!(|text: &str| {
    let _ = parse_hex(text);
    for ty in [NumType::I32, NumType::I64, NumType::F32, NumType::F64] {
        let _ = ty.parse(text);
    }
    let names = BTreeMap::from([
        ("ptr".to_owned(), 0x11_0008),
        ("__heap_base".to_owned(), u64::MAX - 1),
    ]);
    let _ = parse_address(text, &names);
    let _ = Needle::text(text);
    let _ = Needle::hex(text);
    for kind in NumKind::ALL {
        let _ = Needle::typed(kind, text, Endian::Little);
        let _ = Needle::typed(kind, text, Endian::Big);
    }
});
