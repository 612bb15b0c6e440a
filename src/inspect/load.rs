//! Reading a module file: binary `.wasm` as is, WAT text through the `wat` crate.

use super::errors::MAGIC;
use anyhow::{Context, bail};
use std::path::Path;

/// Reads the module at `path` and returns its binary form.
///
/// Text is converted with the `wat` crate when the extension is `.wat`/`.wast`, or
/// when the content is not binary wasm but UTF-8 text that looks like WAT (starts with
/// `(` or a comment). Anything else is returned as is, so `inspect` can say what it is.
/// Errors name the path: missing file, a directory, an empty file, invalid WAT.
pub fn load_module_bytes(path: &Path) -> anyhow::Result<Vec<u8>> {
    let shown = path.display();
    let meta = std::fs::metadata(path).with_context(|| format!("cannot open {shown}"))?;
    if meta.is_dir() {
        bail!("{shown} is a directory, not a module file");
    }
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {shown}"))?;
    if bytes.is_empty() {
        bail!("{shown} is empty (0 bytes): a WebAssembly module starts with the bytes \\0asm");
    }
    if bytes.starts_with(MAGIC) {
        return Ok(bytes);
    }
    let text_extension = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("wat") || e.eq_ignore_ascii_case("wast"));
    if text_extension || std::str::from_utf8(&bytes).is_ok_and(looks_like_wat) {
        let binary = wat::Parser::new()
            .parse_bytes(Some(path), &bytes)
            .with_context(|| format!("{shown} is not valid WebAssembly text (WAT)"))?;
        return Ok(binary.into_owned());
    }
    Ok(bytes)
}

/// Converts module bytes of unknown origin (a dropped file, a buffer) to binary.
///
/// Binary wasm is returned as is; UTF-8 text that looks like WAT (starts with `(` or a
/// comment) is parsed with the `wat` crate and its error returned; anything else is
/// returned unchanged so that [`inspect`](super::inspect) can say what it is.
pub fn to_binary(bytes: &[u8]) -> anyhow::Result<Vec<u8>> {
    if bytes.starts_with(MAGIC) {
        return Ok(bytes.to_vec());
    }
    if std::str::from_utf8(bytes).is_ok_and(looks_like_wat) {
        let binary = wat::parse_bytes(bytes).context("not valid WebAssembly text (WAT)")?;
        return Ok(binary.into_owned());
    }
    Ok(bytes.to_vec())
}

/// Whether `text` begins (after whitespace and comments) like a WAT module.
fn looks_like_wat(text: &str) -> bool {
    let mut rest = text.trim_start_matches('\u{feff}').trim_start();
    loop {
        if let Some(after) = rest.strip_prefix(";;") {
            rest = after.split_once('\n').map_or("", |(_, r)| r).trim_start();
        } else if rest.starts_with("(;") {
            match rest.find(";)") {
                Some(end) => rest = rest[end + 2..].trim_start(),
                None => return false,
            }
        } else {
            return rest.starts_with('(');
        }
    }
}
