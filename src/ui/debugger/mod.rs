//! A stepped call, paused: `stepping.rs` applies each pause to the window's state
//! (its memory, its timeline entry, its function's code), `back.rs` looks back at its
//! earlier pauses, `panel.rs` draws it.

mod back;
pub(super) mod panel;
mod source;
mod stepping;
mod variables;
mod variables_panel;

pub use source::{SourceLine, SourceView};
pub use variables::{Follow, ShownVariables};
