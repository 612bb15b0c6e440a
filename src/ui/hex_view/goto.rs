//! What the Go to field accepts: a guest offset, a host address, or an expression over
//! names (`ptr+0x10`, `__heap_base`, `__data_end`, `__stack_pointer`).

use std::collections::BTreeMap;

use anyhow::{Result, bail};

use crate::memory::parse_address;
use crate::ui::state::AppState;

/// Resolves the Go to text to a guest offset inside memory. Values at or above the
/// host base are host addresses.
pub fn resolve(text: &str, state: &AppState) -> Result<u64> {
    let value = parse_address(text, &names(state))?;
    let len = state.snapshot().len_bytes();
    let base = state.host_base();
    let offset = if base != 0 && value >= base && value - base < len {
        value - base
    } else {
        value
    };
    if offset >= len {
        bail!("{offset:#x} is past the end of memory ({len:#x} bytes)");
    }
    Ok(offset)
}

/// The names an expression may use: the walkthrough's `ptr`, every exported global's
/// current value, and the initial value of the module's other named globals.
fn names(state: &AppState) -> BTreeMap<String, u64> {
    let mut names = BTreeMap::new();
    if let Some(module) = state.doc.module() {
        for global in &module.info.globals {
            let init = global.init.as_ref().and_then(|v| v.as_u64());
            if let (Some(name), Some(init)) = (&global.name, init) {
                names.insert(name.clone(), init);
            }
        }
    }
    for global in &state.doc.instance.globals {
        if let Some(value) = global.value.and_then(|v| v.as_u64()) {
            names.insert(global.name.clone(), value);
        }
    }
    if let Some(ptr) = state.doc.walk.ptr {
        names.insert("ptr".to_owned(), ptr);
    }
    names
}
