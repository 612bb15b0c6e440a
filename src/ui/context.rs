//! What a panel is lent for one frame (in the manner of rerun's `ViewerContext`):
//! the document to read, a few facts about the window, and where to push what it
//! wants done. No panel gets `&mut AppState`; a panel with a form of its own owns it
//! beside this.

use std::ops::Range;
use std::sync::Arc;

use super::UiCommand;
use super::document::{Document, Wasm};
use super::hex_view::HexView;
use super::state::AppState;
use crate::memory::Snapshot;

/// What a panel may read, and its way to ask for changes.
pub struct PanelContext<'a> {
    /// The document shown.
    pub doc: &'a Document,
    /// Host address shown for guest offset 0.
    pub host_base: u64,
    /// Whether steps can be sent now (see `AppState::can_step`).
    pub can_step: bool,
    /// Whether steps run (or a load replays) now.
    pub busy: bool,
    /// What a load on its way brings, once the worker has inspected it.
    pub loading: Option<&'a Wasm>,
    /// The hex view's cursor (the byte the Inspector shows).
    pub cursor: Option<u64>,
    /// The hex view's selection (at least the cursor's byte).
    pub selection: Option<Range<u64>>,
    commands: &'a mut Vec<UiCommand>,
}

impl<'a> PanelContext<'a> {
    /// Lends `state` (and where `hex` is) to panels that push to `commands`.
    pub fn new(state: &'a AppState, hex: &HexView, commands: &'a mut Vec<UiCommand>) -> Self {
        Self {
            doc: &state.doc,
            host_base: state.host_base(),
            can_step: state.can_step(),
            busy: state.running().is_some(),
            loading: state.loading.as_ref().and_then(|l| l.wasm.as_ref()),
            cursor: hex.cursor,
            selection: hex.selection(),
            commands,
        }
    }

    /// The memory the hex view shows (the timeline entry viewed, else live).
    pub fn memory(&self) -> &'a Arc<Snapshot> {
        self.doc.instance.shown_snapshot()
    }

    /// Asks for `command`; the app applies it after the frame.
    pub fn push(&mut self, command: UiCommand) {
        self.commands.push(command);
    }
}
