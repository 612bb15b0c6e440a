//! The module rewrite: every section is copied as it is, except that the trace
//! memory, the three trace globals, exports of the memory and of the end and drained
//! globals, one function type and the function that makes room in the trace memory
//! are appended to their sections (a section the module
//! lacks is added in its place), and every function body that writes memory is
//! rewritten (`emit`). DWARF sections are left out: their code offsets would be wrong.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Context, Result, bail, ensure};
use wasm_encoder::{ConstExpr, Encode, GlobalType, InstructionSink, MemoryType, ValType};
use wasmparser::{FunctionBody, Operator, Parser, Payload, TypeRef};

use super::emit::{Emitter, Scratch, Trace, grow_body};
use super::{RecordSite, Recording, TRACE_INITIAL_PAGES, TraceItems};
use crate::inspect::{WriteSites, write_op, write_sites};

/// Memories a module may have (wasmparser's and wasmtime's limit).
const MAX_MEMORIES: usize = 100;

/// What the rewrite needs to know of the module before it starts.
#[derive(Default)]
struct Survey {
    /// Parameters of each type (0 for types that are not functions).
    type_params: Vec<u32>,
    /// The type of each defined function.
    func_types: Vec<u32>,
    imported_funcs: u32,
    globals: u32,
    /// Whether each memory (imported ones first) is a memory64.
    memory64: Vec<bool>,
    /// Every memory's declared maximum, in pages.
    maxima: BTreeSet<u64>,
    exports: BTreeSet<String>,
}

impl Survey {
    fn of(bytes: &[u8]) -> Result<Self> {
        let mut survey = Self::default();
        let memory = |survey: &mut Self, ty: wasmparser::MemoryType| {
            survey.memory64.push(ty.memory64);
            survey.maxima.extend(ty.maximum);
        };
        for payload in Parser::new(0).parse_all(bytes) {
            match payload? {
                Payload::TypeSection(reader) => {
                    for group in reader {
                        for ty in group?.into_types() {
                            let params = match &ty.composite_type.inner {
                                wasmparser::CompositeInnerType::Func(f) => f.params().len(),
                                _ => 0,
                            };
                            survey.type_params.push(params as u32);
                        }
                    }
                }
                Payload::ImportSection(reader) => {
                    for import in reader.into_imports() {
                        match import?.ty {
                            TypeRef::Func(_) | TypeRef::FuncExact(_) => survey.imported_funcs += 1,
                            TypeRef::Global(_) => survey.globals += 1,
                            TypeRef::Memory(ty) => memory(&mut survey, ty),
                            _ => {}
                        }
                    }
                }
                Payload::FunctionSection(reader) => {
                    for ty in reader {
                        survey.func_types.push(ty?);
                    }
                }
                Payload::MemorySection(reader) => {
                    for ty in reader {
                        memory(&mut survey, ty?);
                    }
                }
                Payload::GlobalSection(reader) => survey.globals += reader.count(),
                Payload::ExportSection(reader) => {
                    for export in reader {
                        survey.exports.insert(export?.name.to_owned());
                    }
                }
                _ => {}
            }
        }
        Ok(survey)
    }

    /// `base`, or `base-2`, `base-3`… if the module exports that name already.
    fn free_name(&self, base: &str) -> String {
        let mut name = base.to_owned();
        let mut n = 2;
        while self.exports.contains(&name) {
            name = format!("{base}-{n}");
            n += 1;
        }
        name
    }

    fn types(&self) -> u32 {
        self.type_params.len() as u32
    }
}

/// A ULEB128 u32 at the start of `data`, and the bytes after it.
pub(super) fn leading_count(data: &[u8]) -> Result<(u32, &[u8])> {
    let mut value = 0u64;
    for (i, &byte) in data.iter().enumerate().take(5) {
        value |= u64::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            let count = u32::try_from(value).context("a section count past u32")?;
            return Ok((count, &data[i + 1..]));
        }
    }
    bail!("a section count is cut short")
}

/// Where a section goes among the others (its id's place in the binary format's
/// order); custom sections have none.
fn rank(id: u8) -> Option<u8> {
    const ORDER: [u8; 13] = [1, 2, 3, 4, 5, 13, 6, 7, 8, 9, 12, 10, 11];
    ORDER.iter().position(|&o| o == id).map(|p| p as u8)
}

const MEMORY: u8 = 5;
const GLOBAL: u8 = 6;
const EXPORT: u8 = 7;

/// Rewrites `bytes` (a module `inspect` accepted) so that it records its writes, or
/// `None` when no instruction of it writes memory (nothing to record). Fails with a
/// sentence when there is no room for what must be appended.
pub fn instrument(bytes: &[u8]) -> Result<Option<Recording>> {
    let found = write_sites(bytes)?;
    if found.sites.is_empty() {
        return Ok(None);
    }
    let survey = Survey::of(bytes).context("cannot read the module")?;
    ensure!(
        survey.memory64.len() < MAX_MEMORIES,
        "the module has {} memories, the most wasmtime allows, so there is no room for the \
         memory that records its writes",
        survey.memory64.len()
    );
    let trace_max_pages = (1..=65535u64)
        .rev()
        .find(|pages| !survey.maxima.contains(pages))
        .unwrap_or(65535);
    let defined_funcs = survey.func_types.len() as u32;
    let trace = Trace {
        memory: survey.memory64.len() as u32,
        end: survey.globals,
        limit: survey.globals + 1,
        drained: survey.globals + 2,
        grow: survey.imported_funcs + defined_funcs,
    };
    let sites = record_sites(&found, &survey.memory64);
    let names = [
        survey.free_name("wasmscope-trace-memory"),
        survey.free_name("wasmscope-trace-end"),
        survey.free_name("wasmscope-trace-drained"),
    ];
    let mut rewrite = Rewrite {
        bytes,
        survey: &survey,
        ids: sites.iter().zip(0u32..).map(|(s, id)| (s.pc, id)).collect(),
        sites: &sites,
        trace,
        trace_max_pages,
        names: &names,
        out: wasm_encoder::Module::new(),
        added: BTreeSet::new(),
        code: None,
    };
    rewrite.run()?;
    let instrumented = rewrite.out.finish();
    let instrumented_pcs = instrumented_pcs(&instrumented, &sites, trace.memory)?;
    let [trace_memory, trace_end, trace_drained] = names;
    Ok(Some(Recording {
        bytes: instrumented,
        sites: sites.into(),
        items: TraceItems {
            memory: trace.memory,
            end: trace.end,
            drained: trace.drained,
        },
        trace_memory,
        trace_end,
        trace_drained,
        trace_max_pages,
        instrumented_pcs,
    }))
}

/// The sites in record-id order (by pc).
fn record_sites(found: &WriteSites, memory64: &[bool]) -> Vec<RecordSite> {
    found
        .sites
        .values()
        .map(|site| RecordSite {
            pc: site.pc,
            place: found.place(site).into(),
            op: site.op,
            kind: site.kind,
            memory: site.memory,
            memory64: memory64.get(site.memory as usize).copied().unwrap_or(false),
        })
        .collect()
}

/// The code section being rewritten: its bodies so far, and how many are to come.
struct Code {
    bodies: Vec<Vec<u8>>,
    remaining: u32,
}

struct Rewrite<'a> {
    bytes: &'a [u8],
    survey: &'a Survey,
    /// Record ids by original pc.
    ids: BTreeMap<u64, u32>,
    sites: &'a [RecordSite],
    trace: Trace,
    trace_max_pages: u64,
    names: &'a [String; 3],
    out: wasm_encoder::Module,
    /// The sections (by id) that got their appended items.
    added: BTreeSet<u8>,
    code: Option<Code>,
}

impl Rewrite<'_> {
    fn run(&mut self) -> Result<()> {
        for payload in Parser::new(0).parse_all(self.bytes) {
            let payload = payload?;
            match &payload {
                Payload::Version { .. } | Payload::End(_) => continue,
                Payload::CodeSectionStart { count, .. } => {
                    self.before(10);
                    self.code = Some(Code {
                        bodies: Vec::new(),
                        remaining: *count,
                    });
                    self.code_done();
                    continue;
                }
                Payload::CodeSectionEntry(body) => {
                    let rewritten = self.body(body)?;
                    if let Some(code) = &mut self.code {
                        code.bodies.push(rewritten);
                        code.remaining = code.remaining.saturating_sub(1);
                    }
                    self.code_done();
                    continue;
                }
                Payload::CustomSection(section) if section.name().starts_with(".debug_") => {
                    continue;
                }
                _ => {}
            }
            let Some((id, range)) = payload.as_section() else {
                continue;
            };
            let data = &self.bytes[range];
            if rank(id).is_some() {
                self.before(id);
            }
            let appended = self.appended(id);
            if appended.is_empty() {
                self.raw(id, data.to_vec());
            } else {
                let (count, rest) = leading_count(data)?;
                let mut section = Vec::new();
                (count + appended.len() as u32).encode(&mut section);
                section.extend_from_slice(rest);
                for item in appended {
                    section.extend(item);
                }
                self.raw(id, section);
                self.added.insert(id);
            }
        }
        ensure!(
            self.code.is_none(),
            "the module's code section is cut short"
        );
        Ok(())
    }

    fn raw(&mut self, id: u8, data: Vec<u8>) {
        self.out
            .section(&wasm_encoder::RawSection { id, data: &data });
    }

    /// Adds the sections the module lacks that go before section `id`.
    fn before(&mut self, id: u8) {
        let Some(place) = rank(id) else { return };
        for missing in [MEMORY, GLOBAL, EXPORT] {
            if rank(missing).is_some_and(|r| r < place) && !self.added.contains(&missing) {
                let items = self.appended(missing);
                let mut section = Vec::new();
                (items.len() as u32).encode(&mut section);
                for item in items {
                    section.extend(item);
                }
                self.raw(missing, section);
                self.added.insert(missing);
            }
        }
    }

    /// The encoded items appended to section `id`.
    fn appended(&self, id: u8) -> Vec<Vec<u8>> {
        let encoded = |f: &dyn Fn(&mut Vec<u8>)| {
            let mut item = Vec::new();
            f(&mut item);
            item
        };
        match id {
            // (func (param i64)), for the function that makes room.
            1 => vec![vec![0x60, 1, 0x7e, 0]],
            3 => vec![encoded(&|s| self.survey.types().encode(s))],
            MEMORY => vec![encoded(&|s| {
                MemoryType {
                    minimum: TRACE_INITIAL_PAGES,
                    maximum: Some(self.trace_max_pages),
                    memory64: false,
                    shared: false,
                    page_size_log2: None,
                }
                .encode(s)
            })],
            GLOBAL => [
                ConstExpr::i64_const(0),
                ConstExpr::i32_const((TRACE_INITIAL_PAGES << 16) as i32),
                ConstExpr::i64_const(0),
            ]
            .into_iter()
            .zip([ValType::I64, ValType::I32, ValType::I64])
            .map(|(init, val_type)| {
                encoded(&|s| {
                    GlobalType {
                        val_type,
                        mutable: true,
                        shared: false,
                    }
                    .encode(s);
                    init.encode(s);
                })
            })
            .collect(),
            EXPORT => vec![
                encoded(&|s| {
                    self.names[0].as_str().encode(s);
                    s.push(0x02);
                    self.trace.memory.encode(s);
                }),
                encoded(&|s| {
                    self.names[1].as_str().encode(s);
                    s.push(0x03);
                    self.trace.end.encode(s);
                }),
                encoded(&|s| {
                    self.names[2].as_str().encode(s);
                    s.push(0x03);
                    self.trace.drained.encode(s);
                }),
            ],
            _ => Vec::new(),
        }
    }

    /// Writes the code section once its last body has been read.
    fn code_done(&mut self) {
        if self.code.as_ref().is_none_or(|c| c.remaining != 0) {
            return;
        }
        let Some(code) = self.code.take() else { return };
        let mut section = Vec::new();
        (code.bodies.len() as u32 + 1).encode(&mut section);
        for body in code.bodies.iter().chain([&grow_body(self.trace)]) {
            body.len().encode(&mut section);
            section.extend_from_slice(body);
        }
        self.raw(10, section);
    }

    /// One function body, its writing instructions instrumented.
    fn body(&self, body: &FunctionBody<'_>) -> Result<Vec<u8>> {
        let range = body.range();
        let index = self.code.as_ref().map_or(0, |c| c.bodies.len());
        let params = self
            .survey
            .func_types
            .get(index)
            .and_then(|ty| self.survey.type_params.get(*ty as usize))
            .copied()
            .unwrap_or(0);
        let mut declared = 0u32;
        for group in body.get_locals_reader()? {
            declared = declared.saturating_add(group?.0);
        }
        let mut ops = body.get_operators_reader()?;
        let ops_start = ops.original_position();
        let (groups, entries) = leading_count(&self.bytes[range.start..ops_start])?;
        let emitter = Emitter {
            trace: self.trace,
            memory64: &self.survey.memory64,
        };
        let mut scratch = Scratch::new(params + declared);
        let mut code = Vec::new();
        let writes = self
            .ids
            .range(range.start as u64..range.end as u64)
            .next()
            .is_some();
        if writes {
            emitter.reload(&mut InstructionSink::new(&mut code), &mut scratch);
        }
        let handlers = writes && catches(body)?;
        let mut copied_to = ops_start;
        while !ops.eof() {
            let (op, offset) = ops.read_with_offset()?;
            let end = ops.original_position();
            if let Some(id) = self.site_id(offset as u64) {
                code.extend_from_slice(&self.bytes[copied_to..offset]);
                let site = &self.sites[id as usize];
                emitter.write(
                    &mut code,
                    &mut scratch,
                    &op,
                    &self.bytes[offset..end],
                    id,
                    site,
                )?;
                copied_to = end;
            } else if writes && moves_the_end(&op, handlers) && !ops.eof() {
                code.extend_from_slice(&self.bytes[copied_to..end]);
                emitter.reload(&mut InstructionSink::new(&mut code), &mut scratch);
                copied_to = end;
            }
        }
        code.extend_from_slice(&self.bytes[copied_to..range.end]);
        let added = scratch.added();
        let mut out = Vec::new();
        (groups + added.len() as u32).encode(&mut out);
        out.extend_from_slice(entries);
        for ty in added {
            1u32.encode(&mut out);
            ty.encode(&mut out);
        }
        out.extend(code);
        Ok(out)
    }

    fn site_id(&self, pc: u64) -> Option<u32> {
        self.ids.get(&pc).copied()
    }
}

/// Whether a function catches exceptions (legacy `try` or `try_table`).
fn catches(body: &FunctionBody<'_>) -> Result<bool> {
    let mut ops = body.get_operators_reader()?;
    while !ops.eof() {
        if matches!(
            ops.read()?,
            Operator::Try { .. } | Operator::TryTable { .. }
        ) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Whether the trace's end may have moved once `op` is done, so a writing function
/// loads it again: after a call (the callee may have recorded), and, in a function that
/// catches (`handlers`), wherever a caught exception may land — a handler's start, a
/// block's end, a loop's start.
fn moves_the_end(op: &Operator<'_>, handlers: bool) -> bool {
    use Operator as O;
    match op {
        O::Call { .. } | O::CallIndirect { .. } | O::CallRef { .. } => true,
        O::Catch { .. } | O::CatchAll | O::End | O::Loop { .. } => handlers,
        _ => false,
    }
}

/// Where each original writing instruction landed in `instrumented`, to its record id:
/// the writes there, in order, leaving out what the recorder added (writes to the
/// trace memory and the last function, which grows it).
fn instrumented_pcs(
    instrumented: &[u8],
    sites: &[RecordSite],
    trace_memory: u32,
) -> Result<BTreeMap<u64, u32>> {
    let mut bodies = Vec::new();
    for payload in Parser::new(0).parse_all(instrumented) {
        if let Payload::CodeSectionEntry(body) = payload? {
            bodies.push(body);
        }
    }
    bodies.pop();
    let mut pcs = Vec::new();
    for body in bodies {
        let mut ops = body.get_operators_reader()?;
        while !ops.eof() {
            let (op, offset) = ops.read_with_offset()?;
            let ours = match op {
                Operator::MemoryCopy { dst_mem, .. } => dst_mem == trace_memory,
                _ => write_op(&op).is_some_and(|w| w.memory == trace_memory),
            };
            if write_op(&op).is_some() && !ours {
                pcs.push(offset as u64);
            }
        }
    }
    ensure!(
        pcs.len() == sites.len(),
        "the instrumented module has {} writing instructions where the module has {}",
        pcs.len(),
        sites.len()
    );
    Ok(pcs.into_iter().zip(0u32..).collect())
}
