//! What the app remembers between runs (eframe storage): limits, how imports are
//! provided (stubs, WASI), the file chooser, and recent files.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use anyhow::{Result, bail};

use crate::engine::{CompilerChoice, Limits, StubPolicy, TRACED_WRITES_PER_STEP};
use crate::recipe::HostSettings;

use super::UiCommand;
use super::file_chooser::{ChooserChoice, SystemDialog};

/// How many recent files to keep.
const RECENT_MAX: usize = 10;

/// Persisted settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Time limit per call.
    pub timeout_ms: u64,
    /// Memory limit in MiB.
    pub memory_limit_mb: u64,
    /// Whether stubbed imports trap instead of returning zeros.
    pub stubs_trap: bool,
    /// Whether every write is recorded to its instruction (from the next load).
    pub record_writes: bool,
    /// Most writes listed per step (later ones are only counted).
    pub writes_per_step: usize,
    /// Which compiler loads use.
    pub compiler: CompilerChoice,
    /// Where source files DWARF names are looked for (empty: only where DWARF says).
    pub source_dir: String,
    /// Whether the side panel (Module, Inspector, Memory map) is shown.
    pub show_side: bool,
    /// Whether the step log is shown.
    pub show_log: bool,
    /// Larger text everywhere, for projectors (on top of the zoom).
    pub large_text: bool,
    /// Per-import policies that differ from the default, keyed `module.name`; set in
    /// the Module tab's import list, kept for any module importing that name.
    pub stub_overrides: BTreeMap<String, StubPolicy>,
    /// Breakpoints (module offsets) by the SHA-256 of the module they were set in.
    pub breakpoints: BTreeMap<String, Vec<u64>>,
    /// WASI arguments after the program name, separated by spaces.
    pub wasi_args: String,
    /// WASI environment, one `KEY=VALUE` a line.
    pub wasi_env: String,
    /// A folder WASI guests may read and write (empty: none).
    pub wasi_dir: String,
    /// Recently opened modules, newest first.
    pub recent: Vec<PathBuf>,
    /// Which file chooser File ▸ Open… and the other file questions use.
    pub file_chooser: ChooserChoice,
    /// Whether the settings window is open.
    #[serde(skip)]
    pub open: bool,
}

impl Default for Settings {
    fn default() -> Self {
        let limits = Limits::default();
        Self {
            timeout_ms: limits.timeout_ms,
            memory_limit_mb: limits.memory_limit_bytes >> 20,
            stubs_trap: false,
            record_writes: true,
            writes_per_step: TRACED_WRITES_PER_STEP,
            compiler: CompilerChoice::default(),
            source_dir: String::new(),
            show_side: true,
            show_log: true,
            large_text: false,
            stub_overrides: BTreeMap::new(),
            breakpoints: BTreeMap::new(),
            wasi_args: String::new(),
            wasi_env: String::new(),
            wasi_dir: String::new(),
            recent: Vec::new(),
            file_chooser: ChooserChoice::default(),
            open: false,
        }
    }
}

impl Settings {
    /// The engine limits these settings describe.
    pub fn limits(&self) -> Limits {
        Limits {
            timeout_ms: self.timeout_ms.max(1),
            memory_limit_bytes: self.memory_limit_mb.max(1).saturating_mul(1 << 20),
        }
    }

    /// The source folder, if one is set.
    pub fn source_folder(&self) -> Option<PathBuf> {
        let dir = self.source_dir.trim();
        (!dir.is_empty()).then(|| PathBuf::from(dir))
    }

    /// How imports are provided, or why the WASI fields cannot be read.
    pub fn host_settings(&self) -> Result<HostSettings> {
        let mut wasi_env = Vec::new();
        for line in self.wasi_env.lines().filter(|l| !l.trim().is_empty()) {
            let Some((key, value)) = line.split_once('=') else {
                bail!("`{line}` is not KEY=VALUE");
            };
            wasi_env.push((key.trim().to_owned(), value.to_owned()));
        }
        let dir = self.wasi_dir.trim();
        Ok(HostSettings {
            default_stub: self.default_stub(),
            stubs: self.stub_overrides.clone(),
            wasi_args: self
                .wasi_args
                .split_whitespace()
                .map(str::to_owned)
                .collect(),
            wasi_env,
            wasi_dirs: (!dir.is_empty())
                .then(|| PathBuf::from(dir))
                .into_iter()
                .collect(),
        })
    }

    /// What stubbed imports do unless overridden.
    pub fn default_stub(&self) -> StubPolicy {
        if self.stubs_trap {
            StubPolicy::Trap
        } else {
            StubPolicy::Zeros
        }
    }

    /// Sets the policy of one import (`None`: back to the default).
    pub fn set_stub(&mut self, import: String, policy: Option<StubPolicy>) {
        match policy {
            Some(policy) => self.stub_overrides.insert(import, policy),
            None => self.stub_overrides.remove(&import),
        };
    }

    /// Puts `path` first in the recent list.
    pub fn remember(&mut self, path: &Path) {
        let path = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        self.recent.retain(|p| *p != path);
        self.recent.insert(0, path);
        self.recent.truncate(RECENT_MAX);
    }
}

/// The Settings window (limits, imports, the file chooser), when open; `system` is the
/// system file dialog found, once the probe has answered.
pub fn settings_window_ui(
    ctx: &egui::Context,
    settings: &mut Settings,
    system: Option<SystemDialog>,
    cmds: &mut Vec<UiCommand>,
) {
    let mut open = settings.open;
    let before = settings.limits();
    egui::Window::new("Settings")
        .open(&mut open)
        .resizable(false)
        .collapsible(false)
        .show(ctx, |ui| {
            egui::Grid::new("settings_grid")
                .num_columns(2)
                .show(ui, |ui| {
                    let label = ui.label("Time limit per call (ms)");
                    ui.add(
                        egui::DragValue::new(&mut settings.timeout_ms)
                            .range(1..=600_000)
                            .speed(10),
                    )
                    .labelled_by(label.id);
                    ui.end_row();
                    let label = ui.label("Memory limit (MiB)");
                    ui.add(
                        egui::DragValue::new(&mut settings.memory_limit_mb)
                            .range(1..=65_536)
                            .speed(16),
                    )
                    .labelled_by(label.id);
                    ui.end_row();
                });
            ui.label(
                "A guest that runs past the time limit is interrupted; \
                 one that grows memory past the limit traps.",
            );
            ui.separator();
            let recorded = ui
                .checkbox(
                    &mut settings.record_writes,
                    "Record every write to the instruction that made it",
                )
                .on_hover_text(
                    "Hovering a byte says which instruction wrote it, and the Memory map \
                     who wrote what, and a step's writes can be scrubbed through one by one. \
                     The module (or each core module of a component) is instrumented: \
                     calls run a few times slower. Applies when a module loads (Reload \
                     below).",
                );
            if recorded.changed() {
                cmds.push(UiCommand::SetRecord(settings.record_writes));
            }
            ui.horizontal(|ui| {
                let label = ui.label("Writes kept per step");
                let cap = ui
                    .add(
                        egui::DragValue::new(&mut settings.writes_per_step)
                            .range(1_000..=100_000_000)
                            .speed(10_000),
                    )
                    .labelled_by(label.id)
                    .on_hover_text(
                        "A step's writes past this many are only counted: who wrote those \
                         bytes is not known, and the scrubber stops there. Each kept byte \
                         store costs about nine bytes of memory.",
                    );
                if cap.changed() {
                    cmds.push(UiCommand::SetWriteCap(settings.writes_per_step));
                }
            });
            compiler_ui(ui, settings, cmds);
            ui.horizontal(|ui| {
                let label = ui.label("Source folder");
                let field = ui
                    .add(
                        egui::TextEdit::singleline(&mut settings.source_dir)
                            .hint_text("where your sources are, if not where DWARF says")
                            .desired_width(280.0),
                    )
                    .labelled_by(label.id)
                    .on_hover_text(
                        "A paused function's source file is looked for at the path its \
                         DWARF records, then below this folder (the build was elsewhere), \
                         then below the module's folder and its parents.",
                    );
                if field.changed() {
                    cmds.push(UiCommand::SetSourceDir(settings.source_folder()));
                }
            });
            file_chooser_ui(ui, settings, system);
            ui.separator();
            imports_ui(ui, settings, cmds);
        });
    settings.open = open;
    if settings.limits() != before {
        cmds.push(UiCommand::SetLimits(settings.limits()));
    }
}

/// Which compiler loads use: Winch compiles fast, Cranelift makes fast code.
fn compiler_ui(ui: &mut egui::Ui, settings: &mut Settings, cmds: &mut Vec<UiCommand>) {
    let before = settings.compiler;
    ui.horizontal(|ui| {
        let label = ui.label("Compiler");
        egui::ComboBox::from_id_salt("compiler")
            .selected_text(settings.compiler.label())
            .show_ui(ui, |ui| {
                for choice in CompilerChoice::ALL {
                    ui.selectable_value(&mut settings.compiler, choice, choice.label());
                }
            })
            .response
            .labelled_by(label.id)
            .on_hover_text(
                "Winch compiles about five times faster, Cranelift makes faster code. \
                 Applies when a module loads; stepping always uses Cranelift.",
            );
    });
    if settings.compiler != before {
        cmds.push(UiCommand::SetCompiler(settings.compiler));
    }
}

/// Which file chooser file questions use, and what automatic finds here.
fn file_chooser_ui(ui: &mut egui::Ui, settings: &mut Settings, system: Option<SystemDialog>) {
    ui.horizontal(|ui| {
        let label = ui.label("File chooser");
        egui::ComboBox::from_id_salt("file_chooser")
            .selected_text(settings.file_chooser.label())
            .show_ui(ui, |ui| {
                for choice in ChooserChoice::ALL {
                    ui.selectable_value(&mut settings.file_chooser, choice, choice.label());
                }
            })
            .response
            .labelled_by(label.id)
            .on_hover_text(
                "System: the desktop's dialog (XDG portal, else zenity). wasmscope's own \
                 works everywhere. Automatic: the system's where there is one.",
            );
    });
    if settings.file_chooser == ChooserChoice::Automatic {
        let found = system.map_or("still looking for the system's…", SystemDialog::describe);
        ui.weak(format!("Automatic here: {found}"));
    }
}

/// How imports are provided: stub policy and what WASI guests see. Changes apply when
/// a module loads; the button reloads the current one.
fn imports_ui(ui: &mut egui::Ui, settings: &mut Settings, cmds: &mut Vec<UiCommand>) {
    let before = settings.clone();
    ui.strong("Imports (used when a module loads)");
    ui.horizontal(|ui| {
        ui.label("Stubbed functions");
        ui.selectable_value(&mut settings.stubs_trap, false, "return zeros");
        ui.selectable_value(&mut settings.stubs_trap, true, "trap");
    });
    if !settings.stub_overrides.is_empty() {
        ui.horizontal(|ui| {
            ui.label(format!(
                "{} import(s) set one by one (Module tab, Imports)",
                settings.stub_overrides.len()
            ))
            .on_hover_text(
                settings
                    .stub_overrides
                    .keys()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join("\n"),
            );
            if ui.button("Use the default for all").clicked() {
                settings.stub_overrides.clear();
            }
        });
    }
    egui::Grid::new("wasi_grid").num_columns(2).show(ui, |ui| {
        let label = ui.label("WASI arguments");
        ui.add(egui::TextEdit::singleline(&mut settings.wasi_args).hint_text("--verbose file.txt"))
            .labelled_by(label.id);
        ui.end_row();
        let label = ui.label("WASI environment");
        ui.add(
            egui::TextEdit::multiline(&mut settings.wasi_env)
                .hint_text("KEY=VALUE, one a line")
                .desired_rows(2),
        )
        .labelled_by(label.id);
        ui.end_row();
        let label = ui.label("Folder WASI may use");
        ui.add(egui::TextEdit::singleline(&mut settings.wasi_dir).hint_text("none"))
            .labelled_by(label.id);
        ui.end_row();
    });
    let host = settings.host_settings();
    if let Err(err) = &host {
        ui.colored_label(ui.visuals().error_fg_color, format!("{err:#}"));
    }
    let changed = *settings != before;
    if let (true, Ok(host)) = (changed, &host) {
        cmds.push(UiCommand::SetHost(host.clone()));
    }
    if ui
        .add_enabled(
            host.is_ok(),
            egui::Button::new("Reload the module with these"),
        )
        .clicked()
    {
        cmds.push(UiCommand::Reload);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_follows_the_fields() {
        let settings = Settings {
            stubs_trap: true,
            wasi_args: "a  b".into(),
            wasi_env: "X=1\n\nY=two=2\n".into(),
            wasi_dir: " /tmp ".into(),
            ..Settings::default()
        };
        let host = settings.host_settings().unwrap();
        assert_eq!(host.default_stub, StubPolicy::Trap);
        assert_eq!(host.wasi_args, vec!["a", "b"]);
        assert_eq!(
            host.wasi_env,
            vec![("X".into(), "1".into()), ("Y".into(), "two=2".into())]
        );
        assert_eq!(host.wasi_dirs, vec![PathBuf::from("/tmp")]);
        assert_eq!(
            Settings::default().host_settings().unwrap(),
            HostSettings::default()
        );
        let bad = Settings {
            wasi_env: "NOEQUALS".into(),
            ..Settings::default()
        };
        assert!(
            bad.host_settings()
                .unwrap_err()
                .to_string()
                .contains("KEY=VALUE")
        );
    }
}
