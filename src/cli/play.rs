//! Runs a session on a fresh instance and prints every step the way the newsletter
//! printed it: `run` and `replay` both end here, so they print the same lines.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result};

use crate::engine::{
    AfterFailure, Allocator, Bindings, CompileCache, CompilerChoice, ComponentSession,
    ComponentWrites, Engines, HostConfig, Instance, Limits, RunEnd, RunObserver, Runner, Session,
    StepReport, StopHandle, changed_line, check_imports, compile_component, default_cache_dir,
    glue_allocator, new_debug_engine, run_steps,
};
use crate::inspect::{Dwarf, ModuleInfo, inspect, inspect_component, is_component};
use crate::recipe::{Recipe, fill_note};
use crate::record::{instrument, instrument_component};

use super::breaks::{BreakAt, Breaks};

/// How to play a session.
pub struct PlayOptions<'a> {
    /// Where the module came from (its emscripten glue may sit beside it).
    pub module_path: &'a Path,
    /// Compile without the cache.
    pub no_cache: bool,
    /// Which compiler (a component's trace always uses Cranelift).
    pub compiler: CompilerChoice,
    /// Stop at the first failure (`run`) or go on (`replay`).
    pub after_failure: AfterFailure,
    /// Allocators chosen elsewhere (`run --alloc`).
    pub allocators: Vec<Allocator>,
    /// Record every write the guest's instructions make (a module is instrumented, a
    /// component traced by the debugger), and print each.
    pub trace_writes: bool,
    /// Most writes listed per step (later ones are counted).
    pub max_traced_writes: usize,
    /// Print each step's note (a lesson's text), its placeholders filled in.
    pub notes: bool,
    /// Pause at these source lines, print the frame, and go on (`run --break`).
    pub breaks: Vec<BreakAt>,
    /// Print each pause as one line of JSON (`run --break … --json`).
    pub break_json: bool,
}

/// What a played session left behind.
pub struct Played {
    /// How the run ended.
    pub end: RunEnd,
    /// The first failure's message, if any.
    pub first_error: Option<String>,
    /// Placeholders of notes that named nothing (`step 2: {nope}`).
    pub unknown_placeholders: Vec<String>,
    /// The names the steps bound.
    pub bindings: Bindings,
    /// The host address of guest offset 0 at the end.
    pub host_base: u64,
    /// What the module declares (None for a component).
    pub info: Option<ModuleInfo>,
}

/// The compile cache, unless `no_cache`; a folder that cannot be used is reported and
/// the module compiled anyway.
pub fn compile_cache(no_cache: bool) -> Option<CompileCache> {
    if no_cache {
        return None;
    }
    let dir = default_cache_dir()?;
    CompileCache::open(&dir)
        .map_err(|err| eprintln!("warning: {err:#}; compiling without it"))
        .ok()
}

/// Instantiates `bytes` (a module or a component) as `recipe` says and runs its
/// steps, printing to `out` (failures of later steps, with `AfterFailure::Continue`,
/// to stderr).
pub fn play(
    recipe: &Recipe,
    bytes: &[u8],
    options: PlayOptions<'_>,
    out: &mut impl Write,
) -> Result<Played> {
    let path = options.module_path;
    let cannot_load = || format!("cannot load {}", path.display());
    let limits = recipe.limits.map(Limits::from_settings).unwrap_or_default();
    let host = HostConfig::from_settings(&recipe.host, &crate::recipe::file_name(path));
    let cache = compile_cache(options.no_cache);
    let component = is_component(bytes);
    if component && !options.breaks.is_empty() {
        anyhow::bail!("--break works on modules; a component's calls cannot pause yet");
    }
    // Traced writes name their source line when the module has DWARF, and --break
    // finds its lines there (a component's writes are in its core modules: not
    // looked up).
    let wants_dwarf = options.trace_writes || !options.breaks.is_empty();
    let dwarf = (!component && wants_dwarf)
        .then(|| read_dwarf(bytes))
        .flatten()
        .map(Arc::new);
    let mut breaks = None;
    let (mut instance, info) = if component {
        let mut component =
            open_component(bytes, &host, limits, cache.as_ref(), options.trace_writes)
                .with_context(cannot_load)?;
        component.set_write_cap(options.max_traced_writes);
        (Instance::Component(component), None)
    } else {
        let info = inspect(bytes).with_context(cannot_load)?;
        check_imports(&info).with_context(cannot_load)?;
        let mut session = match options.breaks.is_empty() {
            true => open_module(bytes, &host, limits, cache.as_ref(), &options),
            false => Breaks::open(
                bytes,
                dwarf.clone(),
                &options.breaks,
                options.break_json,
                &host,
                limits,
                cache.as_ref(),
            )
            .map(|(session, found)| {
                breaks = Some(found);
                session
            }),
        }
        .with_context(cannot_load)?;
        let mut known = options.allocators;
        known.extend(glue_allocator(path, &info));
        session.set_known_allocators(known);
        (Instance::Core(session), Some(info))
    };
    for line in instance.take_notes() {
        writeln!(out, "{line}")?;
    }
    let mut runner = Runner::new(recipe.input.as_ref());
    if options.notes
        && let Some(lesson) = &recipe.lesson
    {
        writeln!(out, "Lesson: {}", lesson.title)?;
        if let Some(intro) = &lesson.intro {
            quote(out, intro)?;
        }
    }
    let mut printer = Printer {
        out,
        dwarf,
        breaks,
        trace_writes: options.trace_writes,
        after_failure: options.after_failure,
        first_error: None,
        notes: options.notes,
        unknown_placeholders: Vec::new(),
    };
    let end = run_steps(
        &mut instance,
        &mut runner,
        &recipe.steps,
        options.after_failure,
        &mut printer,
    )?;
    if let Some(breaks) = &printer.breaks {
        for line in breaks.never_reached() {
            writeln!(printer.out, "{line}")?;
        }
    }
    Ok(Played {
        end,
        first_error: printer.first_error,
        unknown_placeholders: printer.unknown_placeholders,
        bindings: runner.bindings().clone(),
        host_base: instance.host_base(),
        info,
    })
}

/// The module's DWARF, parsed once for the run; `None` without any, and when it
/// cannot be read (which one note on stderr says, with why).
pub fn read_dwarf(bytes: &[u8]) -> Option<Dwarf> {
    Dwarf::parse(bytes)
        .map_err(|err| {
            eprintln!("note: cannot read this module's debug info ({err:#}); no source lines")
        })
        .ok()
        .flatten()
}

/// Compiles and instantiates a checked module on the compiler chosen; with
/// `trace_writes`, instrumented to record its writes first. A module the recorder
/// cannot instrument says why on stderr and runs as it is.
fn open_module(
    bytes: &[u8],
    host: &HostConfig,
    limits: Limits,
    cache: Option<&CompileCache>,
    options: &PlayOptions<'_>,
) -> Result<Session> {
    let engines = Engines::new(cache)?;
    if options.trace_writes {
        match instrument(bytes) {
            Ok(Some(recording)) => {
                let module = compile_noted(&engines, options.compiler, &recording.bytes)?;
                let stop = StopHandle::new(module.engine().clone());
                let mut session =
                    Session::recorded(&stop, &module, limits, host, Arc::new(recording))?;
                session.set_write_cap(options.max_traced_writes);
                return Ok(session);
            }
            // No instruction writes memory: there is nothing to record.
            Ok(None) => {}
            Err(err) => eprintln!(
                "note: cannot record this module's writes ({err:#}); running it without \
                 --trace-writes"
            ),
        }
    }
    let module = compile_noted(&engines, options.compiler, bytes)?;
    let stop = StopHandle::new(module.engine().clone());
    Session::from_module(&stop, &module, limits, host)
}

/// Describes, compiles (for guest debugging: the canonical ABI is observed at
/// breakpoints) and instantiates the component in `bytes`; with `trace_writes`, every
/// write the guest's instructions make is listed too (recorded: its core modules
/// instrumented as a module's are).
pub fn open_component(
    bytes: &[u8],
    host: &HostConfig,
    limits: Limits,
    cache: Option<&CompileCache>,
    trace_writes: bool,
) -> Result<ComponentSession> {
    let engine = new_debug_engine(cache)?;
    let stop = StopHandle::new(engine.clone());
    let recording = match trace_writes.then(|| instrument_component(bytes)) {
        Some(Ok(recording)) => recording,
        Some(Err(err)) => {
            eprintln!(
                "note: cannot record this component's writes ({err:#}); running it without \
                 --trace-writes"
            );
            None
        }
        None => None,
    };
    let (bytes, writes) = match &recording {
        Some(recording) => (&recording.bytes[..], ComponentWrites::Recorded(recording)),
        None => (bytes, ComponentWrites::Off),
    };
    let info = inspect_component(bytes)?;
    let component = compile_component(&engine, bytes)?;
    let mut session =
        ComponentSession::traced(&stop, &component, bytes, &info, limits, host, writes)?;
    session.list_writes(trace_writes);
    Ok(session)
}

/// Compiles `bytes` as `choice` says; when Winch refuses the module, says why on
/// stderr (stdout stays the same whichever compiler ran).
fn compile_noted(
    engines: &Engines,
    choice: CompilerChoice,
    bytes: &[u8],
) -> Result<wasmtime::Module> {
    let (module, info) = engines.compile(choice, bytes)?;
    if let Some(refusal) = info.refusal() {
        eprintln!("note: {refusal}");
    }
    Ok(module)
}

/// Prints each step as it ends.
struct Printer<'a, W: Write> {
    out: &'a mut W,
    /// The module's DWARF, for traced writes' source locations.
    dwarf: Option<Arc<Dwarf>>,
    /// The `--break` breakpoints, whose pauses are printed after their step.
    breaks: Option<Breaks>,
    /// Whether writes are listed (`--trace-writes`).
    trace_writes: bool,
    after_failure: AfterFailure,
    first_error: Option<String>,
    notes: bool,
    unknown_placeholders: Vec<String>,
}

/// `text` as quoted lines: `> …`.
fn quote(out: &mut impl Write, text: &str) -> Result<()> {
    for line in text.trim_end().lines() {
        writeln!(out, "> {line}")?;
    }
    Ok(())
}

impl<W: Write> RunObserver for Printer<'_, W> {
    fn done(&mut self, mut report: StepReport) -> Result<()> {
        // A --break run traces writes (it runs on the debugger); they are listed only
        // when asked for.
        if !self.trace_writes {
            report.writes = Default::default();
            report.writes_unlisted = 0;
        }
        let failed = print_report(self.out, &report, self.dwarf.as_deref())?;
        for line in self.breaks.iter().flat_map(Breaks::take_lines) {
            writeln!(self.out, "{line}")?;
        }
        if self.notes {
            self.note(&report)?;
        }
        self.failed(failed)
    }
}

impl<W: Write> Printer<'_, W> {
    /// The step's note, filled in with the values after it.
    fn note(&mut self, report: &StepReport) -> Result<()> {
        let Some(note) = &report.step.note else {
            return Ok(());
        };
        let values = report.bindings.note_values(report.snapshot.host_base());
        let text = match fill_note(note, &values) {
            Ok(text) => text,
            Err((text, unknown)) => {
                for key in unknown {
                    eprintln!(
                        "warning: step {}'s note: {{{key}}} names nothing",
                        report.index + 1
                    );
                    self.unknown_placeholders
                        .push(format!("step {}: {{{key}}}", report.index + 1));
                }
                text
            }
        };
        quote(self.out, &text)
    }

    /// Remembers a failed step's error (and prints it, when the run goes on).
    fn failed(&mut self, failed: Option<String>) -> Result<()> {
        if let Some(error) = failed {
            // With `Stop`, the one failure is the command's error, printed by `main`.
            if self.after_failure == AfterFailure::Continue {
                eprintln!("error: {error}");
            }
            self.first_error.get_or_insert(error);
        }
        Ok(())
    }
}

/// Prints one step: what it changed, overruns, what the guest printed, and the
/// newsletter's lines. Returns the failure, if the step failed (after its notes,
/// which help explain it).
fn print_report(
    out: &mut impl Write,
    report: &StepReport,
    dwarf: Option<&Dwarf>,
) -> Result<Option<String>> {
    let lines = |out: &mut dyn Write, lines: &[String]| -> Result<()> {
        for line in lines {
            writeln!(out, "{line}")?;
        }
        Ok(())
    };
    let writes = |out: &mut dyn Write| -> Result<()> {
        // A component's call lists its writes among its canonical ABI's lines.
        if report.abi.is_some() {
            return Ok(());
        }
        for write in &report.writes {
            writeln!(out, "{}", Dwarf::write_line(dwarf, &write))?;
        }
        if report.writes_unlisted > 0 {
            writeln!(
                out,
                "... and {} more writes (not listed; --max-traced-writes lists more)",
                report.writes_unlisted
            )?;
        }
        Ok(())
    };
    lines(out, &report.intro)?;
    if let Err(error) = &report.outcome {
        lines(out, &report.notes)?;
        writes(out)?;
        // What a component's call did before it failed (a module's step has none).
        lines(out, &report.lines)?;
        return Ok(Some(error.clone()));
    }
    // A component's call lists what changed at each of its canonical ABI's steps.
    if report.abi.is_none() {
        writeln!(
            out,
            "[{}] {}",
            report.label,
            changed_line(report.snapshot.changed())
        )?;
    }
    writes(out)?;
    if let Some((_, line)) = &report.overrun {
        writeln!(out, "{line}")?;
    }
    lines(out, &report.notes)?;
    lines(out, &report.result_lines(report.snapshot.host_base()))?;
    Ok(None)
}
