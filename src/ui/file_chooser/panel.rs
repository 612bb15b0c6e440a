//! wasmscope's own file chooser: a modal window over the app while a request is
//! open. It lists the folder it is in (once, when it gets there) and names a path;
//! the command the request makes of that path reads or writes the file, as it does
//! for the system dialog.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use egui::{Key, Modifiers};

use super::listing::{Entry, list_folder, normalize, typed_path, visible};
use super::{FileAction, FileRequest};
use crate::engine::human_bytes;

/// Room for a file's size, right of its name.
const SIZE_WIDTH: f32 = 110.0;

/// How a chooser was answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// This path (an existing file for Open).
    Chosen(PathBuf),
    /// Cancel or Escape.
    Cancelled,
}

/// The chooser's form: the request, the folder it shows, and what is typed.
pub struct FileChooser {
    request: FileRequest,
    folder: PathBuf,
    /// The Folder field (Enter goes there).
    folder_text: String,
    /// The folder's entries, or why they cannot be read.
    entries: Result<Vec<Entry>, String>,
    /// Show every file, not only the request's kinds (and hidden ones).
    any_file: bool,
    /// The File name field.
    name: String,
    /// The entry clicked last, by label and real name (which may not be UTF-8).
    picked: Option<(String, OsString)>,
    /// Why the last Open or Save did not answer.
    problem: Option<String>,
    /// The existing file a Save asked about (the next Save replaces it).
    replace: Option<PathBuf>,
    /// Give the File name field the keyboard on the first frame (saves).
    focus_name: bool,
}

impl FileChooser {
    /// A chooser for `request`, showing `folder`.
    pub fn new(request: FileRequest, folder: PathBuf) -> Self {
        let mut chooser = Self {
            name: request.file_name.clone().unwrap_or_default(),
            focus_name: request.action == FileAction::Save,
            request,
            folder: PathBuf::new(),
            folder_text: String::new(),
            entries: Ok(Vec::new()),
            any_file: false,
            picked: None,
            problem: None,
            replace: None,
        };
        chooser.enter(normalize(&folder));
        chooser
    }

    /// The folder shown.
    pub fn folder(&self) -> &Path {
        &self.folder
    }

    /// The request, to make its command.
    pub fn into_request(self) -> FileRequest {
        self.request
    }

    /// Shows `folder` (listed now; an unreadable one shows why).
    fn enter(&mut self, folder: PathBuf) {
        self.entries = list_folder(&folder).map_err(|err| format!("{err:#}"));
        self.folder_text = folder.display().to_string();
        self.folder = folder;
        self.picked = None;
        self.problem = None;
        self.replace = None;
    }

    /// Goes to what the Folder field says; a file's folder is shown with it picked.
    fn enter_typed(&mut self) {
        let path = typed_path(&self.folder, &self.folder_text);
        match path.parent() {
            Some(parent) if path.is_file() => {
                let (parent, name) = (parent.to_path_buf(), path.file_name());
                let name = name.map(|n| n.to_string_lossy().into_owned());
                self.enter(parent);
                self.name = name.unwrap_or_default();
            }
            _ => self.enter(path),
        }
    }

    /// Draws the chooser; `Some` once it is answered.
    pub fn ui(&mut self, ctx: &egui::Context) -> Option<Outcome> {
        let modal = egui::Modal::new(egui::Id::unique("wasmscope file chooser")).show(ctx, |ui| {
            ui.set_width(600.0);
            ui.horizontal(|ui| {
                ui.heading(&self.request.title);
                ui.weak("wasmscope's file chooser");
            });
            ui.add_space(4.0);
            self.body(ui)
        });
        let escape = modal.is_top_modal
            && ctx.input_mut(|input| input.consume_key(Modifiers::NONE, Key::Escape));
        if escape {
            return Some(Outcome::Cancelled);
        }
        modal.inner
    }

    fn body(&mut self, ui: &mut egui::Ui) -> Option<Outcome> {
        let mut go_to = None;
        let mut folder_entered = false;
        ui.horizontal(|ui| {
            let up = self.folder.parent().map(Path::to_path_buf);
            let button = ui.add_enabled(up.is_some(), egui::Button::new("Up"));
            if button.on_hover_text("The folder this one is in").clicked() {
                go_to = up;
            }
            let label = ui.label("Folder");
            let field = ui
                .add(egui::TextEdit::singleline(&mut self.folder_text).desired_width(f32::INFINITY))
                .labelled_by(label.id);
            folder_entered = field.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter));
        });
        let double_clicked = self.entries_ui(ui, &mut go_to);
        self.any_file_ui(ui);
        let name_entered = ui
            .horizontal(|ui| {
                let label = ui.label("File name");
                let field = ui
                    .add(egui::TextEdit::singleline(&mut self.name).desired_width(f32::INFINITY))
                    .labelled_by(label.id);
                if std::mem::take(&mut self.focus_name) {
                    field.request_focus();
                }
                if field.changed() {
                    self.problem = None;
                    self.replace = None;
                }
                field.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter))
            })
            .inner;
        self.messages_ui(ui);
        let (clicked, cancelled) = self.buttons_ui(ui);
        // Enter answers unless it went to a field or button of its own.
        let enter = ui.input(|i| i.key_pressed(Key::Enter)) && ui.memory(|m| m.focused().is_none());
        if cancelled {
            return Some(Outcome::Cancelled);
        }
        if folder_entered {
            self.enter_typed();
            return None;
        }
        if let Some(folder) = go_to {
            self.enter(folder);
            return None;
        }
        if clicked || double_clicked || name_entered || enter {
            return self.answer();
        }
        None
    }

    /// The folder's entries: a folder opens on a click; a file is picked on a click
    /// and chosen on a double click (`true`).
    fn entries_ui(&mut self, ui: &mut egui::Ui, go_to: &mut Option<PathBuf>) -> bool {
        let extensions = self.request.extensions();
        let mut double_clicked = false;
        egui::ScrollArea::vertical()
            // Each folder scrolls from its top.
            .id_salt(&self.folder)
            .min_scrolled_height(280.0)
            .max_height(280.0)
            .auto_shrink([false, false])
            .show(ui, |ui| {
                let entries = match &self.entries {
                    Ok(entries) => entries,
                    Err(problem) => {
                        ui.colored_label(ui.visuals().error_fg_color, problem);
                        return;
                    }
                };
                let mut shown = 0;
                // Each entry is as wide as the list, its size at the right.
                let width = (ui.available_width() - SIZE_WIDTH).max(100.0);
                for entry in visible(entries, &extensions, self.any_file) {
                    shown += 1;
                    let (text, size) = match entry.is_dir {
                        true => (format!("{}/", entry.label), String::new()),
                        false => (entry.label.clone(), human_bytes(entry.size)),
                    };
                    let picked = !entry.is_dir && self.name == entry.label;
                    let row = ui
                        .horizontal(|ui| {
                            let button =
                                egui::Button::selectable(picked, (text, egui::Atom::grow()))
                                    .min_size(egui::vec2(width, 0.0));
                            let response = ui.add(button);
                            ui.weak(size);
                            response
                        })
                        .inner;
                    if entry.is_dir && row.clicked() {
                        *go_to = Some(self.folder.join(&entry.name));
                    } else if !entry.is_dir && (row.clicked() || row.double_clicked()) {
                        self.name = entry.label.clone();
                        self.picked = Some((entry.label.clone(), entry.name.clone()));
                        self.problem = None;
                        self.replace = None;
                        double_clicked |= row.double_clicked();
                    }
                }
                if shown == 0 {
                    ui.weak(if entries.is_empty() {
                        "This folder is empty."
                    } else {
                        "No folders or files of this kind here."
                    });
                }
            });
        double_clicked
    }

    /// The toggle that shows every file.
    fn any_file_ui(&mut self, ui: &mut egui::Ui) {
        let extensions = self.request.extensions();
        if extensions.is_empty() {
            ui.checkbox(&mut self.any_file, "Hidden files too");
            return;
        }
        let kinds: Vec<String> = extensions.iter().map(|e| format!(".{e}")).collect();
        ui.checkbox(&mut self.any_file, "Any file")
            .on_hover_text(format!(
                "Shown: folders and {} files. Ticked: every file, hidden ones too.",
                kinds.join(", ")
            ));
    }

    /// Why the last answer did not go through, or what Save asks first.
    fn messages_ui(&self, ui: &mut egui::Ui) {
        if let Some(problem) = &self.problem {
            ui.colored_label(ui.visuals().error_fg_color, problem);
        }
        if let Some(path) = &self.replace {
            let name = path.file_name().unwrap_or(path.as_os_str());
            ui.colored_label(
                ui.visuals().warn_fg_color,
                format!(
                    "{} already exists: Replace writes over it.",
                    name.to_string_lossy()
                ),
            );
        }
    }

    /// Open or Save (or Replace), and Cancel: which was clicked.
    fn buttons_ui(&self, ui: &mut egui::Ui) -> (bool, bool) {
        let verb = match (self.request.action, &self.replace) {
            (FileAction::Open, _) => "Open",
            (FileAction::Save, None) => "Save",
            (FileAction::Save, Some(_)) => "Replace",
        };
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            let ready = !self.name.trim().is_empty();
            let clicked = ui.add_enabled(ready, egui::Button::new(verb)).clicked();
            let cancelled = ui.button("Cancel").clicked();
            (clicked, cancelled)
        })
        .inner
    }

    /// Answers with the File name field: a folder is entered; Open needs an existing
    /// file, Save an existing folder (and asks before replacing a file).
    fn answer(&mut self) -> Option<Outcome> {
        let text = self.name.trim().to_owned();
        if text.is_empty() {
            return None;
        }
        let path = match &self.picked {
            Some((label, name)) if *label == text => self.folder.join(name),
            _ => typed_path(&self.folder, &text),
        };
        if path.is_dir() {
            self.name.clear();
            self.enter(path);
            return None;
        }
        match self.request.action {
            FileAction::Open if path.is_file() => Some(Outcome::Chosen(path)),
            FileAction::Open => {
                self.problem = Some(format!("There is no file {}.", path.display()));
                None
            }
            FileAction::Save => {
                let path = self.request.with_extension(path);
                let folder = path.parent().unwrap_or(Path::new("/"));
                if !folder.is_dir() {
                    self.problem = Some(format!("There is no folder {}.", folder.display()));
                    None
                } else if path.exists() && self.replace.as_ref() != Some(&path) {
                    self.replace = Some(path);
                    None
                } else {
                    Some(Outcome::Chosen(path))
                }
            }
        }
    }
}
