//! The window: one `App` over the engine's worker. Panels draw from `AppState` and
//! push `UiCommand`s; the app applies them after drawing (see ARCHITECTURE.md).

mod commands;
mod context;
mod debugger;
mod document;
mod engine_panel;
mod events;
mod file_chooser;
mod hex_view;
mod inspector;
mod lessons;
mod log_panel;
mod marks;
mod menu;
mod module;
mod settings;
mod state;
mod status_bar;
mod step_results;
mod take_away;
mod timeline;
mod walkthrough;

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Result;

pub use commands::UiCommand;
pub use debugger::{ShownVariables, SourceLine, SourceView};
pub use file_chooser::{ChooserChoice, NO_PORTAL, SystemDialog};
pub use hex_view::{
    CopyAs, HexView, PictureRows, SearchBar, SearchKind, hex_view_ui, resolve_offset,
};
pub use inspector::panel::{EditForm, InspectorPanel};
pub use lessons::bundled_titles as bundled_lesson_titles;
pub use marks::MemoryMarks;
pub use settings::Settings;
pub use state::{
    AppState, Changed, Document, Instance, LoadedModule, Loading, LogEntry, LogKind, Memories,
    Paused, Presentation, Running, SEED_INPUT, SessionOffer, Wasm,
};
pub use take_away::animated::AnimationFormat;
pub use take_away::animation::{Animation, MAX_FRAMES};
pub use take_away::raster::{decode_png, encode_png};
pub use timeline::{Comparison, StepMark, Timeline};
pub use walkthrough::{Stage, Walkthrough, allocator_exports, pointer_len_callables};

use crate::engine::worker::{Command, Event, Received, Worker};
use crate::engine::{CompileCache, CompilerChoice, DebugCommand};
use crate::memory::MapKind;
use context::PanelContext;
use events::Followup;
use file_chooser::Choosers;
use module::call_panel::CallForm;

/// The tabs of the left panel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SideTab {
    /// Exports, imports, globals; call any function.
    Module,
    /// The byte under the cursor, copy and edit.
    Inspector,
    /// Segments, stack, heap, allocations.
    MemoryMap,
    /// The lesson being followed (only while there is one).
    Lesson,
}

/// The bundled demo: the newsletter's `append` guest.
pub const DEMO_MODULE: &[u8] = include_bytes!("../../assets/append.wasm");
/// The demo's display name.
pub const DEMO_NAME: &str = "append.wasm (demo)";
/// The demo's file name (a host program exported from it loads this file).
pub const DEMO_FILE_NAME: &str = "append.wasm";

/// How the app starts.
#[derive(Clone, Debug, Default)]
pub struct AppOptions {
    /// Module to open; the demo when `None`.
    pub module: Option<PathBuf>,
    /// How host addresses are shown.
    pub presentation: Presentation,
    /// Folder for compiled modules (see `engine::default_cache_dir`); none: compile
    /// every time.
    pub compile_cache: Option<PathBuf>,
    /// The compiler, instead of the one in Settings.
    pub compiler: Option<CompilerChoice>,
    /// The source folder, instead of the one in Settings.
    pub source_dir: Option<PathBuf>,
    /// What system file dialog there is, instead of asking the session bus (tests, and
    /// `shot`, which opens none).
    pub system_dialog: Option<SystemDialog>,
}

/// The wasmscope window.
pub struct App {
    state: AppState,
    worker: Worker,
    settings: Settings,
    hex: HexView,
    call_form: CallForm,
    inspector: InspectorPanel,
    tab: SideTab,
    hidden_layers: BTreeSet<MapKind>,
    commands: Vec<UiCommand>,
    /// The system file dialog and wasmscope's own chooser.
    files: Choosers,
    /// Where the worker compiles to and wakes the window; kept to start it again.
    engine_setup: EngineSetup,
    /// The text size last applied (`Settings::large_text`).
    large_text_applied: Option<bool>,
}

/// What a new worker needs.
#[derive(Clone)]
struct EngineSetup {
    cache_dir: Option<PathBuf>,
    ctx: egui::Context,
}

impl EngineSetup {
    /// Starts a worker with the settings' limits and host.
    fn spawn(&self, settings: &Settings) -> Result<(Worker, Option<String>)> {
        let (cache, cache_error) = match self.cache_dir.as_deref().map(CompileCache::open) {
            Some(Ok(cache)) => (Some(cache), None),
            Some(Err(err)) => (
                None,
                Some(format!("{err:#}; modules are compiled every time")),
            ),
            None => (None, None),
        };
        let ctx = self.ctx.clone();
        let worker = Worker::spawn(settings.limits(), cache, move || ctx.request_repaint())?;
        if let Ok(host) = settings.host_settings() {
            worker.send(Command::SetHost(host));
        }
        worker.send(Command::SetRecord(settings.record_writes));
        worker.send(Command::SetWriteCap(settings.writes_per_step.max(1)));
        worker.send(Command::SetCompiler(settings.compiler));
        Ok((worker, cache_error))
    }
}

impl App {
    /// Builds the app, starts the engine thread and loads the first module.
    pub fn new(cc: &eframe::CreationContext<'_>, options: AppOptions) -> Result<Self> {
        let settings: Settings = cc
            .storage
            .and_then(|s| eframe::get_value::<Settings>(s, eframe::APP_KEY))
            .unwrap_or_default();
        Self::with_context(cc.egui_ctx.clone(), settings, options)
    }

    /// Builds the app on `ctx` with `settings`, without a window: `wasmscope shot`
    /// runs it headless and pictures its hex view.
    pub fn with_context(
        ctx: egui::Context,
        mut settings: Settings,
        options: AppOptions,
    ) -> Result<Self> {
        if let Some(compiler) = options.compiler {
            settings.compiler = compiler;
        }
        if let Some(dir) = &options.source_dir {
            settings.source_dir = dir.display().to_string();
        }
        let engine_setup = EngineSetup {
            cache_dir: options.compile_cache.clone(),
            ctx,
        };
        let (worker, cache_error) = engine_setup.spawn(&settings)?;
        let mut app = Self {
            state: AppState {
                presentation: options.presentation,
                source_dir: settings.source_folder(),
                ..AppState::default()
            },
            worker,
            settings,
            hex: HexView::default(),
            call_form: CallForm::default(),
            inspector: InspectorPanel::default(),
            tab: SideTab::Module,
            hidden_layers: BTreeSet::new(),
            commands: Vec::new(),
            files: Choosers::new(options.system_dialog),
            engine_setup,
            large_text_applied: None,
        };
        if let Some(error) = cache_error {
            app.state.push_log(LogKind::Error, error);
        }
        match options.module {
            // A session file is replayed (after the consent it may need).
            Some(path) if path.extension().is_some_and(|e| e == "toml") => {
                app.apply(UiCommand::OpenSession(path));
            }
            Some(path) => app.apply(UiCommand::Open(path)),
            None => app.apply(UiCommand::LoadBytes {
                name: DEMO_NAME.to_owned(),
                bytes: DEMO_MODULE.to_vec(),
            }),
        }
        Ok(app)
    }

    /// What the window shows (for tests).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// The settings (for tests).
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The hex view's scroll position, cursor and fields (for tests).
    pub fn hex(&self) -> &HexView {
        &self.hex
    }

    /// The hex view, to move its cursor (for tests).
    pub fn hex_mut(&mut self) -> &mut HexView {
        &mut self.hex
    }

    /// Sends a command straight to the engine thread (tests use it to reach what no
    /// button does, such as `Command::Panic`).
    pub fn send_to_engine(&self, command: Command) {
        self.worker.send(command);
    }

    /// The left panel's tab.
    pub fn tab(&self) -> SideTab {
        self.tab
    }

    /// Waits up to `timeout` for one worker event and applies it; `false` on timeout.
    /// Tests use it to step the real asynchronous worker without sleeping.
    pub fn wait_for_event(&mut self, timeout: Duration) -> bool {
        match self.worker.recv_timeout(timeout) {
            Some(event) => {
                self.handle_event(event);
                true
            }
            None => false,
        }
    }

    fn drain_events(&mut self) {
        if self.state.engine_stopped.is_some() {
            return;
        }
        loop {
            match self.worker.try_recv() {
                Received::Event(event) => self.handle_event(event),
                Received::Empty => break,
                Received::Dead(why) => {
                    self.state.engine_died(why);
                    break;
                }
            }
        }
    }

    /// Starts a new engine thread after the old one died, and loads the module and
    /// replays the session again.
    fn restart_engine(&mut self) {
        match self.engine_setup.spawn(&self.settings) {
            Ok((worker, _)) => {
                self.worker = worker;
                self.state.engine_stopped = None;
                self.state.doc.running = None;
                self.state.push_log(LogKind::Info, "Started a new engine.");
                self.reload_session(None);
            }
            Err(err) => self
                .state
                .push_log(LogKind::Error, format!("cannot start the engine: {err:#}")),
        }
    }

    /// Loads the module shown again (compiled by `compiler`, else as Settings say)
    /// and replays the session on it: memory ends as it was.
    pub(super) fn reload_session(&mut self, compiler: Option<CompilerChoice>) {
        let doc = &self.state.doc;
        let Some(wasm) = &doc.wasm else {
            return;
        };
        let (name, bytes) = (wasm.name().to_owned(), wasm.bytes().clone());
        let (path, lesson) = (doc.path.clone(), doc.lesson.clone());
        // The same module again: the lesson followed on it goes on.
        let generation = self.state.begin_load(name.clone(), path.clone(), lesson);
        self.state
            .replaying(self.state.doc.instance.session.steps.len());
        self.worker.send(Command::Load {
            generation,
            name,
            bytes,
            path,
            session: Some(Box::new(self.state.doc.instance.session.clone())),
            compiler,
        });
    }

    fn handle_event(&mut self, event: Event) {
        let loaded = matches!(event, Event::Loaded { .. });
        if let Some(Followup::OpenSession(session)) = self.state.apply(event) {
            self.open_session(*session);
        }
        if loaded {
            self.hex.reset();
            self.call_form = CallForm::default();
            if let Some(path) = &self.state.doc.path {
                self.settings.remember(path);
            }
            self.send_breakpoints();
        }
    }

    /// Brings into view what the state asked to (a step's region, a scrubbed write),
    /// once the events and commands that asked have been applied.
    fn reveal_asked(&mut self) {
        if let Some(offset) = self.state.reveal.take() {
            self.apply(UiCommand::Reveal {
                offset,
                cursor: false,
            });
        }
    }
}

impl App {
    /// The side panel: the Module, Inspector and Memory map tabs.
    fn side_panel_ui(&mut self, ui: &mut egui::Ui) {
        let cmds = &mut self.commands;
        egui::Panel::left("side")
            .resizable(true)
            .default_size(340.0)
            // Wider would push the hex view's ASCII column off a 1280-pixel window.
            .max_size(420.0)
            .show(ui, |ui| {
                // A lesson's load keeps its tab until the lesson arrives with it.
                let lesson = self.state.doc.lesson.is_some() || self.state.loading.is_some();
                if !lesson && self.tab == SideTab::Lesson {
                    self.tab = SideTab::Module;
                }
                ui.horizontal(|ui| {
                    if self.state.doc.lesson.is_some() {
                        ui.selectable_value(&mut self.tab, SideTab::Lesson, "Lesson");
                    }
                    ui.selectable_value(&mut self.tab, SideTab::Module, "Module");
                    ui.selectable_value(&mut self.tab, SideTab::Inspector, "Inspector");
                    ui.selectable_value(&mut self.tab, SideTab::MemoryMap, "Memory map");
                });
                ui.separator();
                let mut ctx = PanelContext::new(&self.state, &self.hex, cmds);
                match self.tab {
                    SideTab::Module => {
                        module::panel::module_ui(ui, &mut self.call_form, &self.settings, &mut ctx)
                    }
                    SideTab::Inspector => self.inspector.ui(ui, &mut ctx),
                    SideTab::MemoryMap => inspector::memory_map_panel::memory_map_ui(
                        ui,
                        &mut ctx,
                        &mut self.hidden_layers,
                    ),
                    SideTab::Lesson => lessons::panel::lesson_ui(ui, &mut ctx),
                }
            });
    }
}

impl eframe::App for App {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.drain_events();
        self.state.poll_scrub();
        if self.state.doc.instance.timeline.building().is_some() {
            // A scrubber's replay is being built: look again soon.
            ctx.request_repaint_after(Duration::from_millis(50));
        }
        self.reveal_asked();
        menu::dropped_files(ctx, &mut self.commands);
        if self.state.running().is_some() {
            // Keep the elapsed time and spinner moving while a call runs.
            ctx.request_repaint_after(Duration::from_millis(100));
        }
        // wasmscope's own file chooser takes the keys while it asks, as a system
        // dialog would.
        if self.files.is_open() {
            return;
        }
        menu::shortcuts(ctx, &self.state, &mut self.commands);
        ctx.input_mut(|input| {
            if input.consume_shortcut(&timeline::panel::BACK) {
                self.commands.push(UiCommand::StepTimeline(-1));
            }
            if input.consume_shortcut(&timeline::panel::FORWARD) {
                self.commands.push(UiCommand::StepTimeline(1));
            }
            let paused = self.state.doc.paused.is_some();
            let debug_keys = [
                (debugger::panel::STEP_OUT, DebugCommand::StepOut),
                (debugger::panel::STEP, DebugCommand::Step),
                (debugger::panel::STEP_OVER, DebugCommand::StepOver),
                (debugger::panel::CONTINUE, DebugCommand::Continue),
            ];
            for (shortcut, command) in debug_keys {
                if paused && input.consume_shortcut(&shortcut) {
                    self.commands.push(UiCommand::Debug(command));
                }
            }
            // Nothing paused: F11 steps into the walkthrough's call when it is next.
            if !paused
                && self.state.doc.walk.next_stage() == Some(Stage::Call)
                && input.consume_shortcut(&debugger::panel::STEP)
            {
                self.commands.push(UiCommand::StepIntoCall);
            }
        });
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let cmds = &mut self.commands;
        egui::Panel::top("menu").show(ui, |ui| {
            menu::menu_bar_ui(ui, &mut self.settings, cmds);
        });
        if self.large_text_applied != Some(self.settings.large_text) {
            menu::apply_text_size(ui.ctx(), self.settings.large_text);
            self.large_text_applied = Some(self.settings.large_text);
        }
        egui::Panel::bottom("status").show(ui, |ui| {
            status_bar::status_bar_ui(ui, &self.state, cmds);
        });
        if self.settings.show_log {
            egui::Panel::bottom("log")
                .resizable(true)
                .default_size(170.0)
                .show(ui, |ui| {
                    log_panel::log_ui(ui, &self.state.log, self.state.log_focus());
                });
        }
        if self.settings.show_side {
            self.side_panel_ui(ui);
        }
        let cmds = &mut self.commands;
        egui::CentralPanel::default().show(ui, |ui| {
            engine_panel::engine_stopped_ui(ui, &self.state, cmds);
            // A lesson drives the steps itself; a component is called from its panel;
            // a paused call needs the room for its code and memory (and no step can
            // run until it ends).
            let walkthrough = self.state.doc.lesson.is_none()
                && self.state.doc.component().is_none()
                && self.state.doc.paused.is_none();
            let mut ctx = PanelContext::new(&self.state, &self.hex, cmds);
            if walkthrough {
                walkthrough::panel::walkthrough_ui(ui, &mut ctx);
                ui.separator();
            }
            timeline::panel::timeline_ui(ui, &mut ctx);
            if self.state.doc.paused.is_some() {
                ui.separator();
                debugger::panel::debugger_ui(ui, &mut ctx);
            }
            ui.separator();
            hex_view::hex_view_ui(ui, &mut self.hex, &self.state, &self.hidden_layers, cmds);
        });
        let system = self.files.system();
        settings::settings_window_ui(ui.ctx(), &mut self.settings, system, cmds);
        engine_panel::session_offer_ui(ui.ctx(), &self.state, cmds);
        self.file_chooser_ui(ui.ctx());
        for command in std::mem::take(&mut self.commands) {
            self.apply(command);
        }
        self.reveal_asked();
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, eframe::APP_KEY, &self.settings);
    }
}

/// Opens the window (blocking until it closes).
pub fn run_native(options: AppOptions) -> Result<()> {
    let native = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("wasmscope")
            .with_inner_size([1280.0, 800.0])
            .with_min_inner_size([800.0, 500.0])
            .with_drag_and_drop(true),
        ..Default::default()
    };
    eframe::run_native(
        "wasmscope",
        native,
        Box::new(move |cc| Ok(Box::new(App::new(cc, options)?))),
    )
    .map_err(|err| anyhow::anyhow!("cannot open the window: {err}"))
}
