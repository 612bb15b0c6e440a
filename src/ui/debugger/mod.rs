//! A stepped call, paused: `stepping.rs` applies each pause to the window's state
//! (its memory, its timeline entry, its function's code), `panel.rs` draws it.

pub(super) mod panel;
mod stepping;
