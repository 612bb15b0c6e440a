//! The Inspector and Memory map tabs: the byte under the cursor, copied, decoded and
//! edited (`panel.rs`, `decode_panel.rs`), and the memory's segments, stack, heap and
//! allocations (`memory_map_panel.rs`).

mod decode_panel;
pub(super) mod memory_map_panel;
pub(super) mod panel;
