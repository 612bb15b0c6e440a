//! What panels ask for, applied by the app after the frame is drawn.

use std::ops::Range;
use std::path::PathBuf;

use std::sync::Arc;

use crate::engine::worker::Command;
use crate::engine::{CompilerChoice, DebugCommand, Limits, StubPolicy, Value, arg_text};
use crate::hostgen::Lang;
use crate::recipe::file_name;
use crate::recipe::{self, Data, Expr, HostSettings, Input, Op, Recipe, Returns};

use super::App;
use super::debugger::{Follow, SourceLine};
use super::file_chooser::FileRequest;
use super::state::{LogKind, Running};
use super::walkthrough::{Stage, Walkthrough};

/// An intent from a panel, a shortcut or a dropped file.
#[derive(Clone, Debug, PartialEq)]
pub enum UiCommand {
    /// Ask for a module file (a file chooser), then open it.
    OpenDialog,
    /// Open the module at a path (`.wasm` or `.wat`).
    Open(PathBuf),
    /// Load module bytes that came without a path (a drop, the demo).
    LoadBytes {
        /// Display name.
        name: String,
        /// `.wasm` bytes or WAT text.
        bytes: Vec<u8>,
    },
    /// Take the walkthrough's choices as the panel edited them.
    EditWalkthrough(Box<Walkthrough>),
    /// Run one walkthrough stage.
    Stage(Stage),
    /// Run the remaining walkthrough stages in order.
    RunAll,
    /// Start the walkthrough over on a fresh instance (keeps the input and choices;
    /// the session's steps and the timeline are dropped).
    ResetWalkthrough,
    /// Call any export with typed arguments.
    Call {
        /// Export name.
        export: String,
        /// Arguments.
        args: Vec<Value>,
        /// Pause before its first instruction, to step through it.
        step_into: bool,
    },
    /// Run the walkthrough's Call stage paused before its first instruction.
    StepIntoCall,
    /// Tell the paused call what to do next.
    Debug(DebugCommand),
    /// Bring guest offset `offset` into view in the hex view; with `cursor`, move the
    /// cursor there too (remembered for Back). The one way anything outside the hex
    /// view's own keys and clicks moves it.
    Reveal {
        /// The guest offset.
        offset: u64,
        /// Move the cursor there (a link followed), not only scroll (a step's mark).
        cursor: bool,
    },
    /// Show frame N of the paused call's stack (0: the paused one).
    SelectFrame(usize),
    /// Show (and paint) what a pointer variable points at, as its type.
    FollowPointer(Follow),
    /// Set or clear the breakpoint at this module offset (remembered per module).
    ToggleBreakpoint(u64),
    /// Set a breakpoint on this source line (where its code is entered), or clear it.
    ToggleLineBreakpoint(SourceLine),
    /// While paused: continue until this source line is reached.
    RunToLine(SourceLine),
    /// Write bytes into linear memory (an edit in the hex view), as a step.
    WriteBytes {
        /// Guest offset.
        offset: u64,
        /// The bytes.
        bytes: Vec<u8>,
    },
    /// Ask where to save the session, then save it.
    SaveSessionDialog,
    /// Save the session to a file.
    SaveSession(PathBuf),
    /// Ask for a session file, then open it.
    OpenSessionDialog,
    /// Read a session file; it is replayed once the user agrees to what it asks.
    OpenSession(PathBuf),
    /// Answer the session file's request: grant its folders and environment, or run
    /// it without them; `None` cancels.
    AnswerSession(Option<bool>),
    /// Show memory after step N instead of live memory (`None`: live again).
    ViewStep(Option<usize>),
    /// While paused: memory at the pause before the one shown.
    StepBack,
    /// While paused: memory at the newest earlier pause at which these bytes changed.
    RunBackToWrite(Range<u64>),
    /// Shows memory after write `at` of timeline entry `entry` (a step that recorded
    /// its writes): the scrubber.
    Scrub {
        /// The entry.
        entry: usize,
        /// Writes applied (0: as the step found memory).
        at: usize,
    },
    /// Compare the step viewed with step N.
    CompareWith(usize),
    /// Move through the timeline by this many steps.
    StepTimeline(isize),
    /// Go back to step N: instantiate again, replay up to it, drop the steps after.
    ContinueFrom(usize),
    /// Start a new engine after the old one stopped, and load the module again.
    RestartEngine,
    /// Show another exported memory.
    SelectMemory(String),
    /// Interrupt the running call.
    Stop,
    /// New limits for the following calls.
    SetLimits(Limits),
    /// Provide imports this way from the next load on.
    SetHost(HostSettings),
    /// Record every write to its instruction from the next load on, or not.
    SetRecord(bool),
    /// Keep at most this many writes per step (later ones are only counted).
    SetWriteCap(usize),
    /// Look for source files below this folder too (from the next pause on).
    SetSourceDir(Option<PathBuf>),
    /// Compile the next loads with this compiler.
    SetCompiler(CompilerChoice),
    /// Compile the module shown again with Cranelift (faster code) and replay the
    /// session on it.
    RecompileOptimised,
    /// Load the current module again (with new import settings).
    Reload,
    /// Set what one stubbed import (`module.name`) does (`None`: the default), then
    /// reload the module so it takes effect.
    SetStub {
        /// The import, `module.name`.
        import: String,
        /// The policy, or `None` for the default.
        policy: Option<StubPolicy>,
    },
    /// Forget the recent-files list.
    ClearRecent,
    /// Show or hide the Settings window.
    ToggleSettings,
    /// Ask where to save the session as a host program, then save it.
    ExportDialog(Lang),
    /// Save the session as a host program.
    ExportTo(Lang, PathBuf),
    /// Copy the session as a host program to the clipboard.
    CopyExport(Lang),
    /// Ask where to save a picture of the hex view, then save it.
    SavePictureDialog,
    /// Ask where to save an animation of a step's writes, then save it.
    SaveAnimationDialog,
    /// Save an animation of the step's writes (APNG) there.
    SaveAnimation(PathBuf),
    /// Save a picture of the rows of the hex view on screen (PNG).
    SavePicture(PathBuf),
    /// Copy a picture of the rows of the hex view on screen to the clipboard.
    CopyPicture,
    /// Start bundled lesson N (Help ▸ Lessons).
    StartLesson(usize),
    /// Run the lesson's next step.
    LessonNext,
    /// Go back one step of the lesson (instantiate again and replay).
    LessonBack,
    /// Stop following the lesson (memory stays as it is).
    LeaveLesson,
    /// Call a function of the component shown with WAVE arguments.
    CallComponent {
        /// `append`, or `interface#function`.
        name: String,
        /// One WAVE value per parameter.
        args: Vec<String>,
    },
}

impl App {
    /// Applies one command.
    pub fn apply(&mut self, command: UiCommand) {
        match command {
            UiCommand::OpenDialog => self.choose_file(
                FileRequest::open("Open a module", UiCommand::Open)
                    .filter("WebAssembly module", &["wasm", "wat", "wast"]),
            ),
            UiCommand::Open(path) => {
                // The engine thread reads the file.
                let name = file_name(&path);
                let generation = self.state.begin_load(name, Some(path.clone()), None);
                self.worker.send(Command::LoadFile { generation, path });
            }
            UiCommand::LoadBytes { name, bytes } => self.load(name, bytes, None),
            UiCommand::EditWalkthrough(walk) => self.state.edit_walkthrough(*walk),
            UiCommand::Stage(stage) => self.run_stages(&[stage], false),
            UiCommand::RunAll => {
                if let Some(next) = self.state.doc.walk.next_stage() {
                    let stages: Vec<Stage> =
                        Stage::ALL.into_iter().skip_while(|&s| s != next).collect();
                    self.run_stages(&stages, false);
                }
            }
            UiCommand::ResetWalkthrough => {
                self.rewind(0);
                self.state.doc.walk.reset_progress();
                self.state.doc.instance.regions.clear();
            }
            UiCommand::Call {
                export,
                args,
                step_into,
            } => {
                let op = Op::Call {
                    export,
                    args: args.iter().map(|a| Expr::new(arg_text(a))).collect(),
                    name: "result".to_owned(),
                    returns: Returns::Value,
                };
                self.send_steps(vec![recipe::Step::new(op)], Vec::new(), step_into);
            }
            UiCommand::StepIntoCall => self.run_stages(&[Stage::Call], true),
            UiCommand::Reveal { offset, cursor } => match cursor {
                true => self.hex.go_to(offset),
                false => self.hex.reveal(offset),
            },
            UiCommand::SelectFrame(index) => self.state.select_frame(index),
            UiCommand::FollowPointer(follow) => self.state.follow_pointer(follow),
            UiCommand::ToggleBreakpoint(pc) => {
                let Some(sha) = self.state.doc.instance.session.module.sha256.clone() else {
                    return;
                };
                let pcs = self.settings.breakpoints.entry(sha).or_default();
                match pcs.iter().position(|&p| p == pc) {
                    Some(at) => {
                        pcs.remove(at);
                    }
                    None => pcs.push(pc),
                }
                self.send_breakpoints();
            }
            UiCommand::ToggleLineBreakpoint(at) => {
                let line = self.state.pcs_of(&at);
                let Some(sha) = self.state.doc.instance.session.module.sha256.clone() else {
                    return;
                };
                if line.is_empty() {
                    let name = crate::inspect::SourceLocation {
                        file: at.file,
                        line: at.line,
                        column: 0,
                    };
                    self.state
                        .push_log(LogKind::Info, format!("No code is at {name}."));
                    return;
                }
                let pcs = self.settings.breakpoints.entry(sha).or_default();
                if line.iter().all(|pc| pcs.contains(pc)) {
                    pcs.retain(|pc| !line.contains(pc));
                } else {
                    pcs.extend(
                        line.iter()
                            .filter(|&pc| !pcs.contains(pc))
                            .collect::<Vec<_>>(),
                    );
                }
                self.send_breakpoints();
            }
            UiCommand::RunToLine(at) => {
                let line = self.state.pcs_of(&at);
                self.apply(UiCommand::Debug(DebugCommand::RunTo(line)));
            }
            UiCommand::Debug(command) => {
                if self.state.doc.paused.is_some() {
                    self.worker.debug(command);
                }
            }
            UiCommand::WriteBytes { offset, bytes } => {
                let op = Op::Write {
                    at: Expr::literal(offset),
                    data: Data::Literal(Input::Bytes(bytes)),
                };
                self.send_steps(vec![recipe::Step::new(op)], Vec::new(), false);
            }
            UiCommand::SaveSessionDialog => self.choose_file(
                FileRequest::save("Save the session", "session.toml", UiCommand::SaveSession)
                    .filter("wasmscope session", &["toml"]),
            ),
            UiCommand::SaveSession(path) => self.save_session(path),
            UiCommand::ExportDialog(lang) => self.export_dialog(lang),
            UiCommand::ExportTo(lang, path) => self.export_to(lang, path),
            UiCommand::CopyExport(lang) => self.copy_export(lang),
            UiCommand::SavePictureDialog => self.save_picture_dialog(),
            UiCommand::SaveAnimationDialog => self.save_animation_dialog(),
            UiCommand::SaveAnimation(path) => self.save_animation(path),
            UiCommand::SavePicture(path) => self.save_picture(path),
            UiCommand::CopyPicture => self.copy_picture(),
            UiCommand::StartLesson(index) => self.start_bundled_lesson(index),
            UiCommand::LessonNext => self.lesson_next(),
            UiCommand::LessonBack => self.lesson_back(),
            UiCommand::LeaveLesson => self.state.doc.lesson = None,
            UiCommand::CallComponent { name, args } => {
                let op = Op::Invoke { export: name, args };
                self.send_steps(vec![recipe::Step::new(op)], Vec::new(), false);
            }
            UiCommand::OpenSessionDialog => self.choose_file(
                FileRequest::open("Open a session", UiCommand::OpenSession)
                    .filter("wasmscope session", &["toml"]),
            ),
            UiCommand::OpenSession(path) => self.worker.send(Command::ReadSession(path)),
            UiCommand::AnswerSession(answer) => {
                if let (Some(offer), Some(grant)) = (self.state.offer.take(), answer) {
                    let mut session = offer.session;
                    if !grant {
                        session.host = session.host.without_grants();
                        self.state.push_log(
                            LogKind::Info,
                            "The session runs without the folders and environment it asked for.",
                        );
                    }
                    self.open_session(session);
                }
            }
            UiCommand::ViewStep(index) => self.state.view_step(index),
            UiCommand::StepBack => self.state.step_back(),
            UiCommand::RunBackToWrite(range) => self.state.run_back_to_write(range),
            UiCommand::Scrub { entry, at } => self.state.scrub(entry, at),
            UiCommand::CompareWith(other) => self.state.compare_with(other),
            UiCommand::StepTimeline(delta) => self.state.step_timeline(delta),
            UiCommand::ContinueFrom(index) => self.rewind(index + 1),
            UiCommand::RestartEngine => self.restart_engine(),
            UiCommand::SelectMemory(name) => self.worker.send(Command::SelectMemory(name)),
            UiCommand::Stop => self.worker.stop(),
            UiCommand::SetLimits(limits) => {
                if self.state.doc.instance.session.limits.is_some() {
                    self.state.doc.instance.session.limits = Some(limits.settings());
                }
                self.worker.send(Command::SetLimits(limits));
            }
            UiCommand::SetHost(host) => self.worker.send(Command::SetHost(host)),
            UiCommand::SetRecord(record) => self.worker.send(Command::SetRecord(record)),
            UiCommand::SetWriteCap(cap) => self.worker.send(Command::SetWriteCap(cap)),
            UiCommand::SetSourceDir(dir) => self.state.source_dir = dir,
            UiCommand::SetCompiler(choice) => self.worker.send(Command::SetCompiler(choice)),
            UiCommand::RecompileOptimised => {
                if self.state.can_step() {
                    self.reload_session(Some(CompilerChoice::Cranelift));
                }
            }
            // A component's calls are made again (its stubs may answer differently).
            UiCommand::Reload if self.state.doc.component().is_some() => self.reload_session(None),
            UiCommand::Reload => {
                if let Some(module) = self.state.doc.module() {
                    let (name, bytes) = (module.name.clone(), module.bytes.to_vec());
                    let path = self.state.doc.path.clone();
                    self.load(name, bytes, path);
                }
            }
            UiCommand::SetStub { import, policy } => {
                self.settings.set_stub(import, policy);
                match self.settings.host_settings() {
                    Ok(host) => {
                        // A component's reload replays its session: it takes the new
                        // stubs with it (and keeps the rest of what it was granted).
                        self.state
                            .doc
                            .instance
                            .session
                            .host
                            .stubs
                            .clone_from(&host.stubs);
                        self.state.doc.instance.session.host.default_stub = host.default_stub;
                        self.apply(UiCommand::SetHost(host));
                        self.apply(UiCommand::Reload);
                    }
                    Err(err) => self.state.push_log(
                        LogKind::Error,
                        format!("cannot reload the module: Settings > WASI: {err:#}"),
                    ),
                }
            }
            UiCommand::ClearRecent => self.settings.recent.clear(),
            UiCommand::ToggleSettings => self.settings.open = !self.settings.open,
        }
    }

    /// Loads a module; `path` is where it came from (its emscripten glue may sit
    /// beside it).
    fn load(&mut self, name: String, bytes: Vec<u8>, path: Option<PathBuf>) {
        let generation = self.state.begin_load(name.clone(), path.clone(), None);
        self.worker.send(Command::Load {
            generation,
            name,
            bytes: bytes.into(),
            path,
            session: None,
            compiler: None,
        });
    }

    /// Tells the engine the breakpoints remembered for the module shown.
    pub(super) fn send_breakpoints(&mut self) {
        let pcs = self
            .state
            .doc
            .instance
            .session
            .module
            .sha256
            .as_ref()
            .and_then(|sha| self.settings.breakpoints.get(sha))
            .cloned()
            .unwrap_or_default();
        self.state.doc.breakpoints = pcs.clone();
        // A paused call takes them at once (the worker waits for its end).
        if self.state.doc.paused.is_some() {
            self.worker.debug(DebugCommand::SetBreakpoints(pcs.clone()));
        }
        self.worker.send(Command::SetBreakpoints(pcs));
    }

    /// Instantiates the module again and replays the first `keep` steps of the
    /// session; the later ones are dropped.
    pub(super) fn rewind(&mut self, keep: usize) {
        self.state.view_step(None);
        if self.state.can_step() {
            self.state.generation += 1;
            self.state.replaying(keep);
            self.state.doc.stage_steps.retain(|&step, _| step < keep);
            self.worker.send(Command::Rewind {
                generation: self.state.generation,
                keep,
            });
        }
    }

    /// Replays `session` on a fresh instance of the module it names; a lesson starts
    /// at its introduction instead.
    pub(super) fn open_session(&mut self, session: Recipe) {
        if session.lesson.is_some() {
            self.start_lesson(session, None);
            return;
        }
        self.state.view_step(None);
        let path = session.module.path.clone();
        let generation = self.state.begin_load(file_name(&path), Some(path), None);
        self.state.replaying(session.steps.len());
        self.worker.send(Command::OpenSession {
            generation,
            session: Box::new(session),
        });
    }

    fn save_session(&mut self, path: PathBuf) {
        let bytes = match (self.state.doc.module(), self.state.doc.component()) {
            (Some(module), _) => Arc::clone(&module.bytes),
            (None, Some(component)) => Arc::clone(&component.bytes),
            (None, None) => {
                self.state
                    .push_log(LogKind::Error, "Open a module before saving a session.");
                return;
            }
        };
        let without_file = self.state.doc.path.is_none();
        self.worker.send(Command::SaveSession {
            path,
            session: Box::new(self.state.doc.instance.session.clone()),
            module: without_file.then_some(bytes),
        });
    }

    /// Runs walkthrough `stages` as one command (Run all sends them all).
    fn run_stages(&mut self, stages: &[Stage], step_into: bool) {
        let mut steps = Vec::new();
        let mut ends = Vec::new();
        let mut input = self.state.session_input();
        for &stage in stages {
            match self.state.doc.walk.steps(stage, input.as_ref()) {
                Ok(stage_steps) => {
                    if let Some(recipe::Step {
                        op: Op::Input(given),
                        ..
                    }) = stage_steps.first()
                    {
                        input = Some(given.clone());
                    }
                    steps.extend(stage_steps);
                    ends.push((steps.len(), stage));
                }
                Err(err) => {
                    self.state
                        .push_log(LogKind::Error, format!("{}: {err:#}", stage.label()));
                    return;
                }
            }
        }
        self.send_steps(steps, ends, step_into);
    }

    /// Sends steps to run; `stage_ends` marks, by count of steps, where each
    /// walkthrough stage ends.
    pub(super) fn send_steps(
        &mut self,
        steps: Vec<recipe::Step>,
        stage_ends: Vec<(usize, Stage)>,
        step_into: bool,
    ) {
        if !self.state.can_step() || steps.is_empty() {
            return;
        }
        // A first `input` becomes the session's input, not a step (the worker folds it
        // the same way).
        let folded = usize::from(self.state.doc.instance.session.folds(&steps[0]));
        if folded == 1 {
            self.state.doc.instance.session.push(steps[0].clone());
        }
        let first = self.state.doc.instance.session.steps.len();
        self.state.doc.stages = stage_ends
            .into_iter()
            .map(|(end, stage)| (first + end - 1 - folded, stage))
            .collect();
        self.state.doc.running = Some(Running::new(steps[0].op.describe()));
        self.worker.send(Command::Run { steps, step_into });
    }
}
