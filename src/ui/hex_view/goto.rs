//! What the Go to field accepts: a guest offset, a host address, or a name.

use anyhow::{Result, bail};

use crate::engine::NumType;
use crate::ui::state::AppState;

/// Resolves the Go to text to a guest offset inside memory. Numbers at or above the
/// host base are host addresses; names are exported globals or `ptr` (the
/// walkthrough's pointer).
pub fn resolve(text: &str, state: &AppState) -> Result<u64> {
    let text = text.trim();
    let len = state.snapshot.len_bytes();
    let value = match NumType::I64.parse(text).ok().and_then(|v| v.as_u64()) {
        Some(number) => number,
        None => match lookup(state, text) {
            Some(value) => value,
            None => bail!(
                "`{text}` is not a number or a known name ({})",
                names(state)
            ),
        },
    };
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

fn lookup(state: &AppState, name: &str) -> Option<u64> {
    if name == "ptr" {
        return state.walk.ptr;
    }
    state
        .globals
        .iter()
        .find(|g| g.name == name)
        .and_then(|g| g.value)
        .and_then(|v| v.as_u64())
}

fn names(state: &AppState) -> String {
    let mut names: Vec<&str> = state.walk.ptr.map(|_| "ptr").into_iter().collect();
    names.extend(state.globals.iter().map(|g| g.name.as_str()));
    if names.is_empty() {
        "no names yet".to_owned()
    } else {
        format!("known: {}", names.join(", "))
    }
}
