//! One-line, learner-readable errors for input that is not a valid core module.

use anyhow::{Error, anyhow};

/// The four magic bytes every WebAssembly binary starts with.
pub(crate) const MAGIC: &[u8; 4] = b"\0asm";

/// Checks the header before handing the bytes to wasmparser, so the most common
/// mistakes (empty file, not wasm at all, a component) get a sentence of their own.
pub(crate) fn check_header(bytes: &[u8]) -> anyhow::Result<()> {
    if bytes.is_empty() {
        return Err(anyhow!(
            "the file is empty (0 bytes): a WebAssembly module starts with the bytes \\0asm"
        ));
    }
    if !bytes.starts_with(MAGIC) {
        let shown: Vec<String> = bytes.iter().take(4).map(|b| format!("{b:02x}")).collect();
        let hint = if bytes.len() < 4 {
            format!("the file is only {} bytes long", bytes.len())
        } else {
            format!("it starts with {}", shown.join(" "))
        };
        return Err(anyhow!(
            "not a WebAssembly module (bad magic): expected the bytes 00 61 73 6d (\\0asm), but {hint}"
        ));
    }
    // Bytes 4..8: version 1 for core modules; a component has layer 1 in bytes 6..8.
    if let Some(layer) = bytes.get(6..8)
        && layer == [1, 0]
    {
        return Err(components_unsupported());
    }
    Ok(())
}

/// The error for component-model binaries.
pub(crate) fn components_unsupported() -> Error {
    anyhow!(
        "this is a WebAssembly component (component model), not a core module: \
         `wasmscope inspect` shows its WIT world and `wasmscope run COMPONENT --call NAME \
         --args …` calls it, but the window and sessions do not run components yet"
    )
}

/// Formats a wasmparser error with its byte offset, on one line.
pub(crate) fn binary_error(err: &wasmparser::BinaryReaderError, total_len: usize) -> Error {
    let offset = err.offset();
    let message = err
        .message()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if message.contains("unexpected end") {
        return anyhow!(
            "invalid module at byte offset 0x{offset:x}: {message} (the file may be truncated: it is {total_len} bytes long)"
        );
    }
    anyhow!("invalid module at byte offset 0x{offset:x}: {message}")
}
