//! Search: text, hex bytes or a typed number; next and previous with wrap-around,
//! run on a background thread over an `Arc` snapshot so the window stays smooth even
//! over 4 GiB. Matches on screen are highlighted.

use std::ops::Range;
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver};

use anyhow::Result;

use crate::memory::{Endian, Needle, NumKind, Snapshot, find_all, find_next, find_prev};

use super::HexView;

/// What the search text means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SearchKind {
    /// UTF-8 text.
    Text,
    /// Hex bytes.
    Hex,
    /// A number of this type, in the chosen byte order.
    Number(NumKind),
}

impl SearchKind {
    fn label(self) -> String {
        match self {
            Self::Text => "text".to_owned(),
            Self::Hex => "hex".to_owned(),
            Self::Number(kind) => kind.name().to_owned(),
        }
    }
}

/// A search in progress: the worker thread's answer (match offset, wrapped around).
#[derive(Debug)]
struct Job {
    answer: Receiver<Option<(u64, bool)>>,
    len_bytes: u64,
}

/// The search bar's state.
#[derive(Debug)]
pub struct SearchBar {
    /// How the text is read.
    pub kind: SearchKind,
    /// What the user typed.
    pub text: String,
    /// Byte order for numbers.
    pub endian: Endian,
    /// The last search's outcome, or why the text is not a needle.
    pub status: Option<Result<String, String>>,
    /// The needle of the last search (for highlighting matches).
    needle: Option<Needle>,
    job: Option<Job>,
}

impl Default for SearchBar {
    fn default() -> Self {
        Self {
            kind: SearchKind::Text,
            text: String::new(),
            endian: Endian::Little,
            status: None,
            needle: None,
            job: None,
        }
    }
}

impl SearchBar {
    fn needle(&self) -> Result<Needle> {
        match self.kind {
            SearchKind::Text => Needle::text(&self.text),
            SearchKind::Hex => Needle::hex(&self.text),
            SearchKind::Number(kind) => Needle::typed(kind, &self.text, self.endian),
        }
    }

    /// Whether a search is running.
    pub fn is_running(&self) -> bool {
        self.job.is_some()
    }

    /// Starts a search from the cursor, forward or backward, wrapping around.
    pub fn start(
        &mut self,
        ctx: &egui::Context,
        snapshot: Arc<Snapshot>,
        cursor: u64,
        forward: bool,
    ) {
        let needle = match self.needle() {
            Ok(needle) => needle,
            Err(err) => {
                self.status = Some(Err(format!("{err:#}")));
                self.needle = None;
                return;
            }
        };
        let (tx, answer) = mpsc::channel();
        let ctx = ctx.clone();
        let thread_needle = needle.clone();
        let spawned = std::thread::Builder::new()
            .name("wasmscope-search".into())
            .spawn(move || {
                let len = snapshot.len_bytes();
                let found = if forward {
                    find_next(&snapshot, &thread_needle, cursor + 1)
                        .map(|at| (at, false))
                        .or_else(|| find_next(&snapshot, &thread_needle, 0).map(|at| (at, true)))
                } else {
                    find_prev(&snapshot, &thread_needle, cursor)
                        .map(|at| (at, false))
                        .or_else(|| find_prev(&snapshot, &thread_needle, len).map(|at| (at, true)))
                };
                let _ = tx.send(found);
                ctx.request_repaint();
            });
        match spawned {
            Ok(_) => {
                self.job = Some(Job {
                    answer,
                    len_bytes: needle.len_bytes(),
                });
                self.status = Some(Ok("searching…".to_owned()));
                self.needle = Some(needle);
            }
            Err(err) => self.status = Some(Err(format!("cannot start the search: {err}"))),
        }
    }

    /// Takes the answer of a finished search: selects the match.
    pub fn poll(&mut self, view: &mut HexView) {
        let Some(job) = &self.job else {
            return;
        };
        let Ok(found) = job.answer.try_recv() else {
            return;
        };
        let len = job.len_bytes;
        self.job = None;
        self.status = Some(match found {
            Some((at, wrapped)) => {
                view.select(at..at + len.max(1));
                Ok(if wrapped {
                    format!("found at {at:#x} (wrapped around)")
                } else {
                    format!("found at {at:#x}")
                })
            }
            None => Err("not found".to_owned()),
        });
    }

    /// The matches of the last needle inside `visible` (for highlighting).
    pub fn matches(&self, snapshot: &Snapshot, visible: Range<u64>) -> Vec<Range<u64>> {
        let Some(needle) = &self.needle else {
            return Vec::new();
        };
        let len = needle.len_bytes();
        let from = visible.start.saturating_sub(len.saturating_sub(1));
        find_all(snapshot, needle, from..visible.end, 4096)
            .into_iter()
            .map(|at| at..at + len)
            .collect()
    }
}

/// Draws the search row.
pub fn search_ui(
    ui: &mut egui::Ui,
    bar: &mut SearchBar,
    view: &mut HexView,
    snapshot: &Arc<Snapshot>,
) {
    let label = ui.label("Search");
    egui::ComboBox::from_id_salt("search_kind")
        .selected_text(bar.kind.label())
        .width(52.0)
        .show_ui(ui, |ui| {
            ui.selectable_value(&mut bar.kind, SearchKind::Text, "text");
            ui.selectable_value(&mut bar.kind, SearchKind::Hex, "hex");
            for kind in NumKind::ALL {
                ui.selectable_value(&mut bar.kind, SearchKind::Number(kind), kind.name());
            }
        })
        .response
        .on_hover_text("What the search text is: UTF-8 text, hex bytes, or a number");
    let field = ui
        .add(egui::TextEdit::singleline(&mut bar.text).desired_width(120.0))
        .labelled_by(label.id);
    if matches!(bar.kind, SearchKind::Number(_)) {
        ui.selectable_value(&mut bar.endian, Endian::Little, "LE");
        ui.selectable_value(&mut bar.endian, Endian::Big, "BE");
    }
    let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
    let idle = !bar.is_running();
    let cursor = view.cursor.unwrap_or(0);
    if ui.add_enabled(idle, egui::Button::new("Prev")).clicked() {
        bar.start(ui.ctx(), snapshot.clone(), cursor, false);
    }
    if ui.add_enabled(idle, egui::Button::new("Next")).clicked() || (entered && idle) {
        bar.start(ui.ctx(), snapshot.clone(), cursor, true);
    }
    bar.poll(view);
    if bar.is_running() {
        ui.add(egui::Spinner::new());
    }
    match &bar.status {
        Some(Ok(text)) => {
            ui.weak(text);
        }
        Some(Err(text)) => {
            ui.colored_label(ui.visuals().error_fg_color, text);
        }
        None => {}
    }
}
