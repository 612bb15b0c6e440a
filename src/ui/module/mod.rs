//! The Module tab: what a module or component declares, and calling its functions
//! (`panel.rs` for a module, `component_panel.rs` for a component's WIT and WAVE
//! form, `call_panel.rs` for the typed call form), and what a component's call adds
//! to the window (`component_view.rs`).

pub(super) mod call_panel;
mod component_panel;
pub(super) mod component_view;
pub(super) mod panel;
