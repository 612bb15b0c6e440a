//! A step's writes as a moving picture: one frame of the hex view per write (or per
//! `every` writes), from memory as the step found it to memory as it left it, the
//! frame's write outlined. `wasmscope shot --animate` and File ▸ Save animation make
//! the same file: an APNG, or a GIF when its name ends in `.gif` (`animated.rs`).

use std::path::PathBuf;

use anyhow::{Result, bail};
use egui::ColorImage;

use super::animated::AnimationFormat;
use crate::engine::worker::Command;
use crate::ui::file_chooser::FileRequest;
use crate::ui::hex_view::PictureRows;
use crate::ui::state::LogKind;
use crate::ui::{App, UiCommand};

/// Most frames an animation has (without `every`, the step's writes are spread over
/// them).
pub const MAX_FRAMES: usize = 240;

/// Which writes of which step an animation shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Animation {
    /// The timeline entry (a step that kept its writes).
    pub entry: usize,
    /// Writes per frame (`None`: as few as keep to `MAX_FRAMES`).
    pub every: Option<usize>,
    /// Milliseconds per frame.
    pub frame_ms: u16,
}

impl App {
    /// The newest step that kept its writes, if any: what an animation shows unless
    /// told otherwise (the step viewed, in the window).
    pub fn animated_entry(&self) -> Option<usize> {
        let timeline = &self.state.doc.instance.timeline;
        match timeline.viewing() {
            Some(entry) => timeline.calls.get(entry).map(|_| entry),
            None => timeline.calls.at_or_before(timeline.len().checked_sub(1)?),
        }
    }

    /// The frames of `animation` over `rows`, at `pixels_per_point`. The view is back
    /// where it was afterwards.
    pub fn animation_frames(
        &mut self,
        animation: Animation,
        rows: &PictureRows,
        pixels_per_point: f32,
    ) -> Result<Vec<ColorImage>> {
        let timeline = &self.state.doc.instance.timeline;
        let name = timeline.name(animation.entry);
        let Some(call) = timeline.calls.get(animation.entry) else {
            bail!("{name} kept no writes of its own to animate");
        };
        let writes = call.writes.len();
        let every = match animation.every {
            Some(0) => bail!("a frame shows at least one write (--every 1 or more)"),
            Some(every) => every,
            None => writes.div_ceil(MAX_FRAMES - 1).max(1),
        };
        let frames = writes.div_ceil(every) + 1;
        if frames > MAX_FRAMES {
            bail!(
                "{name}'s {writes} writes, {every} a frame, make {frames} frames; at most \
                 {MAX_FRAMES} (show more writes a frame: --every {})",
                writes.div_ceil(MAX_FRAMES - 1)
            );
        }
        let (viewing, scrub) = (timeline.viewing(), timeline.scrub().map(|s| s.at));
        let mut images = Vec::with_capacity(frames);
        for frame in 0..frames {
            let at = (frame * every).min(writes);
            self.state.scrub(animation.entry, at);
            images.push(self.picture(rows, pixels_per_point));
        }
        match (viewing, scrub) {
            (Some(entry), Some(at)) => self.state.scrub(entry, at),
            (viewing, _) => self.state.view_step(viewing),
        }
        Ok(images)
    }

    /// Asks where to save an animation of the step viewed (or the newest that kept its
    /// writes), then saves it.
    pub(in crate::ui) fn save_animation_dialog(&mut self) {
        if self.animated_entry().is_none() {
            self.state.push_log(
                LogKind::Error,
                "No step kept writes to animate: run a call of a recorded module first \
                 (Settings: Record every write).",
            );
            return;
        }
        let request = FileRequest::save(
            "Save an animation of the step's writes",
            "writes.png",
            UiCommand::SaveAnimation,
        );
        let request = request
            .filter("Animated PNG", &["png", "apng"])
            .filter("GIF", &["gif"]);
        self.choose_file(request);
    }

    /// Has the worker save the animation of the rows on screen to `path` (APNG, or
    /// GIF by its extension; atomically); the log says when it is written (or why not).
    pub(in crate::ui) fn save_animation(&mut self, path: PathBuf) {
        let Some(entry) = self.animated_entry() else {
            return;
        };
        let format = match AnimationFormat::of(&path) {
            Ok(format) => format,
            Err(err) => {
                self.state.push_log(
                    LogKind::Error,
                    format!("cannot save the animation: {err:#}"),
                );
                return;
            }
        };
        let animation = Animation {
            entry,
            every: None,
            frame_ms: 150,
        };
        let rows = self.rows_on_screen();
        let frames = self.animation_frames(animation, &rows, self.screen_scale());
        match frames.and_then(|frames| format.encode(&frames, animation.frame_ms)) {
            Ok(bytes) => self.worker.send(Command::WriteFile {
                path,
                bytes,
                what: "an animation of the step's writes".to_owned(),
            }),
            Err(err) => self.state.push_log(
                LogKind::Error,
                format!("cannot save the animation: {err:#}"),
            ),
        }
    }
}
