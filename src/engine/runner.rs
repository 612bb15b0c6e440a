//! The one step runner: a session's steps (`recipe::Step`), run on an [`Instance`]
//! (a module's or a component's), names resolved, each reported with everything the
//! CLI prints and the window marks. Both `wasmscope run`/`replay` and the window's
//! worker go through [`Runner::run`] and [`run_steps`]; nothing else runs a step.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result, anyhow, bail};

use super::component::{AbiTrace, ComponentSession, results_text};
use super::instance::Instance;
use super::session::{GlobalValue, Session};
use super::steps::{Step, StepOutput, call_label, call_line, pointer_lines, result_line};
use super::trace_log::Writes;
use super::values::{NumType, Value, format_values};
use crate::memory::{RegionKind, Snapshot, format_hex, overrun_report, parse_address};
use crate::recipe::{self, Data, Input, Op, Returns};

/// What one step did, for every front end.
#[derive(Clone, Debug)]
pub struct StepReport {
    /// The step's position in the session (0-based).
    pub index: usize,
    /// The step as written.
    pub step: recipe::Step,
    /// The step with names resolved: `alloc(46)`, `append(0x110008, 16)`.
    pub label: String,
    /// Lines that belong before the step (`Allocator: alloc (...)`).
    pub intro: Vec<String>,
    /// What it produced, or why it failed (one sentence chain).
    pub outcome: Result<StepOutput, String>,
    /// After an alloc: the pointer and the input's length, for the newsletter's
    /// pointer lines (see [`StepReport::result_lines`]).
    pub pointer: Option<(u64, u64)>,
    /// The newsletter's other lines for the result (`New Size received: 41`,
    /// `Result: …`).
    pub lines: Vec<String>,
    /// What the guest printed and which stubs it called during the step.
    pub notes: Vec<String>,
    /// Bytes written outside the newest allocation, with the sentence for it.
    pub overrun: Option<(Vec<Range<u64>>, String)>,
    /// The bytes the step is about (what it allocated, wrote or read).
    pub target: Option<Range<u64>>,
    /// How to highlight `target`: an allocation, the input, the output (an edit's
    /// write is not highlighted).
    pub region: Option<RegionKind>,
    /// The writes its calls made, instruction by instruction (traced sessions only).
    pub writes: Writes,
    /// Writes past those, only counted.
    pub writes_unlisted: u64,
    /// Memory afterwards; its `changed()` is what the step changed.
    pub snapshot: Arc<Snapshot>,
    /// Exported globals afterwards.
    pub globals: Vec<GlobalValue>,
    /// Wall time of the step.
    pub elapsed_ms: u64,
    /// The names bound after the step (what a lesson's note shows).
    pub bindings: Bindings,
    /// What the canonical ABI did in memory (a component's `invoke` only): each core
    /// function wasmtime called, with the memory as it was entered, and the writes
    /// each made when they are traced.
    pub abi: Option<AbiTrace>,
}

impl StepReport {
    /// A report of step `index` (`step`, labelled `label`) that says nothing yet: it
    /// failed, for no reason given.
    fn new(index: usize, step: &recipe::Step, label: String, snapshot: Arc<Snapshot>) -> Self {
        Self {
            index,
            step: step.clone(),
            label,
            intro: Vec::new(),
            outcome: Err(String::new()),
            pointer: None,
            lines: Vec::new(),
            notes: Vec::new(),
            overrun: None,
            target: None,
            region: None,
            writes: Writes::default(),
            writes_unlisted: 0,
            snapshot,
            globals: Vec::new(),
            elapsed_ms: 0,
            bindings: Bindings::default(),
            abi: None,
        }
    }

    /// The newsletter's lines for the result, host addresses from `host_base` (the
    /// snapshot's, or a pinned one in screenshots).
    pub fn result_lines(&self, host_base: u64) -> Vec<String> {
        let mut lines = match self.pointer {
            Some((ptr, input_len)) => pointer_lines(ptr, input_len, host_base),
            None => Vec::new(),
        };
        lines.extend(self.lines.iter().cloned());
        lines
    }

    /// Whether the step failed.
    pub fn failed(&self) -> bool {
        self.outcome.is_err()
    }

    /// How many writes the step listed (a component's, in its core calls).
    pub fn writes_listed(&self) -> usize {
        match &self.abi {
            Some(trace) => trace.events.iter().map(|e| e.writes.len()).sum(),
            None => self.writes.len(),
        }
    }
}

/// Results of earlier steps, by name: integers (`ptr`, `result`) and bytes (`input`,
/// a read's `output`), whose lengths are `len(input)`, `len(output)`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Bindings {
    ints: BTreeMap<String, u64>,
    bytes: BTreeMap<String, Vec<u8>>,
    /// The integers that are guest addresses (an allocator's or a function's pointer).
    addresses: BTreeSet<String>,
}

impl Bindings {
    /// The integer named `name`.
    pub fn int(&self, name: &str) -> Option<u64> {
        self.ints.get(name).copied()
    }

    /// The bytes named `name`.
    pub fn bytes(&self, name: &str) -> Option<&[u8]> {
        self.bytes.get(name).map(Vec::as_slice)
    }

    /// What a lesson's note can show: these names, and `host_base` for `{host(ptr)}`.
    pub fn note_values(&self, host_base: u64) -> recipe::NoteValues {
        recipe::NoteValues {
            ints: self.ints.clone(),
            bytes: self.bytes.clone(),
            host_base,
        }
    }

    /// Every name an expression can use, with its value.
    fn names(&self) -> BTreeMap<String, u64> {
        let mut names = self.ints.clone();
        for (name, bytes) in &self.bytes {
            names.insert(format!("len({name})"), bytes.len() as u64);
        }
        names
    }

    /// Whether `expr` is an address: written in hex, or computed from a pointer
    /// (`ptr`, `ptr + 4`). Logs show addresses in hex, counts in decimal.
    pub fn is_address(&self, expr: &recipe::Expr) -> bool {
        let text = expr.as_str().trim_start();
        text.starts_with("0x")
            || crate::memory::names_used(text)
                .is_ok_and(|names| names.iter().any(|n| self.addresses.contains(n)))
    }

    /// Binds the integer `name`; `address` says whether it is a guest address.
    fn bind_int(&mut self, name: &str, value: u64, address: bool) {
        self.ints.insert(name.to_owned(), value);
        if address {
            self.addresses.insert(name.to_owned());
        } else {
            self.addresses.remove(name);
        }
    }

    /// The value of `expr` (`ptr + 4`, `len(input)`) over these names.
    pub fn eval(&self, expr: &recipe::Expr) -> Result<u64> {
        parse_address(expr.as_str(), &self.names()).with_context(|| format!("`{expr}`"))
    }
}

/// Whether a run goes on after a step fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AfterFailure {
    /// Stop at the failed step (later steps need its result).
    Stop,
    /// Run the rest (a replay shows everything that happened).
    Continue,
}

/// The state a session's steps build up: names, and the newest allocation (writes
/// outside it are overruns).
#[derive(Clone, Debug, Default)]
pub struct Runner {
    bindings: Bindings,
    allocation: Option<(Range<u64>, String)>,
    steps_run: usize,
}

impl Runner {
    /// A runner with `input` (if any) named `input`.
    pub fn new(input: Option<&Input>) -> Self {
        let mut runner = Self::default();
        if let Some(input) = input {
            runner.set_input(input);
        }
        runner
    }

    /// The names bound so far.
    pub fn bindings(&self) -> &Bindings {
        &self.bindings
    }

    /// How many steps ran.
    pub fn steps_run(&self) -> usize {
        self.steps_run
    }

    /// Names `input` the bytes `input` from now on.
    pub fn set_input(&mut self, input: &Input) {
        self.bindings
            .bytes
            .insert("input".to_owned(), input.bytes().to_vec());
    }

    /// Runs one step and reports it. Never panics; a failure is in `outcome`.
    pub fn run(&mut self, instance: &mut Instance, step: &recipe::Step) -> StepReport {
        let index = self.steps_run;
        self.steps_run += 1;
        let started = Instant::now();
        let mut report = match (instance, &step.op) {
            (Instance::Core(session), _) => self.run_core(session, index, step),
            (Instance::Component(component), Op::Invoke { export, args }) => {
                invoke(component, index, step, export, args)
            }
            (Instance::Component(component), Op::Input(input)) => {
                self.set_input(input);
                let mut report =
                    StepReport::new(index, step, step.op.describe(), component.snapshot());
                report.outcome = Ok(StepOutput::Written);
                report
            }
            (Instance::Component(component), op) => {
                let mut report = StepReport::new(index, step, op.describe(), component.snapshot());
                report.outcome = Err(format!(
                    "step {}: `{}` is a step for core modules; a component's session has only \
                     `invoke` steps",
                    index + 1,
                    op.kind()
                ));
                report
            }
        };
        report.bindings = self.bindings.clone();
        report.elapsed_ms = started.elapsed().as_millis() as u64;
        report
    }

    /// Runs a step on a module's instance.
    fn run_core(&mut self, session: &mut Session, index: usize, step: &recipe::Step) -> StepReport {
        let mut intro = Vec::new();
        let resolved = self.resolve(session, &step.op, &mut intro);
        let label = match (&resolved, &step.op) {
            (Ok(Some(Step::Call { export, args })), Op::Call { args: exprs, .. }) => {
                let hex: Vec<bool> = exprs.iter().map(|e| self.bindings.is_address(e)).collect();
                call_label(export, args, &hex)
            }
            (Ok(Some(concrete)), _) => concrete.label(),
            (Ok(None) | Err(_), _) => step.op.describe(),
        };
        let outcome = match resolved {
            Ok(Some(concrete)) => session
                .run_step(&concrete)
                .map(|output| (Some(concrete), output)),
            Ok(None) => Ok((None, StepOutput::Written)),
            Err(err) => Err(err),
        };
        let mut report = StepReport::new(index, step, label, session.snapshot());
        report.intro = intro;
        report.notes = session.take_notes();
        (report.writes, report.writes_unlisted) = session.take_writes();
        report.globals = session.globals();
        let outcome = match outcome {
            Ok((concrete, output)) => self
                .finish(&step.op, concrete.as_ref(), &output, &mut report)
                .map(|()| output),
            Err(err) => Err(err),
        };
        report.outcome = outcome.map_err(|err| format!("{err:#}"));
        report
    }

    /// The concrete step for `op`, names resolved (`None` for an `input`, which only
    /// names bytes).
    fn resolve(
        &mut self,
        session: &mut Session,
        op: &Op,
        intro: &mut Vec<String>,
    ) -> Result<Option<Step>> {
        Ok(Some(match op {
            Op::Input(input) => {
                self.set_input(input);
                return Ok(None);
            }
            Op::Alloc { export, size, .. } => {
                let size = self.bindings.eval(size).context("the size")?;
                intro.push(format!("Allocator: {}", session.allocator(export)?));
                Step::Alloc {
                    export: export.clone(),
                    size,
                }
            }
            Op::Write { at, data } => {
                let bytes = match data {
                    Data::Named(name) => self
                        .bindings
                        .bytes(name)
                        .with_context(|| format!("no bytes are named `{name}`"))?
                        .to_vec(),
                    Data::Literal(input) => input.bytes().to_vec(),
                };
                Step::Write {
                    ptr: self.bindings.eval(at).context("the offset")?,
                    bytes,
                }
            }
            Op::Call { export, args, .. } => Step::Call {
                export: export.clone(),
                args: self.call_args(session, export, args)?,
            },
            Op::Invoke { export, .. } => {
                bail!("`invoke {export}` calls a component's function, but this is a core module")
            }
            Op::Read { at, len, .. } => Step::Read {
                ptr: self.bindings.eval(at).context("the offset")?,
                len: self.bindings.eval(len).context("the length")?,
            },
        }))
    }

    /// `args` as the types `export` takes: literals as written (`-1`, `1.5`),
    /// expressions as addresses.
    fn call_args(
        &self,
        session: &mut Session,
        export: &str,
        args: &[recipe::Expr],
    ) -> Result<Vec<Value>> {
        let ty = session.func_type(export)?;
        let mismatch = || {
            let given: Vec<&str> = args.iter().map(recipe::Expr::as_str).collect();
            anyhow!(
                "`{export}` takes ({}) but was given {}",
                super::session::type_list(&ty.params().collect::<Vec<_>>()),
                if given.is_empty() {
                    "nothing".to_owned()
                } else {
                    given.join(", ")
                }
            )
        };
        let params: Vec<NumType> = ty.params().filter_map(|t| NumType::of(&t)).collect();
        if params.len() != args.len() || params.len() != ty.params().len() {
            return Err(mismatch());
        }
        params
            .iter()
            .zip(args)
            .map(|(&ty, arg)| {
                if let Ok(value) = ty.parse(arg.as_str()) {
                    return Ok(value);
                }
                match ty {
                    NumType::I32 => {
                        let value = self.bindings.eval(arg)?;
                        u32::try_from(value)
                            .map(|v| Value::I32(v as i32))
                            .map_err(|_| {
                                anyhow!("{value} does not fit the i32 that `{export}` takes")
                            })
                    }
                    NumType::I64 => Ok(Value::I64(self.bindings.eval(arg)? as i64)),
                    NumType::F32 | NumType::F64 => Err(mismatch()),
                }
            })
            .collect()
    }

    /// After a step ran: names its result, and fills in the report's lines, target
    /// and overrun.
    fn finish(
        &mut self,
        op: &Op,
        concrete: Option<&Step>,
        output: &StepOutput,
        report: &mut StepReport,
    ) -> Result<()> {
        let target = concrete.and_then(|c| c.target(output));
        report.target.clone_from(&target);
        if !matches!(op, Op::Alloc { .. } | Op::Read { .. })
            && let Some((allocation, alloc_label)) = &self.allocation
        {
            report.overrun = overrun_report(
                &report.label,
                allocation,
                alloc_label,
                report.snapshot.changed(),
            );
        }
        match (op, output) {
            (Op::Alloc { name, .. }, StepOutput::Pointer(ptr)) => {
                let input_len = self.bindings.bytes("input").map_or(0, |b| b.len() as u64);
                report.pointer = Some((*ptr, input_len));
                self.bindings.bind_int(name, *ptr, true);
                if let Some(range) = &target {
                    self.allocation = Some((range.clone(), report.label.clone()));
                }
                report.region = Some(RegionKind::Allocation);
            }
            (Op::Write { data, .. }, _) => {
                if matches!(data, Data::Named(_)) {
                    report.region = Some(RegionKind::Input);
                }
            }
            (
                Op::Call {
                    export,
                    args,
                    name,
                    returns,
                },
                StepOutput::Values(values),
            ) => {
                let first = match values.as_slice() {
                    [one] => one.as_u64(),
                    _ => None,
                };
                if let Some(value) = first {
                    self.bindings
                        .bind_int(name, value, *returns == Returns::Ptr);
                }
                let line = match (returns, first) {
                    (Returns::Value, _) => {
                        format!("`{export}` returned {}", format_values(values))
                    }
                    (_, None) => bail!(
                        "`{export}` returned {}, not {}",
                        format_values(values),
                        match returns {
                            Returns::Ptr => "a pointer to read the result at",
                            _ => "a length of the result to read",
                        }
                    ),
                    (Returns::Ptr, Some(ptr)) => format!("Pointer returned {ptr:#x}"),
                    (Returns::Len, Some(len)) if args.is_empty() => {
                        format!("New Size received: {len} (from `{export}`)")
                    }
                    (Returns::Len, Some(_)) => call_line(export, values),
                };
                report.lines.push(line);
            }
            (Op::Read { name, .. }, StepOutput::Bytes(bytes)) => {
                report.lines.push(result_line(bytes));
                if std::str::from_utf8(bytes).is_err() {
                    report
                        .lines
                        .push(format!("Result (hex): {}", format_hex(bytes)));
                }
                self.bindings.bytes.insert(name.clone(), bytes.clone());
                report.region = Some(RegionKind::Output);
            }
            _ => {}
        }
        Ok(())
    }
}

/// What a run of steps tells its caller as it goes.
pub trait RunObserver {
    /// Whether to end before the next step (Stop was pressed).
    fn should_stop(&mut self) -> bool {
        false
    }

    /// Step `index` of the session begins.
    fn started(&mut self, _index: usize, _step: &recipe::Step) {}

    /// A step ended (done or failed).
    fn done(&mut self, report: StepReport) -> Result<()>;
}

/// Runs `steps` in order, telling `observer` as each begins and ends; between steps,
/// ends early when it says so. Returns how many steps ran and how many failed.
pub fn run_steps(
    instance: &mut Instance,
    runner: &mut Runner,
    steps: &[recipe::Step],
    after_failure: AfterFailure,
    observer: &mut impl RunObserver,
) -> Result<RunEnd> {
    let mut end = RunEnd::default();
    for step in steps {
        if observer.should_stop() {
            end.stopped = true;
            break;
        }
        observer.started(runner.steps_run(), step);
        let done = runner.run(instance, step);
        let failed = done.failed();
        end.ran += 1;
        end.failed += usize::from(failed);
        observer.done(done)?;
        if failed && after_failure == AfterFailure::Stop {
            break;
        }
    }
    Ok(end)
}

/// How a run of several steps ended.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RunEnd {
    /// Steps run.
    pub ran: usize,
    /// Of those, how many failed.
    pub failed: usize,
    /// Whether it ended early because Stop was pressed.
    pub stopped: bool,
}

/// Calls a component's function: the step's label is the call with its WAVE
/// arguments, its lines the canonical ABI's steps and the results.
fn invoke(
    component: &mut ComponentSession,
    index: usize,
    step: &recipe::Step,
    export: &str,
    args: &[String],
) -> StepReport {
    let resolved = component.resolve(export);
    let export = resolved.as_deref().unwrap_or(export);
    let label = format!("{export}({})", args.join(", "));
    let called = resolved.and_then(|export| component.call_traced(&export, args));
    let mut report = StepReport::new(index, step, label, component.snapshot());
    report.notes = component.take_notes();
    let called = match called {
        Ok(called) => called,
        Err(err) => {
            report.outcome = Err(format!("{err:#}"));
            return report;
        }
    };
    report.lines = called.trace.lines();
    // The call's writes in one list, wasmtime's among them (what the timeline scrubs).
    report.writes = called.trace.call_writes().into();
    report.writes_unlisted = called.trace.writes_unlisted;
    report.snapshot = called.trace.after.clone();
    report.abi = Some(called.trace);
    report.outcome = match called.results {
        Ok(results) => {
            report.lines.push(format!(
                "{} returned {}",
                report.label,
                results_text(&results)
            ));
            Ok(StepOutput::Wave(results))
        }
        Err(err) => Err(format!("{err:#}")),
    };
    report
}
