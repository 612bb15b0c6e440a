//! What the app remembers between runs (eframe storage): limits and recent files.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::engine::Limits;

use super::UiCommand;

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
    /// Recently opened modules, newest first.
    pub recent: Vec<PathBuf>,
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
            recent: Vec::new(),
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

    /// Puts `path` first in the recent list.
    pub fn remember(&mut self, path: &Path) {
        let path = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        self.recent.retain(|p| *p != path);
        self.recent.insert(0, path);
        self.recent.truncate(RECENT_MAX);
    }
}

/// The Settings window (limits), when open.
pub fn settings_window_ui(ctx: &egui::Context, settings: &mut Settings, cmds: &mut Vec<UiCommand>) {
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
        });
    settings.open = open;
    if settings.limits() != before {
        cmds.push(UiCommand::SetLimits(settings.limits()));
    }
}
