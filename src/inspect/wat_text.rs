//! `function_wat`: the text format of one function, via wasmprinter.
//!
//! wasmprinter 0.254 prints whole modules only. To keep this fast on a 30 MB module, we
//! print a reduced copy: every other function body becomes `unreachable`, the data
//! and data-count sections and custom sections (except `name`) are dropped, and a `Print` sink keeps
//! only the lines whose binary offsets fall inside the chosen body.

use super::errors::{binary_error, check_header};
use anyhow::{Context, bail};
use std::ops::Range;
use wasmparser::{Parser, Payload, TypeRef, WasmFeatures};

/// Largest text returned; longer functions are cut at a line end with a note.
pub const MAX_WAT_BYTES: usize = 200 * 1024;

/// A body for a function we don't print: no locals, `unreachable`, `end`.
const STUB_BODY: [u8; 4] = [3, 0x00, 0x00, 0x0b];

/// The text format of function `func_index` (imports count first), e.g.
/// `(func $add (;1;) (type 0) (param i32 i32) (result i32) …)`.
///
/// Imported functions have no body and give an error; output is capped at
/// [`MAX_WAT_BYTES`] with a `;; …` note when cut.
pub fn function_wat(bytes: &[u8], func_index: u32) -> anyhow::Result<String> {
    Ok(finish(capture(bytes, func_index)?))
}

/// One line of a function's text, with the module offset (`pc`) of the instruction
/// it starts with, if it starts with one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeLine {
    /// Byte offset of the line's instruction in the original module.
    pub pc: Option<u64>,
    /// The text, indented.
    pub text: String,
}

/// Function `func_index` as lines of text, each with its instruction's offset in the
/// module, as a debugger's code view needs them (capped like [`function_wat`]).
pub fn function_code(bytes: &[u8], func_index: u32) -> anyhow::Result<Vec<CodeLine>> {
    let sink = capture(bytes, func_index)?;
    let text = finish_text(&sink);
    // Only instructions have a pc: not the header or the local declarations.
    let start = sink.original_start;
    let body = &bytes[start..start + sink.body.len()];
    let opcodes = opcode_offsets(body, start)?;
    let lines = text
        .lines()
        .zip(
            sink.line_offsets
                .iter()
                .copied()
                .chain(std::iter::repeat(None)),
        )
        .map(|(line, offset)| CodeLine {
            pc: offset
                .map(|o| (o - sink.body.start + start) as u64)
                .filter(|pc| opcodes.contains(pc)),
            text: line.to_owned(),
        })
        .collect();
    Ok(lines)
}

/// The module offsets of the instructions of the function body `body` (which starts
/// at module offset `start`).
fn opcode_offsets(body: &[u8], start: usize) -> anyhow::Result<std::collections::BTreeSet<u64>> {
    let body = wasmparser::FunctionBody::new(wasmparser::BinaryReader::new(body, start));
    let mut reader = body.get_operators_reader()?;
    let mut offsets = std::collections::BTreeSet::new();
    while !reader.eof() {
        let (_, offset) = reader.read_with_offset()?;
        offsets.insert(offset as u64);
    }
    Ok(offsets)
}

/// Prints function `func_index` into a `Capture`.
fn capture(bytes: &[u8], func_index: u32) -> anyhow::Result<Capture> {
    check_header(bytes)?;
    let reduced = reduce(bytes, func_index)?;
    let mut sink = Capture {
        body: reduced.body,
        original_start: reduced.original_start,
        inside: false,
        text: String::new(),
        line_offsets: Vec::new(),
        truncated: false,
    };
    wasmprinter::Config::new()
        .print(&reduced.bytes, &mut sink)
        .with_context(|| format!("could not print function {func_index} as text"))?;
    Ok(sink)
}

/// A reduced module and where the chosen body lies in it.
struct Reduced {
    bytes: Vec<u8>,
    body: Range<usize>,
    /// Where the body starts in the original module.
    original_start: usize,
}

/// Builds the reduced module described in the module docs.
fn reduce(bytes: &[u8], func_index: u32) -> anyhow::Result<Reduced> {
    let err = |e: wasmparser::BinaryReaderError| binary_error(&e, bytes.len());
    let mut parser = Parser::new(0);
    parser.set_features(WasmFeatures::default());
    let mut out = Vec::with_capacity(bytes.len().min(1 << 20));
    let mut imported: Vec<(String, String)> = Vec::new();
    let mut defined = 0u32;
    let mut code: Option<(Vec<u8>, u32)> = None;
    let mut body = None;
    let mut original_start = 0;
    for payload in parser.parse_all(bytes) {
        match payload.map_err(err)? {
            Payload::Version { range, .. } => out.extend_from_slice(&bytes[range]),
            Payload::ImportSection(reader) => {
                for import in reader.clone().into_imports() {
                    let import = import.map_err(err)?;
                    if matches!(import.ty, TypeRef::Func(_) | TypeRef::FuncExact(_)) {
                        imported.push((import.module.to_owned(), import.name.to_owned()));
                    }
                }
                push_section(&mut out, 2, &bytes[reader.range()]);
            }
            Payload::FunctionSection(reader) => {
                defined = reader.count();
                push_section(&mut out, 3, &bytes[reader.range()]);
            }
            Payload::CodeSectionStart { count, .. } => {
                check_index(func_index, &imported, defined)?;
                code = Some((leb(count), 0));
            }
            Payload::CodeSectionEntry(entry) => {
                let Some((buf, seen)) = code.as_mut() else {
                    bail!("code section entry outside a code section");
                };
                let range = entry.range();
                if imported.len() as u64 + u64::from(*seen) == u64::from(func_index) {
                    buf.extend_from_slice(&leb(range.len() as u32));
                    body = Some(buf.len()..buf.len() + range.len());
                    original_start = range.start;
                    buf.extend_from_slice(&bytes[range]);
                } else {
                    buf.extend_from_slice(&STUB_BODY);
                }
                *seen += 1;
                if *seen == defined {
                    let start = out.len() + 1 + leb(buf.len() as u32).len();
                    body = body.map(|b| b.start + start..b.end + start);
                    push_section(&mut out, 10, buf);
                    code = None;
                }
            }
            Payload::DataSection(_) | Payload::DataCountSection { .. } => {}
            Payload::CustomSection(c) if c.name() != "name" => {}
            other => {
                if let Some((id, range)) = other.as_section() {
                    push_section(&mut out, id, &bytes[range]);
                }
            }
        }
    }
    check_index(func_index, &imported, defined)?;
    let body = body.context("the code section ended before the function's body")?;
    Ok(Reduced {
        bytes: out,
        body,
        original_start,
    })
}

/// Errors for indices that have no body here.
fn check_index(func_index: u32, imported: &[(String, String)], defined: u32) -> anyhow::Result<()> {
    let total = imported.len() as u64 + u64::from(defined);
    if let Some((module, name)) = imported.get(func_index as usize) {
        bail!(
            "function {func_index} is imported ({module}.{name}), so this module has no body for it"
        );
    }
    if u64::from(func_index) >= total {
        bail!("there is no function {func_index}: the module has {total} functions");
    }
    Ok(())
}

/// Appends a section: id, LEB128 size, contents.
fn push_section(out: &mut Vec<u8>, id: u8, contents: &[u8]) {
    out.push(id);
    out.extend_from_slice(&leb(contents.len() as u32));
    out.extend_from_slice(contents);
}

/// Unsigned LEB128 encoding.
fn leb(mut value: u32) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(5);
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            bytes.push(byte);
            return bytes;
        }
        bytes.push(byte | 0x80);
    }
}

/// A `Print` sink that keeps only lines starting inside `body`, and each kept line's
/// binary offset.
struct Capture {
    body: Range<usize>,
    original_start: usize,
    inside: bool,
    text: String,
    line_offsets: Vec<Option<usize>>,
    truncated: bool,
}

impl wasmprinter::Print for Capture {
    fn write_str(&mut self, s: &str) -> std::io::Result<()> {
        if self.inside && !self.truncated {
            if self.text.len() + s.len() > MAX_WAT_BYTES {
                self.truncated = true;
            } else {
                self.text.push_str(s);
            }
        }
        Ok(())
    }

    fn start_line(&mut self, binary_offset: Option<usize>) {
        if let Some(offset) = binary_offset {
            self.inside = self.body.contains(&offset);
        }
        if self.inside && !self.truncated {
            // Lines are separated by a newline written before each one but the first.
            self.line_offsets
                .push(binary_offset.filter(|o| self.body.contains(o)));
        }
    }
}

/// Removes the module-level indent and adds the truncation note.
fn finish(sink: Capture) -> String {
    finish_text(&sink)
}

/// See [`finish`].
fn finish_text(sink: &Capture) -> String {
    // A cut may fall mid-line: keep whole lines only.
    let whole = match sink.text.rfind('\n') {
        Some(end) if sink.truncated => &sink.text[..end],
        _ => sink.text.as_str(),
    };
    let text = whole.trim_end();
    let indent_len = text.len() - text.trim_start_matches(' ').len();
    let mut out = String::with_capacity(text.len() + 64);
    for line in text.lines() {
        let cut = line.len() - line.trim_start_matches(' ').len();
        out.push_str(&line[cut.min(indent_len)..]);
        out.push('\n');
    }
    if sink.truncated {
        out.push_str(&format!(
            ";; … output cut at {} KiB; the function is longer\n",
            MAX_WAT_BYTES / 1024
        ));
    }
    out
}
