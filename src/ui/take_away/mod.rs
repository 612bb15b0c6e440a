//! What leaves the window: the session as a host program (File ▸ Export as) and the
//! hex view as a picture (File ▸ Save picture, `wasmscope shot`), saved or copied.

pub(super) mod animated;
pub(super) mod animation;
pub(super) mod raster;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Result;

use crate::engine::worker::Command;
use crate::hostgen::{Lang, component_program, host_program};
use crate::memory::MapKind;
use crate::recipe::relative_path;
use crate::ui::file_chooser::FileRequest;
use crate::ui::hex_view::{PictureRows, picture_size, picture_ui};
use crate::ui::state::{AppState, LogKind};
use crate::ui::{App, DEMO_FILE_NAME, DEMO_NAME, UiCommand, Wasm};

impl App {
    /// The session shown as a `lang` host program for the module shown, to be saved
    /// in `folder` (it looks for the module from there; `None`: a copy, which names
    /// the module by its absolute path).
    fn host_program(&self, lang: Lang, folder: Option<&Path>) -> Result<String> {
        let mut session = self.state.doc.instance.session.clone();
        session.module.path = match &self.state.doc.path {
            Some(path) => match folder {
                Some(folder) => relative_path(path, folder),
                None => std::path::absolute(path).unwrap_or_else(|_| path.clone()),
            },
            // A module without a file of its own: beside the program, by its name.
            None => PathBuf::from(self.module_file_name()),
        };
        let made = "made in the window";
        match &self.state.doc.wasm {
            Some(Wasm::Module(module)) => host_program(lang, &session, &module.info, &[], made),
            Some(Wasm::Component(component)) => {
                component_program(lang, &session, &component.bytes, made)
            }
            None => anyhow::bail!("open a module and run some steps first"),
        }
    }

    /// The shown module's file name (the demo's is `append.wasm`).
    fn module_file_name(&self) -> String {
        match (&self.state.doc.path, &self.state.doc.wasm) {
            (Some(path), _) => crate::recipe::file_name(path),
            (None, Some(wasm)) if wasm.name() == DEMO_NAME => DEMO_FILE_NAME.to_owned(),
            (None, Some(wasm)) => wasm.name().to_owned(),
            (None, None) => String::new(),
        }
    }

    /// Asks where to save the `lang` program, then saves it.
    pub(in crate::ui) fn export_dialog(&mut self, lang: Lang) {
        let title = format!("Export the session as {}", lang.label());
        let then = move |path| UiCommand::ExportTo(lang, path);
        self.choose_file(FileRequest::save(&title, lang.file_name(), then));
    }

    /// Has the worker save the `lang` program to `path` (atomically); the log says
    /// when it is written (or why not).
    pub(in crate::ui) fn export_to(&mut self, lang: Lang, path: PathBuf) {
        let folder = path.parent().filter(|p| !p.as_os_str().is_empty());
        match self.host_program(lang, Some(folder.unwrap_or(Path::new(".")))) {
            Ok(program) => self.worker.send(Command::WriteFile {
                path,
                bytes: program.into_bytes(),
                what: format!("the session as a {} program", lang.label()),
            }),
            Err(err) => self.state.push_log(
                LogKind::Error,
                format!("cannot export the session: {err:#}"),
            ),
        }
    }

    /// Copies the `lang` program to the clipboard.
    pub(in crate::ui) fn copy_export(&mut self, lang: Lang) {
        match self.host_program(lang, None) {
            Ok(program) => {
                self.engine_setup.ctx.copy_text(program);
                self.state.push_log(
                    LogKind::Info,
                    format!("Copied the session as a {} program.", lang.label()),
                );
            }
            Err(err) => self.state.push_log(
                LogKind::Error,
                format!("cannot export the session: {err:#}"),
            ),
        }
    }
}

/// The hex view's `rows` as a picture titled `title`, drawn in `style` at
/// `pixels_per_point`: what File ▸ Save picture saves and `wasmscope shot` writes.
pub fn hex_picture(
    state: &AppState,
    hidden: &BTreeSet<MapKind>,
    rows: &PictureRows,
    title: &str,
    style: &Arc<egui::Style>,
    pixels_per_point: f32,
) -> egui::ColorImage {
    let setup = |ctx: &egui::Context| ctx.set_global_style(Arc::clone(style));
    // Room to spare: the picture is cut to what was drawn.
    let size = raster::measure(setup, |ui| picture_size(ui, rows, state))
        .unwrap_or(egui::vec2(1200.0, 800.0))
        + egui::vec2(64.0, 64.0);
    let mut drawn = egui::Rect::NOTHING;
    let image = raster::render(size, pixels_per_point, setup, |ui| {
        drawn = picture_ui(ui, rows, state, hidden, title);
    });
    let whole = egui::Rect::from_min_size(egui::Pos2::ZERO, size);
    image.region(&drawn.intersect(whole), Some(pixels_per_point))
}

impl App {
    /// The rows the hex view shows on screen.
    pub fn rows_on_screen(&self) -> PictureRows {
        PictureRows {
            first: self.hex.first_row,
            count: self.hex.visible_rows().max(1),
            bytes_per_row: self.hex.bytes_per_row,
        }
    }

    /// A picture of `rows` of the hex view as it is now (live, or the step viewed),
    /// in the window's style, at `pixels_per_point` (the window's: `screen_scale`).
    pub fn picture(&self, rows: &PictureRows, pixels_per_point: f32) -> egui::ColorImage {
        hex_picture(
            &self.state,
            &self.hidden_layers,
            rows,
            &self.picture_title(),
            &self.engine_setup.ctx.global_style(),
            pixels_per_point,
        )
    }

    /// The window's pixels per point.
    pub fn screen_scale(&self) -> f32 {
        self.engine_setup.ctx.pixels_per_point()
    }

    /// `append.wasm · after step 4: read 41 bytes at 0x110008`.
    fn picture_title(&self) -> String {
        let module = self.module_file_name();
        let timeline = &self.state.doc.instance.timeline;
        let when = match timeline.viewed() {
            Some((index, _, label)) => match timeline.scrub() {
                Some(scrub) => format!(
                    "after write {} of {} of {}: {label}",
                    scrub.at,
                    scrub.len(),
                    timeline.name(index)
                ),
                None => format!("after {}: {label}", timeline.name(index)),
            },
            None => match timeline.len().checked_sub(1) {
                Some(last) => {
                    let label = timeline.history.get(last).map_or("", |e| e.label.as_str());
                    format!("after {}: {label}", timeline.name(last))
                }
                None => "before any step".to_owned(),
            },
        };
        format!("{module} · {when}")
    }

    /// Asks where to save a picture of the rows on screen, then saves it.
    pub(in crate::ui) fn save_picture_dialog(&mut self) {
        let request = FileRequest::save(
            "Save a picture of the hex view",
            "memory.png",
            UiCommand::SavePicture,
        );
        self.choose_file(request.filter("PNG picture", &["png"]));
    }

    /// Has the worker save a picture of the rows on screen to `path` (PNG,
    /// atomically); the log says when it is written (or why not).
    pub(in crate::ui) fn save_picture(&mut self, path: PathBuf) {
        let image = self.picture(&self.rows_on_screen(), self.screen_scale());
        match raster::encode_png(&image) {
            Ok(png) => self.worker.send(Command::WriteFile {
                path,
                bytes: png,
                what: "a picture of the hex view".to_owned(),
            }),
            Err(err) => self
                .state
                .push_log(LogKind::Error, format!("cannot save the picture: {err:#}")),
        }
    }

    /// Copies a picture of the rows on screen to the clipboard.
    pub(in crate::ui) fn copy_picture(&mut self) {
        let image = self.picture(&self.rows_on_screen(), self.screen_scale());
        self.engine_setup.ctx.copy_image(image);
        self.state
            .push_log(LogKind::Info, "Copied a picture of the hex view.");
    }
}
