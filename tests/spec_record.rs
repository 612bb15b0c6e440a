//! The WebAssembly spec testsuite's scripts that write memory (a sample in
//! `tests/spec/`, Apache-2.0, from github.com/WebAssembly/testsuite), run twice: each
//! module as it is, and as the recorder instruments it. Every call a script makes
//! returns the same values (or traps alike) and leaves the same memory both ways, and
//! the recorded one lists its writes. `WASMSCOPE_SPEC_DIR=DIR cargo test --test
//! spec_record` runs every `.wast` in DIR (a checkout of the testsuite) instead.
#![allow(clippy::unwrap_used)] // Tests may panic on the unexpected.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use std::sync::Arc;

use wasmscope::engine::{CallReplay, HostConfig, Limits, Session, StopHandle, Value, new_engine};
use wasmscope::inspect::{ExportKind, ModuleInfo, inspect};
use wasmscope::memory::Segments;
use wast::core::WastArgCore;
use wast::parser::{self, ParseBuffer};
use wast::{QuoteWat, Wast, WastArg, WastDirective, WastExecute, WastInvoke, Wat};

/// One module, both ways.
struct Pair {
    plain: Session,
    recorded: Session,
    /// The index of the memory a session shows (see `shown_memory`).
    memory: u32,
    /// The module's data segments, for replaying `memory.init`.
    segments: Segments,
}

/// The index of the memory a session shows: the export `memory`, else the first
/// memory exported, else the memory it imports; none (`u32::MAX`: no write replays
/// onto it) when it exports and imports none.
fn shown_memory(info: &ModuleInfo) -> u32 {
    let memories = || info.exports.iter().filter(|e| e.kind == ExportKind::Memory);
    let imported = info
        .memories
        .first()
        .filter(|m| m.imported)
        .map(|m| m.index);
    memories()
        .find(|e| e.name == "memory")
        .or_else(|| memories().next())
        .map(|e| e.index)
        .or(imported)
        .unwrap_or(u32::MAX)
}

/// What a script exercised.
#[derive(Debug, Default)]
struct Counts {
    /// Modules instantiated both ways.
    modules: usize,
    /// Modules skipped: they import (`spectest`, another script module) or fail to
    /// instantiate as they are.
    skipped: usize,
    /// Calls that returned on both.
    returned: usize,
    /// Calls that trapped on both.
    trapped: usize,
    /// Writes the recorded calls listed.
    writes: usize,
    /// Scripts the parser could not read (a proposal it does not know yet).
    unparsed: usize,
}

fn stop() -> StopHandle {
    StopHandle::new(new_engine().unwrap())
}

/// The module's `$name`, if any.
fn module_name(quote: &QuoteWat<'_>) -> Option<String> {
    match quote {
        QuoteWat::Wat(Wat::Module(module)) => module.id.map(|id| id.name().to_owned()),
        _ => None,
    }
}

/// The invocation's arguments, when they are all numbers.
fn args(invoke: &WastInvoke<'_>) -> Option<Vec<Value>> {
    invoke
        .args
        .iter()
        .map(|arg| match arg {
            WastArg::Core(WastArgCore::I32(v)) => Some(Value::I32(*v)),
            WastArg::Core(WastArgCore::I64(v)) => Some(Value::I64(*v)),
            WastArg::Core(WastArgCore::F32(v)) => Some(Value::F32(f32::from_bits(v.bits))),
            WastArg::Core(WastArgCore::F64(v)) => Some(Value::F64(f64::from_bits(v.bits))),
            _ => None,
        })
        .collect()
}

/// Memory as a session shows it: its size and bytes.
fn memory(session: &mut Session) -> (u64, Vec<u8>) {
    let snapshot = session.snapshot();
    let len = snapshot.len_bytes();
    (len, snapshot.read(0, len))
}

/// A script the parser cannot read, said so.
fn unparsed(path: &Path, error: wast::Error) -> Counts {
    eprintln!("{}: not parsed: {error}", path.display());
    Counts {
        unparsed: 1,
        ..Counts::default()
    }
}

/// Runs `path` both ways, failing at the first difference.
fn run_script(path: &Path) -> Counts {
    let text = std::fs::read_to_string(path).unwrap();
    let buffer = match ParseBuffer::new(&text) {
        Ok(buffer) => buffer,
        Err(error) => return unparsed(path, error),
    };
    let script: Wast<'_> = match parser::parse(&buffer) {
        Ok(script) => script,
        Err(error) => return unparsed(path, error),
    };
    let (stop, limits, host) = (stop(), Limits::default(), HostConfig::default());
    let mut counts = Counts::default();
    let mut named: HashMap<String, usize> = HashMap::new();
    let mut pairs: Vec<Option<Pair>> = Vec::new();
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    for directive in script.directives {
        let (line, _) = directive.span().linecol_in(&text);
        let at = format!("{name}:{}", line + 1);
        let invoke = match directive {
            WastDirective::Module(mut quote) => {
                let id = module_name(&quote);
                let Ok(bytes) = quote.encode() else {
                    pairs.push(None);
                    continue;
                };
                let pair = match Session::from_checked_with(&stop, &bytes, limits, &host) {
                    Ok(plain) => {
                        let recorded = Session::recorded_from_checked(&stop, &bytes, limits, &host)
                            .unwrap_or_else(|e| panic!("{at}: instrumented, it fails: {e:#}"));
                        counts.modules += 1;
                        let info = inspect(&bytes).unwrap();
                        Some(Pair {
                            plain,
                            recorded,
                            memory: shown_memory(&info),
                            segments: info.segment_bytes(&bytes).into(),
                        })
                    }
                    Err(_) => {
                        counts.skipped += 1;
                        None
                    }
                };
                if let Some(id) = id {
                    named.insert(id, pairs.len());
                }
                pairs.push(pair);
                continue;
            }
            WastDirective::Invoke(invoke) => invoke,
            WastDirective::AssertReturn {
                exec: WastExecute::Invoke(invoke),
                ..
            }
            | WastDirective::AssertTrap {
                exec: WastExecute::Invoke(invoke),
                ..
            } => invoke,
            _ => continue,
        };
        let index = match invoke.module {
            Some(id) => named.get(id.name()).copied(),
            None => pairs.len().checked_sub(1),
        };
        let (Some(Some(pair)), Some(args)) = (index.map(|i| &mut pairs[i]), args(&invoke)) else {
            continue;
        };
        let before = pair.recorded.snapshot();
        let plain = pair.plain.call(invoke.name, &args);
        let recorded = pair.recorded.call(invoke.name, &args);
        match (&plain, &recorded) {
            (Ok(a), Ok(b)) => {
                assert_eq!(format!("{a:?}"), format!("{b:?}"), "{at}: {}", invoke.name);
                counts.returned += 1;
            }
            (Err(_), Err(_)) => counts.trapped += 1,
            _ => panic!(
                "{at}: {} gave {plain:?} as it is, {recorded:?} recorded",
                invoke.name
            ),
        }
        let (writes, unlisted) = pair.recorded.take_writes();
        assert_eq!(unlisted, 0, "{at}");
        counts.writes += writes.len();
        let after = memory(&mut pair.recorded);
        assert!(
            memory(&mut pair.plain) == after,
            "{at}: memory differs after {}",
            invoke.name
        );
        // The writes recorded, replayed over memory as it was, make memory as it is.
        let writes = Arc::new(writes);
        let replay = CallReplay::new(&before, pair.memory, writes.clone(), pair.segments.clone());
        let (replayed, _) = replay.at(writes.len());
        let replayed = (replayed.len_bytes(), replayed.read(0, replayed.len_bytes()));
        assert!(
            replayed == after,
            "{at}: the writes {} recorded do not replay to its memory",
            invoke.name
        );
    }
    counts
}

/// The scripts to run: the committed sample, or every one in `WASMSCOPE_SPEC_DIR`.
fn scripts() -> Vec<PathBuf> {
    let dir = std::env::var_os("WASMSCOPE_SPEC_DIR").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/spec"),
        PathBuf::from,
    );
    let mut found: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "wast"))
        .collect();
    found.sort();
    found
}

#[test]
fn spec_scripts_behave_the_same_recorded() {
    let scripts = scripts();
    assert!(scripts.len() >= 15, "{scripts:?}");
    let mut total = Counts::default();
    for script in &scripts {
        let counts = run_script(script);
        eprintln!("{}: {counts:?}", script.display());
        total.modules += counts.modules;
        total.skipped += counts.skipped;
        total.returned += counts.returned;
        total.trapped += counts.trapped;
        total.writes += counts.writes;
        total.unparsed += counts.unparsed;
    }
    eprintln!("all: {total:?}");
    if std::env::var_os("WASMSCOPE_SPEC_DIR").is_some() {
        return;
    }
    // The sample exercises the recorder: thousands of calls, writes and traps.
    assert_eq!(total.unparsed, 0);
    assert!(total.modules >= 120, "{total:?}");
    assert!(total.returned >= 5_000 && total.trapped >= 250, "{total:?}");
    assert!(total.writes >= 700, "{total:?}");
}
