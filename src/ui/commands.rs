//! What panels ask for, applied by the app after the frame is drawn.

use std::path::PathBuf;

use crate::engine::worker::Command;
use crate::engine::{HostConfig, Limits, Step, StubPolicy, Value};
use crate::inspect::load_module_bytes;

use super::App;
use super::state::LogKind;
use super::walkthrough::Stage;

/// An intent from a panel, a shortcut or a dropped file.
#[derive(Clone, Debug, PartialEq)]
pub enum UiCommand {
    /// Show the native file dialog, then open the chosen module.
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
    /// Run one walkthrough stage.
    Stage(Stage),
    /// Run the remaining walkthrough stages in order.
    RunAll,
    /// Start the walkthrough over (keeps the input and choices).
    ResetWalkthrough,
    /// Call any export with typed arguments.
    Call {
        /// Export name.
        export: String,
        /// Arguments.
        args: Vec<Value>,
    },
    /// Write bytes into linear memory (an edit in the hex view), as a step.
    WriteBytes {
        /// Guest offset.
        offset: u64,
        /// The bytes.
        bytes: Vec<u8>,
    },
    /// Show another exported memory.
    SelectMemory(String),
    /// Interrupt the running call.
    Stop,
    /// New limits for the following calls.
    SetLimits(Limits),
    /// Provide imports this way from the next load on.
    SetHost(HostConfig),
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
}

impl App {
    /// Applies one command.
    pub fn apply(&mut self, command: UiCommand) {
        match command {
            UiCommand::OpenDialog => {
                let picked = rfd::FileDialog::new()
                    .add_filter("WebAssembly module", &["wasm", "wat", "wast"])
                    .add_filter("Any file", &["*"])
                    .pick_file();
                if let Some(path) = picked {
                    self.apply(UiCommand::Open(path));
                }
            }
            UiCommand::Open(path) => match load_module_bytes(&path) {
                Ok(bytes) => {
                    self.settings.remember(&path);
                    let name = path.file_name().map_or_else(
                        || path.display().to_string(),
                        |n| n.to_string_lossy().into_owned(),
                    );
                    self.load(name, bytes, Some(path));
                }
                Err(err) => self.state.push_log(LogKind::Error, format!("{err:#}")),
            },
            UiCommand::LoadBytes { name, bytes } => self.load(name, bytes, None),
            UiCommand::Stage(stage) => self.run_stage(stage),
            UiCommand::RunAll => {
                if let Some(stage) = self.state.walk.next_stage() {
                    self.state.run_all = true;
                    self.run_stage(stage);
                }
            }
            UiCommand::ResetWalkthrough => {
                self.state.walk.reset_progress();
                self.state.regions.clear();
            }
            UiCommand::Call { export, args } => self.send_step(Step::Call { export, args }, None),
            UiCommand::WriteBytes { offset, bytes } => {
                self.send_step(Step::Write { ptr: offset, bytes }, None);
            }
            UiCommand::SelectMemory(name) => self.worker.send(Command::SelectMemory(name)),
            UiCommand::Stop => self.worker.stop(),
            UiCommand::SetLimits(limits) => self.worker.send(Command::SetLimits(limits)),
            UiCommand::SetHost(host) => self.worker.send(Command::SetHost(host)),
            UiCommand::Reload => {
                if let Some(module) = &self.state.module {
                    let (name, bytes) = (module.name.clone(), module.bytes.to_vec());
                    let path = self.state.module_path.clone();
                    self.load(name, bytes, path);
                }
            }
            UiCommand::SetStub { import, policy } => {
                self.settings.set_stub(import, policy);
                match self.settings.host() {
                    Ok(host) => {
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
        self.state.loading = Some(name.clone());
        self.state.loading_path = path;
        self.worker.send(Command::Load {
            name,
            bytes: bytes.into(),
        });
    }

    fn run_stage(&mut self, stage: Stage) {
        let wide = self.state.memory_is_64();
        match self.state.walk.step(stage, wide) {
            Ok(step) => self.send_step(step, Some(stage)),
            Err(err) => {
                self.state.run_all = false;
                self.state
                    .push_log(LogKind::Error, format!("{}: {err:#}", stage.label()));
            }
        }
    }

    fn send_step(&mut self, step: Step, stage: Option<Stage>) {
        if self.state.running.is_some() || !self.state.ready || self.state.loading.is_some() {
            return;
        }
        self.state.started(step.clone(), stage);
        self.worker.send(Command::Step(step));
    }
}
